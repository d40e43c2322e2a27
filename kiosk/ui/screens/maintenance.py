"""Maintenance: a status summary (devices, office server, journal backlog, sessions) and the way out.
Issue 8's technician screens (kiosk/maintenance) add the full tools."""
from __future__ import annotations

from kivy.properties import StringProperty

from kiosk.flow_events import Finish
from kiosk.ui.i18n import tr
from kiosk.ui.screens.base import KioskScreen


class MaintenanceScreen(KioskScreen):
    status_text = StringProperty("")

    def update(self, flow):
        lang = flow.session.language
        st = flow.status
        rows = [f"[b]{tr('maint_devices', lang)}[/b]"]
        for dev in ("idcard", "scanner", "printer", "camera"):
            down = dev in st.devices_down or (dev == "printer" and not st.printer_ok)
            rows.append(f"  {tr('dev_' + dev, lang)}: {tr('status_down' if down else 'status_ok', lang)}")
        rows.append(f"[b]{tr('maint_backend', lang)}[/b]: "
                    f"{tr('status_online' if st.backend_online else 'status_offline', lang)}")
        kiosk = self.app.kiosk
        if kiosk is not None:
            try:
                snap = kiosk.link.snapshot()
                rows.append(f"  {snap.get('url', '')}  journal: {snap.get('journal', {})}")
            except Exception:
                pass
            rows.append(f"  sessions: {dict(kiosk.runner.sessions)}")
        self.status_text = "\n".join(rows)

    def leave(self):
        self.send(Finish())
