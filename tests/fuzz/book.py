"""A small book on disk for one fuzz example, and `kb` run on it without pytest fixtures."""

from __future__ import annotations

import contextlib
import io
import os
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from toolkit.cli import main

PART_README = "# 部分\n\n## part\n\n## 目录\n\n### 1注意力\n\n## q\n\n正文。\n"
QUESTION_LIST = "大模型面试题/list.md"


@dataclass(frozen=True)
class Result:
    status: int
    out: str
    err: str


@contextlib.contextmanager
def book(readme: bytes, page: bytes, questions: bytes = b"# Q\n") -> Iterator[Path]:
    """A project in a temporary folder: the generated pages plus a fixed part README."""
    root = Path(tempfile.mkdtemp(prefix="kb-fuzz-"))
    try:
        content = root / "content"
        (content / "part").mkdir(parents=True)
        (content / "大模型面试题").mkdir()
        (root / "pyproject.toml").write_text(
            '[tool.kb]\nroot = "content"\nquestion-pages = ["大模型面试题/**"]\n', encoding="utf-8"
        )
        (content / "README.md").write_bytes(readme)
        (content / "part" / "README.md").write_text(PART_README, encoding="utf-8")
        (content / "part" / "a.md").write_bytes(page)
        (content / QUESTION_LIST).write_bytes(questions)
        yield root
    finally:
        shutil.rmtree(root, ignore_errors=True)


def kb(root: Path, *args: str) -> Result:
    """`kb ARGS --config ROOT/pyproject.toml --no-cache` in this process, from ROOT."""
    out, err = io.StringIO(), io.StringIO()
    here = os.getcwd()
    os.chdir(root)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            status = main([*args, "--config", str(root / "pyproject.toml"), "--no-cache"])
    finally:
        os.chdir(here)
    return Result(status, out.getvalue(), err.getvalue())


def files(root: Path) -> dict[str, bytes]:
    """Every file of the book by relative path."""
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted((root / "content").rglob("*"))
        if p.is_file()
    }
