"""Read the first party's ID card (or find a booking by ID card)."""
from __future__ import annotations

from kiosk.ui.screens.read_id import ReadIdScreen


class ReadId1Screen(ReadIdScreen):
    pass
