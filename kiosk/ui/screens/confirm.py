"""Confirm: the service, the people (masked) and the photo status, then take the number."""
from __future__ import annotations

from kivy.properties import StringProperty

from kiosk.domain.business import BUSINESSES
from kiosk.flow_events import Confirm
from kiosk.ui.i18n import tr
from kiosk.ui.screens.base import KioskScreen
from kiosk.ui.screens.people import people_lines


class ConfirmScreen(KioskScreen):
    summary = StringProperty("")

    def update(self, flow):
        s, lang = flow.session, flow.session.language
        business = BUSINESSES.get(s.business or "", {}).get(lang, "")
        faces = "confirm_faces_done" if s.faces and len(s.faces) >= len(s.cards) else "confirm_faces_counter"
        self.summary = "\n\n".join([tr("confirm_business", lang, business=business), people_lines(s.cards, lang),
                                    tr(faces, lang)])

    def confirm(self):
        self.send(Confirm())

    def clear(self):
        self.summary = ""
