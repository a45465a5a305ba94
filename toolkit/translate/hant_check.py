"""Check the Traditional Chinese edition against the reviewed table, character by character.

For every segment the conversion is replayed (`hant_trace`) so each output character is
known to come from one dictionary entry. A one-to-many character (OpenCC's STCharacters
lists several Traditional forms for it) is vouched for when a reviewed phrase of
`i18n/zh-Hant.toml` wrote it, or when it came out in the form the table names for that
character; anything else is reported with its page and line. The same pass counts every
TWPhrases conversion, which must be in the audit, and looks for mainland terms left in.
"""

from __future__ import annotations

import bisect
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import opencc

from toolkit.fileio import display_path
from toolkit.han import HAN
from toolkit.translate.code_comments import CODE_KINDS
from toolkit.translate.hant import HantConverter
from toolkit.translate.hant_quotes import CURLY
from toolkit.translate.hant_table import HantTable
from toolkit.translate.hant_trace import Trace, Tracer, ocd2_table
from toolkit.translate.mirror import SourcePage

# \text and its font variants, without nested braces (the book's \text{} hold plain words).
TEXT_COMMAND = re.compile(r"(\\text(?:bf|it|rm|sf|tt|normal)?\{)([^{}]*)\}")

_SHARE = Path(opencc.__file__).parent / "clib" / "share" / "opencc"


@dataclass
class HantReport:
    """What the check found, and the counts an audit or a reviewer reads."""

    findings: list[str] = field(default_factory=list)
    """`page:line: zh-Hant: …` lines, in page order."""
    characters: Counter[tuple[str, str]] = field(default_factory=Counter)
    """(Simplified character, Traditional form written) over the book."""
    twphrases: Counter[tuple[str, str]] = field(default_factory=Counter)
    """(TWPhrases key, what it became) over the book."""
    phrases: Counter[tuple[str, str]] = field(default_factory=Counter)
    """(reviewed phrase, its form) as applied over the book."""


@dataclass(frozen=True, slots=True)
class _Dictionaries:
    multi: frozenset[str]
    variants: dict[str, str]
    twphrases: frozenset[str]


def _dictionaries() -> _Dictionaries:
    characters = ocd2_table(str(_SHARE / "STCharacters.ocd2"))
    variants = ocd2_table(str(_SHARE / "TWVariants.ocd2"))
    phrases = ocd2_table(str(_SHARE / "TWPhrases.ocd2"))
    return _Dictionaries(
        frozenset(k for k, v in characters.entries.items() if len(v) > 1),
        {k: v[0] for k, v in variants.entries.items()},
        frozenset(phrases.entries),
    )


def check_hant(
    pages: Iterable[SourcePage],
    converter: HantConverter,
    table: HantTable,
    convert: Callable[[str, bool], str],
    reviewed: Mapping[str, set[str]],
) -> HantReport:
    """Check the translatable segments and the `\\text{…}` of the formulas of `pages`;
    `convert` gives a segment's text in the mirror; `reviewed` segments (by page) are skipped."""
    report = HantReport()
    known = _dictionaries()
    tracer = Tracer.from_config(converter.settings)
    plain = HantConverter(converter.config)
    mainland = {
        term: wrong
        for term, rendering in table.vocabulary.items()
        if (wrong := plain.convert(term)) != rendering and wrong not in rendering
    }
    vouch: dict[str, list[tuple[str, str]]] = {}
    for word, rendering in table.vouch.items():
        for char in set(word) & known.multi:
            vouch.setdefault(char, []).append((word, rendering))
    held = set(converter.later) | set(converter.overrides.values())
    checked: dict[tuple[str, bool], list[tuple[int, str]]] = {}
    for page in pages:
        shown = display_path(page.path)
        signed = reviewed.get(page.rel, set())
        for line, text, prose in _texts(page):
            if text in signed:
                continue
            if (text, prose) not in checked:
                out = convert(text, prose)
                found = _check_text(text, converter, tracer, table, known, vouch, held, report)
                for term, wrong in mainland.items():
                    if wrong in out:
                        says = f"{table.path} [vocabulary] says {table.vocabulary[term]}"
                        found.append(
                            (
                                max(text.find(term), 0),
                                f"mainland term {term} left as {wrong}; {says}",
                            )
                        )
                curly = [n for n, char in enumerate(out) if char in CURLY]
                if prose and curly:
                    near = out[max(0, curly[0] - 6) : curly[0] + 6]
                    found.append((0, f"curly quote {out[curly[0]]} left in prose (“{near}”)"))
                checked[(text, prose)] = found
            for at, message in checked[(text, prose)]:
                where = line + text.count("\n", 0, at)
                report.findings.append(f"{shown}:{where}: zh-Hant: {message}")
    return report


def _texts(page: SourcePage) -> Iterator[tuple[int, str, bool]]:
    """(line, text, takes Taiwan quotes) of each segment (a code comment does not), then of
    each Chinese `\\text{…}` in a formula (nor does math)."""
    for segment in page.page.segments:
        if segment.needs_translation:
            yield segment.line, segment.text, segment.kind not in CODE_KINDS
    for formula in page.doc.formulas:
        for match in TEXT_COMMAND.finditer(formula.tex):
            if HAN.search(match.group(2)):
                yield (
                    formula.line + formula.tex.count("\n", 0, match.start()),
                    match.group(2),
                    False,
                )


def _check_text(
    text: str,
    converter: HantConverter,
    tracer: Tracer,
    table: HantTable,
    known: _Dictionaries,
    vouch: Mapping[str, list[tuple[str, str]]],
    held: set[str],
    report: HantReport,
) -> list[tuple[int, str]]:
    """(offset, message) for what one segment's conversion cannot vouch for."""
    found: list[tuple[int, str]] = []
    at = 0
    for piece, phrase in converter.pieces(text):
        if phrase:
            report.phrases[(piece, converter.phrases[piece])] += 1
        else:
            trace = tracer.trace(piece)
            if trace.output != converter.opencc(piece):
                found.append(
                    (at, "cannot replay OpenCC here, so its characters are not vouched for")
                )
            else:
                found.extend(
                    (at + o, m)
                    for o, m in _characters(trace, text, at, table, known, vouch, report)
                )
                found.extend((at + o, m) for o, m in _twphrases(trace, table, known, held, report))
        at += len(piece)
    return found


def _characters(
    trace: Trace,
    text: str,
    base: int,
    table: HantTable,
    known: _Dictionaries,
    vouch: Mapping[str, list[tuple[str, str]]],
    report: HantReport,
) -> Iterable[tuple[int, str]]:
    for step in trace.stages[0]:
        for j, char in enumerate(step.source):
            if char not in known.multi:
                continue
            written = step.target[j] if len(step.target) == len(step.source) else step.target
            written = known.variants.get(written, written)
            report.characters[(char, written)] += 1
            at = base + step.start + j
            # A reviewed word that covers the character decides, even against the default:
            # 不合并 must not pass as 不合並 just because 並 is right for 并 elsewhere.
            vouched = _vouched(text, at, written, vouch)
            if vouched or (vouched is None and table.characters.get(char) == written):
                continue
            near = text[max(0, at - 3) : at + 4].replace("\n", " ")
            expected = table.characters.get(char)
            hint = (
                f"the table writes {expected} unless a phrase or vouched word says otherwise"
                if expected
                else "the table has no default for it: add the word"
            )
            yield (
                at - base,
                f"{char} became {written} in “{near}”, not vouched for by {table.path} ({hint})",
            )


def _vouched(
    text: str, at: int, written: str, vouch: Mapping[str, list[tuple[str, str]]]
) -> bool | None:
    """Whether the reviewed words covering text[at] write that character as it came out;
    None when no reviewed word covers it (then the character's default decides)."""
    covered = False
    for word, rendering in vouch.get(text[at], ()):
        for k, char in enumerate(word):
            if char != text[at] or at < k or text[at - k : at - k + len(word)] != word:
                continue
            covered = True
            if len(rendering) == len(word) and rendering[k] == written:
                return True
    return False if covered else None


def _twphrases(
    trace: Trace,
    table: HantTable,
    known: _Dictionaries,
    held: set[str],
    report: HantReport,
) -> Iterable[tuple[int, str]]:
    # Later stages read the first stage's output: map their offsets back to the source's.
    outs, ins, at = [], [], 0
    for step in trace.stages[0]:
        outs.append(at)
        ins.append(step.start)
        at += len(step.target)
    for stage in trace.stages[1:]:
        for step in stage:
            if not step.entry or step.source == step.target or step.source in held:
                continue
            if step.source not in known.twphrases:
                continue
            report.twphrases[(step.source, step.target)] += 1
            audited = table.twphrases.get(step.source)
            if audited is None or not audited.kept:
                source_at = ins[max(0, bisect.bisect_right(outs, step.start) - 1)] if ins else 0
                yield (
                    source_at,
                    f"TWPhrases turns {step.source} into {step.target}, which the audit in "
                    f"{table.path} [twphrases] does not list as kept",
                )
