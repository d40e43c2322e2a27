"""A kiosk checks a booking in: the parties present, how each was verified, when they arrived."""

from __future__ import annotations

from typing import Optional

from fastapi import APIRouter, Request

from office.group_commit import GroupCommit
from office.lobby.web import Lobby
from office.routes.bodies import CheckinRequest
from office.routes.common import KEY_HEADER, caller, errors, same_kiosk, write
from office.service import OfficeBackend


def router(backend: OfficeBackend, writes: GroupCommit, lobby: Lobby) -> APIRouter:
    routes = APIRouter()

    @routes.post(
        "/v1/offices/{office}/checkins",
        status_code=201,
        responses=errors(
            "POST",
            _404=["unknown_office", "appointment_not_found"],
            _409=["not_today", "too_early", "too_late", "already_checked_in", "appointment_cancelled", "other_office"],
            _422=["parties_mismatch", "bad_time"],
        ),
    )
    async def checkin(office: str, body: CheckinRequest, request: Request, idempotency_key: Optional[str] = KEY_HEADER):
        same_kiosk(caller(request), body.kiosk_id)
        data = body.model_dump()
        work = lambda c: lobby.kept(c, office, backend.checkin(c, office, data), data)  # noqa: E731
        sent = body.model_dump(mode="json")
        return await write(backend, writes, request, idempotency_key, sent, work, lambda b: b.get("appointment_id", ""))

    return routes
