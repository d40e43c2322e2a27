"""Maintenance home: tabs for the technician's pages (a ScreenManager local to the MAINTENANCE state, so the flow
machine keeps two maintenance states), log out and restart. Each page is one Screen class + one .kv file."""

from __future__ import annotations

import importlib

from kivy.clock import Clock
from kivy.lang import Builder
from kivy.properties import BooleanProperty, NumericProperty, StringProperty

from kiosk.flow.events import Finish
from kiosk.maintenance.presenters import MAINTENANCE_SCREENS
from kiosk.ui.screens.base import KioskScreen

PAGES = tuple(n for n in MAINTENANCE_SCREENS if n != "maintenance_login")
_loaded: set[str] = set()


def page_class(name: str):
    """A technician page's Screen class, imported (and its kv loaded) when first opened (kiosk/ui/registry.py)."""
    from kiosk.ui.app import KV_DIR
    from kiosk.ui.registry import MAINTENANCE_PAGES

    target, kv = MAINTENANCE_PAGES[name]
    if name not in _loaded:
        Builder.load_file(str(KV_DIR / kv))
        _loaded.add(name)
    module, cls = target.split(":")
    return getattr(importlib.import_module(module), cls)


class MaintenanceScreen(KioskScreen):
    page = StringProperty(PAGES[0])
    confirm_restart = BooleanProperty(False)
    idle_left = NumericProperty(-1)  # seconds to the automatic logout (-1: not logged in)

    def on_kv_post(self, *a):
        self._tick = None

    def current_page(self):
        """The page shown. Each is built when a technician first opens it, not while the kiosk starts."""
        pages = self.ids.pages
        if not pages.has_screen(self.page):
            pages.add_widget(page_class(self.page)(name=self.page))
        return pages.get_screen(self.page)

    def select(self, name: str) -> None:
        self.confirm_restart = False
        self.page = name
        page = self.current_page()
        self.ids.pages.current = name
        page.touched()
        page.on_show()

    def update(self, flow):
        page = self.current_page()
        self.ids.pages.current = self.page
        page.on_show()

    def on_enter(self, *a):
        self._tick = Clock.schedule_interval(self._every_second, 1.0)

    def on_leave(self, *a):
        if self._tick is not None:
            self._tick.cancel()
            self._tick = None
        self.confirm_restart = False

    def _every_second(self, dt):
        page = self.current_page()
        every = page.refresh_every_s
        self._ticks = getattr(self, "_ticks", 0) + 1
        if every and self._ticks % int(every) == 0 and not page.loading:
            page.refresh()
        m = self.app.maintenance
        left = m.auth.idle_remaining() if m is not None else None
        self.idle_left = -1 if left is None else int(left)

    def restart(self):
        if not self.confirm_restart:
            self.confirm_restart = True
            return
        self.confirm_restart = False
        m = self.app.maintenance
        if m is not None:
            m.restart()

    def leave(self):
        m = self.app.maintenance
        if m is not None:
            m.logout()
        self.send(Finish())

    def wipe(self):
        super().wipe()
        for page in self.ids.pages.screens:
            page.wipe()
