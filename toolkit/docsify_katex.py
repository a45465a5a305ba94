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
    """Every formula docsify-katex's regular expressions cut out of `text`, in page order."""
    if "$" not in text:
        return []
    chars = list(text)
    # `<code>…</code>` on one line: its backticks do not pair (greedy, as the plugin's `.*`).
    for match in _CODE_TAG.finditer(text):
        for at in range(match.start(1), match.end(1)):
            if chars[at] == "`":
                chars[at] = _HIDDEN
    masked = "".join(chars)
    # "$`$" and "\`{" are set aside before backticks pair up; "\$" is never a delimiter.
    for pattern in ("$`$", "\\`{"):
        at = masked.find(pattern)
        while at >= 0:
            backtick = at + pattern.index("`")
            chars[backtick] = _HIDDEN
            at = masked.find(pattern, at + len(pattern))
    for match in re.finditer(r"\\\$", masked):
        chars[match.start() + 1] = _HIDDEN
    masked = "".join(chars)
    for match in _BACKTICK_PAIR.finditer(masked):
        for at in range(match.start(), match.end()):
            if chars[at] == "$":
                chars[at] = _HIDDEN
    masked = "".join(chars)
    spans = [MathSpan(m.start(), m.end(), True) for m in _BLOCK.finditer(masked)]
    # Display formulas become comments without dollars; single `$` inside them still count.
    for span in spans:
        chars[span.start : span.start + 2] = [_HIDDEN, _HIDDEN]
        chars[span.end - 2 : span.end] = [_HIDDEN, _HIDDEN]
    masked = "".join(chars)
    spans += [MathSpan(m.start(), m.end(), False) for m in _INLINE.finditer(masked)]
    spans.sort(key=lambda s: s.start)
    return spans
