"""Where each link of a page lands, per profile: shared by the anchor and link rules."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, replace

from toolkit.config import Profile
from toolkit.document import Link
from toolkit.routes import DOCSIFY_DEFAULTS, Route, Router, docsify_route, github_route
from toolkit.rules.base import Page

# docsify link options live in the title: `[x](a.md ':ignore')`.
_IGNORE_OPTION = re.compile(r"(?:^|\s):ignore\b")
_DISABLED_OPTION = re.compile(r"(?:^|\s):disabled\b")
_INCLUDE_OPTION = re.compile(r"(?:^|\s):include\b")


@dataclass(frozen=True, slots=True)
class RoutedLink:
    """A link and the route it takes under one profile."""

    link: Link
    profile: Profile
    route: Route
    page: str
    """Site-relative path of the page the link is on."""


def routed_links(page: Page, router: Router = DOCSIFY_DEFAULTS) -> Iterator[RoutedLink]:
    """Every internal, non-empty link of the page under every active profile."""
    here = page.rel
    for link in page.doc.links:
        if not link.target.strip() or link.kind == "autolink":
            continue
        for profile in page.profiles:
            if profile == "docsify":
                if link.kind != "html" and _DISABLED_OPTION.search(link.title):
                    continue  # docsify turns it into `javascript:void(0)`
                # `:ignore` keeps the link out of docsify's router: the browser loads it from
                # index.html's folder, as it does raw HTML.
                ignored = link.kind == "inline" and bool(_IGNORE_OPTION.search(link.title))
                # `:include` embeds the file, fetched from the page's folder as images are.
                embedded = link.kind != "html" and bool(_INCLUDE_OPTION.search(link.title))
                route = docsify_route(
                    link.target,
                    here,
                    image=link.kind == "image" or embedded,
                    html=link.kind == "html" or ignored,
                    router=router,
                )
                if ignored and route.path is not None and "." not in route.path.rsplit("/")[-1]:
                    continue  # a folder outside docsify's router: another app, not a page here
            else:
                route = github_route(link.target, here)
            if profile == "docsify" and route.path is None and here == router.coverpage:
                # The cover sits over the home page: its `#x` names a heading there.
                route = replace(route, path=router.homepage.lstrip("/"))
            if not route.external:
                yield RoutedLink(link, profile, route, here)
