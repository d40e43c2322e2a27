"""Runs a PartyCapture on the capture thread's newest frames in a worker thread, off the UI thread.

`on_progress` is called from the worker with each Progress (the UI shell hops to its main thread itself,
e.g. with Kivy's Clock). It stops when the party's face step is done, on stop(), or after `timeout_s`.
"""
from __future__ import annotations

import logging
import threading
import time
from typing import Callable

from drivers.camera.capture import CaptureThread
from drivers.camera.frames import FrameFormatError
from kiosk.services.face.detector import FaceModelError
from kiosk.services.face.pipeline import PartyCapture, Progress

log = logging.getLogger(__name__)


class FaceWorker:
    def __init__(self, capture: CaptureThread, party: PartyCapture, on_progress: Callable[[Progress], None], *,
                 timeout_s: float = 120.0, clock=time.monotonic):
        self.capture, self.party, self.on_progress = capture, party, on_progress
        self.timeout_s, self._clock = timeout_s, clock
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.frames_analysed = 0

    def start(self) -> "FaceWorker":
        self._thread = threading.Thread(target=self._run, name="face-worker", daemon=True)
        self._thread.start()
        return self

    def stop(self, timeout: float = 3.0) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def _run(self) -> None:
        seq, deadline = 0, self._clock() + self.timeout_s
        while not self._stop.is_set() and self._clock() < deadline:
            frame = self.capture.wait_newer(seq, 0.5)
            if frame is None:
                continue
            seq = frame.seq
            try:
                progress = self.party.feed(frame.image, frame.t)
            except (FrameFormatError, FaceModelError) as e:
                code = "bad_frame" if isinstance(e, FrameFormatError) else "models_unavailable"
                log.warning("face step: %s", code)
                progress = Progress(code, [], 0, False)
            self.frames_analysed += 1
            try:
                self.on_progress(progress)
            except Exception:
                log.exception("face progress listener failed")
            if progress.done:
                return
