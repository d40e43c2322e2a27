"""The SAM reader simulator on a pseudo-terminal, and the in-process `sim://idcard` adapter.

Timing model per request: the request's wire time, then the SAM's processing delay (SAM_DELAY_S × scale),
then the reply paced at the baud rate. `modelled_s` sums these, so a benchmark can compare a host's
measured time against what a real reader on a real wire would have taken.
"""

from __future__ import annotations

import time
from pathlib import Path

from drivers.idcard.driver import IdCardDriver
from drivers.common.pty_device import PtyDevice
from drivers.idcard.sim_core import SamSimulator, SimCard, card_from_fixture, sam_delay_s


class IdCardSimulator(PtyDevice):
    def __init__(
        self,
        card: SimCard | None = None,
        baudrate: int = 115200,
        sam_delay_scale: float = 1.0,
        model_timing: bool = True,
        link_path: str | None = None,
    ):
        super().__init__(baudrate, model_timing, link_path, name="idcard")
        self.core = SamSimulator(card)
        self.sam_delay_scale = sam_delay_scale
        self.modelled_s = 0.0  # wire time + SAM delay of every exchange answered so far
        self.exchanges = 0

    # --- handle for tests and the demo (thread-safe: runs between requests) ---------------------------------
    def present(self, card: SimCard | dict | str | Path) -> None:
        card = card if isinstance(card, SimCard) else card_from_fixture(card)
        self.call(lambda: self.core.present(card))

    def remove(self) -> None:
        self.call(self.core.remove)

    def inject(self, kind: str, arg: object = None, command: tuple[int, int] | None = None) -> None:
        self.call(lambda: self.core.inject(kind, arg, command))

    # --- answering ----------------------------------------------------------------------------------------------
    def on_receive(self, data: bytes) -> None:
        arrived = time.monotonic()
        start = arrived + (self.wire_time(len(data)) if self.model_timing else 0.0)
        for command, reply in self.core.receive(data):
            delay = sam_delay_s(command) * self.sam_delay_scale if command else 0.0
            start += delay if self.model_timing else 0.0
            self.modelled_s += self.wire_time(len(data)) + delay + self.wire_time(len(reply))
            self.exchanges += 1
            start = self.send(reply, start_at=start)
            if self.core.baudrate_change:
                self.baudrate, self.core.baudrate_change = self.core.baudrate_change, None


class SimulatedIdCardReader(IdCardDriver):
    """A real driver talking bytes to an in-process simulator over a pty (demo mode: `sim://idcard`).

    `sim` is the handle to present/remove cards and inject faults. The pty starts on first use, not here.
    """

    def __init__(
        self,
        card: SimCard | None = None,
        sam_delay_scale: float = 1.0,
        baudrate: int = 115200,
        model_timing: bool = True,
        **options,
    ):
        super().__init__("", baudrate=baudrate, **options)
        self.sim = IdCardSimulator(card, baudrate, sam_delay_scale, model_timing)

    def start_simulator(self) -> str:
        """Open the pty (behind a stable link, so vanish/reappear keeps the path) and start answering."""
        self.url = self.link.url = self.sim.start_behind_link()
        return self.url

    def _ensure_open(self) -> None:
        self.start_simulator()
        super()._ensure_open()

    def stop(self) -> None:
        super().stop()
        self.sim.stop()


def factory(
    url: str = "sim://idcard", card: str | dict | SimCard | None = None, sam_delay_scale: float = 1.0, **options
) -> SimulatedIdCardReader:
    """`sim://idcard` or `sim://idcard?card=PATH.json` (the card starts in the field)."""
    if card is None and "?card=" in url:
        card = url.split("?card=", 1)[1]
    if card is not None and not isinstance(card, SimCard):
        card = card_from_fixture(card)
    options.pop("wlt_library", None)
    return SimulatedIdCardReader(card, sam_delay_scale=sam_delay_scale, **options)
