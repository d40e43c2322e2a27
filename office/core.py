"""The office backend's common ground: its store, offices and clock, the office of a code, today, the audit trail.
The jobs built on it (office/lockouts.py, bookings.py, checkins.py, idempotency.py) are put together in
office/service.py."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from kiosk.domain.offices import OfficeConfig
from office import audit
from office.clock import CHINA, Clock, stamp
from office.errors import ApiError
from office.pki import Identity
from office.store import Store


class Core:
    def __init__(self, store: Store, offices: dict[str, OfficeConfig], clock: Clock, retention_days: int = 30):
        self.store, self.offices, self.clock = store, offices, clock
        self.retention = timedelta(days=retention_days)
        self._purged = 0.0
        self._purged_day: date | None = None
        self._secret: bytes | None = None
        self.offline_rules: Any = None  # office.offline.OfflineRules and Contacts, set by office.offline.attach
        self.contacts: Any = None

    def office(self, code: str) -> OfficeConfig:
        if code not in self.offices:
            raise ApiError(404, "unknown_office", office=code)
        return self.offices[code]

    def today(self) -> str:
        return self.clock().astimezone(CHINA).date().isoformat()

    def audit(
        self, conn, who: Identity | None, method: str, path: str, status: int, code: str = "", ref: str = ""
    ) -> None:
        audit.append(
            conn,
            at=stamp(self.clock()),
            who=who.label() if who else "anonymous",
            serial=who.serial if who else "",
            method=method,
            path=path,
            status=status,
            code=code,
            ref=ref,
        )
