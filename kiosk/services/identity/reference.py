"""The reference a live face is compared with, behind one port, and the per-party verification step.

Every photo and embedding here stays in memory and is zeroed as soon as it has served; nothing is logged but
outcomes. A reference that cannot answer says `unavailable` (the flow then falls back); it never raises.
"""

from __future__ import annotations

import base64
import logging
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from kiosk.domain.idcard_record import IdCardRecord
from kiosk.errors import KioskError

if TYPE_CHECKING:  # numpy loads with OpenCV, when the first face is verified: not on the kiosk's start
    import numpy as np

    from drivers.idcard.port import PhotoDecoder

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Verdict:
    result: str  # match | no_match | unavailable
    score: float | None = None
    reason: str = ""  # same_face | liveness_failed | no_decoder | photo_not_decoded | no_face | …
    seconds: float = 0.0  # time of the verification (capture excluded)


class Reference(Protocol):
    source: str  # card | office | none

    def verify(
        self, card: IdCardRecord | None, photo: np.ndarray, face, live: np.ndarray | None, engine, threshold: float
    ) -> Verdict:
        """Compare the live face (photo + detected face + its embedding) with this card holder's reference."""


class NoReference:
    source = "none"

    def verify(self, card, photo, face, live, engine, threshold) -> Verdict:
        return Verdict("unavailable", reason="not_configured")


class CardPhoto:
    """The card's photo (1024 WLT bytes read with the text) decoded by the vendor's library through ctypes."""

    source = "card"

    def __init__(self, decoder: PhotoDecoder):
        self.decoder = decoder  # drivers.idcard.photo.photo_decoder(devices.wlt_library)

    @property
    def reason(self) -> str:
        return getattr(self.decoder, "reason", "")

    def verify(self, card, photo, face, live, engine, threshold) -> Verdict:
        import cv2
        import numpy as np

        from kiosk.facematch.verify import compare

        if not getattr(self.decoder, "available", False):
            return Verdict("unavailable", reason="no_decoder")
        wlt = card.photo if card is not None else b""
        try:
            bmp = bytearray(self.decoder.decode(bytes(wlt)))
        except KioskError:
            return Verdict("unavailable", reason="photo_not_decoded")
        image = cv2.imdecode(np.frombuffer(bmp, np.uint8), cv2.IMREAD_COLOR)
        bmp[:] = bytes(len(bmp))
        if image is None:
            return Verdict("unavailable", reason="photo_not_decoded")
        try:
            reference = engine.embedding(image)
        finally:
            image.fill(0)
        if reference is None:
            return Verdict("unavailable", reason="no_face_in_reference")
        try:
            match = compare(live, reference, threshold)
        finally:
            reference.fill(0)
        return Verdict("match" if match.same_person else "no_match", match.score)


class OfficeService:
    """The office relays to its identity service (e.g. the police photo comparison used at the counter): the
    kiosk sends the ID number and the best live face crop (JPEG, over the office link's TLS)."""

    source = "office"

    def __init__(self, client):
        self.client = client  # kiosk.services.office_client.OfficeClient

    def verify(self, card, photo, face, live, engine, threshold) -> Verdict:
        import cv2

        from kiosk.services.office_client import BackendRejected, BackendUnavailable

        number = card.id_number if card is not None else ""
        crop = face_crop_for_service(photo, face)
        ok, jpeg = cv2.imencode(".jpg", crop, [cv2.IMWRITE_JPEG_QUALITY, 90])
        crop.fill(0)
        if not ok or not number:
            return Verdict("unavailable", reason="no_photo")
        payload = base64.b64encode(jpeg.tobytes()).decode("ascii")
        jpeg.fill(0)
        try:
            answer = self.client.verify_identity(number, payload)
        except (BackendUnavailable, BackendRejected, KioskError) as e:
            log.info("identity service: %s", type(e).__name__)
            return Verdict("unavailable", reason="service_unavailable")
        finally:
            del payload
        result = answer.get("result")
        if result not in ("match", "no_match", "unavailable"):
            return Verdict("unavailable", reason="service_unavailable")
        score = answer.get("score")
        return Verdict(result, float(score) if isinstance(score, (int, float)) else None)


def face_crop_for_service(photo: np.ndarray, face, margin: float = 0.4) -> np.ndarray:
    """The face with a margin around it (or the whole photo when no face box is known), a copy."""
    if face is None:
        return photo.copy()
    x, y, w, h = (int(v) for v in face.box)
    mx, my = int(w * margin), int(h * margin)
    y0, y1 = max(0, y - my), min(photo.shape[0], y + h + my)
    x0, x1 = max(0, x - mx), min(photo.shape[1], x + w + mx)
    return photo[y0:y1, x0:x1].copy()


class FaceVerifier:
    """One party's verification after capture: liveness outcome, the same face as an earlier party, then the
    reference. Sets the result's verdict, score and reason (what the flow reads) and returns the Verdict."""

    def __init__(self, reference: Reference, threshold: float):
        self.reference, self.threshold = reference, threshold
        self.timings: list[float] = []  # seconds per verification (maintenance, benchmark)

    @property
    def source(self) -> str:
        return self.reference.source

    def verify(self, engine, card, result, earlier=()) -> Verdict:
        started = time.perf_counter()
        verdict = self._verify(engine, card, result, earlier)
        verdict = Verdict(verdict.result, verdict.score, verdict.reason, round(time.perf_counter() - started, 4))
        self.timings = (self.timings + [verdict.seconds])[-200:]
        result.verdict, result.score, result.reason = verdict.result, verdict.score, verdict.reason
        if verdict.score is not None:
            result.match_score = verdict.score
        result.match = {"match": "same_person", "no_match": "different"}.get(verdict.result, "not_available")
        return verdict

    def _verify(self, engine, card, result, earlier) -> Verdict:
        from kiosk.services.face.pipeline import FULL
        from kiosk.facematch.verify import compare

        if result is None or result.photo is None:
            return Verdict("unavailable", reason="no_photo")
        if engine is None or engine.mode != FULL:
            return Verdict(
                "no_match" if result.liveness == "failed" else "unavailable",
                reason="liveness_failed" if result.liveness == "failed" else "models_unavailable",
            )
        # The embedding first, even when liveness failed: a later party is compared with every earlier capture.
        live = _embedding(engine, result)
        if result.liveness == "failed":
            return Verdict("no_match", reason="liveness_failed")
        if live is None:
            return Verdict("unavailable", reason="no_face")
        for other in earlier:  # two parties must not be the same face
            theirs = _embedding(engine, other)
            if theirs is not None:
                same = compare(live, theirs, self.threshold)
                if same.same_person:
                    return Verdict("no_match", same.score, "same_face")
        try:
            return self.reference.verify(card, result.photo, result.face, live, engine, self.threshold)
        except Exception:  # a reference's bug must not strand the applicant: the counter checks instead
            log.exception("identity reference failed")
            return Verdict("unavailable", reason="reference_failed")


def _embedding(engine, result):
    """The capture's face embedding, computed once and kept on the result (None: no face in it)."""
    known = getattr(result, "embedding", None)
    if known is not None:
        return known
    if getattr(result, "photo", None) is None:
        return None
    try:
        live = engine.embedding(result.photo, result.face)
    except KioskError:
        return None
    result.embedding = live
    return live


def reference_from_config(config, client=None) -> Reference:
    """face.reference: card → the card photo through devices.wlt_library; office → the office's service."""
    kind = config.face.reference
    if kind == "card":
        from drivers.idcard.photo import photo_decoder

        return CardPhoto(photo_decoder(config.devices.wlt_library))
    if kind == "office" and client is not None:
        return OfficeService(client)
    return NoReference()
