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
            e = j.append_offline_ticket("441621", "/t", {"business": "marriage", "kiosk_id": "k1"}, "A", 700, 705,
                                        clock().date().isoformat())
            numbers.append(e.offline_number)
            assert e.body["offline"]["number"] == e.offline_number
        j.close()
    assert numbers == ["A700", "A701", "A702", "A703", "A704", "A705"]
    with pytest.raises(OfflineRangeExhausted):
        Journal.open(tmp_path, clock).append_offline_ticket("441621", "/t", {"business": "marriage"}, "A", 700, 705,
                                                            clock().date().isoformat())


def test_an_offline_ticket_gives_up_the_unanswered_request_in_the_same_transaction(tmp_path, clock):
    j = Journal.open(tmp_path, clock)
    day = clock().date().isoformat()
    lost = j.append("ticket", "441621", "/t", {"business": "marriage"})
    e = j.append_offline_ticket("441621", "/t", {"business": "marriage"}, "A", 700, 999, day, supersedes=lost.key)
    assert e.offline_number == "A700" and e.body["supersedes"] == lost.key
    assert j.get(lost.key).status == "superseded" and j.backlog() == 1
    late = j.append("ticket", "441621", "/t", {"business": "marriage"})
    assert j.record_answer(late.key, 201, {"number": "A001"})      # answered just before the kiosk gave up
    assert j.append_offline_ticket("441621", "/t", {"business": "marriage"}, "A", 700, 999, day,
                                   supersedes=late.key) is None
    assert j.get(late.key).status == "acked"
    nxt = j.append_offline_ticket("441621", "/t", {"business": "marriage"}, "A", 700, 999, day)
    assert nxt.offline_number == "A701"                             # the refused attempt took no number


def test_answers_supersede_and_retention(tmp_path, clock):
    j = Journal.open(tmp_path, clock)
    a = j.append("ticket", "441621", "/t", {"business": "marriage"})
    b = j.append("ticket", "441621", "/t", {"business": "marriage"})
    c = j.append("ticket", "441621", "/t", {"business": "marriage"})
    assert j.record_answer(a.key, 201, {"number": "A001"})
    assert j.supersede(b.key) and not j.record_answer(b.key, 201, {"number": "A002"})
    assert not j.supersede(a.key)
    assert j.backlog() == 1 and j.status()["by_status"] == {"pending": 1, "acked": 1, "rejected": 0, "superseded": 1}
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
