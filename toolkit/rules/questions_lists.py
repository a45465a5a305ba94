"""Question-list pages (`大模型面试题/`): ordered lists of single questions that link to answers."""

from __future__ import annotations

from collections.abc import Iterator

from toolkit.config import Config
from toolkit.document import Link, ListItem
from toolkit.findings import Finding, Fix, Severity, clip, quoted
from toolkit.question_headings import docsify_link, has_cjk, question_key
from toolkit.questions_index import Question, book_questions
from toolkit.rules.base import Page, Rule
from toolkit.rules.linkroutes import RoutedLink, routed_links
from toolkit.site import Site

LIST_MISNUMBERED = Rule(
    "QST007",
    "question-list-misnumbered",
    "An ordered list on a question-list page does not count 1, 2, 3, … (it skips or repeats).",
    fixable=True,
    severity=Severity.WARNING,
)
ITEM_NOT_A_QUESTION = Rule(
    "QST008",
    "question-list-item-not-a-question",
    "An item of an ordered list on a question-list page is not a single question ending in `？`.",
    severity=Severity.WARNING,
)
ANSWER_LINK_UNRESOLVED = Rule(
    "QST009",
    "question-list-link-unresolved",
    "A question-list item links to an answer page or heading that does not exist.",
    fixable=True,
)
RULES = (LIST_MISNUMBERED, ITEM_NOT_A_QUESTION, ANSWER_LINK_UNRESOLVED)


def check(page: Page, site: Site, config: Config) -> Iterator[Finding]:
    """Check the question lists of a question-list page."""
    lists = question_lists(page.doc.list_items)
    for members in lists:
        yield from _check_numbers(page, members)
        for item in members:
            yield from _check_item(page, item)
    yield from _check_links(page, site, config, [item for members in lists for item in members])


def question_lists(items: list[ListItem]) -> list[list[ListItem]]:
    """Ordered lists holding at least one item that ends with a question mark.

    Other ordered lists (instructions on how to use the page, say) are not question lists.
    """
    lists: dict[int, list[ListItem]] = {}
    for item in items:
        if item.ordered:
            lists.setdefault(item.list_index, []).append(item)
    return [
        members
        for members in lists.values()
        if any(m.text.strip().endswith(("？", "?")) for m in members)
    ]


def _check_numbers(page: Page, members: list[ListItem]) -> Iterator[Finding]:
    previous: int | None = None
    for expected, item in enumerate(members, start=1):
        if item.number != expected:
            yield page.finding(
                LIST_MISNUMBERED,
                item.line,
                item.column,
                f"item numbered {item.number} {_why(item.number, previous)}: "
                f"expected {expected} (a question list counts 1, 2, 3, …)",
                _renumber(item, expected),
            )
        previous = item.number


def _why(number: int | None, previous: int | None) -> str:
    if previous is None:
        return "starts the list"
    if number == previous:
        return "repeats the number before it"
    if number is not None and number > previous + 1:
        return "skips a number"
    if number == previous + 1:
        return "must shift with the numbers before it"
    return "is out of order"


def _renumber(item: ListItem, expected: int) -> Fix | None:
    if item.marker_start < 0:
        return None
    width = item.marker_end - item.marker_start
    # A wider number would push continuation lines out of the item, unless lazy continuation
    # keeps them in: only a single paragraph is safe then.
    if len(str(expected)) != width and item.blocks != 1:
        return None
    return Fix(item.marker_start, item.marker_end, str(expected))


def _check_item(page: Page, item: ListItem) -> Iterator[Finding]:
    text = item.text.strip()
    if item.blocks != 1:
        reason = "it holds a nested list or several paragraphs; write one question per item"
    elif not text:
        reason = "it is empty"
    elif text.endswith("?") and has_cjk(text):
        reason = "it ends with an ASCII '?'; use '？'"
    elif not text.endswith(("？", "?")):
        reason = "it does not end with a question mark"
    else:
        return
    yield page.finding(
        ITEM_NOT_A_QUESTION,
        item.line,
        item.column,
        f"item is not a single question ending in '？': {reason}",
    )


def _check_links(
    page: Page, site: Site, config: Config, items: list[ListItem]
) -> Iterator[Finding]:
    owner = {link: item for item in items for link in item.links if link.kind != "image"}
    book: list[Question] | None = None
    reported: set[Link] = set()
    for routed in routed_links(page, site.router):
        item = owner.get(routed.link)
        if item is None or routed.link in reported:
            continue
        problem = _unresolved(site, routed)
        if problem is None:
            continue
        reported.add(routed.link)
        if book is None:
            book = book_questions(site, config)
        yield _unresolved_finding(page, item, routed.link, problem, book)


def _unresolved(site: Site, routed: RoutedLink) -> str | None:
    """Why the link does not land on an existing page and heading, or None when it does."""
    path = routed.route.path if routed.route.path is not None else routed.page
    if path not in site.files:
        return f"page {clip(path)} does not exist"
    anchor = routed.route.anchor
    if not anchor or not path.endswith(".md"):
        return None
    ids = site.ids(path)
    if ids is None:
        return None
    known = ids.docsify if routed.profile == "docsify" else ids.github
    if anchor in known:
        return None
    return f"{clip(path)} has no heading with the {routed.profile} id {quoted(anchor)}"


def _unresolved_finding(
    page: Page, item: ListItem, link: Link, problem: str, book: list[Question]
) -> Finding:
    key = question_key(item.text)
    same = [q for q in book if q.key == key] if key else []
    fix = None
    hint = ""
    if len(same) == 1:
        question = same[0]
        hint = f"; the book answers it at {question.page}:{question.line}"
        if link.target_start >= 0 and "github" not in page.profiles:
            fix = Fix(link.target_start, link.target_end, docsify_link(question.page, question.id))
    elif len(same) > 1:
        hint = f"; the book asks it {len(same)} times, pick one"
    return page.finding(
        ANSWER_LINK_UNRESOLVED,
        link.line,
        link.column,
        f"answer link {quoted(link.target)} does not resolve: {problem}{hint}",
        fix,
    )
