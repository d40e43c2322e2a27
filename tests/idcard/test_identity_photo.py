"""The card photo path: the simulator's photo encoding, decoded by the stand-in WLT library (built from C in the
repository if missing) through the kiosk's ctypes adapter, then compared with a live face."""

import base64
import ctypes

import cv2
import numpy as np
import pytest

from drivers.idcard.photo import BMP_SIZE, WltLibraryDecoder, photo_decoder
from drivers.idcard.sim_core import card_from_fixture
from drivers.idcard.sim_photo import encode, photo_base64, portrait
from drivers.standin import build
from kiosk.errors import DeviceError

from tests.face.face_variants import FACES


@pytest.fixture(scope="module")
def wlt():
    return str(build("wlt"))


def test_stand_in_has_the_vendor_signature_and_decodes_to_a_102x126_bmp(wlt):
    lib = ctypes.CDLL(wlt)
    lib.unpack.argtypes, lib.unpack.restype = [ctypes.c_char_p, ctypes.c_char_p, ctypes.c_int], ctypes.c_int
    grey = np.tile(np.linspace(0, 255, 102, dtype=np.uint8), (126, 1))
    src, dst = ctypes.create_string_buffer(encode(grey), 1024), ctypes.create_string_buffer(BMP_SIZE)
    assert lib.unpack(src, dst, 1) == 1
    image = cv2.imdecode(np.frombuffer(dst.raw, np.uint8), cv2.IMREAD_COLOR)
    assert image.shape == (126, 102, 3)
    assert image[60, 5, 0] < 40 and image[60, 96, 0] > 215  # the gradient survives the 36×44 5-bit encoding


def test_anything_but_the_simulator_format_is_refused_not_crashed(wlt):
    decoder = WltLibraryDecoder(wlt)
    for junk in (b"", bytes(1024), b"SWLT" + bytes([255, 255, 8, 0]) + bytes(1016), b"\xff" * 2000):
        with pytest.raises(DeviceError):
            decoder.decode(junk)


def test_missing_library_is_unavailable_with_a_reason(tmp_path):
    assert not photo_decoder("").available
    decoder = photo_decoder(str(tmp_path / "nope.so"))
    assert not decoder.available and "not found" in decoder.reason


def test_a_card_fixture_with_a_photo_reads_back_through_the_decoder(wlt):
    fields = {
        "name": "李珺",
        "sex": "female",
        "birth": "1996-08-20",
        "id_number": "441622199608200022",
        "photo_base64": photo_base64(FACES / "grace_hopper.jpg"),
    }
    card = card_from_fixture(fields)
    assert len(card.record.photo) == 1024
    bmp = WltLibraryDecoder(wlt).decode(card.record.photo)
    assert len(bmp) == BMP_SIZE and bmp[:2] == b"BM"


def test_portrait_frames_the_face_as_on_a_card():
    image = cv2.imread(str(FACES / "astronaut.png"))
    assert portrait(image).shape == (126, 102, 3)
    assert len(base64.b64decode(photo_base64(FACES / "astronaut.png"))) == 1024
