"""Shared by the two ID card screens: the reader animation, what was read (masked), and the notice."""

from __future__ import annotations

from kivy.properties import NumericProperty, StringProperty

from kiosk.flow.events import Back
from kiosk.ui.screens.base import KioskScreen
from kiosk.ui.screens.people import people_lines


class ReadIdScreen(KioskScreen):
    party_no = NumericProperty(1)
    title_key = StringProperty("read_id_title_1")
    read_text = StringProperty("")

    def update(self, flow):
        s = flow.session
        self.title_key = (
            "read_id_title_find" if s.find_by_card and s.appointment is None else f"read_id_title_{self.party_no}"
        )
        self.read_text = people_lines(s.cards, s.language)

    def on_enter(self, *a):
        self.ids.reader.start()

    def on_leave(self, *a):
        self.ids.reader.stop()

    def back(self):
        self.send(Back())

    def clear(self):
        self.read_text = ""


class ReadId1Screen(ReadIdScreen):
    """The first party's card."""


class ReadId2Screen(ReadIdScreen):
    """The second party's card (marriage and divorce need both)."""
