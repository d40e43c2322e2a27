"""The kiosk's CJK fonts (assets/fonts) and glyph cells drawn the way a thermal printer lays them out.

Font A on ESC/POS printers is 12×24 dots for ASCII and 24×24 for double-byte (Chinese-mode) characters; the
simulator and the raster fallback both draw in those cells so columns line up with the printer's own text.
Pillow has no per-character font fallback, so each character picks the main subset or the rare-character
fallback face by cmap.
"""

from __future__ import annotations

import threading
from functools import lru_cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

import heyuan_assets as assets

FONT_DIR = assets.path("fonts")
REGULAR = FONT_DIR / "NotoSansSC-Kiosk.otf"
BOLD = FONT_DIR / "NotoSansSC-Kiosk-Bold.otf"
FALLBACK = FONT_DIR / "NotoSansSC-Fallback.otf"
CELL_H = 24  # dots; font A
HALF_W = 12  # ASCII cell width
LINE_GAP = 6  # default line spacing: 30 dots = the 24-dot cell + 6
_DRAW = threading.Lock()  # one FreeType face is shared by the kiosk's worker and the simulator's thread


def cell_width(ch: str) -> int:
    """Printer columns are 12 dots; anything beyond ASCII prints double-width (Chinese mode or raster)."""
    return HALF_W if ord(ch) < 0x80 else 2 * HALF_W


@lru_cache(maxsize=None)
def coverage(path: Path) -> frozenset[int]:
    return assets.font_coverage(path)


@lru_cache(maxsize=None)
def pil_font(path: Path, px: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(path), px)


def warm_up() -> None:
    """Read the fonts' character maps and open their faces before the first ticket needs them (~0.3 s);
    the kiosk calls this from a worker at start, so the first applicant does not wait for it."""
    for path in (REGULAR, BOLD, FALLBACK):
        coverage(path)
        pil_font(path, CELL_H)


def font_for(ch: str, bold: bool = False) -> Path:
    main = BOLD if bold else REGULAR
    if ord(ch) in coverage(main) or ord(ch) not in coverage(FALLBACK):
        return main
    return FALLBACK


@lru_cache(maxsize=8192)
def glyph_cell(ch: str, bold: bool = False, scale: int = 1, smooth: bool = False) -> Image.Image:
    """A mode 'L' image (0 = ink) of one character cell, `scale` times font A's size.

    smooth=False enlarges the 1× cell by pixel replication, like a printer's character size (GS !);
    smooth=True draws at full size (our own raster lines).
    """
    if scale > 1 and not smooth:
        base = glyph_cell(ch, bold, 1, False)
        return base.resize((base.width * scale, base.height * scale), Image.Resampling.NEAREST)
    w, h = cell_width(ch) * scale, CELL_H * scale
    px = round(22 * scale)
    with _DRAW:
        font = pil_font(font_for(ch, bold), px)
        right = int(font.getbbox(ch)[2])  # whole pixels
        adv = max(int(font.getlength(ch)), right, 1)
        canvas = Image.new("L", (max(adv, w), h), 255)
        # Baseline about 84% down the cell, where CJK printer fonts sit.
        ImageDraw.Draw(canvas).text(((canvas.width - adv) // 2, round(h * 0.84)), ch, font=font, fill=0, anchor="ls")
    if canvas.width > w:  # wide Latin glyphs are condensed into the 12-dot cell
        canvas = canvas.resize((w, h), Image.Resampling.LANCZOS)
    return canvas.point(lambda v: 0 if v < 128 else 255)
