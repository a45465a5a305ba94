"""`check_many` on 10,000 formulas per KaTeX version, beside the real KaTeX in Node.

Printed per version: kb's start-up (import of mini-racer, V8 start, KaTeX load), 10,000
formulas with no verdict cache (every distinct formula judged by KaTeX in V8), the same with
the verdict cache warm (a hook run on known formulas: no engine), and KaTeX rendering the same
formulas in one Node process, measured in the same run.
"""

from __future__ import annotations

import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tests.conftest import install_node_packages
from tests.test_katex_parity import VERSIONS, load_formulas, mutations, run_oracle
from toolkit.tex import VerdictCache, check_many, clear_cache

COUNT = 10_000


def formulas(count: int = COUNT) -> list[tuple[str, bool]]:
    """The data file's formulas and seeded mutations of them, `count` in all."""
    base = load_formulas()
    out: list[tuple[str, bool]] = []
    seed = 0
    while len(out) < count:
        for tex, display in base:
            out.append((tex, display))
            out.extend((new, display) for _, new in mutations(tex, random.Random(seed)))
            seed += 1
    return out[:count]


def _startup(version: str) -> tuple[float, float, float]:
    """Import, engine start and KaTeX load, each timed in a fresh process."""
    code = (
        "import time; t0 = time.perf_counter()\n"
        "from py_mini_racer import MiniRacer\n"
        "t1 = time.perf_counter(); context = MiniRacer(); t2 = time.perf_counter()\n"
        "from toolkit.tex.store import katex_source\n"
        f"source = katex_source({version!r})\n"
        "t3 = time.perf_counter()\n"
        "context.eval('var module = {exports: {}}; var exports = module.exports;' + source)\n"
        "t4 = time.perf_counter(); context.close()\n"
        "print(t1 - t0, t2 - t1, t4 - t3)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    a, b, c = (float(x) for x in done.stdout.split())
    return a, b, c


def _ours(cases: list[tuple[str, bool]], version: str, cache: VerdictCache | None) -> float:
    clear_cache()  # no in-process memo: only the verdict cache (if any) is warm
    start = time.perf_counter()
    check_many(cases, version, cache)
    return time.perf_counter() - start


def main() -> None:
    """Print kb's figures and KaTeX-in-Node's per version, best of three."""
    cases = formulas()
    node_modules = install_node_packages()
    distinct = len(set(cases))
    print(
        f"{len(cases)} formulas ({distinct} distinct, "
        f"{sum(len(t) for t, _ in cases) / len(cases):.0f} characters on average)"
    )
    for version, package in VERSIONS.items():
        importing, starting, loading = _startup(version)
        check_many([("x", False)], version)  # engine up, outside the timing
        cold = min(_ours(cases, version, None) for _ in range(3))
        with tempfile.TemporaryDirectory() as folder:
            cache = VerdictCache(Path(folder) / "verdicts.sqlite")
            _ours(cases, version, cache)
            cache.close()
            warm = min(
                _ours(cases, version, VerdictCache(Path(folder) / "verdicts.sqlite"))
                for _ in range(3)
            )
        node = min(_node(cases, node_modules, package) for _ in range(3))
        print(f"KaTeX {version}")
        print(
            f"  kb start-up: import mini-racer {importing:.3f} s, V8 {starting:.3f} s, "
            f"KaTeX load {loading:.3f} s"
        )
        print(f"  kb, no verdict cache (KaTeX in V8): {cold:7.3f} s")
        print(f"  kb, verdict cache warm (no engine): {warm:7.3f} s")
        print(
            f"  KaTeX renderToString in Node:       {node[0]:7.3f} s  (wall incl. start-up "
            f"{node[1]:.3f} s)"
        )
        print(
            f"  ratio kb cold / Node: {cold / node[0]:.2f}x; kb warm / Node: {warm / node[0]:.2f}x"
        )


def _node(cases: list[tuple[str, bool]], node_modules: Path, package: str) -> tuple[float, float]:
    start = time.perf_counter()
    result = run_oracle(node_modules, cases, package)
    wall = time.perf_counter() - start
    return float(str(result["ms"])) / 1000, wall


if __name__ == "__main__":
    main()
