"""Models that map pre-tokens to tokens: WordPiece (greedy longest match) and WordLevel.

Each takes every piece of a segment at once and appends tokens (id, start and end in the
normalized text, word index) to the caller's output columns from ``m`` on; they return the new
token count. One call per segment keeps the hot loop free of per-word call overhead.
"""
from ._jit import inline_kernel
from .trie import trie_step

ROOT = 0


@inline_kernel
def wordpiece(cp, piece_start, piece_end, n_pieces, first_word, cells, continuation_node, unk_id, max_chars,
              out_ids, out_start, out_end, out_word, m):
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
            out_start[m] = pos
            out_end[m] = best_end
            out_word[m] = first_word + p
            m += 1
            pos = best_end
        if not matched:
            if unk_id < 0:
                return -1
            m = first
            out_ids[m] = unk_id
            out_start[m] = start
            out_end[m] = end
            out_word[m] = first_word + p
            m += 1
    return m


@inline_kernel
def wordlevel(cp, piece_start, piece_end, n_pieces, first_word, cells, unk_id,
              out_ids, out_start, out_end, out_word, m):
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
        out_start[m] = piece_start[p]
        out_end[m] = piece_end[p]
        out_word[m] = first_word + p
        m += 1
    return m
