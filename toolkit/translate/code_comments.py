"""The translatable text of a code block: comments, docstrings and diagram labels, by language.

Everything else in a block is code and stays byte for byte. Python is read with the standard
tokenizer (so `#` inside a string is never a comment); shell, YAML and C-like languages with a
small quote-aware scanner; mermaid diagrams by their label syntax. String literals other than
docstrings are data the example is about (a Chinese sentence fed to a tokenizer) and are never
translated. Every range lies on one line, so a translation can never swallow a line end.
"""

from __future__ import annotations

import ast
import bisect
import io
import re
import tokenize
from collections.abc import Iterator
from dataclasses import dataclass

from markdown_it.token import Token

CODE_KINDS = ("comment", "docstring", "label")
"""Segment kinds of text inside code blocks (prose kinds are `heading`, `paragraph`, …)."""

# Inline atoms of a comment or label that a translator must not touch: code spans, `<br>`.
CODE_ATOMS = re.compile(r"`[^`\n]+`|<br\s*/?>")

_PYTHON = {"python", "py", "python3", "pycon"}
_HASH = {"bash", "sh", "shell", "zsh", "console", "yaml", "yml", "toml", "dockerfile", "makefile"}
_SLASH = {
    "js",
    "javascript",
    "ts",
    "typescript",
    "c",
    "cpp",
    "c++",
    "cuda",
    "java",
    "go",
    "rust",
    "jsonc",
    "json5",
    "kotlin",
    "swift",
    "scala",
}
_SEQUENCE_ARROW = re.compile(r"^\s*[\w\"' ]+?\s*(?:-->>|->>|-->|->|--x|-x|--\)|-\))[+-]?\s*[^:]+:")
_SEQUENCE_NOTE = re.compile(r"^\s*note\s+(?:left of|right of|over)\s+[^:]+:", re.I)
_SEQUENCE_ALIAS = re.compile(r"^\s*(?:participant|actor)\s+\S+\s+as\s+", re.I)
_KEYWORD_TEXT = re.compile(r"^\s*(?:title|section|loop|alt|else|opt|par|and|critical|break)\s+")
_QUOTED = re.compile(r'"([^"\n]*)"')


@dataclass(frozen=True, slots=True, order=True)
class CodeText:
    """A translatable range of a code block's content (offsets into the content, one line)."""

    start: int
    end: int
    kind: str
    """`comment`, `docstring` or `label` (a diagram's)."""


def language(info: str) -> str:
    """The language a fence names (`python title="x"` gives `python`), lower case."""
    return info.strip().split(maxsplit=1)[0].lower() if info.strip() else ""


def code_texts(info: str, code: str) -> list[CodeText]:
    """The translatable ranges of a block in the language its info string names, in order."""
    lang = language(info)
    if lang in _PYTHON:
        found = list(_python(code))
    elif lang in _HASH:
        found = list(_scan(code, line_comment="#", block=None))
    elif lang in _SLASH:
        found = list(_scan(code, line_comment="//", block=("/*", "*/")))
    elif lang == "mermaid":
        found = list(mermaid_labels(code))
    else:
        return []
    return sorted(t for t in (_trimmed(code, t) for t in found) if t is not None)


def fence_texts(
    token: Token, lines: list[str], line_starts: list[int]
) -> Iterator[tuple[str, int, int]]:
    """(kind, start, end) page offsets of a fence's translatable ranges.

    markdown-it strips a list item's indentation from the content, so each content line is
    found as the tail of its source line; a block where that fails is left as written.
    """
    assert token.map is not None
    content_lines = token.content.split("\n")
    bases: list[int] = []
    for number, part in enumerate(content_lines[:-1]):
        index = token.map[0] + 1 + number
        if index >= len(lines) or not lines[index].endswith(part):
            return
        bases.append(line_starts[index] + len(lines[index]) - len(part))
    content_starts = _line_starts(token.content)
    for text in code_texts(token.info, token.content):
        row = bisect.bisect_right(content_starts, text.start) - 1
        if row >= len(bases):
            return
        shift = bases[row] - content_starts[row]
        yield text.kind, text.start + shift, text.end + shift


def code_text(machine: str) -> str:
    """A machine translation made fit for code: one line, no Markdown escapes, no `"` (it
    would end a diagram label or a docstring), no backslash (an escape in a literal)."""
    return " ".join(machine.split()).replace('"', "'").replace("\\", "/")


def masked(info: str, code: str) -> str:
    """The block with each translatable range replaced by one mark: what a mirror must keep."""
    out: list[str] = []
    at = 0
    for text in code_texts(info, code):
        out.append(code[at : text.start])
        out.append("\x01")
        at = text.end
    out.append(code[at:])
    return "".join(out)


def _trimmed(code: str, text: CodeText) -> CodeText | None:
    start, end = text.start, text.end
    while start < end and code[start] in " \t":
        start += 1
    while end > start and code[end - 1] in " \t\r":
        end -= 1
    return CodeText(start, end, text.kind) if end > start else None


# Python ----------------------------------------------------------------------------------


def _python(code: str) -> Iterator[CodeText]:
    starts = _line_starts(code)
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(code).readline))
    except (tokenize.TokenError, IndentationError, SyntaxError):
        return  # not Python the tokenizer reads: leave the whole block as written
    docstring_lines = _docstring_starts(code)
    for token in tokens:
        (row, col), (_, end_col) = token.start, token.end
        if token.type == tokenize.COMMENT:
            offset = starts[row - 1] + col + 1
            yield CodeText(offset, starts[row - 1] + end_col, "comment")
        elif token.type == tokenize.STRING and row in docstring_lines:
            yield from _docstring(token.string, starts[row - 1] + col)


def _docstring_starts(code: str) -> set[int]:
    """First lines of the docstrings of the module, its classes and functions."""
    try:
        tree = ast.parse(code)
    except (SyntaxError, ValueError):
        return set()
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            first = node.body[0] if node.body else None
            if (
                isinstance(first, ast.Expr)
                and isinstance(first.value, ast.Constant)
                and isinstance(first.value.value, str)
            ):
                found.add(first.lineno)
    return found


def _docstring(literal: str, offset: int) -> Iterator[CodeText]:
    """One range per line of a docstring's text; escapes and raw prefixes are left alone."""
    match = re.match(r"([rRuU]?)(\"\"\"|'''|\"|')", literal)
    if match is None or match.group(1) in ("r", "R") or "\\" in literal:
        return
    quote = match.group(2)
    inner_start = match.end()
    inner_end = len(literal) - len(quote)
    at = inner_start
    for line in literal[inner_start:inner_end].split("\n"):
        if line.strip():
            yield CodeText(offset + at, offset + at + len(line), "docstring")
        at += len(line) + 1


# Shell, YAML, C-like ----------------------------------------------------------------------


def _scan(code: str, line_comment: str, block: tuple[str, str] | None) -> Iterator[CodeText]:
    """Comments outside quotes; `#` starts one only at a word start (`$#` is not one)."""
    at = 0
    quote: str | None = None
    in_block = False
    line_start = 0
    while at < len(code):
        char = code[at]
        if char == "\n":
            line_start = at + 1
            quote = None if quote != "`" else quote
        if in_block:
            assert block is not None
            end = code.find(block[1], at)
            end = len(code) if end < 0 else end
            yield from _lines(code, at, end, "comment")
            in_block = False
            at = end + len(block[1])
            continue
        if quote:
            if char == "\\":
                at += 2
                continue
            if char == quote:
                quote = None
        elif char in "\"'`" and not (line_comment == "#" and char == "`"):
            quote = char
        elif code.startswith(line_comment, at) and (
            line_comment != "#" or at == line_start or code[at - 1] in " \t"
        ):
            end = code.find("\n", at)
            end = len(code) if end < 0 else end
            yield CodeText(at + len(line_comment), end, "comment")
            at = end
            continue
        elif block and code.startswith(block[0], at):
            in_block = True
            at += len(block[0])
            continue
        at += 1


def _lines(code: str, start: int, end: int, kind: str) -> Iterator[CodeText]:
    """A multi-line range as one range per line, without a leading `*` of block comments."""
    at = start
    for line in code[start:end].split("\n"):
        lead = len(line) - len(line.lstrip(" \t*"))
        if line.strip(" \t*"):
            yield CodeText(at + lead, at + len(line), kind)
        at += len(line) + 1


# Mermaid ---------------------------------------------------------------------------------


def diagram_type(code: str) -> str:
    """The diagram's type: its first word after front matter, directives and `%%` comments."""
    in_front = False
    for number, line in enumerate(code.split("\n")):
        stripped = line.strip()
        if stripped == "---" and (number == 0 or in_front):
            in_front = not in_front
            continue
        if in_front or not stripped or stripped.startswith("%%"):
            continue
        return stripped.split()[0]
    return ""


def mermaid_labels(code: str) -> Iterator[CodeText]:
    """Quoted labels, `%%` comments, titles and sections, and the free text of sequence
    diagrams (after `:` and `as`), gantt tasks (before `:`) and timeline events."""
    kind = diagram_type(code)
    at = 0
    for line in code.split("\n"):
        yield from _mermaid_line(line, at, kind)
        at += len(line) + 1


def _mermaid_line(line: str, at: int, kind: str) -> Iterator[CodeText]:
    stripped = line.lstrip()
    lead = len(line) - len(stripped)
    if stripped.startswith("%%"):
        if not stripped.startswith("%%{"):
            yield CodeText(at + lead + 2, at + len(line), "comment")
        return
    if kind == "sequenceDiagram":
        for pattern in (_SEQUENCE_ALIAS, _SEQUENCE_NOTE, _SEQUENCE_ARROW, _KEYWORD_TEXT):
            match = pattern.match(line)
            if match:
                yield CodeText(at + match.end(), at + len(line), "label")
                return
    elif kind in ("gantt", "timeline"):
        match = _KEYWORD_TEXT.match(line)
        if match:
            yield CodeText(at + match.end(), at + len(line), "label")
            return
        if (
            kind == "gantt"
            and ":" in stripped
            and not re.match(r"\w+Format\b|excludes\b", stripped)
        ):
            yield CodeText(at + lead, at + line.index(":"), "label")
            return
        if kind == "timeline" and ":" in stripped:
            pieces = line.split(":")
            offset = at
            for number, piece in enumerate(pieces):
                if number:
                    yield CodeText(offset, offset + len(piece), "label")
                offset += len(piece) + 1
            return
    elif _KEYWORD_TEXT.match(line) and stripped.startswith("title"):
        match = _KEYWORD_TEXT.match(line)
        assert match is not None
        yield CodeText(at + match.end(), at + len(line), "label")
        return
    for match in _QUOTED.finditer(line):
        yield CodeText(at + match.start(1), at + match.end(1), "label")


def _line_starts(code: str) -> list[int]:
    starts = [0]
    for line in code.split("\n")[:-1]:
        starts.append(starts[-1] + len(line) + 1)
    return starts
