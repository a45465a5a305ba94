"""Near-miss suggestions for an unknown command: the known name within two edits."""

from __future__ import annotations

import difflib
import functools


def suggest(name: str, names: tuple[str, ...]) -> str | None:
    """The command of `names` closest to a misspelt one (within two edits), ranked by difflib."""
    index = _deletion_index(names)
    found: set[str] = set()
    for variant in {name} | _deletions(name):
        found.update(index.get(variant, ()))
    found.discard(name)
    if not found:
        return None
    candidates = sorted(found)
    tied = [c for c in candidates if _one_edit(name, c)]  # the nearest, if any is one edit away
    if not tied:
        distances = [_distance(name, c) for c in candidates]
        nearest = min(distances)
        tied = [c for c, far in zip(candidates, distances, strict=True) if far == nearest]
    if len(tied) == 1:
        return tied[0]
    return min(tied, key=lambda c: -difflib.SequenceMatcher(None, name, c).ratio())


def _distance(a: str, b: str) -> int:
    """Edit distance counting a swap of two neighbours as one edit (optimal string alignment)."""
    rows = [list(range(len(b) + 1))]
    for i in range(1, len(a) + 1):
        row = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            row[j] = min(rows[-1][j] + 1, row[j - 1] + 1, rows[-1][j - 1] + (a[i - 1] != b[j - 1]))
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                row[j] = min(row[j], rows[-2][j - 2] + 1)
        rows.append(row)
    return rows[-1][-1]


def _one_edit(a: str, b: str) -> bool:
    """`b` is `a` with one character inserted, deleted or replaced, or two neighbours swapped."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    i = 0
    while i < len(a) and i < len(b) and a[i] == b[i]:
        i += 1
    if len(a) > len(b):
        return a[i + 1 :] == b[i:]
    if len(a) < len(b):
        return a[i:] == b[i + 1 :]
    if a[i + 1 :] == b[i + 1 :]:
        return True
    return a[i : i + 2] == b[i + 1 : i + 2] + b[i] and a[i + 2 :] == b[i + 2 :]


def _deletions(name: str) -> set[str]:
    return {name[:i] + name[i + 1 :] for i in range(1, len(name))}


@functools.lru_cache(maxsize=4)
def _deletion_index(names: tuple[str, ...]) -> dict[str, tuple[str, ...]]:
    """Each command name and its one-letter deletions, pointing back at the name."""
    index: dict[str, list[str]] = {}
    for command in names:
        for variant in {command} | _deletions(command):
            index.setdefault(variant, []).append(command)
    return {k: tuple(v) for k, v in index.items()}
