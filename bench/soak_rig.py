"""The soak's test rig: the real flow machine driven through the Kivy-free Shell by a manual scheduler, with the
device simulators and the office link in this process, and the reference office server on loopback in its own
(bench/soak_office.py).

Kept apart from the journeys (bench/soak_journeys.py) so the UI soak and the simulated year reuse it.
"""

from __future__ import annotations

import heapq
import itertools
import queue
import time
from datetime import datetime
from pathlib import Path

from bench.soak_office import OFFICE, DayClock, OfficeProcess, seed_day
from kiosk.services.backend_status import CHINA

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
