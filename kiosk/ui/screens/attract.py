"""Attract: language, large text, start; a booking QR can be scanned right here. Five quick taps on the office
name open the maintenance login (hidden from applicants)."""

from __future__ import annotations

import time

from kiosk.flow.events import MaintenanceRequested, SetLanguage, Start, ToggleLargeText
from kiosk.ui.screens.base import KioskScreen


class AttractScreen(KioskScreen):
    def start(self):
        self.send(Start())

    def switch_language(self):
        offered = self.app.shell.env.languages
        now = offered.index(self.app.lang) if self.app.lang in offered else -1
        self.send(SetLanguage(offered[(now + 1) % len(offered)]))

    def toggle_large_text(self):
        self.send(ToggleLargeText())

    def corner_tap(self):
        now = time.monotonic()
        taps = [t for t in getattr(self, "_taps", []) if now - t < 3.0] + [now]
        self._taps = taps
        if len(taps) >= 5:
            self._taps = []
            self.app.post(MaintenanceRequested(), touch=False)
