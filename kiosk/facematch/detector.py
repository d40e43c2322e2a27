"""YuNet face detection on a downscaled copy of the frame; results in the frame's own coordinates."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from pathlib import Path

import numpy as np

from kiosk.errors import KioskError


class FaceModelError(KioskError):
    """A face model could not be loaded (missing, corrupt, or an OpenCV without FaceDetectorYN/FaceRecognizerSF)."""


@dataclass(frozen=True)
class Face:
    box: tuple[float, float, float, float]  # x, y, width, height in frame pixels
    landmarks: np.ndarray  # 5×2: right eye, left eye (as seen: image-left first), nose, mouth corners
    score: float

    @property
    def centre(self) -> tuple[float, float]:
        x, y, w, h = self.box
        return x + w / 2, y + h / 2

    def as_yunet_row(self) -> np.ndarray:
        """The 15-value row FaceRecognizerSF.alignCrop expects."""
        return np.array([*self.box, *self.landmarks.reshape(-1), self.score], dtype=np.float32)


class YuNetDetector:
    """Detects on a copy whose longer side is at most `max_side` px: enough for a face filling a kiosk frame,
    and it keeps detection around 5–8 ms on a 2-core CPU. Not thread-safe: one per worker thread."""

    def __init__(
        self, model: Path | str, *, max_side: int = 320, score_threshold: float = 0.6, nms_threshold: float = 0.3
    ):
        self.model, self.max_side = str(model), max_side
        self.score_threshold, self.nms_threshold = score_threshold, nms_threshold
        self._net: Any = None  # the cv2 model, loaded on first use
        self._size: tuple[int, int] | None = None

    def load(self) -> "YuNetDetector":
        import cv2

        try:
            self._net = cv2.FaceDetectorYN.create(
                self.model, "", (self.max_side, self.max_side), self.score_threshold, self.nms_threshold, 5000
            )
        except (cv2.error, AttributeError) as e:
            raise FaceModelError(f"face detector {Path(self.model).name} failed to load: {e}") from None
        return self

    def detect(self, frame: np.ndarray) -> list[Face]:
        """Faces in a BGR uint8 frame, best score first."""
        import cv2

        if self._net is None:
            self.load()
        h, w = frame.shape[:2]
        scale = min(1.0, self.max_side / max(h, w))
        small = (
            frame
            if scale == 1.0
            else cv2.resize(frame, (max(1, round(w * scale)), max(1, round(h * scale))), interpolation=cv2.INTER_AREA)
        )
        size = (small.shape[1], small.shape[0])
        if size != self._size:
            self._net.setInputSize(size)
            self._size = size
        try:
            _, rows = self._net.detect(small)
        except cv2.error as e:
            raise FaceModelError(f"face detection failed: {e}") from None
        if rows is None:
            return []
        faces = []
        for row in rows:
            box = tuple(float(v) / scale for v in row[:4])
            faces.append(Face(box, (row[4:14].reshape(5, 2) / scale).astype(np.float32), float(row[14])))
        return sorted(faces, key=lambda f: -f.score)
