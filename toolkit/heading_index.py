"""The heading-index cache of one site, kept in SQLite outside the repository.

A pre-commit run lints one or two files, yet must know the ids of every page its links name,
which pages link into it, and where else in the book its questions are asked. Re-parsing the
book each time costs a minute; decoding one big JSON index cost a fifth of a second. SQLite
(standard library) answers those three questions by index lookups: a run reads the small
stamp row of each page, and the full entry only of the pages it asks about.

Rows are keyed by content hash (SHA-1 of the bytes) and trusted by size and mtime the way git
trusts its index. The file is safe to delete; any problem with it only costs speed.

It also keeps each linted page's parsed Document (see toolkit/document_cache.py), read back
one page at a time by the run that lints it.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

try:
    import sqlite3
except ImportError:  # a Python built without SQLite (pyenv without libsqlite3-dev): no cache
    HAVE_SQLITE = False
else:
    HAVE_SQLITE = True

FORMAT = 8
"""Bumped whenever the rows' meaning changes: an older file is then started afresh."""

_BUSY_TIMEOUT = 5.0
"""Seconds to wait for another kb process's write (pre-commit runs hooks in parallel)."""

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS pages (
    rel TEXT PRIMARY KEY, sha1 TEXT NOT NULL, mtime_ns INTEGER, size INTEGER,
    checked_ns INTEGER, entry TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS links (
    target TEXT NOT NULL, anchor TEXT NOT NULL, src TEXT NOT NULL,
    PRIMARY KEY (target, anchor, src)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS links_src ON links (src);
CREATE TABLE IF NOT EXISTS questions (
    key TEXT NOT NULL, rel TEXT NOT NULL, ord INTEGER NOT NULL,
    PRIMARY KEY (key, rel, ord)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS questions_rel ON questions (rel);
CREATE TABLE IF NOT EXISTS documents (
    rel TEXT PRIMARY KEY, sha1 TEXT NOT NULL, body TEXT NOT NULL
) WITHOUT ROWID;
"""

_SQLITE_HEADER = b"SQLite format 3\x00"

_IN_CHUNK = 500
"""Targets per `IN (…)` query: well under SQLite's limit on bound parameters."""


@dataclass(frozen=True, slots=True)
class Stamp:
    """What the cache knows of a file without reading its entry."""

    sha1: str
    mtime_ns: int | None
    """None when the page was indexed from bytes the run had read (no stat taken with them)."""
    size: int | None
    checked_ns: int
    """When the file was stat'ed before hashing: an mtime close to it is not trusted."""

    @classmethod
    def seen(cls, sha1: str, info: os.stat_result, checked_ns: int) -> Stamp:
        """The stamp of bytes with this hash, read from a file with this status."""
        return cls(sha1, info.st_mtime_ns, info.st_size, checked_ns)


Opened = tuple[os.stat_result, int]
"""A file's status when it was opened for reading, and `time.time_ns()` just before."""


@dataclass(frozen=True, slots=True)
class Row:
    """One page's entry to write: its stamp, its JSON entry, and its query rows."""

    stamp: Stamp
    entry: Mapping[str, object]
    links: Collection[tuple[str, str]]
    """(target page, anchor) of every link to another page."""
    question_keys: Collection[str]
    """Keys of the page's question headings, in page order."""


class HeadingIndex:
    """Read access to a cache file, and one short write transaction at the end of a run."""

    def __init__(self, path: Path | None, docsify_version: int, settings: str = "") -> None:
        """`settings`: what the rows depend on besides the pages' bytes and docsify's version
        (the site's routing and math plugin, kb's parser), as text: a file written under other
        settings is started afresh."""
        self.path = path if HAVE_SQLITE else None
        self._meta = {"format": FORMAT, "docsify": docsify_version, "settings": settings}
        self.stamps: dict[str, Stamp] = {}
        self._db: sqlite3.Connection | None = None
        self._asked: dict[str, list[tuple[str, int]]] | None = None
        """The stored questions by key, read on first use (the file is written only at the end)."""
        if self.path is not None and self.path.is_file():
            self._db = self._connect(self.path)
            if self._db is not None and not self._load_stamps():
                self.close()

    # Reading -----------------------------------------------------------------------------

    def entry(self, rel: str) -> dict[str, object] | None:
        """The stored JSON entry of a page (its ids, links and questions)."""
        rows = self._query("SELECT entry FROM pages WHERE rel = ?", (rel,))
        for (text,) in rows:
            with contextlib.suppress(ValueError, TypeError):
                data = json.loads(text)
                if isinstance(data, dict):
                    return data
        return None

    def linkers(self, targets: Collection[str]) -> Iterator[tuple[str, str, str]]:
        """(source page, target page, anchor) of the stored links into any of `targets`."""
        ordered = sorted(targets)
        for start in range(0, len(ordered), _IN_CHUNK):
            chunk = ordered[start : start + _IN_CHUNK]
            marks = ",".join("?" * len(chunk))
            yield from self._query(
                f"SELECT src, target, anchor FROM links WHERE target IN ({marks})", chunk
            )

    def asked_at(self, key: str) -> Iterator[tuple[str, int]]:
        """(page, position among its questions) of each stored question with this key."""
        if self._asked is None:
            # Read once: a question book asks this for every question of every page, and one
            # query per question cost more than reading the whole (small) table.
            self._asked = {}
            for found, rel, position in self._query("SELECT key, rel, ord FROM questions", ()):
                self._asked.setdefault(found, []).append((rel, position))
        yield from self._asked.get(key, ())

    def document(self, rel: str, sha1: str) -> str | None:
        """The stored Document of a page, if it was parsed from these bytes (the file's settings
        say for which math plugin and by which parser)."""
        rows = self._query("SELECT body FROM documents WHERE rel = ? AND sha1 = ?", (rel, sha1))
        return str(rows[0][0]) if rows else None

    def _query(self, sql: str, params: Collection[object]) -> list[Any]:
        if self._db is None:
            return []
        try:
            return self._db.execute(sql, tuple(params)).fetchall()
        except sqlite3.Error:
            self.close()  # unreadable now: the run goes on as if there were no cache
            return []

    def _load_stamps(self) -> bool:
        assert self._db is not None
        try:
            meta = dict(self._db.execute("SELECT key, value FROM meta").fetchall())
            if not self._meta.items() <= meta.items():
                return False
            for rel, sha1, mtime_ns, size, checked_ns in self._db.execute(
                "SELECT rel, sha1, mtime_ns, size, checked_ns FROM pages"
            ):
                self.stamps[rel] = Stamp(sha1, mtime_ns, size, checked_ns or 0)
        except sqlite3.Error:
            self.stamps.clear()
            return False
        return True

    # Writing -----------------------------------------------------------------------------

    def save(
        self,
        rows: Mapping[str, Row],
        restamped: Mapping[str, Stamp],
        pages: Collection[str],
        documents: Mapping[str, tuple[str, str]] | None = None,
    ) -> None:
        """Store new entries, stamps and Documents (page: its bytes' SHA-1, Document as JSON),
        and forget pages that are gone, in one transaction.

        A failure (disk full, another process holding the lock too long, a damaged file) is
        ignored: the next run simply parses more.
        """
        if self.path is None:
            return
        gone = [rel for rel in self.stamps if rel not in pages and rel not in rows]
        documents = documents or {}
        if not (rows or restamped or gone or documents) and self._db is not None:
            return
        with contextlib.suppress(sqlite3.Error, OSError):
            self._write(rows, restamped, gone, documents)

    def _write(
        self,
        rows: Mapping[str, Row],
        restamped: Mapping[str, Stamp],
        gone: list[str],
        documents: Mapping[str, tuple[str, str]],
    ) -> None:
        self._asked = None
        db = self._db or self._open_for_writing()
        if db is None:
            return
        with db:  # one transaction: commit, or roll back on any error
            db.execute("BEGIN IMMEDIATE")
            if not self._current(db):  # new, emptied, or written by another kb version
                self._reset(db)
            removed = [*rows, *gone]
            db.executemany("DELETE FROM pages WHERE rel = ?", [(r,) for r in removed])
            db.executemany("DELETE FROM links WHERE src = ?", [(r,) for r in removed])
            db.executemany("DELETE FROM questions WHERE rel = ?", [(r,) for r in removed])
            db.executemany("DELETE FROM documents WHERE rel = ?", [(r,) for r in gone])
            db.executemany(
                "INSERT OR REPLACE INTO documents VALUES (?, ?, ?)",
                [(rel, sha1, body) for rel, (sha1, body) in documents.items()],
            )
            db.executemany(
                "INSERT INTO pages VALUES (?, ?, ?, ?, ?, ?)",
                [
                    (rel, *_stamp_values(row.stamp), json.dumps(row.entry, ensure_ascii=False))
                    for rel, row in rows.items()
                ],
            )
            db.executemany(
                "INSERT OR IGNORE INTO links VALUES (?, ?, ?)",
                [
                    (target, anchor, rel)
                    for rel, row in rows.items()
                    for target, anchor in row.links
                ],
            )
            db.executemany(
                "INSERT OR IGNORE INTO questions VALUES (?, ?, ?)",
                [
                    (key, rel, ord)
                    for rel, row in rows.items()
                    for ord, key in enumerate(row.question_keys)
                ],
            )
            db.executemany(
                "UPDATE pages SET sha1 = ?, mtime_ns = ?, size = ?, checked_ns = ? WHERE rel = ?",
                [(*_stamp_values(stamp), rel) for rel, stamp in restamped.items()],
            )

    def _open_for_writing(self) -> sqlite3.Connection | None:
        """Connect to the cache file, first removing it if it is not an SQLite file at all.

        Never remove or rename a real SQLite file: another kb process may be writing it, and
        two files under one name would share one `-journal`, which corrupts them. A file
        without SQLite's header cannot be open as a database anywhere, so it can go.
        """
        assert self.path is not None
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            with self.path.open("rb") as stream:
                header = stream.read(len(_SQLITE_HEADER))
        except FileNotFoundError:
            header = b""
        if header and header != _SQLITE_HEADER:
            self.path.unlink(missing_ok=True)
        self._db = self._connect(self.path)
        return self._db

    def _current(self, db: sqlite3.Connection) -> bool:
        """The file holds this format's tables, for this docsify version and these settings."""
        try:
            meta = dict(db.execute("SELECT key, value FROM meta").fetchall())
        except sqlite3.OperationalError:  # no such table: a new or empty file
            return False
        return self._meta.items() <= meta.items()

    def _reset(self, db: sqlite3.Connection) -> None:
        """Empty the file and create this format's tables (inside the caller's transaction)."""
        for table in ("links", "questions", "pages", "documents", "meta"):
            db.execute(f"DROP TABLE IF EXISTS {table}")
        for statement in _SCHEMA.split(";"):
            if statement.strip():
                db.execute(statement)  # not executescript: that would commit first
        db.executemany(
            "INSERT INTO meta VALUES (?, ?)",
            list(self._meta.items()),
        )

    @staticmethod
    def _connect(path: Path) -> sqlite3.Connection | None:
        try:
            # isolation_level=None: transactions are begun explicitly (BEGIN IMMEDIATE takes
            # the write lock up front, so two writers wait for each other instead of failing).
            return sqlite3.connect(path, timeout=_BUSY_TIMEOUT, isolation_level=None)
        except sqlite3.Error:
            return None

    def close(self) -> None:
        if self._db is not None:
            with contextlib.suppress(sqlite3.Error):
                self._db.close()
            self._db = None


def _stamp_values(stamp: Stamp) -> tuple[str, int | None, int | None, int]:
    return stamp.sha1, stamp.mtime_ns, stamp.size, stamp.checked_ns
