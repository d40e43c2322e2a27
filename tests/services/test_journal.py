"""The journal on its own: durable, encrypted, offline numbers that never repeat, retention."""

import os
import sqlite3

import pytest

from kiosk.services.journal import Journal, JournalError, OfflineRangeExhausted

BODY = {"appointment_id": "AP1", "kiosk_id": "k1", "parties": [{"id_number": "441621199001011234"}]}


def test_append_is_encrypted_and_survives_reopening(tmp_path, clock):
    j = Journal.open(tmp_path, clock)
    e = j.append("checkin", "441621", "/v1/offices/441621/checkins", BODY, ref="AP1")
    assert (e.status, e.body) == ("pending", BODY)
    j.close()
    assert os.stat(tmp_path / "journal.key").st_mode & 0o777 == 0o600
    rows = sqlite3.connect(tmp_path / "journal.sqlite3").execute("SELECT body FROM entries")
    raw = b"".join(bytes(r[0]) for r in rows)
    assert b"441621199001011234" not in raw and raw
    again = Journal.open(tmp_path, clock)
    assert [x.key for x in again.pending()] == [e.key] and again.pending()[0].body == BODY
    assert again.checked_in_here("AP1") and not again.checked_in_here("AP1", exclude_key=e.key)


def test_a_replaced_key_file_is_an_error_not_garbage(tmp_path, clock):
    Journal.open(tmp_path, clock).append("checkin", "441621", "/x", BODY)
    (tmp_path / "journal.key").unlink()
    with pytest.raises(JournalError):
        Journal.open(tmp_path, clock).pending()


def test_offline_numbers_never_repeat_after_restart(tmp_path, clock):
    numbers = []
    for _ in range(3):
        j = Journal.open(tmp_path, clock)
        for _ in range(2):
            e = j.append_offline_ticket(
                "441621", "/t", {"business": "marriage", "kiosk_id": "k1"}, "A", 700, 705, clock().date().isoformat()
            )
            numbers.append(e.offline_number)
            assert e.body["offline"]["number"] == e.offline_number
        j.close()
    assert numbers == ["A700", "A701", "A702", "A703", "A704", "A705"]
    with pytest.raises(OfflineRangeExhausted):
        Journal.open(tmp_path, clock).append_offline_ticket(
            "441621", "/t", {"business": "marriage"}, "A", 700, 705, clock().date().isoformat()
        )


def test_an_offline_ticket_gives_up_the_unanswered_request_in_the_same_transaction(tmp_path, clock):
    j = Journal.open(tmp_path, clock)
    day = clock().date().isoformat()
    lost = j.append("ticket", "441621", "/t", {"business": "marriage"})
    e = j.append_offline_ticket("441621", "/t", {"business": "marriage"}, "A", 700, 999, day, supersedes=lost.key)
    assert e.offline_number == "A700" and e.body["supersedes"] == lost.key
    assert j.get(lost.key).status == "superseded" and j.backlog() == 1
    late = j.append("ticket", "441621", "/t", {"business": "marriage"})
    assert j.record_answer(late.key, 201, {"number": "A001"})  # answered just before the kiosk gave up
    assert (
        j.append_offline_ticket("441621", "/t", {"business": "marriage"}, "A", 700, 999, day, supersedes=late.key)
        is None
    )
    assert j.get(late.key).status == "acked"
    nxt = j.append_offline_ticket("441621", "/t", {"business": "marriage"}, "A", 700, 999, day)
    assert nxt.offline_number == "A701"  # the refused attempt took no number


def test_answers_supersede_and_retention(tmp_path, clock):
    j = Journal.open(tmp_path, clock)
    a = j.append("ticket", "441621", "/t", {"business": "marriage"})
    b = j.append("ticket", "441621", "/t", {"business": "marriage"})
    c = j.append("ticket", "441621", "/t", {"business": "marriage"})
    assert j.record_answer(a.key, 201, {"number": "A001"})
    assert j.supersede(b.key) and not j.record_answer(b.key, 201, {"number": "A002"})
    assert not j.supersede(a.key)
    assert j.backlog() == 1 and j.status()["by_status"] == {
        "pending": 1,
        "parked": 0,
        "acked": 1,
        "rejected": 0,
        "superseded": 1,
        "discarded": 0,
    }
    clock.advance(days=29)
    assert j.purge(30) == 0
    clock.advance(days=2)
    assert j.purge(30) == 2
    assert [e.key for e in j.entries()] == [c.key]


def test_bookings_cache_is_encrypted(tmp_path, clock):
    j = Journal.open(tmp_path, clock)
    j.save_bookings("441621", "2026-11-26", [{"appointment_id": "AP1", "parties": [{"name": "陈伟强"}]}])
    assert j.load_bookings("441621", "2026-11-26")[0][0]["parties"][0]["name"] == "陈伟强"
    raw = sqlite3.connect(tmp_path / "journal.sqlite3").execute("SELECT data FROM bookings_cache").fetchone()[0]
    assert "陈伟强".encode() not in bytes(raw)
    clock.advance(days=1)
    j.purge(30)
    assert j.load_bookings("441621", "2026-11-26") == ([], None)


def test_failures_park_an_entry_which_a_technician_retries_or_discards(tmp_path, clock):
    j = Journal.open(tmp_path, clock)
    a = j.append("checkin", "441621", "/x", BODY, ref="AP1")
    b = j.append("checkin", "441621", "/x", BODY, ref="AP2")
    assert j.record_failure(a.key, "HTTP 503", park_after=2).status == "pending"
    parked = j.record_failure(a.key, "HTTP 503", park_after=2)
    assert (parked.status, parked.failures, parked.park_reason) == ("parked", 2, "HTTP 503 ×2")
    assert [e.key for e in j.pending()] == [b.key] and [e.key for e in j.pending(after=b.seq)] == []
    assert j.status()["parked"] == 1 and j.status()["backlog"] == 1
    assert j.checked_in_here("AP1")  # parked is not forgotten by the offline rules
    clock.advance(days=100)
    j.purge(30)
    assert j.get(a.key).status == "parked"  # retention never drops what a technician must see
    assert j.retry(a.key) and j.get(a.key).status == "pending" and j.get(a.key).failures == 0
    j.record_failure(a.key, "ReadTimeout", park_after=1)
    assert j.discard(a.key) and j.get(a.key).status == "discarded" and not j.retry(a.key)


def test_a_refusal_is_parked_only_when_nobody_waits_for_it(tmp_path, clock):
    j = Journal.open(tmp_path, clock)
    live = j.append("checkin", "441621", "/x", BODY, ref="AP1")
    queued = j.append("checkin", "441621", "/x", BODY, ref="AP2", detached=True)
    late = j.append("checkin", "441621", "/x", BODY, ref="AP3")
    assert j.detach(late.key)
    for e in (live, queued, late):
        j.record_answer(e.key, 409, {"error": "too_late"})
    assert [j.get(e.key).status for e in (live, queued, late)] == ["rejected", "parked", "parked"]
    assert j.get(queued.key).park_reason == "HTTP 409 too_late"
    assert not j.detach(live.key)  # answered already: the caller uses the answer


def test_a_journal_from_before_parking_is_migrated_in_place(tmp_path, clock):
    j = Journal.open(tmp_path, clock)
    e = j.append("checkin", "441621", "/x", BODY)
    j.close()
    conn = sqlite3.connect(tmp_path / "journal.sqlite3")
    for column in ("failures", "park_reason", "detached"):
        conn.execute(f"ALTER TABLE entries DROP COLUMN {column}")
    conn.commit()
    conn.close()
    again = Journal.open(tmp_path, clock)
    assert again.get(e.key).failures == 0 and again.pending()[0].key == e.key
