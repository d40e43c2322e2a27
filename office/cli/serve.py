"""`kiosk-office-server [--host H --port P] --db FILE --tls-dir DIR …`: serve the office API over mutual TLS."""

from __future__ import annotations

import argparse
import sys
from datetime import timedelta
from pathlib import Path

from office import cli
from office.assemble import build, uvicorn_config


def warm_matches_forever(backend, first_s: float = 30.0, every_s: float = 600.0) -> None:
    """The offline list's hashes (scrypt, ≈ 40 ms a party) computed ahead of the kiosks' fetches, today's and after
    the cut-off hour tomorrow's, at the lowest CPU priority; a first fetch before then computes its own."""
    import os
    import threading
    import time

    from office.clock import CHINA
    from office.bookings import BOOKINGS_CUTOFF_HOUR

    try:
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 19)  # this thread only (Linux)
    except OSError:
        pass
    time.sleep(first_s)
    while True:
        try:
            now = backend.clock().astimezone(CHINA)
            backend.warm_matches()
            if now.hour >= BOOKINGS_CUTOFF_HOUR - 1:
                backend.warm_matches(day=(now.date() + timedelta(days=1)).isoformat())
        except Exception as e:  # a database hiccup: the next round
            sys.stderr.write(f"kiosk-office-server: bookings hashes: {type(e).__name__}\n")
        time.sleep(every_s)


def main(argv: list[str]) -> int:
    from office.offline import OfflineRules
    from office.tls import ConnectionLimits

    parser = argparse.ArgumentParser(
        prog="kiosk-office-server", description=cli.__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--db", required=True, help="SQLite file (created if missing)")
    parser.add_argument(
        "--tls-dir",
        required=True,
        help="PKI directory (pki init): HTTPS only, a client certificate from its CA on every request",
    )
    parser.add_argument(
        "--allow-host",
        action="append",
        default=[],
        help="another Host name this server answers to (besides the server certificate's names)",
    )
    parser.add_argument(
        "--retention-days",
        type=int,
        default=30,
        help="kiosks' journal retention: oldest stated time accepted, idempotency rows kept",
    )
    parser.add_argument(
        "--demo-kiosk",
        action="append",
        default=[],
        metavar="ID@OFFICE",
        help="demo/tests: create the PKI in --tls-dir if missing and issue this kiosk's certificate",
    )
    parser.add_argument(
        "--demo-bureau",
        metavar="NAME",
        help="demo: issue a bureau certificate NAME for all offices in --tls-dir (the /bureau/ page)",
    )
    parser.add_argument(
        "--seed",
        choices=["demo"],
        help="add today's demo bookings for every office (and, without --records, a synthetic service history)",
    )
    parser.add_argument(
        "--open-all-day",
        action="store_true",
        help="demo: the offices issue numbers at any hour (the demo kiosk does too)",
    )
    parser.add_argument("--now", help="start the clock at this local time (YYYY-MM-DDTHH:MM), for tests/demos")
    parser.add_argument("--offices", help="directory of office files (default: the shipped config/offices)")
    parser.add_argument(
        "--records",
        help="service records exported from the office queue system (CSV, docs/workload.md) for the bureau page",
    )
    parser.add_argument(
        "--no-show-recalls", type=int, default=2, help="recalls before a counter may record 未到 / no-show (default 2)"
    )
    parser.add_argument(
        "--lobby-voice",
        metavar="DIR",
        help="the office's own recordings of the display's voice segments (DIR/zh|en/<segment>.wav win)",
    )
    parser.add_argument(
        "--config-dir",
        help="the office's own configuration (e.g. /etc/heyuan-office): holidays/<year>.toml join the shipped ones",
    )
    parser.add_argument("--log-level", default="warning")
    parser.add_argument(
        "--audit-anchors", help="append-only file of the audit chain's signed heads (default DB.anchors)"
    )
    parser.add_argument("--anchor-interval", type=float, default=60.0, help="s between two audit anchors")
    defaults = ConnectionLimits()
    parser.add_argument("--idle-timeout", type=float, default=defaults.idle_s, help="s without a request")
    parser.add_argument("--header-timeout", type=float, default=defaults.header_s, help="s to send headers")
    parser.add_argument("--body-timeout", type=float, default=defaults.body_s, help="s to send a body")
    parser.add_argument("--max-connections-per-cert", type=int, default=defaults.per_certificate, help="open at once")
    rules = OfflineRules()
    parser.add_argument(
        "--offline-heard-gap", type=float, default=rules.heard_gap_s, help="s: requests this close are 'online'"
    )
    parser.add_argument(
        "--offline-min-interval", type=float, default=rules.min_interval_s, help="s between a kiosk's offline tickets"
    )
    parser.add_argument(
        "--offline-daily-share", type=float, default=rules.daily_share, help="of the walk-in quota, per kiosk"
    )
    args = parser.parse_args(argv)

    import uvicorn

    from office import pki
    from office.clock import offset_clock, parse_instant, system_clock
    from office.holidays import HolidayFileError
    from office.offices import OfficeFileError

    try:
        clock = offset_clock(parse_instant(args.now)) if args.now else system_clock
    except ValueError:
        parser.error(f"--now: not a date-time: {args.now!r}")
    try:
        if args.demo_kiosk:
            if not (Path(args.tls_dir) / "ca.key").exists():
                pki.init(args.tls_dir)
            for spec in args.demo_kiosk:
                kiosk_id, _, office = spec.partition("@")
                pki.issue(args.tls_dir, "kiosk", kiosk_id, office)
        if args.demo_bureau:
            if not (Path(args.tls_dir) / "ca.key").exists():
                pki.init(args.tls_dir)
            pki.issue(args.tls_dir, "bureau", args.demo_bureau, "all")
        if not 0 <= args.no_show_recalls <= 10:
            parser.error("--no-show-recalls: 0–10")
        lobby = {
            "no_show_after": args.no_show_recalls,
            "own_voice": Path(args.lobby_voice) if args.lobby_voice else None,
        }
        offline_rules = OfflineRules(args.offline_heard_gap, args.offline_min_interval, args.offline_daily_share)
        app, backend = build(
            args.db,
            clock,
            args.seed,
            args.offices,
            args.tls_dir,
            args.retention_days,
            args.allow_host,
            records=args.records,
            lobby_options=lobby,
            offline_rules=offline_rules,
            anchors_file=args.audit_anchors,
            anchor_interval_s=args.anchor_interval,
            all_day=args.open_all_day,
            config_dir=args.config_dir,
        )
        limits = ConnectionLimits(
            args.idle_timeout, args.header_timeout, args.body_timeout, args.max_connections_per_cert
        )
        config = uvicorn_config(app, args.host, args.port, args.tls_dir, args.log_level, limits)
    except (OfficeFileError, HolidayFileError, pki.PkiError) as e:
        sys.stderr.write(f"kiosk-office-server: {e}\n")
        return 2
    import threading

    # The identity service's face models load while the server starts answering (not in each test's server).
    threading.Thread(target=app.state.identity.warm_up, name="identity-warm-up", daemon=True).start()
    threading.Thread(target=warm_matches_forever, args=(backend,), name="bookings-hashes", daemon=True).start()
    if args.records:  # and the bureau page's advice before anybody asks (seconds; the demo's waits for a visit)
        threading.Thread(target=app.state.bureau.warm_up, name="bureau-warm-up", daemon=True).start()
    uvicorn.Server(config).run()
    return 0
