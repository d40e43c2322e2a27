"""The office's identity service, as the reference server implements it: compares a live face crop sent by a
kiosk with the reference photo the office holds for that ID number (a real office relays to the police photo
comparison used at its counter). Answers match / no_match / unavailable; keeps no photo it is sent.

Who may ask about whom, how often, and what the answer holds is the HTTP side's (office/identity_api.py); this
side bounds the work: only a JPEG whose frame header is within MAX_WIDTH × MAX_HEIGHT and MAX_JPEG_BYTES is
decoded (office/jpeg.py), and decoding and detection run on one worker thread off the event loop.

The reference server holds a photo for each seeded booking party (the public-domain test portraits, party 1 and
party 2 as the kiosk demo's applicants). Faces are compared by the kiosk's own face matching (kiosk.facematch:
YuNet to find and align the face, SFace for the embedding, cosine similarity against the same threshold).
"""

from __future__ import annotations

import threading
from functools import lru_cache
from pathlib import Path

import numpy as np

import heyuan_assets
from kiosk.facematch.detector import FaceModelError, YuNetDetector
from kiosk.facematch.models import DETECTOR, MODEL_DIR, RECOGNISER
from kiosk.facematch.verify import DEFAULT_THRESHOLD, SFaceEmbedder, compare
from office import jpeg

# The demo photos (the heyuan_assets package). Seeded booking party (1, 2) → the reference photo the office holds.
FACES = heyuan_assets.path("samples", "faces")
SEEDED_REFERENCES = {1: "grace_hopper.jpg", 2: "astronaut.png"}
MIN_SIDE = 128  # YuNet misses the face in a smaller crop: such images are enlarged first
MAX_JPEG_BYTES = 300_000
MAX_WIDTH = MAX_HEIGHT = 1280  # a face crop with its margin; a camera frame at most (≤ 5 MB decoded)


class IdentityService:
    def __init__(
        self,
        references: dict[int, str] | None = None,
        photo_dir: Path = FACES,
        model_dir: Path = MODEL_DIR,
        threshold: float = DEFAULT_THRESHOLD,
    ):
        self.photo_dir, self.model_dir, self.threshold = Path(photo_dir), Path(model_dir), threshold
        self.references = SEEDED_REFERENCES if references is None else references
        self._lock = threading.Lock()  # the OpenCV nets are not thread-safe
        self._nets: tuple[YuNetDetector, SFaceEmbedder] | None = None
        self._reference = lru_cache(maxsize=256)(self._reference_embedding)

    def warm_up(self) -> None:
        """Load the models and the references (a few hundred ms): call from a thread at start, not per request."""
        try:
            with self._lock:
                self._load()
                for name in self.references.values():
                    self._reference(name)
        except Exception:  # a missing model makes verify answer `unavailable`, it must not stop the server
            pass

    def reference_of(self, seq: int | None) -> str | None:
        """The photo the office holds for the party in this place of a booking (seq counts from 0), if any."""
        return self.references.get(seq + 1) if seq is not None else None

    def verify(self, reference: str | None, data: bytes) -> dict:
        """Compare the live face with the reference photo. The live photo is decoded and searched for a face
        even when there is no reference, so an answer takes as long whether or not the office holds one."""
        import cv2

        try:
            jpeg.check(data, MAX_JPEG_BYTES, MAX_WIDTH, MAX_HEIGHT)
        except jpeg.NotAcceptedImage:
            return {"result": "unavailable", "score": None, "reason": "not_accepted_image"}
        live_image = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)
        if live_image is None:
            return {"result": "unavailable", "score": None, "reason": "not_an_image"}
        try:
            with self._lock:
                live = self._embedding(live_image)
                live_image.fill(0)
                stored = self._reference(reference) if reference else None
        except FaceModelError:
            return {"result": "unavailable", "score": None, "reason": "models_unavailable"}
        if reference is None:
            return {"result": "unavailable", "score": None, "reason": "no_reference"}
        if live is None or stored is None:
            return {"result": "unavailable", "score": None, "reason": "no_face"}
        match = compare(live, stored, self.threshold)
        live.fill(0)
        return {"result": "match" if match.same_person else "no_match", "score": match.score}

    def _reference_embedding(self, name: str):
        import cv2

        image = cv2.imread(str(self.photo_dir / name), cv2.IMREAD_COLOR)
        return None if image is None else self._embedding(image)

    def _embedding(self, image: np.ndarray):
        import cv2

        detector, embedder = self._load()
        if min(image.shape[:2]) < MIN_SIDE:
            scale = MIN_SIDE / min(image.shape[:2])
            image = cv2.resize(image, None, fx=scale, fy=scale, interpolation=cv2.INTER_CUBIC)
        faces = detector.detect(image)
        if not faces:
            return None
        face = max(faces, key=lambda f: f.box[2] * f.box[3])  # the largest face: the applicant, not a passer-by
        return embedder.embed(image, face)

    def _load(self) -> tuple[YuNetDetector, SFaceEmbedder]:
        if self._nets is None:
            detector = YuNetDetector(self.model_dir / DETECTOR).load()
            self._nets = (detector, SFaceEmbedder(self.model_dir / RECOGNISER).load())
        return self._nets
