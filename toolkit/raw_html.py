"""What kb reads in raw HTML: comments (for kb-disable pragmas) and `href`/`src` values."""

from __future__ import annotations

import re
from collections.abc import Iterator
from html.parser import HTMLParser


def html_comments(html: str) -> Iterator[tuple[int, int, str]]:
    """Start, end and body of each `<!-- … -->`, in one left-to-right pass.

    A regex `<!--(.*?)-->` rescans to the end from every unclosed `<!--`: quadratic.
    """
    at = html.find("<!--")
    while at >= 0:
        close = html.find("-->", at + 4)
        if close < 0:
            return
        yield at, close + 3, html[at + 4 : close]
        at = html.find("<!--", close + 3)


class _AttributeFinder(HTMLParser):
    """Collects `href` and `src` attribute values of raw HTML with their offsets."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.html = html
        self.found: list[tuple[str, str, int]] = []
        self._line_starts = [0] + [m.end() for m in re.finditer("\n", html)]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        line, column = self.getpos()
        tag_start = self._line_starts[line - 1] + column
        tag_end = self.html.find(">", tag_start)
        tag_text = self.html[tag_start : tag_end if tag_end >= 0 else len(self.html)]
        for name, value in attrs:
            if name not in ("href", "src") or value is None:
                continue
            at = _attribute_value_at(tag_text, name)
            self.found.append((name, value, tag_start + at))

    handle_startendtag = handle_starttag


def _attribute_value_at(tag_text: str, name: str) -> int:
    match = re.search(rf"\b{name}\s*=\s*([\"']?)", tag_text, re.I)
    if match is None:
        return 0
    return match.end()


def html_links(html: str) -> Iterator[tuple[str, str, int]]:
    if "href" not in html and "src" not in html:
        return iter(())
    finder = _AttributeFinder(html)
    try:
        finder.feed(html)
        finder.close()
    except (AssertionError, ValueError):
        pass  # broken HTML: keep what was found before the parser gave up
    return iter(finder.found)
