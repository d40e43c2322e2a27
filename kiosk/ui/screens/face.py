"""Shared by the two face screens: live preview with the oval guide, hints from the quality checks, a
progress countdown while the applicant holds still, retake, and skip (staff check at the counter)."""
from __future__ import annotations

import math
import threading

from kivy.clock import Clock
from kivy.properties import NumericProperty, StringProperty

from kiosk.flow.events import DeviceFault, DeviceRecovered, FaceCaptured, SkipFace
from kiosk.ui.screens.base import KioskScreen


class FaceScreen(KioskScreen):
    party_no = NumericProperty(1)
    hint = StringProperty("starting")           # guidance code (face_<code> in the catalog)
    progress = NumericProperty(0.0)
    countdown = NumericProperty(0)

    def on_enter(self, *a):
        app = self.app
        kiosk = getattr(app, "kiosk", None)
        self.hint, self.progress = "starting", 0.0
        if kiosk is None:
            return
        from drivers.registry import create
        from kiosk.ui.face_session import FaceSession

        url, options = kiosk.camera_url, getattr(kiosk, "camera_options", {})
        self._done = False
        self.session = FaceSession(
            lambda: create("camera", url, **options), lambda: kiosk.face_engine,
            needed=kiosk.config.face.consecutive_good_frames,
            on_progress=lambda code, p: Clock.schedule_once(lambda dt: self._progress(code, p)),
            on_frame=lambda frame: Clock.schedule_once(lambda dt: self._frame(frame)),
            on_done=lambda result: Clock.schedule_once(lambda dt: self._captured(result)),
            on_fault=lambda code, fault: app.shell.post_threadsafe(
                DeviceFault("camera", code) if fault else DeviceRecovered("camera")) if fault or code == "ok" else None)
        self.session.start()

    def _progress(self, code, p):
        if self.manager is None or self.manager.current != self.name:
            return
        self.hint = code
        self.progress = p
        needed = getattr(self.app.kiosk.config.face, "consecutive_good_frames", 5) if self.app.kiosk else 5
        self.countdown = math.ceil(p) if code == "models_unavailable" else max(0, math.ceil((1 - p) * needed / 5))

    def _frame(self, frame):
        if self.manager is not None and self.manager.current == self.name:
            self.ids.preview.show_frame(frame)
            self.ids.preview.good = self.hint == "ok"

    def _captured(self, result):
        if self._done or self.manager is None or self.manager.current != self.name:
            if result is not None:
                result.wipe()
            return
        self._done = True
        self.app.post(FaceCaptured(result), touch=False)

    def on_leave(self, *a):
        session = getattr(self, "session", None)
        if session is not None:
            self.session = None
            # Joining the camera and pipeline threads takes a frame or two: never on the main thread.
            threading.Thread(target=session.stop, daemon=True).start()
        self.clear()

    def retake(self):
        self.app.touches += 1
        if getattr(self, "session", None) is not None:
            self.session.restart_capture()

    def skip(self):
        self.send(SkipFace())

    def clear(self):
        self.ids.preview.clear()
        self.hint, self.progress, self.countdown = "starting", 0.0, 0


class Face1Screen(FaceScreen):
    """The first party's photo."""


class Face2Screen(FaceScreen):
    """The second party's photo."""
