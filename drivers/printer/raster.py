"""Bitmaps for the printer: text lines drawn with our fonts, QR codes, and GS v 0 data read back (simulator)."""

from __future__ import annotations

from functools import lru_cache

from PIL import Image

from drivers.printer.fonts import CELL_H, cell_width, glyph_cell

_INVERT = bytes(255 - i for i in range(256))


def text_image(
    text: str,
    paper_dots: int,
    align: str = "left",
    scale: int = 1,
    bold: bool = False,
    smooth: bool = True,
    gap: int = 0,
) -> Image.Image:
    """One printed line of text as a mode 'L' image paper_dots wide (0 = ink), `gap` white rows below;
    too-long text is clipped."""
    width = sum(cell_width(c) for c in text) * scale
    img = Image.new("L", (paper_dots, CELL_H * scale + gap), 255)
    x = {"left": 0, "center": (paper_dots - width) // 2, "right": paper_dots - width}[align]
    x = max(0, x)
    for ch in text:
        cell = glyph_cell(ch, bold, scale, smooth)
        if x >= paper_dots:
            break
        img.paste(cell, (x, 0))
        x += cell.width
    return img


QUIET_ZONE = 4  # modules of white around a QR symbol (ISO/IEC 18004's minimum)
_EC = {"L": 1, "M": 0, "Q": 3, "H": 2}  # qrcode's ERROR_CORRECT_* values


def qr_image(data: str, module: int, ec: str = "M", border: int = 0, max_width: int | None = None) -> Image.Image:
    """A real QR code (model 2, the smallest version for the data) as mode 'L', `module` dots per module, with
    `border` modules of white around it; the module shrinks (to 1 at least) to keep it within max_width."""
    import qrcode

    qr = qrcode.QRCode(error_correction=_EC[ec], box_size=1, border=border)
    qr.add_data(data.encode("utf-8"))
    qr.make(fit=True)
    matrix = qr.get_matrix()
    n = len(matrix)
    if max_width is not None:
        module = max(1, min(module, max_width // n))
    img = Image.new("L", (n, n), 255)
    img.putdata([0 if cell else 255 for row in matrix for cell in row])
    return img.resize((n * module, n * module), Image.Resampling.NEAREST)


@lru_cache(maxsize=512)
def qr_side_modules(n_bytes: int, ec: str = "M") -> int:
    """Modules per side of the QR symbol that holds n_bytes in byte mode (what a printer may choose)."""
    from qrcode.main import QRCode
    from qrcode.util import MODE_8BIT_BYTE, QRData

    qr = QRCode(error_correction=_EC[ec])
    qr.add_data(QRData(b"\xff" * n_bytes, mode=MODE_8BIT_BYTE))
    return qr.best_fit() * 4 + 17


def place(img: Image.Image, paper_dots: int, align: str = "center") -> Image.Image:
    """Put an image on a full-width strip (alignment drawn into the bitmap, not left to firmware)."""
    strip = Image.new("L", (paper_dots, img.height), 255)
    x = {"left": 0, "center": (paper_dots - img.width) // 2, "right": paper_dots - img.width}[align]
    strip.paste(img, (max(0, x), 0))
    return strip


_THRESHOLD = [0] * 128 + [255] * 128


def bilevel(img: Image.Image) -> Image.Image:
    """Mode 'L' → mode '1' at a 50 % threshold (no dithering: glyph edges stay crisp)."""
    return img.point(_THRESHOLD, "1")


def from_raster(bits: bytes, width_bytes: int, height: int) -> Image.Image:
    """GS v 0 data → mode 'L' image (0 = ink)."""
    return Image.frombytes("1", (width_bytes * 8, height), bytes(bits).translate(_INVERT)).convert("L")
