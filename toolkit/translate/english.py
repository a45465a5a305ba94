"""English segments: from the memory, or from a backend into the memory, one result at a time."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from toolkit.translate.backends import Backend
from toolkit.translate.memory import Memory, Occurrence, legend, memory_path
from toolkit.translate.mirror import SourcePage, Translate
from toolkit.translate.reassemble import nested, sanitise, structure_problem

LANG = "en"


@dataclass
class Problem:
    """A segment left without a translation, and why."""

    rel: str
    line: int
    reason: str
    text: str


@dataclass
class EnglishRun:
    """Memories of the pages, what was sent, and what is still missing."""

    memories: dict[str, Memory] = field(default_factory=dict)
    sent: list[str] = field(default_factory=list)
    """Texts sent to the backend, in the order their results arrived."""
    problems: list[Problem] = field(default_factory=list)

    def translator(self, page: SourcePage, partial: bool = False) -> Translate | None:
        """The page's translations; None while one is missing (unless `partial`: source text)."""
        memory = self.memories.get(page.rel)
        found: dict[int, str] = {}
        for index, segment in enumerate(page.page.segments):
            value = segment.text
            if segment.needs_translation:
                stored = memory.get(segment.text) if memory else None
                if stored is None and not partial:
                    return None
                value = stored or segment.text
            found[index] = value
        return found.__getitem__


class Progress:
    """A one-line progress bar on stderr (redrawn on a terminal, every 10% elsewhere)."""

    def __init__(self, total: int, enabled: bool, stream: TextIO | None = None) -> None:
        self.total = total
        self.done = 0
        self.stream = stream or sys.stderr
        self.enabled = enabled and total > 0
        self.tty = self.stream.isatty()
        self._shown = -1

    def step(self) -> None:
        """One more result."""
        self.done += 1
        if not self.enabled:
            return
        tenth = self.done * 10 // self.total
        if self.tty:
            filled = self.done * 30 // self.total
            bar = "#" * filled + "-" * (30 - filled)
            self.stream.write(f"\rkb translate en: [{bar}] {self.done}/{self.total} segments")
            if self.done == self.total:
                self.stream.write("\n")
        elif tenth != self._shown:
            self._shown = tenth
            self.stream.write(f"kb translate en: {self.done}/{self.total} segments\n")
        self.stream.flush()


def needed(page: SourcePage, whole: bool) -> list[int]:
    """Segments to translate: all of a page being mirrored; only headings of the others."""
    segments = page.page.segments
    inner = nested(page.page)
    return [
        i
        for i, s in enumerate(segments)
        if s.needs_translation and (whole or (s.kind == "heading" and i not in inner))
    ]


def translate_english(
    pages: Iterable[SourcePage],
    selected: set[str],
    i18n: Path,
    backend: Callable[[], Backend] | None,
    progress: bool,
) -> EnglishRun:
    """Fill the memory for the pages; with no backend (offline) only report what is missing."""
    run = EnglishRun()
    wanted: dict[str, list[tuple[SourcePage, int]]] = {}
    for page in pages:
        memory = Memory(memory_path(i18n, LANG, page.rel), page.rel, LANG)
        run.memories[page.rel] = memory
        for index in needed(page, page.rel in selected):
            text = page.page.segments[index].text
            if memory.get(text) is None:
                wanted.setdefault(text, []).append((page, index))
    if not wanted:
        return run
    if backend is not None:
        _send(run, wanted, backend(), progress)
        return run
    for text, where in wanted.items():
        page, index = where[0]
        line = page.page.segments[index].line
        run.problems.append(Problem(page.rel, line, "no translation in the memory", text))
    return run


def _send(
    run: EnglishRun,
    wanted: dict[str, list[tuple[SourcePage, int]]],
    backend: Backend,
    progress: bool,
) -> None:
    bar = Progress(len(wanted), progress)

    def on_result(text: str, machine: str | None, error: str | None) -> None:
        bar.step()
        page, index = wanted[text][0]
        segment = page.page.segments[index]
        run.sent.append(text)
        if machine is None:
            run.problems.append(Problem(page.rel, segment.line, error or "failed", text))
            return
        translation = sanitise(segment, machine)
        problem = structure_problem(page.page, index, translation)
        if problem:
            reason = f"translation rejected: {problem}"
            run.problems.append(Problem(page.rel, segment.line, reason, text))
            return
        # Every page that holds this text gets it, and is on disk before the next result.
        for rel in dict.fromkeys(p.rel for p, _ in wanted[text]):
            memory = run.memories[rel]
            memory.add_machine(text, translation)
            memory.save()

    backend.translate_many({text: text for text in wanted}, on_result)


def finish_memories(run: EnglishRun, pages: Iterable[SourcePage], selected: set[str]) -> None:
    """Put the memories of mirrored pages in page order and write those that changed."""
    for page in pages:
        memory = run.memories.get(page.rel)
        if memory is None:
            continue
        if page.rel in selected:
            text = page.source.text
            memory.canonical(
                Occurrence(s, s.line, legend(s, text))
                for s in page.page.segments
                if s.needs_translation
            )
        memory.save_if_changed()
