"""BPE model → the ``args`` tuple of ``kernels.bpe.bpe``.

Two steps, so the expensive part can be cached on disk: ``bpe_table_arrays(model)`` builds every
array (30 ms for GPT-2, 0.5 s for Gemma's 580k merges), ``bpe_model_args_from(model, arrays,
vocab_cells)`` assembles the tuple in microseconds. ``bpe_model_args`` does both.

The tuple, in order (arrays read-only, C-contiguous; scalars int or float):

==================  ==========================================================================
``cells``           int32[n, 3] the vocabulary trie (``tables.wordpiece.vocab_trie``)
``dense_ids``       int32[5, DENSE_CHARS] per code point, the id of its symbol: row 0 as first
                    char, 1 ``prefix + char`` (later chars), 2 ``char + suffix`` (a one-char
                    piece), 3 ``prefix + char + suffix`` (the last char); -1 if not a token.
                    Row 4: the char's junction class (1-255 for the chars most common in
                    junctions, 0 for the rest)
``prefix``          int32[p] UTF-8 bytes of ``continuing_subword_prefix``
``suffix``          int32[s] UTF-8 bytes of ``end_of_word_suffix``
``byte_ids``        int32[256] id of ``<0xXX>`` per byte (all -1 without ``byte_fallback``)
``pairs``           int64[k] open-addressing table of ``left << 42 | right << 21 | rank``, -1 free
``rank_new``        int32[n_merges] the merged token's id per rank
``junctions``       int64[j] set of (last char of left << 32 | first char of right) per merge
``junction_bits``   uint8[256, 32] bit (b, c) set when chars of junction classes b, c form a junction
``prefix_node``     trie node reached by the prefix from the root (-1: no vocab entry starts so)
``unk_id``          id of ``unk_token``, -1 when absent
``unk_mode``        0: unknown chars are dropped, 1: they become ``unk_id``, 2: encoding fails
``fuse_unk``        1 to fuse consecutive unknown chars
``ignore_merges``   1 to emit a piece that is itself a vocab entry as one token
``special_merge``   1 if some merge involves a byte-fallback or unk token (those symbols then
                    block the cutting of long pieces, see ``kernels.bpe``)
``dropout``         float, 0.0 for none
``tokens_per_char`` the most tokens one char can give: 1, or 4 + prefix + suffix bytes when
                    ``byte_fallback`` is on; callers size their output by it
==================  ==========================================================================
"""
from __future__ import annotations

import operator

import numpy as np

from ..errors import TokenizerConfigError, UnsupportedComponentError
from ..kernels._jit import kernel
from ..kernels.bpe import DENSE_CHARS, JUNCTION_CLASS, PAIR_BITS, UNK_DROP, UNK_ERROR, UNK_ID, hash_slot
from ..spec import models as spec

MAX_ID = (1 << PAIR_BITS) - 1
MAX_LOAD = 0.7


def bpe_model_args(model: spec.BPE, vocab_cells: np.ndarray) -> tuple:
    """The kernel's ``args`` tuple for ``model`` (``vocab_cells``: the trie over ``model.vocab``)."""
    return bpe_model_args_from(model, bpe_table_arrays(model), vocab_cells)


def empty_bpe_args() -> tuple:
    """An ``args`` tuple of the same Numba types for tokenizers whose model is not BPE."""
    arrays = _read_only({
        "dense_ids": _dense_table({}, "", ""),
        "prefix": np.zeros(0, np.int32),
        "suffix": np.zeros(0, np.int32),
        "byte_ids": np.full(256, -1, np.int32),
        "pairs": np.full(1, -1, np.int64),
        "rank_new": np.zeros(0, np.int32),
        "junctions": np.full(1, -1, np.int64),
        "junction_bits": np.zeros((256, 32), np.uint8),
        "special_merge": np.zeros(1, np.int64),
    })
    cells = np.full((257, 3), -1, np.int32)
    cells[:, 0] = 0
    cells.setflags(write=False)
    return _assemble(cells, arrays, -1, -1, UNK_DROP, 0, 0, 0.0, 1)


def bpe_max_tokens_per_char(model: spec.BPE) -> int:
    """At most how many tokens one input char becomes (byte fallback spells every byte of the
    prefixed and suffixed char)."""
    if not model.byte_fallback:
        return 1
    return 4 + len((model.continuing_subword_prefix or "").encode()) + len((model.end_of_word_suffix or "").encode())


def bpe_table_arrays(model: spec.BPE) -> dict[str, np.ndarray]:
    """Every array of the ``args`` tuple except the vocabulary trie (the slow part: cache these)."""
    vocab = model.vocab
    if vocab and max(vocab.values()) > MAX_ID:
        token = max(vocab, key=vocab.__getitem__)
        raise UnsupportedComponentError(f"model.vocab[{token!r}]", f"ids above {MAX_ID} are not supported")
    if len(model.merges) > MAX_ID + 1:
        raise UnsupportedComponentError("model.merges", f"more than {MAX_ID + 1} merges are not supported")
    prefix = model.continuing_subword_prefix or ""
    lefts = [left for left, _ in model.merges]
    rights = [right for _, right in model.merges]
    n_merges = len(lefts)
    try:
        left_ids = np.fromiter(map(vocab.__getitem__, lefts), np.int64, n_merges)
        right_ids = np.fromiter(map(vocab.__getitem__, rights), np.int64, n_merges)
        rests = [_without_prefix(right, prefix) for right in rights] if prefix else rights
        merged = map(operator.add, lefts, rests)
        merged_ids = np.fromiter(map(vocab.__getitem__, merged), np.int32, n_merges)
    except KeyError:
        _raise_first_bad_merge(model)
    byte_ids = np.full(256, -1, np.int32)
    if model.byte_fallback:
        byte_ids[:] = [vocab.get(f"<0x{byte:02X}>", -1) for byte in range(256)]
    special = byte_ids[byte_ids >= 0].astype(np.int64)
    if model.unk_token is not None and model.unk_token in vocab:
        special = np.append(special, vocab[model.unk_token])
    special_merge = bool(np.isin(left_ids, special).any() or np.isin(right_ids, special).any())

    junction_left = np.fromiter((ord(token[-1]) if token else -1 for token in lefts), np.int64, n_merges)
    junction_right = np.fromiter((ord(token[0]) if token else -1 for token in rests), np.int64, n_merges)
    keep = (junction_left >= 0) & (junction_right >= 0)
    junction_keys = np.unique((junction_left[keep] << 32) | junction_right[keep])
    dense_ids = _dense_table(vocab, prefix, model.end_of_word_suffix or "")
    junction_bits = _junction_bits(junction_keys, dense_ids)

    arrays = {
        "dense_ids": dense_ids,
        "prefix": _utf8(prefix),
        "suffix": _utf8(model.end_of_word_suffix or ""),
        "byte_ids": byte_ids,
        "pairs": _pair_table(left_ids, right_ids, _table_size(n_merges)),
        "rank_new": merged_ids,
        "junctions": _key_set(junction_keys, _table_size(junction_keys.shape[0])),
        "junction_bits": junction_bits,
        "special_merge": np.array([special_merge], np.int64),
    }
    return _read_only(arrays)


def bpe_model_args_from(model: spec.BPE, arrays: dict[str, np.ndarray], vocab_cells: np.ndarray) -> tuple:
    """Assemble the ``args`` tuple from ``bpe_table_arrays(model)`` (possibly loaded from a cache)."""
    prefix_node = _walk(vocab_cells, arrays["prefix"])
    unk_id = -1
    unk_mode = UNK_DROP
    if model.unk_token is not None:
        unk_id = model.vocab.get(model.unk_token, -1)
        unk_mode = UNK_ID if unk_id >= 0 else UNK_ERROR
    return _assemble(vocab_cells, arrays, prefix_node, unk_id, unk_mode, int(model.fuse_unk), int(model.ignore_merges),
                     float(model.dropout or 0.0), bpe_max_tokens_per_char(model))


def _assemble(cells, arrays, prefix_node, unk_id, unk_mode, fuse_unk, ignore_merges, dropout, tokens_per_char) -> tuple:
    return (cells, arrays["dense_ids"], arrays["prefix"], arrays["suffix"], arrays["byte_ids"], arrays["pairs"],
            arrays["rank_new"], arrays["junctions"], arrays["junction_bits"], int(prefix_node), int(unk_id),
            int(unk_mode), int(fuse_unk), int(ignore_merges), int(arrays["special_merge"][0]), float(dropout),
            int(tokens_per_char))


def _without_prefix(right: str, prefix: str) -> str:
    """``right`` less the prefix as HuggingFace drops it: ``len(prefix)`` bytes, whatever they are."""
    if right.startswith(prefix):
        return right[len(prefix):]
    return right.encode()[len(prefix.encode()):].decode(errors="replace")


def _raise_first_bad_merge(model: spec.BPE) -> None:
    prefix = model.continuing_subword_prefix or ""
    for rank, (left, right) in enumerate(model.merges):
        for token in (left, right, left + _without_prefix(right, prefix)):
            if token not in model.vocab:
                raise TokenizerConfigError(f"model.merges[{rank}]", f"{token!r} is not in the vocab")
    raise AssertionError("no bad merge found")


def _dense_table(vocab: dict[str, int], prefix: str, suffix: str) -> np.ndarray:
    """``dense_ids``: per row (prefixed?, suffixed?) and code point, the id of the decorated char."""
    table = np.full((5, DENSE_CHARS), -1, np.int32)
    table[JUNCTION_CLASS] = 0
    longest = len(prefix) + len(suffix) + 1
    short = [(token, token_id) for token, token_id in vocab.items() if len(token) <= longest]
    for row, (head, tail) in enumerate((("", ""), (prefix, ""), ("", suffix), (prefix, suffix))):
        width = len(head) + len(tail) + 1
        for token, token_id in short:
            if len(token) == width and token.startswith(head) and token.endswith(tail):
                char = ord(token[len(head)])
                if char < DENSE_CHARS:
                    table[row, char] = token_id
    return table


def _junction_bits(junction_keys: np.ndarray, dense_ids: np.ndarray) -> np.ndarray:
    """Give the 255 chars (below ``DENSE_CHARS``) in most junctions a class in ``dense_ids`` and
    return the bitmap of the junctions between classed chars."""
    left = junction_keys >> 32
    right = junction_keys & 0xFFFFFFFF
    chars = np.concatenate([left, right])
    counts = np.bincount(chars[chars < DENSE_CHARS], minlength=DENSE_CHARS)
    common = np.argsort(-counts, kind="stable")[:255]
    common = common[counts[common] > 0]
    dense_ids[JUNCTION_CLASS, common] = np.arange(1, common.shape[0] + 1)
    bits = np.zeros((256, 32), np.uint8)
    classes = np.zeros(DENSE_CHARS + 1, np.int64)
    classes[:DENSE_CHARS] = dense_ids[JUNCTION_CLASS]
    left_class = classes[np.minimum(left, DENSE_CHARS)]
    right_class = classes[np.minimum(right, DENSE_CHARS)]
    both = (left_class > 0) & (right_class > 0)
    np.bitwise_or.at(bits, (left_class[both], right_class[both] >> 3), (1 << (right_class[both] & 7)).astype(np.uint8))
    return bits


def _utf8(text: str) -> np.ndarray:
    return np.frombuffer(text.encode(), np.uint8).astype(np.int32)


def _walk(cells: np.ndarray, key: np.ndarray) -> int:
    """The trie node reached by the bytes ``key``, -1 if none."""
    node = 0
    for byte in key.tolist():
        child = int(cells[node, 0]) + byte
        if child >= cells.shape[0] or int(cells[child, 1]) != node:
            return -1
        node = child
    return node


def _table_size(n_keys: int) -> int:
    """Slots for ``n_keys`` at a load of at most ``MAX_LOAD``, one free at least."""
    return int(n_keys / MAX_LOAD) + 1


@kernel
def _pair_table(left_ids, right_ids, size):
    """Insert the merges in rank order; a pair listed twice keeps its later rank, as HuggingFace's map."""
    pairs = np.full(size, -1, np.int64)
    for rank in range(left_ids.shape[0]):
        key = (left_ids[rank] << PAIR_BITS) | right_ids[rank]
        i = hash_slot(key, size)
        while pairs[i] >= 0 and pairs[i] >> PAIR_BITS != key:
            i = i + 1 if i + 1 < size else 0
        pairs[i] = (key << PAIR_BITS) | rank
    return pairs


@kernel
def _key_set(keys, size):
    """Open-addressing set of distinct non-negative keys (-1 = free)."""
    table = np.full(size, -1, np.int64)
    for key in keys:
        i = hash_slot(key, size)
        while table[i] != -1:
            i = i + 1 if i + 1 < size else 0
        table[i] = key
    return table


def _read_only(arrays: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    for array in arrays.values():
        array.setflags(write=False)
    return arrays
