"""A kiosk process runs for months. glibc's malloc gives each thread that contends for the heap an arena of its
own (up to 8 per core) and keeps freed memory in them; the 10,000-journey soak saw RSS climb 21 % that way with
the Python heap flat. Two arenas, and handing freed memory back when an applicant's session ends (nobody waits
then), keep RSS where the live data is (bench/README.md, "Soak").

No-ops where glibc is absent (another libc, another OS).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import threading

M_ARENA_MAX = -8  # mallopt parameter (malloc.h)
_libc: ctypes.CDLL | None = None
_trimming = threading.Lock()


def _glibc():
    global _libc
    if _libc is None:
        try:
            _libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
            _libc.malloc_trim, _libc.mallopt  # noqa: B018  (glibc only)
        except (OSError, AttributeError):
            _libc = False
    return _libc or None


def limit_arenas(arenas: int = 2) -> bool:
    """Call first thing in the process, before threads start (arenas made earlier stay)."""
    libc = _glibc()
    return bool(libc and libc.mallopt(M_ARENA_MAX, arenas))


def give_back() -> bool:
    """Return freed heap pages to the system (malloc_trim); a few milliseconds, never two at once."""
    libc = _glibc()
    if libc is None or not _trimming.acquire(blocking=False):
        return False
    try:
        return bool(libc.malloc_trim(0))
    finally:
        _trimming.release()


def give_back_after_sessions(shell) -> None:
    """Whenever the kiosk returns to the attract screen, trim the heap on a worker thread."""
    from kiosk.flow import State

    def listener(old, new, event) -> None:
        if new.state is State.ATTRACT and old.state is not State.ATTRACT:
            threading.Thread(target=give_back, name="malloc-trim", daemon=True).start()

    shell.listeners.append(listener)
