import json

import cv2

from kiosk.cli.diag import main


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, (json.loads(out) if out.strip().startswith("{") else out), err


def test_snapshot_from_the_simulator(capsys, tmp_path):
    out_file = tmp_path / "snap.png"
    code, out, _ = run(capsys, "camera", "snapshot", "--device", "sim://camera", "--out", str(out_file), "--json")
    assert code == 0 and out["ok"] is True and (out["width"], out["height"]) == (640, 480)
    assert cv2.imread(str(out_file)).shape == (480, 640, 3)


def test_fps_of_the_simulator(capsys):
    code, out, _ = run(capsys, "camera", "fps", "--device", "sim://camera", "--seconds", "0.6", "--json")
    assert code == 0 and 10 <= out["fps"] <= 20 and out["status"] == "ok"


def test_black_camera_fails_with_its_code(capsys):
    code, out, _ = run(capsys, "camera", "fps", "--device", "sim://camera/black", "--seconds", "0.3", "--json")
    assert code == 1 and out["status"] == "black_frames"


def test_no_camera(capsys):
    code, out, _ = run(capsys, "camera", "fps", "--device", "sim://camera/absent", "--timeout", "0.3", "--json")
    assert code == 1 and out == {
        "ok": False,
        "device": "sim://camera/absent",
        "error": "no_camera",
        "detail": "camera: simulated camera is absent",
    }


def test_bad_usage(capsys, tmp_path):
    code, _, err = run(capsys, "camera", "snapshot", "--device", "sim://camera", "--out", str(tmp_path / "x.txt"))
    assert code == 2 and ".png" in err
    code, _, err = run(capsys, "camera", "fps", "--device", "foo://bar")
    assert code == 2 and "no adapter" in err
    code, _, err = run(capsys, "camera", "fps", "--device", "sim://camera/nonsense")
    assert code == 2 and "unknown sim camera mode" in err
