"""The display's spoken calls: "请 A001 号到 3 号窗口办理" then "Number A001, please go to window 3", assembled from
short segments (letters, digits, window numbers, the fixed phrases) that scripts/make_lobby_voice.py synthesises
with espeak-ng at set-up into heyuan_assets/voice/lobby/<lang>/<segment>.wav. An office's own recordings of the
same segment names (the server's `--lobby-voice DIR`) win over them."""

from __future__ import annotations

import re
from pathlib import Path

import heyuan_assets

SEGMENT = re.compile(r"^[a-z0-9_]{1,24}$")
LANGUAGES = ("zh", "en")
DIGITS = {
    "zh": ["零", "一", "二", "三", "四", "五", "六", "七", "八", "九"],
    "en": ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"],
}
_ZH_TENS = ["", "十", "二十", "三十", "四十", "五十", "六十", "七十", "八十", "九十"]
_EN_TEENS = "ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen".split()
_EN_TENS = ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
MAX_WINDOW = 30  # window numbers said as one word; a higher one is said digit by digit
PHRASES = {
    "zh": {"please": "请", "number_to": "号到", "window_serve": "号窗口办理"},
    "en": {"number": "Number", "please_window": "please go to window"},
}


def _zh_number(n: int) -> str:
    if n < 10:
        return DIGITS["zh"][n]
    return _ZH_TENS[n // 10] + (DIGITS["zh"][n % 10] if n % 10 else "")


def _en_number(n: int) -> str:
    if n < 10:
        return DIGITS["en"][n]
    if n < 20:
        return _EN_TEENS[n - 10]
    return _EN_TENS[n // 10] + (f"-{DIGITS['en'][n % 10]}" if n % 10 else "")


def texts() -> dict[str, dict[str, str]]:
    """Every segment's text per language: what set-up synthesises."""
    out: dict[str, dict[str, str]] = {}
    for lang in LANGUAGES:
        table = dict(PHRASES[lang])
        table.update({f"d{i}": DIGITS[lang][i] for i in range(10)})
        table.update({f"l_{c.lower()}": c for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZ"})
        say = _zh_number if lang == "zh" else _en_number
        table.update({f"w{n}": say(n) for n in range(1, MAX_WINDOW + 1)})
        out[lang] = table
    return out


def _spell(text: str) -> list[str]:
    out = []
    for c in text:
        if c.isdigit() and c.isascii():
            out.append(f"d{c}")
        elif c.isascii() and c.isalpha():
            out.append(f"l_{c.lower()}")
    return out


def _window(window: str) -> list[str]:
    if window.isdigit() and 1 <= int(window) <= MAX_WINDOW:
        return [f"w{int(window)}"]
    return _spell(window)


def segments(number: str, window: str) -> dict[str, list[str]]:
    """The segments of one call, Mandarin first: e.g. A001 at window 3."""
    spelled, at = _spell(number), _window(window)
    return {
        "zh": ["please", *spelled, "number_to", *at, "window_serve"],
        "en": ["number", *spelled, "please_window", *at],
    }


def shipped_dir() -> Path:
    return heyuan_assets.path("voice", "lobby")


def segment_file(lang: str, name: str, own_dir: Path | None = None) -> Path | None:
    """The office's own recording if there is one, else the synthesised segment, else None."""
    if lang not in LANGUAGES or not SEGMENT.match(name):
        return None
    for base in (own_dir, shipped_dir()):
        if base is not None and (base / lang / f"{name}.wav").is_file():
            return base / lang / f"{name}.wav"
    return None
