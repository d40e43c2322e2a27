"""Finding 3 of issue 24 through the real server (mutual TLS): offline tickets are accepted only when a kiosk cut
off from the server could have printed them, count against the walk-in quota, and a counter voids a kiosk's
offline batch in one action; `supersedes` voids only the same kiosk's ticket."""

from datetime import datetime, timedelta

import pytest

from bench.rigs.clock import ManualClock
from bench.rigs.office_server import serve_in_thread
from tests.office.helpers import Api, set_office

OPENING = datetime(2026, 11, 26, 8, 30)  # a Thursday: 08:30–12:00, 14:30–17:30


@pytest.fixture
def clock():
    return ManualClock(OPENING)


@pytest.fixture
def server(tmp_path, clock):
    with serve_in_thread(tmp_path / "office.db", clock) as running:
        yield running


def _offline(api, number, at, key=None, **extra):
    body = {"business": "marriage", "kiosk_id": api.name, "offline": {"number": number, "issued_at": at.isoformat()}}
    return api.post("/v1/offices/441621/tickets", {**body, **extra}, key)


def _at(hhmmss):
    return datetime.fromisoformat(f"2026-11-26T{hhmmss}+08:00")


class Kiosk(Api):
    def __init__(self, server, name="k1", office="441621", role="kiosk"):
        super().__init__(server, role=role, name=name, office=office)
        self.name = name

    def ticket(self, business, appointment_id=None, office="441621", key=None, **extra):
        body = {"business": business, "kiosk_id": self.name, **extra}
        return self.post(f"/v1/offices/{office}/tickets", body, key)


def test_back_dated_offline_tickets_neither_use_up_the_quota_nor_jump_the_queue(server, clock):
    """The attack: with one kiosk's certificate, 300 offline numbers back-dated to opening time, recorded in a
    second, used up the walk-in quota and were called before a real A001."""
    kiosk, thief, other = Kiosk(server, "k1"), Kiosk(server, "k1"), Kiosk(server, "k2")
    for _ in range(120):  # the real kiosk at work from opening: a request every 5 s for 10 minutes
        assert kiosk.get("/healthz").status_code == 200
        clock.advance(seconds=5)
    a001 = other.ticket("marriage")  # 08:40, a real walk-in at the other kiosk
    assert a001.json()["number"] == "A001"
    kiosk.get("/healthz")  # the thief takes the kiosk away at 08:40 …
    clock.advance(seconds=60)  # … and a minute later records 300 numbers
    answers = [_offline(thief, f"A{700 + i}", _at("08:30:00") + timedelta(seconds=4 * i)) for i in range(300)]
    accepted = [r.json()["issued_at"] for r in answers if r.status_code == 201]
    refused = {r.json().get("reason") for r in answers if r.status_code != 201}
    assert "kiosk_was_online" in refused and "too_close_to_another" in refused
    # none while the kiosk was talking to the server; at most one a shortest journey (60 s) after that, up to the
    # clock tolerance (10 min) ahead of the server's time
    assert accepted and all(at > a001.json()["issued_at"] for at in accepted)
    assert len(accepted) <= 11
    queue = Api(server, role="counter", name="c1").get("/v1/offices/441621/queue").json()
    assert queue["walk_in_left"] >= 40 - 1 - 11
    called = Api(server, role="counter", name="c1").post("/v1/offices/441621/queue/next", {"counter": "1"})
    assert called.json()["number"] == "A001"  # the fake tickets do not come before it


def test_offline_tickets_are_spaced_by_the_shortest_journey_and_bounded_per_kiosk(server, clock):
    set_office(server, walk_in_daily_quota=6)  # a kiosk's share: half of it, 3
    clock.set(datetime(2026, 11, 26, 10, 0))
    k1, k2 = Kiosk(server, "k1"), Kiosk(server, "k2")
    assert _offline(k1, "A700", _at("09:00:00")).status_code == 201
    close = _offline(k1, "A701", _at("09:00:30"))
    assert close.status_code == 422 and close.json() == {**close.json(), "error": "offline_implausible"}
    assert close.json()["reason"] == "too_close_to_another"
    assert _offline(k2, "A850", _at("09:00:30")).status_code == 201  # another kiosk: another journey
    assert _offline(k1, "A701", _at("09:01:00")).status_code == 201
    assert _offline(k1, "A702", _at("09:02:00")).status_code == 201
    over = _offline(k1, "A703", _at("09:03:00"))
    assert (over.status_code, over.json()["reason"], over.json()["bound"]) == (422, "kiosk_share_used", 3)


def test_an_offline_ticket_counts_against_the_walk_in_quota_like_any(server, clock):
    set_office(server, walk_in_daily_quota=2)
    clock.set(datetime(2026, 11, 26, 10, 0))
    k1, k2 = Kiosk(server, "k1"), Kiosk(server, "k2")
    assert k2.ticket("marriage").status_code == 201
    assert k2.ticket("marriage").status_code == 201
    full = _offline(k1, "A700", _at("09:30:00"))
    assert full.status_code == 429 and full.json()["error"] == "quota_exhausted"


def test_offline_tickets_only_within_opening_hours(server, clock):
    clock.set(datetime(2026, 11, 26, 20, 0))
    r = _offline(Kiosk(server), "A700", _at("19:30:00"))  # 17:30 closing + the hour's margin is past
    assert r.status_code == 422 and r.json()["error"] == "bad_time"


def test_a_short_outage_is_honoured(server, clock):
    """The real case: the kiosk was heard, then nothing for minutes (its requests did not arrive), then a ticket it
    printed meanwhile arrives with the journal."""
    kiosk = Kiosk(server)
    clock.set(datetime(2026, 11, 26, 9, 0))
    kiosk.get("/healthz")
    clock.advance(seconds=40)  # 09:00:40 the applicant takes the offline number
    clock.advance(minutes=3)  # the network is back
    assert _offline(kiosk, "A700", _at("09:00:40")).status_code == 201


def test_a_counter_voids_a_kiosks_offline_batch_in_one_audited_action(server, clock):
    clock.set(datetime(2026, 11, 26, 10, 0))
    k1, k2 = Kiosk(server, "k1"), Kiosk(server, "k2")
    for i in range(3):
        assert _offline(k1, f"A{700 + i}", _at("09:00:00") + timedelta(minutes=i)).status_code == 201
    assert _offline(k2, "A850", _at("09:00:00")).status_code == 201
    path = "/v1/offices/441621/offline/void"
    assert Api(server, role="counter", name="c9", office="441622").post(path, {"kiosk_id": "k1"}).status_code == 403
    assert k2.post(path, {"kiosk_id": "k1"}).status_code == 403  # kiosks do not void
    r = Api(server, role="counter", name="c1").post(path, {"kiosk_id": "k1", "counter": "3"})
    assert r.status_code == 200 and r.json()["voided"] == 3
    rows = server.backend.store.read().execute("SELECT number, status FROM tickets ORDER BY number").fetchall()
    assert [tuple(x) for x in rows] == [("A700", "void"), ("A701", "void"), ("A702", "void"), ("A850", "waiting")]
    audit = server.backend.store.read().execute("SELECT who, status, ref FROM audit WHERE path=?", (path,)).fetchall()
    assert ("counter:c1@441621", 200, "k1:3") in [tuple(a) for a in audit]


def test_supersedes_voids_only_a_ticket_the_same_kiosk_took(server, clock):
    clock.set(datetime(2026, 11, 26, 10, 0))
    k1, k2 = Kiosk(server, "k1"), Kiosk(server, "k2")
    theirs = k2.post("/v1/offices/441621/tickets", {"business": "marriage", "kiosk_id": "k2"}, key="k2-key")
    assert theirs.status_code == 201
    assert _offline(k1, "A700", _at("09:30:00"), supersedes="k2-key").status_code == 201
    status = server.backend.store.read().execute(
        "SELECT status FROM tickets WHERE ticket_id=?", (theirs.json()["ticket_id"],)
    )
    assert status.fetchone()[0] == "waiting"
    mine = k1.post("/v1/offices/441621/tickets", {"business": "marriage", "kiosk_id": "k1"}, key="k1-key")
    clock.advance(minutes=5)
    assert _offline(k1, "A701", _at("10:02:00"), supersedes="k1-key").status_code == 201
    status = server.backend.store.read().execute(
        "SELECT status FROM tickets WHERE ticket_id=?", (mine.json()["ticket_id"],)
    )
    assert status.fetchone()[0] == "void"


def test_contacts_are_kept_across_a_restart(server, clock, tmp_path):
    kiosk = Kiosk(server)
    for _ in range(10):
        kiosk.get("/healthz")
        clock.advance(seconds=5)
    kiosk.ticket("marriage")  # a write: the contacts go to the database with it
    with serve_in_thread(server.backend.store.path, clock, seed=None, pki_dir=server.pki_dir) as second:
        r = _offline(Kiosk(second), "A700", _at("08:30:20"))
        assert r.status_code == 422 and r.json()["reason"] == "kiosk_was_online"
