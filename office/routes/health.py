"""Anyone with a certificate: is the server up (its clock, its holiday calendars), and which offices it serves."""

from __future__ import annotations

from fastapi import APIRouter, Request

from office import clock as office_clock
from office.clock import stamp
from office.holidays import outlook as holiday_outlook
from office.routes.common import errors
from office.service import OfficeBackend


def router(backend: OfficeBackend) -> APIRouter:
    routes = APIRouter()

    @routes.get("/healthz", responses=errors("GET"))
    def healthz(request: Request):
        backend.store.read().execute("SELECT 1").fetchone()
        now = backend.clock()
        out: dict = {"ok": True, "time": stamp(now)}
        rest_days = getattr(request.app.state, "rest_days", None)  # set by build(): shipped + installed calendars
        if rest_days is not None:
            out["holidays"] = holiday_outlook(rest_days, now.astimezone(office_clock.CHINA).date())
        return out

    @routes.get("/v1/offices", responses=errors("GET"))
    def offices():
        return {"offices": [o.model_dump() for o in backend.offices.values()]}

    return routes
