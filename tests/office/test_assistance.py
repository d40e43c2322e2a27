"""Calls for staff on the office server: a kiosk posts, a counter lists and acknowledges; nothing personal; each
caller only in its role, a kiosk only as itself."""

from tests.office.helpers import TODAY, Api

PATH = "/v1/offices/441621/assistance"
CALL = {"kiosk_id": "k1", "screen": "read_id_2", "business": "marriage", "called_at": f"{TODAY}T10:04:00+08:00"}


def test_a_kiosk_calls_and_the_counter_lists_and_acknowledges(api, counter, server):
    first = api.post(PATH, CALL, key="call-1")
    assert first.status_code == 201, first.text
    call = first.json()
    assert (call["screen"], call["business"], call["kiosk_id"], call["status"]) == (
        "read_id_2",
        "marriage",
        "k1",
        "open",
    )
    again = api.post(PATH, CALL, key="call-1")  # the kiosk's journal resends: applied once
    assert again.json() == call and again.headers.get("Idempotent-Replayed") == "true"
    Api(server, name="k2").post(PATH, dict(CALL, screen="consent", kiosk_id="k2", business=None))
    listed = counter.get(PATH).json()["calls"]
    assert [c["screen"] for c in listed] == ["read_id_2", "consent"]
    ack = counter.post(f"{PATH}/{call['call_id']}/acknowledge", {"counter": "3"})
    assert ack.status_code == 200 and ack.json()["status"] == "acknowledged" and ack.json()["counter"] == "3"
    twice = counter.post(f"{PATH}/{call['call_id']}/acknowledge", {"counter": "5"})
    assert twice.json()["counter"] == "3"  # the first counter keeps it
    assert [c["screen"] for c in counter.get(PATH).json()["calls"]] == ["consent"]


def test_calls_carry_no_personal_data_and_bounded_input(api, counter):
    for bad in (
        dict(CALL, name="张三丰"),
        dict(CALL, id_number="441621199001011234"),
        dict(CALL, screen="x" * 80),
        dict(CALL, screen="读取身份证"),
        dict(CALL, kiosk_id=""),
    ):
        r = api.post(PATH, bad)
        assert r.status_code == 422 and r.json()["error"] == "invalid_request", bad
    assert counter.post(f"{PATH}/9999/acknowledge", {}).status_code == 404
    assert counter.get(PATH).json()["calls"] == []


def test_only_the_declared_roles_and_only_as_itself(api, counter, bureau, server):
    assert api.get(PATH).status_code == 403  # a kiosk does not see other kiosks' calls
    assert counter.post(PATH, CALL).status_code == 403  # counters do not call
    assert bureau.get(PATH).status_code == 403
    assert api.post(PATH, dict(CALL, kiosk_id="k2")).status_code == 403  # not as another kiosk
    other = Api(server, name="k9", office="441622")
    assert other.post(PATH, dict(CALL, kiosk_id="k9")).status_code == 403  # not for another office
    paths = api.get("/openapi.json").json()["paths"]
    assert paths["/v1/offices/{office}/assistance"]["post"]["x-roles"] == ["kiosk"]
    assert paths["/v1/offices/{office}/assistance"]["get"]["x-roles"] == ["counter"]
    assert paths["/v1/offices/{office}/assistance/{call_id}/acknowledge"]["post"]["x-roles"] == ["counter"]
