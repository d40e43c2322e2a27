"""A stand-in `systemd-creds` for the installer's tests: `has-tpm2` answers from $FAKE_TPM2 (yes: a TPM2 is there),
`encrypt [--with-key=…] [--tpm2-pcrs=…] [--name=N] IN|- OUT` writes a credential only `decrypt` (this file, as the
fake systemctl calls it) turns back into the plain data. Calls go to $FAKE_SYSTEMD/creds.log (no data)."""

from __future__ import annotations

import base64
import os
import sys
from pathlib import Path

MAGIC = b"FAKE-TPM2-SEALED\n"


def main(argv: list[str]) -> int:
    state = Path(os.environ["FAKE_SYSTEMD"])
    state.mkdir(parents=True, exist_ok=True)
    with open(state / "creds.log", "a") as f:
        f.write(" ".join(a for a in argv if not a.startswith("/")) + "\n")
    options = [a for a in argv if a.startswith("--")]
    args = [a for a in argv if not a.startswith("--")]
    verb = args[0] if args else ""
    if verb == "has-tpm2":
        there = os.environ.get("FAKE_TPM2") == "yes"
        if "--quiet" not in options and "-q" not in options:
            print("yes" if there else "no")
        return 0 if there else 1
    if verb == "encrypt" and len(args) == 3:
        if os.environ.get("FAKE_TPM2") != "yes" and "--with-key=tpm2" in options:
            print("No TPM2 device found.", file=sys.stderr)
            return 1
        data = sys.stdin.buffer.read() if args[1] == "-" else Path(args[1]).read_bytes()
        Path(args[2]).write_bytes(MAGIC + base64.b64encode(data[::-1]) + b"\n")
        return 0
    if verb == "decrypt" and len(args) == 3:
        blob = Path(args[1]).read_bytes()
        if not blob.startswith(MAGIC) or os.environ.get("FAKE_TPM2") != "yes":
            print("Failed to decrypt credential.", file=sys.stderr)
            return 1
        Path(args[2]).write_bytes(base64.b64decode(blob[len(MAGIC) :])[::-1])
        return 0
    print(f"fake systemd-creds: unsupported {argv}", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
