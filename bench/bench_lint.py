"""`kb lint` on a 2,000-page book beside the markdown-it-py parse floor and markdownlint-cli2."""

from __future__ import annotations

import os
import shutil
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

        one_file = _one_file_runs(project, paths[1234])
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
    for how, seconds in one_file.items():
        print(f"  kb lint, 1 changed file, warm cache {seconds:7.2f} s   {how} (target < 0.5 s)")
    print(f"  python start-up alone               {startup:7.2f} s")


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
