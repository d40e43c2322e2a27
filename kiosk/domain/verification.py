"""How each party's identity was verified at the kiosk: pure data the flow records and the office receives.

verified_by: face (live face matched the reference photo), fingerprint (a finger matched the card's
templates) or staff (the registrar checks the person against the ID card at the counter: 身份待人工核验).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Protocol


class VerifiedBy(StrEnum):
    FACE = "face"
    FINGERPRINT = "fingerprint"
    STAFF = "staff"


class CheckResult(StrEnum):
    """What the face or fingerprint path ended with (for the technician and the office's statistics)."""

    MATCH = "match"
    NO_MATCH = "no_match"
    UNAVAILABLE = "unavailable"
    DECLINED = "declined"
    SKIPPED = "skipped"


VERIFIED_BY = tuple(VerifiedBy)
RESULTS = tuple(CheckResult)


class FaceVerdict(StrEnum):
    """A face comparison's verdict (liveness failed counts as no match)."""

    MATCH = "match"
    NO_MATCH = "no_match"
    UNAVAILABLE = "unavailable"


class FingerOutcome(StrEnum):
    """A finger on the sensor compared with the card's templates."""

    MATCH = "match"
    NO_MATCH = "no_match"
    NO_FINGER = "no_finger"
    UNAVAILABLE = "unavailable"


class FaceResult(Protocol):
    """What the flow reads of the face step's per-party result (the result holds biometric data: wipe() it at
    session end)."""

    @property
    def verdict(self) -> str: ...  # a FaceVerdict value; anything else counts as unavailable

    @property
    def score(self) -> float | None: ...

    @property
    def reason(self) -> str: ...  # why not a match: same_face | liveness_failed | …

    @property
    def party(self) -> int: ...  # 1 or 2; 0 when not known

    def wipe(self) -> None: ...


@dataclass(frozen=True)
class PartyCheck:
    party: int  # 1 or 2, in the order the cards were read
    verified_by: str  # a VerifiedBy
    result: str  # a CheckResult
    score: float | None = None  # of the deciding comparison (face: cosine; fingerprint: 0..100)
    attempts: int = 0  # face captures or finger placements tried

    def as_dict(self) -> dict[str, Any]:
        return {
            "party": self.party,
            "verified_by": self.verified_by,
            "result": self.result,
            "score": self.score,
            "attempts": self.attempts,
        }


def needs_staff(checks: Iterable[PartyCheck]) -> bool:
    """At least one party is to be checked by the registrar at the counter."""
    return any(c.verified_by == VerifiedBy.STAFF for c in checks)
