"""The arrows between packages (pyproject's [tool.importlinter], drawn in docs/architecture.md) hold."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_import_contracts_hold():
    lint = Path(sys.executable).with_name("lint-imports")
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    proc = subprocess.run(
        [str(lint), "--config", str(ROOT / "pyproject.toml"), "--no-cache"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-2000:]


def _contracts() -> list[dict]:
    import tomllib

    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["importlinter"]["contracts"]


def _doc_table() -> dict[str, tuple[list[str], list[str]]]:
    """docs/architecture.md's table of the import contracts: name → (modules, what they may not import)."""
    text = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    section = text.split("## The import contracts", 1)[1].split("\n## ", 1)[0]
    rows = {}
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 3 and cells[1].startswith("`"):
            rows[cells[0]] = (re.findall(r"`([\w.]+)`", cells[1]), re.findall(r"`([\w.]+)`", cells[2]))
    return rows


def test_the_documented_contracts_are_the_enforced_ones():
    documented = _doc_table()
    enforced = _contracts()
    assert set(documented) == {c["name"] for c in enforced}, "docs/architecture.md: the table of contracts"
    for contract in enforced:
        modules, forbidden = documented[contract["name"]]
        if contract["type"] == "layers":
            assert modules == contract["layers"], contract["name"]  # top to bottom, in order
        else:
            assert sorted(modules) == sorted(contract["source_modules"]), contract["name"]
            assert sorted(forbidden) == sorted(contract["forbidden_modules"]), contract["name"]


def test_the_drawing_stacks_the_layers_in_the_enforced_order():
    text = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    drawing = text.split("```", 2)[1]
    (layers,) = [c["layers"] for c in _contracts() if c["type"] == "layers"]
    drawn = [m for m in re.findall(r"\bkiosk\.\w+", drawing) if m in layers]
    assert list(dict.fromkeys(drawn)) == layers
