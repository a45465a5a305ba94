"""A parsed page kept between runs: its Document as JSON, valid for the same bytes and parser.

Parsing is most of a `kb lint` run, and a second run over a book that did not change parsed
every page again. A Document is a pure function of the page's text, the site's math plugin and
kb's parsing code, so it is stored with the hash of the page's bytes in the heading cache,
whose file is started afresh when the plugin or the fingerprint of that code (and of
markdown-it-py and mdit-py-plugins) changes: a page whose bytes are unchanged is read back
instead of parsed. JSON, not pickle: a cache restored from elsewhere (a CI cache) must not
be able to run code.
"""

from __future__ import annotations

import functools
import hashlib
import json
import operator
from collections.abc import Callable
from dataclasses import fields
from pathlib import Path
from typing import Any

import markdown_it
import mdit_py_plugins

from toolkit.document import (
    Block,
    Comment,
    Document,
    Formula,
    Heading,
    HiddenMath,
    Link,
    ListItem,
    Position,
    unfilled,
)

_ROWS: dict[str, type] = {
    "headings": Heading,
    "links": Link,
    "formulas": Formula,
    "hidden_math": HiddenMath,
    "stray_dollars": Position,
    "raw_tex": Position,
    "comments": Comment,
    "blocks": Block,
}
"""Document's list fields whose items hold plain values (list_items holds Links: see below)."""


def _values(cls: type) -> Callable[[Any], tuple[Any, ...]]:
    names = [f.name for f in fields(cls)]
    return operator.attrgetter(*names)  # several names: it returns a tuple


_VALUES = {cls: _values(cls) for cls in {*_ROWS.values(), ListItem}}
_LINKS_AT = [f.name for f in fields(ListItem)].index("links")


@functools.cache
def parser_fingerprint() -> str:
    """Changes whenever kb's code or its Markdown parser does (any kb module counts: a few
    milliseconds to hash, and no list of the modules parsing uses to keep up to date)."""
    digest = hashlib.sha1(f"{markdown_it.__version__} {mdit_py_plugins.__version__}".encode())
    package = Path(__file__).parent
    for source in sorted(package.rglob("*.py")):
        digest.update(source.relative_to(package).as_posix().encode())
        digest.update(source.read_bytes())
    return digest.hexdigest()


def dump_document(doc: Document) -> str:
    """The Document's facts (not its text, path or line starts, which the page gives again)."""
    data: dict[str, object] = {
        name: [_VALUES[cls](item) for item in getattr(doc, name)] for name, cls in _ROWS.items()
    }
    data["list_items"] = [_list_item_values(item) for item in doc.list_items]
    data["unparsed"] = doc.unparsed
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def load_document(stored: str, text: str, path: Path, math: str) -> Document | None:
    """The Document `dump_document` stored for this text, or None if the entry is unreadable."""
    try:
        data = json.loads(stored)
        doc = unfilled(text, path, math)[0]
        for name, cls in _ROWS.items():
            setattr(doc, name, [cls(*row) for row in data[name]])
        doc.list_items = [_list_item(row) for row in data["list_items"]]
        unparsed = data["unparsed"]
        doc.unparsed = None if unparsed is None else (int(unparsed[0]), int(unparsed[1]))
    except (ValueError, TypeError, KeyError, IndexError):
        return None
    return doc


def _list_item_values(item: ListItem) -> list[Any]:
    values = list(_VALUES[ListItem](item))
    values[_LINKS_AT] = [_VALUES[Link](link) for link in item.links]
    return values


def _list_item(row: list[Any]) -> ListItem:
    values = list(row)
    values[_LINKS_AT] = tuple(Link(*link) for link in row[_LINKS_AT])
    return ListItem(*values)
