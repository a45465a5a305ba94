"""KaTeX's Parser: expressions, atoms, scripts, groups, functions and their arguments."""

from __future__ import annotations

import functools

from toolkit import tex_data as d
from toolkit.tex_args import parse_arguments
from toolkit.tex_data import FunctionSpec
from toolkit.tex_functions import call, plain_handlers
from toolkit.tex_gullet import Gullet
from toolkit.tex_nodes import (
    ORD,
    ORDGROUP,
    OTHER,
    Fail,
    Node,
    Tok,
    symbol,
)
from toolkit.tex_scripts import scripts_of
from toolkit.tex_suggest import suggest

_END = frozenset({"}", "\\endgroup", "\\end", "\\right", "&"})
_SCRIPT_TOKENS = frozenset({"\\limits", "\\nolimits", "^", "_", "'"})


class Parser(Gullet):
    """KaTeX's Parser + MacroExpander, keeping only what decides whether parsing succeeds."""

    def __init__(self, tex: str, display: bool) -> None:
        super().__init__(tex)
        self.display = display
        self.next: Tok | None = None
        self.lr_depth = 0
        self.functions = self.t.functions
        self.scripts, self.plain, self.letters, self.infix = _lookups()
        self.handlers = plain_handlers()

    def fetch(self) -> Tok:
        """The current token, read (and expanded) from the stack if there is none yet."""
        tok = self.next
        if tok is None:  # pop a token and expand it if it is a macro
            stack = self.stack
            tok = stack.pop() if stack else self.eof
            if tok[0] in self.macros or (self.defs and tok[0] in self.defs):
                tok = self.expand(tok)
            self.next = tok
        return tok

    def consume(self) -> None:
        """Done with the current token."""
        self.next = None

    def consume_spaces(self) -> None:
        """Skip space tokens."""
        while (self.next or self.fetch())[0] == " ":
            self.next = None

    def expect(self, text: str, opener: Tok | None = None) -> None:
        """Consume the current token, which must be `text`."""
        got = self.next or self.fetch()
        if got[0] != text:
            raise self.unexpected(text, got, opener)
        self.next = None

    def unexpected(self, expected: str, got: Tok, opener: Tok | None) -> Fail:
        """The failure for finding `got` where `expected` should be, worded for a person."""
        text, pos = got
        if text == "}":
            return Fail(d.UNBALANCED_BRACES, pos, "`}` has no matching `{`")
        if text == "\\right":
            return Fail(d.UNMATCHED_LEFT_RIGHT, pos, "`\\right` has no matching `\\left`")
        if text == "\\end":
            return Fail(d.UNMATCHED_ENVIRONMENT, pos, "`\\end` has no matching `\\begin`")
        if text == "&":
            return Fail(
                d.MISPLACED_ALIGNMENT,
                pos,
                "`&` outside an alignment environment (aligned, cases, matrix, array…)",
            )
        if expected in ("}", "\\endgroup") and opener is not None:
            return Fail(d.UNBALANCED_BRACES, opener[1], f"`{opener[0]}` is never closed")
        if text in ("^", "_") and self.mode == "text":
            return Fail(
                d.NOT_ALLOWED_HERE,
                pos,
                f"`{text}` inside text (`\\text{{}}`…): scripts work only in math",
            )
        return Fail(d.KATEX_ERROR, pos, f"KaTeX expected `{expected}` but found `{text}`")

    def parse(self) -> None:
        """Parse the whole formula (and its `\\tag`): Fail at KaTeX's first error."""
        self.begin_group()
        self.parse_expression(False, None)
        self.expect("EOF")
        self.end_group()
        if self.defs.get("\\df@tag"):
            if not self.display:
                raise Fail(d.NOT_ALLOWED_HERE, 0, "`\\tag` works only in display math (`$$…$$`)")
            self.subparse(("\\df@tag", 0))

    def subparse(self, tok: Tok) -> None:
        """Parse a stored token (a `\\tag`'s text) on its own, as KaTeX does at a row's end."""
        saved, self.next = self.next, None
        self.stack.extend((("}", tok[1]), tok))
        self.parse_expression(False, None)
        self.expect("}")
        self.next = saved

    def parse_expression(self, break_on_infix: bool, break_on: str | None) -> list[Node]:
        """Atoms up to `break_on` or a token that ends a group, left as the current token."""
        body: list[Node] = []
        append = body.append
        stack, eof, macros, defs = self.stack, self.eof, self.macros, self.defs
        pop = stack.pop
        math = self.mode == "math"
        plain = self.plain if math else _NO_NODES
        letters = _NO_NODES if math else self.letters
        infix = self.infix if break_on_infix else _NO_NAMES
        scripts, functions = self.scripts, self.functions
        # `tok` is the current token; self.next is set to it only before a call that reads it.
        tok = self.next  # self.fetch(), inlined here and below as it runs for every token
        if tok is None:
            tok = pop() if stack else eof
            if tok[0] in macros or (defs and tok[0] in defs):
                tok = self.expand(tok)
        while True:
            text = tok[0]
            if text in plain:  # no plain symbol ends an expression
                # The common case, a symbol with no script: skip the general path.
                base = plain[text]
                while True:
                    tok = pop() if stack else eof
                    text = tok[0]
                    if text in macros or (defs and text in defs):
                        tok = self.expand(tok)
                        text = tok[0]
                    if text != " ":
                        break
                if text not in scripts:
                    append(base)
                    continue
                self.next = tok
                atom = self.parse_atom(break_on, base)
            elif text == " " and math:
                tok = pop() if stack else eof
                if tok[0] in macros or (defs and tok[0] in defs):
                    tok = self.expand(tok)
                continue
            elif text in _END or text == break_on or text in infix:
                self.next = tok
                break
            elif text in letters:  # text mode: a character, which takes no script
                append(letters[text])
                tok = pop() if stack else eof
                if tok[0] in macros or (defs and tok[0] in defs):
                    tok = self.expand(tok)
                continue
            else:
                self.next = tok
                spec = functions.get(text)
                if spec is None:
                    atom = self.parse_atom(break_on)
                else:  # what parse_atom would do, without going through parse_group
                    atom = self.parse_atom(break_on, self.function(tok, spec, break_on, "atom"))
            if atom is None:
                break
            if atom.kind != "internal":
                append(atom)
                if atom.kind == "infix" and sum(n.kind == "infix" for n in body) > 1:
                    raise Fail(
                        d.NOT_ALLOWED_HERE,
                        tok[1],  # still the infix's own token: a plain symbol is no infix
                        f"a second infix `{atom.text}` in one "
                        "group (only one `\\over`/`\\choose`/… per `{}`)",
                    )
            tok = self.next
            if tok is None:
                tok = pop() if stack else eof
                if tok[0] in macros or (defs and tok[0] in defs):
                    tok = self.expand(tok)
        return body

    def parse_atom(self, break_on: str | None, base: Node | None = None) -> Node | None:
        """A group, function or symbol (or the given `base`) and the scripts after it."""
        if base is None:
            base = self.parse_group("atom", break_on)
        if (base is not None and base.kind == "internal") or self.mode == "text":
            return base
        tok = self.next
        if tok is None or tok[0] == " ":  # self.fetch() and consume_spaces(), inlined
            stack, macros, defs = self.stack, self.macros, self.defs
            while True:
                tok = stack.pop() if stack else self.eof
                if tok[0] in macros or (defs and tok[0] in defs):
                    tok = self.expand(tok)
                if tok[0] != " ":
                    break
            self.next = tok
        if tok[0] not in self.scripts:
            return base  # the common case: no script
        return scripts_of(self, base)

    def parse_group(self, name: str, break_on: str | None = None) -> Node | None:
        """A braced group, a function with its arguments, or a symbol; None if none starts here."""
        tok = self.next or self.fetch()
        text = tok[0]
        if text == "{" or text == "\\begingroup":
            self.next = None
            end = "}" if text == "{" else "\\endgroup"
            self.frames.append({})
            self.parse_expression(False, end)
            got = self.next or self.fetch()
            if got[0] != end:
                raise self.unexpected(end, got, tok)
            self.next = None
            frame = self.frames.pop()
            if frame:
                self.restore(frame)
            return ORDGROUP
        spec = self.functions.get(text)
        if spec is not None:
            return self.function(tok, spec, break_on, name)
        if self.mode == "math":
            node = self.plain.get(text)
            if node is not None:
                self.next = None
                return node
        result = self.parse_symbol()
        if result is None and text[0] == "\\" and text not in self.t.implicit_commands:
            raise self.unknown(tok)
        return result

    def unknown(self, tok: Tok) -> Fail:
        """The failure for a command KaTeX does not know here, with a suggestion if any."""
        text, pos = tok
        other = self.t.text_symbols if self.mode == "math" else self.t.math_symbols
        if text in other:
            where = "outside `\\text{}`" if self.mode == "math" else "inside `\\text{}`"
            return Fail(d.NOT_ALLOWED_HERE, pos, f"`{text}` cannot be used {where}")
        close = suggest(text)
        hint = f"; did you mean `{close}`?" if close else ""
        return Fail(d.UNKNOWN_COMMAND, pos, f"KaTeX does not know `{text}`{hint}")

    def parse_function(self, break_on: str | None, name: str | None) -> Node | None:
        """The function that is the current token, if it is one, and its arguments."""
        tok = self.fetch()
        spec = self.functions.get(tok[0])
        if spec is None:
            return None
        return self.function(tok, spec, break_on, name)

    def function(
        self, tok: Tok, spec: FunctionSpec, break_on: str | None, name: str | None
    ) -> Node:
        """The function `tok` (fetched, not yet consumed), its arguments and its handler."""
        self.next = None
        func, pos = tok
        if name and name != "atom" and not spec.allowed_in_argument:
            raise Fail(
                d.NOT_ALLOWED_HERE, pos, f"`{func}` as a {name} needs braces: write `{{{func}…}}`"
            )
        if self.mode == "text" and not spec.allowed_in_text:
            raise Fail(d.NOT_ALLOWED_HERE, pos, f"`{func}` cannot be used inside `\\text{{}}`")
        if self.mode == "math" and not spec.allowed_in_math:
            raise Fail(d.NOT_ALLOWED_HERE, pos, f"`{func}` cannot be used in math mode")
        if spec.num_args or spec.num_optional:
            args = parse_arguments(
                self,
                func,
                spec.num_args,
                spec.num_optional,
                spec.arg_types,
                spec.primitive,
                spec.type == "sqrt",
            )
        else:
            args = []
        done = self.handlers.get(func)
        if done is not None:
            return done  # what `call` would return, known in advance
        return call(self, tok, spec, args, break_on)

    def parse_symbol(self) -> Node | None:
        """The current token as a symbol of the current mode; None if it is not one."""
        text = (self.next or self.fetch())[0]
        table = self.t.math_symbols if self.mode == "math" else self.t.text_symbols
        group = table.get(text)
        if group is not None:
            self.next = None
            return symbol(text, group)
        if text.startswith("\\verb") and len(text) > 5 and not text[5].isalpha():
            self.consume()
            return OTHER
        if text == ORD:
            self.consume()
            return OTHER
        bare = text.rstrip("\u0300\u0301\u0302\u0303\u0304\u0306\u0307\u0308\u030a\u030b\u030c")
        if bare in table:
            self.consume()
            return symbol(bare, table[bare])
        if ord(text[0]) >= 0x80:
            self.consume()
            return symbol(bare, "textord")
        return None


_NO_NODES: dict[str, Node] = {}
_NO_NAMES: frozenset[str] = frozenset()


@functools.cache
def _lookups() -> tuple[frozenset[str], dict[str, Node], dict[str, Node], frozenset[str]]:
    """Script tokens; math and text symbols that are not functions or groups, as nodes; infixes."""
    tables = d.katex_tables()
    scripts = _SCRIPT_TOKENS | tables.unicode_sup_sub.keys()
    plain = {
        name: symbol(name, group)
        for name, group in tables.math_symbols.items()
        if name not in tables.functions
    }
    letters = {
        name: symbol(name, group)
        for name, group in tables.text_symbols.items()
        if name not in tables.functions and name not in ("{", "\\begingroup")
    }
    infix = frozenset(name for name, spec in tables.functions.items() if spec.infix)
    return scripts, plain, letters, infix
