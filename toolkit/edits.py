"""Text edits: (start, end, replacement) on character offsets, applied in one pass."""

from __future__ import annotations

from collections.abc import Iterable

Edit = tuple[int, int, str]
"""Replace `text[start:end]` with the replacement."""


def splice(text: str, edits: Iterable[Edit], start: int = 0, end: int | None = None) -> str:
    """`text[start:end]` with the edits applied; they are sorted, do not overlap and lie inside."""
    pieces: list[str] = []
    at = start
    for begin, finish, replacement in edits:
        pieces.append(text[at:begin])
        pieces.append(replacement)
        at = finish
    pieces.append(text[at:end])
    return "".join(pieces)
