"""Today's counters for the maintenance screen and the metrics: sessions by outcome, tickets and check-ins by
business, redirects and their reasons, applicants' home counties, paper used / left.

Fed with the flow's effects and events (`observe`), never with personal data: SessionEnded carries only the
outcome, business, decision, reason codes and county codes. Counts since start (`lifetime`) feed Prometheus
counters; `today` resets when the local date changes and is saved in the state dir so a restart keeps it.
"""

from __future__ import annotations

import json
import os
import threading
from collections import Counter
from datetime import date
from pathlib import Path
from typing import Callable

from kiosk.flow import events as ev
from kiosk.flow import effects as fx

TICKET_MM = 110  # paper per ticket (80 mm printer, QR + text); only for the "paper left" estimate
ROLL_MM = 80_000  # a standard 80 m kiosk roll

KINDS = (
    "sessions",
    "tickets",
    "checkins",
    "redirects",
    "refusals",
    "reasons",
    "counties",
    "print_failures",
    "offline_tickets",
    "verified_by",
)


def _blank() -> dict[str, Counter]:
    return {k: Counter() for k in KINDS}


class DailyCounters:
    def __init__(
        self, today: Callable[[], date], path: Path | None = None, *, ticket_mm: int = TICKET_MM, roll_mm: int = ROLL_MM
    ):
        self._today_fn = today
        self.path = path
        self.ticket_mm, self.roll_mm = ticket_mm, roll_mm
        self._lock = threading.Lock()
        self.day = today().isoformat()
        self.today = _blank()
        self.lifetime = _blank()
        self.printed_since_reload = 0
        self._pending: fx.IssueTicket | None = None
        self._load()

    # -- persistence -------------------------------------------------------------------------------------------
    def _load(self) -> None:
        if self.path is None:
            return
        try:
            data = json.loads(self.path.read_text())
        except (FileNotFoundError, ValueError, OSError):
            return
        self.printed_since_reload = int(data.get("printed_since_reload", 0))
        if data.get("day") == self.day:
            self.today = {k: Counter(data.get("counts", {}).get(k, {})) for k in KINDS}

    def _save(self) -> None:
        if self.path is None:
            return
        data = {
            "day": self.day,
            "counts": {k: dict(v) for k, v in self.today.items()},
            "printed_since_reload": self.printed_since_reload,
        }
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(json.dumps(data, ensure_ascii=False))
        os.replace(tmp, self.path)

    def _roll(self) -> bool:
        day = self._today_fn().isoformat()
        if day == self.day:
            return False
        self.day, self.today = day, _blank()
        return True

    def _add(self, kind: str, key: str, n: int = 1) -> None:
        self.today[kind][key] += n
        self.lifetime[kind][key] += n

    # -- feeding -----------------------------------------------------------------------------------------------
    def observe(self, item) -> None:
        """Any flow effect or event; the ones that matter are counted, the rest ignored."""
        with self._lock:
            rolled = self._roll()  # a new day (the shell's NewDay at midnight, or the first event after)
            if self._count(item) or rolled:
                self._save()

    def _count(self, item) -> bool:
        if isinstance(item, fx.SessionEnded):
            self._add("sessions", item.outcome)
            if item.decision == "redirect":
                self._add("redirects", item.business or "unknown")
            elif item.decision == "refuse":
                self._add("refusals", item.business or "unknown")
            for reason in item.reasons:
                self._add("reasons", reason)
            for county in item.hukou_counties:
                self._add("counties", county)
            for how in item.verified_by:  # face | fingerprint | staff, per party
                self._add("verified_by", how)
        elif isinstance(item, fx.IssueTicket):
            self._pending = item  # answered by TicketIssued / TicketRefused
            return False
        elif isinstance(item, ev.TicketIssued):
            pending, self._pending = self._pending, None
            business = item.ticket.get("business") or (pending.business if pending else "unknown")
            self._add("tickets", business)
            if item.ticket.get("appointment_id") or (pending and pending.appointment_id):
                self._add("checkins", business)
            if item.ticket.get("offline"):
                self._add("offline_tickets", business)
        elif isinstance(item, ev.TicketRefused):
            self._pending = None
            self._add("reasons", item.reason)
        elif isinstance(item, ev.PrintFinished):
            if item.ok:
                self.printed_since_reload += 1
            else:
                self._add("print_failures", item.problem or "unknown")
        else:
            return False
        return True

    def paper_replaced(self) -> None:
        with self._lock:
            self.printed_since_reload = 0
            self._save()

    # -- reading -----------------------------------------------------------------------------------------------
    def paper(self) -> dict:
        used = self.printed_since_reload * self.ticket_mm
        left = max(0, self.roll_mm - used)
        return {
            "tickets_since_reload": self.printed_since_reload,
            "used_mm": used,
            "left_mm": left,
            "tickets_left_estimate": left // self.ticket_mm,
        }

    def snapshot(self) -> dict:
        with self._lock:
            self._roll()
            t = self.today
            return {
                "day": self.day,
                "sessions": dict(t["sessions"]),
                "tickets": dict(t["tickets"]),
                "tickets_total": sum(t["tickets"].values()),
                "checkins": dict(t["checkins"]),
                "checkins_total": sum(t["checkins"].values()),
                "redirects": sum(t["redirects"].values()),
                "redirects_by_business": dict(t["redirects"]),
                "refusals": sum(t["refusals"].values()),
                "reasons": dict(t["reasons"]),
                "counties": dict(t["counties"]),
                "print_failures": dict(t["print_failures"]),
                "offline_tickets": sum(t["offline_tickets"].values()),
                "verified_by": {k: t["verified_by"].get(k, 0) for k in ("face", "fingerprint", "staff")},
                "verified_by_machine_share": _machine_share(t["verified_by"]),
                "paper": self.paper(),
            }

    def lifetime_counts(self) -> dict[str, dict[str, int]]:
        with self._lock:
            return {k: dict(v) for k, v in self.lifetime.items()}


def _machine_share(verified: Counter) -> float | None:
    """Share of parties verified by face or fingerprint (None before anyone was verified today)."""
    total = sum(verified.values())
    return round((verified["face"] + verified["fingerprint"]) / total, 4) if total else None
