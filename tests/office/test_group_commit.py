"""Group commit: POSTs that arrive together share one transaction, yet each succeeds or fails on its own."""

import asyncio
from datetime import datetime

import pytest

from office import queue
from office.assemble import build
from bench.rigs.clock import ManualClock
from office.errors import ApiError
from office.group_commit import GroupCommit


@pytest.fixture
def backend(tmp_path):
    return build(tmp_path / "office.db", ManualClock(datetime(2026, 11, 26, 10, 5)), seed="demo")[1]


def ticket(backend, business="archive_query"):
    return lambda conn: queue.issue_ticket(backend, conn, "441621", {"business": business, "kiosk_id": "k"})


def numbers(backend) -> list[str]:
    return [r[0] for r in backend.store.read().execute("SELECT number FROM tickets ORDER BY rowid")]


def gather(writes: GroupCommit, *requests):
    async def all_at_once():
        return await asyncio.gather(*(writes.run(*r) for r in requests), return_exceptions=True)

    return asyncio.run(all_at_once())


def test_requests_arriving_together_share_one_commit_and_fail_alone(backend):
    def issue_then_crash(conn):
        ticket(backend)(conn)
        raise RuntimeError("a bug in one request")

    writes, commits = GroupCommit(backend), backend.store.commits
    first, crashed, refused, last, replay = gather(
        writes,
        ("a", "p1", ticket(backend)),
        ("b", "p2", issue_then_crash),
        ("c", "p3", ticket(backend, "dancing")),
        ("d", "p4", ticket(backend)),
        ("a", "p1", ticket(backend)),
    )
    assert backend.store.commits == commits + 1
    assert first[0] == 201 and first[1]["number"] == "E001" and first[2] is False
    assert isinstance(crashed, RuntimeError)  # undone alone: E002 goes to the next one
    assert refused[0] == 422 and refused[1]["error"] == "unknown_business"
    assert last[1]["number"] == "E002" and replay == (201, first[1], True)
    assert numbers(backend) == ["E001", "E002"]
    (conflict,) = gather(writes, ("a", "other body", ticket(backend)))
    assert isinstance(conflict, ApiError) and conflict.status == 409


def test_a_failed_commit_fails_every_request_of_the_batch(backend):
    def disk_full(requests):
        raise OSError("database or disk is full")

    backend.idempotent_batch = disk_full
    outcomes = gather(GroupCommit(backend), ("a", "p1", ticket(backend)), ("b", "p2", ticket(backend)))
    assert [type(o) for o in outcomes] == [OSError, OSError] and numbers(backend) == []


def test_a_bad_key_is_refused_before_it_joins_a_batch(backend):
    (bad,) = gather(GroupCommit(backend), ("k" * 201, "p", ticket(backend)))
    assert isinstance(bad, ApiError) and bad.status == 400 and numbers(backend) == []
