"""Judge `kb lint` on real docsify books by what a reader of the live site meets in Chromium.

    python scripts/corpus.py BOOK [BOOK ...]        (or: make corpus CORPUS="BOOK ...")

For each BOOK (a checkout of a repository holding a docsify site) the harness

1. finds the site root (the folder whose index.html sets `window.$docsify`) and reads the
   scripts and stylesheets index.html loads (comments are skipped, as the browser skips them);
2. fetches each CDN package it names, pinned to the version the URL resolves to today, from the
   npm registry into ~/.cache/kb-corpus/node/<name@version> (`npm pack`, no dependencies);
3. serves the site root on 127.0.0.1 and opens it in Debian's Chromium, answering every CDN
   request (cdn.jsdelivr.net, unpkg.com, cdnjs) from those packages; any other remote request is
   aborted and listed; an asset that cannot be served locally is listed, never fatal;
4. visits every page (each .md under the root as a docsify route, and every route its sidebar,
   navbar and content link to) and records the reader's defects:
     link-404        a link to a route whose page is docsify's 404 ("404 - Not found", in
                     docsify 5 "404 - File not found"), or to a file that is missing
     anchor-missing  a link whose ?id= names no element of the target page
     image-broken    an image of the page that does not load (missing file or naturalWidth 0)
     math-error      a .katex-error (or MathJax error) element: the TeX and the message; also
                     a command KaTeX does not know, which it draws in red inside the formula
     raw-tex         TeX left as text outside the rendered math
     placeholder     docsify-katex's placeholder text visible to the reader
5. runs `kb lint --format json` from the repository root with no configuration (KB=/path/to/kb
   or a command line chooses the kb; default: this worktree's .venv/bin/kb);
6. matches findings to defects (see `match` below) and prints one summary row per book, and
   writes the detail to RESULTS (default /work/corpus-results/<book>.json).

`--reuse-browse` skips the browser and judges kb against the defects saved by the last run in
the results folder: seconds instead of minutes, for a kb that changed.

A page docsify fetches from elsewhere (an `alias` or `:include` to raw.githubusercontent.com)
cannot be seen offline: its route is listed under `remote_routes` and links to it are not judged.
Files a snapshot lists but does not hold (`<book>.absent` beside the checkout, one
root-relative path a line) are left out on both sides: their absence is the snapshot's, not the
book's.

Matching rule (one finding may match several defects, one defect several findings):
  every finding and defect gets a class: link (LNK001-006, LNK008), image (LNK001-006 on an
  image), anchor (ANC*), math (MTH*), none (any other code). A finding matches a defect when both
  are on the same site-relative page (sidebar/navbar links count for the _sidebar.md/_navbar.md
  that holds them) and of the same class, and
    link/image: the last path segment of the target (without .md, `README` for a folder,
                percent-decoded) is the same on both sides; links also compare the ?id=;
    anchor:     the ids are the same;
    math:       the finding's line lies within the Markdown lines of the defect's TeX
                (every place the page's source holds it), widened by 3 lines; text the
                harness cannot place (placeholder pieces) matches a lost-formula or
                TeX-outside-math finding (MTH020, MTH022) on the same page.
A finding "is a real defect" when it matches at least one. precision = real failing findings /
failing findings (severity error); recall = defects matched by a failing finding / defects.
"""

from __future__ import annotations

import argparse
import ast
import contextlib
import functools
import http.server
import json
import mimetypes
import os
import re
import shlex
import subprocess
import sys
import tarfile
import tempfile
import threading
import time
from dataclasses import asdict, dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

REPO = Path(__file__).resolve().parent.parent
CACHE = Path(os.environ.get("KB_CORPUS_CACHE", Path.home() / ".cache" / "kb-corpus"))
RESULTS = Path(os.environ.get("KB_CORPUS_RESULTS", "/work/corpus-results"))
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-gpu",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
CDN_HOSTS = ("cdn.jsdelivr.net", "fastly.jsdelivr.net", "unpkg.com", "cdnjs.cloudflare.com")
RENDER_TIMEOUT_MS = 20_000
# docsify-katex 1.4.3 marks math with these strings before Markdown; visible means unrendered.
PLACEHOLDER = re.compile(r"c194a9e[b-g]|(?:begin|end)-(?:inline|block)-katex")
MATH_WIDEN = 3
VERBOSE = bool(os.environ.get("KB_CORPUS_VERBOSE"))
SKIP_DIRS = {"node_modules", ".git", ".github", "_book", "site-packages"}

# Makes docsify report each finished render (doneEach) and keeps its vm for the route.
_INIT_SCRIPT = """
(() => {
  let config;
  const probe = function (hook, vm) {
    window.__kbVm = vm;
    hook.doneEach(() => { window.__kbDone = (window.__kbDone || 0) + 1; });
  };
  const attach = (value) => {
    if (value && typeof value === 'object' && !(value.plugins || []).includes(probe)) {
      value.plugins = (value.plugins || []).concat(probe);
    }
    return value;
  };
  Object.defineProperty(window, '$docsify', {
    configurable: true,
    get() { return config; },
    set(value) {
      if (typeof value === 'function') {
        config = (vm) => attach(value(vm));
      } else {
        config = attach(value);
      }
    },
  });
})();
"""

# Settles a rendered page (images loaded or failed, MathJax done) and reads what the checks need.
_READ_PAGE = """
async () => {
  const section = document.querySelector('.markdown-section');
  const sidebar = document.querySelector('.sidebar-nav');
  const wait = (ms) => new Promise((r) => setTimeout(r, ms));
  const imgs = section ? [...section.querySelectorAll('img')] : [];
  await Promise.race([
    Promise.all(imgs.map((img) => img.complete ? null : new Promise((r) => {
      img.addEventListener('load', r); img.addEventListener('error', r);
    }))),
    wait(8000),
  ]);
  if (window.MathJax) {
    try {
      if (MathJax.Hub && MathJax.Hub.Queue) {
        await Promise.race([new Promise((r) => MathJax.Hub.Queue(r)), wait(15000)]);
      } else if (MathJax.startup && MathJax.startup.promise) {
        await Promise.race([MathJax.startup.promise, wait(15000)]);
        await wait(300);
        await Promise.race([MathJax.startup.promise, wait(15000)]);
      }
    } catch (e) { /* a broken MathJax is seen as raw TeX */ }
  }
  const SKIP = 'pre, code, script, style, textarea, svg, math, .katex, .katex-error, '
    + 'mjx-container, .MathJax, .MathJax_Preview, .MathJax_Display, .MathJax_SVG, '
    + '.MJX_Assistive_MathML, .mjx-chtml, mjx-assistive-mml';
  const texts = (root) => {
    if (!root) return [];
    const out = [];
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    let node;
    while ((node = walker.nextNode())) {
      const parent = node.parentElement;
      if (!parent || parent.closest(SKIP)) continue;
      if (node.textContent.trim()) out.push(node.textContent);
    }
    return out;
  };
  // MathJax typesets a page docsify shows later than docsify's doneEach (docsify-latex queues
  // it): while TeX-looking text remains, give it time (10 s at most).
  if (window.MathJax) {
    const texLeft = () => /\\$[^$]+\\$|\\\\\\(|\\\\\\[/.test(texts(section).join(' '));
    for (let i = 0; i < 50 && section && texLeft(); i++) {
      await wait(200);
    }
  }
  const hrefs = (root, selector) => root ? [...root.querySelectorAll(selector)]
    .map((a) => [a.getAttribute('href') || '', a.href || '', a.textContent.trim().slice(0, 80)])
    .filter((h) => h[0]) : [];
  const errors = (root) => root ? [...root.querySelectorAll(
      '.katex-error, .MathJax_Error, [data-mjx-error], mjx-merror, merror, .merror, '
      + '.katex [style*="cc0000"]')]
    .map((e) => [e.getAttribute('title') || e.getAttribute('data-mjx-error') || '',
                 e.textContent]) : [];
  const first = section && section.firstElementChild;
  return {
    hash: location.hash,
    notFound: !!first && /^404 - (File )?Not found$/i.test(first.textContent.trim()),
    empty: !section || section.textContent.trim() === '',
    ids: section ? [...section.querySelectorAll('[id]')].map((e) => e.id)
      .concat([...section.querySelectorAll('a[name]')].map((e) => e.getAttribute('name'))) : [],
    contentLinks: hrefs(section,
      'a:not(.anchor):not(.docsify-pagination-container a):not(.pagination-item a)'),
    sidebarLinks: hrefs(sidebar, 'a'),
    navbarLinks: hrefs(document.querySelector('.app-nav'), 'a'),
    images: imgs.map((img) => [img.getAttribute('src') || '', img.currentSrc || img.src || '',
                               img.complete, img.naturalWidth]),
    errors: errors(section),
    sidebarErrors: errors(sidebar),
    texts: texts(section),
    sidebarTexts: texts(sidebar),
  };
}
"""

RAW_TEX = re.compile(
    r"\$\$?[^$\n]{0,200}?(?:\\[A-Za-z]+|[_^]\{?)[^$\n]{0,200}?\$\$?"
    r"|\\(?:frac|sum|prod|int|mathbf|mathrm|mathcal|left|right|begin|end|alpha|beta|gamma|delta|"
    r"theta|lambda|sigma|partial|cdot|times|hat|bar|sqrt|log|exp|infty|nabla|pi|mu|epsilon|"
    r"omega|phi|boldsymbol|text|operatorname|leq|geq|mid|quad|approx|sim|ldots|cdots)(?![A-Za-z])"
)


# ---------------------------------------------------------------------------------------------
# Records


@dataclass(frozen=True, order=True)
class Defect:
    """What a reader meets on one page."""

    page: str
    kind: str
    target: str
    detail: str = ""
    lines: tuple[int, int] | None = None


@dataclass
class Asset:
    url: str
    package: str = ""
    served: str = ""
    problem: str = ""


@dataclass
class Book:
    path: Path
    root: Path
    index: Path
    docsify: str = ""
    docsify_major: int = 4
    scripts: list[str] = field(default_factory=list)
    plugins: dict[str, str] = field(default_factory=dict)
    absent: set[str] = field(default_factory=set)
    relative_path: bool = False


# ---------------------------------------------------------------------------------------------
# The site: root, index.html, packages


class _IndexParser(HTMLParser):
    """Script/stylesheet URLs and inline scripts of index.html (HTML comments never reach us)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.urls: list[str] = []
        self.inline: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "script":
            self._in_script = True
            if values.get("src"):
                self.urls.append(str(values["src"]))
        elif tag == "link" and values.get("href"):
            self.urls.append(str(values["href"]))

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script and data.strip():
            self.inline.append(data)


def find_site_root(book: Path) -> Path:
    """The folder of the shallowest index.html that configures `window.$docsify`."""
    found = []
    for index in book.rglob("index.html"):
        rel = index.relative_to(book).parts
        if any(p in SKIP_DIRS or p.startswith(".") for p in rel[:-1]):
            continue
        text = index.read_text(encoding="utf-8", errors="replace")
        if re.search(r"\$docsify\s*=", text):
            found.append((len(rel), 0 if rel[0] == "docs" else 1, index))
    if not found:
        raise SystemExit(f"{book}: no index.html sets window.$docsify")
    return sorted(found)[0][2].parent


def split_cdn(url: str) -> tuple[str, str, str, str] | None:
    """(host, package, version spec, file) of a CDN address; None when it is not one."""
    if url.startswith("//"):
        url = "https:" + url
    parts = urlsplit(url)
    host = parts.hostname or ""
    path = unquote(parts.path)
    if host in ("cdn.jsdelivr.net", "fastly.jsdelivr.net"):
        m = re.match(r"^/npm/((?:@[^/@]+/)?[^/@]+)(?:@([^/]*))?(?:/(.*))?$", path)
        if m:
            return host, m.group(1), m.group(2) or "", m.group(3) or ""
        return None
    if host == "unpkg.com":
        m = re.match(r"^/((?:@[^/@]+/)?[^/@]+)(?:@([^/]*))?(?:/(.*))?$", path)
        if m:
            return host, m.group(1), m.group(2) or "", m.group(3) or ""
        return None
    if host == "cdnjs.cloudflare.com":
        m = re.match(r"^/ajax/libs/([^/]+)/([^/]+)/(.*)$", path)
        if m:
            return host, m.group(1).lower(), m.group(2), m.group(3)
    return None


class Packages:
    """CDN packages from the npm registry, pinned, unpacked under CACHE/node/<name@version>."""

    def __init__(self) -> None:
        (CACHE / "node").mkdir(parents=True, exist_ok=True)
        self.versions_file = CACHE / "versions.json"
        try:
            self.versions: dict[str, str] = json.loads(self.versions_file.read_text())
        except (OSError, ValueError):
            self.versions = {}
        self.failed: dict[str, str] = {}
        self.lock = threading.Lock()

    def version(self, name: str, spec: str) -> str | None:
        """The exact version `name@spec` names in the registry (remembered in the cache)."""
        key = f"{name}@{spec or 'latest'}"
        if key in self.versions:
            return self.versions[key]
        if key in self.failed:
            return None
        done = subprocess.run(
            ["npm", "view", key, "version", "--json"], capture_output=True, text=True, timeout=120
        )
        try:
            value = (
                json.loads(done.stdout) if done.returncode == 0 and done.stdout.strip() else None
            )
        except ValueError:
            value = None
        if isinstance(value, list):  # a range: the highest release in it, as the CDNs serve
            value = max(value, key=_semver) if value else None
        if not isinstance(value, str):
            self.failed[key] = (done.stderr or "no such version").strip().splitlines()[0:1][0]
            return None
        self.versions[key] = value
        self.versions_file.write_text(json.dumps(self.versions, indent=1, sort_keys=True))
        return value

    def folder(self, name: str, version: str) -> Path | None:
        """The unpacked package (npm pack + tar, no dependencies, no install scripts)."""
        target = CACHE / "node" / f"{name.replace('/', '+')}@{version}"
        if (target / "package.json").is_file():
            return target
        key = f"{name}@{version}"
        if key in self.failed:
            return None
        with tempfile.TemporaryDirectory(dir=CACHE) as tmp:
            done = subprocess.run(
                ["npm", "pack", key, "--silent", "--pack-destination", tmp],
                capture_output=True,
                text=True,
                timeout=300,
            )
            tarballs = list(Path(tmp).glob("*.tgz"))
            if done.returncode != 0 or not tarballs:
                self.failed[key] = (done.stderr.strip() or "npm pack failed")[:200]
                return None
            unpack = Path(tmp) / "x"
            with tarfile.open(tarballs[0]) as tar:
                tar.extractall(unpack, filter="data")
            inner = next(p for p in unpack.iterdir() if p.is_dir())
            inner.rename(target)
        return target

    def resolve(self, url: str) -> tuple[Path | None, str, str]:
        """(local file, `name@version`, problem) for a CDN address."""
        cdn = split_cdn(url)
        if cdn is None:
            return None, "", "not an npm address"
        host, name, spec, file = cdn
        with self.lock:
            version = self.version(name, spec)
            if version is None:
                key = f"{name}@{spec or 'latest'}"
                return None, key, f"registry: {self.failed.get(key)}"
            folder = self.folder(name, version)
        label = f"{name}@{version}"
        if folder is None:
            return None, label, f"npm pack failed: {self.failed.get(label, '')}"
        local = _package_file(folder, file, host)
        if local is None:
            return None, label, f"no file {file or '(entry)'} in the package"
        return local, label, ""


def _semver(version: str) -> tuple[int, ...]:
    """Sort key of a version: numeric parts, a pre-release below its release."""
    core, _, pre = version.partition("-")
    numbers = tuple(int(n) if n.isdigit() else 0 for n in core.split("."))
    return (*numbers, 0 if pre else 1)


def _package_file(folder: Path, file: str, host: str) -> Path | None:
    """The file a CDN serves for `file` in a package (its default entry when empty)."""
    if not file:
        meta = json.loads((folder / "package.json").read_text(encoding="utf-8"))
        fields = (
            ("jsdelivr", "browser", "main") if "jsdelivr" in host else ("unpkg", "browser", "main")
        )
        entry = next((meta[f] for f in fields if isinstance(meta.get(f), str)), "index.js")
        file = entry.removeprefix("./")
    candidates = [file, file + ".js", file + "/index.js"]
    if file.endswith(".min.js"):  # jsdelivr minifies on the fly
        candidates.append(file[: -len(".min.js")] + ".js")
    if file.endswith(".min.css"):
        candidates.append(file[: -len(".min.css")] + ".css")
    for name in candidates:
        local = (folder / name).resolve()
        if local.is_file() and folder.resolve() in local.parents:
            return local
    return None


def read_book(path: Path) -> Book:
    root = find_site_root(path)
    index = root / "index.html"
    parser = _IndexParser()
    html = index.read_text(encoding="utf-8", errors="replace")
    parser.feed(html)
    book = Book(path=path, root=root, index=index, scripts=parser.urls)
    inline = "\n".join(parser.inline)
    book.relative_path = bool(re.search(r"relativePath\s*:\s*true", inline))
    for url in parser.urls:
        cdn = split_cdn(url)
        if cdn is None:
            if re.search(r"docsify(\.min)?\.js$", url):
                book.docsify = f"local {url}"
            continue
        _, name, spec, file = cdn
        book.plugins[name] = spec or "latest"
        if name == "docsify" and (re.search(r"(^|/)docsify(\.min)?\.js$", file) or not file):
            book.docsify = f"docsify@{spec or 'latest'}/{file}"
            # docsify 5 is only the dist/ build; lib/ of every tag is docsify 4 (DESIGN).
            book.docsify_major = 5 if file.startswith("dist/") else 4
    absent = path.parent / f"{path.name}.absent"
    if absent.is_file():
        rel = root.relative_to(path).as_posix()
        for line in absent.read_text(encoding="utf-8").splitlines():
            if not line:
                continue
            if rel in (".", ""):
                book.absent.add(line)
            elif line.startswith(rel + "/"):
                book.absent.add(line[len(rel) + 1 :])
    return book


# ---------------------------------------------------------------------------------------------
# Serving and browsing


class _Handler(http.server.SimpleHTTPRequestHandler):
    log: list[tuple[str, int]]

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        self.log.append(
            (unquote(urlsplit(self.path).path), int(code) if str(code).isdigit() else 0)
        )

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


class _QuietServer(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        pass  # the browser drops connections when it moves to the next page


@contextlib.contextmanager
def serve(root: Path):  # type: ignore[no-untyped-def]
    log: list[tuple[str, int]] = []
    handler = type("Handler", (_Handler,), {"log": log})
    server = _QuietServer(("127.0.0.1", 0), functools.partial(handler, directory=str(root)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/", log
    finally:
        server.shutdown()
        server.server_close()


def md_routes(root: Path) -> list[str]:
    """The docsify route of every .md page under the site root (`_sidebar.md` and kin excluded)."""
    routes = []
    for path in sorted(root.rglob("*.md")):
        rel = path.relative_to(root)
        if path.name.startswith("_") or any(p in SKIP_DIRS or p.startswith(".") for p in rel.parts):
            continue
        posix = rel.as_posix()
        routes.append(
            "/" + (posix[: -len("README.md")] if path.name == "README.md" else posix[:-3])
        )
    return routes


def route_file(route: str) -> str:
    path = route.lstrip("/")
    if path == "" or path.endswith("/"):
        return f"{path}README.md"
    return path if path.endswith(".md") else f"{path}.md"


def split_route(href: str) -> tuple[str, str | None] | None:
    """(route, id) of a rendered docsify link `#/a/b?id=x`; None when it is not one."""
    if not href.startswith("#/"):
        return None
    parts = urlsplit(href[1:])
    ids = parse_qs(parts.query).get("id")
    return unquote(parts.path), ids[0] if ids else None


def nearest(root: Path, page: str, name: str) -> str:
    """The `_sidebar.md`/`_navbar.md` docsify shows with a page: its folder's, else a parent's."""
    folder = Path(page).parent
    while True:
        candidate = (folder / name).as_posix().lstrip("./") if folder != Path(".") else name
        if (root / candidate).is_file():
            return candidate
        if folder == Path("."):
            return name
        folder = folder.parent


def locate(source: str, needle: str) -> tuple[int, int] | None:
    """1-based (first, last) lines where `needle` (TeX as rendered) sits in a page's source."""
    needle = needle.strip().strip("$").strip()
    if not needle:
        return None
    tries = [needle, needle[:40], needle[:20]]
    commands = re.findall(r"\\[A-Za-z]+(?:\{[^{}]{0,20}\})?", needle)
    tries += sorted(commands, key=len, reverse=True)[:2]
    for attempt in tries:
        if len(attempt) < 3:
            continue
        at = source.find(attempt)
        if at < 0:
            # The page may hold the TeX with other line breaks or spacing.
            pattern = r"\s*".join(re.escape(c) for c in attempt if not c.isspace())
            found = re.search(pattern, source) if len(attempt) < 400 else None
            if not found:
                continue
            at, end = found.start(), found.end()
        else:
            end = at + len(attempt)
        first = source.count("\n", 0, at) + 1
        last = first + source.count("\n", at, max(at, end - 1))
        return first, max(first, last + needle.count("\n") if attempt != needle else last)
    return None


def locate_text(source: str, text: str) -> tuple[int, int] | None:
    """1-based line span of a rendered text node in the source: by its longest plain run.

    Markdown removes `_`/`*` and `\\`, docsify-katex adds its markers: the runs between such
    characters are searched, longest first, and one found exactly once places the node.
    """
    plain = re.sub(
        r"c194a9e[b-g]|<!--\s*(?:begin|end)-(?:inline|block)-katex|"
        r"(?:begin|end)-(?:inline|block)-katex\s*-->",
        "\n",
        text,
    )
    runs = sorted((r.strip() for r in re.split(r"[\\$_^*{}\n<>`]", plain)), key=len, reverse=True)
    for run in runs:
        if len(run) < 6:
            break
        at = source.find(run)
        if at >= 0 and source.find(run, at + 1) < 0:
            line = source.count("\n", 0, at) + 1
            return line, line + run.count("\n")
    return None


class Browser:
    """One Chromium context that answers CDN requests from the cached npm packages."""

    def __init__(self, playwright: object, packages: Packages) -> None:
        self.packages = packages
        self.assets: dict[str, Asset] = {}
        self.blocked: set[str] = set()
        self.blocked_log: list[str] = []
        self.errors: list[str] = []
        browser = playwright.chromium.launch(  # type: ignore[attr-defined]
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_FLAGS
        )
        self.browser = browser
        self.context = browser.new_context()
        self.context.add_init_script(_INIT_SCRIPT)
        self.context.route(
            re.compile(r"^(?!https?://(127\.0\.0\.1|localhost)[:/])[a-z]+://"), self._route
        )
        self.page = self.context.new_page()
        self.page.on("pageerror", lambda error: self.errors.append(str(error)[:300]))

    def close(self) -> None:
        self.context.close()
        self.browser.close()

    def _route(self, route: object) -> None:
        url = route.request.url  # type: ignore[attr-defined]
        host = urlsplit(url).hostname or ""
        if host not in CDN_HOSTS:
            self.blocked.add(url)
            page_like = host == "raw.githubusercontent.com" or re.search(
                r"(\.md|/README|/CHANGELOG)$", urlsplit(url).path, re.IGNORECASE
            )
            if page_like and route.request.resource_type in ("fetch", "xhr"):  # type: ignore[attr-defined]
                self.blocked_log.append(url)  # a page docsify asked for (an alias, :include)
            route.abort()  # type: ignore[attr-defined]
            return
        asset = self.assets.get(url)
        if asset is None:
            local, label, problem = self.packages.resolve(url)
            asset = Asset(url, label, str(local or ""), problem)
            self.assets[url] = asset
        if not asset.served:
            route.abort()  # type: ignore[attr-defined]
            return
        local = Path(asset.served)
        ctype = mimetypes.guess_type(local.name)[0] or "application/octet-stream"
        if local.suffix in (".js", ".mjs"):
            ctype = "application/javascript"
        route.fulfill(  # type: ignore[attr-defined]
            status=200,
            body=local.read_bytes(),
            headers={"Content-Type": ctype, "Access-Control-Allow-Origin": "*"},
        )

    def visit(self, base: str, route: str) -> dict[str, object] | None:
        """Show a route, wait for docsify's render (or 404), settle it and read it."""
        page = self.page
        try:
            if not page.url.startswith(base):
                page.goto(f"{base}#{route}")
            else:
                page.evaluate(
                    """(hash) => {
                      window.__kbBefore = window.__kbDone || 0;
                      const s = document.querySelector('.markdown-section');
                      if (s) s.innerHTML = '';
                      location.hash = hash;
                    }""",
                    f"#{route}",
                )
            page.wait_for_function(
                """(route) => {
                  const section = document.querySelector('.markdown-section');
                  const vm = window.__kbVm;
                  if (!section || !vm) return false;
                  let shown = (vm.route && vm.route.path)
                    || decodeURIComponent(location.hash.slice(1).split('?')[0]);
                  try { shown = decodeURIComponent(shown); } catch (e) { /* as is */ }
                  if (shown !== route) return false;
                  const first = section.firstElementChild;
                  const text = first ? first.textContent.trim() : '';
                  if (/^404 - (File )?Not found$/i.test(text)) return true;
                  const done = (window.__kbDone || 0) > (window.__kbBefore || 0);
                  return done && section.children.length > 0;
                }""",
                arg=route,
                timeout=RENDER_TIMEOUT_MS,
            )
        except Exception as error:  # noqa: BLE001 - a page that never renders is recorded
            self.errors.append(f"{route}: {str(error).splitlines()[0][:200]}")
            with contextlib.suppress(Exception):
                page.goto("about:blank")
            return None
        return page.evaluate(_READ_PAGE)  # type: ignore[no-any-return]


def browse(book: Book, browser: Browser) -> tuple[list[Defect], dict[str, object]]:
    """Every page of the site in the browser: the defects a reader meets, and what was seen."""
    root = book.root
    defects: set[Defect] = set()
    views: dict[str, dict[str, object] | None] = {}
    with serve(root) as (base, log):
        queue = md_routes(root)
        queued = set(queue)
        links: dict[tuple[str, str], tuple[str, str]] = {}  # (page, href) -> (absolute, text)
        remote: set[str] = set()
        browser.page.goto("about:blank")
        while queue:
            route = queue.pop(0)
            start, refused = len(log), len(browser.blocked_log)
            began = time.monotonic()
            view = browser.visit(base, route)
            if browser.blocked_log[refused:]:
                # An `alias` to a remote page: no network here, so nothing to judge on it.
                remote.add(route)
                views[route] = None
                continue
            if VERBOSE:
                print(f"  {route}: {time.monotonic() - began:.1f} s", file=sys.stderr)
            views[route] = view
            if view is None or view["notFound"]:
                continue
            fetched = [
                p
                for p, code in log[start:]
                if code == 200 and p.endswith(".md") and not Path(p).name.startswith("_")
            ]
            page = fetched[0].lstrip("/") if fetched else route_file(route)
            sidebar = nearest(root, page, "_sidebar.md")
            source = _read(root / page)
            for kind, origin in (
                ("contentLinks", page),
                ("sidebarLinks", sidebar),
                ("navbarLinks", "_navbar.md"),
            ):
                for href, absolute, text in view[kind]:  # type: ignore[attr-defined]
                    if href.startswith("#") and not href.startswith("#/"):
                        href = f"#{route}?id={href[1:]}"
                    links.setdefault((origin, href), (absolute, text))
                    target = split_route(href)
                    if target and target[0] not in queued:
                        queued.add(target[0])
                        queue.append(target[0])
            found: set[Defect] = set()
            _page_defects(book, page, view, source, base, found)
            if any(d.kind in ("raw-tex", "placeholder") for d in found):
                # Raw TeX may be a typesetter still at work (MathJax on a busy machine): only
                # what a fresh load of the page also shows counts.
                browser.page.goto("about:blank")
                again = browser.visit(base, route)
                if again is not None and not again["notFound"]:
                    found = set()
                    _page_defects(book, page, again, source, base, found)
            defects |= found
        for (origin, href), (absolute, text) in sorted(links.items()):
            target = split_route(href)
            if target is None:
                _file_link(book, origin, href, absolute, base, defects)
                continue
            if target[0] in remote:
                continue
            view = views.get(target[0])
            stem = _stem(target[0])
            if view is None or view["notFound"]:
                defects.add(Defect(origin, "link-404", stem, f"{unquote(href)} [{text}]"))
            elif target[1] is not None and target[1] not in view["ids"]:  # type: ignore[operator]
                defects.add(
                    Defect(origin, "anchor-missing", target[1], f"{unquote(href)} [{text}]")
                )
    defects = _merge_math(defects)
    seen = {
        "pages": sum(1 for v in views.values() if v is not None and not v["notFound"]),
        "not_found_routes": sorted(r for r, v in views.items() if v is not None and v["notFound"]),
        "unrendered_routes": sorted(r for r, v in views.items() if v is None and r not in remote),
        "remote_routes": sorted(remote),
        "links": len(links),
    }
    return sorted(defects), seen


def _merge_math(defects: set[Defect]) -> set[Defect]:
    """One math defect per (page, kind, source lines): a broken formula shows in many nodes."""
    kept: dict[tuple[object, ...], Defect] = {}
    for d in sorted(defects):
        key = (d.page, d.kind, d.lines) if d.kind != "math-error" and d.lines else (d,)
        kept.setdefault(key, d)
    return set(kept.values())


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""


def _stem(path: str) -> str:
    """The last segment of a route or file path, without .md; a folder or its README: `name/`."""
    path = unquote(path.split("?")[0].split("#")[0]).strip().replace("\\", "/")
    path = re.sub(r"(^|/)readme(\.md)?$", r"\1", path, flags=re.IGNORECASE)
    path = re.sub(r"(^|/)\.(/|$)", r"\1", re.sub(r"(/\.)+/", "/", path))
    if path in ("", ".", "/"):
        return "/"
    if path.endswith("/"):
        return path.rstrip("/").split("/")[-1] + "/"
    last = path.split("/")[-1]
    return last[:-3] if last.lower().endswith(".md") else last


def _local_path(absolute: str, base: str) -> str | None:
    if not absolute.startswith(base):
        return None
    return unquote(urlsplit(absolute).path).lstrip("/")


def _file_link(
    book: Book, origin: str, href: str, absolute: str, base: str, defects: set[Defect]
) -> None:
    """A link that leaves docsify's router for a file of the site: is the file there?"""
    rel = _local_path(absolute, base)
    if rel is None or rel == "" or href.startswith(("http:", "https:", "mailto:", "javascript:")):
        return
    if rel in book.absent:
        return
    if not (book.root / rel).exists():
        defects.add(Defect(origin, "link-404", _stem(rel), f"{href} -> /{rel}"))


def _page_defects(
    book: Book, page: str, view: dict[str, object], source: str, base: str, defects: set[Defect]
) -> None:
    for written, absolute, complete, width in view["images"]:  # type: ignore[attr-defined]
        if absolute.startswith("data:"):
            continue
        rel = _local_path(absolute, base)
        if rel is None:
            continue  # an external image: not this harness's to judge (no network)
        if rel in book.absent:
            continue
        if not (book.root / rel).is_file() or (complete and width == 0):
            defects.add(
                Defect(page, "image-broken", _stem(written or rel), f"src {written!r} -> /{rel}")
            )
    for where, key in ((page, "errors"), (page, "sidebarErrors")):
        for message, tex in view[key]:  # type: ignore[attr-defined]
            lines = locate(source, tex)
            defects.add(Defect(where, "math-error", tex.strip()[:200], message[:200], lines))
    for key in ("texts", "sidebarTexts"):
        for text in view[key]:  # type: ignore[attr-defined]
            if PLACEHOLDER.search(text):
                snippet = text.strip()[:120]
                defects.add(
                    Defect(
                        page,
                        "placeholder",
                        snippet,
                        "sidebar" if key == "sidebarTexts" else "page",
                        locate_text(source, text),
                    )
                )
                continue
            m = RAW_TEX.search(text)
            if m:  # one defect per text node: the first TeX-looking run in it
                snippet = m.group(0)
                around = text[max(0, m.start() - 30) : m.end() + 30].strip()
                defects.add(
                    Defect(
                        page,
                        "raw-tex",
                        snippet[:120],
                        ("sidebar: " if key == "sidebarTexts" else "") + around[:160],
                        locate_text(source, text) or locate(source, snippet),
                    )
                )


# ---------------------------------------------------------------------------------------------
# kb and matching


def kb_command() -> list[str]:
    value = os.environ.get("KB")
    if value:
        return shlex.split(value)
    return [str(REPO / ".venv" / "bin" / "kb")]


def run_kb(book: Book) -> tuple[list[dict[str, object]], str]:
    done = subprocess.run(
        [*kb_command(), "lint", "--format", "json"],
        cwd=book.path,
        capture_output=True,
        text=True,
        timeout=1800,
    )
    try:
        findings = json.loads(done.stdout) if done.stdout.strip() else []
    except ValueError:
        return [], f"kb printed no JSON (exit {done.returncode}): {done.stderr[-500:]}"
    return findings, done.stderr[-2000:]


LINK_CODES = {"LNK001", "LNK002", "LNK003", "LNK004", "LNK005", "LNK006", "LNK008"}


def _quoted_values(message: str) -> list[str]:
    out = []
    for m in re.finditer(r"'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"", message):
        with contextlib.suppress(ValueError, SyntaxError):
            out.append(str(ast.literal_eval(m.group(0))))
    return out


_QUOTED = r"'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\""


def _written_target(message: str) -> str:
    """The link target as written, from a LNK message (`… (link 'x')`, `'x' names …`, …)."""
    for pattern in (rf"\(link ({_QUOTED})\)$", rf"^({_QUOTED})", rf"^target ({_QUOTED})"):
        m = re.search(pattern, message)
        if m:
            with contextlib.suppress(ValueError, SyntaxError):
                return str(ast.literal_eval(m.group(1)))
    m = re.match(r"^(\S+) is empty", message)  # LNK008 names the page, not the link
    if m:
        return m.group(1)
    m = re.search(_QUOTED, message)  # any other wording: the first value it quotes
    if m:
        with contextlib.suppress(ValueError, SyntaxError):
            return str(ast.literal_eval(m.group(0)))
    return ""


def classify(finding: dict[str, object], book: Book) -> tuple[str, str, str, str | None]:
    """(site-relative page, class, key, id) of a kb finding."""
    path = (book.path / str(finding["path"])).resolve()
    try:
        page = path.relative_to(book.root.resolve()).as_posix()
    except ValueError:
        page = "../" + str(finding["path"])
    code = str(finding["code"])
    message = str(finding.get("message", ""))
    quoted = _quoted_values(message)
    if code.startswith("ANC"):
        return page, "anchor", unquote(quoted[0]) if quoted else "", None
    if code in LINK_CODES:
        target = _written_target(message)
        line = _read(path).splitlines()[int(finding["line"]) - 1 : int(finding["line"])]  # type: ignore[call-overload]
        before = line[0][: int(finding["column"]) + 1] if line else ""  # type: ignore[call-overload]
        # An image when the nearest opener left of the column is an image's.
        openers = {t: before.rfind(t) for t in ("![", "<img", "[", "<a ", "href=")}
        if openers["!["] >= 0 and openers["["] == openers["!["] + 1:
            openers["["] = -1  # the `[` of the `![` itself
        nearest_opener = max(openers, key=lambda t: openers[t])
        image = message.startswith("image") or (
            openers[nearest_opener] >= 0 and nearest_opener in ("![", "<img")
        )
        target = target.strip().strip("<>")
        ident = None
        m = re.search(r"[?&]id=([^&#]*)|#(.+)$", target)
        if m:
            ident = unquote(m.group(1) or m.group(2))
        return page, "image" if image else "link", _stem(target.split()[0] if target else ""), ident
    if code.startswith("MTH"):
        return page, "math", "", None
    return page, "none", "", None


DEFECT_CLASS = {
    "link-404": "link",
    "anchor-missing": "anchor",
    "image-broken": "image",
    "math-error": "math",
    "raw-tex": "math",
    "placeholder": "math",
}


def _math_places(defect: Defect, book: Book) -> list[tuple[int, int]]:
    """Every place of a math defect's TeX in its page: the same formula often recurs on a page
    (`\\textcircled{1}`), and the browser reports each rendering, located at the first."""
    places = [defect.lines] if defect.lines is not None else []
    if defect.kind != "math-error" or defect.lines is None:
        return places
    source = _read(book.root / defect.page)
    needle = defect.target.strip().strip("$").strip()
    at = source.find(needle) if len(needle) >= 3 else -1
    while at >= 0:
        first = source.count("\n", 0, at) + 1
        places.append((first, first + needle.count("\n")))
        at = source.find(needle, at + 1)
    return places


def match(findings: list[dict[str, object]], defects: list[Defect], book: Book) -> None:
    """Mark each finding with the defects it matches (the rule is in the module docstring)."""
    for f in findings:
        page, cls, key, ident = classify(f, book)
        f["page"], f["class"], f["key"] = page, cls, key
        f["matches"] = []
        for i, d in enumerate(defects):
            if d.page != page or DEFECT_CLASS[d.kind] != cls:
                continue
            if cls == "anchor" or cls == "image" or cls == "link":
                ok = d.target == key
            elif d.lines is None:
                # Text the browser shows but the harness cannot place in the source (placeholder
                # pieces): a finding that a formula is lost or TeX left out, on that page, is it.
                ok = str(f["code"]) in ("MTH020", "MTH022")
            else:
                line = int(f["line"])  # type: ignore[call-overload]
                ok = any(
                    first - MATH_WIDEN <= line <= last + MATH_WIDEN
                    for first, last in _math_places(d, book)
                )
            if ok:
                f["matches"].append(i)  # type: ignore[attr-defined]


# ---------------------------------------------------------------------------------------------
# One book, the table


def measure(path: Path, browser: Browser | None, results: Path) -> dict[str, object]:
    """Browse one book (or, without a browser, reuse its last browse), run kb, match, save."""
    book = read_book(path)
    saved = results / f"{path.name}.json"
    if browser is None:
        old = json.loads(saved.read_text(encoding="utf-8"))
        defects = [
            Defect(
                d["page"],
                d["kind"],
                d["target"],
                d["detail"],
                tuple(d["lines"]) if d["lines"] else None,
            )
            for d in old["defects"]
        ]
        seen, browsed = old["seen"], old["browse_seconds"]
        assets = [Asset(**a) for a in old["assets"]]
        blocked, page_errors = old["blocked_requests"], old["page_errors"]
    else:
        started = time.monotonic()
        browser.errors.clear()
        defects, seen = browse(book, browser)
        browsed = time.monotonic() - started
        assets = list(browser.assets.values())
        blocked, page_errors = sorted(browser.blocked)[:200], browser.errors[:100]
    findings, kb_stderr = run_kb(book)
    # The snapshot's missing files are nobody's finding either.
    findings = [f for f in findings if not _about_absent(f, book)]
    match(findings, defects, book)
    failing = [f for f in findings if f.get("severity") == "error"]
    true_failing = [f for f in failing if f["matches"]]
    recalled = {i for f in failing for i in f["matches"]}  # type: ignore[attr-defined]
    recalled_any = {i for f in findings for i in f["matches"]}  # type: ignore[attr-defined]
    summary = {
        "book": path.name,
        "findings": len(findings),
        "failing": len(failing),
        "failing_real": len(true_failing),
        "precision": round(len(true_failing) / len(failing), 3) if failing else None,
        "defects": len(defects),
        "recalled": len(recalled),
        "recall": round(len(recalled) / len(defects), 3) if defects else None,
        "recalled_any_severity": len(recalled_any),
    }
    site_rel = book.root.relative_to(book.path).as_posix()
    detail = {
        "summary": summary,
        "site_root": site_rel,
        "docsify": book.docsify,
        "docsify_major": book.docsify_major,
        "packages": book.plugins,
        "relative_path": book.relative_path,
        "absent_files_excluded": len(book.absent),
        "browse_seconds": round(browsed, 1),
        "seen": seen,
        "assets": [asdict(a) for a in assets],
        "unservable_assets": [asdict(a) for a in assets if a.problem],
        "blocked_requests": blocked,
        "page_errors": page_errors,
        "kb": kb_command(),
        "kb_stderr": kb_stderr,
        "defects": [
            {
                **asdict(d),
                "found_by": [
                    f"{f['path']}:{f['line']}:{f['column']}: {f['code']} {f['message']}"
                    for f in findings
                    if i in f["matches"]
                ],
            }  # type: ignore[operator]
            for i, d in enumerate(defects)
        ],
        "missed_defects": [asdict(d) for i, d in enumerate(defects) if i not in recalled],
        "false_failing_findings": [
            {k: f[k] for k in ("path", "line", "column", "code", "message", "page", "class", "key")}
            for f in failing
            if not f["matches"]
        ],
        "findings": findings,
    }
    results.mkdir(parents=True, exist_ok=True)
    saved.write_text(json.dumps(detail, ensure_ascii=False, indent=1), encoding="utf-8")
    return detail


def _about_absent(finding: dict[str, object], book: Book) -> bool:
    if not book.absent or not str(finding["code"]).startswith("LNK"):
        return False
    return any(Path(a).name in str(finding.get("message", "")) for a in book.absent)


def _pct(value: object) -> str:
    return "-" if value is None else f"{float(value) * 100:.1f}%"  # type: ignore[arg-type]


def print_table(rows: list[dict[str, object]]) -> None:
    head = (
        "book",
        "findings",
        "failing",
        "real",
        "precision",
        "defects",
        "found",
        "recall",
        "found(any)",
    )
    table = [head] + [
        (
            r["book"],
            r["findings"],
            r["failing"],
            r["failing_real"],
            _pct(r["precision"]),
            r["defects"],
            r["recalled"],
            _pct(r["recall"]),
            r["recalled_any_severity"],
        )
        for r in rows
    ]
    widths = [max(len(str(row[i])) for row in table) for i in range(len(head))]
    for row in table:
        print(
            "  ".join(
                str(c).ljust(w) if i == 0 else str(c).rjust(w)
                for i, (c, w) in enumerate(zip(row, widths, strict=True))
            )
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "books", nargs="+", type=Path, help="checkouts of docsify book repositories"
    )
    parser.add_argument(
        "--results",
        type=Path,
        default=RESULTS,
        help=f"folder for the per-book JSON (default {RESULTS})",
    )
    parser.add_argument(
        "--reuse-browse",
        action="store_true",
        help="judge kb against the defects of the last run saved in the results "
        "folder instead of browsing again (fast, for a changed kb)",
    )
    args = parser.parse_args(argv)
    if args.reuse_browse:
        rows = [measure(p.resolve(), None, args.results)["summary"] for p in args.books]
        print_table(rows)  # type: ignore[arg-type]
        return 0
    if not CHROMIUM.exists():
        print(f"{CHROMIUM} is missing: apt-get install chromium", file=sys.stderr)
        return 2
    from playwright.sync_api import sync_playwright

    packages = Packages()
    rows = []
    with sync_playwright() as playwright:
        for path in args.books:
            browser = Browser(playwright, packages)
            try:
                detail = measure(path.resolve(), browser, args.results)
            finally:
                browser.close()
            summary = detail["summary"]
            rows.append(summary)  # type: ignore[arg-type]
            print(
                f"{path.name}: root {detail['site_root']}, {detail['docsify']}, "
                f"{detail['seen']['pages']} pages in {detail['browse_seconds']} s, "  # type: ignore[index]
                f"{len(detail['unservable_assets'])} unservable assets",
                file=sys.stderr,
            )  # type: ignore[arg-type]
    print_table(rows)
    print(f"detail: {args.results}/<book>.json")
    return 0


if __name__ == "__main__":
    sys.exit(main())
