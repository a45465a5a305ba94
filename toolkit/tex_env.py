"""Environments (`\\begin{…}`): their arguments, rows and cells, as KaTeX's array.ts checks them."""

from __future__ import annotations

import difflib
from typing import TYPE_CHECKING

from toolkit import tex_data as d
from toolkit.tex_args import parse_arguments, size_group
from toolkit.tex_nodes import Fail, Tok, characters

if TYPE_CHECKING:
    from toolkit.tex_parser import Parser


def environment(p: Parser, name: str, tok: Tok) -> None:
    """`\\begin{name}`: its arguments, its body of rows and cells, and its `\\end`."""
    env = p.t.environments.get(name)
    pos = tok[1]
    if env is None:
        close = difflib.get_close_matches(name, list(p.t.environments), n=1, cutoff=0.6)
        hint = f"; did you mean `{close[0]}`?" if close else ""
        raise Fail(d.UNKNOWN_ENVIRONMENT, pos, f"KaTeX has no environment `{name}`{hint}")
    args = parse_arguments(p, f"\\begin{{{name}}}", env.num_args, env.num_optional, env.arg_types)
    if env.display_only and not p.display:
        raise Fail(
            d.NOT_ALLOWED_HERE,
            pos,
            f"`{{{name}}}` works only in display math (`$$…$$`); inline, use `aligned`/`gathered`",
        )
    spec = characters(args[0]) if args else None
    if name in ("array", "darray", "subarray") and args:
        allowed = "lc" if name == "subarray" else "lcr|:"
        for node in args[0].body or () if args[0] else ():
            if node.kind != "sym" or node.text not in allowed:
                raise Fail(
                    d.INVALID_ARGUMENT,
                    pos,
                    f"column spec of `{{{name}}}` may use only {', '.join(allowed)}",
                )
        if name == "subarray" and args[0] and len(args[0].body or ()) > 1:
            raise Fail(d.INVALID_ARGUMENT, pos, "`{subarray}` has only one column")
    if (
        name.startswith("align")
        and "at" in name
        and (not (spec or "").isdigit() or int(spec or 0) < 1)
    ):
        raise Fail(d.INVALID_ARGUMENT, pos, f"`{{{name}}}` needs a column count such as {{2}}")
    if name.endswith("matrix*"):
        p.consume_spaces()
        if p.fetch()[0] == "[":
            p.consume()
            p.consume_spaces()
            align = p.fetch()
            if align[0] not in ("l", "c", "r"):
                raise Fail(d.INVALID_ARGUMENT, align[1], "matrix alignment must be l, c or r")
            p.consume()
            p.consume_spaces()
            p.expect("]")
    rows = _rows(p, name, tok)
    if name == "subarray" and rows[0] > 1:
        raise Fail(d.MISPLACED_ALIGNMENT, pos, "`{subarray}` has only one column: no `&`")
    if spec and spec.isdigit() and "at" in name and any(r / 2 > int(spec) for r in rows):
        raise Fail(
            d.MISPLACED_ALIGNMENT,
            pos,
            f"a row of `{{{name}}}{{{spec}}}` has more than {2 * int(spec) - 1} `&`",
        )
    end = p.parse_function(None, None)
    if end is None or end.text != name:
        found = end.text if end is not None else "?"
        raise Fail(
            d.UNMATCHED_ENVIRONMENT, pos, f"`\\begin{{{name}}}` is closed by `\\end{{{found}}}`"
        )


def _rows(p: Parser, name: str, begin: Tok) -> list[int]:
    """Parse an environment body; the number of cells in each row."""
    single = name in d.SINGLE_ROW
    limit = d.MAX_COLUMNS.get(name, 0)
    p.begin_group()
    if not single:
        p.define("\\cr", "\\\\\\relax")
    p.begin_group()
    rows = [0]
    _hlines(p)
    while True:
        p.parse_expression(False, "\\end" if single else "\\\\")
        p.end_group()
        p.begin_group()
        rows[-1] += 1
        text, pos = p.fetch()
        if text == "&":
            if limit and rows[-1] == limit:
                raise Fail(
                    d.MISPLACED_ALIGNMENT,
                    pos,
                    f"too many `&` in `{{{name}}}` (at most {limit} column(s))",
                )
            p.consume()
        elif text == "\\end":
            break
        elif text == "\\\\":
            p.consume()
            if p.future()[0] != " ":
                size_group(p, True)
            _end_row(p, name)
            _hlines(p)
            rows.append(0)
        elif text == "EOF":
            raise Fail(
                d.UNMATCHED_ENVIRONMENT, begin[1], f"`\\begin{{{name}}}` has no `\\end{{{name}}}`"
            )
        else:
            raise p.unexpected("\\end", (text, pos), None)
    _end_row(p, name)
    p.end_group()
    p.end_group()
    return rows


def _end_row(p: Parser, name: str) -> None:
    if name in d.TAGGED and p.defs.get("\\df@tag"):
        p.subparse(("\\df@tag", 0))
        p.define("\\df@tag", None, globally=True)


def _hlines(p: Parser) -> None:
    p.consume_spaces()
    if p.fetch()[0] == "\\relax":
        p.consume()
        p.consume_spaces()
    while p.fetch()[0] in ("\\hline", "\\hdashline"):
        p.consume()
        p.consume_spaces()
