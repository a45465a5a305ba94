"""KaTeX's verdicts remembered across runs, so a hook run starts no JavaScript engine."""

from __future__ import annotations

import contextlib
import hashlib
import json
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

try:
    import sqlite3
except ImportError:  # a Python built without SQLite: every verdict comes from the engine
    HAVE_SQLITE = False
else:
    HAVE_SQLITE = True

if TYPE_CHECKING:
    import sqlite3

SCHEMA = 1
"""Bump when what a verdict holds changes: older rows are then never read."""


def key(version: str, display: bool, tex: str) -> str:
    """The cache key of one formula judged by one KaTeX version."""
    text = f"{SCHEMA}\0{version}\0{int(display)}\0{tex}"
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


class VerdictCache:
    """An SQLite file of verdicts keyed by (version, display, tex); safe to delete.

    A damaged or unwritable file costs only speed: the verdicts are then computed again.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._new: dict[str, str] = {}
        self._db: sqlite3.Connection | None = None
        self._broken = not HAVE_SQLITE

    def _connect(self) -> sqlite3.Connection | None:
        if self._db is None and not self._broken:
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                self._db = sqlite3.connect(self.path, timeout=5)
                self._db.execute(
                    "CREATE TABLE IF NOT EXISTS verdicts (key TEXT PRIMARY KEY, value TEXT)"
                )
            except (OSError, sqlite3.Error):
                self._broken = True
                self._db = None
        return self._db

    def get_many(self, keys: Iterable[str]) -> dict[str, dict[str, Any]]:
        """The cached verdicts of those keys that have one."""
        wanted = [k for k in dict.fromkeys(keys)]
        found: dict[str, dict[str, Any]] = {}
        db = self._connect() if wanted else None
        if db is None:
            return found
        try:
            for start in range(0, len(wanted), 500):
                chunk = wanted[start : start + 500]
                marks = ",".join("?" * len(chunk))
                for row_key, value in db.execute(
                    f"SELECT key, value FROM verdicts WHERE key IN ({marks})", chunk
                ):
                    found[row_key] = json.loads(value)
        except (sqlite3.Error, ValueError):
            self._broken = True
            return {}
        return found

    def put(self, cache_key: str, verdict: dict[str, Any]) -> None:
        """Remember a verdict; written by `save`."""
        self._new[cache_key] = json.dumps(verdict, ensure_ascii=False)

    def save(self) -> None:
        """Write the new verdicts in one transaction (failures only cost speed next time)."""
        if not self._new:
            return
        db = self._connect()
        if db is not None:
            with contextlib.suppress(sqlite3.Error), db:
                db.executemany(
                    "INSERT OR REPLACE INTO verdicts (key, value) VALUES (?, ?)",
                    self._new.items(),
                )
        self._new.clear()

    def close(self) -> None:
        """Save, then close the file."""
        self.save()
        if self._db is not None:
            self._db.close()
            self._db = None
