"""requirements.lock (what release bundles install) agrees with pyproject.toml's pins: every runtime dependency is
locked at its pinned version with a hash, so a terminal gets exactly what CI tested."""

import re
import tomllib
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def test_every_pin_is_locked_with_its_version_and_a_hash():
    lines = [l for l in (REPO / "requirements.lock").read_text().splitlines() if l and not l.startswith("#")]
    locked = {}
    for line in lines:
        m = re.fullmatch(r"([A-Za-z0-9_.-]+)==(\S+) --hash=sha256:([0-9a-f]{64})", line)
        assert m, f"not a pinned, hashed line: {line}"
        locked[norm(m[1])] = m[2]
    pins = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["dependencies"]
    for pin in pins:
        name, version = pin.split("==")
        assert locked.get(norm(name)) == version, f"{pin}: locked {locked.get(norm(name))}"
    assert len(locked) > len(pins)  # the indirect dependencies are locked too
