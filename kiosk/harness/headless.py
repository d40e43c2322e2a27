"""Drive the real app without a person: a script (a generator) yields conditions to wait for, touches and
screenshots; the driver resumes it from Kivy's clock. Screenshots are taken in on_flip (the only moment the
back buffer holds the finished frame; from a Clock callback they come out black)."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Generator

from kivy.clock import Clock
from kivy.core.window import Window


@dataclass
class Until:
    """Wait until `test()` is true (then one more frame is drawn), at most `timeout` seconds."""

    test: Callable[[], bool]
    timeout: float = 15.0
    what: str = ""


@dataclass
class Shot:
    path: Path


class ScriptFailed(Exception):
    pass


def save_window_png(path: Path) -> None:
    from kivy.graphics.opengl import GL_RGBA, GL_UNSIGNED_BYTE, glReadPixels
    from PIL import Image

    w, h = Window.size
    data = glReadPixels(0, 0, w, h, GL_RGBA, GL_UNSIGNED_BYTE)
    Image.frombytes("RGBA", (w, h), data).transpose(Image.Transpose.FLIP_TOP_BOTTOM).convert("RGB").save(path)


class Driver:
    def __init__(self, app, script: Generator, on_finish: Callable[[BaseException | None], None]):
        self.app, self.script, self.on_finish = app, script, on_finish
        self.waiting: Until | None = None
        self.deadline = 0.0
        self.error: BaseException | None = None
        self._tick = None

    def start(self) -> None:
        self._tick = Clock.schedule_interval(self._poll, 0)
        self._advance(None)

    def _advance(self, value, error: BaseException | None = None) -> None:
        try:
            item = self.script.send(value) if error is None else self.script.throw(error)
        except StopIteration:
            self._finish(None)
            return
        except BaseException as e:  # the script's own failure ends the run
            self._finish(e)
            return
        if isinstance(item, Shot):
            self.waiting = None
            shot = item

            def save_and_go_on() -> None:
                save_window_png(shot.path)
                self._advance(None)

            self._after_flip(save_and_go_on)
        elif isinstance(item, Until):
            self.waiting, self.deadline = item, time.monotonic() + item.timeout
        else:
            self._finish(ScriptFailed(f"script yielded {item!r}"))

    def _after_flip(self, fn) -> None:
        self.app.flip_callbacks.append(fn)
        Window.canvas.ask_update()

    def _poll(self, dt) -> None:
        w = self.waiting
        if w is None:
            return
        if w.test():
            self.waiting = None
            self._after_flip(lambda: self._advance(None))
        elif time.monotonic() > self.deadline:  # raised inside the script: a runner of many journeys recovers
            self.waiting = None
            self._advance(None, ScriptFailed(f"timed out waiting for {w.what or 'a condition'}"))

    def _finish(self, error: BaseException | None) -> None:
        if self._tick is not None:
            self._tick.cancel()
        self.error = error
        self.on_finish(error)


def run_headless(app, script: Generator) -> BaseException | None:
    """Run the app until the script ends; returns the script's error, if any."""
    box: dict = {}

    def finished(error):
        box["error"] = error
        Clock.schedule_once(lambda dt: app.stop(), 0)

    def on_start(*a):
        box["driver"] = driver = Driver(app, script, finished)  # Kivy's Clock holds bound methods weakly
        driver.start()

    app.bind(on_start=on_start)
    app.run()
    return box.get("error")
