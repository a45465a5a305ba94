"""Shared test fixtures: the npm oracles (docsify, KaTeX) installed once per checkout."""

from __future__ import annotations

import fcntl
import hashlib
import os
import shutil
import subprocess
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent
REPO = TESTS.parent
NODE_SPEC = TESTS / "node" / "package.json"
NODE_HOME = TESTS / ".node"


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
