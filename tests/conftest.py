"""Shared test fixtures: the npm oracles (docsify, KaTeX) installed once per checkout."""

from __future__ import annotations

import fcntl
import hashlib
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from types import FrameType

import pytest

TESTS = Path(__file__).resolve().parent
REPO = TESTS.parent
NODE_SPEC = TESTS / "node" / "package.json"
NODE_HOME = TESTS / ".node"
TOOLKIT = REPO / "toolkit"
SLOW_MARKERS = ("slow", "node", "browser")
"""Tests that start processes carry one of these, so `-m "not slow and not node and not
browser"` is the inner loop that starts none."""

_STARTED: list[str] = []
_PROCESS_EVENTS = {"subprocess.Popen", "os.posix_spawn", "os.exec", "os.fork", "os.system"}


def _started_by_a_test(frame: FrameType | None) -> bool:
    """The nearest caller in this repository is a test (a process kb starts itself does not
    count: OpenCC's dictionary tool, run once per process, is kb's own work)."""
    while frame is not None:
        path = frame.f_code.co_filename
        if path.startswith(str(TOOLKIT)):
            return False
        if path.startswith(str(TESTS)):
            return True
        frame = frame.f_back
    return False


def _audit(event: str, args: tuple[object, ...]) -> None:
    if event in _PROCESS_EVENTS and _started_by_a_test(sys._getframe(1)):
        _STARTED.append(f"{event} {args[0]!r}"[:200])


sys.addaudithook(_audit)


@pytest.fixture(autouse=True)
def _unmarked_tests_start_no_process(request: pytest.FixtureRequest) -> Iterator[None]:
    """A test that starts a process must be marked slow (or node, or browser)."""
    if any(request.node.get_closest_marker(name) for name in SLOW_MARKERS):
        yield
        return
    before = len(_STARTED)
    yield
    if len(_STARTED) > before:
        pytest.fail(f"starts a process but is not marked slow: {_STARTED[before]}")


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-expected",
        action="store_true",
        help="rewrite the .expected/.fixed sidecars of rule fixtures from the current output",
    )


@pytest.fixture(scope="session")
def update_expected(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-expected"))


def install_node_packages() -> Path:
    """`npm install` the pinned oracles into tests/.node (once per package.json content)."""
    if shutil.which("node") is None or shutil.which("npm") is None:
        pytest.fail("Node.js and npm are required for the oracle tests (install nodejs and npm)")
    spec = NODE_SPEC.read_bytes()
    stamp = NODE_HOME / ".installed"
    digest = hashlib.sha256(spec).hexdigest()
    NODE_HOME.mkdir(exist_ok=True)
    # Two pytest runs at once must not both run npm in the same folder.
    with (NODE_HOME / ".lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (stamp.is_file() and stamp.read_text() == digest):
            (NODE_HOME / "package.json").write_bytes(spec)
            subprocess.run(
                ["npm", "install", "--no-audit", "--no-fund", "--loglevel=error"],
                cwd=NODE_HOME,
                check=True,
                timeout=900,
            )
            stamp.write_text(digest)
    return NODE_HOME / "node_modules"


@pytest.fixture(scope="session")
def node_modules() -> Path:
    """Path of the installed npm oracles (docsify 4, KaTeX, markdownlint-cli2)."""
    return install_node_packages()


@pytest.fixture(scope="session", autouse=True)
def katex_packages() -> Path:
    """KaTeX of every supported version, fetched once into kb's default KaTeX folder.

    That is `~/.cache/kb/katex`, where kb also looks when a test gives it its own
    KB_CACHE_DIR or a bare environment; KB_KATEX_DIR is set to it for the processes the tests
    start. So no test fetches KaTeX on its own, and a second run fetches nothing.
    """
    folder = Path.home() / ".cache" / "kb" / "katex"
    os.environ["KB_KATEX_DIR"] = str(folder)
    from toolkit.tex import SUPPORTED_VERSIONS
    from toolkit.tex.store import katex_source

    folder.mkdir(parents=True, exist_ok=True)
    with (folder / ".lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        for version in SUPPORTED_VERSIONS:
            katex_source(version)
    return folder
