"""One rule for percent-encoding link targets and one for rewriting the anchor they name."""

from __future__ import annotations

import pytest

from toolkit.edits import splice
from toolkit.link_targets import anchor_edit, anchor_edit_in, encode, replace_anchor, unencoded
from toolkit.question_headings import docsify_link
from toolkit.routes import docsify_route


@pytest.mark.parametrize(
    ("target", "found"),
    [
        ("/a b.md", " "),
        ("/a.md?id=100%", "%"),
        ("/a.md?id=%E6%B3%A8", None),
        ("/f(x).md", None),  # balanced: the Markdown parser took it, the browser will too
        ("/a[1].md", None),
        ('/a".md', '"'),
        ("/注意力.md?id=多头", None),
    ],
)
def test_what_a_written_target_must_not_hold(target: str, found: str | None) -> None:
    assert unencoded(target) == found


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ("f(x", "f%28x"),
        ("100%", "100%25"),
        ("%41", "%2541"),  # a raw value: its `%` is a character, not an escape
        ("a b", "a%20b"),
        ("[1]", "%5B1%5D"),
        ("注意力-机制", "注意力-机制"),
    ],
)
def test_a_raw_value_is_written_encoded_where_it_must_be(value: str, written: str) -> None:
    assert encode(value) == written
    assert unencoded(written) is None
    # docsify decodes what kb wrote back to the value
    assert docsify_route(f"/p.md?id={written}", "").anchor == value.lower()


def test_the_question_index_writes_links_by_the_same_rule() -> None:
    assert (
        docsify_link("部分 一/f(x).md", "[1] 100%") == "/部分%20一/f%28x%29.md?id=%5B1%5D%20100%25"
    )


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("/a.md?id=旧", "/a.md?id=新%281%29"),
        ("#旧", "#新%281%29"),
        ("/a.md#旧", "/a.md#新%281%29"),
        ("#/a?id=旧", "#/a?id=新%281%29"),
        ("/a.md?id=%E6%97%A7", "/a.md?id=%E6%96%B0%281%29"),
        ("/a.md?id=other", "/a.md?id=other"),
    ],
)
def test_an_anchor_is_rewritten_encoded_as_it_was_written(target: str, expected: str) -> None:
    new = replace_anchor(target, "旧", "新(1)")
    assert new == expected
    assert unencoded(new) is None


def test_anchors_compare_as_docsify_does_decoded_and_ascii_case_folded() -> None:
    # docsify lower-cases a Markdown link's id: the router's anchor is `self`, written `Self`
    assert replace_anchor("/a.md?id=Self", "self", "self-attention") == "/a.md?id=self-attention"
    assert anchor_edit("/a.md?id=x&y=1", "x", "z") == (9, 10, "z")
    # `#/a` is a route, not a heading id
    assert anchor_edit("#/a", "/a", "b") is None


def test_an_edit_in_text_is_offset_and_refused_when_the_text_differs() -> None:
    text = "[a](/a.md?id=旧) [b](/b.md#x\\_y)"
    edit = anchor_edit_in(text, "/a.md?id=旧", 4, "旧", "新")
    assert edit is not None and splice(text, [edit]) == "[a](/a.md?id=新) [b](/b.md#x\\_y)"
    # the parsed target `/b.md#x_y` is not written as such (an escape): no guess
    assert anchor_edit_in(text, "/b.md#x_y", 20, "x_y", "z") is None
    assert anchor_edit_in(text, "/a.md?id=旧", -1, "旧", "新") is None


def test_splice_applies_sorted_edits_inside_a_range() -> None:
    text = "0123456789"
    assert splice(text, [(1, 2, "a"), (4, 6, "")]) == "0a236789"
    assert splice(text, [(3, 4, "x")], 2, 6) == "2x45"
