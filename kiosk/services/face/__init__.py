"""Face pipeline: detection, quality guidance, auto-capture, SFace verification, liveness (see pipeline.py)."""

from kiosk.services.face.messages import GUIDANCE, guidance
from kiosk.services.face.pipeline import CAPTURE_ONLY, FULL, NO_MATCH, FaceEngine, PartyCapture, PartyFaceResult

__all__ = ["CAPTURE_ONLY", "FULL", "NO_MATCH", "FaceEngine", "GUIDANCE", "PartyCapture", "PartyFaceResult", "guidance"]
