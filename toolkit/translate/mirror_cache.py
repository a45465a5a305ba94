"""Editions already built and verified, keyed by everything they are made from.

`kb translate --check` runs in pre-commit, and parsing every page (markdown-it-py, about
1 MB/s) costs far more than the rest. An edition's mirrors are a pure function of the source
pages, the memory, the glossary, the settings, the site's index.html and kb itself: when none
of these changed since a run that built and verified them, that run's bytes are the answer.
The cache lives outside the repository (beside the heading index, `KB_CACHE_DIR`), is safe to
delete, and any failure to read or write it only means the edition is built again.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib
import os
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from toolkit.fileio import read_file

try:
    import sqlite3
except ImportError:  # a Python built without SQLite: every run builds its editions
    sqlite3 = None  # type: ignore[assignment]

_KEEP = 3
"""Entries kept per edition: the current one and a few to come back to (a reverted edit)."""
_SCHEMA = """
CREATE TABLE IF NOT EXISTS editions (key TEXT PRIMARY KEY, lang TEXT NOT NULL, used REAL NOT NULL);
CREATE TABLE IF NOT EXISTS files (
  key TEXT NOT NULL, rel TEXT NOT NULL, data BLOB NOT NULL, PRIMARY KEY (key, rel)
);
"""


def cache_path(project_root: Path) -> Path:
    """Where the editions of a project are cached: outside the repository, safe to delete."""
    base = os.environ.get("KB_CACHE_DIR") or os.environ.get("XDG_CACHE_HOME")
    folder = Path(base) if base else Path.home() / ".cache"
    if not os.environ.get("KB_CACHE_DIR"):
        folder = folder / "kb"
    key = hashlib.sha1(str(project_root.resolve()).encode("utf-8")).hexdigest()[:16]
    return folder / f"translate-{key}.sqlite"


def code_digest() -> str:
    """kb's own code and the versions of the libraries that shape a mirror: a new kb, OpenCC
    or markdown-it-py may write other bytes from the same inputs."""
    digest = hashlib.sha256()
    package = Path(__file__).resolve().parent.parent
    for path in sorted(package.rglob("*.py")):
        digest.update(path.relative_to(package).as_posix().encode("utf-8") + b"\0")
        digest.update(path.read_bytes())
    # The modules' own __version__: importlib.metadata alone took ~10% of a warm --check.
    for name in ("opencc", "markdown_it", "mdit_py_plugins", "polib"):
        try:
            version = str(getattr(importlib.import_module(name), "__version__", "unknown"))
        except ImportError:
            version = "missing"
        digest.update(f"{name}={version}\0".encode())
    return digest.hexdigest()


@dataclass
class EditionKey:
    """The digest of every input of one edition, fed in a fixed order."""

    digest: hashlib._Hash

    @classmethod
    def start(cls, lang: str, code: str) -> EditionKey:
        """A key for edition `lang` built by the kb whose `code_digest` is `code`."""
        key = cls(hashlib.sha256())
        key.add("kb-translate-cache-1", lang, code)
        return key

    def add(self, *parts: str | bytes) -> None:
        """Feed parts; each is length-prefixed, so no two sequences feed the same bytes."""
        for part in parts:
            data = part.encode("utf-8") if isinstance(part, str) else part
            self.digest.update(len(data).to_bytes(8, "big") + data)

    def add_files(self, paths: Iterable[Path], root: Path) -> None:
        """Feed each file's path and bytes (a missing file feeds its absence)."""
        for path in paths:
            try:
                data = read_file(path)  # never blocks on a FIFO: it is no regular file
            except OSError:
                self.add(path.relative_to(root).as_posix(), "\0missing")
                continue
            self.add(path.relative_to(root).as_posix(), data)

    def hexdigest(self) -> str:
        """The key."""
        return self.digest.hexdigest()


class MirrorCache:
    """Mirror bytes by edition key, in one SQLite file."""

    def __init__(self, path: Path) -> None:
        self.path = path

    @contextlib.contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        connection = sqlite3.connect(self.path, timeout=5)
        try:
            connection.executescript(_SCHEMA)
            yield connection
            connection.commit()
        finally:
            connection.close()

    def load(self, key: str) -> dict[str, bytes] | None:
        """The mirrors stored under `key` (site-relative path to bytes), or None."""
        if sqlite3 is None or not self.path.is_file():
            return None
        try:
            with self._connect() as db:
                if db.execute("SELECT 1 FROM editions WHERE key = ?", (key,)).fetchone() is None:
                    return None
                db.execute("UPDATE editions SET used = ? WHERE key = ?", (time.time(), key))
                rows = db.execute("SELECT rel, data FROM files WHERE key = ?", (key,))
                return {rel: bytes(data) for rel, data in rows}
        except sqlite3.Error:
            return None

    def store(self, key: str, lang: str, files: dict[str, bytes]) -> None:
        """Remember an edition's mirrors under `key`; keep only the newest few per language."""
        if sqlite3 is None:
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self._connect() as db:
                db.execute("DELETE FROM files WHERE key = ?", (key,))
                db.execute(
                    "INSERT OR REPLACE INTO editions VALUES (?, ?, ?)", (key, lang, time.time())
                )
                db.executemany(
                    "INSERT INTO files VALUES (?, ?, ?)",
                    [(key, rel, data) for rel, data in sorted(files.items())],
                )
                old = db.execute(
                    "SELECT key FROM editions WHERE lang = ? ORDER BY used DESC LIMIT -1 OFFSET ?",
                    (lang, _KEEP),
                ).fetchall()
                for (stale,) in old:
                    db.execute("DELETE FROM files WHERE key = ?", (stale,))
                    db.execute("DELETE FROM editions WHERE key = ?", (stale,))
        except (OSError, sqlite3.Error):
            return  # a cache that cannot be written only costs the next run its speed
