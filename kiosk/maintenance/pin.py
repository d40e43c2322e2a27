"""Technician PIN: a salted, slow hash in config (`maintenance.pin_hash`) and the login gate in front of the
maintenance screens — lockout with a growing delay after repeated wrong PINs, and logout after idle.

Hash format: `scrypt$<log2 n>$<r>$<p>$<salt, base64>$<key, base64>`. The cost is read back from the string, so a
stronger setting later does not invalidate PINs already deployed.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import secrets
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Protocol, cast

from kiosk.errors import KioskError

SCHEME = "scrypt"
LOG2_N, R, P = 15, 8, 1  # ≈ 32 MiB and ~0.1 s per try on the terminal: slow for a stolen hash, fine for a login
MIN_PIN, MAX_PIN = 6, 12
FREE_ATTEMPTS = 5  # wrong PINs before the first lockout
FIRST_DELAY_S, MAX_DELAY_S = 30.0, 3600.0


DEMO_LOG2_N = 10  # the demo's throw-away PIN: held in memory for one run, no need for a slow hash


class PinFormatError(KioskError):
    """A PIN that may not be set (too short, not digits) or a pin_hash string that is not ours."""


def check_pin_format(pin: str) -> None:
    if not pin.isdigit() or not (MIN_PIN <= len(pin) <= MAX_PIN):
        raise PinFormatError(f"a PIN is {MIN_PIN} to {MAX_PIN} digits")
    if len(set(pin)) == 1 or pin in "0123456789" or pin in "9876543210":
        raise PinFormatError("the PIN is too easy to guess (one digit repeated, or a run)")


def new_demo_pin() -> str:
    """A fresh random 6-digit PIN for one `kiosk --demo` run (printed at start, shown in the demo strip). It is
    never written anywhere, so no kiosk outside that run can accept it."""
    while True:
        pin = f"{secrets.randbelow(10**MIN_PIN):0{MIN_PIN}d}"
        try:
            check_pin_format(pin)
            return pin
        except PinFormatError:
            continue


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def _derive(pin: str, salt: bytes, log2_n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(pin.encode(), salt=salt, n=1 << log2_n, r=r, p=p, maxmem=256 * 1024 * 1024, dklen=32)


def hash_pin(pin: str, *, log2_n: int = LOG2_N, salt: bytes | None = None) -> str:
    check_pin_format(pin)
    salt = salt or os.urandom(16)
    return "$".join((SCHEME, str(log2_n), str(R), str(P), _b64(salt), _b64(_derive(pin, salt, log2_n, R, P))))


def parse_hash(pin_hash: str) -> tuple[int, int, int, bytes, bytes]:
    parts = pin_hash.strip().split("$")
    try:
        if len(parts) != 6 or parts[0] != SCHEME:
            raise ValueError
        log2_n, r, p = int(parts[1]), int(parts[2]), int(parts[3])
        salt, key = base64.b64decode(parts[4], validate=True), base64.b64decode(parts[5], validate=True)
        if not (10 <= log2_n <= 20 and 1 <= r <= 32 and 1 <= p <= 4 and len(salt) >= 8 and len(key) == 32):
            raise ValueError
    except ValueError:
        raise PinFormatError("maintenance.pin_hash is not a hash made by `kiosk-diag pin set`") from None
    return log2_n, r, p, salt, key


def verify_pin(pin: str, pin_hash: str) -> bool:
    log2_n, r, p, salt, key = parse_hash(pin_hash)
    return hmac.compare_digest(_derive(pin, salt, log2_n, r, p), key)


class AuditSink(Protocol):
    def record(self, action: str, **details) -> object: ...


class _NoAudit:
    def record(self, action: str, **details) -> None:
        return None


@dataclass(frozen=True)
class LoginResult:
    accepted: bool
    reason: str = ""  # "" | wrong_pin | locked | disabled
    retry_after_s: float = 0.0  # when locked: seconds until the next attempt is heard
    failures: int = 0


def lockout_delay(failures: int) -> float:
    """Seconds locked after `failures` consecutive wrong PINs: none for the first 4, then 30 s doubling, capped."""
    if failures < FREE_ATTEMPTS:
        return 0.0
    return min(FIRST_DELAY_S * 2 ** (failures - FREE_ATTEMPTS), MAX_DELAY_S)


class MaintenanceAuth:
    """The gate and the technician session. `clock` gives wall seconds (time.time): the lockout is kept in
    `lock_file` so pulling the plug does not reset it."""

    def __init__(
        self,
        pin_hash: str,
        *,
        idle_logout_s: float,
        audit: AuditSink | None = None,
        clock: Callable[[], float] = time.time,
        lock_file: Path | None = None,
        demo: bool = False,
    ):
        self.pin_hash = pin_hash.strip()
        self.demo = demo  # the demo's PIN: logins are audited like any other, marked demo
        if self.pin_hash:
            parse_hash(self.pin_hash)  # a broken hash is a config error, found at start-up, not at the first login
        self.idle_logout_s = idle_logout_s
        self.audit = audit or _NoAudit()
        self.clock = clock
        self.lock_file = lock_file
        self.failures, self.locked_until = self._load()
        self.session_started: float | None = None
        self.last_activity: float | None = None

    # -- lockout state -----------------------------------------------------------------------------------------
    def _load(self) -> tuple[int, float]:
        if self.lock_file is None:
            return 0, 0.0
        try:
            data = json.loads(self.lock_file.read_text())
            return int(data["failures"]), float(data["locked_until"])
        except FileNotFoundError:
            return 0, 0.0
        except (OSError, ValueError, KeyError, TypeError):
            # An unreadable lock file must not open the gate: treat it as one full lockout.
            return FREE_ATTEMPTS, self.clock() + FIRST_DELAY_S

    def _save(self) -> None:
        if self.lock_file is None:
            return
        tmp = self.lock_file.with_suffix(".tmp")
        tmp.write_text(json.dumps({"failures": self.failures, "locked_until": self.locked_until}))
        os.replace(tmp, self.lock_file)

    @property
    def enabled(self) -> bool:
        return bool(self.pin_hash)

    def retry_after(self) -> float:
        return max(0.0, self.locked_until - self.clock())

    # -- login / session ---------------------------------------------------------------------------------------
    def login(self, pin: str) -> LoginResult:
        if not self.enabled:
            self.audit.record("login_refused", reason="disabled")
            return LoginResult(False, "disabled")
        wait = self.retry_after()
        if wait > 0:
            self.audit.record("login_refused", reason="locked", retry_after_s=round(wait, 1))
            return LoginResult(False, "locked", wait, self.failures)
        if verify_pin(pin, self.pin_hash):
            self.failures, self.locked_until = 0, 0.0
            self._save()
            self.session_started = self.last_activity = self.clock()
            self.audit.record("login", **({"demo": True} if self.demo else {}))
            return LoginResult(True)
        self.failures += 1
        delay = lockout_delay(self.failures)
        self.locked_until = self.clock() + delay
        self._save()
        self.audit.record("login_failed", failures=self.failures, locked_s=delay)
        if delay:
            return LoginResult(False, "locked", delay, self.failures)
        return LoginResult(False, "wrong_pin", 0.0, self.failures)

    @property
    def logged_in(self) -> bool:
        return self.session_started is not None

    def touch(self) -> None:
        """Any technician input keeps the session alive."""
        if self.logged_in:
            self.last_activity = self.clock()

    def idle_remaining(self) -> float | None:
        if not self.logged_in:
            return None
        return max(0.0, cast(float, self.last_activity) + self.idle_logout_s - self.clock())  # set at login

    def check_idle(self) -> bool:
        """Called by the shell's timer; logs out and returns True when the session has been idle too long."""
        if self.logged_in and self.idle_remaining() == 0.0:
            self.logout("idle")
            return True
        return False

    def logout(self, reason: str = "technician") -> None:
        if not self.logged_in:
            return
        minutes = round((self.clock() - cast(float, self.session_started)) / 60, 1)
        self.session_started = self.last_activity = None
        self.audit.record("logout", reason=reason, minutes=minutes)
