"""A kiosk process for the kill -9 test: `python crash_child.py STATE_DIR URL MODE N`.

Modes: after_commit (journal N tickets, die before sending), after_send (die once the server has applied a
request but before its answer is recorded), after_ack (die right after recording an answer), drain (send all,
print the journal status), loop (journal tickets and forward them until killed).
"""

import json
import os
import signal
import sys
import time

from kiosk.services.forwarder import Forwarder
from kiosk.services.journal import Journal
from kiosk.services.office_client import OfficeClient

state, url, mode, n = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
PATH = "/v1/offices/441621/tickets"


def die():
    os.kill(os.getpid(), signal.SIGKILL)


class Client(OfficeClient):
    def send(self, *args, **kwargs):
        answer = super().send(*args, **kwargs)
        if mode == "after_send":
            die()
        return answer


class CrashingJournal(Journal):
    def record_answer(self, key, status, response):
        settled = super().record_answer(key, status, response)
        if mode == "after_ack":
            die()
        return settled


journal = CrashingJournal.open(state)
ca, cert, key = os.environ["CRASH_TLS"].split(os.pathsep)  # the kiosk certificate "crashy"
client = Client(
    url,
    kiosk_id="crashy",
    connect_timeout_s=1,
    read_timeout_s=2,
    retries=0,
    ca_file=ca,
    client_cert=cert,
    client_key=key,
)
forwarder = Forwarder(journal, client, retry_s=0.05, idle_s=0.05)


def journal_ticket():
    journal.append(
        "ticket", "441621", PATH, {"business": "archive_query", "appointment_id": None, "kiosk_id": "crashy"}
    )


if mode == "after_commit":
    for _ in range(n):
        journal_ticket()
    die()
elif mode in ("after_send", "after_ack", "drain"):
    forwarder.forward_once()
    print(json.dumps(journal.status()))
elif mode == "loop":
    print("ready", flush=True)
    forwarder.start()
    while True:
        if len(journal.entries()) < n:
            journal_ticket()
            forwarder.wake()
        time.sleep(0.01)
