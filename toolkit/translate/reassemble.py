"""Put a segmented page back together from translations, and check what translators return."""

from __future__ import annotations

import re
from collections.abc import Callable

from toolkit.markdown import markdown_parser
from toolkit.translate.code_comments import CODE_KINDS, code_text
from toolkit.translate.segment import PLACEHOLDER, Segment, SegmentedPage, Span

_INLINE_ATOMS = {"code_inline", "math_inline", "math_inline_double", "html_inline", "image"}


def render_segment(
    page: SegmentedPage,
    index: int,
    translated: Callable[[int], str],
    source: Callable[[Span], str] | None = None,
    *,
    capitalize: bool = False,
) -> str:
    """One segment's Markdown from its translation, with placeholders and breaks restored.

    With `capitalize`, a glossary term that opens the segment gets a capital letter: English
    sentences and headings start with one, while the glossary keeps terms in lower case.
    """
    segment = page.segments[index]
    copy = source or (lambda span: page.text[span.start : span.end])
    out: list[str] = []
    breaks = 0
    for piece in re.split(r"(\{\{\d+\}\}|\n)", translated(index)):
        if piece == "\n":
            if segment.breaks:
                span = segment.breaks[min(breaks, len(segment.breaks) - 1)]
                out.append(copy(span))
            else:
                out.append(" ")
            breaks += 1
        elif (match := PLACEHOLDER.fullmatch(piece)) and int(match.group(1)) < len(segment.values):
            for part in segment.values[int(match.group(1))]:
                if isinstance(part, Span):
                    out.append(copy(part))
                elif isinstance(part, str):
                    if capitalize and part[:1].islower() and not _has_words(out):
                        part = part[0].upper() + part[1:]
                    out.append(part)
                else:
                    out.append(
                        render_segment(page, part, translated, source, capitalize=capitalize)
                    )
        else:
            out.append(piece)
    return "".join(out)


def _has_words(out: list[str]) -> bool:
    # A section number is not a word: `3. {{0}}` gives `3. Positional encoding`.
    return any(char.isalpha() for piece in out for char in piece)


def nested(page: SegmentedPage) -> set[int]:
    """Indexes of segments that live inside another segment's placeholder (titles, alt text)."""
    inner: set[int] = set()
    for segment in page.segments:
        for value in segment.values:
            inner.update(part for part in value if isinstance(part, int))
    return inner


def assemble(
    page: SegmentedPage,
    translated: Callable[[int], str],
    source: Callable[[Span], str] | None = None,
    *,
    capitalize: bool = False,
) -> str:
    """The whole page with every segment replaced by its translation."""
    copy = source or (lambda span: page.text[span.start : span.end])
    return "".join(
        copy(piece)
        if isinstance(piece, Span)
        else render_segment(page, piece, translated, source, capitalize=capitalize)
        for piece in page.pieces
    )


def identity(page: SegmentedPage) -> Callable[[int], str]:
    """The "translation" that gives back each segment's own text."""
    return lambda index: page.segments[index].text


# Checking a translation --------------------------------------------------------------


def placeholder_problem(segment: Segment, translation: str) -> str | None:
    """Why a translation cannot be used (a placeholder lost, repeated or invented), or None."""
    seen = [int(n) for n in PLACEHOLDER.findall(translation)]
    expected = range(len(segment.values))
    for number in expected:
        count = seen.count(number)
        if count != 1:
            what = "lost" if count == 0 else f"repeated {count} times"
            return f"placeholder {{{{{number}}}}} {what}"
    unknown = sorted(set(seen) - set(expected))
    if unknown:
        return f"unknown placeholder {{{{{unknown[0]}}}}}"
    return None


def inline_atoms(markdown: str) -> list[tuple[str, str]]:
    """Code, math, HTML, link and image targets of inline Markdown, sorted (order may change)."""
    atoms: list[tuple[str, str]] = []
    for token in markdown_parser().parseInline(markdown, {}):
        for child in token.children or []:
            if child.type in _INLINE_ATOMS:
                value = str(child.attrs.get("src", "")) if child.type == "image" else child.content
                atoms.append((child.type, value))
            elif child.type == "link_open":
                atoms.append(("link", str(child.attrs.get("href", ""))))
    return sorted(atoms)


def structure_problem(page: SegmentedPage, index: int, translation: str) -> str | None:
    """A translation must keep the segment's code, math, HTML and link targets intact."""
    problem = placeholder_problem(page.segments[index], translation)
    if problem:
        return problem
    original = render_segment(page, index, identity(page))

    def with_translation(i: int) -> str:
        return translation if i == index else page.segments[i].text

    rendered = render_segment(page, index, with_translation)
    if inline_atoms(rendered) != inline_atoms(original):
        return "code, math, HTML or link markup changed around the placeholders"
    return None


_SPECIAL = re.compile(r"([\\`*_$<\[\]|~])")
_BLOCK_START = re.compile(r"\n[ \t]*(?=[#>+\-=|]|\d+[.)]|```|~~~)")
_PARAGRAPH_START = re.compile(r"^([ \t]*)(?:([#>+\-=|])|(\d+)([.)]))")


def sanitise(segment: Segment, machine: str) -> str:
    """Escape Markdown that a translator typed, so it stays text; keep placeholders."""
    machine = machine.replace("\r\n", "\n").replace("\r", "\n")
    if segment.kind in CODE_KINDS:
        return code_text(machine)
    if segment.kind in ("html", "meta", "meta-quoted"):
        return _sanitise_raw(segment, machine)
    pieces = re.split(r"(\{\{\d+\}\})", machine)
    text = "".join(p if PLACEHOLDER.fullmatch(p) else _SPECIAL.sub(r"\\\1", p) for p in pieces)
    if not segment.breaks:
        text = re.sub(r"[ \t]*\n[ \t]*", " ", text)
    text = _BLOCK_START.sub(" ", text)
    if segment.kind == "paragraph":
        text = _PARAGRAPH_START.sub(
            lambda m: (
                m.group(1) + ("\\" + m.group(2) if m.group(2) else m.group(3) + "\\" + m.group(4))
            ),
            text,
            count=1,
        )
    return text


# A plain YAML scalar must not hold these: quote the value instead.
_YAML_RISK = re.compile(r"^[\s\-?:,\[\]{}#&*!|>'\"%@`]|:\s|\s#|\s$|:$")


def _sanitise_raw(segment: Segment, machine: str) -> str:
    """Machine text inside an HTML block (entities, no Markdown) or a front-matter value."""
    pieces = re.split(r"(\{\{\d+\}\})", machine)

    def each(escape: Callable[[str], str]) -> str:
        return "".join(p if PLACEHOLDER.fullmatch(p) else escape(p) for p in pieces)

    if segment.kind == "html":
        text = each(lambda p: p.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;"))
        # A blank line would end the HTML block: keep lines together.
        return re.sub(r"\n\s*\n", "\n", text if segment.breaks else re.sub(r"\s*\n\s*", " ", text))
    text = re.sub(r"\s*\n\s*", " ", machine).strip()
    pieces = re.split(r"(\{\{\d+\}\})", text)
    if segment.kind == "meta-quoted":
        return each(lambda p: p.replace("\\", "\\\\").replace('"', '\\"'))
    if _YAML_RISK.search(text):
        return '"' + each(lambda p: p.replace("\\", "\\\\").replace('"', '\\"')) + '"'
    return text
