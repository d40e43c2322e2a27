"""Shared by the two fingerprint screens: which party (masked name), what to do, and skip (the counter instead).
The sensor and the matcher run in a worker thread (kiosk.fingerprint); the outcome comes back as FingerChecked."""

from __future__ import annotations

import threading

from kivy.properties import NumericProperty, StringProperty

from kiosk.domain.verification import FingerOutcome
from kiosk.flow.events import FingerChecked, SkipFinger
from kiosk.ui.screens.base import KioskScreen
from kiosk.ui.screens.people import short_name


class FingerScreen(KioskScreen):
    party_no = NumericProperty(1)
    person = StringProperty("")
    attempt = NumericProperty(0)
    _stop: threading.Event | None = None

    def update(self, flow):
        s = flow.session
        card = s.cards[self.party_no - 1] if len(s.cards) >= self.party_no else None
        self.person = short_name(card, self.party_no, s.language)
        attempts = s.attempts if flow.state.value == self.name else 0
        if attempts != self.attempt:
            self.attempt = attempts
            if attempts and self.manager is not None and self.manager.current == self.name:
                self._start(card)  # another try after no match or no finger

    def on_enter(self, *a):
        s = self.app.shell.flow.session
        self._start(s.cards[self.party_no - 1] if len(s.cards) >= self.party_no else None)

    def _start(self, card):
        self._cancel()
        kiosk = getattr(self.app, "kiosk", None)
        if kiosk is None:  # screenshots: no devices
            return
        stop = self._stop = threading.Event()
        shell = self.app.shell

        def work():
            result = kiosk.check_finger(card, stop)
            if not stop.is_set():
                shell.post_threadsafe(FingerChecked(FingerOutcome(result.outcome), result.score))

        threading.Thread(target=work, name="fingerprint", daemon=True).start()

    def _cancel(self):
        if self._stop is not None:
            self._stop.set()
            self._stop = None

    def on_leave(self, *a):
        self._cancel()

    def skip(self):
        self._cancel()
        self.send(SkipFinger())

    def clear(self):
        self.person, self.attempt = "", 0


class Finger1Screen(FingerScreen):
    """The first party's finger."""


class Finger2Screen(FingerScreen):
    """The second party's finger."""
