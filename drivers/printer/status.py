"""Real-time status (DLE EOT n) answers as pure functions: decoding, and encoding for the simulator. The queries
themselves are composed in escpos_job.py.

Every answer byte has bits 1 and 4 set and bits 0 and 7 clear (0x12 = all clear); anything else is garbage.
n=1 printer: 0x08 offline.  n=2 offline cause: 0x04 cover open, 0x08 feed button, 0x20 stopped by paper end,
0x40 error.  n=3 errors: 0x08 cutter, 0x20 unrecoverable, 0x40 auto-recoverable.  n=4 paper: 0x0C near end,
0x60 paper end.  (docs/devices/printer.md; the multi-bit fields count as set when either bit is: firmware
differs.)
"""

from __future__ import annotations

from typing import cast

from drivers.printer.port import PrinterStatus

FIXED_MASK, FIXED_VALUE = 0x93, 0x12


def valid(byte: int) -> bool:
    return (byte & FIXED_MASK) == FIXED_VALUE


def decode(answers: dict[int, int | None]) -> PrinterStatus:
    """answers: n → the byte received for DLE EOT n, or None when nothing came back in time."""
    raw = bytes(cast(int, answers[n]) for n in (1, 2, 3, 4) if answers.get(n) is not None)
    if answers.get(1) is None:
        return PrinterStatus("not_responding", raw=raw)
    if any(answers.get(n) is None for n in (2, 3, 4)):
        return PrinterStatus("not_responding", raw=raw)
    b1, b2, b3, b4 = (cast(int, answers[n]) for n in (1, 2, 3, 4))  # all answered: checked above
    if not all(valid(b) for b in (b1, b2, b3, b4)):
        return PrinterStatus("garbage", raw=raw)
    fields = dict(
        online=not b1 & 0x08,
        cover_open=bool(b2 & 0x04),
        feed_button=bool(b2 & 0x08),
        paper_out=bool(b2 & 0x20) or bool(b4 & 0x60),
        error=bool(b2 & 0x40),
        cutter_error=bool(b3 & 0x08),
        unrecoverable_error=bool(b3 & 0x20),
        autorecoverable_error=bool(b3 & 0x40),
        near_end=bool(b4 & 0x0C),
    )
    return PrinterStatus(summarise(**fields), raw=raw, **fields)


def summarise(
    *,
    online,
    cover_open,
    paper_out,
    error,
    cutter_error,
    unrecoverable_error,
    autorecoverable_error,
    near_end,
    feed_button=False,
) -> str:
    if cover_open:
        return "cover_open"
    if paper_out:
        return "paper_out"
    if cutter_error:
        return "cutter_error"
    if error or unrecoverable_error or autorecoverable_error:
        return "error"
    if not online or feed_button:
        return "offline"
    return "near_end" if near_end else "ok"


def encode(
    n: int,
    *,
    offline=False,
    cover_open=False,
    feed_button=False,
    paper_out=False,
    error=False,
    cutter_error=False,
    unrecoverable_error=False,
    autorecoverable_error=False,
    near_end=False,
) -> int:
    """The byte a printer in this condition answers to DLE EOT n (used by the simulator)."""
    b = FIXED_VALUE
    if n == 1:
        b |= 0x08 if offline else 0
    elif n == 2:
        b |= (
            (0x04 if cover_open else 0)
            | (0x08 if feed_button else 0)
            | (0x20 if paper_out else 0)
            | (0x40 if error else 0)
        )
    elif n == 3:
        b |= (
            (0x08 if cutter_error else 0)
            | (0x20 if unrecoverable_error else 0)
            | (0x40 if autorecoverable_error else 0)
        )
    elif n == 4:
        b |= (0x0C if near_end else 0) | (0x60 if paper_out else 0)
    else:
        raise ValueError("DLE EOT n is 1..4")
    return b
