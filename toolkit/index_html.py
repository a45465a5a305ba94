"""What a docsify site's index.html says: its scripts and `window.$docsify`, read, never run."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from html.parser import HTMLParser


@dataclass(frozen=True, slots=True)
class Unknown:
    """A setting whose value is an expression kb does not evaluate (a variable, a function)."""

    source: str


JsValue = str | int | float | bool | None | Unknown | list["JsValue"] | dict[str, "JsValue"]


@dataclass(frozen=True, slots=True)
class IndexHtml:
    """The parts of index.html that decide how docsify renders the site."""

    scripts: tuple[str, ...] = ()
    """`src` of every `<script>` in document order."""
    docsify: dict[str, JsValue] = field(default_factory=dict)
    """The object literal assigned to `window.$docsify` (empty when none is found)."""
    sets_up_docsify: bool = False
    """The page loads docsify's script or configures `$docsify`."""


class _Scripts(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.sources: list[str] = []
        self.inline: list[str] = []
        self._in_script = False
        self._buffer: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "script":
            src = dict(attrs).get("src")
            if src:
                self.sources.append(src.strip())
            self._in_script = True
            self._buffer = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._in_script:
            self._in_script = False
            text = "".join(self._buffer)
            if text.strip():
                self.inline.append(text)

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self._buffer.append(data)


_DOCSIFY_ASSIGNMENT = re.compile(r"\$docsify\s*=\s*(?:Object\.assign\(\s*)?(?=\{)")
_DOCSIFY_SCRIPT = re.compile(r"(?:^|/)docsify(?:@[^/]*)?/(?:lib|dist)/docsify(?:\.min)?\.js", re.I)


def read_index_html(text: str) -> IndexHtml:
    """Parse index.html: script URLs, inline scripts and the `$docsify` settings."""
    parser = _Scripts()
    parser.feed(text)
    parser.close()
    settings = docsify_settings(parser.inline)
    loads = any(_DOCSIFY_SCRIPT.search(src) for src in parser.sources)
    return IndexHtml(
        scripts=tuple(parser.sources),
        docsify=settings,
        sets_up_docsify=loads or bool(settings),
    )


def docsify_settings(scripts: Iterable[str]) -> dict[str, JsValue]:
    """The object literal the first of `scripts` that sets `$docsify` assigns (or empty)."""
    for script in scripts:
        match = _DOCSIFY_ASSIGNMENT.search(script)
        if match:
            value, _end = _Reader(script, match.end()).value()
            if isinstance(value, dict):
                return value
    return {}


_NUMBER = re.compile(r"-?(?:0[xX][0-9a-fA-F]+|\d+\.?\d*(?:[eE][-+]?\d+)?|\.\d+(?:[eE][-+]?\d+)?)")
_IDENTIFIER = re.compile(r"[A-Za-z_$][\w$]*")
_CLOSERS = {"(": ")", "[": "]", "{": "}"}


class _Reader:
    """A reader of JavaScript literals: objects, arrays, strings, numbers, true/false/null.

    Anything else (a variable, a call, a function, a regular expression) is skipped to the next
    `,` or closing bracket at its level and kept as `Unknown` with its source text.
    """

    def __init__(self, text: str, at: int) -> None:
        self.text = text
        self.at = at

    def value(self) -> tuple[JsValue, int]:
        self._space()
        start = self.at
        char = self.text[self.at : self.at + 1]
        result: JsValue
        if char == "{":
            result = self._object()
        elif char == "[":
            result = self._array()
        elif char in ("'", '"', "`"):
            text = self._string()
            result = text if text is not None else Unknown(self.text[start : self.at])
        else:
            result = self._scalar()
        self._space()
        if self.text[self.at : self.at + 1] not in (",", "}", "]", ")", ";", ""):
            # An expression that starts like a literal (`'a' + b`, `1 * x`): skip the rest.
            self._skip_expression()
            result = Unknown(self.text[start : self.at].strip())
        return result, self.at

    def _object(self) -> dict[str, JsValue]:
        self.at += 1
        found: dict[str, JsValue] = {}
        while True:
            self._space()
            char = self.text[self.at : self.at + 1]
            if char in ("}", ""):
                self.at += 1
                return found
            key = self._key()
            self._space()
            if key is None or self.text[self.at : self.at + 1] != ":":
                # A method (`init() {…}`), a spread (`...x`) or shorthand (`name,`): skip it.
                self._skip_expression()
            else:
                self.at += 1
                found[key], _ = self.value()
            self._space()
            if self.text[self.at : self.at + 1] == ",":
                self.at += 1

    def _key(self) -> str | None:
        char = self.text[self.at : self.at + 1]
        if char in ("'", '"'):
            return self._string()
        match = _IDENTIFIER.match(self.text, self.at) or _NUMBER.match(self.text, self.at)
        if match is None:
            return None
        self.at = match.end()
        return match.group()

    def _array(self) -> list[JsValue]:
        self.at += 1
        found: list[JsValue] = []
        while True:
            self._space()
            if self.text[self.at : self.at + 1] in ("]", ""):
                self.at += 1
                return found
            item, _ = self.value()
            found.append(item)
            self._space()
            if self.text[self.at : self.at + 1] == ",":
                self.at += 1

    def _string(self) -> str | None:
        """A quoted string; None for a template literal with `${…}` in it."""
        quote = self.text[self.at]
        self.at += 1
        pieces: list[str] = []
        while self.at < len(self.text):
            char = self.text[self.at]
            if char == "\\":
                pieces.append(_ESCAPES.get(self.text[self.at + 1 : self.at + 2], ""))
                if pieces[-1] == "":
                    pieces[-1] = self.text[self.at + 1 : self.at + 2]
                self.at += 2
                continue
            self.at += 1
            if char == quote:
                return "".join(pieces)
            if quote == "`" and char == "$" and self.text[self.at : self.at + 1] == "{":
                self.at -= 1
                self._skip_string_rest(quote)
                return None
            pieces.append(char)
        return "".join(pieces)

    def _skip_string_rest(self, quote: str) -> None:
        while self.at < len(self.text):
            char = self.text[self.at]
            self.at += 2 if char == "\\" else 1
            if char == quote:
                return

    def _scalar(self) -> JsValue:
        start = self.at
        for word, meaning in (("true", True), ("false", False), ("null", None)):
            if self.text.startswith(word, self.at) and not _continues(
                self.text, self.at + len(word)
            ):
                self.at += len(word)
                return meaning
        number = _NUMBER.match(self.text, self.at)
        if number and not _continues(self.text, number.end()):
            self.at = number.end()
            literal = number.group()
            if literal.lower().startswith(("0x", "-0x")):
                return int(literal, 16)
            return float(literal) if any(c in literal for c in ".eE") else int(literal)
        self._skip_expression()
        return Unknown(self.text[start : self.at].strip())

    def _skip_expression(self) -> None:
        """Move to the next `,` or closer at this level, across brackets, strings and comments."""
        depth: list[str] = []
        while self.at < len(self.text):
            char = self.text[self.at]
            if char in ("'", '"', "`"):
                self._skip_string_rest_from_open(char)
                continue
            if self.text.startswith("//", self.at) or self.text.startswith("/*", self.at):
                self._space()
                continue
            if char in _CLOSERS:
                depth.append(_CLOSERS[char])
            elif depth and char == depth[-1]:
                depth.pop()
            elif not depth and char in (",", "}", "]", ")"):
                return
            self.at += 1

    def _skip_string_rest_from_open(self, quote: str) -> None:
        self.at += 1
        self._skip_string_rest(quote)

    def _space(self) -> None:
        """Skip white space and comments."""
        while self.at < len(self.text):
            if self.text[self.at].isspace():
                self.at += 1
            elif self.text.startswith("//", self.at):
                end = self.text.find("\n", self.at)
                self.at = len(self.text) if end < 0 else end + 1
            elif self.text.startswith("/*", self.at):
                end = self.text.find("*/", self.at + 2)
                self.at = len(self.text) if end < 0 else end + 2
            else:
                return


_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "\\": "\\", "'": "'", '"': '"', "`": "`", "/": "/"}


def _continues(text: str, at: int) -> bool:
    """The word goes on at `at` (so `trueish` is not `true`)."""
    return at < len(text) and (text[at].isalnum() or text[at] in "_$")
