"""The glossary (`i18n/glossary.toml`): terms kept as written, fixed English, OpenCC overrides."""

from __future__ import annotations

import hashlib
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from toolkit.errors import KbError
from toolkit.translate.segment import Terms

_TABLES = ("keep", "en", "zh-Hant")


@dataclass(frozen=True, slots=True)
class Glossary:
    """Terms of the book and how each edition writes them."""

    keep: tuple[str, ...] = ()
    """Written the same in every edition (Transformer, LoRA, KV Cache…)."""
    english: Mapping[str, str] = field(default_factory=dict)
    """Chinese term to its fixed English rendering (分组查询注意力 → grouped-query attention)."""
    hant: Mapping[str, str] = field(default_factory=dict)
    """Simplified term to the Traditional form OpenCC must produce (进程 → 行程)."""
    digest: str = ""
    """sha256 of the file, so mirrors notice a glossary change."""

    def terms(self, lang: str) -> Terms:
        """The placeholders a language protects: kept terms, and for English the fixed ones."""
        if lang == "en":
            return Terms(keep=self.keep, fixed=dict(self.english))
        return Terms()


def load_glossary(path: Path) -> Glossary:
    """Read and validate the glossary; a missing file is an empty glossary."""
    if not path.is_file():
        return Glossary()
    data = path.read_bytes()
    try:
        table = tomllib.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise KbError(f"{path}: invalid TOML: {error}") from None
    unknown = sorted(set(table) - set(_TABLES))
    if unknown:
        raise KbError(f"{path}: unknown key {unknown[0]!r}; expected one of {', '.join(_TABLES)}")
    keep = table.get("keep", [])
    if not isinstance(keep, list) or not all(isinstance(t, str) and t.strip() for t in keep):
        raise KbError(f"{path}: 'keep' must be a list of non-empty strings")
    return Glossary(
        keep=tuple(keep),
        english=_mapping(table, "en", path),
        hant=_mapping(table, "zh-Hant", path),
        digest=hashlib.sha256(data).hexdigest(),
    )


def _mapping(table: dict[str, object], key: str, path: Path) -> dict[str, str]:
    value = table.get(key, {})
    if not isinstance(value, dict):
        raise KbError(f'{path}: [{key}] must be a table of "term" = "rendering"')
    for term, rendering in value.items():
        if not isinstance(rendering, str) or not rendering.strip() or not term.strip():
            raise KbError(f"{path}: [{key}] {term!r} must map to a non-empty string")
    return {str(k): str(v) for k, v in value.items()}
