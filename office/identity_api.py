"""POST /v1/identity/verify: a kiosk asks whether the live face belongs to a party it is serving.

Least answer to the fewest callers, so a stolen kiosk certificate is no biometric oracle:
- only a party of a booking at the caller's office for today is compared; for anyone else the answer is
  `unavailable`, the same as for a person the office has no photo of (the live photo is decoded and searched
  for a face either way, so the time taken tells nothing either);
- the answer is the outcome and, for a match, a coarse band (`high` | `borderline`), never the score;
- calls are counted per kiosk and per ID number (429 too_many_attempts past the limits);
- every call is audited (outcome, never the photo or the ID number);
- the work is bounded: a JPEG within the size the service accepts (office/identity.py), one worker thread off
  the event loop, at most `max_waiting` calls waiting for it, and an `unavailable` answer after `timeout_s`.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import hashlib
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Literal, Optional

from fastapi import FastAPI, Request
from pydantic import BaseModel, ConfigDict, Field

from office.errors import ApiError
from office.guard import IDENTITY
from office.identity import IdentityService
from kiosk.domain.checkin import normalise_id
from office.lockouts import LOCKOUT_S

PATH = "/v1/identity/verify"
HIGH_MARGIN = 0.15  # a score this far above the threshold is a `high` match


@dataclass(frozen=True)
class IdentityLimits:
    per_kiosk: int = 40  # calls in LOCKOUT_S (15 min): a couple is 2 parties × face.attempts (3)
    per_id_number: int = 6  # calls about one person in LOCKOUT_S
    max_waiting: int = 8  # calls queued for the worker; more answer `unavailable` at once
    timeout_s: float = 5.0  # a call not done by then answers `unavailable`


class IdentityVerifyRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", str_max_length=400_000)
    id_number: str = Field(min_length=1, max_length=32)
    photo_jpeg: str = Field(min_length=16, max_length=400_000, description="the live face crop, JPEG, base64")


class IdentityVerifyResponse(BaseModel):
    result: Literal["match", "no_match", "unavailable"]
    band: Optional[Literal["high", "borderline"]] = Field(default=None, description="for a match only")


def band_of(answer: dict, threshold: float) -> str | None:
    if answer["result"] != "match" or answer.get("score") is None:
        return None
    return "high" if answer["score"] >= threshold + HIGH_MARGIN else "borderline"


def install(app: FastAPI, backend, writes, errors, limits: IdentityLimits | None = None) -> IdentityService:
    limits = limits or IdentityLimits()
    service = IdentityService()  # models load on first use (warm_up)
    worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="identity")
    waiting = 0

    def subject(id_number: str) -> str:
        """Calls about a person are counted under a keyed hash: the failures table holds no ID number."""
        return hashlib.sha256(backend.store.secret("bookings") + id_number.encode()).hexdigest()[:32]

    def party_seq(conn, who, id_number: str) -> int | None:
        row = conn.execute(
            "SELECT p.seq FROM parties p JOIN appointments a USING (appointment_id)"
            " WHERE p.id_number=? AND a.office=? AND a.day=? AND a.status != 'cancelled' LIMIT 1",
            (id_number, who.office, backend.today()),
        ).fetchone()
        return None if row is None else int(row["seq"])

    async def compare(reference: str | None, photo: bytes) -> dict:
        nonlocal waiting
        if waiting >= limits.max_waiting:
            return {"result": "unavailable", "reason": "busy"}
        waiting += 1
        try:
            job = asyncio.get_running_loop().run_in_executor(worker, service.verify, reference, photo)
            return await asyncio.wait_for(job, limits.timeout_s)
        except asyncio.TimeoutError:
            return {"result": "unavailable", "reason": "timeout"}
        finally:
            waiting -= 1

    @app.post(
        PATH,
        response_model=IdentityVerifyResponse,
        responses=errors("POST", _422=["invalid_request"], _429=["too_many_attempts"]),
        tags=["kiosk"],
    )
    async def identity_verify(body: IdentityVerifyRequest, request: Request):
        """A kiosk asks whether the live face belongs to this ID number, a party of a booking at its office for
        today (anyone else: `unavailable`). Nothing is stored but the audit row; the answer holds the outcome
        and, for a match, a coarse band."""
        who = request.scope.get(IDENTITY)
        if who is None:
            raise ApiError(403, "certificate_required")
        try:
            photo = base64.b64decode(body.photo_jpeg, validate=True)
        except (binascii.Error, ValueError):
            raise ApiError(422, "invalid_request", detail="photo_jpeg is not base64") from None
        id_number = normalise_id(body.id_number)
        person = subject(id_number)
        request.state.audited = True
        conn = backend.store.read()
        kiosk = f"{who.office}/{who.name}"
        for scope, name, limit in (
            ("identity_kiosk", kiosk, limits.per_kiosk),
            ("identity_id", person, limits.per_id_number),
        ):
            n, last = backend._count(conn, scope, name)
            if n >= limit:
                retry = max(1, int(last + LOCKOUT_S - backend.clock().timestamp()))
                error = ApiError(429, "too_many_attempts", retry_after_s=retry)
                await writes.run(None, "", lambda c: (200, {}), _note(backend, who, error.status, error.code, ""))
                raise error
        answer = await compare(service.reference_of(party_seq(conn, who, id_number)), photo)
        band = band_of(answer, service.threshold)
        detail = band or answer.get("reason")  # the audit says why it was unavailable
        ref = f"{answer['result']}:{detail}" if detail else answer["result"]

        def count(c) -> tuple[int, dict]:
            at = backend.clock().timestamp()
            c.executemany(
                "INSERT INTO failures (scope, subject, at) VALUES (?,?,?)",
                [("identity_kiosk", kiosk, at), ("identity_id", person, at)],
            )
            return 200, {}

        await writes.run(None, "", count, _note(backend, who, 200, "", ref))
        return {"result": answer["result"], "band": band}

    app.state.identity = service
    return service


def _note(backend, who, status: int, code: str, ref: str):
    def note(conn, _status: int, _body: dict) -> None:
        backend.audit(conn, who, "POST", PATH, status, code, ref)

    return note
