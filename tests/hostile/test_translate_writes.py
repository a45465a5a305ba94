"""`kb translate` writes: atomic, mode-keeping, never out of the repository, one run at a time."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import polib  # type: ignore[import-untyped]
import pytest

from tests.hostile.conftest import run_process
from tests.translate.conftest import SECRET, make_project, process_env, tree
from tests.translate.fakelibre import FakeLibre
from toolkit import fileio
from toolkit.cli import main

ATTENTION = "content/基础/attention.md"


@pytest.fixture
def slow() -> Iterator[FakeLibre]:
    """A fake LibreTranslate that takes a while per request, so two runs overlap."""
    server = FakeLibre(delay=0.15).start()
    yield server
    server.stop()


def _spawn(project: Path, server: FakeLibre, *paths: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "toolkit", "translate", "--lang", "en", "--no-progress", *paths],
        cwd=project,
        env=process_env(project, server),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _finish(process: subprocess.Popen[str]) -> tuple[int, str]:
    _, err = process.communicate(timeout=180)
    assert "Traceback" not in err, err
    return process.returncode, err


@pytest.mark.slow
def test_two_concurrent_runs_serialise_on_the_memory(tmp_path: Path, slow: FakeLibre) -> None:
    fast = FakeLibre().start()
    sequential = make_project(tmp_path / "sequential")
    try:
        for paths in ((ATTENTION,), ()):
            assert _finish(_spawn(sequential, fast, *paths))[0] == 0
    finally:
        fast.stop()
    requests = len(fast.texts)

    both = make_project(tmp_path / "both")
    first = _spawn(both, slow, ATTENTION)
    deadline = time.monotonic() + 60
    while not slow.texts and time.monotonic() < deadline:
        time.sleep(0.005)  # the first run holds the memory once it sends anything
    second = _spawn(both, slow)
    (status1, err1), (status2, err2) = _finish(first), _finish(second)
    assert (status1, status2) == (0, 0), err1 + err2
    assert "waiting for another kb translate" in err2
    # The second run read what the first wrote: nothing was sent twice, nothing was lost.
    assert len(slow.texts) == requests
    assert tree(both / "i18n") == tree(sequential / "i18n")
    for po in (both / "i18n" / "po" / "en").rglob("*.po"):
        assert polib.pofile(str(po)).untranslated_entries() == []


@pytest.fixture
def book(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """The translate test book as the current project, pointed at a fast fake server."""
    server = FakeLibre().start()
    project = make_project(tmp_path / "project")
    monkeypatch.chdir(project)
    monkeypatch.setenv("KB_TRANSLATE_URL", server.url)
    monkeypatch.setenv("LIBRE_API_KEY", SECRET)
    monkeypatch.setenv("KB_CACHE_DIR", str(tmp_path / "cache"))
    yield project
    server.stop()


def _kb(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    capsys.readouterr()
    status = main(list(args))
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    return status, out, err


@pytest.mark.slow
def test_memory_and_mirrors_are_renamed_into_place_and_keep_their_mode(
    book: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert _kb(capsys, "translate", "--no-progress")[0] == 0
    po = book / "i18n" / "po" / "en" / "基础" / "attention.po"
    mirror = book / "i18n" / "zh-Hant" / "基础" / "attention.md"
    po.chmod(0o600)
    mirror.chmod(0o640)
    page = book / ATTENTION
    page.write_text(page.read_text(encoding="utf-8") + "\n新的一段。\n", encoding="utf-8")
    renames: list[tuple[Path, Path]] = []
    replace = fileio._replace

    def spy(src: str, dst: str | Path) -> None:
        renames.append((Path(src), Path(dst)))
        replace(src, dst)

    monkeypatch.setattr(fileio, "_replace", spy)
    before = tree(book / "i18n")
    assert _kb(capsys, "translate", "--no-progress")[0] == 0
    after = tree(book / "i18n")
    changed = {rel for rel in after if before.get(rel) != after[rel]}
    assert {
        "po/en/基础/attention.po",
        "zh-Hant/基础/attention.md",
        "en/基础/attention.md",
    } <= changed
    targets = {dst.relative_to(book / "i18n").as_posix() for _, dst in renames}
    assert changed <= targets  # every changed file was renamed into place
    for src, dst in renames:
        assert src.parent == dst.parent and src.name.startswith(f".{dst.name}.")
    assert stat.S_IMODE(po.stat().st_mode) == 0o600
    assert stat.S_IMODE(mirror.stat().st_mode) == 0o640
    leftovers = [p for p in (book / "i18n").rglob(".*.tmp")]
    assert leftovers == []


@pytest.mark.parametrize("link", ["i18n/en", "i18n/po/en/基础", "i18n/zh-Hant/README.md", "i18n"])
def test_translate_refuses_a_symlink_out_of_the_repository(
    book: Path, capsys: pytest.CaptureFixture[str], link: str
) -> None:
    outside = book.parent / "outside"
    outside.mkdir()
    (outside / "README.md").write_text("# 外面\n", encoding="utf-8")
    path = book / link
    if link == "i18n":
        shutil.copytree(path, outside / "i18n")
        shutil.rmtree(path)
        target = outside / "i18n"
    else:
        path.parent.mkdir(parents=True, exist_ok=True)
        target = outside / "README.md" if link.endswith(".md") else outside
    path.symlink_to(target)
    before = tree(outside)
    status, out, err = _kb(capsys, "translate", "--no-progress")
    assert status == 2 and out == ""
    shown = "i18n" if link == "i18n" else link
    assert err.startswith(f"kb: error: {shown}: ")
    assert "outside the repository" in err
    assert tree(outside) == before


@pytest.mark.slow
@pytest.mark.parametrize(
    ("name", "make", "error"),
    [
        ("fifo.md", os.mkfifo, "cannot read: not a regular file"),
        ("bad.md", lambda p: p.write_bytes(b"# T\n\xff\n"), "2: not valid UTF-8 (byte 0xff)"),
        ("utf16.md", lambda p: p.write_bytes("\ufeff# 标".encode("utf-16-le")), "1: UTF-16"),
    ],
)
def test_translate_names_a_page_it_cannot_read_and_writes_nothing(
    tmp_path: Path, name: str, make: object, error: str
) -> None:
    project = make_project(tmp_path / "project")
    make(project / "content" / name)  # type: ignore[operator]
    run = run_process(["translate", "--lang", "zh-Hant"], project)  # no Traceback, asserted
    assert run.status == 2
    assert run.err.startswith(f"kb: error: {project / 'content' / name}:")
    assert error in run.err
    assert not (project / "i18n" / "zh-Hant").exists()
