"""A simulated device on a pseudo-terminal (shared by the ID card, scanner and fingerprint simulators).

The host opens the slave side like a real serial device (`path`); the simulator thread owns the master side.
Writes can be paced at the modelled baud rate (ten bit times per byte) so the host sees bytes no sooner than a
real wire would deliver them. `vanish()` closes the pty (the host's reads fail as with a pulled USB cable) and
removes the stable link; `reappear()` opens a new pty and points the link at it, as udev would.
All fd work happens on the simulator thread; other threads queue requests to it.
"""

from __future__ import annotations

import logging
import os
import pty
import queue
import select
import tempfile
import threading
import time
import tty
from typing import Callable

log = logging.getLogger(__name__)


class PtyDevice:
    def __init__(
        self, baudrate: int = 115200, model_timing: bool = True, link_path: str | None = None, name: str = "device"
    ):
        self.baudrate, self.model_timing, self.link_path, self.name = baudrate, model_timing, link_path, name
        self.tty = ""
        self.bytes_in = self.bytes_out = 0
        self._master = self._slave = -1
        self._link_dir = ""  # a temporary directory this device made for its own link
        self._calls: queue.Queue = queue.Queue()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def path(self) -> str:
        return self.link_path or self.tty

    @property
    def attached(self) -> bool:
        """The port exists (not vanished, not stopped)."""
        return self._master >= 0

    def wire_time(self, n_bytes: int) -> float:
        return n_bytes * 10 / self.baudrate

    # --- lifecycle ------------------------------------------------------------------------------------------
    def start(self) -> str:
        if self._thread is None:
            self._open()
            self._stop.clear()
            self._thread = threading.Thread(target=self._loop, name=f"sim-{self.name}", daemon=True)
            self._thread.start()
        return self.path

    def start_behind_link(self) -> str:
        """Start with a stable link in a private temporary directory (removed by stop); returns the link."""
        if self._thread is None and not self.link_path:
            self._link_dir = tempfile.mkdtemp(prefix=f"kiosk-sim-{self.name}-")
            self.link_path = os.path.join(self._link_dir, self.name)
        return self.start()

    @property
    def running(self) -> bool:
        return self._thread is not None

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None
        self._close()
        if self._link_dir:
            try:
                os.rmdir(self._link_dir)
            except OSError:
                pass
            self._link_dir, self.link_path = "", None

    def vanish(self) -> None:
        self.call(self._close)

    def reappear(self) -> None:
        self.call(self._open)

    def call(self, fn: Callable[[], object], wait: bool = True) -> object:
        """Run fn on the simulator thread (between requests); wait for its result unless wait=False."""
        if self._thread is None or threading.current_thread() is self._thread:
            return fn()
        box: queue.Queue = queue.Queue(maxsize=1)
        self._calls.put((fn, box))
        if not wait:
            return None
        ok, value = box.get(timeout=10)
        if not ok:
            raise value
        return value

    def _open(self) -> None:
        if self._master >= 0:
            return
        self._master, self._slave = pty.openpty()
        tty.setraw(self._slave)  # no echo, no CR/LF translation before the host opens it
        os.set_blocking(self._master, False)
        self.tty = os.ttyname(self._slave)
        if self.link_path:
            tmp = f"{self.link_path}.tmp"
            if os.path.lexists(tmp):
                os.unlink(tmp)
            os.symlink(self.tty, tmp)
            os.replace(tmp, self.link_path)

    def _close(self) -> None:
        if self.link_path and os.path.lexists(self.link_path):
            os.unlink(self.link_path)
        for fd in (self._master, self._slave):
            if fd >= 0:
                os.close(fd)
        self._master = self._slave = -1

    # --- the simulator thread -------------------------------------------------------------------------------
    def _loop(self) -> None:
        while not self._stop.is_set():
            self._run_calls()
            if self._master < 0:
                self._stop.wait(0.02)
                continue
            try:
                ready, _, _ = select.select([self._master], [], [], 0.02)
                data = os.read(self._master, 4096) if ready else b""
            except (BlockingIOError, InterruptedError):
                continue
            except OSError:  # the host closed its side (EIO); keep the pty for its next open
                self._stop.wait(0.02)
                continue
            if data:
                self.bytes_in += len(data)
                try:
                    self.on_receive(data)
                except Exception:  # a simulator bug must not look like a dead device
                    log.exception("%s simulator failed on %d bytes", self.name, len(data))

    def _run_calls(self) -> None:
        while True:
            try:
                fn, box = self._calls.get_nowait()
            except queue.Empty:
                return
            try:
                box.put((True, fn()))
            except Exception as e:  # reported to the caller, never kills the thread
                box.put((False, e))

    def on_receive(self, data: bytes) -> None:
        """Subclasses answer here (on the simulator thread)."""

    def send(self, data: bytes, start_at: float | None = None) -> float:
        """Write data, paced at the baud rate from start_at (monotonic); returns when the last byte 'arrived'."""
        t0 = time.monotonic() if start_at is None else start_at
        chunk = 32
        for i in range(0, len(data), chunk):
            piece = data[i : i + chunk]
            if self.model_timing:
                _sleep_until(t0 + self.wire_time(i + len(piece)))
            self._write(piece)
        return t0 + self.wire_time(len(data))

    def _write(self, data: bytes) -> None:
        if self._master < 0:
            return
        try:
            self.bytes_out += os.write(self._master, data)
        except (BlockingIOError, OSError):  # nobody reading and the buffer is full: bytes lost, as on a wire
            pass


def _sleep_until(t: float) -> None:
    delay = t - time.monotonic()
    if delay > 0:
        time.sleep(delay)


def port_command(device: PtyDevice, verb: str) -> str | None:
    """The control commands every simulator CLI shares (vanish, reappear); None if verb is not one."""
    if verb == "vanish":
        device.vanish()
        return "ok"
    if verb == "reappear":
        device.reappear()
        return f"ok moved {device.path}"
    return None


def serve_cli(device: PtyDevice, on_line: Callable[[str], str | None], quit_line: str = "quit") -> None:
    """What every `kiosk-sim DEVICE` does: print the path first, answer stdin lines until quit_line or a signal.
    End of stdin keeps the simulator running (it may be started with stdin closed)."""
    import signal
    import sys

    print(device.start(), flush=True)
    done = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: done.set())

    def control():
        for line in sys.stdin:
            if line.strip() == quit_line:
                done.set()
                return
            answer = on_line(line)
            if answer:
                print(answer, flush=True)

    threading.Thread(target=control, name="sim-control", daemon=True).start()
    try:
        done.wait()
    except KeyboardInterrupt:
        pass
    device.stop()
