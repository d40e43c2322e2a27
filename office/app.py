"""HTTP layer of the reference office server (CONTRACTS §3). OpenAPI at /openapi.json."""
from __future__ import annotations

from datetime import datetime
from typing import Literal, Optional

from fastapi import FastAPI, Header, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

from office import queue, reports
from office.errors import ApiError
from office.group_commit import GroupCommit
from office.identity import IdentityService
from office.service import OfficeBackend, fingerprint, normalise_id, stamp

KEY_HEADER = Header(default=None, alias="Idempotency-Key",
                    description="Required on every POST. Same key + same body → the first answer; else 409.")


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


VerifiedBy = Literal["face", "fingerprint", "staff"]


class PartyPresent(_Body):
    id_number: str = Field(min_length=1, max_length=32)
    verified_by: Optional[VerifiedBy] = Field(
        default=None, description="How the kiosk verified this person; staff: the registrar checks (身份待人工核验)")
    score: Optional[float] = Field(default=None, ge=-1, le=100, description="of the deciding comparison")


class CheckinRequest(_Body):
    appointment_id: str
    kiosk_id: str = Field(min_length=1, max_length=64)
    parties: list[PartyPresent] = Field(min_length=1, max_length=4)
    checked_in_at: Optional[datetime] = Field(
        default=None, description="When the applicants arrived (kiosk clock); journal replays keep the real time.")


class WalkInParty(_Body):
    id_number: str = Field(min_length=1, max_length=32)
    address: str = Field(default="", max_length=200)
    verified_by: Optional[VerifiedBy] = None
    score: Optional[float] = Field(default=None, ge=-1, le=100)


class OfflineTicket(_Body):
    number: str = Field(description="The number the kiosk printed from its offline range, e.g. A701")
    issued_at: datetime


class TicketRequest(_Body):
    business: str
    appointment_id: Optional[str] = None
    kiosk_id: str = Field(min_length=1, max_length=64)
    parties: Optional[list[WalkInParty]] = Field(
        default=None, description="Walk-ins: who the ticket is for (for the 全城通办 report).")
    offline: Optional[OfflineTicket] = Field(default=None, description="Record a ticket issued while offline.")
    supersedes: Optional[str] = Field(
        default=None, description="Idempotency-Key of an earlier request whose answer was lost; it is voided.")


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


class ErrorBody(BaseModel):
    error: str = Field(description="stable machine code, e.g. quota_exhausted")
    message: dict[str, str] = Field(description='{"zh": "…", "en": "…"}')


def _errors(*codes: int) -> dict:
    return {c: {"model": ErrorBody} for c in (400, 422, *codes)}


class IdentityVerifyRequest(_Body):
    id_number: str = Field(min_length=1, max_length=32)
    photo_jpeg: str = Field(min_length=16, max_length=400_000, description="the live face crop, JPEG, base64")


class IdentityVerifyResponse(BaseModel):
    result: Literal["match", "no_match", "unavailable"]
    score: Optional[float] = None


class CallRequest(_Body):
    counter: str = Field(min_length=1, max_length=16)
    business: Optional[str] = None


def _json(status: int, body: dict, replayed: bool = False) -> JSONResponse:
    return JSONResponse(body, status_code=status, headers={"Idempotent-Replayed": "true"} if replayed else None)


def create_app(backend: OfficeBackend) -> FastAPI:
    # POSTs are `async`: their work is a short SQLite write that is serialised anyway, so it runs on the event
    # loop (no thread hop), and POSTs that arrive together share one commit (p99 under 50 concurrent kiosks).
    # Reads stay in threads.
    app = FastAPI(title="Heyuan marriage registration office API", version="1",
                  description="Reference office server: appointments, check-in, queue tickets, 全城通办 report.")
    writes = GroupCommit(backend)

    @app.exception_handler(ApiError)
    async def _api_error(request: Request, exc: ApiError):
        return JSONResponse(exc.body(), status_code=exc.status)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError):
        detail = [{"loc": list(e["loc"]), "msg": e["msg"]} for e in exc.errors()]
        return JSONResponse(ApiError(422, "invalid_request", detail=detail).body(), status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException):
        code = "not_found" if exc.status_code == 404 else "invalid_request"
        return JSONResponse(ApiError(exc.status_code, code).body(), status_code=exc.status_code)

    @app.exception_handler(Exception)
    async def _crash(request: Request, exc: Exception):
        return JSONResponse(ApiError(500, "internal_error").body(), status_code=500)

    @app.get("/healthz")
    def healthz():
        backend.store.read().execute("SELECT 1").fetchone()
        return {"ok": True, "time": stamp(backend.clock())}

    @app.get("/v1/offices")
    def offices():
        return {"offices": [o.model_dump() for o in backend.offices.values()]}

    @app.get("/v1/appointments/lookup", responses=_errors(404, 429))
    def lookup(token: Optional[str] = None, id_number: Optional[str] = None, office: Optional[str] = None,
               phone: Optional[str] = None, code: Optional[str] = None):
        """Today's bookings by QR token, by ID number at an office, or by phone + code."""
        return {"appointments": backend.lookup(token, id_number, office, phone, code)}

    @app.get("/v1/offices/{office}/appointments")
    def appointments(office: str,
                     date: Optional[str] = Query(default=None, description="YYYY-MM-DD; default today")):
        """All bookings of an office for a day (the kiosk's offline cache)."""
        found = backend.appointments_of(office, date)
        return {"office": office, "date": date or backend.today(), "appointments": found}

    @app.post("/v1/offices/{office}/checkins", status_code=201, responses=_errors(404, 409))
    async def checkin(office: str, body: CheckinRequest, request: Request,
                      idempotency_key: Optional[str] = KEY_HEADER):
        data = body.model_dump()
        print_ = fingerprint("POST", request.url.path, body.model_dump(mode="json"))
        return _json(*await writes.run(idempotency_key, print_, lambda c: backend.checkin(c, office, data)))

    @app.post("/v1/offices/{office}/tickets", status_code=201, response_model=TicketResponse,
              responses=_errors(404, 409, 429))
    async def ticket(office: str, body: TicketRequest, request: Request,
                     idempotency_key: Optional[str] = KEY_HEADER):
        data = body.model_dump()
        print_ = fingerprint("POST", request.url.path, body.model_dump(mode="json"))
        return _json(*await writes.run(idempotency_key, print_,
                                         lambda c: queue.issue_ticket(backend, c, office, data)))

    @app.post("/v1/offices/{office}/queue/next", responses=_errors(404, 409))
    async def call_next(office: str, body: CallRequest, request: Request,
                        idempotency_key: Optional[str] = KEY_HEADER):
        """A counter calls the next ticket (booked first)."""
        data = body.model_dump()
        print_ = fingerprint("POST", request.url.path, body.model_dump(mode="json"))
        return _json(*await writes.run(idempotency_key, print_,
                                         lambda c: queue.call_next(backend, c, office, data)))

    @app.get("/v1/offices/{office}/queue")
    def queue_state(office: str):
        return queue.queue_state(backend, office)

    # --- identity verification (role: kiosk) -------------------------------------------------------------------
    identity = app.state.identity = IdentityService(backend.store)     # models load on first use (warm_up)

    @app.post("/v1/identity/verify", response_model=IdentityVerifyResponse, responses=_errors(), tags=["kiosk"])
    def identity_verify(body: IdentityVerifyRequest):
        """A kiosk asks whether the live face belongs to this ID number. Role: kiosk. Nothing is stored; the
        answer holds only the outcome and the score."""
        import base64
        import binascii

        try:
            jpeg = base64.b64decode(body.photo_jpeg, validate=True)
        except (binascii.Error, ValueError):
            raise ApiError(422, "invalid_request", detail="photo_jpeg is not base64") from None
        answer = identity.verify(normalise_id(body.id_number), jpeg)
        return {"result": answer["result"], "score": answer["score"]}

    @app.get("/v1/offices/{office}/reports/citywide", responses=_errors(404))
    def citywide(office: str, from_: str = Query(alias="from"), to: str = Query()):
        backend.office(office)
        return reports.citywide(backend.store.read(), office, from_, to)

    return app
