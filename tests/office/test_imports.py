"""The office server shares only the pure rules and the face matching with the kiosk: `office` imports nothing of
`kiosk` but `kiosk.domain` and `kiosk.facematch`, and no test rig lives in the server package."""

import ast
from pathlib import Path

OFFICE = Path(__file__).resolve().parents[2] / "office"


def _imports(path: Path):
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            yield from (a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            yield node.module


def test_office_imports_only_the_kiosk_domain_and_face_matching():
    wrong = {
        f"{p.name}: {m}"
        for p in OFFICE.glob("*.py")
        for m in _imports(p)
        if (m == "kiosk" or m.startswith("kiosk.")) and not m.startswith(("kiosk.domain", "kiosk.facematch"))
    }
    assert not wrong, sorted(wrong)


def test_no_test_rigs_in_the_server_package():
    assert not {"testing.py", "faultproxy.py"} & {p.name for p in OFFICE.glob("*.py")}
    assert not any(m.startswith(("bench", "tests")) for p in OFFICE.glob("*.py") for m in _imports(p))
