import shutil

import numpy as np
import pytest

import face_variants as v
from kiosk.facematch.models import DETECTOR, EXPECTED, MODEL_DIR, RECOGNISER, check_models
from kiosk.services.face.pipeline import CAPTURE_ONLY, FULL, NO_MATCH, FaceEngine, PartyCapture


def test_shipped_models_check_out():
    check = check_models()
    assert check.ok, check.message()


def test_sha256sums_file_and_licences_agree_with_the_code():
    lines = dict(reversed(line.split()) for line in (MODEL_DIR / "SHA256SUMS").read_text().splitlines())
    assert lines == {name: digest for name, (_, digest) in EXPECTED.items()}
    for licence in ("LICENSE.yunet.txt", "LICENSE.sface.txt"):
        assert (MODEL_DIR / licence).stat().st_size > 500


def test_missing_models_mean_capture_only(tmp_path):
    engine = FaceEngine.load(check_models(tmp_path))
    assert engine.mode == CAPTURE_ONLY
    assert "missing" in engine.problem
    capture = PartyCapture(engine, id_photo=v.grace())
    progress = capture.feed(v.grace(), 0.0)
    assert progress.code == "models_unavailable" and not progress.done
    result = capture.capture_now(v.grace())
    assert result.photo is not None and result.match == "not_available" and result.mode == CAPTURE_ONLY


@pytest.mark.parametrize("damage", ["truncate", "flip"])
def test_corrupt_recogniser_means_no_match(tmp_path, damage):
    shutil.copy(MODEL_DIR / DETECTOR, tmp_path / DETECTOR)
    data = bytearray((MODEL_DIR / RECOGNISER).read_bytes())
    if damage == "truncate":
        data = data[: len(data) // 2]
    else:
        data[len(data) // 2] ^= 0xFF
    (tmp_path / RECOGNISER).write_bytes(bytes(data))
    check = check_models(tmp_path)
    assert check.detector_ok and not check.recogniser_ok
    engine = FaceEngine.load(check)
    assert engine.mode == NO_MATCH
    assert engine.analyse(v.grace()).ok  # guidance and auto-capture still work
    assert engine.verify(v.grace(), v.grace()) is None


def test_corrupt_detector_that_passes_no_check_fails_cleanly(tmp_path):
    # A file that is not ONNX at all, loaded without the checks: a clear error, not a crash.
    from kiosk.facematch.detector import FaceModelError, YuNetDetector

    bad = tmp_path / "bad.onnx"
    bad.write_bytes(np.random.default_rng(1).integers(0, 255, 4096, dtype=np.uint8).tobytes())
    with pytest.raises(FaceModelError):
        YuNetDetector(bad).load()


def test_full_mode_with_shipped_models(engine):
    assert engine.mode == FULL and engine.problem == ""
