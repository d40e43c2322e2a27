"""One registry picks each device's adapter from its configured URL (like pyserial's serial_for_url).

Adapters are named as "module:factory" and imported only when chosen, so optional dependencies
(pyusb, evdev, a vendor library) are needed only by the adapter that uses them.
A factory is called as factory(url, **options) and returns an object implementing the device's port.
"""

from __future__ import annotations

import importlib
from typing import Any

from kiosk.errors import DeviceNotFound

# (device kind, URL scheme) → "module:factory". Schemes: see scheme_of().
ADAPTERS: dict[tuple[str, str], str] = {}


def register(kind: str, scheme: str, target: str) -> None:
    ADAPTERS[(kind, scheme)] = target


def scheme_of(url: str) -> str:
    """sim://… → sim; /dev/video* → video; socket://, loop://, rfc2217://, other /dev/… and COMx → serial; tcp:// → tcp; usb:// → usb;
    evdev:// → evdev; none or empty → none; a bare number → index (cameras); rtsp/http → stream; else file."""
    url = url.strip()
    if url in ("", "none"):
        return "none"
    if "://" in url:
        scheme = url.split("://", 1)[0].lower()
        if scheme in ("socket", "loop", "rfc2217", "spy"):
            return "serial"
        if scheme in ("rtsp", "http", "https"):
            return "stream"
        return scheme
    if url.startswith("/dev/video"):
        return "video"
    if url.startswith("/dev/") or url.upper().startswith("COM"):
        return "serial"
    if url.isdigit():
        return "index"
    return "file"


def create(kind: str, url: str, **options: Any) -> Any:
    _load_builtin_adapters()
    scheme = scheme_of(url)
    target = ADAPTERS.get((kind, scheme))
    if target is None:
        known = sorted(s for k, s in ADAPTERS if k == kind)
        raise DeviceNotFound(kind, f"no adapter for '{url}' (scheme '{scheme}'); known schemes: {known}")
    module_name, factory_name = target.split(":")
    factory = getattr(importlib.import_module(module_name), factory_name)
    return factory(url, **options)


def _load_builtin_adapters() -> None:
    # Each device package lists its adapters in drivers/<kind>/adapters.py (a plain dict, no imports).
    for kind in ("idcard", "scanner", "printer", "camera", "fingerprint"):
        try:
            table = importlib.import_module(f"drivers.{kind}.adapters").ADAPTERS
        except ModuleNotFoundError:
            continue
        for scheme, target in table.items():
            ADAPTERS.setdefault((kind, scheme), target)
