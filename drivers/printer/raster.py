"""Bitmaps for the printer: text lines drawn with our fonts, QR codes, and GS v 0 bit packing (both ways)."""
from __future__ import annotations

from PIL import Image

from drivers.printer.fonts import CELL_H, cell_width, glyph_cell

_INVERT = bytes(255 - i for i in range(256))


def text_image(text: str, paper_dots: int, align: str = "left", scale: int = 1, bold: bool = False,
               smooth: bool = True, gap: int = 0) -> Image.Image:
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


def qr_image(data: str, module: int, ec: str = "M", border: int = 0) -> Image.Image:
    """A real QR code (model 2, byte mode) as mode 'L', `module` dots per module."""
    import qrcode
    from qrcode.constants import ERROR_CORRECT_H, ERROR_CORRECT_L, ERROR_CORRECT_M, ERROR_CORRECT_Q

    levels = {"L": ERROR_CORRECT_L, "M": ERROR_CORRECT_M, "Q": ERROR_CORRECT_Q, "H": ERROR_CORRECT_H}
    qr = qrcode.QRCode(error_correction=levels[ec], box_size=1, border=border)
    qr.add_data(data.encode("utf-8"))
    qr.make(fit=True)
    matrix = qr.get_matrix()
    n = len(matrix)
    img = Image.new("L", (n, n), 255)
    img.putdata([0 if cell else 255 for row in matrix for cell in row])
    return img.resize((n * module, n * module), Image.NEAREST)


def place(img: Image.Image, paper_dots: int, align: str = "center") -> Image.Image:
    """Put an image on a full-width strip (alignment drawn into the bitmap, not left to firmware)."""
    strip = Image.new("L", (paper_dots, img.height), 255)
    x = {"left": 0, "center": (paper_dots - img.width) // 2, "right": paper_dots - img.width}[align]
    strip.paste(img, (max(0, x), 0))
    return strip


def to_raster(img: Image.Image) -> tuple[bytes, int, int]:
    """Mode 'L'/'1' image → (bits with 1 = black, width in bytes, height) for GS v 0."""
    width_bytes = (img.width + 7) // 8
    if img.width % 8:
        padded = Image.new("L", (width_bytes * 8, img.height), 255)
        padded.paste(img, (0, 0))
        img = padded
    bits = img.convert("L").point(lambda v: 0 if v < 128 else 255).convert("1").tobytes()
    return bits.translate(_INVERT), width_bytes, img.height


def from_raster(bits: bytes, width_bytes: int, height: int) -> Image.Image:
    """GS v 0 data → mode 'L' image (0 = ink)."""
    return Image.frombytes("1", (width_bytes * 8, height), bytes(bits).translate(_INVERT)).convert("L")
