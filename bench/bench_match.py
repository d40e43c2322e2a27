"""The offline bookings list against guessing: what one card costs the kiosk, and what guessing a county's ID
numbers back from a copied list costs an attacker on the same machine.

A kiosk hashes each card it reads once (scrypt at the list's cost, `kiosk.domain.checkin.MATCH_COST`) and compares
the hash with the list's. Someone who copied the list (and its salt) off a kiosk must hash every candidate ID
number the same way: one county's 6-digit code × 18 birth years × 365 days × 1,000 sequence numbers ≈ 6.6 million
candidates (the check character follows from the rest). The figures: CPU time per hash (one core; what an attacker
pays per candidate and the kiosk per card, whatever else the machine does), the wall time per card on this machine
as it is now (goal ≤ 50 ms), the attacker's days on one core and on all of this machine's cores, and the same
guess against the previous scheme (HMAC-SHA256 under a key the kiosk held).

Run: .venv/bin/python -m bench.bench_match
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import statistics
import time

CANDIDATES = 6_600_000  # one county, 18 birth years
KIOSK_GOAL_MS = 50.0


def _numbers(n: int) -> list[str]:
    from kiosk.domain.idnumber import check_character

    out = []
    for i in range(n):
        first17 = f"441621{1990 + i % 18}{1 + i % 12:02d}{1 + i % 28:02d}{i % 1000:03d}"
        out.append(first17 + check_character(first17))
    return out


def _scrypt_costs(numbers: list[str]) -> tuple[list[float], list[float]]:
    from kiosk.domain.checkin import MATCH_COST, forget_matches, id_match

    salt = os.urandom(16)
    cpu, wall = [], []
    for number in numbers:
        forget_matches()
        w, c = time.perf_counter(), time.thread_time()
        id_match(salt, number, **MATCH_COST)
        cpu.append((time.thread_time() - c) * 1000)
        wall.append((time.perf_counter() - w) * 1000)
    return cpu, wall


def _hmac_cost_us(numbers: list[str]) -> float:
    key = os.urandom(32)
    c = time.thread_time()
    for number in numbers:
        hmac.new(key, number.encode(), hashlib.sha256).hexdigest()
    return (time.thread_time() - c) / len(numbers) * 1e6


def main(cards: int = 30) -> dict:
    from kiosk.domain.checkin import MATCH_COST

    numbers = _numbers(max(cards, 1000))
    cpu, wall = _scrypt_costs(numbers[:cards])
    hmac_us = _hmac_cost_us(numbers * 20)
    cpu_ms, wall_ms = statistics.median(cpu), statistics.median(wall)
    cores = os.cpu_count() or 1
    attacker_cpu_days = CANDIDATES * cpu_ms / 1000 / 86400
    return {
        "cost": {**MATCH_COST, "memory_mib": 128 * MATCH_COST["n"] * MATCH_COST["r"] // 2**20},
        "kiosk_per_card_cpu_ms": round(cpu_ms, 1),
        "kiosk_per_card_wall_ms_median": round(wall_ms, 1),
        "kiosk_per_card_wall_ms_max": round(max(wall), 1),
        "kiosk_goal_ms": KIOSK_GOAL_MS,
        "kiosk_goal_met": cpu_ms <= KIOSK_GOAL_MS,
        "candidates": CANDIDATES,
        "attacker_cpu_days": round(attacker_cpu_days, 2),
        "attacker_days_all_cores": round(attacker_cpu_days / cores, 2),
        "cores": cores,
        "previous_hmac_per_candidate_us": round(hmac_us, 2),
        "previous_hmac_county_seconds": round(CANDIDATES * hmac_us / 1e6, 1),
        "load_average_1min": round(os.getloadavg()[0], 1),
    }


if __name__ == "__main__":
    print(json.dumps(main(), indent=2))
