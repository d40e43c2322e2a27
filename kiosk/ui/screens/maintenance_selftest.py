"""Self-tests: read a test card, print a test ticket, camera preview, scan a test code — each in a worker (it may
wait up to 15 s for the technician), its result shown under its button; audited by the core."""

from __future__ import annotations

from kivy.graphics.texture import Texture
from kivy.properties import DictProperty, ObjectProperty

from kiosk.maintenance.core import SELF_TESTS
from kiosk.ui.screens.maint_page import MaintPage

TIMEOUT_S = 15.0


def result_text(result, tr) -> str:
    """One line: passed/failed, seconds, the detail's small values (no images, nothing unmasked)."""
    if result is None:
        return ""
    if result == "running":
        return tr("mt_test_running")
    detail = " · ".join(f"{k}={v}" for k, v in result.detail.items() if not k.startswith("_") and k != "printed")
    head = f"{tr('mt_test_ok' if result.ok else 'mt_test_failed')} ({result.seconds} s)"
    if result.ok and result.detail.get("printed"):  # the test ticket: say what to look at
        head += "  " + tr("mt_test_printed").format(ticket=result.detail["printed"])
    return "  ".join(x for x in (head, detail, result.error) if x)


class MaintenanceSelftestScreen(MaintPage):
    results = DictProperty({})
    preview = ObjectProperty(None, allownone=True)

    def run_test(self, device: str) -> None:
        m = self.m
        if m is None or self.results.get(device) == "running":
            return
        self.touched()
        self.results[device] = "running"
        self.in_worker(lambda: m.run_self_test(device, TIMEOUT_S), lambda r, e: self._done(device, r, e))

    def _done(self, device, result, error):
        if error is not None:
            self.results[device] = None
            self.message = type(error).__name__
            return
        frame = result.detail.get("_frame")
        if frame is not None:
            self.show_frame(frame)
        self.results[device] = result

    def show_frame(self, frame) -> None:
        h, w = frame.shape[:2]
        tex = Texture.create(size=(w, h), colorfmt="bgr")
        tex.flip_vertical()
        tex.blit_buffer(frame.tobytes(), colorfmt="bgr", bufferfmt="ubyte")
        self.preview = tex

    def text_for(self, device: str, results) -> str:
        return result_text(results.get(device), lambda k: self.app.tr(k))

    def wipe(self):
        super().wipe()
        self.results = {}
        self.preview = None


assert set(SELF_TESTS) == {"idcard", "printer", "camera", "scanner"}
