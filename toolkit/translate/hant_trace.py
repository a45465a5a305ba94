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
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

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


@dataclass(frozen=True, slots=True)
class Step:
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


@dataclass(frozen=True, slots=True)
class Tracer:
    """The replay of one OpenCC configuration."""

    segmentation: Dictionary | None
    chain: tuple[Dictionary, ...]

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> Tracer:
        """Build from a config whose file paths are absolute (see `HantConverter`)."""
        seg = config.get("segmentation", {}).get("dict")
        chain = tuple(build(stage["dict"]) for stage in config["conversion_chain"])
        return cls(build(seg) if seg else None, chain)

    def trace(self, text: str) -> Trace:
        """Segment `text` and convert it stage by stage, keeping every match."""
        segments = self._segments(text)
        stages: list[tuple[Step, ...]] = []
        pieces = [text[a:b] for a, b in segments]
        for number, dictionary in enumerate(self.chain):
            steps: list[Step] = []
            converted: list[str] = []
            offset = 0
            for piece in pieces:
                out: list[str] = []
                at = 0
                while at < len(piece):
                    found = dictionary.match(piece, at)
                    if found is None:
                        step = Step(number, offset + at, piece[at], piece[at], False)
                    else:
                        step = Step(number, offset + at, found[0], found[1], True)
                    steps.append(step)
                    out.append(step.target)
                    at += len(step.source)
                offset += len(piece)
                converted.append("".join(out))
            stages.append(tuple(steps))
            pieces = converted
        return Trace(text, tuple(segments), tuple(stages))

    def _segments(self, text: str) -> list[tuple[int, int]]:
        # OpenCC's max-match segmentation: unmatched characters run together into one segment.
        if self.segmentation is None:
            return [(0, len(text))] if text else []
        segments: list[tuple[int, int]] = []
        run = 0
        at = 0
        while at < len(text):
            found = self.segmentation.match(text, at)
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
