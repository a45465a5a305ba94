"""The docsify site: which file a link names, and the heading ids of every page."""

from __future__ import annotations

import functools
import hashlib
import json
import os
import posixpath
import re
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from toolkit.document import Document, decode, parse
from toolkit.errors import KbError
from toolkit.fileio import read_file, safe_resolve, write_atomic
from toolkit.question_headings import is_question, plain_title, question_key, split_number
from toolkit.slug import docsify_base_slug, docsify_ids, github_ids, heading_options

# An absolute URL or protocol-relative link: docsify leaves these alone (its isAbsolutePath).
_EXTERNAL = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:|^//")
_ASSET_SUFFIX = re.compile(r"\.(?!md$|html$)[A-Za-z0-9]{1,5}$")
_INDEX_FORMAT = 5


@dataclass(frozen=True, slots=True)
class Route:
    """Where a link lands: a file of the site (maybe outside it) and an optional heading id."""

    path: str | None
    """Site-relative POSIX path of the file; starts with `../` when it escapes the root;
    None for a same-page anchor or an external link."""
    anchor: str | None
    external: bool = False
    folder_route: bool = False
    """The link named a folder with a trailing `/` (docsify serves its README.md)."""
    bare: str = ""
    """The path part as written, percent-decoded, without query or fragment."""


def _split(target: str) -> tuple[str, str, str]:
    """Path, query and fragment of a link target."""
    parts = urlsplit(target)
    return unquote(parts.path), parts.query, unquote(parts.fragment)


@functools.lru_cache(maxsize=65536)
def docsify_route(target: str, page: str, *, image: bool = False, html: bool = False) -> Route:
    """Resolve a link on `page` (site-relative) the way docsify 4 does (relativePath: false)."""
    if _EXTERNAL.match(target):
        return Route(None, None, external=True)
    if target.startswith("#/"):
        target = target[1:]
    elif target.startswith("#"):
        return Route(None, unquote(target[1:]) or None)
    path, query, fragment = _split(target)
    anchor = fragment or (parse_qs(query).get("id", [None])[0] if query else None)
    if not path:
        return Route(None, anchor)
    if image and not path.startswith("/"):
        # docsify resolves images from the page's folder, links from the site root.
        path = posixpath.join(posixpath.dirname(page), path)
    base = path.lstrip("/")
    folder = path.endswith("/") or path == "/"
    if html or image or _ASSET_SUFFIX.search(base):
        resolved = base
    elif folder:
        resolved = base + "README.md"
    elif base.endswith((".md", ".html")):
        resolved = base
    else:
        resolved = base + ".md"
    return Route(_normalise(resolved), anchor, folder_route=folder, bare=path)


@functools.lru_cache(maxsize=65536)
def github_route(target: str, page: str) -> Route:
    """Resolve a link on `page` the way GitHub's file view does: relative to the file."""
    if _EXTERNAL.match(target):
        return Route(None, None, external=True)
    path, _query, fragment = _split(target)
    if not path:
        return Route(None, fragment or None)
    if path.startswith("/"):
        return Route(None, None, external=True)  # repository-absolute: outside what we can see
    joined = posixpath.join(posixpath.dirname(page), path)
    return Route(_normalise(joined), fragment or None, folder_route=path.endswith("/"), bare=path)


def _normalise(path: str) -> str:
    normal = posixpath.normpath(path) if path else "."
    return "" if normal == "." else normal


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


@dataclass(frozen=True, slots=True)
class QuestionRef:
    """A question heading as the book-wide duplicate check needs it."""

    key: str
    """Text normalised for width, case, punctuation and spaces."""
    line: int
    column: int
    text: str


def page_ids(doc: Document, rel: str, docsify_version: int = 4) -> PageIds:
    """Compute a page's heading ids in every profile, and the pages it links to."""
    titles = [heading_options(h.html) for h in doc.headings]
    bases = [docsify_base_slug(t.custom_id or t.title, docsify_version) for t in titles]
    ids = docsify_ids([h.html for h in doc.headings], docsify_version)
    counts = Counter(bases)
    links = set()
    for link in doc.links:
        if link.kind in ("inline", "reference"):
            route = docsify_route(link.target, rel)
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
    )


def _question_refs(doc: Document) -> Iterator[QuestionRef]:
    for heading in doc.headings:
        if is_question(heading):
            title = plain_title(heading)
            _number, at = split_number(title)
            key = question_key(title)
            if key:
                yield QuestionRef(key, heading.line, heading.column, title[at:])


@dataclass
class Site:
    """All files under the site root, and heading ids of every Markdown page."""

    root: Path
    docsify_version: int = 4
    files: set[str] = field(default_factory=set)
    folders: set[str] = field(default_factory=set)
    _by_casefold: dict[str, str] = field(default_factory=dict)
    _symlinks: set[str] = field(default_factory=set)
    _cache_written_ns: int = 0
    _fresh: set[str] = field(default_factory=set)
    """Pages whose cache entry was checked against the file in this run."""
    _ids: dict[str, PageIds] = field(default_factory=dict)
    _cache: dict[str, dict[str, object]] = field(default_factory=dict)
    _cache_dirty: bool = False
    _first_questions: dict[str, tuple[str, list[object]]] | None = None

    @classmethod
    def scan(cls, root: Path, docsify_version: int = 4) -> Site:
        """List the files under `root` (one walk; symlinked folders are not followed)."""
        site = cls(root=root.resolve(), docsify_version=docsify_version)
        for folder, dirs, names in os.walk(site.root):
            dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d != "node_modules")
            rel_folder = os.path.relpath(folder, site.root)
            rel_folder = "" if rel_folder == "." else rel_folder.replace(os.sep, "/")
            if rel_folder:
                site.folders.add(rel_folder)
            for name in names:
                rel = f"{rel_folder}/{name}" if rel_folder else name
                site.files.add(rel)
                if os.path.islink(os.path.join(folder, name)):
                    site._symlinks.add(rel)
                site._by_casefold.setdefault(rel.casefold(), rel)
        for rel in list(site.folders):
            site._by_casefold.setdefault(rel.casefold(), rel)
        return site

    def relative(self, path: Path) -> str | None:
        """Site-relative POSIX path of a file, or None when it is outside the site."""
        try:
            return safe_resolve(path).relative_to(self.root).as_posix()
        except ValueError:
            return None

    def exists(self, rel: str) -> bool:
        return rel in self.files or rel in self.folders or rel == ""

    def case_insensitive_match(self, rel: str) -> str | None:
        """The real path that matches `rel` only when case is ignored."""
        found = self._by_casefold.get(rel.casefold())
        return found if found is not None and found != rel else None

    def pages(self) -> list[str]:
        return sorted(f for f in self.files if f.endswith(".md"))

    # Heading index -----------------------------------------------------------

    def ids(self, rel: str) -> PageIds | None:
        """Heading ids of a page, from this run, the cache, or a fresh parse."""
        if rel not in self._ids:
            entry = self._entry(rel)
            if entry is None:
                return None
            self._ids[rel] = _ids_from_json(entry)
        return self._ids[rel]

    def _entry(self, rel: str) -> dict[str, object] | None:
        """A page's index entry as JSON data, checked against the file's hash once per run.

        Large books keep thousands of entries: they stay plain JSON until a rule asks for more.
        """
        if rel in self._fresh:
            return self._cache[rel]
        if rel not in self.files:
            return None
        if rel in self._symlinks and not safe_resolve(self.root / rel).is_relative_to(self.root):
            return None  # a symlink out of the site: never read outside the root
        cached = self._cache.get(rel)
        try:
            stamp = _stamp(self.root / rel)
            if cached is not None and cached.get("stamp") == stamp and self._settled(stamp):
                self._fresh.add(rel)  # unchanged since a run that hashed it: no need to read
                return cached
            data = read_file(self.root / rel)
        except OSError:
            return None
        digest = hashlib.sha1(data).hexdigest()
        if cached is not None and cached.get("sha1") == digest:
            if cached.get("stamp") != stamp:
                cached["stamp"] = stamp
                self._cache_dirty = True
        else:
            try:
                doc = parse(decode(data, self.root / rel).text, self.root / rel)
            except KbError:
                return None
            ids = page_ids(doc, rel, self.docsify_version)
            self._ids[rel] = ids
            self._cache[rel] = {"sha1": digest, "stamp": stamp, **_ids_to_json(ids)}
            self._cache_dirty = True
        self._fresh.add(rel)
        return self._cache[rel]

    def _settled(self, stamp: list[int]) -> bool:
        """The file's mtime is safely older than the cache: an edit since would show in it.

        As git's index does against "racy" files: a change within the same clock tick as the
        cache write keeps size and mtime, so such files are hashed again.
        """
        return stamp[0] < self._cache_written_ns - 2_000_000_000

    def first_place(self, key: str, skip: Callable[[str], bool]) -> tuple[str, QuestionRef] | None:
        """Where a question (by its key) is first asked in the book, pages in path order.

        The book-wide map is built once per run from the index's plain rows; pages for which
        `skip` is true (question-list pages, excluded ones) do not count.
        """
        if self._first_questions is None:
            first: dict[str, tuple[str, list[object]]] = {}
            for rel in self.pages():
                entry = None if skip(rel) else self._entry(rel)
                rows = entry.get("questions") if entry is not None else None
                for row in rows if isinstance(rows, list) else ():
                    if isinstance(row, list) and row:
                        first.setdefault(str(row[0]), (rel, row))
            self._first_questions = first
        found = self._first_questions.get(key)
        if found is None:
            return None
        refs = list(_questions_from_json([found[1]]))
        return (found[0], refs[0]) if refs else None

    def deleted_pages(self) -> set[str]:
        """Pages the cache knew that are gone from disk (deleted or renamed since)."""
        return {rel for rel in self._cache if rel not in self.files}

    def dependents(self, changed: set[str]) -> list[str]:
        """Pages with a link into `changed` that the change may have broken.

        Such a link is re-checked when its page is gone or empty, or its anchor is no longer a
        plain id there (missing, repeated, or in a math heading); no other link can have changed.
        """

        def broken(target: str, anchor: str) -> bool:
            if not self.exists(target):
                return True
            ids = self.ids(target) if target.endswith(".md") else None
            if ids is None:
                return False
            return ids.empty or (
                bool(anchor)
                and (anchor not in ids.docsify or anchor in ids.repeated or anchor in ids.math)
            )

        found = []
        for rel in self.pages():
            entry = None if rel in changed else self._entry(rel)
            links = entry.get("links") if entry is not None else None
            if isinstance(links, list) and any(
                isinstance(row, list) and len(row) == 2 and row[0] in changed and broken(*row)
                for row in links
            ):
                found.append(rel)
        return found

    def load_cache(self, path: Path) -> None:
        """Read a heading-index cache written by `save_cache` (any problem: start empty)."""
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return
        if (
            isinstance(data, dict)
            and data.get("format") == _INDEX_FORMAT
            and data.get("docsify") == self.docsify_version
            and isinstance(data.get("pages"), dict)
        ):
            self._cache = data["pages"]
            written = data.get("written_ns")
            self._cache_written_ns = written if isinstance(written, int) else 0

    def save_cache(self, path: Path) -> None:
        """Write the cache when it changed; failures only cost speed next time."""
        if not self._cache_dirty:
            return
        pages = {rel: entry for rel, entry in self._cache.items() if rel in self.files}
        payload = {
            "format": _INDEX_FORMAT,
            "docsify": self.docsify_version,
            "written_ns": time.time_ns(),
            "pages": pages,
        }
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            write_atomic(path, json.dumps(payload, ensure_ascii=False).encode("utf-8"))
        except OSError:
            pass

    def remember(self, rel: str, data: bytes, doc: Document) -> None:
        """Index a parsed page and keep it in the cache for later runs."""
        ids = page_ids(doc, rel, self.docsify_version)
        self._ids[rel] = ids
        self._first_questions = None
        digest = hashlib.sha1(data).hexdigest()
        cached = self._cache.get(rel)
        if cached is None or cached.get("sha1") != digest:
            self._cache[rel] = {"sha1": digest, **_ids_to_json(ids)}
            self._cache_dirty = True
        self._fresh.add(rel)


def _stamp(path: Path) -> list[int]:
    """mtime (ns) and size: a cheap test that a file is unchanged (JSON keeps it as a list)."""
    info = path.stat()
    return [info.st_mtime_ns, info.st_size]


def _ids_to_json(ids: PageIds) -> dict[str, object]:
    return {
        "docsify": list(ids.docsify),
        "github": list(ids.github),
        "repeated": sorted(ids.repeated),
        "math": sorted(ids.math),
        "empty": ids.empty,
        "links": sorted(ids.links),
        "questions": [[q.key, q.line, q.column, q.text] for q in ids.questions],
    }


def _ids_from_json(data: dict[str, object]) -> PageIds:
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
    )


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


def default_cache_path(site_root: Path) -> Path:
    """Where the heading index of a site is cached: outside the repository, safe to delete."""
    base = os.environ.get("KB_CACHE_DIR") or os.environ.get("XDG_CACHE_HOME")
    folder = Path(base) if base else Path.home() / ".cache"
    if not os.environ.get("KB_CACHE_DIR"):
        folder = folder / "kb"
    key = hashlib.sha1(str(site_root.resolve()).encode("utf-8")).hexdigest()[:16]
    return folder / f"headings-{key}.json"


def iter_markdown(paths: Iterable[Path], errors: list[str] | None = None) -> list[Path]:
    """Expand folders to the Markdown files under them, in a stable order.

    A folder that cannot be listed is named in `errors` (when given) instead of skipped silently.
    """

    def unlisted(error: OSError) -> None:
        if errors is not None:
            shown = os.path.relpath(error.filename) if error.filename else "?"
            errors.append(f"{Path(shown).as_posix()}: cannot list folder: {error.strerror}")

    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            for folder, dirs, names in os.walk(path, onerror=unlisted):
                dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d != "node_modules")
                found.extend(Path(folder) / n for n in sorted(names) if n.endswith(".md"))
        else:
            found.append(path)
    return found
