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


def full_bookings(server, office=OFFICE):
    """Today's bookings as the server lists them, with each party's ID number and the token from the seed (the
    list itself carries them only as hashes)."""
    from datetime import date

    from office.seed import seeded_bookings

    listed = {a["appointment_id"]: a for a in server.backend.appointments_of(office, None)}
    day = date.fromisoformat(server.backend.bookings_day(None))
    return {
        b["appointment_id"][-2:]: {
            **{k: b[k] for k in ("appointment_id", "office", "date", "slot", "business")},
            **listed.get(b["appointment_id"], {}),
            "parties": b["parties"],
            "token": b["token"],
        }
        for b in seeded_bookings(office, day)
    }
