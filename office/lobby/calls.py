"""Calls for staff, the counter's side: acknowledge (我来处理) and close, and the calling kiosk's view of its own
call (GET /v1/offices/{office}/assistance/{call_id}), so the kiosk says "staff are on the way" only once a person
has taken the call. The calls themselves are made by office/assistance.py."""

from __future__ import annotations

from office.errors import ApiError
from office.clock import stamp


def _row(conn, office: str, call_id: int):
    row = conn.execute("SELECT * FROM assistance_calls WHERE call_id=? AND office=?", (call_id, office)).fetchone()
    if row is None:
        raise ApiError(404, "call_not_found")
    return row


def acknowledge(lobby, conn, office: str, call_id: int, window: str) -> tuple[int, dict]:
    """A person takes the call; taking it twice answers the same (the first taker stays)."""
    row = _row(conn, office, call_id)
    if row["status"] == "open":
        conn.execute(
            "UPDATE assistance_calls SET status='acknowledged', acknowledged_at=?, counter=? WHERE call_id=?",
            (stamp(lobby.backend.clock()), window, call_id),
        )
        lobby.changed(office)
    return 200, status(_row(conn, office, call_id))


def close(lobby, conn, office: str, call_id: int) -> tuple[int, dict]:
    """The applicant has been helped: the alert leaves the consoles."""
    _row(conn, office, call_id)
    conn.execute("UPDATE assistance_calls SET status='closed' WHERE call_id=?", (call_id,))
    lobby.changed(office)
    return 200, status(_row(conn, office, call_id))


def status(row) -> dict:
    """Least data: the call's state and who took it (a window), nothing about the other calls."""
    return {
        "call_id": row["call_id"],
        "status": row["status"],
        "acknowledged_at": row["acknowledged_at"],
        "counter": row["counter"] or "",
    }


def of_kiosk(conn, office: str, call_id: int, kiosk_id: str) -> dict:
    """A kiosk reads only its own calls: another kiosk's call is as unknown as a missing one (404)."""
    row = _row(conn, office, call_id)
    if row["kiosk_id"] != kiosk_id:
        raise ApiError(404, "call_not_found")
    return status(row)
