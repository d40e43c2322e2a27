"""The shipped CJK fonts for Kivy: Noto Sans SC subset as the default face, and a fallback for rare name
characters (Kivy does no per-character fallback, so names are marked up with [font=…] runs)."""

from __future__ import annotations

import threading
import heyuan_assets as assets

from kiosk.ui import label_textures

FONT_DIR = assets.path("fonts")
REGULAR = FONT_DIR / "NotoSansSC-Kiosk.otf"
BOLD = FONT_DIR / "NotoSansSC-Kiosk-Bold.otf"
FALLBACK = FONT_DIR / "NotoSansSC-Fallback.otf"
_cmap: frozenset[int] | None = None
_lock = threading.Lock()


def register_default() -> None:
    from kivy.core.text import DEFAULT_FONT, LabelBase

    LabelBase.register(DEFAULT_FONT, str(REGULAR), fn_bold=str(BOLD))
    one_face_per_pixel_size()
    label_textures.install()


def one_face_per_pixel_size() -> None:
    """Kivy's SDL2 text provider keeps up to 64 fonts open, keyed by the size as written (a float), but opens
    each at int(size). The screens' sizes are fractions of the layout unit (fs_body * 0.85, 26 * u …), so 17.0,
    17.3 and 17.85 opened three copies of the same 17-pixel face, ≈ 0.5 MB of FreeType and HarfBuzz tables each
    for these CJK fonts; all screens in both text sizes asked for 74 written sizes (59 pixel sizes), so past 64
    faces were closed and parsed again as screens alternated (bench/README.md, "The UI soak's memory"). Keyed by
    the pixel size the face is opened at, text is drawn exactly as before."""
    from kivy.core.text import Label as CoreLabel

    if CoreLabel.__name__ != "LabelSDL2":  # another provider keys its fonts its own way
        return

    def _get_font_id(self) -> str:
        o = self.options
        keys = ("font_name_r", "bold", "italic", "underline", "strikethrough")
        return "|".join([str(int(o["font_size"]))] + [str(o[k]) for k in keys])

    CoreLabel._get_font_id = _get_font_id


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
