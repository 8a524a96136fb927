"""Pre-tokenizers: cut a normalized text into pieces (``start``/``end`` index pairs into it).

``run_pre_tokenizer`` interprets the compiled program (``tables.pre_tokenizers``): each step
re-splits every current piece. The WordPiece-family pre-tokenizers only split, never rewrite.
"""
import numpy as np

from ._jit import inline_kernel, kernel

PT_BERT = 0            # split on whitespace (removed), isolate punctuation
PT_WHITESPACE = 1      # keep runs of \w and runs of [^\w\s]
PT_SPLIT_CLASS = 2     # a: char-class bit, b: behaviour
PT_SPLIT_CHAR = 3      # a: code point, b: behaviour

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


@kernel
def run_pre_tokenizer(cp, flags, piece_start, piece_end, n_pieces, spare_start, spare_end, program):
    """Apply every step; returns (start, end, n) of the buffer holding the pieces."""
    for step in range(program.shape[0]):
        op = program[step, 0]
        if op == PT_BERT:
            n_pieces = split_bert(cp, flags, piece_start, piece_end, n_pieces, spare_start, spare_end)
        elif op == PT_WHITESPACE:
            n_pieces = split_whitespace_regex(cp, flags, piece_start, piece_end, n_pieces, spare_start, spare_end)
        elif op == PT_SPLIT_CLASS:
            n_pieces = split_matches(cp, flags, piece_start, piece_end, n_pieces, spare_start, spare_end,
                                     program[step, 1], -1, program[step, 2])
        else:
            n_pieces = split_matches(cp, flags, piece_start, piece_end, n_pieces, spare_start, spare_end,
                                     0, program[step, 1], program[step, 2])
        piece_start, spare_start = spare_start, piece_start
        piece_end, spare_end = spare_end, piece_end
    return piece_start, piece_end, n_pieces
