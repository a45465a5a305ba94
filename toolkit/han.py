"""What counts as a Chinese (Han) character, in one place for every check that asks."""

from __future__ import annotations

import re

HAN = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]")
"""CJK Unified Ideographs with extensions A-G and the compatibility ideographs."""


def has_han(text: str) -> bool:
    """The text holds a Chinese character."""
    return HAN.search(text) is not None
