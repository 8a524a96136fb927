"""SentencePiece's Precompiled normalizer, as HuggingFace applies it (``tables.precompiled``).

HuggingFace walks the text by extended grapheme clusters (UAX #29, Unicode 17.0). A cluster of
fewer than 6 UTF-8 bytes that starts with a key is replaced whole by the shortest such key's
replacement (so ``"Ａ\\u0301"`` loses its accent); any other cluster is rewritten char by char,
each char that is a key by its replacement. Alignment follows HuggingFace's edit list: replacing
``k`` chars by ``r`` chars keeps the first ``min(k, r)`` as replacements, inserts the rest after
them, or folds the deletion of ``k - r`` chars into the *last entry written so far*, which for an
empty replacement is the previous cluster's last char (and nothing at all at the very start: the
following chars then align one char early, as in HuggingFace).
"""
import numpy as np

from ._jit import inline_kernel, kernel
from .utf8 import utf8_length

# Break classes, as in tables/_grapheme_break.py (low 4 bits), plus the InCB bits.
OTHER, CR, LF, CONTROL, EXTEND, ZWJ, REGIONAL_INDICATOR, PREPEND, SPACING_MARK = 0, 1, 2, 3, 4, 5, 6, 7, 8
L, V, T, LV, LVT, EXTENDED_PICTOGRAPHIC, INCB_CONSONANT = 9, 10, 11, 12, 13, 14, 15
INCB_LINKER = 16
INCB_EXTEND = 32
RULE_SHIFT = 6               # info = rule << RULE_SHIFT | break class (tables.precompiled)
JOINS_ANYTHING = (1 << EXTEND) | (1 << ZWJ) | (1 << SPACING_MARK)     # GB9, GB9a
PAGE_BITS = 8
PAGE_MASK = (1 << PAGE_BITS) - 1
MAX_CLUSTER_BYTES = 5        # clusters this short are looked up whole


@inline_kernel
def two_stage(index, blocks, c):
    """Entry ``c`` of a two-stage table (``tables.precompiled``)."""
    return blocks[(np.int64(index[c >> PAGE_BITS]) << PAGE_BITS) | (c & PAGE_MASK)]


@inline_kernel
def cluster_end(cp, start, n, info_index, info_blocks):
    """End of the extended grapheme cluster starting at ``start`` (UAX #29 rules GB3-GB999, as
    unicode-segmentation applies them). Rules that look back (GB9c, GB11, GB12/13) never reach
    before a cluster start, so their state starts fresh here."""
    here = np.int64(two_stage(info_index, info_blocks, cp[start]))
    prev = here & 15
    regional = np.int64(prev == REGIONAL_INDICATOR)
    pictographic = prev == EXTENDED_PICTOGRAPHIC     # ExtPict Extend* just before
    joined_pictographic = False                      # ExtPict Extend* ZWJ just before
    conjunct = np.int64(prev == INCB_CONSONANT)      # 1: InCB consonant (extends), 2: + a linker
    j = start + 1
    while j < n:
        c = cp[j]
        if c < 0x7F and cp[j - 1] < 0x7F and not (c == 10 and cp[j - 1] == 13):
            break                      # two ASCII chars other than CR LF
        full = np.int64(two_stage(info_index, info_blocks, c))
        cur = full & 15
        if prev == CR:                                                                      # GB3, GB4
            joins = cur == LF
        elif prev == CONTROL or prev == LF or cur == CONTROL or cur == CR or cur == LF:     # GB4, GB5
            joins = False
        elif prev == ZWJ and cur == EXTENDED_PICTOGRAPHIC:             # GB11 (GB6-GB9c cannot apply)
            joins = joined_pictographic
        else:
            joins = ((prev == L and (cur == L or cur == V or cur == LV or cur == LVT))          # GB6
                     or ((prev == LV or prev == V) and (cur == V or cur == T))                 # GB7
                     or ((prev == LVT or prev == T) and cur == T)                              # GB8
                     or cur == EXTEND or cur == ZWJ or cur == SPACING_MARK or prev == PREPEND  # GB9-GB9b
                     or (cur == INCB_CONSONANT and conjunct == 2)                              # GB9c
                     or (prev == REGIONAL_INDICATOR and cur == REGIONAL_INDICATOR and regional % 2 == 1))  # GB12/13
        if not joins:
            break
        regional = regional + 1 if cur == REGIONAL_INDICATOR else 0
        joined_pictographic = cur == ZWJ and pictographic
        pictographic = cur == EXTENDED_PICTOGRAPHIC or (cur == EXTEND and pictographic)
        if cur == INCB_CONSONANT:
            conjunct = 1
        elif full & INCB_LINKER:
            conjunct = 2 if conjunct > 0 else 0
        elif not full & INCB_EXTEND:
            conjunct = 0
        prev = cur
        j += 1
    return j


@inline_kernel
def _alone(kind, following):
    """Whether a cluster starting with a char of class ``kind`` ends before a char of class
    ``following`` without looking further (the common case: the rules with state need more)."""
    if kind == CONTROL or kind == LF:
        return True
    return (kind == OTHER or kind >= EXTENDED_PICTOGRAPHIC) and not (JOINS_ANYTHING >> following) & 1


@inline_kernel
def _replace(out_cp, out_change, m, repl_starts, repl_chars, r, old_count):
    """Append replacement ``r`` of ``old_count`` chars with HuggingFace's change values; returns m."""
    new_count = repl_starts[r + 1] - repl_starts[r]
    for k in range(repl_starts[r], repl_starts[r + 1]):
        out_cp[m] = repl_chars[k]
        out_change[m] = 0
        m += 1
    diff = new_count - old_count
    if diff > 0:
        for k in range(m - diff, m):
            out_change[k] = 1
    elif diff < 0 and m > 0:
        out_change[m - 1] += diff
    return m


@inline_kernel
def _cluster_replacement(cp, start, end, rule, key_cells):
    """Replacement of the shortest key that prefixes the cluster ``cp[start:end]``, or -1."""
    if rule >> 1:
        return (rule >> 1) - 1
    node = 0
    found = -1
    k = start
    while found < 0 and node >= 0 and k < end:
        c = cp[k]
        length = utf8_length(c)
        b = 0
        while node >= 0 and b < length:
            shifted = np.int64(c) >> (6 * (length - 1 - b))
            byte = np.int64(c) if length == 1 else (((0xF00 >> length) & 0xFF) | shifted if b == 0
                                                     else 0x80 | (shifted & 0x3F))
            child = key_cells[node, 0] + byte
            node = child if key_cells[child, 1] == node else -1
            b += 1
        if node >= 0:
            found = key_cells[node, 2]
        k += 1
    return found


@kernel
def precompiled(cp, src, n, out_cp, out_src, info_index, info_blocks, key_cells, repl_starts, repl_chars):
    """Apply the charsmap to ``cp[:n]`` (aligned by ``src``) into ``out_cp``/``out_src`` (distinct
    buffers of ``n * precompiled_expansion`` chars); returns the new length. A text with no char
    that is or starts a key is copied as is."""
    first = 0
    while first < n and two_stage(info_index, info_blocks, cp[first]) >> RULE_SHIFT == 0:
        first += 1
    if first == n:
        out_cp[:n] = cp[:n]
        out_src[:n] = src[:n]
        return n
    start = first                  # back to a certain cluster boundary: between two ASCII chars
    while start > 0 and not (cp[start - 1] < 0x7F and cp[start] < 0x7F and cp[start - 1] != 13):
        start -= 1
    out_cp[:start] = cp[:start]
    out_change = out_src           # change values first, alignments in the second pass
    out_change[:start] = 0
    m = start
    i = start
    info = np.int64(two_stage(info_index, info_blocks, cp[i]))
    while i < n:
        c = cp[i]
        following = np.int64(two_stage(info_index, info_blocks, cp[i + 1])) if i + 1 < n else CONTROL
        rule = info >> RULE_SHIFT
        if _alone(info & 15, following & 15):
            if rule >> 1:              # a one-char cluster: only its own key can match
                m = _replace(out_cp, out_change, m, repl_starts, repl_chars, (rule >> 1) - 1, 1)
            else:
                out_cp[m] = c
                out_change[m] = 0
                m += 1
            i += 1
            info = following
            continue
        end = cluster_end(cp, i, n, info_index, info_blocks)
        whole = -1
        if rule != 0:
            n_bytes = 0
            for k in range(i, end):
                n_bytes += utf8_length(cp[k])
            if n_bytes <= MAX_CLUSTER_BYTES:
                whole = _cluster_replacement(cp, i, end, rule, key_cells)
        if whole >= 0:
            m = _replace(out_cp, out_change, m, repl_starts, repl_chars, whole, end - i)
        else:
            for k in range(i, end):
                single = (two_stage(info_index, info_blocks, cp[k]) >> RULE_SHIFT) >> 1
                if single:
                    m = _replace(out_cp, out_change, m, repl_starts, repl_chars, single - 1, 1)
                else:
                    out_cp[m] = cp[k]
                    out_change[m] = 0
                    m += 1
        i = end
        info = np.int64(two_stage(info_index, info_blocks, cp[i])) if i < n else CONTROL
    consumed = 0
    for k in range(m):
        change = out_change[k]
        if change > 0:
            out_src[k] = src[consumed - 1] if consumed > 0 else -1
        else:
            out_src[k] = src[consumed] if consumed < n else -1
            consumed += 1 - change
    return m
