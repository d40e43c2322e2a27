"""The card simulator's photo encoding (simulator-only; the real WLT format is the reader vendor's).

1024 bytes: "SWLT", width, height, bits per pixel, 0, then grey pixels packed most significant bit first.
36×44 pixels at 5 bits fill 998 bytes. The stand-in WLT library (drivers/standin/wlt_standin.c) decodes it into
the 102×126 BMP a vendor decoder would give, so the kiosk's ctypes path runs unchanged in the demo and tests.
"""

from __future__ import annotations

import numpy as np

MAGIC = b"SWLT"
SIZE = 1024
WIDTH, HEIGHT, BITS = 36, 44, 5
PORTRAIT = (102, 126)  # what a card photo looks like: head and shoulders, 102×126


def encode(portrait: np.ndarray) -> bytes:
    """A card-photo-like picture (any size; it is scaled to 36×44 grey) → the simulator's 1024 photo bytes."""
    import cv2

    grey = portrait if portrait.ndim == 2 else cv2.cvtColor(portrait[:, :, :3], cv2.COLOR_BGR2GRAY)
    small = cv2.resize(grey, (WIDTH, HEIGHT), interpolation=cv2.INTER_AREA)
    levels = (small.astype(np.uint16) * ((1 << BITS) - 1) + 127) // 255
    bits = np.unpackbits(levels.astype(np.uint8).reshape(-1, 1), axis=1)[:, 8 - BITS :]
    packed = np.packbits(bits.reshape(-1)).tobytes()
    data = MAGIC + bytes((WIDTH, HEIGHT, BITS, 0)) + packed
    return data + bytes(SIZE - len(data))


def portrait(image: np.ndarray) -> np.ndarray:
    """An ID-card-like 102×126 portrait of the face in any photo: the head fills the frame, as on a card (the face
    found with OpenCV's bundled Haar cascade; the middle of the photo when none is found)."""
    import cv2

    grey = cv2.cvtColor(image[:, :, :3], cv2.COLOR_BGR2GRAY) if image.ndim == 3 else image
    cascade = cv2.CascadeClassifier(
        cv2.data.haarcascades  # type: ignore[attr-defined]
        + "haarcascade_frontalface_default.xml"
    )
    faces = cascade.detectMultiScale(grey, 1.1, 5, minSize=(max(24, min(grey.shape) // 10),) * 2)
    h, w = grey.shape
    if len(faces):
        x, y, fw, fh = max(faces, key=lambda f: f[2] * f[3])
    else:
        fw = fh = int(min(w, h) * 0.5)
        x, y = (w - fw) // 2, (h - fh) // 3
    width = fw * 1.5
    height = width * PORTRAIT[1] / PORTRAIT[0]
    x0, y0 = int(x + fw / 2 - width / 2), int(y + fh * 0.5 - height * 0.47)
    pad = int(max(width, height))
    padded = cv2.copyMakeBorder(image, pad, pad, pad, pad, cv2.BORDER_CONSTANT, value=(235, 235, 235))
    crop = padded[y0 + pad : y0 + pad + int(height), x0 + pad : x0 + pad + int(width)]
    return cv2.resize(crop, PORTRAIT, interpolation=cv2.INTER_AREA)


def photo_base64(path) -> str:
    """The simulator's card photo bytes for the face in the image file at `path` (base64, as card fixtures hold)."""
    import base64

    import cv2

    image = cv2.imread(str(path), cv2.IMREAD_COLOR)
    if image is None:
        raise ValueError(f"cannot read an image from {path}")
    return base64.b64encode(encode(portrait(image))).decode("ascii")
