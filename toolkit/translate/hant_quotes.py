"""Taiwan quotation marks in Chinese prose: “ ” become 「 」 and ‘ ’ become 『 』."""

from __future__ import annotations

import re

from toolkit.han import HAN

CURLY = "“”‘’"
# Single quotes first, so a ‘…’ nested in “…” comes out 「…『…』…」.
_PAIRS = (
    (re.compile(r"‘([^‘’“”\n]*)’"), "『", "』"),
    (re.compile(r"“([^“”\n]*)”"), "「", "」"),
)
# How far from a quote pair a Chinese character still makes the sentence Chinese.
_REACH = 12


def taiwan_quotes(text: str) -> str:
    """Swap paired curly quotes in Chinese sentences for corner brackets.

    Segment text only: code, math and URLs are placeholders by then. A pair in an English
    sentence (no Chinese inside it, nor just before or after it) keeps its curly quotes.
    """
    for pattern, opening, closing in _PAIRS:
        source = text

        def swap(
            match: re.Match[str], source: str = source, o: str = opening, c: str = closing
        ) -> str:
            inner = match.group(1)
            near = source[max(0, match.start() - _REACH) : match.end() + _REACH]
            if HAN.search(near):
                return o + inner + c
            return match.group(0)

        text = pattern.sub(swap, text)
    return text
