"""Journal replay: what is waiting to go to the office server, a button to send it now (in a worker), and the
latest audit log lines (what technicians did)."""
from __future__ import annotations

from kivy.properties import ListProperty, StringProperty

from kiosk.maintenance.presenters import audit_rows
from kiosk.ui.screens.maint_page import MaintPage

AUDIT_LINES = 8


class MaintenanceJournalScreen(MaintPage):
    backlog = StringProperty("—")
    result = StringProperty("")
    audit = ListProperty([])

    def refresh(self):
        m = self.m
        if m is None:
            self.message = "mt_not_available"
            return

        def read():
            info = m.board.snapshot().get("backend", {}).get("info", {})
            return info.get("journal_backlog"), audit_rows(m.audit.entries(last=AUDIT_LINES))
        self.in_worker(read, self._shown)

    def _shown(self, got, error):
        if error is None:
            backlog, rows = got
            self.backlog = "—" if backlog is None else str(backlog)
            self.audit = rows

    def replay(self):
        m = self.m
        if m is None or self.loading:
            return
        self.touched()
        self.loading, self.result = True, self.app.tr("mt_test_running")
        self.in_worker(m.replay_journal, self._replayed)

    def _replayed(self, outcome, error):
        self.loading = False
        tr = self.app.tr
        if error is not None:
            self.result = f"{tr('mt_failed')}: {type(error).__name__}"
        elif "error" in outcome:
            self.result = tr("mt_not_available")
        else:
            reached = "" if outcome.get("reached", "yes") == "yes" else tr("mt_journal_unreached") + " · "
            self.result = reached + tr("mt_journal_result", accepted=outcome.get("accepted", 0),
                                       refused=outcome.get("refused", 0), left=outcome.get("left", 0))
            if "left" in outcome:
                self.backlog = str(outcome["left"])
        self.refresh()

    def wipe(self):
        super().wipe()
        self.result = ""
