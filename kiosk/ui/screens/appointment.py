"""Appointment check-in: scan the booking QR, or phone + booking code on the big keypad, or find it by ID card."""

from __future__ import annotations

from kivy.properties import StringProperty

from kiosk.domain.masking import mask_phone
from kiosk.flow.events import Back, PhoneCodeEntered, UseIdCard
from kiosk.ui.screens.base import KioskScreen


class AppointmentScreen(KioskScreen):
    field = StringProperty("phone")  # which entry the keypad types into
    phone = StringProperty("")
    code = StringProperty("")

    def on_kv_post(self, *a):
        self.ids.keypad.bind(value=self._typed)

    def _typed(self, _w, value):
        setattr(self, self.field, value)
        if self.field == "phone" and len(value) == 11:
            self.select("code")

    def select(self, which: str):
        self.field = which
        self.ids.keypad.max_len = 11 if which == "phone" else 6
        self.ids.keypad.value = getattr(self, which)

    def shown_phone(self, phone: str) -> str:
        return phone if self.field == "phone" or len(phone) < 11 else mask_phone(phone)

    def submit(self):
        if len(self.phone) == 11 and len(self.code) >= 4:
            phone, code = self.phone, self.code
            self.clear()
            self.send(PhoneCodeEntered(phone, code))

    def by_card(self):
        self.send(UseIdCard())

    def back(self):
        self.send(Back())

    def clear(self):
        self.phone = self.code = ""
        if "keypad" in self.ids:
            self.ids.keypad.value = ""
        self.field = "phone"
