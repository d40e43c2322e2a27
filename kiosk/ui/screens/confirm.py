"""Confirm: the service, the people (masked) and the photos just taken (the applicants see what goes to the
registrar), then take the number."""

from __future__ import annotations

from kivy.properties import NumericProperty, StringProperty

from kiosk.domain.business import BUSINESSES
from kiosk.flow.events import Confirm
from kiosk.i18n import tr
from kiosk.ui.screens.base import KioskScreen
from kiosk.ui.screens.people import people_lines, short_name


class ConfirmScreen(KioskScreen):
    summary = StringProperty("")
    photos = NumericProperty(0)  # how many photos are shown

    def update(self, flow):
        s, lang = flow.session, flow.session.language
        business = BUSINESSES.get(s.business or "", {}).get(lang, "")
        self.summary = "\n\n".join(
            [tr("confirm_business", lang, business=business), people_lines(s.cards, lang), verification_lines(s, lang)]
        )
        latest = {f.party: f for f in s.faces}  # the last photo of each party
        photos = [f.photo for _, f in sorted(latest.items()) if getattr(f, "photo", None) is not None]
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
        self.ids.photo_1.clear()  # blanks the texture too: no face left in GPU memory
        self.ids.photo_2.clear()
        self.photos = 0


def verification_lines(session, lang: str) -> str:
    """How each party's identity was verified (face, fingerprint, or at the counter), by masked name."""
    lines = []
    for check in session.verification:
        card = session.cards[check.party - 1] if check.party <= len(session.cards) else None
        name = short_name(card, check.party, lang)
        line = tr(f"confirm_verified_{check.verified_by}", lang, name=name)
        if check.verified_by == "staff":  # and why: what the kiosk tried
            why = check.result if check.result in ("no_match", "skipped", "declined") else "unavailable"
            line += tr(f"confirm_staff_{why}", lang, n=check.attempts)
        lines.append(line)
    return "\n".join(lines)
