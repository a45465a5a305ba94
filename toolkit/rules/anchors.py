"""Anchors: every `?id=` and `#fragment` names a heading that exists, and a stable one."""

from __future__ import annotations

import difflib
import unicodedata
from collections.abc import Iterator

from toolkit.config import Config
from toolkit.findings import Finding, Fix, Severity, clip, quoted
from toolkit.link_targets import anchor_edit_in
from toolkit.rules.base import Page, Rule
from toolkit.rules.linkroutes import RoutedLink, routed_links
from toolkit.rules.links import STRAY, stray_character
from toolkit.site import Site

ANCHOR_NOT_FOUND = Rule(
    "ANC001",
    "anchor-not-found",
    "A link's `?id=` or `#fragment` names no heading of its target page.",
    fixable=True,
)
ANCHOR_TO_REPEATED_HEADING = Rule(
    "ANC002",
    "anchor-to-repeated-heading",
    "A link points at a heading whose text repeats on its page, so its id depends on order.",
    severity=Severity.WARNING,
)
ANCHOR_TO_MATH_HEADING = Rule(
    "ANC003",
    "anchor-to-math-heading",
    "A link points at a heading containing math, whose id leaves the math out.",
    severity=Severity.WARNING,
)
NAME = "anchors"
RULES = (ANCHOR_NOT_FOUND, ANCHOR_TO_REPEATED_HEADING, ANCHOR_TO_MATH_HEADING)


def check(page: Page, site: Site, config: Config) -> Iterator[Finding]:
    """Check the anchors of every internal link on the page."""
    for routed in routed_links(page, site.router):
        anchor = routed.route.anchor
        if not anchor:
            continue
        target = routed.route.path if routed.route.path is not None else routed.page
        if not target.endswith(".md"):
            continue
        ids = site.ids(target)
        if ids is None:
            continue  # a missing page is the link rules' finding
        known = ids.docsify if routed.profile == "docsify" else ids.github
        if anchor not in known:
            yield _not_found(page, routed, anchor, target, known)
        elif routed.profile == "docsify" and anchor in ids.repeated:
            yield page.finding(
                ANCHOR_TO_REPEATED_HEADING,
                routed.link.line,
                routed.link.column,
                f"{quoted(anchor)} in {clip(target)} is the id of a heading whose text repeats "
                "on that page; adding or removing one of them changes it",
            )
        elif routed.profile == "docsify" and anchor in ids.math:
            yield page.finding(
                ANCHOR_TO_MATH_HEADING,
                routed.link.line,
                routed.link.column,
                f"{quoted(anchor)} in {clip(target)} is the id of a heading with math, which the "
                "id leaves out (other math plugins do not); remove the math from the heading",
            )


def _comparable(anchor: str) -> str:
    """An id with case, spaces and punctuation removed: two ids this close mean the same heading."""
    return "".join(
        c
        for c in unicodedata.normalize("NFKC", anchor).casefold()
        if unicodedata.category(c)[0] in "LN"
    )


def _not_found(
    page: Page, routed: RoutedLink, anchor: str, target: str, known: tuple[str, ...]
) -> Finding:
    link = routed.link
    same = [i for i in dict.fromkeys(known) if _comparable(i) == _comparable(anchor)]
    close = same or difflib.get_close_matches(anchor, list(dict.fromkeys(known)), n=3, cutoff=0.6)
    where = "this page" if routed.route.path is None else clip(target)
    hint = f"; did you mean {', '.join(quoted(c) for c in close)}?" if close else ""
    if (bad := stray_character(link)) in STRAY:
        hint += f" (the target holds {quoted(bad)}, likely a stray character)"
    if routed.profile == "docsify" and link.target.startswith("#/") and link.kind != "html":
        # docsify 4 turns a Markdown `#/a` into this page's `?id=/a`: the link never leaves.
        hint = (
            f"; docsify reads a Markdown link {quoted(link.target)} as a heading id of this "
            f"page, so it never opens another page: write {quoted(link.target[1:])}"
        )
    fix = (
        _anchor_fix(page, link.target, link.target_start, anchor, same[0])
        if len(same) == 1
        else None
    )
    return page.finding(
        ANCHOR_NOT_FOUND,
        link.line,
        link.column,
        f"anchor {quoted(anchor)} not found in {where} ({routed.profile} ids){hint}",
        fix,
    )


def _anchor_fix(page: Page, target: str, start: int, anchor: str, new: str) -> Fix | None:
    """Replace the anchor inside the written target, if it is written there as such."""
    edit = anchor_edit_in(page.doc.text, target, start, anchor, new)
    return None if edit is None else Fix(*edit)
