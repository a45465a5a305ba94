"""The translation memory: one gettext PO file per page, written atomically after each result.

Machine translations are flagged `fuzzy`; a reviewer removes the flag (and may edit the
text). Nothing a reviewer wrote is ever replaced: the machine only fills missing entries.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import polib  # type: ignore[import-untyped]

from toolkit.errors import KbError
from toolkit.fileio import write_atomic
from toolkit.translate.segment import Segment, Span

FUZZY = "fuzzy"
_LEGEND_WIDTH = 70


@dataclass(frozen=True, slots=True)
class Occurrence:
    """Where a segment of a page is, and what its placeholders stand for."""

    segment: Segment
    line: int
    legend: tuple[str, ...]


def memory_path(i18n: Path, lang: str, page: str) -> Path:
    """`i18n/po/<lang>/<page without .md>.po`."""
    stem = page[: -len(".md")] if page.endswith(".md") else page
    return i18n / "po" / lang / f"{stem}.po"


class Memory:
    """The PO file of one page and language."""

    def __init__(self, path: Path, page: str, lang: str) -> None:
        self.path = path
        self.page = page
        self.lang = lang
        if path.is_file():
            try:
                self.po = polib.pofile(str(path), wrapwidth=0)
            except (OSError, ValueError) as error:
                raise KbError(f"{path}: not a readable PO file: {error}") from None
        else:
            self.po = polib.POFile(wrapwidth=0)
        self._by_id: dict[str, polib.POEntry] = {}
        for entry in self.po:
            self._by_id.setdefault(entry.msgid, entry)
        for entry in self.po.obsolete_entries():
            self._by_id.setdefault(entry.msgid, entry)

    def get(self, msgid: str) -> str | None:
        """The stored translation (reviewed or machine), or None."""
        entry = self._by_id.get(msgid)
        return entry.msgstr if entry is not None and entry.msgstr else None

    def reviewed(self, msgid: str) -> bool:
        """A person checked this entry (it has a translation and no `fuzzy` flag)."""
        entry = self._by_id.get(msgid)
        return entry is not None and bool(entry.msgstr) and FUZZY not in entry.flags

    def add_machine(self, msgid: str, msgstr: str) -> None:
        """Store a machine translation unless the entry already has one (people win)."""
        entry = self._by_id.get(msgid)
        if entry is not None and entry.msgstr:
            return
        if entry is None:
            entry = polib.POEntry(msgid=msgid, msgstr=msgstr, flags=[FUZZY])
            self.po.append(entry)
            self._by_id[msgid] = entry
        else:
            entry.msgstr = msgstr
            entry.obsolete = False
            if FUZZY not in entry.flags:
                entry.flags.append(FUZZY)

    def data(self) -> bytes:
        """The PO file's bytes as they would be written."""
        self._header()
        return str(self.po).encode("utf-8")

    def save(self) -> None:
        """Write the file atomically (a crash leaves the old or the new file, never half)."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(self.path, self.data())

    def save_if_changed(self) -> bool:
        """Write the file only when its bytes change; True when written."""
        data = self.data()
        if self.path.is_file() and self.path.read_bytes() == data:
            return False
        if not len(self.po) and not self.path.exists():
            return False
        self.path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(self.path, data)
        return True

    def counts(self, msgids: set[str]) -> tuple[int, int]:
        """How many of these texts have a translation, and how many a reviewed one."""
        return (
            sum(1 for m in msgids if self.get(m) is not None),
            sum(1 for m in msgids if self.reviewed(m)),
        )

    def canonical(self, occurrences: Iterable[Occurrence]) -> None:
        """Order entries as the page is, refresh references; drop unused machine entries.

        Unused reviewed entries stay as obsolete (`#~`) so a reviewer's work is never lost.
        """
        entries: list[polib.POEntry] = []
        placed: dict[str, polib.POEntry] = {}
        for occurrence in occurrences:
            msgid = occurrence.segment.text
            entry = placed.get(msgid)
            if entry is None:
                known = self._by_id.get(msgid)
                if known is None or not known.msgstr:
                    continue
                entry = polib.POEntry(
                    msgid=msgid,
                    msgstr=known.msgstr,
                    flags=list(known.flags),
                    tcomment=known.tcomment,
                    comment="\n".join(occurrence.legend),
                )
                placed[msgid] = entry
                entries.append(entry)
            entry.occurrences.append((self.page, str(occurrence.line)))
        kept = [
            e
            for e in self._by_id.values()
            if e.msgid not in placed and e.msgstr and FUZZY not in e.flags
        ]
        for entry in sorted(kept, key=lambda e: e.msgid):
            entries.append(
                polib.POEntry(
                    msgid=entry.msgid, msgstr=entry.msgstr, tcomment=entry.tcomment, obsolete=True
                )
            )
        po = polib.POFile(wrapwidth=0)
        po.extend(entries)
        self.po = po
        self._by_id = {e.msgid: e for e in entries}

    def _header(self) -> None:
        self.po.header = (
            f"Translation memory of content/{self.page} ({self.lang}), kept by `kb translate`.\n"
            "Machine translations are marked fuzzy: review one, then delete its fuzzy flag.\n"
            "{{n}} are placeholders for code, math, links and glossary terms: keep each once."
        )
        self.po.metadata = {
            "Project-Id-Version": "llm-interview-kb",
            "Language": self.lang,
            "MIME-Version": "1.0",
            "Content-Type": "text/plain; charset=UTF-8",
            "Content-Transfer-Encoding": "8bit",
        }


def legend(segment: Segment, text: str) -> tuple[str, ...]:
    """`{{0}} = `softmax`` lines for reviewers: what each placeholder stands for."""
    lines = []
    for number, value in enumerate(segment.values):
        shown = "".join(
            text[p.start : p.end] if isinstance(p, Span) else p if isinstance(p, str) else "…"
            for p in value
        ).replace("\n", " ")
        if len(shown) > _LEGEND_WIDTH:
            shown = shown[: _LEGEND_WIDTH - 1] + "…"
        lines.append(f"{{{{{number}}}}} = {shown}")
    return tuple(lines)
