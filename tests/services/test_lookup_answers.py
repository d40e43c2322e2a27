"""A lookup's answer, online or from the offline list, enters the flow as a typed booking; a garbled one is told
as a failed lookup, never carried in."""

import json

from kiosk.domain.appointment import Appointment
from kiosk.flow.effects import LookupAppointment
from kiosk.flow.events import AppointmentFound, AppointmentNotFound
from kiosk.services.effects import EffectRunner
from tests.services.helpers import full_bookings


def _runner(link):
    return EffectRunner(link, None, link.office, None)


def test_online_the_flow_gets_a_typed_booking(server, proxy, make_link):
    link = make_link(proxy.url)
    appt = full_bookings(server)["01"]
    found = _runner(link).lookup(LookupAppointment(token=appt["token"]))
    assert isinstance(found, AppointmentFound) and isinstance(found.appointment, Appointment)
    booked = found.appointment
    assert (booked.appointment_id, booked.office, booked.business) == (
        appt["appointment_id"],
        appt["office"],
        appt["business"],
    )
    assert booked.party(appt["parties"][0]["id_number"]) is not None  # the hashed list still finds its parties
    assert appt["parties"][0]["id_number"] not in repr(found)


def test_offline_the_cached_booking_is_typed_too(server, proxy, make_link):
    link = make_link(proxy.url)
    link.cache.refresh()
    proxy.mode = "reset"
    appt = full_bookings(server)["03"]
    found = _runner(link).lookup(LookupAppointment(id_number=appt["parties"][0]["id_number"]))
    assert isinstance(found, AppointmentFound) and found.appointment.appointment_id == appt["appointment_id"]


def test_a_garbled_booking_is_a_failed_lookup(server, proxy, make_link):
    link = make_link(proxy.url)
    appt = full_bookings(server)["01"]
    with server.backend.store.write() as conn:  # a field the kiosk cannot read, as a faulty server might send
        conn.execute(
            "UPDATE appointments SET extra=? WHERE appointment_id=?",
            (json.dumps({"divorce_application": {"date": "next week"}}), appt["appointment_id"]),
        )
    assert _runner(link).lookup(LookupAppointment(token=appt["token"])) == AppointmentNotFound("unknown")
