"""After a session: does the applicant's name or ID number remain anywhere (`kiosk-diag journey privacy
--privacy-check CARD.json`)? Widget properties and gc-reachable strings, then the kiosk's files."""

from __future__ import annotations

import gc
import json
import sys
from pathlib import Path

from kiosk.app.bundled import OFFICE_DEMO_PREFIX


def personal_strings_left(needles: list[str], app) -> list[str]:
    """Where any of `needles` still appears after a session: widget properties, then every str referenced by a
    gc-tracked object. Returns descriptions of the holders (never the strings themselves)."""
    gc.collect()
    hits = []
    trees = [app.root] + list(app.sm.screens)  # screens not shown are outside the window's tree
    for widget in (w for tree in trees for w in tree.walk(restrict=True)):
        for name in widget.properties():
            value = getattr(widget, name, None)
            if isinstance(value, str) and any(n in value for n in needles):
                hits.append(f"{type(widget).__name__}.{name}")
    here = sys._getframe()
    for obj in gc.get_objects():
        if obj is needles or obj is here:
            continue
        for ref in gc.get_referents(obj):
            if isinstance(ref, str) and any(ref is not n and n in ref for n in needles):
                holders = [
                    type(r).__name__
                    + (
                        ""
                        if not isinstance(r, dict)
                        else ":"
                        + ",".join(sorted(type(rr).__name__ for rr in gc.get_referrers(r) if rr is not here)[:5])
                    )
                    for r in gc.get_referrers(obj)
                    if r is not here
                ]
                hits.append(f"{type(obj).__name__} held by {holders[:6]}")
    return hits


def personal_files_left(needles: list[str], state_dir: Path) -> list[str]:
    """Files under the kiosk's state dir (journal, Kivy home, tickets…) holding a needle in clear, in UTF-8,
    UTF-16 (the card's own encoding) or GB18030 (the printer's). The demo's bundled office server keeps its
    database there too: it stands for the office's own system, which records who was served (the counter shows
    the parties of a walk-in ticket), so it is not the kiosk's disk and is left out."""
    patterns = [n.encode(enc) for n in needles for enc in ("utf-8", "utf-16-le", "gb18030")]
    hits = []
    for f in state_dir.rglob("*"):
        if f.is_file() and not f.relative_to(state_dir).parts[0].startswith(OFFICE_DEMO_PREFIX):
            data = f.read_bytes()
            if any(p in data for p in patterns):
                hits.append(str(f.relative_to(state_dir)))
    return hits


def card_needles(files) -> list[str]:
    """The names and ID numbers of these card fixture files."""
    needles = []
    for f in files:
        data = json.loads(Path(f).read_text(encoding="utf-8"))
        needles += [data["name"], data["id_number"]]
    return needles
