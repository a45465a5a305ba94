"""Mirror pages: translated text, heading ids recomputed, anchors rewritten, structure verified."""

from __future__ import annotations

import bisect
import hashlib
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote

from markdown_it.token import Token

from toolkit.document import Document, SourceText, decode, encode, markdown_parser, parse
from toolkit.errors import KbError
from toolkit.fileio import read_file
from toolkit.site import docsify_route
from toolkit.slug import docsify_ids, render_marked_html
from toolkit.translate.code_comments import masked
from toolkit.translate.reassemble import assemble, render_segment
from toolkit.translate.segment import SegmentedPage, Span, Terms, segment_page

TRAILER = re.compile(r"\n<!-- kb-translate: source sha256=([0-9a-f]{64}) -->\n\Z")
_ID_PARAM = re.compile(r"([?&]id=)([^&#]*)")

Translate = Callable[[int], str]
"""Segment index to its translation (text with placeholders)."""


@dataclass(frozen=True, slots=True)
class SourcePage:
    """One page of the book, read and parsed once, with its segments for one language."""

    rel: str
    """Path relative to the site root, POSIX."""
    path: Path
    source: SourceText
    doc: Document
    page: SegmentedPage
    sha256: str
    skeleton: list[tuple[int, str, str]]
    """The source's skeleton (see `skeleton`), from the same parse as the segments."""


def load_page(root: Path, rel: str, terms: Terms) -> SourcePage:
    """Read, parse and segment a page of the book."""
    path = root / rel
    try:
        data = read_file(path)  # a FIFO named *.md would block a plain read forever
    except OSError as error:
        raise KbError(f"{path}: cannot read: {error.strerror or error}") from None
    source = decode(data, path)
    doc = parse(source.text, path)
    env: dict[str, Any] = {}
    tokens = markdown_parser().parse(source.text, env)
    page = segment_page(source.text, terms, tokens, env)
    sha = hashlib.sha256(data).hexdigest()
    return SourcePage(rel, path, source, doc, page, sha, _skeleton(tokens))


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
    page: SourcePage, ids: Mapping[str, Mapping[str, str]]
) -> list[tuple[int, int, str, str]]:
    """(start, end, new target, kind) for every link whose anchor names a renamed heading."""
    edits = []
    for link in page.doc.links:
        if link.target_start < 0 or link.kind == "autolink":
            continue
        route = docsify_route(
            link.target, page.rel, image=link.kind == "image", html=link.kind == "html"
        )
        if route.external or not route.anchor:
            continue
        target = route.path if route.path is not None else page.rel
        new = ids.get(target, {}).get(route.anchor)
        if new is None or new == route.anchor:
            continue
        rewritten = replace_anchor(link.target, route.anchor, new)
        if rewritten != link.target:
            edits.append((link.target_start, link.target_end, rewritten, link.kind))
    return sorted(edits)


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


def replace_anchor(target: str, old: str, new: str) -> str:
    """The link target with its `?id=` value or `#fragment` naming `new` instead of `old`."""

    def written(value: str) -> str:
        return quote(new, safe="-_.~") if "%" in value else new

    def swap(match: re.Match[str]) -> str:
        value = match.group(2)
        return match.group(1) + written(value) if unquote(value) == old else match.group(0)

    replaced = _ID_PARAM.sub(swap, target)
    if replaced != target:
        return replaced
    head, sep, fragment = target.rpartition("#")
    if sep and not fragment.startswith("/") and unquote(fragment) == old:
        return f"{head}#{written(fragment)}"
    return target


def copier(text: str, edits: list[tuple[int, int, str, str]]) -> Callable[[Span], str]:
    """Copy source ranges, applying link-target edits that fall inside them."""
    starts = [edit[0] for edit in edits]

    def copy(span: Span) -> str:
        out = []
        at = span.start
        for index in range(bisect.bisect_left(starts, span.start), len(edits)):
            start, end, replacement, _ = edits[index]
            if start >= span.end:
                break
            out.append(text[at:start])
            out.append(replacement)
            at = end
        out.append(text[at : span.end])
        return "".join(out)

    return copy


def build_mirror(
    page: SourcePage,
    translated: Translate,
    ids: Mapping[str, Mapping[str, str]],
    mirror_display: str,
    *,
    capitalize: bool = False,
    math_text: Callable[[str], str] | None = None,
) -> bytes:
    """The mirror's bytes, verified against the source's skeleton (KbError on mismatch).

    `math_text` rewrites the TeX of each formula (zh-Hant converts `\text{…}` like prose);
    the skeleton is then the source's with the same rewrite, so nothing else may change.
    """
    edits = link_edits(page, ids)
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
    if kind != "inline" or not hrefs or "link:" not in detail:
        return item
    atoms = [
        f"link:{hrefs.get(atom[5:], atom[5:])}" if atom.startswith("link:") else atom
        for atom in detail.split("\x00")
    ]
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
        elif token.type in ("math_block", "math_block_label", "html_block", "front_matter"):
            items.append((line, token.type, token.content))
        else:
            items.append((line, token.type, f"{token.tag}\x00{token.markup}"))
    return items


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
