"""python -m bench.year [--days 365] [--start 2025-06-02] [--json]: a year of a terminal in minutes.

The kiosk (the real flow machine, effect runner, office link and journal, device simulators — bench/soak_rig.py)
and the reference office server (its own process) share one injected clock, which walks day by day through the
calendar: on a working day (weekends and the State Council's holidays off, adjusted working weekends on, from the
calendars the kiosk itself loads) applicants come at three times inside the office's opening hours — booked
couples, an offline check-in and ticket, a printer out of paper in the morning; walk-ins, a redirect in the late
morning; walk-ins, a refusal, an idle timeout and a cancel in the afternoon — and every evening the journal is
forwarded before the day closes. Every simulated day, closed or not, runs the kiosk's retention job (the
journal's purge, normally every 6 h); the server purges its idempotency rows by its own clock. The default year
starts on 2025-06-02, so it crosses New Year into 2026: ticket numbers restart every day, offline counters with
them, and the 2025 calendar (国办发明电〔2024〕12号) hands over to 2026's (国办发明电〔2025〕7号) — a divorce certificate
decided each month names the calendar it used.

Per simulated month: the journal's and the server database's size on disk (with their WAL files), the kiosk's
state directory, rows in the journal and in the server's tables, RSS of both processes, the kiosk's open files
and threads, log lines written. At the end the journal is drained and the server's database compared with what
the kiosk handed out: 0 lost, 0 duplicated.
"""

from __future__ import annotations

import argparse
import logging
import sys
import tempfile
import time
from dataclasses import replace
from datetime import date, datetime, timedelta
from pathlib import Path

from bench.soak_checks import verify
from bench.soak_journeys import People, Soak
from bench.soak_office import seed_day
from bench.soak_rig import Rig
from bench.soak_samples import ErrorCounter, process_sample, report
from kiosk.services.backend_status import CHINA

# (time of day, journeys); the morning block takes the day's walk-through bookings (slotted at seeding time)
DAY_PLAN = (
    ("09:05", ("booked_couple", "backend_down", "printer_problem")),
    ("11:20", ("walk_in", "redirect")),
    ("15:10", ("walk_in", "refuse", "idle_timeout", "cancel")),
)
START = date(2025, 6, 2)


class LogLines(logging.Handler):
    """Log records the kiosk process writes (to journald on a terminal), counted per simulated month."""

    def __init__(self):
        super().__init__(logging.INFO)
        self.count = 0

    def emit(self, record) -> None:
        self.count += 1


def set_clock(rig: Rig, when: datetime) -> None:
    """Both processes' clock to `when` (it then runs on in real time)."""
    with rig.clock.shared.get_lock():
        rig.clock.shared[:] = [when.timestamp(), time.monotonic()]


def drain(rig: Rig, timeout: float = 30.0) -> None:
    link, deadline = rig.parts.link, time.monotonic() + timeout
    while link.backlog() and time.monotonic() < deadline:
        link.forwarder.wake()
        time.sleep(0.02)


def _size(path: Path, suffix: str = "") -> int:
    """A SQLite file's size (suffix "-wal": its write-ahead log's)."""
    target = path.with_name(path.name + suffix)
    return target.stat().st_size if target.exists() else 0


def _dir_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def month_sample(rig: Rig, month: str, journeys: int, log_lines: LogLines, calendar_note: str) -> dict:
    import gc

    gc.collect()
    kiosk_state = Path(rig.config.state_dir)
    journal = rig.parts.link.journal
    server = rig.server.backend.store.read()
    rows = {
        t: server.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0] for t in ("tickets", "checkins", "idempotency")
    }
    rows["audit"] = server.execute("SELECT COUNT(*) FROM audit").fetchone()[0]
    proc = process_sample(trim=True)
    return {
        "month": month,
        "journeys": journeys,
        "journal_kb": round(_size(journal.db_path) / 1024, 1),
        "journal_wal_kb": round(_size(journal.db_path, "-wal") / 1024, 1),
        "journal_entries": sum(journal.status()["by_status"].values()),
        "kiosk_state_kb": round(_dir_size(kiosk_state) / 1024, 1),
        "server_db_kb": round(_size(Path(rig.server.backend.store.path)) / 1024, 1),
        "server_wal_kb": round(_size(Path(rig.server.backend.store.path), "-wal") / 1024, 1),
        "server_rows": rows,
        "rss_mb": proc["rss_mb"],
        "rss_trimmed_mb": proc.get("rss_trimmed_mb"),
        "server_rss_mb": rig.server.sample()["rss_mb"],
        "fds": proc["fds"],
        "threads": proc["threads"],
        "log_lines": log_lines.count,
        "calendar": calendar_note,
    }


def _divorce_note(rig: Rig, day: date) -> str:
    """The calendar a divorce certificate applied for 45 days before `day` is decided with (the year boundary)."""
    from kiosk.domain.dates import CoolingOff

    stage = CoolingOff(day - timedelta(days=45), rest_days=rig.parts.env.rest_days)
    return stage.calendar_note + (f"; staff: no calendar for {stage.missing_years}" if stage.missing_years else "")


def year(days: int = 365, start: date = START, *, work: Path, progress=None) -> dict:
    errors = ErrorCounter().install()
    log_lines = LogLines()
    logging.getLogger().addHandler(log_lines)
    rig = Rig(work)
    set_clock(rig, datetime.combine(start, datetime.min.time(), CHINA).replace(hour=9, minute=5))
    seed_day(rig.server, rig.clock)
    rig.start()
    rest = rig.parts.env.rest_days
    retention = rig.config.backend.journal_retention_days
    soak, samples = None, []
    open_days = closed_days = journeys = 0
    t0 = time.monotonic()
    try:
        rig.wait_state("attract", 20)
        for n in range(days):
            day = start + timedelta(days=n)
            if rest.is_rest_day(day):  # an adjusted working weekend (调休) is open, at the usual hours
                closed_days += 1
                set_clock(rig, datetime.combine(day, datetime.min.time(), CHINA).replace(hour=12))
            else:
                open_days += 1
                for i, (hhmm, plan) in enumerate(DAY_PLAN):
                    h, m = map(int, hhmm.split(":"))
                    set_clock(rig, datetime.combine(day, datetime.min.time(), CHINA).replace(hour=h, minute=m))
                    if i == 0:
                        seed_day(rig.server, rig.clock)
                        rig.shell.env = replace(rig.shell.env, today=day)
                        if soak is None:
                            soak = Soak(rig)
                        else:
                            soak.people = People(rig)
                    for name in plan:
                        soak.run_one(name)
                        journeys += 1
                drain(rig)  # the evening: the journal is forwarded before the office closes
            rig.parts.link.journal.purge(retention)  # the forwarder's retention job, once a simulated day
            tomorrow = day + timedelta(days=1)
            if tomorrow.day == 1 or n == days - 1:
                sample = month_sample(rig, day.strftime("%Y-%m"), journeys, log_lines, _divorce_note(rig, day))
                samples.append(sample)
                if progress:
                    progress(sample)
        elapsed = time.monotonic() - t0
        checks = verify(rig, soak) if soak else {}
    finally:
        rig.stop()
        errors.uninstall()
        logging.getLogger().removeHandler(log_lines)
    lost = sum(checks.get(k, 0) for k in ("checkins_lost", "checkins_duplicated", "tickets_lost", "tickets_duplicated"))
    return {
        "days": days,
        "from": start.isoformat(),
        "to": (start + timedelta(days=days - 1)).isoformat(),
        "open_days": open_days,
        "closed_days": closed_days,
        "journeys": journeys,
        "seconds": round(elapsed, 1),
        "outcomes": soak.outcomes if soak else {},
        "mean_s": {k: round(v / soak.outcomes[k], 3) for k, v in soak.seconds.items()} if soak else {},
        "failures": soak.failures[:10] if soak else [],
        "unhandled_exceptions": errors.count,
        "exception_samples": errors.samples,
        "lost_or_duplicated": lost,
        **checks,
        "months": samples,
    }


def print_month(s: dict) -> None:
    """One row of the month table (bench/README.md)."""
    print(
        f"| {s['month']} | {s['journeys']} | {s['journal_kb']:.0f} + {s['journal_wal_kb']:.0f} | "
        f"{s['journal_entries']} | {s['kiosk_state_kb']:.0f} | {s['server_db_kb']:.0f} + {s['server_wal_kb']:.0f} | "
        f"{s['server_rows']['tickets']} / {s['server_rows']['idempotency']} / {s['server_rows']['audit']} | "
        f"{s['rss_mb']} | {s['server_rss_mb']} | {s['fds']} | {s['threads']} | {s['log_lines']} | {s['calendar']} |",
        flush=True,
    )


def main(argv: list[str] | None = None) -> dict:
    p = argparse.ArgumentParser(prog="python -m bench.year", description=__doc__.split("\n\n")[0])
    p.add_argument("--days", type=int, default=365)
    p.add_argument("--start", type=date.fromisoformat, default=START, help="first simulated day (YYYY-MM-DD)")
    p.add_argument("--json", action="store_true")
    args = p.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    logging.getLogger().setLevel(logging.INFO)  # counted (as journald would store them), not printed
    for handler in logging.getLogger().handlers:
        handler.setLevel(logging.WARNING)
    with tempfile.TemporaryDirectory(prefix="kiosk-year-") as work:
        result = year(args.days, args.start, work=Path(work), progress=None if args.json else print_month)
    report({k: v for k, v in result.items() if args.json or k != "months"}, args.json)
    return result


if __name__ == "__main__":
    main()
