"""The office server on a disk that fills (a tmpfs mounted as root): writes are refused with 503 storage_full and
Retry-After, nothing half-written, reads go on, the database stays intact, and the same request (same key) is
applied once when space returns."""

import sqlite3

import pytest

from bench.rigs.office_server import serve_in_thread
from office import audit
from tests.office.helpers import Api
from tests.smallfs import fill, settle_wal, small_filesystem


@pytest.fixture
def full_server(tmp_path, clock):
    with small_filesystem(tmp_path / "db-fs", "4m") as mnt:
        with serve_in_thread(mnt / "office.db", clock) as running:
            yield running, mnt


def test_a_full_disk_refuses_writes_with_503_and_keeps_the_database_intact(full_server):
    server, mnt = full_server
    api = Api(server)
    b = api.bookings()
    assert api.checkin(b["01"]).status_code == 201
    settle_wal(mnt / "office.db")
    filler = fill(mnt)
    refused = api.checkin(b["02"], key="k-02")
    assert refused.status_code == 503, refused.text
    assert refused.json()["error"] == "storage_full" and refused.headers["Retry-After"] == "60"
    assert refused.json()["message"]["en"] == "The server's disk is full; nothing was stored. Try again later."
    ticket = api.post("/v1/offices/441621/tickets", {"business": "marriage", "kiosk_id": "k1"}, key="t-1")
    assert ticket.status_code == 503 and ticket.json()["error"] == "storage_full"
    # reads go on
    assert api.get("/v1/appointments/lookup", token=b["03"]["token"]).status_code == 200
    assert api.get("/healthz").status_code == 200
    again = api.checkin(b["02"], key="k-02")  # a kiosk retrying while the disk is still full
    assert again.status_code == 503
    conn = sqlite3.connect(f"file:{mnt / 'office.db'}?mode=ro", uri=True)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("SELECT COUNT(*) FROM checkins").fetchone()[0] == 1
    finally:
        conn.close()
    # space returns: the same requests are applied, once
    filler.unlink()
    assert api.checkin(b["02"], key="k-02").status_code == 201
    replay = api.checkin(b["02"], key="k-02")
    assert replay.status_code == 201 and replay.json()["status"] == "checked_in"
    assert api.post("/v1/offices/441621/tickets", {"business": "marriage", "kiosk_id": "k1"}, key="t-1").ok
    rows = server.backend.store.read().execute("SELECT appointment_id FROM checkins").fetchall()
    assert sorted(r[0] for r in rows) == sorted([b["01"]["appointment_id"], b["02"]["appointment_id"]])
    assert audit.verify(server.backend.store.read())["ok"] is True
