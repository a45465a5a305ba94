"""A copy of the small test book in a temporary project, and a fake LibreTranslate server."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from functools import partial
from pathlib import Path

import polib
import pytest

from tests.translate.fakelibre import FakeLibre
from toolkit.cli import main
from toolkit.translate import build
from toolkit.translate.backends import Backend

REPO = Path(__file__).resolve().parents[2]
BOOK = REPO / "tests" / "fixtures" / "translate" / "book"
GLOSSARY = REPO / "i18n" / "glossary.toml"
SECRET = "sk-test-SECRET-4242"
PYPROJECT = """\
[tool.kb]
root = "content"

[tool.kb.translate]
backend = "libre"
timeout = 0.5
retries = 3
backoff = 0.05
concurrency = 2
"""


def process_env(project: Path, server: FakeLibre) -> dict[str, str]:
    """Environment for `python -m toolkit translate` as a separate process against `server`."""
    return dict(
        os.environ,
        KB_TRANSLATE_URL=server.url,
        LIBRE_API_KEY=SECRET,
        KB_CACHE_DIR=str(project / ".cache"),
        PYTHONPATH=str(REPO),
    )


def make_project(folder: Path) -> Path:
    """`folder` becomes a project: pyproject.toml, content/ (the test book), the glossary."""
    shutil.copytree(BOOK, folder / "content")
    (folder / "i18n").mkdir()
    shutil.copy(GLOSSARY, folder / "i18n" / "glossary.toml")
    (folder / "pyproject.toml").write_text(PYPROJECT, encoding="utf-8")
    return folder


@pytest.fixture
def fake() -> Iterator[FakeLibre]:
    """A LibreTranslate-compatible server on 127.0.0.1."""
    server = FakeLibre().start()
    yield server
    server.stop()


@pytest.fixture
def waits(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """The back-off waits of `kb translate` run in this process, recorded instead of slept."""
    recorded: list[float] = []
    monkeypatch.setattr(build, "Backend", partial(Backend, sleep=recorded.append))
    return recorded


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fake: FakeLibre) -> Path:
    """The test book in a temporary project, the current folder, pointed at the fake server."""
    make_project(tmp_path)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("KB_TRANSLATE_URL", fake.url)
    monkeypatch.setenv("LIBRE_API_KEY", SECRET)
    monkeypatch.setenv("KB_CACHE_DIR", str(tmp_path / ".cache"))
    return tmp_path


class Kb:
    """Run `kb` in-process and capture what it prints."""

    def __init__(self, capsys: pytest.CaptureFixture[str]) -> None:
        self.capsys = capsys

    def __call__(self, *args: str) -> tuple[int, str, str]:
        self.capsys.readouterr()
        status = main(list(args))
        captured = self.capsys.readouterr()
        return status, captured.out, captured.err


@pytest.fixture
def kb(capsys: pytest.CaptureFixture[str]) -> Kb:
    """`kb(*args) -> (status, stdout, stderr)`."""
    return Kb(capsys)


def tree(folder: Path) -> dict[str, bytes]:
    """Every file under `folder` by relative path (to compare two runs)."""
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and not p.name.startswith(".")
    }


def sign(po: Path, msgid: str, msgstr: str) -> None:
    """Review one memory entry as a person would: give it `msgstr` and drop `fuzzy` (the PO
    file written as kb writes its memories, unwrapped)."""
    memory = polib.pofile(str(po), wrapwidth=0)
    entry = memory.find(msgid)
    entry.msgstr = msgstr
    entry.flags.remove("fuzzy")
    memory.save(str(po))
