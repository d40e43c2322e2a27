"""What every router of the office API shares: the Idempotency-Key header, the error table of each operation,
the caller from its certificate, JSON answers and the audit note of a write."""

from __future__ import annotations

from fastapi import Header, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from office.errors import ApiError
from office.guard import IDENTITY
from office.idempotency import fingerprint
from office.pki import Identity

KEY_HEADER = Header(
    default=None,
    alias="Idempotency-Key",
    description="Required on every POST by kiosks (1–200 characters). Same key + same body → the "
    "first answer (header Idempotent-Replayed: true); a different body → 409.",
)


class ErrorBody(BaseModel):
    error: str = Field(description="stable machine code, e.g. quota_exhausted")
    message: dict[str, str] = Field(description='{"zh": "…", "en": "…"}')


# Error codes each status may carry, on every endpoint (the guard's) and per endpoint (below).
COMMON = {
    400: ["host_not_allowed", "invalid_request"],
    403: ["certificate_required", "certificate_revoked", "forbidden_role", "forbidden_office"],
    404: ["not_found"],
    405: ["method_not_allowed"],
    422: ["invalid_request"],
    500: ["internal_error"],
}
POSTS = {
    503: ["storage_full"],
    400: ["idempotency_key_invalid"],
    403: ["kiosk_id_mismatch"],
    409: ["idempotency_conflict"],
    413: ["body_too_large"],
    415: ["unsupported_media_type"],
}


def errors(method: str, **codes: list[str]) -> dict:
    """OpenAPI responses: the statuses this endpoint answers and the error codes each carries (`_409=[…]`)."""
    merged: dict[int, set[str]] = {s: set(c) for s, c in COMMON.items()}
    tables = [POSTS] if method == "POST" else []
    tables.append({int(k.lstrip("_")): v for k, v in codes.items()})
    for table in tables:
        for status, more in table.items():
            merged.setdefault(status, set()).update(more)
    return {
        s: {"model": ErrorBody, "description": "error codes: " + ", ".join(sorted(c))}
        for s, c in sorted(merged.items())
    }


def answer(status: int, body: dict, replayed: bool = False) -> JSONResponse:
    return JSONResponse(body, status_code=status, headers={"Idempotent-Replayed": "true"} if replayed else None)


def caller(request: Request) -> Identity:
    who = request.scope.get(IDENTITY)
    if who is None:  # the guard lets nobody through without one
        raise ApiError(403, "certificate_required")
    return who


def same_kiosk(who: Identity, kiosk_id: str) -> None:
    if kiosk_id != who.name:
        raise ApiError(403, "kiosk_id_mismatch")


def audited(backend, request: Request, ref_of=lambda body: ""):
    """The audit note of this write, written in its transaction once its outcome is known (group commit)."""
    who, method, path = request.scope.get(IDENTITY), request.method, request.url.path
    request.state.audited = True

    def note(conn, status: int, body: dict) -> None:
        backend.audit(
            conn,
            who,
            method,
            path,
            status,
            body.get("error", "") if status >= 400 else "",
            ref_of(body) if status < 400 else "",
        )

    return note


async def write(backend, writes, request: Request, key: str | None, sent: dict, work, ref_of=lambda body: ""):
    """A POST's `work(conn)` run once per Idempotency-Key (`sent`: the body as sent, JSON) in the group commit,
    audited in the same transaction with its outcome (`ref_of(answer)` as the reference)."""
    print_ = fingerprint("POST", request.url.path, sent)
    return answer(*await writes.run(key, print_, work, audited(backend, request, ref_of)))
