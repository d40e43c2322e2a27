"""The eligibility outcome: accept (continue), redirect (the offices with address and phone), staff, refuse."""

from __future__ import annotations

from kivy.properties import StringProperty

from kiosk.flow.events import Continue, Finish
from kiosk.i18n import catalog, pick, tr
from kiosk.ui.screens.base import KioskScreen
from kiosk.ui.screens.people import people_lines


class EligibilityScreen(KioskScreen):
    decision = StringProperty("")
    message = StringProperty("")
    offices_text = StringProperty("")
    people = StringProperty("")
    title_key = StringProperty("elig_title_staff")

    def update(self, flow):
        s, lang = flow.session, flow.session.language
        d = s.decision
        self.decision = d.decision if d else ""
        # a title of its own for an answer given for one reason (a used booking), else the decision's
        specific = f"elig_title_{d.reasons[0]}" if d and d.reasons else ""
        self.title_key = specific if specific in catalog(lang) else f"elig_title_{self.decision or 'staff'}"
        self.message = pick(d.message, lang) if d else ""
        self.people = people_lines(s.cards, lang)
        lines = []
        if d and d.decision in ("redirect", "staff"):
            offices = self.app.shell.env.offices
            here = self.app.shell.env.office
            for code in [c for c in d.offices if c != here][:3]:  # never the office they stand in
                o = offices.get(code)
                if o is None:
                    continue
                lines.append(
                    f"[b]{pick(o.name.model_dump(), lang)}[/b]\n{pick(o.address.model_dump(), lang)}\n"
                    f"{tr('elig_office_phone', lang, phone=o.phone)}"
                )
        self.offices_text = "\n\n".join(lines)

    def go_on(self):
        self.send(Continue() if self.decision == "accept" else Finish())

    def clear(self):
        self.decision = self.message = self.offices_text = self.people = ""
