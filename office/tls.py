"""uvicorn's HTTP protocol, telling the app who is calling and bounding what each connection may hold.

The identity of the verified client certificate of the connection goes into each request's scope (office.guard
reads it). Every connection has a deadline for what it sends (a stolen or revoked certificate must not hold the
server's sockets open): its first request within `idle_s`, each request's headers within `header_s` of its first
byte (data trickling in does not extend it), its body within `body_s` of the headers; between requests uvicorn's
keep-alive timeout (`timeout_keep_alive`, set to `idle_s`) applies. A certificate holds at most
`per_certificate` connections at once; one more is closed as soon as it is made.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from office.guard import IDENTITY
from office.pki import identity_of

log = logging.getLogger("office.connections")


@dataclass(frozen=True)
class ConnectionLimits:
    idle_s: float = 5.0  # no request yet, or between requests (keep-alive)
    header_s: float = 5.0  # from a request's first byte to the end of its headers
    body_s: float = 15.0  # from the end of the headers to the end of the body (512 KB at most)
    per_certificate: int = 32  # open connections of one client certificate (a kiosk uses one or two)


class IdentifyingProtocol(HttpToolsProtocol):
    limits = ConnectionLimits()
    _deadline = None

    def connection_made(self, transport) -> None:
        super().connection_made(transport)
        ssl_object = transport.get_extra_info("ssl_object")
        self._identity = identity_of(ssl_object.getpeercert()) if ssl_object is not None else None
        if self._identity is not None and self._held_by_certificate() > self.limits.per_certificate:
            log.warning("connection refused: %s holds too many", self._identity.label())
            transport.abort()
            return
        self._arm(self.limits.idle_s)

    def connection_lost(self, exc) -> None:
        self._arm(None)
        super().connection_lost(exc)

    def _held_by_certificate(self) -> int:
        serial = self._identity.serial if self._identity else None
        return sum(1 for c in self.connections if getattr(getattr(c, "_identity", None), "serial", None) == serial)

    def _arm(self, seconds: float | None) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
        self._deadline = None if seconds is None else self.loop.call_later(seconds, self._too_slow)

    def _too_slow(self) -> None:
        self._deadline = None
        if not self.transport.is_closing():
            self.transport.abort()

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self.scope[IDENTITY] = self._identity  # type: ignore[literal-required]  # our key in the ASGI scope
        self._arm(self.limits.header_s)

    def on_headers_complete(self) -> None:
        super().on_headers_complete()
        self._arm(self.limits.body_s)

    def on_message_complete(self) -> None:
        super().on_message_complete()
        self._arm(None)  # the answer is the app's; afterwards uvicorn's keep-alive timeout applies


def protocol_for(limits: ConnectionLimits) -> type[IdentifyingProtocol]:
    return type("IdentifyingProtocol", (IdentifyingProtocol,), {"limits": limits})
