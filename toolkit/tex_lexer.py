"""KaTeX's lexer: a formula's tokens with their code-point offsets."""

from __future__ import annotations

import functools
import re

# KaTeX's Lexer.ts tokenRegex, with JavaScript's surrogate pairs as Python code points.
_TOKEN = re.compile(
    r"([ \r\n\t]+)|"
    r"\\(\n|[ \r\t]+\n?)[ \r\t]*|"
    r"([!-\[\]-\u2027\u202A-\uD7FF\uF900-\U0010FFFF][\u0300-\u036f]*"
    r"|\\verb\*([\s\S]).*?\4"
    r"|\\verb([^*a-zA-Z]).*?\5"
    r"|(\\[a-zA-Z@]+)[ \r\n\t]*"
    r"|\\[^\uD800-\uDFFF\U00010000-\U0010FFFF])"
)


class LexError(Exception):
    """A character KaTeX's lexer refuses, at a code-point offset."""

    def __init__(self, offset: int, char: str) -> None:
        super().__init__(char)
        self.offset = offset
        self.char = char


@functools.lru_cache(maxsize=4096)
def lex(tex: str) -> tuple[tuple[str, int], ...]:
    """Tokens `(text, offset)` as KaTeX reads them; comments dropped. LexError on bad input."""
    tokens: list[tuple[str, int]] = []
    append = tokens.append
    pos = 0
    for m in _TOKEN.finditer(tex):
        start = m.start()
        if start != pos:
            raise LexError(pos, tex[pos])
        text = m.group()
        first = text[0]
        if first == "\\" and len(text) > 1:
            second = text[1]
            if second in " \r\n\t":
                text = "\\ "
            elif second.isascii() and (second.isalpha() or second == "@"):
                text = text.rstrip(" \r\n\t")
        elif first in " \r\n\t":
            text = " "
        elif first == "%":
            return tuple(tokens) + _lex_after_comment(tex, start)
        append((text, start))
        pos = m.end()
    if pos != len(tex):
        raise LexError(pos, tex[pos])
    return tuple(tokens)


def _lex_after_comment(tex: str, at: int) -> tuple[tuple[str, int], ...]:
    """A `%` comment runs to the end of its line; lex what follows, keeping offsets."""
    newline = tex.find("\n", at)
    if newline < 0:
        return ()
    rest = lex(tex[newline + 1 :])
    return tuple((text, offset + newline + 1) for text, offset in rest)
