"""Quality of one frame for an ID-style photo: each failed check is a stable problem code (see messages.py).

Checks on the detected faces: exactly one face above `min_score` (smaller faces further back are ignored), its
size, centring, head pose from the five landmarks, brightness and clipping of the face, and sharpness
(variance of the Laplacian on the face scaled to a fixed height, so it does not depend on distance).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from kiosk.facematch.detector import Face
from kiosk.services.face.messages import ordered


@dataclass(frozen=True)
class QualityLimits:
    min_score: float = 0.75  # YuNet confidence for a face to count
    background_face: float = 0.4  # faces under this fraction of the main face's height are passers-by
    min_height: float = 0.2  # face box height / frame height
    min_pixels: int = 80  # face box height in pixels: SFace aligns to 112 px
    max_dx: float = 0.22  # horizontal offset of the face centre, fraction of the width
    min_dy: float = -0.32  # vertical offset: faces sit a little above the middle …
    max_dy: float = 0.22  # … but not low in the picture
    max_yaw: float = 0.28  # nose offset from the eyes' midpoint, in eye distances
    pitch_range: tuple[float, float] = (0.25, 0.8)  # nose height between the eyes (0) and the mouth (1)
    max_roll_deg: float = 12.0  # YuNet under-reads roll (≈ 0.5×)
    min_sharpness: float = 60.0  # Laplacian variance of the face at 112 px height
    min_brightness: float = 60.0  # mean grey level of the face, 0–255
    max_brightness: float = 205.0
    max_clipped: float = 0.2  # fraction of face pixels at 250 or more
    frame_dark: float = 35.0  # with no face: a frame this dark is reported too_dark as well
    frame_bright: float = 210.0


@dataclass(frozen=True)
class QualityReport:
    faces: int  # faces that count (see QualityLimits.min_score)
    problems: list[str]  # codes in the order to fix them; empty → good
    scores: dict[str, float] = field(default_factory=dict)
    face: Face | None = None  # the main face, when there is one

    @property
    def ok(self) -> bool:
        return not self.problems


def head_pose(landmarks: np.ndarray) -> dict[str, float]:
    """yaw: + when the nose is to the image-right of the eyes' midpoint; pitch: nose height between eye line
    (0) and mouth line (1), ≈ 0.5 facing the camera; roll: angle of the eye line in degrees."""
    eye_r, eye_l, nose, mouth_r, mouth_l = (landmarks[i].astype(np.float64) for i in range(5))
    eyes_mid, mouth_mid = (eye_r + eye_l) / 2, (mouth_r + mouth_l) / 2
    axis = eye_l - eye_r
    eye_dist = float(np.hypot(*axis)) or 1e-6
    along, across = axis / eye_dist, np.array([-axis[1], axis[0]]) / eye_dist
    # Measured along and across the eye line, so a tilted head does not read as a turned one.
    nose_off, mouth_off = nose - eyes_mid, mouth_mid - eyes_mid
    span = float(mouth_off @ across) or 1e-6
    return {
        "yaw": float(nose_off @ along) / eye_dist,
        "pitch": float(nose_off @ across) / span,
        "roll": math.degrees(math.atan2(float(axis[1]), float(axis[0]))),
    }


def face_crop(frame: np.ndarray, face: Face, inner: float = 0.7) -> np.ndarray:
    """The central `inner` part of the face box (skin, eyes, mouth; little hair or background), clipped."""
    x, y, w, h = face.box
    cx, cy = x + w / 2, y + h / 2
    x0, x1 = int(max(cx - w * inner / 2, 0)), int(min(cx + w * inner / 2, frame.shape[1]))
    y0, y1 = int(max(cy - h * inner / 2, 0)), int(min(cy + h * inner / 2, frame.shape[0]))
    return frame[y0 : max(y1, y0 + 1), x0 : max(x1, x0 + 1)]


def image_scores(frame: np.ndarray, face: Face) -> dict[str, float]:
    import cv2

    grey = cv2.cvtColor(face_crop(frame, face), cv2.COLOR_BGR2GRAY)
    h, w = grey.shape
    norm = cv2.resize(grey, (max(1, round(w * 112 / h)), 112), interpolation=cv2.INTER_AREA).astype(np.float32)
    # Contrast-normalised first, so a dim face is not also called blurred.
    norm = (norm - norm.mean()) * (40.0 / max(float(norm.std()), 4.0))
    return {
        "sharpness": float(cv2.Laplacian(norm, cv2.CV_32F).var()),
        "brightness": float(grey.mean()),
        "clipped": float((grey >= 250).mean()),
    }


def assess(frame: np.ndarray, detected: list[Face], limits: QualityLimits = QualityLimits()) -> QualityReport:
    """Judge one BGR frame given its detected faces (best first)."""
    candidates = [f for f in detected if f.score >= limits.min_score]
    if not candidates:
        problems = ["no_face"]
        level = float(frame[::4, ::4].mean())
        if level < limits.frame_dark:
            problems.append("too_dark")
        elif level > limits.frame_bright:
            problems.append("too_bright")
        return QualityReport(0, problems, {"frame_brightness": level})
    main = max(candidates, key=lambda f: f.box[3])
    counted = [f for f in candidates if f.box[3] >= limits.background_face * main.box[3]]
    fh, fw = frame.shape[:2]
    cx, cy = main.centre
    scores = {
        "score": main.score,
        "height": main.box[3] / fh,
        "dx": cx / fw - 0.5,
        "dy": cy / fh - 0.5,
        **head_pose(main.landmarks),
        **image_scores(frame, main),
    }
    problems = []
    if len(counted) > 1:
        problems.append("many_faces")
    if scores["height"] < limits.min_height or main.box[3] < limits.min_pixels:
        problems.append("too_small")
    if abs(scores["dx"]) > limits.max_dx or not limits.min_dy <= scores["dy"] <= limits.max_dy:
        problems.append("off_centre")
    lo, hi = limits.pitch_range
    if (
        abs(scores["yaw"]) > limits.max_yaw
        or not lo <= scores["pitch"] <= hi
        or abs(scores["roll"]) > limits.max_roll_deg
    ):
        problems.append("turned")
    if scores["brightness"] < limits.min_brightness:
        problems.append("too_dark")
    elif scores["brightness"] > limits.max_brightness or scores["clipped"] > limits.max_clipped:
        problems.append("too_bright")
    if scores["sharpness"] < limits.min_sharpness:
        problems.append("blurred")
    return QualityReport(len(counted), ordered(problems), {k: round(v, 4) for k, v in scores.items()}, main)
