"""kiosk-diag journal status|replay|parked|retry|discard: the offline journal's backlog, sending it now, and the
entries parked for a technician (retried or discarded on the audit log, as from the maintenance screen)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from kiosk.cli.common import EXIT_FAILED, EXIT_OK, UsageError, emit_json

HELP = (
    "offline journal: `journal status` (backlog, refusals, parked), `journal replay` (send what is pending now), "
    "`journal parked`, `journal retry KEY|--all`, `journal discard KEY`"
)
ACTOR = "kiosk-diag"


def configure(parser):
    sub = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    for name, text in (
        ("status", "backlog and counts (no personal data)"),
        ("replay", "send pending entries to the office server now; exit 1 if some remain"),
        ("parked", "entries parked for a technician, with the reason (no personal data)"),
        ("retry", "queue a parked entry (or --all) to be sent again; audited"),
        ("discard", "give a parked entry up (never sent); audited"),
    ):
        p = sub.add_parser(name, help=text)
        p.add_argument("--state-dir", help="kiosk state directory (default: kiosk.state_dir of the configuration)")
        p.add_argument("--config", help="kiosk configuration file (default: config/default.toml)")
        p.add_argument("--json", action="store_true")
        if name == "replay":
            from kiosk.cli.diag_backend import add_tls_args

            p.add_argument("--url", help="server URL (default: backend.url of the configuration)")
            add_tls_args(p)
        if name in ("retry", "discard"):
            p.add_argument("key", nargs="?", help="the entry's key (or its first 8+ characters, from `journal parked`)")
        if name == "retry":
            p.add_argument("--all", action="store_true", help="every parked entry")


def _state_dir(args) -> Path:
    if args.state_dir:
        return Path(args.state_dir)
    from kiosk.config import DEFAULT_CONFIG, ConfigError, load_kiosk_config

    try:
        return load_kiosk_config(args.config or DEFAULT_CONFIG).state_dir
    except ConfigError as e:
        raise UsageError(f"{e} (or give --state-dir)") from None


def _summary(journal) -> dict:
    refused = [
        {
            "key": e.key,
            "kind": e.kind,
            "error": e.error_code,
            "created_at": e.created_at,
            "offline_number": e.offline_number,
        }
        for e in journal.entries("rejected")[-20:]
    ]
    return {**journal.status(), "refused": refused}


def _parked(journal) -> list[dict]:
    from kiosk.maintenance.wiring import parked_view

    return [parked_view(e) for e in journal.parked()]


def _settle(journal, state: Path, args) -> dict:
    """retry / discard: the same audit entries as the maintenance screen's buttons."""
    from kiosk.maintenance.audit import AuditLog

    parked = _parked(journal)
    if args.action == "retry" and getattr(args, "all", False):
        chosen = parked
    else:
        if not args.key or len(args.key) < 8:
            raise UsageError("give the entry's key (at least 8 characters, see `journal parked`) or --all")
        chosen = [e for e in parked if e["key"].startswith(args.key)]
        if len(chosen) != 1:
            return {"ok": False, "error": f"{len(chosen)} parked entries match {args.key!r}", "done": []}
    audit = AuditLog(state, actor=ACTOR)
    done = []
    for e in chosen:
        ok = journal.retry(e["key"]) if args.action == "retry" else journal.discard(e["key"])
        audit.record(
            f"journal_{args.action}",
            entry=e["key"][:12],
            done=ok,
            kind=e["kind"],
            reason=e["reason"],
            failures=e["failures"],
        )
        if ok:
            done.append(e["key"])
    return {"ok": len(done) == len(chosen), "done": done}


def run(args) -> int:
    from kiosk.services.journal import Journal, JournalError

    state = _state_dir(args)
    result: dict[str, Any]
    if not (state / Journal.FILE).exists():
        result = {
            "ok": args.action in ("status", "parked", "replay"),
            "exists": False,
            "path": str(state / Journal.FILE),
            "backlog": 0,
            "parked": [],
        }
        emit_json(result) if args.json else print(f"{result['path']}: no journal yet")
        return EXIT_OK if result["ok"] else EXIT_FAILED
    try:
        journal = Journal.open(state)
        if args.action == "replay":
            from kiosk.cli.diag_backend import client_from_args
            from kiosk.services.forwarder import Forwarder

            client = client_from_args(args, retries=0)
            before = journal.backlog()
            reached = Forwarder(journal, client).forward_once(force=True)
            result = {
                **_summary(journal),
                "sent": before - journal.backlog(),
                "reached": reached,
                "url": client.base_url,
            }
        elif args.action == "parked":
            result = {"ok": True, "backlog": journal.backlog(), "parked": _parked(journal)}
        elif args.action in ("retry", "discard"):
            result = {**_settle(journal, state, args), "backlog": journal.backlog()}
        else:
            result = _summary(journal)
    except JournalError as e:
        result = {"ok": False, "error": str(e), "path": str(state / Journal.FILE)}
        emit_json(result) if args.json else print(result["error"])
        return EXIT_FAILED
    if "ok" not in result:
        result["ok"] = result["backlog"] == 0 or args.action == "status"
    result = {"exists": True, **result}
    if args.json:
        emit_json(result)
    elif args.action == "parked":
        for entry in result["parked"]:
            print(
                f"{entry['key'][:12]}  {entry['created_at'][:19]}  {entry['kind']:8} "
                f"{entry['offline_number'] or '':6} {entry['reason']}"
            )
        print(f"{len(result['parked'])} parked, backlog {result['backlog']}")
    elif args.action in ("retry", "discard"):
        print(
            result.get("error")
            or f"{args.action}: {len(result['done'])} entr{'y' if len(result['done']) == 1 else 'ies'}"
        )
    else:
        print(
            f"{result['path']}: backlog {result['backlog']}, parked {result['parked']}, {result['by_status']}"
            + (f", sent {result['sent']}" if "sent" in result else "")
        )
    return EXIT_OK if result["ok"] else EXIT_FAILED
