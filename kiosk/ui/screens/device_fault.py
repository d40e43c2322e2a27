"""A device the current step needs is down: say which, wait for it, or go on without photos / to the counter."""

from __future__ import annotations

from kivy.properties import BooleanProperty, StringProperty

from kiosk.flow import NEEDS, State
from kiosk.flow.events import SkipFace
from kiosk.ui.screens.base import KioskScreen


class DeviceFaultScreen(KioskScreen):
    device = StringProperty("")
    face_step = BooleanProperty(False)

    def update(self, flow):
        self.device = NEEDS.get(flow.resume, "") if flow.resume else ""
        self.face_step = flow.resume in (State.FACE_1, State.FACE_2)

    def skip_face(self):
        self.send(SkipFace())
