"""A kiosk process for the kill -9 trials: `python -m bench.crash_child STATE URL BOOKINGS.json MODE`.

MODE work: check in and take a ticket for each booking not yet in the journal (the OfficeLink with its journal
and forwarder, as the kiosk does), printing "ready" first; the parent kills it with SIGKILL at a random moment.
MODE drain: send whatever the journal still holds, then print the journal's status as JSON.
"""

import json
import os
import sys
import time
from datetime import datetime

from bench.faults_office import KIOSK_ID, OFFICE
from kiosk.config import load_offices
from kiosk.services.backend_status import CHINA, BackendStatus
from kiosk.services.journal import Journal
from kiosk.services.office_client import BackendRejected, OfficeClient
from kiosk.services.office_link import OfficeLink
from office.clock import offset_clock

state, url, bookings_file, mode = sys.argv[1:5]
bookings = json.loads(open(bookings_file, encoding="utf-8").read())
clock = offset_clock(datetime.fromisoformat(bookings[0]["date"] + "T10:05:00").replace(tzinfo=CHINA))
ca, cert, key = os.environ["CRASH_TLS"].split(os.pathsep)
client = OfficeClient(
    url,
    kiosk_id=KIOSK_ID + "-crashy",
    connect_timeout_s=0.5,
    read_timeout_s=1.0,
    retries=0,
    status=BackendStatus(),
    ca_file=ca,
    client_cert=cert,
    client_key=key,
)
link = OfficeLink(
    office=load_offices()[OFFICE],
    client=client,
    journal=Journal.open(state, clock),
    clock=clock,
    retry_s=0.02,
    answer_wait_s=2.0,
)
link.forwarder.idle_s = 0.05
link.start()

if mode == "work":
    done = {(e.kind, e.ref) for e in link.journal.entries(limit=100_000)}
    print("ready", flush=True)
    for b in bookings:
        ids = [p["id_number"] for p in b["parties"]]
        if ("checkin", b["appointment_id"]) not in done:
            try:
                link.check_in(b, ids)
            except BackendRejected:
                continue
        if ("ticket", b["appointment_id"]) not in done:
            link.issue_ticket("marriage", b["appointment_id"])
    print("finished", flush=True)
    time.sleep(60)
else:
    deadline = time.monotonic() + 60
    while link.backlog() and time.monotonic() < deadline:
        link.forwarder.wake()
        time.sleep(0.02)
    print(json.dumps(link.journal.status()), flush=True)
    link.stop()
