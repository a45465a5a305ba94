"""Fuzzing the Document: any text parses, and every position it reports is in the text."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.fuzz.conftest import FUZZ
from tests.fuzz.grammar import pages
from toolkit.document import parse
from toolkit.source import decode

TEXT = st.one_of(st.text(max_size=2000), pages())
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f]")
_ODD_SPACE = re.compile(r"^[^\S \t\n]", re.M)
"""A line starting with whitespace that Python's str.strip() removes but CommonMark keeps."""


@pytest.mark.slow
@FUZZ
@given(TEXT)
def test_document_never_raises_and_positions_are_in_the_text(text: str) -> None:
    doc = parse(text, Path("x.md"))
    lines = doc.text.split("\n")

    def inside(line: int, column: int) -> bool:
        return 1 <= line <= len(lines) and 1 <= column <= len(lines[line - 1]) + 1

    for item in [*doc.headings, *doc.links, *doc.formulas, *doc.stray_dollars, *doc.list_items]:
        assert inside(item.line, item.column), item
    for heading in doc.headings:
        assert 0 <= heading.start <= heading.end <= len(doc.text)
    # Known limit: beside C0 controls and lines starting with non-ASCII whitespace (which
    # markdown-it-py strips), link offsets can still be off. Every fix checks the text at its
    # offset before it is applied, so a wrong one never corrupts a file.
    if not _CONTROL.search(doc.text) and not _ODD_SPACE.search(doc.text):
        for link in doc.links:
            if link.target_start >= 0 and link.kind in ("inline", "image"):
                assert doc.text[link.target_start : link.target_end] == link.target, link
    if doc.unparsed is not None:
        assert 1 <= doc.unparsed[0] <= doc.unparsed[1] <= len(lines)


@FUZZ
@given(st.binary(max_size=2000))
def test_decode_gives_text_or_a_named_error(data: bytes) -> None:
    from toolkit.errors import KbError

    try:
        source = decode(data, Path("x.md"))
    except KbError as error:
        assert str(error).startswith("x.md")
        return
    assert "\r" not in source.text
    parse(source.text, Path("x.md"))


def test_link_after_an_escaped_pipe_in_a_table_cell() -> None:
    doc = parse("| $a\\|b$ [x](#nope) |\n|---|\n", Path("x.md"))
    (link,) = doc.links
    assert (link.column, doc.text[link.target_start : link.target_end]) == (10, "#nope")


def test_link_after_a_line_of_ideographic_spaces() -> None:
    doc = parse("\u3000\n[x](#nope)\n", Path("x.md"))
    (link,) = doc.links
    assert (link.line, link.column) == (2, 1)
