"""The base of every screen: `show(flow)` fills the screen's properties from the flow, `wipe()` empties them,
`send(event)` passes a touch's intent to the machine."""

from __future__ import annotations

from kivy.app import App
from kivy.properties import StringProperty
from kivy.uix.screenmanager import Screen as _Screen

from kiosk.flow import Flow
from kiosk.flow.events import Event


class KioskScreen(_Screen):
    notice = StringProperty("")  # message code → text through the catalog
    cancel_visible = True

    @property
    def app(self):
        return App.get_running_app()

    def send(self, event: Event) -> None:
        self.app.post(event)

    def show(self, flow: Flow) -> None:
        self.notice = flow.session.notice or ""
        self.update(flow)

    def update(self, flow: Flow) -> None:
        """Screens that show session data override this."""

    def wipe(self) -> None:
        self.notice = ""
        self.clear()

    def clear(self) -> None:
        """Screens that hold session data override this."""
