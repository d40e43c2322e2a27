"""The 全城通办 figures of an office over a range of days (aggregates, no personal data)."""

from __future__ import annotations

from fastapi import APIRouter, Query

from office import reports
from office.routes.common import errors
from office.service import OfficeBackend


def router(backend: OfficeBackend) -> APIRouter:
    routes = APIRouter()

    @routes.get(
        "/v1/offices/{office}/reports/citywide",
        responses=errors("GET", _400=["invalid_range"], _404=["unknown_office"]),
    )
    def citywide(office: str, from_: str = Query(alias="from", max_length=10), to: str = Query(max_length=10)):
        """The 全城通办 figures (aggregates, no personal data)."""
        backend.office(office)
        return reports.citywide(backend.store.read(), office, from_, to)

    return routes
