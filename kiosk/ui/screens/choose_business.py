"""Which business: walk-in (marriage, divorce) or other services (hukou-office-only ones), as the policy offers."""

from __future__ import annotations

from kivy.properties import ListProperty

from kiosk.domain.business import BUSINESSES
from kiosk.flow import OTHER_BUSINESSES, WALK_IN_BUSINESSES
from kiosk.flow.events import Back, ChooseBusiness
from kiosk.ui.screens.base import KioskScreen


class ChooseBusinessScreen(KioskScreen):
    businesses = ListProperty([])

    def update(self, flow):
        offered = OTHER_BUSINESSES if flow.session.service == "other" else WALK_IN_BUSINESSES
        shell = self.app.shell
        self.businesses = [b for b in offered if b in shell.env.policy.business]

    def on_businesses(self, *a):
        self._rebuild()

    def on_pre_enter(self, *a):
        self._rebuild()

    def _rebuild(self):
        from kiosk.ui.widgets import KButton, drop_children

        box = self.ids.choices
        drop_children(box)
        lang = self.app.lang
        for b in self.businesses:
            button = KButton(text=BUSINESSES[b][lang], role="choice", grow=True)
            button.bind(on_release=lambda _w, b=b: self.send(ChooseBusiness(b)))
            self.ids[f"business_{b}"] = button
            box.add_widget(button)

    def back(self):
        self.send(Back())
