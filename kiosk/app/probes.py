"""Background probes: is the office server reachable (every few seconds), is the operating system's clock
synchronised (every few minutes), what state is the printer in (every 15 s). Each a daemon thread that ends
with the pacing's `stopping`; what they find reaches the flow through the relay or the services they feed."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from kiosk.app.pacing import spawn

if TYPE_CHECKING:
    from kiosk.app.devices import Devices
    from kiosk.app.pacing import StartupPacing
    from kiosk.app.relay import EventRelay
    from kiosk.services.clock_check import ClockCheck
    from kiosk.services.office_client import OfficeClient

log = logging.getLogger(__name__)


class Probes:
    def __init__(
        self,
        client: OfficeClient,
        clock_check: ClockCheck | None,
        devices: Devices,
        events: EventRelay,
        pacing: StartupPacing,
    ):
        self.client, self.clock_check, self.devices = client, clock_check, devices
        self.events, self.pacing = events, pacing

    def start(self, backend_s: float = 5.0) -> None:
        spawn(self._probe_backend, backend_s)
        spawn(self._probe_clock, 300.0)
        spawn(self._probe_printer, 15.0)

    def _probe_backend(self, every_s: float) -> None:
        stopping = self.pacing.stopping
        while not stopping.is_set():
            try:
                self.client.health()
            except Exception:
                pass  # the client has reported the failure to BackendStatus
            stopping.wait(every_s)

    def _probe_clock(self, every_s: float) -> None:
        """Is the operating system's clock synchronised? (timedatectl / chronyc; a subprocess, so a thread)"""
        if self.clock_check is None or not self.pacing.after_start(30.0):
            return
        while True:
            try:
                self.clock_check.probe_system()
            except Exception as e:
                log.info("clock synchronisation not read: %s", type(e).__name__)
            if self.pacing.stopping.wait(every_s):
                return

    def _probe_printer(self, every_s: float) -> None:
        """The printer's state for the maintenance screen and alerts (paper out is also caught per job)."""
        last = None
        if not self.pacing.after_start(10.0):
            return
        while True:  # first soon after start: opens the port early and shows the printer's state from the start
            status = self.devices.printer_status()
            if status != last:
                last = status
                self.events.post(status)
            if self.pacing.stopping.wait(every_s):
                return
