"""Staff lift a lockout of lookups (office/lockouts.py) before it runs out."""

from __future__ import annotations

from typing import Optional

from fastapi import APIRouter, Request

from office.errors import ApiError
from office.group_commit import GroupCommit
from office.routes.bodies import ReleaseRequest
from office.routes.common import KEY_HEADER, errors, write
from office.service import OfficeBackend


def router(backend: OfficeBackend, writes: GroupCommit) -> APIRouter:
    routes = APIRouter()

    @routes.post("/v1/offices/{office}/lockouts/release", responses=errors("POST", _404=["unknown_office"]))
    async def release(office: str, body: ReleaseRequest, request: Request, idempotency_key: Optional[str] = KEY_HEADER):
        """Staff lift a lockout (a phone number's wrong codes, or a kiosk's misses) before it runs out."""
        backend.office(office)
        if not (body.phone or body.kiosk_id):
            raise ApiError(422, "invalid_request", detail="give phone or kiosk_id")
        work = lambda c: (200, backend.release_lock(c, office, body.phone, body.kiosk_id))  # noqa: E731
        return await write(backend, writes, request, idempotency_key, body.model_dump(mode="json"), work)

    return routes
