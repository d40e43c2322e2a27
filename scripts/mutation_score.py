"""Print the mutation score per file of kiosk/domain from mutmut's results in ./mutants (after `mutmut run`).

killed = the tests failed (or timed out) with the mutant in place; survived = they passed; no tests = no selected
test reaches the mutated function. Exit 1 when a file is below the target (85 %)."""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

TARGET = 85.0
KILLED = {1, 3, 24, -24, 36, 152, 255, 37}  # mutmut's exit codes for killed, timeout, caught by type check
SURVIVED, NO_TESTS = {0}, {5, 33}


def main(root: str = "mutants/kiosk/domain") -> int:
    rows, low = [], []
    total = Counter()
    for meta in sorted(Path(root).glob("*.py.meta")):
        codes = json.loads(meta.read_text())["exit_code_by_key"].values()
        c = Counter(
            "killed" if x in KILLED else "survived" if x in SURVIVED else "no tests" if x in NO_TESTS else "other"
            for x in codes
        )
        n = sum(c.values())
        if not n:
            continue
        total.update(c)
        score = 100.0 * c["killed"] / n
        rows.append((meta.name.removesuffix(".meta"), n, c["killed"], c["survived"], c["no tests"], c["other"], score))
        if score < TARGET:
            low.append(meta.name.removesuffix(".meta"))
    print(f"{'file':22} {'mutants':>7} {'killed':>6} {'survived':>8} {'no tests':>8} {'other':>5} {'score':>7}")
    for name, n, k, s, nt, o, score in rows:
        print(f"{name:22} {n:7d} {k:6d} {s:8d} {nt:8d} {o:5d} {score:6.1f}%")
    n = sum(total.values())
    if n:
        print(
            f"{'all':22} {n:7d} {total['killed']:6d} {total['survived']:8d} {total['no tests']:8d} "
            f"{total['other']:5d} {100.0 * total['killed'] / n:6.1f}%"
        )
    if low:
        print(f"below {TARGET:.0f} %: {', '.join(low)}")
    return 1 if low or not rows else 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
