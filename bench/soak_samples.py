"""What the soaks measure and print: the process's RSS (anonymous vs file-backed, after malloc_trim), malloc's
bytes in use, fds and threads; logged and unhandled exceptions; the Python heap under tracemalloc and object counts
by type; one row per sample and the result as JSON.
"""

from __future__ import annotations

import json
import logging
import os
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bench.soak_rig import Rig


class ErrorCounter(logging.Handler):
    """Counts unhandled thread exceptions and every logged exception (log.exception / exc_info)."""

    def __init__(self):
        super().__init__(logging.ERROR)
        self.count = 0
        self.samples: list[str] = []

    def emit(self, record) -> None:
        self.count += 1
        if len(self.samples) < 10:
            self.samples.append(
                f"{record.name}: {record.getMessage()[:200]}"
                + (f" [{record.exc_info[0].__name__}: {record.exc_info[1]}]" if record.exc_info else "")
            )

    def install(self) -> "ErrorCounter":
        logging.getLogger().addHandler(self)
        previous = self._previous_hook = threading.excepthook

        def hook(args):
            self.count += 1
            if len(self.samples) < 10:
                self.samples.append(
                    f"thread {args.thread.name if args.thread else '?'}: {args.exc_type.__name__}: {args.exc_value}"
                )
            previous(args)

        threading.excepthook = hook
        return self

    def uninstall(self) -> None:
        logging.getLogger().removeHandler(self)
        threading.excepthook = self._previous_hook


def _rss_mb() -> float:
    with open("/proc/self/statm") as f:
        return round(int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20, 1)


def process_sample(trim: bool = False) -> dict:
    """RSS, open fds, threads. With `trim`, also RSS after glibc's malloc_trim: memory freed but not yet
    returned to the system is fragmentation, not a leak."""
    with open("/proc/self/status") as f:
        status = dict(line.split(":", 1) for line in f)
    kib = lambda key: round(int(status.get(key, "0 kB").split()[0]) / 1024, 1)  # noqa: E731
    sample = {
        "rss_mb": _rss_mb(),
        "fds": len(os.listdir("/proc/self/fd")),
        "threads": threading.active_count(),
        "native_threads": int(status["Threads"]),
        # anonymous memory is the heap; file-backed and shared pages are mapped files (fonts, models, -shm)
        "rss_anon_mb": kib("RssAnon"),
        "rss_file_mb": kib("RssFile"),
        "rss_shmem_mb": kib("RssShmem"),
    }
    if trim:
        from kiosk.services.memory import give_back

        if give_back():
            sample["rss_trimmed_mb"] = _rss_mb()
        in_use = heap_in_use()
        if in_use is not None:  # live malloc'd bytes: growth here is held memory, not fragmentation
            sample["malloc_in_use_mb"] = round(in_use / 2**20, 1)
    return sample


def heap_in_use() -> int | None:
    """Bytes glibc's malloc has handed out and not had back (mallinfo2: every arena plus mmapped blocks)."""
    import ctypes

    class MallInfo2(ctypes.Structure):
        _fields_ = [(n, ctypes.c_size_t) for n in ("arena", "ordblks", "smblks", "hblks", "hblkhd")] + [
            (n, ctypes.c_size_t) for n in ("usmblks", "fsmblks", "uordblks", "fordblks", "keepcost")
        ]

    try:
        mallinfo2 = ctypes.CDLL("libc.so.6").mallinfo2
    except (OSError, AttributeError):  # not glibc, or glibc < 2.33
        return None
    mallinfo2.restype = MallInfo2
    info = mallinfo2()
    return int(info.uordblks + info.hblkhd)


def font_faces() -> int:
    """Font faces open in the rendered app: SDL_ttf keeps each face's file open (kiosk/ui/fonts.py)."""
    from kiosk.ui.fonts import FONT_DIR

    names, count = {p.name for p in FONT_DIR.glob("*.otf")}, 0
    for fd in os.listdir("/proc/self/fd"):
        try:
            count += os.path.basename(os.readlink(f"/proc/self/fd/{fd}")) in names
        except OSError:  # closed since the listing
            continue
    return count


def take_sample(journeys: int, t0: float, rig: "Rig", heap: "HeapTrace", errors: ErrorCounter, **extra) -> dict:
    """One row of a soak's table: the kiosk process (after a full collection) and the office server's RSS."""
    import gc

    gc.collect()
    return {
        "journeys": journeys,
        "elapsed_s": round(time.monotonic() - t0, 1),
        **process_sample(trim=True),
        "server_rss_mb": rig.server.sample()["rss_mb"],
        **heap.sample(),
        "errors": errors.count,
        **extra,
    }


def report(result: dict, as_json: bool) -> None:
    """The soaks' output: one JSON line (--json), or the figures indented without the per-sample rows."""
    if as_json:
        print(json.dumps(result, ensure_ascii=False))
    else:
        print(
            json.dumps(
                {k: v for k, v in result.items() if k not in ("samples", "ui_samples")}, ensure_ascii=False, indent=1
            )
        )


def print_sample(sample: dict) -> None:
    print(json.dumps(sample), flush=True)


class HeapTrace:
    """tracemalloc and object counts from warm-up on: the Python heap's size at each sample, its growth by line
    and the objects whose number grew (by type) at the end. A leak in Python code shows here; RSS growth that does
    not is native (malloc arenas, C libraries) — the object counts still name what holds it (textures, images)."""

    def __init__(self, on: bool, frames: int = 10):
        self.on, self.frames, self.snapshot = on, frames, None
        self.types: dict[str, int] = {}

    def start(self) -> None:
        import tracemalloc

        if self.on and self.snapshot is None:
            self.types = object_counts()
            tracemalloc.start(self.frames)
            self.snapshot = tracemalloc.take_snapshot()

    def sample(self) -> dict:
        import tracemalloc

        if not self.snapshot:
            return {}
        return {"python_heap_mb": round(tracemalloc.get_traced_memory()[0] / 2**20, 2), "objects": len(_objects())}

    def top(self, n: int = 10) -> list[str]:
        import tracemalloc

        if self.snapshot is None:
            return []
        diff = tracemalloc.take_snapshot().compare_to(self.snapshot, "lineno")
        root = str(Path(__file__).resolve().parents[1]) + "/"
        return [
            f"{d.traceback[0].filename.replace(root, '')}:{d.traceback[0].lineno} "
            f"{d.size_diff / 1024:+.1f} KiB ({d.count_diff:+d} blocks)"
            for d in diff[:n]
        ]

    def type_growth(self, n: int = 15) -> list[str]:
        """The object types whose number grew most since start() (gc-tracked objects)."""
        if self.snapshot is None:
            return []
        now = object_counts()
        grew = sorted(((now[t] - self.types.get(t, 0), t) for t in now), reverse=True)
        return [f"{t} {d:+d} (now {now[t]})" for d, t in grew[:n] if d > 0]


def _objects() -> list:
    import gc

    return gc.get_objects()


def object_counts() -> dict[str, int]:
    from collections import Counter

    return dict(Counter(f"{type(o).__module__}.{type(o).__qualname__}" for o in _objects()))
