"""The soaks' office: the reference office server in a process of its own (as in an office, so a soak's RSS is the
kiosk's alone), on a local clock it shares with the kiosk (bench/soak_rig.py), with each simulated day's bookings.
"""

from __future__ import annotations

import logging
import time
from datetime import datetime, timedelta
from pathlib import Path

from bench.soak_samples import process_sample
from kiosk.services.backend_status import CHINA

OFFICE, OTHER = "441621", "441622"


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
