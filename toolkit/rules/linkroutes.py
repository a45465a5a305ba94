"""Where each link of a page lands, per profile: shared by the anchor and link rules."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from toolkit.document import Link
from toolkit.rules import Page
from toolkit.site import Route, docsify_route, github_route

# docsify link options live in the title: `[x](a.md ':ignore')`.
_IGNORE_OPTION = re.compile(r"(?:^|\s):ignore\b")


@dataclass(frozen=True, slots=True)
class RoutedLink:
    """A link and the route it takes under one profile."""

    link: Link
    profile: str
    route: Route
    page: str
    """Site-relative path of the page the link is on."""


def routed_links(page: Page) -> Iterator[RoutedLink]:
    """Every internal, non-empty link of the page under every active profile."""
    here = page.rel
    for link in page.doc.links:
        if not link.target.strip() or link.kind == "autolink":
            continue
        for profile in page.profiles:
            if profile == "docsify":
                if link.kind != "html" and _IGNORE_OPTION.search(link.title):
                    continue
                route = docsify_route(
                    link.target, here, image=link.kind == "image", html=link.kind == "html"
                )
            else:
                route = github_route(link.target, here)
            if not route.external:
                yield RoutedLink(link, profile, route, here)
