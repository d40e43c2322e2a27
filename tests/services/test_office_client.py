"""The kiosk's HTTP client against the real server, directly and through the fault proxy."""

import socket
import time

import pytest

from tests.services.helpers import OFFICE, server_rows
from kiosk.errors import BackendError
from kiosk.services.backend_status import BackendStatus
from kiosk.services.office_client import (
    BackendRejected,
    BackendUnavailable,
    IdempotencyConflict,
    NotFound,
    OfficeClient,
    QuotaExhausted,
)


TLS: dict = {}


@pytest.fixture(autouse=True)
def _kiosk_certificate(server):
    ca, cert, key = server.client_files("kiosk", "k1", OFFICE)
    TLS.update(ca_file=ca, client_cert=cert, client_key=key)


def _client(url, events=None, **kw):
    status = BackendStatus(lambda up, reason: events.append(up)) if events is not None else None
    kw = {"connect_timeout_s": 0.5, "read_timeout_s": 0.5, "retries": 1, "backoff_s": 0.01, **TLS, **kw}
    return OfficeClient(url, kiosk_id="k1", status=status, **kw)


def _closed_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def test_typed_answers(server):
    c = _client(server.url)
    assert c.health()["ok"] and len(c.offices()) == 6
    with pytest.raises(NotFound) as e:
        c.lookup(token="AAAAAAAAAAAAAAAA")
    assert e.value.code == "appointment_not_found" and e.value.message["en"]
    c.issue_ticket(OFFICE, "marriage", key="k")
    with pytest.raises(IdempotencyConflict):
        c.issue_ticket(OFFICE, "divorce_application", key="k")
    offices = server.backend.offices
    offices[OFFICE] = offices[OFFICE].model_copy(update={"walk_in_daily_quota": 1})
    with pytest.raises(QuotaExhausted) as e:
        c.issue_ticket(OFFICE, "marriage")
    assert isinstance(e.value, BackendRejected) and isinstance(e.value, BackendError) and e.value.status == 429
    snap = c.latency.snapshot()
    assert snap["requests"] == 6 and snap["p50_ms"] > 0 and snap["p99_ms"] >= snap["p50_ms"]


def test_down_is_unavailable_and_reported(server):
    events = []
    c = _client(f"http://127.0.0.1:{_closed_port()}", events)
    started = time.monotonic()
    with pytest.raises(BackendUnavailable):
        c.offices()
    assert time.monotonic() - started < 2.0 and events == [False]
    assert c.latency.snapshot()["failures"] == 3  # one try + one retry, then a probe on a new connection


def test_get_is_retried_after_a_500(proxy):
    proxy.script = ["error_before"]
    assert len(_client(proxy.url).offices()) == 6 and proxy.requests == 2


def test_post_retried_with_the_same_key_applies_once(server, proxy):
    proxy.script = ["drop_response"]  # the server issues A001; the answer is lost
    t = _client(proxy.url).issue_ticket(OFFICE, "marriage", key="once")
    assert t["number"] == "A001" and proxy.forwarded == 2
    assert len(server_rows(server, "SELECT * FROM tickets")) == 1


def test_slow_answer_times_out_then_the_retry_gets_the_first_answer(server, proxy):
    # The first answer is held far longer than the client waits; the retry's answer comes first. (Wide margins:
    # a busy machine may take seconds to answer the retry, and the held answer must still be the slower one.)
    proxy.script, proxy.delay_s = ["delay_response"], 30.0
    started = time.monotonic()
    t = _client(proxy.url, read_timeout_s=5.0).issue_ticket(OFFICE, "marriage", key="slow")
    assert t["number"] == "A001" and time.monotonic() - started < proxy.delay_s  # not the held answer
    assert len(server_rows(server, "SELECT * FROM tickets")) == 1


def test_no_retries_means_one_attempt(proxy):
    proxy.mode = "error_after"
    with pytest.raises(BackendUnavailable) as e:
        _client(proxy.url, retries=0).issue_ticket(OFFICE, "marriage", key="x")
    assert proxy.requests == 2 and "500" in e.value.reason  # the one try, then a probe on a new connection


def test_every_post_needs_a_key(server):
    with pytest.raises(ValueError):
        _client(server.url).request("POST", "/v1/offices/441621/tickets", body={})


def test_a_proxy_in_the_environment_does_not_reroute_the_kiosk(server, monkeypatch):
    for name in ("HTTP_PROXY", "http_proxy", "ALL_PROXY"):
        monkeypatch.setenv(name, f"http://127.0.0.1:{_closed_port()}")
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    assert _client(server.url).health()["ok"]
