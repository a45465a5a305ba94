"""List items as Document.list_items gives them: number as written, own text, own links."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from markdown_it.token import Token

from toolkit.inline_render import render_text

if TYPE_CHECKING:
    from toolkit.document import Link


@dataclass(frozen=True, slots=True)
class ListItem:
    """An item of an ordered or bullet list: its number as written, its own text and links."""

    ordered: bool
    number: int | None
    """The number as written (`3.` gives 3); None for a bullet item."""
    list_index: int
    """Items of one list share it; lists count from 0 in document order."""
    depth: int
    """0 for a list inside no other list."""
    line: int
    column: int
    """Column of the marker (the number or the bullet)."""
    marker_start: int
    """Character offset of the number (or bullet) in Document.text; -1 when not found."""
    marker_end: int
    """Offset just past the digits (or the bullet)."""
    text: str
    """Plain text of the item's own paragraphs (nested lists excluded), one line per paragraph."""
    blocks: int
    """How many blocks sit directly in the item (paragraphs, nested lists, code, ...)."""
    links: tuple[Link, ...]
    """Links in the item's own paragraphs."""


@dataclass(slots=True)
class _OpenItem:
    ordered: bool
    number: int | None
    list_index: int
    depth: int
    level: int
    line: int
    column: int
    marker_start: int
    marker_end: int
    texts: list[str] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    blocks: int = 0


class ListCollector:
    """Follows list tokens and turns each list item into a ListItem."""

    def __init__(self, lines: list[str], line_starts: list[int], out: list[ListItem]) -> None:
        self.lines = lines
        self.line_starts = line_starts
        self.out = out
        self.lists: list[tuple[int, bool]] = []
        self.items: list[_OpenItem] = []
        self.count = 0
        # Where on a line to look for the next marker: `1. 1. x` opens two items on one line.
        self.search_from: dict[int, int] = {}

    def see(self, token: Token) -> None:
        """Follow one block token: lists and items opening and closing, blocks inside items."""
        if self.items and token.level == self.items[-1].level + 1 and token.nesting >= 0:
            self.items[-1].blocks += 1
        if token.type in ("bullet_list_open", "ordered_list_open"):
            self.lists.append((self.count, token.type == "ordered_list_open"))
            self.count += 1
        elif token.type in ("bullet_list_close", "ordered_list_close") and self.lists:
            self.lists.pop()
        elif token.type == "list_item_open" and self.lists and token.map is not None:
            self._open(token)
        elif token.type == "list_item_close" and self.items:
            self._close(self.items.pop())

    def inline(self, token: Token, links: list[Link]) -> None:
        """The text and links of an inline token inside the innermost open item."""
        if self.items:
            self.items[-1].texts.append(render_text(token.children or []))
            self.items[-1].links.extend(links)

    def _open(self, token: Token) -> None:
        assert token.map is not None
        list_index, ordered = self.lists[-1]
        line_index = token.map[0]
        line = self.lines[line_index]
        marker = token.info + token.markup if ordered else token.markup
        column = line.find(marker, self.search_from.get(line_index, 0))
        if column >= 0:
            self.search_from[line_index] = column + len(marker)
            start = self.line_starts[line_index] + column
            end = start + (len(token.info) if ordered else 1)
        else:
            column = len(line) - len(line.lstrip())
            start = end = -1
        number = int(token.info) if ordered and token.info.isdigit() else None
        self.items.append(
            _OpenItem(
                ordered,
                number,
                list_index,
                len(self.lists) - 1,
                token.level,
                line_index + 1,
                column + 1,
                start,
                end,
            )
        )

    def _close(self, item: _OpenItem) -> None:
        self.out.append(
            ListItem(
                item.ordered,
                item.number,
                item.list_index,
                item.depth,
                item.line,
                item.column,
                item.marker_start,
                item.marker_end,
                "\n".join(item.texts),
                item.blocks,
                tuple(item.links),
            )
        )
