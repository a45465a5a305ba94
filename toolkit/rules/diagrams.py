"""Mermaid diagrams (```mermaid blocks): what mermaid would reject, and labels kb cannot translate.

Offline and partial by design: mermaid's own parser runs only in the browser (the browser suite
proves every diagram of the book draws); here we catch the mistakes that make it draw an error
graphic instead, and Chinese that `kb translate` would leave in the English edition.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from toolkit.config import Config
from toolkit.findings import Finding, Severity
from toolkit.han import HAN
from toolkit.rules.base import Page, Rule
from toolkit.site import Site
from toolkit.translate.code_comments import code_texts, diagram_type, language

NAME = "diagrams"
RULES = (
    Rule(
        "DGM001",
        "diagram-type-unknown",
        "A mermaid block is empty or does not start with a diagram type mermaid knows.",
    ),
    Rule(
        "DGM002",
        "diagram-unbalanced",
        "A line of a mermaid diagram opens a quote or bracket it does not close.",
    ),
    Rule(
        "DGM003",
        "diagram-semicolon-in-text",
        "A `;` in a sequence diagram's message or note: mermaid ends the statement there.",
    ),
    Rule(
        "DGM004",
        "diagram-label-untranslatable",
        "Chinese in a diagram outside a quoted label or the text kb translate reads: it stays "
        "Chinese in the English edition.",
        severity=Severity.WARNING,
    ),
)
TYPE_UNKNOWN, UNBALANCED, SEMICOLON, UNTRANSLATABLE = RULES

# The diagram types of mermaid 11 (the version content/index.html pins).
DIAGRAM_TYPES = frozenset(
    [
        "flowchart",
        "graph",
        "sequenceDiagram",
        "classDiagram",
        "classDiagram-v2",
        "stateDiagram",
        "stateDiagram-v2",
        "erDiagram",
        "journey",
        "gantt",
        "pie",
        "quadrantChart",
        "requirementDiagram",
        "gitGraph",
        "C4Context",
        "C4Container",
        "C4Component",
        "C4Dynamic",
        "C4Deployment",
        "mindmap",
        "timeline",
        "zenuml",
        "sankey-beta",
        "xychart-beta",
        "block-beta",
        "packet-beta",
        "kanban",
        "architecture-beta",
        "radar-beta",
        "treemap-beta",
    ]
)
_PAIRS = {"[": "]", "(": ")", "{": "}"}
# `A>label]` is the asymmetric node shape: its `]` closes a `>`, not a bracket.
_ASYMMETRIC = re.compile(r"\w>[^-=.>]")
_MESSAGE = re.compile(r"^\s*(?:note\b|[\w\"' ]+?\s*(?:-->>|->>|-->|->|--x|-x|--\)|-\)))", re.I)


def check(page: Page, site: Site, config: Config) -> Iterator[Finding]:
    """Check every top-level ```mermaid block of the page."""
    lines = page.doc.lines
    for block in page.doc.blocks:
        if block.type != "fence":
            continue
        opening = lines[block.line - 1].lstrip()
        info = opening.lstrip("`~").strip()
        if language(info) != "mermaid":
            continue
        body = lines[block.line : block.end_line - 1]
        yield from _check_diagram(page, block.line + 1, info, body)


def _check_diagram(page: Page, first: int, info: str, body: list[str]) -> Iterator[Finding]:
    code = "\n".join(body) + "\n"
    kind = diagram_type(code)
    if kind not in DIAGRAM_TYPES:
        found = f"starts with {kind!r}" if kind else "is empty"
        yield page.finding(
            TYPE_UNKNOWN,
            first - 1,
            1,
            f"this mermaid block {found}; mermaid draws an error instead: start it with a diagram "
            "type such as flowchart LR, sequenceDiagram, gantt or timeline",
        )
        return
    for number, line in enumerate(body):
        if line.lstrip().startswith("%%"):
            continue
        problem = _unbalanced(line) if kind in ("flowchart", "graph") else _quotes(line)
        if problem:
            yield page.finding(UNBALANCED, first + number, 1, problem)
        if kind == "sequenceDiagram" and _MESSAGE.match(line) and ";" in line.partition(":")[2]:
            column = len(line.partition(":")[0]) + line.partition(":")[2].index(";") + 2
            yield page.finding(
                SEMICOLON,
                first + number,
                column,
                "mermaid reads `;` as the end of a statement and rejects the rest of this "
                "message: use a comma, or write `#59;`",
            )
    yield from _untranslatable(page, first, info, code)


def _quotes(line: str) -> str | None:
    if line.count('"') % 2:
        return 'an odd number of `"`: a label is never closed and the diagram fails to parse'
    return None


def _unbalanced(line: str) -> str | None:
    problem = _quotes(line)
    if problem or _ASYMMETRIC.search(line):
        return problem
    outside = "".join(part for n, part in enumerate(line.split('"')) if n % 2 == 0)
    stack: list[str] = []
    for char in outside:
        if char in _PAIRS:
            stack.append(_PAIRS[char])
        elif char in _PAIRS.values() and (not stack or stack.pop() != char):
            return f"`{char}` closes nothing: the node shape is broken and the diagram fails"
    if stack:
        return f"a node shape opened here is not closed (`{stack[-1]}` missing)"
    return None


def _untranslatable(page: Page, first: int, info: str, code: str) -> Iterator[Finding]:
    covered = [(t.start, t.end) for t in code_texts(info, code)]
    starts = [0]
    for line in code.split("\n")[:-1]:
        starts.append(starts[-1] + len(line) + 1)
    reported: set[int] = set()
    for match in HAN.finditer(code):
        at = match.start()
        if any(a <= at < b for a, b in covered):
            continue
        row = max(i for i, s in enumerate(starts) if s <= at)
        if row in reported:
            continue
        reported.add(row)
        yield page.finding(
            UNTRANSLATABLE,
            first + row,
            at - starts[row] + 1,
            "Chinese outside a quoted label: kb translate leaves it untranslated in the English "
            'edition; quote the label (A["文字"], -->|"文字"|)',
        )
