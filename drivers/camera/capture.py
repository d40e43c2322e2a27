"""The capture thread: reads the camera as fast as it delivers and keeps only the newest frame.

Consumers (the preview, the face pipeline) take `latest()` or wait for a newer one; nothing queues, so a
slow consumer never sees stale frames. Losing the camera emits a fault event and reconnects with backoff;
black or frozen frames emit a problem event. Events fire on changes only, from the capture thread.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from typing import Callable

import numpy as np

from drivers.camera.frames import FrameFormatError, FrozenDetector, as_bgr, is_black
from drivers.camera.port import FrameSource

log = logging.getLogger(__name__)

# Camera status codes carried by events (stable; the UI maps them to texts).
OK, NO_CAMERA, CAMERA_LOST = "ok", "no_camera", "camera_lost"
BLACK_FRAMES, FROZEN_FRAMES, BAD_FRAME = "black_frames", "frozen_frames", "bad_frame"


@dataclass(frozen=True)
class Frame:
    seq: int  # increases by one per frame delivered since start()
    t: float  # clock() when it was read
    image: np.ndarray  # H×W×3 uint8 BGR; shared, treat as read-only


@dataclass(frozen=True)
class CameraEvent:
    code: str  # OK after a problem, or one of the problem codes above
    fault: bool  # True when no frames arrive at all (NO_CAMERA, CAMERA_LOST)
    detail: str = ""


class Backoff:
    """Reconnect delays: first, first×2, … capped at `cap`; reset after a good frame."""

    def __init__(self, first: float = 0.5, cap: float = 10.0):
        self.first, self.cap, self._next = first, cap, first

    def next(self) -> float:
        delay, self._next = self._next, min(self._next * 2, self.cap)
        return delay

    def reset(self) -> None:
        self._next = self.first


class CaptureThread:
    def __init__(
        self,
        open_source: Callable[[], FrameSource],
        *,
        on_event: Callable[[CameraEvent], None] | None = None,
        backoff: Backoff | None = None,
        frozen_after_s: float = 2.0,
        clock=time.monotonic,
    ):
        self._open_source = open_source
        self._on_event = on_event or (lambda event: None)
        self._backoff = backoff or Backoff()
        self._frozen = FrozenDetector(frozen_after_s)
        self._clock = clock
        self._cond = threading.Condition()
        self._latest: Frame | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._status = ""
        self.frames_read = 0
        self.reconnects = 0

    # --- consumer side -------------------------------------------------------------------------
    def start(self) -> "CaptureThread":
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="camera-capture", daemon=True)
        self._thread.start()
        return self

    def stop(self, timeout: float = 3.0) -> None:
        self._stop.set()
        with self._cond:
            self._cond.notify_all()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    def latest(self) -> Frame | None:
        with self._cond:
            return self._latest

    def wait_newer(self, after_seq: int, timeout: float) -> Frame | None:
        """The newest frame with seq > after_seq, waiting up to `timeout`; None if none came."""
        deadline = self._clock() + timeout
        with self._cond:
            while not self._stop.is_set():
                if self._latest is not None and self._latest.seq > after_seq:
                    return self._latest
                remaining = deadline - self._clock()
                if remaining <= 0:
                    return None
                self._cond.wait(remaining)
        return None

    def age(self) -> float | None:
        """Seconds since the newest frame arrived (None before the first). A driver stuck inside read() sends
        no event; a health check that sees this grow past a few seconds should treat the camera as lost."""
        latest = self.latest()
        return None if latest is None else self._clock() - latest.t

    @property
    def status(self) -> str:
        """'' before the first frame or fault, then OK or the current problem code."""
        return self._status

    # --- capture thread ------------------------------------------------------------------------
    def _emit(self, code: str, detail: str = "") -> None:
        if code == self._status:
            return
        self._status = code
        log.info("camera status: %s", code)  # codes only: frames are never logged
        try:
            self._on_event(CameraEvent(code, code in (NO_CAMERA, CAMERA_LOST), detail))
        except Exception:  # a listener's bug must not kill capture
            log.exception("camera event listener failed")

    def _run(self) -> None:
        source: FrameSource | None = None
        ever_opened = False
        seq = 0
        while not self._stop.is_set():
            if source is None:
                try:
                    source = self._open_source()
                    source.open()
                    ever_opened = True
                    self._frozen.reset()
                except Exception as e:  # DeviceError, OSError, or a vendor error not yet converted
                    source = None
                    self._emit(CAMERA_LOST if ever_opened else NO_CAMERA, str(e))
                    self._stop.wait(self._backoff.next())
                    self.reconnects += 1
                    continue
            try:
                image = as_bgr(source.read())
            except FrameFormatError as e:
                self._emit(BAD_FRAME, str(e))
                self._stop.wait(0.01)  # a source that fails instantly must not spin a core
                continue
            except Exception as e:
                self._close(source)
                source = None
                with self._cond:
                    self._latest = None  # no stale picture of the last person while the camera is away
                self._emit(CAMERA_LOST, str(e))
                self._stop.wait(self._backoff.next())
                self.reconnects += 1
                continue
            now = self._clock()
            seq += 1
            self.frames_read += 1
            self._backoff.reset()
            frozen = self._frozen.update(image, now)
            self._emit(BLACK_FRAMES if is_black(image) else FROZEN_FRAMES if frozen else OK)
            with self._cond:
                self._latest = Frame(seq, now, image)
                self._cond.notify_all()
        if source is not None:
            self._close(source)

    @staticmethod
    def _close(source: FrameSource) -> None:
        try:
            source.close()
        except Exception:
            log.exception("closing the camera failed")
