"""Kill -9 of the kiosk between journal commit, send and acknowledgement: after a restart the server has
applied every journaled request exactly once."""

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

from tests.services.helpers import server_rows

CHILD = Path(__file__).with_name("crash_child.py")
ROOT = Path(__file__).resolve().parents[2]


def _env(server):
    return {**os.environ, "PYTHONPATH": str(ROOT), "CRASH_TLS": os.pathsep.join(server.client_files("kiosk", "crashy"))}


def _run(server, state, mode, n=3, **kw):
    url, env = server.url, _env(server)
    return subprocess.run(
        [sys.executable, str(CHILD), str(state), url, mode, str(n)],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        **kw,
    )


def _check(server, state):
    from kiosk.services.journal import Journal

    entries = Journal.open(state).entries()
    assert entries and all(e.status == "acked" for e in entries)
    on_server = sorted(r[0] for r in server_rows(server, "SELECT number FROM tickets WHERE kiosk_id='crashy'"))
    assert on_server == sorted(e.response["number"] for e in entries)  # each once, and the kiosk knows it
    assert len(set(on_server)) == len(entries)
    return len(entries)


def test_kill_between_commit_send_and_ack(server, tmp_path):
    state = tmp_path / "kiosk"
    assert _run(server, state, "after_commit").returncode == -signal.SIGKILL
    assert server_rows(server, "SELECT COUNT(*) FROM tickets")[0][0] == 0
    assert _run(server, state, "after_send").returncode == -signal.SIGKILL  # applied, answer lost
    assert server_rows(server, "SELECT COUNT(*) FROM tickets")[0][0] == 1
    assert _run(server, state, "after_ack").returncode == -signal.SIGKILL  # resent, replayed, recorded
    done = _run(server, state, "drain")
    assert done.returncode == 0 and json.loads(done.stdout)["backlog"] == 0
    assert _check(server, state) > 0


def test_random_kills_while_forwarding(server, tmp_path):
    offices = server.backend.offices
    offices["441621"] = offices["441621"].model_copy(update={"walk_in_daily_quota": 1000})
    state, rng = tmp_path / "kiosk", random.Random(6)
    env = _env(server)
    for _ in range(4):
        child = subprocess.Popen(
            [sys.executable, str(CHILD), str(state), server.url, "loop", "40"],
            env=env,
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        assert child.stdout.readline().strip() == "ready"
        time.sleep(rng.uniform(0.05, 0.4))  # mid-stream: journaling, sending, recording answers
        child.send_signal(signal.SIGKILL)
        child.wait(10)
    assert _run(server, state, "drain").returncode == 0
    assert _check(server, state) >= 10  # the kills landed while there was work in flight
