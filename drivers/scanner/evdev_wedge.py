"""USB-HID scanners in keyboard mode ("keyboard wedge"), read with evdev: the device is grabbed so its keys do
not reach the UI, and key codes are mapped (US layout) until Enter. Unreliable for non-ASCII payloads (the
scanner types them as keys), so booking QR codes stay ASCII. evdev is imported only here, only when started.
"""

from __future__ import annotations

import logging
import threading
from typing import Any, Callable

from drivers.scanner.port import Scan, ScannerEvent, ScannerFault, ScannerRecovered
from kiosk.errors import DeviceNotFound

log = logging.getLogger(__name__)

_PLAIN = {
    **{f"KEY_{c}": c.lower() for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZ"},
    **{f"KEY_{d}": d for d in "0123456789"},
    "KEY_MINUS": "-",
    "KEY_EQUAL": "=",
    "KEY_LEFTBRACE": "[",
    "KEY_RIGHTBRACE": "]",
    "KEY_SEMICOLON": ";",
    "KEY_APOSTROPHE": "'",
    "KEY_GRAVE": "`",
    "KEY_BACKSLASH": "\\",
    "KEY_COMMA": ",",
    "KEY_DOT": ".",
    "KEY_SLASH": "/",
    "KEY_SPACE": " ",
    "KEY_KPMINUS": "-",
    "KEY_KPPLUS": "+",
    "KEY_KPDOT": ".",
    "KEY_KPASTERISK": "*",
    "KEY_KPSLASH": "/",
    **{f"KEY_KP{d}": d for d in "0123456789"},
}
_SHIFTED = {
    **{f"KEY_{c}": c for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZ"},
    **dict(zip((f"KEY_{d}" for d in "1234567890"), "!@#$%^&*()")),
    "KEY_MINUS": "_",
    "KEY_EQUAL": "+",
    "KEY_LEFTBRACE": "{",
    "KEY_RIGHTBRACE": "}",
    "KEY_SEMICOLON": ":",
    "KEY_APOSTROPHE": '"',
    "KEY_GRAVE": "~",
    "KEY_BACKSLASH": "|",
    "KEY_COMMA": "<",
    "KEY_DOT": ">",
    "KEY_SLASH": "?",
}
_SHIFT_KEYS = {"KEY_LEFTSHIFT", "KEY_RIGHTSHIFT"}
_ENTER_KEYS = {"KEY_ENTER", "KEY_KPENTER"}


class KeyWedgeDecoder:
    """Pure: key events (name, down?) → payloads. Caps lock is ignored (scanners send Shift)."""

    def __init__(self):
        self._shift = False
        self._chars: list[str] = []

    def key(self, name: str, down: bool) -> str | None:
        if name in _SHIFT_KEYS:
            self._shift = down
            return None
        if not down:
            return None
        if name in _ENTER_KEYS:
            payload, self._chars = "".join(self._chars), []
            return payload or None
        char = (_SHIFTED if self._shift else _PLAIN).get(name) or _PLAIN.get(name)
        if char:
            self._chars.append(char)
        return None


class EvdevScanner:
    def __init__(self, device_path: str):
        self.device_path = device_path
        self._device: Any = None  # evdev.InputDevice once started (evdev is imported then)
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()

    def start(self, on_event: Callable[[ScannerEvent], None]) -> None:
        try:
            import evdev
        except ImportError:
            raise DeviceNotFound("scanner", "evdev is not installed (pip install evdev)") from None
        try:
            self._device = evdev.InputDevice(self.device_path)
            self._device.grab()
        except OSError as e:
            raise DeviceNotFound("scanner", f"cannot open {self.device_path}: {e}") from None
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, args=(evdev, on_event), name="scanner-evdev", daemon=True)
        self._thread.start()
        on_event(ScannerRecovered())  # opened and grabbed: up (as the serial scanner says on its first open)

    def _run(self, evdev, on_event) -> None:
        decoder = KeyWedgeDecoder()
        try:
            for event in self._device.read_loop():
                if self._stop.is_set():
                    return
                if event.type != evdev.ecodes.EV_KEY or event.value == 2:  # ignore autorepeat
                    continue
                name = evdev.ecodes.KEY.get(event.code)
                name = name[0] if isinstance(name, list) else name
                payload = decoder.key(name or "", event.value == 1)
                if payload:
                    on_event(Scan(payload))
        except OSError as e:
            if not self._stop.is_set():
                on_event(ScannerFault(f"evdev device gone: {e}"))

    def stop(self) -> None:
        self._stop.set()
        if self._device is not None:
            try:
                self._device.ungrab()
                self._device.close()
            except OSError:
                pass
            self._device = None

    close = stop


def factory(url: str, **options) -> EvdevScanner:
    """evdev:///dev/input/by-id/usb-…-event-kbd"""
    return EvdevScanner(url.split("://", 1)[1])
