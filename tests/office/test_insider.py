"""Finding 7 of issue 24, through the real server (mutual TLS): what one kiosk's (or counter's) certificate can
no longer do to the rest of the office — bury staff calls, lock out another office's applicants, lift another
office's locks, grow the audit log without bound once revoked, or make the server answer anything but 422 to a
body it cannot read."""

import time
from datetime import date

from office import pki
from office.guard import REFUSALS_AUDITED
from office.seed import seeded_bookings
from tests.office.helpers import TODAY, Api

CALLS = "/v1/offices/441621/assistance"
CALL = {"kiosk_id": "k1", "screen": "read_id_2", "business": "marriage", "called_at": f"{TODAY}T10:04:00+08:00"}
BOOKING = seeded_bookings("441621", date.fromisoformat(TODAY))[1]


def _audit(server, path):
    rows = server.backend.store.read().execute("SELECT who, status, code, ref FROM audit WHERE path=?", (path,))
    return [tuple(r) for r in rows]


def test_one_kiosk_cannot_bury_the_staff_calls_and_every_call_is_audited(server, api, counter):
    answers = [api.post(CALLS, dict(CALL, screen=f"s{i % 7}")) for i in range(205)]
    assert answers[0].status_code == 201 and {a.status_code for a in answers[1:]} == {200}
    assert {a.json()["call_id"] for a in answers} == {answers[0].json()["call_id"]}  # the one open call
    Api(server, name="k2").post(CALLS, dict(CALL, kiosk_id="k2", screen="consent"))
    listed = counter.get(CALLS).json()["calls"]
    # one call per kiosk, where that kiosk is now
    assert [(c["kiosk_id"], c["screen"]) for c in listed] == [("k1", "s1"), ("k2", "consent")]
    ack = counter.post(f"{CALLS}/{answers[0].json()['call_id']}/acknowledge", {"counter": "3"})
    assert ack.status_code == 200
    assert api.post(CALLS, CALL).status_code == 201  # acknowledged: the kiosk may call again
    rows = _audit(server, CALLS)
    assert len(rows) == 207 and rows[0] == ("kiosk:k1@441621", 201, "", str(answers[0].json()["call_id"]))
    acks = _audit(server, f"{CALLS}/{answers[0].json()['call_id']}/acknowledge")
    assert acks == [("counter:c1@441621", 200, "", str(answers[0].json()["call_id"]))]


def test_a_kiosk_of_another_office_cannot_lock_out_this_offices_applicants(server, api):
    thief = Api(server, name="k-lc", office="441622")
    for _ in range(10):
        assert thief.get("/v1/appointments/lookup", phone=BOOKING["phone"], code="000000").status_code in (404, 429)
    assert thief.get("/v1/appointments/lookup", phone=BOOKING["phone"], code=BOOKING["code"]).status_code == 429
    right = api.get("/v1/appointments/lookup", phone=BOOKING["phone"], code=BOOKING["code"])
    assert right.status_code == 200  # at the office where they booked, the applicants are not locked out


def test_counters_lift_lockouts_only_at_their_office(server, api):
    for _ in range(5):
        api.get("/v1/appointments/lookup", phone=BOOKING["phone"], code="000000")
    elsewhere = Api(server, role="counter", name="c9", office="441622")
    assert elsewhere.post("/v1/offices/441621/lockouts/release", {"phone": BOOKING["phone"]}).status_code == 403
    theirs = elsewhere.post("/v1/offices/441622/lockouts/release", {"phone": BOOKING["phone"], "kiosk_id": "k1"})
    assert theirs.json()["released"] == 0  # their office's release does not reach this office's lock
    assert api.get("/v1/appointments/lookup", phone=BOOKING["phone"], code=BOOKING["code"]).status_code == 429
    here = Api(server, role="counter", name="c1").post(
        "/v1/offices/441621/lockouts/release", {"phone": BOOKING["phone"]}
    )
    assert here.json()["released"] == 5
    assert api.get("/v1/appointments/lookup", phone=BOOKING["phone"], code=BOOKING["code"]).status_code == 200


def test_a_revoked_certificate_cannot_grow_the_audit_log_without_bound(server):
    lost = Api(server, name="k-lost")
    assert lost.get("/healthz").status_code == 200
    pki.revoke(server.pki_dir, cert=server.pki_dir / "kiosks/k-lost.crt", reason="stolen")
    time.sleep(1.1)  # the list is re-read at most once a second
    statuses = {lost.get("/healthz").status_code for _ in range(200)}
    assert statuses == {403}
    rows = server.backend.store.read().execute("SELECT code, ref FROM audit WHERE who='kiosk:k-lost@441621'")
    codes = [r[0] for r in rows]
    # 200 refusals, at most REFUSALS_AUDITED a minute (and the count of those left out when the next minute starts)
    assert codes.count("certificate_revoked") <= 2 * REFUSALS_AUDITED
    assert codes.count("refusals_not_audited") <= 1


def test_every_unreadable_body_is_422(server, api):
    bodies = [
        b"[" * 30_000 + b"]" * 30_000,  # deeply nested (within the 64 KB body limit)
        b'{"business": ' + b"9" * 5000 + b"}",  # a 5,000-digit integer
        b'{"business": "\xff\xfe"}',  # not UTF-8
        b'{"business": "marriage"',  # cut short
        b"\x00\x01\x02",
        b'{"business": "marriage", "kiosk_id": "k1", "offline": {"number": "A700", "issued_at": 1e999}}',
    ]
    for i, body in enumerate(bodies):
        r = api.s.post(
            api.url + "/v1/offices/441621/tickets",
            data=body,
            headers={"Content-Type": "application/json", "Idempotency-Key": f"bad-{i}"},
            timeout=30,
        )
        assert r.status_code == 422 and r.json()["error"] == "invalid_request", (i, r.status_code, r.text[:200])
    assert api.get("/healthz").status_code == 200
