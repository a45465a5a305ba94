"""Formulas a site's math plugin cuts out but the reader still sees as text (docsify-katex)."""

from __future__ import annotations

from collections.abc import Iterator

from toolkit.config import Config
from toolkit.docsify_katex import INLINE_PLACEHOLDER
from toolkit.findings import Finding
from toolkit.rules import Page, Rule
from toolkit.site import Site

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
)
SHOWN_AS_TEXT, SIDEBAR_HEADING = RULES


def check(page: Page, site: Site, config: Config) -> Iterator[Finding]:
    """Report hidden formulas and sidebar headings with math, on docsify-katex sites."""
    doc = page.doc
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
