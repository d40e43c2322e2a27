"""When is the office server judged down? Against real loopback HTTP servers that misbehave the way a busy office
server does (issue 23: a false offline banner several times a minute while the server was up)."""

from __future__ import annotations

import json
import logging
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from kiosk.services.backend_status import BackendStatus
from kiosk.services.office_client import BackendUnavailable, OfficeClient


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as uvicorn

    def log_message(self, *a):
        pass

    def handle_one_request(self):
        self.served = getattr(self, "served", 0)
        super().handle_one_request()

    def do_GET(self):
        server = self.server
        self.served += 1
        if server.mode == "gone" or (server.mode == "close_reused" and self.served > 1):
            # the keep-alive timer ran out as the request arrived: closed without an answer
            self.close_connection = True
            self.connection.shutdown(2)
            return
        if server.stalls > 0:
            server.stalls -= 1
            time.sleep(server.stall_s)
        body = json.dumps({"status": "ok"}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture
def server():
    srv = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    srv.daemon_threads = True
    srv.mode, srv.stalls, srv.stall_s = "", 0, 0.0
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    yield srv
    srv.shutdown()
    srv.server_close()


def _client(srv, read_timeout_s: float = 2.0):
    changes: list[tuple[bool, str]] = []
    status = BackendStatus(lambda up, reason: changes.append((up, reason)))
    url = f"http://127.0.0.1:{srv.server_address[1]}"
    return OfficeClient(
        url, kiosk_id="k1", connect_timeout_s=1.0, read_timeout_s=read_timeout_s, status=status
    ), changes


def test_a_kept_alive_connection_closed_as_it_is_reused_is_not_an_outage(server):
    server.mode = "close_reused"  # every second request on one connection finds it closed
    client, changes = _client(server)
    for _ in range(4):
        assert client.health() == {"status": "ok"}
    assert changes == [(True, "")]
    assert client.status.up is True


def test_one_stalled_answer_does_not_turn_the_kiosk_offline(server, caplog):
    client, changes = _client(server, read_timeout_s=0.3)
    client.health()
    server.stalls, server.stall_s = 1, 1.0  # one answer later than the read timeout (a CPU-starved server)
    with caplog.at_level(logging.INFO, logger="kiosk.services.office_client"):
        with pytest.raises(BackendUnavailable):
            client.health()
    assert changes == [(True, "")]  # the probe on a new connection was answered: still up
    assert "still up" in caplog.text


def test_a_server_that_is_gone_is_judged_down_with_the_reason_logged(server, caplog):
    client, changes = _client(server)
    client.health()
    server.mode = "gone"  # the kept-alive connection closes unanswered, new ones are refused
    server.shutdown()
    server.server_close()
    with caplog.at_level(logging.WARNING, logger="kiosk.services.office_client"):
        with pytest.raises(BackendUnavailable):
            client.health()
    assert changes[-1][0] is False
    assert "ConnectionError, then ConnectionError on a new connection" in changes[-1][1]
    assert "judged down" in caplog.text and "timeouts 1.0 s connect" in caplog.text
