"""SentencePiece's ``precompiled_charsmap`` → the flat tables of ``kernels.precompiled``.

The charsmap (base64-decoded) is ``u32 trie_bytes``, a Darts double array of that many bytes
(u32 units), then a blob of NUL-terminated UTF-8 replacements; a key's value is the offset of its
replacement. HuggingFace looks keys up only on a grapheme cluster of fewer than 6 UTF-8 bytes or on
a single char, so keys of 6 or more bytes can never match and are dropped. What is left becomes:

- ``info_index``/``info_blocks``: a two-stage table per code point (256-code-point pages):
  ``rule << 6 | break class`` where the break class is ``_grapheme_break``'s value (class and InCB
  bits, see ``kernels.precompiled``) and ``rule = (1 + replacement of the char alone) << 1 | 1 if a
  longer key starts with the char``; a rule of 0 (most chars) means the char is never touched and
  starts nothing.
- ``key_cells``: a double-array trie (``tables.darts``) over the UTF-8 of every kept key, value =
  replacement, for the clusters whose first char has no replacement of its own.
- ``repl_starts``/``repl_chars``: replacement ``r`` is ``repl_chars[repl_starts[r]:repl_starts[r+1]]``.

The break classes are Unicode 17.0's, as HuggingFace's unicode-segmentation sees them
(``_grapheme_break``); an empty charsmap gives the break classes alone.
"""
from __future__ import annotations

import hashlib
import struct
from functools import lru_cache
from typing import NamedTuple

import numpy as np

from ..cache import cached_arrays
from ..errors import TokenizerConfigError, UnsupportedComponentError
from ..kernels._jit import kernel
from . import _grapheme_break
from .darts import build_double_array

N_CODE_POINTS = 0x110000
PAGE_BITS = 8
MAX_KEY_BYTES = 5            # HuggingFace looks up clusters of < 6 bytes and single chars
PATH = "normalizer.precompiled_charsmap"


class PrecompiledTables(NamedTuple):
    """Read-only arrays (see the module docstring)."""
    info_index: np.ndarray     # int32[0x1100]: page of each 256-code-point block in info_blocks
    info_blocks: np.ndarray    # int32[pages * 256]
    key_cells: np.ndarray      # int32[k, 3]
    repl_starts: np.ndarray    # int32[r + 1]
    repl_chars: np.ndarray     # int32 code points


@kernel
def _short_keys(units, max_bytes):
    """Every key of at most ``max_bytes`` bytes in a Darts double array: (key bytes as int32[k,
    max_bytes], key lengths, values). Out-of-range units end a path, as a failed label check."""
    size = units.shape[0]
    capacity = 1024
    keys = np.zeros((capacity, max_bytes), np.int32)
    lengths = np.zeros(capacity, np.int32)
    values = np.zeros(capacity, np.int64)
    stack_pos = np.empty(256 * (max_bytes + 1), np.int64)
    stack_depth = np.empty_like(stack_pos)
    stack_key = np.zeros((256 * (max_bytes + 1), max_bytes), np.int32)
    count = 0
    top = 0
    if size > 0:
        root = units[0]
        stack_pos[0] = (root >> 10) << ((root & 0x200) >> 6)
        stack_depth[0] = 0
        top = 1
    while top > 0:
        top -= 1
        pos = stack_pos[top]
        depth = stack_depth[top]
        key = stack_key[top].copy()
        for label in range(1, 256):
            child = pos ^ label
            if child >= size:
                continue
            unit = units[child]
            if (unit & 0x800000FF) != label:
                continue
            node = child ^ ((unit >> 10) << ((unit & 0x200) >> 6))
            key[depth] = label
            if (unit >> 8) & 1 and node < size:
                if count == capacity:
                    capacity *= 2
                    grown_keys = np.zeros((capacity, max_bytes), np.int32)
                    grown_keys[:count] = keys
                    keys = grown_keys
                    grown_lengths = np.zeros(capacity, np.int32)
                    grown_lengths[:count] = lengths
                    lengths = grown_lengths
                    grown_values = np.zeros(capacity, np.int64)
                    grown_values[:count] = values
                    values = grown_values
                keys[count] = key
                lengths[count] = depth + 1
                values[count] = units[node] & 0x7FFFFFFF
                count += 1
            if depth + 1 < max_bytes:
                stack_pos[top] = node
                stack_depth[top] = depth + 1
                stack_key[top] = key
                top += 1
            key[depth] = 0
    return keys[:count], lengths[:count], values[:count]


def decode_charsmap(charsmap: bytes) -> dict[str, str]:
    """The keys HuggingFace can match (at most ``MAX_KEY_BYTES`` UTF-8 bytes) → their replacement."""
    if not charsmap:
        return {}
    if len(charsmap) < 4:
        raise TokenizerConfigError(PATH, "shorter than its 4-byte header")
    trie_bytes = struct.unpack_from("<I", charsmap)[0]
    n_units = trie_bytes // 4
    if 4 + 4 * n_units > len(charsmap):
        raise TokenizerConfigError(PATH, f"declares a {trie_bytes}-byte trie in {len(charsmap)} bytes")
    units = np.frombuffer(charsmap, dtype="<u4", count=n_units, offset=4).astype(np.int64)
    blob = charsmap[4 + 4 * n_units:]
    try:
        blob.decode("utf-8")
    except UnicodeDecodeError as error:
        raise TokenizerConfigError(PATH, f"replacement blob is not UTF-8: {error}") from None
    keys, lengths, values = _short_keys(units, MAX_KEY_BYTES)
    mapping: dict[str, str] = {}
    for row, length, value in zip(keys.tolist(), lengths.tolist(), values.tolist()):
        raw = bytes(row[:length])
        try:
            key = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise UnsupportedComponentError(PATH, f"key {raw!r} is not whole UTF-8 chars") from None
        if value > len(blob):
            raise TokenizerConfigError(PATH, f"key {key!r} points past the replacements ({value})")
        end = blob.find(b"\0", value)
        try:
            mapping[key] = blob[value:end if end >= 0 else len(blob)].decode("utf-8")
        except UnicodeDecodeError:
            raise TokenizerConfigError(PATH, f"key {key!r} points inside a char ({value})") from None
    return mapping


def _two_stage(dense: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """A dense per-code-point array as (page index, distinct pages concatenated)."""
    pages, index = np.unique(dense.reshape(-1, 1 << PAGE_BITS), axis=0, return_inverse=True)
    return np.ascontiguousarray(index.reshape(-1), dtype=np.int32), np.ascontiguousarray(pages.reshape(-1))


def build_precompiled_tables(charsmap: bytes) -> PrecompiledTables:
    """The kernel tables of a charsmap (``b""``: no-op tables)."""
    mapping = decode_charsmap(charsmap)
    replacements: dict[str, int] = {}
    for replacement in mapping.values():
        replacements.setdefault(replacement, len(replacements))
    repl_starts = np.zeros(len(replacements) + 1, np.int32)
    chars: list[int] = []
    for replacement, r in replacements.items():
        chars.extend(ord(c) for c in replacement)
        repl_starts[r + 1] = len(chars)
    rules = np.zeros(N_CODE_POINTS, np.int32)
    for key, replacement in mapping.items():
        first = ord(key[0])
        if len(key) == 1:
            rules[first] |= (1 + replacements[replacement]) << 1
        else:
            rules[first] |= 1
    info_index, info_blocks = _two_stage((rules << 6) | _break_classes())
    trie = build_double_array([key.encode("utf-8") for key in mapping],
                              [replacements[replacement] for replacement in mapping.values()])
    tables = PrecompiledTables(info_index, info_blocks, trie.cells, repl_starts, np.asarray(chars, np.int32))
    for array in tables:
        array.setflags(write=False)
    return tables


def cached_precompiled_tables(charsmap: bytes) -> PrecompiledTables:
    """``build_precompiled_tables``, cached on disk by the charsmap's content."""
    key = "charsmap-" + hashlib.sha256(charsmap).hexdigest()[:24]
    return PrecompiledTables(**cached_arrays(key, lambda: build_precompiled_tables(charsmap)._asdict()))


def precompiled_expansion(tables: PrecompiledTables) -> int:
    """Most output chars one input char can give (the longest replacement, at least 1)."""
    return max(1, int(np.diff(tables.repl_starts).max(initial=0)))


@lru_cache(maxsize=1)
def _break_classes() -> np.ndarray:
    """The break class value of every code point (read-only)."""
    dense = np.zeros(N_CODE_POINTS, np.int32)
    for first, last, value in _grapheme_break.RUNS:
        dense[first:last + 1] = value
    dense.setflags(write=False)
    return dense


def precompiled_args(tables: PrecompiledTables) -> tuple:
    """The table arguments of ``kernels.precompiled.precompiled`` (after its buffers), flat."""
    return tuple(tables)


def empty_precompiled_tables() -> PrecompiledTables:
    """Tables of the kernel's types for a normalizer without a charsmap (never read)."""
    tables = PrecompiledTables(np.zeros(1, np.int32), np.zeros(1, np.int32), np.full((1, 3), -1, np.int32),
                               np.zeros(1, np.int32), np.zeros(0, np.int32))
    for array in tables:
        array.setflags(write=False)
    return tables
