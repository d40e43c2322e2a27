"""Queue numbers: per-business sequences in the configured range, 预约优先, quota, offline tickets, superseding."""

from tests.office.helpers import set_office, set_range


def _checked_in(api, n):
    appt = api.bookings()[n]
    assert api.checkin(appt).status_code == 201
    return appt


def test_sequences_per_business_and_booked_first(api, counter, clock):
    w1 = api.ticket("marriage").json()
    w2 = api.ticket("marriage").json()
    d1 = api.ticket("divorce_application").json()
    assert (w1["number"], w2["number"], d1["number"]) == ("A001", "A002", "B001")
    assert (w1["waiting_ahead"], w2["waiting_ahead"], d1["waiting_ahead"]) == (0, 1, 0)
    clock.advance(minutes=1)
    booked = api.ticket("marriage", _checked_in(api, "01")["appointment_id"]).json()
    assert booked["number"] == "A003" and booked["priority"] == "booked"
    assert booked["waiting_ahead"] == 0  # ahead of both walk-ins
    w3 = api.ticket("marriage").json()
    assert w3["waiting_ahead"] == 3
    called = counter.post("/v1/offices/441621/queue/next", {"counter": "2", "business": "marriage"}).json()
    assert called["number"] == "A003" and called["counter"] == "2"
    second = counter.post("/v1/offices/441621/queue/next", {"counter": "2", "business": "marriage"})
    assert second.json()["number"] == "A001"
    state = counter.get("/v1/offices/441621/queue").json()
    assert state["waiting"] == {"marriage": 2, "divorce_application": 1}


def test_one_ticket_per_appointment_and_business_must_match(api):
    appt = _checked_in(api, "01")
    assert api.ticket("divorce_application", appt["appointment_id"]).json()["error"] == "business_mismatch"
    first = api.ticket("marriage", appt["appointment_id"]).json()
    again = api.ticket("marriage", appt["appointment_id"])
    assert again.status_code == 409 and again.json()["ticket"]["number"] == first["number"]


def test_walk_in_quota(api, server):
    set_office(server, walk_in_daily_quota=3)
    for _ in range(3):
        assert api.ticket("record_certificate").status_code == 201
    over = api.ticket("marriage")
    assert over.status_code == 429 and over.json()["error"] == "quota_exhausted"
    assert api.ticket("marriage", _checked_in(api, "01")["appointment_id"]).status_code == 201  # booked: no quota


def test_range_exhausted_and_range_start(api, server):
    set_range(server, "archive_query", first=101, last=102)
    assert [api.ticket("archive_query").json()["number"] for _ in range(2)] == ["E101", "E102"]
    r = api.ticket("archive_query")
    assert r.status_code == 429 and r.json()["error"] == "range_exhausted"


def test_new_day_starts_again(api, clock):
    assert api.ticket("marriage").json()["number"] == "A001"
    clock.advance(days=1)
    assert api.ticket("marriage").json()["number"] == "A001"


def test_offline_ticket_is_recorded_in_the_queue(api):
    offline = {"number": "A700", "issued_at": "2026-11-26T09:00:00+08:00"}
    r = api.ticket("marriage", offline=offline)
    assert r.status_code == 201 and r.json()["number"] == "A700" and r.json()["offline"] is True
    assert api.ticket("marriage").json()["waiting_ahead"] == 1  # issued earlier, so ahead
    assert api.ticket("marriage", offline=offline).json()["error"] == "offline_number_taken"
    bad = api.ticket("marriage", offline={"number": "A005", "issued_at": "2026-11-26T09:00:00+08:00"})
    assert bad.status_code == 422 and bad.json()["error"] == "offline_number_invalid"


def test_an_offline_ticket_is_recorded_even_if_its_check_in_was_refused(api):
    appt = api.bookings()["02"]  # never checked in on the server
    offline = {"number": "B700", "issued_at": "2026-11-26T10:05:00+08:00"}
    r = api.ticket("divorce_application", appt["appointment_id"], offline=offline)
    assert r.status_code == 201 and r.json()["priority"] == "walk_in" and r.json()["warnings"] == ["not_checked_in"]


def test_supersede_voids_an_answer_the_kiosk_never_saw(api, counter):
    lost = api.ticket("marriage", key="lost").json()  # the server issued A001; kiosk never heard
    offline = {"number": "A700", "issued_at": "2026-11-26T10:05:00+08:00"}
    assert api.ticket("marriage", key="off", offline=offline, supersedes="lost").status_code == 201
    state = counter.get("/v1/offices/441621/queue").json()
    assert state["waiting"] == {"marriage": 1} and lost["number"] == "A001"


def test_supersede_before_the_late_request_arrives(api, counter):
    offline = {"number": "A700", "issued_at": "2026-11-26T10:05:00+08:00"}
    assert api.ticket("marriage", key="off", offline=offline, supersedes="slow").status_code == 201
    late = api.ticket("marriage", key="slow")  # the slow original finally lands
    assert late.status_code == 409 and late.json()["error"] == "superseded"
    assert counter.get("/v1/offices/441621/queue").json()["waiting"] == {"marriage": 1}
