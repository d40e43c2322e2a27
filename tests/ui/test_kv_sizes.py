"""A screen sizes its KButton/KLabel texts with `font_px`, never a second `font_size` rule: the class rule sets
font_size from app.fs_* too, and of two rules on one property the last to fire wins — 大字模式 made 点击开始
smaller than normal that way (kiosk/ui/widgets.py, Sized)."""

import re
from pathlib import Path

KV = Path(__file__).resolve().parents[2] / "kiosk" / "ui" / "kv"
SIZED = {"KButton", "KLabel", "KeyButton", "ReportPreset"}
WIDGET = re.compile(r"^<?([A-Za-z_][\w@+]*)>?:\s*$")


def test_no_kv_rule_sets_font_size_on_a_sized_widget():
    found = []
    for path in sorted(KV.glob("*.kv")):
        stack: list[tuple[int, list[str]]] = []
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            body = line.strip()
            if not body or body.startswith("#"):
                continue
            indent = len(line) - len(line.lstrip())
            while stack and stack[-1][0] >= indent:
                stack.pop()
            m = WIDGET.match(body)
            if m and (body.startswith("<") or body[0].isupper()):
                stack.append((indent, re.split(r"[@+]", m.group(1))))
            elif body.startswith("font_size:") and stack:
                names = stack[-1][1]
                class_rule = body.startswith("font_size:") and "self.font_px" in body
                if any(n in SIZED for n in names) and not class_rule:
                    found.append(f"{path.name}:{number}: {body}")
    assert not found, "use font_px instead:\n" + "\n".join(found)
