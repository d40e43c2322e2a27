"""kiosk-office-server: the reference office server (see office/README.md)."""
from __future__ import annotations

import argparse
import sys
from datetime import timedelta
from pathlib import Path


def build(db: Path | str, clock, seed: str | None = None, offices_dir: Path | str | None = None):
    """The app and its backend, with the database created and (optionally) seeded for today."""
    from kiosk.config import CONFIG_DIR, load_offices
    from office.app import create_app
    from office.service import OfficeBackend
    from office.store import Store

    offices = load_offices(offices_dir or CONFIG_DIR / "offices")
    store = Store(db)
    store.create()
    backend = OfficeBackend(store, offices, clock)
    if seed == "demo":
        seed_demo(backend)
    return create_app(backend), backend


def seed_demo(backend, days: int = 1) -> int:
    from office.clock import CHINA
    from office.seed import seeded_bookings, store_bookings

    now = backend.clock().astimezone(CHINA)
    added = 0
    with backend.store.write() as conn:
        for offset in range(days):
            day = now.date() + timedelta(days=offset)
            for code, oc in backend.offices.items():
                added += store_bookings(conn, seeded_bookings(code, day, now, oc.opening_hours))
    return added


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="kiosk-office-server", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--db", required=True, help="SQLite file (created if missing)")
    parser.add_argument("--seed", choices=["demo"], help="add today's demo bookings for every office")
    parser.add_argument("--now", help="start the clock at this local time (YYYY-MM-DDTHH:MM), for tests/demos")
    parser.add_argument("--offices", help="directory of office files (default: the shipped kiosk/resources/config/offices)")
    parser.add_argument("--log-level", default="warning")
    args = parser.parse_args(argv)

    import uvicorn

    from kiosk.config import ConfigError
    from office.clock import offset_clock, parse_instant, system_clock

    try:
        clock = offset_clock(parse_instant(args.now)) if args.now else system_clock
    except ValueError:
        parser.error(f"--now: not a date-time: {args.now!r}")
    try:
        app, _ = build(args.db, clock, args.seed, args.offices)
    except ConfigError as e:
        sys.stderr.write(f"kiosk-office-server: {e}\n")
        return 2
    uvicorn.run(app, host=args.host, port=args.port, log_level=args.log_level, access_log=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
