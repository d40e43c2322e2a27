"""Recent log lines, already masked by the logging filter (ID numbers, phones, the current applicants' names)."""

from __future__ import annotations

from kivy.properties import StringProperty

from kiosk.ui.screens.maint_page import MaintPage

LAST = 40


class MaintenanceLogsScreen(MaintPage):
    refresh_every_s = 3.0
    text = StringProperty("")

    def refresh(self):
        m = self.m
        if m is None:
            self.message = "mt_not_available"
            return
        self.loading = True
        self.in_worker(lambda: m.recent.lines(LAST), self._shown)

    def _shown(self, lines, error):
        self.loading = False
        if error is None:
            self.text = "\n".join(reversed(lines)) if lines else "—"

    def wipe(self):
        super().wipe()
        self.text = ""
