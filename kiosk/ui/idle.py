"""Work left after the first interactive frame (the other screens, the voice prompts), done one piece a frame and
only while nobody is touching the kiosk: a piece takes 5–30 ms of the main thread (and its first drawing as much
again), which an applicant's touch would otherwise wait for. A screen needed sooner is built when the flow asks for
it. When all is done, the long-lived objects are moved out of the garbage collector's way (`gc.freeze`), so later
collections do not walk them while an applicant waits."""

from __future__ import annotations

import gc
import time
from collections import deque
from typing import Callable


class IdleWork:
    def __init__(self, quiet_s: float = 1.0, now: Callable[[], float] = time.monotonic):
        self.quiet_s, self.now = quiet_s, now
        self.on_done: list[Callable[[], object]] = []  # e.g. the kiosk's own background warm-ups may start
        self.todo: deque[Callable[[], object]] = deque()
        self.last_touch = float("-inf")
        self.done = False

    def add(self, pieces) -> None:
        self.todo.extend(pieces)
        self.done = False

    def touched(self) -> None:
        self.last_touch = self.now()

    def step(self) -> bool:
        """One frame's turn: run one piece if the kiosk is quiet. False once there is nothing left."""
        if not self.todo:
            if not self.done:
                self.done = True
                gc.collect()
                gc.freeze()
                for callback in self.on_done:
                    callback()
            return False
        if self.now() - self.last_touch < self.quiet_s:
            return True
        self.todo.popleft()()
        return True

    def cancel(self) -> None:
        self.todo.clear()
        self.done = True
