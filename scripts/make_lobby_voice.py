#!/usr/bin/env python3
"""Synthesise the waiting-room display's voice segments offline with espeak-ng (as scripts/make_voice.py does for
the kiosk's prompts) into assets/voice/lobby/<lang>/<segment>.wav: the fixed phrases, letters, digits and window
numbers that office/lobby/voice.py strings together into "请 A001 号到 3 号窗口办理" / "Number A001, please go to
window 3". A manifest makes a re-run redo only what changed. An office's own recordings (the server's
`--lobby-voice DIR`, same names) win over these. Called by scripts/setup.sh; no network.

Usage: python scripts/make_lobby_voice.py [--out DIR]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "scripts"))

from make_voice import AMPLITUDE, PAUSE, RATE, SPEED_WPM, VOICES, speak  # noqa: E402
from office.lobby.voice import texts  # noqa: E402


def _recipe(lang: str, text: str) -> str:
    made_from = json.dumps(["trim", VOICES[lang], SPEED_WPM[lang], AMPLITUDE, PAUSE[lang], RATE, text])
    return hashlib.sha256(made_from.encode()).hexdigest()


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--out", default=str(REPO / "assets" / "voice" / "lobby"))
    out = Path(p.parse_args(argv).out)
    manifest_path = out / "manifest.json"
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        manifest = {}
    wanted = {f"{lang}/{name}": (lang, text) for lang, table in texts().items() for name, text in table.items()}
    stale = [
        k
        for k, (lang, text) in wanted.items()
        if manifest.get(k) != _recipe(lang, text) or not (out / f"{k}.wav").is_file()
    ]
    if not stale:
        print(f"make_lobby_voice: {len(wanted)} segments up to date in {out}")
        return 0
    espeak = shutil.which("espeak-ng")
    if espeak is None:
        print("make_lobby_voice: espeak-ng is not installed (scripts/setup.sh installs it)", file=sys.stderr)
        return 1
    for key in stale:
        lang, text = wanted[key]
        speak(lang, text, out / f"{key}.wav", espeak, trim=True)
        manifest[key] = _recipe(lang, text)
    manifest = {k: v for k, v in sorted(manifest.items()) if k in wanted}
    manifest_path.write_text(json.dumps(manifest, indent=1) + "\n", encoding="utf-8")
    print(f"make_lobby_voice: synthesised {len(stale)} segment(s) into {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
