import cv2
import numpy as np
import pytest

from drivers import registry
from drivers.camera.file_source import ImageSequenceSource, decode_image
from drivers.camera.frames import FrameFormatError
from drivers.camera.opencv_source import OpenCVSource
from drivers.camera.simulator import SimulatedCamera
import heyuan_assets as assets
from kiosk.errors import DeviceError, DeviceNotFound, DeviceTimeout

FACES = assets.path("samples", "faces")


@pytest.mark.parametrize(
    "url,kind",
    [
        ("0", OpenCVSource),
        ("/dev/video0", OpenCVSource),
        ("rtsp://127.0.0.1:8554/cam", OpenCVSource),
        ("sim://camera", SimulatedCamera),
        ("sim://camera/black", SimulatedCamera),
        (str(FACES / "astronaut.png"), ImageSequenceSource),
        (str(FACES), ImageSequenceSource),
        ("clip.avi", OpenCVSource),
    ],
)
def test_registry_picks_the_adapter(url, kind):
    source = registry.create("camera", url)
    assert isinstance(source, kind)


def test_index_and_options():
    source = registry.create("camera", "2", width=1280, height=720, fps=30)
    assert source.target == 2 and (source.width, source.height, source.fps) == (1280, 720, 30)
    assert registry.create("camera", "sim://camera/frozen", fps=5).mode == "frozen"


def test_no_camera_is_device_not_found(tmp_path):
    with pytest.raises(DeviceNotFound):
        OpenCVSource(str(tmp_path / "missing.avi")).open()
    with pytest.raises(DeviceNotFound):
        registry.create("camera", "sim://camera/absent").open()
    with pytest.raises(DeviceError):
        OpenCVSource(0).read()  # read before open


def test_video_file_plays_and_ends(tmp_path):
    path = str(tmp_path / "clip.avi")
    writer = cv2.VideoWriter(path, cv2.VideoWriter_fourcc(*"MJPG"), 10, (160, 120))
    for i in range(5):
        writer.write(np.full((120, 160, 3), i * 40, np.uint8))
    writer.release()
    source = registry.create("camera", path, loop=False)
    source.open()
    frames = [source.read() for _ in range(5)]
    assert frames[0].shape == (120, 160, 3)
    with pytest.raises(DeviceTimeout):
        source.read()
    source.close()
    looping = registry.create("camera", path, loop=True)
    looping.open()
    assert len([looping.read() for _ in range(12)]) == 12
    looping.close()


def test_image_folder_loops_in_order(tmp_path):
    for i in range(3):
        cv2.imwrite(str(tmp_path / f"img_{i:02d}.png"), np.full((80, 100), i * 50, np.uint8))
    (tmp_path / "notes.txt").write_text("ignored")
    source = registry.create("camera", str(tmp_path), fps=1000)
    source.open()
    levels = [int(source.read()[0, 0, 0]) for _ in range(4)]
    assert levels == [0, 50, 100, 0]


def test_corrupt_and_missing_image_files(tmp_path):
    bad = tmp_path / "bad.png"
    bad.write_bytes(b"\x89PNG\r\n\x1a\n broken")
    with pytest.raises(FrameFormatError):
        decode_image(bad)
    with pytest.raises(DeviceNotFound):
        decode_image(tmp_path / "none.png")
    tiny = tmp_path / "tiny.png"
    cv2.imwrite(str(tiny), np.zeros((20, 20, 3), np.uint8))
    with pytest.raises(FrameFormatError):
        ImageSequenceSource([tiny]).open()


def test_sim_camera_modes():
    cam = SimulatedCamera(realtime=False, fps=10)
    cam.open()
    frames = [cam.read() for _ in range(60)]
    assert frames[0].shape == (480, 640, 3)
    assert not np.array_equal(frames[50], frames[51])  # sensor noise: never frozen
    black = SimulatedCamera(mode="black", realtime=False)
    black.open()
    assert not black.read().any()
    unplug = SimulatedCamera(mode="unplug", unplug_after=3, realtime=False)
    unplug.open()
    [unplug.read() for _ in range(3)]
    with pytest.raises(DeviceNotFound):
        unplug.read()
    with pytest.raises(ValueError):
        SimulatedCamera(mode="nonsense")
