"""Face capture, first party."""
from __future__ import annotations

from kiosk.ui.screens.face import FaceScreen


class Face1Screen(FaceScreen):
    pass
