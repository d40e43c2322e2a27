"""Maintenance login: PIN on the keypad, checked in a worker (scrypt is slow on purpose) by the maintenance core's
gate — lockout with a growing delay after repeated wrong PINs, every failure audited — then PinResult to the flow."""

from __future__ import annotations

import threading

from kivy.clock import Clock
from kivy.properties import BooleanProperty, StringProperty

from kiosk.flow import State
from kiosk.flow.events import Back, PinResult
from kiosk.ui.screens.base import KioskScreen


class MaintenanceLoginScreen(KioskScreen):
    pin = StringProperty("")
    message = StringProperty("")  # the gate's own words (wrong PIN, n tries left; locked for s seconds)
    checking = BooleanProperty(False)

    def on_kv_post(self, *a):
        self.ids.keypad.bind(value=lambda _w, v: setattr(self, "pin", v))

    def login(self):
        if self.checking:
            return
        pin, self.ids.keypad.value = self.pin, ""
        app = self.app
        m = getattr(app, "maintenance", None)
        lang = app.lang
        self.checking, self.message = True, app.tr("mt_pin_checking")

        def check():
            from kiosk.maintenance.presenters import login_message, tr as gate_tr

            if m is None:
                ok, text = False, gate_tr("disabled", lang)
            else:
                try:
                    result = m.auth.login(pin)
                    ok, text = result.accepted, login_message(result, lang)
                except Exception as e:  # a broken hash is a config error: never a way in
                    ok, text = False, type(e).__name__
            Clock.schedule_once(lambda dt: self._checked(ok, text))

        threading.Thread(target=check, daemon=True, name="pin-check").start()

    def _checked(self, ok: bool, text: str) -> None:
        self.checking, self.message = False, text
        app = self.app
        if ok and app.shell.flow.state != State.MAINTENANCE_LOGIN:
            app.maintenance.auth.logout("abandoned")  # the login screen timed out while the PIN was checked
            return
        app.post(PinResult(ok), touch=False)

    def back(self):
        self.send(Back())

    def on_leave(self, *a):
        self.message = ""

    def clear(self):
        self.pin = ""
        self.message = ""
        self.ids.keypad.value = ""
