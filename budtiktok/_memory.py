"""Keeping freed memory for reuse (glibc only).

A batch allocates its output columns and per-chunk buffers fresh. Large blocks come from ``mmap``
by default and go back to the kernel when freed, so every batch pays a page fault per 4 kB it
writes; with both cores faulting at once the 2-core CI machine spent ~30% of a BERT batch there.
Raising glibc's mmap and trim thresholds keeps freed blocks in the heap for the next batch. The
cost: memory freed after a large batch stays in the process (RSS stays at its peak) instead of
going back to the system. ``BUDTIKTOK_KEEP_FREED_MEMORY=0`` turns it off.
"""
from __future__ import annotations

import ctypes
import os

M_TRIM_THRESHOLD = -1
M_MMAP_THRESHOLD = -3
THRESHOLD = 1 << 30


def keep_freed_memory() -> bool:
    """Raise glibc's thresholds (see the module docstring); returns whether they are in force."""
    if os.environ.get("BUDTIKTOK_KEEP_FREED_MEMORY", "1") == "0":
        return False
    try:
        libc = ctypes.CDLL("libc.so.6")
        return bool(libc.mallopt(M_MMAP_THRESHOLD, THRESHOLD)) and bool(libc.mallopt(M_TRIM_THRESHOLD, THRESHOLD))
    except (OSError, AttributeError):      # not glibc (macOS, Windows, musl)
        return False
