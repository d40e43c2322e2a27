"""Face pipeline: quality guidance, auto-capture, liveness, the capture session (see pipeline.py); detection and
SFace verification come from kiosk.facematch, shared with the office server."""

from kiosk.services.face.messages import GUIDANCE, guidance
from kiosk.services.face.pipeline import CAPTURE_ONLY, FULL, NO_MATCH, FaceEngine, PartyCapture, PartyFaceResult

__all__ = ["CAPTURE_ONLY", "FULL", "NO_MATCH", "FaceEngine", "GUIDANCE", "PartyCapture", "PartyFaceResult", "guidance"]
