"""Check a formula the way KaTeX parses it: a small port of KaTeX's Parser over its own tables."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from toolkit import tex_data as d
from toolkit.tex_lexer import LexError
from toolkit.tex_nodes import Fail, Unsupported
from toolkit.tex_parser import Parser
from toolkit.tex_suggest import suggest


@dataclass(frozen=True, slots=True)
class TexProblem:
    """One problem in a formula; `offset` counts code points from the tex's first character."""

    code: str
    offset: int
    message: str
    replacement: str | None = None
    """For a certain fix: what replaces the one character at `offset`."""

    @property
    def is_error(self) -> bool:
        """KaTeX refuses the formula (otherwise it renders it and this is only a warning)."""
        return self.code not in d.WARNING_CODES


def check_tex(tex: str, display: bool) -> list[TexProblem]:
    """Problems in one formula: KaTeX's first error, if any, plus character warnings."""
    return list(_check(tex, display))


def clear_cache() -> None:
    """Forget the formulas checked so far (books repeat formulas, so they are remembered)."""
    _check.cache_clear()
    suggest.cache_clear()


@functools.lru_cache(maxsize=16384)
def _check(tex: str, display: bool) -> tuple[TexProblem, ...]:
    problems: list[TexProblem] = []
    try:
        Parser(tex, display).parse()
    except Fail as fail:
        problems.append(TexProblem(fail.code, fail.offset, fail.message))
    except LexError as error:
        problems.append(
            TexProblem(
                d.KATEX_ERROR,
                error.offset,
                f"KaTeX cannot read the character U+{ord(error.char):04X}",
            )
        )
    except (Unsupported, RecursionError):
        pass  # macro programming (\newcommand, \let, …) is beyond this checker: stay silent
    if not tex.isascii() and _SUSPECT.search(tex):
        problems.extend(_scan_characters(tex))
        problems.sort(key=lambda p: p.offset)
    return tuple(problems)


# The characters _scan_characters reports: without one, it has nothing to say.
_SUSPECT_CLASS = (
    re.escape("".join(sorted(d.FULL_WIDTH_FIXES.keys() | d.FULL_WIDTH_NO_FIX))) + d.CJK_CLASS
)
_SUSPECT = re.compile(f"[{_SUSPECT_CLASS}]")
_CONTROL_NAME = re.compile(r"\\([a-zA-Z@]+\*?|.)", re.S)
_INTERESTING = re.compile(f"[{_SUSPECT_CLASS}\\\\%{{}}]")


def _scan_characters(tex: str) -> list[TexProblem]:
    """Full-width characters and Chinese typed in math mode (outside `\\text{}` and friends)."""
    text_commands = _text_commands()
    problems: list[TexProblem] = []
    stack: list[bool] = []
    pending = False
    i, n = 0, len(tex)
    while i < n:
        # Skip to the next character that matters; the others only end a pending command.
        found = _INTERESTING.search(tex, i)
        j = found.start() if found else n
        if j > i:
            if pending and not tex[i:j].isspace():
                pending = False
            i = j
            if i == n:
                break
        char = tex[i]
        if char == "\\":
            m = _CONTROL_NAME.match(tex, i, i + 40)  # as the slice tex[i : i + 40] would
            name = m.group(0) if m else "\\"
            pending = name in text_commands
            i += len(name)
            continue
        if char == "%":
            newline = tex.find("\n", i)
            i = n if newline < 0 else newline + 1
            continue
        in_text = bool(stack) and stack[-1]
        if char == "{":
            stack.append(pending or in_text)
        elif char == "}":
            if stack:
                stack.pop()
        elif not in_text and not pending:
            if char in d.FULL_WIDTH_FIXES or char in d.FULL_WIDTH_NO_FIX:
                fix = d.FULL_WIDTH_FIXES.get(char)
                ascii_hint = f"; use `{fix}`" if fix and fix != " " else ""
                problems.append(
                    TexProblem(
                        d.FULL_WIDTH_IN_MATH,
                        i,
                        f"full-width `{char}` typed in math{ascii_hint}",
                        fix,
                    )
                )
            elif d.is_cjk(char):
                j = i
                while j < n and d.is_cjk(tex[j]):
                    j += 1
                problems.append(
                    TexProblem(
                        d.CJK_OUTSIDE_TEXT,
                        i,
                        f"Chinese `{tex[i:j]}` in math "
                        "outside `\\text{}` (rendered as italic symbols)",
                    )
                )
                i = j
                continue
        if not char.isspace():
            pending = False
        i += 1
    return problems


_TEXT_COMMANDS: set[str] = set()


def _text_commands() -> set[str]:
    if not _TEXT_COMMANDS:
        tables = d.katex_tables()
        _TEXT_COMMANDS.update(
            name
            for name, spec in tables.functions.items()
            if any(t in ("text", "hbox", "raw", "url") for t in spec.arg_types)
        )
        _TEXT_COMMANDS.update({"\\tag", "\\tag*"})
    return _TEXT_COMMANDS
