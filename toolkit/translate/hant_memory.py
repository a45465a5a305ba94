"""Reviewed Traditional Chinese: a page's PO memory, opted into by creating its file.

OpenCC and the table write every segment. A reviewer who signs a page creates
`i18n/po/zh-Hant/<page>.po` (an empty file will do): `kb translate` fills it with the machine
text of every segment as `fuzzy` drafts, refreshed on every run so table fixes reach them.
Deleting the `fuzzy` flag of an entry (after editing it or not) makes it reviewed: the mirror
then uses it as written, whatever OpenCC or the table would say, and keeps it when the page
changes elsewhere, because entries are found by their source text as in the English memory.
A reviewed entry no longer used is kept as obsolete, so a reviewer's work is never lost.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import polib  # type: ignore[import-untyped]

from toolkit.translate.english import Problem
from toolkit.translate.memory import FUZZY, Memory, Occurrence, legend, memory_path
from toolkit.translate.mirror import SourcePage
from toolkit.translate.reassemble import structure_problem
from toolkit.translate.segment import Segment

LANG = "zh-Hant"


class HantMemory(Memory):
    """A page's zh-Hant memory: reviewed entries win, fuzzy drafts follow the machine."""

    def draft(self, msgid: str, machine: str) -> None:
        """Store or refresh the machine text of an entry nobody has reviewed."""
        entry = self._by_id.get(msgid)
        if entry is None:
            entry = polib.POEntry(msgid=msgid, msgstr=machine, flags=[FUZZY])
            self.po.append(entry)
            self._by_id[msgid] = entry
        elif not self.reviewed(msgid):
            entry.msgstr = machine
            entry.obsolete = False
            if FUZZY not in entry.flags:
                entry.flags.append(FUZZY)


@dataclass
class HantReview:
    """The zh-Hant memories of the pages that have one, and what they give."""

    memories: dict[str, HantMemory] = field(default_factory=dict)
    reviewed: dict[str, set[str]] = field(default_factory=dict)
    """Page to the segment texts whose reviewed entry the mirror uses."""
    problems: list[Problem] = field(default_factory=list)

    def texts(self, page: SourcePage, machine: Callable[[Segment], str]) -> list[str]:
        """Every segment's text for the mirror: reviewed where valid, else the machine's."""
        memory = self.memories.get(page.rel)
        used = self.reviewed.setdefault(page.rel, set())
        out = []
        for index, segment in enumerate(page.page.segments):
            if not segment.needs_translation:
                out.append(segment.text)
                continue
            stored = memory.get(segment.text) if memory else None
            if memory is not None and stored is not None and memory.reviewed(segment.text):
                problem = structure_problem(page.page, index, stored)
                if problem is None:
                    used.add(segment.text)
                    out.append(stored)
                    continue
                reason = f"reviewed entry not used: {problem}"
                self.problems.append(Problem(page.rel, segment.line, reason, stored))
            out.append(machine(segment))
        return out

    def save(
        self, pages: Iterable[SourcePage], selected: set[str], machine: Callable[[Segment], str]
    ) -> None:
        """Refresh the drafts of the mirrored pages, put entries in page order, write changes."""
        for page in pages:
            memory = self.memories.get(page.rel)
            if memory is None or page.rel not in selected:
                continue
            segments = [s for s in page.page.segments if s.needs_translation]
            for segment in segments:
                memory.draft(segment.text, machine(segment))
            text = page.source.text
            memory.canonical(Occurrence(s, s.line, legend(s, text)) for s in segments)
            memory.save_if_changed()


def load_review(i18n: Path, pages: Iterable[SourcePage]) -> HantReview:
    """The memories that exist under `i18n/po/zh-Hant/`; pages without one are machine-only."""
    review = HantReview()
    for page in pages:
        path = memory_path(i18n, LANG, page.rel)
        if path.is_file():
            review.memories[page.rel] = HantMemory(path, page.rel, LANG)
    return review
