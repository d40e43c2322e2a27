"""kiosk-diag backend ping: can this kiosk reach its office server, and how fast?"""

from __future__ import annotations

from kiosk.cli.common import EXIT_FAILED, EXIT_OK, UsageError, emit_json

HELP = (
    "office server: `backend ping [--url URL]` checks /healthz and the API, with latency, and the days left of "
    "this kiosk's certificate and the office CA"
)


def configure(parser):
    sub = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    ping = sub.add_parser("ping", help="GET /healthz and /v1/offices; exit 1 if the server cannot be reached")
    ping.add_argument("--url", help="server URL (default: backend.url of the configuration)")
    ping.add_argument("--config", help="kiosk configuration file (default: config/default.toml)")
    ping.add_argument("--count", type=int, default=3, help="requests to time (default 3)")
    ping.add_argument("--json", action="store_true")
    add_tls_args(ping)


def add_tls_args(parser) -> None:
    """Mutual TLS files, overriding backend.ca_file / client_cert / client_key of the configuration."""
    parser.add_argument("--ca-file", help="the office CA certificate (default: backend.ca_file)")
    parser.add_argument("--client-cert", help="this kiosk's certificate (default: backend.client_cert)")
    parser.add_argument("--client-key", help="this kiosk's key (default: backend.client_key)")


def _tls(args, backend=None) -> dict:
    out = {}
    for name in ("ca_file", "client_cert", "client_key"):
        value = getattr(args, name, None) or (getattr(backend, name, "") if backend is not None else "")
        if name == "client_key" and value and not getattr(args, name, None):
            from kiosk.services.secrets import tls_key

            value = tls_key(value)  # run as kiosk.service runs (systemd-run): the sealed key
        if value:
            out[name] = value
    return out


def client_from_args(args, **kw):
    """An OfficeClient from --url/--config (shared with `journal replay`)."""
    from kiosk.config import DEFAULT_CONFIG, ConfigError, load_kiosk_config
    from kiosk.services.office_client import OfficeClient

    try:
        config = load_kiosk_config(args.config or DEFAULT_CONFIG)
    except ConfigError as e:
        if not getattr(args, "url", None):
            raise UsageError(str(e)) from None
        return OfficeClient(args.url, kiosk_id="kiosk-diag", **_tls(args), **kw)
    b = config.backend
    if not getattr(args, "url", None) and b.start_bundled:
        # the demo: its office server runs on a free port chosen at start; `kiosk --demo` says where
        from kiosk.app.bundled import running_bundled

        demo = running_bundled(config.state_dir)
        if demo is not None:
            tls = {k: v for k, v in demo.items() if k != "url"}
            return OfficeClient(demo["url"], kiosk_id=config.kiosk.id, **{**tls, **_tls(args)}, **kw)
        args.demo_not_running = True
    return OfficeClient(
        getattr(args, "url", None) or b.url,
        kiosk_id=config.kiosk.id,
        connect_timeout_s=b.connect_timeout_s,
        read_timeout_s=b.read_timeout_s,
        **_tls(args, b),
        **kw,
    )


def run(args) -> int:
    from kiosk.errors import BackendError

    if args.count < 1:
        raise UsageError("--count must be at least 1")
    client = client_from_args(args, retries=0)
    result = {"ok": False, "url": client.base_url}
    if getattr(args, "demo_not_running", False):
        result["hint"] = "no `kiosk --demo` runs with this state dir; start it, or pass --url and the TLS files"
    try:
        for _ in range(args.count):
            health = client.health()
        result.update(ok=True, server_time=health.get("time"), offices=len(client.offices()))
    except BackendError as e:
        result["error"] = str(e)
    finally:
        client.close()
    result["latency"] = client.latency.snapshot()
    result["certificates"] = _certificates(client)
    if args.json:
        emit_json(result)
    else:
        state = "reachable" if result["ok"] else f"NOT reachable ({result.get('error')})"
        print(f"{client.base_url}: {state}; p50 {result['latency']['p50_ms']} ms, p99 {result['latency']['p99_ms']} ms")
        for name, c in result["certificates"].items():
            what = {"kiosk": "this kiosk's certificate", "ca": "office CA certificate"}[name]
            if c["state"] == "unreadable":
                print(f"{what}: cannot be read ({c['problem']}): {c['file']}")
                continue
            line = f"{what}: {c['days_left']} days left (until {c['not_after'][:10]})"
            if c["state"] != "ok":
                line += f" — {c['state'].upper()}: renew it (deploy/README.md, Certificates)"
            print(line)
        if not result["ok"] and getattr(args, "demo_not_running", False):
            print(
                "This configuration starts the demo's bundled office server (backend.start_bundled): no `kiosk --demo`"
                " runs with this state dir now. Start it, or point at a server with --url and --ca-file,"
                " --client-cert, --client-key."
            )
    return EXIT_OK if result["ok"] else EXIT_FAILED


def _certificates(client) -> dict:
    """Days left of the kiosk's own certificate and the office CA it trusts (warnings from 30 days before)."""
    from datetime import datetime, timezone

    from kiosk.maintenance.upkeep import certificate_outlook

    ca = client.verify if isinstance(client.verify, str) else ""
    return certificate_outlook(ca, client.cert[0] if client.cert else "", datetime.now(timezone.utc))
