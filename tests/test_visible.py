"""Messages show what the reader cannot see: zero-width, bidi and variation-selector characters."""

from __future__ import annotations

from pathlib import Path

import pytest

from toolkit.cli import main
from toolkit.findings import quoted, visible


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("注意力", "'注意力'"),
        ("it's", '"it\'s"'),
        ("a\\b", "'a\\\\b'"),
        ("a\nb", "'a\\nb'"),
        ("❤\ufe0f", "'❤\\u{fe0f}'"),  # emoji presentation selector
        ("注\u200b意", "'注\\u{200b}意'"),  # zero-width space
        ("a\u200db", "'a\\u{200d}b'"),  # zero-width joiner
        ("\u202eabc", "'\\u{202e}abc'"),  # right-to-left override
        ("a\u2066b\u2069", "'a\\u{2066}b\\u{2069}'"),  # bidi isolates
        ("\ufeffx", "'\\u{feff}x'"),  # BOM as a zero-width no-break space
        ("全\u3000角", "'全\\u{3000}角'"),  # ideographic space, unlike " "
        ("a\x0bb", "'a\\u{b}b'"),
        ("\u3164", "'\\u{3164}'"),  # Hangul filler: a letter that prints as nothing
    ],
)
def test_quoted_shows_every_character(text: str, shown: str) -> None:
    assert quoted(text) == shown


def test_visible_leaves_visible_text_alone() -> None:
    assert visible("a.md 与 b.md\\x") == "a.md 与 b.md\\x"
    assert visible("页\u200b.md") == "页\\u{200b}.md"


def test_a_suggestion_that_differs_by_a_variation_selector_shows_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.kb]\nroot = "."\n', encoding="utf-8")
    (tmp_path / "README.md").write_text(
        "# 首页\n\n## 喜欢❤\ufe0f\n\n[a](#喜欢❤)\n\n[b](/页\u200b.md)\n", encoding="utf-8"
    )
    monkeypatch.chdir(tmp_path)
    assert main(["lint", "--no-cache", "."]) == 1
    assert capsys.readouterr().out.splitlines() == [
        "README.md:5:1: ANC001 anchor '喜欢❤' not found in this page (docsify ids); "
        "did you mean '喜欢❤\\u{fe0f}'?",
        "README.md:7:1: LNK001 page 页\\u{200b}.md not found (link '/页\\u{200b}.md')",
    ]
