"""Check a formula the way KaTeX parses it: a small port of KaTeX's Parser over its own tables."""

from __future__ import annotations

import difflib
import functools
import re
from dataclasses import dataclass

from toolkit import tex_data as d
from toolkit.tex_data import FunctionSpec, KatexTables

Tok = tuple[str, int]
"""A token's text and the code-point offset in the formula it came from."""


@dataclass(frozen=True, slots=True)
class TexProblem:
    """One problem in a formula; `offset` counts code points from the tex's first character."""

    code: str
    offset: int
    message: str
    replacement: str | None = None
    """For a certain fix: what replaces the one character at `offset`."""

    @property
    def is_error(self) -> bool:
        """KaTeX refuses the formula (otherwise it renders it and this is only a warning)."""
        return self.code not in d.WARNING_CODES


def check_tex(tex: str, display: bool) -> list[TexProblem]:
    """Problems in one formula: KaTeX's first error, if any, plus character warnings."""
    problems: list[TexProblem] = []
    try:
        _Parser(tex, display).parse()
    except _Fail as fail:
        problems.append(TexProblem(fail.code, fail.offset, fail.message))
    except d.LexError as error:
        problems.append(TexProblem(d.KATEX_ERROR, error.offset,
                                   f"KaTeX cannot read the character U+{ord(error.char):04X}"))
    except (_Unsupported, RecursionError):
        pass  # macro programming (\newcommand, \let, …) is beyond this checker: stay silent
    problems.extend(_scan_characters(tex))
    problems.sort(key=lambda p: p.offset)
    return problems


class _Fail(Exception):
    def __init__(self, code: str, offset: int, message: str) -> None:
        super().__init__(message)
        self.code, self.offset, self.message = code, offset, message


class _Unsupported(Exception):
    pass


class _Node:
    __slots__ = ("kind", "text", "group", "body")

    def __init__(self, kind: str, text: str = "", group: str = "",
                 body: list[_Node] | None = None) -> None:
        self.kind, self.text, self.group, self.body = kind, text, group, body


_END = frozenset({"}", "\\endgroup", "\\end", "\\right", "&"})
_SCRIPT_TOKENS = frozenset({"\\limits", "\\nolimits", "^", "_", "'"})
_SUBSCRIPTS = frozenset("₊₋₌₍₎₀₁₂₃₄₅₆₇₈₉ₐₑₕᵢⱼₖₗₘₙₒₚᵣₛₜᵤᵥₓᵦᵧᵨᵩᵪ")
_UNITS = frozenset(
    ["pt", "mm", "cm", "in", "bp", "pc", "dd", "cc", "nd", "nc", "sp", "px", "em", "ex", "mu"]
)
_COLOR = re.compile(r"#[a-f0-9]{3,4}|#[a-f0-9]{6}|#[a-f0-9]{8}|[a-f0-9]{6}|[a-z]+", re.I)
_SIZE = re.compile(r"[-+]? *(?:$|\d+|\d+\.\d*|\.\d*) *[a-z]{0,2} *")
_DEFS = frozenset({"\\def", "\\gdef", "\\edef", "\\xdef"})
_ORD = "\\kb@ord"  # stands for what a look-ahead macro such as \dots expands to
_MISSING = object()
_ORDGROUP = _Node("ordgroup")
_INTERNAL = _Node("internal")
_OTHER = _Node("other")


class _Parser:
    """KaTeX's Parser + MacroExpander, keeping only what decides whether parsing succeeds."""

    def __init__(self, tex: str, display: bool) -> None:
        self.t: KatexTables = d.katex_tables()
        self.stack: list[Tok] = list(reversed(d.lex(tex)))
        self.eof: Tok = ("EOF", len(tex))
        self.display = display
        self.mode = "math"
        self.next: Tok | None = None
        self.defs: dict[str, object] = {}
        self.frames: list[dict[str, object]] = []
        self.lr_depth = 0
        self.expansions = 0
        self.scripts = _SCRIPT_TOKENS | self.t.unicode_sup_sub.keys()
        self.plain = _plain_symbols()
        self.taker = "a command"
        """The command whose arguments are being read, for messages."""

    # --- the gullet: tokens and macro expansion ----------------------------------

    def pop(self) -> Tok:
        return self.stack.pop() if self.stack else self.eof

    def future(self) -> Tok:
        return self.stack[-1] if self.stack else self.eof

    def skip_spaces(self) -> None:
        while self.stack and self.stack[-1][0] == " ":
            self.stack.pop()

    def consume_arg(self, delims: str | None = None) -> tuple[list[Tok], Tok]:
        if delims is None:
            self.skip_spaces()
        start = self.future()
        tokens: list[Tok] = []
        depth = 0
        while True:
            tok = self.pop()
            tokens.append(tok)
            if tok[0] == "{":
                depth += 1
            elif tok[0] == "}":
                depth -= 1
                if depth == -1:
                    raise _Fail(d.MISSING_ARGUMENT, tok[1],
                                f"{self.taker} is missing an argument before `}}`")
            elif tok[0] == "EOF":
                if start[0] == "{" or depth:
                    raise _Fail(d.UNBALANCED_BRACES, start[1], "`{` is never closed by `}`")
                if delims:
                    raise _Fail(d.INVALID_ARGUMENT, start[1], f"`[` is never closed by `{delims}`")
                raise _Fail(d.MISSING_ARGUMENT, tok[1],
                            f"{self.taker} is missing an argument at the end of the formula")
            if delims is not None:
                if depth == 0 and tok[0] == delims:
                    tokens.pop()
                    break
            elif depth == 0:
                break
        if start[0] == "{" and tokens[-1][0] == "}":
            tokens = tokens[1:-1]
        return tokens, tok

    def scan_argument(self, optional: bool) -> Tok | None:
        if optional:
            self.skip_spaces()
            if self.future()[0] != "[":
                return None
            start = self.pop()
            tokens, end = self.consume_arg("]")
        else:
            start = self.future()
            tokens, end = self.consume_arg()
        self.stack.append(("EOF", end[1]))
        self.stack.extend(reversed(tokens))
        return start

    def expansion(self, tok: Tok) -> tuple[tuple[str, ...], int] | None:
        name = tok[0]
        value = self.defs.get(name, _MISSING)
        if value is _MISSING:
            if name not in self.t.macros:
                return None
            value = self.t.macros[name]
        if value is None:
            return self.function_macro(name, tok[1])
        if isinstance(value, str):
            return _string_macro(value)
        return value  # type: ignore[return-value]

    def function_macro(self, name: str, pos: int) -> tuple[tuple[str, ...], int] | None:
        if name in ("\\TextOrMath", "\\@firstoftwo", "\\@secondoftwo"):
            first, second = self.consume_arg()[0], self.consume_arg()[0]
            pick = second if name == "\\@secondoftwo" or (
                name == "\\TextOrMath" and self.mode == "math") else first
            return tuple(t for t, _ in pick), 0
        if name == "\\@ifnextchar":
            args = [self.consume_arg()[0] for _ in range(3)]
            self.skip_spaces()
            hit = len(args[0]) == 1 and args[0][0][0] == self.future()[0]
            return tuple(t for t, _ in args[1 if hit else 2]), 0
        if name in ("\\dots", "\\cdots", "\\dotsc", "\\dotso"):
            return (_ORD,), 0
        if name == "\\char":
            self.char_code(pos)
            return (_ORD,), 0
        if name == "\\tag@literal":
            if self.defs.get("\\df@tag"):
                raise _Fail(d.NOT_ALLOWED_HERE, pos, "a second `\\tag` for the same line")
            return _string_macro("\\gdef\\df@tag{\\text{#1}}")
        raise _Unsupported(name)

    def char_code(self, pos: int) -> None:
        """`\\char` followed by a number: decimal, `'` octal, `"` hex, or `` ` `` and a token."""
        tok = self.pop()
        base = {"'": 8, '"': 16}.get(tok[0], 10)
        if tok[0] == "`":
            if self.pop()[0] == "EOF":
                raise _Fail(d.MISSING_ARGUMENT, pos, "`\\char`` needs a character after it")
            return
        if base != 10:
            tok = self.pop()
        digits = "0123456789abcdef"[:base]
        if tok[0].lower() not in digits or len(tok[0]) != 1:
            raise _Fail(d.INVALID_ARGUMENT, tok[1], f"`\\char` needs a base-{base} number")
        while len(self.future()[0]) == 1 and self.future()[0].lower() in digits:
            self.pop()

    def next_token(self) -> Tok:
        expandable = self.t.macros
        while True:
            tok = self.stack.pop() if self.stack else self.eof
            if tok[0] not in expandable and (not self.defs or tok[0] not in self.defs):
                return tok
            found = self.expansion(tok) if tok[0] != "EOF" else None
            if found is None:
                return tok
            self.expansions += 1
            if self.expansions > 1000:
                raise _Fail(d.KATEX_ERROR, tok[1], "too many macro expansions (a loop?)")
            body, count = found
            self.taker = f"`{tok[0]}`"
            args = [self.consume_arg()[0] for _ in range(count)]
            pos = tok[1]
            out: list[Tok] = []
            i = 0
            while i < len(body):
                text = body[i]
                if text == "#" and i + 1 < len(body):
                    i += 1
                    if body[i] == "#":
                        out.append(("#", pos))
                    else:
                        out.extend(args[int(body[i]) - 1])
                else:
                    out.append((text, pos))
                i += 1
            self.stack.extend(reversed(out))

    def begin_group(self) -> None:
        self.frames.append({})

    def end_group(self) -> None:
        for name, old in self.frames.pop().items():
            if old is _MISSING:
                self.defs.pop(name, None)
            else:
                self.defs[name] = old

    def define(self, name: str, value: object, globally: bool = False) -> None:
        if globally:
            for frame in self.frames:
                frame.pop(name, None)
        elif self.frames and name not in self.frames[-1]:
            self.frames[-1][name] = self.defs.get(name, _MISSING)
        self.defs[name] = value

    # --- the parser ---------------------------------------------------------------

    def fetch(self) -> Tok:
        if self.next is None:
            self.next = self.next_token()
        return self.next

    def consume(self) -> None:
        self.next = None

    def consume_spaces(self) -> None:
        while (self.next or self.fetch())[0] == " ":
            self.next = None

    def expect(self, text: str, opener: Tok | None = None) -> None:
        got = self.fetch()
        if got[0] != text:
            raise self.unexpected(text, got, opener)
        self.next = None

    def unexpected(self, expected: str, got: Tok, opener: Tok | None) -> _Fail:
        text, pos = got
        if text == "}":
            return _Fail(d.UNBALANCED_BRACES, pos, "`}` has no matching `{`")
        if text == "\\right":
            return _Fail(d.UNMATCHED_LEFT_RIGHT, pos, "`\\right` has no matching `\\left`")
        if text == "\\end":
            return _Fail(d.UNMATCHED_ENVIRONMENT, pos, "`\\end` has no matching `\\begin`")
        if text == "&":
            return _Fail(d.MISPLACED_ALIGNMENT, pos, "`&` outside an alignment environment "
                         "(aligned, cases, matrix, array…)")
        if expected in ("}", "\\endgroup") and opener is not None:
            return _Fail(d.UNBALANCED_BRACES, opener[1], f"`{opener[0]}` is never closed")
        if text in ("^", "_") and self.mode == "text":
            return _Fail(d.NOT_ALLOWED_HERE, pos, f"`{text}` inside text (`\\text{{}}`…): "
                         "scripts work only in math")
        return _Fail(d.KATEX_ERROR, pos, f"KaTeX expected `{expected}` but found `{text}`")

    def parse(self) -> None:
        self.begin_group()
        self.parse_expression(False, None)
        self.expect("EOF")
        self.end_group()
        if self.defs.get("\\df@tag"):
            if not self.display:
                raise _Fail(d.NOT_ALLOWED_HERE, 0, "`\\tag` works only in display math (`$$…$$`)")
            self.subparse(("\\df@tag", 0))

    def subparse(self, tok: Tok) -> None:
        """Parse a stored token (a `\\tag`'s text) on its own, as KaTeX does at a row's end."""
        saved, self.next = self.next, None
        self.stack.extend((("}", tok[1]), tok))
        self.parse_expression(False, None)
        self.expect("}")
        self.next = saved

    def parse_expression(self, break_on_infix: bool, break_on: str | None) -> list[_Node]:
        body: list[_Node] = []
        functions = self.t.functions
        plain = self.plain
        scripts = self.scripts
        while True:
            if self.mode == "math":
                while (self.next or self.fetch())[0] == " ":
                    self.next = None
            text, pos = self.next or self.fetch()
            if text in _END or text == break_on:
                break
            if break_on_infix and text in functions and functions[text].infix:
                break
            if text in plain and self.mode == "math":
                # The common case, a symbol with no script: skip the general path.
                self.next = None
                base = _symbol(text, plain[text])
                after = self.next = self.next_token()
                if after[0] not in scripts and after[0] != " ":
                    body.append(base)
                    continue
                atom = self.parse_atom(break_on, base)
            else:
                atom = self.parse_atom(break_on)
            if atom is None:
                break
            if atom.kind != "internal":
                body.append(atom)
                if atom.kind == "infix" and sum(n.kind == "infix" for n in body) > 1:
                    raise _Fail(d.NOT_ALLOWED_HERE, pos, f"a second infix `{atom.text}` in one "
                                "group (only one `\\over`/`\\choose`/… per `{}`)")
        return body

    def parse_atom(self, break_on: str | None, base: _Node | None = None) -> _Node | None:
        if base is None:
            base = self.parse_group("atom", break_on)
        if (base is not None and base.kind == "internal") or self.mode == "text":
            return base
        sup = sub = False
        scripts = self.scripts
        while True:
            while (tok := self.next or self.fetch())[0] == " ":
                self.next = None
            text, pos = tok
            if text not in scripts:
                break
            if text in ("\\limits", "\\nolimits"):
                if base is None or base.kind not in ("op", "operatorname"):
                    raise _Fail(d.NOT_ALLOWED_HERE, pos,
                                f"`{text}` must follow an operator such as `\\sum`")
                self.consume()
            elif text == "^" or text == "'":
                if sup:
                    raise _Fail(d.DOUBLE_SCRIPT, pos, "double superscript: "
                                f"`{text}` after a superscript; group it as `^{{…}}`")
                if text == "^":
                    self.script("superscript")
                else:
                    while self.fetch()[0] == "'":
                        self.consume()
                    if self.fetch()[0] == "^":
                        self.script("superscript")
                sup = True
            elif text == "_":
                if sub:
                    raise _Fail(d.DOUBLE_SCRIPT, pos, "double subscript: `_` after a subscript; "
                                "group it as `_{…}`")
                self.script("subscript")
                sub = True
            elif text in self.t.unicode_sup_sub:
                is_sub = text in _SUBSCRIPTS
                self.consume()
                while (nxt := self.fetch()[0]) in self.t.unicode_sup_sub and (
                        nxt in _SUBSCRIPTS) == is_sub:
                    self.consume()
                sup, sub = sup or not is_sub, sub or is_sub
            else:
                break
        if not (sup or sub):
            return base
        if base is not None and base.kind == "infix":
            raise _Fail(d.NOT_ALLOWED_HERE, self.fetch()[1],
                        f"`{base.text}` cannot take a superscript or subscript")
        return _Node("supsub")

    def script(self, name: str) -> None:
        symbol, _ = self.fetch()
        self.consume()
        self.consume_spaces()
        while (group := self.parse_group(name)) is not None and group.kind == "internal":
            pass
        if group is None:
            text, pos = self.fetch()
            found = "nothing" if text == "EOF" else f"`{text}`"
            raise _Fail(d.MISSING_ARGUMENT, pos,
                        f"`{symbol}` needs something to raise or lower, found {found}")

    def parse_group(self, name: str, break_on: str | None = None) -> _Node | None:
        tok = self.fetch()
        text = tok[0]
        if text == "{" or text == "\\begingroup":
            self.consume()
            end = "}" if text == "{" else "\\endgroup"
            self.begin_group()
            self.parse_expression(False, end)
            self.expect(end, tok)
            self.end_group()
            return _ORDGROUP
        if text in self.t.functions:
            result = self.parse_function(break_on, name)
        else:
            result = self.parse_symbol()
        if result is None and text[0] == "\\" and text not in self.t.implicit_commands:
            raise self.unknown(tok)
        return result

    def unknown(self, tok: Tok) -> _Fail:
        text, pos = tok
        other = self.t.text_symbols if self.mode == "math" else self.t.math_symbols
        if text in other:
            where = "outside `\\text{}`" if self.mode == "math" else "inside `\\text{}`"
            return _Fail(d.NOT_ALLOWED_HERE, pos, f"`{text}` cannot be used {where}")
        close = _suggest(text)
        hint = f"; did you mean `{close}`?" if close else ""
        return _Fail(d.UNKNOWN_COMMAND, pos, f"KaTeX does not know `{text}`{hint}")

    def parse_function(self, break_on: str | None, name: str | None) -> _Node | None:
        tok = self.fetch()
        spec = self.t.functions.get(tok[0])
        if spec is None:
            return None
        self.consume()
        func, pos = tok
        if name and name != "atom" and not spec.allowed_in_argument:
            raise _Fail(d.NOT_ALLOWED_HERE, pos,
                        f"`{func}` as a {name} needs braces: write `{{{func}…}}`")
        if self.mode == "text" and not spec.allowed_in_text:
            raise _Fail(d.NOT_ALLOWED_HERE, pos, f"`{func}` cannot be used inside `\\text{{}}`")
        if self.mode == "math" and not spec.allowed_in_math:
            raise _Fail(d.NOT_ALLOWED_HERE, pos, f"`{func}` cannot be used in math mode")
        args = self.parse_arguments(func, spec.num_args, spec.num_optional, spec.arg_types,
                                    spec.primitive, spec.type == "sqrt")
        return self.call(tok, spec, args, break_on)

    def parse_arguments(self, func: str, num: int, optional: int,
                        types: tuple[str | None, ...], primitive: bool = False,
                        sqrt: bool = False) -> list[_Node | None]:
        args: list[_Node | None] = []
        for i in range(num + optional):
            self.taker = f"`{func}`"
            kind = types[i] if i < len(types) else None
            if (primitive and kind is None) or (sqrt and i == 1 and args[0] is None):
                kind = "primitive"
            args.append(self.argument(func, kind, i < optional))
        return args

    def argument(self, func: str, kind: str | None, optional: bool) -> _Node | None:
        if kind == "color":
            found = self.string_group(optional)
            if found is not None and not _COLOR.fullmatch(found[0]):
                raise _Fail(d.INVALID_ARGUMENT, found[1], f"`{found[0]}` is not a color")
            return _OTHER if found else None
        if kind == "size":
            return self.size_group(optional)
        if kind in ("url", "raw"):
            self.skip_spaces()
            return _OTHER if self.string_group(optional) else None
        if kind == "primitive":
            group = self.parse_group(f"argument to '{func}'")
            if group is None:
                raise _Fail(d.MISSING_ARGUMENT, self.fetch()[1],
                            f"`{func}` is missing its argument")
            return group
        mode = "text" if kind == "hbox" else kind if kind in ("math", "text") else None
        if self.scan_argument(optional) is None:
            return None
        outer = self.mode
        self.mode = mode or outer
        self.begin_group()
        body = self.parse_expression(False, "EOF")
        self.expect("EOF")
        self.end_group()
        self.mode = outer
        return _Node("ordgroup", body=body)

    def string_group(self, optional: bool) -> Tok | None:
        start = self.scan_argument(optional)
        if start is None:
            return None
        text = ""
        while (tok := self.fetch())[0] != "EOF":
            text += tok[0]
            self.consume()
        self.consume()
        return text, start[1]

    def size_group(self, optional: bool) -> _Node | None:
        self.skip_spaces()
        if not optional and self.future()[0] != "{":
            first = self.fetch()
            text = ""
            while (tok := self.fetch())[0] != "EOF" and _SIZE.fullmatch(text + tok[0]):
                text += tok[0]
                self.consume()
            if not text:
                raise _Fail(d.INVALID_ARGUMENT, first[1], f"`{first[0]}` is not a size")
            found: Tok | None = (text, first[1])
        else:
            found = self.string_group(optional)
        if found is None:
            return None
        text = found[0] or ("0pt" if not optional else "")
        match = re.search(r"([-+]?) *(\d+(?:\.\d*)?|\.\d+) *([a-z]{2})", text)
        if not match or match.group(3) not in _UNITS:
            raise _Fail(d.INVALID_ARGUMENT, found[1], f"`{found[0]}` is not a size such as `2pt`")
        return _OTHER

    def call(self, tok: Tok, spec: FunctionSpec, args: list[_Node | None],
             break_on: str | None) -> _Node:
        """What the function's handler does beyond taking its arguments."""
        func, pos = tok
        kind = spec.type
        if spec.infix:
            return _Node("infix", func)
        if func == "\\\\":
            if self.future()[0] == "[":
                self.size_group(True)
        elif func == "\\left":
            self.delimiter(args[0], func, pos)
            self.lr_depth += 1
            self.parse_expression(False, None)
            self.lr_depth -= 1
            got = self.fetch()
            if got[0] != "\\right":
                found = "the end" if got[0] == "EOF" else f"`{got[0]}`"
                raise _Fail(d.UNMATCHED_LEFT_RIGHT, pos,
                            f"`\\left` has no matching `\\right` (found {found} first)")
            self.parse_function(None, None)
        elif func in ("\\right", "\\middle") or kind == "delimsizing":
            self.delimiter(args[0], func, pos)
            if func == "\\middle" and self.lr_depth <= 0:
                raise _Fail(d.UNMATCHED_LEFT_RIGHT, pos, "`\\middle` outside `\\left … \\right`")
        elif func in ("\\begin", "\\end"):
            name = _characters(args[0])
            if name is None:
                raise _Fail(d.INVALID_ARGUMENT, pos, f"`{func}` needs an environment name")
            if func == "\\end":
                return _Node("end", name)
            self.environment(name, tok)
        elif func in ("\\hline", "\\hdashline"):
            raise _Fail(d.MISPLACED_ALIGNMENT, pos, f"`{func}` outside an array or matrix")
        elif func in ("\\)", "\\]"):
            raise _Fail(d.KATEX_ERROR, pos, f"`{func}` has no opening partner")
        elif func in ("$", "\\("):
            outer, self.mode = self.mode, "math"
            close = "$" if func == "$" else "\\)"
            self.parse_expression(False, close)
            self.expect(close)
            self.mode = outer
        elif kind == "sizing" or (spec.num_args == 0 and kind in ("styling", "font")) or (
                func == "\\color"):
            self.parse_expression(kind != "sizing", break_on)
        elif func in _DEFS:
            self.define_macro(func, pos)
        elif func == "\\let":
            target = self.pop()
            if not target[0].startswith("\\") or len(target[0]) == 1:
                raise _Fail(d.INVALID_ARGUMENT, target[1], "`\\let` needs a command name to define")
            self.skip_spaces()
            if self.future()[0] == "=":
                self.pop()
                if self.future()[0] == " ":
                    self.pop()
            self.define(target[0], ((self.pop()[0],), 0))
        elif func in ("\\global", "\\long"):
            self.consume_spaces()
            if self.fetch()[0] not in _DEFS:
                raise _Unsupported(func)
            self.parse_function(None, None)
        elif kind == "internal" and func != "\\relax":
            raise _Unsupported(func)
        if kind == "internal":
            return _INTERNAL
        return _Node(kind) if kind in ("op", "operatorname") else _OTHER

    def delimiter(self, node: _Node | None, func: str, pos: int) -> None:
        if node is not None and node.kind == "ordgroup" and node.body and len(node.body) == 1 \
                and func not in ("\\left", "\\right", "\\middle"):
            node = node.body[0]
        if node is not None and node.kind == "sym" and node.text in self.t.delimiters:
            return
        what = f"`{node.text}`" if node is not None and node.kind == "sym" else "this"
        raise _Fail(d.INVALID_ARGUMENT, pos, f"{what} is not a delimiter `{func}` can size "
                    "(use `(`, `[`, `\\{`, `|`, `\\langle`, `.`…)")

    def define_macro(self, func: str, pos: int) -> None:
        name = self.pop()
        if name[0] in ("\\", "{", "}", "$", "&", "#", "^", "_", "EOF") or len(name[0]) == 1:
            raise _Unsupported(func)
        count = 0
        while self.future()[0] != "{":
            tok = self.pop()
            if tok[0] == "EOF":
                raise _Fail(d.MISSING_ARGUMENT, pos, f"`{func}` needs a body in braces")
            if tok[0] == "#" and self.future()[0].isdigit():
                count = int(self.pop()[0])
        body = tuple(t for t, _ in self.consume_arg()[0])
        self.define(name[0], (body, count), globally=func in ("\\gdef", "\\xdef"))

    def environment(self, name: str, tok: Tok) -> None:
        """`\\begin{name}`: its arguments, its body of rows and cells, and its `\\end`."""
        env = self.t.environments.get(name)
        pos = tok[1]
        if env is None:
            close = difflib.get_close_matches(name, list(self.t.environments), n=1, cutoff=0.6)
            hint = f"; did you mean `{close[0]}`?" if close else ""
            raise _Fail(d.UNKNOWN_ENVIRONMENT, pos, f"KaTeX has no environment `{name}`{hint}")
        args = self.parse_arguments(f"\\begin{{{name}}}", env.num_args, env.num_optional,
                                    env.arg_types)
        if env.display_only and not self.display:
            raise _Fail(d.NOT_ALLOWED_HERE, pos, f"`{{{name}}}` works only in display math "
                        "(`$$…$$`); inline, use `aligned`/`gathered`")
        spec = _characters(args[0]) if args else None
        if name in ("array", "darray", "subarray") and args:
            allowed = "lc" if name == "subarray" else "lcr|:"
            for node in args[0].body or () if args[0] else ():
                if node.kind != "sym" or node.text not in allowed:
                    raise _Fail(d.INVALID_ARGUMENT, pos, f"column spec of `{{{name}}}` may use "
                                f"only {', '.join(allowed)}")
            if name == "subarray" and args[0] and len(args[0].body or ()) > 1:
                raise _Fail(d.INVALID_ARGUMENT, pos, "`{subarray}` has only one column")
        if name.startswith("align") and "at" in name and (
                not (spec or "").isdigit() or int(spec or 0) < 1):
            raise _Fail(d.INVALID_ARGUMENT, pos, f"`{{{name}}}` needs a column count such as {{2}}")
        if name.endswith("matrix*"):
            self.consume_spaces()
            if self.fetch()[0] == "[":
                self.consume()
                self.consume_spaces()
                align = self.fetch()
                if align[0] not in ("l", "c", "r"):
                    raise _Fail(d.INVALID_ARGUMENT, align[1], "matrix alignment must be l, c or r")
                self.consume()
                self.consume_spaces()
                self.expect("]")
        rows = self.rows(name, tok)
        if name == "subarray" and rows[0] > 1:
            raise _Fail(d.MISPLACED_ALIGNMENT, pos, "`{subarray}` has only one column: no `&`")
        if spec and spec.isdigit() and "at" in name and any(r / 2 > int(spec) for r in rows):
            raise _Fail(d.MISPLACED_ALIGNMENT, pos, f"a row of `{{{name}}}{{{spec}}}` has more "
                        f"than {2 * int(spec) - 1} `&`")
        end = self.parse_function(None, None)
        if end is None or end.text != name:
            found = end.text if end is not None else "?"
            raise _Fail(d.UNMATCHED_ENVIRONMENT, pos,
                        f"`\\begin{{{name}}}` is closed by `\\end{{{found}}}`")

    def rows(self, name: str, begin: Tok) -> list[int]:
        """Parse an environment body; the number of cells in each row."""
        single = name in d.SINGLE_ROW
        limit = d.MAX_COLUMNS.get(name, 0)
        self.begin_group()
        if not single:
            self.define("\\cr", "\\\\\\relax")
        self.begin_group()
        rows = [0]
        self.hlines()
        while True:
            self.parse_expression(False, "\\end" if single else "\\\\")
            self.end_group()
            self.begin_group()
            rows[-1] += 1
            text, pos = self.fetch()
            if text == "&":
                if limit and rows[-1] == limit:
                    raise _Fail(d.MISPLACED_ALIGNMENT, pos,
                                f"too many `&` in `{{{name}}}` (at most {limit} column(s))")
                self.consume()
            elif text == "\\end":
                break
            elif text == "\\\\":
                self.consume()
                if self.future()[0] != " ":
                    self.size_group(True)
                self.end_row(name)
                self.hlines()
                rows.append(0)
            elif text == "EOF":
                raise _Fail(d.UNMATCHED_ENVIRONMENT, begin[1], f"`\\begin{{{name}}}` has no "
                            f"`\\end{{{name}}}`")
            else:
                raise self.unexpected("\\end", (text, pos), None)
        self.end_row(name)
        self.end_group()
        self.end_group()
        return rows

    def end_row(self, name: str) -> None:
        if name in d.TAGGED and self.defs.get("\\df@tag"):
            self.subparse(("\\df@tag", 0))
            self.define("\\df@tag", None, globally=True)

    def hlines(self) -> None:
        self.consume_spaces()
        if self.fetch()[0] == "\\relax":
            self.consume()
            self.consume_spaces()
        while self.fetch()[0] in ("\\hline", "\\hdashline"):
            self.consume()
            self.consume_spaces()

    def parse_symbol(self) -> _Node | None:
        text = (self.next or self.fetch())[0]
        table = self.t.math_symbols if self.mode == "math" else self.t.text_symbols
        group = table.get(text)
        if group is not None:
            self.next = None
            return _symbol(text, group)
        if text.startswith("\\verb") and len(text) > 5 and not text[5].isalpha():
            self.consume()
            return _OTHER
        if text == _ORD:
            self.consume()
            return _OTHER
        bare = text.rstrip("\u0300\u0301\u0302\u0303\u0304\u0306\u0307\u0308\u030a\u030b\u030c")
        if bare in table:
            self.consume()
            return _symbol(bare, table[bare])
        if ord(text[0]) >= 0x80:
            self.consume()
            return _symbol(bare, "textord")
        return None


_SYMBOLS: dict[tuple[str, str], _Node] = {}


@functools.cache
def _plain_symbols() -> dict[str, str]:
    """Math symbols that are not also functions: parsed without looking them up twice."""
    tables = d.katex_tables()
    return {k: v for k, v in tables.math_symbols.items() if k not in tables.functions}


def _symbol(text: str, group: str) -> _Node:
    """Symbol nodes are never changed, so one node per symbol is shared."""
    node = _SYMBOLS.get((text, group))
    if node is None:
        node = _SYMBOLS[(text, group)] = _Node("sym", text, group)
    return node


@functools.lru_cache(maxsize=1024)
def _suggest(name: str) -> str | None:
    """The known command closest to a misspelt one (within two edits), ranked by difflib."""
    index = _deletion_index()
    found: set[str] = set()
    for variant in {name} | _deletions(name):
        found.update(index.get(variant, ()))
    found.discard(name)
    if not found:
        return None
    return min(sorted(found), key=lambda c: (
        _distance(name, c), -difflib.SequenceMatcher(None, name, c).ratio()))


def _distance(a: str, b: str) -> int:
    """Edit distance counting a swap of two neighbours as one edit (optimal string alignment)."""
    rows = [list(range(len(b) + 1))]
    for i in range(1, len(a) + 1):
        row = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            row[j] = min(rows[-1][j] + 1, row[j - 1] + 1,
                         rows[-1][j - 1] + (a[i - 1] != b[j - 1]))
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                row[j] = min(row[j], rows[-2][j - 2] + 1)
        rows.append(row)
    return rows[-1][-1]


def _deletions(name: str) -> set[str]:
    return {name[:i] + name[i + 1:] for i in range(1, len(name))}


@functools.cache
def _deletion_index() -> dict[str, tuple[str, ...]]:
    """Each command name and its one-letter deletions, pointing back at the name."""
    index: dict[str, list[str]] = {}
    for command in d.katex_tables().command_names:
        for variant in {command} | _deletions(command):
            index.setdefault(variant, []).append(command)
    return {k: tuple(v) for k, v in index.items()}


def _characters(node: _Node | None) -> str | None:
    """The text of a group of plain characters (an environment name, a column count)."""
    if node is None or node.body is None:
        return None
    if any(n.kind != "sym" or n.group not in ("textord", "mathord", "spacing") for n in node.body):
        return None
    return "".join(n.text for n in node.body)


def _string_macro(body: str) -> tuple[tuple[str, ...], int]:
    return _lex_macro(body)


_MACRO_CACHE: dict[str, tuple[tuple[str, ...], int]] = {}


def _lex_macro(body: str) -> tuple[tuple[str, ...], int]:
    found = _MACRO_CACHE.get(body)
    if found is None:
        count = 0
        stripped = body.replace("##", "")
        while f"#{count + 1}" in stripped:
            count += 1
        found = (tuple(t for t, _ in d.lex(body)), count)
        _MACRO_CACHE[body] = found
    return found


def _scan_characters(tex: str) -> list[TexProblem]:
    """Full-width characters and Chinese typed in math mode (outside `\\text{}` and friends)."""
    if tex.isascii():
        return []
    text_commands = _text_commands()
    problems: list[TexProblem] = []
    stack: list[bool] = []
    pending = False
    i, n = 0, len(tex)
    while i < n:
        char = tex[i]
        if char == "\\":
            m = re.match(r"\\([a-zA-Z@]+\*?|.)", tex[i:i + 40], re.S)
            name = m.group(0) if m else "\\"
            pending = name in text_commands
            i += len(name)
            continue
        if char == "%":
            newline = tex.find("\n", i)
            i = n if newline < 0 else newline + 1
            continue
        in_text = bool(stack) and stack[-1]
        if char == "{":
            stack.append(pending or in_text)
        elif char == "}":
            if stack:
                stack.pop()
        elif not in_text and not pending:
            if char in d.FULL_WIDTH_FIXES or char in d.FULL_WIDTH_NO_FIX:
                fix = d.FULL_WIDTH_FIXES.get(char)
                ascii_hint = f"; use `{fix}`" if fix and fix != " " else ""
                problems.append(TexProblem(d.FULL_WIDTH_IN_MATH, i,
                                           f"full-width `{char}` typed in math{ascii_hint}", fix))
            elif d.is_cjk(char):
                j = i
                while j < n and d.is_cjk(tex[j]):
                    j += 1
                problems.append(TexProblem(d.CJK_OUTSIDE_TEXT, i, f"Chinese `{tex[i:j]}` in math "
                                           "outside `\\text{}` (rendered as italic symbols)"))
                i = j
                continue
        if not char.isspace():
            pending = False
        i += 1
    return problems


_TEXT_COMMANDS: set[str] = set()


def _text_commands() -> set[str]:
    if not _TEXT_COMMANDS:
        tables = d.katex_tables()
        _TEXT_COMMANDS.update(
            name for name, spec in tables.functions.items()
            if any(t in ("text", "hbox", "raw", "url") for t in spec.arg_types)
        )
        _TEXT_COMMANDS.update({"\\tag", "\\tag*"})
    return _TEXT_COMMANDS
