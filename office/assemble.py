"""The office server put together: database, offices, backend, PKI checks and app (`build`), and the uvicorn
configuration that serves it (`uvicorn_config`). Used by `kiosk-office-server` (office/cli/serve.py), the API
document (office/apidoc.py), the tests and the benchmarks."""

from __future__ import annotations

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
