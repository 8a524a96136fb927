"""Models that map pre-tokens to tokens: WordPiece (greedy longest match) and WordLevel.

Each takes every piece of a segment at once and appends tokens (id, offsets in original chars,
word index, ``added`` = 0) to the caller's output columns from ``m`` on; they return the new
token count. One call per segment, with the piece loop in the same body: Numba reference-counts
the arrays passed to an inlined helper that loops, so a helper per piece would cost more than
the matching.
"""
from ._jit import inline_kernel
from .trie import trie_step

ROOT = 0


@inline_kernel
def _original_span(src, start, end, t, out_start, out_end):
    """Token ``t`` spans normalized chars [start, end): store its span in original chars (an
    empty alignment, -1, gives 0)."""
    first_src = src[start]
    last_src = src[end - 1]
    out_start[t] = first_src if first_src >= 0 else 0
    out_end[t] = last_src + 1 if last_src >= 0 else 0


@inline_kernel
def wordpiece(cp, src, piece_start, piece_end, n_pieces, first_word, cells, continuation_node, unk_id, max_chars,
              out_ids, out_start, out_end, out_word, out_added, m):
    """Greedy longest-match-first WordPiece, HuggingFace's "shrink the candidate one char at a time"
    loop done as one trie walk per token. A piece longer than ``max_chars`` chars, or with any
    position no vocabulary entry matches, becomes a single unk token (-1 is returned when that is
    needed and the vocabulary has no unk token)."""
    for p in range(n_pieces):
        start = piece_start[p]
        end = piece_end[p]
        first = m
        matched = end - start <= max_chars
        pos = start
        while matched and pos < end:
            node = ROOT if pos == start else continuation_node
            best_end = -1
            best_id = -1
            i = pos
            while i < end and node >= 0:
                node = trie_step(cells, node, cp[i])
                if node < 0:
                    break
                i += 1
                token = cells[node, 2]
                if token >= 0:
                    best_end = i
                    best_id = token
            if best_end < 0:
                matched = False
                break
            out_ids[m] = best_id
            _original_span(src, pos, best_end, m, out_start, out_end)
            out_word[m] = first_word + p
            out_added[m] = 0
            m += 1
            pos = best_end
        if not matched:
            if unk_id < 0:
                return -1
            m = first
            out_ids[m] = unk_id
            _original_span(src, start, end, m, out_start, out_end)
            out_word[m] = first_word + p
            out_added[m] = 0
            m += 1
    return m


@inline_kernel
def wordlevel(cp, src, piece_start, piece_end, n_pieces, first_word, cells, unk_id,
              out_ids, out_start, out_end, out_word, out_added, m):
    """Whole-piece lookup, unk when absent; returns -1 when a piece is unknown and there is no unk."""
    for p in range(n_pieces):
        node = ROOT
        for i in range(piece_start[p], piece_end[p]):
            node = trie_step(cells, node, cp[i])
            if node < 0:
                break
        token = cells[node, 2] if node >= 0 else -1
        if token < 0:
            if unk_id < 0:
                return -1
            token = unk_id
        out_ids[m] = token
        _original_span(src, piece_start[p], piece_end[p], m, out_start, out_end)
        out_word[m] = first_word + p
        out_added[m] = 0
        m += 1
    return m
