"""KaTeX's lexer: a formula's tokens with their code-point offsets."""

from __future__ import annotations

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


# Characters that send a formula to _TOKEN: comments, combining marks, characters KaTeX
# refuses, and (more than needed, but rare) characters beyond the Basic Multilingual Plane.
_SLOW_CHARS = re.compile(
    "[%\x00-\x08\x0b\x0c\x0e-\x1f\u0300-\u036f\u2028\u2029\ud800-\uf8ff\U00010000-\U0010ffff]"
)
_TWO_NEWLINES = re.compile(r"\\[ \t\r]*\n[ \t\r]*\n")  # KaTeX ends the control space at one
# Every token but a single character (a lone space among them) is one of these: a control
# word, a control space, a control symbol, a run of white space, a tab or newline (group 1,
# as KaTeX names the token), then the white space that all but a control symbol swallow.
_SPECIAL = re.compile(
    r"(\\[a-zA-Z@]+|\\[ \t\n\r]|\\[^a-zA-Z@ \t\n\r]|[ \t\n\r](?=[ \t\n\r])|[\t\n\r])"
    r"(?:(?<=[a-zA-Z@ \t\n\r])[ \t\n\r]+)?"
)
# The same, when the formula has no tab, no newline and no two spaces in a row: every
# branch starts with a backslash, which the regex engine then looks for much faster.
_CONTROL = re.compile(
    r"(\\[a-zA-Z@]+|\\[ \t\n\r]|\\[^a-zA-Z@ \t\n\r])(?:(?<=[a-zA-Z@ \t\n\r])[ \t\n\r]+)?"
)
_SPACE_NAMES = {"\t": " ", "\n": " ", "\r": " ", "\\\t": "\\ ", "\\\n": "\\ ", "\\\r": "\\ "}


class LexError(Exception):
    """A character KaTeX's lexer refuses, at a code-point offset."""

    def __init__(self, offset: int, char: str) -> None:
        super().__init__(char)
        self.offset = offset
        self.char = char


def lex(tex: str) -> list[tuple[str, int]]:
    """Tokens `(text, offset)` as KaTeX reads them; comments dropped. LexError on bad input."""
    if (
        _SLOW_CHARS.search(tex)
        or "\\verb" in tex
        or tex.endswith("\\")
        or ("\n" in tex and _TWO_NEWLINES.search(tex))
    ):
        return _lex_slowly(tex)
    # Every character is a token, but for the few multi-character ones, merged from the end.
    texts = list(tex)
    offsets = list(range(len(tex)))
    spaced = "\t" in tex or "\n" in tex or "\r" in tex
    pattern = _SPECIAL if spaced or "  " in tex else _CONTROL
    for m in reversed(list(pattern.finditer(tex))):
        start, end = m.span()
        texts[start:end] = (_SPACE_NAMES.get(m[1], m[1]) if spaced else m[1],)
        del offsets[start + 1 : end]
    return list(zip(texts, offsets, strict=True))


def _lex_slowly(tex: str) -> list[tuple[str, int]]:
    """Token by token, for comments, `\\verb` and characters KaTeX refuses."""
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
            return tokens + _lex_after_comment(tex, start)
        append((text, start))
        pos = m.end()
    if pos != len(tex):
        raise LexError(pos, tex[pos])
    return tokens


def _lex_after_comment(tex: str, at: int) -> list[tuple[str, int]]:
    """A `%` comment runs to the end of its line; lex what follows, keeping offsets."""
    newline = tex.find("\n", at)
    if newline < 0:
        return []
    rest = lex(tex[newline + 1 :])
    return [(text, offset + newline + 1) for text, offset in rest]
