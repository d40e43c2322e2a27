"""Who comes to the kiosk in the scenarios: people from today's seeded bookings (made up)."""

from __future__ import annotations

from datetime import datetime
from typing import Callable

from kiosk.harness.headless import ScriptFailed


class TodaysPeople:
    """Today's seeded bookings on the bundled server. A booking's QR code is accepted once a day:
    `booking(office, fresh=True)` returns one whose code has not been scanned yet in this run — the office's next
    walk-through booking (checkable at any hour; office.seed has three a day). A soak of many journeys in one kiosk
    passes its own people, who move to the next day (see bench/soak_ui.py)."""

    def __init__(self, now: Callable[[], datetime] | None = None) -> None:
        from kiosk.services.backend_status import local_now

        self.now = now or local_now
        self.used: dict[str, int] = {}  # office → walk-through bookings handed out

    def booking(self, office: str, fresh: bool = False) -> dict:
        from office.seed import WALK_THROUGH, seeded_bookings

        now = self.now()
        index = self.used.get(office, 0) if fresh else 0
        if index >= WALK_THROUGH:
            raise ScriptFailed(f"office {office} has no unscanned walk-through booking left today ({WALK_THROUGH})")
        if fresh:
            self.used[office] = index + 1
        return seeded_bookings(office, now.date(), now)[index]

    def cards(self, booking: dict) -> list[dict]:
        from office.seed import card_fields

        return [card_fields(p, self.now().date()) for p in booking["parties"]]
