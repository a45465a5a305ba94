"""Check formulas with the real KaTeX of the site's version, run in-process.

The KaTeX code comes from the npm registry on first use (toolkit.tex.store), is run in V8
(toolkit.tex.engine) only when a verdict is not already known (toolkit.tex.verdicts), and
its errors are sorted into kinds (toolkit.tex.kinds) that the formula rules give codes.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from toolkit.tex.kinds import FULL_WIDTH, FULL_WIDTH_FIXES, WARNING_KINDS, Kind, is_cjk, kind_of
from toolkit.tex.store import INTEGRITY
from toolkit.tex.verdicts import VerdictCache, key

if TYPE_CHECKING:
    from toolkit.tex.engine import Engine

CURRENT_VERSION = "0.19.1"
"""The newest KaTeX release: findings judged by another version say which."""
SUPPORTED_VERSIONS = tuple(INTEGRITY)
"""Versions whose package integrity is pinned here; any other is fetched on demand."""

__all__ = [
    "CURRENT_VERSION",
    "SUPPORTED_VERSIONS",
    "Kind",
    "TexProblem",
    "VerdictCache",
    "check_many",
    "check_tex",
    "clear_cache",
]


@dataclass(frozen=True, slots=True)
class TexProblem:
    """One problem in a formula; `offset` counts code points from the tex's first character."""

    kind: Kind
    offset: int
    message: str
    replacement: str | None = None
    """For a fix that leaves KaTeX's output unchanged: what replaces the character at `offset`."""

    @property
    def is_error(self) -> bool:
        """KaTeX refuses the formula (otherwise it renders it and this is only a warning)."""
        return self.kind not in WARNING_KINDS


_ENGINES: dict[str, Engine] = {}
"""One engine per version for the life of the process, started on the first formula needing it."""
_MEMO: dict[tuple[str, bool, str], tuple[TexProblem, ...]] = {}
"""Problems found in this process: books repeat formulas."""


def clear_cache() -> None:
    """Forget the formulas judged so far in this process (the engines stay loaded)."""
    _MEMO.clear()


def check_tex(
    tex: str, display: bool, version: str = CURRENT_VERSION, cache: VerdictCache | None = None
) -> list[TexProblem]:
    """Problems in one formula: KaTeX's error, if any, or the characters typed in math."""
    return check_many([(tex, display)], version, cache)[0]


def check_many(
    formulas: Sequence[tuple[str, bool]],
    version: str = CURRENT_VERSION,
    cache: VerdictCache | None = None,
) -> list[list[TexProblem]]:
    """`check_tex` of each `(tex, display)`, judging the unknown ones in one engine call."""
    todo = [f for f in dict.fromkeys(formulas) if (version, f[1], f[0]) not in _MEMO]
    if todo:
        keys = {f: key(version, f[1], f[0]) for f in todo}
        known = cache.get_many(keys.values()) if cache is not None else {}
        missing = [f for f in todo if keys[f] not in known]
        if missing:
            engine = _engine(version)
            verdicts = engine.judge(missing)
            for formula, verdict in zip(missing, verdicts, strict=True):
                _add_suggestion(verdict, engine)
                known[keys[formula]] = verdict
                if cache is not None:
                    cache.put(keys[formula], verdict)
        for formula in todo:
            tex, display = formula
            _MEMO[(version, display, tex)] = _problems(tex, known[keys[formula]], version)
    return [list(_MEMO[(version, display, tex)]) for tex, display in formulas]


def _add_suggestion(verdict: dict[str, Any], engine: Engine) -> None:
    """For an undefined command, the nearest defined one, kept with the verdict."""
    error = verdict.get("error")
    if error and error[0] == "parse" and str(error[1]).startswith(_UNDEFINED):
        from toolkit.tex.suggest import suggest

        name = str(error[1])[len(_UNDEFINED) :]
        names = engine.command_names()
        if name in names:
            verdict["text_mode"] = True  # defined, so undefined only where it stands: in text
            return
        better = suggest(name, names)
        if better:
            verdict["suggest"] = better


_UNDEFINED = "Undefined control sequence: "


def _engine(version: str) -> Engine:
    if version not in _ENGINES:
        from toolkit.tex.engine import Engine

        _ENGINES[version] = Engine(version, FULL_WIDTH_FIXES)
    return _ENGINES[version]


def _problems(tex: str, verdict: dict[str, Any], version: str) -> tuple[TexProblem, ...]:
    error = verdict.get("error")
    if error:
        problem = _error_problem(tex, error, verdict.get("suggest"))
        if verdict.get("text_mode"):
            name = problem.message.rsplit(" ", 1)[-1]
            message = f"{problem.message} (`{name}` is a math command, here inside text)"
            problem = TexProblem(Kind.NOT_ALLOWED_HERE, problem.offset, message)
        return (problem,)
    safe = set(verdict.get("safe", ()))
    problems: list[TexProblem] = []
    run_end = -1
    for offset, text in verdict.get("chars", ()):
        if not text:
            continue
        char = text[0]
        if char in FULL_WIDTH:
            fix = FULL_WIDTH_FIXES.get(char) if offset in safe else None
            hint = FULL_WIDTH_FIXES.get(char)
            if fix is not None:
                advice = f"; use `{fix}` (KaTeX draws it the same)" if fix != " " else ""
            elif hint is not None and hint != " ":
                advice = f"; type `{hint}`, which KaTeX draws differently (spacing, font)"
            else:
                advice = ""
            problems.append(
                TexProblem(
                    Kind.FULL_WIDTH_IN_MATH,
                    offset,
                    f"full-width `{char}` typed in math{advice}",
                    fix,
                )
            )
        elif is_cjk(char):
            if offset == run_end and problems and problems[-1].kind is Kind.CJK_OUTSIDE_TEXT:
                last = problems.pop()
                run = _CJK_RUN.search(last.message)
                chars = (run.group(1) if run else "") + text
                problems.append(_cjk_problem(last.offset, chars))
            else:
                problems.append(_cjk_problem(offset, text))
            run_end = offset + len(text)
    return tuple(problems)


_CJK_RUN = re.compile(r"^Chinese `([^`]*)`")


def _cjk_problem(offset: int, chars: str) -> TexProblem:
    return TexProblem(
        Kind.CJK_OUTSIDE_TEXT,
        offset,
        f"Chinese `{chars}` in math outside `\\text{{}}`: KaTeX draws it upright, but spaces "
        "around it vanish, the line cannot break inside it and the font differs from the "
        f"text's; write `\\text{{{chars}}}`",
    )


def _error_problem(tex: str, error: list[Any], better: str | None) -> TexProblem:
    source, message, position, _length = error
    if source == "internal":
        return TexProblem(
            Kind.KATEX_ERROR,
            0,
            f"KaTeX: {message} (an internal KaTeX failure, not a parse error: in the browser it "
            "stops the math of the whole page)",
        )
    kind = kind_of(message, tex)
    offset = position if isinstance(position, int) else _guess_offset(tex, message)
    offset = max(0, min(offset, len(tex)))
    text = f"KaTeX: {message}"
    if better:
        text += f"; did you mean `{better}`?"
    elif kind is Kind.MISPLACED_ALIGNMENT and "'&'" in message:
        text += " (`&` works only inside aligned, cases, matrix, array…)"
    elif "only in display mode" in message:
        text += " (inline, use `aligned` or `gathered`)"
    return TexProblem(kind, offset, text)


def _guess_offset(tex: str, message: str) -> int:
    """KaTeX names no position for some errors: point at the command or environment it names."""
    for name in re.findall(r"\\[a-zA-Z]+|\{[a-zA-Z*]+\}", message):
        at = tex.find(name if name.startswith("\\") else "\\begin" + name)
        if at >= 0:
            return at
    return 0
