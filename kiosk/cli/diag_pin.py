"""kiosk-diag pin set: make the technician PIN hash for config `maintenance.pin_hash`.

Reads the PIN twice without echo (or one line from --stdin, for scripts), prints the hash, and with
--write FILE puts it into that kiosk TOML file's [maintenance] section (the rest of the file is kept).
The PIN itself is never printed or logged. The environment variable KIOSK_PIN_HASH overrides the file.
"""

from __future__ import annotations

import sys

from kiosk.cli.common import EXIT_FAILED, EXIT_OK, UsageError, emit_json

HELP = "technician PIN: `pin set [--stdin] [--write FILE] [--json]`, `pin verify --hash H [--stdin]`"


def configure(parser):
    sub = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    s = sub.add_parser("set", help="read a new PIN (twice, no echo) and print its hash")
    s.add_argument("--stdin", action="store_true", help="read the PIN from the first line of stdin instead")
    s.add_argument("--write", metavar="FILE", help="also set maintenance.pin_hash in this kiosk TOML file")
    s.add_argument("--json", action="store_true")
    v = sub.add_parser("verify", help="check a PIN against a hash (exit 1 if it does not match)")
    v.add_argument("--hash", required=True, dest="pin_hash")
    v.add_argument("--stdin", action="store_true")
    v.add_argument("--json", action="store_true")


def _read_pin(from_stdin: bool, twice: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().strip()
    import getpass

    try:
        pin = getpass.getpass("New technician PIN: " if twice else "PIN: ")
        if twice and getpass.getpass("Repeat the PIN: ") != pin:
            raise UsageError("the two PINs differ; nothing changed")
    except EOFError:
        raise UsageError("no PIN given (use --stdin to pipe one)") from None
    return pin


def write_pin_hash(path, pin_hash: str) -> None:
    """Set maintenance.pin_hash in a TOML file, keeping every other line; the result must still parse."""
    import os
    import re
    import tomllib
    from pathlib import Path

    path = Path(path)
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as e:
        raise UsageError(f"{path}: cannot read ({e.strerror})") from None
    entry = f'pin_hash = "{pin_hash}"'
    section, start = None, None
    for i, line in enumerate(lines):
        header = re.match(r"\s*\[([^\]]+)\]\s*(#.*)?$", line)
        if header:
            section = header.group(1).strip()
            if section == "maintenance":
                start = i
            continue
        if section == "maintenance" and re.match(r"\s*pin_hash\s*=", line):
            lines[i] = entry + "   # set by kiosk-diag pin set"
            break
    else:
        if start is None:
            lines += ["", "[maintenance]", entry]
        else:
            lines.insert(start + 1, entry)
    text = "\n".join(lines) + "\n"
    try:
        tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise UsageError(f"{path}: would not be valid TOML after the change ({e}); nothing written") from None
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.chmod(tmp, path.stat().st_mode & 0o777)
    os.replace(tmp, path)


def run(args) -> int:
    from kiosk.maintenance.pin import PinFormatError, hash_pin, verify_pin

    if args.action == "verify":
        try:
            ok = verify_pin(_read_pin(args.stdin, twice=False), args.pin_hash)
        except PinFormatError as e:
            raise UsageError(str(e)) from None
        if args.json:
            emit_json({"ok": ok})
        else:
            print("PIN matches" if ok else "PIN does not match")
        return EXIT_OK if ok else EXIT_FAILED
    try:
        pin_hash = hash_pin(_read_pin(args.stdin, twice=True))
    except PinFormatError as e:
        raise UsageError(str(e)) from None
    if args.write:
        write_pin_hash(args.write, pin_hash)
    if args.json:
        emit_json({"ok": True, "pin_hash": pin_hash, "written": args.write})
    else:
        print(pin_hash)
        if args.write:
            print(f"written to {args.write} [maintenance] pin_hash", file=sys.stderr)
    return EXIT_OK
