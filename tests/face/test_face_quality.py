import numpy as np
import pytest

import face_variants as v
from conftest import ASTRONAUT_BOX, GRACE_BOX
from drivers.camera.frames import FrameFormatError
from kiosk.facematch.detector import Face
from kiosk.services.face.messages import GUIDANCE, PRIORITY, guidance, ordered
from kiosk.services.face.quality import assess, head_pose

CONTRACT_CODES = {"no_face", "many_faces", "too_small", "off_centre", "blurred", "too_dark", "too_bright", "turned"}


@pytest.mark.parametrize("photo", [v.astronaut, v.grace])
def test_real_photo_of_one_person_is_good(engine, photo):
    report = engine.analyse(photo())
    assert report.ok and report.faces == 1, report
    assert report.problems == []


@pytest.mark.parametrize("photo", [v.astronaut, v.grace])
@pytest.mark.parametrize(
    "variant,code",
    [
        (v.blurred, "blurred"),
        (v.dark, "too_dark"),
        (v.bright, "too_bright"),
        (v.off_centre, "off_centre"),
        (v.small, "too_small"),
    ],
)
def test_each_flaw_gives_its_own_problem(engine, photo, variant, code):
    report = engine.analyse(variant(photo()))
    assert report.problems[:1] == [code], report.problems
    assert report.faces == 1


def test_group_photo_is_many_faces(engine):
    report = engine.analyse(v.group(v.astronaut(), v.grace()))
    assert report.faces == 2
    assert report.problems[0] == "many_faces"


def test_tilted_head_is_turned(engine):
    report = engine.analyse(v.rolled(v.portrait(v.grace(), GRACE_BOX), 25))
    assert "turned" in report.problems


def test_portrait_crops_are_good(engine):
    for photo, box in ((v.astronaut(), ASTRONAUT_BOX), (v.grace(), GRACE_BOX)):
        assert engine.analyse(v.portrait(photo, box)).ok


def test_empty_scene_and_dark_room(engine):
    assert engine.analyse(np.full((240, 320, 3), 150, np.uint8)).problems == ["no_face"]
    assert engine.analyse(np.full((240, 320, 3), 10, np.uint8)).problems == ["no_face", "too_dark"]
    assert engine.analyse(np.full((240, 320, 3), 250, np.uint8)).problems == ["no_face", "too_bright"]


@pytest.mark.parametrize(
    "convert",
    [
        lambda img: img[:, :, 1].copy(),  # grey
        lambda img: np.dstack([img, np.full(img.shape[:2], 255, np.uint8)]),  # BGRA
        lambda img: img[:, :, 1:2].copy(),  # H×W×1
    ],
)
def test_grey_and_bgra_frames_are_accepted(engine, convert):
    assert engine.analyse(convert(v.grace())).faces == 1


@pytest.mark.parametrize(
    "frame",
    [
        np.zeros((32, 32, 3), np.uint8),  # tiny
        np.zeros((240, 320, 3), np.float32),  # wrong pixel type
        np.zeros((240, 320, 2), np.uint8),  # wrong channels
        np.zeros((4, 240, 320, 3), np.uint8),  # a batch, not a frame
        b"not an array",
    ],
)
def test_unusable_frames_raise_bad_frame(engine, frame):
    with pytest.raises(FrameFormatError) as e:
        engine.analyse(frame)
    assert e.value.code == "bad_frame"


def _face(box=(100, 60, 120, 150), score=0.9, yaw_px=0.0, tilt=0.0):
    x, y, w, h = box
    pts = np.array(
        [
            [x + 0.3 * w, y + 0.4 * h],
            [x + 0.7 * w, y + 0.4 * h],
            [x + 0.5 * w + yaw_px, y + 0.6 * h],
            [x + 0.35 * w, y + 0.8 * h],
            [x + 0.65 * w, y + 0.8 * h],
        ],
        np.float32,
    )
    if tilt:
        c = pts.mean(axis=0)
        r = np.radians(tilt)
        rot = np.array([[np.cos(r), -np.sin(r)], [np.sin(r), np.cos(r)]], np.float32)
        pts = (pts - c) @ rot.T + c
    return Face(box, pts, score)


def test_head_pose_from_landmarks():
    assert head_pose(_face().landmarks)["yaw"] == pytest.approx(0, abs=1e-6)
    assert head_pose(_face(yaw_px=20).landmarks)["yaw"] == pytest.approx(20 / 48, abs=1e-3)
    tilted = head_pose(_face(tilt=25).landmarks)
    assert tilted["roll"] == pytest.approx(25, abs=0.1)
    assert tilted["yaw"] == pytest.approx(0, abs=1e-3)  # tilt is not read as a turn
    assert head_pose(_face().landmarks)["pitch"] == pytest.approx(0.5, abs=1e-3)


def test_turned_and_background_faces_from_landmarks():
    frame = np.full((300, 320, 3), 128, np.uint8)
    frame[::2, ::2] = 200  # texture, so it is not blurred
    assert "turned" in assess(frame, [_face(yaw_px=25)]).problems
    assert "turned" in assess(frame, [_face(tilt=20)]).problems
    passer_by = _face(box=(10, 10, 30, 40))
    assert assess(frame, [_face(), passer_by]).faces == 1
    weak = _face(box=(200, 60, 110, 150), score=0.5)
    assert assess(frame, [_face(), weak]).faces == 1
    assert assess(frame, [_face(), _face(box=(190, 60, 110, 140))]).problems[0] == "many_faces"


def test_every_problem_has_zh_and_en_guidance():
    assert CONTRACT_CODES == set(PRIORITY)
    for code, texts in GUIDANCE.items():
        assert texts["zh"] and texts["en"], code
    assert guidance("too_small", "en") == "Please move closer."
    assert ordered(["blurred", "no_face", "x"]) == ["no_face", "blurred", "x"]
