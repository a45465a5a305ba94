"""Mirror pages: translated text, heading ids recomputed, anchors rewritten, structure verified."""

from __future__ import annotations

import bisect
import hashlib
import posixpath
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

from markdown_it.token import Token

from toolkit.document import Document, parse_with_tokens
from toolkit.edits import splice
from toolkit.errors import KbError
from toolkit.fileio import read_file
from toolkit.link_targets import replace_anchor
from toolkit.markdown import markdown_parser
from toolkit.routes import DOCSIFY_DEFAULTS, Router, docsify_route
from toolkit.slug import docsify_ids, render_marked_html
from toolkit.source import SourceText, decode, encode
from toolkit.translate.code_comments import masked
from toolkit.translate.reassemble import assemble, render_segment
from toolkit.translate.segment import (
    FRONT_MATTER_VALUE,
    HTML_MARKUP,
    SegmentedPage,
    Span,
    Terms,
    segment_page,
)

TRAILER = re.compile(r"\n<!-- kb-translate: source sha256=([0-9a-f]{64}) -->\n\Z")

Translate = Callable[[int], str]
"""Segment index to its translation (text with placeholders)."""


@dataclass(frozen=True, slots=True)
class ParsedPage:
    """One page of the book, read and parsed once for every language."""

    rel: str
    """Path relative to the site root, POSIX."""
    path: Path
    source: SourceText
    doc: Document
    tokens: list[Token]
    env: dict[str, Any]
    sha256: str
    skeleton: list[tuple[int, str, str]]
    """The source's skeleton (see `skeleton`), from the same parse as the Document."""


@dataclass(frozen=True, slots=True)
class SourcePage:
    """One page of the book with its segments for one language (terms differ by language)."""

    rel: str
    """Path relative to the site root, POSIX."""
    path: Path
    source: SourceText
    doc: Document
    page: SegmentedPage
    sha256: str
    skeleton: list[tuple[int, str, str]]
    env: dict[str, Any] = field(default_factory=dict)
    """The parse's env: reference definitions (`references`, with their lines)."""


def read_page(root: Path, rel: str) -> ParsedPage:
    """Read and parse a page of the book: one markdown-it parse serves the Document, the
    segments of every language and the skeleton."""
    path = root / rel
    try:
        data = read_file(path)  # a FIFO named *.md would block a plain read forever
    except OSError as error:
        raise KbError(f"{path}: cannot read: {error.strerror or error}") from None
    source = decode(data, path)
    doc, tokens, env = parse_with_tokens(source.text, path)
    sha = hashlib.sha256(data).hexdigest()
    return ParsedPage(rel, path, source, doc, tokens, env, sha, _skeleton(tokens))


def segmented(parsed: ParsedPage, terms: Terms) -> SourcePage:
    """The page cut into segments for a language's glossary terms (no new parse)."""
    page = segment_page(parsed.source.text, terms, parsed.tokens, parsed.env)
    return SourcePage(
        parsed.rel,
        parsed.path,
        parsed.source,
        parsed.doc,
        page,
        parsed.sha256,
        parsed.skeleton,
        parsed.env,
    )


def load_page(root: Path, rel: str, terms: Terms) -> SourcePage:
    """Read, parse and segment a page of the book."""
    return segmented(read_page(root, rel), terms)


@dataclass(frozen=True, slots=True)
class Placement:
    """Where an edition is served relative to the source site, for the paths its mirrors keep.

    `folder` empty: the mirror is a site of its own with its own index.html (`i18n/<lang>/`, at
    `/<lang>/` in `kb build-site`), so every path stays as written. `folder` set: the mirror sits
    in the source site at `<folder>/` under the same index.html, so page links gain the folder
    and Markdown images point back at the source's file (docsify loads them from the page's
    folder, one level deeper now); raw-HTML `src`, resolved against index.html, stays.
    """

    folder: str = ""
    router: Router = DOCSIFY_DEFAULTS
    editions: tuple[str, ...] = ()
    """Edition folders of the site: links into them (a language switch) are left alone."""


def trailer(sha256: str) -> str:
    """The line that records which source a mirror was made from."""
    return f"\n<!-- kb-translate: source sha256={sha256} -->\n"


def recorded_source(text: str) -> str | None:
    """The source hash a mirror records, or None when it has no trailer."""
    match = TRAILER.search(text.replace("\r\n", "\n"))
    return match.group(1) if match else None


def id_map(
    page: SourcePage, translated: Translate, version: int, *, capitalize: bool = False
) -> dict[str, str]:
    """Source heading id to mirror heading id, for one page.

    Only the translated headings are parsed (as inline Markdown, rendered as marked does);
    the mirror's lint and skeleton check confirm the result on the whole page.
    """
    by_line = {s.line: i for i, s in enumerate(page.page.segments) if s.kind == "heading"}
    htmls = []
    for heading in page.doc.headings:
        index = by_line.get(heading.line)
        rendered = (
            render_segment(page.page, index, translated, capitalize=capitalize)
            if index is not None
            else None
        )
        if rendered is None or rendered == heading.source:
            htmls.append(heading.html)
            continue
        parsed = markdown_parser().parseInline(rendered, {})
        children = (parsed[0].children or []) if parsed else []
        htmls.append(render_marked_html(children, rendered))
    old = docsify_ids([h.html for h in page.doc.headings], version)
    return dict(zip(old, docsify_ids(htmls, version), strict=True))


def link_edits(
    page: SourcePage, ids: Mapping[str, Mapping[str, str]], placement: Placement = Placement()
) -> list[tuple[int, int, str, str]]:
    """(start, end, new target, kind) for every link whose anchor names a renamed heading, or
    whose path must change where the mirror is served (see `Placement`)."""
    edits = []
    for kind, target, start, end, title in _written_targets(page):
        route = docsify_route(
            target,
            page.rel,
            image=kind == "image",
            html=kind == "html" or bool(_IGNORE.search(title)),
            router=placement.router,
        )
        if route.external:
            continue
        rewritten = target
        if route.anchor:
            path = route.path if route.path is not None else page.rel
            new = ids.get(path, {}).get(route.anchor)
            if new is not None and new != route.anchor:
                rewritten = replace_anchor(target, route.anchor, new)
        if placement.folder:
            rewritten = _placed(rewritten, kind, title, route.path, page.rel, placement)
        if rewritten != target:
            edits.append((start, end, rewritten, kind))
    return sorted(edits)


_IGNORE = re.compile(r"(?:^|\s):ignore\b")
_DISABLED = re.compile(r"(?:^|\s):disabled\b")
# A reference definition's destination: `[label]: <dest>` or `[label]: dest`.
_DEFINITION = re.compile(r"^[ ]{0,3}\[(?:[^\]\\]|\\.)+\]:[ \t]*\n?[ \t]*(<[^>\n]*>|\S+)", re.M)


def _written_targets(page: SourcePage) -> Iterator[tuple[str, str, int, int, str]]:
    """(kind, target as written, start, end, title) of every link target written in the page:
    inline links, images and raw HTML from the Document, then reference definitions."""
    for link in page.doc.links:
        if link.target_start < 0 or link.kind == "autolink":
            continue
        yield link.kind, link.target, link.target_start, link.target_end, link.title
    references = page.env.get("references") or {}
    text = page.source.text
    starts = page.doc.line_starts
    for reference in references.values():
        lines = reference.get("map") if isinstance(reference, dict) else None
        if not lines:
            continue
        first, last = lines
        begin = starts[first]
        end = starts[last] if last < len(starts) else len(text)
        match = _DEFINITION.match(text, begin, end)
        if match is None:
            continue
        a, b = match.span(1)
        if text[a] == "<":
            a, b = a + 1, b - 1
        yield "reference", text[a:b], a, b, str(reference.get("title") or "")


def _placed(
    target: str, kind: str, title: str, path: str | None, rel: str, placement: Placement
) -> str:
    """The target as the mirror at `placement.folder/rel` must write it to land where the
    source's does (pages: in the edition; images: the source's own file)."""
    folder = placement.folder
    if path is None or _DISABLED.search(title):
        return target
    if kind == "image":
        relative = posixpath.relpath(path, posixpath.dirname(f"{folder}/{rel}"))
        return quote(relative, safe="/-_.~") if "%" in target else relative
    if kind == "html" or _IGNORE.search(title):
        # The browser resolves it against index.html, the same for both: only docsify
        # routes written in the address-bar form (`#/a?id=x`) change page.
        return f"#/{folder}/{target[2:]}" if target.startswith("#/") else target
    if any(path == e or path.startswith(f"{e}/") for e in placement.editions):
        return target  # already names an edition (a language switch)
    if target.startswith("#/"):
        return f"#/{folder}/{target[2:]}"
    if target.startswith("/"):
        return f"/{folder}{target}"
    if target.startswith(("#", "?")) or placement.router.relative_path:
        return target  # this page, or a path docsify resolves from the page's folder
    return f"{folder}/{target}"


def math_edits(
    page: SourcePage, math_text: Callable[[str], str]
) -> list[tuple[int, int, str, str]]:
    """(start, end, new TeX, "math") for every formula that `math_text` changes."""
    edits = []
    for formula in page.doc.formulas:
        if formula.start < 0:
            continue  # not an exact position: leave it as written rather than guess
        new = math_text(formula.tex)
        if new != formula.tex:
            edits.append((formula.start, formula.start + len(formula.tex), new, "math"))
    return edits


def copier(text: str, edits: list[tuple[int, int, str, str]]) -> Callable[[Span], str]:
    """Copy source ranges, applying link-target edits that fall inside them."""
    starts = [edit[0] for edit in edits]

    plain = [edit[:3] for edit in edits]

    def copy(span: Span) -> str:
        first = bisect.bisect_left(starts, span.start)
        last = bisect.bisect_left(starts, span.end, first)
        return splice(text, plain[first:last], span.start, span.end)

    return copy


def build_mirror(
    page: SourcePage,
    translated: Translate,
    ids: Mapping[str, Mapping[str, str]],
    mirror_display: str,
    *,
    capitalize: bool = False,
    placement: Placement = Placement(),
    math_text: Callable[[str], str] | None = None,
) -> bytes:
    """The mirror's bytes, verified against the source's skeleton (KbError on mismatch).

    `math_text` rewrites the TeX of each formula (zh-Hant converts `\text{…}` like prose);
    the skeleton is then the source's with the same rewrite, so nothing else may change.
    """
    edits = link_edits(page, ids, placement)
    if math_text is not None:
        edits = sorted(edits + math_edits(page, math_text))
    copy = copier(page.source.text, edits)
    body = assemble(page.page, translated, copy, capitalize=capitalize)
    if any(kind in ("html", "math") for *_, kind in edits):
        expected = skeleton(copy(Span(0, len(page.source.text))))
    else:
        # The same written target always gets the same new one, so hrefs map one to one.
        normal = markdown_parser().normalizeLink
        hrefs = {normal(page.source.text[start:end]): normal(new) for start, end, new, _ in edits}
        expected = [_moved(item, hrefs) for item in page.skeleton]
    compare_skeletons(expected, skeleton(body), str(page.path), mirror_display)
    if body and not body.endswith("\n"):
        body += "\n"
    return encode(page.source, body + trailer(page.sha256))


def skeleton(text: str) -> list[tuple[int, str, str]]:
    """(line, kind, detail) of every block, with code, math, HTML and link targets verbatim."""
    return _skeleton(markdown_parser().parse(text, {}))


def _moved(item: tuple[int, str, str], hrefs: Mapping[str, str]) -> tuple[int, str, str]:
    line, kind, detail = item
    if kind != "inline" or not hrefs or ("link:" not in detail and "image:" not in detail):
        return item
    atoms = []
    for atom in detail.split("\x00"):
        name, colon, value = atom.partition(":")
        if colon and name in ("link", "image"):
            atom = f"{name}:{hrefs.get(value, value)}"
        atoms.append(atom)
    return line, kind, "\x00".join(sorted(atoms))


def _skeleton(tokens: list[Token]) -> list[tuple[int, str, str]]:
    items: list[tuple[int, str, str]] = []
    for token in tokens:
        line = token.map[0] + 1 if token.map else 0
        if token.type == "inline":
            atoms = []
            for child in token.children or []:
                if child.type in (
                    "code_inline",
                    "math_inline",
                    "math_inline_double",
                    "html_inline",
                ):
                    atoms.append(f"{child.type}:{child.content}")
                elif child.type == "link_open":
                    atoms.append(f"link:{child.attrs.get('href', '')}")
                elif child.type == "image":
                    atoms.append(f"image:{child.attrs.get('src', '')}")
            items.append((line, "inline", "\x00".join(sorted(atoms))))
        elif token.type in ("fence", "code_block"):
            # Comments, docstrings and diagram labels are translated; the rest stays byte for byte.
            code = masked(token.info, token.content) if token.type == "fence" else token.content
            items.append((line, token.type, f"{token.info}\x00{code}"))
        elif token.type == "html_block":
            # Its text is translated now: the markup, in order, must stay byte for byte.
            tags = [m.group(0) for m in HTML_MARKUP.finditer(token.content)]
            items.append((line, token.type, "\x00".join(tags)))
        elif token.type == "front_matter":
            items.append((line, token.type, _front_matter_shape(token.content)))
        elif token.type in ("math_block", "math_block_label"):
            items.append((line, token.type, token.content))
        else:
            items.append((line, token.type, f"{token.tag}\x00{token.markup}"))
    return items


def _front_matter_shape(content: str) -> str:
    """Front matter with every translatable value blanked: keys, quotes and comments remain."""
    lines = []
    for line in content.split("\n"):
        match = FRONT_MATTER_VALUE.match(line)
        if match is not None:
            group = "quoted" if match.group("quoted") is not None else "plain"
            a, b = match.span(group)
            line = f"{line[:a]}\x00{line[b:]}"
        lines.append(line)
    return "\n".join(lines)


def compare_skeletons(
    want: list[tuple[int, str, str]],
    got: list[tuple[int, str, str]],
    source_display: str,
    mirror_display: str,
) -> None:
    """Raise KbError at the first block where the mirror's structure differs from the source."""
    for (line, kind, detail), (mline, mkind, mdetail) in zip(want, got, strict=False):
        if (kind, detail) != (mkind, mdetail):
            what = kind if kind == mkind else f"{kind} became {mkind}"
            raise KbError(
                f"{mirror_display}:{mline}: the mirror does not keep the structure of "
                f"{source_display}:{line} ({what} differs); nothing was written"
            )
    if len(want) != len(got):
        line = (got[len(want)][0] if len(got) > len(want) else want[len(got)][0]) if want else 1
        raise KbError(
            f"{mirror_display}:{line}: the mirror has {len(got)} blocks where "
            f"{source_display} has {len(want)}; nothing was written"
        )


def strip_trailer(text: str) -> str:
    """A mirror's text without the trailer line."""
    return TRAILER.sub("\n", text.replace("\r\n", "\n"))
