"""Recent log lines, already masked by the logging filter (ID numbers, phones, the current applicants' names), in
China time, repeats counted on one line, filtered by level."""

from __future__ import annotations

import logging

from kivy.properties import NumericProperty, StringProperty

from kiosk.ui.screens.maint_page import MaintPage

LAST = 40


LEVELS = (logging.NOTSET, logging.WARNING, logging.ERROR)  # all | warnings and errors | errors


class MaintenanceLogsScreen(MaintPage):
    refresh_every_s = 3.0
    text = StringProperty("")
    min_level = NumericProperty(logging.NOTSET)

    def show_level(self, level: int) -> None:
        self.touched()
        self.min_level = level
        self.refresh()

    def refresh(self):
        level = int(self.min_level)
        self.read(lambda m, lang: m.recent.lines(LAST, min_level=level), self._shown)

    def _shown(self, lines, error):
        self.loading = False
        if error is None:
            self.text = "\n".join(reversed(lines)) if lines else "—"

    def wipe(self):
        super().wipe()
        self.text = ""
