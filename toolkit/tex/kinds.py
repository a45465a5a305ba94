"""What kind of problem a KaTeX error message names, and the characters typed in math."""

from __future__ import annotations

import re
from enum import StrEnum

from toolkit.han import HAN


class Kind(StrEnum):
    """A kind of problem; toolkit.rules.formulas gives each its code and severity."""

    UNBALANCED_BRACES = "unbalanced-braces"
    UNMATCHED_LEFT_RIGHT = "unmatched-left-right"
    UNMATCHED_ENVIRONMENT = "unmatched-environment"
    UNKNOWN_ENVIRONMENT = "unknown-environment"
    MISPLACED_ALIGNMENT = "misplaced-alignment"
    UNKNOWN_COMMAND = "unknown-command"
    MISSING_ARGUMENT = "missing-argument"
    DOUBLE_SCRIPT = "double-script"
    INVALID_ARGUMENT = "invalid-argument"
    NOT_ALLOWED_HERE = "command-not-allowed-here"
    KATEX_ERROR = "katex-parse-error"
    FULL_WIDTH_IN_MATH = "full-width-in-math"
    CJK_OUTSIDE_TEXT = "chinese-outside-text"


WARNING_KINDS = frozenset({Kind.FULL_WIDTH_IN_MATH, Kind.CJK_OUTSIDE_TEXT})
"""Kinds KaTeX renders anyway: never an error verdict."""

# First match wins; the patterns cover the messages of KaTeX 0.11.1 to 0.19.1.
_PATTERNS: tuple[tuple[str, Kind], ...] = (
    (
        r"Expected '\\right', got|got '\\right'|\\middle without preceding",
        Kind.UNMATCHED_LEFT_RIGHT,
    ),
    (r"^Mismatch: \\begin|got '\\end'|Expected '\\end'", Kind.UNMATCHED_ENVIRONMENT),
    (r"^Expected '\}', got|got '\}'|^Extra \}", Kind.UNBALANCED_BRACES),
    (r"^No such environment", Kind.UNKNOWN_ENVIRONMENT),
    (r"^Undefined control sequence", Kind.UNKNOWN_COMMAND),
    (r"^Double (sub|super)script", Kind.DOUBLE_SCRIPT),
    (
        r"got '&'|valid only within (a tabular/)?array|^Too many tab characters|"
        r"^Too many math in a row|can contain only one column|^Expected & or|^Expected \\\\ or",
        Kind.MISPLACED_ALIGNMENT,
    ),
    (
        r"^Expected group|^Expected raw group|with no arguments|missing argument$|"
        r"^End of input (expecting|in) macro argument|^Unexpected end of input in a macro argument",
        Kind.MISSING_ARGUMENT,
    ),
    (
        r"^Invalid (delimiter|color|size|unit|separator|environment name|number of arguments|"
        r"base-|\\arraystretch|key)|^Illegal delimiter|^Unknown column alignment|"
        r"^Expected l or c or r",
        Kind.INVALID_ARGUMENT,
    ),
    (
        r"^Can't use function|^Limit controls|^\\tag works only|can be used only in display|"
        r"^only one infix operator|^Multiple \\tag|unsupported in (math|text) mode",
        Kind.NOT_ALLOWED_HERE,
    ),
)
_COMPILED = tuple((re.compile(p), kind) for p, kind in _PATTERNS)


def kind_of(message: str, tex: str) -> Kind:
    """The kind of a KaTeX error message."""
    for pattern, kind in _COMPILED:
        if pattern.search(message):
            if kind is Kind.MISSING_ARGUMENT and "end of input" in message.lower():
                # KaTeX says the same whether `{` was never closed or an argument is missing.
                opened = len(re.findall(r"(?<!\\)\{", tex)) - len(re.findall(r"(?<!\\)\}", tex))
                return Kind.UNBALANCED_BRACES if opened > 0 else kind
            return kind
    return Kind.KATEX_ERROR


# --- characters typed with a Chinese input method ---------------------------------

# NFKC maps U+FF01–U+FF5E to ASCII; these ones change TeX's meaning when made ASCII
# (grouping, escapes, comments, alignment, scripts, Markdown's `$`), so they get no fix.
_UNSAFE_ASCII = set("{}\\$%#&^_~`")
FULL_WIDTH_FIXES: dict[str, str] = {
    chr(code): chr(code - 0xFEE0)
    for code in range(0xFF01, 0xFF5F)
    if chr(code - 0xFEE0) not in _UNSAFE_ASCII
}
FULL_WIDTH_FIXES["\u3000"] = " "
FULL_WIDTH = frozenset(
    {chr(code) for code in range(0xFF01, 0xFF5F)} | {"\u3000"} | set("。、“”‘’《》【】「」—")
)
"""Characters reported in math. `…` is not one: KaTeX draws it exactly like `\\ldots`."""


def is_cjk(char: str) -> bool:
    """A Han character (CJK Unified Ideographs and extensions, compatibility ideographs)."""
    return HAN.fullmatch(char) is not None
