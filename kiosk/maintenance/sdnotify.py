"""sd_notify without a dependency: one datagram to $NOTIFY_SOCKET (a path, or @name for the abstract namespace).

kiosk.service is Type=notify with WatchdogSec: the UI shell calls `ready()` once the first screen is drawn and
`watchdog()` from its Clock loop (every `watchdog_interval_s()`), so a hung UI thread stops the pings and systemd
restarts the kiosk. Outside systemd every call is a cheap no-op returning False.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
import socket


class Notifier:
    def __init__(self, address: str | None = None):
        self.address = os.environ.get("NOTIFY_SOCKET", "") if address is None else address
        self._sock: socket.socket | None = None

    @property
    def enabled(self) -> bool:
        return bool(self.address) and self.address[0] in "/@"

    def _target(self) -> str | bytes:
        return "\0" + self.address[1:] if self.address.startswith("@") else self.address

    def notify(self, *fields: str) -> bool:
        """Send 'KEY=value' lines; False when not under systemd or the socket is gone (never raises)."""
        if not self.enabled:
            return False
        try:
            if self._sock is None:
                self._sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM | socket.SOCK_CLOEXEC)
                self._sock.setblocking(False)  # called from the UI loop: a full queue must not freeze the screen
            self._sock.sendto("\n".join(fields).encode(), self._target())
            return True
        except OSError:
            return False

    def ready(self, status: str = "") -> bool:
        return self.notify("READY=1", *([f"STATUS={status}"] if status else []))

    def watchdog(self) -> bool:
        return self.notify("WATCHDOG=1")

    def status(self, text: str) -> bool:
        return self.notify(f"STATUS={text}")

    def stopping(self) -> bool:
        return self.notify("STOPPING=1")

    def close(self) -> None:
        if self._sock is not None:
            self._sock.close()
            self._sock = None


def watchdog_interval_s(env: Mapping[str, str] | None = None) -> float | None:
    """Half the WatchdogSec systemd gave us, or None when there is no watchdog. WATCHDOG_PID names the main
    process: under cage that is our parent, so the parent counts as ours too (NotifyAccess=all in the unit)."""
    env = os.environ if env is None else env
    usec = env.get("WATCHDOG_USEC", "")
    pid = env.get("WATCHDOG_PID", "")
    if not usec.isdigit() or int(usec) == 0 or (pid and pid not in (str(os.getpid()), str(os.getppid()))):
        return None
    return int(usec) / 2_000_000
