"""Today's counters: tickets per business, check-ins, redirects, paper used / left (estimate); the technician
records a new paper roll here."""

from __future__ import annotations

from kiosk.maintenance.presenters import counter_rows
from kiosk.ui.screens.maint_page import RowsPage


class MaintenanceCountersScreen(RowsPage):
    refresh_every_s = 5.0

    def read_rows(self, m, lang):
        return counter_rows(m.counters.snapshot(), lang)

    def paper_replaced(self):
        m = self.m
        if m is None:
            return
        self.touched()
        self.in_worker(
            m.paper_replaced,
            lambda r, e: (setattr(self, "message", "mt_paper_noted" if e is None else "mt_failed"), self.refresh()),
        )
