"""HTTP layer of the reference office server. OpenAPI at /openapi.json (every status, role and error code).

Who may call what is declared once, in office/access.py; office/guard.py enforces it (and the body, media type
and Host bounds) before any endpoint runs. Every write is audited in its own transaction (office/audit.py).
"""

from __future__ import annotations

import asyncio
import sqlite3
from contextlib import asynccontextmanager
from datetime import datetime, timezone
from email.utils import formatdate
from typing import Literal, Optional

from fastapi import FastAPI, Header, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from pydantic import BaseModel, ConfigDict, Field, field_validator
from starlette.exceptions import HTTPException as StarletteHTTPException

from office import access, answers, assistance, bureau, identity_api, offline, queue, reports
from office import clock as office_clock
from office.anchor import Anchors
from office.bureau import BureauAdvice
from office.lobby import web as lobby_web
from office.workload.sources import TicketsTable
from office.errors import RETRY_FULL_S, ApiError, storage_failure, trim
from office.group_commit import GroupCommit
from office.guard import IDENTITY, Guard
from office.holidays import outlook as holiday_outlook
from office.pki import Identity, RevocationList
from office.service import OfficeBackend, fingerprint, stamp

KEY_HEADER = Header(
    default=None,
    alias="Idempotency-Key",
    description="Required on every POST by kiosks (1–200 characters). Same key + same body → the "
    "first answer (header Idempotent-Replayed: true); a different body → 409.",
)
MAX_PARTIES = 4


def _text_ok(value):
    if isinstance(value, str):
        value.encode("utf-8")  # a lone surrogate → UnicodeEncodeError → 422
    return value


def _plausible(value: datetime | None) -> datetime | None:
    if value is None:
        return value
    if not 2000 <= value.year <= 2100:
        raise ValueError("year out of range")
    if value.tzinfo is not None:
        value.astimezone(timezone.utc)  # year-1 with +14:00 overflows here → 422
    return value


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid", str_max_length=200)

    @field_validator("*", mode="after")
    @classmethod
    def _no_surrogates(cls, value):
        return _text_ok(value)


def _capped(value):
    """Lists are capped before their items are validated."""
    if isinstance(value, list) and len(value) > MAX_PARTIES:
        raise ValueError(f"at most {MAX_PARTIES} parties")
    return value


VerifiedBy = Literal["face", "fingerprint", "staff"]


class PartyPresent(_Body):
    id_number: str = Field(min_length=1, max_length=32)
    verified_by: Optional[VerifiedBy] = Field(
        default=None, description="How the kiosk verified this person; staff: the registrar checks (身份待人工核验)"
    )
    score: Optional[float] = Field(default=None, ge=-1, le=100, description="of the deciding comparison")


class CheckinRequest(_Body):
    appointment_id: str = Field(min_length=1, max_length=64)
    kiosk_id: str = Field(min_length=1, max_length=64, description="must be the kiosk of the client certificate")
    parties: list[PartyPresent] = Field(min_length=1, max_length=MAX_PARTIES)
    checked_in_at: Optional[datetime] = Field(
        default=None,
        description="When the applicants arrived (kiosk clock); journal replays keep the real time. "
        "Not in the future, not before today.",
    )

    _cap = field_validator("parties", mode="before")(_capped)
    _time = field_validator("checked_in_at", mode="after")(_plausible)


class WalkInParty(_Body):
    id_number: str = Field(min_length=1, max_length=32)
    address: str = Field(default="", max_length=200)
    verified_by: Optional[VerifiedBy] = None
    score: Optional[float] = Field(default=None, ge=-1, le=100)


class OfflineTicket(_Body):
    number: str = Field(
        min_length=1, max_length=8, description="The number the kiosk printed from its offline range, e.g. A701"
    )
    issued_at: datetime = Field(
        description="within the office's ticket hours (opening hours ± its margin); today, or up to 24 h ago across"
        " midnight (then recorded for its day, warning past_day)"
    )

    _time = field_validator("issued_at", mode="after")(_plausible)


class Eligibility(_Body):
    """The kiosk's eligibility decision, for the counter (codes only: no personal data)."""

    decision: Literal["accept", "redirect", "staff", "refuse"]
    reasons: list[str] = Field(default=[], max_length=12)
    clauses: list[str] = Field(default=[], max_length=12)


class TicketRequest(_Body):
    business: str = Field(min_length=1, max_length=32)
    appointment_id: Optional[str] = Field(default=None, max_length=64)
    kiosk_id: str = Field(min_length=1, max_length=64, description="must be the kiosk of the client certificate")
    parties: Optional[list[WalkInParty]] = Field(
        default=None, max_length=MAX_PARTIES, description="Walk-ins: who the ticket is for (for the 全城通办 report)."
    )
    offline: Optional[OfflineTicket] = Field(default=None, description="Record a ticket issued while offline.")
    eligibility: Optional[Eligibility] = Field(default=None, description="shown at the counter with the ticket")
    supersedes: Optional[str] = Field(
        default=None,
        min_length=1,
        max_length=200,
        description="Idempotency-Key of an earlier request whose answer was lost; it is voided.",
    )

    _cap = field_validator("parties", mode="before")(_capped)


class TicketResponse(BaseModel):
    ticket_id: str
    number: str
    priority: str
    waiting_ahead: int
    issued_at: str
    business: str
    offline: bool
    status: str
    appointment_id: Optional[str]
    warnings: list[str] = Field(default=[], description="why an offline ticket was recorded as a walk-in")


class CallRequest(_Body):
    counter: str = Field(min_length=1, max_length=16)
    business: Optional[str] = Field(default=None, max_length=32)


class ReleaseRequest(_Body):
    phone: Optional[str] = Field(
        default=None, min_length=1, max_length=32, description="lift the lock of this phone number (any spelling)"
    )
    kiosk_id: Optional[str] = Field(
        default=None, min_length=1, max_length=64, description="lift the lock of this kiosk's lookups"
    )


class ErrorBody(BaseModel):
    error: str = Field(description="stable machine code, e.g. quota_exhausted")
    message: dict[str, str] = Field(description='{"zh": "…", "en": "…"}')


# Error codes each status may carry, on every endpoint (the guard's) and per endpoint (below).
COMMON = {
    400: ["host_not_allowed", "invalid_request"],
    403: ["certificate_required", "certificate_revoked", "forbidden_role", "forbidden_office"],
    404: ["not_found"],
    405: ["method_not_allowed"],
    422: ["invalid_request"],
    500: ["internal_error"],
}
POSTS = {
    503: ["storage_full"],
    400: ["idempotency_key_invalid"],
    403: ["kiosk_id_mismatch"],
    409: ["idempotency_conflict"],
    413: ["body_too_large"],
    415: ["unsupported_media_type"],
}


def _errors(method: str, **codes: list[str]) -> dict:
    """OpenAPI responses: the statuses this endpoint answers and the error codes each carries (`_409=[…]`)."""
    merged: dict[int, set[str]] = {s: set(c) for s, c in COMMON.items()}
    tables = [POSTS] if method == "POST" else []
    tables.append({int(k.lstrip("_")): v for k, v in codes.items()})
    for table in tables:
        for status, more in table.items():
            merged.setdefault(status, set()).update(more)
    return {
        s: {"model": ErrorBody, "description": "error codes: " + ", ".join(sorted(c))}
        for s, c in sorted(merged.items())
    }


def _json(status: int, body: dict, replayed: bool = False) -> JSONResponse:
    return JSONResponse(body, status_code=status, headers={"Idempotent-Replayed": "true"} if replayed else None)


class ServerDate:
    """Every answer's `Date` header from the server's own clock (the one its rules use; pinned in tests and with
    `--now`), so a kiosk can measure how far off its clock is. Pure ASGI: no per-request task. Run uvicorn with
    `date_header=False`; if not, this one comes last and kiosks read the last."""

    def __init__(self, app, clock):
        self.app, self.clock = app, clock

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)

        async def dated(message):
            if message["type"] == "http.response.start":
                headers = [(k, v) for k, v in message.get("headers", []) if k.lower() != b"date"]
                headers.append((b"date", formatdate(self.clock().timestamp(), usegmt=True).encode()))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, dated)


def caller(request: Request) -> Identity:
    who = request.scope.get(IDENTITY)
    if who is None:  # the guard lets nobody through without one
        raise ApiError(403, "certificate_required")
    return who


def _same_kiosk(who: Identity, kiosk_id: str) -> None:
    if kiosk_id != who.name:
        raise ApiError(403, "kiosk_id_mismatch")


def _document_roles(app: FastAPI) -> None:
    """Each operation's roles (from office/access.py) in its description and as `x-roles`."""
    for route in app.routes:
        if isinstance(route, APIRoute):
            for method in route.methods:
                roles = access.roles_of(method, route.path)
                route.openapi_extra = {**(route.openapi_extra or {}), "x-roles": list(roles)}
                note = f"Roles: {', '.join(roles) or 'none'} (from the client certificate)."
                route.description = f"{route.description}\n\n{note}".strip()


def _lifespan(backend: OfficeBackend, anchors: Anchors | None):
    """The server's lifespan: the audit chain's head anchored at an interval and when the server stops, when the
    kiosks' contacts are stored too."""

    def stopping() -> None:
        with backend.store.write() as conn:
            backend.contacts.flush(conn, backend.clock().timestamp(), force=True)
        if anchors is not None:
            anchors.anchor_now(backend.store, lambda: stamp(backend.clock()))

    @asynccontextmanager
    async def lifespan(app):
        task = asyncio.create_task(anchors.run(backend.store, lambda: stamp(backend.clock()))) if anchors else None
        try:
            yield
        finally:
            if task is not None:
                task.cancel()
            await asyncio.to_thread(stopping)

    return lifespan


def create_app(
    backend: OfficeBackend,
    revoked: RevocationList | None = None,
    hosts: set[str] | None = None,
    bureau_advice: BureauAdvice | None = None,
    lobby_options: dict | None = None,
    offline_rules: offline.OfflineRules | None = None,
    anchors: Anchors | None = None,
) -> FastAPI:
    # POSTs are `async`: their work is a short SQLite write that is serialised anyway, so it runs on the event
    # loop (no thread hop), and POSTs that arrive together share one commit (p99 under 50 concurrent kiosks).
    # Reads stay in threads.
    app = FastAPI(
        title="Heyuan marriage registration office API",
        version="1",
        description="Reference office server: appointments, check-in, queue tickets, 全城通办 report. "
        "Mutual TLS: every caller presents a client certificate from the office CA; its "
        "role (kiosk, counter, bureau), name and office come from the certificate.",
        lifespan=_lifespan(backend, anchors),
    )
    writes = GroupCommit(backend)
    offline.attach(backend, offline_rules or offline.OfflineRules())
    app.add_middleware(ServerDate, clock=backend.clock)
    lobby = lobby_web.install(app, backend, writes, _errors, **(lobby_options or {}))  # /counter/, /display/

    def audited(request: Request, ref_of=lambda body: ""):
        who, method, path = request.scope.get(IDENTITY), request.method, request.url.path
        request.state.audited = True

        def note(conn, status: int, body: dict) -> None:
            backend.audit(
                conn,
                who,
                method,
                path,
                status,
                body.get("error", "") if status >= 400 else "",
                ref_of(body) if status < 400 else "",
            )

        return note

    @app.exception_handler(ApiError)
    async def _api_error(request: Request, exc: ApiError):
        return JSONResponse(exc.body(), status_code=exc.status)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError):
        detail = [{"loc": [trim(x, 40) for x in e["loc"]][:6], "msg": trim(e["msg"], 120)} for e in exc.errors()[:5]]
        return JSONResponse(ApiError(422, "invalid_request", detail=detail).body(), status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException):
        code = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "invalid_request")
        return JSONResponse(ApiError(exc.status_code, code).body(), status_code=exc.status_code)

    for bad_input in (ValueError, OverflowError, UnicodeError, RecursionError):

        @app.exception_handler(bad_input)
        async def _bad_input(request: Request, exc: Exception):
            return JSONResponse(
                ApiError(422, "invalid_request", detail=trim(type(exc).__name__)).body(), status_code=422
            )

    @app.exception_handler(sqlite3.OperationalError)
    async def _storage(request: Request, exc: Exception):
        if storage_failure(exc):  # nothing was stored: the transaction rolled back, the database is intact
            return JSONResponse(
                ApiError(503, "storage_full").body(), status_code=503, headers={"Retry-After": str(RETRY_FULL_S)}
            )
        return JSONResponse(ApiError(500, "internal_error").body(), status_code=500)

    @app.exception_handler(Exception)
    async def _crash(request: Request, exc: Exception):
        return JSONResponse(ApiError(500, "internal_error").body(), status_code=500)

    @app.get("/healthz", responses=_errors("GET"))
    def healthz():
        backend.store.read().execute("SELECT 1").fetchone()
        now = backend.clock()
        out: dict = {"ok": True, "time": stamp(now)}
        rest_days = getattr(app.state, "rest_days", None)  # set by build(): shipped + installed calendars
        if rest_days is not None:
            out["holidays"] = holiday_outlook(rest_days, now.astimezone(office_clock.CHINA).date())
        return out

    @app.get("/v1/offices", responses=_errors("GET"))
    def offices():
        return {"offices": [o.model_dump() for o in backend.offices.values()]}

    @app.get(
        "/v1/appointments/lookup",
        responses=_errors(
            "GET", _400=["invalid_request"], _404=["appointment_not_found", "not_today"], _429=["too_many_attempts"]
        ),
    )
    def lookup(
        request: Request,
        token: Optional[str] = Query(default=None, max_length=64),
        id_number: Optional[str] = Query(default=None, max_length=32),
        office: Optional[str] = Query(default=None, max_length=6, description="the caller's office only"),
        phone: Optional[str] = Query(default=None, max_length=32),
        code: Optional[str] = Query(default=None, max_length=16),
    ):
        """Today's bookings by QR token, by ID number (this office only) or by phone + code. Bookings of this
        office carry ID numbers only as scrypt hashes under the day's salt (`match`) and masked names; another office's bookings only
        where and when. 5 wrong codes for a phone (however spelled) lock it for 15 minutes (429); so do too many
        misses from one kiosk."""
        return {
            "appointments": backend.lookup(
                caller(request), _text_ok(token), _text_ok(id_number), office, _text_ok(phone), _text_ok(code)
            )
        }

    @app.get(
        "/v1/offices/{office}/appointments",
        responses=_errors("GET", _403=["date_not_allowed"], _404=["unknown_office"]),
    )
    def appointments(
        office: str,
        date: Optional[str] = Query(
            default=None, max_length=10, description="YYYY-MM-DD: today (default), or tomorrow after 17:00"
        ),
    ):
        """This office's bookings of the day for the kiosk's offline cache: least data (see lookup), and of today only
        those whose check-in window has not closed."""
        found = backend.appointments_of(office, date)
        return {"office": office, "date": backend.bookings_day(date), "appointments": found}

    @app.post(
        "/v1/offices/{office}/checkins",
        status_code=201,
        responses=_errors(
            "POST",
            _404=["unknown_office", "appointment_not_found"],
            _409=["not_today", "too_early", "too_late", "already_checked_in", "appointment_cancelled", "other_office"],
            _422=["parties_mismatch", "bad_time"],
        ),
    )
    async def checkin(office: str, body: CheckinRequest, request: Request, idempotency_key: Optional[str] = KEY_HEADER):
        _same_kiosk(caller(request), body.kiosk_id)
        data = body.model_dump()
        print_ = fingerprint("POST", request.url.path, body.model_dump(mode="json"))
        note = audited(request, lambda b: b.get("appointment_id", ""))
        work = lambda c: lobby.kept(c, office, backend.checkin(c, office, data), data)  # noqa: E731
        return _json(*await writes.run(idempotency_key, print_, work, note))

    @app.post(
        "/v1/offices/{office}/tickets",
        status_code=201,
        response_model=TicketResponse,
        responses=_errors(
            "POST",
            _404=["unknown_office", "appointment_not_found"],
            _409=[
                "other_office",
                "not_checked_in",
                "ticket_already_issued",
                "offline_number_taken",
                "superseded",
                "office_closed",
            ],
            _422=[
                "unknown_business",
                "business_mismatch",
                "offline_number_invalid",
                "offline_implausible",
                "bad_time",
            ],
            _429=["quota_exhausted", "range_exhausted"],
        ),
    )
    async def ticket(office: str, body: TicketRequest, request: Request, idempotency_key: Optional[str] = KEY_HEADER):
        _same_kiosk(caller(request), body.kiosk_id)
        data = body.model_dump()
        print_ = fingerprint("POST", request.url.path, body.model_dump(mode="json"))
        note = audited(request, lambda b: b.get("ticket_id", ""))
        work = lambda c: lobby.kept(c, office, queue.issue_ticket(backend, c, office, data), data)  # noqa: E731
        return _json(*await writes.run(idempotency_key, print_, work, note))

    @app.post("/v1/offices/{office}/queue/next", responses=_errors("POST", _404=["unknown_office", "queue_empty"]))
    async def call_next(office: str, body: CallRequest, request: Request, idempotency_key: Optional[str] = KEY_HEADER):
        """A counter calls the next ticket (booked first)."""
        data = body.model_dump()
        print_ = fingerprint("POST", request.url.path, body.model_dump(mode="json"))
        note = audited(request, lambda b: b.get("ticket_id", ""))
        return _json(
            *await writes.run(idempotency_key, print_, lambda c: queue.call_next(backend, c, office, data, lobby), note)
        )

    @app.post("/v1/offices/{office}/lockouts/release", responses=_errors("POST", _404=["unknown_office"]))
    async def release(office: str, body: ReleaseRequest, request: Request, idempotency_key: Optional[str] = KEY_HEADER):
        """Staff lift a lockout (a phone number's wrong codes, or a kiosk's misses) before it runs out."""
        backend.office(office)
        if not (body.phone or body.kiosk_id):
            raise ApiError(422, "invalid_request", detail="give phone or kiosk_id")
        print_ = fingerprint("POST", request.url.path, body.model_dump(mode="json"))
        note = audited(request)
        work = lambda c: (200, backend.release_lock(c, office, body.phone, body.kiosk_id))  # noqa: E731
        return _json(*await writes.run(idempotency_key, print_, work, note))

    @app.get("/v1/offices/{office}/queue", responses=_errors("GET", _404=["unknown_office"]))
    def queue_state(office: str):
        """Waiting per business and walk-in quota left."""
        return queue.queue_state(backend, office)

    @app.get(
        "/v1/offices/{office}/reports/citywide",
        responses=_errors("GET", _400=["invalid_range"], _404=["unknown_office"]),
    )
    def citywide(office: str, from_: str = Query(alias="from", max_length=10), to: str = Query(max_length=10)):
        """The 全城通办 figures (aggregates, no personal data)."""
        backend.office(office)
        return reports.citywide(backend.store.read(), office, from_, to)

    assistance.install(app, backend, writes, _errors)
    app.state.bureau = bureau_advice or BureauAdvice(TicketsTable(backend.store.read, backend.today), backend.offices)
    bureau.install(app, app.state.bureau, caller, _errors)
    identity_api.install(app, backend, writes, _errors)
    offline.install(app, backend, writes, _errors)
    _document_roles(app)
    answers.document(app)
    app.add_middleware(Guard, backend=backend, writes=writes, revoked=revoked, hosts=hosts)
    return app
