"""Where a link lands on a docsify site, and on GitHub: routes, aliases and the router."""

from __future__ import annotations

import functools
import posixpath
import re
from dataclasses import dataclass
from urllib.parse import parse_qs, unquote, urlsplit

from toolkit.site_info import EXTERNAL_URL, SiteInfo


@dataclass(frozen=True, slots=True)
class Route:
    """Where a link lands: a file of the site (maybe outside it) and an optional heading id."""

    path: str | None
    """Site-relative POSIX path of the file; starts with `../` when it escapes the root;
    None for a same-page anchor or an external link."""
    anchor: str | None
    external: bool = False
    bare: str = ""
    """The path part as written, percent-decoded, without query or fragment."""
    above_root: bool = False
    """The path climbed above the site root, where the browser stays (docsify profile)."""


def _split(target: str) -> tuple[str, str, str]:
    """Path, query and fragment of a link target."""
    parts = urlsplit(target)
    return unquote(parts.path), parts.query, unquote(parts.fragment)


@dataclass(frozen=True, slots=True)
class Router:
    """The `window.$docsify` settings that decide where a Markdown link lands."""

    relative_path: bool = False
    alias: tuple[tuple[str, str], ...] = ()
    ext: str = ".md"
    homepage: str = "README.md"
    coverpage: str | None = None
    """The cover page: docsify shows it over the home page, so its `#x` links land there."""
    history: bool = False
    """`routerMode: 'history'`: the page's own URL is its route, so raw HTML resolves from the
    page's folder, not from index.html's."""
    no_compile: tuple[str, ...] = ()
    """`noCompileLinks`: patterns of links docsify leaves to the browser."""

    def file_of(self, route: str) -> str:
        """The file docsify fetches for a route (its router's getFile, without basePath)."""
        for _ in range(len(self.alias) + 1):  # docsify re-applies aliases until none matches
            changed = _apply_alias(route, self.alias)
            if changed == route:
                break
            route = changed
        if route.endswith((self.ext, ".html")):
            file = route
        elif route.endswith("/"):
            file = f"{route}README{self.ext}"
        else:
            file = route + self.ext
        if file == f"/README{self.ext}":
            file = "/" + self.homepage.lstrip("/")
        return file


DOCSIFY_DEFAULTS = Router()


def _apply_alias(route: str, alias: tuple[tuple[str, str], ...]) -> str:
    for pattern, target in alias:
        try:
            compiled = _alias_pattern(pattern)
        except re.error:
            continue
        if compiled.fullmatch(route):
            return compiled.sub(_js_replacement(target), route, count=1)
    return route


@functools.lru_cache(maxsize=256)
def _alias_pattern(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


def _js_replacement(target: str) -> str:
    """A JavaScript replacement string (`$1`) as Python's (`\\1`)."""
    return re.sub(r"\$(\d)", r"\\\1", target.replace("\\", "\\\\"))


@functools.lru_cache(maxsize=65536)
def docsify_route(
    target: str,
    page: str,
    *,
    image: bool = False,
    html: bool = False,
    router: Router = DOCSIFY_DEFAULTS,
) -> Route:
    """Resolve a link on `page` (site-relative) the way docsify 4's compiler and the browser do.

    Markdown links become docsify routes (docsify's `toURL`, then the file its router
    fetches); images load from the page's folder, even with a leading `/` (docsify 4 joins
    them to the page's folder); raw-HTML `src`/`href` load from index.html's folder.
    """
    if EXTERNAL_URL.match(target):
        return Route(None, None, external=True)
    if html:
        return _document_route(target, page, router)
    if ":" in target or "//" in target:
        return _document_route(target, page, router)  # docsify leaves these alone
    if not image and any(_matches(pattern, target) for pattern in router.no_compile):
        return _document_route(target, page, router)
    if image:
        path, _query, _fragment = _split(target)
        joined = posixpath.join(posixpath.dirname(page), path.lstrip("/"))
        return _clamped(joined, None, bare=path)
    if target.startswith("#"):
        # docsify reads `#…` as this page's `?id=…`, `#/a/b` included: it never changes page.
        first = target[1:].split("&")[0]
        return Route(None, _query_case(unquote(first.split("=")[0])) or None)
    if target == router.homepage:
        target = "README"
    written, hash_sign, fragment = target.partition("#")
    path, _, query = written.partition("?")
    anchor = _query_case(unquote(fragment) if hash_sign else _query_id(query))
    path = unquote(path)
    if not path:
        return Route(None, anchor)
    route = re.sub(r"\.md$", "", path)
    if router.relative_path and not route.startswith("/"):
        route = posixpath.join("/" + posixpath.dirname(page), route)
    else:
        route = "/" + route.lstrip("/")
    file = router.file_of(route)
    if ":" in file or "//" in file:
        return Route(None, None, external=True)  # an alias to another server
    return _clamped(file.lstrip("/"), anchor, bare=path)


_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def ascii_lower(text: str) -> str:
    """Lower-case ASCII letters only, as docsify's stringifyQuery does to an encoded query
    (other characters are %-encoded first, so offsets stay put)."""
    return text.translate(_ASCII_LOWER)


def _query_case(anchor: str | None) -> str | None:
    """The id as docsify's router keeps it: ASCII letters of a Markdown link's id lose case."""
    return ascii_lower(anchor) if anchor else anchor


def _query_id(query: str) -> str | None:
    return parse_qs(query).get("id", [None])[0] if query else None


def _document_route(target: str, page: str, router: Router) -> Route:
    """A URL the browser resolves against the page's address (raw HTML, `:ignore` links):
    index.html's folder in hash mode, the page's own folder in history mode.

    `#/a/b` is a docsify route all the same: the router reads it from the address bar.
    """
    if target.startswith("#/"):
        return docsify_route(target[1:], "", router=router)
    if target.startswith("#") and router.history:
        return Route(None, unquote(target[1:]) or None)
    if target.startswith("#"):
        # In hash mode the address bar's `#x` is the route `/x` (measured: a page `x.md`, 404).
        return (
            docsify_route("/" + target[1:], "", router=router) if target[1:] else Route(None, None)
        )
    path, query, fragment = _split(target)
    anchor = fragment or _query_id(query)
    if not path:
        return Route(None, anchor)
    if router.history and not path.startswith("/"):
        path = posixpath.join("/" + posixpath.dirname(page), path)
    return _clamped(path.lstrip("/"), anchor, bare=path)


def _matches(pattern: str, target: str) -> bool:
    try:
        return _alias_pattern(f"^{pattern}$").search(target) is not None
    except re.error:
        return False


@functools.lru_cache(maxsize=65536)
def github_route(target: str, page: str) -> Route:
    """Resolve a link on `page` the way GitHub's file view does: relative to the file."""
    if EXTERNAL_URL.match(target):
        return Route(None, None, external=True)
    path, _query, fragment = _split(target)
    if not path:
        return Route(None, fragment or None)
    if path.startswith("/"):
        return Route(None, None, external=True)  # repository-absolute: outside what we can see
    joined = posixpath.join(posixpath.dirname(page), path)
    return Route(_normalise(joined), fragment or None, bare=path)


def _clamped(path: str, anchor: str | None, *, bare: str) -> Route:
    """A route whose `..` stop at the site root, as URLs do at a server's root."""
    normal = _normalise(path)
    parts = normal.split("/")
    climbed = 0
    while climbed < len(parts) and parts[climbed] == "..":
        climbed += 1
    kept = "/".join(parts[climbed:])
    return Route(kept, anchor, bare=bare, above_root=climbed > 0)


def _normalise(path: str) -> str:
    normal = posixpath.normpath(path) if path else "."
    return "" if normal == "." else normal


def site_router(info: SiteInfo) -> Router:
    """The router settings of a site as its index.html (and the settings) describe it."""
    return Router(
        info.relative_path,
        info.alias,
        info.ext,
        info.homepage,
        info.coverpage,
        info.router_mode == "history",
        info.no_compile_links,
    )
