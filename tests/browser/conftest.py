"""Fixtures of the browser suite: Debian's Chromium, one browser, the built site served locally."""

from __future__ import annotations

import fcntl
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent.parent
REPO = TESTS.parent
ARTIFACTS = TESTS / "artifacts"
CHROMIUM = Path("/usr/bin/chromium")
# A CJK font, so that screenshots show the book's text instead of empty boxes.
CJK_FONT = Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")
APT_PACKAGES = ("chromium", "fonts-wqy-microhei")
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-gpu",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
_browser_tests: set[str] = set()
_durations: dict[str, float] = {}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Remember which tests drive the browser, to time them."""
    _browser_tests.update(i.nodeid for i in items if i.get_closest_marker("browser"))


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    """Add up setup, call and teardown time of the browser tests."""
    if report.nodeid in _browser_tests:
        _durations[report.nodeid] = _durations.get(report.nodeid, 0.0) + report.duration


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Print the browser suite's runtime (CI keeps it in the log)."""
    if _durations:
        total = sum(_durations.values())
        terminalreporter.write_line(
            f"browser suite: {len(_durations)} tests in {total:.1f} s "
            f"(setup included: Chromium, npm packages, site build)"
        )


def _install_with_apt(packages: tuple[str, ...]) -> None:
    if os.geteuid() != 0:
        pytest.fail(
            f"{CHROMIUM} is missing and the tests are not running as root: install it with "
            f"`apt-get install {' '.join(packages)}`"
        )
    if shutil.which("apt-get") is None:
        pytest.fail(f"{CHROMIUM} is missing and there is no apt-get to install Debian's chromium")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    # Two test runs at once must not both run apt-get.
    with open("/tmp/kb-tests-apt.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if CHROMIUM.exists() and CJK_FONT.exists():
            return
        for command in (
            ["apt-get", "update", "-qq"],
            # Wait for another apt-get (unattended or a parallel run) instead of failing.
            ["apt-get", "-o", "DPkg::Lock::Timeout=600", "install", "-y", "-qq", *packages],
        ):
            done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=1200)
            if done.returncode != 0:
                pytest.fail(
                    f"`{' '.join(command)}` failed ({done.returncode}); the browser tests need "
                    f"Debian's {' and '.join(packages)}:\n{done.stderr[-2000:]}"
                )


@pytest.fixture(scope="session")
def chromium() -> Path:
    """Debian's Chromium (installed with apt-get when missing; never a downloaded browser)."""
    if not CHROMIUM.exists():
        _install_with_apt(APT_PACKAGES)
    elif not CJK_FONT.exists() and os.geteuid() == 0:
        _install_with_apt(APT_PACKAGES[1:])  # without it, screenshots show boxes for Chinese
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is still missing after apt-get install chromium")
    return CHROMIUM


@pytest.fixture(scope="session")
def browser(chromium: Path) -> Iterator[object]:
    """One headless Chromium for the whole session."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=str(chromium), headless=True, args=CHROMIUM_FLAGS
        )
        try:
            yield launched
        finally:
            launched.close()
