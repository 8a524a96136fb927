"""Normalizers: rewrite a run of code points, keeping each char's alignment to the original text.

A text is ``cp`` (code points) plus ``src`` (index of the original char each one is aligned to,
-1 for HuggingFace's empty ``(0, 0)`` alignment). Each step reads ``n`` chars from one buffer and
writes to another (or to the same one, when it never writes ahead of what it reads), returning the
new length. ``run_normalizer`` interprets the compiled program
(``tables.normalizers``): one row ``(op, a, b, c)`` per step, strings in ``program_chars``.
"""
import numpy as np

from ._jit import inline_kernel, kernel
from .precompiled import precompiled
from .pre_tokenizers import byte_level_pieces
from .regex import find_matches
from .unicode_normalization import unicode_normalize

OP_CLEAN_TEXT = 0       # a: clean_text, b: handle_chinese_chars   (BertNormalizer's first two steps)
OP_UNICODE_FORM = 1     # a: form (NFD, NFKD, NFC, NFKC)
OP_REMOVE_CLASS = 2     # a: char-class bit to delete (Mn for BertNormalizer, marks for StripAccents)
OP_LOWERCASE = 3
OP_STRIP = 4            # a: left, b: right
OP_REPLACE = 5          # a..b: pattern chars, c..d (row 2 of params): content chars
OP_PREPEND = 6          # a..b: prefix chars
OP_NMT = 7
OP_REPLACE_REGEX = 8    # a: pattern index, c..d: content chars
OP_BYTE_LEVEL = 9       # UTF-8 bytes → the byte-level alphabet
OP_PRECOMPILED = 10     # SentencePiece's charsmap (tables in the ``precompiled`` argument)

# Char-class bits, mirrored from tables.char_classes (kernels may not read module state of tables).
WHITESPACE = 1 << 0
BERT_CONTROL = 1 << 1
CJK = 1 << 3
HAS_LOWER = 1 << 8


@inline_kernel
def clean_text(cp, src, n, out_cp, out_src, flags, clean, chinese):
    """BertNormalizer's clean_text (drop controls, whitespace → space) and CJK padding."""
    m = 0
    for i in range(n):
        c = cp[i]
        f = flags[c]
        if clean:
            if f & BERT_CONTROL:
                continue
            if f & WHITESPACE:
                c = 32
        if chinese and (f & CJK):
            out_cp[m] = 32
            out_cp[m + 1] = c
            out_cp[m + 2] = 32
            out_src[m] = src[i]
            out_src[m + 1] = src[i]
            out_src[m + 2] = src[i]
            m += 3
        else:
            out_cp[m] = c
            out_src[m] = src[i]
            m += 1
    return m


@inline_kernel
def remove_class(cp, src, n, out_cp, out_src, flags, bit):
    """Delete every char of the given class."""
    m = 0
    for i in range(n):
        if flags[cp[i]] & bit:
            continue
        out_cp[m] = cp[i]
        out_src[m] = src[i]
        m += 1
    return m


@inline_kernel
def lowercase(cp, src, n, out_cp, out_src, flags, lower_keys, lower_starts, lower_values):
    """Per-char full lowercase (Rust ``char::to_lowercase``: no final sigma, İ → i̇)."""
    m = 0
    for i in range(n):
        c = cp[i]
        if c < 128:
            if 65 <= c <= 90:
                c += 32
            out_cp[m] = c
            out_src[m] = src[i]
            m += 1
        elif flags[c] & HAS_LOWER:
            k = np.searchsorted(lower_keys, c)
            for j in range(lower_starts[k], lower_starts[k + 1]):
                out_cp[m] = lower_values[j]
                out_src[m] = src[i]
                m += 1
        else:
            out_cp[m] = c
            out_src[m] = src[i]
            m += 1
    return m


@inline_kernel
def strip(cp, src, n, out_cp, out_src, flags, left, right):
    """Drop leading and/or trailing whitespace."""
    lo = 0
    hi = n
    if left:
        while lo < hi and flags[cp[lo]] & WHITESPACE:
            lo += 1
    if right:
        while hi > lo and flags[cp[hi - 1]] & WHITESPACE:
            hi -= 1
    for i in range(lo, hi):
        out_cp[i - lo] = cp[i]
        out_src[i - lo] = src[i]
    return hi - lo


@inline_kernel
def literal_matches(cp, n, chars, pattern_start, pattern_end, match_start, match_end):
    """Leftmost non-overlapping occurrences of a literal (none for the empty literal)."""
    pattern_len = pattern_end - pattern_start
    count = 0
    i = 0
    while pattern_len > 0 and i + pattern_len <= n:
        matched = True
        for k in range(pattern_len):
            if cp[i + k] != chars[pattern_start + k]:
                matched = False
                break
        if matched:
            match_start[count] = i
            match_end[count] = i + pattern_len
            count += 1
            i += pattern_len
        else:
            i += 1
    return count


@inline_kernel
def replace_matches(cp, src, n, out_cp, out_src, match_start, match_end, n_matches, chars, content_start,
                    content_end):
    """Replace each match by the content; the new chars align to the last char of the match
    (they are insertions after it), or to the char before an empty match."""
    m = 0
    i = 0
    for k in range(n_matches):
        while i < match_start[k]:
            out_cp[m] = cp[i]
            out_src[m] = src[i]
            m += 1
            i += 1
        last = match_end[k] - 1 if match_end[k] > match_start[k] else match_start[k] - 1
        anchor = src[last] if last >= 0 else (src[0] if n > 0 else 0)
        for j in range(content_start, content_end):
            out_cp[m] = chars[j]
            out_src[m] = anchor
            m += 1
        i = match_end[k]
    while i < n:
        out_cp[m] = cp[i]
        out_src[m] = src[i]
        m += 1
        i += 1
    return m


@inline_kernel
def prepend(cp, src, n, out_cp, out_src, chars, prefix_start, prefix_end):
    """Prefix a non-empty text; the prefix aligns to the first char."""
    if n == 0:
        return 0
    m = 0
    for k in range(prefix_start, prefix_end):
        out_cp[m] = chars[k]
        out_src[m] = src[0]
        m += 1
    for i in range(n):
        out_cp[m] = cp[i]
        out_src[m] = src[i]
        m += 1
    return m


@inline_kernel
def nmt(cp, src, n, out_cp, out_src):
    """The Nmt normalizer: drop some controls, map other spaces and separators to U+0020."""
    m = 0
    for i in range(n):
        c = cp[i]
        if (1 <= c <= 8) or c == 0x0B or (0x0E <= c <= 0x1F) or c == 0x7F or c == 0x8F or c == 0x9F:
            continue
        if (c == 0x09 or c == 0x0A or c == 0x0C or c == 0x0D or c == 0x1680 or (0x200B <= c <= 0x200F)
                or c == 0x2028 or c == 0x2029 or c == 0x2581 or c == 0xFEFF or c == 0xFFFD):
            c = 32
        out_cp[m] = c
        out_src[m] = src[i]
        m += 1
    return m


@kernel
def run_normalizer(cp, src, n, spare_cp, spare_src, program, program_chars, precompiled_tables, char_tables,
                   form_tables, regex, match_start, match_end):
    """Apply every step of the program; returns (cp, src, n) of the buffer holding the result.

    Both buffers must hold ``n * program expansion`` chars (``tables.normalizers``), the match
    buffers one more than that. Steps that can
    only delete or map chars one to one run in place; on pure-ASCII text the Unicode forms and the
    mark removals are skipped (ASCII has no decompositions or marks) and lowercasing is in place.
    """
    flags, lower_keys, lower_starts, lower_values = char_tables
    highest = 0
    for i in range(n):
        highest = max(highest, cp[i])
    ascii_only = highest < 128
    for step in range(program.shape[0]):
        op = program[step, 0]
        a = program[step, 1]
        b = program[step, 2]
        if op == OP_CLEAN_TEXT:
            if ascii_only or not b:
                n = clean_text(cp, src, n, cp, src, flags, a, b)
                continue
            n = clean_text(cp, src, n, spare_cp, spare_src, flags, a, b)
        elif op == OP_UNICODE_FORM:
            if ascii_only:
                continue
            n = unicode_normalize(cp, src, n, spare_cp, spare_src, a, *form_tables)
        elif op == OP_REMOVE_CLASS:
            if not ascii_only:
                n = remove_class(cp, src, n, cp, src, flags, a)
            continue
        elif op == OP_LOWERCASE:
            if ascii_only:
                n = lowercase(cp, src, n, cp, src, flags, lower_keys, lower_starts, lower_values)
                continue
            n = lowercase(cp, src, n, spare_cp, spare_src, flags, lower_keys, lower_starts, lower_values)
        elif op == OP_STRIP:
            n = strip(cp, src, n, cp, src, flags, a, b)
            continue
        elif op == OP_NMT:
            n = nmt(cp, src, n, cp, src)
            continue
        elif op == OP_BYTE_LEVEL:
            match_start[0] = 0
            match_end[0] = n
            n = byte_level_pieces(cp, src, match_start, match_end, 1, spare_cp, spare_src, match_start, match_end)
            ascii_only = False
        elif op == OP_PRECOMPILED:
            info_index, info_blocks, key_cells, repl_starts, repl_chars = precompiled_tables
            n = precompiled(cp, src, n, spare_cp, spare_src, info_index, info_blocks, key_cells, repl_starts, repl_chars)
            ascii_only = False
        else:
            if op == OP_REPLACE or op == OP_REPLACE_REGEX:
                if op == OP_REPLACE:
                    n_matches = literal_matches(cp, n, program_chars, a, b, match_start, match_end)
                else:
                    categories, entries, bank = regex[0], regex[1], regex[2:]
                    n_matches = find_matches(cp, 0, n, categories, bank, entries[a], match_start, match_end)
                n = replace_matches(cp, src, n, spare_cp, spare_src, match_start, match_end, n_matches, program_chars,
                                    program[step, 3], program[step, 4])
            else:
                n = prepend(cp, src, n, spare_cp, spare_src, program_chars, a, b)
            for i in range(n):
                if spare_cp[i] >= 128:
                    ascii_only = False
                    break
        cp, spare_cp = spare_cp, cp
        src, spare_src = spare_src, src
    return cp, src, n
