"""How a question heading is read: its emphasis, its number, its text, its key."""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass

from toolkit.document import Heading
from toolkit.link_targets import encode
from toolkit.slug import heading_options, keep_mark

QUESTION_LEVELS = (3, 4)
"""A question is a `###` or `####` heading whose text ends with a question mark."""
QUESTION_MARKS = ("？", "?")

# `1.2`, `1.2.3`, or a lone `3` followed by `.`, `、` or a bracket; then the separator and spaces.
_NUMBER = re.compile(
    r"(?P<num>\d+(?:[.．]\d+)+|\d+(?=[.．、)）]))(?P<sep>[.．、)）]?)(?P<space>[ \t]*)"
)
_NUMBER_SPLIT = re.compile(r"[.．]")
_SECTION_NUMBER = re.compile(r"\s*(\d+)\s*[.．、](?!\d)")
_EMPHASIS_TAG = re.compile(r"<(/?)(strong|em)>")
_CJK = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]")


@dataclass(frozen=True, slots=True)
class HeadingParts:
    """A heading's source split into its emphasis markers, its number and the rest."""

    emphasis: int
    """How many `*`/`_` characters wrap the whole text on each side (0 when not wrapped)."""
    wrapped_in_source: bool
    """The source really starts and ends with those markers (so dropping them is safe)."""
    number: tuple[int, ...] | None
    """`(1, 2)` for `1.2`; None when the heading carries no question number."""
    number_start: int
    """Offset in the heading source where the number starts (after the emphasis markers);
    -1 when the number is not written there as plain text."""
    number_end: int
    """Offset just past the number, its separator and the spaces after it."""
    body: str
    """The source after the number, without the closing emphasis markers."""


def plain_title(heading: Heading) -> str:
    """The heading text a reader sees, without docsify options such as `:id=`."""
    return heading_options(heading.text).title.strip()


def is_question(heading: Heading) -> bool:
    """A `###`/`####` heading whose text ends with `？` or `?`."""
    return heading.level in QUESTION_LEVELS and plain_title(heading).endswith(QUESTION_MARKS)


def has_cjk(text: str) -> bool:
    """The text holds Chinese characters or full-width punctuation."""
    return _CJK.search(text) is not None


def emphasis_markers(html: str) -> int:
    """How many emphasis characters wrap the whole rendered heading (`**x**` 2, `***x***` 3)."""
    title = heading_options(html).title
    markers = 0
    while True:
        opening = re.match(r"<(strong|em)>", title)
        if opening is None:
            return markers
        tag = opening.group(1)
        depth, close_end = 0, -1
        for match in _EMPHASIS_TAG.finditer(title):
            if match.group(2) != tag:
                continue
            depth += -1 if match.group(1) else 1
            if depth == 0:
                close_end = match.end()
                break
        if close_end != len(title):
            return markers
        markers += 2 if tag == "strong" else 1
        title = title[opening.end() : close_end - len(f"</{tag}>")]


@functools.lru_cache(maxsize=65536)
def split_number(text: str) -> tuple[tuple[int, ...] | None, int]:
    """The question number at the start of `text` and where the text after it starts."""
    match = _NUMBER.match(text)
    if match is None:
        return None, 0
    rest = text[match.end() :]
    glued = not match.group("sep") and not match.group("space")
    if glued and rest[:1] and (rest[:1].isascii() and (rest[:1].isalnum() or rest[:1] == "%")):
        return None, 0  # `1.5B 模型` is a size, not a number
    parts = tuple(int(p) for p in _NUMBER_SPLIT.split(match.group("num")))
    return parts, match.end()


def split_heading(heading: Heading) -> HeadingParts:
    """Split a heading into emphasis, number and body, with offsets into its source."""
    source = heading.source
    markers = emphasis_markers(heading.html)
    wrapped = (
        markers > 0
        and len(source) > 2 * markers
        and all(c in "*_" for c in source[:markers] + source[-markers:])
    )
    inner_start = markers if wrapped else 0
    inner = source[inner_start : len(source) - markers] if wrapped else source
    number, length = split_number(inner)
    shown, _at = split_number(plain_title(heading))
    if shown != number:
        # The number a reader sees is not plain text at the start of the source (`**1.2** …`):
        # the number counts, but its place in the source is unknown.
        return HeadingParts(markers, wrapped, shown, -1, -1, inner)
    return HeadingParts(markers, wrapped, number, inner_start, inner_start + length, inner[length:])


def section_number(heading: Heading) -> int | None:
    """The `N` of a `## N.标题` section heading."""
    match = _SECTION_NUMBER.match(plain_title(heading))
    return int(match.group(1)) if match else None


def question_key(text: str) -> str:
    """Normalise width, case, punctuation and spaces, so that one question has one key."""
    _number, at = split_number(text.strip())
    normal = unicodedata.normalize("NFKC", text.strip()[at:]).casefold()
    return _NOT_LETTER_NUMBER.sub(keep_mark, normal)


# Letters, numbers and marks are what a key keeps: `\w` without `_`, plus the marks.
_NOT_LETTER_NUMBER = re.compile(r"[\W_]")


def docsify_link(page: str, anchor: str | None = None) -> str:
    """A root-relative docsify link to a page (and heading id), encoded where Markdown needs it."""
    target = "/" + encode(page)
    return f"{target}?id={encode(anchor)}" if anchor else target
