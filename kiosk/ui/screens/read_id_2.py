"""Read the second party's ID card (marriage and divorce need both)."""
from __future__ import annotations

from kiosk.ui.screens.read_id import ReadIdScreen


class ReadId2Screen(ReadIdScreen):
    pass
