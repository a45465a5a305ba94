"""KaTeX's tables (extracted from the pinned katex package) and the problem codes."""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from importlib import resources

# Problem codes: toolkit.tex finds them, toolkit.rules.formulas names them.
UNBALANCED_BRACES = "MTH001"
UNMATCHED_LEFT_RIGHT = "MTH002"
UNMATCHED_ENVIRONMENT = "MTH003"
UNKNOWN_ENVIRONMENT = "MTH004"
MISPLACED_ALIGNMENT = "MTH005"
UNKNOWN_COMMAND = "MTH006"
MISSING_ARGUMENT = "MTH007"
DOUBLE_SCRIPT = "MTH008"
INVALID_ARGUMENT = "MTH009"
NOT_ALLOWED_HERE = "MTH010"
KATEX_ERROR = "MTH011"
FULL_WIDTH_IN_MATH = "MTH012"
CJK_OUTSIDE_TEXT = "MTH013"
WARNING_CODES = frozenset({FULL_WIDTH_IN_MATH, CJK_OUTSIDE_TEXT})
"""Codes KaTeX renders anyway (strict mode only warns): never an error verdict."""


@dataclass(frozen=True, slots=True)
class FunctionSpec:
    """What KaTeX's parser needs to know about one function (defineFunction)."""

    type: str
    num_args: int
    num_optional: int
    arg_types: tuple[str | None, ...]
    allowed_in_text: bool
    allowed_in_math: bool
    allowed_in_argument: bool
    infix: bool
    primitive: bool


@dataclass(frozen=True, slots=True)
class EnvironmentSpec:
    """An environment's arguments and whether it needs display mode."""

    num_args: int
    num_optional: int
    arg_types: tuple[str | None, ...]
    display_only: bool


@dataclass(frozen=True, slots=True)
class KatexTables:
    """Everything extracted from KaTeX, in lookup-ready form."""

    version: str
    functions: dict[str, FunctionSpec]
    environments: dict[str, EnvironmentSpec]
    macros: dict[str, str | None]
    """String macros map to their body; function macros (expanded by hand) map to None."""
    math_symbols: dict[str, str]
    """Symbol name to its group (`textord`, `rel`, …) in math mode."""
    text_symbols: dict[str, str]
    delimiters: frozenset[str]
    implicit_commands: frozenset[str]
    unicode_sup_sub: dict[str, str]
    command_names: tuple[str, ...]
    """Every defined control sequence, for near-miss suggestions."""


@functools.cache
def katex_tables() -> KatexTables:
    """Load toolkit/data/katex.json once."""
    raw = json.loads(resources.files("toolkit").joinpath("data/katex.json").read_text("utf-8"))
    functions = {
        name: FunctionSpec(
            f["type"],
            f["numArgs"],
            f["numOptionalArgs"],
            tuple(f["argTypes"] or ()),
            f["allowedInText"],
            f["allowedInMath"],
            f["allowedInArgument"],
            f["infix"],
            f["primitive"],
        )
        for name, f in raw["functions"].items()
    }
    environments = {
        name: EnvironmentSpec(
            e["numArgs"], e["numOptionalArgs"], tuple(e["argTypes"] or ()), e["displayOnly"]
        )
        for name, e in raw["environments"].items()
    }
    macros = {k: (v if isinstance(v, str) else None) for k, v in raw["macros"].items()}
    math, text = raw["symbols"]["math"], raw["symbols"]["text"]
    names = {n for table in (functions, macros, math, text) for n in table if n.startswith("\\")}
    return KatexTables(
        version=raw["katex_version"],
        functions=functions,
        environments=environments,
        macros=macros,
        math_symbols=math,
        text_symbols=text,
        delimiters=frozenset(raw["delimiters"]),
        implicit_commands=frozenset(raw["implicit_commands"]),
        unicode_sup_sub=raw["unicode_sup_sub"],
        command_names=tuple(sorted(names)),
    )


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
FULL_WIDTH_NO_FIX = frozenset(
    {chr(code) for code in range(0xFF01, 0xFF5F) if chr(code - 0xFEE0) in _UNSAFE_ASCII}
    | set("。、“”‘’《》【】「」…—")
)


CJK_CLASS = "\u4e00-\u9fff\u3400-\u4dbf\uf900-\ufaff\U00020000-\U0003134f"
"""is_cjk's ranges, for a regex character class."""


def is_cjk(char: str) -> bool:
    """A Han character (CJK Unified Ideographs and extensions, compatibility ideographs)."""
    code = ord(char)
    return (
        0x4E00 <= code <= 0x9FFF
        or 0x3400 <= code <= 0x4DBF
        or 0xF900 <= code <= 0xFAFF
        or 0x20000 <= code <= 0x3134F
    )


# Environments whose body KaTeX's handlers check beyond `&` and `\\` (environments/array.ts).
SINGLE_ROW = frozenset({"equation", "equation*"})
"""Body ends at `\\end` only, with at most one column."""
MAX_COLUMNS = {"equation": 1, "equation*": 1, "split": 2}
TAGGED = frozenset(
    {"align", "align*", "alignat", "alignat*", "gather", "gather*", "equation", "equation*"}
)
"""Environments that number rows, so a `\\tag` belongs to its row."""
