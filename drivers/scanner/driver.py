"""Serial (USB-CDC or TTL) line scanner on any pyserial URL or device path, read on its own thread.

A vanished port → ScannerFault, reopen with backoff → ScannerRecovered. Bytes never stop the loop.
"""

from __future__ import annotations

import logging
import queue
import time
from typing import Any, Callable

from drivers.scanner.codec import LineSplitter
from drivers.scanner.port import Scan, ScannerEvent, ScannerFault, ScannerRecovered
from drivers.common.port_errors import port_errors
from drivers.common.worker import DeviceThread, deliver
from kiosk.errors import DeviceNotFound

log = logging.getLogger(__name__)


class SerialScanner:
    def __init__(
        self, url: str, baudrate: int = 9600, idle_flush_s: float = 0.15, backoff_s: tuple[float, float] = (0.25, 5.0)
    ):
        self.url, self.baudrate, self.idle_flush_s, self.backoff_s = url, baudrate, idle_flush_s, backoff_s
        self.reconnects = 0
        self._ser: Any = None  # the open pyserial port, once opened
        self._worker = DeviceThread("scanner")
        self._stop = self._worker.stopping

    def start(self, on_event: Callable[[ScannerEvent], None]) -> None:
        self._worker.start(self._run, on_event)

    def stop(self) -> None:
        self._worker.stop()
        self._close()

    close = stop

    def _open(self) -> None:
        import serial

        try:
            self._ser = serial.serial_for_url(self.url, baudrate=self.baudrate, timeout=0.05)
        except port_errors() + (ValueError,) as e:
            raise DeviceNotFound("scanner", f"cannot open {self.url}: {e}") from None

    def _close(self) -> None:
        ser, self._ser = self._ser, None
        if ser is not None:
            try:
                ser.close()
            except Exception:  # a vanished port may refuse to close; it is gone either way
                pass

    def _read(self) -> bytes:
        try:
            return self._ser.read(max(1, self._ser.in_waiting))
        except port_errors() + (TypeError, AttributeError) as e:
            raise DeviceNotFound("scanner", f"port vanished: {e}") from None

    def _run(self, on_event) -> None:
        splitter = LineSplitter(self.idle_flush_s)
        # None until the device first answers or fails: then its state is said either way (up at start
        # shows as working on the technician's page, not "unknown" until a first fault)
        faulted: bool | None = None
        delay = self.backoff_s[0]
        while not self._stop.is_set():
            try:
                if self._ser is None:
                    self._open()
                    if faulted is not False:
                        faulted, delay = False, self.backoff_s[0]
                        deliver(on_event, ScannerRecovered())
                data = self._read()
                now = time.monotonic()
                for payload in splitter.feed(data, now) + splitter.flush_if_idle(now):
                    deliver(on_event, Scan(payload))
            except DeviceNotFound as e:
                self._close()
                splitter.flush()  # a half code from before the unplug is not a scan
                if faulted is not True:
                    faulted = True
                    deliver(on_event, ScannerFault(str(e)))
                self._stop.wait(delay)
                delay = min(delay * 2, self.backoff_s[1])
                self.reconnects += 1
            except Exception:  # never die on a bug or bad bytes
                log.exception("scanner loop error")
                self._stop.wait(0.1)


def listen(scanner, count: int, timeout_s: float) -> tuple[list[str], list[str]]:
    """Start the scanner, collect up to `count` payloads within timeout_s; returns (payloads, fault reasons)."""
    events: queue.Queue = queue.Queue()
    payloads: list[str] = []
    faults: list[str] = []
    deadline = time.monotonic() + timeout_s
    scanner.start(events.put)
    try:
        while len(payloads) < count:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                break
            try:
                event = events.get(timeout=remaining)
            except queue.Empty:
                break
            if isinstance(event, Scan):
                payloads.append(event.payload)
            elif isinstance(event, ScannerFault):
                faults.append(event.reason)
    finally:
        scanner.stop()
    return payloads, faults


def factory(url: str, baudrate: int = 9600, **options) -> SerialScanner:
    return SerialScanner(url, baudrate=baudrate, **options)
