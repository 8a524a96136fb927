"""The Unigram model: pre-tokenized pieces → tokens, as HuggingFace's ``models::unigram``.

Per piece, Viterbi over char positions. From each start (in order) the trie walk yields every
piece that prefixes the rest; a candidate replaces the best path into its end only when that end
has none yet or the candidate scores strictly more, so ties keep the earliest start. A start with
no one-char piece also offers an unknown candidate of one char scoring ``unk_score``; with no
unk id, that candidate winning fails the encoding (``MISSING_UNK``). Backtracking gives the path;
consecutive tokens with the unk id (unknown chars, or the unk piece itself) fuse into one span,
which becomes the vocab entry spelling it if there is one, else (with byte fallback, when every
byte has a token) one ``<0xXX>`` token per UTF-8 byte, each spanning the whole span, else the unk
id. HuggingFace's token string for the unk id is the span's (normalized) text.

Beyond HuggingFace: ``unigram_nbest`` (the n best paths of the lattice, exact) and
``unigram_sample`` (a path drawn with probability ∝ exp(alpha · score), SentencePiece's sampling;
HuggingFace's own ``Lattice::sample`` multiplies the accumulated forward scores by alpha too, so
it differs for alpha ≠ 1).
"""
import numpy as np

from ._jit import inline_kernel, kernel
from .columns import filled_columns, piece_columns
from .trie import trie_step
from .utf8 import utf8_byte, utf8_length

MISSING_UNK = -1              # an unknown char needs the unk id and the model has none
OUT_OF_MEMORY = -2            # a buffer for a long piece could not be allocated
SCRATCH_CHARS = 1024          # longer pieces get buffers of their own
CACHE_BITS = 13               # word cache rows (2^13, 1.6 MiB a scratch)
CACHE_CHARS = 16              # longest piece cached
CACHE_TOKENS = 16             # most tokens a cached result holds
AGENDA_MAX = 4096             # n-best: the agenda is cut to what can still be needed beyond this
PATH_START, PATH_END, PATH_ID = 0, 1, 2
GOLDEN = np.uint64(0x9E3779B97F4A7C15)
MIX_1 = np.uint64(0xBF58476D1CE4E5B9)
MIX_2 = np.uint64(0x94D049BB133111EB)


@inline_kernel
def new_unigram_scratch(args):
    """Per-thread buffers for ``unigram``: best score, best start and best id per position, the path
    (start, end, id rows) of one piece of up to ``SCRATCH_CHARS`` chars, and the word cache (keys:
    length + 1 then chars, 0 = empty; values: token count, then (id, start << 8 | end) pairs).
    Token-sized placeholders for the arguments of a tokenizer without a Unigram model
    (``tokens_per_char`` 0, ``tables.unigram.empty_unigram_args``)."""
    used = args[5] > 0
    chars = SCRATCH_CHARS if used else 0
    slots = 1 << CACHE_BITS if used else 1
    return (np.empty(chars + 1, np.float64), np.empty(chars + 1, np.int32),
            np.empty(chars + 1, np.int32), np.empty((3, chars), np.int32),
            np.zeros((slots, CACHE_CHARS + 1), np.int32), np.empty((slots, 1 + 2 * CACHE_TOKENS), np.int32))


@inline_kernel
def _cache_slot(cp, start, end):
    """Cache row of the piece ``cp[start:end]``."""
    h = np.uint64(end - start)
    for k in range(start, end):
        h = (h ^ np.uint64(cp[k])) * GOLDEN
    return np.int64(h >> np.uint64(64 - CACHE_BITS))


@inline_kernel
def _cache_hit(cp, start, end, keys, slot):
    """Whether row ``slot`` holds the piece ``cp[start:end]``."""
    hit = keys[slot, 0] == end - start + 1
    k = start
    while hit and k < end:
        hit = keys[slot, 1 + k - start] == cp[k]
        k += 1
    return hit


@inline_kernel
def _lookup(cp, start, end, cells):
    """Id of the vocab entry spelled by ``cp[start:end]``, -1 if none."""
    node = 0
    k = start
    while node >= 0 and k < end:
        node = trie_step(cells, node, cp[k])
        k += 1
    return cells[node, 2] if node >= 0 else -1


@inline_kernel
def _emit_span(cp, start, end, word, cells, byte_ids, unk_id, out_ids, out_start, out_end, out_word, m):
    """Append the tokens of a fused unk span: its vocab entry, else its byte tokens, else unk."""
    token = _lookup(cp, start, end, cells)
    n_bytes = 0
    if token < 0:
        for k in range(start, end):
            c = cp[k]
            length = utf8_length(c)
            for b in range(length):
                if byte_ids[utf8_byte(c, length, b)] < 0:
                    n_bytes = -1
            if n_bytes < 0:
                break
            n_bytes += length
    if token >= 0 or n_bytes <= 0:
        out_ids[m] = token if token >= 0 else unk_id
        out_start[m] = start
        out_end[m] = end
        out_word[m] = word
        return m + 1
    for k in range(start, end):
        c = cp[k]
        length = utf8_length(c)
        for b in range(length):
            out_ids[m] = byte_ids[utf8_byte(c, length, b)]
            out_start[m] = start
            out_end[m] = end
            out_word[m] = word
            m += 1
    return m


@inline_kernel
def _emit_path(cp, path, first, last, word, cells, byte_ids, unk_id, out_ids, out_start, out_end, out_word, m):
    """Append the tokens of path columns ``first..last-1`` (one piece, in order), fusing unk runs."""
    run_start = -1
    run_end = -1
    for t in range(first, last):
        token = path[PATH_ID, t]
        if token == unk_id:
            if run_start < 0:
                run_start = path[PATH_START, t]
            run_end = path[PATH_END, t]
            continue
        if run_start >= 0:
            m = _emit_span(cp, run_start, run_end, word, cells, byte_ids, unk_id, out_ids, out_start, out_end,
                           out_word, m)
            run_start = -1
        out_ids[m] = token
        out_start[m] = path[PATH_START, t]
        out_end[m] = path[PATH_END, t]
        out_word[m] = word
        m += 1
    if run_start >= 0:
        m = _emit_span(cp, run_start, run_end, word, cells, byte_ids, unk_id, out_ids, out_start, out_end, out_word,
                       m)
    return m


@inline_kernel
def _viterbi(cp, start, end, cells, node_scores, unk_id, unk_score, best_score, best_from, best_id, path):
    """Best path of ``cp[start:end]`` into the last columns of ``path`` (in order, chars of ``cp``);
    returns its first column, or ``MISSING_UNK``. ``best_score`` starts at -inf: scores are finite,
    so "no path yet or strictly better" is a plain comparison."""
    length = end - start
    best_score[0] = 0.0
    best_score[1:length + 1] = -np.inf
    missing = False
    i = 0
    while i < length and not missing:
        here = best_score[i]
        node = trie_step(cells, 0, cp[start + i])
        if node < 0 or cells[node, 2] < 0:
            score = here + unk_score
            if score > best_score[i + 1]:
                missing = unk_id < 0
                best_score[i + 1] = score
                best_from[i + 1] = i
                best_id[i + 1] = unk_id
        to = i + 1
        while node >= 0:
            score = here + node_scores[node]
            if score > best_score[to]:
                best_score[to] = score
                best_from[to] = i
                best_id[to] = cells[node, 2]
            node = trie_step(cells, node, cp[start + to]) if to < length else -1
            to += 1
        i += 1
    first = path.shape[1]
    pos = length
    while pos > 0 and not missing:
        first -= 1
        path[PATH_START, first] = start + best_from[pos]
        path[PATH_END, first] = start + pos
        path[PATH_ID, first] = best_id[pos]
        pos = best_from[pos]
    return MISSING_UNK if missing else first


@inline_kernel
def _viterbi_piece(cp, start, end, word, args, best_score, best_from, best_id, path, out_ids, out_start, out_end,
                   out_word, m):
    """Viterbi + emission of one piece with the given buffers."""
    cells, node_scores, byte_ids, unk_id, unk_score, _ = args
    first = _viterbi(cp, start, end, cells, node_scores, unk_id, unk_score, best_score, best_from, best_id, path)
    if first < 0:
        return MISSING_UNK
    return _emit_path(cp, path, first, path.shape[1], word, cells, byte_ids, unk_id, out_ids, out_start, out_end,
                      out_word, m)


@kernel
def _long_piece(cp, start, end, word, args, out_ids, out_start, out_end, out_word, m):
    """``_viterbi_piece`` with buffers sized for a piece longer than the scratch."""
    length = end - start
    return _viterbi_piece(cp, start, end, word, args, np.empty(length + 1, np.float64), np.empty(length + 1, np.int32),
                          np.empty(length + 1, np.int32), np.empty((3, length), np.int32), out_ids, out_start, out_end,
                          out_word, m)


@inline_kernel
def unigram(cp, piece_start, piece_end, n_pieces, first_word, args, scratch, out_ids, out_start, out_end, out_word, m):
    """Append the Unigram tokens of every piece ``cp[piece_start[p]:piece_end[p]]`` from ``m`` on:
    id, start and end (indices in ``cp``), word ``first_word + p``. ``args``: ``tables.unigram``;
    ``scratch``: ``new_unigram_scratch(args)``. The output needs room for ``args[5]``
    (``tokens_per_char``) tokens per char. Returns the new count, ``MISSING_UNK`` (-1) or
    ``OUT_OF_MEMORY`` (-2)."""
    best_score, best_from, best_id, path, cache_keys, cache_values = scratch
    p = 0
    while p < n_pieces and m >= 0:
        start = piece_start[p]
        end = piece_end[p]
        word = first_word + p
        p += 1
        slot = _cache_slot(cp, start, end) if end - start <= CACHE_CHARS else -1
        if slot >= 0 and _cache_hit(cp, start, end, cache_keys, slot):
            for t in range(cache_values[slot, 0]):
                packed = cache_values[slot, 2 + 2 * t]
                out_ids[m] = cache_values[slot, 1 + 2 * t]
                out_start[m] = start + (packed >> 8)
                out_end[m] = start + (packed & 0xFF)
                out_word[m] = word
                m += 1
        elif end - start <= SCRATCH_CHARS:
            first = m
            m = _viterbi_piece(cp, start, end, word, args, best_score, best_from, best_id, path, out_ids, out_start,
                               out_end, out_word, m)
            if slot >= 0 and 0 <= m - first <= CACHE_TOKENS:
                cache_keys[slot, 0] = end - start + 1
                cache_keys[slot, 1:1 + end - start] = cp[start:end]
                cache_values[slot, 0] = m - first
                for t in range(m - first):
                    cache_values[slot, 1 + 2 * t] = out_ids[first + t]
                    cache_values[slot, 2 + 2 * t] = ((out_start[first + t] - start) << 8) | (out_end[first + t] - start)
        else:
            try:
                m = _long_piece(cp, start, end, word, args, out_ids, out_start, out_end, out_word, m)
            except Exception:  # noqa: BLE001 (MemoryError, the only one)
                m = OUT_OF_MEMORY
    return m


@kernel
def unigram_pieces(cp, piece_start, piece_end, args):
    """``unigram`` over all pieces with fresh output columns and scratch (tests and benchmarks).
    Returns (``unigram``'s count or error code, ids, start, end, word)."""
    out_ids, out_start, out_end, out_word = piece_columns(piece_start, piece_end, args[5])
    m = unigram(cp, piece_start, piece_end, piece_start.shape[0], 0, args, new_unigram_scratch(args), out_ids,
                out_start, out_end, out_word, 0)
    return filled_columns(m, out_ids, out_start, out_end, out_word)



@kernel
def _lattice(cp, piece_start, piece_end, n_pieces, cells, piece_scores, unk_id, unk_score):
    """The pieces' lattices joined end to end (positions count the pieces' chars, so a path from 0
    to the total is one path per piece). Nodes in HuggingFace's order (piece, start, length), rows
    (start, end, id, piece, start in ``cp``), with their scores; a one-char unknown node where no
    one-char piece starts, with id ``unk_id`` even when that is -1. Returns (nodes, scores, total,
    per position the nodes ending there as CSR: ending_start, ending)."""
    capacity = 16
    count = 0
    nodes = np.empty((capacity, 5), np.int64)
    node_scores = np.empty(capacity, np.float64)
    offset = 0
    for p in range(n_pieces):
        start = piece_start[p]
        end = max(piece_end[p], start)
        for i in range(start, end):
            node = 0
            single = False
            k = i
            while node >= 0 and k < end:
                node = trie_step(cells, node, cp[k])
                k += 1
                token = cells[node, 2] if node >= 0 else -1
                if count + 2 > capacity:
                    capacity *= 2
                    grown = np.empty((capacity, 5), np.int64)
                    grown[:count] = nodes[:count]
                    nodes = grown
                    grown_scores = np.empty(capacity, np.float64)
                    grown_scores[:count] = node_scores[:count]
                    node_scores = grown_scores
                if token >= 0:
                    nodes[count, 0] = offset + i - start
                    nodes[count, 1] = offset + k - start
                    nodes[count, 2] = token
                    nodes[count, 3] = p
                    nodes[count, 4] = i
                    node_scores[count] = piece_scores[node]
                    count += 1
                    single = single or k == i + 1
            if not single:
                nodes[count, 0] = offset + i - start
                nodes[count, 1] = offset + i + 1 - start
                nodes[count, 2] = unk_id
                nodes[count, 3] = p
                nodes[count, 4] = i
                node_scores[count] = unk_score
                count += 1
        offset += end - start
    ending_start = np.zeros(offset + 2, np.int64)
    for t in range(count):
        ending_start[nodes[t, 1] + 1] += 1
    for q in range(offset + 1):
        ending_start[q + 1] += ending_start[q]
    fill = ending_start.copy()
    ending = np.empty(count, np.int64)
    for t in range(count):
        ending[fill[nodes[t, 1]]] = t
        fill[nodes[t, 1]] += 1
    return nodes[:count], node_scores[:count], offset, ending_start, ending


@kernel
def _emit_nodes(cp, nodes, chosen, n_chosen, first_word, args, out_ids, out_start, out_end, out_word, m):
    """Append the tokens of lattice nodes ``chosen[:n_chosen]`` (in text order), piece by piece."""
    cells, _, byte_ids, unk_id, _, _ = args
    path = np.empty((3, max(n_chosen, 1)), np.int32)
    for t in range(n_chosen):
        node = chosen[t]
        path[PATH_START, t] = nodes[node, 4]
        path[PATH_END, t] = nodes[node, 4] + nodes[node, 1] - nodes[node, 0]
        path[PATH_ID, t] = nodes[node, 2]
    first = 0
    while first < n_chosen:
        last = first + 1
        while last < n_chosen and nodes[chosen[last], 3] == nodes[chosen[first], 3]:
            last += 1
        m = _emit_path(cp, path, first, last, first_word + nodes[chosen[first], 3], cells, byte_ids, unk_id, out_ids,
                       out_start, out_end, out_word, m)
        first = last
    return m


@inline_kernel
def _log_add(x, y):
    """log(exp(x) + exp(y)), where -inf stands for nothing."""
    high = max(x, y)
    return high if high == -np.inf else high + np.log1p(np.exp(min(x, y) - high))


@inline_kernel
def _next_uniform(rng_state):
    """A float in [0, 1) from the splitmix64 generator whose state is ``rng_state[0]``."""
    rng_state[0] += GOLDEN
    z = rng_state[0]
    z = (z ^ (z >> np.uint64(30))) * MIX_1
    z = (z ^ (z >> np.uint64(27))) * MIX_2
    z = z ^ (z >> np.uint64(31))
    return np.float64(z >> np.uint64(11)) * (1.0 / 9007199254740992.0)


@kernel
def unigram_sample(cp, piece_start, piece_end, n_pieces, first_word, args, alpha, rng_state, out_ids, out_start,
                   out_end, out_word, m):
    """Like ``unigram``, but each piece's path is drawn with probability ∝ exp(alpha · its score)
    (forward filtering, backward sampling) instead of taken best. ``rng_state``: uint64[1], the
    splitmix64 state, advanced in place (the same state gives the same draws). Returns the new
    count, or ``MISSING_UNK`` when a piece has no path (an unknown char and no unk id)."""
    cells, piece_scores, _, unk_id, unk_score, _ = args
    nodes, node_scores, total, ending_start, ending = _lattice(cp, piece_start, piece_end, n_pieces, cells,
                                                               piece_scores, unk_id, unk_score)
    forward = np.full(total + 1, -np.inf)
    forward[0] = 0.0
    for q in range(1, total + 1):
        for e in range(ending_start[q], ending_start[q + 1]):
            t = ending[e]
            if nodes[t, 2] >= 0:
                forward[q] = _log_add(forward[q], forward[nodes[t, 0]] + alpha * node_scores[t])
    if forward[total] == -np.inf:
        return MISSING_UNK
    chosen = np.empty(total, np.int64)
    n_chosen = 0
    q = total
    while q > 0:
        target = _next_uniform(rng_state)
        last = -1
        for candidate in range(ending_start[q], ending_start[q + 1]):
            t = ending[candidate]
            if nodes[t, 2] < 0:
                continue
            weight = np.exp(forward[nodes[t, 0]] + alpha * node_scores[t] - forward[q])
            if weight > 0.0:
                last = candidate
            if target < weight:
                break
            target -= weight
        chosen[n_chosen] = ending[last]
        n_chosen += 1
        q = nodes[ending[last], 0]
    return _emit_nodes(cp, nodes, chosen[:n_chosen][::-1].copy(), n_chosen, first_word, args, out_ids, out_start,
                       out_end, out_word, m)


@inline_kernel
def _ranks_before(f, pos, a, b):
    """Whether hypothesis ``a`` is popped before ``b``: higher bound first, then the one nearer the
    text's start (so the first complete path is HuggingFace's Viterbi choice), then the older."""
    return f[a] > f[b] or (f[a] == f[b] and (pos[a] < pos[b] or (pos[a] == pos[b] and a < b)))


@inline_kernel
def _heap_push(heap, size, h, f, pos):
    """Add hypothesis ``h`` to the binary heap ``heap[:size]``; returns the new size."""
    i = size
    while i > 0 and _ranks_before(f, pos, h, heap[(i - 1) >> 1]):
        heap[i] = heap[(i - 1) >> 1]
        i = (i - 1) >> 1
    heap[i] = h
    return size + 1


@inline_kernel
def _heap_pop(heap, size, f, pos):
    """Remove the top of ``heap[:size]`` (``size`` > 0); returns it."""
    top = heap[0]
    last = heap[size - 1]
    size -= 1
    i = 0
    while 2 * i + 1 < size:
        child = 2 * i + 1
        if child + 1 < size and _ranks_before(f, pos, heap[child + 1], heap[child]):
            child += 1
        if not _ranks_before(f, pos, heap[child], last):
            break
        heap[i] = heap[child]
        i = child
    heap[i] = last
    return top


@kernel
def _grown(array, size):
    """``array`` copied into a new array of ``size`` rows."""
    grown = np.empty((size,) + array.shape[1:], array.dtype)
    grown[:array.shape[0]] = array
    return grown


@kernel
def unigram_nbest(cp, piece_start, piece_end, n_pieces, first_word, args, n_best):
    """The ``n_best`` best segmentations of the pieces (one lattice path per piece), best first:
    the first is ``unigram``'s result, the rest come from an A* search backwards from the end,
    bounded by the exact best score of each prefix. The agenda is cut to the hypotheses that can
    still be needed whenever it outgrows ``AGENDA_MAX``, which keeps the answer exact. Tokens are
    emitted as ``unigram`` does (unk runs fused, byte fallback). Returns (count or ``MISSING_UNK``,
    scores (sums of node scores, unknown chars at ``unk_score``), row_splits, ids, start, end, word),
    result ``r`` being rows ``row_splits[r]:row_splits[r + 1]``."""
    cells, piece_scores, _, unk_id, unk_score, tokens_per_char = args
    nodes, node_scores, total, ending_start, ending = _lattice(cp, piece_start, piece_end, n_pieces, cells,
                                                               piece_scores, unk_id, unk_score)
    best = np.full(total + 1, -np.inf)
    best[0] = 0.0
    best_node = np.full(total + 1, -1, np.int64)
    for q in range(1, total + 1):
        for e in range(ending_start[q], ending_start[q + 1]):
            t = ending[e]
            score = best[nodes[t, 0]] + node_scores[t]
            if best_node[q] < 0 or score > best[q]:
                best[q] = score
                best_node[q] = t
        if nodes[best_node[q], 2] < 0:
            empty = np.zeros(0, np.int32)
            return MISSING_UNK, np.zeros(0), np.zeros(1, np.int64), empty, empty, empty, empty
    n_viterbi = 0
    q = total
    while q > 0:
        n_viterbi += 1
        q = nodes[best_node[q], 0]
    viterbi = np.empty(n_viterbi, np.int64)
    q = total
    for t in range(n_viterbi - 1, -1, -1):
        viterbi[t] = best_node[q]
        q = nodes[best_node[q], 0]
    found_nodes = viterbi.copy()
    found_splits = np.zeros(max(n_best, 0) + 1, np.int64)
    found_scores = np.zeros(max(n_best, 0))
    found = 0
    if n_best > 0:
        found_splits[1] = n_viterbi
        found_scores[0] = best[total]
        found = 1
    skipped = False
    capacity = 64
    h_node = np.empty(capacity, np.int64)
    h_parent = np.empty(capacity, np.int64)
    h_pos = np.empty(capacity, np.int64)
    h_g = np.empty(capacity)
    h_f = np.empty(capacity)
    heap = np.empty(AGENDA_MAX + 2 + 2 * nodes.shape[0], np.int64)
    h_node[0] = -1
    h_parent[0] = -1
    h_pos[0] = total
    h_g[0] = 0.0
    h_f[0] = best[total]
    n_hyps = 1
    size = _heap_push(heap, 0, 0, h_f, h_pos) if n_best > 1 else 0
    while size > 0 and found < n_best:
        h = _heap_pop(heap, size, h_f, h_pos)
        size -= 1
        if h_pos[h] == 0:
            length = 0
            k = h
            while h_node[k] >= 0:
                length += 1
                k = h_parent[k]
            path = np.empty(length, np.int64)
            k = h
            for t in range(length):
                path[t] = h_node[k]
                k = h_parent[k]
            if not skipped and length == n_viterbi and np.all(path == viterbi):
                skipped = True
                continue
            score = 0.0
            for t in range(length):
                score += node_scores[path[t]]
            found_nodes = np.concatenate((found_nodes, path))
            found_scores[found] = score
            found_splits[found + 1] = found_splits[found] + length
            found += 1
            continue
        for e in range(ending_start[h_pos[h]], ending_start[h_pos[h] + 1]):
            t = ending[e]
            if nodes[t, 2] < 0:
                continue
            if n_hyps == capacity:
                capacity *= 2
                h_node = _grown(h_node, capacity)
                h_parent = _grown(h_parent, capacity)
                h_pos = _grown(h_pos, capacity)
                h_g = _grown(h_g, capacity)
                h_f = _grown(h_f, capacity)
            h_node[n_hyps] = t
            h_parent[n_hyps] = h
            h_pos[n_hyps] = nodes[t, 0]
            h_g[n_hyps] = h_g[h] + node_scores[t]
            h_f[n_hyps] = best[nodes[t, 0]] + h_g[n_hyps]
            size = _heap_push(heap, size, n_hyps, h_f, h_pos)
            n_hyps += 1
        if size > AGENDA_MAX:
            keep = min(size, n_best - found + (0 if skipped else 1))
            kept = np.empty(keep, np.int64)
            for i in range(keep):
                kept[i] = _heap_pop(heap, size, h_f, h_pos)
                size -= 1
            heap[:keep] = kept
            size = keep
    order = np.arange(found)
    for i in range(2, found):
        j = i
        while j > 1 and found_scores[order[j]] > found_scores[order[j - 1]]:
            order[j], order[j - 1] = order[j - 1], order[j]
            j -= 1
    size_out = found * total * tokens_per_char + 1
    out_ids = np.empty(size_out, np.int32)
    out_start = np.empty(size_out, np.int32)
    out_end = np.empty(size_out, np.int32)
    out_word = np.empty(size_out, np.int32)
    row_splits = np.zeros(found + 1, np.int64)
    sorted_scores = np.empty(found)
    m = 0
    for r in range(found):
        chosen = found_nodes[found_splits[order[r]]:found_splits[order[r] + 1]]
        m = _emit_nodes(cp, nodes, chosen, chosen.shape[0], first_word, args, out_ids, out_start, out_end, out_word, m)
        row_splits[r + 1] = m
        sorted_scores[r] = found_scores[order[r]]
    return found, sorted_scores, row_splits, out_ids[:m], out_start[:m], out_end[:m], out_word[:m]
