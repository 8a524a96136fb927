"""Double-array trie over UTF-8 bytes, stored as one ``cells`` array of rows (base, check, value).

A child of ``node`` on byte ``b`` is ``base[node] + b`` when ``check[base[node] + b] == node``;
``value[node]`` is the id stored for the key ending at that node, or -1. The three fields share a
row so one walk step touches one cache line. Rows are padded so that ``base[node] + 255`` is
always in range and lookups need no bounds check.
"""
from __future__ import annotations

from typing import NamedTuple

import numpy as np

from ..kernels._jit import kernel

ROOT = 0


BASE, CHECK, VALUE = 0, 1, 2


class DoubleArray(NamedTuple):
    cells: np.ndarray  # int32[n, 3]: base, check (-1 = free), value (-1 = no key ends here)


@kernel
def _grow(array, size, fill):
    """A copy of ``array`` extended to ``size`` with ``fill``."""
    grown = np.full(size, fill, dtype=array.dtype)
    grown[: array.shape[0]] = array
    return grown


@kernel
def _build(key_bytes, key_starts, key_ends, key_values):
    """Place the sorted, distinct keys; returns (base, check, value, used_size).

    Free cells form a doubly linked list, so placing a node only visits free cells as candidates
    for its first child: a plain scan over a dense array is quadratic.
    """
    n_keys = key_starts.shape[0]
    capacity = 2 * (key_bytes.shape[0] + 1) + 1024
    base = np.zeros(capacity, np.int32)
    check = np.full(capacity, -1, np.int32)
    value = np.full(capacity, -1, np.int32)
    next_free = np.arange(1, capacity + 1).astype(np.int64)
    prev_free = np.arange(-1, capacity - 1).astype(np.int64)
    check[ROOT] = -2
    first_free = 1
    prev_free[1] = -1
    stack_node = np.empty(key_bytes.shape[0] + 2, np.int64)
    stack_lo = np.empty_like(stack_node)
    stack_hi = np.empty_like(stack_node)
    stack_depth = np.empty_like(stack_node)
    labels = np.empty(256, np.int64)
    child_lo = np.empty(256, np.int64)
    child_hi = np.empty(256, np.int64)
    stack_node[0] = ROOT
    stack_lo[0] = 0
    stack_hi[0] = n_keys
    stack_depth[0] = 0
    top = 1
    used_size = 1
    while top > 0:
        top -= 1
        node = stack_node[top]
        lo = stack_lo[top]
        hi = stack_hi[top]
        depth = stack_depth[top]
        i = lo
        if key_ends[lo] - key_starts[lo] == depth:
            value[node] = key_values[lo]
            i += 1
        n_labels = 0
        while i < hi:
            label = key_bytes[key_starts[i] + depth]
            j = i + 1
            while j < hi and key_bytes[key_starts[j] + depth] == label:
                j += 1
            labels[n_labels] = label
            child_lo[n_labels] = i
            child_hi[n_labels] = j
            n_labels += 1
            i = j
        if n_labels == 0:
            continue
        cell = first_free
        while True:
            b = cell - labels[0]
            if b + 256 >= capacity:
                old = capacity
                capacity *= 2
                base = _grow(base, capacity, 0)
                check = _grow(check, capacity, -1)
                value = _grow(value, capacity, -1)
                next_free = _grow(next_free, capacity, 0)
                prev_free = _grow(prev_free, capacity, 0)
                for k in range(old, capacity):
                    next_free[k] = k + 1
                    prev_free[k] = k - 1
            fits = b >= 1
            if fits:
                for k in range(1, n_labels):
                    if check[b + labels[k]] != -1:
                        fits = False
                        break
            if fits:
                break
            cell = next_free[cell]
        base[node] = b
        for k in range(n_labels):
            child = b + labels[k]
            check[child] = node
            before = prev_free[child]
            after = next_free[child]
            if before >= 0:
                next_free[before] = after
            else:
                first_free = after
            prev_free[after] = before
            if child + 1 > used_size:
                used_size = child + 1
            stack_node[top] = child
            stack_lo[top] = child_lo[k]
            stack_hi[top] = child_hi[k]
            stack_depth[top] = depth + 1
            top += 1
    return base, check, value, used_size


def build_double_array(keys: list[bytes], values: list[int]) -> DoubleArray:
    """Build a trie mapping each UTF-8 key to its value (keys must be distinct)."""
    order = sorted(range(len(keys)), key=keys.__getitem__)
    sorted_keys = [keys[i] for i in order]
    lengths = np.fromiter((len(k) for k in sorted_keys), dtype=np.int64, count=len(sorted_keys))
    ends = np.cumsum(lengths)
    starts = ends - lengths
    key_bytes = np.frombuffer(b"".join(sorted_keys), dtype=np.uint8) if sorted_keys else np.zeros(0, np.uint8)
    key_values = np.asarray([values[i] for i in order], dtype=np.int32)
    if not sorted_keys:
        starts = ends = np.zeros(1, np.int64)
        key_values = np.full(1, -1, np.int32)
    base, check, value, used = _build(key_bytes, starts, ends, key_values)
    size = used + 257
    if size > base.shape[0]:
        base, check, value = _grow(base, size, 0), _grow(check, size, -1), _grow(value, size, -1)
    cells = np.ascontiguousarray(np.stack((base[:size], check[:size], value[:size]), axis=1))
    cells.setflags(write=False)
    return DoubleArray(cells)
