"""Choosing kernel variants, and describing the host they run on.

Numba compiles every kernel for the host CPU (its cache key holds the CPU name and features), so
SIMD width comes from LLVM's auto-vectorisation for this machine; the dispatcher picks among the
algorithm variants compiled at module level: one-thread kernels for single texts and small batches
(no thread-pool wake-up), ``prange`` kernels for the rest.
"""
from __future__ import annotations

from functools import lru_cache

import numba
import numpy as np

# Below this many chars a batch runs on the calling thread: waking the pool costs more.
PARALLEL_MIN_CHARS = 8192
CHUNKS_PER_THREAD = 8


@lru_cache(maxsize=1)
def host_cpu() -> dict:
    """Host CPU name and the SIMD features LLVM will use."""
    import llvmlite.binding as llvm

    features = llvm.get_host_cpu_features()
    wanted = ("sse4.2", "avx", "avx2", "avx512f", "avx512bw", "avx512vl", "fma", "bmi2", "neon", "sve")
    return {
        "name": llvm.get_host_cpu_name(),
        "simd": [f for f in wanted if features.get(f, False)],
    }


def use_parallel(n_rows: int, n_chars: int) -> bool:
    """Whether a batch should use the ``prange`` kernels."""
    return n_rows > 1 and n_chars >= PARALLEL_MIN_CHARS and numba.get_num_threads() > 1


def chunk_rows(row_offsets: np.ndarray) -> np.ndarray:
    """Boundaries of row chunks balanced by chars, several per thread so stragglers even out."""
    n_rows = row_offsets.shape[0] - 1
    n_chunks = max(1, min(n_rows, numba.get_num_threads() * CHUNKS_PER_THREAD))
    targets = np.linspace(0, row_offsets[-1], n_chunks + 1)[1:-1]
    inner = np.searchsorted(row_offsets, targets)
    return np.unique(np.concatenate(([0], inner, [n_rows]))).astype(np.int64)
