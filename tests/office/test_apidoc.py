"""docs/api.md is the server's own OpenAPI document rendered; it must not drift from the server. Every route
declares what it answers, and the server answers exactly that."""

from pathlib import Path

from office.answers import ANSWERS, BookingElsewhere
from office.apidoc import markdown, openapi
from tests.office.helpers import TODAY

ROOT = Path(__file__).resolve().parents[2]


def test_api_page_in_docs_is_current():
    committed = (ROOT / "docs" / "api.md").read_text(encoding="utf-8")
    assert committed == markdown(openapi()), "docs/api.md is stale: run `python -m office.apidoc > docs/api.md`"


def test_every_route_declares_the_fields_of_its_answer(api):
    spec = api.get("/openapi.json").json()
    for path, ops in spec["paths"].items():
        for method, op in ops.items():
            done = [answer for status, answer in op["responses"].items() if status.startswith("2")]
            assert done and all(a.get("content", {}).get("application/json") for a in done), (method, path)


def test_each_answer_has_exactly_the_declared_fields(api, counter, bureau):
    def check(key, r):
        statuses, model = ANSWERS[key]
        assert r.status_code in (statuses if isinstance(statuses, tuple) else (statuses,)), (key, r.text)
        model.model_validate(r.json(), strict=True)  # extra fields are refused too

    booked = api.bookings()["01"]
    check("GET /healthz", api.get("/healthz"))
    check("GET /v1/offices", api.get("/v1/offices"))
    check("GET /v1/appointments/lookup", api.get("/v1/appointments/lookup", token=booked["token"]))
    elsewhere = api.get("/v1/appointments/lookup", token=api.bookings("441622")["01"]["token"])
    assert set(elsewhere.json()["appointments"][0]) == set(BookingElsewhere.model_fields)  # where and when only
    check("GET /v1/appointments/lookup", elsewhere)
    check("GET /v1/offices/{office}/appointments", api.get("/v1/offices/441621/appointments"))
    check("POST /v1/offices/{office}/checkins", api.checkin(booked))
    assert api.ticket("marriage", booked["appointment_id"]).status_code == 201  # (its response_model in app.py)
    check("GET /v1/offices/{office}/queue", counter.get("/v1/offices/441621/queue"))
    check("POST /v1/offices/{office}/queue/next", counter.post("/v1/offices/441621/queue/next", {"counter": "1"}))
    release = counter.post("/v1/offices/441621/lockouts/release", {"phone": "13800000000"})
    check("POST /v1/offices/{office}/lockouts/release", release)
    report = bureau.get("/v1/offices/441621/reports/citywide", **{"from": "2026-11-20", "to": TODAY})
    check("GET /v1/offices/{office}/reports/citywide", report)
    call = {"kiosk_id": "k1", "screen": "read_id_1", "business": "marriage", "called_at": f"{TODAY}T10:04:00+08:00"}
    made = api.post("/v1/offices/441621/assistance", call)
    check("POST /v1/offices/{office}/assistance", made)
    check("GET /v1/offices/{office}/assistance", counter.get("/v1/offices/441621/assistance"))
    ack = counter.post(f"/v1/offices/441621/assistance/{made.json()['call_id']}/acknowledge", {"counter": "1"})
    check("POST /v1/offices/{office}/assistance/{call_id}/acknowledge", ack)
