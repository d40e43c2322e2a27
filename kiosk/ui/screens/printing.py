"""Printing: taking the number from the queue system and printing it. No cancel: the ticket is on its way."""
from __future__ import annotations

from kiosk.ui.screens.base import KioskScreen


class PrintingScreen(KioskScreen):
    pass
