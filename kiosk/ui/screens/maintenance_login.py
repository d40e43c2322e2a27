"""Maintenance login: PIN on the keypad, checked off the main thread (scrypt) against the configured hash."""
from __future__ import annotations

import threading

from kivy.properties import StringProperty

from kiosk.flow_events import Back, PinResult
from kiosk.ui.screens.base import KioskScreen


class MaintenanceLoginScreen(KioskScreen):
    pin = StringProperty("")

    def on_kv_post(self, *a):
        self.ids.keypad.bind(value=lambda _w, v: setattr(self, "pin", v))

    def login(self):
        pin, self.ids.keypad.value = self.pin, ""
        app = self.app
        pin_hash = app.kiosk.config.maintenance.pin_hash if app.kiosk is not None else ""

        def check():
            ok = False
            if pin_hash:
                try:
                    from kiosk.maintenance.pin import verify_pin
                    ok = verify_pin(pin, pin_hash)
                except Exception:
                    ok = False
            app.shell.post_threadsafe(PinResult(ok))
        threading.Thread(target=check, daemon=True).start()

    def back(self):
        self.send(Back())

    def clear(self):
        self.pin = ""
        self.ids.keypad.value = ""
