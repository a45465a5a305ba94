"""Where an inline token's content sits in the file: markdown-it keeps no inline positions."""

from __future__ import annotations

import bisect
import itertools
import re
from collections.abc import Iterator

from markdown_it.token import Token


class InlineSpans:
    """Maps offsets in an inline token's content to offsets in the document text.

    The content's lines are located in the source on the first lookup: most inline tokens
    (plain paragraphs, table cells) hold nothing whose position anyone asks for.
    """

    __slots__ = ("_token", "_lines", "_line_starts", "pieces", "fallback", "starts")

    def __init__(self, token: Token, lines: list[str], line_starts: list[int]) -> None:
        self._token = token
        self._lines = lines
        self._line_starts = line_starts
        self.pieces: list[tuple[int, int]] | None = None
        """(content offset where a line piece starts, document offset of that piece)."""
        self.fallback = 0
        self.starts: list[int] = []

    def to_offset(self, at: int) -> int:
        """Document offset of content offset `at`."""
        if self.pieces is None:
            self.pieces, self.fallback = _pieces(self._token, self._lines, self._line_starts)
            # Built once: rebuilding it per lookup made a 10,000-line paragraph quadratic.
            self.starts = [p[0] for p in self.pieces]
        if not self.pieces:
            return self.fallback
        index = max(bisect.bisect_right(self.starts, at) - 1, 0)
        content_start, doc_start = self.pieces[index]
        return doc_start + (at - content_start)

    def content_offsets(self, length: int) -> ContentOffsets:
        """The inverse of `to_offset` over content offsets 0 … length-1."""
        self.to_offset(0)
        return ContentOffsets(self.pieces or [], self.fallback, length)


class ContentOffsets:
    """Content offset of a document offset: the last `at` below `length` whose `to_offset` is
    that offset, or None. Exact, like a dict over every content offset, without one entry per
    character: each piece maps a run of content offsets onto a run of the document."""

    __slots__ = ("_runs", "_lows", "_ordered", "_fallback", "_length")

    def __init__(self, pieces: list[tuple[int, int]], fallback: int, length: int) -> None:
        self._fallback = fallback
        self._length = length
        # (first document offset, end, content offset minus document offset) per run.
        self._runs: list[tuple[int, int, int]] = []
        for index, (content_start, doc_start) in enumerate(pieces):
            low = content_start if index else 0
            high = pieces[index + 1][0] if index + 1 < len(pieces) else length
            low, high = max(low, 0), min(high, length)
            if low < high:
                shift = content_start - doc_start
                self._runs.append((low - shift, high - shift, shift))
        self._lows = [run[0] for run in self._runs]
        self._ordered = all(a[1] <= b[0] for a, b in zip(self._runs, self._runs[1:], strict=False))

    def get(self, offset: int) -> int | None:
        if not self._runs:
            return self._length - 1 if offset == self._fallback and self._length else None
        if self._ordered:
            index = bisect.bisect_right(self._lows, offset) - 1
            if index >= 0 and offset < self._runs[index][1]:
                return offset + self._runs[index][2]
            return None
        found = [offset + shift for low, high, shift in self._runs if low <= offset < high]
        return max(found) if found else None


def line_starts_of(lines: list[str]) -> list[int]:
    """Character offset at which each of a text's lines (split at `\\n`) starts."""
    # Each line starts one past the end of the previous one (sums in C, no loop per line).
    return list(itertools.accumulate(map((1).__add__, map(len, lines[:-1])), initial=0))


def uncovered(
    pattern: re.Pattern[str], content: str, covered: list[tuple[int, int]]
) -> Iterator[int]:
    """Offsets of `pattern`'s matches in `content` that no token span covers."""
    found = [match.start() for match in pattern.finditer(content)]
    if not found:
        return
    # Spans sorted once, with the furthest end reached so far, then one bisection per match:
    # a paragraph with 10,000 formulas was quadratic when every `$` scanned every span.
    ordered = sorted(covered)
    starts = [a for a, _ in ordered]
    reach = list(itertools.accumulate((b for _, b in ordered), max))
    for at in found:
        index = bisect.bisect_right(starts, at) - 1
        if not (index >= 0 and at < reach[index]):
            yield at


def inline_offsets(token: Token, lines: list[str], line_starts: list[int]) -> InlineSpans:
    """Where each line of an inline token's content sits in the source lines it came from."""
    return InlineSpans(token, lines, line_starts)


def _pieces(
    token: Token, lines: list[str], line_starts: list[int]
) -> tuple[list[tuple[int, int]], int]:
    """Locate each line of an inline token's content; also the offset to use when none is."""
    if token.map is None:
        return [], 0
    first_line = token.map[0]
    content_lines = token.content.split("\n")
    # markdown-it-py strips Unicode spaces (U+3000…) that CommonMark keeps, which can drop a
    # whole first line of a paragraph: start at the first line that holds the content.
    for candidate in range(first_line, min(token.map[1], len(lines))):
        if _locate(lines[candidate], content_lines[0], 0):
            first_line = candidate
            break
    pieces: list[tuple[int, int]] = []
    content_at = 0
    for number, piece in enumerate(content_lines):
        line_index = first_line + number
        if line_index >= len(lines):
            break
        source = lines[line_index]
        found = _locate(source, piece, 0) or [(0, len(source) - len(source.lstrip()))]
        pieces.extend((content_at + at, line_starts[line_index] + column) for at, column in found)
        content_at += len(piece) + 1
    return pieces, line_starts[first_line]


def _locate(source: str, piece: str, search_from: int) -> list[tuple[int, int]]:
    """Where a content line sits in its source line: (offset in piece, column) runs, or [].

    Usually one run; a table cell whose `\\|` markdown-it unescaped gets a run per pipe.
    """
    column = _find_piece(source, piece, search_from)
    if column >= 0:
        return [(0, column)]
    body = piece.lstrip(" ")
    if body and body != piece:
        # markdown-it turns a tab in a line's indent into spaces (to the next tab stop) that
        # the source line does not have: the text after them is what sits in the line.
        skipped = len(piece) - len(body)
        return [(at + skipped, column) for at, column in _locate(source, body, search_from)]
    if "|" not in piece:
        return []
    column = _find_piece(source, piece.replace("|", "\\|"), search_from)
    if column < 0:
        return []
    runs = [(0, column)]
    for pipes, at in enumerate(i for i, char in enumerate(piece) if char == "|"):
        runs.append((at, column + at + pipes + 1))
    return runs


def _find_piece(source: str, piece: str, search_from: int) -> int:
    """Column where a content line sits in its source line (container markers stripped)."""
    if not piece:
        return len(source)
    if source.endswith(piece):
        return len(source) - len(piece)
    stripped = source.rstrip()
    if stripped.endswith(piece):
        return len(stripped) - len(piece)
    return source.find(piece, search_from)


_LABEL_SPECIAL = re.compile(r"[\\\[\]`]")
_DESTINATION_SPECIAL = re.compile(r"[\\ \t\n()]")
_BACKTICKS = re.compile("`+")


def destination_span(raw: str, kind: str) -> tuple[int, int] | None:
    """Start and end of the destination inside a link's source, or None for reference links."""
    if kind == "autolink":
        return (1, len(raw) - 1) if raw.startswith("<") else None
    depth = 0
    i = 1 if kind == "image" else 0
    # Find the `]` that closes the link text, then a `(`.
    while (i := _next_special(_LABEL_SPECIAL, raw, i)) < len(raw):
        if raw[i] == "`":
            run = _BACKTICKS.match(raw, i)
            width = run.end() - i if run else 1
            close = raw.find("`" * width, i + width)
            i = close + width if close >= 0 else i + width
            continue
        if raw[i] == "[":
            depth += 1
        else:
            depth -= 1
            if depth == 0:
                break
        i += 1
    if i + 1 >= len(raw) or raw[i + 1] != "(":
        return None
    j = i + 2
    while j < len(raw) and raw[j] in " \t\n":
        j += 1
    if j < len(raw) and raw[j] == "<":
        end = raw.find(">", j + 1)
        return (j + 1, end) if end >= 0 else None
    start = j
    parens = 0
    while (j := _next_special(_DESTINATION_SPECIAL, raw, j)) < len(raw):
        if raw[j] in " \t\n":
            break
        if raw[j] == "(":
            parens += 1
        elif parens == 0:
            break
        else:
            parens -= 1
        j += 1
    return (start, j)


def _next_special(pattern: re.Pattern[str], raw: str, at: int) -> int:
    """Index of the next character `pattern` matches from `at`, stepping over backslash escapes;
    at least len(raw) when none is left.

    Jumping from one special character to the next: a step per character made an image with a
    100 kB data: URI cost seconds.
    """
    while True:
        found = pattern.search(raw, at)
        if found is None:
            return max(at, len(raw))
        if raw[found.start()] != "\\":
            return found.start()
        at = found.start() + 2
