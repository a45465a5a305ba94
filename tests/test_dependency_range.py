"""The parser range pyproject.toml promises is the range the tests cover.

`pip install` resolves the newest markdown-it-py and mdit-py-plugins inside the declared range,
so the rest of the suite only ever runs on the upper end. This test installs the *lower* bounds
from the package registry into a folder of their own, puts it in front of the virtualenv's
packages and runs the parser-dependent tests again there.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from packaging.version import Version

REPO = Path(__file__).resolve().parent.parent
PARSERS = ("markdown-it-py", "mdit-py-plugins")
# The tests whose outcome depends on how Markdown is parsed: every rule fixture, the Document's
# positions and lists, heading ids, what a reader sees, link rewriting, the question index and
# the translation segmenter/mirrors (slow ones too: the parser matters there as much).
PARSER_TESTS = (
    "tests/rules",
    "tests/test_document.py",
    "tests/test_document_lists.py",
    "tests/test_heading_index.py",
    "tests/test_inline_spans.py",
    "tests/test_link_normalize.py",
    "tests/test_visible.py",
    "tests/test_relink.py",
    "tests/test_questions_index.py",
    "tests/translate",
)

pytestmark = pytest.mark.slow


def lower_bounds() -> dict[str, str]:
    """`name -> version` of each parser's `>=` bound in pyproject.toml."""
    declared = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    bounds = {}
    for requirement in declared["project"]["dependencies"]:
        found = re.match(r"([A-Za-z0-9_.-]+)\s*>=\s*([0-9][0-9.]*)", requirement)
        if found and found.group(1) in PARSERS:
            bounds[found.group(1)] = found.group(2)
    return bounds


def test_every_parser_dependency_has_a_lower_bound() -> None:
    assert sorted(lower_bounds()) == sorted(PARSERS)


def test_parser_tests_pass_on_the_lowest_declared_versions(tmp_path: Path) -> None:
    bounds = lower_bounds()
    target = tmp_path / "lowest"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target", str(target)]
        + [f"{name}=={version}" for name, version in bounds.items()],
        check=True,
        timeout=600,
    )
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(target), str(REPO)])}
    shown = subprocess.run(
        [
            sys.executable,
            "-c",
            "import markdown_it, mdit_py_plugins; "
            "print(markdown_it.__version__, mdit_py_plugins.__version__)",
        ],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    installed = [Version(v) for v in shown.stdout.split()]
    assert installed == [Version(bounds["markdown-it-py"]), Version(bounds["mdit-py-plugins"])]
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"]
        + ["-m", "not browser and not node", *PARSER_TESTS],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=1200,
    )
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-2000:]
    assert re.search(r"\b\d{2,} passed\b", run.stdout), run.stdout[-2000:]
