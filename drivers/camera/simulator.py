"""sim://camera — a simulated camera for the demo and tests, no hardware needed.

Default mode "people": fixture photos of real people (public domain, kiosk/resources/samples/faces) composited onto an
empty room in a scripted loop — nobody, a person walking in small and off-centre, stepping closer, holding
still (good frames, so auto-capture fires), leaving; then the next person. A little sensor noise keeps the
frozen-frame check honest. Fault modes for tests and demos:
  black   – a covered lens (black frames)        frozen – the same frame forever
  absent  – open() fails (no camera)             unplug – frames stop after `unplug_after` reads
"""
from __future__ import annotations

import time
from pathlib import Path

import numpy as np

from drivers.camera.file_source import decode_image
from kiosk import resources
from kiosk.errors import DeviceNotFound

DEVICE = "camera"
FIXTURES = resources.path("samples", "faces")
# Head-and-shoulders crop (x0, y0, x1, y1) of each fixture photo, so the face sits where a kiosk sees it.
PEOPLE = {"astronaut.png": (73, 0, 373, 300), "grace_hopper.jpg": (67, 26, 467, 426)}
# (start s, end s, scale from, scale to, x from, x to): x is the face-crop centre as a fraction of the width.
SCRIPT = [
    (0.0, 1.0, 0.0, 0.0, 0.5, 0.5),     # empty room
    (1.0, 3.0, 0.45, 0.45, 0.05, 0.3),  # walks in: small, off to the side
    (3.0, 4.5, 0.45, 0.95, 0.3, 0.5),   # steps closer
    (4.5, 8.5, 0.95, 0.95, 0.5, 0.5),   # holds still in front of the camera
    (8.5, 9.5, 0.95, 0.95, 0.5, 1.1),   # leaves
]
LOOP_S = SCRIPT[-1][1]
MODES = ("people", "black", "frozen", "absent", "unplug")


class SimulatedCamera:
    def __init__(self, *, mode: str = "people", width: int = 640, height: int = 480, fps: float = 15.0,
                 photos: dict[str, tuple[int, int, int, int]] | None = None, photo_dir: Path | str = FIXTURES,
                 unplug_after: int = 30, realtime: bool = True, sleep=time.sleep, clock=time.monotonic):
        if mode not in MODES:
            raise ValueError(f"unknown sim camera mode {mode!r}; known: {MODES}")
        self.mode, self.width, self.height, self.fps = mode, width, height, fps
        self.photos = photos if photos is not None else PEOPLE
        self.photo_dir, self.unplug_after, self.realtime = Path(photo_dir), unplug_after, realtime
        self._sleep, self._clock = sleep, clock
        self.name = f"sim:{mode}"
        self._people: list[np.ndarray] = []
        self._room: np.ndarray | None = None
        self._noise: list[np.ndarray] = []
        self._count = 0
        self._next_at = 0.0

    def open(self) -> None:
        if self.mode == "absent":
            raise DeviceNotFound(DEVICE, "simulated camera is absent")
        import cv2

        self._people = []
        for name, (x0, y0, x1, y1) in self.photos.items():
            self._people.append(decode_image(self.photo_dir / name)[y0:y1, x0:x1].copy())
        ramp = np.linspace(150, 190, self.width, dtype=np.float32)
        self._room = cv2.cvtColor(np.tile(ramp, (self.height, 1)).astype(np.uint8), cv2.COLOR_GRAY2BGR)
        rng = np.random.default_rng(7)
        self._noise = [rng.integers(0, 4, (self.height, self.width, 3), dtype=np.uint8) for _ in range(3)]
        self._count, self._next_at = 0, self._clock()

    def read(self) -> np.ndarray:
        if self._room is None:
            raise DeviceNotFound(DEVICE, "simulated camera not open")
        if self.mode == "unplug" and self._count >= self.unplug_after:
            raise DeviceNotFound(DEVICE, "simulated camera unplugged")
        if self.realtime:
            delay = self._next_at - self._clock()
            if delay > 0:
                self._sleep(delay)
            self._next_at = max(self._next_at + 1.0 / self.fps, self._clock())
        t = self._count / self.fps
        self._count += 1
        if self.mode == "black":
            return np.zeros((self.height, self.width, 3), np.uint8)
        if self.mode == "frozen":
            return self.render(4.6)
        import cv2

        return cv2.add(self.render(t), self._noise[self._count % len(self._noise)])

    def render(self, t: float) -> np.ndarray:
        """The scene at `t` seconds into the loop of all people (without noise)."""
        import cv2

        frame = self._room.copy()
        if not self._people:
            return frame
        person = self._people[int(t // LOOP_S) % len(self._people)]
        local = t % LOOP_S
        for start, end, s0, s1, x0, x1 in SCRIPT:
            if start <= local < end:
                k = (local - start) / (end - start)
                scale, cx = s0 + (s1 - s0) * k, x0 + (x1 - x0) * k
                break
        else:
            return frame
        side = int(scale * self.height)
        if side < 8:
            return frame
        patch = cv2.resize(person, (side, side), interpolation=cv2.INTER_AREA)
        left, top = int(cx * self.width) - side // 2, self.height - side
        a, b = max(left, 0), min(left + side, self.width)
        if a < b:
            frame[top:top + side, a:b] = patch[:, a - left:b - left]
        return frame

    def close(self) -> None:
        self._room, self._people, self._noise = None, [], []


def factory(url: str, **options) -> SimulatedCamera:
    """sim://camera or sim://camera/<mode>; options as keyword arguments (mode, fps, width, height, …)."""
    rest = url.split("://", 1)[-1].strip("/")
    parts = rest.split("/")
    if len(parts) > 1 and parts[1]:
        options.setdefault("mode", parts[1])
    return SimulatedCamera(**options)
