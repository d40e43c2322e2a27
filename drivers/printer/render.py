"""Ticket → the exact ESC/POS bytes the printer receives. Deterministic (golden-byte tested).

Text rule: a line whose characters are all ASCII or in GB2312 (what printers' built-in Chinese fonts reliably
hold) is sent as text, Chinese lines inside FS & … FS . as GB18030 bytes. A line with any other character
(rare name characters like 䶮 or 堃, accented Latin) is drawn with our fonts and sent as a GS v 0 raster
image, so it never prints as '?'. The QR is native GS ( k, or a raster image when native_qr is False.
"""
from __future__ import annotations

from drivers.printer import commands as cmd
from drivers.printer.fonts import LINE_GAP
from drivers.printer.layout import Feed, Line, Qr, paper_dots, ticket_lines
from drivers.printer.raster import place, qr_image, text_image, to_raster
from kiosk.domain.ticket import Ticket


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


def ticket_bytes(ticket: Ticket, paper_mm: int = 80, native_qr: bool = True, cut_feed: int = 96) -> bytes:
    return lines_bytes(ticket_lines(ticket, paper_mm), paper_mm, native_qr, cut_feed)


def lines_bytes(lines: list, paper_mm: int = 80, native_qr: bool = True, cut_feed: int = 96) -> bytes:
    dots = paper_dots(paper_mm)
    out = bytearray(cmd.initialise())
    state = {"align": "left", "size": 1, "bold": False}

    def setup(align: str, size: int, bold: bool) -> None:
        if state["align"] != align:
            out.extend(cmd.align(align))
        if state["size"] != size:
            out.extend(cmd.char_size(size, size))
        if state["bold"] != bold:
            out.extend(cmd.bold(bold))
        state.update(align=align, size=size, bold=bold)

    for item in lines:
        if isinstance(item, Feed):
            out.extend(cmd.feed_lines(item.lines))
        elif isinstance(item, Qr):
            setup("center", 1, False)
            if native_qr:
                out.extend(cmd.qr_native(item.data, item.module, "M"))
            else:
                out.extend(cmd.raster(*to_raster(place(qr_image(item.data, item.module), dots, "center"))))
            out.extend(cmd.line_feed())
        elif isinstance(item, Line):
            if all(natively_printable(c) for c in item.text):
                setup(item.align, item.size, item.bold)
                if item.text.isascii():
                    out.extend(item.text.encode("ascii"))
                else:
                    out.extend(cmd.chinese_on() + item.text.encode("gb18030") + cmd.chinese_off())
                out.extend(cmd.line_feed())
            else:
                # Alignment is drawn into the full-width image, not left to the firmware.
                setup("left", 1, False)
                img = text_image(item.text, dots, item.align, item.size, item.bold, smooth=True, gap=LINE_GAP)
                out.extend(cmd.raster(*to_raster(img)))
    setup("left", 1, False)
    out.extend(cmd.cut(partial=True, feed=cut_feed))
    return bytes(out)
