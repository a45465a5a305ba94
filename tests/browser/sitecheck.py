"""Drive the built docsify site in Chromium and list what a reader would find broken.

One `SiteChecker` per browser context: it routes the CDN addresses of index.html to the pinned
npm packages in tests/.node, visits every page of an edition and every page its sidebar and
content links lead to, and reports problems as plain data so that tests can assert on exactly
which ones occur.
"""

from __future__ import annotations

import json
import mimetypes
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from playwright.sync_api import BrowserContext, Page, Route

from toolkit.document import read_document
from toolkit.slug import docsify_ids

CDN_HOST = "cdn.jsdelivr.net"
# Requests that leave the machine; the site's own (127.0.0.1) go straight to its server.
_REMOTE = re.compile(r"^(?!https?://(127\.0\.0\.1|localhost)[:/])[a-z]+://")
CDN_PATH = re.compile(r"^/npm/((?:@[^/@]+/)?[^/@]+)@([^/]+)/(.+)$")
NOT_FOUND = "404 - Not found"
RENDER_TIMEOUT_MS = 30_000

# Makes docsify report each finished render (doneEach) and keeps its vm for the route.
_INIT_SCRIPT = """
(() => {
  let config;
  const probe = function (hook, vm) {
    window.__kbVm = vm;
    hook.doneEach(() => { window.__kbDone = (window.__kbDone || 0) + 1; });
  };
  Object.defineProperty(window, '$docsify', {
    configurable: true,
    get() { return config; },
    set(value) {
      config = value;
      if (value && !(value.plugins || []).includes(probe)) {
        value.plugins = (value.plugins || []).concat(probe);
      }
    },
  });
})();
"""

# Everything the checks need from one rendered page, read in a single round trip.
_READ_PAGE = """
() => {
  const section = document.querySelector('.markdown-section');
  const first = section.firstElementChild;
  const links = (selector) => [...document.querySelectorAll(selector)]
    .map((a) => a.getAttribute('href')).filter((h) => h);
  const grammar = (lang) => {
    const g = window.Prism && Prism.languages[lang];
    return g && typeof g === 'object' ? Object.keys(g).length : -1;
  };
  return {
    notFound: !!first && first.tagName === 'H1' && first.textContent.trim() === '404 - Not found',
    headingIds: [...section.querySelectorAll('h1, h2, h3, h4, h5, h6')].map((h) => h.id),
    ids: [...document.querySelectorAll('[id]')].map((e) => e.id),
    katexErrors: [...section.querySelectorAll('.katex-error')].map(
      (e) => [e.textContent, e.getAttribute('title') || '']),
    formulas: [...section.querySelectorAll('.katex, .katex-error')].map((e) => {
      const annotation = e.querySelector('annotation[encoding="application/x-tex"]');
      return annotation ? annotation.textContent : e.textContent;
    }),
    code: [...section.querySelectorAll('pre[data-lang]')].map((pre) => {
      const lang = pre.getAttribute('data-lang');
      return [lang, grammar(lang), pre.querySelectorAll('code .token').length];
    }),
    sidebarLinks: links('.sidebar-nav a'),
    // Pagination repeats the sidebar's links: they are checked as sidebar links.
    contentLinks: links('.markdown-section a:not(.anchor):not(.docsify-pagination-container a)'),
  };
}
"""


@dataclass(frozen=True, order=True)
class Problem:
    """Something a reader would see broken: what, where, and the detail."""

    kind: str
    """`page-404`, `link-404`, `anchor-missing`, `katex-error`, `code-unhighlighted`,
    `heading-ids`, `formulas`, `cdn`."""
    where: str
    """Source file (site-relative) of the page or link; `_sidebar.md` for sidebar links."""
    detail: str


@dataclass
class PageView:
    """What one route showed."""

    route: str
    not_found: bool
    ids: set[str]
    data: dict[str, object]


@dataclass
class EditionReport:
    """The outcome of checking one edition."""

    problems: list[Problem] = field(default_factory=list)
    pages: int = 0
    links: int = 0
    formulas: int = 0
    code_blocks: int = 0


def route_file(route: str) -> str:
    """The Markdown file docsify fetches for a route (`/a/b` -> `a/b.md`, `/a/` -> README)."""
    path = route.lstrip("/")
    if path == "" or path.endswith("/"):
        return f"{path}README.md"
    return path if path.endswith(".md") else f"{path}.md"


def page_routes(source: Path, skip: tuple[str, ...] = ()) -> list[str]:
    """The route of every page of an edition's folder (`_sidebar.md` and kin excluded).

    `skip`: top folders that are not part of it (the other editions, below the root one).
    """
    routes = []
    for path in sorted(source.rglob("*.md")):
        rel = path.relative_to(source).as_posix()
        parts = rel.split("/")
        if path.name.startswith("_") or any(p.startswith(".") for p in parts):
            continue
        if len(parts) > 1 and parts[0] in skip:
            continue
        if path.name == "README.md":
            routes.append("/" + rel[: -len("README.md")])
        else:
            routes.append("/" + rel[: -len(".md")])
    return routes


def split_link(href: str) -> tuple[str, str | None] | None:
    """(route, id) of a docsify link such as `#/a/b?id=x`; None for links that leave the app."""
    if not href.startswith("#/"):
        return None
    parts = urlsplit(href[1:])
    ids = parse_qs(parts.query).get("id")
    return unquote(parts.path), ids[0] if ids else None


class SiteChecker:
    """Checks editions of one served site in one browser context."""

    def __init__(self, context: BrowserContext, node_modules: Path) -> None:
        self.context = context
        self.node_modules = node_modules
        self.cdn_problems: list[Problem] = []
        self.blocked: set[str] = set()
        context.add_init_script(_INIT_SCRIPT)
        context.route(_REMOTE, self._route)
        self.page_errors: list[str] = []
        self.page: Page = context.new_page()
        self.page.on("pageerror", lambda error: self.page_errors.append(str(error)))

    # Network -----------------------------------------------------------------

    def _route(self, route: Route) -> None:
        url = urlsplit(route.request.url)
        if url.hostname == CDN_HOST:
            self._serve_cdn(route, url.path)
            return
        # No network here: anything else (external images, analytics) is refused at once.
        self.blocked.add(route.request.url)
        route.abort()

    def _serve_cdn(self, route: Route, path: str) -> None:
        match = CDN_PATH.match(unquote(path))
        if match is None:
            self.cdn_problems.append(Problem("cdn", "index.html", f"not an npm address: {path}"))
            route.abort()
            return
        name, version, file = match.groups()
        package = self.node_modules / name
        try:
            meta = json.loads((package / "package.json").read_text(encoding="utf-8"))
            installed = meta["version"]
        except OSError:
            installed = None
        local = package / file
        if installed != version or not local.is_file():
            detail = f"{name}@{version}/{file}: installed {installed or 'nothing'}"
            self.cdn_problems.append(Problem("cdn", "index.html", detail))
            route.abort()
            return
        content_type = mimetypes.guess_type(local.name)[0] or "application/octet-stream"
        route.fulfill(
            status=200,
            body=local.read_bytes(),
            headers={"Content-Type": content_type, "Access-Control-Allow-Origin": "*"},
        )

    # Pages -------------------------------------------------------------------

    def visit(self, base_url: str, route: str) -> PageView:
        """Show a route and wait until docsify has rendered it (or shown its 404)."""
        page = self.page
        target = f"{base_url}#{route}"
        if page.url.split("#")[0] != base_url:
            page.goto(target)
        else:
            page.evaluate(
                """(hash) => {
                  window.__kbBefore = window.__kbDone || 0;
                  const section = document.querySelector('.markdown-section');
                  if (section) section.innerHTML = '';
                  location.hash = hash;
                }""",
                f"#{route}",
            )
        page.wait_for_function(
            """(route) => {
              const vm = window.__kbVm;
              const section = document.querySelector('.markdown-section');
              if (!vm || !section) return false;
              let shown = vm.route.path;
              try { shown = decodeURIComponent(shown); } catch (e) { /* keep as is */ }
              if (shown !== route) return false;
              const first = section.firstElementChild;
              if (first && first.textContent.trim() === '404 - Not found') return true;
              const rendered = (window.__kbDone || 0) > (window.__kbBefore || 0);
              return rendered && section.children.length > 0;
            }""",
            arg=_normal_route(route),
            timeout=RENDER_TIMEOUT_MS,
        )
        data = page.evaluate(_READ_PAGE)
        return PageView(route, bool(data["notFound"]), set(data["ids"]), data)

    def check_edition(
        self, base_url: str, source: Path, skip: tuple[str, ...] = ()
    ) -> EditionReport:
        """Visit every page of an edition and every page its links lead to; list the problems."""
        report = EditionReport()
        self.page.goto("about:blank")
        views: dict[str, PageView] = {}
        links: dict[tuple[str, str], str] = {}  # (where, href) -> href
        queue = page_routes(source, skip)
        queued = set(queue)
        while queue:
            route = queue.pop(0)
            view = self.visit(base_url, route)
            views[route] = view
            where = route_file(route)
            if view.not_found:
                continue
            self._check_page(view, source / where, where, report)
            for kind in ("sidebarLinks", "contentLinks"):
                for href in _strings(view.data[kind]):
                    target = split_link(href)
                    if target is None:
                        continue
                    origin = "_sidebar.md" if kind == "sidebarLinks" else where
                    links.setdefault((origin, href), href)
                    if target[0] not in queued:
                        queued.add(target[0])
                        queue.append(target[0])
        report.pages = sum(1 for v in views.values() if not v.not_found)
        for route in page_routes(source, skip):
            if views[route].not_found:
                report.problems.append(Problem("page-404", route_file(route), route))
        for (origin, href), _ in sorted(links.items()):
            target = split_link(href)
            assert target is not None
            report.links += 1
            view = views[target[0]]
            if view.not_found:
                report.problems.append(Problem("link-404", origin, unquote(href)))
            elif target[1] is not None and target[1] not in view.ids:
                report.problems.append(Problem("anchor-missing", origin, unquote(href)))
        report.problems.extend(self.cdn_problems)
        report.problems.extend(Problem("page-error", "", e) for e in self.page_errors)
        report.problems.sort()
        return report

    def _check_page(self, view: PageView, file: Path, where: str, report: EditionReport) -> None:
        data = view.data
        problems = report.problems
        for tex, message in _pairs(data["katexErrors"]):
            problems.append(Problem("katex-error", where, f"{tex} ({message})"))
        for lang, grammar_size, tokens in _triples(data["code"]):
            report.code_blocks += 1
            if lang and (grammar_size < 0 or (grammar_size > 0 and tokens == 0)):
                state = "not loaded in Prism" if grammar_size < 0 else "no Prism tokens"
                problems.append(Problem("code-unhighlighted", where, f"{lang}: {state}"))
        if not file.is_file():
            return
        doc = read_document(file)
        expected = docsify_ids([h.html for h in doc.headings])
        shown = _strings(data["headingIds"])
        # A heading with math has an id that depends on the renderer: kb lint warns (ANC003).
        wildcards = [h.has_math for h in doc.headings]
        if len(shown) != len(expected) or any(
            s != e and not w for s, e, w in zip(shown, expected, wildcards, strict=False)
        ):
            diff = [(s, e) for s, e in zip(shown, expected, strict=False) if s != e][:3]
            problems.append(
                Problem(
                    "heading-ids",
                    where,
                    f"docsify {len(shown)} ids, kb lint {len(expected)}; first differences {diff}",
                )
            )
        found = [f.tex.strip() for f in doc.formulas]
        rendered = [t.strip() for t in _strings(data["formulas"])]
        report.formulas += len(rendered)
        if found != rendered:
            first = next(
                (i for i, (a, b) in enumerate(zip(found, rendered, strict=False)) if a != b),
                min(len(found), len(rendered)),
            )
            problems.append(
                Problem(
                    "formulas",
                    where,
                    f"kb lint finds {len(found)}, the site renders {len(rendered)}; "
                    f"first difference at #{first}",
                )
            )

    def screenshot(self, base_url: str, route: str, path: Path) -> None:
        """Screenshot a route where a display formula and a code block are both in view."""
        self.visit(base_url, route)
        self.page.evaluate(
            """() => {
              const section = document.querySelector('.markdown-section');
              const top = (e) => e.getBoundingClientRect().top;
              const blocks = [...section.querySelectorAll('pre[data-lang]')];
              const formulas = [...section.querySelectorAll('.katex-display')];
              for (const pre of blocks) {
                const near = formulas.filter((f) => top(f) < top(pre) && top(pre) - top(f) < 600);
                if (near.length) {
                  window.scrollBy(0, top(near[0]) - 120);
                  return;
                }
              }
              const target = blocks[0] || formulas[0];
              if (target) target.scrollIntoView({block: 'center'});
            }"""
        )
        path.parent.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(path))


def _normal_route(route: str) -> str:
    return route if route.startswith("/") else "/" + route


def _strings(value: object) -> list[str]:
    assert isinstance(value, list)
    return [str(v) for v in value]


def _pairs(value: object) -> Iterable[tuple[str, str]]:
    assert isinstance(value, list)
    return [(str(a), str(b)) for a, b in value]


def _triples(value: object) -> Iterable[tuple[str, int, int]]:
    assert isinstance(value, list)
    return [(str(a), int(b), int(c)) for a, b, c in value]
