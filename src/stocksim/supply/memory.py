"""Memory a simulating process keeps from one batch to the next.

A batch allocates a few hundred MB of arrays (demand, the required reserve, lead times, the daily
figures: (R, H, L, I) each, about 14 MB at the default batch size) and frees them when its tables
are made. By default glibc's allocator hands such blocks back to the operating system as they are
freed and maps fresh ones for the next batch: every page of them is then faulted in and zeroed
again by the kernel, which costs a simulation of the default scenario about a quarter of its time
(about 50,000 page faults per 400 replications, 0.3-0.4 ms of system time per replication on a
2-core machine). ``keep_freed_memory`` asks glibc to serve blocks up to its largest allowed
threshold from its heap and to keep what is freed there, so the next batch reuses the same pages:
no page faults once the first batch has run, and the same peak memory (a batch's arrays are
allocated again, at the same size, where the last batch's were).

It changes how memory is reused, never a number. On a system without glibc (macOS, Windows,
musl) it does nothing.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import sys

M_TRIM_THRESHOLD = -1  # glibc's mallopt parameters (malloc.h)
M_MMAP_THRESHOLD = -3
HEAP_BLOCKS_UP_TO = 32 * 1024 * 1024  # bytes: glibc's upper limit for the mmap threshold on 64-bit systems
KEEP_FREED_UP_TO = 2**31 - 1  # bytes of free memory at the top of the heap kept rather than handed back

_done = False


def keep_freed_memory() -> bool:
    """Make this process's allocator keep freed array memory for reuse (once per process); returns
    whether the allocator took the settings (False: not glibc, or refused)."""
    global _done
    if _done:
        return True
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        mallopt = libc.mallopt
    except (OSError, AttributeError):  # not glibc: nothing to tune
        return False
    mallopt.argtypes, mallopt.restype = (ctypes.c_int, ctypes.c_int), ctypes.c_int
    _done = bool(mallopt(M_MMAP_THRESHOLD, HEAP_BLOCKS_UP_TO)) and bool(mallopt(M_TRIM_THRESHOLD, KEEP_FREED_UP_TO))
    return _done
