"""Real pre-commit, on a temporary git repository, using this repository's hooks."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
KB = Path(sys.executable).with_name("kb")
PRE_COMMIT = Path(sys.executable).with_name("pre-commit")

BROKEN = "# 首页\n\n* [注意力](/part/a.md?id=_1_attention)\n"
FIXED = "# 首页\n\n* [注意力](/part/a.md?id=_1-attention)\n"


def _git(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, timeout=60)


@pytest.fixture
def book_repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A git repository holding a tiny docsify book whose home page has a broken anchor."""
    repo = tmp_path / "book"
    (repo / "content" / "part").mkdir(parents=True)
    (repo / "pyproject.toml").write_text('[tool.kb]\nroot = "content"\n', encoding="utf-8")
    (repo / "content" / "part" / "a.md").write_text("# 页\n\n## 1. Attention\n\n正文。\n", "utf-8")
    (repo / "content" / "README.md").write_text(BROKEN, encoding="utf-8")
    _git(repo, "init", "-q", "-b", "main")
    _git(repo, "config", "user.email", "t@example.com")
    _git(repo, "config", "user.name", "t")
    monkeypatch.setenv("PRE_COMMIT_HOME", str(tmp_path / "pre-commit-home"))
    monkeypatch.setenv("KB_CACHE_DIR", str(tmp_path / "kb-cache"))
    return repo


def _pre_commit(repo: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PIP_DISABLE_PIP_VERSION_CHECK": "1"}
    return subprocess.run(
        [str(PRE_COMMIT), *args], cwd=repo, capture_output=True, text=True, timeout=900, env=env
    )


@pytest.mark.slow
def test_try_repo_refuses_broken_anchor_and_accepts_after_fix(book_repo: Path) -> None:
    _git(book_repo, "add", "-A")
    refused = _pre_commit(book_repo, "try-repo", str(REPO), "kb-lint", "--all-files")
    assert refused.returncode == 1, refused.stdout + refused.stderr
    assert "content/README.md:3:3: ANC001 anchor '_1_attention' not found" in refused.stdout

    fixed = subprocess.run(
        [str(KB), "lint", "--fix"], cwd=book_repo, capture_output=True, text=True, timeout=60
    )
    assert fixed.returncode == 1 and "fixed 1 problem" in fixed.stderr
    assert (book_repo / "content" / "README.md").read_text(encoding="utf-8") == FIXED
    _git(book_repo, "add", "-A")
    accepted = _pre_commit(book_repo, "try-repo", str(REPO), "kb-lint", "--all-files")
    assert accepted.returncode == 0, accepted.stdout + accepted.stderr


@pytest.mark.slow
def test_installed_hook_refuses_the_commit(book_repo: Path) -> None:
    head = _git(REPO, "rev-parse", "HEAD").stdout.strip()
    (book_repo / ".pre-commit-config.yaml").write_text(
        f"repos:\n  - repo: {REPO}\n    rev: {head}\n    hooks:\n      - id: kb-lint\n",
        encoding="utf-8",
    )
    assert _pre_commit(book_repo, "install").returncode == 0
    _git(book_repo, "add", "-A")
    refused = _git(book_repo, "commit", "-m", "book")
    assert refused.returncode != 0
    assert "ANC001 anchor '_1_attention' not found" in refused.stdout + refused.stderr
    assert _git(book_repo, "rev-parse", "--verify", "HEAD").returncode != 0  # nothing committed

    (book_repo / "content" / "README.md").write_text(FIXED, encoding="utf-8")
    _git(book_repo, "add", "-A")
    accepted = _git(book_repo, "commit", "-m", "book")
    assert accepted.returncode == 0, accepted.stdout + accepted.stderr


def test_git_is_available() -> None:
    assert shutil.which("git") is not None
