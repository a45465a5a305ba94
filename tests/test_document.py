"""The Document: one parse, exact 1-based positions of headings, links and formulas."""

from __future__ import annotations

from pathlib import Path

import pytest

from toolkit.document import parse, read_document
from toolkit.errors import KbError
from toolkit.source import decode, encode


def _doc(text: str):  # type: ignore[no-untyped-def]
    return parse(text, Path("t.md"))


def _at(text: str, needle: str, occurrence: int = 0) -> tuple[int, int]:
    """1-based line and column of the n-th occurrence of `needle` in `text`."""
    index = -1
    for _ in range(occurrence + 1):
        index = text.index(needle, index + 1)
    line = text.count("\n", 0, index) + 1
    return line, index - (text.rfind("\n", 0, index) + 1) + 1


LINK_CASES = [
    "[a](/x.md)",
    "- item [a](/x.md)",
    "1. first\n2. second [a](/x.md)",
    "- outer\n  - inner\n    - deepest [a](/x.md)",
    "> quote [a](/x.md)",
    "> > nested\n> > quote [a](/x.md)",
    "| h1 | h2 |\n|----|----|\n| c | 中文 [a](/x.md) |",
    "text with `code` and **bold** then [a](/x.md)",
    "line one\nline two 中文 [a](/x.md)",
    "- list\n\n  > quote in list [a](/x.md)",
    "[ref][a]\n\n[a]: /x.md",
    "中文全角（括号）[a](/x.md)",
    "emoji 🚀 then [a](/x.md)",
]


@pytest.mark.parametrize("text", LINK_CASES)
def test_link_position(text: str) -> None:
    doc = _doc(text + "\n")
    assert len(doc.links) == 1
    link = doc.links[0]
    needle = "[ref]" if "[ref]" in text else "[a]"
    assert (link.line, link.column) == _at(text, needle)
    assert link.target == "/x.md"


@pytest.mark.parametrize("text", [t for t in LINK_CASES if "[ref]" not in t])
def test_link_target_offsets(text: str) -> None:
    doc = _doc(text + "\n")
    link = doc.links[0]
    assert doc.text[link.target_start : link.target_end] == "/x.md"


def test_crlf_and_bom_give_the_same_positions() -> None:
    text = "# 标题\n\n- 列表 [a](/x.md)\n\n$$\nx^2\n$$\n\n中文 $y$ 结束\n"
    plain = parse(decode(text.encode(), Path("a.md")).text, Path("a.md"))
    crlf = parse(
        decode(("\ufeff" + text.replace("\n", "\r\n")).encode(), Path("b.md")).text, Path("b.md")
    )
    cr = parse(decode(text.replace("\n", "\r").encode(), Path("c.md")).text, Path("c.md"))
    for other in (crlf, cr):
        assert [(link.line, link.column) for link in other.links] == [
            (link.line, link.column) for link in plain.links
        ]
        assert [(f.line, f.column) for f in other.formulas] == [
            (f.line, f.column) for f in plain.formulas
        ]
        assert [(h.line, h.column) for h in other.headings] == [
            (h.line, h.column) for h in plain.headings
        ]


def test_round_trip_keeps_bom_and_line_ends() -> None:
    for raw in (b"\xef\xbb\xbfa\r\nb\r\n", b"a\rb\r", b"a\nb\n"):
        source = decode(raw, Path("x.md"))
        assert encode(source, source.text) == raw


def test_mixed_line_ends_are_detected() -> None:
    assert decode(b"a\r\nb\nc", Path("x.md")).newline is None


def test_headings_have_levels_text_and_lines() -> None:
    doc = _doc("# 页\n\n## 1.Attention\n\n### 1.1 什么是 **GQA**？\n\nSetext\n======\n")
    assert [(h.level, h.text, h.line) for h in doc.headings] == [
        (1, "页", 1),
        (2, "1.Attention", 3),
        (3, "1.1 什么是 GQA？", 5),
        (1, "Setext", 7),
    ]
    assert doc.headings[2].html == "1.1 什么是 <strong>GQA</strong>？"


def test_formulas_inline_display_and_positions() -> None:
    text = "前 $a+b$ 中 $$c$$ 后\n\n$$\n\\frac{1}{2}\n$$\n\n| x | $y$ |\n|---|---|\n| 1 | 2 |\n"
    doc = _doc(text)
    assert [(f.tex, f.display, f.in_table) for f in doc.formulas] == [
        ("a+b", False, False),
        ("c", True, False),
        ("\n\\frac{1}{2}\n", True, False),
        ("y", False, True),
    ]
    assert (doc.formulas[0].line, doc.formulas[0].column) == _at(text, "$a+b$")
    assert (doc.formulas[2].line, doc.formulas[2].column) == (3, 1)
    for formula in doc.formulas:
        assert doc.text[formula.start : formula.start + len(formula.tex)] == formula.tex


def test_currency_and_code_are_not_math() -> None:
    doc = _doc("价格 $5 和 $10，代码 `$x$` 和\n\n```python\nprint('$y$')\n```\n")
    assert doc.formulas == []
    assert [(p.line, p.column) for p in doc.stray_dollars] == [(1, 4), (1, 9)]


def test_escaped_dollar_is_text() -> None:
    assert _doc("花费 \\$5 与 \\$6\n").formulas == []


def test_image_html_and_autolink_kinds() -> None:
    doc = _doc('![图](a.png "t") <https://x.org> <a href="b.md">b</a>\n\n<img src="c.png">\n')
    assert [(link.kind, link.target) for link in doc.links] == [
        ("image", "a.png"),
        ("autolink", "https://x.org"),
        ("html", "b.md"),
        ("html", "c.png"),
    ]
    assert doc.links[0].title == "t"
    html_link = doc.links[2]
    assert doc.text[html_link.target_start : html_link.target_end] == "b.md"


def test_comments_are_collected_with_trailing_flag() -> None:
    doc = _doc("<!-- kb-disable ANC001 -->\n\n* item <!-- kb-disable-line LNK001 -->\n")
    assert [(c.body, c.line, c.trailing) for c in doc.comments] == [
        ("kb-disable ANC001", 1, False),
        ("kb-disable-line LNK001", 3, True),
    ]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"# a\n\xff\xfe", "t.md:2: not valid UTF-8"),
        (b"a\x00b", "binary file"),
    ],
)
def test_bad_bytes_raise_kb_error(data: bytes, message: str) -> None:
    with pytest.raises(KbError, match=message):
        decode(data, Path("t.md"))


def test_directory_named_md(tmp_path: Path) -> None:
    (tmp_path / "x.md").mkdir()
    with pytest.raises(KbError, match="is a directory"):
        read_document(tmp_path / "x.md")


def test_math_at_the_start_of_a_cell_before_a_trailing_digit() -> None:
    doc = _doc("| a | b |\n|---|---|\n| $\\gamma=1$，$\\lambda$ 约 0.95 | x |\n")
    assert [f.tex for f in doc.formulas] == ["\\gamma=1", "\\lambda"]
    assert doc.stray_dollars == []
