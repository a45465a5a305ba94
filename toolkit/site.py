"""The docsify site: its files, and the heading ids of every page (kept in the heading cache)."""

from __future__ import annotations

import functools
import hashlib
import os
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from toolkit.document import Document, parse
from toolkit.document_cache import dump_document, load_document, parser_fingerprint
from toolkit.errors import KbError
from toolkit.fileio import read_file_stat, safe_resolve
from toolkit.heading_index import HeadingIndex, Opened, Row, Stamp
from toolkit.page_ids import PageIds, QuestionRef, ids_from_json, ids_to_json, page_ids, same_ids
from toolkit.routes import DOCSIFY_DEFAULTS, Router, site_router
from toolkit.site_info import CURRENT_KATEX, MathPlugin, SiteInfo
from toolkit.source import decode

if TYPE_CHECKING:
    from toolkit.tex.verdicts import VerdictCache


@dataclass
class Site:
    """All files under the site root, and heading ids of every Markdown page."""

    root: Path
    docsify_version: int = 4
    math: MathPlugin = "kb"
    """The math plugin whose rules find formulas on this site (see `site_info.SiteInfo.math`)."""
    katex_version: str | None = CURRENT_KATEX
    """The KaTeX release the site renders formulas with (None: not KaTeX)."""
    router: Router = DOCSIFY_DEFAULTS
    verdicts: VerdictCache | None = None
    """KaTeX's verdicts kept across runs (opened with the heading cache)."""
    files: set[str] = field(default_factory=set)
    folders: set[str] = field(default_factory=set)
    _by_casefold: dict[str, str] = field(default_factory=dict)
    _symlinks: set[str] = field(default_factory=set)
    _index: HeadingIndex | None = None
    _fresh: set[str] = field(default_factory=set)
    """Pages whose index entry was checked against the file in this run."""
    _all_fresh: bool = False
    _ids: dict[str, PageIds] = field(default_factory=dict)
    _rows: dict[str, Row] = field(default_factory=dict)
    """Entries made in this run (pages parsed anew), written to the cache at the end."""
    _restamped: dict[str, Stamp] = field(default_factory=dict)
    """Pages whose bytes are unchanged but whose size or mtime is new."""
    _parsed: dict[str, tuple[str, Document]] = field(default_factory=dict)
    """Pages `load` parsed in this run (hash of their bytes, Document): stored at the end."""
    _new_questions: dict[str, list[tuple[str, int]]] | None = None
    _numbered_question_page: dict[int, bool] = field(default_factory=dict)

    @classmethod
    def scan(
        cls,
        root: Path,
        docsify_version: int = 4,
        *,
        math: MathPlugin = "kb",
        katex_version: str | None = CURRENT_KATEX,
        router: Router = DOCSIFY_DEFAULTS,
    ) -> Site:
        """List the files under `root` (one walk; symlinked folders are not followed)."""
        site = cls(root.resolve(), docsify_version, math, katex_version, router)
        site._walk(str(site.root))
        for rel in site.folders:
            site._by_casefold.setdefault(rel.casefold(), rel)
        return site

    def _walk(self, top: str) -> None:
        # os.scandir rather than os.walk: its entries know, without a stat each, which names
        # are folders and which are symlinks (a pre-commit run lists the whole book). A stack,
        # not recursion: however deep the folders go, no RecursionError.
        pending = [(top, "")]
        while pending:
            folder, rel_folder = pending.pop()
            try:
                with os.scandir(folder) as listing:
                    entries = list(listing)
            except OSError:
                continue  # an unlistable folder: its pages count as missing, as with os.walk
            for entry in entries:
                rel = f"{rel_folder}/{entry.name}" if rel_folder else entry.name
                try:
                    is_folder = entry.is_dir(follow_symlinks=False)
                except OSError:
                    is_folder = False
                if is_folder:
                    if not entry.name.startswith(".") and entry.name != "node_modules":
                        self.folders.add(rel)
                        pending.append((entry.path, rel))
                elif not (entry.is_symlink() and os.path.isdir(entry.path)):
                    # (a symlinked folder is neither listed nor followed)
                    self.files.add(rel)
                    if entry.is_symlink():
                        self._symlinks.add(rel)
                    self._by_casefold.setdefault(rel.casefold(), rel)

    def exists(self, rel: str) -> bool:
        return rel in self.files or rel in self.folders or rel == ""

    def case_insensitive_match(self, rel: str) -> str | None:
        """The real path that matches `rel` only when case is ignored."""
        found = self._by_casefold.get(rel.casefold())
        return found if found is not None and found != rel else None

    def pages(self) -> list[str]:
        return sorted(f for f in self.files if f.endswith(".md"))

    # Heading index -----------------------------------------------------------

    @property
    def index(self) -> HeadingIndex:
        if self._index is None:
            self._index = HeadingIndex(None, self.docsify_version)
        return self._index

    def open_cache(self, path: Path) -> None:
        """Use the heading-index cache at `path` (missing or unusable: start empty)."""
        # Stored ids and links come from kb's parse of the page for this math plugin, and links
        # are routed by the router's settings: a change of any of them empties the file.
        settings = f"{self.math} {parser_fingerprint()} {self.router!r}"
        self._index = HeadingIndex(path, self.docsify_version, settings)
        from toolkit.tex.verdicts import VerdictCache

        self.verdicts = VerdictCache(path.with_name("katex-verdicts.sqlite"))

    def save_cache(self) -> None:
        """Write what this run learnt to the cache; failures only cost speed next time."""
        documents = {
            rel: (digest, dump_document(doc)) for rel, (digest, doc) in self._parsed.items()
        }
        self.index.save(self._rows, self._restamped, self.files, documents)
        if self.verdicts is not None:
            self.verdicts.close()

    def ids(self, rel: str) -> PageIds | None:
        """Heading ids of a page, from this run, the cache, or a fresh parse."""
        if rel not in self._ids:
            if not self._check(rel):
                return None
            if rel not in self._ids:
                entry = self.index.entry(rel)
                if entry is None:  # the cache went away under us: read the page after all
                    return self._parse_page(rel)
                self._ids[rel] = ids_from_json(entry)
        return self._ids[rel]

    def _check(self, rel: str) -> bool:
        """Make sure the index entry of a page matches the file (parsing it when it does not).

        False when the page cannot be read: missing, unreadable, or a symlink out of the site.
        """
        if rel in self._fresh:
            return True
        if rel not in self.files:
            return False
        if rel in self._symlinks and not safe_resolve(self.root / rel).is_relative_to(self.root):
            return False  # a symlink out of the site: never read outside the root
        known = self.index.stamps.get(rel)
        try:
            info = os.stat(os.path.join(self.root, rel))  # not pathlib: called for every page
            if (
                known is not None
                and (known.mtime_ns, known.size) == (info.st_mtime_ns, info.st_size)
                and _settled(info.st_mtime_ns, known.checked_ns)
            ):
                self._fresh.add(rel)  # unchanged since a run that hashed it: no need to read
                return True
        except OSError:
            return False
        return self._parse_page(rel, known) is not None

    def _parse_page(self, rel: str, known: Stamp | None = None) -> PageIds | None:
        """Read and hash a page; parse it unless the cache already has these bytes."""
        path = self.root / rel
        try:
            checked_ns = time.time_ns()  # before the stat: an edit after it is never trusted
            data, info = read_file_stat(path)
        except OSError:
            return None
        stamp = Stamp.seen(hashlib.sha1(data).hexdigest(), info, checked_ns)
        self._fresh.add(rel)
        if known is not None and known.sha1 == stamp.sha1 and rel in self.index.stamps:
            self._restamped[rel] = stamp
            return self.ids(rel)
        try:
            doc = parse(decode(data, path).text, path, self.math)
        except KbError:
            self._fresh.discard(rel)
            return None
        ids = page_ids(doc, rel, self.docsify_version, self.router)
        self._store(rel, stamp, ids)
        return ids

    def _store(self, rel: str, stamp: Stamp, ids: PageIds) -> None:
        self._ids[rel] = ids
        self._rows[rel] = Row(stamp, ids_to_json(ids), ids.links, [q.key for q in ids.questions])
        self._restamped.pop(rel, None)
        self._new_questions = None

    def load(self, rel: str, data: bytes, text: str, path: Path, opened: Opened) -> Document:
        """The Document of a page this run lints, indexed for later runs like `remember`.

        Read back from the cache when an earlier run parsed these bytes with this parser;
        otherwise parsed, and stored when the run saves the cache.
        """
        digest = hashlib.sha1(data).hexdigest()
        stored = self.index.document(rel, digest)
        doc = load_document(stored, text, path, self.math) if stored is not None else None
        if doc is None:
            doc = parse(text, path, self.math)
            if self.index.path is not None:
                self._parsed[rel] = (digest, doc)
        self.remember(rel, data, doc, opened, digest)
        return doc

    def remember(
        self,
        rel: str,
        data: bytes,
        doc: Document,
        opened: Opened | None = None,
        digest: str | None = None,
    ) -> None:
        """Index a page this run has read and parsed, and keep it for later runs.

        `opened`: the file's status when it was opened and the time just before, so that the
        next run can trust the page by its size and mtime; without it, it hashes it once more.
        `digest`: the SHA-1 of `data`, when the caller has it.
        """
        ids = page_ids(doc, rel, self.docsify_version, self.router)
        digest = digest or hashlib.sha1(data).hexdigest()
        stamp = Stamp.seen(digest, *opened) if opened else Stamp(digest, None, None, 0)
        known = self._rows[rel].stamp if rel in self._rows else self.index.stamps.get(rel)
        self._ids[rel] = ids
        if known is None or known.sha1 != digest:
            self._store(rel, stamp, ids)
        elif opened and known != stamp:
            if rel in self._rows:
                self._rows[rel] = replace(self._rows[rel], stamp=stamp)
            else:
                self._restamped[rel] = stamp
        self._fresh.add(rel)

    def _check_all(self) -> None:
        """Bring every page's entry up to date: book-wide questions need all of them."""
        if not self._all_fresh:
            for rel in self.pages():
                self._check(rel)
            self._all_fresh = True

    def _stored(self, rel: str) -> bool:
        """The cache's rows for this page are current (not replaced in this run)."""
        return rel in self._fresh and rel not in self._rows

    def first_place(self, key: str, skip: Callable[[str], bool]) -> tuple[str, QuestionRef] | None:
        """Where a question (by its key) is first asked in the book, pages in path order.

        Pages for which `skip` is true (question-list pages, excluded ones) do not count.
        """
        self._check_all()
        if self._new_questions is None:
            self._new_questions = {}
            for rel, row in self._rows.items():
                for position, question_key in enumerate(row.question_keys):
                    self._new_questions.setdefault(question_key, []).append((rel, position))
        stored = [(str(r), int(p)) for r, p in self.index.asked_at(key) if self._stored(str(r))]
        places = [p for p in (*stored, *self._new_questions.get(key, ())) if not skip(p[0])]
        if not places:
            return None
        rel, position = min(places)
        ids = self.ids(rel)
        if ids is None or position >= len(ids.questions):
            return None
        return rel, ids.questions[position]

    def has_page_with_numbered_questions(self, at_least: int) -> bool:
        """Some page holds `at_least` question headings numbered `N.M` (pages in path order,
        stopping at the first: on a question book that is one of the first pages)."""
        if at_least not in self._numbered_question_page:
            self._numbered_question_page[at_least] = any(
                ids is not None and ids.numbered_questions >= at_least
                for ids in map(self.ids, self.pages())
            )
        return self._numbered_question_page[at_least]

    def deleted_pages(self) -> set[str]:
        """Pages the cache knew that are gone from disk (deleted or renamed since)."""
        return {rel for rel in self.index.stamps if rel not in self.files}

    def _ids_changed(self, rel: str) -> bool:
        """The page's docsify ids differ from those cached by an earlier run (or none were)."""
        if rel not in self._rows:
            return False  # not parsed anew: the cache's entry is current
        before = self.index.entry(rel)
        return before is None or not same_ids(ids_from_json(before), self._ids[rel])

    def dependents(self, changed: set[str]) -> list[str]:
        """Pages with a link into `changed` that the change may have broken.

        Such a link is re-checked when its page is gone or empty, or its anchor is no longer a
        plain id there (missing, repeated, or in a math heading); no other link can have changed.
        """

        @functools.cache
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

        self._check_all()
        # A page whose ids are what the cache had before this run breaks no link into it: a
        # hook run on it need not re-read the pages that link there (the sidebar, the TOC).
        kept = {rel for rel in changed if rel in self._ids and not self._ids_changed(rel)}
        changed = changed - kept
        if not changed:
            return []
        links = [(str(s), str(t), str(a)) for s, t, a in self.index.linkers(changed)]
        links = [link for link in links if self._stored(link[0])]
        links += [
            (rel, target, anchor)
            for rel, row in self._rows.items()
            for target, anchor in row.links
            if target in changed
        ]
        return sorted(
            {src for src, target, anchor in links if src not in changed and broken(target, anchor)}
        )


def _settled(mtime_ns: int, checked_ns: int) -> bool:
    """The file's mtime is safely older than the moment it was hashed: an edit since would show.

    As git's index does against "racy" files: a change within the same clock tick as the
    hashing keeps size and mtime, so such files are hashed again.
    """
    return mtime_ns < checked_ns - 2_000_000_000


def cache_folder() -> Path:
    """kb's cache folder: `$KB_CACHE_DIR`, else `$XDG_CACHE_HOME/kb`, else `~/.cache/kb`."""
    if os.environ.get("KB_CACHE_DIR"):
        return Path(os.environ["KB_CACHE_DIR"])
    base = os.environ.get("XDG_CACHE_HOME")
    return (Path(base) if base else Path.home() / ".cache") / "kb"


def default_cache_path(site_root: Path) -> Path:
    """Where the heading index of a site is cached: outside the repository, safe to delete."""
    folder = cache_folder()
    key = hashlib.sha1(str(site_root.resolve()).encode("utf-8")).hexdigest()[:16]
    return folder / f"headings-{key}.sqlite"


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


def scan_site(info: SiteInfo, root: Path | None = None, math: MathPlugin | None = None) -> Site:
    """List a site described by `info` (at `root` when it is a mirror of it elsewhere)."""
    return Site.scan(
        root or info.content_root or info.root,
        info.docsify_version,
        math=math or info.math,
        katex_version=info.katex_version,
        router=site_router(info),
    )
