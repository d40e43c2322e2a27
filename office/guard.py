"""The door of the office API (an ASGI middleware): every request is checked before any endpoint runs.

In order: a client certificate with a role (else 403 certificate_required), not revoked (403), a `Host` this
server answers to (400 host_not_allowed), an endpoint declared in office/access.py (404/405), a role and office
allowed there (403), and for POSTs `Content-Type: application/json` (415) and a body of at most MAX_BODY bytes
(413), and a body that parses as JSON (422 invalid_request for anything else: deep nesting, a 5,000-digit
number, broken UTF-8). Every refused call (any 4xx/5xx answer not already audited by a write) goes to the audit
log, at most REFUSALS_AUDITED rows a minute per certificate (a revoked one knocking in a loop); the rows left
out are counted in the next one written (code `refusals_not_audited`, ref the count).
"""

from __future__ import annotations

import json
import time
from urllib.parse import parse_qs

from office import access
from office.errors import ApiError
from office.pki import RevocationList

MAX_BODY = 64 * 1024
IDENTITY = "client_identity"  # scope key set by office.tls.IdentifyingProtocol
REFUSALS_AUDITED = 20  # refused calls audited per certificate per minute


def host_name(value: str) -> str:
    value = value.strip().lower()
    if value.startswith("["):
        return value[1 : value.find("]")] if "]" in value else value
    name, sep, port = value.rpartition(":")
    return name if sep and port.isdigit() else value


class Guard:
    def __init__(
        self,
        app,
        backend,
        writes,
        revoked: RevocationList | None = None,
        hosts: set[str] | None = None,
        max_body: int = MAX_BODY,
    ):
        self.app, self.backend, self.writes = app, backend, writes
        self.revoked = revoked or RevocationList(None)
        self.hosts = {h.lower() for h in hosts} if hosts else None
        self.max_body = max_body
        self._refusals: dict[str, list] = {}  # certificate serial → [minute, rows written, rows left out]

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        state = scope.setdefault("state", {})
        state["audited"] = False
        send = self._auditing(scope, send)
        try:
            receive = await self._check(scope, receive)
        except ApiError as e:
            return await self._answer(send, e)
        if receive is None:  # the client went away while sending its body
            return None
        return await self.app(scope, receive, send)

    async def _check(self, scope, receive):
        who = scope.get(IDENTITY)
        if who is None:
            raise ApiError(403, "certificate_required")
        if self.revoked.revoked(who.serial):
            raise ApiError(403, "certificate_revoked")
        if who.role == "kiosk" and self.backend.contacts is not None:  # offline tickets' plausibility
            self.backend.contacts.heard(f"{who.office}/{who.name}", self.backend.clock().timestamp())
        headers = {}
        for k, v in scope["headers"]:
            headers.setdefault(k.decode("latin-1"), v.decode("latin-1"))
        if self.hosts is not None and host_name(headers.get("host", "")) not in self.hosts:
            raise ApiError(400, "host_not_allowed")
        method, path = scope["method"], scope["path"]
        found = access.match(method, path)
        if found is None:
            raise ApiError(404, "not_found")
        template, rule, params = found
        if rule is None:
            raise ApiError(405, "method_not_allowed")
        office = params.get("office")
        if office is None and template == "/v1/appointments/lookup":
            query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
            office = (query.get("office") or [None])[0]
        code = access.refusal(who, rule, office)
        if code:
            raise ApiError(403, code)
        if method != "POST":
            return receive
        media = headers.get("content-type", "").split(";")[0].strip().lower()
        if media != "application/json":
            raise ApiError(415, "unsupported_media_type")
        limit = rule.max_body or self.max_body
        try:
            if int(headers.get("content-length", "0")) > limit:
                raise ApiError(413, "body_too_large", limit=limit)
        except ValueError:
            raise ApiError(400, "invalid_request", detail="Content-Length") from None
        body = bytearray()
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return None
            body += message.get("body", b"")
            if len(body) > limit:
                raise ApiError(413, "body_too_large", limit=limit)
            if not message.get("more_body"):
                break
        if body.strip():
            try:
                json.loads(body)
            except (ValueError, RecursionError):  # UnicodeDecodeError and int digit limits are ValueErrors
                raise ApiError(422, "invalid_request", detail="the body is not JSON this server reads") from None
        replayed = False

        async def replay():
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": bytes(body), "more_body": False}
            return await receive()

        return replay

    @staticmethod
    async def _answer(send, error: ApiError) -> None:
        body = json.dumps(error.body(), ensure_ascii=False).encode()
        await send(
            {
                "type": "http.response.start",
                "status": error.status,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode()),
                    (b"connection", b"close"),
                ]
                if error.status == 413
                else [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())],
            }
        )
        await send({"type": "http.response.body", "body": body})

    def _auditing(self, scope, send):
        """Hold back the answer of a refused call until it is in the audit log."""
        start = None

        async def wrapped(message):
            nonlocal start
            if (
                message["type"] == "http.response.start"
                and message["status"] >= 400
                and not scope["state"].get("audited")
            ):
                start = message
                return None
            if start is not None and message["type"] == "http.response.body":
                held, start = start, None
                code = ""
                try:
                    code = str(json.loads(message.get("body") or b"{}").get("error", ""))
                except (ValueError, AttributeError):
                    pass
                await self._audit(scope, held["status"], code)
                await send(held)
            return await send(message)

        return wrapped

    def _left_out(self, who) -> int | None:
        """None: leave this refusal out of the audit; else how many were left out before it."""
        minute, key = int(time.monotonic() // 60), who.serial if who else ""
        if len(self._refusals) > 10_000:  # bounded: a new minute starts afresh for everyone
            self._refusals = {k: v for k, v in self._refusals.items() if v[0] == minute}
        entry = self._refusals.setdefault(key, [minute, 0, 0])
        if entry[0] != minute:
            entry[:] = [minute, 0, entry[2]]
        if entry[1] >= REFUSALS_AUDITED:
            entry[2] += 1
            return None
        entry[1] += 1
        left_out, entry[2] = entry[2], 0
        return left_out

    async def _audit(self, scope, status: int, code: str) -> None:
        who, method, path = scope.get(IDENTITY), scope["method"], scope["path"]
        left_out = self._left_out(who)
        if left_out is None:
            return

        def work(conn):
            if left_out:
                self.backend.audit(conn, who, method, path, status, "refusals_not_audited", str(left_out))
            self.backend.audit(conn, who, method, path, status, code)
            return 200, {}

        try:
            await self.writes.run(None, "", work)
        except Exception:  # never let the audit's failure hide the answer
            import logging

            logging.getLogger("office.audit").exception("audit write failed")
