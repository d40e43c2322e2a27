"""Frames from files for simulation and tests: a still image, a folder of images, or a video.

Images are decoded once at open() and served at a steady pace, in a loop by default.
"""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np

from drivers.camera.frames import FrameFormatError, as_bgr
from kiosk.errors import DeviceNotFound, DeviceTimeout

DEVICE = "camera"
IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".bmp", ".webp", ".tif", ".tiff"}


def decode_image(path: Path | str) -> np.ndarray:
    """Read an image file as BGR. Missing → DeviceNotFound; corrupt or not an image → FrameFormatError."""
    import cv2

    try:
        data = np.fromfile(str(path), dtype=np.uint8)
    except OSError as e:
        raise DeviceNotFound(DEVICE, f"{path}: {e.strerror or e}") from None
    image = cv2.imdecode(data, cv2.IMREAD_UNCHANGED) if data.size else None
    if image is None:
        raise FrameFormatError(f"{path}: corrupt or not an image")
    if image.dtype == np.uint16:  # 16-bit PNG/TIFF: keep the top 8 bits
        image = (image >> 8).astype(np.uint8)  # type: ignore[operator]  # an integer array here
    return as_bgr(image)


class ImageSequenceSource:
    """Serves decoded frames in order at `fps`; at the end loops, or reports the camera lost."""

    def __init__(
        self,
        frames_or_paths,
        *,
        fps: float = 15.0,
        loop: bool = True,
        name: str = "images",
        clock=time.monotonic,
        sleep=time.sleep,
    ):
        self._items = list(frames_or_paths)
        self.fps, self.loop, self.name = fps, loop, name
        self._clock, self._sleep = clock, sleep
        self._frames: list[np.ndarray] = []
        self._index = 0
        self._next_at = 0.0

    def open(self) -> None:
        if not self._items:
            raise DeviceNotFound(DEVICE, f"{self.name}: no images")
        self._frames = [as_bgr(x) if isinstance(x, np.ndarray) else decode_image(x) for x in self._items]
        self._index, self._next_at = 0, self._clock()

    def read(self) -> np.ndarray:
        if not self._frames:
            raise DeviceNotFound(DEVICE, f"{self.name}: not open")
        if self._index >= len(self._frames):
            if not self.loop:
                raise DeviceTimeout(DEVICE, f"{self.name}: end of sequence")
            self._index = 0
        delay = self._next_at - self._clock()
        if delay > 0:
            self._sleep(delay)
        self._next_at = max(self._next_at + 1.0 / self.fps, self._clock())
        frame = self._frames[self._index]
        self._index += 1
        return frame.copy()

    def close(self) -> None:
        self._frames = []


def factory(url: str, *, fps: float = 15.0, loop: bool = True, **options):
    """A folder or a still image → ImageSequenceSource; a video or a printf pattern → OpenCV."""
    from drivers.camera.opencv_source import OpenCVSource

    path = Path(url.removeprefix("file://"))
    if path.is_dir():
        files = sorted(p for p in path.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES)
        return ImageSequenceSource(files, fps=fps, loop=loop, name=str(path))
    if path.suffix.lower() in IMAGE_SUFFIXES and "%" not in path.name:
        return ImageSequenceSource([path], fps=fps, loop=loop, name=str(path))
    return OpenCVSource(str(path), loop=loop, fps=fps, **options)
