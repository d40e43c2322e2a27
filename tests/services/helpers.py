"""Helpers for the kiosk service tests."""
import time

OFFICE = "441621"


def server_rows(server, sql, *args):
    return server.backend.store.read().execute(sql, args).fetchall()


def drain(link, timeout=10.0):
    """Let the forwarder run until the journal is empty."""
    link.start()
    deadline = time.monotonic() + timeout
    while link.backlog() and time.monotonic() < deadline:
        link.forwarder.wake()
        time.sleep(0.05)
    assert link.backlog() == 0, link.journal.status()
