"""Real fixture photos and the variants the quality checks must recognise, derived in memory."""

from __future__ import annotations

import cv2
import numpy as np

import heyuan_assets as assets

FACES = assets.path("samples", "faces")


def load(name: str) -> np.ndarray:
    image = cv2.imread(str(FACES / name), cv2.IMREAD_COLOR)
    assert image is not None, name
    return image


def astronaut() -> np.ndarray:
    return load("astronaut.png")


def grace() -> np.ndarray:
    return load("grace_hopper.jpg")


def portrait(image: np.ndarray, box) -> np.ndarray:
    x0, y0, x1, y1 = box
    return image[y0:y1, x0:x1].copy()


def blurred(image: np.ndarray, sigma: float = 6.0) -> np.ndarray:
    return cv2.GaussianBlur(image, (0, 0), sigma)


def dark(image: np.ndarray, gain: float = 0.22) -> np.ndarray:
    return cv2.convertScaleAbs(image, alpha=gain, beta=0)


def bright(image: np.ndarray) -> np.ndarray:
    return cv2.convertScaleAbs(image, alpha=1.3, beta=80)


def off_centre(image: np.ndarray) -> np.ndarray:
    """The same picture on a canvas twice as wide, pushed to the left edge."""
    h, w = image.shape[:2]
    canvas = np.full((h, w * 2, 3), 170, np.uint8)
    canvas[:, :w] = image
    return canvas


def group(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Two people side by side, both at the same height."""
    h = min(a.shape[0], b.shape[0])
    fit = [cv2.resize(x, (round(x.shape[1] * h / x.shape[0]), h)) for x in (a, b)]
    return np.hstack(fit)


def small(image: np.ndarray, factor: int = 3) -> np.ndarray:
    """The picture shrunk into the middle of a canvas of its own size: a person standing far away."""
    h, w = image.shape[:2]
    canvas = np.full_like(image, 170)
    s = cv2.resize(image, (w // factor, h // factor), interpolation=cv2.INTER_AREA)
    y, x = (h - s.shape[0]) // 3, (w - s.shape[1]) // 2
    canvas[y : y + s.shape[0], x : x + s.shape[1]] = s
    return canvas


def turned(image: np.ndarray, strength: float = 0.45) -> np.ndarray:
    """A horizontal perspective warp: the right side of the picture recedes, as when the head turns."""
    h, w = image.shape[:2]
    src = np.float32([[0, 0], [w, 0], [w, h], [0, h]])
    d = strength * h / 2
    dst = np.float32([[0, 0], [w * (1 - strength / 2), d], [w * (1 - strength / 2), h - d], [0, h]])
    return cv2.warpPerspective(image, cv2.getPerspectiveTransform(src, dst), (w, h), borderValue=(170, 170, 170))


def rolled(image: np.ndarray, degrees: float = 30) -> np.ndarray:
    h, w = image.shape[:2]
    m = cv2.getRotationMatrix2D((w / 2, h / 2), degrees, 1.0)
    return cv2.warpAffine(image, m, (w, h), borderValue=(170, 170, 170))


def id_card_copy(image: np.ndarray, box) -> np.ndarray:
    """What a decoded ID-card photo looks like: a small grey head-and-shoulders picture (~102×126)."""
    crop = portrait(image, box)
    grey = cv2.cvtColor(
        cv2.resize(crop, (128, round(128 * crop.shape[0] / crop.shape[1])), interpolation=cv2.INTER_AREA),
        cv2.COLOR_BGR2GRAY,
    )
    return cv2.cvtColor(grey, cv2.COLOR_GRAY2BGR)


def head_turned(image: np.ndarray, face, amount: float = 0.3) -> np.ndarray:
    """A head turned sideways, faked by sliding the nose and mouth towards one cheek while the eyes and the
    outline stay (the landmarks then look as in a real turn). `amount` is the slide in face widths; the
    displacement field is smooth enough (gradient < 1) not to tear the picture."""
    h, w = image.shape[:2]
    fw, fh = face.box[2], face.box[3]
    nose_x, nose_y = face.landmarks[2]
    mouth_y = float(face.landmarks[3:, 1].mean())
    ys, xs = np.mgrid[0:h, 0:w].astype(np.float32)
    cy = (nose_y + mouth_y) / 2
    field = np.exp(-(((xs - nose_x) / (fw * 0.45)) ** 2) - ((ys - cy) / (fh * 0.28)) ** 2)
    shift = (amount * fw * field).astype(np.float32)
    return cv2.remap(image, xs - shift, ys, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
