"""Formulas: KaTeX can render every `$…$` and `$$…$$`, and Markdown leaves them whole."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from toolkit.config import Config
from toolkit.document import Document, Formula, ListItem, Position
from toolkit.findings import Finding, Fix, Severity, clip
from toolkit.rules.base import Page, Rule
from toolkit.site import Site

if TYPE_CHECKING:
    from toolkit.tex import TexProblem

NAME = "formulas"
RULES = (
    Rule("MTH001", "unbalanced-braces", "A `{` is never closed, or a `}` has no `{`."),
    Rule(
        "MTH002",
        "unmatched-left-right",
        "`\\left` without `\\right`, `\\right` without `\\left`, or `\\middle` outside them.",
    ),
    Rule(
        "MTH003",
        "unmatched-environment",
        "`\\begin{X}` closed by `\\end{Y}`, never closed, or an `\\end` with no `\\begin`.",
    ),
    Rule("MTH004", "unknown-environment", "An environment KaTeX does not have."),
    Rule(
        "MTH005",
        "misplaced-alignment",
        "`&`, `\\hline` or too many columns where the environment does not allow them.",
    ),
    Rule("MTH006", "unknown-command", "A command KaTeX does not know (often a misspelling)."),
    Rule(
        "MTH007", "missing-argument", "A command, `^` or `_` lacks an argument (`\\frac{a}`, `x^`)."
    ),
    Rule("MTH008", "double-script", "Two superscripts or two subscripts on one base (`x^2^3`)."),
    Rule(
        "MTH009",
        "invalid-argument",
        "An argument KaTeX rejects: a delimiter, column spec, color, size or count.",
    ),
    Rule(
        "MTH010",
        "command-not-allowed-here",
        "A command used where KaTeX forbids it (text mode, display-only, `\\limits`, `\\tag`).",
    ),
    Rule("MTH011", "katex-parse-error", "Any other error KaTeX's parser reports."),
    Rule(
        "MTH012",
        "full-width-in-math",
        "Full-width punctuation, digits or letters typed inside math.",
        fixable=True,
        severity=Severity.WARNING,
    ),
    Rule(
        "MTH013",
        "chinese-outside-text",
        "Chinese characters in math outside `\\text{}`.",
        severity=Severity.WARNING,
    ),
    Rule(
        "MTH014",
        "unclosed-dollar",
        "A `$` or `$$` that opens no formula: unclosed, or a currency sign.",
    ),
    Rule(
        "MTH015",
        "list-marker-in-display-math",
        "A line of a `$$` formula starts with `- `, `* `, `+ ` or `1. `: it becomes a list.",
    ),
    Rule(
        "MTH016",
        "blank-line-in-display-math",
        "A blank line inside a `$$` formula splits it into two paragraphs.",
    ),
    Rule(
        "MTH017",
        "pipe-in-table-math",
        "A `|` inside math in a table row splits the cell before the math is found.",
    ),
)
_BY_CODE = {rule.code: rule for rule in RULES}
UNCLOSED_DOLLAR, LIST_MARKER, BLANK_LINE, PIPE_IN_TABLE = (
    _BY_CODE[c] for c in ("MTH014", "MTH015", "MTH016", "MTH017")
)

# Lines that interrupt a Markdown paragraph as a list (an ordered list only when it starts at 1).
_LIST_MARKER = re.compile(r"(?:[-*+]|1[.)])[ \t]+\S")


# What each kind of problem toolkit.tex reports is called here (codes are never renumbered).
_CODE_OF_KIND = {
    "unbalanced-braces": "MTH001",
    "unmatched-left-right": "MTH002",
    "unmatched-environment": "MTH003",
    "unknown-environment": "MTH004",
    "misplaced-alignment": "MTH005",
    "unknown-command": "MTH006",
    "missing-argument": "MTH007",
    "double-script": "MTH008",
    "invalid-argument": "MTH009",
    "command-not-allowed-here": "MTH010",
    "katex-parse-error": "MTH011",
    "full-width-in-math": "MTH012",
    "chinese-outside-text": "MTH013",
}


def check(page: Page, site: Site, config: Config) -> Iterator[Finding]:
    """Check every formula with the real KaTeX of the site's version, then the Markdown hazards."""
    lines = page.doc.lines
    yield from _check_formulas(page, site, lines)
    for formula in page.doc.formulas:
        if formula.display and "\n" in formula.tex and page.doc.math == "kb":
            # (docsify-katex's `$$` at a line start is an HTML block: lists and blank lines
            # inside are safe; where they are not, the formula is hidden math, MTH020)
            yield from _check_block_lines(page, formula, lines)
    yield from _check_stray_dollars(page, lines)


def _check_formulas(page: Page, site: Site, lines: list[str]) -> Iterator[Finding]:
    formulas = page.doc.formulas
    if not formulas or site.katex_version is None:
        return
    # Imported here: a page without math never loads the checker.
    from toolkit.tex import CURRENT_VERSION, check_many

    version = site.katex_version
    judged = check_many([(f.tex, f.display) for f in formulas], version, site.verdicts)
    note = (
        ""
        if version == CURRENT_VERSION
        else f" (KaTeX {version}, the version this site renders with)"
    )
    for formula, problems in zip(formulas, judged, strict=True):
        for problem in problems:
            yield _finding(page, formula, problem, lines, note)


def _finding(
    page: Page, formula: Formula, problem: TexProblem, lines: list[str], note: str
) -> Finding:
    tex = formula.tex
    at = _doc_offset(page, formula, problem.offset, lines)
    pos = page.doc.position(at) if at is not None else None
    lead = len(tex) - len(tex.lstrip("\n"))
    line = tex.count("\n", lead, problem.offset) + 1
    column = problem.offset - (tex.rfind("\n", 0, problem.offset) + 1) + 1
    where = (
        f"formula line {line}, column {column}"
        if "\n" in tex.strip()
        else (f"formula column {column}")
    )
    fix = None
    if (
        problem.replacement is not None
        and at is not None
        and at < len(page.doc.text)
        and problem.offset < len(tex)
        and page.doc.text[at] == tex[problem.offset]
    ):
        fix = Fix(at, at + 1, problem.replacement)
    return page.finding(
        _BY_CODE[_CODE_OF_KIND[problem.kind]],
        pos.line if pos else formula.line,
        pos.column if pos else formula.column,
        f"{_one_line(problem.message)} ({where}){note}",
        fix,
    )


def _one_line(message: str) -> str:
    """KaTeX's message as one readable line: controls escaped, clipped (0.11.1 can quote a
    whole parse node as JSON)."""
    text = "".join(c if c.isprintable() else repr(c)[1:-1] for c in message)
    return clip(text, 300)


def _doc_offset(page: Page, formula: Formula, offset: int, lines: list[str]) -> int | None:
    """Where a character of the tex sits in the file, or None if the mapping is unsure.

    The Document's offset of the tex, when the tex stands there as one piece; else line by
    line, because container markers (`> `, list indentation) are not part of the tex. (The end
    of a multi-line tex is shown after the closing `$$`, where KaTeX's "EOF" is read.)
    """
    doc = page.doc
    tex = formula.tex
    if formula.start >= 0 and offset < len(tex) and doc.text.startswith(tex, formula.start):
        return formula.start + offset
    line = tex.count("\n", 0, offset)
    line_start = tex.rfind("\n", 0, offset) + 1
    piece = tex[line_start:].split("\n", 1)[0]
    if line == 0:
        opener = doc.offset(formula.line, formula.column)
        width = 2 if doc.text.startswith("$$", opener) else 1
        return opener + width + offset
    number = formula.line + line
    if number > len(lines):
        return None
    source = lines[number - 1]
    column = len(source) - len(piece) if source.endswith(piece) else source.find(piece)
    if column < 0:
        return None
    return doc.line_starts[number - 1] + column + (offset - line_start)


def _check_block_lines(page: Page, formula: Formula, lines: list[str]) -> Iterator[Finding]:
    """Blank lines and list markers inside `$$`: fine for markdown-it, not for marked."""
    tex_lines = formula.tex.split("\n")
    at = len(tex_lines[0]) + 1
    for index, text in enumerate(tex_lines[1:-1], start=1):
        number = formula.line + index
        line_at, at = at, at + len(text) + 1
        stripped = text.strip()
        if not stripped:
            yield page.finding(
                BLANK_LINE,
                number,
                1,
                f"blank line inside the `$$` formula opened on line {formula.line}: Markdown "
                "ends the paragraph there, so the site shows raw TeX; remove the blank line",
            )
        elif _LIST_MARKER.match(stripped):
            marker = stripped.split()[0]
            found = _doc_offset(page, formula, line_at + len(text) - len(text.lstrip()), lines)
            column = page.doc.position(found).column if found is not None else 1
            yield page.finding(
                LIST_MARKER,
                number,
                column,
                f"line starts with `{marker} ` inside the `$$` formula opened on line "
                f"{formula.line}: Markdown turns it into a list item; move `{marker}` to the end "
                "of the previous line or write `{}" + marker + "`",
            )


def _check_stray_dollars(page: Page, lines: list[str]) -> Iterator[Finding]:
    doc = page.doc
    tables = [(b.line, b.end_line) for b in doc.blocks if b.type == "table_open"]
    skip: set[int] = set()
    for stray in doc.stray_dollars:
        if stray.offset in skip:
            continue
        if any(first <= stray.line <= last for first, last in tables):
            yield page.finding(
                PIPE_IN_TABLE,
                stray.line,
                stray.column,
                "`$` in a table row that opens no formula: a `|` inside the math splits the "
                "cell first; write `\\vert`, `\\mid` or `\\|` instead of `|`",
            )
            continue
        if doc.text.startswith("$$", stray.offset):
            skip.add(stray.offset + 1)
            yield _unclosed_block(page, stray, lines, skip)
            continue
        after = doc.text[stray.offset + 1 : stray.offset + 2]
        message = (
            "`$` before a number reads as currency but the site may take it as math: write `\\$`"
            if after.isdigit()
            else "`$` opens no formula (no closing `$` in this paragraph): close it, or write `\\$`"
        )
        yield page.finding(UNCLOSED_DOLLAR, stray.line, stray.column, message)


def _unclosed_block(page: Page, stray: Position, lines: list[str], skip: set[int]) -> Finding:
    """A `$$` left as text: say which line broke the paragraph it should have closed in."""
    doc = page.doc
    items: dict[int, ListItem] = {}
    for listed in doc.list_items:
        items.setdefault(listed.line, listed)
    for number in range(stray.line + 1, len(lines) + 1):
        text = lines[number - 1]
        stripped = text.strip()
        if not stripped and number == len(lines):
            break  # the empty piece after the file's last line end
        item = items.get(number)
        if not stripped or item is not None:
            close = _closing(page, number)
            if close is not None:
                skip.update({close, close + 1})
            rule = BLANK_LINE if item is None else LIST_MARKER
            marker = "" if item is None else _marker(doc, item, stripped)
            what = "a blank line" if item is None else f"`{marker} ` (a list item)"
            return page.finding(
                rule,
                number,
                1 if item is None else item.column,
                f"{what} ends the paragraph of the `$$` formula opened on line {stray.line}; "
                "the formula is shown as raw TeX",
            )
        if "$$" in text:
            break
    if doc.text.startswith("$$$", stray.offset):
        skip.add(stray.offset + 2)
    return page.finding(
        UNCLOSED_DOLLAR, stray.line, stray.column, "`$$` opens no formula: add the closing `$$`"
    )


def _closing(page: Page, line: int) -> int | None:
    """Offset of the next `$$` left as text at or after a line (the orphaned closer of a broken
    formula)."""
    doc = page.doc
    after = (s.offset for s in doc.stray_dollars if s.line >= line)
    return next((at for at in after if doc.text.startswith("$$", at)), None)


def _marker(doc: Document, item: ListItem, line: str) -> str:
    """The list marker as written: `-`, `*`, `+`, or the number with its `.` or `)`."""
    if item.marker_start < 0:
        return line.split()[0]  # the Document did not find it: the line's first word
    return doc.text[item.marker_start : item.marker_end + (1 if item.ordered else 0)]
