"""The one set of jit decorators every CPU kernel uses.

``kernel`` compiles lazily, caches to disk and releases the GIL; ``parallel_kernel`` adds
``parallel=True`` for the ``prange`` batch drivers. Kernels take arrays and scalars only.
"""
import numba

kernel = numba.njit(cache=True, nogil=True, error_model="numpy", boundscheck=False)
parallel_kernel = numba.njit(cache=True, nogil=True, error_model="numpy", boundscheck=False, parallel=True)

# Helpers called per char or per word from the drivers. Inlined in Numba's IR, so the call does
# not pay for passing (and reference-counting) every array argument: ~70-100 ns a call otherwise.
inline_kernel = numba.njit(cache=True, nogil=True, error_model="numpy", boundscheck=False, inline="always")
