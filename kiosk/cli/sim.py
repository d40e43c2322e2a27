"""kiosk-sim DEVICE: start one device simulator; its pseudo-terminal path is the first line on stdout."""

from __future__ import annotations

import sys

from kiosk.cli.common import run_verb_table

DEVICES = {
    "idcard": "drivers.idcard.sim_cli",
    "scanner": "drivers.scanner.sim_cli",
    "printer": "drivers.printer.sim_cli",
    "camera": "drivers.camera.sim_cli",
    "fingerprint": "drivers.fingerprint.sim_cli",
}


def main(argv: list[str] | None = None) -> int:
    return run_verb_table("kiosk-sim", "Protocol-accurate device simulators on pseudo-terminals.", DEVICES, argv)


if __name__ == "__main__":
    sys.exit(main())
