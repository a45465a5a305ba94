"""`kb lint` on a 2,000-page book beside the markdown-it-py parse floor and markdownlint-cli2."""

from __future__ import annotations

import contextlib
import os
import resource
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

from markdown_it import MarkdownIt

from bench.book import generate_book
from toolkit.config import Config, load_config
from toolkit.lint import Options, lint
from toolkit.markdown import markdown_parser
from toolkit.tex import clear_cache

REPO = Path(__file__).resolve().parent.parent
MARKDOWNLINT = REPO / "tests" / ".node" / "node_modules" / ".bin" / "markdownlint-cli2"


def _best(runs: int, action: Callable[[], object]) -> float:
    best = float("inf")
    for _ in range(runs):
        start = time.perf_counter()
        action()
        best = min(best, time.perf_counter() - start)
    return best


Actions = dict[str, Callable[[], object]]


def _interleaved(runs: int, actions: Actions, prepare: Actions | None = None) -> dict[str, float]:
    """Best CPU time of each action (this process, all its threads: V8 included), the actions
    taking turns. CPU time, not wall time: on a shared machine other processes stretched the
    wall time of one run by up to 2x, while CPU time varies by a few percent.

    `prepare`: what to do, untimed, before an action's each run."""
    best = dict.fromkeys(actions, float("inf"))
    for _ in range(runs):
        for name, action in actions.items():
            if prepare and name in prepare:
                prepare[name]()
            start = time.process_time()
            action()
            best[name] = min(best[name], time.process_time() - start)
    return best


def _child_cpu(action: Callable[[], object]) -> float:
    """CPU time the subprocesses `action` runs use (for a peer measured like kb)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    action()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)


def _lint_actions(
    paths: list[Path], lint_paths: list[Path], config: Config, cache: Path
) -> tuple[Actions, Actions]:
    """The floor, kb's own parser, and kb lint: with nothing cached, with formula verdicts
    known but every page parsed, and a second run (verdicts and parsed pages kept); and what
    to do before the one with pages parsed."""
    texts_md = MarkdownIt("commonmark").enable("table")
    kb_md = markdown_parser(config.site.math)

    def parse_floor() -> None:
        for path in paths:
            texts_md.parse(path.read_text(encoding="utf-8"))

    def kb_parse() -> None:
        for path in paths:
            kb_md.parse(path.read_text(encoding="utf-8"), {})

    def lint_cold() -> None:
        clear_cache()  # each run judges every formula again, as a first run in a new process does
        result = lint(lint_paths, config, Options(use_cache=False))
        assert not result.errors, result.errors[:3]

    def lint_known() -> None:
        # A new process (nothing in memory) whose on-disk caches an earlier run filled: what
        # every run after the first sees. Its KaTeX verdicts come from the cache, not from V8,
        # and the pages' Documents too, when their bytes are those an earlier run parsed.
        clear_cache()
        with _cache_dir(cache):
            result = lint(lint_paths, config, Options(use_cache=True))
        assert not result.errors, result.errors[:3]

    def forget_documents() -> None:
        # As after an upgrade of kb: its verdicts still hold, every page is parsed again.
        for index in cache.glob("headings-*.sqlite"):
            with contextlib.closing(sqlite3.connect(index)) as db, db:
                db.execute("DELETE FROM documents")

    with _cache_dir(cache):
        lint(lint_paths, config, Options(use_cache=True))  # the earlier run
    actions: Actions = {
        "floor": parse_floor,
        "kb_parse": kb_parse,
        "cold": lint_cold,
        "parsed": lint_known,
        "known": lint_known,
    }
    return actions, {"parsed": forget_documents}


@contextlib.contextmanager
def _cache_dir(folder: Path) -> Iterator[None]:
    before = os.environ.get("KB_CACHE_DIR")
    os.environ["KB_CACHE_DIR"] = str(folder)
    try:
        yield
    finally:
        if before is None:
            del os.environ["KB_CACHE_DIR"]
        else:
            os.environ["KB_CACHE_DIR"] = before


def _print_lint_lines(times: dict[str, float], indent: str = "  ") -> None:
    floor = times["floor"]
    print(f"{indent}markdown-it-py parse only (floor)          {floor:7.2f} s")
    print(
        f"{indent}kb's markdown-it set-up, parse only        {times['kb_parse']:7.2f} s"
        f"   ratio to floor {times['kb_parse'] / floor:.2f}x"
    )
    print(
        f"{indent}kb lint, nothing cached (KaTeX runs)       {times['cold']:7.2f} s"
        f"   ratio to floor {times['cold'] / floor:.2f}x"
    )
    print(
        f"{indent}kb lint, verdicts known, pages parsed      {times['parsed']:7.2f} s"
        f"   ratio to floor {times['parsed'] / floor:.2f}x"
    )
    print(
        f"{indent}kb lint, 2nd run (verdicts, pages kept)    {times['known']:7.2f} s"
        f"   ratio to floor {times['known'] / floor:.2f}x  (target <= 1.2x)"
    )


def main(argv: Sequence[str] | None = None) -> None:
    """Print the lint benchmark table and its ratios; given book folders, time those instead."""
    args = list(sys.argv[1:] if argv is None else argv)
    if args:
        _real_books([Path(arg) for arg in args])
        return
    with tempfile.TemporaryDirectory() as tmp:
        project = Path(tmp)
        (project / "pyproject.toml").write_text('[tool.kb]\nroot = "book"\n', encoding="utf-8")
        paths = generate_book(project / "book", 2000)
        size = sum(p.stat().st_size for p in paths)
        config = Config(project_root=project, root="book")
        actions, prepare = _lint_actions(paths, [project / "book"], config, project / "lint-cache")
        times = _interleaved(3, actions, prepare)
        ours = times["cold"]
        peer = None
        if MARKDOWNLINT.exists():

            def markdownlint() -> None:
                subprocess.run(
                    [str(MARKDOWNLINT), "book/**/*.md"],
                    cwd=project,
                    capture_output=True,
                    timeout=600,
                )

            peer = min(_child_cpu(markdownlint) for _ in range(2))

        one_file = _one_file_runs(project, paths[1234])
        startup = _best(5, lambda: subprocess.run([sys.executable, "-c", "pass"]))

    print(f"lint: {len(paths)} pages, {size / 1e6:.1f} MB (CPU seconds, best of 3, taking turns)")
    _print_lint_lines(times)
    if peer is not None:
        print(
            f"  markdownlint-cli2, same files              {peer:7.2f} s   kb (nothing cached)/"
            f"markdownlint {ours / peer:.2f}x"
        )
    else:
        print("  markdownlint-cli2: not installed (run make test once to install the npm oracles)")
    for how, seconds in one_file.items():
        label = "kb lint, 1 changed file, warm cache"  # wall time: what a commit waits
        print(f"  {label:<41}  {seconds:7.2f} s   {how} (target < 0.5 s)")
    print(f"  python start-up alone                      {startup:7.2f} s")


def _real_books(books: list[Path]) -> None:
    """`python -m bench.bench_lint BOOK...`: the same lines for each real book (read only)."""
    for book in books:
        index = sorted(book.rglob("index.html"), key=lambda p: len(p.parts))
        site = index[0].parent if index else book
        config = load_config(start=book, root=site)
        paths = sorted(p for p in site.rglob("*.md") if p.is_file())
        size = sum(p.stat().st_size for p in paths)
        with tempfile.TemporaryDirectory() as cache:
            actions, prepare = _lint_actions(paths, [site], config, Path(cache))
            runs = _runs_for(actions["floor"])
            times = _interleaved(runs, actions, prepare)
        print(
            f"{book}: {len(paths)} pages, {size / 1e6:.1f} MB, math {config.site.math}"
            f" (best of {runs})"
        )
        _print_lint_lines(times, "    ")


def _runs_for(floor: Callable[[], object], seconds: float = 3.0) -> int:
    """Runs enough for a small book's figures to settle: best of 3 varied by up to 40% on a
    0.1 s floor (a timer tick, a cache line, another process), so each action gets about
    `seconds` of CPU in all, 3 to 30 runs."""
    start = time.process_time()
    floor()
    return max(3, min(30, round(seconds / max(time.process_time() - start, 1e-3))))


def _one_file_runs(project: Path, page: Path) -> dict[str, float]:
    """A pre-commit run: one page edited since a full run, the heading-index cache warm.

    Timed with kb installed the way a pre-commit hook installs it (a plain `pip install` in
    a fresh venv) and as `make` installs it here (editable, which adds an import hook).
    """
    env = {**os.environ, "KB_CACHE_DIR": str(project / ".cache")}
    pythons = {"as a pre-commit hook installs it": _hook_python(project / "hook-venv")}
    pythons["editable install (make)"] = sys.executable
    one = str(page.relative_to(project))
    original = page.read_bytes()
    times = {}
    full = [sys.executable, "-m", "toolkit", "lint", "book"]
    subprocess.run(full, cwd=project, env=env, capture_output=True, timeout=900)
    for how, python in pythons.items():
        if python is None:
            continue
        kb = [python, "-m", "toolkit", "lint"]
        # Hash and stamp every page once, as the second run after any full run does.
        subprocess.run([*kb, one], cwd=project, env=env, capture_output=True, timeout=60)
        run_times = []
        for edit in range(7):
            page.write_bytes(original + f"\n第 {edit} 次修改的一段。\n".encode())
            start = time.perf_counter()
            subprocess.run([*kb, one], cwd=project, env=env, capture_output=True, timeout=60)
            run_times.append(time.perf_counter() - start)
        times[how] = min(run_times)
    page.write_bytes(original)
    return times


def _hook_python(venv: Path) -> str | None:
    """A fresh venv with a regular (non-editable) install of this package, like pre-commit's."""
    source = venv.parent / "kb-source"
    shutil.copytree(
        REPO / "toolkit", source / "toolkit", ignore=shutil.ignore_patterns("__pycache__")
    )
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(REPO / name, source / name)
    python = venv / "bin" / "python"
    try:
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, capture_output=True)
        subprocess.run(
            [str(python), "-m", "pip", "install", "--quiet", str(source)],
            check=True,
            capture_output=True,
            timeout=600,
        )
    except (subprocess.SubprocessError, OSError) as error:
        print(f"  (no pre-commit-style install: {error}; timing the editable install only)")
        return None
    return str(python)


if __name__ == "__main__":
    main()
