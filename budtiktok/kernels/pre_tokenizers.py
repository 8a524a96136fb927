"""Pre-tokenizers: cut a normalized text into pieces (``start``/``end`` index pairs into it).

``run_pre_tokenizer`` interprets the compiled program (``tables.pre_tokenizers``): each step
re-splits every current piece. Most steps only split; ByteLevel (prefix space, bytes → the
byte-level alphabet) and Metaspace (spaces → '▁', prefix) rewrite the pieces' text into the
spare buffer, carrying each char's alignment (``src``) along.
"""
import numpy as np

from ._jit import inline_kernel, kernel
from .regex import find_matches
from .utf8 import utf8_byte, utf8_length

PT_BERT = 0            # split on whitespace (removed), isolate punctuation
PT_WHITESPACE = 1      # keep runs of \w and runs of [^\w\s]
PT_SPLIT_CLASS = 2     # a: char-class bit, b: behaviour
PT_SPLIT_CHAR = 3      # a: code point, b: behaviour
PT_SPLIT_REGEX = 4     # a: pattern index, b: behaviour, c: invert
PT_BYTE_LEVEL = 5      # a: add_prefix_space, b: pattern index of the GPT-2 regex (-1: use_regex false)
PT_METASPACE = 6       # a: replacement code point, b: prepend scheme, c: split

PREPEND_ALWAYS = 0
PREPEND_FIRST = 1
PREPEND_NEVER = 2

REMOVED = 0
ISOLATED = 1
MERGED_WITH_PREVIOUS = 2
MERGED_WITH_NEXT = 3
CONTIGUOUS = 4

WHITESPACE = 1 << 0
BERT_CONTROL = 1 << 1
BERT_PUNCT = 1 << 2
WORD = 1 << 7

# Bits of the ASCII fast path's mode (see ``tables.pre_tokenizers.ascii_bert_mode``).
ASCII_BERT = 1
ASCII_BERT_CLEAN = 2
ASCII_BERT_LOWERCASE = 4


@inline_kernel
def _push(out_start, out_end, m, start, end):
    """Append the piece [start, end) unless it is empty; returns the new count."""
    if end > start:
        out_start[m] = start
        out_end[m] = end
        return m + 1
    return m


@inline_kernel
def split_bert(cp, flags, in_start, in_end, n_in, out_start, out_end):
    """BertPreTokenizer: whitespace removed, each punctuation char its own piece."""
    m = 0
    for p in range(n_in):
        run = in_start[p]
        for i in range(in_start[p], in_end[p]):
            f = flags[cp[i]]
            if f & (WHITESPACE | BERT_PUNCT):
                m = _push(out_start, out_end, m, run, i)
                if f & BERT_PUNCT:
                    m = _push(out_start, out_end, m, i, i + 1)
                run = i + 1
        m = _push(out_start, out_end, m, run, in_end[p])
    return m


@inline_kernel
def split_whitespace_regex(cp, flags, in_start, in_end, n_in, out_start, out_end):
    """Whitespace: maximal runs of word chars and of other non-space chars; spaces dropped."""
    m = 0
    for p in range(n_in):
        run = in_start[p]
        run_kind = -1
        for i in range(in_start[p], in_end[p]):
            f = flags[cp[i]]
            kind = 0 if f & WORD else (1 if f & WHITESPACE else 2)
            if kind != run_kind:
                if run_kind != 1:
                    m = _push(out_start, out_end, m, run, i)
                run = i
                run_kind = kind
        if run_kind != 1:
            m = _push(out_start, out_end, m, run, in_end[p])
    return m


@inline_kernel
def split_matches(cp, flags, in_start, in_end, n_in, out_start, out_end, class_bit, delimiter, behavior):
    """Split where single chars match (a class bit, or ``delimiter`` when ``class_bit`` is 0),
    joining each match to its neighbours as HuggingFace's SplitDelimiterBehavior says."""
    m = 0
    for p in range(n_in):
        lo = in_start[p]
        hi = in_end[p]
        run = lo                 # start of the current non-matching run
        pending = -1             # MergedWithNext: start of a match waiting for the next run
        open_piece = False       # a piece was already cut from this input piece
        last_was_match = False
        for i in range(lo, hi + 1):
            if i < hi:
                is_match = (flags[cp[i]] & class_bit) != 0 if class_bit != 0 else cp[i] == delimiter
                if not is_match:
                    continue
            # a non-matching run [run, i) ends here (possibly empty)
            if i > run:
                m = _push(out_start, out_end, m, pending if pending >= 0 else run, i)
                pending = -1
                open_piece = True
                last_was_match = False
            if i == hi:
                break
            # the match [i, i + 1)
            if behavior == ISOLATED:
                m = _push(out_start, out_end, m, i, i + 1)
            elif behavior == MERGED_WITH_PREVIOUS:
                if not last_was_match and open_piece:
                    out_end[m - 1] = i + 1
                else:
                    m = _push(out_start, out_end, m, i, i + 1)
                open_piece = True
            elif behavior == MERGED_WITH_NEXT:
                next_is_run = i + 1 < hi and not (
                    (flags[cp[i + 1]] & class_bit) != 0 if class_bit != 0 else cp[i + 1] == delimiter)
                if next_is_run:
                    pending = i
                else:
                    pending = -1
                    m = _push(out_start, out_end, m, i, i + 1)
            elif behavior == CONTIGUOUS:
                if last_was_match and open_piece:
                    out_end[m - 1] = i + 1
                else:
                    m = _push(out_start, out_end, m, i, i + 1)
                open_piece = True
            last_was_match = True
            run = i + 1
    return m


@inline_kernel
def ascii_bert(raw, lo, hi, flags, mode, cp, src, piece_start, piece_end):
    """BertNormalizer + BertPreTokenizer fused for pure-ASCII bytes ``raw[lo:hi]``.

    Writes the normalized chars to ``cp`` (``src``: their index in ``raw``) and the pieces; returns
    the piece count. On ASCII the normalizer only deletes controls (clean_text) and lowercases: no
    CJK, nothing to decompose or strip; same output as the two stages one after the other.
    """
    clean = mode & ASCII_BERT_CLEAN
    lower = mode & ASCII_BERT_LOWERCASE
    m = 0
    n_pieces = 0
    run = 0
    for i in range(lo, hi):
        c = np.int32(raw[i])
        f = flags[c]
        if clean and f & BERT_CONTROL:
            continue
        if f & (WHITESPACE | BERT_PUNCT):
            n_pieces = _push(piece_start, piece_end, n_pieces, run, m)
            if f & BERT_PUNCT:
                cp[m] = c
                src[m] = i
                m += 1
                n_pieces = _push(piece_start, piece_end, n_pieces, m - 1, m)
            run = m
            continue
        if lower and 65 <= c <= 90:
            c += 32
        cp[m] = c
        src[m] = i
        m += 1
    return _push(piece_start, piece_end, n_pieces, run, m)


@inline_kernel
def byte_level_char(b):
    """The byte-level alphabet: printable Latin-1 bytes stand for themselves, the other 68 bytes
    map in increasing order to U+0100, U+0101, ... (space → 'Ġ' U+0120)."""
    if 0x21 <= b <= 0x7E or 0xA1 <= b <= 0xAC or b >= 0xAE:
        return b
    if b <= 0x20:
        return 0x100 + b
    if b <= 0xA0:
        return 0x121 + (b - 0x7F)
    return 0x143


@inline_kernel
def byte_level_pieces(cp, src, piece_start, piece_end, n_pieces, out_cp, out_src, out_start, out_end):
    """Rewrite every piece as its UTF-8 bytes in the byte-level alphabet, each byte aligned to its
    char. ``out_start``/``out_end`` may be the input piece arrays. Returns the rewritten length.
    (One loop nest, no per-piece helper: that would pay reference counting per piece.)"""
    m = 0
    for p in range(n_pieces):
        start = piece_start[p]
        end = piece_end[p]
        out_start[p] = m
        for i in range(start, end):
            c = cp[i]
            length = utf8_length(c)
            for k in range(length):
                out_cp[m] = byte_level_char(utf8_byte(c, length, k))
                out_src[m] = src[i]
                m += 1
        out_end[p] = m
    return m


@inline_kernel
def prefixed_pieces(cp, src, piece_start, piece_end, n_pieces, out_cp, out_src, out_start, out_end, prefix,
                    replace_spaces, scheme):
    """Copy every piece, spaces replaced by ``prefix`` when ``replace_spaces``, with ``prefix``
    put before a piece that does not already start with it (``scheme``: always, only the piece
    at the start of the text, never). The prefix aligns to the piece's first char."""
    m = 0
    for p in range(n_pieces):
        start = piece_start[p]
        out_start[p] = m
        first = cp[start]
        starts_with_prefix = first == prefix or (replace_spaces and first == 32)
        if not starts_with_prefix and (scheme == PREPEND_ALWAYS or (scheme == PREPEND_FIRST and src[start] == 0)):
            out_cp[m] = prefix
            out_src[m] = src[start]
            m += 1
        for i in range(start, piece_end[p]):
            c = cp[i]
            out_cp[m] = prefix if replace_spaces and c == 32 else c
            out_src[m] = src[i]
            m += 1
        out_end[p] = m
    return n_pieces


@inline_kernel
def _emit(out_start, out_end, m, start, end, removed):
    """Append a split result unless it is removed or empty; returns the new count."""
    if removed or end <= start:
        return m
    out_start[m] = start
    out_end[m] = end
    return m + 1


@inline_kernel
def _segment(prev, k, n_matches, hi, match_start, match_end, invert):
    """The segment after position ``prev`` (``k`` matches consumed): a gap before match k, match
    k, or the tail gap. Returns (start, end, is_match, new prev, new k); start -1 when none is left."""
    if k < n_matches and prev < match_start[k]:
        return prev, match_start[k], invert, match_start[k], k
    if k < n_matches:
        return match_start[k], match_end[k], not invert, match_end[k], k + 1
    if prev < hi:
        return prev, hi, invert, hi, k
    return -1, -1, False, prev, k


@kernel
def split_regex(cp, piece_start, piece_end, n_in, out_start, out_end, categories, bank, entry, behavior, invert,
                match_start, match_end):
    """Split every piece on the regex matches with HuggingFace's delimiter behaviours.

    The matches and the gaps between them form segments, folded as ``NormalizedString::split``
    does: the last result stays open while later segments may still extend it; removed and empty
    results are dropped."""
    m = 0
    for p in range(n_in):
        hi = piece_end[p]
        n_matches = find_matches(cp, piece_start[p], hi, categories, bank, entry, match_start, match_end)
        start, end, is_match, prev, k = _segment(piece_start[p], 0, n_matches, hi, match_start, match_end, invert)
        open_start = -1          # the open result, extended by later segments
        open_end = -1
        previous_match = False
        while start >= 0:
            next_start, next_end, next_is_match, prev, k = _segment(prev, k, n_matches, hi, match_start, match_end,
                                                                    invert)
            if behavior == REMOVED or behavior == ISOLATED:
                m = _emit(out_start, out_end, m, start, end, behavior == REMOVED and is_match)
            elif behavior == MERGED_WITH_NEXT:
                if is_match and next_start >= 0 and not next_is_match:
                    next_start = start           # the match joins the segment after it
                else:
                    m = _emit(out_start, out_end, m, start, end, False)
            else:
                if behavior == MERGED_WITH_PREVIOUS:
                    merge = is_match and not previous_match
                else:
                    merge = is_match == previous_match
                if merge and open_start >= 0:
                    open_end = end
                else:
                    if open_start >= 0:
                        m = _emit(out_start, out_end, m, open_start, open_end, False)
                    open_start = start
                    open_end = end
            previous_match = is_match
            start, end, is_match = next_start, next_end, next_is_match
        if open_start >= 0:
            m = _emit(out_start, out_end, m, open_start, open_end, False)
    return m


@kernel
def run_pre_tokenizer(cp, src, work_a_cp, work_a_src, work_b_cp, work_b_src, flags, piece_start, piece_end, n_pieces,
                      spare_start, spare_end, program, regex, match_start, match_end):
    """Apply every step; returns (cp, src, start, end, n): the text buffer and the piece buffer
    holding the result. ``cp``/``src`` are never written: rewriting steps alternate between the
    two work buffers, which must hold the text times the program's expansion."""
    categories, entries, bank = regex[0], regex[1], regex[2:]
    into_a = True
    for step in range(program.shape[0]):
        op = program[step, 0]
        a = program[step, 1]
        b = program[step, 2]
        c = program[step, 3]
        if op == PT_BERT:
            n_pieces = split_bert(cp, flags, piece_start, piece_end, n_pieces, spare_start, spare_end)
        elif op == PT_WHITESPACE:
            n_pieces = split_whitespace_regex(cp, flags, piece_start, piece_end, n_pieces, spare_start, spare_end)
        elif op == PT_SPLIT_CLASS:
            n_pieces = split_matches(cp, flags, piece_start, piece_end, n_pieces, spare_start, spare_end, a, -1, b)
        elif op == PT_SPLIT_CHAR:
            n_pieces = split_matches(cp, flags, piece_start, piece_end, n_pieces, spare_start, spare_end, 0, a, b)
        elif op == PT_SPLIT_REGEX:
            n_pieces = split_regex(cp, piece_start, piece_end, n_pieces, spare_start, spare_end, categories, bank,
                                   entries[a], b, c, match_start, match_end)
        elif op == PT_METASPACE:
            out_cp = work_a_cp if into_a else work_b_cp
            out_src = work_a_src if into_a else work_b_src
            prefixed_pieces(cp, src, piece_start, piece_end, n_pieces, out_cp, out_src, spare_start, spare_end,
                            a, True, b)
            cp, src, into_a = out_cp, out_src, not into_a
            if c:
                piece_start, spare_start = spare_start, piece_start
                piece_end, spare_end = spare_end, piece_end
                n_pieces = split_matches(cp, flags, piece_start, piece_end, n_pieces, spare_start, spare_end, 0, a,
                                         MERGED_WITH_NEXT)
        else:
            if a:
                out_cp = work_a_cp if into_a else work_b_cp
                out_src = work_a_src if into_a else work_b_src
                prefixed_pieces(cp, src, piece_start, piece_end, n_pieces, out_cp, out_src, spare_start, spare_end,
                                32, False, PREPEND_ALWAYS)
                cp, src, into_a = out_cp, out_src, not into_a
                piece_start, spare_start = spare_start, piece_start
                piece_end, spare_end = spare_end, piece_end
            if b >= 0:
                n_pieces = split_regex(cp, piece_start, piece_end, n_pieces, spare_start, spare_end, categories,
                                       bank, entries[b], ISOLATED, False, match_start, match_end)
                piece_start, spare_start = spare_start, piece_start
                piece_end, spare_end = spare_end, piece_end
            out_cp = work_a_cp if into_a else work_b_cp
            out_src = work_a_src if into_a else work_b_src
            byte_level_pieces(cp, src, piece_start, piece_end, n_pieces, out_cp, out_src, spare_start, spare_end)
            cp, src, into_a = out_cp, out_src, not into_a
        piece_start, spare_start = spare_start, piece_start
        piece_end, spare_end = spare_end, piece_end
    return cp, src, piece_start, piece_end, n_pieces
