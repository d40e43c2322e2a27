"""A full state disk (a 2 MiB tmpfs that fills, mounted as root): the kiosk keeps serving online (requests go to
the server directly and are answered before anyone is told yes), accepts nothing offline it could not journal,
tells the technician, keeps what its journal already held, and catches up when space returns — each check-in
and ticket on the server exactly once. The real server on loopback behind a fault proxy."""

import time

import pytest

from kiosk.maintenance.devices import DeviceBoard
from kiosk.maintenance.metrics import KioskCollector
from kiosk.maintenance.presenters import device_rows
from kiosk.services.journal import Journal
from kiosk.services.backend_status import BackendStatus
from kiosk.services.office_client import BackendUnavailable, OfficeClient
from kiosk.services.office_link import OfficeLink
from tests.services.helpers import OFFICE, drain, full_bookings, server_rows
from tests.smallfs import fill, settle_wal, small_filesystem


@pytest.fixture
def state_fs(tmp_path):
    with small_filesystem(tmp_path / "state-fs", "2m") as mnt:
        yield mnt


def _link(server, proxy, office, clock, state):
    ca, cert, key = server.client_files("kiosk", "k1", office.code)
    client = OfficeClient(
        proxy.url,
        kiosk_id="k1",
        # "offline" here is a reset connection (at once), never a timeout: the timeouts only catch a stuck server,
        # and a busy machine may take seconds to hash the day's bookings list
        connect_timeout_s=5.0,
        read_timeout_s=30.0,
        retries=0,
        status=BackendStatus(),
        ca_file=ca,
        client_cert=cert,
        client_key=key,
    )
    return OfficeLink(
        office=office,
        client=client,
        journal=Journal.open(state, clock),
        clock=clock,
        retry_s=0.05,
        answer_wait_s=2.0,
    )


def _until(condition, what, timeout=20.0):
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, what
        time.sleep(0.05)


def _board(link):
    board = DeviceBoard()
    board.storage_status(link.storage.snapshot())
    rows = {r["label"]: r for r in device_rows(board.snapshot(), "en")}
    samples = {s.name: s.value for f in KioskCollector("k1", OFFICE, board).collect() for s in f.samples}
    return rows, samples


def test_a_full_state_disk_serves_online_loses_nothing_and_catches_up(server, proxy, office, clock, state_fs):
    b = full_bookings(server)
    ids = {k: [p["id_number"] for p in a["parties"]] for k, a in b.items()}
    link = _link(server, proxy, office, clock, state_fs)
    try:
        assert link.cache.refresh() > 0  # the bookings whose check-in window is still open at the server's clock
        link.start()
        # offline, disk fine: accepted from the cache and journaled
        proxy.mode = "reset"
        assert not link.check_in(b["01"], ids["01"]).online
        offline = link.issue_ticket(b["01"]["business"], b["01"]["appointment_id"])
        assert (offline.number, offline.offline) == ("A700", True)
        assert link.backlog() == 2
        # the disk fills
        settle_wal(link.journal.db_path)
        filler = fill(state_fs)
        # still offline: nothing can be accepted without the journal, the applicant is sent to the counter
        with pytest.raises(BackendUnavailable, match="storage_full"):
            link.check_in(b["02"], ids["02"])
        with pytest.raises(BackendUnavailable, match="storage_full"):
            link.issue_ticket("archive_query", parties=[{"id_number": "441622199001011232", "address": ""}])
        rows, samples = _board(link)
        assert rows["Storage (state directory)"]["status"] == "fault"
        assert rows["Storage (state directory)"]["value"] == "Fault · disk full: serving online only"
        assert rows["Free"]["status"] == "fault"
        assert rows["Last error"]["value"].startswith("writes failing (since 2026-11-26 10:05:00, 2×)")
        assert samples["kiosk_state_writes_failing"] == 1 and samples["kiosk_state_free_bytes"] < 1 << 20
        # the network returns: requests go to the server directly, answered before the applicant is told yes
        proxy.mode = "pass"
        _until(lambda: link.status.up is True, "the forwarder reaches the server")
        assert link.check_in(b["03"], ids["03"]).online
        online = link.issue_ticket(b["03"]["business"], b["03"]["appointment_id"])
        assert not online.offline and online.ticket_id
        assert link.call_staff("confirm", b["03"]["business"]) is not None  # the office's call id
        # the journal's own entries reach the server (their answers cannot be written down yet: sent again,
        # applied once)
        _until(
            lambda: len(server_rows(server, "SELECT 1 FROM checkins")) == 2,
            "the journaled check-in reaches the server",
        )
        assert link.backlog() == 2
        # space returns: the answers are recorded, the journal is empty, the technician's page is green again
        filler.unlink()
        drain(link)
        rows, samples = _board(link)
        assert rows["Storage (state directory)"]["status"] == "ok" and samples["kiosk_state_writes_failing"] == 0
        proxy.mode = "reset"
        assert not link.check_in(b["02"], ids["02"]).online  # offline service is back (02 was refused before)
        proxy.mode = "pass"
        drain(link)
    finally:
        link.stop()
        link.journal.close()
    checkins = [r[0] for r in server_rows(server, "SELECT appointment_id FROM checkins")]
    assert sorted(checkins) == sorted(b[k]["appointment_id"] for k in ("01", "02", "03"))
    tickets = server_rows(server, "SELECT number, offline FROM tickets WHERE status='waiting' ORDER BY number")
    assert sorted(tuple(t) for t in tickets) == sorted([(online.number, 0), ("A700", 1)])
    assert len(server_rows(server, "SELECT 1 FROM assistance_calls")) == 1
