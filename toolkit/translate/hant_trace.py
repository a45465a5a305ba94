"""Which dictionary entry OpenCC used for each piece of a text, so each choice can be checked.

OpenCC only returns the converted text. To check a one-to-many character in its context we
need to know where each output character came from, so this module replays the converter's
own configuration (the JSON `HantConverter` runs, overrides included) over the installed
OpenCC dictionaries: maximum-forward-match segmentation, then each conversion stage matching
the longest prefix inside each segment, as OpenCC 1.x does. The replay is compared with the
real converter's output by the caller; a text where the two disagree is reported, not trusted.
"""

from __future__ import annotations

import functools
import subprocess
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

import opencc

from toolkit.errors import KbError

_CLIB = Path(opencc.__file__).parent / "clib"


@dataclass(frozen=True, slots=True)
class Table:
    """One dictionary: key to its candidates (the first is what OpenCC writes)."""

    entries: Mapping[str, tuple[str, ...]]
    lengths: Mapping[str, tuple[int, ...]]
    """First character to the key lengths starting with it, longest first."""

    def match(self, text: str, at: int) -> tuple[str, str] | None:
        """The longest key that starts at `at`, with its first candidate."""
        for length in self.lengths.get(text[at], ()):
            key = text[at : at + length]
            if len(key) == length and key in self.entries:
                return key, self.entries[key][0]
        return None


@dataclass(frozen=True, slots=True)
class Group:
    """OpenCC's dictionary group: `union` takes the longest match, `short_circuit` the first."""

    members: tuple[Table | Group, ...]
    union: bool

    def match(self, text: str, at: int) -> tuple[str, str] | None:
        """The match this group gives at `at`, as OpenCC's group dictionaries decide it."""
        best: tuple[str, str] | None = None
        for member in self.members:
            found = member.match(text, at)
            if found is None:
                continue
            if not self.union:
                return found
            if best is None or len(found[0]) > len(best[0]):
                best = found
        return best


Dictionary = Table | Group
_Converted = tuple[tuple[tuple[int, str, str, bool], ...], str]
"""One segment through one stage: (offset, source, target, entry) per match, and the output."""


class Step(NamedTuple):
    """One match of one stage: `source` (as that stage saw it) became `target`."""

    stage: int
    start: int
    """Offset of the match in the stage's input, which is the text for stage 0."""
    source: str
    target: str
    entry: bool
    """True when a dictionary entry matched; False for a character copied unchanged."""


@dataclass(frozen=True, slots=True)
class Trace:
    """A text's conversion: the segments, and per stage the steps in order."""

    text: str
    segments: tuple[tuple[int, int], ...]
    stages: tuple[tuple[Step, ...], ...]

    @property
    def output(self) -> str:
        """The converted text the replay predicts (must equal OpenCC's)."""
        return "".join(step.target for step in self.stages[-1])


def table(entries: Mapping[str, str | tuple[str, ...]]) -> Table:
    """A dictionary from key to candidates (or one rendering)."""
    full = {k: (v,) if isinstance(v, str) else tuple(v) for k, v in entries.items() if k}
    lengths: dict[str, set[int]] = {}
    for key in full:
        lengths.setdefault(key[0], set()).add(len(key))
    return Table(full, {c: tuple(sorted(ls, reverse=True)) for c, ls in lengths.items()})


@functools.cache
def ocd2_table(path: str) -> Table:
    """An installed OpenCC dictionary, read through OpenCC's own `opencc_dict` tool."""
    tool = _CLIB / "bin" / "opencc_dict"
    with tempfile.TemporaryDirectory(prefix="kb-opencc-") as folder:
        out = Path(folder) / "dict.txt"
        try:
            subprocess.run(
                [str(tool), "-i", path, "-o", str(out), "-f", "ocd2", "-t", "text"],
                check=True,
                capture_output=True,
            )
        except (OSError, subprocess.CalledProcessError) as error:
            raise KbError(f"{path}: cannot read the OpenCC dictionary: {error}") from None
        entries: dict[str, tuple[str, ...]] = {}
        for line in out.read_text("utf-8").splitlines():
            key, _, values = line.partition("\t")
            if key and values:
                entries[key] = tuple(values.split(" "))
    return table(entries)


def build(node: Mapping[str, Any]) -> Dictionary:
    """A dictionary from an OpenCC config's `dict` node (ocd2, inline or group)."""
    kind = node.get("type")
    if kind == "ocd2":
        return ocd2_table(str(node["file"]))
    if kind == "inline":
        return table(node["entries"])
    if kind == "group":
        members = tuple(build(member) for member in node["dicts"])
        return Group(members, node.get("match_policy", "union") == "union")
    raise KbError(f"OpenCC dictionary type {kind!r} cannot be traced")


Match = Callable[[str, int], "tuple[str, str] | None"]
Compiled = tuple[frozenset[str], Match]
"""The characters a match can start with (no call needed for any other), and the match."""


def compiled(dictionary: Dictionary) -> Compiled:
    """`dictionary.match` as a function that gives the same answers with fewer lookups.

    A table walks the text one character at a time through every prefix of its keys and stops
    at the first that begins no key, instead of trying each key length; a union of tables is
    one table (the longest key wins, the first member on a tie, as in `Group.match`).
    """
    if isinstance(dictionary, Table):
        return _walker(dictionary.entries)
    tables = _union_tables(dictionary)
    if tables is not None:
        merged: dict[str, tuple[str, ...]] = {}
        for table in tables:
            for key, candidates in table.entries.items():
                merged.setdefault(key, candidates)
        return _walker(merged)
    if dictionary.union:
        starts = frozenset().union(*(compiled(m)[0] for m in dictionary.members))
        return starts, dictionary.match
    # A short-circuit group inside another: the first member with a match wins either way.
    members = [compiled(m) for m in _short_circuit_members(dictionary)]

    def first(text: str, at: int) -> tuple[str, str] | None:
        char = text[at]
        for starts, member in members:
            if char in starts:
                found = member(text, at)
                if found is not None:
                    return found
        return None

    return frozenset().union(*(starts for starts, _ in members)), first


def _union_tables(dictionary: Dictionary) -> list[Table] | None:
    """The tables of a union made of tables and unions only, in order; None for any other."""
    if isinstance(dictionary, Table):
        return [dictionary]
    if not dictionary.union:
        return None
    tables: list[Table] = []
    for member in dictionary.members:
        found = _union_tables(member)
        if found is None:
            return None
        tables.extend(found)
    return tables


def _short_circuit_members(group: Group) -> list[Dictionary]:
    members: list[Dictionary] = []
    for member in group.members:
        if isinstance(member, Group) and not member.union:
            members.extend(_short_circuit_members(member))
        else:
            members.append(member)
    return members


def _walker(entries: Mapping[str, tuple[str, ...]]) -> Compiled:
    walk: dict[str, str | None] = {}  # every prefix of a key; the key's first candidate
    for key, candidates in entries.items():
        for end in range(1, len(key)):
            walk.setdefault(key[:end], None)
        walk[key] = candidates[0]

    def match(text: str, at: int) -> tuple[str, str] | None:
        found = None
        end = at + 1
        while end <= len(text):
            key = text[at:end]
            if key not in walk:
                break
            value = walk[key]
            if value is not None:
                found = (key, value)
            end += 1
        return found

    return frozenset(key[0] for key in entries), match


@dataclass(frozen=True, slots=True)
class Tracer:
    """The replay of one OpenCC configuration."""

    segmentation: Dictionary | None
    chain: tuple[Dictionary, ...]
    _matchers: tuple[Compiled, ...] = ()
    """`compiled` of each stage, then of the segmentation."""
    _pieces: tuple[dict[str, _Converted], ...] = ()
    """Per stage, each segment already converted: a book repeats its words, and a segment's
    conversion depends on nothing else (the replay was most of a first zh-Hant run)."""

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> Tracer:
        """Build from a config whose file paths are absolute (see `HantConverter`)."""
        seg = config.get("segmentation", {}).get("dict")
        chain = tuple(build(stage["dict"]) for stage in config["conversion_chain"])
        segmentation = build(seg) if seg else None
        dictionaries = (*chain, *((segmentation,) if segmentation else ()))
        matchers = tuple(compiled(d) for d in dictionaries)
        return cls(segmentation, chain, matchers, tuple({} for _ in chain))

    def trace(self, text: str) -> Trace:
        """Segment `text` and convert it stage by stage, keeping every match."""
        segments = self._segments(text)
        stages: list[tuple[Step, ...]] = []
        pieces = [text[a:b] for a, b in segments]
        for number, dictionary in enumerate(self.chain):
            steps: list[Step] = []
            converted: list[str] = []
            offset = 0
            done = self._pieces[number] if self._pieces else {}
            matcher = self._matchers[number] if self._matchers else None
            for piece in pieces:
                matches = done.get(piece)
                if matches is None:
                    matches = done[piece] = _convert(matcher or (None, dictionary.match), piece)
                steps.extend(Step(number, offset + at, a, b, e) for at, a, b, e in matches[0])
                offset += len(piece)
                converted.append(matches[1])
            stages.append(tuple(steps))
            pieces = converted
        return Trace(text, tuple(segments), tuple(stages))

    def _segments(self, text: str) -> list[tuple[int, int]]:
        # OpenCC's max-match segmentation: unmatched characters run together into one segment.
        if self.segmentation is None:
            return [(0, len(text))] if text else []
        starts, match = self._matchers[-1] if self._matchers else (None, self.segmentation.match)
        segments: list[tuple[int, int]] = []
        run = 0
        at = 0
        while at < len(text):
            found = match(text, at) if starts is None or text[at] in starts else None
            if found is None:
                at += 1
                continue
            if run < at:
                segments.append((run, at))
            segments.append((at, at + len(found[0])))
            at += len(found[0])
            run = at
        if run < len(text):
            segments.append((run, len(text)))
        return segments


def _convert(matcher: tuple[frozenset[str] | None, Match], piece: str) -> _Converted:
    """One segment through one stage: the longest match at each place, else the character."""
    starts, match = matcher
    matches: list[tuple[int, str, str, bool]] = []
    out: list[str] = []
    at = 0
    while at < len(piece):
        found = match(piece, at) if starts is None or piece[at] in starts else None
        if found is None:
            matches.append((at, piece[at], piece[at], False))
            out.append(piece[at])
            at += 1
        else:
            matches.append((at, found[0], found[1], True))
            out.append(found[1])
            at += len(found[0])
    return tuple(matches), "".join(out)
