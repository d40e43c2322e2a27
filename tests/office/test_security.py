"""The attacks of the security review, each against the real server on loopback with mutual TLS. Every test here
fails if its attack works again."""

import json
import ssl
from datetime import date

import pytest
import requests

from office import pki
from office.seed import seeded_bookings
from tests.office.helpers import TODAY, Api, set_office

SEEDED = seeded_bookings("441621", date.fromisoformat(TODAY))


# -- who is calling ------------------------------------------------------------------------------------------------
def test_no_client_certificate_no_answer_not_even_healthz(server):
    plain = requests.Session()
    plain.trust_env = False
    plain.verify = str(server.pki_dir / "ca.crt")
    for path in ("/healthz", "/v1/offices/441621/appointments", "/openapi.json"):
        with pytest.raises(requests.exceptions.RequestException):
            plain.get(server.url + path, timeout=60)
    with pytest.raises(requests.exceptions.RequestException):  # and no plain HTTP at all
        requests.get(server.url.replace("https", "http") + "/healthz", timeout=60)


def test_a_certificate_from_another_ca_is_refused(server, tmp_path):
    pki.init(tmp_path / "rogue")
    pki.issue(tmp_path / "rogue", "kiosk", "k1", "441621")
    s = requests.Session()
    s.trust_env = False
    s.verify = str(server.pki_dir / "ca.crt")
    s.cert = (str(tmp_path / "rogue/kiosks/k1.crt"), str(tmp_path / "rogue/kiosks/k1.key"))
    with pytest.raises(requests.exceptions.RequestException):
        s.get(server.url + "/healthz", timeout=60)


def test_the_server_certificate_is_not_a_client_certificate(server):
    s = requests.Session()
    s.trust_env = False
    s.verify = str(server.pki_dir / "ca.crt")
    s.cert = (str(server.pki_dir / "server.crt"), str(server.pki_dir / "server.key"))
    try:
        r = s.get(server.url + "/healthz", timeout=60)
    except requests.exceptions.RequestException:
        return  # refused at the handshake (no clientAuth usage)
    assert r.status_code == 403


@pytest.mark.parametrize("n", range(4))  # serials with an odd number of hex digits too
def test_revoked_certificate_is_refused_while_the_server_runs(server, n):
    from office.app import create_app

    seconds = [0.0]
    revoked = pki.RevocationList(server.pki_dir / "revoked.txt", monotonic=lambda: seconds[0])
    with server.answering(create_app(server.backend, revoked=revoked)):
        api = Api(server, name=f"k-lost{n}")
        assert api.get("/healthz").status_code == 200
        pki.revoke(server.pki_dir, cert=server.pki_dir / f"kiosks/k-lost{n}.crt", reason="stolen")
        seconds[0] += 1.0  # the list is re-read at most once a second
        r = api.get("/healthz")
        assert r.status_code == 403 and r.json()["error"] == "certificate_revoked"
        assert Api(server, name="k1").get("/healthz").status_code == 200


# -- roles -----------------------------------------------------------------------------------------------------------
def test_roles(server, api, counter, bureau):
    other_counter = Api(server, role="counter", name="c9", office="441622")
    local_bureau = Api(server, role="bureau", name="b1", office="441621")
    cases = [
        (api, "POST", "/v1/offices/441621/queue/next", {"counter": "1"}, "forbidden_role"),
        (api, "GET", "/v1/offices/441621/queue", None, "forbidden_role"),
        (api, "POST", "/v1/offices/441621/lockouts/release", {"phone": "13800000000"}, "forbidden_role"),
        (api, "GET", "/v1/offices/441622/appointments", None, "forbidden_office"),
        (api, "GET", "/v1/appointments/lookup?office=441622&id_number=1", None, "forbidden_office"),
        (api, "POST", "/v1/offices/441622/tickets", {"business": "marriage", "kiosk_id": "k1"}, "forbidden_office"),
        (counter, "GET", "/v1/offices/441621/appointments", None, "forbidden_role"),
        (counter, "GET", "/v1/appointments/lookup?token=X", None, "forbidden_role"),
        (counter, "POST", "/v1/offices/441621/tickets", {"business": "marriage", "kiosk_id": "c1"}, "forbidden_role"),
        (other_counter, "POST", "/v1/offices/441621/queue/next", {"counter": "1"}, "forbidden_office"),
        (bureau, "GET", "/v1/offices/441621/appointments", None, "forbidden_role"),
        (bureau, "POST", "/v1/offices/441621/queue/next", {"counter": "1"}, "forbidden_role"),
        (
            local_bureau,
            "GET",
            "/v1/offices/441622/reports/citywide?from=2026-11-01&to=2026-11-02",
            None,
            "forbidden_office",
        ),
    ]
    for who, method, path, body, code in cases:
        r = who.s.request(method, who.url + path, json=body, timeout=60)
        assert r.status_code == 403 and r.json()["error"] == code, (path, r.text)
        assert r.json()["message"]["zh"] and r.json()["message"]["en"]
    report = bureau.get("/v1/offices/441622/reports/citywide", **{"from": "2026-11-01", "to": "2026-11-02"})
    assert report.status_code == 200
    assert counter.post("/v1/offices/441621/queue/next", {"counter": "1"}).json()["error"] == "queue_empty"


def test_kiosk_id_in_a_body_must_be_the_certificate(api):
    appt = api.bookings()["01"]
    r = api.post(
        "/v1/offices/441621/checkins",
        {
            "appointment_id": appt["appointment_id"],
            "kiosk_id": "k2",
            "parties": [{"id_number": p["id_number"]} for p in appt["parties"]],
        },
    )
    assert r.status_code == 403 and r.json()["error"] == "kiosk_id_mismatch"


def test_a_kiosk_cannot_squat_another_kiosks_offline_numbers(server, api):
    squatter = Api(server, name="k2")
    offline = {"number": "A700", "issued_at": "2026-11-26T10:00:00+08:00"}
    assert squatter.ticket("marriage", offline=offline).status_code == 403  # as kiosk_id k1: refused
    r = squatter.post("/v1/offices/441621/tickets", {"business": "marriage", "kiosk_id": "k2", "offline": offline})
    assert r.status_code == 201  # its own A700
    assert api.ticket("marriage", offline=offline).status_code == 201  # k1's A700 still records


def test_every_endpoint_declares_its_roles_and_undeclared_ones_answer_nobody(server):
    from fastapi.routing import APIRoute

    from office.access import ACCESS
    from office.app import create_app

    app = create_app(server.backend)
    for route in app.routes:
        if isinstance(route, APIRoute):
            for method in route.methods:
                assert f"{method} {route.path}" in ACCESS, route.path
    spec = Api(server).get("/openapi.json").json()
    for path, ops in spec["paths"].items():
        for method, op in ops.items():
            assert op["x-roles"], (method, path)
            assert {"403", "400", "422"} <= set(op["responses"]), (method, path)

    @app.get("/v1/undeclared")  # an endpoint added without declaring its roles …
    def undeclared():
        return {"secret": True}

    with server.answering(app):  # the same listening server and PKI, serving the new app
        r = server.session().get(server.url + "/v1/undeclared", timeout=60)
    assert r.status_code == 404 and "secret" not in r.text  # … is reachable by nobody


# -- least data --------------------------------------------------------------------------------------------------------
def _personal(booking):
    out = {booking["phone"], booking["code"], booking["token"]}
    for p in booking["parties"]:
        out |= {p["id_number"], p["name"], p["address"], p["birth"]}
    return out


def test_the_offline_list_carries_no_personal_data_in_clear(api, counter, bureau):
    r = api.get("/v1/offices/441621/appointments")
    text = r.text
    assert r.status_code == 200 and r.json()["appointments"]  # the open ones (test_offline_list_guessing.py)
    for b in SEEDED:
        for value in _personal(b):
            assert value not in text, value
    for a in r.json()["appointments"]:
        assert not {"phone", "code", "code_digest", "token"} & set(a)
        for p in a["parties"]:
            assert set(p) == {"id_match", "name", "military"} and "*" in p["name"]
    for other in ("2026-11-25", "2026-11-27", "2026-12-26", "1970-01-01"):  # today only (before the cut-off)
        r = api.get("/v1/offices/441621/appointments", date=other)
        assert r.status_code == 403 and r.json()["error"] == "date_not_allowed"


def test_tomorrows_list_only_after_the_cut_off_hour(api, clock):
    clock.advance(hours=8)  # 18:05
    assert api.get("/v1/offices/441621/appointments", date="2026-11-27").status_code == 200
    assert api.get("/v1/offices/441621/appointments", date="2026-11-28").status_code == 403


def test_the_match_salt_changes_daily(api, clock):
    today = api.get("/v1/offices/441621/appointments").json()["appointments"][0]
    clock.advance(days=1)
    tomorrow = api.get("/v1/offices/441621/appointments").json()["appointments"]
    assert not tomorrow or tomorrow[0]["match"]["salt"] != today["match"]["salt"]


def test_lookups_show_this_office_only_and_never_the_partners_number(server, api):
    mine = SEEDED[0]
    found = api.get("/v1/appointments/lookup", id_number=mine["parties"][0]["id_number"]).json()["appointments"]
    assert found[0]["appointment_id"] == mine["appointment_id"]
    for value in _personal(mine):
        assert value not in json.dumps(found, ensure_ascii=False)
    theirs = seeded_bookings("441622", date.fromisoformat(TODAY))[0]
    by_id = api.get("/v1/appointments/lookup", id_number=theirs["parties"][0]["id_number"])
    assert by_id.status_code == 404  # another office's booking
    by_token = api.get("/v1/appointments/lookup", token=theirs["token"]).json()["appointments"][0]
    assert set(by_token) == {"appointment_id", "office", "date", "slot", "business", "status"}


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


# -- audit ----------------------------------------------------------------------------------------------------------------
def test_writes_and_refusals_are_audited_in_a_hash_chain(server, api, counter, tmp_path):
    import shutil
    import sqlite3

    from office.__main__ import main

    appt = api.bookings()["01"]
    api.checkin(appt)
    api.post("/v1/offices/441621/queue/next", {"counter": "1"})  # refused: kiosk role
    counter.post("/v1/offices/441621/queue/next", {"counter": "1"})
    api.get("/v1/offices/441621/appointments", date="1970-01-01")  # refused read
    rows = server.backend.store.read().execute("SELECT who, method, path, status, code, ref FROM audit").fetchall()
    rows = [tuple(r) for r in rows]
    assert ("kiosk:k1@441621", "POST", "/v1/offices/441621/checkins", 201, "", appt["appointment_id"]) in rows
    assert ("kiosk:k1@441621", "POST", "/v1/offices/441621/queue/next", 403, "forbidden_role", "") in rows
    assert ("counter:c1@441621", "POST", "/v1/offices/441621/queue/next", 404, "queue_empty", "") in rows
    assert ("kiosk:k1@441621", "GET", "/v1/offices/441621/appointments", 403, "date_not_allowed", "") in rows
    text = json.dumps(rows, ensure_ascii=False)
    assert not any(p["id_number"] in text or p["name"] in text for p in appt["parties"])
    copy = tmp_path / "copy.db"
    shutil.copy(server.backend.store.path, copy)
    for suffix in ("-wal", "-shm"):
        src = server.backend.store.path + suffix
        if __import__("os").path.exists(src):
            shutil.copy(src, str(copy) + suffix)
    assert main(["audit", "verify", "--db", str(copy)]) == 0
    conn = sqlite3.connect(copy)
    conn.execute("UPDATE audit SET status=201 WHERE code='forbidden_role'")
    conn.commit()
    conn.close()
    assert main(["audit", "verify", "--db", str(copy)]) == 1


# -- the PKI commands -----------------------------------------------------------------------------------------------
def test_pki_commands(tmp_path, capsys):
    import os
    import stat

    from office.__main__ import main

    d = tmp_path / "pki"
    assert main(["pki", "init", "--dir", str(d), "--server-name", "office.example", "--server-name", "10.0.0.5"]) == 0
    assert main(["pki", "init", "--dir", str(d)]) == 2  # never replaces a CA silently
    assert main(["pki", "issue", "--dir", str(d), "--kiosk", "441621-kiosk-01", "--office", "441621"]) == 0
    assert main(["pki", "issue", "--dir", str(d), "--role", "counter", "--name", "w3", "--office", "441621"]) == 0
    assert main(["pki", "issue", "--dir", str(d), "--role", "bureau", "--name", "city", "--office", "all"]) == 0
    assert main(["pki", "issue", "--dir", str(d), "--role", "counter", "--name", "w4", "--office", "all"]) == 2
    assert main(["pki", "issue", "--dir", str(d), "--kiosk", "../evil", "--office", "441621"]) == 2
    for key in ("ca.key", "server.key", "kiosks/441621-kiosk-01.key", "counters/w3.key", "bureaus/city.key"):
        assert stat.S_IMODE(os.stat(d / key).st_mode) == 0o600, key
    ctx = ssl.create_default_context(cafile=str(d / "ca.crt"))
    ctx.load_cert_chain(str(d / "kiosks/441621-kiosk-01.crt"), str(d / "kiosks/441621-kiosk-01.key"))
    capsys.readouterr()
    assert main(["pki", "revoke", "--dir", str(d), "--cert", str(d / "counters/w3.crt")]) == 0
    serial = json.loads(capsys.readouterr().out)["revoked"]
    assert pki.RevocationList(d / "revoked.txt").revoked(serial)
    assert pki.RevocationList(d / "revoked.txt").revoked("0" + serial.lower())  # as OpenSSL may print it
