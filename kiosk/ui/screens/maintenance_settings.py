"""Safe settings (walk-in quota, volume, languages, idle timeout): − / + steps or a choice, validated and put on
the audit log by the core (kiosk.maintenance.settings); the shell picks the new values up at once."""

from __future__ import annotations

from typing import Any

from kivy.properties import BooleanProperty, DictProperty, StringProperty
from kivy.uix.boxlayout import BoxLayout

from kiosk.maintenance.presenters import settings_rows
from kiosk.maintenance.settings import SETTINGS
from kiosk.ui.screens.maint_page import MaintPage

STEPS = {"walk_in_quota": 5, "volume": 10, "idle_timeout_s": 10}
LANGUAGE_CHOICES = (["zh", "en"], ["zh"], ["en", "zh"])


def next_value(key: str, current, direction: int):
    if key == "languages":
        choices = [list(c) for c in LANGUAGE_CHOICES]
        i = choices.index(list(current)) if list(current or []) in choices else -1
        return choices[(i + direction) % len(choices)]
    return int(current or 0) + direction * STEPS[key]


class SettingRow(BoxLayout):
    key = StringProperty("")
    label = StringProperty("")
    value = StringProperty("")
    choice = BooleanProperty(False)
    page: Any = None  # the page screen, set by the kv rule

    def step(self, direction: int) -> None:
        self.page.change(self.key, direction)


class MaintenanceSettingsScreen(MaintPage):
    values = DictProperty({})
    error = BooleanProperty(False)

    def on_kv_post(self, *a):
        for key in SETTINGS:
            row = SettingRow(key=key, choice=key == "languages")
            row.page = self
            self.ids.rows.add_widget(row)

    def refresh(self):
        m = self.m
        if m is None:
            self.message = "mt_not_available"
            return
        self.values = m.settings.values()
        self._fill()

    def _fill(self):
        shown = {r["key"]: r for r in settings_rows(self.values, self.lang)}
        for row in self.ids.rows.children:
            row.label, row.value = shown[row.key]["label"], shown[row.key]["value"]

    def change(self, key: str, direction: int) -> None:
        m = self.m
        if m is None:
            return
        self.touched()
        value = next_value(key, self.values.get(key), direction)
        self.in_worker(lambda: m.change_setting(key, value), self._changed)

    def _changed(self, value, error):
        from kiosk.maintenance.settings import SettingError

        if isinstance(error, SettingError):
            self.error, self.message = True, f"{error.key}: {error.problem}"
        elif error is not None:
            self.error, self.message = True, type(error).__name__
        else:
            self.error, self.message = False, self.app.tr("mt_settings_saved")
            self.app.apply_settings()
        self.refresh()
