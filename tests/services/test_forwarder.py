"""The forwarder's per-entry backoff and parking, with a fake office client (the loopback tests with the real
server are in test_faults.py): which failures count against an entry, which stop the pass."""

from kiosk.services.backend_status import BackendStatus
from kiosk.services.forwarder import Forwarder
from kiosk.services.journal import Journal
from kiosk.services.office_client import BackendUnavailable, rejection


class FakeClient:
    """Answers 201, or what `fail` says for an entry's appointment id."""

    def __init__(self):
        self.status = BackendStatus()
        self.status.report(True)
        self.fail: dict[str, object] = {}
        self.sent: list[str] = []

    def send(self, method, path, *, body=None, key=None, retries=None, server_errors_down=True):
        ref = body["appointment_id"]
        self.sent.append(ref)
        how = self.fail.get(ref)
        if isinstance(how, str):
            raise BackendUnavailable(how)
        if isinstance(how, tuple):
            raise rejection(*how)
        return 201, {"ok": True}


class Ticks:
    def __init__(self):
        self.t = 100.0

    def __call__(self):
        return self.t


def _setup(tmp_path, clock, refs=("A", "B", "C")):
    journal = Journal.open(tmp_path, clock)
    keys = {r: journal.append("checkin", "441621", "/x", {"appointment_id": r}, ref=r, detached=True).key for r in refs}
    client, ticks = FakeClient(), Ticks()
    return journal, keys, client, ticks, Forwarder(journal, client, retry_s=1.0, park_after=3, monotonic=ticks)


def test_a_failing_entry_waits_out_its_own_backoff_and_is_parked_while_the_rest_flows(tmp_path, clock):
    journal, keys, client, ticks, fwd = _setup(tmp_path, clock)
    client.fail["A"] = "HTTP 503"
    assert fwd.forward_once()
    assert client.sent == ["A", "B", "C"] and journal.backlog() == 1
    assert fwd.forward_once() and client.sent[-1] == "C"  # A waits out its backoff (1 s): not sent
    ticks.t += 1.0
    assert fwd.forward_once() and client.sent[-1] == "A"  # failure 2: next try in 2 s
    ticks.t += 1.0
    fwd.forward_once()
    assert client.sent.count("A") == 2
    assert fwd.forward_once(force=True) and client.sent.count("A") == 3  # a technician's replay does not wait
    parked = journal.get(keys["A"])
    assert (parked.status, parked.failures, parked.park_reason) == ("parked", 3, "HTTP 503 ×3")
    assert fwd.next_due_s() is None


def test_an_unreachable_server_stops_the_pass_and_counts_against_no_entry(tmp_path, clock):
    journal, keys, client, ticks, fwd = _setup(tmp_path, clock)
    client.fail["A"] = "ConnectionError"
    for _ in range(5):
        assert not fwd.forward_once()
    assert client.sent == ["A"] * 5 and journal.get(keys["A"]).failures == 0 and journal.backlog() == 3


def test_a_timeout_counts_against_the_entry_and_ends_the_pass(tmp_path, clock):
    journal, keys, client, ticks, fwd = _setup(tmp_path, clock)
    client.fail["A"] = "ReadTimeout"
    assert not fwd.forward_once() and client.sent == ["A"]
    assert journal.get(keys["A"]).failures == 1
    assert fwd.forward_once() and client.sent == ["A", "B", "C"]  # A in backoff: the others go


def test_refusals_park_detached_entries_and_a_proxys_429_is_retried(tmp_path, clock):
    journal, keys, client, ticks, fwd = _setup(tmp_path, clock)
    client.fail["A"] = (409, {"error": "already_checked_in"})
    client.fail["B"] = (429, None)  # no error code: not the office's answer
    assert fwd.forward_once()
    assert journal.get(keys["A"]).status == "parked" and journal.get(keys["A"]).error_code == "already_checked_in"
    assert journal.get(keys["B"]).status == "pending" and journal.get(keys["B"]).failures == 1
    assert journal.get(keys["C"]).status == "acked"


def test_a_stop_while_a_send_is_in_flight_ends_quietly_and_the_entry_goes_again(tmp_path, clock, caplog):
    """A shutdown gives the forwarder a second, then closes the journal: an answer arriving after that is not
    written down, the thread ends without an error, and the entry is still pending (sent again, applied once)."""
    import threading

    journal, keys, client, ticks, fwd = _setup(tmp_path, clock, refs=("A",))
    in_flight, answer = threading.Event(), threading.Event()
    send = client.send

    def slow_send(*args, **kwargs):
        in_flight.set()
        answer.wait(10)
        return send(*args, **kwargs)

    client.send = slow_send
    fwd.start()
    thread = fwd._thread
    assert thread is not None and in_flight.wait(10)
    fwd.stop(timeout=0.01)  # the shutdown's patience runs out while the answer is on its way
    journal.close()
    answer.set()
    thread.join(10)
    assert not thread.is_alive()
    assert not [r for r in caplog.records if r.levelname in ("ERROR", "CRITICAL")], caplog.text
    reopened = Journal.open(tmp_path, clock)
    assert reopened.get(keys["A"]).status == "pending"
