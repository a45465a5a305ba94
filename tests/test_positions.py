"""Source spans of inline tokens and the positions the Document builds from them."""

from __future__ import annotations

from pathlib import Path

import pytest

from toolkit.document import parse, parse_with_tokens
from toolkit.positions import destination_span


def _children(text: str, math: str = "kb") -> tuple[str, list]:  # type: ignore[type-arg]
    _doc, tokens, _env = parse_with_tokens(text, Path("t.md"), math)
    inline = next(t for t in tokens if t.type == "inline")
    return inline.content, inline.children or []


# (Markdown, token type, the source its span must cover)
SPANS = [
    ("a `code` b", "code_inline", "`code`"),
    ("a ``co`de`` b", "code_inline", "``co`de``"),
    ("a $x^2$ b", "math_inline", "$x^2$"),
    ("a $$x$$ b", "math_inline_double", "$$x$$"),
    ("a <b>bold</b> c", "html_inline", "<b>"),
    ("a \\* b", "text_special", "\\*"),
    ("a &amp; b", "text_special", "&amp;"),
    ('a [t](/x.md "title") b', "link_open", '[t](/x.md "title")'),
    ('a [t](/x.md "title") b', "link_close", '[t](/x.md "title")'),
    ('a ![alt](/i.png "title") b', "image", '![alt](/i.png "title")'),
    ("a <https://example.com> b", "link_open", "<https://example.com>"),
    ("a **bold** b", "strong_open", "**"),
    ("a _em_ b", "em_close", "_"),
    ("a ~~del~~ b", "s_open", "~~"),
    ("line one\nline two", "softbreak", "\n"),
]


@pytest.mark.parametrize(("text", "kind", "source"), SPANS)
def test_each_token_kind_records_the_span_of_its_source(text: str, kind: str, source: str) -> None:
    content, children = _children(text)
    spans = [c.meta["span"] for c in children if c.type == kind]
    assert spans, [c.type for c in children]
    start, end = spans[0]
    assert content[start:end] == source


def test_a_nested_match_keeps_its_own_narrower_span() -> None:
    content, children = _children("see [the `code` here](/x.md) now")
    code = next(c for c in children if c.type == "code_inline")
    link = next(c for c in children if c.type == "link_open")
    assert content[slice(*code.meta["span"])] == "`code`"
    assert content[slice(*link.meta["span"])] == "[the `code` here](/x.md)"


def test_text_left_at_the_end_has_no_span() -> None:
    # Pending text is pushed by the next match (and shares its span) or, at the end, by the
    # tokenizer itself: no rule matched it, so it records none.
    _content, children = _children("`a` tail")
    assert children[-1].type == "text"
    assert "span" not in children[-1].meta


def _at(text: str, needle: str) -> tuple[int, int]:
    index = text.index(needle)
    return text.count("\n", 0, index) + 1, index - (text.rfind("\n", 0, index) + 1) + 1


FORMULA_PLACES = [
    "plain $x_1$ text",
    "| a | b |\n|---|---|\n| 中文 | see $x_1$ |",
    "> quote\n> with $x_1$ inside",
    "- item\n  - nested $x_1$",
    "1. one\n\n   para in item $x_1$",
    "\tindented?\n\npara\twith tab $x_1$",
    "**bold $x_1$** and _em_",
    "[link $x_1$ text](/x.md)",
    "中文全角（括号）$x_1$",
    "line one\nline two $x_1$",
]


@pytest.mark.parametrize("text", FORMULA_PLACES)
@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_formula_positions_in_every_container(text: str, newline: str) -> None:
    doc = parse(text.replace("\n", newline) + newline, Path("t.md"))
    assert len(doc.formulas) == 1
    formula = doc.formulas[0]
    assert (formula.line, formula.column) == _at(text, "$x_1$")
    assert doc.text[formula.start : formula.start + len(formula.tex)] == "x_1"


@pytest.mark.parametrize(
    "text",
    [
        "costs $5 here",
        "| a | b |\n|---|---|\n| x | costs $5 |",
        "> quoted costs $5",
        "- item costs $5",
        "`$code$` then costs $5",
    ],
)
def test_stray_dollar_positions(text: str) -> None:
    doc = parse(text + "\n", Path("t.md"))
    assert [(p.line, p.column) for p in doc.stray_dollars] == [_at(text, "$5")]


@pytest.mark.parametrize("text", ["a <!-- note --> b", "- item\n  with <!-- note --> b"])
def test_inline_comment_lines(text: str) -> None:
    doc = parse(text + "\n", Path("t.md"))
    assert [(c.line, c.body, c.trailing) for c in doc.comments] == [
        (_at(text, "<!--")[0], "note", True)
    ]


@pytest.mark.parametrize("text", ['see <a href="/x.md">x</a>', '> - q <img src="/x.md">'])
def test_inline_html_link_positions(text: str) -> None:
    doc = parse(text + "\n", Path("t.md"))
    link = doc.links[0]
    assert (link.kind, link.line, link.column) == ("html", *_at(text, "/x.md"))
    assert doc.text[link.target_start : link.target_end] == "/x.md"


def test_link_title_and_destination_offsets() -> None:
    text = 'x [t](/a_(b).md "the title") y\n'
    doc = parse(text, Path("t.md"))
    link = doc.links[0]
    assert link.title == "the title"
    assert doc.text[link.target_start : link.target_end] == "/a_(b).md"


@pytest.mark.parametrize(
    ("raw", "kind", "expected"),
    [
        ("[a](/x.md)", "inline", "/x.md"),
        ('[a](/x.md "t")', "inline", "/x.md"),
        ("[a](</x y.md>)", "inline", "/x y.md"),
        ("[a](/p(1)(2).md)", "inline", "/p(1)(2).md"),
        ("[a](/p\\).md)", "inline", "/p\\).md"),
        ("[a [b] `]` c](/x.md)", "inline", "/x.md"),
        ("[a \\] b](/x.md)", "inline", "/x.md"),
        ("![i](/img.png)", "image", "/img.png"),
        ("<https://x.org>", "autolink", "https://x.org"),
    ],
)
def test_destination_span(raw: str, kind: str, expected: str) -> None:
    found = destination_span(raw, kind)
    assert found is not None
    assert raw[found[0] : found[1]] == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("[a][ref]", None), ("[a]", None), ("[a `]` b", None), ("[a]\\", None), ("[a](", (4, 4))],
)
def test_destination_span_of_links_without_one(raw: str, expected: tuple[int, int] | None) -> None:
    assert destination_span(raw, "inline") == expected


def test_a_large_data_uri_is_found_whole() -> None:
    data = "data:image/png;base64," + "QUJD" * 50_000
    raw = f"![chart]({data})"
    found = destination_span(raw, "image")
    assert found is not None
    assert raw[found[0] : found[1]] == data
