"""python -m bench.faults [--quick] [--json]: the fault suite, with figures.

- serial devices (ID card reader, QR scanner, fingerprint sensor): garbage bytes, half frames, bad checksums,
  unplug/replug — through the simulators' handles (bench/faults_devices.py);
- printer: paper out before and mid-job, cover open, offline, port vanishing mid-job, a job queued too long;
- office server: down, refused, slow beyond the read timeout, 500s before/after applying, answers lost,
  blackhole — the kiosk's OfficeLink + journal through bench/rigs/faultproxy.py; the server's database is then
  compared with what the kiosk handed out (bench/faults_office.py);
- kill -9 of a kiosk process at random points while it journals and sends, then a restart (bench/faults_crash.py).

Per fault: injected, recovered, time to recover (median/max); for the office: check-ins and tickets lost (goal 0)
and duplicated (goal 0).
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import time
from concurrent.futures import ThreadPoolExecutor


def _section(name: str, fn, *args) -> tuple[dict, float]:
    t0 = time.monotonic()
    try:
        return fn(*args), round(time.monotonic() - t0, 1)
    except Exception as e:  # a broken section is a figure too, not a crash of the whole suite
        logging.getLogger(__name__).exception("fault section %s failed", name)
        return {"_error": f"{type(e).__name__}: {e}"}, round(time.monotonic() - t0, 1)


def run(quick: bool = False) -> dict:
    from bench.faults_crash import crash_trials
    from bench.faults_devices import fingerprint_trials, idcard_trials, printer_trials, scanner_trials
    from bench.faults_office import office_trials

    rounds = 1 if quick else 3
    devices: dict = {}
    seconds: dict = {}
    # Quick (the tests): the office section, which mostly waits out timeouts on loopback, runs beside the others.
    # The full suite runs one section at a time, so its recovery times are not measured on a shared CPU.
    beside = ThreadPoolExecutor(1) if quick else None
    office_args = ("office", office_trials, 1 if quick else 2, 3 if quick else 8)
    office_run = beside.submit(_section, *office_args) if beside else None
    for name, fn in (
        ("idcard", idcard_trials),
        ("scanner", scanner_trials),
        ("fingerprint", fingerprint_trials),
        ("printer", printer_trials),
    ):
        result, seconds[name] = _section(name, fn, rounds)
        devices.update(result if "_error" not in result else {f"{name} (section failed)": result})
    crash, seconds["crash"] = _section("crash", crash_trials, 4 if quick else 12, 60 if quick else 300)
    office, seconds["office"] = office_run.result() if office_run else _section(*office_args)
    if beside:
        beside.shutdown()

    rows = {**devices, **{f"office: {k}": v for k, v in office.get("faults", {}).items()}}
    if "kills" in crash:
        clean = not any(
            crash.get(k)
            for k in (
                "checkins_lost",
                "checkins_duplicated",
                "tickets_lost",
                "tickets_duplicated",
                "tickets_unexpected",
                "checkins_unexpected",
            )
        )
        rows["kiosk kill -9 mid-journal, restart"] = {
            "injected": crash["kills"],
            "recovered": crash["journal_intact_after_kill"] if clean else 0,
            "recover_ms_median": crash.get("restart_to_ready_ms_median"),
            "recover_ms_max": crash.get("restart_to_ready_ms_max"),
        }
    injected = sum(r.get("injected", 0) for r in rows.values())
    recovered = sum(r.get("recovered", 0) for r in rows.values())
    episodes = sum(r.get("episodes", r.get("injected", 0)) for r in rows.values())
    lost = {
        k: office.get(k, 0) + crash.get(k, 0)
        for k in (
            "checkins_lost",
            "checkins_duplicated",
            "tickets_lost",
            "tickets_duplicated",
            "checkins_unexpected",
            "tickets_unexpected",
        )
    }
    errors = [k for k, v in {**devices, "office": office, "crash": crash}.items() if "_error" in v]
    return {
        "quick": quick,
        "faults_injected": injected,
        "fault_episodes": episodes,
        "recovered_episodes": recovered,
        "all_recovered": recovered == episodes and not errors,
        **lost,
        "wrong_reads": sum(r.get("wrong_reads", 0) for r in rows.values()),
        "printer_counted_as_issued_wrongly": sum(r.get("counted_as_issued", 0) for r in rows.values()),
        "printer_stale_prints": sum(r.get("stale_prints", 0) for r in rows.values()),
        "office_superseded_tickets": (office.get("journal") or {}).get("superseded"),
        "kills": crash.get("kills"),
        "kills_mid_work": crash.get("kills_mid_work"),
        "crash_keys_applied_exactly_once": crash.get("keys_applied_exactly_once"),
        "crash_keys_acked": crash.get("keys_acked"),
        "crash_journal_intact": crash.get("journal_intact_after_kill"),
        "faults": rows,
        "office": {k: v for k, v in office.items() if k != "faults"},
        "crash": crash,
        "section_seconds": seconds,
        "section_errors": errors,
    }


def print_table(result: dict) -> None:
    print(f"{'fault':48} {'injected':>8} {'recovered':>9} {'median ms':>10} {'max ms':>8}")
    for name, r in result["faults"].items():
        rec = f"{r.get('recovered', 0)}/{r.get('episodes', r.get('injected', 0))}"
        print(
            f"{name[:48]:48} {r.get('injected', 0):>8} {rec:>9} {str(r.get('recover_ms_median')):>10} "
            f"{str(r.get('recover_ms_max')):>8}"
        )
    print()
    for key in (
        "faults_injected",
        "recovered_episodes",
        "fault_episodes",
        "all_recovered",
        "checkins_lost",
        "checkins_duplicated",
        "tickets_lost",
        "tickets_duplicated",
        "checkins_unexpected",
        "tickets_unexpected",
        "wrong_reads",
        "printer_counted_as_issued_wrongly",
        "printer_stale_prints",
        "office_superseded_tickets",
        "kills",
        "kills_mid_work",
        "crash_keys_applied_exactly_once",
        "crash_keys_acked",
        "crash_journal_intact",
        "section_seconds",
        "section_errors",
    ):
        print(f"{key:36} {result.get(key)}")


def main(argv: list[str] | None = None) -> dict:
    p = argparse.ArgumentParser(prog="python -m bench.faults", description=__doc__.split("\n\n")[0])
    p.add_argument("--quick", action="store_true", help="one round of each fault (tests, ~30 s)")
    p.add_argument("--json", action="store_true")
    args = p.parse_args(argv if argv is not None else sys.argv[1:] if __name__ == "__main__" else [])
    logging.basicConfig(level=logging.ERROR, stream=sys.stderr)
    result = run(args.quick)
    if args.json:
        print(json.dumps(result, ensure_ascii=False))
    else:
        print_table(result)
    return result


if __name__ == "__main__":
    main()
