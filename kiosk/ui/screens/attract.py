"""Attract: language, large text, start; a booking QR can be scanned right here. Five quick taps on the office
name open the maintenance login (hidden from applicants). The slogan is the policy in force today's; a printer that
cannot print is said here, before anyone starts."""

from __future__ import annotations

import time

from kivy.properties import StringProperty

from kiosk.domain.policy import PolicyNotInForce
from kiosk.flow.events import MaintenanceRequested, SetLanguage, Start, ToggleLargeText
from kiosk.flow.guards import policy_today
from kiosk.i18n import tr
from kiosk.ui.screens.base import KioskScreen


class AttractScreen(KioskScreen):
    slogan = StringProperty("")
    printer_warning = StringProperty("")  # said before anyone starts a journey that would end without a ticket

    def update(self, flow):
        lang = flow.session.language
        try:
            name = policy_today(self.app.shell.env).name
        except PolicyNotInForce:
            name = self.app.shell.env.policy.name
        self.slogan = tr(f"attract_sub_{name}", lang)
        self.printer_warning = "" if flow.status.printer_ok else tr("attract_printer", lang)

    def start(self):
        self.send(Start())

    def switch_language(self):
        offered = self.app.shell.env.languages
        now = offered.index(self.app.lang) if self.app.lang in offered else -1
        self.send(SetLanguage(offered[(now + 1) % len(offered)]))

    def toggle_large_text(self):
        self.send(ToggleLargeText())

    def corner_tap(self):
        now = time.monotonic()
        taps = [t for t in getattr(self, "_taps", []) if now - t < 3.0] + [now]
        self._taps = taps
        if len(taps) >= 5:
            self._taps = []
            self.app.post(MaintenanceRequested(), touch=False)
