"""Links: every page, folder and image a link names exists, the same for docsify and GitHub."""

from __future__ import annotations

import posixpath
from collections.abc import Iterator

from toolkit.config import Config
from toolkit.document import Link
from toolkit.findings import Finding, Fix, Severity, clip, quoted
from toolkit.link_targets import unencoded
from toolkit.routes import github_route
from toolkit.rules.base import Page, Rule
from toolkit.rules.linkroutes import RoutedLink, routed_links
from toolkit.site import Site

LINK_TARGET_MISSING = Rule(
    "LNK001", "link-target-missing", "A link names a page, folder or image that does not exist."
)
FOLDER_WITHOUT_SLASH = Rule(
    "LNK002",
    "folder-link-without-slash",
    "`/dir` names `dir.md` in docsify; only `dir/README.md` exists, so write `/dir/`.",
    fixable=True,
)
LINK_CASE_MISMATCH = Rule(
    "LNK003",
    "link-case-mismatch",
    "A link matches a file only when case is ignored: it breaks on Linux and on the web.",
)
LINK_UNENCODED = Rule(
    "LNK004",
    "link-unencoded-characters",
    "A link target holds whitespace or characters that must be percent-encoded.",
    severity=Severity.WARNING,
)
LINK_OUTSIDE_ROOT = Rule(
    "LNK005", "link-outside-site", "A link leaves the site root: the site cannot serve it."
)
LINK_EMPTY = Rule(
    "LNK006",
    "link-empty",
    "A link has an empty target (`[text]()` or `#`): it goes nowhere.",
    severity=Severity.WARNING,
)
LINK_RESOLVES_DIFFERENTLY = Rule(
    "LNK007",
    "link-resolves-differently",
    "A relative link lands on different files in docsify (from the site root) and on GitHub "
    "(from the file).",
    severity=Severity.WARNING,
)
LINK_TO_EMPTY_PAGE = Rule(
    "LNK008", "link-to-empty-page", "A link names an empty page, which docsify shows as 404."
)
LINK_ABOVE_ROOT = Rule(
    "LNK010",
    "link-above-site-root",
    "A `..` climbs above the site root: the browser stays at the root only where the site is "
    "served at the server's root (not below a path, as GitHub project pages are).",
    severity=Severity.WARNING,
)
EXTERNAL_LINK_BROKEN = Rule(
    "LNK009",
    "external-link-broken",
    "An http(s) link does not answer with success (checked only with `--external`).",
)
NAME = "links"
RULES = (
    LINK_TARGET_MISSING,
    FOLDER_WITHOUT_SLASH,
    LINK_CASE_MISMATCH,
    LINK_UNENCODED,
    LINK_OUTSIDE_ROOT,
    LINK_EMPTY,
    LINK_RESOLVES_DIFFERENTLY,
    LINK_TO_EMPTY_PAGE,
    EXTERNAL_LINK_BROKEN,
    LINK_ABOVE_ROOT,
)

STRAY = frozenset('"`<>')
"""Characters that in a link target are a typo rather than something to encode."""


def check(page: Page, site: Site, config: Config) -> Iterator[Finding]:
    """Check where every link of the page lands."""
    routed = list(routed_links(page, site.router))
    broken = {r.link for r in routed if not _lands(site, r)}
    for link in page.doc.links:
        if link.kind == "html":
            continue
        if not link.target.strip() or link.target.strip() == "#":
            yield page.finding(LINK_EMPTY, link.line, link.column, "link has an empty target")
        elif link.kind != "autolink" and link not in broken and (bad := stray_character(link)):
            # Only a link that works gets this warning: a broken one is reported once, by the
            # rule that sees it break, with the character named as the likely cause.
            yield page.finding(
                LINK_UNENCODED,
                link.line,
                link.column,
                f"target {quoted(link.target)} holds {quoted(bad)}: percent-encode it "
                "(a space is %20, a lone % is %25)",
            )
    seen: set[tuple[int, int, str | None]] = set()
    for each in routed:
        path = each.route.path
        key = (each.link.line, each.link.column, path)
        if path is None or key in seen:
            continue
        seen.add(key)
        if each.route.above_root and site.exists(path):
            # (a target missing even at the root is LNK001's: the `..` is not the cause then)
            shown = clip(path) or "the site root"
            yield page.finding(
                LINK_ABOVE_ROOT,
                each.link.line,
                each.link.column,
                f"{quoted(each.link.target)} climbs above the site root; the browser loads "
                f"{shown} only where the site is served at the server's root: write it from "
                "inside the site",
            )
        yield from _check_target(page, site, each, path)
        if each.profile == "docsify":
            yield from _check_relative(page, each)


def stray_character(link: Link) -> str | None:
    """A character in the target that belongs percent-encoded (a stray quote, a space)."""
    return unencoded(link.target)


def _lands(site: Site, routed: RoutedLink) -> bool:
    """The link reaches an existing file and, if it names one, an existing heading."""
    path, anchor = routed.route.path, routed.route.anchor
    if path is not None and not site.exists(path):
        return False
    if not anchor:
        return True
    target = path if path is not None else routed.page
    ids = site.ids(target) if target.endswith(".md") else None
    if ids is None:
        return True
    return anchor in (ids.docsify if routed.profile == "docsify" else ids.github)


def _check_target(page: Page, site: Site, routed: RoutedLink, path: str) -> Iterator[Finding]:
    link = routed.link
    if path == ".." or path.startswith("../"):
        yield page.finding(
            LINK_OUTSIDE_ROOT,
            link.line,
            link.column,
            f"{quoted(link.target)} resolves to {clip(path)}, outside the site root",
        )
        return
    # A folder named `x.md` is no page: docsify's fetch of it fails like a missing file.
    if site.exists(path) and not (path.endswith(".md") and path in site.folders):
        ids = site.ids(path) if path.endswith(".md") else None
        if ids is not None and ids.empty:
            yield page.finding(
                LINK_TO_EMPTY_PAGE,
                link.line,
                link.column,
                f"{clip(path)} is empty: docsify shows 404",
            )
        return
    folder_readme = path[: -len(".md")] + "/README.md" if path.endswith(".md") else None
    if (
        routed.profile == "docsify"
        and not routed.route.bare.endswith((".md", "/"))
        and folder_readme is not None
        and site.exists(folder_readme)
    ):
        yield page.finding(
            FOLDER_WITHOUT_SLASH,
            link.line,
            link.column,
            f"{quoted(link.target)} names {clip(path)}, which does not exist; "
            f"the folder needs a trailing slash to show {clip(folder_readme)}",
            _slash_fix(page, link.target, link.target_start, routed.route.bare),
        )
        return
    actual = site.case_insensitive_match(path)
    if actual is not None:
        yield page.finding(
            LINK_CASE_MISMATCH,
            link.line,
            link.column,
            f"{quoted(link.target)} names {clip(path)}, but the file is {clip(actual)}",
        )
        return
    what = "image" if link.kind == "image" else "page" if path.endswith(".md") else "file"
    missing, cause = path, ""
    written = path.removesuffix(".md")
    if routed.profile == "docsify" and what == "page" and "." in written.rsplit("/", 1)[-1]:
        # docsify routes every Markdown link, so `x.pdf` is fetched as the page `x.pdf.md`.
        if site.exists(written):
            cause = (
                ": docsify opens every Markdown link as a page; add ':ignore' to the link's "
                "title so the browser loads the file"
            )
        else:
            what, missing = "file", written
    if routed.profile == "docsify" and what == "image" and routed.route.bare.startswith("/"):
        from_root = routed.route.bare.lstrip("/")
        if site.exists(from_root) and "/" in page.rel:
            relative = posixpath.relpath(from_root, posixpath.dirname(page.rel))
            cause = (
                ": docsify 4 loads images from the page's folder, even with a leading '/'; "
                f"write {quoted(relative)}"
            )
    if link.kind == "html" and link.target.startswith("#") and not link.target.startswith("#/"):
        cause = (
            ": docsify's router reads a raw-HTML '#x' as the page x, not a heading of this "
            "page; link the heading as '#/page?id=x'"
        )
    if (bad := stray_character(link)) in STRAY:
        cause += f"; the target holds {quoted(bad)}, likely a stray character"
    # The written target comes last, as in every LNK message: tools read it from there.
    message = f"{what} {clip(missing)} not found{cause} (link {quoted(link.target)})"
    if link.target[:1] in ("'", '"'):
        # marked writes the quote into the href attribute and breaks it: a dead link.
        message = (
            f"the target starts with a stray {quoted(link.target[0])}: the browser gets a broken "
            f"href and the link goes nowhere (link {quoted(link.target)})"
        )
    yield page.finding(LINK_TARGET_MISSING, link.line, link.column, message)


def _check_relative(page: Page, routed: RoutedLink) -> Iterator[Finding]:
    """A relative page link means one file to docsify and another to GitHub."""
    link = routed.link
    bare = routed.route.bare
    # A difference only GitHub's reader meets is reported only where GitHub is a profile.
    if "github" not in page.profiles:
        return
    if link.kind != "inline" or not bare or bare.startswith("/") or "/" not in page.rel:
        return
    docsify = routed.route.path
    github = github_route(link.target, routed.page).path
    if docsify != github and github is not None:
        yield page.finding(
            LINK_RESOLVES_DIFFERENTLY,
            link.line,
            link.column,
            f"{quoted(link.target)} is {clip(str(docsify))} in docsify but {clip(github)} on "
            "GitHub; write it from the site root with a leading '/'",
        )


def _slash_fix(page: Page, target: str, start: int, bare: str) -> Fix | None:
    if start < 0 or page.doc.text[start : start + len(target)] != target:
        return None
    at = target.find(bare) if bare in target else -1
    if at < 0:
        return None
    end = start + at + len(bare)
    return Fix(end, end, "/")
