"""The shipped CJK fonts for Kivy: Noto Sans SC subset as the default face, and a fallback for rare name
characters (Kivy does no per-character fallback, so names are marked up with [font=…] runs)."""

from __future__ import annotations

import threading
import heyuan_assets as assets

FONT_DIR = assets.path("fonts")
REGULAR = FONT_DIR / "NotoSansSC-Kiosk.otf"
BOLD = FONT_DIR / "NotoSansSC-Kiosk-Bold.otf"
FALLBACK = FONT_DIR / "NotoSansSC-Fallback.otf"
_cmap: frozenset[int] | None = None
_lock = threading.Lock()


def register_default() -> None:
    from kivy.core.text import DEFAULT_FONT, LabelBase

    LabelBase.register(DEFAULT_FONT, str(REGULAR), fn_bold=str(BOLD))


def covered() -> frozenset[int]:
    """Code points the regular face has (loaded once from the shipped .cmap sidecar)."""
    global _cmap
    with _lock:
        if _cmap is None:
            _cmap = assets.font_coverage(REGULAR)
        return _cmap


def markup(text: str) -> str:
    """Escape text for a markup label and wrap characters the regular face lacks in the fallback font."""
    from kivy.utils import escape_markup

    have = covered()
    out = []
    for ch in text:
        if ord(ch) in have or ch.isspace():
            out.append(escape_markup(ch))
        else:
            out.append(f"[font={FALLBACK}]{escape_markup(ch)}[/font]")
    return "".join(out)
