"""Printing (no cancel: the ticket is on its way), then done: the number, big; what to do next; how many are ahead; what to have ready."""

from __future__ import annotations

from kivy.properties import BooleanProperty, StringProperty

from kiosk.domain.ticket import non_mainland
from kiosk.flow.events import Finish
from kiosk.i18n import tr
from kiosk.ui.screens.base import KioskScreen


class PrintingScreen(KioskScreen):
    """Taking the number from the queue system and printing it."""


class DoneScreen(KioskScreen):
    number = StringProperty("")
    ahead = StringProperty("")
    bring = StringProperty("")
    offline = BooleanProperty(False)

    def update(self, flow):
        s, lang = flow.session, flow.session.language
        t = s.ticket or {}
        self.number = str(t.get("number", ""))
        self.offline = bool(t.get("offline"))
        n = t.get("waiting_ahead")
        self.ahead = tr("done_ahead", lang, n=n) if n is not None else tr("done_ahead_unknown", lang)
        rule = self.app.shell.env.policy.business.get(s.business or "")
        items = rule.documents(lang, non_mainland(s.cards)) if rule else []
        self.bring = tr("done_bring", lang) + "\n" + "\n".join(f"  •{i}" for i in items) if items else ""

    def finish(self):
        self.send(Finish())

    def clear(self):
        self.number = self.ahead = self.bring = ""
        self.offline = False
