"""The simulator's paper: printed rows accumulate until a cut; a cut receipt renders to a PNG.

Text is drawn in font A cells (12×24 ASCII, 24×24 Chinese) and enlarged by pixel replication for GS !, as a
thermal printer does; QR codes are real (the qrcode package); raster images are drawn as sent.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from PIL import Image

from drivers.printer.fonts import CELL_H, LINE_GAP, glyph_cell
from drivers.printer.raster import from_raster, place, qr_image

MARGIN = 32  # 80 mm paper is 640 dots wide with 576 printable


@dataclass
class Receipt:
    paper_dots: int
    rows: list = field(default_factory=list)  # images (mode 'L') top to bottom
    text_lines: list = field(default_factory=list)  # the decoded text of each printed text line
    qr_data: list = field(default_factory=list)
    rasters: int = 0
    complete: bool = False
    png: str = ""

    @property
    def empty(self) -> bool:
        return not self.rows

    def text(self) -> str:
        return "\n".join(self.text_lines)

    def add_text_line(self, runs: list[tuple[str, int, int, bool]], align: str) -> None:
        """runs: (character, width ×, height ×, bold)."""
        self.text_lines.append("".join(r[0] for r in runs))
        height = max([CELL_H * h for _, _, h, _ in runs] or [CELL_H])
        cells = []
        for ch, w, h, bold in runs:
            cell = glyph_cell(ch, bold)
            if (w, h) != (1, 1):
                cell = cell.resize((cell.width * w, cell.height * h), Image.Resampling.NEAREST)
            cells.append(cell)
        width = sum(c.width for c in cells)
        line = Image.new("L", (max(width, 1), height + LINE_GAP), 255)
        x = 0
        for cell in cells:
            line.paste(cell, (x, height - cell.height))  # characters share the baseline
            x += cell.width
        self.rows.append(
            place(line.crop((0, 0, min(width, self.paper_dots) or 1, line.height)), self.paper_dots, align)
        )

    def add_feed(self, dots: int) -> None:
        if dots > 0:
            self.rows.append(Image.new("L", (self.paper_dots, dots), 255))

    def add_qr(self, data: str, module: int, ec: str, align: str) -> None:
        self.qr_data.append(data)
        self.rows.append(place(qr_image(data, module, ec), self.paper_dots, align))
        self.add_feed(LINE_GAP)

    def add_raster(self, width_bytes: int, height: int, bits: bytes, align: str) -> None:
        self.rasters += 1
        img = from_raster(bits, width_bytes, height)
        self.rows.append(place(img.crop((0, 0, min(img.width, self.paper_dots), img.height)), self.paper_dots, align))

    def image(self) -> Image.Image:
        height = sum(r.height for r in self.rows) + 2 * MARGIN
        page = Image.new("L", (self.paper_dots + 2 * MARGIN, height), 255)
        y = MARGIN
        for row in self.rows:
            page.paste(row, (MARGIN, y))
            y += row.height
        return page

    def save(self, path: Path | str) -> str:
        self.image().save(str(path), optimize=True)
        self.png = str(path)
        return self.png
