"""Real pre-commit runs kb-translate-check on a book in docs/ with its edition inside the site."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.translate.docsbook import make_docs_book

REPO = Path(__file__).resolve().parents[2]
KB = Path(sys.executable).with_name("kb")
PRE_COMMIT = Path(sys.executable).with_name("pre-commit")


def _run(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PIP_DISABLE_PIP_VERSION_CHECK": "1"}
    return subprocess.run(args, cwd=cwd, capture_output=True, text=True, timeout=900, env=env)


@pytest.mark.slow
def test_hook_catches_a_stale_mirror_inside_the_site(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = tmp_path / "book"
    make_docs_book(repo)
    monkeypatch.setenv("PRE_COMMIT_HOME", str(tmp_path / "pre-commit-home"))
    monkeypatch.setenv("KB_CACHE_DIR", str(tmp_path / "kb-cache"))
    for command in (
        ("git", "init", "-q", "-b", "main"),
        ("git", "config", "user.email", "t@example.com"),
        ("git", "config", "user.name", "t"),
    ):
        assert _run(repo, *command).returncode == 0
    assert _run(repo, str(KB), "translate").returncode == 0
    assert (repo / "docs" / "zh-Hant" / "guide" / "attention.md").is_file()
    _run(repo, "git", "add", "-A")
    hook = (str(PRE_COMMIT), "try-repo", str(REPO), "kb-translate-check")
    current = _run(repo, *hook, "--all-files")
    assert current.returncode == 0, current.stdout + current.stderr

    page = repo / "docs" / "guide" / "attention.md"
    page.write_text(page.read_text(encoding="utf-8") + "\n新增一段。\n", encoding="utf-8")
    _run(repo, "git", "add", "docs/guide/attention.md")
    # As on a commit: only the changed page is passed, and the hook still names the mirror.
    stale = _run(repo, *hook, "--files", "docs/guide/attention.md")
    assert stale.returncode == 1, stale.stdout + stale.stderr
    assert (
        "docs/zh-Hant/guide/attention.md: stale: made from an older docs/guide/attention.md"
        in stale.stdout
    )
    # A change elsewhere in the repository does not run the check at all.
    (repo / "notes.txt").write_text("x\n", encoding="utf-8")
    _run(repo, "git", "add", "notes.txt")
    other = _run(repo, *hook, "--files", "notes.txt")
    assert other.returncode == 0, other.stdout + other.stderr
