"""One party's face capture, off the main thread: the camera's capture thread plus a worker that feeds frames
to the face pipeline. Results and preview frames go to callbacks the caller makes main-thread safe.
Frames stay in memory; the preview is a small copy, and everything is dropped on stop()."""
from __future__ import annotations

import logging
import threading
import time
from typing import Callable

log = logging.getLogger(__name__)
PREVIEW_SIZE = (320, 240)
PREVIEW_EVERY_S = 0.07


class FaceSession:
    def __init__(self, open_source: Callable, engine: Callable[[], object | None], *, needed: int = 5,
                 on_progress: Callable[[str, float], None], on_frame: Callable[[object], None],
                 on_done: Callable[[object], None], on_fault: Callable[[str, bool], None],
                 capture_only_after_s: float = 3.0):
        self.open_source, self.engine, self.needed = open_source, engine, needed
        self.on_progress, self.on_frame, self.on_done, self.on_fault = on_progress, on_frame, on_done, on_fault
        self.capture_only_after_s = capture_only_after_s
        self._stop = threading.Event()
        self._capture = None
        self._worker: threading.Thread | None = None

    def start(self) -> None:
        from drivers.camera.capture import CaptureThread

        self._stop.clear()
        self._capture = CaptureThread(self.open_source, on_event=self._camera_event).start()
        self._worker = threading.Thread(target=self._run, name="face-session", daemon=True)
        self._worker.start()

    def stop(self) -> None:
        self._stop.set()
        if self._capture is not None:
            self._capture.stop()
            self._capture = None
        if self._worker is not None and self._worker is not threading.current_thread():
            self._worker.join(timeout=2)
        self._worker = None

    def restart_capture(self) -> None:
        """Retake: forget the good frames so far."""
        self._restart = True

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

    def _loop(self) -> None:
        import cv2

        from kiosk.services.face.pipeline import CAPTURE_ONLY, PartyCapture

        engine = self._engine()
        capture = PartyCapture(engine, consecutive_good_frames=self.needed) if engine is not None else None
        self._restart = False
        seq, shown, started = 0, 0.0, time.monotonic()
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
            if self._restart and engine is not None:
                capture, self._restart, started = PartyCapture(engine, consecutive_good_frames=self.needed), False, now
            if capture is None or engine.mode == CAPTURE_ONLY:
                left = self.capture_only_after_s - (now - started)
                self.on_progress("models_unavailable", max(0.0, left))
                if left <= 0:
                    result = capture.capture_now(frame.image) if capture else None
                    self.on_done(result)
                    return
                continue
            progress = capture.feed(frame.image, frame.t)
            self.on_progress(progress.code, progress.good_streak / max(1, self.needed))
            if progress.done:
                self.on_done(capture.result)
                return
