"""kiosk-diag config check FILE: validate a kiosk, office or policy file."""

from __future__ import annotations

from kiosk.cli.common import EXIT_FAILED, EXIT_OK, emit_json

HELP = "configuration files: `config check FILE...` validates kiosk, office and policy files"


def configure(parser):
    sub = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    check = sub.add_parser("check", help="validate files; exit 1 naming the file and key on the first problem")
    check.add_argument("files", nargs="+", metavar="FILE")
    check.add_argument("--json", action="store_true")


def run(args) -> int:
    from kiosk.config import ConfigError, check_file

    results, status = [], EXIT_OK
    for f in args.files:
        try:
            kind = check_file(f)
            results.append({"file": f, "ok": True, "kind": kind})
            if not args.json:
                print(f"{f}: ok ({kind})")
        except ConfigError as e:
            status = EXIT_FAILED
            results.append({"file": f, "ok": False, "key": e.key, "problem": e.problem, "error": str(e)})
            if not args.json:
                print(str(e))
    if args.json:
        emit_json({"ok": status == EXIT_OK, "files": results})
    return status
