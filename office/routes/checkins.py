"""A kiosk checks a booking in: the parties present, how each was verified, when they arrived."""

from __future__ import annotations

from typing import Optional

from fastapi import APIRouter, Request

from office.group_commit import GroupCommit
from office.idempotency import fingerprint
from office.lobby.web import Lobby
from office.routes.bodies import CheckinRequest
from office.routes.common import KEY_HEADER, answer, audited, caller, errors, same_kiosk
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
        print_ = fingerprint("POST", request.url.path, body.model_dump(mode="json"))
        note = audited(backend, request, lambda b: b.get("appointment_id", ""))
        work = lambda c: lobby.kept(c, office, backend.checkin(c, office, data), data)  # noqa: E731
        return answer(*await writes.run(idempotency_key, print_, work, note))

    return routes
