#!/usr/bin/env python3
"""Regenerate assets/sounds/: the kiosk's short audible cues, synthesised here (no recordings, no licence to
carry). Soft sine notes with a short attack and a long decay, so nothing clicks or startles:

  read.wav       a card or booking code was read: two rising notes (E5 → A5)
  ticket.wav     the ticket is printed: a rising arpeggio (C5 E5 G5 C6)
  attention.wav  please look at the screen (idle warning, printer problem, device fault): two falling notes
  call.wav       a call for staff could not be sent (offline): a three-note chime for whoever is near

Usage: python scripts/make_sounds.py [--out assets/sounds]   (standard library only)
"""

from __future__ import annotations

import argparse
import math
import struct
import wave
from pathlib import Path

RATE = 22050
NOTES = {"C5": 523.25, "E5": 659.25, "G5": 783.99, "A5": 880.0, "C6": 1046.5, "A4": 440.0, "E4": 329.63}
CUES = {
    "read": [("E5", 0.11), ("A5", 0.2)],
    "ticket": [("C5", 0.1), ("E5", 0.1), ("G5", 0.1), ("C6", 0.35)],
    "attention": [("A4", 0.22), ("E4", 0.35)],
    "call": [("C6", 0.16), ("G5", 0.16), ("C6", 0.16), ("G5", 0.4)],
}


def note(freq: float, seconds: float, level: float = 0.45) -> list[float]:
    n = int(RATE * seconds)
    attack = int(RATE * 0.008)
    out = []
    for i in range(n):
        envelope = min(1.0, i / attack) * math.exp(-3.0 * i / n)
        # the octave above, quietly: a warmer tone than a bare sine on small kiosk speakers
        out.append(
            level
            * envelope
            * (math.sin(2 * math.pi * freq * i / RATE) + 0.25 * math.sin(4 * math.pi * freq * i / RATE))
            / 1.25
        )
    return out


def write(path: Path, samples: list[float]) -> None:
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(RATE)
        w.writeframes(b"".join(struct.pack("<h", int(32767 * max(-1.0, min(1.0, s)))) for s in samples))


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--out", default=str(Path(__file__).resolve().parents[1] / "assets" / "sounds"))
    out = Path(p.parse_args().out)
    out.mkdir(parents=True, exist_ok=True)
    for name, notes in CUES.items():
        samples = [s for pitch, seconds in notes for s in note(NOTES[pitch], seconds)]
        write(out / f"{name}.wav", samples + [0.0] * int(RATE * 0.05))
        print(out / f"{name}.wav")


if __name__ == "__main__":
    main()
