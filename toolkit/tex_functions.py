"""What KaTeX's function handlers do beyond taking arguments: `\\left`, `\\begin`, `\\def`, …"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

from toolkit import tex_data as d
from toolkit.tex_args import size_group
from toolkit.tex_data import FunctionSpec
from toolkit.tex_env import environment
from toolkit.tex_nodes import DEFS, INTERNAL, OTHER, Fail, Node, Tok, Unsupported, characters

if TYPE_CHECKING:
    from toolkit.tex_parser import Parser


def call(
    p: Parser, tok: Tok, spec: FunctionSpec, args: list[Node | None], break_on: str | None
) -> Node:
    """What the function's handler does beyond taking its arguments."""
    func, pos = tok
    kind = spec.type
    if spec.infix:
        return Node("infix", func)
    if func == "\\\\":
        if p.future()[0] == "[":
            size_group(p, True)
    elif func == "\\left":
        _delimiter(p, args[0], func, pos)
        p.lr_depth += 1
        p.parse_expression(False, None)
        p.lr_depth -= 1
        got = p.fetch()
        if got[0] != "\\right":
            found = "the end" if got[0] == "EOF" else f"`{got[0]}`"
            raise Fail(
                d.UNMATCHED_LEFT_RIGHT,
                pos,
                f"`\\left` has no matching `\\right` (found {found} first)",
            )
        p.parse_function(None, None)
    elif func in ("\\right", "\\middle") or kind == "delimsizing":
        _delimiter(p, args[0], func, pos)
        if func == "\\middle" and p.lr_depth <= 0:
            raise Fail(d.UNMATCHED_LEFT_RIGHT, pos, "`\\middle` outside `\\left … \\right`")
    elif func in ("\\begin", "\\end"):
        name = characters(args[0])
        if name is None:
            raise Fail(d.INVALID_ARGUMENT, pos, f"`{func}` needs an environment name")
        if func == "\\end":
            return Node("end", name)
        environment(p, name, tok)
    elif func in ("\\hline", "\\hdashline"):
        raise Fail(d.MISPLACED_ALIGNMENT, pos, f"`{func}` outside an array or matrix")
    elif func in ("\\)", "\\]"):
        raise Fail(d.KATEX_ERROR, pos, f"`{func}` has no opening partner")
    elif func in ("$", "\\("):
        outer, p.mode = p.mode, "math"
        close = "$" if func == "$" else "\\)"
        p.parse_expression(False, close)
        p.expect(close)
        p.mode = outer
    elif (
        kind == "sizing"
        or (spec.num_args == 0 and kind in ("styling", "font"))
        or (func == "\\color")
    ):
        p.parse_expression(kind != "sizing", break_on)
    elif func in DEFS:
        _define_macro(p, func, pos)
    elif func == "\\let":
        target = p.pop()
        if not target[0].startswith("\\") or len(target[0]) == 1:
            raise Fail(d.INVALID_ARGUMENT, target[1], "`\\let` needs a command name to define")
        p.skip_spaces()
        if p.future()[0] == "=":
            p.pop()
            if p.future()[0] == " ":
                p.pop()
        p.define(target[0], ((p.pop()[0],), 0))
    elif func in ("\\global", "\\long"):
        p.consume_spaces()
        if p.fetch()[0] not in DEFS:
            raise Unsupported(func)
        p.parse_function(None, None)
    elif kind == "internal" and func != "\\relax":
        raise Unsupported(func)
    return _result(kind)


# Functions the branches of `call` single out by name or by type; all others only
# take their arguments, which makes their result known in advance (plain_handlers).
_SPECIAL = frozenset(
    {"\\\\", "\\left", "\\right", "\\middle", "\\begin", "\\end", "\\hline", "\\hdashline"}
    | {"\\)", "\\]", "$", "\\(", "\\color", "\\let", "\\global", "\\long"}
    | DEFS
)
_SPECIAL_TYPES = frozenset({"delimsizing", "sizing", "internal"})
_OP = Node("op")
_OPERATORNAME = Node("operatorname")


def _result(kind: str) -> Node:
    if kind == "internal":
        return INTERNAL
    return _OP if kind == "op" else _OPERATORNAME if kind == "operatorname" else OTHER


@functools.cache
def plain_handlers() -> dict[str, Node]:
    """Functions whose handler does nothing beyond taking arguments, and what they return."""
    return {
        name: _result(spec.type)
        for name, spec in d.katex_tables().functions.items()
        if not (
            spec.infix
            or name in _SPECIAL
            or spec.type in _SPECIAL_TYPES
            or (spec.num_args == 0 and spec.type in ("styling", "font"))
        )
    }


def _delimiter(p: Parser, node: Node | None, func: str, pos: int) -> None:
    if (
        node is not None
        and node.kind == "ordgroup"
        and node.body
        and len(node.body) == 1
        and func not in ("\\left", "\\right", "\\middle")
    ):
        node = node.body[0]
    if node is not None and node.kind == "sym" and node.text in p.t.delimiters:
        return
    what = f"`{node.text}`" if node is not None and node.kind == "sym" else "this"
    raise Fail(
        d.INVALID_ARGUMENT,
        pos,
        f"{what} is not a delimiter `{func}` can size "
        "(use `(`, `[`, `\\{`, `|`, `\\langle`, `.`…)",
    )


def _define_macro(p: Parser, func: str, pos: int) -> None:
    name = p.pop()
    if name[0] in ("\\", "{", "}", "$", "&", "#", "^", "_", "EOF") or len(name[0]) == 1:
        raise Unsupported(func)
    count = 0
    while p.future()[0] != "{":
        tok = p.pop()
        if tok[0] == "EOF":
            raise Fail(d.MISSING_ARGUMENT, pos, f"`{func}` needs a body in braces")
        if tok[0] == "#" and p.future()[0].isdigit():
            count = int(p.pop()[0])
    body = tuple(t for t, _ in p.consume_arg()[0])
    p.define(name[0], (body, count), globally=func in ("\\gdef", "\\xdef"))
