"""`check_tex` on 10,000 formulas beside the real KaTeX rendering the same ones in Node."""

from __future__ import annotations

import random
import time
from pathlib import Path

from tests.conftest import install_node_packages
from tests.test_katex_parity import load_formulas, mutations, run_oracle
from toolkit.tex import check_tex, clear_cache

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


def _ours(cases: list[tuple[str, bool]]) -> tuple[float, int]:
    clear_cache()  # each run starts cold; within a run, repeated formulas are remembered
    start = time.perf_counter()
    errors = sum(any(p.is_error for p in check_tex(tex, display)) for tex, display in cases)
    return time.perf_counter() - start, errors


def _katex(cases: list[tuple[str, bool]], node_modules: Path) -> tuple[float, float, int]:
    start = time.perf_counter()
    result = run_oracle(node_modules, cases)
    wall = time.perf_counter() - start
    results = result["results"]
    assert isinstance(results, list)
    errors = sum(not r["ok"] for r in results)
    return float(str(result["ms"])) / 1000, wall, errors


def main() -> None:
    """Print both timings, best of three, and their ratio."""
    cases = formulas()
    node_modules = install_node_packages()
    check_tex("x", False)  # load the KaTeX tables once, outside the timing
    ours = min(_ours(cases) for _ in range(3))
    katex = min(_katex(cases, node_modules) for _ in range(3))
    distinct = len(set(cases))
    print(
        f"{len(cases)} formulas ({distinct} distinct, "
        f"{sum(len(t) for t, _ in cases) / len(cases):.0f} characters on average)"
    )
    print(f"  check_tex (Python):             {ours[0]:7.3f} s  {ours[1]} with an error")
    print(f"  KaTeX renderToString (in Node): {katex[0]:7.3f} s  {katex[2]} with an error")
    print(f"  KaTeX wall time incl. start-up: {katex[1]:7.3f} s")
    print(
        f"  ratio check_tex / KaTeX in Node: {ours[0] / katex[0]:.2f}x; "
        f"/ KaTeX wall: {ours[0] / katex[1]:.2f}x"
    )


if __name__ == "__main__":
    main()
