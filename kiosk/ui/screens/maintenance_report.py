"""The 全城通办 report for a date range: by business, by home county, share from other counties, by day; exported
as CSV + chart PNG to <state dir>/reports (the chart is shown here). The office API is asked in a worker."""

from __future__ import annotations

from typing import Any

from datetime import date, timedelta

from kivy.properties import ListProperty, StringProperty
from kivy.uix.boxlayout import BoxLayout

from kiosk.maintenance.presenters import report_rows
from kiosk.ui.screens.maint_page import MaintPage


def preset_range(preset: str, today: date) -> tuple[str, str]:
    if preset == "week":
        return (today - timedelta(days=6)).isoformat(), today.isoformat()
    if preset == "month":
        return today.replace(day=1).isoformat(), today.isoformat()
    return today.isoformat(), today.isoformat()


def shift(day: str, days: int) -> str:
    try:
        return (date.fromisoformat(day) + timedelta(days=days)).isoformat()
    except ValueError:
        return day


class DateRow(BoxLayout):
    which = StringProperty("start")
    value = StringProperty("")
    page: Any = None  # the page screen, set by the kv rule

    def step(self, days: int) -> None:
        self.page.shift_date(self.which, days)


class MaintenanceReportScreen(MaintPage):
    start = StringProperty("")
    end = StringProperty("")
    rows = ListProperty([])
    chart = StringProperty("")
    files = StringProperty("")
    error = StringProperty("")

    def today(self) -> date:
        from kiosk.services.backend_status import local_now

        return local_now().date()

    def on_kv_post(self, *a):
        self.start, self.end = preset_range("week", self.today())
        for which in ("start", "end"):
            row = DateRow(which=which)
            row.page = self
            self.bind(**{which: lambda _w, v, r=row: setattr(r, "value", v)})
            row.value = getattr(self, which)
            self.ids.dates.add_widget(row)

    def preset(self, name: str) -> None:
        self.touched()
        self.start, self.end = preset_range(name, self.today())

    def shift_date(self, which: str, days: int) -> None:
        self.touched()
        setattr(self, which, shift(getattr(self, which), days))

    def run_report(self) -> None:
        m = self.m
        if m is None or self.loading:
            return
        self.touched()
        self.loading, self.error, self.message = True, "", self.app.tr("mt_report_running")
        start, end, lang = self.start, self.end, self.lang
        self.in_worker(lambda: (m.citywide_report(start, end), lang), self._shown)

    def _shown(self, got, error):
        from kiosk.maintenance.report import ReportRangeError, ReportUnavailable

        self.loading = False
        tr = self.app.tr
        if error is not None:
            self.rows, self.chart, self.files, self.message = [], "", "", ""
            detail = str(error) if isinstance(error, (ReportRangeError, ReportUnavailable)) else type(error).__name__
            self.error = tr("mt_report_error", e=detail)
            return
        out, lang = got
        report, files = out["report"], out["files"] or {}
        self.rows = report_rows(report, lang)
        self.message = tr("mt_report_empty") if report["cases"] == 0 else ""
        self.files = tr("mt_report_saved", files=", ".join(files[k] for k in ("csv", "png") if k in files))
        self.chart = ""
        self.chart = files.get("png", "")

    def wipe(self):
        super().wipe()
        self.rows, self.chart, self.files, self.error = [], "", "", ""
