"""kill -9 of a kiosk process at random moments while it journals, sends and records answers (bench/crash_child.py),
then a restart that drains the journal: every journaled request applied on the server exactly once."""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

from bench.faults_office import KIOSK_ID, clone_bookings, server_rows, store
from kiosk.services.backend_status import CHINA

ROOT = Path(__file__).resolve().parents[1]
_TLS: dict[str, str] = {}  # server URL → the crashy kiosk's CA, certificate and key (for the child)


def _child(state: Path, url: str, bookings: Path, mode: str) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "CRASH_TLS": _TLS[url]}
    return subprocess.Popen(
        [sys.executable, "-m", "bench.crash_child", str(state), url, str(bookings), mode],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def crash_trials(kills: int = 12, bookings_n: int = 300, seed: int = 9) -> dict:
    from bench.rigs.clock import ManualClock
    from bench.rigs.office_server import serve_in_thread

    rng = random.Random(seed)
    work = tempfile.TemporaryDirectory(prefix="kiosk-faults-crash-")
    root = Path(work.name)
    clock = ManualClock(datetime(2026, 11, 26, 10, 5, tzinfo=CHINA))
    server = serve_in_thread(root / "office.db", clock, seed=None)
    kiosk_id = KIOSK_ID + "-crashy"
    _TLS[server.url] = os.pathsep.join(server.client_files("kiosk", kiosk_id, "441621"))
    try:
        bookings = clone_bookings(clock().date(), clock(), bookings_n, tag="K")
        store(server, bookings)
        (root / "bookings.json").write_text(json.dumps(bookings, ensure_ascii=False), encoding="utf-8")
        state = root / "kiosk"
        killed = intact = mid_work = before = 0
        restarts: list[float] = []
        for _ in range(kills):
            child = _child(state, server.url, root / "bookings.json", "work")
            t0 = time.monotonic()
            first = child.stdout.readline().strip()
            if first != "ready":
                raise RuntimeError(f"crash child did not start: {child.stderr.read()[-500:]}")
            restarts.append(time.monotonic() - t0)  # restart until ready (journal reopened)
            time.sleep(rng.uniform(0.02, 0.5))
            child.send_signal(signal.SIGKILL)
            child.wait(10)
            child.stdout.close()
            child.stderr.close()
            killed += child.returncode == -signal.SIGKILL
            with sqlite3.connect(state / "journal.sqlite3") as conn:  # after each kill: still readable
                intact += conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
                n = conn.execute("SELECT COUNT(*) FROM entries").fetchone()[0]
                mid_work += 0 < n - before and n < 2 * bookings_n  # it was killed while it had work
                before = n
        done = _child(state, server.url, root / "bookings.json", "work")
        done.stdout.readline()
        finished_early = done.stdout.readline().strip() == "finished"
        done.kill()
        done.wait(10)
        drain = _child(state, server.url, root / "bookings.json", "drain")
        t0 = time.monotonic()
        out, err = drain.communicate(timeout=90)
        drain_s = time.monotonic() - t0
        status = json.loads(out.strip().splitlines()[-1])

        from kiosk.services.journal import Journal

        journal = Journal.open(state)
        entries = journal.entries(limit=100_000)
        journal.close()
        acked = [e for e in entries if e.status == "acked"]
        want_c = [e.ref for e in acked if e.kind == "checkin"]
        want_t = [(e.response or {}).get("number") or e.offline_number for e in acked if e.kind == "ticket"]
        got_c = [r[0] for r in server_rows(server, "SELECT appointment_id FROM checkins WHERE kiosk_id=?", kiosk_id)]
        got_t = [
            r[0]
            for r in server_rows(server, "SELECT number FROM tickets WHERE kiosk_id=? AND status != 'void'", kiosk_id)
        ]
        keys = {r[0] for r in server_rows(server, "SELECT key FROM idempotency")}
        applied_once = sum(1 for e in acked if e.key in keys)
        return {
            "kills": kills,
            "killed_by_sigkill": killed,
            "kills_mid_work": mid_work,
            "journal_intact_after_kill": intact,
            "journal_entries": len(entries),
            "by_status": status.get("by_status"),
            "keys_applied_exactly_once": applied_once,
            "keys_acked": len(acked),
            "checkins_lost": len(set(want_c) - set(got_c)),
            "checkins_duplicated": len(got_c) - len(set(got_c)),
            "checkins_unexpected": len(set(got_c) - set(want_c)),
            "tickets_lost": len(set(want_t) - set(got_t)),
            "tickets_duplicated": len(got_t) - len(set(got_t)),
            "tickets_unexpected": len(set(got_t) - set(want_t)),
            "bookings_completed": len(set(got_c)),
            "bookings": bookings_n,
            "work_finished": bool(finished_early),
            "restart_to_ready_ms_median": round(1000 * sorted(restarts)[len(restarts) // 2]) if restarts else None,
            "restart_to_ready_ms_max": round(1000 * max(restarts)) if restarts else None,
            "drain_after_restart_ms": round(1000 * drain_s),
        }
    finally:
        server.stop()
        work.cleanup()
