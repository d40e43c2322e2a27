"""POST /v1/identity/verify on the real server (loopback, mutual TLS): the office's identity service compares a
live face crop with the reference photo it holds for a party of today's bookings at the caller's office; the
attacks of issue 24 (a biometric oracle, image bombs) fail; verification outcomes reach the 全城通办 report."""

import base64
import struct
import threading
import zlib

import cv2
import numpy as np
from hypothesis import given, settings, strategies as st

import heyuan_assets as assets
from office import jpeg
from office.seed import seeded_bookings
from tests.office.helpers import Api

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


def _audit_refs(server, path="/v1/identity/verify"):
    rows = server.backend.store.read().execute("SELECT status, code, ref FROM audit WHERE path=? ORDER BY seq", (path,))
    return [tuple(r) for r in rows]


def test_verify_against_the_office_reference(api, server):
    party_1, party_2 = api.bookings()["01"]["parties"]
    same = _verify(api, party_1["id_number"], _jpeg(*GRACE))
    assert same.status_code == 200 and same.json() == {"result": "match", "band": "high"}  # no score
    other = _verify(api, party_2["id_number"], _jpeg(*GRACE))
    assert other.json() == {"result": "no_match", "band": None}
    unknown = _verify(api, "110101199001011234", _jpeg(*GRACE))
    assert unknown.json() == {"result": "unavailable", "band": None}
    # every call audited, with its outcome only: no photo, no ID number
    assert _audit_refs(server) == [
        (200, "", "match:high"),
        (200, "", "no_match"),
        (200, "", "unavailable:no_reference"),
    ]
    dump = "\n".join(str(tuple(r)) for r in server.backend.store.read().execute("SELECT * FROM audit"))
    assert party_1["id_number"] not in dump and party_2["id_number"] not in dump


def test_no_oracle_for_people_not_booked_at_the_callers_office_today(server, api, clock):
    """Finding 1: a stolen kiosk asked about anyone in the database and got the exact score. Now a booked party of
    another office, or of another day, gets the very answer of a person the office has no photo of."""
    elsewhere = seeded_bookings("441622", clock().date(), clock())[0]["parties"][0]  # grace's place at 441622
    tomorrow = seeded_bookings("441621", clock().date().replace(day=27))[0]["parties"][0]
    nobody = "441621199001011234"
    photo = _jpeg(*GRACE)
    answers = [_verify(api, n, photo) for n in (elsewhere["id_number"], tomorrow["id_number"], nobody)]
    assert [(r.status_code, r.json()) for r in answers] == [(200, {"result": "unavailable", "band": None})] * 3
    assert {r.headers["content-length"] for r in answers} == {str(len(answers[0].content))}
    # the kiosk of the other office does get its own party compared
    theirs = Api(server, name="k-zj", office="441622")
    assert _verify(theirs, elsewhere["id_number"], photo).json()["result"] == "match"


def test_calls_are_limited_per_id_number_and_per_kiosk(server, api):
    """Finding 1: 34 guesses in 0.1 s recovered an ID number. Now a person can be asked about 6 times in 15 min,
    and a kiosk 40 times, then 429 (audited)."""
    junk = base64.b64encode(b"\xff\xd8\xff" + b"\x00" * 64).decode()
    number = api.bookings()["01"]["parties"][0]["id_number"]
    codes = [_verify(api, number, junk).status_code for _ in range(7)]
    assert codes == [200] * 6 + [429]
    other_kiosk = Api(server, name="k2")
    assert _verify(other_kiosk, number, junk).status_code == 429  # the person is protected, whoever asks
    guesses = [f"44162119900101{n:04d}" for n in range(40)]
    codes = [_verify(api, g, junk).status_code for g in guesses]
    assert codes == [200] * 34 + [429] * 6  # the kiosk reaches its 40
    r = _verify(api, guesses[-1], junk)
    assert r.json()["error"] == "too_many_attempts" and r.json()["retry_after_s"] > 0
    assert "too_many_attempts" in {code for _, code, _ in _audit_refs(server)}
    assert _verify(other_kiosk, "441621199001019999", junk).status_code == 200  # another kiosk is not locked


def _png_bomb(side=6000) -> bytes:
    """A 1-bit PNG of side × side pixels in a few kilobytes (what took 6.9 s and 2.6 GB)."""
    raw = zlib.compress(b"".join(b"\x00" + b"\x00" * (side // 8) for _ in range(side)), 9)

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", side, side, 1, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", raw) + chunk(b"IEND", b"")


def _jpeg_claiming(width, height) -> bytes:
    """A small real JPEG whose frame header claims another size."""
    data = bytearray(cv2.imencode(".jpg", np.zeros((16, 16, 3), np.uint8))[1].tobytes())
    at = data.index(b"\xff\xc0")
    data[at + 5 : at + 9] = struct.pack(">HH", height, width)
    return bytes(data)


def _arithmetic_coded() -> bytes:
    data = bytearray(_jpeg_claiming(16, 16))
    data[data.index(b"\xff\xc0") + 1] = 0xC9  # SOF9: arithmetic coding, slower to decode, never a camera's
    return bytes(data)


def _many_scans() -> bytes:
    """A JPEG announcing 40 scans (each a pass of the decoder over the whole picture), in a comment here."""
    data = _jpeg_claiming(16, 16)
    comment = b"\xff\xda\x00" * 40
    return data[:2] + b"\xff\xfe" + (len(comment) + 2).to_bytes(2, "big") + comment + data[2:]


def test_image_bombs_are_refused_before_decoding_and_do_not_hold_up_another_kiosk(server, api):
    """Finding 2: only a JPEG within 1280 × 1280 and 300 KB is decoded, judged from its frame header; bombs sent
    by one kiosk while another verifies do not keep that one waiting."""
    number = api.bookings()["01"]["parties"][0]["id_number"]
    bombs = [_png_bomb(), _jpeg_claiming(6000, 6000), _jpeg_claiming(60000, 20), _arithmetic_coded(), _many_scans()]
    for bomb in bombs:
        assert len(bomb) < 20_000
        answer = _verify(api, number, base64.b64encode(bomb).decode())
        assert answer.json() == {"result": "unavailable", "band": None}
    assert [ref for *_, ref in _audit_refs(server)] == ["unavailable:not_accepted_image"] * 5
    progressive = cv2.imencode(
        ".jpg", cv2.imread(str(FACES / "grace_hopper.jpg"))[26:426, 67:467], [cv2.IMWRITE_JPEG_PROGRESSIVE, 1]
    )[1]
    assert jpeg.check(progressive.tobytes(), 300_000, 1280, 1280) == (400, 400)  # a camera's progressive JPEG passes

    attackers = [Api(server, name=f"thief{i}") for i in range(6)]
    bomb = base64.b64encode(_jpeg_claiming(1280, 1280)).decode()  # accepted size: the most work allowed
    stop = threading.Event()

    def flood(a):
        while not stop.is_set():
            if _verify(a, "441621199001011234", bomb).status_code != 200:
                return

    threads = [threading.Thread(target=flood, args=(a,)) for a in attackers]
    for t in threads:
        t.start()
    try:
        honest = Api(server, name="k-honest")
        r = _verify(honest, api.bookings()["01"]["parties"][1]["id_number"], _jpeg(*ASTRONAUT))
        assert r.json()["result"] in ("match", "unavailable")  # answered (busy → unavailable), not stuck
    finally:
        stop.set()
        for t in threads:
            t.join(30)
    assert api.get("/healthz").status_code == 200


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=64), st.integers(1, 5000), st.integers(1, 5000))
def test_the_frame_header_is_read_right_or_refused(noise, width, height):
    try:
        jpeg.frame_size(b"\xff\xd8\xff" + noise)
    except jpeg.NotAcceptedImage:
        pass
    data = _jpeg_claiming(width, height)
    assert jpeg.frame_size(data) == (width, height)
    assert jpeg.frame_size(data[: data.index(b"\xff\xc0") + 9]) == (width, height)


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
