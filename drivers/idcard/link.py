"""Moves SAM frames over a pyserial port: one request, one reply, with retries. The frame language is in codec.

Reads are header-then-length (the Deframer says how many bytes complete the next step); garbage before a
preamble is skipped; a bad checksum or a frame cut short is discarded, counted and the request sent again.
Serial and OS errors become DeviceNotFound (the port vanished); silence becomes DeviceTimeout.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from drivers.common.port_errors import port_errors
from drivers.idcard import codec
from kiosk.errors import DeviceNotFound, DeviceTimeout

DEVICE = "idcard"


@dataclass
class LinkStats:
    frames_ok: int = 0
    checksum_errors: int = 0
    length_errors: int = 0
    short_frames: int = 0
    timeouts: int = 0
    stale_replies: int = 0
    retries: int = 0
    garbage_bytes: int = 0
    bytes_sent: int = 0
    bytes_received: int = 0


def wire_time(n_bytes: int, baudrate: int) -> float:
    """8N1: ten bit times per byte."""
    return n_bytes * 10 / baudrate


class SamLink:
    def __init__(self, url: str, baudrate: int = 115200, retries: int = 2, answer_timeout_s: float = 0.5):
        self.url, self.baudrate, self.retries, self.answer_timeout_s = url, baudrate, retries, answer_timeout_s
        self.stats = LinkStats()
        self._ser: Any = None  # the open pyserial port (or a simulator's), once opened
        self._deframer = codec.Deframer()

    @property
    def is_open(self) -> bool:
        return self._ser is not None

    def open(self) -> None:
        import serial  # heavy/optional imports stay at the edge

        try:
            self._ser = serial.serial_for_url(
                self.url, baudrate=self.baudrate, timeout=self.answer_timeout_s, write_timeout=1.0
            )
        except port_errors() + (ValueError,) as e:
            raise DeviceNotFound(DEVICE, f"cannot open {self.url}: {e}") from None
        self._deframer = codec.Deframer()

    def set_baudrate(self, baudrate: int) -> None:
        self.baudrate = baudrate
        if self._ser is not None:
            try:
                self._ser.baudrate = baudrate
            except port_errors() as e:
                raise DeviceNotFound(DEVICE, f"port vanished: {e}") from None

    def close(self) -> None:
        ser, self._ser = self._ser, None
        if ser is not None:
            try:
                ser.close()
            except Exception:  # closing a vanished port may fail; it is gone either way
                pass

    def transact(self, command: tuple[int, int], data: bytes = b"", timeout_s: float | None = None) -> codec.Reply:
        """Send a request and return the first valid reply; retried on bad frames and silence."""
        request = codec.build_request(command, data)
        # Allow for the longest reply's wire time at this baud (a read is 1295 bytes, ~1.35 s at 9600).
        timeout_s = timeout_s if timeout_s is not None else self.answer_timeout_s + wire_time(2400, self.baudrate)
        last: Exception | None = None
        for attempt in range(self.retries + 1):
            if attempt:
                self.stats.retries += 1
            self._discard_input()
            self._write(request)
            try:
                return self._read_reply(command, time.monotonic() + timeout_s)
            except (codec.FrameError, DeviceTimeout) as e:
                last = e
        raise last  # type: ignore[misc]

    def _write(self, frame: bytes) -> None:
        if self._ser is None:
            raise DeviceNotFound(DEVICE, "port not open")
        try:
            self._ser.write(frame)
            self._ser.flush()
        except port_errors() as e:
            raise DeviceNotFound(DEVICE, f"port vanished: {e}") from None
        self.stats.bytes_sent += len(frame)

    def _discard_input(self) -> None:
        dropped = self._deframer.clear()
        try:
            waiting = self._ser.in_waiting if self._ser is not None else 0
            if waiting:
                dropped += len(self._ser.read(waiting))
        except port_errors() as e:
            raise DeviceNotFound(DEVICE, f"port vanished: {e}") from None
        self.stats.garbage_bytes += dropped

    def _read_reply(self, command: tuple[int, int], deadline: float) -> codec.Reply:
        """Read until a valid, plausible reply or the deadline. Bad frames are counted and skipped, not
        answered with an immediate resend: the real reply may still follow noise, and a resend while it is in
        flight would pair the next request with a stale reply."""
        deframer = self._deframer
        errors: list[codec.FrameError] = []
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                if deframer.pending():
                    self.stats.short_frames += 1
                    self.stats.garbage_bytes += deframer.clear()
                    raise codec.LengthError("frame cut short")
                if errors:
                    raise errors[-1]
                self.stats.timeouts += 1
                raise DeviceTimeout(DEVICE, "no answer")
            before = deframer.garbage_bytes
            try:
                self._ser.timeout = remaining
                chunk = self._ser.read(deframer.needed())
            except port_errors() + (TypeError, AttributeError) as e:
                raise DeviceNotFound(DEVICE, f"port vanished: {e}") from None
            if not chunk:
                continue
            self.stats.bytes_received += len(chunk)
            results = deframer.feed(chunk)
            self.stats.garbage_bytes += deframer.garbage_bytes - before
            for item in results:
                if isinstance(item, codec.ChecksumError):
                    self.stats.checksum_errors += 1
                    errors.append(item)
                elif isinstance(item, codec.FrameError):
                    self.stats.length_errors += 1
                    errors.append(item)
                else:
                    reply = codec.parse_reply(item)
                    if codec.plausible(command, reply):
                        self.stats.frames_ok += 1
                        return reply
                    self.stats.stale_replies += 1
