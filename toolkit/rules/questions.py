"""Interview questions: plainly written, numbered in order, answered, and asked once in the book."""

from __future__ import annotations

import bisect
from collections.abc import Iterator
from dataclasses import dataclass

from toolkit.config import Config
from toolkit.document import Document, Heading
from toolkit.findings import Finding, Fix, Severity, clip
from toolkit.question_headings import (
    HeadingParts,
    has_cjk,
    is_question,
    plain_title,
    section_number,
    split_heading,
)
from toolkit.questions_index import is_excluded, is_question_page
from toolkit.rules import questions_lists as lists
from toolkit.rules.base import Page, Rule
from toolkit.site import Site

ASCII_QUESTION_MARK = Rule(
    "QST001",
    "question-ascii-question-mark",
    "A question heading in Chinese ends with an ASCII `?` instead of `？`.",
    fixable=True,
    severity=Severity.WARNING,
)
QUESTION_MISNUMBERED = Rule(
    "QST002",
    "question-misnumbered",
    "A question or numbered subsection does not start with its section's number, or skips or "
    "repeats a number.",
    fixable=True,
    severity=Severity.WARNING,
)
QUESTION_NOT_NUMBERED = Rule(
    "QST003",
    "question-not-numbered",
    "A question heading in a numbered section carries no `N.M` number.",
    fixable=True,
    severity=Severity.WARNING,
)
HEADING_EMPHASIS = Rule(
    "QST004",
    "heading-wrapped-in-emphasis",
    "Bold or italics wrap a heading's whole text (`### **1.1 …？**`).",
    fixable=True,
    severity=Severity.WARNING,
)
QUESTION_WITHOUT_ANSWER = Rule(
    "QST005",
    "question-without-answer",
    "A question heading is followed by the next heading, or the end of the page, with no answer.",
    severity=Severity.WARNING,
)
DUPLICATE_QUESTION = Rule(
    "QST006",
    "duplicate-question",
    "The same question (after normalising width, punctuation and spaces) is asked twice in the "
    "book.",
    severity=Severity.WARNING,
)
NAME = "questions"
RULES = (
    ASCII_QUESTION_MARK,
    QUESTION_MISNUMBERED,
    QUESTION_NOT_NUMBERED,
    HEADING_EMPHASIS,
    QUESTION_WITHOUT_ANSWER,
    DUPLICATE_QUESTION,
    *lists.RULES,
)

QUESTION_BOOK_MIN = 3
"""A page with this many question headings numbered `N.M` (`### 1.2 …？`) marks a question book."""

# Blocks that do not answer a question: a rule line, or a comment (e.g. a kb-disable pragma).
_NOT_AN_ANSWER = frozenset({"heading_open", "hr"})


@dataclass(frozen=True, slots=True)
class _Head:
    """A heading of the page with its source offset and its parts."""

    heading: Heading
    start: int
    """Offset of the heading's source in the Document text; -1 when it cannot be located."""
    parts: HeadingParts


def applies(site: Site, config: Config) -> bool:
    """The question rules run on this site: as `questions` says, or on a question book.

    "auto" (the default) recognises a question book by its configured question-list pages, or
    by a page holding QUESTION_BOOK_MIN question headings numbered `N.M`: other books' headings
    that end in `?` (an FAQ) are not interview questions.
    """
    if config.questions is not None:
        return config.questions
    return bool(config.question_pages) or site.has_page_with_numbered_questions(QUESTION_BOOK_MIN)


def check(page: Page, site: Site, config: Config) -> Iterator[Finding]:
    """Check the page's question headings; on question-list pages, its question lists."""
    if not applies(site, config):
        return
    heads = [_locate(page.doc, h) for h in page.doc.headings]
    for head in heads:
        yield from _check_emphasis(page, head)
        if is_question(head.heading):
            yield from _check_question_mark(page, head)
    yield from _check_numbering(page, heads)
    yield from _check_answers(page)
    if is_question_page(page.rel, config):
        yield from lists.check(page, site, config)
    else:
        yield from _check_duplicates(page, site, config)


def _locate(doc: Document, heading: Heading) -> _Head:
    start = doc.offset(heading.line, heading.column)
    if doc.text[start : start + len(heading.source)] != heading.source:
        start = -1  # a setext heading or an unusual layout: report, do not fix
    return _Head(heading, start, split_heading(heading))


def _check_emphasis(page: Page, head: _Head) -> Iterator[Finding]:
    parts = head.parts
    if not parts.emphasis:
        return
    fix = None
    if parts.wrapped_in_source and head.start >= 0:
        source = head.heading.source
        inner = source[parts.emphasis : len(source) - parts.emphasis]
        fix = Fix(head.start, head.start + len(source), inner)
    kind = "bold" if parts.emphasis == 2 else "italics" if parts.emphasis == 1 else "emphasis"
    yield page.finding(
        HEADING_EMPHASIS,
        head.heading.line,
        head.heading.column,
        f"{kind} wraps the whole heading '{clip(plain_title(head.heading))}': headings are bold "
        "already; drop the markers",
        fix,
    )


def _check_question_mark(page: Page, head: _Head) -> Iterator[Finding]:
    title = plain_title(head.heading)
    if not title.endswith("?") or not has_cjk(title):
        return
    source = head.heading.source
    stripped = source.rstrip("*_ \t")
    fix = None
    if stripped.endswith("?") and head.start >= 0:
        at = head.start + len(stripped) - 1
        fix = Fix(at, at + 1, "？")
    yield page.finding(
        ASCII_QUESTION_MARK,
        head.heading.line,
        head.heading.column + len(stripped) - 1,
        "question in Chinese ends with an ASCII '?': use '？'",
        fix,
    )


def _check_numbering(page: Page, heads: list[_Head]) -> Iterator[Finding]:
    """Questions and `### N.M` subsections of section N count N.1, N.2, … in order."""
    section: int | None = None
    count = 0
    previous: tuple[int, ...] | None = None
    for head in heads:
        heading = head.heading
        if heading.level <= 2:
            section = section_number(heading) if heading.level == 2 else None
            count, previous = 0, None
            continue
        number = head.parts.number
        numbered_topic = heading.level == 3 and number is not None and len(number) >= 2
        if section is None or not (numbered_topic or is_question(heading)):
            continue
        count += 1
        expected = (section, count)
        if number == expected:
            previous = number
            continue
        text = f"{section}.{count}"
        fix = None
        if head.start >= 0 and head.parts.number_start >= 0:
            at = head.start + head.parts.number_start
            fix = Fix(at, head.start + head.parts.number_end, f"{text} ")
        if number is None:
            yield page.finding(
                QUESTION_NOT_NUMBERED,
                heading.line,
                heading.column,
                f"question has no number: section {section} needs '{text} ' before it",
                fix,
            )
        else:
            yield page.finding(
                QUESTION_MISNUMBERED,
                heading.line,
                heading.column,
                _misnumbered(number, previous, section, text),
                fix,
            )
        previous = number


def _misnumbered(
    number: tuple[int, ...], previous: tuple[int, ...] | None, section: int, expected: str
) -> str:
    written = ".".join(str(n) for n in number)
    if number[0] != section:
        why = f"does not start with its section's number {section}"
    elif len(number) != 2:
        why = f"is not of the form {section}.M"
    elif number == previous:
        why = "repeats the number before it"
    elif previous is not None and len(previous) == 2 and number[1] > previous[1] + 1:
        why = "skips a number"
    elif previous is not None and len(previous) == 2 and number[1] == previous[1] + 1:
        why = "must shift with the numbers before it"
    else:
        why = "is out of order"
    return f"number {written} {why}: expected {expected} (section {section} counts up by one)"


def _check_answers(page: Page) -> Iterator[Finding]:
    doc = page.doc
    headings = doc.headings
    comment_lines = {
        line for c in doc.comments if not c.trailing for line in range(c.line, c.end_line + 1)
    }
    # Blocks come in page order: the ones between a heading and the next are found by bisection
    # (a scan of every block per question was quadratic on a question book's long pages).
    block_lines = [block.line for block in doc.blocks]
    for index, heading in enumerate(headings):
        if not is_question(heading):
            continue
        end = headings[index + 1].line if index + 1 < len(headings) else len(doc.line_starts) + 1
        first = bisect.bisect_right(block_lines, heading.line)
        last = bisect.bisect_left(block_lines, end, first)
        answered = any(
            block.type not in _NOT_AN_ANSWER
            and not (
                block.type == "html_block"
                and all(n in comment_lines for n in range(block.line, block.end_line + 1))
            )
            for block in doc.blocks[first:last]
        )
        if not answered:
            where = "the next heading" if index + 1 < len(headings) else "the end of the page"
            yield page.finding(
                QUESTION_WITHOUT_ANSWER,
                heading.line,
                heading.column,
                f"question '{clip(plain_title(heading))}' has no answer before {where}",
            )


def _check_duplicates(page: Page, site: Site, config: Config) -> Iterator[Finding]:
    own = site.ids(page.rel)
    if own is None or not own.questions:
        return
    for question in own.questions:
        first = site.first_place(question.key, lambda rel: _not_counted(site, rel, config))
        earlier_page, earlier = first if first is not None else (page.rel, question)
        if (earlier_page, earlier.line) == (page.rel, question.line):
            continue
        where = (
            f"line {earlier.line}" if earlier_page == page.rel else f"{earlier_page}:{earlier.line}"
        )
        yield page.finding(
            DUPLICATE_QUESTION,
            question.line,
            question.column,
            f"question '{clip(question.text)}' is already asked at {where} "
            f"('{clip(earlier.text)}'): keep one answer and link to it",
        )


def _not_counted(site: Site, rel: str, config: Config) -> bool:
    return is_question_page(rel, config) or is_excluded(site, rel, config)
