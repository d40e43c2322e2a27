"""One party's face step, off the UI thread: the camera's capture thread plus a worker that feeds frames to the
face pipeline (quality gate → auto-capture → liveness challenge), then verifies the capture (`verify`, e.g.
kiosk.services.identity.FaceVerifier) in the same worker. Results and preview frames go to callbacks the caller
makes main-thread safe. Frames stay in memory; the preview is a small copy, and everything is dropped on stop().
"""

from __future__ import annotations

import logging
import secrets
import threading
import time
from typing import TYPE_CHECKING, Callable

if TYPE_CHECKING:
    from drivers.camera.capture import CaptureThread

log = logging.getLogger(__name__)
PREVIEW_SIZE = (320, 240)
PREVIEW_EVERY_S = 0.07


class FaceSession:
    def __init__(
        self,
        open_source: Callable,
        engine: Callable[[], object | None],
        *,
        needed: int = 5,
        on_progress: Callable[[str, float], None],
        on_frame: Callable[[object], None],
        on_done: Callable[[object], None],
        on_fault: Callable[[str, bool], None],
        capture_only_after_s: float = 3.0,
        liveness: bool = False,
        party: int = 1,
        verify: Callable[[object, object], object] | None = None,
        liveness_timeout_s: float = 8.0,
        on_rate: Callable[[float], None] | None = None,
    ):
        self.open_source, self.engine, self.needed = open_source, engine, needed
        self.on_progress, self.on_frame, self.on_done, self.on_fault = on_progress, on_frame, on_done, on_fault
        self.capture_only_after_s = capture_only_after_s
        self.liveness, self.party, self.verify = liveness, party, verify
        self.liveness_timeout_s = liveness_timeout_s
        self.on_rate = on_rate  # frames analysed per second, every few seconds (the maintenance board, metrics)
        self._stop = threading.Event()
        self._capture: CaptureThread | None = None
        self._worker: threading.Thread | None = None

    def start(self) -> "FaceSession":
        from drivers.camera.capture import CaptureThread

        self._stop.clear()
        self._capture = CaptureThread(self.open_source, on_event=self._camera_event).start()
        self._worker = threading.Thread(target=self._run, name="face-session", daemon=True)
        self._worker.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        if self._capture is not None:
            self._capture.stop()
            self._capture = None
        if self._worker is not None and self._worker is not threading.current_thread():
            self._worker.join(timeout=2)
        self._worker = None

    @property
    def running(self) -> bool:
        return self._worker is not None and self._worker.is_alive()

    def _camera_event(self, event) -> None:
        self.on_fault(event.code, event.fault)

    def _run(self) -> None:
        try:
            self._loop()
        except Exception:
            log.exception("face session failed")
            self.on_progress("models_unavailable", 0.0)

    def _engine(self):
        deadline = time.monotonic() + 10
        while not self._stop.is_set() and time.monotonic() < deadline:
            engine = self.engine()
            if engine is not None:
                return engine
            self._stop.wait(0.05)
        return None

    def _party_capture(self, engine):
        from kiosk.services.face.liveness import LivenessChallenge
        from kiosk.services.face.pipeline import PartyCapture

        # A fresh random challenge per capture: a recording of an earlier one does not help.
        challenge = (
            LivenessChallenge(secrets.randbits(32), step_timeout_s=self.liveness_timeout_s) if self.liveness else None
        )
        return PartyCapture(engine, consecutive_good_frames=self.needed, liveness=challenge)

    def _loop(self) -> None:
        import cv2

        from drivers.camera.frames import FrameFormatError
        from kiosk.services.face.pipeline import CAPTURE_ONLY, Progress

        engine = self._engine()
        capture = self._party_capture(engine) if engine is not None else None
        seq, shown, started = 0, 0.0, time.monotonic()
        rate = _Rate(self.on_rate)
        while not self._stop.is_set():
            cap = self._capture
            frame = cap.wait_newer(seq, 0.5) if cap is not None else None
            if frame is None:
                continue
            seq = frame.seq
            now = time.monotonic()
            if now - shown >= PREVIEW_EVERY_S:
                shown = now
                self.on_frame(cv2.resize(frame.image, PREVIEW_SIZE, interpolation=cv2.INTER_AREA))
            if capture is None or engine.mode == CAPTURE_ONLY:
                left = self.capture_only_after_s - (now - started)
                self.on_progress("models_unavailable", max(0.0, left))
                if left <= 0:
                    self._finish(engine, capture.capture_now(frame.image) if capture else None)
                    return
                continue
            try:
                progress = capture.feed(frame.image, frame.t)
            except FrameFormatError:
                progress = Progress("bad_frame", [], 0, False)
            rate.analysed(time.monotonic())
            self.on_progress(progress.code, progress.good_streak / max(1, self.needed))
            if progress.done:
                rate.report()
                self._finish(engine, capture.result)
                return

    def _finish(self, engine, result) -> None:
        if result is not None:
            result.party = self.party
            if self.verify is not None and not self._stop.is_set():
                self.on_progress("comparing", 1.0)
                self.verify(engine, result)
        self.on_done(result)


class _Rate:
    """Frames analysed per second, reported every REPORT_EVERY_S and at the end of a capture."""

    REPORT_EVERY_S = 2.0

    def __init__(self, report_to: Callable[[float], None] | None):
        self.report_to = report_to
        self.first: float | None = None
        self.last, self.frames, self.reported = 0.0, 0, 0.0

    def analysed(self, now: float) -> None:
        if self.first is None:
            self.first = self.reported = now
        self.last, self.frames = now, self.frames + 1
        if now - self.reported >= self.REPORT_EVERY_S:
            self.report()

    def report(self) -> None:
        if self.report_to is None or self.first is None or self.last <= self.first:
            return
        self.reported = self.last
        self.report_to((self.frames - 1) / (self.last - self.first))
