"""uvicorn's HTTP protocol, telling the app who is calling: the identity of the verified client certificate of
the connection goes into each request's scope (office.guard reads it)."""

from __future__ import annotations

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from office.guard import IDENTITY
from office.pki import identity_of


class IdentifyingProtocol(HttpToolsProtocol):
    def connection_made(self, transport) -> None:
        super().connection_made(transport)
        ssl_object = transport.get_extra_info("ssl_object")
        self._identity = identity_of(ssl_object.getpeercert()) if ssl_object is not None else None

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self.scope[IDENTITY] = self._identity  # type: ignore[literal-required]  # our key in the ASGI scope
