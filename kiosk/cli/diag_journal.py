"""kiosk-diag journal status|replay: the offline journal's backlog, and sending it now."""
from __future__ import annotations

from pathlib import Path

from kiosk.cli.common import EXIT_FAILED, EXIT_OK, UsageError, emit_json

HELP = "offline journal: `journal status` (backlog, refusals) and `journal replay` (send what is pending now)"


def configure(parser):
    sub = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    for name, text in (("status", "backlog and counts (no personal data)"),
                       ("replay", "send pending entries to the office server now; exit 1 if some remain")):
        p = sub.add_parser(name, help=text)
        p.add_argument("--state-dir", help="kiosk state directory (default: kiosk.state_dir of the configuration)")
        p.add_argument("--config", help="kiosk configuration file (default: kiosk/resources/config/default.toml)")
        p.add_argument("--json", action="store_true")
        if name == "replay":
            p.add_argument("--url", help="server URL (default: backend.url of the configuration)")


def _state_dir(args) -> Path:
    if args.state_dir:
        return Path(args.state_dir)
    from kiosk.config import DEFAULT_CONFIG, ConfigError, load_kiosk_config

    try:
        return load_kiosk_config(args.config or DEFAULT_CONFIG).state_dir
    except ConfigError as e:
        raise UsageError(f"{e} (or give --state-dir)") from None


def _summary(journal) -> dict:
    refused = [{"key": e.key, "kind": e.kind, "error": e.error_code, "created_at": e.created_at,
                "offline_number": e.offline_number} for e in journal.entries("rejected")[-20:]]
    return {**journal.status(), "refused": refused}


def run(args) -> int:
    from kiosk.services.journal import Journal, JournalError

    state = _state_dir(args)
    if not (state / Journal.FILE).exists():
        result = {"ok": True, "exists": False, "path": str(state / Journal.FILE), "backlog": 0}
        emit_json(result) if args.json else print(f"{result['path']}: no journal yet")
        return EXIT_OK
    try:
        journal = Journal.open(state)
        if args.action == "replay":
            from kiosk.cli.diag_backend import client_from_args
            from kiosk.services.forwarder import Forwarder

            client = client_from_args(args, retries=0)
            before = journal.backlog()
            reached = Forwarder(journal, client).forward_once()
            result = {**_summary(journal), "sent": before - journal.backlog(), "reached": reached,
                      "url": client.base_url}
        else:
            result = _summary(journal)
    except JournalError as e:
        result = {"ok": False, "error": str(e), "path": str(state / Journal.FILE)}
        emit_json(result) if args.json else print(result["error"])
        return EXIT_FAILED
    result = {"ok": result["backlog"] == 0 or args.action == "status", "exists": True, **result}
    if args.json:
        emit_json(result)
    else:
        print(f"{result['path']}: backlog {result['backlog']}, {result['by_status']}"
              + (f", sent {result['sent']}" if "sent" in result else ""))
    return EXIT_OK if result["ok"] else EXIT_FAILED
