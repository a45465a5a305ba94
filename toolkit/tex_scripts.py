"""Superscripts, subscripts, primes and `\\limits`: what may follow an atom."""

from __future__ import annotations

from typing import TYPE_CHECKING

from toolkit import tex_data as d
from toolkit.tex_nodes import SUPSUB, Fail, Node

if TYPE_CHECKING:
    from toolkit.tex_parser import Parser

_SUBSCRIPTS = frozenset("₊₋₌₍₎₀₁₂₃₄₅₆₇₈₉ₐₑₕᵢⱼₖₗₘₙₒₚᵣₛₜᵤᵥₓᵦᵧᵨᵩᵪ")


def scripts_of(p: Parser, base: Node | None) -> Node | None:
    """The superscripts, subscripts, primes and `\\limits` after `base`."""
    sup = sub = False
    scripts = p.scripts
    while True:
        while (tok := p.next or p.fetch())[0] == " ":
            p.next = None
        text, pos = tok
        if text not in scripts:
            break
        if text in ("\\limits", "\\nolimits"):
            if base is None or base.kind not in ("op", "operatorname"):
                raise Fail(
                    d.NOT_ALLOWED_HERE, pos, f"`{text}` must follow an operator such as `\\sum`"
                )
            p.consume()
        elif text == "^" or text == "'":
            if sup:
                raise Fail(
                    d.DOUBLE_SCRIPT,
                    pos,
                    f"double superscript: `{text}` after a superscript; group it as `^{{…}}`",
                )
            if text == "^":
                _script(p, "superscript")
            else:
                while p.fetch()[0] == "'":
                    p.consume()
                if p.fetch()[0] == "^":
                    _script(p, "superscript")
            sup = True
        elif text == "_":
            if sub:
                raise Fail(
                    d.DOUBLE_SCRIPT,
                    pos,
                    "double subscript: `_` after a subscript; group it as `_{…}`",
                )
            _script(p, "subscript")
            sub = True
        elif text in p.t.unicode_sup_sub:
            is_sub = text in _SUBSCRIPTS
            p.consume()
            while (nxt := p.fetch()[0]) in p.t.unicode_sup_sub and (nxt in _SUBSCRIPTS) == is_sub:
                p.consume()
            sup, sub = sup or not is_sub, sub or is_sub
        else:
            break
    if not (sup or sub):
        return base
    if base is not None and base.kind == "infix":
        raise Fail(
            d.NOT_ALLOWED_HERE,
            p.fetch()[1],
            f"`{base.text}` cannot take a superscript or subscript",
        )
    return SUPSUB


def _script(p: Parser, name: str) -> None:
    """The argument of `^` or `_` (the current token): a symbol or a group."""
    sign = (p.next or p.fetch())[0]
    stack, macros, defs = p.stack, p.macros, p.defs
    while True:  # consume the sign, then the spaces after it: p.fetch(), inlined
        tok = stack.pop() if stack else p.eof
        if tok[0] in macros or (defs and tok[0] in defs):
            tok = p.expand(tok)
        if tok[0] != " ":
            break
    if tok[0] in p.plain and p.mode == "math":
        p.next = None
        return  # one symbol, as in `x^2` or `x_i`: what parse_group would find
    p.next = tok
    while (group := p.parse_group(name)) is not None and group.kind == "internal":
        pass
    if group is None:
        text, pos = p.fetch()
        found = "nothing" if text == "EOF" else f"`{text}`"
        raise Fail(
            d.MISSING_ARGUMENT,
            pos,
            f"`{sign}` needs something to raise or lower, found {found}",
        )
