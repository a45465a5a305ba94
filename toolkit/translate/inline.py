"""Inline content to ranges: translatable text, placeholders, line breaks, titles and alt text.

markdown-it-py's text tokens carry no reliable source positions (pending text is flushed by
whichever rule pushes next), so text is found by searching forward from the last known
position; code, math, HTML, escapes, links and images carry exact spans.
"""

from __future__ import annotations

import re

from markdown_it.token import Token

from toolkit.han import HAN

_SIMPLE_ALT = re.compile(r"[^\[\]`\\*_$<>&!{}\n]*")

Element = tuple[str, int, int]
"""(kind, start, end) in content offsets: `T` text, `P` placeholder, `B` break, `title`, `alt`."""


def last_column(line: str, part: str, heading: bool) -> int:
    """Column of an inline block's last content line: only blanks (or `#`s) may follow it."""
    tail = re.compile(r"(?:[ \t]+#+)?[ \t]*$" if heading else r"[ \t]*$")
    end = len(line)
    while True:
        column = line.rfind(part, 0, end)
        if column < 0:
            return -1
        if tail.fullmatch(line, column + len(part)):
            return column
        end = column + len(part) - 1


def raw_cells(line: str) -> list[tuple[int, int]]:
    """Trimmed source ranges of a table row's cells (pipes split unless backslash-escaped)."""
    bounds = [-1] + [i for i, c in enumerate(line) if c == "|" and (i == 0 or line[i - 1] != "\\")]
    bounds.append(len(line))
    cells = []
    for a, b in zip(bounds, bounds[1:], strict=False):
        start, end = a + 1, b
        while start < end and line[start] in " \t":
            start += 1
        while end > start and line[end - 1] in " \t":
            end -= 1
        cells.append((start, end))
    return cells


def elements(content: str, children: list[Token]) -> list[Element] | None:
    """Text, placeholder, break and nested ranges covering the content, or None if unsure."""
    found: list[Element] = []
    cursor = 0
    links: list[Token] = []
    in_autolink = False
    for child in children:
        kind = child.type
        span = child.meta.get("span") if child.meta else None
        if in_autolink:
            in_autolink = kind != "link_close"
            continue
        if kind == "text":
            if not child.content:
                continue
            at = content.find(child.content, cursor)
            if at < 0:
                return None
            found.append(("T", at, at + len(child.content)))
            cursor = at + len(child.content)
            continue
        if kind in ("em_open", "em_close", "strong_open", "strong_close", "s_open", "s_close"):
            continue
        if span is None or (span[0] < cursor and kind != "link_close"):
            return None
        start, end = span
        if kind == "softbreak":
            found.append(("B", start, end))
        elif kind == "image":
            found.extend(_image(content, child, start, end))
        elif kind == "link_open" and child.markup in ("autolink", "linkify"):
            found.append(("P", start, end))
            in_autolink = True
        elif kind == "link_open":
            found.append(("P", start, start + 1))
            links.append(child)
            end = start + 1
        elif kind == "link_close":
            if not links:
                return None
            opener = links.pop()
            label_end = content.find("]", cursor)
            if label_end < 0 or label_end >= end:
                return None
            found.extend(_tail(content, label_end, end, str(opener.attrs.get("title") or "")))
        else:
            found.append(("P", start, end))
        cursor = end
    return _normalise(content, found)


def _image(content: str, token: Token, start: int, end: int) -> list[Element]:
    label_end = start + 2 + len(token.content)
    simple = (
        content[start : start + 2] == "!["
        and content[start + 2 : label_end] == token.content
        and content[label_end : label_end + 1] == "]"
        and _SIMPLE_ALT.fullmatch(token.content) is not None
        and HAN.search(token.content) is not None
    )
    if not simple:
        return [("P", start, end)]
    title = str(token.attrs.get("title") or "")
    return [
        ("P", start, start + 2),
        ("alt", start + 2, label_end),
        *_tail(content, label_end, end, title),
    ]


def _tail(content: str, start: int, end: int, title: str) -> list[Element]:
    """`](target "title")`: the title becomes a nested segment when it holds Chinese."""
    tail = content[start:end]
    if not title or HAN.search(title) is None or re.search(r"(?:^|\s):\w", title):
        return [("P", start, end)]
    at = tail.rfind(title)
    closing = {'"': '"', "'": "'", "(": ")"}
    if (
        at < 2
        or tail[at - 1] not in closing
        or tail[at + len(title) : at + len(title) + 1] != closing[tail[at - 1]]
        or not re.fullmatch(r"\s*\)", tail[at + len(title) + 1 :])
    ):
        return [("P", start, end)]
    a, b = start + at, start + at + len(title)
    return [("P", start, a), ("title", a, b), ("P", b, end)]


def _normalise(content: str, found: list[Element]) -> list[Element] | None:
    """Fill gaps with placeholders; fold blanks around line breaks into the break."""
    out: list[Element] = []
    at = 0
    for kind, a, b in found:
        if a < at or b < a:
            return None
        if a > at:
            out.append(("P", at, a))
        out.append((kind, a, b))
        at = b
    if at < len(content):
        out.append(("P", at, len(content)))
    merged: list[Element] = []
    for kind, a, b in out:
        blank = kind == "P" and not content[a:b].strip(" \t")
        if (
            merged
            and merged[-1][0] == "B"
            and blank
            or (
                merged
                and kind == "B"
                and merged[-1][0] == "P"
                and not content[merged[-1][1] : merged[-1][2]].strip(" \t")
            )
        ):
            merged[-1] = ("B", merged[-1][1], b)
        else:
            merged.append((kind, a, b))
    return merged
