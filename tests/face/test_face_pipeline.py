import face_variants as v
from conftest import ASTRONAUT_BOX, GRACE_BOX
from drivers.camera.simulator import SimulatedCamera
from kiosk.services.face.liveness import LivenessChallenge
from kiosk.services.face.pipeline import PartyCapture


def sim_frames(start_s=0.0, seconds=9.5, fps=10):
    camera = SimulatedCamera(realtime=False, fps=fps)
    camera.open()
    camera._count = int(start_s * fps)
    for _ in range(int(seconds * fps)):
        yield camera.read()


def test_auto_capture_after_n_good_frames_and_match_with_id(engine):
    capture = PartyCapture(engine, consecutive_good_frames=4, id_photo=v.id_card_copy(v.astronaut(), ASTRONAUT_BOX))
    codes = []
    for i, frame in enumerate(sim_frames()):
        progress = capture.feed(frame, i / 10)
        codes.append(progress.code)
        if progress.done:
            break
    assert progress.done and progress.code == "captured"
    assert codes[0] == "no_face" and "too_small" in codes
    assert codes[-5:-1] == ["ok"] * 3 + ["ok"] or codes.count("ok") >= 3
    result = capture.result
    assert result.photo is not None and result.photo.shape == (480, 640, 3)
    assert result.match == "same_person" and result.match_score >= 0.363
    assert result.quality["sharpness"] > 0 and result.liveness == "not_required"


def test_match_against_another_persons_id(engine):
    capture = PartyCapture(engine, consecutive_good_frames=2, id_photo=v.id_card_copy(v.grace(), GRACE_BOX))
    for i, frame in enumerate(sim_frames(4.6, 2)):
        if capture.feed(frame, i / 10).done:
            break
    assert capture.result.match == "different" and capture.result.match_score < 0.363


def test_no_id_photo_means_match_not_available(engine):
    capture = PartyCapture(engine, consecutive_good_frames=1)
    assert capture.feed(v.grace(), 0).done
    assert capture.result.match == "not_available" and capture.result.match_score is None


def test_a_bad_frame_breaks_the_streak(engine):
    capture = PartyCapture(engine, consecutive_good_frames=3)
    good, blurred = v.grace(), v.blurred(v.grace())
    assert [capture.feed(f, 0).code for f in (good, good, blurred, good, good)] == ["ok", "ok", "blurred", "ok", "ok"]
    assert capture.feed(good, 0).done


def test_liveness_runs_after_capture_and_a_still_photo_fails(engine):
    capture = PartyCapture(
        engine, consecutive_good_frames=1, liveness=LivenessChallenge(1, kinds=("turn_left",), step_timeout_s=1.0)
    )
    progress = capture.feed(v.grace(), 0.0)
    assert progress.code == "turn_left" and not progress.done
    t = 0.0
    while not progress.done:
        t += 0.25
        progress = capture.feed(v.grace(), t)
    assert progress.code == "liveness_failed"
    assert capture.result.liveness == "failed" and capture.result.photo is not None


def test_wipe_zeroes_the_photo(engine):
    capture = PartyCapture(engine, consecutive_good_frames=1)
    capture.feed(v.grace(), 0)
    result = capture.result
    photo = result.photo
    result.wipe()
    assert not photo.any() and result.photo is None and result.quality == {}
    assert "array" not in repr(result) and result.summary()["captured"] is False
