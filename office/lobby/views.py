"""What the lobby's pages show, as JSON: the counter console (one window's view of its office) and the waiting-room
display (numbers called and counts only: nothing personal, no waiting numbers)."""

from __future__ import annotations

import json
from datetime import datetime

from kiosk.domain.business import BUSINESSES
from kiosk.domain.masking import mask_id_for_screen, mask_name
from kiosk.domain.messages import REASON_TEXT
from office.clock import CHINA

LAST_CALLS = 6  # on the display
QUEUE_LIMIT = 60  # waiting tickets listed per business on the console
CALL_KINDS = ("called", "recalled")


def _names(business: str) -> dict[str, str]:
    return BUSINESSES.get(business, {"zh": business, "en": business})


def _minutes(since: str | None, now: datetime) -> int | None:
    if not since:
        return None
    return max(0, int((now - datetime.fromisoformat(since)).total_seconds() // 60))


def window_label(window: str) -> str:
    """The number a window is called by ("window-3" → "3"); a name without digits is said as it is."""
    digits = "".join(c for c in window if c.isdigit())
    return digits.lstrip("0") or digits or window


def _parties(conn, row, reveal: bool) -> list[dict]:
    """The people of a ticket: booked → the booking's parties (names) with the check-in's verification; walk-in →
    the ID numbers the kiosk sent (no names). Masked unless `reveal` (an audited request)."""
    ref = row["appointment_id"] if row["appointment_id"] and row["priority"] == "booked" else row["ticket_id"]
    checked = {r["id_number"]: r for r in conn.execute("SELECT * FROM ticket_parties WHERE ref=?", (ref,)).fetchall()}
    people: list[tuple[str, str]] = []
    if ref == row["appointment_id"]:
        people = [
            (p["id_number"], p["name"])
            for p in conn.execute("SELECT id_number, name FROM parties WHERE appointment_id=? ORDER BY seq", (ref,))
        ]
    else:
        people = [(n, "") for n in checked]
    out = []
    for id_number, name in people:
        check = checked.get(id_number)
        verified_by = check["verified_by"] if check else ""
        out.append(
            {
                "name": (name if reveal else mask_name(name)) if name else "",
                "id_number": id_number if reveal else mask_id_for_screen(id_number),
                "verified_by": verified_by,
                "score": check["score"] if check else None,
                "staff_check": verified_by in ("", "staff"),  # 身份待人工核验
            }
        )
    return out


def _eligibility(conn, ticket_id: str) -> dict | None:
    found = conn.execute("SELECT decision FROM ticket_eligibility WHERE ticket_id=?", (ticket_id,)).fetchone()
    if found is None:
        return None
    decision = json.loads(found["decision"])
    reasons = [
        {"code": r, **REASON_TEXT.get(r, {"zh": r, "en": r})} for r in decision.get("reasons", []) if isinstance(r, str)
    ]
    return {"decision": decision.get("decision", ""), "reasons": reasons, "clauses": decision.get("clauses", [])}


def _warnings(conn, row) -> list[str]:
    warnings = []
    if row["offline"]:
        warnings.append("offline")
    if row["appointment_id"] and row["priority"] != "booked":
        warnings.append("booking_unconfirmed")
    if (
        row["appointment_id"]
        and conn.execute(
            "SELECT 1 FROM tickets WHERE appointment_id=? AND status='void'", (row["appointment_id"],)
        ).fetchone()
    ):
        warnings.append("superseded")
    return warnings


def ticket_detail(conn, row, now: datetime, no_show_after: int, reveal: bool = False) -> dict:
    return {
        "ticket_id": row["ticket_id"],
        "number": row["number"],
        "business": row["business"],
        "business_name": _names(row["business"]),
        "priority": row["priority"],
        "status": row["status"],
        "recalls": row["recalls"],
        "no_show_allowed": row["status"] == "called" and row["recalls"] >= no_show_after,
        "waited_min": _minutes(row["issued_at"], datetime.fromisoformat(row["called_at"]))
        if row["called_at"]
        else None,
        "parties": _parties(conn, row, reveal),
        "eligibility": _eligibility(conn, row["ticket_id"]),
        "warnings": _warnings(conn, row),
    }


def counter_state(lobby, office: str, window: str) -> dict:
    backend = lobby.backend
    oc = backend.office(office)
    conn, today, now = backend.store.read(), backend.today(), backend.clock().astimezone(CHINA)
    me = conn.execute("SELECT * FROM windows WHERE office=? AND window=?", (office, window)).fetchone()
    at = conn.execute(
        "SELECT t.*, s.recalls FROM tickets t JOIN service s USING (ticket_id)"
        " WHERE t.office=? AND t.day=? AND s.window=? AND t.status IN ('called','serving')"
        " ORDER BY t.called_at DESC LIMIT 1",
        (office, today, window),
    ).fetchone()
    queues = []
    for business in oc.tickets:
        rows = conn.execute(
            "SELECT t.ticket_id, t.number, t.priority, t.issued_at, t.offline, COALESCE(s.to_window, '') AS to_window"
            " FROM tickets t LEFT JOIN service s USING (ticket_id)"
            " WHERE t.office=? AND t.day=? AND t.business=? AND t.status='waiting'"
            " ORDER BY COALESCE(s.to_window, '') = '', CASE t.priority WHEN 'booked' THEN 0 ELSE 1 END,"
            " t.issued_at, t.rowid LIMIT ?",
            (office, today, business, QUEUE_LIMIT),
        ).fetchall()
        count = conn.execute(
            "SELECT COUNT(*) FROM tickets WHERE office=? AND day=? AND business=? AND status='waiting'",
            (office, today, business),
        ).fetchone()[0]
        queues.append(
            {
                "business": business,
                "name": _names(business),
                "waiting": count,
                "tickets": [
                    {
                        "number": r["number"],
                        "priority": r["priority"],
                        "waited_min": _minutes(r["issued_at"], now),
                        "offline": bool(r["offline"]),
                        "to_window": r["to_window"],
                    }
                    for r in rows
                ],
            }
        )
    walk_ins = conn.execute(
        "SELECT COUNT(*) FROM tickets WHERE office=? AND day=? AND priority='walk_in' AND status != 'void'",
        (office, today),
    ).fetchone()[0]
    windows = [
        {
            "window": w["window"],
            "label": window_label(w["window"]),
            "paused": bool(w["paused"]),
            "business": w["business"],
            "serving": w["number"] or "",
            "status": w["status"] or "",
        }
        for w in conn.execute(
            "SELECT w.window, w.paused, w.business, t.number, t.status FROM windows w"
            " LEFT JOIN service s ON s.office=w.office AND s.window=w.window AND s.day=? AND s.ended_at IS NULL"
            " LEFT JOIN tickets t ON t.ticket_id=s.ticket_id AND t.status IN ('called','serving')"
            " WHERE w.office=? ORDER BY w.window",
            (today, office),
        )
    ]
    calls = [
        {**dict(r), "business_name": _names(r["business"]) if r["business"] else None}
        for r in conn.execute(
            "SELECT call_id, kiosk_id, screen, business, called_at, status, counter FROM assistance_calls"
            " WHERE office=? AND day=? AND status IN ('open','acknowledged') ORDER BY call_id LIMIT 50",
            (office, today),
        )
    ]
    return {
        "office": {"code": office, "name": oc.name.model_dump()},
        "window": {
            "window": window,
            "label": window_label(window),
            "paused": bool(me["paused"]) if me else False,
            "business": me["business"] if me else "",
        },
        "at_window": ticket_detail(conn, at, now, lobby.no_show_after) if at else None,
        "no_show_after": lobby.no_show_after,
        "queues": queues,
        "walk_in_quota": oc.walk_in_daily_quota,
        "walk_in_left": max(oc.walk_in_daily_quota - walk_ins, 0),
        "windows": _dedupe(windows),
        "calls": calls,
        "businesses": [{"business": b, "name": _names(b)} for b in oc.tickets],
        "version": lobby.versions.get(office, 0),
    }


def _dedupe(windows: list[dict]) -> list[dict]:
    seen: dict[str, dict] = {}
    for w in windows:
        if w["window"] not in seen or w["serving"]:
            seen[w["window"]] = w
    return list(seen.values())


def display_state(lobby, office: str) -> dict:
    """Numbers called (→ window) and counts waiting per business: exactly what the lobby may see."""
    backend = lobby.backend
    oc = backend.office(office)
    conn, today = backend.store.read(), backend.today()
    events = conn.execute(
        "SELECT e.seq, e.kind, e.window, e.at, t.number, e.ticket_id FROM service_events e"
        " JOIN tickets t USING (ticket_id) WHERE e.office=? AND e.day=? AND e.kind IN ('called','recalled')"
        " ORDER BY e.seq DESC LIMIT 40",
        (office, today),
    ).fetchall()
    calls, seen = [], set()
    for e in events:
        if e["ticket_id"] in seen:
            continue
        seen.add(e["ticket_id"])
        calls.append(
            {
                "seq": e["seq"],
                "number": e["number"],
                "window": window_label(e["window"]),
                "recall": e["kind"] == "recalled",
                "at": e["at"],
            }
        )
        if len(calls) == LAST_CALLS:
            break
    waiting = dict(
        conn.execute(
            "SELECT business, COUNT(*) FROM tickets WHERE office=? AND day=? AND status='waiting' GROUP BY business",
            (office, today),
        ).fetchall()
    )
    return {
        "office": oc.name.model_dump(),
        "time": backend.clock().astimezone(CHINA).strftime("%H:%M"),  # the office's clock, not the TV's
        "calls": calls,
        "waiting": [{"business": b, "name": _names(b), "count": waiting.get(b, 0)} for b in oc.tickets],
        "version": lobby.versions.get(office, 0),
    }
