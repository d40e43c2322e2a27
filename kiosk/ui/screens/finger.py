"""Shared by the two fingerprint screens: which party (masked name), what to do, and skip (the counter instead).
The check is the flow's CheckFinger effect (the identity steps, in the shell's workers); its outcome comes back to
the flow as FingerChecked."""

from __future__ import annotations

from kivy.properties import NumericProperty, StringProperty

from kiosk.flow.events import SkipFinger
from kiosk.ui.screens.base import KioskScreen
from kiosk.ui.screens.people import short_name


class FingerScreen(KioskScreen):
    party_no = NumericProperty(1)
    person = StringProperty("")
    attempt = NumericProperty(0)

    def update(self, flow):
        s = flow.session
        card = s.cards[self.party_no - 1] if len(s.cards) >= self.party_no else None
        self.person = short_name(card, self.party_no, s.language)
        self.attempt = s.attempts if flow.state.value == self.name else 0

    def skip(self):
        self.send(SkipFinger())

    def clear(self):
        self.person, self.attempt = "", 0


class Finger1Screen(FingerScreen):
    """The first party's finger."""


class Finger2Screen(FingerScreen):
    """The second party's finger."""
