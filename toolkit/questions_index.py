"""The book's interview questions, page by page: the index that `kb questions` prints."""

from __future__ import annotations

import argparse
import fnmatch
import functools
import json
import re
import sys
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from toolkit.config import Config, load_config
from toolkit.document import Document, parse
from toolkit.errors import KbError
from toolkit.fileio import display_path, read_file, safe_resolve
from toolkit.question_headings import (
    docsify_link,
    has_cjk,
    is_question,
    plain_title,
    question_key,
    split_heading,
    split_number,
)
from toolkit.site import Site, scan_site
from toolkit.slug import docsify_ids
from toolkit.source import decode


@dataclass(frozen=True, slots=True)
class Question:
    """One question heading of the book, with where it is and how to link to it."""

    page: str
    """Site-relative POSIX path of its page."""
    line: int
    column: int
    level: int
    section: str
    """Plain text of the `##` section it sits in ('' before the first section)."""
    number: str
    """The number as written (`1.2`), '' when it has none."""
    text: str
    """Plain text without the number, as a reader sees it."""
    source: str
    """Markdown of the text without the number and emphasis markers (for link texts)."""
    id: str
    """Its docsify id on its page."""
    has_math: bool
    key: str
    """Text with width, case, punctuation and spaces normalised away: equal keys, same question."""


def page_questions(doc: Document, rel: str, docsify_version: int = 4) -> list[Question]:
    """The questions of one page, in order."""
    ids = docsify_ids([h.html for h in doc.headings], docsify_version)
    found: list[Question] = []
    section = ""
    for heading, anchor in zip(doc.headings, ids, strict=True):
        if heading.level <= 2:
            section = plain_title(heading) if heading.level == 2 else ""
            continue
        if not is_question(heading):
            continue
        parts = split_heading(heading)
        title = plain_title(heading)
        _number, at = split_number(title)
        number = ".".join(str(n) for n in parts.number) if parts.number else ""
        found.append(
            Question(
                rel,
                heading.line,
                heading.column,
                heading.level,
                section,
                number,
                title[at:],
                parts.body.strip(),
                anchor,
                heading.has_math,
                question_key(title),
            )
        )
    return found


@functools.lru_cache(maxsize=512)
def _questions_of(
    data: bytes, rel: str, shown: str, docsify_version: int, math: str
) -> tuple[Question, ...]:
    """Parse a page's bytes once per content (pages are re-read for every page checked).

    KbError (naming the page as `shown`) when the bytes are not UTF-8 text.
    """
    doc = parse(decode(data, Path(shown)).text, Path(rel), math)
    return tuple(page_questions(doc, rel, docsify_version))


def is_question_page(rel: str, config: Config) -> bool:
    """The page is a question-list page (`question-pages` globs, relative to the site root)."""
    return any(fnmatch.fnmatch(rel, glob) for glob in config.question_pages)


def is_excluded(site: Site, rel: str, config: Config) -> bool:
    """The page matches an `exclude` glob of the settings."""
    if not config.exclude:
        return False
    try:
        project_rel = (site.root / rel).relative_to(config.project_root.resolve()).as_posix()
    except ValueError:
        project_rel = rel
    return any(fnmatch.fnmatch(project_rel, glob) for glob in config.exclude)


def book_questions(
    site: Site,
    config: Config,
    current: tuple[str, Document] | None = None,
    errors: list[str] | None = None,
) -> list[Question]:
    """Every question of the site's pages (question-list and excluded pages left out), in order.

    `current` is a page already parsed in this run, used instead of its file. A page that is not
    read (see `read_page`) or is not UTF-8 text is named in `errors` when given; `kb lint` names
    such files itself.
    """
    found: list[Question] = []
    for rel in site.pages():
        if is_question_page(rel, config) or is_excluded(site, rel, config):
            continue
        if current is not None and current[0] == rel:
            found.extend(page_questions(current[1], rel, site.docsify_version))
            continue
        shown = display_path(site.root / rel)
        try:
            found.extend(
                _questions_of(read_page(site, rel), rel, shown, site.docsify_version, site.math)
            )
        except KbError as error:
            if errors is not None:
                errors.append(str(error))
    return found


def read_page(site: Site, rel: str) -> bytes:
    """A page's bytes; KbError when it is a symlink out of the site root or not a regular file.

    The site's heading index draws the same line: nothing outside the root is read, and a FIFO
    named `x.md` would block a plain read forever.
    """
    path = site.root / rel
    real = safe_resolve(path)
    if not real.is_relative_to(site.root):
        raise KbError(f"{display_path(path)}: symlink to {real}, outside the site root; not read")
    try:
        return read_file(path)
    except OSError as error:
        raise KbError(f"{display_path(path)}: cannot read: {error.strerror or error}") from None


def group_by_page(questions: Iterable[Question]) -> dict[str, list[Question]]:
    """Questions per page, pages in the order they come."""
    pages: dict[str, list[Question]] = {}
    for question in questions:
        pages.setdefault(question.page, []).append(question)
    return pages


def page_title(site: Site, rel: str) -> str:
    """The `#` title of a page, or its file name."""
    try:
        doc = parse(decode(read_page(site, rel), Path(rel)).text, Path(rel), site.math)
    except KbError:
        return PurePosixPath(rel).stem
    for heading in doc.headings:
        if heading.level == 1:
            return plain_title(heading)
    return PurePosixPath(rel).stem


# --- `kb questions` -------------------------------------------------------------

FORMATS = ("table", "json", "markdown")
INDEX_TITLE = "面试题索引"


def run_questions(args: argparse.Namespace) -> int:
    """Print the question index of the book in the format asked for; 0, or 2 if a page is unread."""
    config = load_config(path=args.config, root=args.root)
    site = scan_site(config.site)
    errors: list[str] = []
    questions = book_questions(site, config, errors=errors)
    fmt = "markdown" if args.markdown else args.format
    if fmt == "json":
        print(render_json(questions), end="")
    elif fmt == "markdown":
        print(render_markdown(site, questions), end="")
    else:
        print(render_table(questions), end="")
    for error in errors:
        print(f"kb: error: {error}", file=sys.stderr)
    return 2 if errors else 0


def render_json(questions: Sequence[Question]) -> str:
    """One object per question: page, line, section, number, question, id, link."""
    rows = [
        {
            "page": q.page,
            "line": q.line,
            "section": q.section,
            "number": q.number,
            "question": q.text,
            "id": q.id,
            "link": docsify_link(q.page, q.id),
        }
        for q in questions
    ]
    return json.dumps(rows, ensure_ascii=False, indent=2) + "\n"


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def render_table(questions: Sequence[Question]) -> str:
    """Aligned columns (wide characters count twice): page:line, section, question, link."""
    header = ("PAGE", "SECTION", "QUESTION", "LINK")
    rows = [
        (
            f"{q.page}:{q.line}",
            q.section,
            f"{q.number} {q.text}".strip(),
            docsify_link(q.page, q.id),
        )
        for q in questions
    ]
    widths = [max(_width(row[i]) for row in [header, *rows]) for i in range(3)]
    lines = []
    for row in [header, *rows]:
        cells = [cell + " " * (widths[i] - _width(cell)) for i, cell in enumerate(row[:3])]
        lines.append("  ".join([*cells, row[3]]).rstrip())
    lines.append(f"{len(questions)} questions on {len(group_by_page(questions))} pages")
    return "\n".join(lines) + "\n"


def render_markdown(site: Site, questions: Sequence[Question]) -> str:
    """A question-list page linking every question to its answer; it passes `kb lint` itself.

    Pages are `##` headings named by their path (no number, so nothing to renumber), sections are
    `###` headings ending in a count (never a question), and each section is one ordered list.
    """
    pages = group_by_page(questions)
    out = [
        f"# {INDEX_TITLE}",
        "",
        f"本页由 `kb questions --markdown` 生成，请勿手工修改：全书 {len(questions)} 道题，"
        f"分布在 {len(pages)} 个页面，每道题都链接到书中的解答。",
    ]
    for page, members in pages.items():
        title = page_title(site, page)
        out += ["", f"## {page}", "", f"[{_escape(title)}]({docsify_link(page)})"]
        ids = site.ids(page)
        fragile = (ids.repeated | ids.math) if ids is not None else frozenset()
        sections: dict[str, list[Question]] = {}
        for question in members:
            sections.setdefault(question.section or title, []).append(question)
        for section, items in sections.items():
            out += ["", f"### {section}（{len(items)} 题）", ""]
            for number, q in enumerate(items, start=1):
                # A repeated or math heading has no stable id: link to its page instead.
                anchor = None if q.has_math or q.id in fragile else q.id
                out.append(f"{number}. [{_link_text(q)}]({docsify_link(q.page, anchor)})")
    return "\n".join(out) + "\n"


def _link_text(question: Question) -> str:
    text = question.source
    if not text or "[" in text or "]" in text or "\n" in text:
        text = _escape(question.text)
    if text.endswith("?") and has_cjk(text):
        text = text[:-1] + "？"
    return text


def _escape(text: str) -> str:
    return re.sub(r"([\\`*_\[\]<>$])", r"\\\1", text)
