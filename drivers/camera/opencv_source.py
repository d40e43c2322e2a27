"""A real camera (or video file / image sequence / IP stream) through OpenCV's VideoCapture."""

from __future__ import annotations

from typing import Any

import numpy as np

from kiosk.errors import DeviceError, DeviceNotFound, DeviceTimeout

DEVICE = "camera"


class OpenCVSource:
    """`target` is a device index (int), a device path, a video file, an image-sequence pattern or a URL.

    width/height/fps are requests: a camera may choose the nearest mode it supports.
    `loop` rewinds a file at its end instead of reporting the camera as lost.
    """

    def __init__(
        self,
        target: int | str,
        *,
        width: int | None = None,
        height: int | None = None,
        fps: float | None = None,
        loop: bool = False,
        api: int | None = None,
    ):
        self.target, self.width, self.height, self.fps, self.loop = target, width, height, fps, loop
        self.api = api
        self.name = f"opencv:{target}"
        self._cap: Any = None  # cv2.VideoCapture once opened

    def open(self) -> None:
        import cv2

        try:
            cap = cv2.VideoCapture(self.target, self.api if self.api is not None else cv2.CAP_ANY)
        except cv2.error as e:
            raise DeviceNotFound(DEVICE, f"cannot open {self.target!r}: {e}") from None
        if not cap.isOpened():
            cap.release()
            raise DeviceNotFound(DEVICE, f"cannot open {self.target!r} (no such device, file or stream)")
        if self.width and self.height:
            cap.set(cv2.CAP_PROP_FRAME_WIDTH, self.width)
            cap.set(cv2.CAP_PROP_FRAME_HEIGHT, self.height)
        if self.fps:
            cap.set(cv2.CAP_PROP_FPS, self.fps)
        # Keep the driver's own buffer short so the newest frame is what read() returns.
        cap.set(cv2.CAP_PROP_BUFFERSIZE, 1)
        self._cap = cap

    def read(self) -> np.ndarray:
        import cv2

        if self._cap is None:
            raise DeviceError(DEVICE, "read before open")
        try:
            ok, frame = self._cap.read()
            if not ok and self.loop:
                self._cap.set(cv2.CAP_PROP_POS_FRAMES, 0)
                ok, frame = self._cap.read()
        except cv2.error as e:
            raise DeviceNotFound(DEVICE, f"{self.target!r}: {e}") from None
        if not ok or frame is None:
            raise DeviceTimeout(DEVICE, f"{self.target!r} returned no frame (unplugged or end of stream)")
        return frame

    def close(self) -> None:
        if self._cap is not None:
            self._cap.release()
            self._cap = None


def factory(url: str, **options) -> OpenCVSource:
    """'0' → device index 0; '/dev/video0', 'rtsp://…', 'http://…' → as given to VideoCapture."""
    url = url.strip()
    target: int | str = int(url) if url.isdigit() else url
    return OpenCVSource(target, **options)
