"""The BPE model: pre-tokenized pieces → tokens, as HuggingFace's ``models::bpe``.

Per piece: with ``ignore_merges`` (and no dropout), a piece that is a vocab entry is one token.
Otherwise every char becomes a symbol (``prefix + char`` after the first char, ``char + suffix``
for the last; failing that its ``<0xXX>`` byte tokens when all exist; failing that unk, fused or
not; with no unk token the char is dropped), then merges apply lowest rank first, leftmost on
ties. HuggingFace pops a heap of (rank, position) and skips stale entries, which picks the same
merge each step (a rescan can differ only for a vocab where two tokens share an id).

How it stays fast:

- Chars below ``DENSE_CHARS`` find their symbol in a dense table; the rest walk the vocab trie.
- A piece of at most ``CACHE_MAX`` chars is looked up in a cache in the scratch, keyed by its
  chars; a miss is merged by rescanning for the lowest rank and then cached.
- A longer piece is cut between chars ``a`` and ``b`` when no merge joins a left token ending in
  ``a`` to a right token starting with ``b``: the smallest symbol that would span the cut comes
  from such a merge, so the sides never interact. Llama-2's whole lines become words this way,
  cached by their symbol ids. Segments over ``SCAN_MAX`` symbols take a 4-ary heap over a linked
  list, and from ``BUCKET_MIN`` on, first, lists of positions per rank.
- Offsets: a token spans its symbols' chars. HuggingFace adds up the symbols' byte lengths
  instead, which differs only when chars were dropped, when byte-fallback symbols overtake a
  pending unk, or when byte fallback spells prefix/suffix bytes; those pieces count bytes too.

Reference counting: an array passed to an inlined helper is a new reference, an atomic increment
and decrement of ~6 ns each, which Numba's pruning pass removes only for simple shapes. The
helpers inlined into per-piece and per-merge loops therefore touch every array on every path
(no array used in one branch only, none read in a short-circuit loop condition, no early exit
from a ``for`` loop, one ``return``), and ``bpe`` calls kernels only inside ``try`` blocks (a
call's error exit is an early exit too). Without this the fast path costs three times as much.
"""
import numpy as np

from ._jit import inline_kernel, kernel
from .columns import filled_columns, piece_columns
from .utf8 import utf8_byte, utf8_length

DENSE_CHARS = 0x3000          # code points with direct id tables (the rest walk the trie)
UNK_DROP = 0
UNK_ID = 1
UNK_ERROR = 2
MISSING_UNK = -1              # what ``bpe`` returns when a char needs an unk token the vocab lacks
OUT_OF_MEMORY = -2            # ... and when a buffer for a long piece could not be allocated

NO_RANK = 0x7FFFFFFF
PAIR_BITS = 21                # token ids and ranks in the packed merge table
PAIR_MASK = (1 << PAIR_BITS) - 1
MIX = np.uint64(0x9E3779B97F4A7C15)
SCRATCH_SYMBOLS = 1024        # longer pieces get buffers of their own
BUCKET_MIN = 1024             # segments this long try rank buckets before the heap
SCAN_MAX = 64                 # longer segments take the heap (at most 64: positions take 6 bits)
CACHE_BITS = 14               # cache rows: 2^14 of 128 bytes, 2 MiB a scratch
CACHE_MAX = 24                # chars (or symbols) of the longest cached segment
CACHE_WIDTH = 32              # int32s a row: results that do not fit are not kept
KEY_CHARS = 0
KEY_IDS = 1

SYM_ID, SYM_START, SYM_END, SYM_BYTES, SYM_CHAR = 0, 1, 2, 3, 4
JUNCTION_CLASS = 4            # the row of ``dense_ids`` with each char's junction class
TOK_ID, TOK_FIRST = 0, 1


@inline_kernel
def hash_slot(key, size):
    """Multiplicative hash of a non-negative int64 key into ``0..size-1`` (``size`` < 2^32)."""
    return np.int64((((np.uint64(key) * MIX) >> np.uint64(32)) * np.uint64(size)) >> np.uint64(32))


@inline_kernel
def pair_rank(pairs, left, right):
    """Rank of the merge of tokens ``left`` and ``right``, -1 if there is none.

    ``pairs`` is an open-addressing table of ``left << 42 | right << 21 | rank``, -1 when free."""
    key = (np.int64(left) << PAIR_BITS) | np.int64(right)
    size = pairs.shape[0]
    i = hash_slot(key, size)
    stored = pairs[i]
    while stored >> PAIR_BITS != key and stored >= 0:
        i = i + 1 if i + 1 < size else 0
        stored = pairs[i]
    return (stored & PAIR_MASK) | (stored >> 63)


@inline_kernel
def _has_junction(junctions, left_char, right_char):
    """Whether some merge joins a token ending in ``left_char`` to one starting with ``right_char``."""
    key = (np.int64(left_char) << 32) | np.int64(right_char)
    size = junctions.shape[0]
    i = hash_slot(key, size)
    stored = junctions[i]
    while stored != key and stored >= 0:
        i = i + 1 if i + 1 < size else 0
        stored = junctions[i]
    return stored == key


@inline_kernel
def new_bpe_scratch(args):
    """Per-thread buffers for ``bpe``: (symbols, tokens, heap, links, cache tags, cache rows)."""
    small = args[6].shape[0] == 0
    cap = SCAN_MAX if small else SCRATCH_SYMBOLS
    slots = 1 if small else 1 << CACHE_BITS
    return (np.empty((5, cap), np.int32), np.empty((2, cap), np.int32), np.empty(3 * cap, np.int64),
            np.empty((3, cap), np.int32), np.zeros(slots, np.int32), np.empty((slots, CACHE_WIDTH), np.int32))


@kernel
def seed_bpe_dropout(seed):
    """Seed the calling thread's generator behind dropout (each Numba thread has its own)."""
    np.random.seed(seed)


@inline_kernel
def _step(cells, node, c):
    """The trie node after code point ``c`` from ``node`` (-1: none, also when ``node`` is -1)."""
    length = utf8_length(c)
    k = 0
    while node >= 0 and k < length:
        child = cells[node, 0] + utf8_byte(c, length, k)
        node = child if cells[child, 1] == node else -1
        k += 1
    return node


@inline_kernel
def _spelled_byte(prefix, n_prefix, c, length, suffix, k):
    """Byte ``k`` of ``prefix[:n_prefix] + utf8(c) + suffix``."""
    in_char = k - n_prefix
    return (np.int64(prefix[k]) if k < n_prefix else utf8_byte(c, length, in_char) if in_char < length
            else np.int64(suffix[in_char - length]))


@inline_kernel
def _push(sym, n, token, start, end, n_bytes, char):
    """Append a symbol (id, chars ``start..end-1``, HuggingFace's byte length, its char or -1)."""
    sym[SYM_ID, n] = token
    sym[SYM_START, n] = start
    sym[SYM_END, n] = end
    sym[SYM_BYTES, n] = n_bytes
    sym[SYM_CHAR, n] = char
    return n + 1


@kernel
def _initial_symbols(cp, start, end, cells, dense_ids, prefix, suffix, byte_ids, prefix_node, unk_id, unk_mode,
                     fuse_unk, sym):
    """Fill ``sym`` with the piece's symbols as HuggingFace's ``merge_word`` orders them. Returns
    (count, exact): count -1 when an unk is needed and missing from the vocab; exact False when
    HuggingFace's byte-count offsets differ from the symbols' char spans."""
    n = 0
    exact = True
    pending = False
    pending_start = 0
    pending_end = 0
    pending_bytes = 0
    for i in range(start, end):
        c = cp[i]
        first = i == start
        last = i == end - 1
        if c < DENSE_CHARS:
            token = dense_ids[np.int64(not first) + 2 * np.int64(last), c]
        else:
            node = _step(cells, 0 if first else prefix_node, c)
            k = 0
            while last and node >= 0 and k < suffix.shape[0]:
                child = cells[node, 0] + suffix[k]
                node = child if cells[child, 1] == node else -1
                k += 1
            token = cells[node, 2] if node >= 0 else -1
        length = utf8_length(c)
        if token >= 0:
            if pending:
                n = _push(sym, n, unk_id, pending_start, pending_end, pending_bytes, -1)
                pending = False
            n = _push(sym, n, token, i, i + 1, length, c)
            continue
        # Byte fallback spells prefix + char + suffix, all or nothing.
        n_prefix = 0 if first else prefix.shape[0]
        n_spelled = n_prefix + length + (suffix.shape[0] if last else 0)
        k = 0
        while k < n_spelled and byte_ids[_spelled_byte(prefix, n_prefix, c, length, suffix, k)] >= 0:
            k += 1
        if k == n_spelled:
            for k in range(n_spelled):
                n = _push(sym, n, byte_ids[_spelled_byte(prefix, n_prefix, c, length, suffix, k)], i, i + 1, 1, -1)
            exact = exact and not pending and n_spelled == length
            continue
        if unk_mode == UNK_DROP:
            exact = False
            continue
        if unk_mode == UNK_ERROR:
            return MISSING_UNK, False
        if pending and fuse_unk != 0:
            pending_end = i + 1
            pending_bytes += length
            continue
        if pending:
            n = _push(sym, n, unk_id, pending_start, pending_end, pending_bytes, -1)
        pending = True
        pending_start = i
        pending_end = i + 1
        pending_bytes = length
    if pending:
        n = _push(sym, n, unk_id, pending_start, pending_end, pending_bytes, -1)
    return n, exact


@inline_kernel
def _scan_merge(sym, a, b, pairs, rank_new, tokens, links):
    """Merge symbols ``a..b-1`` by rescanning for the lowest rank (quadratic: segments of at most
    ``SCAN_MAX`` symbols). ``links`` rows hold each symbol's id, first initial symbol and the rank
    of its pair with the next one. Leaves (id, first symbol relative to ``a``) per token in
    ``tokens``; returns their count."""
    n = b - a
    for k in range(n):
        links[0, k] = sym[SYM_ID, a + k]
        links[1, k] = k
    for k in range(n - 1):
        r = pair_rank(pairs, links[0, k], links[0, k + 1])
        links[2, k] = r if r >= 0 else NO_RANK
    best = 0
    while n > 1 and best < NO_RANK:
        # Lowest rank, leftmost on ties: the minimum of rank << 6 | position, without branches.
        lowest = np.int64(NO_RANK) << 6
        for k in range(n - 1):
            lowest = min(lowest, (np.int64(links[2, k]) << 6) | k)
        best = lowest >> 6
        at = lowest & 63
        if best < NO_RANK:
            links[0, at] = rank_new[best]
            for k in range(at + 1, n - 1):
                links[0, k] = links[0, k + 1]
                links[1, k] = links[1, k + 1]
                links[2, k] = links[2, k + 1]
            n -= 1
            if at > 0:
                r = pair_rank(pairs, links[0, at - 1], links[0, at])
                links[2, at - 1] = r if r >= 0 else NO_RANK
            if at < n - 1:
                r = pair_rank(pairs, links[0, at], links[0, at + 1])
                links[2, at] = r if r >= 0 else NO_RANK
    for k in range(n):
        tokens[TOK_ID, k] = links[0, k]
        tokens[TOK_FIRST, k] = links[1, k]
    return n


@inline_kernel
def _heap_push(heap, size, key):
    """Add ``key`` to the 4-ary min-heap ``heap[:size]``; returns the new size."""
    i = size
    parent = heap[max((i - 1) >> 2, 0)]
    while i > 0 and parent > key:
        heap[i] = parent
        i = (i - 1) >> 2
        parent = heap[max((i - 1) >> 2, 0)]
    heap[i] = key
    return size + 1


@inline_kernel
def _heap_sift_down(heap, size, i, key):
    """Place ``key`` at slot ``i`` of the 4-ary min-heap ``heap[:size]`` or below. Four children
    share a cache line: half the depth of a binary heap for the same misses per level."""
    child = 4 * i + 1
    while child < size:
        best = child
        for c in range(child + 1, min(child + 4, size)):
            best = c if heap[c] < heap[best] else best
        smaller = heap[best]
        heap[i] = smaller if smaller < key else heap[i]
        i = best if smaller < key else i
        child = 4 * i + 1 if smaller < key else size
    heap[i] = key


@inline_kernel
def _merge_at(ids, nxt, prv, n, pos, right, new_id):
    """Merge symbol ``right`` into its left neighbour ``pos`` of the linked list; returns the
    neighbours (before, after) of the merged symbol (-1 / ``n`` when none)."""
    ids[pos] = new_id
    ids[right] = -1
    after = nxt[right]
    nxt[pos] = after
    if after < n:
        prv[after] = pos
    return prv[pos], after


@kernel
def _sort_head(values, count):
    """Sort ``values[:count]`` in place."""
    values[:count].sort()


@kernel
def _rank_buckets(ids, nxt, prv, n, pairs, rank_new):
    """The merge loop for long segments with one list of positions per rank and a heap of ranks
    only: a rank's positions are taken in order, as HuggingFace pops them, while new pairs rank
    higher (always, for merges learned in order). Returns False, with the symbols merged so far,
    when a merge makes a pair that ranks no higher while positions of the current rank wait: the
    caller's heap then takes over.

    One loop, one place that adds a pair (inlined helpers in this loop would cost reference
    counting). ``per_rank`` rows (first entry, last entry, index in ``listed``) are not
    initialized: a rank's row is valid once ``listed[where] == rank`` (a sparse set)."""
    capacity = 3 * n
    entries = np.empty((2, capacity), np.int32)     # position, next entry of the same rank
    listed = np.empty(capacity, np.int32)
    positions = np.empty(capacity, np.int32)
    queue = np.empty(capacity, np.int64)             # 4-ary heap of ranks with a non-empty list
    per_rank = np.empty((3, rank_new.shape[0]), np.int32)
    adding = np.empty((2, 2), np.int64)              # pairs waiting to be added: rank, position
    n_adding = 0
    n_entries = 0
    n_listed = 0
    size = 0
    k = 0
    i = 0
    count = 0
    rank = 0
    new_id = 0
    while True:
        if n_adding > 0:
            n_adding -= 1
            r = adding[0, n_adding]
            w = per_rank[2, r]
            if not (0 <= w < n_listed and listed[w] == r):
                per_rank[2, r] = n_listed
                listed[n_listed] = r
                n_listed += 1
                per_rank[0, r] = -1
            if per_rank[0, r] < 0:
                per_rank[0, r] = n_entries
                size = _heap_push(queue, size, r)
            else:
                entries[1, per_rank[1, r]] = n_entries
            per_rank[1, r] = n_entries
            entries[0, n_entries] = adding[1, n_adding]
            entries[1, n_entries] = -1
            n_entries += 1
        elif k < n - 1:
            r = pair_rank(pairs, ids[k], ids[k + 1])
            if r >= 0:
                adding[0, 0] = r
                adding[1, 0] = k
                n_adding = 1
            k += 1
        elif i < count:
            pos = positions[i]
            i += 1
            right = nxt[pos]
            if ids[pos] >= 0 and right < n:
                current = pair_rank(pairs, ids[pos], ids[right])
                if current >= 0 and rank_new[current] == new_id:
                    before, after = _merge_at(ids, nxt, prv, n, pos, right, new_id)
                    r_before = pair_rank(pairs, ids[before], new_id) if before >= 0 else -1
                    r_after = pair_rank(pairs, new_id, ids[after]) if after < n else -1
                    if i < count and (0 <= r_after <= rank or 0 <= r_before <= rank):
                        return False
                    if r_before >= 0:
                        adding[0, n_adding] = r_before
                        adding[1, n_adding] = before
                        n_adding += 1
                    if r_after >= 0:
                        adding[0, n_adding] = r_after
                        adding[1, n_adding] = pos
                        n_adding += 1
        elif size > 0:
            rank = queue[0]
            size -= 1
            if size > 0:
                _heap_sift_down(queue, size, 0, queue[size])
            count = 0
            ordered = True
            e = per_rank[0, rank]
            while e >= 0:
                positions[count] = entries[0, e]
                ordered = ordered and (count == 0 or positions[count - 1] <= positions[count])
                count += 1
                e = entries[1, e]
            per_rank[0, rank] = -1
            if not ordered:
                _sort_head(positions, count)
            new_id = rank_new[rank]
            i = 0
        else:
            return True


@kernel
def _heap_merge(sym, a, b, pairs, rank_new, dropout, tokens, heap, links):
    """HuggingFace's merge loop on symbols ``a..b-1``: a 4-ary min-heap of rank << 32 | position
    over a linked list, stale entries skipped (after ``_rank_buckets`` on long segments). With
    dropout each popped merge is skipped with that probability, and the skipped ones return to the
    heap after the next merge. Returns (count, tokens) as ``_scan_merge`` leaves them, ``tokens``
    fresh when the scratch is too small."""
    n = b - a
    if links.shape[1] < n:
        links = np.empty((3, n), np.int32)
        heap = np.empty(3 * n, np.int64)
        tokens = np.empty((2, n), np.int32)
    ids = links[0]
    nxt = links[1]
    prv = links[2]
    for k in range(n):
        ids[k] = sym[SYM_ID, a + k]
        nxt[k] = k + 1
        prv[k] = k - 1
    done = dropout <= 0.0 and n >= BUCKET_MIN and _rank_buckets(ids, nxt, prv, n, pairs, rank_new)
    size = 0
    k = 0
    while not done and k < n:
        right = nxt[k]
        r = pair_rank(pairs, ids[k], ids[right]) if right < n else -1
        if r >= 0:
            heap[size] = (r << 32) | k
            size += 1
        k = right
    for i in range((size - 2) // 4, -1, -1):
        _heap_sift_down(heap, size, i, heap[i])
    skipped = np.empty(3 * n if dropout > 0.0 else 0, np.int64)
    n_skipped = 0
    while size > 0:
        top = heap[0]
        size -= 1
        if size > 0:
            _heap_sift_down(heap, size, 0, heap[size])
        if dropout > 0.0 and np.random.random() < dropout:
            skipped[n_skipped] = top
            n_skipped += 1
            continue
        for s in range(n_skipped):
            size = _heap_push(heap, size, skipped[s])
        n_skipped = 0
        pos = top & 0xFFFFFFFF
        new_id = rank_new[top >> 32]
        right = nxt[pos]
        if ids[pos] < 0 or right >= n:
            continue
        current = pair_rank(pairs, ids[pos], ids[right])
        if current < 0 or rank_new[current] != new_id:
            continue
        before, after = _merge_at(ids, nxt, prv, n, pos, right, new_id)
        if after < n:
            r = pair_rank(pairs, new_id, ids[after])
            if r >= 0:
                size = _heap_push(heap, size, (r << 32) | pos)
        if before >= 0:
            r = pair_rank(pairs, ids[before], new_id)
            if r >= 0:
                size = _heap_push(heap, size, (r << 32) | before)
    n_tokens = 0
    k = 0
    while k < n:
        tokens[TOK_ID, n_tokens] = ids[k]
        tokens[TOK_FIRST, n_tokens] = k
        n_tokens += 1
        k = nxt[k]
    return n_tokens, tokens


@kernel
def _whole_piece(cp, start, end, sym, n, pairs, rank_new, dropout, exact, tokens, heap, links, word, out_ids,
                 out_start, out_end, out_word, m):
    """The heap on a whole piece (dropout, or inexact spans), its tokens appended from ``m``.
    Inexact: HuggingFace's byte count, each token covering the chars that hold its bytes (clamped
    to the piece)."""
    n_tokens, tokens = _heap_merge(sym, 0, n, pairs, rank_new, dropout, tokens, heap, links)
    if exact:
        return _emit(tokens, n_tokens, sym, 0, n, word, out_ids, out_start, out_end, out_word, m)
    offset = 0
    lo_char = start
    lo_byte = 0
    hi_char = start
    hi_byte = 0
    for t in range(n_tokens):
        stop = tokens[TOK_FIRST, t + 1] if t + 1 < n_tokens else n
        lo = offset
        for k in range(tokens[TOK_FIRST, t], stop):
            offset += sym[SYM_BYTES, k]
        while lo_char < end and lo_byte + utf8_length(cp[lo_char]) <= lo:
            lo_byte += utf8_length(cp[lo_char])
            lo_char += 1
        while hi_char < end and hi_byte + utf8_length(cp[hi_char]) < offset:
            hi_byte += utf8_length(cp[hi_char])
            hi_char += 1
        out_ids[m] = tokens[TOK_ID, t]
        out_start[m] = lo_char
        out_end[m] = min(hi_char + 1, end)
        out_word[m] = word
        m += 1
    return m


@inline_kernel
def _emit(tokens, n_tokens, sym, a, b, word, out_ids, out_start, out_end, out_word, m):
    """Append tokens whose symbols are ``a..b-1``; each spans its symbols' chars."""
    for t in range(n_tokens):
        following = tokens[TOK_FIRST, min(t + 1, tokens.shape[1] - 1)]
        last = a + (following if t + 1 < n_tokens else b - a) - 1
        out_ids[m] = tokens[TOK_ID, t]
        out_start[m] = sym[SYM_START, a + tokens[TOK_FIRST, t]]
        out_end[m] = sym[SYM_END, last]
        out_word[m] = word
        m += 1
    return m


@kernel
def _merge_long(sym, a, b, pairs, rank_new, tokens, heap, links, word, out_ids, out_start, out_end, out_word, m):
    """Merge a segment of more than ``SCAN_MAX`` symbols through the heap and append its tokens."""
    n_tokens, merged = _heap_merge(sym, a, b, pairs, rank_new, 0.0, tokens, heap, links)
    return _emit(merged, n_tokens, sym, a, b, word, out_ids, out_start, out_end, out_word, m)


@inline_kernel
def _cache_lookup(keys, lo, hi, kind, cache_tags, cache):
    """(slot, tag, hit) of the segment keyed by ``keys[lo:hi]``: its chars (``KEY_CHARS``, the fast
    path) or its symbol ids (``KEY_IDS``)."""
    n = hi - lo
    h = np.uint64(n << 1 | kind)
    for k in range(lo, hi):
        h = (h ^ np.uint64(keys[k])) * MIX
    slot = np.int64(h >> np.uint64(40)) & (cache_tags.shape[0] - 1)
    tag = np.int32(h >> np.uint64(33)) | 1
    stored_tag = cache_tags[slot]
    stored_size = cache[slot, 0]
    hit = n <= CACHE_MAX and stored_tag == tag and stored_size == n << 1 | kind
    k = 0
    while hit and k < n:
        hit = cache[slot, 2 + k] == keys[lo + k]
        k += 1
    return slot, tag, hit


@inline_kernel
def _cache_store(keys, lo, hi, kind, tokens, n_tokens, cache_tags, cache, slot, tag):
    """Keep ``n_tokens`` tokens (id, first symbol) under the key ``keys[lo:hi]`` in row ``slot``;
    a result too big for a row empties it instead. A row: n << 1 | kind, token count, key, token
    ids, tokens' first symbols. (No branch touches an array: see the module docstring.)"""
    n = hi - lo
    fits = np.int64(2 + n + 2 * n_tokens <= CACHE_WIDTH)
    cache_tags[slot] = tag * fits
    cache[slot, 0] = n << 1 | kind
    cache[slot, 1] = n_tokens
    for k in range(n * fits):
        cache[slot, 2 + k] = keys[lo + k]
    for t in range(n_tokens * fits):
        cache[slot, 2 + n + t] = tokens[TOK_ID, t]
        cache[slot, 2 + n + n_tokens + t] = tokens[TOK_FIRST, t]


@inline_kernel
def _emit_cached(sym, a, b, cache, slot, word, out_ids, out_start, out_end, out_word, m):
    """Append the cached tokens of symbols ``a..b-1`` (spans from ``sym``; ``sym`` None: one
    symbol per char from char ``a``)."""
    n = b - a
    n_tokens = cache[slot, 1]
    firsts = 2 + n + n_tokens
    for t in range(n_tokens):
        first = cache[slot, firsts + t]
        following = cache[slot, min(firsts + t + 1, CACHE_WIDTH - 1)]
        stop = following if t + 1 < n_tokens else n
        out_ids[m] = cache[slot, 2 + n + t]
        if sym is None:
            out_start[m] = a + first
            out_end[m] = a + stop
        else:
            out_start[m] = sym[SYM_START, a + first]
            out_end[m] = sym[SYM_END, a + stop - 1]
        out_word[m] = word
        m += 1
    return m


@kernel
def _segment(sym, a, b, keys, lo, hi, kind, pairs, rank_new, tokens, links, cache_tags, cache, slot, tag, word,
             out_ids, out_start, out_end, out_word, m):
    """Merge symbols ``a..b-1`` (at most ``SCAN_MAX``), append their tokens and keep them in cache
    row ``slot`` under the key ``keys[lo:hi]`` (see ``_cache_lookup``)."""
    n_tokens = _scan_merge(sym, a, b, pairs, rank_new, tokens, links)
    _cache_store(keys, lo, hi, kind, tokens, n_tokens, cache_tags, cache, slot, tag)
    return _emit(tokens, n_tokens, sym, a, b, word, out_ids, out_start, out_end, out_word, m)


@kernel
def _long_piece(sym, n, dense_ids, junction_bits, junctions, special_merge, pairs, rank_new, tokens, heap, links,
                cache_tags, cache, word, out_ids, out_start, out_end, out_word, m):
    """Cut the symbols where no merge can join them and append each segment's tokens. The common
    chars have a junction class (``dense_ids`` row 4) and their pairs a bit; the rest probe the
    ``junctions`` set."""
    ids = sym[SYM_ID]
    a = 0
    for b in range(1, n + 1):
        left = sym[SYM_CHAR, b - 1]
        right = sym[SYM_CHAR, b] if b < n else -1
        left_class = dense_ids[JUNCTION_CLASS, left] if 0 <= left < DENSE_CHARS else 0
        right_class = dense_ids[JUNCTION_CLASS, right] if 0 <= right < DENSE_CHARS else 0
        if left < 0 or right < 0:
            joined = b < n and special_merge != 0
        elif left_class > 0 and right_class > 0:
            joined = (junction_bits[left_class, right_class >> 3] >> (right_class & 7)) & 1 != 0
        else:
            joined = _has_junction(junctions, left, right)
        if joined:
            pass
        elif b - a == 1:
            out_ids[m] = sym[SYM_ID, a]
            out_start[m] = sym[SYM_START, a]
            out_end[m] = sym[SYM_END, a]
            out_word[m] = word
            m += 1
        else:
            slot, tag, hit = _cache_lookup(ids, a, b, KEY_IDS, cache_tags, cache)
            if hit:
                m = _emit_cached(sym, a, b, cache, slot, word, out_ids, out_start, out_end, out_word, m)
            elif b - a <= SCAN_MAX:
                m = _segment(sym, a, b, ids, a, b, KEY_IDS, pairs, rank_new, tokens, links, cache_tags, cache, slot,
                             tag, word, out_ids, out_start, out_end, out_word, m)
            else:
                m = _merge_long(sym, a, b, pairs, rank_new, tokens, heap, links, word, out_ids, out_start, out_end,
                                out_word, m)
        a = a if joined else b
    return m


@kernel
def _general_piece(cp, start, end, word, args, sym, tokens, heap, links, cache_tags, cache, out_ids, out_start,
                   out_end, out_word, m):
    """Everything but the fast path, ``sym`` big enough for the piece; returns the new count or
    ``MISSING_UNK``."""
    (cells, dense_ids, prefix, suffix, byte_ids, pairs, rank_new, junctions, junction_bits, prefix_node, unk_id,
     unk_mode, fuse_unk, _, special_merge, dropout, _) = args
    n, exact = _initial_symbols(cp, start, end, cells, dense_ids, prefix, suffix, byte_ids, prefix_node, unk_id,
                                unk_mode, fuse_unk, sym)
    if n < 0:
        return MISSING_UNK
    if not exact or (dropout > 0.0 and n > 1):
        return _whole_piece(cp, start, end, sym, n, pairs, rank_new, dropout, exact, tokens, heap, links, word,
                            out_ids, out_start, out_end, out_word, m)
    return _long_piece(sym, n, dense_ids, junction_bits, junctions, special_merge, pairs, rank_new, tokens, heap, links,
                       cache_tags, cache, word, out_ids, out_start, out_end, out_word, m)


@kernel
def _big_piece(cp, start, end, word, args, tokens, heap, links, cache_tags, cache, out_ids, out_start, out_end,
               out_word, m):
    """``_general_piece`` with a symbol buffer sized for this piece."""
    sym = np.empty((5, (end - start) * args[16]), np.int32)
    return _general_piece(cp, start, end, word, args, sym, tokens, heap, links, cache_tags, cache, out_ids, out_start,
                          out_end, out_word, m)


@inline_kernel
def bpe(cp, piece_start, piece_end, n_pieces, first_word, args, scratch, out_ids, out_start, out_end, out_word, m):
    """Append the BPE tokens of every piece ``cp[piece_start[p]:piece_end[p]]`` from ``m`` on: id,
    start and end (indices in ``cp``), word ``first_word + p``. ``args``: ``tables.bpe``;
    ``scratch``: ``new_bpe_scratch(args)``. The output needs room for ``args[16]``
    (``tokens_per_char``) tokens per char. Returns the new count, ``MISSING_UNK`` (-1) when a char
    needs the unk token and the vocab lacks it, or ``OUT_OF_MEMORY`` (-2).

    The fast path (every char in the dense tables, at most ``CACHE_MAX`` of them, no dropout) is
    written out here; everything else is a call. The calls sit in ``try`` blocks: a call's error
    exit would keep Numba from pruning the reference counting of every array here, ~250 ns a call
    when this function is inlined into a loop (the only error they can raise is MemoryError)."""
    cells = args[0]
    dense_ids = args[1]
    pairs = args[5]
    rank_new = args[6]
    whole_words = args[13] != 0 and args[15] <= 0.0
    fast = args[15] <= 0.0
    symbols, tokens, heap, links, cache_tags, cache = scratch
    capacity = symbols.shape[1] // args[16]
    p = 0
    while p < n_pieces and m >= 0:
        start = piece_start[p]
        end = piece_end[p]
        word = first_word + p
        p += 1
        node = 0
        i = start
        while whole_words and node >= 0 and i < end:
            node = _step(cells, node, cp[i])
            i += 1
        done = start >= end
        if not done and whole_words and node >= 0 and cells[node, 2] >= 0:
            out_ids[m] = cells[node, 2]
            out_start[m] = start
            out_end[m] = end
            out_word[m] = word
            m += 1
            done = True
        if not done and fast and end - start <= CACHE_MAX:
            # The fast path: cached by the piece's chars, else every char in the dense tables.
            slot, tag, hit = _cache_lookup(cp, start, end, KEY_CHARS, cache_tags, cache)
            n = 0
            i = start
            while not hit and n >= 0 and i < end:
                c = cp[i]
                token = dense_ids[np.int64(i != start) + 2 * np.int64(i == end - 1), c] if c < DENSE_CHARS else -1
                n = _push(symbols, n, token, i, i + 1, utf8_length(c), c) if token >= 0 else -1
                i += 1
            if hit:
                m = _emit_cached(None, start, end, cache, slot, word, out_ids, out_start, out_end, out_word, m)
            elif n >= 0:
                try:
                    m = _segment(symbols, 0, n, cp, start, end, KEY_CHARS, pairs, rank_new, tokens, links,
                                 cache_tags, cache, slot, tag, word, out_ids, out_start, out_end, out_word, m)
                except Exception:  # noqa: BLE001 (MemoryError, the only one)
                    m = OUT_OF_MEMORY
            done = hit or n >= 0
        try:
            if not done and end - start <= capacity:
                m = _general_piece(cp, start, end, word, args, symbols, tokens, heap, links, cache_tags, cache,
                                   out_ids, out_start, out_end, out_word, m)
            elif not done:
                m = _big_piece(cp, start, end, word, args, tokens, heap, links, cache_tags, cache, out_ids,
                               out_start, out_end, out_word, m)
        except Exception:  # noqa: BLE001
            m = OUT_OF_MEMORY
    return m


@kernel
def bpe_pieces(cp, piece_start, piece_end, args):
    """``bpe`` over all pieces with fresh output columns and scratch (tests and benchmarks).
    Returns (``bpe``'s count or error code, ids, start, end, word)."""
    out_ids, out_start, out_end, out_word = piece_columns(piece_start, piece_end, args[16])
    m = bpe(cp, piece_start, piece_end, piece_start.shape[0], 0, args, new_bpe_scratch(args), out_ids, out_start,
            out_end, out_word, 0)
    return filled_columns(m, out_ids, out_start, out_end, out_word)
