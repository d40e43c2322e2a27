"""The attacks of the security review, each against the real server on loopback with mutual TLS. Every test here
fails if its attack works again."""

import json
import ssl
from datetime import date

import pytest
import requests

from office import pki
from office.seed import seeded_bookings
from tests.office.helpers import TODAY, Api

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
