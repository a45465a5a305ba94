"""TeX the reader sees as text: formulas the math plugin loses, and commands outside math."""

from __future__ import annotations

import re
from collections.abc import Iterator

from toolkit.config import Config
from toolkit.docsify_katex import INLINE_PLACEHOLDER
from toolkit.document import DOLLAR, Position
from toolkit.findings import Finding, Severity
from toolkit.rules.base import Page, Rule
from toolkit.site import Site

NAME = "formulas"  # its MTH codes are documented with the formula checker's
RULES = (
    Rule(
        "MTH020",
        "math-shown-as-text",
        "docsify-katex cuts a formula out but it never renders: a blank line or a block splits "
        "it, or it lands in code; the reader sees placeholder text and raw TeX.",
    ),
    Rule(
        "MTH021",
        "math-in-sidebar-heading",
        "A heading with `$…$` on a docsify-katex site: the sidebar lists it with the plugin's "
        "placeholder text instead of the formula.",
    ),
    Rule(
        "MTH022",
        "tex-outside-math",
        "A TeX command such as `\\frac{…}` or `\\alpha` in text outside every formula and code: "
        "the reader sees it as written.",
    ),
    Rule(
        "MTH023",
        "tex-command-in-text",
        "A TeX command in text on a line with no unmatched `$`: a formula written without `$`, "
        "or a command named on purpose (a TeX tutorial); the reader sees it as written.",
        severity=Severity.WARNING,
    ),
)
SHOWN_AS_TEXT, SIDEBAR_HEADING, TEX_OUTSIDE_MATH, COMMAND_IN_TEXT = RULES
_COMMAND = re.compile(r"\\[A-Za-z]+")


def check(page: Page, site: Site, config: Config) -> Iterator[Finding]:
    """Report TeX shown as text: hidden formulas, sidebar headings, commands outside math."""
    doc = page.doc
    yield from _check_raw_tex(page)
    if doc.math != "docsify-katex":
        return
    for hidden in doc.hidden_math:
        delimiter = "$$" if hidden.display else "$"
        if hidden.reason == "code":
            cause = (
                f"the `{delimiter}` pair spans code, where docsify-katex still replaces it: "
                f"the reader sees '{INLINE_PLACEHOLDER}<!-- begin-…-katex' text"
            )
        else:
            cause = (
                f"a blank line or a new block inside this `{delimiter}…{delimiter}` breaks "
                "docsify-katex's placeholder apart: the reader sees it and the raw TeX; close the "
                "formula before the break, or write `\\$` for a literal dollar"
            )
        yield page.finding(SHOWN_AS_TEXT, hidden.line, hidden.column, cause)
    info = config.site
    levels = info.sub_max_level if info.sidebar else info.max_level
    for heading in doc.headings:
        if heading.has_math and heading.level <= levels and "{docsify-ignore" not in heading.source:
            yield page.finding(
                SIDEBAR_HEADING,
                heading.line,
                heading.column,
                f"the sidebar lists this heading as '{INLINE_PLACEHOLDER}…': docsify-katex renders "
                "math only in the page body; write the heading without `$` (its id also holds "
                f"'{INLINE_PLACEHOLDER}')",
            )


def _check_raw_tex(page: Page) -> Iterator[Finding]:
    doc = page.doc
    first_lost = min(((h.line, h.column) for h in doc.hidden_math), default=None)
    stray_lines = {p.line for p in doc.stray_dollars}
    by_line: dict[int, list[Position]] = {}
    for position in doc.raw_tex:
        if first_lost is None or (position.line, position.column) < first_lost:
            by_line.setdefault(position.line, []).append(position)
    if not by_line:
        return
    lines = doc.lines
    # One finding a line: `\frac{\partial L}{\partial \theta}` written without `$` is one
    # formula the reader sees as TeX, not four.
    for line, positions in by_line.items():
        first = positions[0]
        found = _COMMAND.match(doc.text, first.offset)
        command = found.group(0) if found else "\\"
        more = f" (and {len(positions) - 1} more on this line)" if len(positions) > 1 else ""
        what = f"`{command}`{more} is outside every formula: the reader sees it as text"
        if line in stray_lines:
            continue  # the unclosed `$` there is MTH014's finding: the one cause
        dangling = doc.math == "docsify-katex" and len(DOLLAR.findall(lines[line - 1])) % 2
        if dangling:
            # An odd `$` on the line: docsify-katex paired it with one elsewhere on the page
            # and left this TeX out, a formula the writer meant.
            yield page.finding(
                TEX_OUTSIDE_MATH,
                first.line,
                first.column,
                f"{what}; this line holds an odd number of `$`, and docsify-katex pairs `$` "
                "across the whole page: one of them ends up with a `$` elsewhere",
            )
        else:
            yield page.finding(
                COMMAND_IN_TEXT,
                first.line,
                first.column,
                f"{what}; put it inside `$…$`, or in backticks if it names the command",
            )
