"""The soak's test rig: the real flow machine driven through the Kivy-free Shell by a manual scheduler, with the
device simulators, the office link and the reference office server on loopback (one process).

Kept apart from bench/soak.py (the journeys and figures) so the fault suite and tests can reuse the pieces.
"""
from __future__ import annotations

import heapq
import json
import itertools
import logging
import os
import queue
import sys
import threading
import time
from datetime import datetime, timedelta
from pathlib import Path

from kiosk.services.backend_status import CHINA

OFFICE, OTHER = "441621", "441622"


class ManualScheduler:
    """`soon` queues work for the driving thread; `later` timers fire only when time is fast-forwarded."""

    def __init__(self):
        self._queue: queue.SimpleQueue = queue.SimpleQueue()
        self._timers: list = []           # heap of (due, seq, handle)
        self._seq = itertools.count()
        self.now = 0.0                    # virtual seconds
        self.live_timers = 0

    class _Handle:
        __slots__ = ("fn", "owner")

        def __init__(self, fn, owner):
            self.fn, self.owner = fn, owner

        def cancel(self) -> None:
            if self.fn is not None:
                self.fn = None
                self.owner.live_timers -= 1

    def soon(self, fn) -> None:
        self._queue.put(fn)

    def later(self, delay: float, fn):
        handle = self._Handle(fn, self)
        self.live_timers += 1
        heapq.heappush(self._timers, (self.now + delay, next(self._seq), handle))
        # Cancelled timers are dropped lazily; keep the heap from growing with them (a kiosk runs for years).
        if len(self._timers) > 4 * self.live_timers + 64:
            self._timers = [t for t in self._timers if t[2].fn is not None]
            heapq.heapify(self._timers)
        return handle

    def fast_forward(self, seconds: float) -> None:
        self.now += seconds
        while self._timers and self._timers[0][0] <= self.now:
            _, _, handle = heapq.heappop(self._timers)
            fn = handle.fn
            if fn is not None:
                handle.cancel()
                fn()

    def run_once(self, timeout: float = 0.005) -> bool:
        try:
            fn = self._queue.get(timeout=timeout)
        except queue.Empty:
            return False
        fn()
        return True

    def drain(self) -> None:
        while self.run_once(0):
            pass


class DayClock:
    """A shared local clock (kiosk and server) pinned to a working day at 10:05 plus real elapsed time;
    `next_day()` moves both to the next weekday (fresh bookings, quotas and number ranges)."""

    def __init__(self, start: datetime):
        self._day_start = start
        self._t0 = time.monotonic()
        self._lock = threading.Lock()

    def __call__(self) -> datetime:
        with self._lock:
            return self._day_start + timedelta(seconds=time.monotonic() - self._t0)

    def next_day(self) -> None:
        with self._lock:
            day = self._day_start + timedelta(days=1)
            while day.weekday() >= 5:
                day += timedelta(days=1)
            self._day_start, self._t0 = day, time.monotonic()


class ErrorCounter(logging.Handler):
    """Counts unhandled thread exceptions and every logged exception (log.exception / exc_info)."""

    def __init__(self):
        super().__init__(logging.ERROR)
        self.count = 0
        self.samples: list[str] = []

    def emit(self, record) -> None:
        self.count += 1
        if len(self.samples) < 10:
            self.samples.append(f"{record.name}: {record.getMessage()[:200]}"
                                + (f" [{record.exc_info[0].__name__}: {record.exc_info[1]}]" if record.exc_info else ""))

    def install(self) -> "ErrorCounter":
        logging.getLogger().addHandler(self)
        previous = self._previous_hook = threading.excepthook

        def hook(args):
            self.count += 1
            if len(self.samples) < 10:
                self.samples.append(f"thread {args.thread.name if args.thread else '?'}: "
                                    f"{args.exc_type.__name__}: {args.exc_value}")
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
    kib = lambda key: round(int(status.get(key, "0 kB").split()[0]) / 1024, 1)   # noqa: E731
    sample = {"rss_mb": _rss_mb(), "fds": len(os.listdir("/proc/self/fd")), "threads": threading.active_count(),
              "native_threads": int(status["Threads"]),
              # anonymous memory is the heap; file-backed and shared pages are mapped files (fonts, models, -shm)
              "rss_anon_mb": kib("RssAnon"), "rss_file_mb": kib("RssFile"), "rss_shmem_mb": kib("RssShmem")}
    if trim:
        try:
            import ctypes
            ctypes.CDLL("libc.so.6").malloc_trim(0)
            sample["rss_trimmed_mb"] = _rss_mb()
        except (OSError, AttributeError):
            pass
    return sample


def seed_day(server, clock, offices=(OFFICE, OTHER), quota: int = 100_000) -> None:
    """Today's demo bookings for the offices the journeys use, and a walk-in quota the soak cannot exhaust."""
    from office.seed import seeded_bookings, store_bookings

    backend = server.backend
    now = clock().astimezone(CHINA)
    with backend.store.write() as conn:
        for code in offices:
            oc = backend.offices[code]
            if oc.walk_in_daily_quota < quota:
                backend.offices[code] = oc = oc.model_copy(update={"walk_in_daily_quota": quota})
            exists = conn.execute("SELECT 1 FROM appointments WHERE office=? AND day=? LIMIT 1",
                                  (code, now.date().isoformat())).fetchone()
            if not exists:
                store_bookings(conn, seeded_bookings(code, now.date(), now, oc.opening_hours))


class Rig:
    """Office server + kiosk (bootstrap) + Shell on a ManualScheduler, in this process."""

    def __init__(self, work: Path, *, read_timeout_s: float = 2.0, face: bool = True):
        from kiosk.config import load_kiosk_config
        from office.testing import serve_in_thread

        self.work = Path(work)
        self.clock = DayClock(datetime(2026, 11, 26, 10, 5, tzinfo=CHINA))
        self.server = serve_in_thread(self.work / "office.db", self.clock, seed=None)
        seed_day(self.server, self.clock)
        base = load_kiosk_config()
        self.config = base.model_copy(update={
            "kiosk": base.kiosk.model_copy(update={"state_dir": str(self.work / "kiosk"), "id": "soak-kiosk"}),
            "devices": base.devices.model_copy(update={"idcard": "sim://idcard", "scanner": "sim://scanner",
                                                       "printer": "sim://printer", "camera": "sim://camera",
                                                       "fingerprint": "none"}),
            "backend": base.backend.model_copy(update={"url": self.server.url, "start_bundled": False,
                                                       "read_timeout_s": read_timeout_s,
                                                       "connect_timeout_s": 1.0}),
            "face": base.face.model_copy(update={"enabled": face}),
        })
        self.kiosk = self.shell = None

    def start(self, scheduler=None) -> "Rig":
        """`scheduler`: the shell's (default a ManualScheduler driven by `wait`; the UI soak passes Kivy's)."""
        from drivers.registry import create
        from kiosk.bootstrap import bootstrap
        from kiosk.shell import Shell, timer_seconds

        self.scheduler = scheduler or ManualScheduler()
        self.kiosk = bootstrap(self.config, clock=self.clock)
        # Reads in milliseconds: the wire/SAM timing model is for the ID benchmark, not for 10,000 journeys.
        # The reader polls every 20 ms instead of 150 ms (a real reader's pace; the journeys don't wait on it).
        self.kiosk.idcard = create("idcard", "sim://idcard", model_timing=False, poll_interval_s=0.02)
        self.kiosk.scanner = create("scanner", "sim://scanner", model_timing=False)
        self.kiosk.camera_options = {"fps": 60.0}
        self.shell = Shell(self.kiosk.env, self.kiosk.runner, self.scheduler, timer_seconds(self.config),
                           today=lambda: self.clock().date())
        self.kiosk.start(self.shell.post_threadsafe, probe_s=1.0)
        return self

    def wait(self, test, timeout: float = 15.0, what: str = "") -> None:
        """Run the shell's queued work until `test()` holds and no effect is in flight."""
        deadline = time.monotonic() + timeout
        while True:
            self.scheduler.drain()
            if test() and not self.shell.busy:
                self.scheduler.drain()
                if test() and not self.shell.busy:
                    return
            if time.monotonic() > deadline:
                raise TimeoutError(f"waiting for {what or test}: state {self.shell.flow.state.value}")
            self.scheduler.run_once(0.002)

    def wait_state(self, state: str, timeout: float = 15.0) -> None:
        self.wait(lambda: self.shell.flow.state.value == state, timeout, state)

    def post(self, event, until: str | None = None, timeout: float = 15.0) -> None:
        self.shell.touched()
        self.shell.post(event)
        if until is not None:
            self.wait_state(until, timeout)

    def next_day(self) -> None:
        """Both clocks to the next working day, with its bookings; the shell's `today` follows at once."""
        from dataclasses import replace

        if isinstance(self.scheduler, ManualScheduler):
            self.wait_state("attract")
        self.clock.next_day()
        seed_day(self.server, self.clock)
        self.shell.env = replace(self.shell.env, today=self.clock().date())

    def stop(self) -> None:
        if self.kiosk is not None:
            self.kiosk.stop()
        if self.shell is not None:
            self.shell.close()
        self.server.stop()


def ui_journeys(n: int) -> dict:
    """N journeys through the real rendered UI (headless Kivy), one `kiosk-diag journey` process each."""
    import subprocess

    names = ("booked-couple", "walk-in", "wrong-office-redirect", "hukou-office-only", "printer-out",
             "backend-down", "idle-timeout", "card-unplugged")
    root = Path(__file__).resolve().parents[1]
    ok = failed = 0
    errors: list[str] = []
    t0 = time.monotonic()
    for i in range(n):
        name = names[i % len(names)]
        proc = subprocess.run([sys.executable, "-m", "kiosk.cli.diag", "journey", name, "--json"], cwd=root,
                              capture_output=True, text=True, timeout=180)
        try:
            good = json.loads(proc.stdout).get("ok")
        except ValueError:
            good = False
        ok += bool(good)
        failed += not good
        if not good and len(errors) < 5:
            errors.append(f"{name}: {(proc.stdout or proc.stderr).strip()[-300:]}")
    return {"ui_journeys": n, "ui_ok": ok, "ui_failed": failed, "ui_errors": errors,
            "ui_seconds": round(time.monotonic() - t0, 1)}
