"""The office API against the real server on loopback (docs/api.md)."""

from concurrent.futures import ThreadPoolExecutor

from kiosk.domain.appointment_qr import parse_appointment_qr
from office.seed import seeded_bookings
from tests.office.helpers import Api, set_office


def test_health_openapi_and_offices(api):
    assert api.get("/healthz").json()["ok"] is True
    spec = api.get("/openapi.json").json()
    for path in (
        "/v1/offices",
        "/v1/appointments/lookup",
        "/v1/offices/{office}/checkins",
        "/v1/offices/{office}/tickets",
        "/v1/offices/{office}/reports/citywide",
    ):
        assert path in spec["paths"]
    offices = api.get("/v1/offices").json()["offices"]
    assert {o["code"] for o in offices} == {"441602", "441621", "441622", "441623", "441624", "441625"}
    assert all(o["name"]["zh"] and o["address"]["en"] and o["phone"] for o in offices)


def test_seed_is_deterministic_and_complete(api):
    a = api.bookings("441622")
    again = seeded_bookings("441622", __import__("datetime").date(2026, 11, 26))
    assert [b["token"] for b in again] == [a[k]["token"] for k in sorted(a)]
    labels = {b["extra"]["label"] for b in again}
    assert {"other_county", "outside_city", "military", "reissue"} <= labels
    assert {b["business"] for b in again} >= {"marriage", "divorce_application", "divorce_certificate"}
    qr = parse_appointment_qr(again[0]["qr"])
    assert (qr.kind, qr.office, qr.token) == ("appointment", "441622", again[0]["token"])


def test_demo_parties_export_as_card_fixtures(tmp_path):
    import json

    from kiosk.domain.idnumber import parse_id_number
    from office.seed import export_cards

    files = export_cards("441624", __import__("datetime").date(2026, 11, 26), tmp_path)
    assert len(files) == 23  # 11 couples + 1 re-issue
    for f in files:
        card = json.loads(f.read_text(encoding="utf-8"))
        assert card["card_type"] == "resident_id" and parse_id_number(card["id_number"]).sex == card["sex"]


def test_lookup_three_ways(api):
    appt = api.bookings()["01"]
    by_token = api.get("/v1/appointments/lookup", token=appt["token"]).json()["appointments"]
    assert by_token[0]["appointment_id"] == appt["appointment_id"]
    by_id = api.get("/v1/appointments/lookup", id_number=appt["parties"][1]["id_number"], office="441621")
    assert by_id.json()["appointments"][0]["appointment_id"] == appt["appointment_id"]
    seeded = seeded_bookings("441621", __import__("datetime").date(2026, 11, 26))[0]
    by_phone = api.get("/v1/appointments/lookup", phone=seeded["phone"], code=seeded["code"])
    assert by_phone.json()["appointments"][0]["appointment_id"] == appt["appointment_id"]
    wrong = api.get("/v1/appointments/lookup", phone=seeded["phone"], code="000000")
    assert wrong.status_code == 404 and wrong.json()["error"] == "appointment_not_found"
    bad = api.get("/v1/appointments/lookup", office="441621")
    assert bad.status_code == 400 and bad.json()["message"]["en"]


def test_phone_code_guessing_is_locked_out(api):
    seeded = seeded_bookings("441621", __import__("datetime").date(2026, 11, 26))[0]
    for _ in range(5):
        assert api.get("/v1/appointments/lookup", phone=seeded["phone"], code="999999").status_code == 404
    locked = api.get("/v1/appointments/lookup", phone=seeded["phone"], code=seeded["code"])
    assert locked.status_code == 429 and locked.json()["error"] == "too_many_attempts"


def test_lookup_of_another_day_says_so(api, clock):
    token = api.bookings()["01"]["token"]
    clock.advance(days=1)
    r = api.get("/v1/appointments/lookup", token=token)
    assert r.status_code == 404 and r.json()["error"] == "not_today" and r.json()["date"] == "2026-11-26"


def test_checkin_rules(api, clock):
    b = api.bookings()
    ok = api.checkin(b["01"])
    assert ok.status_code == 201 and ok.json()["status"] == "checked_in"
    again = api.checkin(b["01"])
    assert again.status_code == 409 and again.json()["error"] == "already_checked_in"
    swapped = api.checkin(b["02"], ids=[b["02"]["parties"][0]["id_number"], b["01"]["parties"][0]["id_number"]])
    assert swapped.status_code == 422 and swapped.json()["error"] == "parties_mismatch"
    alone = api.checkin(b["02"], ids=[b["02"]["parties"][0]["id_number"]])
    assert alone.status_code == 422
    late_slot = b["12"]  # 16:30: too early at 10:05
    assert api.checkin(late_slot).json()["error"] == "too_early"
    early_slot = b["04"]  # 08:30 + 60 min < 10:05
    assert api.checkin(early_slot).json()["error"] == "too_late"
    other_kiosk = Api(api.server, name="k-441622", office="441622")
    elsewhere = other_kiosk.post(
        "/v1/offices/441622/checkins",
        {
            "appointment_id": b["02"]["appointment_id"],
            "kiosk_id": "k-441622",
            "parties": [{"id_number": p["id_number"]} for p in b["02"]["parties"]],
        },
    )
    assert elsewhere.status_code == 409 and elsewhere.json()["error"] == "other_office"
    clock.advance(days=1)
    assert api.checkin(b["03"]).json()["error"] == "not_today"


def test_checkin_time_stated_by_a_replaying_kiosk(api, clock):
    appt = api.bookings()["01"]
    clock.advance(hours=3)  # forwarded late, but the applicants came at 10:05
    r = api.checkin(appt, checked_in_at="2026-11-26T10:05:00+08:00")
    assert r.status_code == 201
    future = api.checkin(api.bookings()["02"], checked_in_at="2026-11-26T18:00:00+08:00")
    assert future.status_code == 422 and future.json()["error"] == "bad_time"


def test_idempotency(api):
    appt = api.bookings()["01"]
    first = api.checkin(appt, key="same")
    replay = api.checkin(appt, key="same")
    assert replay.status_code == first.status_code == 201 and replay.json() == first.json()
    assert replay.headers["Idempotent-Replayed"] == "true"
    other = api.ticket("marriage", key="same")
    assert other.status_code == 409 and other.json()["error"] == "idempotency_conflict"
    t = api.ticket("archive_query", key="t-1")
    assert api.ticket("archive_query", key="t-1").json() == t.json()
    assert api.ticket("archive_query", key="t-1b").json()["number"] != t.json()["number"]
    refused = api.ticket("divorce_application", api.bookings()["02"]["appointment_id"], key="r")  # not checked in
    assert refused.status_code == 409
    assert api.ticket("divorce_application", api.bookings()["02"]["appointment_id"], key="r").status_code == 409
    keyless = [
        api.s.post(api.url + "/v1/offices/441621/tickets", json={"business": "marriage", "kiosk_id": "k1"})
        for _ in range(2)
    ]  # no key: applied each time, no replay
    assert [r.status_code for r in keyless] == [201, 201] and keyless[0].json()["number"] != keyless[1].json()["number"]
    bad = api.s.post(
        api.url + "/v1/offices/441621/tickets",
        json={"business": "marriage", "kiosk_id": "k1"},
        headers={"Idempotency-Key": "k" * 201},
    )
    assert bad.status_code == 400 and bad.json()["error"] == "idempotency_key_invalid"


def test_errors_are_json_with_codes(api):
    for r in (
        api.get("/nope"),
        api.ticket("dancing"),
        api.get("/v1/offices/999999/queue"),
        api.post("/v1/offices/441621/tickets", {"kiosk_id": "k1"}),
    ):
        body = r.json()
        assert r.status_code >= 400 and body["error"] and body["message"]["zh"] and body["message"]["en"]


def test_concurrent_tickets_are_unique(api, server):
    set_office(server, walk_in_daily_quota=1000)

    def take(i):
        return api.ticket(("marriage", "divorce_application")[i % 2], key=f"c{i}").json()["number"]

    with ThreadPoolExecutor(16) as pool:
        numbers = list(pool.map(take, range(60)))
    assert len(set(numbers)) == 60
    marriage = sorted(n for n in numbers if n.startswith("A"))
    assert marriage == [f"A{i:03d}" for i in range(1, 31)]


def test_failed_phone_attempts_are_forgotten_after_the_lockout(api, clock):
    from office.lockouts import LOCKOUT_S

    seeded = seeded_bookings("441621", __import__("datetime").date(2026, 11, 26))[0]
    for _ in range(5):
        api.get("/v1/appointments/lookup", phone=seeded["phone"], code="999999")
    clock.advance(seconds=LOCKOUT_S + 1)  # the lock lasts its time, then the right code works
    ok = api.get("/v1/appointments/lookup", phone=seeded["phone"], code=seeded["code"])
    assert ok.status_code == 200


def test_a_couple_who_already_hold_a_number_today_are_told_it_not_given_another(api):
    # The walk-in path gave the same couple A002 and then another number without noticing them.
    him, her = "441621199005011234", "441621199203042345"
    first = api.ticket("marriage", parties=[{"id_number": him}, {"id_number": her}])
    assert first.status_code == 201
    again = api.ticket("marriage", parties=[{"id_number": her}, {"id_number": " " + him.lower()}])
    assert again.status_code == 409 and again.json()["error"] == "ticket_already_issued"
    assert again.json()["ticket"]["number"] == first.json()["number"]
    other = api.ticket("marriage", parties=[{"id_number": him}, {"id_number": "441621199501010021"}])
    assert other.status_code == 201  # another couple
    # a booked couple whose booking already gave them a number, coming back as walk-ins
    appt = api.bookings()["01"]
    assert api.checkin(appt).status_code == 201
    booked = api.ticket(appt["business"], appt["appointment_id"])
    walk_in = api.ticket(appt["business"], parties=[{"id_number": p["id_number"]} for p in appt["parties"]])
    assert walk_in.status_code == 409 and walk_in.json()["ticket"]["number"] == booked.json()["number"]
    listed = [
        a
        for a in api.get("/v1/offices/441621/appointments").json()["appointments"]
        if a["appointment_id"] == appt["appointment_id"]
    ]
    assert listed[0]["checked_in"] and listed[0]["ticket_number"] == booked.json()["number"]


def test_an_offline_number_for_a_couple_already_holding_one_is_recorded_with_a_warning(api):
    him, her = "441621199005011234", "441621199203042345"
    assert api.ticket("marriage", parties=[{"id_number": him}, {"id_number": her}]).status_code == 201
    late = api.ticket(
        "marriage",
        parties=[{"id_number": him}, {"id_number": her}],
        offline={"number": "A700", "issued_at": "2026-11-26T10:04:00+08:00"},
    )
    assert late.status_code == 201 and late.json()["warnings"] == ["ticket_already_issued"]
    cases = api.server.backend.store.read().execute("SELECT COUNT(*) FROM cases").fetchone()[0]
    assert cases == 1  # one couple, one case in the 全城通办 figures


def test_an_offline_number_reaching_the_server_after_midnight_is_recorded_for_its_day_not_refused(api, clock):
    # The kiosk printed A700 at 17:20 and the network came back the next morning: "bad_time" parked it for good.
    from datetime import datetime

    clock.set(datetime(2026, 11, 27, 8, 40))
    late = api.ticket(
        "marriage",
        parties=[{"id_number": "441621199005011234"}],
        offline={"number": "A700", "issued_at": "2026-11-26T17:20:00+08:00"},
    )
    assert late.status_code == 201 and late.json()["warnings"] == ["past_day"], late.json()
    row = api.server.backend.store.read().execute("SELECT day, status FROM tickets WHERE number='A700'").fetchone()
    assert (row["day"], row["status"]) == ("2026-11-26", "expired")  # counted for its day, never called today
    cases = api.server.backend.store.read().execute("SELECT day FROM cases").fetchall()
    assert [c["day"] for c in cases] == ["2026-11-26"]
