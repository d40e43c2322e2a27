"""kiosk-office-server: the reference office server (see office/README.md).

kiosk-office-server --tls-dir DIR --db FILE [--host H --port P --seed demo --now T --config-dir DIR]   serve
kiosk-office-server pki init  --dir DIR [--server-name NAME …]                        the office CA + server cert
kiosk-office-server pki issue --dir DIR --kiosk ID --office CODE                      a kiosk's certificate
kiosk-office-server pki issue --dir DIR --role counter|bureau --name NAME --office CODE|all
kiosk-office-server pki revoke --dir DIR (--serial HEX | --cert FILE)                 refuse a certificate
kiosk-office-server pki status --dir DIR [--within-days 30]     days left; exit 1 if any expire within the days
kiosk-office-server audit verify --db FILE                                            check the audit chain
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
    config_dir: Path | str | None = None,
):
    """The app and its backend, with the database created and (optionally) seeded for today. `config_dir`: the
    office's own files; its holidays/<year>.toml join the shipped calendars."""
    from office.app import create_app
    from office.holidays import load_rest_days
    from office.offices import load_offices
    from office.pki import RevocationList
    from office.service import OfficeBackend
    from office.store import Store

    offices = load_offices(offices_dir)
    store = Store(db)
    store.create()
    backend = OfficeBackend(store, offices, clock, retention_days=retention_days)
    if seed == "demo":
        seed_demo(backend)
    revoked = RevocationList(Path(tls_dir) / "revoked.txt") if tls_dir else None
    hosts = (server_names(tls_dir) | set(allow_hosts or ())) if tls_dir else None
    app = create_app(backend, revoked=revoked, hosts=hosts)
    app.state.rest_days = load_rest_days(config_dir)
    return app, backend


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


def uvicorn_config(app, host: str, port: int, tls_dir: Path | str, log_level: str = "warning", **kw):
    import uvicorn

    from office.pki import server_tls
    from office.tls import IdentifyingProtocol

    kw.setdefault("timeout_graceful_shutdown", 3)  # kiosks keep connections open: don't wait for them
    kw.setdefault("date_header", False)  # the app dates its answers with its own clock (ServerDate)
    return uvicorn.Config(
        app,
        host=host,
        port=port,
        log_level=log_level,
        access_log=False,
        http=IdentifyingProtocol,
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
    p_issue = sub.add_parser("issue", help="a client certificate: --kiosk ID, or --role counter|bureau --name NAME")
    p_issue.add_argument("--dir", required=True)
    p_issue.add_argument("--kiosk")
    p_issue.add_argument("--role", choices=pki.ROLES)
    p_issue.add_argument("--name")
    p_issue.add_argument("--office", required=True)
    p_issue.add_argument("--days", type=int, default=pki.CLIENT_DAYS)
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
    a = parser.parse_args(argv)
    if not Path(a.db).exists():
        sys.stderr.write(f"kiosk-office-server audit: {a.db}: no such database\n")
        return 2
    conn = sqlite3.connect(f"file:{a.db}?mode=ro", uri=True)
    try:
        result = audit.verify(conn)
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
    parser.add_argument("--seed", choices=["demo"], help="add today's demo bookings for every office")
    parser.add_argument("--now", help="start the clock at this local time (YYYY-MM-DDTHH:MM), for tests/demos")
    parser.add_argument("--offices", help="directory of office files (default: the shipped config/offices)")
    parser.add_argument(
        "--config-dir",
        help="the office's own configuration (e.g. /etc/heyuan-office): holidays/<year>.toml join the shipped ones",
    )
    parser.add_argument("--log-level", default="warning")
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
        app, _ = build(
            args.db, clock, args.seed, args.offices, args.tls_dir, args.retention_days, args.allow_host, args.config_dir
        )
        config = uvicorn_config(app, args.host, args.port, args.tls_dir, args.log_level)
    except (OfficeFileError, HolidayFileError, pki.PkiError) as e:
        sys.stderr.write(f"kiosk-office-server: {e}\n")
        return 2
    import threading

    # The identity service's face models load while the server starts answering (not in each test's server).
    threading.Thread(target=app.state.identity.warm_up, name="identity-warm-up", daemon=True).start()
    uvicorn.Server(config).run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
