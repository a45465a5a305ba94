"""Simplified to Traditional Chinese with OpenCC, with glossary overrides that hold."""

from __future__ import annotations

import copy
import json
import os
import re
import tempfile
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import opencc

from toolkit.errors import KbError

DEFAULT_CONFIG = "s2twp"
_PRIVATE = "\ue000"
_SEPARATOR = f"\n{_PRIVATE}\n"
"""Between the pieces of one batched OpenCC call: a private-use character on a line of its own
(a piece holding that character is converted alone, so every one in the output is a split)."""


def opencc_configs() -> list[str]:
    """The configuration names the installed OpenCC ships (s2t, s2tw, s2twp, s2hk…)."""
    return sorted(name.removesuffix(".json") for name in opencc.CONFIGS)


class HantConverter:
    """One OpenCC converter per run, with the glossary's overrides built into its config."""

    def __init__(
        self,
        config: str = DEFAULT_CONFIG,
        overrides: Mapping[str, str] | None = None,
        later: Mapping[str, str] | None = None,
        phrases: Mapping[str, str] | None = None,
    ):
        """`overrides` map Simplified text to what OpenCC must write; `later` map what the first
        stage writes (Traditional) to what later stages must write instead (TWPhrases' 區域性);
        `phrases` (the reviewed table) are cut out of the text before OpenCC sees it."""
        if config not in opencc_configs():
            known = ", ".join(opencc_configs())
            raise KbError(f"opencc config {config!r} is not known; expected one of {known}")
        self.config = config
        self.overrides = dict(overrides or {})
        self.later = dict(later or {})
        self.phrases = dict(phrases or {})
        # Longest first: at one position the longest phrase wins, as in OpenCC's own matching.
        keys = sorted(self.phrases, key=lambda k: (-len(k), k))
        self._phrase = re.compile("|".join(map(re.escape, keys))) if keys else None
        self.settings = self._config_with_overrides()
        self._done: dict[str, str] = {}
        if not self.overrides and not self.later:
            self._converter = opencc.OpenCC(config)
            return
        # s2twp converts in stages; an override must also pass the last stage unchanged, or
        # TWPhrases turns 激活函數 back into 啟用函式. OpenCC 1.4 takes inline dictionaries.
        with tempfile.TemporaryDirectory(prefix="kb-opencc-") as folder:
            path = Path(folder) / f"{config}-kb.json"
            path.write_text(json.dumps(self.settings, ensure_ascii=False), "utf-8")
            self._converter = opencc.OpenCC(str(path))

    def convert(self, text: str) -> str:
        """Convert text (only ever translatable text: code, paths and URLs must not go in)."""
        return "".join(
            self.phrases[piece] if phrase else self.opencc(piece)
            for piece, phrase in self.pieces(text)
        )

    def opencc(self, text: str) -> str:
        """OpenCC alone (with the overrides in its configuration), without the phrase table."""
        if not text:
            return ""
        done = self._done.get(text)
        return done if done is not None else str(self._converter.convert(text))

    def prefetch(self, texts: Iterable[str]) -> None:
        """Run OpenCC once over every piece of `texts` that `convert` will ask it for.

        Each call costs ~20 µs besides the text, which on a book's short segments was 20 times
        OpenCC's own work. The pieces are joined with a separator that no OpenCC dictionary
        has a key across (a line break), so each piece converts exactly as it would alone;
        if the output does not split back into as many pieces, they are converted one by one.
        """
        pieces = sorted(
            {
                piece
                for text in texts
                for piece, phrase in self.pieces(text)
                if not phrase and piece not in self._done and _PRIVATE not in piece
            }
        )
        if not pieces:
            return
        out = str(self._converter.convert(_SEPARATOR.join(pieces))).split(_SEPARATOR)
        if len(out) == len(pieces):
            self._done.update(zip(pieces, out, strict=True))

    def pieces(self, text: str) -> list[tuple[str, bool]]:
        """Text cut at the table's phrases: (piece, is a phrase), in order.

        The phrases are cut out first so that OpenCC's own phrases can never overlap them:
        given 更复杂, OpenCC matches 更复 and writes 復, whatever an inline 复杂 entry says.
        """
        if self._phrase is None:
            return [(text, False)] if text else []
        out: list[tuple[str, bool]] = []
        at = 0
        for match in self._phrase.finditer(text):
            if match.start() > at:
                out.append((text[at : match.start()], False))
            out.append((match.group(0), True))
            at = match.end()
        if at < len(text):
            out.append((text[at:], False))
        return out

    def _config_with_overrides(self) -> dict[str, Any]:
        share = Path(opencc.__file__).parent / "clib" / "share" / "opencc"
        base: dict[str, Any] = json.loads((share / f"{self.config}.json").read_text("utf-8"))
        config = copy.deepcopy(base)
        _absolute_files(config, share)
        forward = {"type": "inline", "entries": self.overrides}
        held_entries = {v: v for v in self.overrides.values()}
        held_entries.update(self.later)
        held = {"type": "inline", "entries": held_entries}
        if not self.overrides and not self.later:
            return config
        if "segmentation" in config:
            seg = config["segmentation"]["dict"]
            config["segmentation"]["dict"] = {
                "type": "group",
                "match_policy": "union",
                "dicts": [forward, seg],
            }
        chain = config["conversion_chain"]
        chain[0]["dict"] = _first(forward, chain[0]["dict"])
        for stage in chain[1:]:
            stage["dict"] = _first(held, stage["dict"])
        return config


def _first(inline: dict[str, Any], dictionary: dict[str, Any]) -> dict[str, Any]:
    """A group where the inline dictionary wins over the stage's own dictionaries."""
    return {"type": "group", "match_policy": "short_circuit", "dicts": [inline, dictionary]}


def _absolute_files(node: Any, share: Path) -> None:
    if isinstance(node, dict):
        if "file" in node and not os.path.isabs(node["file"]):
            node["file"] = str(share / node["file"])
        for value in node.values():
            _absolute_files(value, share)
    elif isinstance(node, list):
        for value in node:
            _absolute_files(value, share)
