"""The appointment system cannot be reached: take a walk-in (offline) number, or go back."""

from __future__ import annotations

from kiosk.flow.events import Back, Continue
from kiosk.ui.screens.base import KioskScreen


class BackendOfflineScreen(KioskScreen):
    def walk_in(self):
        self.send(Continue())

    def back(self):
        self.send(Back())
