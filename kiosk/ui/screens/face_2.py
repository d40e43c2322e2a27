"""Face capture, second party."""
from __future__ import annotations

from kiosk.ui.screens.face import FaceScreen


class Face2Screen(FaceScreen):
    pass
