"""Separate consent for face capture, in plain words, with a no-face alternative (staff check at the counter)."""
from __future__ import annotations

from kiosk.flow.events import Consent
from kiosk.ui.screens.base import KioskScreen


class ConsentScreen(KioskScreen):
    def answer(self, given: bool):
        self.send(Consent(given))
