"""Cut a page into translatable segments and the exact source text around them.

Only the text of headings, paragraphs (in lists and blockquotes too), table cells, image alt
text, link titles, the text between the tags of HTML blocks, front-matter values, and the
comments, docstrings and diagram labels of code blocks is translated. Code, math, raw HTML,
link syntax and targets, entities, escapes, URLs and glossary terms become `{{n}}`
placeholders; everything else (front-matter keys, the code itself, math blocks, HTML tags and
comments, list and quote markers) is copied as it is. `assemble(page, identity)` gives back
the source byte for byte.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from markdown_it.token import Token

from toolkit.han import HAN
from toolkit.markdown import markdown_parser
from toolkit.translate.code_comments import CODE_ATOMS, CODE_KINDS, fence_texts
from toolkit.translate.inline import Element, elements, last_column, raw_cells

PLACEHOLDER = re.compile(r"\{\{(\d+)\}\}")
# A section number glued to its text, at the start or after a link's opening placeholder:
# `1.Attention`, `{{0}}1.Attention{{1}}`; not `1.1 …`, `1.5B` or `1. Attention`.
_GLUED_NUMBER = re.compile(r"(?:\{\{\d+\}\})?\d+\.(?=[^\s\d])")
# Full-width CJK punctuation (、。（），：；！？【】《》「」…): Chinese typography, not English.
CJK_PUNCTUATION = re.compile(
    "[\u3000-\u3003\u3008-\u3011\u3014-\u301f\uff01-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff65]"
)
# A URL runs to whitespace or Chinese punctuation: raw Chinese paths (IRIs) are part of it.
_URL_STOP = "\\s<>\"'`，。；：！？、（）《》「」【】"
_URL = re.compile(rf"https?://[^{_URL_STOP}]*[^{_URL_STOP}.,;:!?)\]]")
# docsify reads `:id=x`, `:ignore` and `{docsify-ignore}` from heading text: never translate them.
_HEADING_OPTION = re.compile(r"(?:^|(?<=\s)):[\w-]+:?(?:=[\w\-%]+)?|\{docsify-ignore(?:-all)?\}")
# In an HTML block only the text between tags is prose: comments, tags, and whatever code,
# script or style elements hold are markup, copied as written.
HTML_MARKUP = re.compile(
    r"<!--.*?-->|<(script|style|pre|code|textarea|kbd|samp)\b.*?</\1\s*>|<[^>]*>", re.S | re.I
)
_ENTITY = re.compile(r"&(?:#\d+|#x[0-9a-fA-F]+|\w+);")
_HTML_BREAK = re.compile(r"[ \t]*\n\s*")
_ESCAPE = re.compile(r"\\.")
# A front-matter line's scalar value: `key: value`, `- value` or a continuation line; the key,
# quotes and a trailing comment stay as written. Flow collections and block indicators are left.
FRONT_MATTER_VALUE = re.compile(
    r"""^(?P<lead>[ \t]*(?:-[ \t]+)?(?:[^\s:#"'\-][^:#]*?:[ \t]+)?)"""
    r"""(?:"(?P<quoted>(?:[^"\\\n]|\\.)*)["]"""
    r"""|(?P<plain>[^\s"'\[{&*!|>%@`#,-](?:[^:#\n]|:(?![ \t]|$)|(?<![ \t])#)*?))"""
    r"""(?P<tail>[ \t]+#[^\n]*)?[ \t]*$"""
)


@dataclass(frozen=True, slots=True)
class Span:
    """A range of the source text, copied as written (link targets in it may be rewritten)."""

    start: int
    end: int


Part = Span | str | int
"""A piece of a placeholder: source text, a fixed rendering (glossary), or a nested segment."""


@dataclass(frozen=True, slots=True)
class Segment:
    """One translatable string of a page."""

    kind: str
    """`heading`, `paragraph`, `cell`, `alt`, `title`; in code `comment`, `docstring`, `label`;
    `html` (text between the tags of an HTML block), `meta` (a plain front-matter value) or
    `meta-quoted` (inside double quotes)."""
    line: int
    """1-based line of the segment's first character."""
    text: str
    """What a translator sees: text, `{{n}}` placeholders and `\\n` for soft line breaks."""
    values: tuple[tuple[Part, ...], ...]
    """What each placeholder stands for, by number."""
    breaks: tuple[Span, ...]
    """The source text of each soft line break (the newline plus container markers)."""

    @property
    def needs_translation(self) -> bool:
        """The segment holds Chinese, or something English writes differently from the source.

        Full-width punctuation counts as Chinese (`LLaMA、Mistral` is Chinese typography); so
        does a glossary term with a fixed rendering (`3.位置编码` is `3.{{0}}` to a translator),
        and a heading or TOC entry whose number is glued to its text (`1.Attention`,
        `[1.Attention](…)`): English writes `1. Attention`. Anything else without Chinese is
        copied unchanged.
        """
        return (
            HAN.search(self.text) is not None
            or CJK_PUNCTUATION.search(self.text) is not None
            or any(isinstance(part, str) for value in self.values for part in value)
            or (
                self.kind in ("heading", "paragraph") and _GLUED_NUMBER.match(self.text) is not None
            )
        )


@dataclass(frozen=True, slots=True)
class SegmentedPage:
    """A page as literal source ranges and segments, in order."""

    text: str
    pieces: tuple[Span | int, ...]
    segments: tuple[Segment, ...]
    kept_lines: tuple[int, ...] = ()
    """Lines of inline blocks copied untranslated because their source could not be mapped."""


@dataclass(frozen=True, slots=True)
class Terms:
    """Glossary terms that become placeholders: kept as written, or given a fixed rendering."""

    keep: tuple[str, ...] = ()
    fixed: Mapping[str, str] = field(default_factory=dict)

    def pattern(self) -> re.Pattern[str] | None:
        """One regex for all terms, longest first; Latin terms match whole words only."""
        terms = sorted({*self.keep, *self.fixed}, key=lambda t: (-len(t), t))
        if not terms:
            return None
        parts = []
        for term in terms:
            escaped = re.escape(term)
            if re.match(r"\w", term, re.ASCII):
                # "No word character before the term", asserted after its first character:
                # every branch then starts with a literal, and re skips to the places where
                # one of those characters stands instead of trying every term everywhere.
                first = re.escape(term[0])
                escaped = rf"{first}(?<![A-Za-z0-9_]{first}){re.escape(term[1:])}"
            if re.search(r"\w$", term, re.ASCII):
                escaped = rf"{escaped}(?![A-Za-z0-9_])"
            parts.append(escaped)
        return re.compile("|".join(parts))


def segment_page(
    text: str,
    terms: Terms | None = None,
    tokens: list[Token] | None = None,
    env: dict[str, Any] | None = None,
) -> SegmentedPage:
    """Segment normalised page text (see `toolkit.source.decode`); reuse a parse if given."""
    builder = _Builder(text, terms or Terms())
    if tokens is None:
        builder.env = {}
        tokens = markdown_parser().parse(text, builder.env)
    else:
        builder.env = env if env is not None else {}
    return builder.build(tokens)


class _Builder:
    def __init__(self, text: str, terms: Terms) -> None:
        self.text = text
        self.lines = text.split("\n")
        self.line_starts = [0]
        for line in self.lines[:-1]:
            self.line_starts.append(self.line_starts[-1] + len(line) + 1)
        self.terms = terms.pattern()
        self.fixed = dict(terms.fixed)
        self.pieces: list[Span | int] = []
        self.segments: list[Segment | None] = []
        self.kept: list[int] = []
        self.cursor = 0
        self.cells: dict[int, tuple[list[tuple[int, int]], int]] = {}
        self.env: dict[str, Any] = {}

    def build(self, tokens: list[Token]) -> SegmentedPage:
        """Walk the token stream once; every inline block becomes a segment."""
        kind = "paragraph"
        for token in tokens:
            if token.type == "heading_open":
                kind = "heading"
            elif token.type == "paragraph_open":
                kind = "paragraph"
            elif token.type in ("th_open", "td_open"):
                kind = "cell"
            elif token.type == "inline" and token.content and token.map is not None:
                self._inline(token, kind)
            elif token.type == "html_block" and token.map is not None:
                self._html_block(token)
            elif token.type == "front_matter" and token.map is not None:
                self._front_matter(token)
            elif token.type == "fence" and token.map is not None:
                for code_kind, start, end in fence_texts(token, self.lines, self.line_starts):
                    self.pieces.append(Span(self.cursor, start))
                    self.pieces.append(self._nested(code_kind, self.text[start:end], start))
                    self.cursor = end
        self.pieces.append(Span(self.cursor, len(self.text)))
        pieces = tuple(p for p in self.pieces if not isinstance(p, Span) or p.end > p.start)
        segments = tuple(s for s in self.segments if s is not None)
        assert len(segments) == len(self.segments)
        return SegmentedPage(self.text, pieces, segments, tuple(self.kept))

    # Where the inline content sits in the page ------------------------------------------

    def _inline(self, token: Token, kind: str) -> None:
        assert token.map is not None
        located = self._cell(token) if kind == "cell" else self._block(token, kind)
        if located is None:
            self.kept.append(token.map[0] + 1)
            return
        content, children, starts = located
        found = elements(content, children)
        if found is None:
            self.kept.append(token.map[0] + 1)
            return
        to_doc = _Mapper(starts)
        for kind_, a, b in found:
            if kind_ == "T" and content[a:b] != self.text[to_doc(a) : to_doc(b)]:
                self.kept.append(token.map[0] + 1)
                return
        start, end = to_doc(0), to_doc(len(content))
        if start < self.cursor:
            self.kept.append(token.map[0] + 1)
            return
        self.pieces.append(Span(self.cursor, start))
        self.pieces.append(self._segment(kind, content, found, to_doc))
        self.cursor = end

    def _block(
        self, token: Token, kind: str
    ) -> tuple[str, list[Token], list[tuple[int, int]]] | None:
        assert token.map is not None
        content = token.content
        parts = content.split("\n")
        starts: list[tuple[int, int]] = []
        at = 0
        for number, part in enumerate(parts):
            index = token.map[0] + number
            if index >= len(self.lines):
                return None
            line = self.lines[index]
            if number < len(parts) - 1:
                column = len(line) - len(part) if line.endswith(part) else -1
            else:
                column = last_column(line, part, kind == "heading")
            if column < 0:
                return None
            starts.append((at, self.line_starts[index] + column))
            at += len(part) + 1
        return content, token.children or [], starts

    def _cell(self, token: Token) -> tuple[str, list[Token], list[tuple[int, int]]] | None:
        assert token.map is not None
        index = token.map[0]
        if index not in self.cells:
            self.cells[index] = (raw_cells(self.lines[index]), 0)
        cells, next_cell = self.cells[index]
        for number in range(next_cell, len(cells)):
            a, b = cells[number]
            raw = self.lines[index][a:b]
            if raw.replace("\\|", "|") == token.content:
                self.cells[index] = (cells, number + 1)
                parsed = markdown_parser().parseInline(raw, self.env)
                children = parsed[0].children or [] if parsed else []
                return raw, children, [(0, self.line_starts[index] + a)]
        return None

    # HTML blocks and front matter: prose between markup ------------------------------

    def _html_block(self, token: Token) -> None:
        assert token.map is not None
        start = self.line_starts[token.map[0]]
        content = token.content
        if start < self.cursor or self.text[start : start + len(content)] != content:
            return  # inside a list or quote the block's lines lose their markers: keep it
        at = 0
        for markup in [*HTML_MARKUP.finditer(content), None]:
            end = markup.start() if markup else len(content)
            self._prose(content[at:end], start + at, "html")
            at = markup.end() if markup else at

    def _front_matter(self, token: Token) -> None:
        assert token.map is not None
        first, last = token.map[0] + 1, token.map[1] - 1  # the lines between the fences
        for index in range(first, min(last, len(self.lines))):
            match = FRONT_MATTER_VALUE.match(self.lines[index])
            if match is None:
                continue
            group = "quoted" if match.group("quoted") is not None else "plain"
            a, b = match.span(group)
            start = self.line_starts[index]
            if start + a >= self.cursor:
                kind = "meta-quoted" if group == "quoted" else "meta"
                self._prose(self.lines[index][a:b], start + a, kind)

    def _prose(self, text: str, start: int, kind: str) -> None:
        """A run of text outside inline content: one segment if it holds Chinese."""
        core = text.strip()
        if not HAN.search(core):
            return
        offset = text.index(core)
        found: list[Element] = []
        at = 0
        marks = [(m, "P") for m in _ENTITY.finditer(core)]
        if kind == "html":
            marks += [(m, "B") for m in _HTML_BREAK.finditer(core)]
        elif kind == "meta-quoted":
            marks += [(m, "P") for m in _ESCAPE.finditer(core)]
        for mark, what in sorted(marks, key=lambda item: item[0].start()):
            if mark.start() < at:
                continue
            if mark.start() > at:
                found.append(("T", at, mark.start()))
            found.append((what, mark.start(), mark.end()))
            at = mark.end()
        if at < len(core):
            found.append(("T", at, len(core)))
        begin = start + offset
        self.pieces.append(Span(self.cursor, begin))
        self.pieces.append(self._segment(kind, core, found, lambda x: begin + x))
        self.cursor = begin + len(core)

    # Elements to a segment ------------------------------------------------------------

    def _segment(
        self, kind: str, content: str, elements: list[Element], to_doc: Callable[[int], int]
    ) -> int:
        index = len(self.segments)
        self.segments.append(None)
        protect = _HEADING_OPTION if kind == "heading" else None
        text: list[str] = []
        values: list[tuple[Part, ...]] = []
        breaks: list[Span] = []
        pending: list[Part] = []

        def flush() -> None:
            if pending:
                text.append("{{" + str(len(values)) + "}}")
                values.append(tuple(pending))
                pending.clear()

        for kind_, a, b in elements:
            if kind_ == "P":
                pending.append(Span(to_doc(a), to_doc(b)))
            elif kind_ in ("title", "alt"):
                pending.append(self._nested(kind_, content[a:b], to_doc(a)))
            elif kind_ == "B":
                flush()
                text.append("\n")
                breaks.append(Span(to_doc(a), to_doc(b)))
            else:
                for piece, value in self._protected(content[a:b], to_doc(a), protect):
                    if value is None:
                        flush()
                        text.append(piece)
                    else:
                        pending.append(value)
        flush()
        line = bisect.bisect_right(self.line_starts, to_doc(0))
        self.segments[index] = Segment(kind, line, "".join(text), tuple(values), tuple(breaks))
        return index

    def _nested(self, kind: str, source: str, start: int) -> int:
        """A title, alt text or code comment: a segment of its own (see `code_comments`)."""
        index = len(self.segments)
        self.segments.append(None)
        text: list[str] = []
        values: list[tuple[Part, ...]] = []
        extra = CODE_ATOMS if kind in CODE_KINDS else None
        for piece, value in self._protected(source, start, extra):
            if value is None:
                text.append(piece)
            else:
                text.append("{{" + str(len(values)) + "}}")
                values.append((value,))
        line = bisect.bisect_right(self.line_starts, start)
        self.segments[index] = Segment(kind, line, "".join(text), tuple(values), ())
        return index

    def _protected(
        self, text: str, start: int, extra: re.Pattern[str] | None
    ) -> list[tuple[str, Part | None]]:
        """Split text into translatable pieces and placeholders (URLs, options, terms)."""
        found: list[tuple[int, int, Part]] = []
        for pattern in (_URL, PLACEHOLDER, extra, self.terms):
            if pattern is None:
                continue
            for match in pattern.finditer(text):
                a, b = match.span()
                if a == b or any(a < y and x < b for x, y, _ in found):
                    continue
                term = match.group(0)
                value: Part = (
                    self.fixed[term]
                    if pattern is self.terms and term in self.fixed
                    else Span(start + a, start + b)
                )
                found.append((a, b, value))
        found.sort(key=lambda item: item[0])
        out: list[tuple[str, Part | None]] = []
        at = 0
        for a, b, value in found:
            if a > at:
                out.append((text[at:a], None))
            out.append((text[a:b], value))
            at = b
        if at < len(text):
            out.append((text[at:], None))
        return out


class _Mapper:
    """Offsets in an inline block's content to offsets in the page."""

    def __init__(self, starts: list[tuple[int, int]]) -> None:
        self.starts = starts

    def __call__(self, at: int) -> int:
        content_start, doc_start = self.starts[0]
        for c, d in self.starts:
            if c > at:
                break
            content_start, doc_start = c, d
        return doc_start + at - content_start
