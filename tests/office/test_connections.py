"""Finding 6 of issue 24: slow and idle clients holding a certificate (stolen or revoked) cannot keep the server's
connections open, and one certificate cannot open many: raw mutual-TLS sockets against the real server."""

import socket
import ssl
import time

import pytest

from bench.rigs.office_server import serve_in_thread
from office import pki
from office.tls import ConnectionLimits
from tests.office.helpers import Api

LIMITS = ConnectionLimits(idle_s=0.5, header_s=0.5, body_s=0.5, per_certificate=3)
PATIENCE_S = 30  # far beyond the limits: a server that never closes fails, a busy machine does not


@pytest.fixture
def server(tmp_path, clock):
    with serve_in_thread(tmp_path / "office.db", clock, limits=LIMITS) as running:
        yield running


def _connect(server, name="k1", role="kiosk"):
    ca, cert, key = server.client_files(role, name, "441621")
    context = ssl.create_default_context(cafile=ca)
    context.load_cert_chain(cert, key)
    raw = socket.create_connection(("127.0.0.1", server.port), timeout=PATIENCE_S)
    return context.wrap_socket(raw, server_hostname="127.0.0.1")


def _closed_by_server(conn, trickle: bytes = b"", every_s: float = 0.1) -> bool:
    """Send `trickle` a byte at a time (slowloris), then wait; True once the server has closed the connection."""
    deadline = time.monotonic() + PATIENCE_S
    conn.settimeout(every_s)
    sent = 0
    while time.monotonic() < deadline:
        try:
            if conn.recv(4096) == b"":
                return True
        except (socket.timeout, TimeoutError):
            pass
        except (ConnectionError, ssl.SSLError, OSError):
            return True
        try:
            conn.sendall(trickle[sent : sent + 1] if sent < len(trickle) else (b"x" if trickle else b""))
            sent += 1
        except (ConnectionError, ssl.SSLError, OSError):
            return True
    return False


def test_a_connection_that_never_asks_is_closed(server):
    assert _closed_by_server(_connect(server))


def test_a_revoked_certificates_idle_connection_is_closed(server):
    server.client_files("kiosk", "k-lost", "441621")
    pki.revoke(server.pki_dir, cert=server.pki_dir / "kiosks/k-lost.crt", reason="stolen")
    assert _closed_by_server(_connect(server, name="k-lost"))


def test_slowloris_headers_are_cut_off(server):
    """Headers trickling in a byte every 0.1 s (each byte would reset a plain keep-alive timer) are cut off."""
    endless = b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n" + b"X-Pad: " + b"a" * 10_000
    assert _closed_by_server(_connect(server), endless)


def test_a_slow_body_is_cut_off(server):
    head = (
        b"POST /v1/offices/441621/tickets HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        b"Content-Length: 60000\r\nIdempotency-Key: slow\r\n\r\n"
    )
    conn = _connect(server)
    conn.sendall(head)
    assert _closed_by_server(conn, b"{" + b" " * 59_999)
    assert server.backend.store.read().execute("SELECT COUNT(*) FROM tickets").fetchone()[0] == 0


def test_an_idle_keep_alive_connection_is_closed_after_its_answer(server):
    conn = _connect(server)
    conn.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
    assert conn.recv(4096).startswith(b"HTTP/1.1 200")
    assert _closed_by_server(conn)


def test_one_certificate_holds_only_so_many_connections(tmp_path, clock):
    with serve_in_thread(tmp_path / "office.db", clock, limits=ConnectionLimits(idle_s=60, per_certificate=3)) as s:
        _at_most_three(s)


def _at_most_three(server):
    held = [_connect(server) for _ in range(3)]
    for conn in held:  # each is in use: a request answered
        conn.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        assert conn.recv(4096).startswith(b"HTTP/1.1 200")
    one_more = _connect(server)
    one_more.settimeout(PATIENCE_S)
    try:
        one_more.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        assert one_more.recv(4096) == b""
    except (ConnectionError, ssl.SSLError, OSError):
        pass
    assert Api(server, name="k2").get("/healthz").status_code == 200  # other kiosks are served
    for conn in held:
        conn.close()
