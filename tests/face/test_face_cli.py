import json

import cv2
import pytest

import face_variants as v
from conftest import GRACE_BOX
from kiosk.cli.diag import main


@pytest.fixture()
def images(tmp_path):
    paths = {}
    for name, image in {
        "grace": v.grace(),
        "astronaut": v.astronaut(),
        "group": v.group(v.astronaut(), v.grace()),
        "dark": v.dark(v.grace()),
        "id": v.id_card_copy(v.grace(), GRACE_BOX),
        "empty": v.grace()[:100, :100] * 0 + 128,
    }.items():
        paths[name] = tmp_path / f"{name}.png"
        cv2.imwrite(str(paths[name]), image)
    paths["corrupt"] = tmp_path / "corrupt.jpg"
    paths["corrupt"].write_bytes(b"\xff\xd8\xff\xe0 this is not really a jpeg")
    paths["empty_file"] = tmp_path / "zero.png"
    paths["empty_file"].write_bytes(b"")
    return {k: str(p) for k, p in paths.items()}


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, (json.loads(out) if out.strip().startswith("{") else out), err


def test_check_good_photo(capsys, images):
    code, out, _ = run(capsys, "face", "check", images["grace"], "--json")
    assert code == 0
    assert out["ok"] is True and out["faces"] == 1 and out["problems"] == []


@pytest.mark.parametrize("name,problem", [("group", "many_faces"), ("dark", "too_dark"), ("empty", "no_face")])
def test_check_problems_exit_1(capsys, images, name, problem):
    code, out, _ = run(capsys, "face", "check", images[name], "--json")
    assert code == 1 and out["ok"] is False and out["problems"][0] == problem
    assert out["messages"][0]


@pytest.mark.parametrize("name", ["corrupt", "empty_file"])
def test_unreadable_image_is_bad_input(capsys, images, name):
    code, out, err = run(capsys, "face", "check", images[name], "--json")
    assert code == 2 and out == "" and "not an image" in err


def test_missing_file_is_bad_input(capsys, tmp_path):
    code, _, err = run(capsys, "face", "verify", str(tmp_path / "nope.jpg"), str(tmp_path / "nope.jpg"), "--json")
    assert code == 2 and "No such file" in err


def test_verify_same_and_different(capsys, images):
    code, out, _ = run(capsys, "face", "verify", images["grace"], images["id"], "--json")
    assert code == 0 and out["same_person"] is True and out["threshold"] == 0.363 and out["score"] > 0.363
    assert set(out) >= {"same_person", "score", "threshold"}
    code, out, _ = run(capsys, "face", "verify", images["astronaut"], images["id"], "--json", "--threshold", "0.5")
    assert code == 0 and out["same_person"] is False and out["threshold"] == 0.5


def test_verify_without_a_face_fails(capsys, images):
    code, out, _ = run(capsys, "face", "verify", images["empty"], images["grace"], "--json")
    assert code == 1 and out["same_person"] is False and out["score"] is None


def test_models_check(capsys):
    code, out, _ = run(capsys, "face", "models", "--json")
    assert code == 0 and out["ok"] is True


def test_missing_models_fail_with_a_clear_reason(capsys, images, tmp_path):
    code, out, _ = run(capsys, "face", "check", images["grace"], "--json", "--models", str(tmp_path))
    assert code == 1 and out["error"] == "models_unavailable" and "missing" in out["detail"]
    code, out, _ = run(capsys, "face", "models", "--json", "--models", str(tmp_path))
    assert code == 1 and out["ok"] is False and len(out["problems"]) == 2
