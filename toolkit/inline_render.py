"""Inline tokens rendered as marked 1.x (inside docsify) renders them, and as plain text.

Heading ids are computed from this HTML (toolkit.slug), which therefore needs no tokens.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from markdown_it.token import Token

# marked's escape() without `encode`: an existing entity such as `&amp;` is left alone.
_MARKED_ESCAPE = re.compile(r"[<>\"']|&(?!#?\w+;)")
_MARKED_ESCAPE_ALL = re.compile(r"[&<>\"']")
_ESCAPES = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"}


def marked_escape(text: str, *, encode: bool = False) -> str:
    """HTML-escape text exactly as marked 1.x does."""
    pattern = _MARKED_ESCAPE_ALL if encode else _MARKED_ESCAPE
    return pattern.sub(lambda m: _ESCAPES[m.group(0)], text)


def _underscore_literals(children: Sequence[Token], content: str) -> set[int]:
    """Indexes of `_` emphasis tokens that marked 1.x leaves as literal underscores.

    CommonMark closes `_x_` before any punctuation; marked only before whitespace, ASCII
    punctuation or the end, so `_x_？` stays text there (and `_` survives in the id).
    """
    literal: set[int] = set()
    stack: list[int] = []
    for index, token in enumerate(children):
        if token.type in ("em_open", "strong_open") and "_" in token.markup:
            stack.append(index)
        elif token.type in ("em_close", "strong_close") and "_" in token.markup and stack:
            opener = stack.pop()
            span = token.meta.get("span") if token.meta else None
            end = span[1] if span else len(content)
            following = content[end : end + 1]
            if following and not (following.isspace() or following in _ASCII_PUNCTUATION):
                literal.update((opener, index))
    return literal


_ASCII_PUNCTUATION = frozenset("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")


def render_marked_html(children: Sequence[Token], content: str = "") -> str:
    """Render a heading's inline tokens to the HTML marked 1.x would give docsify."""
    out: list[str] = []
    literal = _underscore_literals(children, content)
    for index, token in enumerate(children):
        if index in literal:
            out.append(token.markup)
            continue
        kind = token.type
        if kind == "text":
            out.append(marked_escape(token.content))
        elif kind == "text_special":
            # Entities stay as written (`&amp;`); backslash escapes become the escaped char.
            written = token.markup if token.info == "entity" else token.content
            out.append(marked_escape(written))
        elif kind == "code_inline":
            out.append(f"<code>{marked_escape(token.content, encode=True)}</code>")
        elif kind in ("softbreak", "hardbreak"):
            out.append("\n")
        elif kind == "html_inline":
            out.append(token.content)
        elif kind == "image":
            out.append('<img src="">')
        elif kind in ("math_inline", "math_inline_double"):
            # Our plugin stashes formulas before marked runs and restores KaTeX's output
            # afterwards, so a formula adds nothing to a heading's id; docsify-katex leaves its
            # placeholder (text, then an HTML comment) in what marked renders.
            if token.meta and "katex" in token.meta:
                out.append(_katex_placeholder(token))
        elif kind.endswith("_open"):
            out.append(f"<{token.tag}>")
        elif kind.endswith("_close"):
            out.append(f"</{token.tag}>")
    return "".join(out)


def _katex_placeholder(token: Token) -> str:
    if token.type == "math_inline_double":
        return f"<!-- begin-block-katex{token.content}end-block-katex-->"
    return f"c194a9eg<!-- begin-inline-katex{token.content}end-inline-katex-->"


def render_text(children: Sequence[Token]) -> str:
    """The plain text of inline tokens, as a reader sees it."""
    out: list[str] = []
    for token in children:
        if token.type in (
            "text",
            "text_special",
            "code_inline",
            "math_inline",
            "math_inline_double",
        ):
            out.append(token.content)
        elif token.type in ("softbreak", "hardbreak"):
            out.append(" ")
        elif token.type == "image":
            out.append("".join(c.content for c in token.children or ()))
    return "".join(out)
