"""The ticket queue: kiosks issue numbers (online, or recording those printed offline), counters call the next
and see who waits."""

from __future__ import annotations

from typing import Optional

from fastapi import APIRouter, Request

from office import queue
from office.group_commit import GroupCommit
from office.lobby.web import Lobby
from office.routes.bodies import CallRequest, TicketRequest, TicketResponse
from office.routes.common import KEY_HEADER, caller, errors, same_kiosk, write
from office.service import OfficeBackend


def router(backend: OfficeBackend, writes: GroupCommit, lobby: Lobby) -> APIRouter:
    routes = APIRouter()

    @routes.post(
        "/v1/offices/{office}/tickets",
        status_code=201,
        response_model=TicketResponse,
        responses=errors(
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
        same_kiosk(caller(request), body.kiosk_id)
        data = body.model_dump()
        work = lambda c: lobby.kept(c, office, queue.issue_ticket(backend, c, office, data), data)  # noqa: E731
        sent = body.model_dump(mode="json")
        return await write(backend, writes, request, idempotency_key, sent, work, lambda b: b.get("ticket_id", ""))

    @routes.post("/v1/offices/{office}/queue/next", responses=errors("POST", _404=["unknown_office", "queue_empty"]))
    async def call_next(office: str, body: CallRequest, request: Request, idempotency_key: Optional[str] = KEY_HEADER):
        """A counter calls the next ticket (booked first)."""
        data = body.model_dump()
        work = lambda c: queue.call_next(backend, c, office, data, lobby)  # noqa: E731
        sent = body.model_dump(mode="json")
        return await write(backend, writes, request, idempotency_key, sent, work, lambda b: b.get("ticket_id", ""))

    @routes.get("/v1/offices/{office}/queue", responses=errors("GET", _404=["unknown_office"]))
    def queue_state(office: str):
        """Waiting per business and walk-in quota left."""
        return queue.queue_state(backend, office)

    return routes
