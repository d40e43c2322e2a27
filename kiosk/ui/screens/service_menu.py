"""Service menu: booked, walk-in, other services, guide."""

from __future__ import annotations

from kiosk.flow.events import Back, ChooseService
from kiosk.ui.screens.base import KioskScreen


class ServiceMenuScreen(KioskScreen):
    def choose(self, service: str):
        self.send(ChooseService(service))

    def back(self):
        self.send(Back())
