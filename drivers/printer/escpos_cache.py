"""Where python-escpos keeps its parsed printer database.

On import, python-escpos parses its capabilities file (YAML, about a second on a kiosk's CPU) and pickles the
result into a new temporary directory — every process, so every start pays the parse and leaves a directory
behind. `prepare()` (call it before the first `import escpos`) points python-escpos at a private cache instead:
- one directory per installed python-escpos (its capabilities file's path and mtime), so a terminal's old and new
  releases, or a checkout and an installed wheel, never rebuild each other's pickle;
- the pickle is written here, to a temporary name and renamed into place. python-escpos itself opens the pickle
  for writing before a second of parsing, and a process starting in that second read an empty file and died
  (`EOFError`); a rename is atomic, so a reader sees no pickle or a whole one;
- python-escpos rewrites the pickle in place whenever its capabilities file is newer than the pickle. So the
  directory is always chosen here, never taken from the environment: a process of one installation (the test
  suite) passed its directory on to a child of another (an installed release, whose capabilities file is newer),
  and that child truncated the pickle under everyone else. The pickle's mtime is also never older than the file.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import pickle
import platform
import tempfile
from pathlib import Path

ENV = "ESCPOS_CAPABILITIES_PICKLE_DIR"


def capabilities_file() -> Path | None:
    """python-escpos's capabilities file, found without importing python-escpos."""
    spec = importlib.util.find_spec("escpos")
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(list(spec.submodule_search_locations)[0]) / "capabilities.json"


def cache_dir(base: Path, capabilities: Path) -> Path:
    key = f"{capabilities.resolve()}:{capabilities.stat().st_mtime_ns}"
    return base / "heyuan-kiosk" / "escpos" / hashlib.sha256(key.encode()).hexdigest()[:16]


def _write_pickle(capabilities: Path, target: Path) -> None:
    import yaml  # python-escpos's own dependency; it parses the file with yaml.safe_load too

    with capabilities.open(encoding="utf-8") as f:
        data = yaml.safe_load(f)
    if not data:  # a broken package: let python-escpos report it its own way
        raise OSError(f"capabilities file {capabilities} is empty")
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".pickle-")
    try:
        with os.fdopen(fd, "wb") as out:
            pickle.dump(data, out, protocol=pickle.HIGHEST_PROTOCOL)
        stamp = max(capabilities.stat().st_mtime, os.stat(tmp).st_mtime)
        os.utime(tmp, (stamp, stamp))  # never "more recent capabilities file" in python-escpos's eyes
        os.replace(tmp, target)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def prepare() -> None:
    os.environ.pop(ENV, None)  # an inherited directory may be another installation's
    try:
        capabilities = capabilities_file()
        if capabilities is None or not capabilities.is_file():
            return
        base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
        where = cache_dir(base, capabilities)
        where.mkdir(parents=True, exist_ok=True, mode=0o700)
        target = where / f"{platform.python_version()}.capabilities.pickle"
        if not (
            target.is_file() and target.stat().st_size > 0 and target.stat().st_mtime >= capabilities.stat().st_mtime
        ):
            _write_pickle(capabilities, target)
    except (OSError, RuntimeError):  # no writable cache (or no home): python-escpos uses a temporary one
        return
    os.environ[ENV] = str(where)
