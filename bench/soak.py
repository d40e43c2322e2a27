"""python -m bench.soak [--journeys N] [--ui N] [--tracemalloc] [--json]: applicant journeys (mixed scenarios)
through the real flow machine (kiosk.app.shell.Shell on a manual scheduler), the effect runner, the office link and
journal, the reference office server on loopback and the device simulators, all in this process.

Every 500 journeys: RSS, open file descriptors and threads. Figures: growth after warm-up (goal RSS ≤ 5 %, fds
and threads flat), unhandled exceptions (goal 0), and check-ins/tickets lost or duplicated against the server's
database (goal 0). The face pipeline (sim camera) runs on a sample of booked couples only.

The journeys: bench/soak_journeys.py; the rig: bench/soak_rig.py; the comparison and growth: bench/soak_checks.py.
"""

from __future__ import annotations

import argparse
import logging
import sys
import tempfile
import time
from pathlib import Path

from bench.soak_checks import growth, verify
from bench.soak_journeys import Soak
from bench.soak_rig import Rig
from bench.soak_samples import ErrorCounter, HeapTrace, print_sample, report, take_sample

SCENARIOS = (
    "booked_couple",
    "walk_in",
    "redirect",
    "refuse",
    "printer_problem",
    "backend_down",
    "idle_timeout",
    "cancel",
)
WEIGHTS = (30, 20, 10, 8, 8, 8, 8, 8)
SAMPLE_EVERY = 500


def soak(
    journeys: int = 10_000,
    *,
    seed: int = 9,
    trace: bool = False,
    progress=None,
    work: Path | None = None,
    sample_every: int = SAMPLE_EVERY,
) -> dict:
    errors = ErrorCounter().install()
    tmp = tempfile.TemporaryDirectory(prefix="kiosk-soak-") if work is None else None
    rig = Rig(Path(tmp.name if tmp else work)).start()
    s = Soak(rig, seed)
    samples: list[dict] = []
    heap = HeapTrace(trace)
    warmup = min(1000, max(sample_every, journeys // 10))
    t0 = time.monotonic()
    try:
        rig.wait_state("attract", 20)
        for i in range(1, journeys + 1):
            s.run_one(s.rng.choices(SCENARIOS, WEIGHTS)[0])
            if i % sample_every == 0 or i == journeys:
                sample = take_sample(
                    i,
                    t0,
                    rig,
                    heap,
                    errors,
                    failed=s.outcomes.get("failed", 0),
                    last_failure=s.failures[-1][:160] if s.failures else "",
                )
                samples.append(sample)
                if progress:
                    progress(sample)
                if i >= warmup:
                    heap.start()  # traced from warm-up on (tracing is slow)
        elapsed = time.monotonic() - t0
        top = heap.top()
        checks = verify(rig, s)
    finally:
        rig.stop()
        errors.uninstall()
        if tmp is not None:
            tmp.cleanup()
    return {
        "journeys": journeys,
        "seconds": round(elapsed, 1),
        "journeys_per_s": round(journeys / elapsed, 1),
        "outcomes": s.outcomes,
        "mean_s": {k: round(v / s.outcomes[k], 3) for k, v in s.seconds.items()},
        "failed_journeys": s.outcomes.get("failed", 0),
        "failures": s.failures[:10],
        "face_runs": s.face_runs,
        "unhandled_exceptions": errors.count,
        "exception_samples": errors.samples,
        "days_simulated": len({d for d, _ in s.tickets}),
        "warmup_journeys": warmup,
        **growth(samples, warmup),
        **checks,
        "samples": samples,
        "tracemalloc_top": top,
    }


def main(argv: list[str] | None = None) -> dict:
    p = argparse.ArgumentParser(prog="python -m bench.soak", description=__doc__.split("\n\n")[0])
    p.add_argument("--journeys", type=int, default=10_000)
    p.add_argument(
        "--ui", type=int, default=0, help="then N journeys through the rendered UI (python -m bench.soak_ui)"
    )
    p.add_argument("--tracemalloc", action="store_true", help="top allocation growth by line after warm-up")
    p.add_argument("--seed", type=int, default=9)
    p.add_argument("--sample-every", type=int, default=SAMPLE_EVERY)
    p.add_argument("--json", action="store_true")
    args = p.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    result = (
        soak(
            args.journeys,
            seed=args.seed,
            trace=args.tracemalloc,
            sample_every=args.sample_every,
            progress=None if args.json else print_sample,
        )
        if args.journeys
        else {}
    )
    if args.ui:
        from bench.soak_ui import run_in_subprocess

        result.update(run_in_subprocess(args.ui))
    report(result, args.json)
    return result


if __name__ == "__main__":
    main()
