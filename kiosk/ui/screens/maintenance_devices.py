"""Device status: reader (SAM ID, last error), printer (paper, cover, online), camera fps, scanner, office server
latency and journal backlog; refreshed every 2 s while shown."""

from __future__ import annotations

from kiosk.maintenance.presenters import device_rows
from kiosk.ui.screens.maint_page import RowsPage


class MaintenanceDevicesScreen(RowsPage):
    refresh_every_s = 2.0

    def read_rows(self, m, lang):
        return device_rows(m.board.snapshot(), lang)
