#!/usr/bin/env python3
"""Synthesise the spoken prompts offline with espeak-ng (Debian package `espeak-ng`; Mandarin voice `cmn`,
English `en`) into the cache the kiosk ships: assets/voice/<lang>/<key>.wav, 16-bit PCM mono.

espeak-ng speaks at 22,050 Hz; the files are resampled to 44,100 Hz, the rate the kiosk's mixer plays at, so
loading one costs the UI a few milliseconds instead of tens (the mixer's own resampling holds the GIL).
The texts are the catalogs' `voice_<key>` entries; a manifest of what each file was made from (voice, speed,
text) makes a re-run only redo what changed. Called by scripts/setup.sh; no network.
An office's own recordings go into `voice.dir` (kiosk config) instead and win over these.

Usage: python scripts/make_voice.py [--out DIR] [--check]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from kiosk.i18n import catalog  # noqa: E402
from kiosk.ui.voice import LANGUAGES, PROMPTS, VOICE_CACHE, msgid  # noqa: E402

VOICES = {"zh": "cmn", "en": "en"}
SPEED_WPM = {"zh": 165, "en": 145}  # a little slower than espeak's 175: many applicants are elderly
AMPLITUDE = 100  # espeak-ng's 0–200; louder clips
PAUSE = {"zh": 1, "en": 3}  # extra pause between words, in 10 ms units (-g)
RATE = 44100


def recipe(lang: str, key: str) -> str:
    text = catalog(lang)[msgid(key)]
    made_from = json.dumps([VOICES[lang], SPEED_WPM[lang], AMPLITUDE, PAUSE[lang], RATE, text], ensure_ascii=False)
    return hashlib.sha256(made_from.encode()).hexdigest()


def synthesise(lang: str, key: str, target: Path, espeak: str) -> None:
    speak(lang, catalog(lang)[msgid(key)], target, espeak)


def speak(lang: str, text: str, target: Path, espeak: str, trim: bool = False) -> None:
    """`text` in `lang` into the WAV `target` (atomically); `trim`: without the silence around it (segments)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(suffix=".wav", dir=target.parent, delete=False) as tmp:
        partial = Path(tmp.name)
    try:
        subprocess.run(
            [
                espeak,
                "-v",
                VOICES[lang],
                "-s",
                str(SPEED_WPM[lang]),
                "-a",
                str(AMPLITUDE),
                "-g",
                str(PAUSE[lang]),
                "-w",
                str(partial),
                "--",
                text,
            ],
            check=True,
            capture_output=True,
            timeout=60,
        )
        resample(partial, RATE, trim)
        partial.chmod(0o644)
        partial.replace(target)  # a half-written file is never in the cache
    finally:
        partial.unlink(missing_ok=True)


def resample(path: Path, rate: int, trim: bool = False) -> None:
    """Rewrite a mono 16-bit WAV at `rate` (linear interpolation: espeak-ng's voice has little above 5 kHz);
    `trim`: cut the silence before and after the speech, keeping 40 ms."""
    import wave

    import numpy as np

    with wave.open(str(path)) as w:
        if w.getnchannels() != 1 or w.getsampwidth() != 2:
            raise ValueError(f"{path}: expected mono 16-bit PCM from espeak-ng")
        source_rate = w.getframerate()
        samples = np.frombuffer(w.readframes(w.getnframes()), dtype="<i2").astype(np.float64)
    if trim and len(samples):
        loud = np.flatnonzero(np.abs(samples) > 300)
        if len(loud):
            keep = int(source_rate * 0.04)
            samples = samples[max(0, loud[0] - keep) : loud[-1] + keep]
    if source_rate != rate and len(samples):
        t = np.arange(round(len(samples) * rate / source_rate)) * (source_rate / rate)
        samples = np.interp(t, np.arange(len(samples)), samples)
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(np.clip(np.rint(samples), -32768, 32767).astype("<i2").tobytes())


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--out", default=str(VOICE_CACHE), help="cache directory (default assets/voice)")
    p.add_argument("--check", action="store_true", help="only report stale or missing files (exit 1 if any)")
    args = p.parse_args(argv)
    out = Path(args.out)
    manifest_path = out / "manifest.json"
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        manifest = {}
    stale = [
        (lang, key)
        for lang in LANGUAGES
        for key in PROMPTS
        if manifest.get(f"{lang}/{key}") != recipe(lang, key) or not (out / lang / f"{key}.wav").is_file()
    ]
    if args.check:
        for lang, key in stale:
            print(f"stale: {lang}/{key}")
        return 1 if stale else 0
    if not stale:
        print(f"make_voice: {len(LANGUAGES) * len(PROMPTS)} prompts up to date in {out}")
        return 0
    espeak = shutil.which("espeak-ng")
    if espeak is None:
        print("make_voice: espeak-ng is not installed (scripts/setup.sh installs it)", file=sys.stderr)
        return 1
    for lang, key in stale:
        synthesise(lang, key, out / lang / f"{key}.wav", espeak)
        manifest[f"{lang}/{key}"] = recipe(lang, key)
    known = {f"{lang}/{key}" for lang in LANGUAGES for key in PROMPTS}
    manifest = {k: v for k, v in sorted(manifest.items()) if k in known}
    manifest_path.write_text(json.dumps(manifest, indent=1) + "\n", encoding="utf-8")
    print(f"make_voice: synthesised {len(stale)} prompt(s) into {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
