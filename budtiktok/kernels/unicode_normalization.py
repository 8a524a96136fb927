"""Unicode normalization (NFD, NFKD, NFC, NFKC) with HuggingFace's exact output and alignments.

HuggingFace runs the ``unicode-normalization-alignments`` crate, which tags each output char with a
change: the first char of a decomposition 0, the rest +1; canonical reordering moves chars *with*
their tags; composition sums tags (``first + second - 1``). ``NormalizedString::transform`` then
reads the tags positionally over the old chars: a tag <= 0 takes the alignment of the next old
char and skips ``-tag`` more; a +1 takes the alignment of the old char just before (``-1``, i.e.
``(0, 0)``, at the very start). So alignments stay in place when marks are reordered.

Runs of *quick* chars (starters the form leaves alone and that combine with nothing before them,
all ASCII among them) are copied as they are; each stretch of other chars (a *segment*, ending
before the next quick char) goes through three passes over ``out``: decompose + reorder (tags in
``out_src``), compose in place (NFC/NFKC), then tags → source indices.
"""
import numpy as np

from ..tables.unicode_normalization import (
    BLOCK_SHIFT, HANGUL_L_FIRST, HANGUL_SYLLABLE_COUNT, HANGUL_SYLLABLE_FIRST, HANGUL_V_FIRST,
    NFC, NFD, NFKC, NFKD,
)
from ._jit import kernel

__all__ = ["NFD", "NFKD", "NFC", "NFKC", "normalization_table_args", "unicode_normalize"]

BLOCK_MASK = (1 << BLOCK_SHIFT) - 1
HANGUL_T_BASE = 0x11A7
HANGUL_L_COUNT = 19
HANGUL_V_COUNT = 21
HANGUL_T_COUNT = 28
HANGUL_N_COUNT = HANGUL_V_COUNT * HANGUL_T_COUNT
# Longer runs of combining marks are sorted with a stable merge sort instead of insertion sort.
INSERTION_SORT_LIMIT = 32


def normalization_table_args(tables):
    """The table arrays in ``unicode_normalize``'s argument order (after ``form``)."""
    return (
        tables.block_index, tables.block_records, tables.record_ccc,
        tables.record_canonical_offset, tables.record_canonical_length,
        tables.record_compat_offset, tables.record_compat_length,
        tables.record_compose_offset, tables.record_compose_length, tables.record_composes_backward,
        tables.record_quick_forms, tables.decomposition_code_points,
        tables.compose_second, tables.compose_result,
    )


@kernel
def _record(cp, block_index, block_records):
    """The record id of code point ``cp``."""
    return block_records[(np.int64(block_index[cp >> BLOCK_SHIFT]) << BLOCK_SHIFT) | (cp & BLOCK_MASK)]


@kernel
def _sort_marks(out_cp, out_src, lo, hi, block_index, block_records, record_ccc):
    """Stable sort of ``out[lo:hi]`` (all non-starters) by combining class; tags move with chars."""
    if hi - lo <= INSERTION_SORT_LIMIT:
        for i in range(lo + 1, hi):
            cp = out_cp[i]
            tag = out_src[i]
            key = record_ccc[_record(cp, block_index, block_records)]
            j = i
            while j > lo:
                left = out_cp[j - 1]
                if record_ccc[_record(left, block_index, block_records)] <= key:
                    break
                out_cp[j] = left
                out_src[j] = out_src[j - 1]
                j -= 1
            out_cp[j] = cp
            out_src[j] = tag
        return
    keys = np.empty(hi - lo, np.int32)
    for i in range(lo, hi):
        keys[i - lo] = record_ccc[_record(out_cp[i], block_index, block_records)]
    order = np.argsort(keys, kind="mergesort")
    cps = out_cp[lo:hi].copy()
    tags = out_src[lo:hi].copy()
    for i in range(hi - lo):
        out_cp[lo + i] = cps[order[i]]
        out_src[lo + i] = tags[order[i]]


@kernel
def _compose_hangul(first, second):
    """The syllable composed from jamo L + V or syllable LV + jamo T, or -1."""
    l_index = first - HANGUL_L_FIRST
    if 0 <= l_index < HANGUL_L_COUNT:
        v_index = second - HANGUL_V_FIRST
        if 0 <= v_index < HANGUL_V_COUNT:
            return HANGUL_SYLLABLE_FIRST + (l_index * HANGUL_V_COUNT + v_index) * HANGUL_T_COUNT
        return -1
    s_index = first - HANGUL_SYLLABLE_FIRST
    t_index = second - HANGUL_T_BASE
    is_lv_syllable = 0 <= s_index < HANGUL_SYLLABLE_COUNT and s_index % HANGUL_T_COUNT == 0
    if is_lv_syllable and 0 < t_index < HANGUL_T_COUNT:
        return first + t_index
    return -1


@kernel
def unicode_normalize(in_cp, in_src, n, out_cp, out_src, form,
                      block_index, block_records, record_ccc,
                      record_canonical_offset, record_canonical_length,
                      record_compat_offset, record_compat_length,
                      record_compose_offset, record_compose_length, record_composes_backward,
                      record_quick_forms, decomposition_code_points, compose_second, compose_result):
    """Normalize ``in_cp[:n]`` (aligned to ``in_src``) into ``out_cp`` / ``out_src``; returns the length.

    ``form``: NFD, NFKD, NFC or NFKC. ``out_*`` must hold ``n * tables.max_expansion[form] + 4`` items
    (the decomposition is built in place before composing) and must not alias ``in_*``. ``out_src`` gets,
    per output char, the ``in_src`` value it is aligned to (-1 for HuggingFace's ``(0, 0)``).
    Allocates only to sort a run of more than INSERTION_SORT_LIMIT combining marks.
    """
    compatible = form == NFKD or form == NFKC
    composing = form == NFC or form == NFKC
    quick_bit = 1 << form
    w = 0
    i = 0
    while i < n:
        # Quick chars (all ASCII) stay as they are: copy runs of them. When composing, the last
        # char of a run may still combine with the char after it, so it goes with the next segment.
        run_start = i
        while i < n:
            cp = in_cp[i]
            if cp >= 0x80 and record_quick_forms[_record(cp, block_index, block_records)] & quick_bit == 0:
                break
            out_cp[w] = cp
            out_src[w] = in_src[i]
            w += 1
            i += 1
        if i == n:
            break
        if composing and i > run_start:
            i -= 1
            w -= 1
        # Pass 1 over a segment, which reaches the next quick char: a starter that composes with
        # nothing before it, so no reordering or composition crosses it. Decompose, tagging each
        # char 0 (first of its source char) or 1, and reorder marks.
        segment_start = i
        out_start = w
        marks_start = w  # the run of non-starters since the last starter
        marks_unsorted = False
        last_ccc = 0
        while i < n:
            cp = in_cp[i]
            record = 0
            if cp >= 0x80:
                record = _record(cp, block_index, block_records)
                if i > segment_start and record_quick_forms[record] & quick_bit != 0:
                    break
            elif i > segment_start:
                break
            i += 1
            s_index = cp - HANGUL_SYLLABLE_FIRST
            if cp < 0x80 or 0 <= s_index < HANGUL_SYLLABLE_COUNT:
                if marks_unsorted:
                    _sort_marks(out_cp, out_src, marks_start, w, block_index, block_records, record_ccc)
                    marks_unsorted = False
                if cp < 0x80:
                    out_cp[w] = cp
                    out_src[w] = 0
                    w += 1
                else:
                    # The T slot is written unconditionally (out has room) and kept only for LVT.
                    t_index = s_index % HANGUL_T_COUNT
                    out_cp[w] = HANGUL_L_FIRST + s_index // HANGUL_N_COUNT
                    out_cp[w + 1] = HANGUL_V_FIRST + (s_index % HANGUL_N_COUNT) // HANGUL_T_COUNT
                    out_cp[w + 2] = HANGUL_T_BASE + t_index
                    out_src[w] = 0
                    out_src[w + 1] = 1
                    out_src[w + 2] = 1
                    w += 3 if t_index > 0 else 2
                marks_start = w
                last_ccc = 0
                continue
            if compatible:
                offset = record_compat_offset[record]
                length = np.int64(record_compat_length[record])
            else:
                offset = record_canonical_offset[record]
                length = np.int64(record_canonical_length[record])
            if length == 0:  # the char stands for itself
                offset = -1
                length = 1
            for part in range(length):
                if offset >= 0:
                    cp = decomposition_code_points[offset + part]
                    record = _record(cp, block_index, block_records)
                ccc = record_ccc[record]
                if ccc == 0 and marks_unsorted:
                    _sort_marks(out_cp, out_src, marks_start, w, block_index, block_records, record_ccc)
                    marks_unsorted = False
                out_cp[w] = cp
                out_src[w] = 0 if part == 0 else 1
                w += 1
                if ccc == 0:
                    marks_start = w
                elif ccc < last_ccc:
                    marks_unsorted = True
                last_ccc = ccc
        if marks_unsorted:
            _sort_marks(out_cp, out_src, marks_start, w, block_index, block_records, record_ccc)

        # Pass 2 (NFC/NFKC): compose in place, as the crate does: a starter absorbs each following
        # char that is not blocked and composes with it; the rest stay in order after it.
        if composing:
            decomposed_end = w
            w = out_start
            composee = -1
            last_ccc = -1  # -1: nothing kept since the composee
            for r in range(out_start, decomposed_end):
                cp = out_cp[r]
                tag = out_src[r]
                ccc = 0
                composes_backward = False
                if cp >= 0x80:
                    record = _record(cp, block_index, block_records)
                    ccc = np.int32(record_ccc[record])
                    composes_backward = record_composes_backward[record] != 0
                if composee >= 0 and (last_ccc < 0 or last_ccc < ccc):
                    first = out_cp[composee]
                    composed = -1
                    if composes_backward:
                        first_record = _record(first, block_index, block_records)
                        pairs_start = record_compose_offset[first_record]
                        for pair in range(pairs_start, pairs_start + record_compose_length[first_record]):
                            if compose_second[pair] == cp:
                                composed = compose_result[pair]
                                break
                    else:
                        composed = _compose_hangul(first, cp)
                    if composed >= 0:
                        out_cp[composee] = composed
                        out_src[composee] += tag - 1
                        continue
                out_cp[w] = cp
                out_src[w] = tag
                if ccc == 0:
                    composee = w
                    last_ccc = -1
                elif composee >= 0:
                    last_ccc = ccc
                w += 1

        # Pass 3: tags → source indices, read positionally over the segment's input chars.
        position = segment_start
        for r in range(out_start, w):
            tag = out_src[r]
            inserted = tag > 0
            aligned_to = position - 1 if inserted else position
            out_src[r] = in_src[aligned_to] if aligned_to >= 0 else -1
            position += 0 if inserted else 1 - tag
    return w
