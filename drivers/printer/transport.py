"""Transports: move bytes to and from a printer through python-escpos's printer classes (composition: the
escpos object only opens, writes and closes; we read from its device with our own timeouts).

Foreign errors (serial, socket, USB, escpos) become DeviceNotFound at this edge.
"""

from __future__ import annotations

import socket
from typing import Any
from urllib.parse import parse_qs, urlsplit

from drivers.printer.escpos_cache import prepare
from kiosk.errors import DeviceNotFound, DeviceTimeout

DEVICE = "printer"
WRITE_TIMEOUT_S = 10.0  # a printer that stops taking bytes (flow control while stopped) is a timeout


class Transport:
    can_read = True

    def __init__(self, url: str):
        self.url = url
        self._printer: Any = None

    # subclasses: _make() → an escpos printer object, opened; _read(n, timeout); _discard()
    def open(self) -> None:
        if self._printer is None:
            prepare()
            try:
                self._printer = self._make()
            except DeviceNotFound:
                raise
            except Exception as e:  # escpos DeviceNotFoundError, serial/socket/USB errors
                raise DeviceNotFound(DEVICE, f"cannot open {self.url}: {e}") from None

    @property
    def is_open(self) -> bool:
        return self._printer is not None

    def write(self, data: bytes) -> None:
        self.open()
        try:
            self._send(data)
        except Exception as e:
            self.close()
            if _is_timeout(e):
                raise DeviceTimeout(DEVICE, f"{self.url} stopped accepting data") from None
            raise DeviceNotFound(DEVICE, f"write to {self.url} failed: {e}") from None

    def _send(self, data: bytes) -> None:
        self._printer._raw(data)

    def read(self, n: int, timeout: float) -> bytes:
        self.open()
        try:
            return self._read(n, timeout)
        except DeviceNotFound:
            self.close()
            raise
        except Exception as e:
            self.close()
            raise DeviceNotFound(DEVICE, f"read from {self.url} failed: {e}") from None

    def discard_input(self) -> None:
        if self.is_open:
            try:
                self._discard()
            except Exception as e:
                self.close()
                raise DeviceNotFound(DEVICE, f"{self.url}: {e}") from None

    def close(self) -> None:
        printer, self._printer = self._printer, None
        if printer is not None:
            try:
                printer.close()
            except Exception:  # a vanished port: close the handle without flushing, and never again
                try:
                    device = getattr(printer, "_device", None)
                    if device:
                        device.close()
                except Exception:
                    pass
                printer._device = False

    def _make(self) -> Any:
        raise NotImplementedError

    def _read(self, n: int, timeout: float) -> bytes:
        return b""

    def _discard(self) -> None:
        pass


class SerialTransport(Transport):
    """A device path (/dev/ttyUSB0, a pty) or a pyserial URL (socket://, rfc2217://, loop://)."""

    def __init__(self, url: str, baudrate: int = 9600, rtscts: bool = False):
        super().__init__(url)
        self.baudrate, self.rtscts = baudrate, rtscts

    def _make(self):
        import serial
        from escpos.printer import Serial

        path, query = self.url.split("?", 1) if "?" in self.url else (self.url, "")
        baud = int(parse_qs(query).get("baudrate", [self.baudrate])[0])
        printer = Serial(devfile=path, baudrate=baud, timeout=1, dsrdtr=False)
        if "://" in path:  # escpos opens device paths only; URLs go through serial_for_url
            printer.device = serial.serial_for_url(path, baudrate=baud, timeout=1, rtscts=self.rtscts)
        else:
            printer.open()
            printer.device.rtscts = self.rtscts
        printer.device.write_timeout = WRITE_TIMEOUT_S
        return printer

    def _read(self, n, timeout):
        dev = self._printer.device
        dev.timeout = timeout
        return dev.read(n)

    def _discard(self):
        self._printer.device.reset_input_buffer()


class TcpTransport(Transport):
    """tcp://host:9100 (raw port printing)."""

    def __init__(self, url: str, connect_timeout: float = 3.0):
        super().__init__(url)
        parts = urlsplit(url)
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 9100
        self.connect_timeout = connect_timeout

    def _make(self):
        from escpos.printer import Network

        printer = Network(host=self.host, port=self.port, timeout=self.connect_timeout)
        printer.open()
        return printer

    def _send(self, data):
        sock: socket.socket = self._printer.device
        sock.settimeout(WRITE_TIMEOUT_S)
        sock.sendall(data)

    def _read(self, n, timeout):
        sock: socket.socket = self._printer.device
        sock.settimeout(timeout)
        try:
            data = sock.recv(n)
        except socket.timeout:
            return b""
        if not data:
            raise DeviceNotFound(DEVICE, f"{self.url} closed the connection")
        return data

    def _discard(self):
        sock: socket.socket = self._printer.device
        sock.setblocking(False)
        try:
            while sock.recv(4096):
                pass
        except (BlockingIOError, InterruptedError):
            pass
        finally:
            sock.setblocking(True)


class UsbTransport(Transport):
    """usb://VID:PID (hex), e.g. usb://0x0416:0x5011. Needs pyusb (optional)."""

    def __init__(self, url: str, in_ep: int = 0x82, out_ep: int = 0x01):
        super().__init__(url)
        vid, _, pid = url.split("://", 1)[1].split("?")[0].partition(":")
        try:
            self.vid, self.pid = int(vid, 16), int(pid, 16)
        except ValueError:
            raise DeviceNotFound(DEVICE, f"'{url}' is not usb://VID:PID") from None
        self.in_ep, self.out_ep = in_ep, out_ep

    def _make(self):
        try:
            import usb.core  # noqa: F401
        except ImportError:
            raise DeviceNotFound(DEVICE, "USB printers need pyusb (pip install pyusb)") from None
        from escpos.printer import Usb

        printer = Usb(idVendor=self.vid, idProduct=self.pid, timeout=0, in_ep=self.in_ep, out_ep=self.out_ep)
        printer.open()
        return printer

    def _read(self, n, timeout):
        import usb.core

        try:
            return bytes(self._printer.device.read(self.in_ep, n, int(timeout * 1000)))
        except usb.core.USBTimeoutError:
            return b""


class FileTransport(Transport):
    """A file or a write-only device node: bytes go out, no status comes back."""

    can_read = False

    def __init__(self, url: str):
        super().__init__(url)
        self.path = url.split("://", 1)[1] if url.startswith("file://") else url

    def _make(self):
        from escpos.printer import File

        printer = File(devfile=self.path, auto_flush=True)
        printer.open()
        return printer


def _is_timeout(e: Exception) -> bool:
    return isinstance(e, (socket.timeout, TimeoutError)) or type(e).__name__ in (
        "SerialTimeoutException",
        "USBTimeoutError",
    )
