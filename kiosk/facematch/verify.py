"""Face-vs-ID verification: SFace embeddings compared by cosine similarity.

The threshold (config face.match_threshold, default 0.363) is OpenCV's operating point for SFace on LFW:
a cosine similarity at or above it is taken as "same person". It is a trade-off, not a probability; raising
it refuses more impostors and more genuine applicants. Measured here on the fixture photos: the same person
≈ 0.64–0.97 (0.64 for a grey 128 px ID-card-like copy), different people ≈ 0.18. A refused match never
rejects an applicant on its own: the registrar checks the face against the ID by eye.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from pathlib import Path

import numpy as np

from kiosk.facematch.detector import Face, FaceModelError

DEFAULT_THRESHOLD = 0.363


@dataclass(frozen=True)
class Match:
    score: float
    threshold: float

    @property
    def same_person(self) -> bool:
        return self.score >= self.threshold


def cosine(a: np.ndarray, b: np.ndarray) -> float:
    a, b = a.reshape(-1).astype(np.float64), b.reshape(-1).astype(np.float64)
    denom = float(np.linalg.norm(a) * np.linalg.norm(b))
    return float(a @ b) / denom if denom else 0.0


class SFaceEmbedder:
    """128-value embedding of an aligned 112×112 face. Not thread-safe: one per worker thread."""

    def __init__(self, model: Path | str):
        self.model = str(model)
        self._net: Any = None  # the cv2 model, loaded on first use

    def load(self) -> "SFaceEmbedder":
        import cv2

        try:
            self._net = cv2.FaceRecognizerSF.create(self.model, "")
        except (cv2.error, AttributeError) as e:
            raise FaceModelError(f"face recogniser {Path(self.model).name} failed to load: {e}") from None
        return self

    def embed(self, frame: np.ndarray, face: Face) -> np.ndarray:
        import cv2

        if self._net is None:
            self.load()
        try:
            aligned = self._net.alignCrop(frame, face.as_yunet_row())
            return self._net.feature(aligned).reshape(-1).copy()
        except cv2.error as e:
            raise FaceModelError(f"face embedding failed: {e}") from None


def compare(a: np.ndarray, b: np.ndarray, threshold: float = DEFAULT_THRESHOLD) -> Match:
    return Match(round(cosine(a, b), 4), threshold)
