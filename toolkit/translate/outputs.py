"""What `kb translate` prints and writes: mirrors, the --check list and the --status table."""

from __future__ import annotations

import json
import sys
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from toolkit.fileio import display_path as display
from toolkit.fileio import read_file, write_atomic
from toolkit.findings import quoted
from toolkit.site import iter_markdown
from toolkit.translate.mirror import recorded_source

if TYPE_CHECKING:  # the English machinery (requests, polib) is loaded only when it runs
    from toolkit.translate.english import Problem


@dataclass
class Edition:
    """What one language's run produced: files to write, and what kept pages out."""

    lang: str
    folder: Path
    """Where its mirrors live (`Config.edition_folder`)."""
    files: dict[Path, bytes] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    incomplete: set[str] = field(default_factory=set)
    """Pages whose mirror cannot be made yet (a segment has no translation)."""
    untranslated: dict[Path, str] = field(default_factory=dict)
    """Mirrors holding source lines copied as they are (nested past the parser's limit, so
    never segmented), with the message that names those lines."""
    notes: list[str] = field(default_factory=list)
    """`page:line: zh-Hant: …` lines the Traditional Chinese check could not vouch for."""
    style: list[str] = field(default_factory=list)
    """`path:line:col: en style: …` lines of the English style sheet: `--check` fails on them;
    a writing run leaves them to it."""
    counts: dict[str, tuple[int, int, int | None]] = field(default_factory=dict)
    """Page to (segments, translated, reviewed or None) for --status."""
    sent: int = 0


def _current(path: Path) -> bytes | None:
    """What a mirror or copy holds now; None when it is missing or not a regular file.

    A FIFO in its place would block a plain read; the caller has already refused symlinks
    under i18n/ that lead out of the repository.
    """
    try:
        return read_file(path)
    except OSError:
        return None


def _orphans(folder: Path, rels: list[str]) -> list[Path]:
    if not folder.is_dir():
        return []
    known = set(rels)
    orphans = []
    for path in iter_markdown([folder]):
        if path.relative_to(folder).as_posix() in known:
            continue
        data = _current(path)
        if data is not None and recorded_source(data.decode("utf-8", "replace")) is not None:
            orphans.append(path)
    return orphans


def _report_problems(editions: list[Edition]) -> int:
    count = 0
    for edition in editions:
        for problem in edition.problems:
            shown = quoted(problem.text.replace("\n", " "), 60)
            print(
                f"{problem.rel}:{problem.line}: {edition.lang}: {problem.reason}: {shown}",
                file=sys.stderr,
            )
            count += 1
        for _mirror, message in sorted(edition.untranslated.items()):
            print(message, file=sys.stderr)
            count += 1
        for message in edition.notes:
            print(message, file=sys.stderr)
            count += 1
    return count


def write_editions(editions: list[Edition], rels: list[str], paths: Sequence[Path]) -> int:
    """Write what the editions built (all verified already); report; 0, or 1 if incomplete.

    A mirror with lines copied untranslated is still written (those lines are the source's own
    bytes, nothing is lost), named on stderr, and makes the run exit 1.
    """
    problems = _report_problems(editions)
    for edition in editions:
        written = unchanged = 0
        for path, data in sorted(edition.files.items()):
            if _current(path) == data:
                unchanged += 1
                continue
            path.parent.mkdir(parents=True, exist_ok=True)
            # No fsync: a mirror is made again by the next run and `--check` names a bad one,
            # and fsync per file cost a 2,000-page rebuild most of its time. One sync at the
            # end (os.sync, syncfs) was measured too: it flushes every dirty page of the disk,
            # other programs' included, so its cost is not ours to bound (bench_translate.py).
            write_atomic(path, data, durable=False)
            written += 1
        removed = 0
        if not paths:
            for orphan in _orphans(edition.folder, rels):
                orphan.unlink()
                removed += 1
        summary = f"kb translate: {edition.lang}: {written} written, {unchanged} unchanged"
        if removed:
            summary += f", {removed} orphans removed"
        if edition.incomplete:
            summary += f", {len(edition.incomplete)} pages waiting for translations"
        if edition.lang == "en":
            summary += f"; {edition.sent} segments sent"
        print(summary)
    return 1 if problems or any(e.incomplete for e in editions) else 0


def check_editions(
    editions: list[Edition],
    rels: list[str],
    selected: set[str],
    root: Path,
    paths: Sequence[Path],
) -> int:
    """List missing, stale and orphan mirrors; 1 if any."""
    findings = []
    for edition in editions:
        for rel in sorted(selected):
            target = edition.folder / rel
            source = display(root / rel)
            current = _current(target)
            if current is None:
                findings.append(f"{display(target)}: missing (no mirror of {source})")
                continue
            recorded = recorded_source(current.decode("utf-8", "replace"))
            if rel in edition.incomplete:
                findings.append(
                    f"{display(target)}: stale: {source} has segments without a "
                    f"translation in the {edition.lang} memory"
                )
            elif recorded is None or current != edition.files.get(target):
                expected = edition.files.get(target, b"").decode("utf-8", "replace")
                if recorded != recorded_source(expected):
                    findings.append(f"{display(target)}: stale: made from an older {source}")
                else:
                    findings.append(
                        f"{display(target)}: stale: the memory, the glossary or "
                        "a linked heading changed since it was made"
                    )
        findings.extend(message for _, message in sorted(edition.untranslated.items()))
        findings.extend(edition.notes)
        findings.extend(edition.style)
        if not paths:
            for orphan in _orphans(edition.folder, rels):
                findings.append(f"{display(orphan)}: orphan: its source page no longer exists")
    for finding in findings:
        print(finding)
    return 1 if findings else 0


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def print_status(editions: list[Edition], fmt: str) -> int:
    """Segments, translated, reviewed and stale per page and language, as a table or JSON."""
    rows: list[dict[str, object]] = []
    for edition in editions:
        for rel, (segments, translated, reviewed) in sorted(edition.counts.items()):
            target = edition.folder / rel
            current = _current(target)
            stale = current is None or current != edition.files.get(target)
            rows.append(
                {
                    "page": rel,
                    "lang": edition.lang,
                    "segments": segments,
                    "translated": translated,
                    "reviewed": reviewed,
                    "stale": stale,
                }
            )
    if fmt == "json":
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return 0
    width = max([_width(str(r["page"])) for r in rows] + [4])
    print("page" + " " * (width - 4) + "  lang     segments  translated  reviewed  stale")
    for row in rows:
        page = str(row["page"])
        shown = "-" if row["reviewed"] is None else str(row["reviewed"])
        print(
            f"{page}{' ' * (width - _width(page))}  {row['lang']!s:<7}  {row['segments']!s:>8}  "
            f"{row['translated']!s:>10}  {shown:>8}  {'yes' if row['stale'] else 'no'}"
        )
    return 0
