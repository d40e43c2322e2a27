"""The ticket's QR code has 4 modules of white on every side (ISO/IEC 18004), native or raster, 58 or 80 mm.

Measured on the paper the simulator prints (a native symbol printed with no quiet zone of its own, as printers
do), the symbol found and decoded by OpenCV, not by our own code.
"""

import cv2
import numpy as np
import pytest

from drivers.printer.layout import Qr, Line
from drivers.printer.receipt import MARGIN
from drivers.printer.render import lines_bytes, ticket_bytes
from drivers.printer.sim_core import PrinterSim

QUIET = 4


def printed(data: bytes, paper_mm: int) -> np.ndarray:
    sim = PrinterSim(paper_mm=paper_mm)
    assert sim.feed(data) == b""
    page = np.array(sim.receipts[-1].image())
    return page[:, MARGIN : page.shape[1] - MARGIN]  # the printable width only


def symbol(paper: np.ndarray) -> tuple[int, int, int, int, float, str]:
    """(left, top, right, bottom) of the QR symbol's dark modules, the module size, and the decoded text."""
    text, points, straight = cv2.QRCodeDetector().detectAndDecode(cv2.cvtColor(paper, cv2.COLOR_GRAY2BGR))
    assert text, "no QR code found"
    x0, y0 = points[0].min(axis=0)
    x1, y1 = points[0].max(axis=0)
    n = straight.shape[0]  # modules per side
    # Snap to the ink: the finder patterns' outer edges are the symbol's edges.
    ink = paper < 128
    rows, cols = np.where(ink[int(y0) - 3 : int(y1) + 4, int(x0) - 3 : int(x1) + 4])
    top, left = int(y0) - 3 + rows.min(), int(x0) - 3 + cols.min()
    bottom, right = int(y0) - 3 + rows.max() + 1, int(x0) - 3 + cols.max() + 1
    return left, top, right, bottom, (right - left) / n, text


def assert_quiet_zone(paper: np.ndarray) -> str:
    left, top, right, bottom, module, text = symbol(paper)
    zone = int(round(QUIET * module))
    assert left - zone >= 0 and right + zone <= paper.shape[1], "quiet zone runs off the printable width"
    assert top - zone >= 0
    around = paper[top - zone : bottom + zone, left - zone : right + zone].copy()
    around[zone : zone + bottom - top, zone : zone + right - left] = 255  # the symbol itself
    dark = np.argwhere(around < 128)
    assert dark.size == 0, f"ink within {QUIET} modules of the QR at {dark[:3].tolist()} (module {module:.1f})"
    return text


@pytest.mark.parametrize("paper_mm", [80, 58])
@pytest.mark.parametrize("native", [True, False])
def test_ticket_qr_has_a_four_module_quiet_zone(make_ticket, paper_mm, native):
    t = make_ticket()
    assert assert_quiet_zone(printed(ticket_bytes(t, paper_mm, native), paper_mm)) == t.qr_payload


@pytest.mark.parametrize("paper_mm", [80, 58])
@pytest.mark.parametrize("native", [True, False])
def test_quiet_zone_holds_between_rules_and_for_long_payloads(paper_mm, native):
    """Ink right above and below (a rule of full-width dashes), and a payload big enough that the module
    must shrink for the symbol and its quiet zone to fit the paper."""
    data = "TK1:441621:20261126:A012:" + "X" * 150
    rule = Line("-" * (48 if paper_mm == 80 else 32))
    paper = printed(lines_bytes([rule, Qr(data, 6), rule], paper_mm, native), paper_mm)
    assert assert_quiet_zone(paper) == data
