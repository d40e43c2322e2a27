"""Idle warning: a countdown (at least 20 s) before the session is wiped; one touch continues."""

from __future__ import annotations

from kivy.clock import Clock
from kivy.properties import NumericProperty

from kiosk.flow.events import Continue
from kiosk.ui.screens.base import KioskScreen


class IdleWarningScreen(KioskScreen):
    seconds = NumericProperty(0)

    def on_pre_enter(self, *a):
        self._tick()
        self._clock = Clock.schedule_interval(lambda dt: self._tick(), 0.5)

    def on_leave(self, *a):
        if getattr(self, "_clock", None) is not None:
            self._clock.cancel()
            self._clock = None

    def _tick(self):
        left = self.app.shell.time_left()
        self.seconds = int(round(left)) if left is not None else self.app.shell.seconds.get("idle_warning_s", 25)

    def still_here(self):
        self.send(Continue())
