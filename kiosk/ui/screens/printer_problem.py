"""The ticket did not print: the problem, the number on screen (staff reprint it), what to do next."""

from __future__ import annotations

from kivy.properties import StringProperty

from kiosk.flow.events import Finish
from kiosk.ui.screens.base import KioskScreen


class PrinterProblemScreen(KioskScreen):
    number = StringProperty("")
    problem = StringProperty("")

    def update(self, flow):
        t = flow.session.ticket or {}
        self.number = str(t.get("number", ""))
        self.problem = flow.status.printer_problem or "not_responding"

    def finish(self):
        self.send(Finish())

    def clear(self):
        self.number = self.problem = ""
