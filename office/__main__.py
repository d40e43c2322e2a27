"""kiosk-office-server: the reference office server (see office/README.md).

kiosk-office-server --tls-dir DIR --db FILE [--host H --port P --seed demo --now T --config-dir DIR]   serve
    (HTTPS + client certs); pages for browsers: /counter/ (counter certificates), /display/ (display
    certificates), /bureau/ (bureau certificates), see office/README.md
kiosk-office-server pki init  --dir DIR [--server-name NAME …]                        the office CA + server cert
kiosk-office-server pki issue --dir DIR --kiosk ID --office CODE                      a kiosk's certificate
kiosk-office-server pki issue --dir DIR --role counter|display|bureau --name NAME --office CODE|all [--p12]
kiosk-office-server pki revoke --dir DIR (--serial HEX | --cert FILE)                 refuse a certificate
kiosk-office-server pki status --dir DIR [--within-days 30]     days left; exit 1 if any expire within the days
kiosk-office-server audit verify --db FILE [--tls-dir DIR]                            check the audit chain (and anchors)
kiosk-office-server advise --records FILE.csv [--json --service-level 0.9 --wait-min 15]  booking quotas
kiosk-office-server history --out FILE.csv [--days 60 --end DATE --seed N]            a synthetic records export
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import timedelta
from pathlib import Path


def build(
    db: Path | str,
    clock,
    seed: str | None = None,
    offices_dir: Path | str | None = None,
    tls_dir: Path | str | None = None,
    retention_days: int = 30,
    allow_hosts: list[str] | None = None,
    records: Path | str | None = None,
    lobby_options: dict | None = None,
    offline_rules=None,
    anchors_file: Path | str | None = None,
    anchor_interval_s: float = 60.0,
    all_day: bool = False,
    config_dir: Path | str | None = None,
):
    """The app and its backend, with the database created and (optionally) seeded for today. `records`: an
    export of the office queue system's service records for the bureau page (with --seed demo and no export, a
    synthetic history is written next to the database). `all_day`: the demo's offices, issuing numbers at any hour
    (kiosk.domain.hours.demo_office, as the demo kiosk does). `config_dir`: the office's own files; its
    holidays/<year>.toml join the shipped calendars."""
    from office.app import create_app
    from office.holidays import load_rest_days
    from office.offices import load_offices
    from office.pki import RevocationList
    from office.service import OfficeBackend
    from office.store import Store

    offices = load_offices(offices_dir)
    if all_day:
        from kiosk.domain.hours import demo_office

        offices = {code: demo_office(oc) for code, oc in offices.items()}
    store = Store(db)
    store.create()
    backend = OfficeBackend(store, offices, clock, retention_days=retention_days)
    if seed == "demo":
        seed_demo(backend)
    revoked = RevocationList(Path(tls_dir) / "revoked.txt") if tls_dir else None
    hosts = (server_names(tls_dir) | set(allow_hosts or ())) if tls_dir else None
    anchors = None
    if tls_dir:  # the audit chain's head, signed with the server's key, outside the database (office/anchor.py)
        from office.anchor import Anchors

        tls = Path(tls_dir)
        path = anchors_file or anchors_path(db)
        anchors = Anchors(path, tls / "server.key", tls / "server.crt", anchor_interval_s)
    app = create_app(
        backend,
        revoked=revoked,
        hosts=hosts,
        bureau_advice=bureau_advice(backend, records, db if seed else None),
        lobby_options=lobby_options,
        offline_rules=offline_rules,
        anchors=anchors,
    )
    app.state.rest_days = load_rest_days(config_dir)
    return app, backend


def bureau_advice(backend, records: Path | str | None, demo_db: Path | str | None = None):
    """The bureau page's records: the export (when configured) first, then the server's own tickets. A demo
    server without an export gets a synthetic history next to its database, written when first read."""
    from office.bureau import BureauAdvice
    from office.workload.sources import ExportFile, Merged, TicketsTable

    table = TicketsTable(backend.store.read, backend.today)
    if records is None and demo_db is not None:
        demo = Path(demo_db).with_name(Path(demo_db).stem + "-records.csv")
        return BureauAdvice(Merged(ExportFile(demo, make=lambda f: demo_history(backend, f)), table), backend.offices)
    return BureauAdvice(Merged(ExportFile(records), table) if records else table, backend.offices)


def demo_history(backend, out, days: int = 60) -> None:
    """A synthetic service history of the offices up to yesterday (office/workload/synthetic.py)."""
    from office.clock import CHINA
    from office.workload.cli import demo_profiles
    from office.workload.records import write_export
    from office.workload.synthetic import history

    end = backend.clock().astimezone(CHINA).date() - timedelta(days=1)
    write_export(history(demo_profiles(backend.offices), end, days), out)


def anchors_path(db: Path | str) -> Path:
    """Where the audit anchors go unless told: beside the database (better: another disk, see office/anchor.py)."""
    return Path(f"{db}.anchors")


def server_names(tls_dir: Path | str) -> set[str]:
    """The names in the server certificate: the Host values this server answers to."""
    from cryptography import x509

    cert = x509.load_pem_x509_certificate((Path(tls_dir) / "server.crt").read_bytes())
    try:
        san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    except x509.ExtensionNotFound:
        return set()
    return {str(n.value).lower() for n in san}


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


def uvicorn_config(app, host: str, port: int, tls_dir: Path | str, log_level: str = "warning", limits=None, **kw):
    """`limits`: the connections' deadlines and the cap per certificate (office.tls.ConnectionLimits)."""
    import uvicorn

    from office.pki import server_tls
    from office.tls import ConnectionLimits, protocol_for

    limits = limits or ConnectionLimits()
    kw.setdefault("timeout_keep_alive", limits.idle_s)
    kw.setdefault("timeout_graceful_shutdown", 3)  # kiosks keep connections open: don't wait for them
    # Kiosks probe every 5 s: a keep-alive as short as that (uvicorn's default) closes connections just as they
    # are reused, which a kiosk took for an outage (issue 23).
    kw.setdefault("timeout_keep_alive", 30)
    kw.setdefault("date_header", False)  # the app dates its answers with its own clock (ServerDate)
    return uvicorn.Config(
        app,
        host=host,
        port=port,
        log_level=log_level,
        access_log=False,
        http=protocol_for(limits),
        server_header=False,
        **server_tls(tls_dir),
        **kw,
    )


def _pki(argv: list[str]) -> int:
    from office import pki

    parser = argparse.ArgumentParser(prog="kiosk-office-server pki")
    sub = parser.add_subparsers(dest="verb", required=True)
    p_init = sub.add_parser("init", help="create the office CA and the server certificate")
    p_init.add_argument("--dir", required=True)
    p_init.add_argument("--server-name", action="append", help="DNS name or IP of the server (repeatable)")
    p_init.add_argument("--force", action="store_true", help="replace an existing CA")
    p_server = sub.add_parser("server", help="re-issue the server certificate (rotation, new names)")
    p_server.add_argument("--dir", required=True)
    p_server.add_argument("--server-name", action="append", required=True)
    p_issue = sub.add_parser("issue", help="a client certificate: --kiosk ID, or --role ROLE --name NAME")
    p_issue.add_argument("--dir", required=True)
    p_issue.add_argument("--kiosk")
    p_issue.add_argument("--role", choices=pki.ROLES)
    p_issue.add_argument("--name")
    p_issue.add_argument("--office", required=True)
    p_issue.add_argument("--days", type=int, default=pki.CLIENT_DAYS)
    p_issue.add_argument(
        "--p12", action="store_true", help="also write NAME.p12 for a browser (passphrase in NAME.p12.pass)"
    )
    p_status = sub.add_parser("status", help="days left of the CA, the server's and every issued certificate")
    p_status.add_argument("--dir", required=True)
    p_status.add_argument("--within-days", type=int, default=30, help="list as expiring within this many days")
    p_revoke = sub.add_parser("revoke", help="add a certificate to revoked.txt")
    p_revoke.add_argument("--dir", required=True)
    p_revoke.add_argument("--serial")
    p_revoke.add_argument("--cert")
    p_revoke.add_argument("--reason", default="")
    a = parser.parse_args(argv)
    try:
        if a.verb == "init":
            out = pki.init(a.dir, a.server_name, force=a.force)
        elif a.verb == "server":
            out = pki.issue_server(a.dir, a.server_name)
        elif a.verb == "issue":
            if a.kiosk:
                if a.role not in (None, "kiosk"):
                    parser.error("--kiosk is a kiosk certificate; leave out --role")
                out = pki.issue(a.dir, "kiosk", a.kiosk, a.office, a.days)
            elif a.role and a.name:
                out = pki.issue(a.dir, a.role, a.name, a.office, a.days)
            else:
                parser.error("give --kiosk ID, or --role ROLE --name NAME")
            if a.p12:
                out.update(pki.browser_bundle(a.dir, out["role"], out["name"]))
        elif a.verb == "status":
            from office.pki_status import status

            out = status(a.dir, a.within_days)
        else:
            out = {"revoked": pki.revoke(a.dir, serial=a.serial, cert=a.cert, reason=a.reason)}
    except (pki.PkiError, OSError, ValueError) as e:
        sys.stderr.write(f"kiosk-office-server pki: {e}\n")
        return 2
    print(json.dumps(out, ensure_ascii=False))
    return 1 if a.verb == "status" and out["expiring"] else 0


def _audit(argv: list[str]) -> int:
    import sqlite3

    from office import audit

    parser = argparse.ArgumentParser(prog="kiosk-office-server audit")
    sub = parser.add_subparsers(dest="verb", required=True)
    p_verify = sub.add_parser("verify", help="check the hash chain of the server's audit log")
    p_verify.add_argument("--db", required=True)
    p_verify.add_argument("--anchors", help="the signed anchors file (default: DB.anchors, if it exists)")
    p_verify.add_argument("--tls-dir", help="the PKI directory: its ca.crt authenticates the anchors")
    a = parser.parse_args(argv)
    if not Path(a.db).exists():
        sys.stderr.write(f"kiosk-office-server audit: {a.db}: no such database\n")
        return 2
    conn = sqlite3.connect(f"file:{a.db}?mode=ro", uri=True)
    anchors = Path(a.anchors) if a.anchors else anchors_path(a.db)
    if (a.anchors or anchors.exists()) and not a.tls_dir:
        sys.stderr.write("kiosk-office-server audit: --tls-dir DIR is needed to check the anchors (its ca.crt)\n")
        return 2
    try:
        result = audit.verify(conn)
        if a.tls_dir:
            from office.anchor import check

            result["anchors"] = check(conn, anchors, Path(a.tls_dir) / "ca.crt")
            result["ok"] = result["ok"] and result["anchors"]["ok"]
    except sqlite3.DatabaseError as e:
        sys.stderr.write(f"kiosk-office-server audit: {e}\n")
        return 2
    finally:
        conn.close()
    print(json.dumps(result))
    return 0 if result["ok"] else 1


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["pki"]:
        return _pki(argv[1:])
    if argv[:1] == ["audit"]:
        return _audit(argv[1:])
    if argv[:1] == ["advise"]:
        from office.workload.cli import advise_main

        return advise_main(argv[1:])
    if argv[:1] == ["history"]:
        from office.workload.cli import history_main

        return history_main(argv[1:])
    from office.offline import OfflineRules
    from office.tls import ConnectionLimits

    parser = argparse.ArgumentParser(
        prog="kiosk-office-server", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
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


if __name__ == "__main__":
    sys.exit(main())
