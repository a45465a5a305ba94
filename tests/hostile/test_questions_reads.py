"""What `kb questions` reads: never a FIFO, never a page through a symlink out of the site root.

Such a page is named on stderr and left out of the index, as `kb lint` names the files it
does not read; the rest of the index is printed and the exit status is 2.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.hostile.conftest import opened_outside, run_process

pytestmark = pytest.mark.slow

QUESTION = "# 注意力\n\n## 1. 基础\n\n### 1.1 什么是注意力？\n\n答。\n"
TABLE = [
    "PAGE    SECTION  QUESTION            LINK",
    "q.md:5  1. 基础  1.1 什么是注意力？  /q.md?id=_11-什么是注意力？",
    "1 questions on 1 pages",
]


def _book_with_a_secret(project: Path, outside: Path) -> None:
    """content/q.md asks a question; content/evil.md is a symlink to a page that asks another."""
    outside.write_text("# 秘密\n\n## 1. 秘密\n\n### 1.1 秘密问题？\n\n答。\n", encoding="utf-8")
    (project / "content" / "q.md").write_text(QUESTION, encoding="utf-8")
    (project / "content" / "evil.md").symlink_to(outside)


def test_questions_names_a_fifo_page_without_blocking(project: Path) -> None:
    (project / "content" / "q.md").write_text(QUESTION, encoding="utf-8")
    os.mkfifo(project / "content" / "fifo.md")
    for args in ([], ["--markdown"]):
        run = run_process(["questions", *args], project, timeout=60)
        assert run.status == 2
        assert run.err == "kb: error: content/fifo.md: cannot read: not a regular file\n"
        assert "什么是注意力" in run.out
    run = run_process(["questions"], project, timeout=60)
    assert run.lines == TABLE


def test_questions_never_reads_a_page_symlinked_out_of_the_site(
    project: Path, outside: Path
) -> None:
    _book_with_a_secret(project, outside)
    run = run_process(["questions"], project, timeout=60)
    assert run.status == 2
    assert run.err == (
        f"kb: error: content/evil.md: symlink to {outside}, outside the site root; not read\n"
    )
    assert run.lines == TABLE
    for args in ([], ["--markdown"], ["--format", "json"]):
        assert opened_outside(project, "questions", *args, timeout=60) == (2, [])


def test_question_list_check_reads_no_fifo_and_nothing_outside(
    project: Path, outside: Path
) -> None:
    # An unresolved link on a question-list page makes kb lint look the question up book-wide.
    _book_with_a_secret(project, outside)
    os.mkfifo(project / "content" / "fifo.md")
    lists = project / "content" / "大模型面试题"
    lists.mkdir()
    (lists / "索引.md").write_text("# 索引\n\n1. [秘密问题？](/q.md?id=nope)\n", encoding="utf-8")
    with (project / "pyproject.toml").open("a", encoding="utf-8") as config:
        config.write('question-pages = ["大模型面试题/**"]\n')
    run = run_process(["lint", "--no-cache"], project, timeout=60)
    assert run.status == 2
    assert run.err.splitlines() == [
        f"kb: error: content/evil.md: symlink to {outside}, outside the repository; not read",
        "kb: error: content/fifo.md: cannot read: not a regular file",
    ]
    assert run.lines[-1] == (
        "content/大模型面试题/索引.md:3:4: QST009 answer link '/q.md?id=nope' "
        "does not resolve: "
        "q.md has no heading with the docsify id 'nope'"  # no "answers it at evil.md:5"
    )
    assert opened_outside(project, "lint", "--no-cache", timeout=60) == (2, [])


def test_questions_names_a_page_that_is_not_utf8(project: Path) -> None:
    (project / "content" / "q.md").write_text(QUESTION, encoding="utf-8")
    (project / "content" / "u16.md").write_text("# 秘密\n\n### 1.1 问题？\n", encoding="utf-16")
    run = run_process(["questions"], project, timeout=60)
    assert run.status == 2
    assert run.err == "kb: error: content/u16.md:1: UTF-16 encoded; save it as UTF-8\n"
    assert run.lines == TABLE
