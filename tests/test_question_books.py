"""Question rules run on question books only: configured, or recognised by numbered questions."""

from __future__ import annotations

from pathlib import Path

import pytest

from toolkit.cli import main
from toolkit.config import Config

QUESTIONS = "# 面试题\n\n## 1.基础\n\n" + "".join(
    f"### 1.{n} 问题{n}？\n\n回答。\n\n" for n in (1, 2, 3)
)
STYLE_ONLY = "# 另一页\n\n## **加粗的标题**\n\n正文。\n"


@pytest.fixture
def book(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "pyproject.toml").write_text('[tool.kb]\nroot = "."\n', encoding="utf-8")
    (tmp_path / "b.md").write_text(STYLE_ONLY, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("KB_CACHE_DIR", str(tmp_path / ".cache"))
    return tmp_path


def _codes(capsys: pytest.CaptureFixture[str], *args: str) -> list[str]:
    capsys.readouterr()
    main(["lint", "--select", "QST", *args])
    return [line.split()[1] for line in capsys.readouterr().out.splitlines()]


def test_the_default_configures_no_question_pages() -> None:
    assert Config(project_root=Path()).question_pages == ()
    assert Config(project_root=Path()).questions is None


def test_a_book_without_numbered_questions_gets_no_question_rules(
    book: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _codes(capsys, ".") == []


@pytest.mark.parametrize("cache", [(), ("--no-cache",)], ids=["cache", "no-cache"])
def test_one_page_of_a_question_book_is_checked_on_a_one_file_run(
    book: Path, capsys: pytest.CaptureFixture[str], cache: tuple[str, ...]
) -> None:
    (book / "a.md").write_text(QUESTIONS, encoding="utf-8")
    assert _codes(capsys, *cache, ".") == ["QST004"]
    # pre-commit passes only b.md: the numbered questions of a.md still make it a question book
    assert _codes(capsys, *cache, "b.md") == ["QST004"]


def test_two_numbered_questions_are_not_enough(
    book: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (book / "a.md").write_text(QUESTIONS.split("### 1.3")[0], encoding="utf-8")
    assert _codes(capsys, ".") == []


@pytest.mark.parametrize(
    ("setting", "codes"),
    [("true", ["QST004"]), ("false", []), ('"auto"', [])],
)
def test_questions_setting_forces_the_rules_on_or_off(
    book: Path, capsys: pytest.CaptureFixture[str], setting: str, codes: list[str]
) -> None:
    (book / "pyproject.toml").write_text(
        f'[tool.kb]\nroot = "."\nquestions = {setting}\n', encoding="utf-8"
    )
    assert _codes(capsys, ".") == codes


def test_question_pages_turn_the_rules_on(book: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (book / "pyproject.toml").write_text(
        '[tool.kb]\nroot = "."\nquestion-pages = ["题单/*.md"]\n', encoding="utf-8"
    )
    assert _codes(capsys, ".") == ["QST004"]


@pytest.mark.parametrize("value", ["1", '"yes"', "[]"])
def test_questions_setting_is_validated(
    book: Path, capsys: pytest.CaptureFixture[str], value: str
) -> None:
    (book / "pyproject.toml").write_text(f"[tool.kb]\nquestions = {value}\n", encoding="utf-8")
    assert main(["lint", "."]) == 2
    assert "'questions' must be true, false or \"auto\"" in capsys.readouterr().err
