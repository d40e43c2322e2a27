"""Guide: for each business of the active policy, who must come and which documents to bring."""

from __future__ import annotations

from kivy.properties import StringProperty

from kiosk.domain.business import BUSINESSES
from kiosk.flow.events import Back
from kiosk.i18n import tr
from kiosk.ui.screens.base import KioskScreen


class GuideScreen(KioskScreen):
    body = StringProperty("")

    def update(self, flow):
        lang = flow.session.language
        policy = self.app.shell.env.policy
        parts = []
        for b, rule in policy.business.items():
            if b not in BUSINESSES:
                continue
            bring = rule.documents(lang)  # nobody known yet: every item
            who = tr("guide_parties_2" if rule.min_parties == 2 else "guide_parties_1", lang)
            items = "\n".join(f"  •{item}" for item in bring)
            parts.append(f"[b][color=#FFD200]{BUSINESSES[b][lang]}[/color][/b]\n  {who}\n{items}")
        self.body = "\n\n".join(parts)

    def back(self):
        self.send(Back())
