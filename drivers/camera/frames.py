"""Frame checks shared by the capture thread and the face pipeline: format, black and frozen frames.

Each problem has a stable code (the UI maps codes to texts): bad_frame, black_frames, frozen_frames.
"""

from __future__ import annotations

import numpy as np

from kiosk.errors import KioskError

MIN_SIDE = 64  # smaller frames cannot hold a usable face
BLACK_MEAN = 12.0  # mean grey level (0–255) under which a frame counts as black …
BLACK_STD = 6.0  # … when it is also this flat (a dark room still has texture)


class FrameFormatError(KioskError):
    """A frame of the wrong size, type or colour layout. `code` is always 'bad_frame'."""

    code = "bad_frame"


def as_bgr(frame) -> np.ndarray:
    """Return the frame as a contiguous H×W×3 uint8 BGR array: grey and BGRA are converted, the rest refused."""
    if not isinstance(frame, np.ndarray):
        raise FrameFormatError(f"not an image array: {type(frame).__name__}")
    if frame.dtype != np.uint8:
        raise FrameFormatError(f"pixel type {frame.dtype}, expected uint8")
    if frame.ndim == 3 and frame.shape[2] == 1:
        frame = frame[:, :, 0]
    if frame.ndim == 2:
        frame = np.repeat(frame[:, :, None], 3, axis=2)
    elif frame.ndim != 3 or frame.shape[2] not in (3, 4):
        raise FrameFormatError(f"shape {frame.shape}, expected H×W, H×W×3 or H×W×4")
    elif frame.shape[2] == 4:
        frame = frame[:, :, :3]
    h, w = frame.shape[:2]
    if min(h, w) < MIN_SIDE:
        raise FrameFormatError(f"frame {w}×{h} is smaller than {MIN_SIDE} px")
    return np.ascontiguousarray(frame)


def thumbnail(frame: np.ndarray, step: int = 8) -> np.ndarray:
    """A cheap strided grey-ish sample for frame-to-frame comparisons (no copy of the full frame)."""
    return frame[::step, ::step, 1].astype(np.int16)


def is_black(frame: np.ndarray) -> bool:
    sample = thumbnail(frame)
    return float(sample.mean()) < BLACK_MEAN and float(sample.std()) < BLACK_STD


class FrozenDetector:
    """Flags a stream whose frames stop changing: a live sensor always has some noise.

    Frozen when every frame for `frozen_after_s` differs from the previous one by less than
    `max_mean_diff` grey levels on average.
    """

    def __init__(self, frozen_after_s: float = 2.0, max_mean_diff: float = 0.05):
        self.frozen_after_s = frozen_after_s
        self.max_mean_diff = max_mean_diff
        self._last: np.ndarray | None = None
        self._still_since: float | None = None

    def update(self, frame: np.ndarray, now: float) -> bool:
        sample = thumbnail(frame)
        same = (
            self._last is not None
            and self._last.shape == sample.shape
            and float(np.abs(sample - self._last).mean()) < self.max_mean_diff
        )
        self._last = sample
        if not same:
            self._still_since = None
            return False
        if self._still_since is None:
            self._still_since = now
        return now - self._still_since >= self.frozen_after_s

    def reset(self) -> None:
        self._last, self._still_since = None, None
