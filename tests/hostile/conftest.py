"""A small project to drop hostile files into, and `kb` run in-process or as a process."""

from __future__ import annotations

import ctypes
import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from toolkit.cli import main

REPO = Path(__file__).resolve().parents[2]
README = "# 首页\n\n## 目录\n\n[坏](/README.md?id=nope)\n"
"""The book's home page: one heading to aim at, one broken anchor that every run must report."""
README_FINDING = "content/README.md:5:1: ANC001 anchor 'nope' not found in README.md (docsify ids)"


@dataclass(frozen=True)
class Run:
    """What one `kb` run printed and returned."""

    status: int
    out: str
    err: str

    @property
    def lines(self) -> list[str]:
        return self.out.splitlines()


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """`tmp_path/project`: pyproject.toml and content/README.md; the current folder."""
    root = tmp_path / "project"
    (root / "content").mkdir(parents=True)
    (root / "pyproject.toml").write_text('[tool.kb]\nroot = "content"\n', encoding="utf-8")
    (root / "content" / "README.md").write_text(README, encoding="utf-8")
    monkeypatch.chdir(root)
    monkeypatch.setenv("KB_CACHE_DIR", str(tmp_path / "cache"))
    return root


class Kb:
    """`kb(*args)` runs `toolkit.cli.main` in this process and captures its output."""

    def __init__(self, capsys: pytest.CaptureFixture[str]) -> None:
        self.capsys = capsys

    def __call__(self, *args: str) -> Run:
        self.capsys.readouterr()
        status = main(list(args))
        captured = self.capsys.readouterr()
        assert "Traceback" not in captured.err
        assert status in (0, 1, 2)
        return Run(status, captured.out, captured.err)


@pytest.fixture
def kb(capsys: pytest.CaptureFixture[str]) -> Kb:
    return Kb(capsys)


@pytest.fixture
def outside(project: Path) -> Path:
    """A secret page beside the project, the target of links and symlinks that escape."""
    folder = project.parent / "outside"
    folder.mkdir()
    secret = folder / "secret.md"
    secret.write_text("# 秘密\n\n[x](/nope.md)\n", encoding="utf-8")
    return secret


_AUDIT = """\
import json, os, sys
opened = []
def hook(event, args):
    if event == "open" and isinstance(args[0], (str, bytes, os.PathLike)):
        opened.append(os.fsdecode(args[0]))
sys.addaudithook(hook)
from toolkit.cli import main
status = main(sys.argv[2:])
with open(sys.argv[1], "w") as out:
    json.dump(opened, out)
raise SystemExit(status)
"""


def opened_outside(project: Path, *args: str, timeout: float = 120) -> tuple[int, list[str]]:
    """Run kb with an audit hook; the files it opened under the project's parent but not in it."""
    log = project.parent / "opened.json"
    done = subprocess.run(
        [sys.executable, "-c", _AUDIT, str(log), *args],
        cwd=project,
        env=dict(os.environ, PYTHONPATH=str(REPO)),
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert "Traceback" not in done.stderr, done.stderr
    opened = [os.path.realpath(p) for p in json.loads(log.read_text())]
    outside = [p for p in opened if p.startswith(("/etc/", str(project.parent / "outside")))]
    return done.returncode, outside


def run_process(
    args: list[str], cwd: Path, *, timeout: float = 120, unprivileged: bool = False
) -> Run:
    """`python -m toolkit ARGS` as a separate process (a hang cannot stop the test run).

    `unprivileged` drops the capabilities that let root read any file, so permission bits
    count even on CI, which runs as root.
    """
    env = dict(os.environ, PYTHONPATH=str(REPO))
    done = subprocess.run(
        [sys.executable, "-m", "toolkit", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        preexec_fn=_drop_file_capabilities if unprivileged and os.geteuid() == 0 else None,
    )
    run = Run(done.returncode, done.stdout, done.stderr)
    assert "Traceback" not in run.err, run.err
    return run


_PR_CAPBSET_DROP = 24
_CAP_DAC_OVERRIDE = 1
_CAP_DAC_READ_SEARCH = 2


def _drop_file_capabilities() -> None:
    libc = ctypes.CDLL(None, use_errno=True)
    for capability in (_CAP_DAC_OVERRIDE, _CAP_DAC_READ_SEARCH):
        if libc.prctl(_PR_CAPBSET_DROP, capability, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP)")


def can_drop_file_capabilities() -> bool:
    """Not root, or root allowed to drop the capabilities that bypass permission bits."""
    if os.geteuid() != 0:
        return True
    probe = subprocess.run(
        [sys.executable, "-c", "pass"], preexec_fn=_drop_file_capabilities, check=False
    )
    return probe.returncode == 0


@dataclass(frozen=True)
class Stamp:
    """A file's bytes and identity: equal stamps mean the file was not rewritten."""

    data: bytes
    inode: int
    mtime_ns: int
    mode: int


def stamps(folder: Path) -> dict[str, Stamp]:
    """Every regular file under `folder` (symlinks not followed), by relative path."""
    found: dict[str, Stamp] = {}
    for dirpath, _dirs, names in os.walk(folder):
        for name in names:
            path = Path(dirpath) / name
            if path.is_symlink() or not path.is_file():
                continue
            info = path.stat()
            try:
                data = path.read_bytes()
            except PermissionError:
                data = b""  # an unreadable file of a test: its identity still counts
            found[path.relative_to(folder).as_posix()] = Stamp(
                data, info.st_ino, info.st_mtime_ns, info.st_mode
            )
    return found
