"""`make bench`: every benchmark, each printing its figures and ratios against peers."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

BENCHMARKS = [
    "bench.bench_lint",
    "bench.bench_formulas",
    "bench.bench_translate",
    "bench.bench_hostile",
]


def main() -> int:
    """Run each benchmark in a process of its own; a missing one is named, not hidden.

    A fresh process per benchmark: what one leaves in memory (caches, a translated book) would
    otherwise slow the garbage collector in the next and skew its figures (bench_hostile's
    ratios rose from ~11 to ~17 when it ran after bench_translate in one process).
    """
    status = 0
    for name in BENCHMARKS:
        if not (REPO / (name.replace(".", "/") + ".py")).is_file():
            print(f"{name}: not written yet")
            continue
        print(f"== {name}", flush=True)
        done = subprocess.run(
            [sys.executable, "-c", f"import {name} as bench; bench.main()"], cwd=REPO
        )
        status = status or done.returncode
    return status


if __name__ == "__main__":
    raise SystemExit(main())
