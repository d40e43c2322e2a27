"""Kiosks find today's bookings: one by QR token, ID number or phone + code, or the office's list for offline use."""

from __future__ import annotations

from typing import Optional

from fastapi import APIRouter, Query, Request

from office.routes.bodies import text_ok
from office.routes.common import caller, errors
from office.service import OfficeBackend


def router(backend: OfficeBackend) -> APIRouter:
    routes = APIRouter()

    @routes.get(
        "/v1/appointments/lookup",
        responses=errors(
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
                caller(request), text_ok(token), text_ok(id_number), office, text_ok(phone), text_ok(code)
            )
        }

    @routes.get(
        "/v1/offices/{office}/appointments",
        responses=errors("GET", _403=["date_not_allowed"], _404=["unknown_office"]),
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

    return routes
