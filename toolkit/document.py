"""Read and parse a Markdown file once into a Document of plain dataclasses."""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from pathlib import Path

from markdown_it.token import Token

from toolkit.docsify_katex import math_spans
from toolkit.errors import KbError
from toolkit.fileio import read_file
from toolkit.inline_render import render_marked_html, render_text
from toolkit.list_items import ListCollector
from toolkit.list_items import ListItem as ListItem  # re-exported: a field type of Document
from toolkit.markdown import KATEX_SPANS, UNPARSED, KatexSpans, markdown_parser
from toolkit.positions import (
    InlineSpans,
    destination_span,
    inline_offsets,
    line_starts_of,
    uncovered,
)
from toolkit.raw_html import html_comments, html_links
from toolkit.source import decode


@dataclass(frozen=True, slots=True)
class Heading:
    """A heading with its rendered text and the inputs of both id algorithms."""

    level: int
    """1 for `#`, 6 for `######`."""
    source: str
    """The heading's inline Markdown as written."""
    html: str
    """Inline HTML as marked 1.x (inside docsify 4) renders it: the input of docsify's slugify."""
    text: str
    """Plain text: what a reader sees (the input of GitHub's slugger)."""
    has_math: bool
    """The heading contains `$…$`: its docsify id depends on KaTeX's output."""
    line: int
    column: int
    start: int
    """Character offset of the heading's first character in Document.text."""
    end: int
    """Character offset just past the heading's line."""


@dataclass(frozen=True, slots=True)
class Link:
    """A link or image target as written, with its exact position."""

    kind: str
    """One of `inline`, `reference`, `autolink`, `image`, `html`."""
    target: str
    """The destination as written (angle brackets removed), not percent-decoded."""
    title: str
    """The link title, which in docsify can carry options such as `:ignore`."""
    text: str
    """The link text (image alt text for images)."""
    line: int
    column: int
    target_start: int
    """Character offset of the destination in Document.text, or -1 when it is not written there."""
    target_end: int


@dataclass(frozen=True, slots=True)
class Formula:
    """A `$…$` or `$$…$$` formula as the site's math renderer sees it."""

    tex: str
    display: bool
    line: int
    """Line of the opening delimiter."""
    column: int
    start: int
    """Character offset of the first character of the tex in Document.text (-1 if not exact)."""
    in_table: bool
    """The formula sits in a table cell, where `|` splits cells before math is found."""


@dataclass(frozen=True, slots=True)
class HiddenMath:
    """A formula the site's math plugin cuts out but never renders: the reader sees its text."""

    line: int
    column: int
    display: bool
    reason: str
    """`code` (it lands in a code span or block: the placeholder is shown) or `split` (a blank
    line or a block breaks the placeholder apart: TeX and placeholder text are shown)."""


@dataclass(frozen=True, slots=True)
class Position:
    """A point in the file: 1-based line and column (code points), plus the offset."""

    line: int
    column: int
    offset: int


@dataclass(frozen=True, slots=True)
class Comment:
    """An HTML comment's text, for `kb-disable` pragmas."""

    body: str
    line: int
    column: int
    """Column of its `<!--`."""
    end_line: int
    """Last line the comment's block covers (a trailing comment shares the line of its text)."""
    trailing: bool
    """The comment follows other content on its line."""


@dataclass(frozen=True, slots=True)
class Block:
    """A top-level or nested block: its type and the lines it covers, for rules that need layout."""

    type: str
    line: int
    end_line: int


@dataclass(slots=True)
class Document:
    """One Markdown file, parsed once."""

    path: Path
    """Path as given (used in messages)."""
    text: str
    """Content with the BOM removed and every line end normalised to `\\n`."""
    math: str = "kb"
    """The math plugin whose rules found the formulas (see `site_info.MathPlugin`)."""
    headings: list[Heading] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    formulas: list[Formula] = field(default_factory=list)
    hidden_math: list[HiddenMath] = field(default_factory=list)
    """Formulas the plugin cuts out but the reader sees as text (docsify-katex)."""
    stray_dollars: list[Position] = field(default_factory=list)
    """`$` signs left in text that were not taken as math (an unclosed formula, or currency)."""
    raw_tex: list[Position] = field(default_factory=list)
    """TeX commands in text outside math and code: the reader sees them as written."""
    comments: list[Comment] = field(default_factory=list)
    blocks: list[Block] = field(default_factory=list)
    line_starts: list[int] = field(default_factory=list)
    list_items: list[ListItem] = field(default_factory=list)
    """Items of every list, in document order (for rules on question-list pages)."""
    unparsed: tuple[int, int] | None = None
    """First and last line (1-based) that markdown-it skipped because lists or quotes were
    nested past its limit (`MAX_NESTING`); None when every line was parsed."""

    @property
    def lines(self) -> list[str]:
        """The raw lines, without line ends."""
        return self.text.split("\n")

    def position(self, offset: int) -> Position:
        """1-based line and column of a character offset."""
        index = bisect.bisect_right(self.line_starts, offset) - 1
        return Position(index + 1, offset - self.line_starts[index] + 1, offset)

    def offset(self, line: int, column: int) -> int:
        """Character offset of a 1-based line and column."""
        return self.line_starts[line - 1] + column - 1


# --- reading -----------------------------------------------------------------


def read_document(path: Path) -> Document:
    """Read and parse one file; KbError if it cannot be read or decoded."""
    try:
        data = read_file(path)
    except IsADirectoryError:
        raise KbError(f"{path}: is a directory, not a Markdown file") from None
    except OSError as error:
        raise KbError(f"{path}: cannot read: {error.strerror or error}") from None
    return parse(decode(data, path).text, path)


# --- parsing -----------------------------------------------------------------


def unfilled(text: str, path: Path, math: str = "kb") -> tuple[Document, list[str]]:
    """`text`'s Document (line ends normalised) before anything is found in it; its lines."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    return Document(path=path, text=text, math=math, line_starts=line_starts_of(lines)), lines


def parse(text: str, path: Path, math: str = "kb") -> Document:
    """Parse normalised text into a Document, finding math as the site's plugin `math` does."""
    return parse_with_tokens(text, path, math)[0]


def parse_with_tokens(
    text: str, path: Path, math: str = "kb"
) -> tuple[Document, list[Token], dict[str, object]]:
    """`parse`, also giving the token stream and env it came from (the translator segments the
    same parse instead of parsing the page again)."""
    doc, lines = unfilled(text, path, math)
    text = doc.text
    env: dict[str, object] = {}
    if math == "docsify-katex":
        env[KATEX_SPANS] = KatexSpans(math_spans(text), lines, doc.line_starts)
    tokens = markdown_parser(math).parse(text, env)
    unparsed = env.get(UNPARSED)
    if isinstance(unparsed, tuple):
        first, last = unparsed
        # markdown-it's end line is exclusive; a file's final newline adds an empty last line.
        doc.unparsed = (first, max(first, min(last, len(text.rstrip("\n").split("\n")))))
    _Collector(doc, lines).collect(tokens)
    if math == "docsify-katex":
        _place_katex_spans(doc, tokens, env)
    return doc, tokens, env


# --- docsify-katex -------------------------------------------------------------


def _place_katex_spans(doc: Document, tokens: list[Token], env: dict[str, object]) -> None:
    """Formulas in HTML blocks render (marked passes them through); the rest are shown as text."""
    spans = env.get(KATEX_SPANS)
    if not isinstance(spans, KatexSpans):
        return
    left = [s for s in spans.spans if s.start not in spans.taken]
    if not left:
        return
    html_lines: list[tuple[int, int]] = []
    code_lines: list[tuple[int, int]] = []
    comment_lines: list[tuple[int, int]] = []
    for token in tokens:
        if token.map is None:
            continue
        if token.type == "html_block" and token.content.lstrip().startswith("<!--"):
            # A comment block (one never closed runs to the end of the page): the browser
            # shows nothing of it, formulas and placeholders included.
            comment_lines.append((token.map[0], token.map[1]))
        # A `$$` block is an HTML block to marked: the rest of its last line passes through raw,
        # and a formula there renders like one in any HTML block.
        elif token.type == "html_block" or (token.type == "math_block" and "katex" in token.meta):
            html_lines.append((token.map[0], token.map[1]))
        elif token.type in ("fence", "code_block"):
            code_lines.append((token.map[0], token.map[1]))
    for span in left:
        pos = doc.position(span.start)
        line = pos.line - 1
        if any(a <= line < b for a, b in comment_lines):
            continue
        if any(a <= line < b for a, b in html_lines):
            end_line = doc.position(span.end - 1).line - 1
            if any(a <= end_line < b for a, b in html_lines):
                tex = doc.text[span.tex_start : span.tex_end]
                doc.formulas.append(
                    Formula(tex, span.display, pos.line, pos.column, span.tex_start, False)
                )
                continue
        in_code = any(a <= line < b for a, b in code_lines) or _in_code_span(doc, span.start)
        doc.hidden_math.append(
            HiddenMath(pos.line, pos.column, span.display, "code" if in_code else "split")
        )
    doc.formulas.sort(key=lambda f: (f.line, f.column))


def _in_code_span(doc: Document, offset: int) -> bool:
    """The offset sits between backticks on its line (a code span the parser took)."""
    line_start = doc.line_starts[doc.position(offset).line - 1]
    return doc.text.count("`", line_start, offset) % 2 == 1


DOLLAR = re.compile(r"(?<!\\)\$")
"""A `$` not escaped by a backslash."""
# TeX a reader would see as text: a math command followed by its argument, or one of the
# commands only math uses. Prose backslashes (`C:\Users`, a regex `\d+`) match neither.
_TEX_COMMAND = re.compile(
    r"\\(?:[A-Za-z]{2,}(?=[{_^])|(?:frac|sum|prod|int|alpha|beta|gamma|delta|epsilon|theta|"
    r"lambda|sigma|omega|partial|nabla|infty|cdot|cdots|ldots|times|leq|geq|neq|approx|sqrt|"
    r"mathbb|mathcal|mathbf|mathrm|boldsymbol|left|right|begin|end)(?![A-Za-z]))"
)


_LIST_OPEN = ("bullet_list_open", "ordered_list_open")
"""Outside every list, only these tokens concern the list collector."""


class _Collector:
    """Walks the token stream once and fills the Document."""

    def __init__(self, doc: Document, lines: list[str]) -> None:
        self.doc = doc
        self.lines = lines
        self._lists = ListCollector(self.lines, doc.line_starts, doc.list_items)

    def collect(self, tokens: list[Token]) -> None:
        in_table = False
        heading_level = 0
        doc, lists = self.doc, self._lists
        blocks, links, line_starts = doc.blocks, doc.links, doc.line_starts
        for token in tokens:
            kind = token.type
            if token.level == 0 and token.nesting >= 0 and token.map is not None:
                blocks.append(Block(kind, token.map[0] + 1, token.map[1]))
            if lists.lists or lists.items or kind in _LIST_OPEN:
                lists.see(token)
            if kind == "inline":
                spans = inline_offsets(token, self.lines, line_starts)
                if heading_level:
                    self._heading(token, heading_level, spans)
                    heading_level = 0
                links_before = len(links)
                self._inline(token, spans, in_table)
                if lists.items:
                    lists.inline(token, links[links_before:])
            elif kind == "heading_open":
                heading_level = int(token.tag[1])
            elif kind == "table_open":
                in_table = True
            elif kind == "table_close":
                in_table = False
            elif kind in ("math_block", "math_block_label"):
                self._math_block(token)
            elif kind == "html_block":
                assert token.map is not None
                self._html(token.content, line_starts[token.map[0]])
        self.doc.list_items.sort(key=lambda item: (item.line, item.column))

    # Positions inside an inline token -------------------------------------

    def _heading(self, token: Token, level: int, spans: InlineSpans) -> None:
        children = token.children or []
        start = spans.to_offset(0)
        assert token.map is not None
        end_line = token.map[1] - 1
        end = self.doc.line_starts[end_line] + len(self.lines[end_line])
        pos = self.doc.position(start)
        self.doc.headings.append(
            Heading(
                level=level,
                source=token.content,
                html=render_marked_html(children, token.content),
                text=render_text(children),
                has_math=any(c.type.startswith("math") for c in children),
                line=pos.line,
                column=pos.column,
                start=self.doc.line_starts[token.map[0]],
                end=end,
            )
        )

    def _inline(self, token: Token, spans: InlineSpans, in_table: bool) -> None:
        content = token.content
        # Links, images and autolinks need a `[` or `<`, HTML a `<`, math a `$`: most
        # paragraphs and cells hold none of them, and their children need no walk.
        if "[" in content or "<" in content or "$" in content:
            self._inline_children(token, spans, in_table)
        if self.doc.math in ("kb", "docsify-katex") and "\\" in content:
            # Text tokens carry spans too (escapes, pending text): only what is not shown as
            # text (code, math, HTML, links) hides a command.
            shown_as_text = ("text", "text_special", "softbreak", "hardbreak")
            hidden = [
                c.meta["span"]
                for c in token.children or ()
                if c.type not in shown_as_text and c.meta and "span" in c.meta
            ]
            self._raw_tex(content, hidden, spans)

    def _inline_children(self, token: Token, spans: InlineSpans, in_table: bool) -> None:
        content = token.content
        covered: list[tuple[int, int]] = []
        link_stack: list[tuple[Token, list[str]]] = []
        for child in token.children or ():
            kind = child.type
            span = child.meta.get("span") if child.meta else None
            if span is not None:
                covered.append(span)
            if kind == "text" or kind == "text_special" or kind == "code_inline":
                if link_stack:
                    link_stack[-1][1].append(child.content)
            elif kind == "link_open":
                link_stack.append((child, []))
            elif kind == "link_close" and link_stack:
                opener, texts = link_stack.pop()
                self._link(opener, "".join(texts), content, spans)
            elif kind == "image":
                self._link(child, child.content, content, spans)
            elif kind == "math_inline" or kind == "math_inline_double":
                self._math_inline(child, content, spans, in_table)
            elif kind == "html_inline" and span is not None:
                self._html(child.content, spans.to_offset(span[0]))
        if self.doc.math == "kb":
            # (docsify-katex pairs any two `$`: a lone one is shown as it is, harmless)
            self._stray_dollars(content, covered, spans)

    def _link(self, token: Token, text: str, content: str, spans: InlineSpans) -> None:
        attr = "src" if token.type == "image" else "href"
        target = str(token.attrs.get(attr, ""))
        title = str(token.attrs.get("title", "") or "")
        span = token.meta.get("span") if token.meta else None
        if token.type == "image":
            kind = "image"
        elif token.markup == "autolink":
            kind = "autolink"
        else:
            kind = "inline"
        start = spans.to_offset(span[0]) if span else spans.to_offset(0)
        target_start = target_end = -1
        if span is not None:
            raw = content[span[0] : span[1]]
            found = destination_span(raw, kind)
            if found is None:
                kind = "reference" if kind == "inline" else kind
            else:
                written = raw[found[0] : found[1]]
                target = written
                target_start = spans.to_offset(span[0] + found[0])
                target_end = spans.to_offset(span[0] + found[1] - 1) + 1
        pos = self.doc.position(start)
        self.doc.links.append(
            Link(kind, target, title, text, pos.line, pos.column, target_start, target_end)
        )

    def _math_inline(self, token: Token, content: str, spans: InlineSpans, in_table: bool) -> None:
        span = token.meta.get("span") if token.meta else None
        start = spans.to_offset(span[0]) if span else spans.to_offset(0)
        delimiter = 2 if token.type == "math_inline_double" else 1
        tex_start = spans.to_offset(span[0] + delimiter) if span else -1
        pos = self.doc.position(start)
        self.doc.formulas.append(
            Formula(
                token.content,
                token.type == "math_inline_double",
                pos.line,
                pos.column,
                tex_start,
                in_table,
            )
        )

    def _math_block(self, token: Token) -> None:
        assert token.map is not None
        line_start = self.doc.line_starts[token.map[0]]
        first = self.lines[token.map[0]]
        column = first.index("$$") + 1 if "$$" in first else len(first) - len(first.lstrip()) + 1
        tex_offset = line_start + column - 1 + 2
        self.doc.formulas.append(
            Formula(token.content, True, token.map[0] + 1, column, tex_offset, False)
        )

    def _stray_dollars(
        self, content: str, covered: list[tuple[int, int]], spans: InlineSpans
    ) -> None:
        if "$" in content:
            for at in uncovered(DOLLAR, content, covered):
                self.doc.stray_dollars.append(self.doc.position(spans.to_offset(at)))

    def _raw_tex(self, content: str, covered: list[tuple[int, int]], spans: InlineSpans) -> None:
        for at in uncovered(_TEX_COMMAND, content, covered):
            self.doc.raw_tex.append(self.doc.position(spans.to_offset(at)))

    def _html(self, html: str, offset: int) -> None:
        for begin, finish, body in html_comments(html):
            start = self.doc.position(offset + begin)
            end = self.doc.position(offset + finish - 1)
            line_text = self.lines[start.line - 1]
            trailing = bool(line_text[: start.column - 1].strip())
            self.doc.comments.append(
                Comment(body.strip(), start.line, start.column, end.line, trailing)
            )
        for name, value, at in html_links(html):
            pos = self.doc.position(offset + at)
            self.doc.links.append(
                Link(
                    "html",
                    value,
                    "",
                    name,
                    pos.line,
                    pos.column,
                    offset + at,
                    offset + at + len(value),
                )
            )
