"""Truncation (with overflow windows), the post-processor template, offset trimming and padding.

Input: raw per-sequence encodings from ``pipeline`` (flat columns + ``row_splits``) and, per input,
the raw row of sequence A and of sequence B (-1 for none). Output rows: the main row of every input
first, then every overflow row, grouped by input (``overflow_splits``). Each row is the template
applied to one window of A and one of B, in HuggingFace's order: (0,0), then for each A overflow a:
(a,0), (a,1), …; then (0,b) for each B overflow b.
"""
import numpy as np
from numba import prange

from ._jit import kernel, parallel_kernel
from .pipeline import UNK_TEXT

PIECE_A = 0
PIECE_B = 1
PIECE_SPECIAL = 2

LONGEST_FIRST = 0
ONLY_FIRST = 1
ONLY_SECOND = 2

ERROR_SEQUENCE_TOO_SHORT = 1
ERROR_NO_SECOND_SEQUENCE = 2
ERROR_STRIDE_TOO_LARGE = 3

SPECIAL = 1
PAD = 2


@kernel
def window_count(length, limit, stride):
    """How many windows ``truncate(limit, stride)`` cuts a sequence of ``length`` tokens into."""
    if limit < 0 or limit >= length:
        return 1
    if limit == 0:
        return 2
    step = limit - stride
    return 1 + (length - limit + step - 1) // step


@kernel
def window(length, limit, stride, left, k):
    """The ``k``-th window (start, stop); window 0 is the one that stays in the main row."""
    if limit < 0 or limit >= length:
        return 0, length
    if limit == 0:
        return (0, 0) if k == 0 else (0, length)
    step = limit - stride
    if left:
        stop = length - k * step
        return max(stop - limit, 0), stop
    start = k * step
    return start, min(start + limit, length)


@kernel
def truncation_targets(len_a, len_b, has_b, max_length, strategy):
    """Per-sequence truncation lengths (-1: untouched) and an error code, as HuggingFace's
    ``truncate_encodings`` computes them from the effective max length."""
    if max_length < 0:
        return -1, -1, 0
    if max_length == 0:
        return 0, (0 if has_b else -1), 0
    total = len_a + len_b
    if total <= max_length:
        return -1, -1, 0
    to_remove = total - max_length
    if strategy == LONGEST_FIRST:
        if not has_b:
            return max_length, -1, 0
        n1 = min(len_a, len_b)
        n2 = max(len_a, len_b)
        if n1 > max_length:
            n2 = n1
        else:
            n2 = max(n1, max_length - n1)
        if n1 + n2 > max_length:
            n1 = max_length // 2
            n2 = n1 + max_length % 2
        if len_a > len_b:
            return n2, n1, 0
        return n1, n2, 0
    if strategy == ONLY_FIRST:
        if len_a > to_remove:
            return len_a - to_remove, -1, 0
        return -1, -1, ERROR_SEQUENCE_TOO_SHORT
    if not has_b:
        return -1, -1, ERROR_NO_SECOND_SEQUENCE
    if len_b > to_remove:
        return -1, len_b - to_remove, 0
    return -1, -1, ERROR_SEQUENCE_TOO_SHORT


@kernel
def _stride_fits(length, limit, stride):
    """Whether cutting to ``limit`` with ``stride`` is allowed (HF asserts stride < limit)."""
    return limit < 0 or limit >= length or limit == 0 or stride < limit


@kernel
def plan_rows(raw_splits, seq_a, seq_b, max_length, n_added_single, n_added_pair, stride, strategy):
    """Lay out every output row: returns the plan (input, window of A, window of B per row), the
    truncation targets per input, ``overflow_splits`` and per-input error codes.

    ``max_length`` -1 means no truncation; ``n_added_*`` are 0 without special tokens."""
    n_inputs = seq_a.shape[0]
    errors = np.zeros(n_inputs, np.int32)
    targets = np.empty((n_inputs, 2), np.int64)
    counts = np.empty((n_inputs, 2), np.int64)
    n_rows = 0
    for i in range(n_inputs):
        has_b = seq_b[i] >= 0
        len_a = raw_splits[seq_a[i] + 1] - raw_splits[seq_a[i]]
        len_b = raw_splits[seq_b[i] + 1] - raw_splits[seq_b[i]] if has_b else 0
        limit = max_length
        if max_length >= 0:
            # below the special tokens' count HuggingFace does not truncate at all (checked_sub)
            n_added = n_added_pair if has_b else n_added_single
            limit = max_length - n_added if max_length >= n_added else -1
        ta, tb, error = truncation_targets(len_a, len_b, has_b, limit, strategy)
        if error == 0 and not (_stride_fits(len_a, ta, stride) and _stride_fits(len_b, tb, stride)):
            error = ERROR_STRIDE_TOO_LARGE
        if error != 0:
            errors[i] = error
            ta = -1
            tb = -1
        targets[i, 0] = ta
        targets[i, 1] = tb
        counts[i, 0] = window_count(len_a, ta, stride)
        counts[i, 1] = window_count(len_b, tb, stride) if has_b else 1
        n_rows += counts[i, 0] * counts[i, 1]

    plan = np.empty((n_rows, 3), np.int64)
    overflow_splits = np.zeros(n_inputs + 1, np.int64)
    at = n_inputs
    for i in range(n_inputs):
        plan[i, 0] = i
        plan[i, 1] = 0
        plan[i, 2] = 0
        for a in range(1, counts[i, 0]):
            for b in range(counts[i, 1]):
                plan[at, 0] = i
                plan[at, 1] = a
                plan[at, 2] = b
                at += 1
        for b in range(1, counts[i, 1]):
            plan[at, 0] = i
            plan[at, 1] = 0
            plan[at, 2] = b
            at += 1
        overflow_splits[i + 1] = at - n_inputs
    return plan, targets, overflow_splits, errors


@kernel
def _row_window(raw_splits, seq_row, target, stride, left, k):
    """Absolute raw token range of window ``k`` of a sequence (empty for a missing sequence)."""
    if seq_row < 0:
        return 0, 0
    base = raw_splits[seq_row]
    length = raw_splits[seq_row + 1] - base
    start, stop = window(length, target, stride, left, k)
    return base + start, base + stop


@kernel
def allocate_rows(raw_splits, seq_a, seq_b, plan, targets, stride, left, add_special_tokens, template_single,
                  template_pair, special_splits, pad_target):
    """Row lengths (padding included) → ``row_splits``."""
    n_rows = plan.shape[0]
    row_splits = np.zeros(n_rows + 1, np.int64)
    for r in range(n_rows):
        i = plan[r, 0]
        template = template_pair if seq_b[i] >= 0 else template_single
        a0, a1 = _row_window(raw_splits, seq_a[i], targets[i, 0], stride, left, plan[r, 1])
        b0, b1 = _row_window(raw_splits, seq_b[i], targets[i, 1], stride, left, plan[r, 2])
        length = 0
        for p in range(template.shape[0]):
            kind = template[p, 0]
            if kind == PIECE_A:
                length += a1 - a0
            elif kind == PIECE_B:
                length += b1 - b0
            elif add_special_tokens:
                s = template[p, 2]
                length += special_splits[s + 1] - special_splits[s]
        row_splits[r + 1] = row_splits[r] + max(length, pad_target)
    return row_splits


@kernel
def _pad(ids, type_ids, start, end, word, flags, source, at, count, pad_id, pad_type_id):
    """Write ``count`` pad tokens from ``at``."""
    for k in range(at, at + count):
        ids[k] = pad_id
        type_ids[k] = pad_type_id
        start[k] = 0
        end[k] = 0
        word[k] = -1
        flags[k] = SPECIAL | PAD
        source[k] = -1


@kernel
def fill_row(r, raw, seq_a, seq_b, plan, targets, stride, left, add_special_tokens, template_single,
             template_pair, specials, types, trim, pad, out, row_splits):
    """Write row ``r``: pads, template specials (``source`` = -2 - special index) and windows."""
    raw_ids, raw_start, raw_end, raw_word, raw_added, raw_splits = raw
    special_ids, special_splits = specials
    main_type, overflow_type = types
    trim_offsets, trim_add_prefix_space, trim_lead, trim_trail = trim
    pad_left, pad_id, pad_type_id = pad
    ids, type_ids, start, end, word, flags, source, ranges = out
    i = plan[r, 0]
    template = template_pair if seq_b[i] >= 0 else template_single
    w0a, w1a = _row_window(raw_splits, seq_a[i], targets[i, 0], stride, left, plan[r, 1])
    w0b, w1b = _row_window(raw_splits, seq_b[i], targets[i, 1], stride, left, plan[r, 2])
    content = 0
    for p in range(template.shape[0]):
        kind = template[p, 0]
        if kind == PIECE_A:
            content += w1a - w0a
        elif kind == PIECE_B:
            content += w1b - w0b
        elif add_special_tokens:
            content += special_splits[template[p, 2] + 1] - special_splits[template[p, 2]]
    n_pad = row_splits[r + 1] - row_splits[r] - content
    at = row_splits[r]
    if pad_left:
        _pad(ids, type_ids, start, end, word, flags, source, at, n_pad, pad_id, pad_type_id)
        at += n_pad
    for p in range(template.shape[0]):
        kind = template[p, 0]
        if kind == PIECE_SPECIAL:
            if not add_special_tokens:
                continue
            s = template[p, 2]
            for k in range(special_splits[s], special_splits[s + 1]):
                ids[at] = special_ids[k]
                type_ids[at] = template[p, 1]
                start[at] = 0
                end[at] = 0
                word[at] = -1
                flags[at] = SPECIAL
                source[at] = -2 - k
                at += 1
            continue
        w0 = w0a if kind == PIECE_A else w0b
        w1 = w1a if kind == PIECE_A else w1b
        seq_type = overflow_type[kind] if plan[r, 1 + kind] > 0 else main_type[kind]
        if seq_type < 0:
            seq_type = template[p, 1]
        ranges[r, 2 * kind] = at - row_splits[r]
        for t in range(w0, w1):
            s0 = raw_start[t]
            s1 = raw_end[t]
            if trim_offsets:
                info = raw_added[t]
                if info == 0 or info & UNK_TEXT:
                    leading = np.int64(trim_lead[raw_ids[t]])
                    trailing = np.int64(trim_trail[raw_ids[t]])
                else:
                    leading = np.int64((info >> 2) & 0x3FFF)
                    trailing = np.int64((info >> 16) & 0x3FFF)
                if leading > 0:
                    if (t == w0 or s0 == 0) and trim_add_prefix_space and leading == 1:
                        leading = 0
                    s0 = min(s0 + leading, s1)
                if trailing > 0 and s1 >= trailing:
                    s1 = max(s1 - trailing, s0)
            ids[at] = raw_ids[t]
            type_ids[at] = seq_type
            start[at] = s0
            end[at] = s1
            word[at] = raw_word[t]
            flags[at] = 0
            source[at] = t
            at += 1
        ranges[r, 2 * kind + 1] = at - row_splits[r]
    if not pad_left:
        _pad(ids, type_ids, start, end, word, flags, source, at, n_pad, pad_id, pad_type_id)


@kernel
def output_columns(row_splits):
    """Empty output columns for ``row_splits``: ids, type ids, start, end, word, flags, source, ranges."""
    total = row_splits[-1]
    n_rows = row_splits.shape[0] - 1
    return (np.empty(total, np.int32), np.empty(total, np.uint8), np.empty(total, np.int32),
            np.empty(total, np.int32), np.empty(total, np.int32), np.empty(total, np.uint8),
            np.empty(total, np.int64), np.full((n_rows, 4), -1, np.int32))


@kernel
def _prepare(raw, seq_a, seq_b, truncation, add_special_tokens, template_single, template_pair, specials, padding):
    """Plan, pad target, row layout and empty output columns, shared by both drivers. ``padding`` =
    (on, fixed length or -1, multiple of or 0, left, pad id, pad type id). On any per-input error
    no row gets tokens."""
    raw_splits = raw[5]
    max_length, stride, strategy, left, n_added_single, n_added_pair = truncation
    plan, targets, overflow_splits, errors = plan_rows(raw_splits, seq_a, seq_b, max_length, n_added_single,
                                                       n_added_pair, stride, strategy)
    pad_target = 0
    if padding[0]:
        pad_target = padded_length(raw_splits, seq_a, seq_b, targets, stride, left, add_special_tokens,
                                   n_added_single, n_added_pair, padding[1], padding[2])
    row_splits = allocate_rows(raw_splits, seq_a, seq_b, plan, targets, stride, left, add_special_tokens,
                               template_single, template_pair, specials[1], pad_target)
    n_rows = 0 if errors.any() else plan.shape[0]
    if n_rows == 0:
        row_splits[:] = 0
    return plan, targets, overflow_splits, errors, row_splits, output_columns(row_splits), n_rows


@kernel
def post_process_serial(raw, seq_a, seq_b, truncation, add_special_tokens, template_single, template_pair,
                        specials, types, trim, padding):
    """Truncate, apply the template, trim offsets and pad, on the calling thread. Returns the
    output columns (see ``fill_row``), ``row_splits``, ``overflow_splits``, per-input errors (on
    any error nothing is filled) and the row plan (input, window of A, window of B)."""
    plan, targets, overflow_splits, errors, row_splits, out, n_rows = _prepare(
        raw, seq_a, seq_b, truncation, add_special_tokens, template_single, template_pair, specials, padding)
    for r in range(n_rows):
        fill_row(r, raw, seq_a, seq_b, plan, targets, truncation[1], truncation[3], add_special_tokens,
                 template_single, template_pair, specials, types, trim, padding[3:], out, row_splits)
    return out, row_splits, overflow_splits, errors, plan


@parallel_kernel
def post_process_parallel(raw, seq_a, seq_b, truncation, add_special_tokens, template_single, template_pair,
                          specials, types, trim, padding):
    """``post_process_serial`` with the rows spread over threads."""
    plan, targets, overflow_splits, errors, row_splits, out, n_rows = _prepare(
        raw, seq_a, seq_b, truncation, add_special_tokens, template_single, template_pair, specials, padding)
    for r in prange(n_rows):
        fill_row(r, raw, seq_a, seq_b, plan, targets, truncation[1], truncation[3], add_special_tokens,
                 template_single, template_pair, specials, types, trim, padding[3:], out, row_splits)
    return out, row_splits, overflow_splits, errors, plan


@kernel
def padded_length(raw_splits, seq_a, seq_b, targets, stride, left, add_special_tokens, n_added_single,
                  n_added_pair, fixed_length, pad_to_multiple_of):
    """HuggingFace's padding target: a fixed length, or the longest main row, then rounded up."""
    if fixed_length >= 0:
        length = fixed_length
    else:
        length = 0
        for r in range(seq_a.shape[0]):
            has_b = seq_b[r] >= 0
            a0, a1 = _row_window(raw_splits, seq_a[r], targets[r, 0], stride, left, 0)
            b0, b1 = _row_window(raw_splits, seq_b[r], targets[r, 1], stride, left, 0)
            n = a1 - a0 + b1 - b0
            if add_special_tokens:
                n += n_added_pair if has_b else n_added_single
            length = max(length, n)
    if pad_to_multiple_of > 0 and length % pad_to_multiple_of > 0:
        length += pad_to_multiple_of - length % pad_to_multiple_of
    return length
