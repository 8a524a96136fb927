"""On-disk cache of compiled tables: one ``.npz`` per key, written atomically.

Location: ``$BUDTIKTOK_CACHE_DIR``, else ``~/.cache/budtiktok``. File names fold in the budtiktok
version and ``TABLE_FORMAT`` (bump it whenever a table layout changes), so stale tables are never
read. Loaded arrays are read-only.
"""
from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Callable

import numpy as np

from ._version import __version__

TABLE_FORMAT = 4


def cache_dir() -> Path:
    """Where tables are cached."""
    configured = os.environ.get("BUDTIKTOK_CACHE_DIR")
    return Path(configured) if configured else Path.home() / ".cache" / "budtiktok"


def cached_arrays(key: str, build: Callable[[], dict[str, np.ndarray]], persist: bool = True) -> dict[str, np.ndarray]:
    """Arrays stored under ``key``, built (and stored, if ``persist``) on a miss. Unwritable caches
    are skipped."""
    path = cache_dir() / f"{key}-{__version__}-t{TABLE_FORMAT}.npz"
    try:
        if not persist:
            raise FileNotFoundError(path)
        with np.load(path, allow_pickle=False) as stored:
            arrays = {name: stored[name] for name in stored.files}
    except (OSError, ValueError, EOFError):
        arrays = build()
        if persist:
            _store(path, arrays)
    for array in arrays.values():
        array.setflags(write=False)
    return arrays


def _store(path: Path, arrays: dict[str, np.ndarray]) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        with os.fdopen(fd, "wb") as handle:
            np.savez(handle, **arrays)
        os.replace(tmp, path)
    except OSError:
        pass


def clear() -> int:
    """Delete every cached table file; returns how many were removed."""
    removed = 0
    for path in cache_dir().glob("*.npz"):
        path.unlink(missing_ok=True)
        removed += 1
    return removed
