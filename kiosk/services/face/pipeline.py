"""The face pipeline for one party: guide → auto-capture → (liveness) → match against the ID photo.

`FaceEngine` owns the models (loaded once, used from one worker thread). `PartyCapture` is fed camera frames
and returns what to tell the applicant; when done, `result` holds the photo (in memory only), its quality
scores, the match score or "not available", and the liveness outcome. Call `result.wipe()` at session end.
Nothing here logs or writes images.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import cast

import numpy as np

from drivers.camera.frames import as_bgr
from kiosk.facematch.detector import Face, FaceModelError, YuNetDetector
from kiosk.facematch.models import DETECTOR, RECOGNISER, ModelCheck, check_models
from kiosk.facematch.verify import DEFAULT_THRESHOLD, Match, SFaceEmbedder, compare
from kiosk.services.face.liveness import FAILED, PASSED, LivenessChallenge, Observation, eye_openness
from kiosk.services.face.quality import QualityLimits, QualityReport, assess

log = logging.getLogger(__name__)
FULL, NO_MATCH, CAPTURE_ONLY = "full", "no_match", "capture_only"


class FaceEngine:
    def __init__(
        self,
        detector: YuNetDetector | None,
        embedder: SFaceEmbedder | None,
        limits: QualityLimits = QualityLimits(),
        problem: str = "",
    ):
        self.detector, self.embedder, self.limits, self.problem = detector, embedder, limits, problem

    @classmethod
    def load(cls, models: ModelCheck | None = None, limits: QualityLimits = QualityLimits()) -> "FaceEngine":
        """Check and load the models; whatever is missing or corrupt degrades the mode instead of failing."""
        models = models or check_models()
        problems = [models.message()] if not models.ok else []
        detector = embedder = None
        try:
            if models.detector_ok:
                detector = YuNetDetector(models.path(DETECTOR)).load()
            if detector is not None and models.recogniser_ok:
                embedder = SFaceEmbedder(models.path(RECOGNISER)).load()
        except FaceModelError as e:
            problems.append(str(e))
        engine = cls(detector, embedder, limits, "; ".join(problems))
        if engine.mode != FULL:
            log.warning("face pipeline in %s mode: %s", engine.mode, engine.problem)
        return engine

    @property
    def mode(self) -> str:
        return CAPTURE_ONLY if self.detector is None else NO_MATCH if self.embedder is None else FULL

    def analyse(self, frame: np.ndarray) -> QualityReport:
        """Quality of one frame (any of BGR, BGRA, grey; FrameFormatError if unusable)."""
        frame = as_bgr(frame)
        if self.detector is None:
            raise FaceModelError(self.problem or "face detector unavailable")
        return assess(frame, self.detector.detect(frame), self.limits)

    def embedding(self, frame: np.ndarray, face: Face | None = None) -> np.ndarray | None:
        """Embedding of `face` (or the largest face found) in the frame; None if no face or no recogniser."""
        if self.embedder is None or self.detector is None:
            return None
        frame = as_bgr(frame) if min(frame.shape[:2]) >= 64 else as_bgr(_upscale(frame))
        if face is None:
            faces = [f for f in self.detector.detect(frame) if f.score >= self.limits.min_score]
            if not faces:
                return None
            face = max(faces, key=lambda f: f.box[3])
        return self.embedder.embed(frame, face)

    def verify(self, a: np.ndarray, b: np.ndarray, threshold: float = DEFAULT_THRESHOLD) -> Match | None:
        ea, eb = self.embedding(a), self.embedding(b)
        try:
            return None if ea is None or eb is None else compare(ea, eb, threshold)
        finally:
            for e in (ea, eb):
                if e is not None:
                    e.fill(0)


def _upscale(frame: np.ndarray) -> np.ndarray:
    import cv2

    if frame.ndim == 2:
        frame = cv2.cvtColor(frame, cv2.COLOR_GRAY2BGR)
    scale = 128 / min(frame.shape[:2])
    return cv2.resize(frame[:, :, :3], None, fx=scale, fy=scale, interpolation=cv2.INTER_CUBIC)


@dataclass(repr=False)
class PartyFaceResult:
    """What the face step produced for one party. Holds biometric data: never log it; wipe() at session end."""

    photo: np.ndarray | None = None  # BGR, in memory only
    quality: dict[str, float] = field(default_factory=dict)
    match_score: float | None = None  # None → not available (no decoder, no model, no face)
    match: str = "not_available"  # same_person | different | not_available
    liveness: str = "not_required"  # passed | failed | not_required | not_available
    mode: str = FULL
    party: int = 0  # 1 or 2 (set by the face session)
    face: Face | None = None  # where the face is in `photo` (landmarks for the embedding)
    embedding: np.ndarray | None = None  # of the live face, for "not the same face as party 1"
    verdict: str = "unavailable"  # match | no_match | unavailable (kiosk.services.identity)
    score: float | None = None
    reason: str = ""

    def wipe(self) -> None:
        for array in (self.photo, self.embedding):
            if array is not None:
                array.fill(0)
        self.photo, self.quality, self.match_score, self.embedding, self.face = None, {}, None, None, None

    def summary(self) -> dict:
        """Loggable and displayable: outcomes only, no image, no embedding."""
        return {
            "captured": self.photo is not None,
            "match": self.match,
            "liveness": self.liveness,
            "mode": self.mode,
            "verdict": self.verdict,
            "score": self.score,
            "reason": self.reason,
        }


@dataclass(frozen=True)
class Progress:
    code: str  # message code for the applicant (messages.GUIDANCE)
    problems: list[str]  # quality problems of this frame
    good_streak: int
    done: bool


class PartyCapture:
    """Feed frames from the capture thread (in a worker); show `Progress.code`'s message until `done`."""

    def __init__(
        self,
        engine: FaceEngine,
        *,
        consecutive_good_frames: int = 5,
        id_photo: np.ndarray | None = None,
        threshold: float = DEFAULT_THRESHOLD,
        liveness: LivenessChallenge | None = None,
    ):
        self.engine, self.needed, self.threshold = engine, consecutive_good_frames, threshold
        self.liveness = liveness
        self._id_embedding = engine.embedding(id_photo) if id_photo is not None else None
        self.result = PartyFaceResult(mode=engine.mode, liveness="not_required" if liveness is None else "pending")
        self._streak = 0
        self._done = False

    def feed(self, frame: np.ndarray, t: float) -> Progress:
        if self._done:
            return Progress("captured", [], self._streak, True)
        if self.engine.mode == CAPTURE_ONLY:
            return Progress("models_unavailable", [], 0, False)
        frame = as_bgr(frame)
        report = self.engine.analyse(frame)
        if self.result.photo is None:
            self._streak = self._streak + 1 if report.ok else 0
            if self._streak < self.needed:
                return Progress(report.problems[0] if report.problems else "ok", report.problems, self._streak, False)
            self._take(frame, report)
            if self.liveness is None:
                return self._finish()
        return self._liveness_step(frame, report, t)

    def capture_now(self, frame: np.ndarray) -> PartyFaceResult:
        """Capture-only mode (or staff override): keep this frame as the photo, no checks."""
        self.result.photo = as_bgr(frame).copy()
        if self.liveness is not None:
            self.result.liveness = "not_available"
        self._finish()
        return self.result

    def _take(self, frame: np.ndarray, report: QualityReport) -> None:
        self.result.photo = frame.copy()
        self.result.face = report.face
        self.result.quality = dict(report.scores)
        if self._id_embedding is not None:
            live = self.engine.embedding(frame, report.face)
            if live is not None:
                match = compare(live, self._id_embedding, self.threshold)
                live.fill(0)
                self.result.match_score = match.score
                self.result.match = "same_person" if match.same_person else "different"

    def _liveness_step(self, frame: np.ndarray, report: QualityReport, t: float) -> Progress:
        face = report.face if report.faces == 1 else None
        obs = Observation(
            t, None if face is None else face.landmarks, None if face is None else eye_openness(frame, face.landmarks)
        )
        liveness = cast(LivenessChallenge, self.liveness)  # this step runs only with a challenge
        status = liveness.feed(obs)
        if status in (PASSED, FAILED):
            self.result.liveness = status
            progress = self._finish()
            return progress if status == PASSED else Progress("liveness_failed", [], self._streak, True)
        return Progress(cast(str, liveness.current), report.problems, self._streak, False)  # pending: a challenge

    def _finish(self) -> Progress:
        self._done = True
        if self._id_embedding is not None:
            self._id_embedding.fill(0)
            self._id_embedding = None
        return Progress("captured", [], self._streak, True)
