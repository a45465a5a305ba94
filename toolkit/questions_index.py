"""The book's interview questions, page by page: what the question rules and `kb questions` read."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

from toolkit.config import Config, matches_any
from toolkit.document import Document, parse
from toolkit.errors import KbError
from toolkit.fileio import display_path, read_file, safe_resolve
from toolkit.question_headings import (
    is_question,
    plain_title,
    question_key,
    split_heading,
    split_number,
)
from toolkit.site import Site
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
    return matches_any(rel, config.question_pages)


def is_excluded(site: Site, rel: str, config: Config) -> bool:
    """The page matches an `exclude` glob of the settings."""
    return config.is_excluded(site.root / rel)


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
