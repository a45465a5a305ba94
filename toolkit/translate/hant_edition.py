"""The Traditional Chinese text of every segment: OpenCC, the reviewed table, Taiwan quotes."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from toolkit.fileio import display_path
from toolkit.han import HAN, has_han
from toolkit.translate.code_comments import CODE_KINDS
from toolkit.translate.glossary import Glossary
from toolkit.translate.hant import DEFAULT_CONFIG, HantConverter
from toolkit.translate.hant_check import TEXT_COMMAND, HantReport, check_hant
from toolkit.translate.hant_quotes import taiwan_quotes
from toolkit.translate.hant_table import TABLE_NAME, HantTable, load_hant_table
from toolkit.translate.mirror import SourcePage
from toolkit.translate.segment import Segment


@dataclass
class HantEdition:
    """One converter for the run and the table it follows; converts and checks segments."""

    converter: HantConverter
    table: HantTable
    texts: dict[tuple[str, bool], str] = field(default_factory=dict)
    """(segment text, is prose) to its Traditional Chinese, each converted once per run."""

    @property
    def taiwan(self) -> bool:
        """The table is a Taiwan (s2twp) review: other configurations get the glossary only."""
        return self.converter.config == DEFAULT_CONFIG

    def convert(self, text: str, prose: bool = True) -> str:
        """A segment's text in Traditional Chinese (placeholders untouched); Taiwan quotes in
        prose only, never in a code comment, docstring or diagram label."""
        key = (text, prose)
        if key not in self.texts:
            hant = self.converter.convert(text)
            self.texts[key] = taiwan_quotes(hant) if self.taiwan and prose else hant
        return self.texts[key]

    def prefetch(self, pages: Iterable[SourcePage]) -> None:
        """Convert every translatable segment of `pages` in one OpenCC call (see
        `HantConverter.prefetch`): `convert` and the check then find them done."""
        self.converter.prefetch(
            s.text for page in pages for s in page.page.segments if s.needs_translation
        )

    def segment_text(self, segment: Segment) -> str:
        """The machine's Traditional Chinese of one segment."""
        return self.convert(segment.text, segment.kind not in CODE_KINDS)

    def math_text(self, tex: str) -> str:
        """TeX with the Chinese in its `\\text{…}` converted like prose (no quote change)."""
        return TEXT_COMMAND.sub(
            lambda m: (
                m.group(1) + self.converter.convert(m.group(2)) + "}"
                if HAN.search(m.group(2))
                else m.group(0)
            ),
            tex,
        )

    def check(
        self, pages: Iterable[SourcePage], reviewed: Mapping[str, set[str]] | None = None
    ) -> HantReport:
        """What the table cannot vouch for in these pages; nothing without a table.

        `reviewed` (page to segment texts) are signed by a person and not checked again.
        """
        pages = list(pages)
        if not (self.taiwan and self.table.digest):
            return HantReport()
        return check_hant(pages, self.converter, self.table, self.convert, reviewed or {})


def glossary_overrides(glossary: Glossary) -> dict[str, str]:
    """OpenCC overrides from the glossary: its [zh-Hant] terms, and the Chinese terms it keeps
    as written, which stay so in Traditional Chinese too."""
    overrides = dict(glossary.hant)
    overrides.update({term: term for term in glossary.keep if has_han(term)})
    return overrides


def hant_edition(config_name: str, glossary: Glossary, glossary_path: Path) -> HantEdition:
    """The converter for `config_name` with the glossary's overrides and, for s2twp, the table."""
    table_path = glossary_path.parent / TABLE_NAME
    table = load_hant_table(table_path, display_path(table_path))
    overrides = glossary_overrides(glossary)
    if config_name != DEFAULT_CONFIG:
        return HantEdition(HantConverter(config_name, overrides), table)
    forced = {**overrides, **table.forced()}
    return HantEdition(HantConverter(config_name, overrides, table.later(), forced), table)
