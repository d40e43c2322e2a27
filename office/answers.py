"""What each route answers when it succeeds, declared for the OpenAPI document: so docs/api.md lists the answer's
fields, and the tests check every answer against its declaration (no field more, none missing).

Routes with a `response_model` (tickets, identity) declare theirs in office/routes/bodies.py and
office/identity_api.py; `document(app)` adds these to the document the server serves."""

from __future__ import annotations

from typing import Literal, Optional

from fastapi import FastAPI
from pydantic import BaseModel, ConfigDict, Field
from pydantic.json_schema import models_json_schema

from kiosk.domain.offices import OfficeConfig

STAMP = "ISO 8601 with milliseconds and the +08:00 offset"


class Answer(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Calendars(Answer):
    covered: list[int] = Field(description="the years with a holiday calendar, shipped or installed")
    missing: Optional[int] = Field(
        description="this year's calendar, or from 1 November next year's, when it is not installed; else null"
    )


class Health(Answer):
    ok: bool
    time: str = Field(description=f"the server's clock ({STAMP}); kiosks measure their own against it")
    holidays: Optional[Calendars] = Field(default=None, description="served by `kiosk-office-server` (build())")


class Offices(Answer):
    offices: list[OfficeConfig]


class ListedParty(Answer):
    id_match: str = Field(description="scrypt of the ID number under the booking's match salt and cost, hex")
    name: str = Field(description="masked, e.g. 陈*明")
    military: bool


class MatchCost(Answer):
    salt: str = Field(description="the office's salt of the day, hex")
    n: int = Field(description="scrypt CPU/memory cost")
    r: int = Field(description="scrypt block size")
    p: int = Field(description="scrypt parallelism")


class DivorceApplication(Answer):
    date: str = Field(description="YYYY-MM-DD of the divorce application")
    office: str = Field(description="the office it was made at")


class Booking(Answer):
    """A booking of the caller's office: no ID number, phone or address in clear."""

    appointment_id: str
    office: str
    date: str = Field(description="YYYY-MM-DD")
    slot: str = Field(description="HH:MM")
    business: str
    status: str = Field(description="booked | cancelled | …")
    checked_in: bool
    checked_in_at: Optional[str] = Field(description=STAMP)
    ticket_number: Optional[str] = Field(description="the number this booking already holds today, if any")
    match: MatchCost = Field(description="how the kiosk hashes a card to compare it with `id_match`")
    token_match: str = Field(description="HMAC-SHA256 of the booking's QR token under the match salt, hex")
    parties: list[ListedParty]
    divorce_application: Optional[DivorceApplication] = Field(default=None, description="divorce certificates only")
    certificate_lost: Optional[bool] = Field(default=None, description="re-issue of a certificate only")


class BookingElsewhere(Answer):
    """A booking at another office: only where and when, so the kiosk can send the applicants there."""

    appointment_id: str
    office: str
    date: str
    slot: str
    business: str
    status: str


class Found(Answer):
    appointments: list[Booking | BookingElsewhere]


class DayBookings(Answer):
    office: str
    date: str = Field(description="the day listed, YYYY-MM-DD")
    appointments: list[Booking]


class CheckedIn(Answer):
    appointment_id: str
    office: str
    business: str
    slot: str
    status: Literal["checked_in"]
    checked_in_at: str = Field(description=STAMP)
    kiosk_id: str


class CalledTicket(Answer):
    ticket_id: str
    number: str
    priority: str = Field(description="booked | walk_in")
    waiting_ahead: int
    issued_at: str = Field(description=STAMP)
    business: str
    offline: bool
    status: Literal["called"]
    appointment_id: Optional[str]
    counter: str = Field(description="the counter that called it")


class Released(Answer):
    released: int = Field(description="how many failed attempts were forgotten")


class QueueState(Answer):
    office: str
    date: str
    waiting: dict[str, int] = Field(description="business → tickets waiting")
    issued: int = Field(description="tickets issued today")
    walk_in_quota: int
    walk_in_left: int


class Businesses(Answer):
    marriage: int
    divorce_application: int
    divorce_certificate: int
    reissue_certificate: int
    archive_query: int
    record_certificate: int


class VerifiedBy(Answer):
    face: int
    fingerprint: int
    staff: int


class CitywideDay(Answer):
    date: str
    cases: int
    by_business: Businesses
    applicants: int
    from_other_counties: int
    cross_county_cases: int


class Citywide(Answer):
    """The 全城通办 figures: aggregates only, no personal data."""

    office: str
    from_: str = Field(alias="from")
    to: str
    days: int
    cases: int
    by_business: Businesses
    applicants: int
    by_home_county: dict[str, int] = Field(description="county code, outside_city or unknown → applicants")
    from_other_counties: int = Field(description="applicants whose hukou is in another Heyuan county")
    share_from_other_counties: float
    cross_county_cases: int = Field(description="cases where no applicant's hukou is in this county")
    verified_by: VerifiedBy = Field(description="applicants verified at the kiosk by face, fingerprint, or by staff")
    share_verified_by_machine: float
    by_day: list[CitywideDay]


class Call(Answer):
    call_id: int
    office: str
    kiosk_id: str
    screen: str
    business: Optional[str]
    called_at: str = Field(description=STAMP)
    received_at: str = Field(description=STAMP)
    status: str = Field(description="open | acknowledged | closed")
    acknowledged_at: Optional[str]
    counter: Optional[str]


class Calls(Answer):
    office: str
    calls: list[Call]


# "METHOD path" → (status, what it answers)
# (a route answering two success statuses, such as a call updated rather than made, lists both)
ANSWERS: dict[str, tuple[int | tuple[int, ...], type[BaseModel]]] = {
    "GET /healthz": (200, Health),
    "GET /v1/offices": (200, Offices),
    "GET /v1/appointments/lookup": (200, Found),
    "GET /v1/offices/{office}/appointments": (200, DayBookings),
    "POST /v1/offices/{office}/checkins": (201, CheckedIn),
    "POST /v1/offices/{office}/queue/next": (200, CalledTicket),
    "POST /v1/offices/{office}/lockouts/release": (200, Released),
    "GET /v1/offices/{office}/queue": (200, QueueState),
    "GET /v1/offices/{office}/reports/citywide": (200, Citywide),
    "POST /v1/offices/{office}/assistance": ((201, 200), Call),
    "GET /v1/offices/{office}/assistance": (200, Calls),
    "POST /v1/offices/{office}/assistance/{call_id}/acknowledge": (200, Call),
}


def document(app: FastAPI) -> None:
    """Serve an OpenAPI document that also holds the answers above."""
    plain = app.openapi

    def openapi() -> dict:
        if app.openapi_schema is None:
            doc = plain()
            refs, defs = models_json_schema(
                [(model, "serialization") for _, model in ANSWERS.values()],
                ref_template="#/components/schemas/{model}",
            )
            schemas = doc.setdefault("components", {}).setdefault("schemas", {})
            for name, schema in defs.get("$defs", {}).items():
                schemas.setdefault(name, schema)
            for key, (statuses, model) in ANSWERS.items():
                method, path = key.split(" ", 1)
                operation = doc["paths"].get(path, {}).get(method.lower())
                for status in statuses if isinstance(statuses, tuple) else (statuses,):
                    if operation is not None:
                        answer = operation["responses"].setdefault(str(status), {"description": "Successful Response"})
                        answer["content"] = {"application/json": {"schema": refs[model, "serialization"]}}
            app.openapi_schema = doc
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
