"""The reviewed Taiwan table (`i18n/zh-Hant.toml`): characters, phrases, vocabulary, TWPhrases.

OpenCC picks one Traditional character for each Simplified one and lets its phrase lists
decide the rest; for a technical book that is not enough (`方差`, `压缩进`, `局部`). This file
holds what a Taiwan engineer decided, as data the converter applies and `kb translate --check`
enforces.
"""

from __future__ import annotations

import hashlib
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from toolkit.errors import KbError

TABLE_NAME = "zh-Hant.toml"
"""The reviewed table lives beside the glossary."""

_TABLES = ("characters", "phrases", "vouch", "vocabulary", "context", "twphrases")


@dataclass(frozen=True, slots=True)
class Contextual:
    """A term whose Taiwan form depends on its neighbours (实现: 實作 or 實現)."""

    default: str
    """What the term becomes where none of `words` applies."""
    rule: str
    """How a reviewer chose, in words, so the next page is decided the same way."""
    words: Mapping[str, str]
    """Longer Simplified phrases holding the term, with their Taiwan form."""


@dataclass(frozen=True, slots=True)
class Audited:
    """One TWPhrases conversion that fires in the book, and what a reviewer decided."""

    target: str
    """What TWPhrases writes (區域性 for 局部)."""
    count: int
    """How often it fired in the book when the audit was made."""
    use: str
    """What the mirror writes instead; equal to `target` when the conversion is kept."""
    why: str

    @property
    def kept(self) -> bool:
        """The conversion stays."""
        return self.use == self.target


@dataclass(frozen=True, slots=True)
class HantTable:
    """Everything the Traditional Chinese edition is checked against."""

    characters: Mapping[str, str] = field(default_factory=dict)
    """One-to-many Simplified character to the form right wherever no phrase applies; ""
    when there is no such form and every use must be vouched for by a phrase."""
    phrases: Mapping[str, str] = field(default_factory=dict)
    """Simplified text to its Taiwan form, cut out of the text before OpenCC sees it."""
    vouch: Mapping[str, str] = field(default_factory=dict)
    """Words whose OpenCC conversion a reviewer checked: they vouch for the characters in
    them that came out as written here, and change nothing."""
    vocabulary: Mapping[str, str] = field(default_factory=dict)
    """Mainland term to the Taiwan term, wherever it appears."""
    context: Mapping[str, Contextual] = field(default_factory=dict)
    twphrases: Mapping[str, Audited] = field(default_factory=dict)
    """TWPhrases key (Traditional, as OpenCC's first stage writes it) to the decision."""
    path: str = "i18n/zh-Hant.toml"
    digest: str = ""
    """sha256 of the file; empty when there is no table (then nothing is checked against it)."""

    def forced(self) -> dict[str, str]:
        """Simplified text to Taiwan text that replaces OpenCC there: phrases, vocabulary and
        context words (longest match wins)."""
        found: dict[str, str] = {}
        for term, item in self.context.items():
            found[term] = item.default
            found.update(item.words)
        found.update(self.vocabulary)
        found.update(self.phrases)
        return found

    def later(self) -> dict[str, str]:
        """TWPhrases conversions the audit overrode: what the later stage must write instead."""
        return {key: item.use for key, item in self.twphrases.items() if not item.kept}


def load_hant_table(path: Path, shown: str) -> HantTable:
    """Read and validate the table; a missing file is an empty table."""
    if not path.is_file():
        return HantTable(path=shown)
    data = path.read_bytes()
    try:
        raw = tomllib.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise KbError(f"{shown}: invalid TOML: {error}") from None
    source = data.decode("utf-8")
    unknown = sorted(set(raw) - set(_TABLES))
    if unknown:
        where = _where(shown, source, unknown[0])
        raise KbError(
            f"{where}: unknown table {unknown[0]!r}; expected one of {', '.join(_TABLES)}"
        )
    characters = _strings(raw, "characters", shown, source, empty=True)
    for char in characters:
        if len(char) != 1:
            where = _where(shown, source, char)
            raise KbError(f"{where}: [characters] {char!r} is not one character")
    context = {}
    for term, item in _tables(raw, "context", shown, source).items():
        where = f"{_where(shown, source, term)}: [context.{term}]"
        default, rule, words = item.get("default"), item.get("rule"), item.get("words", {})
        if not isinstance(default, str) or not default or not isinstance(rule, str) or not rule:
            raise KbError(f"{where} needs a non-empty 'default' and 'rule'")
        if not isinstance(words, dict) or not all(
            isinstance(v, str) and v and term in k for k, v in words.items()
        ):
            raise KbError(f"{where}: 'words' must map phrases holding {term!r} to their form")
        context[term] = Contextual(default, rule, dict(words))
    audited = {}
    for key, item in _tables(raw, "twphrases", shown, source).items():
        where = f"{_where(shown, source, key)}: [twphrases] {key!r}"
        target, count, use, why = (item.get(k) for k in ("to", "count", "use", "why"))
        if not isinstance(target, str) or not isinstance(count, int) or not isinstance(use, str):
            raise KbError(f"{where} needs 'to' (text), 'count' (integer) and 'use' (text)")
        if use != target and not (isinstance(why, str) and why):
            raise KbError(f"{where}: an overridden conversion needs a 'why'")
        audited[key] = Audited(target, count, use, why if isinstance(why, str) else "")
    return HantTable(
        characters=characters,
        phrases=_strings(raw, "phrases", shown, source),
        vouch=_strings(raw, "vouch", shown, source),
        vocabulary=_strings(raw, "vocabulary", shown, source),
        context=context,
        twphrases=audited,
        path=shown,
        digest=hashlib.sha256(data).hexdigest(),
    )


def _where(shown: str, source: str, key: str) -> str:
    """`file:line` of the first line that names `key` (tomllib reports no positions)."""
    for number, line in enumerate(source.splitlines(), 1):
        if f'"{key}"' in line or line.strip().startswith((f"[{key}]", f"{key} =")):
            return f"{shown}:{number}"
    return shown


def _strings(
    raw: Mapping[str, object], key: str, shown: str, source: str, empty: bool = False
) -> dict[str, str]:
    value = raw.get(key, {})
    if not isinstance(value, dict):
        raise KbError(f'{_where(shown, source, key)}: [{key}] must be a table of "text" = "text"')
    for term, rendering in value.items():
        if not isinstance(rendering, str) or not term or (not rendering and not empty):
            where = _where(shown, source, term)
            raise KbError(f"{where}: [{key}] {term!r} must map to a non-empty string")
    return {str(k): str(v) for k, v in value.items()}


def _tables(
    raw: Mapping[str, object], key: str, shown: str, source: str
) -> dict[str, dict[str, object]]:
    value = raw.get(key, {})
    if not isinstance(value, dict) or not all(isinstance(v, dict) for v in value.values()):
        raise KbError(f"{_where(shown, source, key)}: [{key}] must hold one table per term")
    return {str(k): dict(v) for k, v in value.items()}
