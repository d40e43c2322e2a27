"""python -m bench: run every benchmark in its own process, print one table of figures beside their goals,
write bench/results.json and add a line to bench/HISTORY.md so regressions show.

    python -m bench [--only idcard,ticket,...] [--no-history]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

HERE = Path(__file__).resolve().parent

# (benchmark, figure label, path into its result, goal text, goal test or None for "report only")
FIGURES = [
    (
        "ui",
        "cold start to first interactive frame, installed release (s)",
        ("cold_start_to_first_frame_s",),
        "≤ 1.5",
        lambda v: v <= 1.5,
    ),
    ("ui", "cold start to first interactive frame, from the checkout (s)", ("cold_start_checkout_s",), "", None),
    ("ui", "load average (1 min) before / after the UI benchmark", ("load_average_1min",), "", None),
    ("ui", "touch → next screen drawn p50 (ms)", ("touch_to_next_screen_p50_ms",), "", None),
    ("ui", "touch → next screen drawn p99 (ms)", ("touch_to_next_screen_p99_ms",), "≤ 50", lambda v: v <= 50),
    ("ui", "touch → next screen drawn, slowest of 300 (ms)", ("touch_to_next_screen_max_ms",), "", None),
    ("ui", "machine time per booked couple, with modelled card reads (s)", ("booked_couple_machine_time_s",), "", None),
    (
        "ui",
        "machine time per booked couple, the kiosk's own (s)",
        ("booked_couple_kiosk_time_s",),
        "≤ 1.5",
        lambda v: v <= 1.5,
    ),
    (
        "idcard",
        "ID read software overhead vs wire time (%)",
        ("software_overhead_median_pct",),
        "≤ 5",
        lambda v: v <= 5,
    ),
    ("idcard", "ID read at 115200 baud (ms)", ("read_time_median_ms",), "", None),
    ("idcard", "codec parse per read frame (µs)", ("codec_parse_us_per_read_frame",), "", None),
    ("face", "face detection rate while capturing (Hz)", ("detection_hz_unpaced",), "≥ 15", lambda v: v >= 15),
    (
        "face",
        "face verdict: detect+quality+embed+compare (ms, median)",
        ("verdict_ms_median",),
        "≤ 150",
        lambda v: v <= 150,
    ),
    ("face", "face pipeline peak RSS (MB)", ("peak_rss_mb",), "", None),
    (
        "identity",
        "identity verification per party, capture excluded (ms, median)",
        ("verify_ms_median",),
        "≤ 150",
        lambda v: v <= 150,
    ),
    ("shutdown", "SIGTERM → exit, slowest of 5 (s)", ("max_s",), "≤ 3", lambda v: v <= 3),
    ("shutdown", "SIGTERM → exit, median (s)", ("median_s",), "", None),
    ("identity", "false matches over the shipped face photos", ("false_matches",), "0", lambda v: v == 0),
    ("identity", "false non-matches over the shipped face photos", ("false_non_matches",), "", None),
    ("identity", "genuine / impostor pairs compared", ("genuine_pairs",), "", None),
    (
        "ticket",
        "ticket bytes build, 80 mm native QR, p99 (ms)",
        ("80mm_native_qr", "p99_ms"),
        "≤ 20",
        lambda v: v <= 20,
    ),
    (
        "ticket",
        "ticket bytes build, worst case p99 (ms)",
        ("58mm_raster_qr_rare_name", "p99_ms"),
        "≤ 20",
        lambda v: v <= 20,
    ),
    ("ticket", "bytes per ticket, native QR", ("80mm_native_qr", "bytes"), "", None),
    ("ticket", "bytes per ticket, raster QR", ("80mm_raster_qr", "bytes"), "", None),
    ("office", "office API, 50 kiosks, ticket p50 (ms)", ("tickets_burst", "p50_ms"), "", None),
    ("office", "office API, 50 kiosks, ticket p99 (ms)", ("tickets_burst", "p99_ms"), "≤ 100", lambda v: v <= 100),
    ("office", "ticket numbers unique under concurrency", ("all_unique",), "yes", lambda v: v is True),
    (
        "office",
        "office identity service per party, mTLS (ms, median)",
        ("identity_service", "median_ms"),
        "≤ 150",
        lambda v: v <= 150,
    ),
    ("office", "journal append cost per record (µs)", ("journal", "append_us_per_record"), "", None),
    (
        "lobby",
        "call next → display updated, 6 windows, 50 kiosks ticketing, p50 (ms)",
        ("call_to_display_p50_ms",),
        "",
        None,
    ),
    (
        "lobby",
        "call next → display updated, 6 windows, 50 kiosks ticketing, p99 (ms)",
        ("call_to_display_p99_ms",),
        "≤ 1000",
        lambda v: v <= 1000,
    ),
    ("lobby", "calls the display missed", ("calls_missed_by_display",), "0", lambda v: v == 0),
    ("maintenance", "PIN verification (ms)", ("pin_verify_ms",), "", None),
    ("match", "offline list: hashing one card, CPU (ms)", ("kiosk_per_card_cpu_ms",), "≤ 50", lambda v: v <= 50),
    ("match", "offline list: hashing one card, wall now (ms, median)", ("kiosk_per_card_wall_ms_median",), "", None),
    (
        "match",
        "offline list: guessing 6.6 M numbers back, attacker (CPU-days)",
        ("attacker_cpu_days",),
        "≥ 2",
        lambda v: v >= 2,
    ),
    ("match", "offline list: the same with the previous HMAC list (s)", ("previous_hmac_county_seconds",), "", None),
    ("maintenance", "audit verify, 2,000 entries (ms)", ("audit_verify_2000_ms",), "", None),
    (
        "workload",
        "booking advice, a year of six offices' records (s)",
        ("advise_year_six_offices_s",),
        "≤ 30",
        lambda v: v <= 30,
    ),
    ("workload", "records in that year's export", ("records",), "", None),
    ("faults", "faults injected (quick suite)", ("faults_injected",), "", None),
    ("faults", "fault episodes recovered, all", ("all_recovered",), "yes", lambda v: v is True),
    ("faults", "check-ins lost under faults", ("checkins_lost",), "0", lambda v: v == 0),
    ("faults", "check-ins duplicated under faults", ("checkins_duplicated",), "0", lambda v: v == 0),
    ("faults", "tickets lost under faults", ("tickets_lost",), "0", lambda v: v == 0),
    ("faults", "tickets duplicated under faults", ("tickets_duplicated",), "0", lambda v: v == 0),
    ("soak", "soak, 600 journeys (journeys/s)", ("journeys_per_s",), "", None),
    ("soak", "soak unhandled exceptions", ("unhandled_exceptions",), "0", lambda v: v == 0),
    ("soak", "soak failed journeys", ("failed_journeys",), "0", lambda v: v == 0),
    ("soak", "soak check-ins lost", ("checkins_lost",), "0", lambda v: v == 0),
    ("soak", "soak tickets lost", ("tickets_lost",), "0", lambda v: v == 0),
    # ≤ 2: a probe thread and its socket may be alive at the moment of a sample (flat otherwise).
    ("soak", "soak fd growth after warm-up", ("fd_growth",), "≤ 2", lambda v: v <= 2),
    ("soak", "soak thread growth after warm-up", ("thread_growth",), "≤ 2", lambda v: v <= 2),
    ("soak", "soak RSS growth after warm-up (%)", ("rss_growth_pct",), "", None),
    ("soak", "UI soak, 64 journeys in one app: failed", ("ui_not_ok",), "0", lambda v: v == 0),
    ("soak", "UI soak: seconds per journey", ("ui_seconds_per_journey",), "", None),
    ("soak", "UI soak: unhandled exceptions", ("ui_unhandled_exceptions",), "0", lambda v: v == 0),
    ("soak", "UI soak: check-ins/tickets lost or duplicated", ("ui_lost_or_duplicated",), "0", lambda v: v == 0),
]

TIMEOUT_S = {"soak": 600}


def run_benchmark(name: str, timeout_s: float = 300) -> dict:
    code = f"import json, bench.bench_{name} as b; print('@@RESULT@@' + json.dumps(b.main()))"
    t0 = time.perf_counter()
    try:
        proc = subprocess.run(
            [sys.executable, "-c", code], cwd=HERE.parent, capture_output=True, text=True, timeout=timeout_s
        )
    except subprocess.TimeoutExpired:
        return {"_error": f"timed out after {timeout_s:.0f} s"}
    for line in proc.stdout.splitlines():
        if line.startswith("@@RESULT@@"):
            result = json.loads(line[len("@@RESULT@@") :])
            result["_seconds"] = round(time.perf_counter() - t0, 1)
            return result
    tail = (proc.stderr or proc.stdout).strip().splitlines()[-3:]
    return {"_error": f"exit {proc.returncode}: " + " | ".join(tail)}


def _dig(result: dict, path: tuple):
    for key in path:
        if not isinstance(result, dict) or key not in result:
            return None
        result = result[key]
    return result


def table(results: dict) -> list[dict]:
    rows = []
    for bench, label, path, goal, test in FIGURES:
        if bench not in results:
            continue
        value = _dig(results[bench], path)
        met = None if test is None or value is None else bool(test(value))
        rows.append(
            {
                "benchmark": bench,
                "figure": label,
                "value": value,
                "goal": goal,
                "met": met,
                "error": results[bench].get("_error"),
            }
        )
    return rows


def print_table(rows: list[dict]) -> None:
    width = max(len(r["figure"]) for r in rows)
    print(f"{'figure':{width}}  {'value':>10}  {'goal':>7}  met")
    for r in rows:
        value = r["error"] and "ERROR" or ("yes" if r["value"] is True else r["value"])
        met = "" if r["met"] is None else ("yes" if r["met"] else "NO")
        print(f"{r['figure']:{width}}  {str(value):>10}  {r['goal']:>7}  {met}")
    for bench in sorted({r["benchmark"] for r in rows if r["error"]}):
        print(f"! {bench}: {next(r['error'] for r in rows if r['benchmark'] == bench)}")


def add_history(rows: list[dict], path: Path) -> None:
    stamp = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M")
    try:
        commit = (
            subprocess.run(
                ["git", "rev-parse", "--short", "HEAD"], cwd=HERE.parent, capture_output=True, text=True
            ).stdout.strip()
            or "-"
        )
    except OSError:
        commit = "-"
    if not path.exists():
        path.write_text(
            "# Benchmark history\n\nOne line per `python -m bench` run: figure = value "
            "(a trailing ! marks a missed goal).\n\n",
            encoding="utf-8",
        )
    cells = [f"{r['figure'].split(' (')[0]} = {r['value']}{'!' if r['met'] is False else ''}" for r in rows]
    with open(path, "a", encoding="utf-8") as f:
        f.write(f"- {stamp} {commit}: " + "; ".join(cells) + "\n")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument(
        "--only",
        default="",
        help="comma-separated benchmarks (ui,idcard,face,ticket,office,lobby,maintenance,match,workload,faults,soak)",
    )
    parser.add_argument("--no-history", action="store_true", help="do not append to bench/HISTORY.md")
    args = parser.parse_args(argv)
    names = [n for n in dict.fromkeys(b for b, *_ in FIGURES)]
    if args.only:
        names = [n for n in names if n in args.only.split(",")]
    results = {}
    for name in names:
        print(f"running bench_{name} …", file=sys.stderr, flush=True)
        results[name] = run_benchmark(name, TIMEOUT_S.get(name, 300))
    rows = table(results)
    print_table(rows)
    (HERE / "results.json").write_text(
        json.dumps({"figures": rows, "raw": results}, ensure_ascii=False, indent=2), encoding="utf-8"
    )
    if not args.no_history:
        add_history(rows, HERE / "HISTORY.md")
    return 0 if all(r["met"] is not False and not r["error"] for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
