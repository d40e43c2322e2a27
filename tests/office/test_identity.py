"""POST /v1/identity/verify on the real server (loopback): the office's identity service compares a live face
crop with the reference photo it holds for a seeded party; verification outcomes reach the 全城通办 report."""

import base64

import cv2

import heyuan_assets as assets

FACES = assets.path("samples", "faces")


def _jpeg(name, box):
    x0, y0, x1, y1 = box
    image = cv2.imread(str(FACES / name))[y0:y1, x0:x1]
    return base64.b64encode(cv2.imencode(".jpg", image)[1].tobytes()).decode()


GRACE = ("grace_hopper.jpg", (67, 26, 467, 426))
ASTRONAUT = ("astronaut.png", (73, 0, 373, 300))


def _verify(api, number, photo):
    # The server loads its face models in the background at start: the first answer may take seconds on a busy
    # machine, so these calls wait longer than the helpers' 5 s.
    return api.s.post(
        api.url + "/v1/identity/verify",
        json={"id_number": number, "photo_jpeg": photo},
        headers={"Idempotency-Key": f"idv-{number}-{len(photo)}"},
        timeout=60,
    )


def test_verify_against_the_office_reference(api):
    party_1, party_2 = api.bookings()["01"]["parties"]
    same = _verify(api, party_1["id_number"], _jpeg(*GRACE))
    assert same.status_code == 200 and same.json()["result"] == "match" and same.json()["score"] >= 0.363
    other = _verify(api, party_2["id_number"], _jpeg(*GRACE))
    assert other.json()["result"] == "no_match"
    assert set(other.json()) == {"result", "score"}  # the least the kiosk needs: no photo, no name
    unknown = _verify(api, "110101199001011234", _jpeg(*GRACE))
    assert unknown.json()["result"] == "unavailable"


def test_verify_bounds_and_rejects_bad_input(api):
    number = api.bookings()["01"]["parties"][0]["id_number"]
    assert api.post("/v1/identity/verify", {"id_number": number, "photo_jpeg": "!!not base64!!"}).status_code == 422
    junk = base64.b64encode(b"\x00" * 64).decode()
    assert _verify(api, number, junk).json()["result"] == "unavailable"
    huge = "A" * 400_004
    assert api.post("/v1/identity/verify", {"id_number": number, "photo_jpeg": huge}).status_code == 422
    assert api.post("/v1/identity/verify", {"id_number": number, "photo_jpeg": junk, "x": 1}).status_code == 422


def test_checkin_carries_verified_by_into_the_report(api):
    b = api.bookings()["01"]
    parties = [
        {"id_number": b["parties"][0]["id_number"], "verified_by": "face", "score": 0.71},
        {"id_number": b["parties"][1]["id_number"], "verified_by": "staff"},
    ]
    r = api.post(
        "/v1/offices/441621/checkins", {"appointment_id": b["appointment_id"], "kiosk_id": "k1", "parties": parties}
    )
    assert r.status_code == 201, r.text
    bad = dict(parties[1], verified_by="magic")
    assert (
        api.post(
            "/v1/offices/441621/checkins",
            {"appointment_id": b["appointment_id"], "kiosk_id": "k1", "parties": [parties[0], bad]},
        ).status_code
        == 422
    )
    report = api.get("/v1/offices/441621/reports/citywide", **{"from": "2026-11-26", "to": "2026-11-26"}).json()
    assert report["verified_by"] == {"face": 1, "fingerprint": 0, "staff": 1}
    assert report["share_verified_by_machine"] == 0.5
