"""Large buffers handed back to the system when freed (glibc), so a sync's memory stays flat.

A sync's threads (read-ahead, hedged reads, the page opener) allocate buffers of a megabyte or
more (page bodies, pickled pages). glibc serves a block that large by mmap and unmaps it when
freed, but after the first such free it raises that threshold (up to 32 MB), and later large
blocks come from the heaps of the threads' malloc arenas, where freed memory stays resident:
a 100k-unit Propman bench's RSS grew some 30 MB with each full sync it ran. Fixing the
threshold at glibc's own default (128 KiB) keeps large blocks mmapped; and when the last run
in the process ends, what the heaps hold free is given back (`malloc_trim`), so the next run
starts from what the process needs, not from the last run's high-water mark. Elsewhere
(not glibc), nothing.
"""

from __future__ import annotations

import ctypes
import ctypes.util
from typing import Any

M_MMAP_THRESHOLD = -3  # glibc's mallopt parameter
THRESHOLD = 128 * 1024


def keep_large_blocks_mapped() -> None:
    """Idempotent; a no-op where the C library is not glibc."""
    mallopt = _glibc("mallopt")
    if mallopt is not None:
        mallopt(M_MMAP_THRESHOLD, THRESHOLD)


def give_back_free_memory() -> None:
    """Return the heaps' free pages to the system; a no-op where the C library is not glibc."""
    malloc_trim = _glibc("malloc_trim")
    if malloc_trim is not None:
        malloc_trim(0)


def _glibc(function: str) -> Any:
    name = ctypes.util.find_library("c")
    if name is None:
        return None
    try:
        return getattr(ctypes.CDLL(name), function)
    except (OSError, AttributeError):  # not glibc
        return None
