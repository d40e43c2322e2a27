"""The camera port: a source of BGR frames. Adapters (OpenCV device, files, simulator) implement it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    import numpy as np


class FrameSource(Protocol):
    """Opened by the capture thread, read in a loop, closed on loss or shutdown.

    `read()` blocks until the next frame and returns an H×W×3 uint8 BGR array, or raises a
    kiosk.errors.DeviceError (DeviceNotFound when the camera is gone, DeviceTimeout when it stalls).
    Constructors do no I/O; `open()` does.
    """

    name: str

    def open(self) -> None: ...

    def read(self) -> "np.ndarray": ...

    def close(self) -> None: ...
