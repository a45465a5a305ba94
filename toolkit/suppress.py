"""`<!-- kb-disable … -->` comments, applied to findings after every rule has run."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from toolkit.document import Document
from toolkit.findings import Finding, Severity
from toolkit.rules.base import Page, Rule

UNKNOWN_CODE = Rule(
    "SUP001",
    "suppression-unknown-code",
    "A `kb-disable` comment names no code or an unknown code.",
    severity=Severity.WARNING,
)
UNUSED_SUPPRESSION = Rule(
    "SUP002",
    "suppression-unused",
    "A `kb-disable` comment suppresses nothing: remove it.",
    severity=Severity.WARNING,
)
NAME = "suppress"
RULES = (UNKNOWN_CODE, UNUSED_SUPPRESSION)

_PRAGMA = re.compile(r"^kb-(disable-next-line|disable-line|disable|enable)\b(.*)$", re.S)


@dataclass(slots=True)
class _Suppression:
    codes: frozenset[str]
    first_line: int
    last_line: int
    """Inclusive; a `kb-disable` without `kb-enable` runs to the end of the file."""
    line: int
    column: int
    used: bool = False


def apply_suppressions(
    page: Page, findings: Iterable[Finding], rules: Mapping[str, Rule]
) -> list[Finding]:
    """Drop suppressed findings; report unknown codes and suppressions that matched nothing."""
    by_name = {rule.name: code for code, rule in rules.items()}
    suppressions, problems = _parse(page, page.doc, rules, by_name)
    kept: list[Finding] = []
    for finding in findings:
        hit = False
        for suppression in suppressions:
            if (
                finding.code in suppression.codes
                and suppression.first_line <= finding.line <= suppression.last_line
            ):
                suppression.used = hit = True
        if not hit:
            kept.append(finding)
    for suppression in suppressions:
        if not suppression.used:
            codes = ", ".join(sorted(suppression.codes))
            kept.append(
                page.finding(
                    UNUSED_SUPPRESSION,
                    suppression.line,
                    suppression.column,
                    f"kb-disable for {codes} suppresses nothing here",
                )
            )
    return kept + problems


def _parse(
    page: Page, doc: Document, rules: Mapping[str, Rule], by_name: Mapping[str, str]
) -> tuple[list[_Suppression], list[Finding]]:
    suppressions: list[_Suppression] = []
    problems: list[Finding] = []
    open_ranges: dict[str, _Suppression] = {}
    last_line = len(doc.line_starts)
    lines = doc.lines
    for comment in doc.comments:
        match = _PRAGMA.match(comment.body)
        if match is None:
            continue
        kind, words = match.group(1), re.split(r"[\s,]+", match.group(2).strip())
        codes = {by_name.get(w, w) for w in words if w}
        column = comment.column
        unknown = sorted(c for c in codes if c not in rules)
        if not codes or unknown:
            what = f"unknown code {', '.join(unknown)}" if unknown else "no code"
            problems.append(
                page.finding(
                    UNKNOWN_CODE,
                    comment.line,
                    column,
                    f"kb-{kind} names {what}; name the codes to disable",
                )
            )
            codes -= set(unknown)
            if not codes:
                continue
        if kind == "disable-next-line":
            target = _next_content_line(lines, comment.end_line)
            suppressions.append(
                _Suppression(frozenset(codes), target, target, comment.line, column)
            )
        elif kind == "disable-line":
            suppressions.append(
                _Suppression(frozenset(codes), comment.line, comment.end_line, comment.line, column)
            )
        elif kind == "disable":
            for code in codes:
                open_ranges[code] = _Suppression(
                    frozenset({code}), comment.line, last_line, comment.line, column
                )
                suppressions.append(open_ranges[code])
        else:
            for code in codes:
                if code in open_ranges:
                    open_ranges.pop(code).last_line = comment.line
    return suppressions, problems


def _next_content_line(lines: list[str], after: int) -> int:
    for number in range(after + 1, len(lines) + 1):
        if lines[number - 1].strip():
            return number
    return after + 1
