"""Findings and their output formats: text, json, github, sarif."""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Literal, Protocol, get_args

from toolkit import __version__


class Severity(StrEnum):
    """Who meets the problem: `error`, a reader of the live site; `warning`, style and risk.

    Errors fail `kb lint`; warnings fail it only when asked (`--max-warnings`, `fail-on`).
    """

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
        """The default one-line form: `path:line:col: CODE message`, as flake8, pymarkdown and
        pre-commit-hooks print it (tools parse it); the severity is in JSON, SARIF, GitHub
        annotations and `--statistics`."""
        return f"{self.path}:{self.line}:{self.column}: {self.code} {self.message}"


MESSAGE_VALUE_LIMIT = 200
"""Code points of a user's value that a message quotes. The book's longest real link target
is under 100 (a question's id in a docsify link); a 100,000-character anchor is not."""


def clip(text: str, limit: int = MESSAGE_VALUE_LIMIT) -> str:
    """`text` cut to `limit` code points, the last one `…`: a finding stays one readable line.

    For what a rule quotes in a message; a Finding's `fix` always keeps the whole value.
    """
    return text if len(text) <= limit else text[: limit - 1] + "…"


_BLANK_LETTERS = frozenset("\u115f\u1160\u3164\uffa0\u2800")
"""Characters that are letters or symbols to Unicode and print as nothing (Hangul fillers,
the blank Braille pattern)."""
_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
_PRINTABLE_BLANKS = re.compile(
    "[\ufe00-\ufe0f\U000e0100-\U000e01ef" + "".join(_BLANK_LETTERS) + "]"
)
"""The characters `_invisible` catches that `str.isprintable` lets through."""


def _invisible(char: str) -> bool:
    code = ord(char)
    return (
        not char.isprintable()  # controls, format (zero-width, bidi), spaces other than " "
        or 0xFE00 <= code <= 0xFE0F  # variation selectors: an emoji with and without U+FE0F
        or 0xE0100 <= code <= 0xE01EF
        or char in _BLANK_LETTERS
    )


def _escape(char: str) -> str:
    return _ESCAPES.get(char) or f"\\u{{{ord(char):x}}}"


def _all_visible(text: str) -> bool:
    """No character of `text` is `_invisible` (one scan in C, not a call per character)."""
    return text.isprintable() and _PRINTABLE_BLANKS.search(text) is None


def visible(text: str) -> str:
    """`text` with every character a reader cannot see written as `\\u{fe0f}`.

    Two ids that differ by a zero-width space, a bidi control or a variation selector look
    equal in a terminal; a message must show the difference. Control characters printed raw
    would also move the terminal's cursor.
    """
    if _all_visible(text):
        return text
    return "".join(_escape(c) if _invisible(c) else c for c in text)


def quoted(text: str, limit: int = MESSAGE_VALUE_LIMIT) -> str:
    """A value the user wrote (target, anchor), for a message: clipped, in quotes as `repr`
    chooses them, backslashes doubled and invisible characters escaped (`visible`)."""
    text = clip(text, limit)
    quote = '"' if "'" in text and '"' not in text else "'"
    if "\\" not in text and quote not in text and _all_visible(text):
        inner = text
    else:
        inner = "".join(
            "\\" + c if c in ("\\", quote) else _escape(c) if _invisible(c) else c for c in text
        )
    return f"{quote}{inner}{quote}"


OutputFormat = Literal["text", "json", "github", "sarif"]
FORMATS: tuple[OutputFormat, ...] = get_args(OutputFormat)


class RuleInfo(Protocol):
    """What the output formats need to know about a code (a `toolkit.rules.Rule`)."""

    @property
    def name(self) -> str: ...

    @property
    def summary(self) -> str: ...

    @property
    def severity(self) -> Severity: ...


def format_findings(
    findings: Sequence[Finding],
    fmt: OutputFormat,
    rules: Mapping[str, RuleInfo],
    help_text: Callable[[str], str] | None = None,
) -> str:
    """Render findings in one of FORMATS (the caller prints the result).

    `help_text(code)` is the code's documentation (Markdown) that SARIF rules carry.
    """
    if fmt == "text":
        return "".join(f"{f.text()}\n" for f in findings)
    if fmt == "json":
        rows = [
            {
                "path": f.path,
                "line": f.line,
                "column": f.column,
                "code": f.code,
                "name": _name(rules, f.code),
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
        sarif = _sarif(findings, rules, help_text or (lambda code: ""))
        return json.dumps(sarif, ensure_ascii=False, indent=2) + "\n"
    raise ValueError(fmt)


def _name(rules: Mapping[str, RuleInfo], code: str) -> str:
    rule = rules.get(code)
    return rule.name if rule is not None else ""


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


SARIF_LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning"}
"""SARIF's `level` of each severity (SARIF also has `note`, which no code uses)."""


def _sarif_rule(code: str, rule: RuleInfo | None, help_markdown: str) -> dict[str, object]:
    entry: dict[str, object] = {"id": code}
    if rule is None:
        return entry
    entry["name"] = rule.name
    entry["shortDescription"] = {"text": rule.summary}
    entry["defaultConfiguration"] = {"level": SARIF_LEVELS[rule.severity]}
    if help_markdown:
        entry["help"] = {"text": help_markdown, "markdown": help_markdown}
    return entry


def _sarif(
    findings: Sequence[Finding], rules: Mapping[str, RuleInfo], help_text: Callable[[str], str]
) -> dict[str, object]:
    codes = sorted({f.code for f in findings})
    index = {code: i for i, code in enumerate(codes)}
    driver_rules = [_sarif_rule(code, rules.get(code), help_text(code)) for code in codes]
    results = [
        {
            "ruleId": f.code,
            "ruleIndex": index[f.code],
            "level": SARIF_LEVELS[f.severity],
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
                        "rules": driver_rules,
                    }
                },
                "columnKind": "unicodeCodePoints",
                "results": results,
            }
        ],
    }


def statistics(findings: Iterable[Finding], rules: Mapping[str, RuleInfo]) -> str:
    """Counts per code, most frequent first, like `ruff --statistics`."""
    counts = Counter(f.code for f in findings)
    fixable = Counter(f.code for f in findings if f.fix is not None)
    lines = []
    for code, count in sorted(counts.items(), key=lambda item: (-item[1], item[0])):
        mark = " [*]" if fixable[code] else ""
        rule = rules.get(code)
        severity = rule.severity if rule is not None else Severity.ERROR
        lines.append(f"{count:5d}  {code}  {severity:<7}  {_name(rules, code)}{mark}\n")
    return "".join(lines)
