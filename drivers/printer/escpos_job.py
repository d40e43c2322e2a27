"""python-escpos's command language, plus the few commands it lacks (GB18030 Chinese mode and the real-time
status and recovery commands). Every byte the kiosk sends a printer is composed here.

`EscposJob` is python-escpos's `Dummy` (a job built in memory) with a profile for the kiosk's paper. The ticket
uses python-escpos's own methods (`hw`, `set`, `textln`, `print_and_feed`, `qr(native=True)`, `image`, `cut`);
what python-escpos 3.1 does not have is added as methods of the same style:
- `chinese_line`: `FS &` (enter Chinese mode), the text as GB18030, `FS .` (leave it), LF. python-escpos
  writes GB18030 without `FS &` and only when a line has a U+4E00–U+9FA5 character, so a line of Chinese
  punctuation alone would print as code-page garbage.
- `realtime_status(n)`: `DLE EOT n` (n = 1..4), answered at once, even while the printer is stopped.
- `paper_sensor_status`: `GS r 1`, answered only once everything before it has been printed.
- `recover(clear=True)`: `DLE ENQ 2` (recover from an error and clear the receive and print buffers) or
  `DLE ENQ 1` (recover and go on printing from where the error stopped it). A real-time command.
Text is ASCII (code page 0, what `ESC @` selects) or goes through `chinese_line`; nothing else reaches
python-escpos's code page switching.
"""

from __future__ import annotations

import copy
from functools import lru_cache
from typing import cast

from drivers.printer.escpos_cache import prepare

prepare()
from escpos.capabilities import Profile  # noqa: E402 (after prepare: python-escpos reads its database on import)
from escpos.printer import Dummy  # noqa: E402

DLE, FS, GS = b"\x10", b"\x1c", b"\x1d"
REALTIME_STATUS = DLE + b"\x04"  # DLE EOT n
REALTIME_RECOVER = DLE + b"\x05"  # DLE ENQ n
CHINESE_ON, CHINESE_OFF = FS + b"&", FS + b"."
PAPER_SENSOR_STATUS = GS + b"r\x01"

# Paper → printable width (mm) and dots at 203 dpi; font A columns (12-dot cells).
PAPER = {80: (72, 576, 48), 58: (48, 384, 32)}


@lru_cache(maxsize=None)
def _profile_class(paper_mm: int) -> type[Profile]:
    mm, dots, _ = PAPER[paper_mm]
    data = copy.deepcopy(Profile.profile_data)
    data["name"] = f"Kiosk {paper_mm} mm"
    data["media"] = {"dpi": 203, "width": {"mm": mm, "pixels": dots}}
    return cast("type[Profile]", type(f"Kiosk{paper_mm}mmProfile", (Profile,), {"profile_data": data}))


def profile(paper_mm: int) -> Profile:
    """python-escpos's generic ESC/POS profile with this paper's printable width filled in (the generic one
    says "Unknown", and `image` then complains on stdout)."""
    cls = _profile_class(paper_mm)
    return cls(columns=PAPER[paper_mm][2], features=cls.profile_data["features"])


class EscposJob(Dummy):
    """An ESC/POS job in memory: python-escpos's methods, plus Chinese mode and the real-time commands."""

    def __init__(self, paper_mm: int = 80) -> None:
        # Code page 0 (CP437) is what ESC @ selects: ASCII text needs no code page command.
        super().__init__(profile=profile(paper_mm), magic_encode_args={"encoding": "CP437"})
        self.paper_dots = PAPER[paper_mm][1]

    def text(self, txt: str) -> None:
        """python-escpos's text(); printable ASCII is the same bytes in every code page, so it skips the
        per-character code page search (a third of a ticket's build time otherwise)."""
        line = txt[:-1] if txt.endswith("\n") else txt
        if line.isascii() and line.isprintable():
            self._raw(txt.encode("ascii"))
        else:
            super().text(txt)

    def chinese_line(self, text: str) -> None:
        """One line in Chinese (double-byte) mode: FS &, the GB18030 bytes, FS ., LF."""
        self._raw(CHINESE_ON + text.encode("gb18030") + CHINESE_OFF + b"\n")

    def realtime_status(self, n: int) -> None:
        """DLE EOT n: 1 printer, 2 offline cause, 3 error cause, 4 paper roll sensor."""
        if n not in (1, 2, 3, 4):
            raise ValueError("DLE EOT n is 1..4")
        self._raw(REALTIME_STATUS + bytes((n,)))

    def paper_sensor_status(self) -> None:
        """GS r 1: the paper sensor, answered only once the data before it is printed."""
        self._raw(PAPER_SENSOR_STATUS)

    def recover(self, clear: bool = True) -> None:
        """DLE ENQ 2: recover from an error and clear the buffers (clear=True); DLE ENQ 1: recover and go on."""
        self._raw(REALTIME_RECOVER + (b"\x02" if clear else b"\x01"))

    def take(self) -> bytes:
        """The bytes composed so far; the job starts empty again."""
        out = self.output
        self.clear()
        return out


@lru_cache(maxsize=None)
def command(method: str, *args) -> bytes:
    """The bytes of one short command by its method name: command("realtime_status", 1) == DLE EOT 1."""
    job = EscposJob()
    getattr(job, method)(*args)
    return job.output
