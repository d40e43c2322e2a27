"""Identity verification as the face session runs it (kiosk/services/identity): the card photo through the
stand-in WLT library, the office's identity service on loopback, the same face twice, liveness, and a reference
that cannot answer. Real models, real fixture faces, no mocks."""

import base64
from datetime import datetime
from pathlib import Path

import pytest

from drivers.camera.simulator import FIXTURES, SimulatedCamera
from drivers.idcard.photo import WltLibraryDecoder, photo_decoder
from drivers.idcard.sim_photo import photo_base64
from drivers.standin import build
from kiosk.domain.idcard_record import IdCardRecord, record_from_fields
from kiosk.services.face.pipeline import FaceEngine, PartyFaceResult
from kiosk.services.identity import CardPhoto, FaceVerifier, NoReference, OfficeService
from kiosk.services.office_client import OfficeClient

GRACE, ASTRONAUT = FIXTURES / "grace_hopper.jpg", FIXTURES / "astronaut.png"


@pytest.fixture(scope="module")
def engine():
    engine = FaceEngine.load()
    assert engine.mode == "full", engine.problem
    return engine


def _card(image: Path, number: str = "441621199001011234") -> IdCardRecord:
    return record_from_fields({"id_number": number}, photo=base64.b64decode(photo_base64(image)))


def _captured(engine, image: Path, party: int = 1, liveness: str = "passed") -> PartyFaceResult:
    cam = SimulatedCamera(realtime=False, person=str(image))
    cam.open()
    frame = cam.render(1.5)
    return PartyFaceResult(photo=frame, face=engine.analyse(frame).face, liveness=liveness, party=party)


@pytest.fixture(scope="module")
def card_verifier():
    return FaceVerifier(CardPhoto(WltLibraryDecoder(str(build("wlt")))), 0.363)


def test_the_card_holder_matches_and_someone_else_does_not(engine, card_verifier):
    same = card_verifier.verify(engine, _card(GRACE), _captured(engine, GRACE))
    assert same.result == "match" and same.score >= 0.363 and same.seconds > 0
    other = card_verifier.verify(engine, _card(GRACE), _captured(engine, ASTRONAUT))
    assert other.result == "no_match" and other.score < 0.363


def test_party_two_with_party_ones_face_is_no_match(engine, card_verifier):
    first = _captured(engine, GRACE, 1)
    assert card_verifier.verify(engine, _card(GRACE), first).result == "match"
    second = _captured(engine, GRACE, 2)
    verdict = card_verifier.verify(engine, _card(GRACE, "441621199202021234"), second, (first,))
    assert (verdict.result, verdict.reason) == ("no_match", "same_face")
    assert second.verdict == "no_match"  # what the flow reads
    first.wipe()
    assert first.embedding is None and first.photo is None


def test_failed_liveness_is_no_match_without_comparing(engine, card_verifier):
    verdict = card_verifier.verify(engine, _card(GRACE), _captured(engine, GRACE, liveness="failed"))
    assert (verdict.result, verdict.reason) == ("no_match", "liveness_failed")


def test_without_a_usable_reference_the_answer_is_unavailable(engine, tmp_path):
    no_library = FaceVerifier(CardPhoto(photo_decoder(str(tmp_path / "missing.so"))), 0.363)
    assert no_library.verify(engine, _card(GRACE), _captured(engine, GRACE)).reason == "no_decoder"
    filler = record_from_fields(
        {"id_number": "x"}, photo=bytes(range(256)) * 4
    )  # a real card's WLT: not the simulator's
    decoder = FaceVerifier(CardPhoto(WltLibraryDecoder(str(build("wlt")))), 0.363)
    assert decoder.verify(engine, filler, _captured(engine, GRACE)).reason == "photo_not_decoded"
    off = FaceVerifier(NoReference(), 0.363).verify(engine, _card(GRACE), _captured(engine, GRACE))
    assert (off.result, off.reason) == ("unavailable", "not_configured")


def test_the_office_identity_service_on_loopback(engine, office_host, tmp_path):
    from bench.rigs.clock import ManualClock
    from office.seed import seeded_bookings

    clock = ManualClock(datetime(2026, 11, 26, 10, 5))
    with office_host.serving(tmp_path / "office.db", clock) as server:
        party_1 = seeded_bookings("441621", clock().date(), clock())[0]["parties"][0]
        ca, cert, key = server.client_files("kiosk", "k1", "441621")
        client = OfficeClient(
            server.url, kiosk_id="k1", read_timeout_s=60, retries=0, ca_file=ca, client_cert=cert, client_key=key
        )
        verifier = FaceVerifier(OfficeService(client), 0.363)
        card = record_from_fields({"id_number": party_1["id_number"]})
        assert verifier.verify(engine, card, _captured(engine, GRACE)).result == "match"
        assert verifier.verify(engine, card, _captured(engine, ASTRONAUT)).result == "no_match"
    down = FaceVerifier(OfficeService(OfficeClient("http://127.0.0.1:9", kiosk_id="k1", retries=0)), 0.363)
    assert down.verify(engine, card, _captured(engine, GRACE)).reason == "service_unavailable"


def test_party_two_is_compared_with_party_ones_capture_even_when_party_one_failed_liveness(engine, card_verifier):
    """Party 1's photo failed the challenge (the counter will check them); party 2 must still not pass with the
    same face."""
    first = _captured(engine, GRACE, 1, liveness="failed")
    assert card_verifier.verify(engine, _card(GRACE), first).reason == "liveness_failed"
    second = _captured(engine, GRACE, 2)
    verdict = card_verifier.verify(engine, _card(GRACE, "441621199202021234"), second, (first,))
    assert (verdict.result, verdict.reason) == ("no_match", "same_face")
    never_verified = _captured(engine, GRACE, 1)  # an earlier capture never verified at all
    third = _captured(engine, GRACE, 2)
    assert (
        card_verifier.verify(engine, _card(GRACE, "441621199202021234"), third, (never_verified,)).reason == "same_face"
    )
