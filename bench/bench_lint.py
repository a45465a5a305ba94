"""`kb lint` on a 2,000-page book beside the markdown-it-py parse floor and markdownlint-cli2."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from markdown_it import MarkdownIt

from bench.book import generate_book
from toolkit.config import Config
from toolkit.lint import Options, lint
from toolkit.tex import clear_cache

REPO = Path(__file__).resolve().parent.parent
MARKDOWNLINT = REPO / "tests" / ".node" / "node_modules" / ".bin" / "markdownlint-cli2"


def _best(runs: int, action: object) -> float:
    best = float("inf")
    for _ in range(runs):
        start = time.perf_counter()
        action()  # type: ignore[operator]
        best = min(best, time.perf_counter() - start)
    return best


def main() -> None:
    """Print the lint benchmark table and its ratios."""
    with tempfile.TemporaryDirectory() as tmp:
        project = Path(tmp)
        (project / "pyproject.toml").write_text('[tool.kb]\nroot = "book"\n', encoding="utf-8")
        paths = generate_book(project / "book", 2000)
        size = sum(p.stat().st_size for p in paths)
        config = Config(project_root=project, root="book")

        def parse_floor() -> None:
            md = MarkdownIt("commonmark").enable("table")
            for path in paths:
                md.parse(path.read_text(encoding="utf-8"))

        def full_lint() -> None:
            clear_cache()  # each run must check every formula again, as a new process would
            result = lint([project / "book"], config, Options(use_cache=False))
            assert not result.errors

        floor = _best(3, parse_floor)
        ours = _best(3, full_lint)
        peer = None
        if MARKDOWNLINT.exists():

            def markdownlint() -> None:
                subprocess.run(
                    [str(MARKDOWNLINT), "book/**/*.md"],
                    cwd=project,
                    capture_output=True,
                    timeout=600,
                )

            peer = _best(2, markdownlint)

        env = {**os.environ, "KB_CACHE_DIR": str(project / ".cache")}
        kb = [sys.executable, "-m", "toolkit", "lint"]
        subprocess.run([*kb, "book"], cwd=project, env=env, capture_output=True, timeout=600)
        one = str(paths[1234].relative_to(project))

        def one_file() -> None:
            subprocess.run([*kb, one], cwd=project, env=env, capture_output=True, timeout=60)

        warm = _best(5, one_file)
        startup = _best(5, lambda: subprocess.run([sys.executable, "-c", "pass"]))

    print(f"lint: {len(paths)} pages, {size / 1e6:.1f} MB")
    print(f"  markdown-it-py parse only (floor)   {floor:7.2f} s")
    print(
        f"  kb lint, whole book, no cache       {ours:7.2f} s   ratio to floor {ours / floor:.2f}x"
        "  (target <= 1.5x)"
    )
    if peer is not None:
        print(
            f"  markdownlint-cli2, same files       {peer:7.2f} s   kb/markdownlint "
            f"{ours / peer:.2f}x"
        )
    else:
        print("  markdownlint-cli2: not installed (run make test once to install the npm oracles)")
    print(
        f"  kb lint, 1 changed file, warm cache {warm:7.2f} s   (target < 0.5 s; "
        f"python start-up alone {startup:.2f} s)"
    )
