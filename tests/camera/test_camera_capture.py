import threading
import time

import numpy as np
import pytest

from drivers.camera.capture import (
    BAD_FRAME,
    BLACK_FRAMES,
    CAMERA_LOST,
    FROZEN_FRAMES,
    NO_CAMERA,
    OK,
    Backoff,
    CaptureThread,
)
from drivers.camera.simulator import SimulatedCamera
from kiosk.errors import DeviceNotFound


class Events:
    def __init__(self):
        self.items, self._cond = [], threading.Condition()

    def __call__(self, event):
        with self._cond:
            self.items.append(event)
            self._cond.notify_all()

    def codes(self):
        return [e.code for e in self.items]

    def wait_for(self, code, times=1, timeout=5.0):
        deadline = time.monotonic() + timeout
        with self._cond:
            while self.codes().count(code) < times:
                if not self._cond.wait(max(0.0, deadline - time.monotonic())):
                    break
        return self.codes().count(code) >= times


def until(condition, timeout=30.0):
    """Poll `condition` until it holds (a busy machine may take its time; a quiet one does not wait)."""
    deadline = time.monotonic() + timeout
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.01)
    return condition()


@pytest.fixture()
def running():
    threads = []

    def start(open_source, **kw):
        events = Events()
        capture = CaptureThread(open_source, on_event=events, backoff=Backoff(0.01, 0.05), **kw).start()
        threads.append(capture)
        return capture, events

    yield start
    for capture in threads:
        capture.stop()


def test_latest_frame_only_never_a_queue(running):
    capture, events = running(lambda: SimulatedCamera(fps=200))
    first = capture.wait_newer(0, 5)
    assert first is not None and events.wait_for(OK)
    # a slow consumer (it reads nothing while the camera delivers ten frames) …
    assert until(lambda: capture.latest().seq > first.seq + 10)
    latest = capture.latest()  # … gets the newest frame, having skipped the ones in between
    newer = capture.wait_newer(latest.seq, 2)
    assert newer.seq > latest.seq and newer.t >= latest.t
    assert capture.wait_newer(10**9, 0.05) is None


def test_black_frames_are_reported(running):
    capture, events = running(lambda: SimulatedCamera(mode="black", fps=100))
    assert events.wait_for(BLACK_FRAMES)
    assert capture.status == BLACK_FRAMES and not events.items[-1].fault


def test_frozen_frames_are_reported(running):
    capture, events = running(lambda: SimulatedCamera(mode="frozen", fps=100), frozen_after_s=0.2)
    assert events.wait_for(FROZEN_FRAMES)
    assert events.codes()[0] == OK  # fine at first, frozen after a while


def test_no_camera_is_a_fault_and_retried(running):
    capture, events = running(lambda: SimulatedCamera(mode="absent"))
    assert events.wait_for(NO_CAMERA)
    assert events.items[0].fault
    assert until(lambda: capture.reconnects >= 3) and capture.latest() is None
    assert events.codes() == [NO_CAMERA]  # reported once, not on every retry


def test_unplugged_camera_reconnects(running):
    opened = []

    def open_source():
        opened.append(1)
        # the first camera object is unplugged after 5 frames; the replacement keeps going
        return SimulatedCamera(mode="unplug" if len(opened) == 1 else "people", unplug_after=5, fps=100)

    capture, events = running(open_source)
    assert events.wait_for(CAMERA_LOST)
    assert events.wait_for(OK, times=2)
    assert events.codes()[:3] == [OK, CAMERA_LOST, OK]
    assert capture.wait_newer(0, 2) is not None
    assert len(opened) >= 2


class Misbehaving:
    """A source whose vendor library raises its own errors or hands out odd frames."""

    name = "misbehaving"

    def __init__(self, frames):
        self.frames = list(frames)

    def open(self):
        pass

    def read(self):
        time.sleep(0.005)
        item = self.frames.pop(0) if self.frames else np.full((120, 160, 3), 128, np.uint8)
        if isinstance(item, Exception):
            raise item
        return item

    def close(self):
        pass


def test_wrong_frames_are_bad_frame_and_vendor_errors_do_not_kill_capture(running):
    frames = [np.zeros((10, 10, 3), np.uint8), np.zeros((120, 160), np.float32), RuntimeError("vendor crash")]
    sources = iter([Misbehaving(frames)])
    capture, events = running(lambda: next(sources, None) or SimulatedCamera(fps=100))
    assert events.wait_for(OK)
    assert events.codes()[:2] == [BAD_FRAME, CAMERA_LOST]


def test_grey_camera_frames_are_converted(running):
    grey = [np.full((120, 160), 100 + i % 7, np.uint8) for i in range(50)]
    capture, events = running(lambda: Misbehaving(grey))
    frame = capture.wait_newer(0, 2)
    assert frame.image.shape == (120, 160, 3)


def test_listener_errors_do_not_stop_capture():
    def broken_listener(event):
        raise RuntimeError("ui bug")

    capture = CaptureThread(lambda: SimulatedCamera(fps=100), on_event=broken_listener).start()
    try:
        first = capture.wait_newer(0, 5)
        assert capture.wait_newer(first.seq + 3, 5) is not None
    finally:
        capture.stop()


def test_backoff_doubles_and_resets():
    b = Backoff(0.5, 3)
    assert [b.next() for _ in range(5)] == [0.5, 1.0, 2.0, 3, 3]
    b.reset()
    assert b.next() == 0.5


def test_device_not_found_on_open_before_any_frame_is_no_camera():
    def missing():
        raise DeviceNotFound("camera", "gone")

    events = Events()
    capture = CaptureThread(missing, on_event=events, backoff=Backoff(0.01, 0.01)).start()
    try:
        assert events.wait_for(NO_CAMERA)
        assert "gone" in events.items[0].detail
    finally:
        capture.stop()


def test_a_stalled_driver_shows_in_the_frame_age(running):
    gate = threading.Event()

    class Stalling(Misbehaving):
        def read(self):
            if self.frames:
                return super().read()
            gate.wait(5)  # stuck inside the vendor call, as a hung USB camera is
            return np.full((120, 160, 3), 128, np.uint8)

    frames = [np.random.default_rng(i).integers(0, 255, (120, 160, 3), dtype=np.uint8) for i in range(3)]
    capture, events = running(lambda: Stalling(frames))
    assert capture.wait_newer(2, 2) is not None
    time.sleep(0.3)
    assert capture.age() >= 0.25
    gate.set()
