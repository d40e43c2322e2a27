"""sim://camera — a simulated camera for the demo and tests, no hardware needed.

Default mode "people": fixture photos of real people (public domain, assets/samples/faces) composited onto an
empty room in a scripted loop — nobody, a person walking in small and off-centre, stepping closer, holding
still (good frames, so auto-capture fires), leaving; then the next person. A little sensor noise keeps the
frozen-frame check honest. Fault modes for tests and demos:
  black   – a covered lens (black frames)        frozen – the same frame forever
  absent  – open() fails (no camera)             unplug – frames stop after `unplug_after` reads
Time in the scene is wall-clock time since open() (with `realtime`): a reader slower than `fps` misses frames,
as with a real camera, but a blink still lasts BLINK_S, not a number of frames. Without `realtime` (tests,
benchmarks) a frame is 1/fps later than the one before.
With `person=IMAGE` the camera shows that one person (any photo with a face): they step up, hold still, and then,
unless `animate=False` (a still photo held to the camera), do what the screen asks (`follow` returns the
instruction shown: blink, turn_left, turn_right), again and again, or without `follow` blink and turn in turn.
A flat photo cannot really turn, so the turn is drawn as a solid head turning about the neck (sim_actor.py), a
little differently each time (further or less far, a slight tilt), as different people turn differently.
"""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np

from drivers.camera.file_source import decode_image
from drivers.camera.sim_actor import Actor
import heyuan_assets as assets
from kiosk.errors import DeviceNotFound

DEVICE = "camera"
FIXTURES = assets.path("samples", "faces")
# Head-and-shoulders crop (x0, y0, x1, y1) of each fixture photo, so the face sits where a kiosk sees it.
PEOPLE = {"astronaut.png": (73, 0, 373, 300), "grace_hopper.jpg": (67, 26, 467, 426)}
# (start s, end s, scale from, scale to, x from, x to): x is the face-crop centre as a fraction of the width.
SCRIPT = [
    (0.0, 1.0, 0.0, 0.0, 0.5, 0.5),  # empty room
    (1.0, 3.0, 0.45, 0.45, 0.05, 0.3),  # walks in: small, off to the side
    (3.0, 4.5, 0.45, 0.95, 0.3, 0.5),  # steps closer
    (4.5, 8.5, 0.95, 0.95, 0.5, 0.5),  # holds still in front of the camera
    (8.5, 9.5, 0.95, 0.95, 0.5, 1.1),  # leaves
]
LOOP_S = SCRIPT[-1][1]
MODES = ("people", "black", "frozen", "absent", "unplug")
# One person: (start s, end s, scale from, scale to, x from, x to), then holds still from HOLD_S on.
PERSON_SCRIPT = [(0.0, 0.5, 0.5, 0.5, 0.3, 0.4), (0.5, 1.2, 0.5, 0.95, 0.4, 0.5)]
HOLD_S = 1.2
# While holding still (seconds after HOLD_S, repeating): (start, end, gesture); neutral otherwise.
GESTURES = [(1.0, 1.35, "blink"), (2.0, 2.9, "turn_left"), (3.5, 4.4, "turn_right")]
GESTURE_CYCLE_S = 5.0
FOLLOW_CYCLE_S, FOLLOW_REST_S = 1.5, 0.6  # doing what the screen says: rest, then the gesture
BLINK_S = 0.3  # a deliberate blink: eyes closed this long (wall-clock), then open again
KNOWN_GESTURES = ("blink", "turn_left", "turn_right")


class SimulatedCamera:
    def __init__(
        self,
        *,
        mode: str = "people",
        width: int = 640,
        height: int = 480,
        fps: float = 15.0,
        photos: dict[str, tuple[int, int, int, int]] | None = None,
        photo_dir: Path | str = FIXTURES,
        unplug_after: int = 30,
        realtime: bool = True,
        sleep=time.sleep,
        clock=time.monotonic,
        person: str | None = None,
        animate: bool = True,
        follow=None,
    ):
        if mode not in MODES:
            raise ValueError(f"unknown sim camera mode {mode!r}; known: {MODES}")
        self.mode, self.width, self.height, self.fps = mode, width, height, fps
        self.photos = photos if photos is not None else PEOPLE
        self.photo_dir, self.unplug_after, self.realtime = Path(photo_dir), unplug_after, realtime
        self._sleep, self._clock = sleep, clock
        self.person, self.animate, self.follow = person, animate, follow
        self.name = f"sim:{mode}" if person is None else "sim:person"
        self._actor: Actor | None = None
        self._asked: tuple[str | None, float | None] = (None, None)
        self._people: list[np.ndarray] = []
        self._room: np.ndarray | None = None
        self._noise: list[np.ndarray] = []
        self._count = 0
        self._next_at = self._opened_at = 0.0

    def open(self) -> None:
        if self.mode == "absent":
            raise DeviceNotFound(DEVICE, "simulated camera is absent")
        import cv2

        self._people = []
        if self.person is not None:
            self._actor = Actor(decode_image(Path(self.person)))
        else:
            for name, (x0, y0, x1, y1) in self.photos.items():
                self._people.append(decode_image(self.photo_dir / name)[y0:y1, x0:x1].copy())
        ramp = np.linspace(150, 190, self.width, dtype=np.float32)
        self._room = cv2.cvtColor(np.tile(ramp, (self.height, 1)).astype(np.uint8), cv2.COLOR_GRAY2BGR)
        rng = np.random.default_rng(7)
        self._noise = [rng.integers(0, 4, (self.height, self.width, 3), dtype=np.uint8) for _ in range(3)]
        self._count, self._next_at = 0, self._clock()
        self._opened_at = self._next_at

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
        t = self._clock() - self._opened_at if self.realtime else self._count / self.fps
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
        if self._actor is not None:
            return self._render_actor(frame, t)
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
            frame[top : top + side, a:b] = patch[:, a - left : b - left]
        return frame

    def _render_actor(self, frame: np.ndarray, t: float) -> np.ndarray:
        scale, cx, gesture, k = 0.95, 0.5, None, 0.0
        for start, end, s0, s1, x0, x1 in PERSON_SCRIPT:
            if start <= t < end:
                k = (t - start) / (end - start)
                scale, cx = s0 + (s1 - s0) * k, x0 + (x1 - x0) * k
                break
        else:
            variant = 0
            asked = self.follow() if self.follow is not None else None
            if not self.animate:
                pass
            elif asked in KNOWN_GESTURES:
                if self._asked != (asked, self._asked[1]) or self._asked[1] is None:
                    self._asked = (asked, t)  # reads the instruction, then starts after a moment
                n, local = divmod(t - self._asked[1], FOLLOW_CYCLE_S)
                if local >= FOLLOW_REST_S and (asked != "blink" or local < FOLLOW_REST_S + BLINK_S):
                    gesture, k, variant = asked, (local - FOLLOW_REST_S) / (FOLLOW_CYCLE_S - FOLLOW_REST_S), int(n)
            elif self.follow is None:
                n, local = divmod(t - HOLD_S, GESTURE_CYCLE_S)
                for start, end, name in GESTURES:
                    if start <= local < end:
                        gesture, k, variant = name, (local - start) / (end - start), int(n)
            return _paste(frame, self._actor.pose(gesture, k, variant), scale, cx)
        return _paste(frame, self._actor.pose(None, 0.0), scale, cx)

    def close(self) -> None:
        self._room, self._people, self._noise, self._actor = None, [], [], None


def _paste(frame: np.ndarray, person: np.ndarray, scale: float, cx: float) -> np.ndarray:
    import cv2

    h, w = frame.shape[:2]
    side = int(scale * h)
    if side < 8:
        return frame
    patch = cv2.resize(person, (side, side), interpolation=cv2.INTER_AREA)
    left, top = int(cx * w) - side // 2, h - side
    a, b = max(left, 0), min(left + side, w)
    if a < b:
        frame[top : top + side, a:b] = patch[:, a - left : b - left]
    return frame


def factory(url: str, **options) -> SimulatedCamera:
    """sim://camera or sim://camera/<mode>; options as keyword arguments (mode, fps, width, height, person, …)."""
    rest = url.split("://", 1)[-1].strip("/")
    parts = rest.split("/")
    if len(parts) > 1 and parts[1]:
        options.setdefault("mode", parts[1])
    return SimulatedCamera(**options)
