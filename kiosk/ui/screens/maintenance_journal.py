"""Journal: what is waiting to go to the office server, a button to send it now (in a worker), the entries parked
for a technician (the server kept failing on them or refused them after the applicant was served) with their
reason and a retry / discard button each (audited by the maintenance core), and the latest audit log lines."""

from __future__ import annotations

from kivy.properties import ListProperty, ObjectProperty, StringProperty
from kivy.uix.boxlayout import BoxLayout

from kiosk.maintenance.presenters import audit_rows, parked_rows
from kiosk.ui.screens.maint_page import MaintPage
from kiosk.ui.widgets import drop_children

AUDIT_LINES = 8


class ParkedRow(BoxLayout):
    key = StringProperty("")
    label = StringProperty("")
    value = StringProperty("")
    page = ObjectProperty(None, allownone=True)


class ParkedList(BoxLayout):
    rows = ListProperty([])
    page = ObjectProperty(None, allownone=True)

    def on_rows(self, *a):
        drop_children(self)
        for r in self.rows:
            self.add_widget(ParkedRow(key=r["key"], label=r["label"], value=r["value"], page=self.page))


class MaintenanceJournalScreen(MaintPage):
    backlog = StringProperty("—")
    result = StringProperty("")
    audit = ListProperty([])
    parked = ListProperty([])

    def refresh(self):
        def read(m, lang):
            info = m.board.snapshot().get("backend", {}).get("info", {})
            return (
                info.get("journal_backlog"),
                parked_rows(m.parked_entries(), lang),
                audit_rows(m.audit.entries(last=AUDIT_LINES)),
            )

        self.read(read, self._shown)

    def _shown(self, got, error):
        self.loading = False
        if error is None:
            backlog, self.parked, self.audit = got
            self.backlog = "—" if backlog is None else str(backlog)

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
            self.result = reached + tr(
                "mt_journal_result",
                accepted=outcome.get("accepted", 0),
                refused=outcome.get("refused", 0),
                left=outcome.get("left", 0),
            )
            if "left" in outcome:
                self.backlog = str(outcome["left"])
        self.refresh()

    def retry_parked(self, key: str):
        self._settle(key, "retry")

    def discard_parked(self, key: str):
        self._settle(key, "discard")

    def _settle(self, key: str, how: str):
        m = self.m
        if m is None or self.loading:
            return
        self.touched()
        self.loading = True
        act = m.retry_parked if how == "retry" else m.discard_parked
        self.in_worker(lambda: act(key), lambda done, error: self._settled(how, done, error))

    def _settled(self, how: str, done, error):
        self.loading = False
        tr = self.app.tr
        if error is not None:
            self.result = f"{tr('mt_failed')}: {type(error).__name__}"
        else:
            self.result = (
                tr("mt_parked_retried" if how == "retry" else "mt_parked_discarded") if done else tr("mt_failed")
            )
        self.refresh()

    def wipe(self):
        super().wipe()
        self.result = ""
        self.parked = []
