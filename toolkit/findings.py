"""Findings and their output formats: text, json, github, sarif."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from toolkit import __version__


class Severity(StrEnum):
    """How bad a finding is; any finding makes `kb lint` exit 1."""

    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, slots=True, order=True)
class Fix:
    """Replace `text[start:end]` with `replacement` (character offsets in the Document text)."""

    start: int
    end: int
    replacement: str


@dataclass(frozen=True, slots=True, order=True)
class Finding:
    """One problem at one place; sorting orders by path, line, column, code."""

    path: str
    """POSIX path as shown to the user (relative to the current folder when possible)."""
    line: int
    """1-based line."""
    column: int
    """1-based column, counted in code points."""
    code: str
    """Rule code such as `ANC001`."""
    message: str
    severity: Severity = Severity.ERROR
    fix: Fix | None = field(default=None, compare=False)
    """A safe edit that `--fix` applies; None when the fix needs a person."""

    def text(self) -> str:
        """The default one-line form: `path:line:col: CODE message`."""
        return f"{self.path}:{self.line}:{self.column}: {self.code} {self.message}"


MESSAGE_VALUE_LIMIT = 200
"""Code points of a user's value that a message quotes. The book's longest real link target
is under 100 (a question's id in a docsify link); a 100,000-character anchor is not."""


def clip(text: str, limit: int = MESSAGE_VALUE_LIMIT) -> str:
    """`text` cut to `limit` code points, the last one `…`: a finding stays one readable line.

    For what a rule quotes in a message; a Finding's `fix` always keeps the whole value.
    """
    return text if len(text) <= limit else text[: limit - 1] + "…"


def quoted(text: str, limit: int = MESSAGE_VALUE_LIMIT) -> str:
    """A value the user wrote (target, anchor), for a message: clipped, quoted as `repr` does.

    `repr` escapes control characters, which printed raw would move the terminal's cursor.
    """
    return repr(clip(text, limit))


FORMATS = ("text", "json", "github", "sarif")


def format_findings(findings: Sequence[Finding], fmt: str, rule_names: dict[str, str]) -> str:
    """Render findings in one of FORMATS (the caller prints the result)."""
    if fmt == "text":
        return "".join(f"{f.text()}\n" for f in findings)
    if fmt == "json":
        rows = [
            {
                "path": f.path,
                "line": f.line,
                "column": f.column,
                "code": f.code,
                "name": rule_names.get(f.code, ""),
                "severity": str(f.severity),
                "message": f.message,
                "fixable": f.fix is not None,
            }
            for f in findings
        ]
        return json.dumps(rows, ensure_ascii=False, indent=2) + "\n"
    if fmt == "github":
        return "".join(_github_line(f) for f in findings)
    if fmt == "sarif":
        return json.dumps(_sarif(findings, rule_names), ensure_ascii=False, indent=2) + "\n"
    raise ValueError(fmt)


def _github_escape(text: str, *, property_value: bool = False) -> str:
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if property_value:
        text = text.replace(":", "%3A").replace(",", "%2C")
    return text


def _github_line(f: Finding) -> str:
    level = "error" if f.severity is Severity.ERROR else "warning"
    props = f"file={_github_escape(f.path, property_value=True)},line={f.line},col={f.column}"
    title = _github_escape(f.code, property_value=True)
    return f"::{level} {props},title={title}::{_github_escape(f.message)}\n"


def _sarif(findings: Sequence[Finding], rule_names: dict[str, str]) -> dict[str, object]:
    codes = sorted({f.code for f in findings})
    index = {code: i for i, code in enumerate(codes)}
    rules = [{"id": code, "name": rule_names.get(code, code)} for code in codes]
    results = [
        {
            "ruleId": f.code,
            "ruleIndex": index[f.code],
            "level": "error" if f.severity is Severity.ERROR else "warning",
            "message": {"text": f.message},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": {"uri": f.path},
                        "region": {"startLine": f.line, "startColumn": f.column},
                    }
                }
            ],
        }
        for f in findings
    ]
    return {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "kb",
                        "version": __version__,
                        "informationUri": "https://pypi.org/project/llm-interview-kb/",
                        "rules": rules,
                    }
                },
                "columnKind": "unicodeCodePoints",
                "results": results,
            }
        ],
    }


def statistics(findings: Iterable[Finding], rule_names: dict[str, str]) -> str:
    """Counts per code, most frequent first, like `ruff --statistics`."""
    counts = Counter(f.code for f in findings)
    fixable = Counter(f.code for f in findings if f.fix is not None)
    lines = []
    for code, count in sorted(counts.items(), key=lambda item: (-item[1], item[0])):
        mark = " [*]" if fixable[code] else ""
        lines.append(f"{count:5d}  {code}  {rule_names.get(code, '')}{mark}\n")
    return "".join(lines)
