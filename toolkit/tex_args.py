"""A function's arguments as KaTeX's parser reads them: groups, colors, sizes and raw strings."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from toolkit import tex_data as d
from toolkit.tex_nodes import OTHER, Fail, Node, Tok

if TYPE_CHECKING:
    from toolkit.tex_parser import Parser

_UNITS = frozenset(
    ["pt", "mm", "cm", "in", "bp", "pc", "dd", "cc", "nd", "nc", "sp", "px", "em", "ex", "mu"]
)
_COLOR = re.compile(r"#[a-f0-9]{3,4}|#[a-f0-9]{6}|#[a-f0-9]{8}|[a-f0-9]{6}|[a-z]+", re.I)
_SIZE = re.compile(r"[-+]? *(?:$|\d+|\d+\.\d*|\.\d*) *[a-z]{0,2} *")
_STRING_TYPES = frozenset({"color", "size", "url", "raw", "primitive"})
"""Argument types not parsed as a group of math or text (those are None, math, text, …)."""


def parse_arguments(
    p: Parser,
    func: str,
    num: int,
    optional: int,
    types: tuple[str | None, ...],
    primitive: bool = False,
    sqrt: bool = False,
) -> list[Node | None]:
    """The optional then the mandatory arguments of `func`; None for an absent optional one."""
    args: list[Node | None] = []
    for i in range(num + optional):
        p.taker = func
        kind = types[i] if i < len(types) else None
        if (primitive and kind is None) or (sqrt and i == 1 and args[0] is None):
            kind = "primitive"
        if kind in _STRING_TYPES:
            args.append(_special_argument(p, func, kind, i < optional))
            continue
        # Any other argument is an expression of its own, in math or text mode.
        if p.scan_argument(i < optional) is None:
            args.append(None)
            continue
        outer = p.mode
        if kind == "hbox" or kind == "text":
            p.mode = "text"
        elif kind == "math":
            p.mode = "math"
        p.frames.append({})
        body = p.parse_expression(False, "EOF")
        got = p.next or p.fetch()
        if got[0] != "EOF":
            raise p.unexpected("EOF", got, None)
        p.next = None
        frame = p.frames.pop()
        if frame:
            p.restore(frame)
        p.mode = outer
        args.append(Node("ordgroup", "", "", body))
    return args


def _special_argument(p: Parser, func: str, kind: str | None, optional: bool) -> Node | None:
    if kind == "color":
        found = string_group(p, optional)
        if found is not None and not _COLOR.fullmatch(found[0]):
            raise Fail(d.INVALID_ARGUMENT, found[1], f"`{found[0]}` is not a color")
        return OTHER if found else None
    if kind == "size":
        return size_group(p, optional)
    if kind in ("url", "raw"):
        p.skip_spaces()
        return OTHER if string_group(p, optional) else None
    group = p.parse_group(f"argument to '{func}'")  # a primitive argument
    if group is None:
        raise Fail(d.MISSING_ARGUMENT, p.fetch()[1], f"`{func}` is missing its argument")
    return group


def string_group(p: Parser, optional: bool) -> Tok | None:
    """The argument's tokens as one string, and where it starts."""
    start = p.scan_argument(optional)
    if start is None:
        return None
    text = ""
    while (tok := p.fetch())[0] != "EOF":
        text += tok[0]
        p.consume()
    p.consume()
    return text, start[1]


def size_group(p: Parser, optional: bool) -> Node | None:
    """A size such as `2pt` or `-.5em`, braced or not."""
    p.skip_spaces()
    if not optional and p.future()[0] != "{":
        first = p.fetch()
        text = ""
        while (tok := p.fetch())[0] != "EOF" and _SIZE.fullmatch(text + tok[0]):
            text += tok[0]
            p.consume()
        if not text:
            raise Fail(d.INVALID_ARGUMENT, first[1], f"`{first[0]}` is not a size")
        found: Tok | None = (text, first[1])
    else:
        found = string_group(p, optional)
    if found is None:
        return None
    text = found[0] or ("0pt" if not optional else "")
    match = re.search(r"([-+]?) *(\d+(?:\.\d*)?|\.\d+) *([a-z]{2})", text)
    if not match or match.group(3) not in _UNITS:
        raise Fail(d.INVALID_ARGUMENT, found[1], f"`{found[0]}` is not a size such as `2pt`")
    return OTHER
