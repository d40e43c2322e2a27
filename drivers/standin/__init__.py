"""Stand-in shared libraries for the vendor-only parts (the WLT photo decoder, the fingerprint matcher).

Each has the C signature the kiosk's ctypes adapters expect and understands only the simulators' own formats:
they exist so the glue is exercised in tests and the demo, not to decode anything real. `build()` compiles
them with the system C compiler (scripts/setup.sh does it; tests and the demo do it on demand when missing).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from importlib import resources
from pathlib import Path

LIBRARIES = {"wlt": "wlt_standin.c", "fp_matcher": "fp_matcher_standin.c"}


class StandinUnavailable(Exception):
    pass


def build_dir() -> Path:
    """$KIOSK_STANDIN_DIR, else ~/.cache/heyuan-kiosk/standin (outside the package: the wheel stays read-only)."""
    base = os.environ.get("KIOSK_STANDIN_DIR") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "heyuan-kiosk", "standin"
    )
    return Path(base)


def library_path(name: str) -> Path:
    return build_dir() / f"lib{name}_standin.so"


def build(name: str, *, force: bool = False) -> Path:
    """Compile the stand-in `name` (wlt | fp_matcher) unless an up-to-date build exists; returns the .so path."""
    source = resources.files(__package__).joinpath(LIBRARIES[name])
    out = library_path(name)
    code = source.read_bytes()
    stamp = out.with_suffix(".src")
    if not force and out.is_file() and stamp.is_file() and stamp.read_bytes() == code:
        return out
    cc = os.environ.get("CC") or shutil.which("gcc") or shutil.which("cc")
    if not cc:
        raise StandinUnavailable("no C compiler (install gcc: scripts/setup.sh does)")
    out.parent.mkdir(parents=True, exist_ok=True)
    # Private names until the rename: two checkouts (two CI runs, a test and the demo) may build at once.
    with tempfile.TemporaryDirectory(dir=out.parent, prefix=".build-") as work:
        src_copy, tmp, tmp_stamp = Path(work) / LIBRARIES[name], Path(work) / out.name, Path(work) / stamp.name
        src_copy.write_bytes(code)
        result = subprocess.run(
            [cc, "-O2", "-shared", "-fPIC", "-o", str(tmp), str(src_copy)], capture_output=True, text=True, timeout=60
        )
        if result.returncode != 0:
            raise StandinUnavailable(f"compiling {LIBRARIES[name]} failed: {result.stderr.strip()[-300:]}")
        tmp_stamp.write_bytes(code)
        os.replace(tmp, out)
        os.replace(tmp_stamp, stamp)
    return out


def build_or_empty(name: str) -> str:
    """The built library's path, or '' when it cannot be built (the kiosk then says the part is unavailable)."""
    try:
        return str(build(name))
    except (StandinUnavailable, OSError, subprocess.SubprocessError):
        return ""


def main() -> int:
    for name in LIBRARIES:
        try:
            print(f"stand-in {name}: {build(name)}")
        except StandinUnavailable as e:
            print(f"stand-in {name}: not built: {e}")
            return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
