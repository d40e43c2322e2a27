"""The typed booking the flow carries: built from the office's answer, garbled answers refused, ID data hidden."""

from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from kiosk.domain.appointment import Appointment, BookedParty, BookingDataError
from kiosk.domain.checkin import MATCH_COST, day_salt, id_match

HIM, HER = "441621199001011234", "44162119920202124X"
SALT = day_salt(b"secret", "441621", "2026-11-26")


def _answer(**over):
    """A booking as the office server answers a kiosk: ID numbers as hashes under the day's salt."""
    return {
        "appointment_id": "AP-1",
        "office": "441621",
        "date": "2026-11-26",
        "slot": "09:30",
        "business": "divorce_certificate",
        "status": "booked",
        "checked_in": False,
        "checked_in_at": None,
        "ticket_number": None,
        "match": {"salt": SALT.hex(), **MATCH_COST},
        "token_match": "ab" * 32,
        "parties": [
            {"id_match": id_match(SALT, HIM), "name": "张*", "military": True},
            {"id_match": id_match(SALT, HER), "name": "李*", "military": False},
        ],
        "divorce_application": {"date": "2026-10-20", "office": "441621"},
        **over,
    }


def test_the_servers_answer_becomes_a_typed_booking():
    a = Appointment.parse(_answer())
    assert (a.appointment_id, a.office, a.business, a.date, a.slot) == (
        "AP-1",
        "441621",
        "divorce_certificate",
        "2026-11-26",
        "09:30",
    )
    assert a.divorce_application is not None and a.divorce_application.date == date(2026, 10, 20)
    party = a.party(HIM.lower())  # a card's number in another spelling still finds its party
    assert party is not None and party.military
    assert a.party(HER) is not None and a.party("441621198001011230") is None


def test_a_booking_with_numbers_in_clear_and_another_office():
    a = Appointment.parse(
        {"appointment_id": "AP-2", "office": "441622", "business": "marriage", "parties": [{"id_number": HIM}]}
    )
    assert a.booked_keys() == [HIM] and a.party(HIM) == BookedParty(HIM)
    assert a.status == "booked" and not a.checked_in and a.divorce_application is None


def test_no_id_data_in_its_repr():
    text = repr(Appointment.parse(_answer(token="ABCDEFGHJKLMNPQR", parties=[{"id_number": HIM}], match=None)))
    assert HIM not in text and "ABCDEFGH" not in text and SALT.hex() not in text


@pytest.mark.parametrize(
    "garbled",
    [
        None,
        [],
        "AP-1",
        {"office": "441621", "business": "marriage"},  # no id
        _answer(appointment_id=""),
        _answer(office=441621),
        _answer(business=None),
        _answer(checked_in="yes"),
        _answer(parties="two"),
        _answer(parties=[{"id_number": HIM}] * 5),
        _answer(parties=["441621199001011234"]),
        _answer(match="salty"),
        _answer(divorce_application={"date": "soon"}),
        _answer(divorce_application="2026-10-20"),
        _answer(ticket_number=12),
        _answer(slot="9" * 100),
    ],
)
def test_a_garbled_answer_is_refused(garbled):
    with pytest.raises(BookingDataError):
        Appointment.parse(garbled)


_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=20), inner, max_size=5),
    max_leaves=20,
)
_FIELDS = ["appointment_id", "office", "business", "parties", "match", "divorce_application", "checked_in"]


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])  # a busy machine is no failure
@given(st.dictionaries(st.sampled_from(_FIELDS), _json, max_size=7) | _json)
def test_any_json_gives_a_booking_or_booking_data_error(data):
    try:
        a = Appointment.parse(data)
    except BookingDataError:
        return
    assert a.appointment_id and a.office and a.business
    a.party(HIM)  # a usable booking always answers who is in it
