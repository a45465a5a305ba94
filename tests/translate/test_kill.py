"""SIGKILL half-way through an English run loses nothing: the rerun ends where a clean run does."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.translate.conftest import make_project, process_env, tree
from tests.translate.fakelibre import FakeLibre

pytestmark = pytest.mark.slow


@pytest.fixture
def slow() -> Iterator[FakeLibre]:
    """A fake server that takes a while per request, so a run can be killed half-way."""
    server = FakeLibre(delay=0.03).start()
    yield server
    server.stop()


def _command(project: Path, server: FakeLibre) -> tuple[list[str], dict[str, str]]:
    return [sys.executable, "-m", "toolkit", "translate", "--lang", "en"], process_env(
        project, server
    )


def test_sigkill_then_rerun_equals_an_uninterrupted_run(tmp_path: Path, slow: FakeLibre) -> None:
    clean = make_project(tmp_path / "clean")
    command, env = _command(clean, slow)
    subprocess.run(command, cwd=clean, env=env, check=True, capture_output=True, timeout=120)
    total = len(slow.texts)
    assert total > 40

    killed = make_project(tmp_path / "killed")
    slow.texts.clear()
    command, env = _command(killed, slow)
    process = subprocess.Popen(
        command, cwd=killed, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    deadline = time.monotonic() + 60
    while len(slow.texts) < total // 2 and time.monotonic() < deadline:
        time.sleep(0.01)
    process.send_signal(signal.SIGKILL)
    process.communicate(timeout=30)
    assert process.returncode == -signal.SIGKILL
    assert not (killed / "i18n" / "en").exists()  # killed before any mirror was written
    saved = list((killed / "i18n" / "po" / "en").rglob("*.po"))
    assert saved  # what came back before the kill is on disk

    slow.texts.clear()
    subprocess.run(command, cwd=killed, env=env, check=True, capture_output=True, timeout=120)
    assert 0 < len(slow.texts) < total  # resumed: only what the memory lacked was sent
    assert tree(killed / "i18n") == tree(clean / "i18n")
