"""Finding 4 of the security review: the offline bookings list copied off a kiosk (its certificate and disk) and
reversed by guessing ID numbers, which have little entropy (county, birth date, sequence, check character).

The list is fetched from the real server over mutual TLS with a kiosk's certificate. Against the previous list
(HMAC-SHA256 under a `match_key` the kiosk held) a thousand candidates recover a booked number at once; the list
now holds no key, only scrypt hashes under a salt, so each candidate costs a memory-hard hash — measured here in
CPU time against an HMAC (bench/bench_match.py prints the absolute figures: ≈ 40 ms a candidate, ≈ 3 CPU-days
for one county's 6.6 million) — and it carries only the bookings whose check-in window is still open."""

import hashlib
import hmac
import time
from datetime import date, datetime, timedelta

from kiosk.config import load_offices
from kiosk.domain.checkin import MATCH_COST, id_match
from kiosk.domain.idnumber import check_character
from office.seed import seeded_bookings
from tests.office.helpers import TODAY

NOW = datetime(2026, 11, 26, 10, 5)  # the server's clock in these tests
SEEDED = {
    b["appointment_id"]: b
    for b in seeded_bookings("441621", date.fromisoformat(TODAY), NOW, load_offices()["441621"].opening_hours)
}
COUNTY_CANDIDATES = 6_600_000


def _neighbours(number: str) -> list[str]:
    """The thousand numbers of the same county and birth date (every sequence number): the true one among them."""
    return [number[:14] + f"{i:03d}" + check_character(number[:14] + f"{i:03d}") for i in range(1000)]


def _previous_list_entry(key: bytes, number: str) -> str:
    return hmac.new(key, number.encode(), hashlib.sha256).hexdigest()


def test_a_copied_list_gives_no_cheap_guess_and_each_guess_costs_a_memory_hard_hash(api):
    listed = api.get("/v1/offices/441621/appointments").json()["appointments"]
    target = listed[0]
    true_number = SEEDED[target["appointment_id"]]["parties"][0]["id_number"]
    candidates = _neighbours(true_number)
    assert true_number in candidates

    # The attack on the previous list: the key sat beside the hashes; guessing took microseconds a candidate.
    key = b"k" * 32
    previous = _previous_list_entry(key, true_number)
    started = time.thread_time()
    found = [c for c in candidates if _previous_list_entry(key, c) == previous]
    hmac_cpu_per_candidate = (time.thread_time() - started) / len(candidates)
    assert found == [true_number]

    # Now: no key in the list, and no fast keyed hash of the salt matches.
    assert "match_key" not in target and set(target["match"]) == {"salt", "n", "r", "p"}
    salt = bytes.fromhex(target["match"]["salt"])
    entry = target["parties"][0]["id_match"]
    for fast in (
        hmac.new(salt, true_number.encode(), hashlib.sha256).hexdigest(),
        hashlib.sha256(salt + true_number.encode()).hexdigest(),
        hashlib.sha256(true_number.encode()).hexdigest(),
    ):
        assert entry not in fast
    # The cost is the tuned one at least (16 MiB a hash) and a cheaper scrypt does not match.
    cost = {k: target["match"][k] for k in ("n", "r", "p")}
    assert 128 * cost["n"] * cost["r"] >= 128 * MATCH_COST["n"] * MATCH_COST["r"] == 16 * 2**20
    assert id_match(salt, true_number, n=cost["n"] // 4, r=cost["r"], p=cost["p"]) != entry

    # Guessing must pay the list's scrypt for every candidate: measured over a few of them.
    started = time.thread_time()
    few = candidates[:3]
    for c in few:
        hashlib.scrypt(c.encode(), salt=salt, **cost, maxmem=2**26, dklen=16)
    scrypt_cpu_per_candidate = (time.thread_time() - started) / len(few)
    assert id_match(salt, true_number, **cost) == entry  # the one way in: the right number at the full cost
    # ≈ 20,000× an HMAC on the reference machine; a county's space is ≥ 12 CPU-hours even on a machine six times
    # faster than it (bench/bench_match.py: ≈ 2.9 CPU-days here)
    assert scrypt_cpu_per_candidate >= 1000 * hmac_cpu_per_candidate
    assert scrypt_cpu_per_candidate * COUNTY_CANDIDATES >= 12 * 3600


def test_the_list_holds_only_the_bookings_whose_window_is_still_open(api, clock):
    def listed():
        return {
            a["appointment_id"]: a["slot"] for a in api.get("/v1/offices/441621/appointments").json()["appointments"]
        }

    now = NOW
    closed = [a for a, b in SEEDED.items() if datetime.combine(now.date(), _time(b["slot"])) + timedelta(hours=1) < now]
    assert closed  # the seed has bookings of the early morning
    morning = listed()
    assert not set(closed) & set(morning) and morning
    assert all(datetime.combine(now.date(), _time(s)) + timedelta(hours=1) >= now for s in morning.values())
    clock.advance(hours=6)  # 16:05: the morning's bookings are gone too
    afternoon = listed()
    assert set(afternoon) < set(morning)
    # a booking whose window has closed is still found online (by the server, which answers too_late itself)
    gone = next(a for a in closed)
    token = SEEDED[gone]["token"]
    assert api.get("/v1/appointments/lookup", token=token).status_code == 200


def _time(slot: str):
    return datetime.strptime(slot, "%H:%M").time()
