"""Numba-CUDA kernels (GPU WordPiece); imported only on demand, never by ``import budtiktok``."""


def is_available() -> bool:
    """Whether numba's CUDA target can see a device (or the simulator is enabled)."""
    try:
        from numba import cuda
    except ImportError:
        return False
    return bool(cuda.is_available())
