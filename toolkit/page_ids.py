"""What other pages need to know about one page's headings, and its form in the cache."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass

from toolkit.document import Document, Heading
from toolkit.question_headings import is_question, plain_title, question_key, split_number
from toolkit.routes import DOCSIFY_DEFAULTS, Router, docsify_route
from toolkit.slug import docsify_base_slug, docsify_ids, github_ids, heading_options


@dataclass(frozen=True, slots=True)
class PageIds:
    """What other pages need to know about one page's headings."""

    docsify: tuple[str, ...]
    github: tuple[str, ...]
    repeated: frozenset[str]
    """docsify ids of headings whose text repeats on the page (their ids depend on order)."""
    math: frozenset[str]
    """docsify ids of headings containing math (their ids depend on KaTeX's output)."""
    empty: bool
    """The page has no content: docsify shows it as 404."""
    links: frozenset[tuple[str, str]]
    """(page, anchor) of each docsify link to another page ('' when it names no heading):
    what a change elsewhere can break here."""
    questions: tuple[QuestionRef, ...] = ()
    """The page's question headings, for finding a question asked twice in the book."""
    numbered_questions: int = 0
    """How many of its question headings start with an `N.M` number (`### 1.2 …？`)."""


@dataclass(frozen=True, slots=True)
class QuestionRef:
    """A question heading as the book-wide duplicate check needs it."""

    key: str
    """Text normalised for width, case, punctuation and spaces."""
    line: int
    column: int
    text: str


def page_ids(
    doc: Document, rel: str, docsify_version: int = 4, router: Router = DOCSIFY_DEFAULTS
) -> PageIds:
    """Compute a page's heading ids in every profile, and the pages it links to."""
    titles = [heading_options(h.html) for h in doc.headings]
    bases = [docsify_base_slug(t.custom_id or t.title, docsify_version) for t in titles]
    ids = docsify_ids([h.html for h in doc.headings], docsify_version)
    counts = Counter(bases)
    links = set()
    for link in doc.links:
        if link.kind in ("inline", "reference"):
            route = docsify_route(link.target, rel, router=router)
            if route.path is not None:
                links.add((route.path, route.anchor or ""))
    return PageIds(
        docsify=tuple(ids),
        github=tuple(github_ids(h.text for h in doc.headings)),
        repeated=frozenset(i for i, base in zip(ids, bases, strict=True) if counts[base] > 1),
        math=frozenset(i for i, h in zip(ids, doc.headings, strict=True) if h.has_math),
        empty=not doc.text.strip(),
        links=frozenset(links),
        questions=tuple(_question_refs(doc)),
        numbered_questions=sum(1 for h in doc.headings if _numbered_question(h)),
    )


def _numbered_question(heading: Heading) -> bool:
    if not is_question(heading):
        return False
    number, _at = split_number(plain_title(heading))
    return number is not None and len(number) >= 2


def _question_refs(doc: Document) -> Iterator[QuestionRef]:
    for heading in doc.headings:
        if is_question(heading):
            title = plain_title(heading)
            _number, at = split_number(title)
            key = question_key(title)
            if key:
                yield QuestionRef(key, heading.line, heading.column, title[at:])


def same_ids(before: PageIds, after: PageIds) -> bool:
    return (before.docsify, before.repeated, before.math, before.empty) == (
        after.docsify,
        after.repeated,
        after.math,
        after.empty,
    )


def ids_to_json(ids: PageIds) -> dict[str, object]:
    return {
        "docsify": list(ids.docsify),
        "github": list(ids.github),
        "repeated": sorted(ids.repeated),
        "math": sorted(ids.math),
        "empty": ids.empty,
        "links": sorted(ids.links),
        "questions": [[q.key, q.line, q.column, q.text] for q in ids.questions],
        "numbered-questions": ids.numbered_questions,
    }


def ids_from_json(data: dict[str, object]) -> PageIds:
    def strings(key: str) -> list[str]:
        value = data.get(key, [])
        return [str(v) for v in value] if isinstance(value, list) else []

    return PageIds(
        docsify=tuple(strings("docsify")),
        github=tuple(strings("github")),
        repeated=frozenset(strings("repeated")),
        math=frozenset(strings("math")),
        empty=bool(data.get("empty", False)),
        links=frozenset(_links_from_json(data.get("links"))),
        questions=tuple(_questions_from_json(data.get("questions"))),
        numbered_questions=_int(data.get("numbered-questions")),
    )


def _int(value: object) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def _links_from_json(value: object) -> Iterator[tuple[str, str]]:
    if isinstance(value, list):
        for row in value:
            if isinstance(row, list) and len(row) == 2:
                yield str(row[0]), str(row[1])


def _questions_from_json(value: object) -> Iterator[QuestionRef]:
    if not isinstance(value, list):
        return
    for row in value:
        if isinstance(row, list) and len(row) == 4:
            key, line, column, text = row
            if isinstance(line, int) and isinstance(column, int):
                yield QuestionRef(str(key), line, column, str(text))
