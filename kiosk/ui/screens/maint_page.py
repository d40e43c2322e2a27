"""The base of the maintenance pages (screen-local tabs inside the MAINTENANCE state, not flow states): a page
reads the maintenance core in a worker thread and shows the result back on the main thread via Clock.
Also the row list the pages share (presenters' {"label", "value", "status"} rows)."""

from __future__ import annotations

import logging
import threading

from kivy.app import App
from kivy.clock import Clock
from kivy.properties import BooleanProperty, ListProperty, StringProperty
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.screenmanager import Screen

from kiosk.ui.widgets import drop_children

log = logging.getLogger(__name__)
STATUS_COLOURS = {
    "ok": (0.55, 0.9, 0.55, 1),
    "warn": (1, 0.82, 0, 1),
    "fault": (1, 0.5, 0.45, 1),
    "unknown": (0.7, 0.74, 0.8, 1),
}


class MaintRow(BoxLayout):
    label = StringProperty("")
    value = StringProperty("")
    status = StringProperty("ok")
    heading = BooleanProperty(False)


class RowList(BoxLayout):
    rows = ListProperty([])

    def on_rows(self, *a):
        drop_children(self)
        for r in self.rows:
            self.add_widget(
                MaintRow(
                    label=r.get("label", ""),
                    value=r.get("value", ""),
                    status=r.get("status", "ok"),
                    heading=bool(r.get("heading")),
                )
            )


class MaintPage(Screen):
    refresh_every_s = 0.0  # > 0: refreshed while shown (device status, counters, logs)
    loading = BooleanProperty(False)
    message = StringProperty("")

    @property
    def app(self):
        return App.get_running_app()

    @property
    def m(self):
        return getattr(self.app, "maintenance", None)

    @property
    def lang(self) -> str:
        return self.app.lang

    def in_worker(self, fn, done) -> None:
        """fn() off the main thread; done(result, error) back on it."""

        def run():
            try:
                result, error = fn(), None
            except Exception as e:  # shown on the page, never fatal
                result, error = None, e
                log.warning("maintenance page %s: %s", self.name, type(e).__name__)
            Clock.schedule_once(lambda dt: done(result, error))

        threading.Thread(target=run, daemon=True, name=f"maint-{self.name}").start()

    def read(self, fn, done) -> None:
        """fn(m, lang) in a worker while the page shows it is loading; done(result, error) back on the main thread
        (done ends the loading). Without a maintenance core the page says it is not available."""
        m = self.m
        if m is None:
            self.message = "mt_not_available"
            return
        lang = self.lang
        self.loading = True
        self.in_worker(lambda: fn(m, lang), done)

    def touched(self) -> None:
        m = self.m
        if m is not None:
            m.auth.touch()

    def on_show(self) -> None:
        """The page became visible (or the language changed): refresh."""
        self.refresh()

    def refresh(self) -> None:
        """Pages override."""

    def wipe(self) -> None:
        self.message = ""


class RowsPage(MaintPage):
    """A page that is a list of presenter rows, read in a worker: subclasses give `read_rows(m, lang)`."""

    rows = ListProperty([])

    def read_rows(self, m, lang: str) -> list[dict]:
        raise NotImplementedError

    def refresh(self):
        self.read(self.read_rows, self._shown)

    def _shown(self, rows, error):
        self.loading = False
        if error is None:
            self.rows = rows
