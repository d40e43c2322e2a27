"""A serial QR scanner on a pseudo-terminal, and the in-process `sim://scanner` adapter.

`scan(payload)` sends the code's bytes (UTF-8) then its terminator, paced at the baud rate like a real
scanner's UART; `raw(bytes)` sends anything (noise, a code with no terminator). vanish()/reappear() as for
every PtyDevice.
"""

from __future__ import annotations

from drivers.common.pty_device import PtyDevice
from drivers.scanner.driver import SerialScanner

TERMINATORS = {"cr": b"\r", "lf": b"\n", "crlf": b"\r\n", "none": b""}


class ScannerSimulator(PtyDevice):
    def __init__(
        self, baudrate: int = 9600, terminator: str = "cr", model_timing: bool = True, link_path: str | None = None
    ):
        super().__init__(baudrate, model_timing, link_path, name="scanner")
        self.terminator = TERMINATORS[terminator]

    def scan(self, payload: str, terminator: str | None = None) -> None:
        end = self.terminator if terminator is None else TERMINATORS[terminator]
        self.raw(payload.encode("utf-8") + end)

    def raw(self, data: bytes) -> None:
        self.call(lambda: self.send(data))


class SimulatedScanner(SerialScanner):
    """A real SerialScanner reading a ScannerSimulator's pty (demo mode); `sim` shows codes to it."""

    def __init__(self, model_timing: bool = True, **options):
        super().__init__("", **options)
        self.sim = ScannerSimulator(self.baudrate, model_timing=model_timing)

    def start(self, on_event) -> None:
        self.url = self.sim.start_behind_link()
        super().start(on_event)

    def stop(self) -> None:
        super().stop()
        self.sim.stop()

    close = stop


def factory(url: str = "sim://scanner", **options) -> SimulatedScanner:
    return SimulatedScanner(**options)
