"""A fault-injecting HTTP proxy on loopback: stands between the kiosk and the office server and loses,
delays or breaks answers on demand (reliability tests, and the demo's "cut network" control).

Modes (settable at any time; they apply to the next request; `script` lists modes for the next requests,
one each, before `mode` applies again):
  pass            forward request and answer
  drop_response   forward the request (the server applies it), then close the client's connection unanswered
  delay_response  forward, wait `delay_s`, then answer (the client has usually timed out by then)
  error_after     forward (applied), answer 500 instead of the server's answer
  error_before    answer 500 without forwarding (nothing applied)
  blackhole       accept and never answer
  reset           close every connection as soon as it is accepted
Besides, any request holding the bytes `poison` is answered 500 without being forwarded, whatever the mode
(one request the server keeps failing on while it serves the others).

With `FaultProxy.for_server(running_server)` it speaks mutual TLS on both sides, as the office server does: it
presents the server's certificate to the kiosk (and requires the kiosk's), and calls the server with a
certificate of the same caller, so the server still sees who is calling.
"""

from __future__ import annotations

import socket
import ssl
import struct
import threading
import time

MODES = ("pass", "drop_response", "delay_response", "error_after", "error_before", "blackhole", "reset")
_500_BODY = b'{"error":"internal_error","message":{"zh":"proxy","en":"proxy fault"}}'
_500 = (
    b"HTTP/1.1 500 Internal Server Error\r\ncontent-type: application/json\r\n"
    b"content-length: %d\r\nconnection: close\r\n\r\n%s" % (len(_500_BODY), _500_BODY)
)


def _read_message(f) -> bytes | None:
    """One HTTP/1.1 message with a Content-Length body (what requests and uvicorn send here)."""
    head = b""
    while not head.endswith(b"\r\n\r\n"):
        line = f.readline(65536)
        if not line:
            return None
        head += line
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip())
    return head + (f.read(length) if length else b"")


def _abort(sock: socket.socket) -> None:
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        sock.close()
    except OSError:
        pass


class FaultProxy:
    def __init__(
        self,
        upstream_port: int,
        mode: str = "pass",
        delay_s: float = 0.0,
        *,
        server_context: ssl.SSLContext | None = None,
        client_context=None,
    ):
        self.upstream_port, self.delay_s = upstream_port, delay_s
        self.server_context, self.client_context = server_context, client_context
        self.mode = mode
        self.script: list[str] = []
        self.poison: bytes | None = None
        self.forwarded = self.requests = 0
        self._lock = threading.Lock()
        self._listener: socket.socket | None = None
        self._stop = threading.Event()
        self.port = 0

    @classmethod
    def for_server(cls, server, **kw) -> "FaultProxy":
        """A proxy in front of a bench.rigs.office_server.RunningServer, with mutual TLS on both sides."""
        from office.pki import identity_of

        pki = server.pki_dir
        accept = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        accept.load_cert_chain(pki / "server.crt", pki / "server.key")
        accept.load_verify_locations(pki / "ca.crt")
        accept.verify_mode = ssl.CERT_REQUIRED
        contexts: dict = {}

        def client_context(peercert):
            who = identity_of(peercert)
            if who is None:
                return None
            if who not in contexts:
                ca, cert, key = server.client_files(who.role, who.name, who.office)
                ctx = ssl.create_default_context(cafile=ca)
                ctx.load_cert_chain(cert, key)
                contexts[who] = ctx
            return contexts[who]

        return cls(server.port, server_context=accept, client_context=client_context, **kw)

    @property
    def url(self) -> str:
        return f"{'https' if self.server_context else 'http'}://127.0.0.1:{self.port}"

    def start(self) -> "FaultProxy":
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(0.2)
        self.port = self._listener.getsockname()[1]
        threading.Thread(target=self._accept, name="fault-proxy", daemon=True).start()
        return self

    def stop(self) -> None:
        self._stop.set()
        if self._listener is not None:
            self._listener.close()

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                client, _ = self._listener.accept()
            except (TimeoutError, socket.timeout):
                continue
            except OSError:
                return
            if self.mode == "reset":
                _abort(client)
                continue
            threading.Thread(target=self._serve, args=(client,), daemon=True).start()

    def _next_mode(self) -> str:
        with self._lock:
            self.requests += 1
            return self.script.pop(0) if self.script else self.mode

    def _serve(self, client: socket.socket) -> None:
        upstream = None
        upstream_context = None
        try:
            if self.server_context is not None:
                client.settimeout(10)
                client = self.server_context.wrap_socket(client, server_side=True)
                client.settimeout(None)
                upstream_context = self.client_context(client.getpeercert())
            cf = client.makefile("rb")
            while not self._stop.is_set():
                request = _read_message(cf)
                if request is None:
                    return
                mode = self._next_mode()
                if self.poison and self.poison in request:
                    mode = "error_before"
                if mode == "reset":
                    _abort(client)
                    return
                if mode == "error_before":
                    client.sendall(_500)
                    return
                if mode == "blackhole":
                    while cf.read(1):
                        pass
                    return
                if upstream is None:
                    upstream = socket.create_connection(("127.0.0.1", self.upstream_port))
                    if upstream_context is not None:
                        upstream = upstream_context.wrap_socket(upstream, server_hostname="127.0.0.1")
                    uf = upstream.makefile("rb")
                upstream.sendall(request)
                answer = _read_message(uf)
                self.forwarded += 1
                if answer is None or mode == "drop_response":
                    _abort(client)
                    return
                if mode == "delay_response":
                    time.sleep(self.delay_s)
                client.sendall(_500 if mode == "error_after" else answer)
                if mode == "error_after":
                    return
        except (OSError, ValueError):
            pass
        finally:
            for s in (client, upstream):
                if s is not None:
                    try:
                        s.close()
                    except OSError:
                        pass
