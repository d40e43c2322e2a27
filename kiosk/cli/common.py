"""What every command-line tool shares: exit codes, JSON output, lazily loaded verb tables."""

from __future__ import annotations

import argparse
import importlib
import json
import sys
from typing import Any

from drivers.common.cli import EXIT_FAILED, EXIT_OK, EXIT_USAGE, UsageError

__all__ = ["EXIT_FAILED", "EXIT_OK", "EXIT_USAGE", "UsageError", "emit_json", "read_json_stdin", "run_verb_table"]


def emit_json(obj: Any) -> None:
    sys.stdout.write(json.dumps(obj, ensure_ascii=False, sort_keys=False) + "\n")
    sys.stdout.flush()


def read_json_stdin() -> Any:
    text = sys.stdin.read()
    try:
        return json.loads(text)
    except json.JSONDecodeError as e:
        raise UsageError(f"input is not valid JSON: {e.msg} at line {e.lineno} column {e.colno}") from None


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # argparse exits 2 too; keep the message short and on stderr
        self.print_usage(sys.stderr)
        sys.stderr.write(f"{self.prog}: error: {message}\n")
        raise SystemExit(EXIT_USAGE)


def run_verb_table(prog: str, description: str, table: dict[str, str], argv: list[str] | None) -> int:
    """Dispatch `prog VERB ...` to the module named in `table` (imported only when needed).

    A verb module has `HELP: str`, `configure(parser)` and `run(args) -> int`.
    """
    parser = _Parser(prog=prog, description=description)
    sub = parser.add_subparsers(dest="verb", metavar="VERB", parser_class=_Parser)
    sub.required = True
    modules = {}
    for verb, module_name in table.items():
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as e:
            if e.name != module_name:
                raise
            sub.add_parser(verb, help="(not available in this build)")
            continue
        modules[verb] = module
        module.configure(sub.add_parser(verb, help=module.HELP, description=module.HELP))
    args = parser.parse_args(argv)
    chosen = modules.get(args.verb)
    if chosen is None:
        sys.stderr.write(f"{prog} {args.verb}: not available in this build\n")
        return EXIT_FAILED
    try:
        return chosen.run(args)
    except UsageError as e:
        sys.stderr.write(f"{prog} {args.verb}: {e}\n")
        return EXIT_USAGE
    except KeyboardInterrupt:
        return EXIT_FAILED
