"""Calls for staff from the kiosks ("呼叫工作人员"): a kiosk posts one, the counters list the open ones and
acknowledge them. A call names the kiosk, the screen and the business, never a person.

Who may call what is declared in office/access.py, with every other endpoint; a kiosk calls only as itself. A
kiosk has at most one open call: calling again while one is open updates that call to the later screen and business
(200, the same call_id), so one kiosk cannot bury the others' calls. Every call and acknowledgement is audited
(office/audit.py).
"""

from __future__ import annotations

from datetime import datetime
from typing import Optional

from fastapi import FastAPI, Header, Request
from pydantic import BaseModel, ConfigDict, Field

from office.clock import CHINA
from office.errors import ApiError
from office.guard import IDENTITY
from office.clock import stamp
from office.routes.common import write

PATH = "/v1/offices/{office}/assistance"
ACK = PATH + "/{call_id}/acknowledge"
SCHEMA = """
CREATE TABLE IF NOT EXISTS assistance_calls (
  call_id INTEGER PRIMARY KEY AUTOINCREMENT, office TEXT NOT NULL, day TEXT NOT NULL, kiosk_id TEXT NOT NULL,
  screen TEXT NOT NULL, business TEXT, called_at TEXT NOT NULL, received_at TEXT NOT NULL,
  status TEXT NOT NULL DEFAULT 'open', acknowledged_at TEXT, counter TEXT);
CREATE INDEX IF NOT EXISTS assistance_open ON assistance_calls(office, status, call_id);
"""
NAME = r"^[a-z][a-z0-9_]{0,39}$"
OPEN_LIST_LIMIT = 200


class AssistanceCall(BaseModel):
    model_config = ConfigDict(extra="forbid")
    kiosk_id: str = Field(min_length=1, max_length=64)
    screen: str = Field(pattern=NAME, description="the kiosk screen the applicant is on, e.g. read_id_1")
    business: Optional[str] = Field(default=None, pattern=NAME)
    called_at: datetime = Field(description="when the applicant touched the button (kiosk clock)")


class Acknowledge(BaseModel):
    model_config = ConfigDict(extra="forbid")
    counter: str = Field(default="", max_length=16)


def _aware(when: datetime) -> datetime:
    return when if when.tzinfo else when.replace(tzinfo=CHINA)


def _call_id(answer: dict) -> str:
    """The audit reference of a call or an acknowledgement."""
    return str(answer.get("call_id", ""))


def _call(row) -> dict:
    return {
        k: row[k]
        for k in (
            "call_id",
            "office",
            "kiosk_id",
            "screen",
            "business",
            "called_at",
            "received_at",
            "status",
            "acknowledged_at",
            "counter",
        )
    }


def install(app: FastAPI, backend, writes, errors) -> None:
    """Add the assistance endpoints to the office API (and their table to the store); `errors(method, _404=[…])`
    documents the statuses each answers."""
    backend.store.connection().executescript(SCHEMA)
    key_header = Header(default=None, alias="Idempotency-Key")

    def record(conn, office: str, body: dict) -> tuple[int, dict]:
        backend.office(office)
        held = conn.execute(
            "SELECT * FROM assistance_calls WHERE office=? AND kiosk_id=? AND status='open' ORDER BY call_id LIMIT 1",
            (office, body["kiosk_id"]),
        ).fetchone()
        called = body["called_at"]
        if held is not None:  # staff are already asked to this kiosk: tell them where it is now
            if _aware(called) >= _aware(datetime.fromisoformat(held["called_at"])):  # a late replay changes nothing
                conn.execute(
                    "UPDATE assistance_calls SET screen=?, business=?, called_at=? WHERE call_id=?",
                    (body["screen"], body["business"], called.isoformat(timespec="milliseconds"), held["call_id"]),
                )
            return 200, _call(
                conn.execute("SELECT * FROM assistance_calls WHERE call_id=?", (held["call_id"],)).fetchone()
            )
        now = backend.clock()
        cur = conn.execute(
            "INSERT INTO assistance_calls (office, day, kiosk_id, screen, business, called_at, received_at)"
            " VALUES (?,?,?,?,?,?,?)",
            (
                office,
                backend.today(),
                body["kiosk_id"],
                body["screen"],
                body["business"],
                called.isoformat(timespec="milliseconds"),
                stamp(now),
            ),
        )
        row = conn.execute("SELECT * FROM assistance_calls WHERE call_id=?", (cur.lastrowid,)).fetchone()
        return 201, _call(row)

    def acknowledge(conn, office: str, call_id: int, counter: str) -> tuple[int, dict]:
        backend.office(office)
        row = conn.execute("SELECT * FROM assistance_calls WHERE call_id=? AND office=?", (call_id, office)).fetchone()
        if row is None:
            raise ApiError(404, "call_not_found")
        if row["status"] == "open":
            conn.execute(
                "UPDATE assistance_calls SET status='acknowledged', acknowledged_at=?, counter=? WHERE call_id=?",
                (stamp(backend.clock()), counter, call_id),
            )
            row = conn.execute("SELECT * FROM assistance_calls WHERE call_id=?", (call_id,)).fetchone()
        return 200, _call(row)

    @app.post(
        PATH,
        status_code=201,
        responses={
            200: {"description": "This kiosk already has an open call: that call, updated (one open call per kiosk)."},
            **errors("POST", _404=["unknown_office"]),
        },
    )
    async def call_staff(
        office: str, body: AssistanceCall, request: Request, idempotency_key: Optional[str] = key_header
    ):
        """A kiosk asks for a person (journaled on the kiosk, so it may arrive late and more than once: once per
        Idempotency-Key)."""
        who = request.scope.get(IDENTITY)
        if who is None or body.kiosk_id != who.name:
            raise ApiError(403, "kiosk_id_mismatch")
        data = body.model_dump()
        work = lambda c: record(c, office, data)  # noqa: E731
        return await write(backend, writes, request, idempotency_key, body.model_dump(mode="json"), work, _call_id)

    @app.get(PATH, responses=errors("GET", _404=["unknown_office"]))
    def open_calls(office: str):
        """The office's open calls, oldest first (for the counters)."""
        backend.office(office)
        rows = (
            backend.store.read()
            .execute(
                "SELECT * FROM assistance_calls WHERE office=? AND status='open' ORDER BY call_id LIMIT ?",
                (office, OPEN_LIST_LIMIT),
            )
            .fetchall()
        )
        return {"office": office, "calls": [_call(r) for r in rows]}

    @app.post(ACK, responses=errors("POST", _404=["unknown_office", "call_not_found"]))
    async def acknowledge_call(
        office: str,
        call_id: int,
        request: Request,
        body: Optional[Acknowledge] = None,
        idempotency_key: Optional[str] = key_header,
    ):
        """A counter is on its way; acknowledging twice answers the same."""
        counter = body.counter if body else ""
        work = lambda c: acknowledge(c, office, call_id, counter)  # noqa: E731
        return await write(backend, writes, request, idempotency_key, {"counter": counter}, work, _call_id)
