"""How docsify-katex 1.4 finds math: regular expressions over the whole page, before Markdown.

Its `beforeEach` hook protects `\\$` and dollars inside backtick pairs, then replaces every
`$$…$$` (first) and `$…$` (then) anywhere in the page, across lines, with an HTML comment that
KaTeX replaces after marked. What a formula becomes depends on where that comment lands: in a
paragraph or an HTML block it renders; split by a blank line or a block it is shown as text;
inside code the reader sees the placeholder. This module finds the spans; the parser decides.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

INLINE_PLACEHOLDER = "c194a9eg"
"""The text docsify-katex puts before an inline formula's comment: it ends up in heading ids
and, where the sidebar lists the heading, in front of the reader."""

_CODE_TAG = re.compile(r"<code>(.*)</code>")
_BACKTICK_PAIR = re.compile(r"`[^`]*`")
_BLOCK = re.compile(r"\$\$([\s\S]*?)\$\$")
_INLINE = re.compile(r"\$([\s\S]*?)\$")
_HIDDEN = "\0"


@dataclass(frozen=True, slots=True)
class MathSpan:
    """One formula as docsify-katex cuts it: offsets of its delimiters in the page text."""

    start: int
    """Offset of the opening `$` or `$$`."""
    end: int
    """Offset just past the closing delimiter."""
    display: bool
    """`$$…$$`: rendered in display mode wherever it lands."""

    @property
    def tex_start(self) -> int:
        return self.start + (2 if self.display else 1)

    @property
    def tex_end(self) -> int:
        return self.end - (2 if self.display else 1)


def math_spans(text: str) -> list[MathSpan]:
    """Every formula docsify-katex's regular expressions cut out of `text`, in page order.

    Each step hides characters (same length, so offsets stay those of `text`) with string
    replacements: a list of every character cost more than the parse of a formula-heavy page.
    """
    if "$" not in text:
        return []
    # `<code>…</code>` on one line: its backticks do not pair (greedy, as the plugin's `.*`).
    masked = _CODE_TAG.sub(_hide_code_backticks, text)
    # "$`$" and "\`{" are set aside before backticks pair up; "\$" is never a delimiter.
    masked = masked.replace("$`$", f"${_HIDDEN}$").replace("\\`{", f"\\{_HIDDEN}{{")
    masked = masked.replace("\\$", f"\\{_HIDDEN}")
    masked = _BACKTICK_PAIR.sub(_hide_dollars, masked)
    spans = [MathSpan(m.start(), m.end(), True) for m in _BLOCK.finditer(masked)]
    if spans:
        # Display formulas become comments without dollars; single `$` inside them still count.
        pieces: list[str] = []
        last = 0
        for span in spans:
            pieces += (masked[last : span.start], _HIDDEN * 2)
            pieces += (masked[span.start + 2 : span.end - 2], _HIDDEN * 2)
            last = span.end
        pieces.append(masked[last:])
        masked = "".join(pieces)
    spans += [MathSpan(m.start(), m.end(), False) for m in _INLINE.finditer(masked)]
    spans.sort(key=lambda s: s.start)
    return spans


def _hide_code_backticks(match: re.Match[str]) -> str:
    return f"<code>{match.group(1).replace('`', _HIDDEN)}</code>"


def _hide_dollars(match: re.Match[str]) -> str:
    return match.group(0).replace("$", _HIDDEN)
