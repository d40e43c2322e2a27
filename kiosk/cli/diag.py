"""kiosk-diag: technician tools. Each verb lives in its own module, imported only when listed or run."""

from __future__ import annotations

import sys

from kiosk.cli.common import run_verb_table

VERBS = {
    "check": "kiosk.cli.diag_check",
    "config": "kiosk.cli.diag_config",
    "holidays": "kiosk.cli.diag_holidays",
    "idcard": "kiosk.cli.diag_idcard",
    "scanner": "kiosk.cli.diag_scanner",
    "ticket": "kiosk.cli.diag_ticket",
    "printer": "kiosk.cli.diag_printer",
    "face": "kiosk.cli.diag_face",
    "camera": "kiosk.cli.diag_camera",
    "backend": "kiosk.cli.diag_backend",
    "journal": "kiosk.cli.diag_journal",
    "screens": "kiosk.cli.diag_screens",
    "prompts": "kiosk.cli.diag_prompts",
    "journey": "kiosk.cli.diag_journey",
    "pin": "kiosk.cli.diag_pin",
    "audit": "kiosk.cli.diag_audit",
    "report": "kiosk.cli.diag_report",
}


def main(argv: list[str] | None = None) -> int:
    return run_verb_table("kiosk-diag", "Technician tools for the marriage registration kiosk.", VERBS, argv)


if __name__ == "__main__":
    sys.exit(main())
