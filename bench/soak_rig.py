"""The soak's test rig: the real flow machine driven through the Kivy-free Shell by a manual scheduler, with the
device simulators and the office link in this process, and the reference office server on loopback in its own.

Kept apart from bench/soak.py (the journeys and figures) so the fault suite and tests can reuse the pieces.
"""

from __future__ import annotations

import heapq
import json
import itertools
import logging
import os
import queue
import threading
import time
from datetime import datetime, timedelta
from pathlib import Path

from kiosk.services.backend_status import CHINA

OFFICE, OTHER = "441621", "441622"
STUCK_AFTER = 4  # times a wait's timeout before the rig calls the kiosk stuck (Rig.wait)


class ManualScheduler:
    """`soon` queues work for the driving thread; `later` timers fire only when time is fast-forwarded."""

    def __init__(self):
        self._queue: queue.SimpleQueue = queue.SimpleQueue()
        self._timers: list = []  # heap of (due, seq, handle)
        self._seq = itertools.count()
        self.now = 0.0  # virtual seconds
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
    """A local clock shared by the kiosk and the server (another process: its state lives in shared memory),
    pinned to a working day at 10:05 plus real elapsed time; `next_day()` moves both to the next weekday (fresh
    bookings, quotas and number ranges)."""

    def __init__(self, start: datetime | None = None, shared=None):
        import multiprocessing

        # [day start as a POSIX timestamp, time.monotonic() then]; CLOCK_MONOTONIC is the same in every process
        self.shared = (
            shared
            if shared is not None
            else multiprocessing.get_context("spawn").Array("d", [start.timestamp(), time.monotonic()])
        )

    def __call__(self) -> datetime:
        with self.shared.get_lock():
            start, t0 = self.shared[:]
        return datetime.fromtimestamp(start, CHINA) + timedelta(seconds=time.monotonic() - t0)

    def next_day(self) -> None:
        with self.shared.get_lock():
            day = datetime.fromtimestamp(self.shared[0], CHINA) + timedelta(days=1)
            while day.weekday() >= 5:
                day += timedelta(days=1)
            self.shared[:] = [day.timestamp(), time.monotonic()]


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


def bench_calendars(etc: Path, last_year: int = 2040) -> Path:
    """Weekends-only calendars for the years no notice covers yet, installed as an office would (holidays/ beside
    the configuration): the soaks' days run years ahead, and a divorce certificate whose deadlines fall in a year
    without a calendar goes to the counter. Marked as the bench's own, not State Council notices."""
    from kiosk.config import holiday_calendars

    folder = etc / "holidays"
    folder.mkdir(parents=True, exist_ok=True)
    shipped = holiday_calendars()
    for year in range(max(shipped) + 1, last_year + 1):
        (folder / f"{year}.toml").write_text(
            f'year = {year}\nnotice = "BENCH-{year}"\ntitle = "the soak\'s own: weekends only, not a State Council '
            f'notice"\nholidays = []\n',
            encoding="utf-8",
        )
    return etc


def seed_day(server, clock, offices=(OFFICE, OTHER)) -> None:
    """Today's demo bookings for the offices the journeys use (written to the server's database file)."""
    from office.seed import seeded_bookings, store_bookings

    backend = server.backend
    now = clock().astimezone(CHINA)
    with backend.store.write() as conn:
        for code in offices:
            oc = backend.offices[code]
            exists = conn.execute(
                "SELECT 1 FROM appointments WHERE office=? AND day=? LIMIT 1", (code, now.date().isoformat())
            ).fetchone()
            if not exists:
                store_bookings(conn, seeded_bookings(code, now.date(), now, oc.opening_hours))


def _serve(db: str, shared, quota: int, pipe) -> None:
    """The office server's own process: serve, then answer "sample" (its RSS, fds, threads) until "stop"."""
    from bench.rigs.office_server import serve_in_thread
    from office.offline import OfflineRules

    logging.basicConfig(level=logging.WARNING)
    # Journeys here run far faster than people on a clock that hardly moves within a day: no spacing between one
    # kiosk's offline tickets, and no "was it talking to us then" (a network cut of a second here spans no
    # simulated time). The plausibility rules are tried in tests/office/test_offline.py.
    rules = OfflineRules(heard_gap_s=0, min_interval_s=0)
    server = serve_in_thread(db, DayClock(shared=shared), seed=None, offline_rules=rules)
    offices = server.backend.offices
    for code, oc in offices.items():
        offices[code] = oc.model_copy(update={"walk_in_daily_quota": max(oc.walk_in_daily_quota, quota)})
    pipe.send((server.url, str(server.pki_dir)))
    while True:
        command = pipe.recv()
        if command == "stop":
            break
        pipe.send(process_sample(trim=True))
    server.stop()
    pipe.send("stopped")


class OfficeProcess:
    """The reference office server in a process of its own (as in an office), so the soak's RSS is the kiosk's.
    `backend` gives this process the same offices and database file (seeding, checking what was stored)."""

    def __init__(self, db: Path, clock: DayClock, quota: int = 100_000):
        import multiprocessing
        from types import SimpleNamespace

        from kiosk.config import CONFIG_DIR, load_offices
        from office.store import Store

        ctx = multiprocessing.get_context("spawn")
        self._pipe, child = ctx.Pipe()
        self._process = ctx.Process(
            target=_serve, args=(str(db), clock.shared, quota, child), daemon=True, name="office-server"
        )
        self._process.start()
        if not self._pipe.poll(60):
            raise RuntimeError("the office server process did not start")
        self.url, self.pki_dir = self._pipe.recv()
        self.backend = SimpleNamespace(offices=load_offices(CONFIG_DIR / "offices"), store=Store(db))

    def sample(self) -> dict:
        self._pipe.send("sample")
        return self._pipe.recv()

    def stop(self) -> None:
        try:
            self._pipe.send("stop")
            self._pipe.poll(15) and self._pipe.recv()
        except (OSError, EOFError):
            pass
        self._process.join(10)
        if self._process.is_alive():
            self._process.kill()


class Rig:
    """Office server + kiosk (bootstrap's parts) + Shell on a ManualScheduler, in this process."""

    def __init__(self, work: Path, *, read_timeout_s: float = 2.0, face: bool = True):
        from kiosk.config import load_kiosk_config
        from kiosk.services import memory

        memory.limit_arenas()  # as the kiosk's entry point does, before its threads start
        self.work = Path(work)
        self.clock = DayClock(datetime(2026, 11, 26, 10, 5, tzinfo=CHINA))
        self.server = OfficeProcess(self.work / "office.db", self.clock)
        seed_day(self.server, self.clock)
        from office import pki

        pki.issue(self.server.pki_dir, "kiosk", "soak-kiosk", OFFICE)  # mutual TLS, as in an office
        ca, cert, key = pki.client_files(self.server.pki_dir, "kiosk", "soak-kiosk")
        base = load_kiosk_config()
        self.config = base.model_copy(
            update={
                "kiosk": base.kiosk.model_copy(update={"state_dir": str(self.work / "kiosk"), "id": "soak-kiosk"}),
                "devices": base.devices.model_copy(
                    update={
                        "idcard": "sim://idcard",
                        "scanner": "sim://scanner",
                        "printer": "sim://printer",
                        "camera": "sim://camera",
                        "fingerprint": "none",
                    }
                ),
                "backend": base.backend.model_copy(
                    update={
                        "url": self.server.url,
                        "start_bundled": False,
                        "read_timeout_s": read_timeout_s,
                        "connect_timeout_s": 1.0,
                        "ca_file": ca,
                        "client_cert": cert,
                        "client_key": key,
                    }
                ),
                "face": base.face.model_copy(update={"enabled": face}),
            }
        )
        self.config._file = bench_calendars(self.work / "etc") / "kiosk.toml"  # holidays/ beside it
        self.parts = self.shell = self.people = None

    def start(self, scheduler=None, people=None) -> "Rig":
        """`scheduler`: the shell's (default a ManualScheduler driven by `wait`; the UI soak passes Kivy's).
        `people`: simulated applicants in front of the camera and sensor (kiosk.harness.people; default: nobody
        known, until a journey shows someone)."""
        from kiosk.app.wiring import bootstrap
        from kiosk.harness.people import SimulatedApplicants
        from kiosk.services.memory import give_back_after_sessions
        from kiosk.app.shell import Shell, timer_seconds

        self.scheduler = scheduler or ManualScheduler()
        self.people = people or SimulatedApplicants()
        # Reads in milliseconds: the wire/SAM timing model is for the ID benchmark, not for 10,000 journeys.
        # The reader polls every 20 ms instead of 150 ms (a real reader's pace; the journeys don't wait on it).
        self.parts = parts = bootstrap(
            self.config,
            clock=self.clock,
            device_options={
                "idcard": {"model_timing": False, "poll_interval_s": 0.02},
                "scanner": {"model_timing": False},
                "camera": {"fps": 60.0},
                # the simulated printer answers from a thread of this busy process, not in a real printer's
                # milliseconds: a loaded machine must not read a late status answer as a printer gone
                "printer": {"status_timeout_s": 5.0},
            },
            people=self.people,
        )
        self.shell = Shell(
            parts.env,
            parts.runner,
            self.scheduler,
            timer_seconds(self.config),
            today=lambda: self.clock().date(),
        )
        parts.events.attach(self.shell.post_threadsafe)
        give_back_after_sessions(self.shell)  # as run_kiosk does
        parts.start(probe_s=1.0)
        if scheduler is None:
            # No UI here: the shell is this kiosk's front end, up as soon as it is built. The work that waits for a
            # UI's first screen and quiet moment (face models, ticket fonts) starts now, not at its fallback
            # deadline (11 s for the face models) — the UI soak's app sets these itself.
            parts.pacing.ui_ready.set()
            parts.pacing.ui_idle.set()
        return self

    def wait(self, test, timeout: float = 15.0, what: str = "") -> None:
        """Run the shell's queued work until `test()` holds and no effect is in flight. The deadline only tells a
        stuck kiosk from a slow one, so it is stretched (STUCK_AFTER): a quiet machine never comes near it, a CI
        machine running two suites on two cores must not trip it."""
        deadline = time.monotonic() + timeout * STUCK_AFTER
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
        # The office closes for the night with the journal forwarded (a kiosk online sends within seconds); the
        # server takes offline tickets only for their own day.
        link, deadline = self.parts.link, time.monotonic() + 30
        while link.backlog() and time.monotonic() < deadline:
            link.forwarder.wake()
            time.sleep(0.05)
        self.clock.next_day()
        seed_day(self.server, self.clock)
        self.shell.env = replace(self.shell.env, today=self.clock().date())

    def stop(self) -> None:
        if self.parts is not None:
            # The kiosk's own stop gives the forwarder a second (systemd's patience); on a loaded machine a probe in
            # flight takes longer, and the journal would close under it. The rig waits for it first.
            self.parts.link.forwarder.stop(timeout=30)
            self.parts.stop()
        if self.shell is not None:
            self.shell.close()
        self.server.stop()
