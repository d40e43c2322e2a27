"""Fault trials between the kiosk's OfficeLink (+ journal) and the real office server on loopback, through the
fault-injecting proxy: down, slow, 500s, lost answers. At the end the server's database is compared with what
the kiosk told applicants: check-ins and tickets lost (goal 0) and duplicated (goal 0)."""

from __future__ import annotations

import copy
import random
import statistics
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path

from kiosk.services.backend_status import CHINA

OFFICE = "441621"
KIOSK_ID = "fault-kiosk"
# name → proxy mode (None: the server process itself is stopped and started again)
FAULTS = {
    "server down (stopped, restarted)": None,
    "connection refused/reset": "reset",
    "slow beyond read timeout": "delay_response",
    "500 before applying": "error_before",
    "500 after applying": "error_after",
    "answer lost after applying": "drop_response",
    "no answer at all (blackhole)": "blackhole",
}


def clone_bookings(day: date, now: datetime, n: int, tag: str = "X") -> list[dict]:
    """`n` bookings in the current slot, like the seeded walk-through marriage, each with its own people."""
    from stdnum.cn import ric

    from office.seed import seeded_bookings

    base = seeded_bookings(OFFICE, day, now)[0]
    rng = random.Random(f"{tag}:{day}")
    out = []
    for i in range(n):
        b = copy.deepcopy(base)
        b["appointment_id"] = f"AP{tag}{day:%Y%m%d}{i:05d}"
        b["token"] = "".join(rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567") for _ in range(16))
        b["phone"] = f"139{rng.randrange(10**8):08d}"
        for p in b["parties"]:
            birth = date.fromisoformat(p["birth"]) - timedelta(days=i // 400)
            seq = (i % 400) * 2 + (1 if p["sex"] == "male" else 0) + 100
            body = f"{p['id_number'][:6]}{birth:%Y%m%d}{seq:03d}"
            p["id_number"], p["birth"] = body + ric.calc_check_digit(body + "0"), birth.isoformat()
        out.append(b)
    return out


def store(server, bookings: list[dict], quota: int = 100_000) -> None:
    from office.seed import store_bookings

    backend = server.backend
    backend.offices[OFFICE] = backend.offices[OFFICE].model_copy(update={"walk_in_daily_quota": quota})
    with backend.store.write() as conn:
        store_bookings(conn, bookings)
    for day in sorted({b["date"] for b in bookings}):  # hashed ahead, as the server's background thread does
        backend.warm_matches([OFFICE], day)


def server_rows(server, sql: str, *args) -> list:
    return server.backend.store.read().execute(sql, args).fetchall()


def compare(server, checkins: set[str], tickets: set[tuple[str, str]], kiosk_id: str = KIOSK_ID) -> dict:
    got_c = [r[0] for r in server_rows(server, "SELECT appointment_id FROM checkins WHERE kiosk_id=?", kiosk_id)]
    got_t = [
        (r[0], r[1])
        for r in server_rows(server, "SELECT day, number FROM tickets WHERE kiosk_id=? AND status != 'void'", kiosk_id)
    ]
    return {
        "checkins_expected": len(checkins),
        "checkins_lost": len(checkins - set(got_c)),
        "checkins_duplicated": len(got_c) - len(set(got_c)),
        "checkins_unexpected": len(set(got_c) - checkins),
        "tickets_expected": len(tickets),
        "tickets_lost": len(tickets - set(got_t)),
        "tickets_duplicated": len(got_t) - len(set(got_t)),
        "tickets_unexpected": len(set(got_t) - tickets),
    }


def _ms(values: list[float]) -> dict:
    return {
        "median": round(1000 * statistics.median(values)) if values else None,
        "max": round(1000 * max(values)) if values else None,
    }


def office_trials(rounds: int = 2, per_round: int = 6, read_timeout_s: float = 0.5) -> dict:
    from office.offices import load_offices
    from kiosk.services.backend_status import BackendStatus
    from kiosk.services.journal import Journal
    from kiosk.services.office_client import BackendRejected, OfficeClient
    from kiosk.services.office_link import OfficeLink
    from bench.rigs.clock import ManualClock
    from bench.rigs.faultproxy import FaultProxy
    from bench.rigs.office_server import serve_in_thread
    from office.offline import OfflineRules

    work = tempfile.TemporaryDirectory(prefix="kiosk-faults-office-")
    db = Path(work.name) / "office.db"
    clock = ManualClock(datetime(2026, 11, 26, 10, 5, tzinfo=CHINA))
    # The clock stands still while the kiosk prints several offline tickets: no spacing between them here (the
    # plausibility rules are tried in tests/office/test_offline.py).
    server = serve_in_thread(db, clock, seed=None, offline_rules=OfflineRules(min_interval_s=0))
    port = server.port
    proxy = FaultProxy.for_server(server).start()
    ca, cert, key = server.client_files("kiosk", KIOSK_ID, OFFICE)
    client = OfficeClient(
        proxy.url,
        kiosk_id=KIOSK_ID,
        connect_timeout_s=0.5,
        read_timeout_s=read_timeout_s,
        retries=1,
        backoff_s=0.05,
        status=BackendStatus(),
        ca_file=ca,
        client_cert=cert,
        client_key=key,
    )
    link = OfficeLink(
        office=load_offices()[OFFICE],
        client=client,
        journal=Journal.open(Path(work.name) / "k", clock),
        clock=clock,
        retry_s=0.05,
        answer_wait_s=2 * read_timeout_s + 1.0,
    )
    link.forwarder.max_retry_s = 1.0  # the kiosk's cap is 30 s; a bench should not wait that out
    checkins: set[str] = set()
    tickets: set[tuple[str, str]] = set()
    rows: dict[str, dict] = {}
    refused = 0

    def serve(b: dict, day, walk_in_too: bool, row: dict, hit: str | None = None) -> int:
        """One booked couple (check-in + ticket) and maybe a walk-in; 1 if the rules refused the check-in.
        With `hit`, each request waits until the kiosk sees the server up, then the proxy faults just it."""

        def arm():
            if hit is not None:
                wait_up()
                proxy.script = [hit]
            row["injected"] += 1

        ids = [p["id_number"] for p in b["parties"]]
        arm()
        try:
            c = link.check_in(b, ids)
        except BackendRejected:
            return 1
        checkins.add(b["appointment_id"])
        row["offline_answers"] += not c.online
        arm()
        t = link.issue_ticket("marriage", b["appointment_id"])
        row["offline_answers"] += t.offline
        tickets.add((day.isoformat(), t.number))
        if walk_in_too:
            arm()
            w = link.issue_ticket("archive_query", parties=[{"id_number": ids[0], "address": ""}])
            row["offline_answers"] += w.offline
            tickets.add((day.isoformat(), w.number))
        return 0

    def settle(t0: float, row: dict) -> None:
        """Until the journal has drained (and the backend is seen up again): the recovery time."""
        online = None
        row["episodes"] += 1
        while time.monotonic() - t0 < 60 and (link.backlog() or online is None):
            link.forwarder.wake()
            if online is None and link.status.up:
                online = time.monotonic() - t0
            time.sleep(0.01)
        if link.backlog() == 0:
            row["recovered"] += 1
            row["drain"].append(time.monotonic() - t0)
        if online is not None:
            row["first_online"].append(online)

    def wait_up() -> None:
        deadline = time.monotonic() + 30
        while not link.status.up and time.monotonic() < deadline:
            link.forwarder.wake()
            time.sleep(0.01)

    try:
        link.start()
        for name, mode in FAULTS.items():
            row = rows.setdefault(
                name,
                {"injected": 0, "episodes": 0, "recovered": 0, "offline_answers": 0, "drain": [], "first_online": []},
            )
            for r in range(rounds):
                # A fresh day per round: bookings, quotas and offline number ranges do not run out.
                clock.set(
                    datetime.combine(clock().date() + timedelta(days=1), datetime.min.time()).replace(hour=10, minute=5)
                )
                day = clock().date()
                bookings = clone_bookings(day, clock(), 2 * per_round)
                store(server, bookings)
                link.cache.refresh()
                # Sustained: the fault stays on while applicants come (the kiosk soon knows it is offline).
                if mode is None:
                    server.stop()
                else:
                    proxy.mode, proxy.delay_s = mode, read_timeout_s * 3
                for i, b in enumerate(bookings[:per_round]):
                    refused += serve(b, day, i % 2 == 1, row)
                t0 = time.monotonic()
                if mode is None:
                    server = serve_in_thread(
                        db,
                        clock,
                        seed=None,
                        port=port,
                        pki_dir=server.pki_dir,
                        offline_rules=server.backend.offline_rules,
                    )
                    store(server, [])
                proxy.mode = "pass"
                settle(t0, row)
                # Intermittent: the kiosk believes the server is up and the very request it waits on is hit.
                if mode is not None:
                    for i, b in enumerate(bookings[per_round:]):
                        refused += serve(b, day, i % 2 == 1, row, hit=mode)
                        settle(time.monotonic(), row)
        figures = {}
        for name, row in rows.items():
            figures[name] = {
                "injected": row["injected"],
                "episodes": row["episodes"],
                "recovered": row["recovered"],
                "offline_answers": row["offline_answers"],
                "recover_ms_median": _ms(row["drain"])["median"],
                "recover_ms_max": _ms(row["drain"])["max"],
                "backend_seen_up_ms_median": _ms(row["first_online"])["median"],
            }
        totals = compare(server, checkins, tickets)
        totals.update(refused_by_rules=refused, journal=link.journal.status()["by_status"])
        return {"faults": figures, **totals}
    finally:
        link.stop()
        proxy.stop()
        server.stop()
        work.cleanup()
