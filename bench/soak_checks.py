"""What a soak's figures are made of: the journal drained and the server's database compared with what the kiosk
handed out (lost, duplicated, unexpected), and the growth of the samples after warm-up (RSS, fds, threads)."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bench.soak_rig import Rig


def verify(rig: Rig, soak, drain_timeout: float = 120) -> dict:
    """Drain the journal, then compare what the kiosk handed out (`soak.checkins`, `soak.tickets`) with the
    server's database."""
    link = rig.parts.link
    t0 = time.monotonic()
    while link.backlog() and time.monotonic() - t0 < drain_timeout:
        link.forwarder.wake()
        time.sleep(0.05)
    conn = rig.server.backend.store.read()
    checkins = [
        r[0] for r in conn.execute("SELECT appointment_id FROM checkins WHERE kiosk_id=?", (rig.config.kiosk.id,))
    ]
    tickets = [
        (r[0], r[1])
        for r in conn.execute(
            "SELECT day, number FROM tickets WHERE kiosk_id=? AND status != 'void'", (rig.config.kiosk.id,)
        )
    ]
    return {
        "journal_backlog": link.backlog(),
        "drain_s": round(time.monotonic() - t0, 2),
        "checkins_lost": len(soak.checkins - set(checkins)),
        "checkins_duplicated": len(checkins) - len(set(checkins)),
        "checkins_unexpected": len(set(checkins) - soak.checkins),
        "tickets_lost": len(soak.tickets - set(tickets)),
        "tickets_duplicated": len(tickets) - len(set(tickets)),
        "tickets_unexpected": len(set(tickets) - soak.tickets),
        "checkins": len(soak.checkins),
        "tickets": len(soak.tickets),
        "journal": rig.parts.link.journal.status()["by_status"],
    }


def slope_per_1000(samples: list[dict], key: str) -> float | None:
    """Least-squares trend of `key` in units per 1,000 journeys (one sample is noisy; a leak is a slope)."""
    points = [(s["journeys"], s[key]) for s in samples if s.get(key) is not None]
    if len(points) < 3:
        return None
    n = len(points)
    mx, my = sum(x for x, _ in points) / n, sum(y for _, y in points) / n
    var = sum((x - mx) ** 2 for x, _ in points)
    return round(1000 * sum((x - mx) * (y - my) for x, y in points) / var, 2) if var else None


def growth(samples: list[dict], warmup: int) -> dict:
    if not samples:  # the run stopped before its first sample: its error is reported elsewhere
        return {}
    after = [s for s in samples if s["journeys"] >= warmup] or samples
    first, last = after[0], samples[-1]
    return {
        "rss_growth_pct": round(100 * (last["rss_mb"] - first["rss_mb"]) / first["rss_mb"], 2),
        "rss_trend_mb_per_1000": slope_per_1000(after, "rss_mb"),
        "rss_mb_first": first["rss_mb"],
        "rss_mb_last": last["rss_mb"],
        "rss_mb_max_after_warmup": max(s["rss_mb"] for s in after),
        "rss_trimmed_growth_pct": round(
            100 * (last.get("rss_trimmed_mb", 0) - first.get("rss_trimmed_mb", 0)) / first.get("rss_trimmed_mb", 1), 2
        ),
        "server_rss_mb_first": first.get("server_rss_mb"),
        "server_rss_mb_last": last.get("server_rss_mb"),
        "fd_growth": last["fds"] - first["fds"],
        "fd_max": max(s["fds"] for s in after),
        "thread_growth": last["threads"] - first["threads"],
        "thread_max": max(s["threads"] for s in after),
    }
