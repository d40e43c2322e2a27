"""Ticket → the exact ESC/POS bytes the printer receives, composed with python-escpos (escpos_job.py).
Deterministic (golden-byte tested).

Text rule: a line whose characters are all ASCII or in GB2312 (what printers' built-in Chinese fonts reliably
hold) is sent as text, Chinese lines inside FS & … FS . as GB18030 bytes. A line with any other character
(rare name characters like 䶮 or 堃, accented Latin) is drawn with our fonts and sent as a GS v 0 raster
image, so it never prints as '?'. The QR is native GS ( k, or a raster image when native_qr is False; either
way it gets a quiet zone of 4 modules on every side (the QR standard's minimum): blank feeds above and below
a native symbol (printers print none of their own), white border inside a raster one, and a module size
small enough for the symbol and its quiet zone to fit the paper's width.
"""

from __future__ import annotations

from functools import lru_cache
from math import ceil

from drivers.printer.fonts import LINE_GAP
from drivers.printer.layout import Feed, Line, Qr, ticket_lines
from drivers.printer.raster import QUIET_ZONE, bilevel, qr_image, qr_side_modules, text_image
from kiosk.domain.ticket import Ticket

LINE_DOTS = 30  # one line feed at the default line spacing (24-dot cell + 6); Epson's 1/6 inch is more
RASTER_BAND_ROWS = 255  # GS v 0 bands: many firmwares cap yH:yL, so tall images go in bands
CUT_FEED_LINES = 3  # blank lines between the last line and the cut


@lru_cache(maxsize=8192)
def natively_printable(ch: str) -> bool:
    o = ord(ch)
    if 0x20 <= o < 0x7F:
        return True
    if o < 0x80:
        return False
    try:
        b = ch.encode("gb18030")
    except UnicodeEncodeError:
        return False
    if len(b) != 2 or not (0xA1 <= b[0] <= 0xF7 and 0xA1 <= b[1] <= 0xFE):
        return False
    try:
        b.decode("gb2312")
        return True
    except UnicodeDecodeError:
        return False


def ticket_bytes(ticket: Ticket, paper_mm: int = 80, native_qr: bool = True) -> bytes:
    return lines_bytes(ticket_lines(ticket, paper_mm), paper_mm, native_qr)


def lines_bytes(lines: list, paper_mm: int = 80, native_qr: bool = True) -> bytes:
    from escpos.constants import QR_ECLEVEL_M

    from drivers.printer.escpos_job import EscposJob

    job = EscposJob(paper_mm)
    dots = job.paper_dots
    job.hw("INIT")
    state = {"align": "left", "size": 1, "bold": False}

    def setup(align: str, size: int, bold: bool) -> None:
        if state["size"] != size:
            job.set(custom_size=True, width=size, height=size)
        if state["bold"] != bold:
            job.set(bold=bold)
        if state["align"] != align:
            job.set(align=align)
        state.update(align=align, size=size, bold=bold)

    def raster(img, center: bool = False) -> None:
        img = bilevel(img)
        for top in range(0, img.height, RASTER_BAND_ROWS):  # python-escpos's own split loses `center`
            band = img.crop((0, top, img.width, min(img.height, top + RASTER_BAND_ROWS)))
            job.image(band, impl="bitImageRaster", fragment_height=RASTER_BAND_ROWS, center=center)

    for item in lines:
        if isinstance(item, Feed):
            job.print_and_feed(item.lines)
        elif isinstance(item, Qr):
            setup("center", 1, False)
            if native_qr:
                module = qr_module(item.data, item.module, dots)
                quiet = ceil(QUIET_ZONE * module / LINE_DOTS)
                job.print_and_feed(quiet)
                job.qr(item.data, ec=QR_ECLEVEL_M, size=module, native=True)
                job.print_and_feed(quiet)
            else:
                raster(qr_image(item.data, item.module, "M", border=QUIET_ZONE, max_width=dots), center=True)
        elif isinstance(item, Line):
            if all(natively_printable(c) for c in item.text):
                setup(item.align, item.size, item.bold)
                if item.text.isascii():
                    job.textln(item.text)
                else:
                    job.chinese_line(item.text)
            else:
                # Alignment is drawn into the full-width image, not left to the firmware.
                setup("left", 1, False)
                raster(text_image(item.text, dots, item.align, item.size, item.bold, smooth=True, gap=LINE_GAP))
    setup("left", 1, False)
    job.print_and_feed(CUT_FEED_LINES)
    job.cut(mode="PART", feed=False)
    return job.output


def qr_module(data: str, module: int, paper_dots: int) -> int:
    """The module size (dots) for a native QR: as asked, or smaller so the symbol — at the size a printer
    encoding the UTF-8 bytes in byte mode needs, the largest it can choose — and 4 modules of quiet zone on
    each side fit the paper."""
    side = qr_side_modules(len(data.encode("utf-8")), "M") + 2 * QUIET_ZONE
    return max(1, min(module, 16, paper_dots // side))
