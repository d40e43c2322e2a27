"""kiosk-office-server: the commands are in office/cli/ (usage: office/cli/__init__.py, `--help`)."""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["pki"]:
        from office.cli import pki

        return pki.main(argv[1:])
    if argv[:1] == ["audit"]:
        from office.cli import audit

        return audit.main(argv[1:])
    if argv[:1] == ["advise"]:
        from office.workload.cli import advise_main

        return advise_main(argv[1:])
    if argv[:1] == ["history"]:
        from office.workload.cli import history_main

        return history_main(argv[1:])
    from office.cli import serve

    return serve.main(argv)


if __name__ == "__main__":
    sys.exit(main())
