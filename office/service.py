"""What the office server does, apart from HTTP, as one backend: bookings and their lookups (office/bookings.py),
brute-force lockouts (office/lockouts.py), check-ins (office/checkins.py) and idempotent writes
(office/idempotency.py), on a common store, offices and clock (office/core.py). Tickets and the queue are in
office/queue.py, calls for staff in office/assistance.py."""

from __future__ import annotations

from office.checkins import Checkins
from office.idempotency import Idempotency


class OfficeBackend(Checkins, Idempotency):
    """The backend the HTTP layer and the command line are given."""
