"""Confirm: the service, the people (masked) and the photos just taken (the applicants see what goes to the
registrar), then take the number."""
from __future__ import annotations

from kivy.properties import NumericProperty, StringProperty

from kiosk.domain.business import BUSINESSES
from kiosk.flow.events import Confirm
from kiosk.ui.i18n import tr
from kiosk.ui.screens.base import KioskScreen
from kiosk.ui.screens.people import people_lines


class ConfirmScreen(KioskScreen):
    summary = StringProperty("")
    photos = NumericProperty(0)                 # how many photos are shown

    def update(self, flow):
        s, lang = flow.session, flow.session.language
        business = BUSINESSES.get(s.business or "", {}).get(lang, "")
        faces = "confirm_faces_done" if s.faces and len(s.faces) >= len(s.cards) else "confirm_faces_counter"
        self.summary = "\n\n".join([tr("confirm_business", lang, business=business), people_lines(s.cards, lang),
                                    tr(faces, lang)])
        photos = [f.photo for f in s.faces if getattr(f, "photo", None) is not None]
        for i, widget in enumerate((self.ids.photo_1, self.ids.photo_2)):
            if i < len(photos):
                widget.show_frame(photos[i])
            else:
                widget.clear()
        self.photos = len(photos)

    def confirm(self):
        self.send(Confirm())

    def clear(self):
        self.summary = ""
        self.ids.photo_1.clear()            # blanks the texture too: no face left in GPU memory
        self.ids.photo_2.clear()
        self.photos = 0
