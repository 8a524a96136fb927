"""Finding added tokens in text: leftmost-longest, non-overlapping, like HuggingFace's
Aho-Corasick pass, with the single_word / lstrip / rstrip rules."""
from ._jit import inline_kernel, kernel
from .trie import trie_step

ROOT = 0
SINGLE_WORD = 1
LSTRIP = 2
RSTRIP = 4

WHITESPACE = 1 << 0
WORD = 1 << 7


@inline_kernel
def find_added_tokens_inline(cp, lo, hi, flags, cells, token_ids, token_options,
                             seg_start, seg_end, seg_token):
    """Cut ``cp[lo:hi]`` into segments; ``seg_token`` is the added token id or -1 for plain text.

    Returns the number of segments. A match rejected by single_word is skipped whole (the scan
    resumes after it), as in HuggingFace.
    """
    n_seg = 0
    emitted_to = lo
    root_base = cells[ROOT, 0]
    i = lo
    while i < hi:
        # most chars start no added token: skip them with one lookup (ASCII; others walk)
        while i < hi and cp[i] < 0x80 and cells[root_base + cp[i], 1] != ROOT:
            i += 1
        if i >= hi:
            break
        node = ROOT
        match_end = -1
        match = -1
        j = i
        while j < hi:
            node = trie_step(cells, node, cp[j])
            if node < 0:
                break
            j += 1
            if cells[node, 2] >= 0:
                match_end = j
                match = cells[node, 2]
        if match < 0:
            i += 1
            continue
        options = token_options[match]
        start = i
        stop = match_end
        if options & SINGLE_WORD:
            before_ok = start == lo or (flags[cp[start - 1]] & WORD) == 0
            after_ok = stop == hi or (flags[cp[stop]] & WORD) == 0
            if not (before_ok and after_ok):
                i = match_end
                continue
        if options & LSTRIP:
            while start > emitted_to and flags[cp[start - 1]] & WHITESPACE:
                start -= 1
        if options & RSTRIP:
            while stop < hi and flags[cp[stop]] & WHITESPACE:
                stop += 1
        if start > emitted_to:
            seg_start[n_seg] = emitted_to
            seg_end[n_seg] = start
            seg_token[n_seg] = -1
            n_seg += 1
        seg_start[n_seg] = start
        seg_end[n_seg] = stop
        seg_token[n_seg] = token_ids[match]
        n_seg += 1
        emitted_to = stop
        i = stop
    if hi > emitted_to:
        seg_start[n_seg] = emitted_to
        seg_end[n_seg] = hi
        seg_token[n_seg] = -1
        n_seg += 1
    return n_seg


@kernel
def find_added_tokens(cp, lo, hi, flags, cells, token_ids, token_options, seg_start, seg_end, seg_token):
    """``find_added_tokens_inline`` as a called function (one compiled copy for the general path)."""
    return find_added_tokens_inline(cp, lo, hi, flags, cells, token_ids, token_options, seg_start, seg_end,
                                    seg_token)
