"""`kb lint` on growth-prone hostile inputs at size N and 10N: the time ratio must stay near 10.

A ratio well above 10 means a quadratic path. Before they were fixed, 10x the formulas in one
paragraph took 165x the time (1,000: 0.66 s; 10,000: 109 s), 10x formula lines 70x, and
100,000 unclosed `<!--` did not finish. Nested quotes stay flat: markdown-it stops at 20 levels.
"""

from __future__ import annotations

import gc
import shutil
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from markdown_it import MarkdownIt

from toolkit import tex
from toolkit.config import Config
from toolkit.lint import Options, lint
from toolkit.slug import heading_options

LIMIT = 15.0
"""Ratios up to this count as linear. A quadratic path gives about 100; 10 to 13 comes from
memory (a 50 MB line outgrows the CPU caches: decoding alone is 10x, parsing 11x) and from
timer noise on a shared 2-core machine."""
PEER_MARGIN = 1.25
"""Above LIMIT, a ratio is still kb's own only when it also exceeds markdown-it-py's ratio on
the same input by this factor: the parser alone measured 11x to 18x on 10x a table in
successive runs, which is memory and noise, not a path kb could change."""
ROUNDS = 5
"""Runs per input; the fastest counts (CPU time only grows with interference, never shrinks)."""


def _long_line(n: int) -> str:
    unit = "注意力机制 attention is all you need. "
    return "# T\n\n" + unit * (n // len(unit.encode())) + "[a](#t)\n"


def _nested_lists(n: int) -> str:
    return "# T\n\n" + "- " * n + "a\n\n[a](#t)\n"


def _nested_quotes(n: int) -> str:
    return "# T\n\n" + ">" * n + " a\n\n[a](#t)\n"


def _same_headings(n: int) -> str:
    return "## 同名\n\n" * n + "[a](#同名-1) [b](#同名-x)\n"


def _links(n: int) -> str:
    return "# T\n\n" + "".join(f"[l{i}](#t) " for i in range(n)) + "\n"


def _formulas(n: int) -> str:
    return "# T\n\n" + "".join(f"$x_{{{i}}}^2$ 和 " for i in range(n)) + "\n"


def _formula_lines(n: int) -> str:
    return "# T\n\n" + "".join(f"$x_{{{i}}}^2$ 和\n" for i in range(n)) + "\n"


def _table(n: int) -> str:
    rows = "".join(f"| {i} | $x_{{{i}}}$ | [r](#t) |\n" for i in range(n))
    return "# T\n\n| n | x | link |\n|---|---|---|\n" + rows


def _comments(n: int) -> str:
    return "# T\n\n[a](#t) " + "a <!--" * n + "\n"


def _brackets(n: int) -> str:
    return "# T\n\n" + "[" * n + "a" + "]" * n + " " + "*" * n + "a" + "*" * n + "\n"


CASES: list[tuple[str, Callable[[int], str], int, str]] = [
    ("one long line", _long_line, 5_000_000, "bytes"),
    ("nested lists", _nested_lists, 50_000, "levels"),
    ("nested quotes", _nested_quotes, 10_000, "levels"),
    ("same headings", _same_headings, 2_000, "headings"),
    ("links, one paragraph", _links, 2_000, "links"),
    ("formulas, one line", _formulas, 4_000, "formulas"),
    ("formulas, one per line", _formula_lines, 4_000, "formulas"),
    ("table", _table, 1_500, "rows"),
    ("unclosed comments", _comments, 5_000, "comments"),
    ("nested brackets", _brackets, 4_000, "levels"),
]


def _parse_time(text: str) -> float:
    """CPU time markdown-it-py alone takes to parse the text: the peer's ratio for the input."""
    gc.collect()
    start = time.process_time()
    MarkdownIt("commonmark").enable("table").parse(text)
    return time.process_time() - start


def _time_once(page: Path, config: Config) -> float:
    # Every run starts cold: bounded caches (formulas, heading options) would serve a
    # repeated small input from memory but not a 10x one, faking a superlinear ratio.
    tex.clear_cache()
    heading_options.cache_clear()
    gc.collect()
    # CPU time of this process: other work on a shared 2-core machine does not count.
    start = time.process_time()
    lint([page], config, Options(use_cache=False))
    return time.process_time() - start


def _project(folder: Path, text: str) -> tuple[Path, Config]:
    """A project of its own per input: a run also indexes the other pages of its book."""
    (folder / "book").mkdir(parents=True)
    (folder / "book" / "README.md").write_text("# T\n", encoding="utf-8")
    page = folder / "book" / "x.md"
    page.write_text(text, encoding="utf-8")
    return page, Config(project_root=folder, root="book")


def best_times(tmp: Path, small: str, big: str, rounds: int = ROUNDS) -> tuple[float, float]:
    """Best CPU times of the two inputs, measured in alternation so that load drifts cancel."""
    shutil.rmtree(tmp / "small", ignore_errors=True)
    shutil.rmtree(tmp / "big", ignore_errors=True)
    inputs = _project(tmp / "small", small), _project(tmp / "big", big)
    times: tuple[list[float], list[float]] = ([], [])
    for _ in range(rounds):
        times[0].append(_time_once(*inputs[0]))
        times[1].append(_time_once(*inputs[1]))
    return min(times[0]), min(times[1])


def _peer_ratio(small: str, big: str) -> float:
    return min(_parse_time(big) for _ in range(3)) / min(_parse_time(small) for _ in range(3))


def measure() -> list[tuple[str, int, str, float, float, float]]:
    """(case, N, unit, seconds at N, seconds at 10N, markdown-it-py's ratio) for every case."""
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        best_times(tmp, "# T\n\n$x$ [a](#t)\n", "# T\n")  # imports and parser set-up
        for name, make, n, unit in CASES:
            small, big = best_times(tmp, make(n), make(10 * n))
            rows.append((name, n, unit, small, big, _peer_ratio(make(n), make(10 * n))))
    return rows


def main() -> None:
    """Print N, 10N, both times and their ratio per case; flag kb's own superlinear paths."""
    print("kb lint CPU time at N and 10N; the ratio beside markdown-it-py's own on the same input")
    print(
        f"{'case':<24} {'N':>10} {'unit':<9} {'t(N) s':>8} {'t(10N) s':>9} {'ratio':>6} "
        f"{'md-it':>6}"
    )
    worst: tuple[float, float] = (0.0, 0.0)
    flagged = 0
    for name, n, unit, small, big, peer in measure():
        ratio = big / small
        worst = max(worst, (ratio, peer))
        superlinear = ratio > max(LIMIT, peer * PEER_MARGIN)
        flagged += superlinear
        print(
            f"{name:<24} {n:>10,} {unit:<9} {small:>8.3f} {big:>9.3f} {ratio:>6.1f} "
            f"{peer:>6.1f}{'  SUPERLINEAR' if superlinear else ''}"
        )
    verdict = f"{flagged} SUPERLINEAR" if flagged else "linear"
    print(
        f"worst ratio {worst[0]:.1f} for 10x input (markdown-it-py alone {worst[1]:.1f} there): "
        f"{verdict} (limit {LIMIT}, or {PEER_MARGIN}x the parser's own ratio)"
    )


if __name__ == "__main__":
    main()
