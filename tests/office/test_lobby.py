"""The office's side of the lobby through its API (the pages' own calls; tests/lobby walks it in a browser): service
records with the server's clock, booked first, the window's rules, masked parties and the audited reveal, the
display's least data, a kiosk following only its own staff call, and the browser certificates."""

import json
import sqlite3
import subprocess
import sys
from datetime import datetime

from office.lobby import voice
from tests.office.helpers import TODAY, Api

WALK_IN = [
    {"id_number": "441621199001011234", "verified_by": "face", "score": 91.5},
    {"id_number": "44162119920304124X"},
]
ELIGIBLE = {"decision": "accept", "reasons": ["local_hukou"]}


def _rows(server, sql, *args):
    conn = sqlite3.connect(server.backend.store.path)
    try:
        return conn.execute(sql, args).fetchall()
    finally:
        conn.close()


def _window(server, name="window-3", office="441621"):
    return Api(server, role="counter", name=name, office=office)


def _booked_ticket(api, clock):
    appt = next(a for a in api.bookings().values() if a["business"] == "marriage" and a["slot"] >= "10:00")
    clock.set(datetime.fromisoformat(f"{TODAY}T{appt['slot']}"))
    assert api.checkin(appt).status_code == 201
    return api.ticket("marriage", appt["appointment_id"]).json()


def test_a_ticket_served_from_call_to_done_with_records_and_audit(api, server, clock):
    walk_in = api.ticket("marriage", parties=WALK_IN, eligibility=ELIGIBLE).json()
    booked = _booked_ticket(api, clock)
    w3 = _window(server)
    called = w3.post("/counter/api/next", {})
    assert called.status_code == 200 and called.json()["ticket_id"] == booked["ticket_id"]  # 预约优先
    assert w3.post("/counter/api/next", {}).json()["error"] == "window_busy"  # finish the one at the window first
    state = w3.get("/counter/state").json()
    at = state["at_window"]
    assert at["number"] == booked["number"] and at["priority"] == "booked"
    assert all("*" in p["name"] and "*" in p["id_number"] for p in at["parties"])  # masked until revealed
    assert [q["waiting"] for q in state["queues"] if q["business"] == "marriage"] == [1]
    assert w3.post("/counter/api/start", {"ticket_id": booked["ticket_id"]}).status_code == 200
    assert w3.post("/counter/api/done", {"ticket_id": booked["ticket_id"]}).json()["status"] == "done"

    assert w3.post("/counter/api/next", {}).json()["ticket_id"] == walk_in["ticket_id"]
    at = w3.get("/counter/state").json()["at_window"]
    assert [p["verified_by"] for p in at["parties"]] == ["face", ""]
    assert [p["staff_check"] for p in at["parties"]] == [False, True]  # 身份待人工核验 for the second
    assert at["parties"][0]["score"] == 91.5 and at["parties"][0]["id_number"] == "441621********1234"
    assert at["eligibility"]["decision"] == "accept" and at["eligibility"]["reasons"][0]["code"] == "local_hukou"
    revealed = w3.post("/counter/api/reveal", {"ticket_id": walk_in["ticket_id"]}).json()
    assert [p["id_number"] for p in revealed["parties"]] == ["441621199001011234", "44162119920304124X"]
    # no-show only after the configured recalls (2), never for a ticket being served
    assert w3.post("/counter/api/no_show", {"ticket_id": walk_in["ticket_id"]}).json()["error"] == "recall_first"
    for n in (1, 2):
        assert w3.post("/counter/api/recall", {"ticket_id": walk_in["ticket_id"]}).json()["recalls"] == n
    assert w3.post("/counter/api/no_show", {"ticket_id": walk_in["ticket_id"]}).json()["status"] == "no_show"

    events = _rows(server, "SELECT ticket_id, kind, window, at FROM service_events ORDER BY seq")
    assert [(t[-4:], k, w) for t, k, w, _ in events] == [
        (booked["ticket_id"][-4:], "called", "window-3"),
        (booked["ticket_id"][-4:], "serving", "window-3"),
        (booked["ticket_id"][-4:], "done", "window-3"),
        (walk_in["ticket_id"][-4:], "called", "window-3"),
        (walk_in["ticket_id"][-4:], "recalled", "window-3"),
        (walk_in["ticket_id"][-4:], "recalled", "window-3"),
        (walk_in["ticket_id"][-4:], "no_show", "window-3"),
    ]
    assert all(at.startswith(TODAY) and at.endswith("+08:00") for *_, at in events)  # the server's clock
    audit = _rows(server, "SELECT who, path, status, ref FROM audit WHERE path LIKE '/counter/%'")
    assert ("counter:window-3@441621", "/counter/api/reveal", 200, walk_in["ticket_id"]) in audit
    assert ("counter:window-3@441621", "/counter/api/next", 409, "") in audit  # refused actions too
    assert len(audit) == 10
    assert not any("1990" in str(row) for row in _rows(server, "SELECT * FROM audit"))  # no ID numbers


def test_transfer_pause_and_another_office(api, server):
    first = api.ticket("marriage").json()
    second = api.ticket("marriage").json()
    w1, w2 = _window(server, "window-1"), _window(server, "window-2")
    assert w1.post("/counter/api/pause", {}).json()["paused"] is True
    assert w1.post("/counter/api/next", {}).json()["error"] == "window_paused"
    w1.post("/counter/api/resume", {})
    assert w2.post("/counter/api/next", {}).json()["ticket_id"] == first["ticket_id"]
    assert w1.post("/counter/api/recall", {"ticket_id": first["ticket_id"]}).json()["error"] == "not_at_window"
    moved = w2.post("/counter/api/transfer", {"ticket_id": first["ticket_id"], "business": "divorce_application"})
    assert moved.json()["business"] == "divorce_application"
    assert w1.post("/counter/api/next", {"business": "marriage"}).json()["ticket_id"] == second["ticket_id"]
    w1.post("/counter/api/done", {"ticket_id": second["ticket_id"]})
    # sent to a named window: that window calls it before anyone else
    third = api.ticket("divorce_application").json()
    assert w2.post("/counter/api/next", {}).json()["ticket_id"] == first["ticket_id"]
    nowhere = {"ticket_id": first["ticket_id"], "window": "window-77"}
    assert w2.post("/counter/api/transfer", nowhere).json()["error"] == "unknown_window"
    w2.post("/counter/api/transfer", {"ticket_id": first["ticket_id"], "window": "window-1"})
    assert w2.post("/counter/api/next", {}).json()["ticket_id"] == third["ticket_id"]
    assert w1.post("/counter/api/next", {}).json()["ticket_id"] == first["ticket_id"]
    # a counter of another office sees and calls only its own office
    other = _window(server, "window-1", office="441622")
    assert other.post("/counter/api/next", {}).json()["error"] == "queue_empty"
    assert other.get("/counter/state").json()["office"]["code"] == "441622"
    for bad in ({"ticket_id": "x" * 65}, {"business": "Marriage"}, {"window": "../x"}, {"extra": 1}):
        assert w1.post("/counter/api/transfer", bad).status_code == 422, bad


def test_the_display_shows_calls_and_counts_only(api, server):
    api.ticket("marriage", parties=WALK_IN)
    api.ticket("marriage")
    tv = Api(server, role="display", name="tv1")
    before = tv.get("/display/state").json()
    assert before["calls"] == [] and {w["business"]: w["count"] for w in before["waiting"]}["marriage"] == 2
    _window(server).post("/counter/api/next", {})
    state = tv.get("/display/state", since=before["version"]).json()  # answers at once: something changed
    assert [(c["number"], c["window"]) for c in state["calls"]] == [("A001", "3")]
    assert state["calls"][0]["say"] == {
        "zh": ["please", "l_a", "d0", "d0", "d1", "number_to", "w3", "window_serve"],
        "en": ["number", "l_a", "d0", "d0", "d1", "please_window", "w3"],
    }
    text = json.dumps(state, ensure_ascii=False)
    assert "A002" not in text and "4416211990" not in text and "ticket_id" not in text  # waiting numbers: counts
    wav = tv.s.get(server.url + "/display/voice/zh/w3.wav", timeout=5)
    assert wav.status_code in (200, 404)  # 404 only where set-up has not synthesised the segments
    assert tv.s.get(server.url + "/display/voice/zh/..%2Fsecrets.wav", timeout=5).status_code == 404
    for path in ("/counter/state", "/counter/"):
        assert tv.get(path).status_code == 403
    assert tv.post("/counter/api/next", {}).status_code == 403
    assert _window(server).get("/display/state").status_code == 403


def test_a_kiosk_follows_only_its_own_staff_call(api, server):
    call = {"kiosk_id": "k1", "screen": "read_id_1", "business": None, "called_at": f"{TODAY}T10:04:00+08:00"}
    made = api.post("/v1/offices/441621/assistance", call).json()
    path = f"/v1/offices/441621/assistance/{made['call_id']}"
    assert api.get(path).json() == {
        "call_id": made["call_id"],
        "status": "open",
        "acknowledged_at": None,
        "counter": "",
    }
    assert Api(server, name="k2").get(path).status_code == 404  # another kiosk's call is none of its business
    assert _window(server).get(path).status_code == 403
    w3 = _window(server)
    assert w3.get("/counter/state").json()["calls"][0]["call_id"] == made["call_id"]
    assert w3.post(f"/counter/calls/{made['call_id']}/acknowledge", {}).json()["status"] == "acknowledged"
    assert _window(server, "window-4").post(f"/counter/calls/{made['call_id']}/acknowledge", {}).json()["counter"] == (
        "window-3"
    )
    assert api.get(path).json()["status"] == "acknowledged"
    assert w3.post(f"/counter/calls/{made['call_id']}/close", {}).json()["status"] == "closed"
    assert api.get(path).json()["status"] == "closed" and w3.get("/counter/state").json()["calls"] == []
    assert _window(server, office="441622").post(f"/counter/calls/{made['call_id']}/close", {}).status_code == 404


def test_pki_issues_display_and_browser_certificates(tmp_path):
    from cryptography.hazmat.primitives.serialization import pkcs12

    def pki(*args):
        done = subprocess.run([sys.executable, "-m", "office", "pki", *args], capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
        return json.loads(done.stdout)

    pki("init", "--dir", str(tmp_path))
    tv = pki("issue", "--dir", str(tmp_path), "--role", "display", "--name", "tv1", "--office", "441621")
    assert tv["cert"].endswith("displays/tv1.crt")
    out = pki("issue", "--dir", str(tmp_path), "--role", "counter", "--name", "window-3", "--office", "441621", "--p12")
    bundle = (tmp_path / "counters" / "window-3.p12").read_bytes()
    assert out["p12"].endswith("counters/window-3.p12") and (tmp_path / "counters" / "window-3.p12.pass").exists()
    assert (tmp_path / "counters" / "window-3.p12").stat().st_mode & 0o077 == 0
    key, cert, extra = pkcs12.load_key_and_certificates(bundle, out["passphrase"].encode())
    assert key is not None and cert is not None and len(extra) == 1  # with the office CA
    try:
        pkcs12.load_key_and_certificates(bundle, b"wrong")
    except ValueError:
        pass
    else:
        raise AssertionError("the PKCS#12 opened without its passphrase")


def test_every_call_is_said_with_segments_set_up_makes():
    table = voice.texts()
    for number, window in (("A001", "3"), ("F699", "12"), ("B750", "30"), ("C001", "window-a")):
        for lang, parts in voice.segments(number, window).items():
            assert parts and all(p in table[lang] for p in parts), (number, window, lang)
    assert voice.segments("A001", "12")["zh"][-2] == "w12" and table["zh"]["w12"] == "十二"
    assert table["en"]["w21"] == "twenty-one" and voice.segments("A001", "45")["en"][-2:] == ["d4", "d5"]
    assert voice.segment_file("zh", "../../etc/passwd") is None and voice.segment_file("fr", "d1") is None
