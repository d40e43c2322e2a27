"""kiosk-diag scanner listen: print what the scanner reads, classified as the kiosk would classify it.

JSON: {"ok": bool, "scans": [{"payload", "kind", "office", "token"}...], "faults": [...]}; `kind` is
appointment | garbled | unknown | replayed (kiosk.domain.appointment_qr; a token seen earlier in the same
listen is `replayed`). Exit 1 when fewer than --count codes arrived before --timeout.
"""

from __future__ import annotations

from typing import Any

from kiosk.cli.common import EXIT_FAILED, EXIT_OK, UsageError, emit_json

HELP = "QR scanner: `scanner listen --port URL [--count N] [--timeout S] --json` prints classified scans"


def configure(parser):
    sub = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    listen = sub.add_parser("listen", help="print scanned payloads, classified")
    listen.add_argument(
        "--port",
        required=True,
        metavar="URL",
        help="device path, socket://, loop://, evdev:///dev/input/…, sim://scanner",
    )
    listen.add_argument("--count", type=int, default=1, metavar="N")
    listen.add_argument("--timeout", type=float, default=10.0, metavar="S")
    listen.add_argument("--baud", type=int, default=9600)
    listen.add_argument("--json", action="store_true")


def classify(payloads: list[str]) -> list[dict]:
    from kiosk.domain.appointment_qr import parse_appointment_qr

    seen: set[str] = set()
    out = []
    for payload in payloads:
        outcome = parse_appointment_qr(payload, frozenset(seen))
        if outcome.kind == "appointment":
            seen.add(outcome.token)
        out.append({"payload": payload, "kind": outcome.kind, "office": outcome.office, "token": outcome.token})
    return out


def run(args) -> int:
    from drivers import registry
    from drivers.scanner.driver import listen
    from kiosk.errors import DeviceError

    if args.count < 1 or args.timeout <= 0:
        raise UsageError("--count must be at least 1 and --timeout positive")
    scheme = registry.scheme_of(args.port)
    if scheme not in ("serial", "file", "evdev", "sim"):
        raise UsageError(f"--port {args.port}: not a serial port, pyserial URL, evdev:// device or sim://scanner")
    options = {} if scheme == "evdev" else {"baudrate": args.baud}
    result: dict[str, Any]
    try:
        scanner = registry.create("scanner", args.port, **options)
        payloads, faults = listen(scanner, args.count, args.timeout)
    except DeviceError as e:
        result = {"ok": False, "error": "not_found", "reason": str(e), "scans": [], "faults": []}
        emit_json(result) if args.json else print(f"error: {e}")
        return EXIT_FAILED
    result = {"ok": len(payloads) >= args.count, "scans": classify(payloads), "faults": faults}
    if not result["ok"]:
        result["error"] = "timeout"
        result["reason"] = f"{len(payloads)} of {args.count} code(s) within {args.timeout:g} s"
    if args.json:
        emit_json(result)
    else:
        for scan in result["scans"]:
            print(f"{scan['kind']}: {scan['payload']}")
    return EXIT_OK if result["ok"] else EXIT_FAILED
