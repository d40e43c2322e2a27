"""The office link's answer times on loopback, idle and with busy loops on every core (issue 23): what the 2 s
connect and 5 s read timeouts are chosen against. A /healthz on a kept connection and on a new one (mutual TLS
handshake included), p50 / p99 / slowest, against the bundled server.

Run: python -m bench.bench_link [--n 200] [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def _figures(xs: list[float]) -> dict:
    xs = sorted(xs)
    return {
        "p50_ms": round(statistics.median(xs), 1),
        "p99_ms": round(xs[max(0, int(0.99 * len(xs)) - 1)], 1),
        "max_ms": round(xs[-1], 1),
    }


def measure(url: str, tls: dict, n: int) -> dict:
    import requests

    def session():
        s = requests.Session()
        s.trust_env, s.verify, s.cert = False, tls["ca_file"], (tls["client_cert"], tls["client_key"])
        return s

    kept, fresh = session(), []
    kept_ms = []
    for _ in range(n):
        with session() as s:
            t = time.perf_counter()
            s.get(url + "/healthz", timeout=(10, 10))
            fresh.append((time.perf_counter() - t) * 1000)
        t = time.perf_counter()
        kept.get(url + "/healthz", timeout=(10, 10))
        kept_ms.append((time.perf_counter() - t) * 1000)
    kept.close()
    return {"kept": _figures(kept_ms), "new": _figures(fresh)}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--n", type=int, default=200)
    p.add_argument("--json", action="store_true")
    args = p.parse_args(argv)
    from kiosk.app.bundled import bundled_tls, start_bundled_server, stop_bundled_server

    proc, url, db = start_bundled_server(Path(tempfile.mkdtemp(prefix="bench-link-")))
    tls = bundled_tls(url)
    assert tls is not None
    out = {}
    try:
        out["idle"] = measure(url, tls, args.n)
        hogs = [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(os.cpu_count() or 2)]
        try:
            out["busy_loops_on_every_core"] = measure(url, tls, args.n)
        finally:
            for h in hogs:
                h.kill()
                h.wait()
    finally:
        stop_bundled_server(proc, db)
    out["timeouts_s"] = {"connect": 2.0, "read": 5.0}
    if args.json:
        print(json.dumps(out))
    else:
        for load in ("idle", "busy_loops_on_every_core"):
            for conn in ("kept", "new"):
                f = out[load][conn]
                print(f"{load:>26} {conn:>4} connection: p50 {f['p50_ms']} / p99 {f['p99_ms']} / max {f['max_ms']} ms")
        print("timeouts: 2.0 s connect, 5.0 s read (default.toml)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
