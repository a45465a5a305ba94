"""Simplified to Traditional Chinese with OpenCC, with glossary overrides that hold."""

from __future__ import annotations

import copy
import json
import os
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import opencc

from toolkit.errors import KbError

DEFAULT_CONFIG = "s2twp"


def opencc_configs() -> list[str]:
    """The configuration names the installed OpenCC ships (s2t, s2tw, s2twp, s2hk…)."""
    return sorted(name.removesuffix(".json") for name in opencc.CONFIGS)


class HantConverter:
    """One OpenCC converter per run, with the glossary's overrides built into its config."""

    def __init__(self, config: str = DEFAULT_CONFIG, overrides: Mapping[str, str] | None = None):
        if config not in opencc_configs():
            known = ", ".join(opencc_configs())
            raise KbError(f"opencc config {config!r} is not known; expected one of {known}")
        self.config = config
        self.overrides = dict(overrides or {})
        if not self.overrides:
            self._converter = opencc.OpenCC(config)
            return
        # s2twp converts in stages; an override must also pass the last stage unchanged, or
        # TWPhrases turns 激活函數 back into 啟用函式. OpenCC 1.4 takes inline dictionaries.
        with tempfile.TemporaryDirectory(prefix="kb-opencc-") as folder:
            path = Path(folder) / f"{config}-kb.json"
            path.write_text(json.dumps(self._config_with_overrides(), ensure_ascii=False), "utf-8")
            self._converter = opencc.OpenCC(str(path))

    def convert(self, text: str) -> str:
        """Convert text (only ever translatable text: code, paths and URLs must not go in)."""
        return str(self._converter.convert(text))

    def _config_with_overrides(self) -> dict[str, Any]:
        share = Path(opencc.__file__).parent / "clib" / "share" / "opencc"
        base: dict[str, Any] = json.loads((share / f"{self.config}.json").read_text("utf-8"))
        config = copy.deepcopy(base)
        _absolute_files(config, share)
        forward = {"type": "inline", "entries": self.overrides}
        held = {"type": "inline", "entries": {v: v for v in self.overrides.values()}}
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
