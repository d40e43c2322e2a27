"""Benchmark: reading an ID card at 115200 baud through the simulator; codec parse time per read frame.

What is measured:
- The simulator runs as a separate process (`kiosk-sim idcard`, as a real reader is a separate device) and paces
  every reply at the baud rate: a byte is written no sooner than a real 8N1 wire would deliver it, after the
  request's own wire time. With the SAM delay set to 0, the only time a perfect host could take for
  find → select → read → appended address is the wire time of the bytes exchanged, computed here from the
  driver's own byte counts (10 bit times per byte). Software overhead = (measured read_once time − wire time) /
  wire time; it includes the driver, the codec, the pty, both processes' scheduling and the simulator's own
  sleep jitter, so it is an upper bound on the driver's cost. Goal: ≤ 5 %.
- With the simulator's realistic SAM delays (find/select 10 ms, read 350 ms, appended address 30 ms) the same
  figure is reported against wire time + SAM delay.
- Codec: parse_reply + parse_card_data + decode_text_block of one 1295-byte read reply, in µs (best of runs).
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
import timeit
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CARD = ROOT / "tests" / "fixtures" / "cards" / "resident_rare_name.json"
BAUD = 115200


def _start_sim(sam_delay_scale: float):
    p = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "kiosk.cli.sim",
            "idcard",
            "--baud",
            str(BAUD),
            "--sam-delay-scale",
            str(sam_delay_scale),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    return p, p.stdout.readline().strip()


def _control(p, line: str) -> None:
    p.stdin.write(line + "\n")
    p.stdin.flush()
    answer = p.stdout.readline().strip()
    if not answer.startswith("ok"):
        raise RuntimeError(f"simulator: {answer}")


def _reads(sam_delay_scale: float, n: int) -> list[tuple[float, int]]:
    """(seconds, bytes on the wire) for n full reads."""
    from drivers.idcard.driver import IdCardDriver

    p, path = _start_sim(sam_delay_scale)
    driver = IdCardDriver(path, baudrate=BAUD)
    results = []
    try:
        driver.sam_status()  # open the port outside the timed part
        for _ in range(n):
            _control(p, "remove")
            _control(p, f"present {CARD}")
            s = driver.link.stats
            before = s.bytes_sent + s.bytes_received
            t0 = time.perf_counter()
            driver.read_once(5)
            elapsed = time.perf_counter() - t0
            results.append((elapsed, s.bytes_sent + s.bytes_received - before))
    finally:
        driver.stop()
        p.stdin.write("quit\n")
        p.stdin.flush()
        p.wait(timeout=5)
    return results


def codec_parse_us(repeat: int = 7, number: int = 500) -> float:
    from drivers.idcard import codec
    from drivers.idcard.sim_core import card_from_fixture
    from kiosk.domain.idcard_record import decode_text_block

    card = card_from_fixture(CARD)
    frame = codec.build_reply(0x90, codec.build_card_data(card.text, card.record.photo))

    def parse():
        data = codec.parse_card_data(codec.parse_reply(frame).data)
        decode_text_block(data.text, data.photo)

    return min(timeit.repeat(parse, repeat=repeat, number=number)) / number * 1e6


def main(n: int = 15) -> dict:
    from drivers.idcard.sim_core import SAM_DELAY_S

    wire = lambda nbytes: nbytes * 10 / BAUD  # noqa: E731
    fast = _reads(0.0, n)
    times = [t for t, _ in fast]
    nbytes = fast[0][1]
    overheads = [(t - wire(b)) / wire(b) * 100 for t, b in fast]
    slow = _reads(1.0, 3)
    sam = 2 * SAM_DELAY_S[0x20] + SAM_DELAY_S[0x30] + SAM_DELAY_S[(0x30, 0x03)]  # find, select, read, appended
    slow_model = [wire(b) + sam for _, b in slow]
    figures = {
        "baud": BAUD,
        "reads": n,
        "bytes_per_read": nbytes,
        "wire_time_ms": round(wire(nbytes) * 1000, 2),
        "read_time_median_ms": round(statistics.median(times) * 1000, 2),
        "read_time_max_ms": round(max(times) * 1000, 2),
        "software_overhead_median_pct": round(statistics.median(overheads), 2),
        "software_overhead_max_pct": round(max(overheads), 2),
        "goal_overhead_pct": 5.0,
        "with_sam_delay_read_ms": round(statistics.median(t for t, _ in slow) * 1000, 1),
        "with_sam_delay_model_ms": round(statistics.median(slow_model) * 1000, 1),
        "codec_parse_us_per_read_frame": round(codec_parse_us(), 1),
    }
    figures["ok"] = figures["software_overhead_median_pct"] <= figures["goal_overhead_pct"]
    return figures


if __name__ == "__main__":
    for key, value in main().items():
        print(f"{key}: {value}")
