"""kiosk-diag audit: check the technician audit log's hash chain, or show its last entries.

`audit verify [--state-dir DIR] [--json]` — exit 0 when intact, 1 when edited, deleted, reordered or truncated
(naming the first bad line), 2 on bad usage. Without --state-dir the configured state dir is used.
"""

from __future__ import annotations

from kiosk.cli.common import EXIT_FAILED, EXIT_OK, UsageError, emit_json

HELP = "technician audit log: `audit verify [--state-dir DIR] [--json]`, `audit show [--last N]`"


def configure(parser):
    sub = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    for name, text in (("verify", "check the hash chain (exit 1 on tampering)"), ("show", "print the last entries")):
        p = sub.add_parser(name, help=text)
        p.add_argument("--state-dir", metavar="DIR", help="default: kiosk.state_dir of --config")
        p.add_argument("--config", metavar="FILE", help="kiosk TOML (default: the demo config)")
        p.add_argument("--json", action="store_true")
        if name == "show":
            p.add_argument("--last", type=int, default=20)


def _state_dir(args):
    from pathlib import Path

    if args.state_dir:
        path = Path(args.state_dir)
        if not path.is_dir():
            raise UsageError(f"{path}: no such directory")
        return path
    from kiosk.config import DEFAULT_CONFIG, ConfigError, load_kiosk_config

    try:
        return load_kiosk_config(args.config or DEFAULT_CONFIG).state_dir
    except ConfigError as e:
        raise UsageError(str(e)) from None


def run(args) -> int:
    from kiosk.maintenance.audit import AuditLog

    log = AuditLog(_state_dir(args))
    if args.action == "show":
        entries = log.entries(last=args.last)
        if args.json:
            emit_json({"entries": entries})
        else:
            for e in entries:
                print(f"{e['seq']:>6} {e['at']} {e['action']} {e['details']}")
        return EXIT_OK
    result = log.verify()
    if args.json:
        emit_json({**result.as_dict(), "file": str(log.path)})
    elif result.ok:
        print(f"{log.path}: intact, {result.entries} entries")
    else:
        where = f" at line {result.line}" if result.line else ""
        print(f"{log.path}: TAMPERED ({result.problem}){where}: {result.detail}")
    return EXIT_OK if result.ok else EXIT_FAILED
