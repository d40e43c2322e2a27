"""Guessing and oversized or malformed input against the real server on loopback with mutual TLS: brute force is
throttled and shared, bodies and lists are bounded, hostile JSON is a 422, writes with impossible times are
refused. Every test here fails if its attack works again."""

import json
from datetime import date

import pytest
import requests

from office.seed import seeded_bookings
from tests.office.helpers import TODAY, Api, set_office

SEEDED = seeded_bookings("441621", date.fromisoformat(TODAY))


# -- brute force -------------------------------------------------------------------------------------------------------
PHONE = SEEDED[1]["phone"]
VARIANTS = [
    f" {PHONE}",
    f"\t{PHONE}",
    f"\u3000{PHONE}",
    f"+86{PHONE}",
    f"0086{PHONE}",
    f"+86 {PHONE[:3]}-{PHONE[3:]}",
    PHONE.translate(str.maketrans("0123456789", "０１２３４５６７８９")),
    f"{PHONE}\u3000",
]


def test_phone_spellings_share_one_count_and_one_match(api):
    right = api.get("/v1/appointments/lookup", phone=VARIANTS[6], code=SEEDED[1]["code"])
    assert right.status_code == 200  # full-width digits match
    for variant in VARIANTS[:5]:
        assert api.get("/v1/appointments/lookup", phone=variant, code="000000").status_code == 404
    for variant in [PHONE, *VARIANTS]:
        r = api.get("/v1/appointments/lookup", phone=variant, code=SEEDED[1]["code"])
        assert r.status_code == 429 and r.json()["error"] == "too_many_attempts", variant


def test_lockout_survives_a_restart_and_is_shared_by_a_second_server(server, api, clock, tmp_path):
    from bench.rigs.office_server import serve_in_thread

    for _ in range(5):
        api.get("/v1/appointments/lookup", phone=PHONE, code="000000")
    with serve_in_thread(server.backend.store.path, clock, seed=None, pki_dir=server.pki_dir) as second:
        r = Api(second, name="k7").get("/v1/appointments/lookup", phone=PHONE, code=SEEDED[1]["code"])
        assert r.status_code == 429
        # … and staff at a counter lift it; only they can.
        assert Api(second).post("/v1/offices/441621/lockouts/release", {"phone": PHONE}).status_code == 403
        assert (
            Api(second, role="counter", name="c1")
            .post("/v1/offices/441621/lockouts/release", {"phone": f"+86 {PHONE}"})
            .json()["released"]
            == 5
        )
    assert api.get("/v1/appointments/lookup", phone=PHONE, code=SEEDED[1]["code"]).status_code == 200


def test_one_kiosk_guessing_many_phones_is_stopped(api):
    from office.lockouts import KIOSK_PHONE_ATTEMPTS

    for i in range(KIOSK_PHONE_ATTEMPTS):
        assert api.get("/v1/appointments/lookup", phone=f"1390000{i:04d}", code="123456").status_code == 404
    r = api.get("/v1/appointments/lookup", phone=PHONE, code=SEEDED[1]["code"])
    assert r.status_code == 429


def test_guessing_id_numbers_is_throttled(api):
    from office.lockouts import KIOSK_MISSES

    for i in range(KIOSK_MISSES):
        assert api.get("/v1/appointments/lookup", id_number=f"44162119900101{i:04d}").status_code == 404
    r = api.get("/v1/appointments/lookup", id_number=SEEDED[0]["parties"][0]["id_number"])
    assert r.status_code == 429


# -- bounds -------------------------------------------------------------------------------------------------------------
def test_huge_body_is_refused_before_it_is_read(server, api):
    big = b'{"business": "marriage", "kiosk_id": "k1", "parties": [' + b'{"id_number": "1"},' * 600_000 + b'{}]}'
    try:
        r = api.s.post(
            api.url + "/v1/offices/441621/tickets", data=big, headers={"Content-Type": "application/json"}, timeout=10
        )
        assert r.status_code == 413 and r.json()["error"] == "body_too_large"
    except requests.exceptions.ConnectionError:
        pass  # closed on us mid-upload: also refused
    try:
        chunked = api.s.post(
            api.url + "/v1/offices/441621/tickets",
            data=iter([big[i : i + 65536] for i in range(0, len(big), 65536)]),
            headers={"Content-Type": "application/json"},
            timeout=10,
        )
        assert chunked.status_code == 413
    except requests.exceptions.ConnectionError:
        pass
    assert Api(server).get("/healthz").status_code == 200


def test_lists_are_capped(api):
    parties = [{"id_number": f"4416211990010112{i:02d}"} for i in range(5)]
    r = api.post("/v1/offices/441621/checkins", {"appointment_id": "x", "kiosk_id": "k1", "parties": parties})
    assert r.status_code == 422 and len(json.dumps(r.json())) < 2000


def test_posts_must_be_json(api):
    body = json.dumps({"business": "marriage", "kiosk_id": "k1"})
    for headers in ({}, {"Content-Type": "text/plain"}, {"Content-Type": "application/x-www-form-urlencoded"}):
        r = api.s.post(api.url + "/v1/offices/441621/tickets", data=body, headers=headers, timeout=60)
        assert r.status_code == 415 and r.json()["error"] == "unsupported_media_type"


def test_host_header_is_checked(api):
    r = api.s.get(api.url + "/v1/offices/441621/appointments", headers={"Host": "evil.example"}, timeout=60)
    assert r.status_code == 400 and r.json()["error"] == "host_not_allowed"
    assert api.s.get(api.url + "/healthz", headers={"Host": "localhost"}, timeout=60).status_code == 200


@pytest.mark.parametrize(
    "body",
    [
        {
            "business": "marriage",
            "kiosk_id": "k1",
            "offline": {"number": "A²", "issued_at": "2026-11-26T10:00:00+08:00"},
        },
        {
            "business": "marriage",
            "kiosk_id": "k1",
            "offline": {"number": "A７００", "issued_at": "2026-11-26T10:00+08:00"},
        },
        {
            "business": "marriage",
            "kiosk_id": "k1",
            "offline": {"number": "A700", "issued_at": "0001-01-01T00:00:00+14:00"},
        },
        {
            "business": "marriage",
            "kiosk_id": "k1",
            "offline": {"number": "A700", "issued_at": "9999-12-31T23:59:59-14:00"},
        },
    ],
)
def test_inputs_that_crashed_the_server_are_422(api, body):
    r = api.post("/v1/offices/441621/tickets", body)
    assert r.status_code == 422, r.text


def test_deeply_nested_or_huge_numbers_are_refused_not_500(api):
    for raw in (
        "[" * 30000 + "]" * 30000,
        '{"business": "marriage", "kiosk_id": "k1", "appointment_id": ' + "9" * 5000 + "}",
        '{"business": "marriage", "kiosk_id": "k1", "parties": ' + "[" * 20000 + "]" * 20000 + "}",
    ):
        r = api.s.post(
            api.url + "/v1/offices/441621/tickets", data=raw, timeout=10, headers={"Content-Type": "application/json"}
        )
        assert r.status_code in (400, 422) and r.json()["error"] == "invalid_request", r.text[:200]


def test_a_lone_surrogate_is_422(api):
    raw = '{"business": "marriage", "kiosk_id": "k1", "supersedes": "\\ud800"}'
    r = api.s.post(
        api.url + "/v1/offices/441621/tickets",
        data=raw,
        timeout=60,
        headers={"Content-Type": "application/json", "Idempotency-Key": "s1"},
    )
    assert r.status_code == 422
    r = api.s.post(
        api.url + "/v1/offices/441621/checkins",
        timeout=60,
        headers={"Content-Type": "application/json"},
        data='{"appointment_id": "\\udfff", "kiosk_id": "k1", "parties": [{"id_number": "\\ud800"}]}',
    )
    assert r.status_code == 422


def test_back_dated_and_1970_writes_are_refused(api, clock):
    b = api.bookings()
    for stated in (
        "2026-10-26T10:05:00+08:00",
        "1970-01-01T00:00:00+00:00",
        "2026-11-25T10:05:00+08:00",
        "2026-11-26T00:00:00+09:00",
    ):  # older than the retention; or not the appointment's day
        r = api.checkin(b["01"], checked_in_at=stated)
        assert r.status_code in (409, 422) and r.json()["error"] in ("bad_time", "invalid_request", "not_today")
    for issued in (
        "1970-01-01T08:00:00+08:00",
        "2026-11-25T10:00:00+08:00",
        "2026-11-26T03:00:00+08:00",
        "2026-11-26T23:00:00+08:00",
    ):
        r = api.ticket("marriage", offline={"number": "A701", "issued_at": issued})
        assert r.status_code == 422 and r.json()["error"] in ("bad_time", "invalid_request"), issued


def test_offline_walk_ins_count_against_the_quota(server, api):
    set_office(server, walk_in_daily_quota=2)
    for name in ("k1", "k2"):  # each kiosk within its share (half the quota)
        offline = {"number": "A700", "issued_at": "2026-11-26T10:00:00+08:00"}
        body = {"business": "marriage", "kiosk_id": name, "offline": offline}
        assert Api(server, name=name).post("/v1/offices/441621/tickets", body, key=f"off-{name}").status_code == 201
    r = api.ticket("marriage")
    assert r.status_code == 429 and r.json()["error"] == "quota_exhausted"


def test_idempotency_rows_expire_after_the_retention(server, api, clock):
    api.ticket("marriage", key="old")
    clock.advance(days=31)
    server.backend._purged = 0
    api.ticket("marriage", key="new")
    keys = [r[0] for r in server.backend.store.read().execute("SELECT key FROM idempotency")]
    assert keys == ["new"]
