"""The English edition's style check: what gives a translation away in English prose.

Run by `kb translate --check` on the English mirrors it builds. Only prose is read (text of
headings, paragraphs, list items and table cells, and the comments, docstrings and diagram
labels of code blocks): code, math, HTML and link targets are the source's own and are not
English to judge. Four kinds of finding:

- full-width CJK punctuation (`（），、：`) typed into English text;
- a gloss carried over from the Chinese, a term repeated in parentheses (`Reward Model (reward
  model)`), which the source needed to introduce an English word and English does not;
- a term the style sheet (`i18n/style-en.md`, table "Forbidden terms") rules out;
- a question heading in the form "Topic: question?" rather than the question itself.

Each finding names the mirror's line and, where it can, the memory entry to edit.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import polib  # type: ignore[import-untyped]

from toolkit.errors import KbError
from toolkit.fileio import display_path as display
from toolkit.fileio import read_file
from toolkit.han import HAN
from toolkit.markdown import markdown_parser
from toolkit.translate.code_comments import fence_texts
from toolkit.translate.mirror import strip_trailer
from toolkit.translate.segment import CJK_PUNCTUATION

STYLE_SHEET = "style-en.md"
"""The style sheet's file name, beside the glossary."""
FORBIDDEN_SECTION = "Forbidden terms"

# Up to six words before a parenthesis, then what the parenthesis holds.
_GLOSS = re.compile(r"([A-Za-z][\w-]*(?:[ \t]+[\w-]+){0,5})[ \t]*[（(]([^()（）\n]+)[）)]")
# "5.1 Motivation: why is attention slow?": interviewers ask "Why is attention slow?".
_TOPIC_QUESTION = re.compile(
    r"(?:[\d.]+ )?([^:?]{1,60}): (?:what|why|how|which|when|where|who|is|are|does|do|can|should)"
    r"\b[^?]*\?$"
)
_CODE = "\ufffc"
"""Stands for inline code and math in the joined prose, so words never run across them."""


@dataclass(frozen=True, slots=True)
class ForbiddenTerm:
    """A term the edition does not use, and what it uses instead."""

    term: str
    """As written in the style sheet; a final `*` matches any word ending."""
    use: str
    line: int
    """Line of the style sheet that rules it out."""
    pattern: re.Pattern[str]
    allowed: tuple[str, ...] = ()
    """Phrases the term may stand in, in any case (paper titles quoted as published)."""

    def uses(self, prose: str) -> Iterator[re.Match[str]]:
        """Each use of the term in `prose` outside the allowed phrases."""
        matches = list(self.pattern.finditer(prose))
        if not matches:  # the usual case: the allowed phrases need no search
            return
        spans = [
            (m.start(), m.end())
            for phrase in self.allowed
            for m in re.finditer(re.escape(phrase) + "(?:s|es)?", prose, re.IGNORECASE)
        ]
        for match in matches:
            if not any(a <= match.start() and match.end() <= b for a, b in spans):
                yield match


@dataclass(frozen=True, slots=True)
class StyleSheet:
    """What the check needs from the style sheet."""

    forbidden: tuple[ForbiddenTerm, ...] = ()


@dataclass(frozen=True, slots=True, order=True)
class StyleFinding:
    """One place in a mirror that breaks the English style."""

    path: str
    line: int
    column: int
    message: str
    text: str
    """The offending text, to find the memory entry that wrote it."""


def term_pattern(term: str) -> re.Pattern[str]:
    """A forbidden term as a regex: whole words, a space also matching a hyphen or line break,
    an optional plural `s`, a final `*` for any ending; lower case matches any case."""
    prefix = term.endswith("*")
    words = term.rstrip("*").split()
    body = r"[\s-]+".join(re.escape(w) for w in words)
    tail = r"\w*" if prefix else r"(?:s|es)?(?!\w)"
    flags = re.IGNORECASE if term == term.lower() else 0
    return re.compile(rf"(?<![\w-]){body}{tail}", flags)


def load_style_sheet(path: Path) -> StyleSheet:
    """Read the forbidden terms from the style sheet's table; a missing file forbids nothing.

    The table under the heading "Forbidden terms" has the term in inline code in its first
    column and what to write instead in the second.
    """
    if not path.is_file():
        return StyleSheet()
    try:
        text = read_file(path).decode("utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise KbError(f"{display(path)}: cannot read the style sheet: {error}") from None
    tokens = markdown_parser().parse(text, {})
    forbidden: list[ForbiddenTerm] = []
    in_section = found = False
    row: list[tuple[int, list[str], str]] = []
    for index, token in enumerate(tokens):
        if token.type == "heading_open":
            title = tokens[index + 1].content.strip()
            in_section = title == FORBIDDEN_SECTION
            found = found or in_section
        elif in_section and token.type == "tr_open":
            row = []
        elif in_section and token.type == "inline" and tokens[index - 1].type == "td_open":
            assert token.map is not None
            codes = [c.content for c in token.children or [] if c.type == "code_inline"]
            row.append((token.map[0] + 1, codes, token.content))
        elif in_section and token.type == "tr_close" and row:
            forbidden.append(_forbidden(row, path))
    if not found:
        raise KbError(f"{display(path)}: no '## {FORBIDDEN_SECTION}' section")
    return StyleSheet(tuple(forbidden))


def _forbidden(row: list[tuple[int, list[str], str]], path: Path) -> ForbiddenTerm:
    line, codes, raw = row[0]
    if len(codes) != 1 or len(row) < 2 or not codes[0].strip():
        raise KbError(
            f"{display(path)}:{line}: a forbidden term is one `term` in inline code, followed by "
            f"what to write instead; got {raw!r}"
        )
    term = codes[0].strip()
    allowed = tuple(row[2][1]) if len(row) > 2 else ()
    return ForbiddenTerm(term, row[1][2].strip(), line, term_pattern(term), allowed)


@dataclass(frozen=True, slots=True)
class _Piece:
    """Where a run of the joined prose starts in the page."""

    offset: int
    line: int
    column: int


def prose_blocks(text: str) -> Iterator[tuple[str, list[_Piece], bool]]:
    """Each inline block's prose, joined (code and math as one mark), and each comment,
    docstring or diagram label of a code block, with where it sits and whether it is a heading."""
    lines = text.split("\n")
    line_starts = [0]
    for line_text in lines[:-1]:
        line_starts.append(line_starts[-1] + len(line_text) + 1)
    tokens = markdown_parser().parse(text, {})
    for index, token in enumerate(tokens):
        if token.type == "fence" and token.map is not None:
            # Comments, docstrings and diagram labels are English the edition wrote too.
            for _kind, start, end in fence_texts(token, lines, line_starts):
                row = bisect.bisect_right(line_starts, start) - 1
                yield text[start:end], [_Piece(0, row + 1, start - line_starts[row] + 1)], False
            continue
        if token.type != "inline" or token.map is None:
            continue
        heading = index > 0 and tokens[index - 1].type == "heading_open"
        line = token.map[0]
        cursor = 0
        joined: list[str] = []
        pieces: list[_Piece] = []
        size = 0
        autolink = False
        for child in token.children or []:
            if autolink:
                autolink = child.type != "link_close"
                continue
            if child.type in ("softbreak", "hardbreak"):
                line, cursor = line + 1, 0
                joined.append(" ")
                size += 1
            elif child.type == "link_open" and child.markup in ("autolink", "linkify"):
                autolink = True
            elif child.type in ("code_inline", "math_inline", "math_inline_double", "image"):
                joined.append(_CODE)
                size += 1
            elif child.type == "text" and child.content:
                source = lines[line] if line < len(lines) else ""
                at = source.find(child.content, cursor)
                column = at if at >= 0 else cursor
                cursor = column + len(child.content) if at >= 0 else cursor
                pieces.append(_Piece(size, line + 1, column + 1))
                joined.append(child.content)
                size += len(child.content)
        if pieces:
            yield "".join(joined), pieces, heading


def _place(pieces: list[_Piece], offset: int) -> tuple[int, int]:
    found = pieces[0]
    for piece in pieces:
        if piece.offset > offset:
            break
        found = piece
    return found.line, found.column + max(0, offset - found.offset)


def check_page(path: str, text: str, sheet: StyleSheet) -> list[StyleFinding]:
    """Every style finding on one English page."""
    findings = []
    for prose, pieces, heading in prose_blocks(strip_trailer(text)):
        if heading and (match := _TOPIC_QUESTION.match(prose)):
            line, column = _place(pieces, match.start(1))
            message = (
                f"question heading in the form 'Topic: question?' ({match.group(1)!r}); "
                "ask the question itself"
            )
            findings.append(StyleFinding(path, line, column, message, prose))
        for match in CJK_PUNCTUATION.finditer(prose):
            if _quoted_chinese(prose, match.start()):
                continue
            line, column = _place(pieces, match.start())
            found = match.group(0)
            message = f"full-width punctuation {found!r} (U+{ord(found):04X}) in English prose"
            findings.append(StyleFinding(path, line, column, message, _around(prose, match)))
        # Most prose has no parenthesis, and _GLOSS tries six words at each word otherwise.
        glosses = _GLOSS.finditer(prose) if "(" in prose or "（" in prose else ()
        for match in glosses:
            repeated = _repeated(match.group(1), match.group(2))
            if repeated is None:
                continue
            line, column = _place(pieces, match.start(2))
            message = f"leftover gloss: {repeated!r} repeats the term before it in parentheses"
            findings.append(StyleFinding(path, line, column, message, match.group(0)))
        for term in sheet.forbidden:
            for match in term.uses(prose):
                line, column = _place(pieces, match.start())
                message = (
                    f"{match.group(0)!r}: the style sheet forbids `{term.term}` "
                    f"(line {term.line}); use {term.use}"
                )
                findings.append(StyleFinding(path, line, column, message, match.group(0)))
    return sorted(findings)


def _repeated(before: str, inner: str) -> str | None:
    """The part of a parenthesis that repeats the words before it: `reward model (reward
    model)`, or `process reward model (PRM, Process Reward Model)`; None if none does."""
    if re.search(r"\b(?:19|20)\d\d\b|arXiv", inner):
        return None  # a citation: "locally typical sampling (Locally Typical Sampling, 2022)"
    words = [_stem(w) for w in before.split()]
    for part in inner.split(","):
        part = part.strip()
        count = len(part.split())
        if part and count <= len(words) and words[-count:] == [_stem(w) for w in part.split()]:
            return part
    return None


def _stem(word: str) -> str:
    """Case and a plural `s` do not make a different term: `adapters (Adapter)`."""
    word = word.casefold()
    return word[:-1] if word.endswith("s") and len(word) > 3 else word


def _quoted_chinese(prose: str, at: int) -> bool:
    """Punctuation next to Chinese characters belongs to a quoted Chinese example."""
    before = prose[:at].rstrip()
    after = prose[at + 1 :].lstrip()
    return bool((before and HAN.match(before[-1])) or (after and HAN.match(after[0])))


def _around(prose: str, match: re.Match[str]) -> str:
    start = max(0, match.start() - 12)
    return prose[start : match.end() + 12]


def check_english(files: Mapping[Path, bytes], sheet: StyleSheet, i18n: Path) -> list[str]:
    """Style findings of the English mirrors among `files`, as `path:line:col: message` lines."""
    lines = []
    for path, data in sorted(files.items()):
        if path.suffix != ".md":
            continue
        shown = display(path)
        findings = check_page(shown, data.decode("utf-8", "replace"), sheet)
        entries = _memory_entries(i18n, path) if findings else []
        for finding in findings:
            where = _entry_for(entries, finding.text)
            hint = f"; edit {where}" if where else ""
            lines.append(
                f"{finding.path}:{finding.line}:{finding.column}: en style: {finding.message}{hint}"
            )
    return lines


def _memory_entries(i18n: Path, mirror: Path) -> list[tuple[str, int, str]]:
    """(po path, line, msgstr) of the page's memory, to point a finding at its entry."""
    try:
        rel = mirror.relative_to(i18n / "en")
    except ValueError:
        return []
    po_path = i18n / "po" / "en" / rel.with_suffix(".po")
    if not po_path.is_file():
        return []
    try:
        po = polib.pofile(str(po_path), wrapwidth=0)
    except (OSError, ValueError):
        return []  # the translation run itself names an unreadable memory
    return [(display(po_path), entry.linenum, entry.msgstr) for entry in po]


def _entry_for(entries: Iterable[tuple[str, int, str]], text: str) -> str | None:
    needle = text.replace(_CODE, "").strip()
    # The joined prose drops markup, so try the longest piece between code marks.
    parts = sorted((p.strip() for p in text.split(_CODE)), key=len, reverse=True)
    for candidate in [needle, *parts]:
        if not candidate:
            continue
        for po_path, line, msgstr in entries:
            if candidate in msgstr:
                return f"{po_path}:{line}"
    return None
