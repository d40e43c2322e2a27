"""How fast a running kiosk stops on SIGTERM (systemd's stop): `kiosk --demo --headless` started as systemd would,
signalled once READY, `runs` times. The goal is an exit within 3 s (kiosk_main.STOP_BOUND_S cuts a slower stop
short at 2.8 s, exit code 1); kiosk.service gives 15 s before it kills. tests/ui/test_shutdown.py checks what must
hold on any machine (STOPPING=1, a clean exit, no orphan); the time is this figure.

    python -m bench.bench_shutdown [runs]      (default 5, ~1 min)
"""

from __future__ import annotations

import json
import signal
import statistics
import sys
import tempfile
from pathlib import Path

from bench.rigs.demo_stop import stop_demo


def main(runs: int = 5) -> dict:
    each = []
    for _ in range(runs):
        with tempfile.TemporaryDirectory(prefix="kiosk-stop-") as work:
            s = stop_demo(Path(work), signal.SIGTERM)
        each.append({"code": s.code, "took_s": round(s.took_s, 3), "stopping": "STOPPING=1" in s.notices})
    took = [r["took_s"] for r in each]
    return {
        "runs": runs,
        "median_s": round(statistics.median(took), 3),
        "max_s": max(took),
        "within_3_s": sum(t <= 3.0 for t in took),
        "exit_codes": sorted({str(r["code"]) for r in each}),
        "each": each,
    }


if __name__ == "__main__":
    print(json.dumps(main(int(sys.argv[1]) if len(sys.argv) > 1 else 5), indent=2))
