"""budtiktok: HuggingFace-exact tokenizers compiled with Numba.

>>> import budtiktok
>>> tok = budtiktok.Tokenizer.from_file("tokenizer.json")      # doctest: +SKIP
>>> tok.encode("Hello world").tokens                            # doctest: +SKIP
['[CLS]', 'hello', 'world', '[SEP]']
"""
import os

# Idle OpenMP threads of Numba's parallel kernels must sleep, not spin: spinning threads starve the
# caller's other work (and every other process) of cores, measured 7x slower batches on a busy
# 2-core machine. Only applies if nothing launched OpenMP before us and the user left it unset.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

from ._memory import keep_freed_memory  # noqa: E402
from ._version import __version__  # noqa: E402
from .encoding import BatchEncoding, Encoding  # noqa: E402
from .errors import TokenizerConfigError, UnsupportedComponentError  # noqa: E402
from .tokenizer import BatchArrays, Tokenizer  # noqa: E402

_KEEPS_FREED_MEMORY = keep_freed_memory()


def info() -> dict:
    """Versions, the host CPU features the kernels are compiled for, threads and cache locations."""
    import numba
    import numpy
    import unicodedata2

    from . import cache, dispatch

    return {
        "budtiktok": __version__,
        "numba": numba.__version__,
        "numpy": numpy.__version__,
        "unicode_data": unicodedata2.unidata_version,
        "cpu": dispatch.host_cpu(),
        "threads": numba.get_num_threads(),
        "threading_layer": _threading_layer(),
        "omp_wait_policy": os.environ.get("OMP_WAIT_POLICY"),
        "keeps_freed_memory": _KEEPS_FREED_MEMORY,
        "table_cache": str(cache.cache_dir()),
        "kernel_cache": numba.config.CACHE_DIR or "__pycache__ beside the kernels",
    }


def _threading_layer() -> str:
    """The layer Numba's parallel kernels run on (chosen at the first parallel call)."""
    import numba

    try:
        return numba.threading_layer()
    except ValueError:
        return f"not chosen yet (preference: {numba.config.THREADING_LAYER})"


def warmup(tokenizer: "Tokenizer | None" = None) -> float:
    """Compile (or load from Numba's cache) every kernel a tokenizer uses; returns seconds taken."""
    from .warmup import run_warmup

    return run_warmup(tokenizer)


__all__ = ["Tokenizer", "Encoding", "BatchEncoding", "BatchArrays", "TokenizerConfigError",
           "UnsupportedComponentError", "info", "warmup", "__version__"]
