"""KaTeX's MacroExpander: the token stack, macro expansion and grouping of definitions."""

from __future__ import annotations

from toolkit import tex_data as d
from toolkit.tex_data import KatexTables
from toolkit.tex_lexer import lex
from toolkit.tex_nodes import MISSING, ORD, Fail, Tok, Unsupported

_STOPS = frozenset({"{", "}", "EOF"})
"""What a search for the `}` closing a `{` looks at."""


class Gullet:
    """The token side of KaTeX's parser: a stack of tokens and the macros that expand them."""

    def __init__(self, tex: str) -> None:
        self.t: KatexTables = d.katex_tables()
        self.macros = self.t.macros
        self.stack: list[Tok] = lex(tex)  # a new list, reversed: the next token on top
        self.stack.reverse()
        self.eof: Tok = ("EOF", len(tex))
        self.mode = "math"
        self.defs: dict[str, object] = {}
        self.frames: list[dict[str, object]] = []
        self.expansions = 0
        self.taker = ""
        """The command whose arguments are being read, for messages."""

    def pop(self) -> Tok:
        """Take the next token off the stack, unexpanded."""
        return self.stack.pop() if self.stack else self.eof

    def future(self) -> Tok:
        """The next token on the stack, unexpanded, left there."""
        return self.stack[-1] if self.stack else self.eof

    def skip_spaces(self) -> None:
        """Drop space tokens from the top of the stack."""
        stack = self.stack
        while stack and stack[-1][0] == " ":
            stack.pop()

    def consume_arg(self, delims: str | None = None) -> tuple[list[Tok], Tok]:
        """A macro argument's tokens (braces stripped) and the token that ends it."""
        stack, eof = self.stack, self.eof
        if delims is None:
            self.skip_spaces()
            if stack and stack[-1][0] == "{":  # take `{…}` whole rather than token by token
                close = self._closing_brace()
                inside, end = stack[-2:close:-1], stack[close]
                del stack[close:]
                return inside, end
        start = stack[-1] if stack else eof
        tokens: list[Tok] = []
        depth = 0
        while True:
            tok = stack.pop() if stack else eof
            tokens.append(tok)
            text = tok[0]
            if text == "{":
                depth += 1
            elif text == "}":
                depth -= 1
                if depth == -1:
                    raise Fail(
                        d.MISSING_ARGUMENT,
                        tok[1],
                        f"{self.taking()} is missing an argument before `}}`",
                    )
            elif text == "EOF":
                if start[0] == "{" or depth:
                    raise Fail(d.UNBALANCED_BRACES, start[1], "`{` is never closed by `}`")
                if delims:
                    raise Fail(d.INVALID_ARGUMENT, start[1], f"`[` is never closed by `{delims}`")
                raise Fail(
                    d.MISSING_ARGUMENT,
                    tok[1],
                    f"{self.taking()} is missing an argument at the end of the formula",
                )
            if delims is not None:
                if depth == 0 and text == delims:
                    tokens.pop()
                    break
            elif depth == 0:
                break
        if start[0] == "{" and tokens[-1][0] == "}":
            tokens = tokens[1:-1]
        return tokens, tok

    def _closing_brace(self) -> int:
        """Stack index of the `}` closing the `{` on top; Fail if an EOF or the end comes first."""
        stack = self.stack
        depth = 0
        for i in range(len(stack) - 2, -1, -1):
            if stack[i][0] not in _STOPS:
                continue
            text = stack[i][0]
            if text == "}":
                if not depth:
                    return i
                depth -= 1
            elif text == "{":
                depth += 1
            else:
                break  # an EOF
        # What popping token by token up to that EOF would end with.
        raise Fail(d.UNBALANCED_BRACES, stack[-1][1], "`{` is never closed by `}`")

    def taking(self) -> str:
        """The command whose arguments are being read, for messages."""
        return f"`{self.taker}`" if self.taker else "a command"

    def scan_argument(self, optional: bool) -> Tok | None:
        """Put the next argument on top of the stack, ended by an EOF; its first token."""
        stack = self.stack
        if optional:
            self.skip_spaces()
            if not stack or stack[-1][0] != "[":
                return None
            start = stack.pop()
            tokens, end = self.consume_arg("]")
        else:
            start = stack[-1] if stack else self.eof
            while stack and stack[-1][0] == " ":
                stack.pop()
            if stack and stack[-1][0] == "{":
                close = self._closing_brace()
                # As if `{…}` were popped and its inside pushed back over an EOF.
                stack[close] = ("EOF", stack[close][1])
                stack.pop()
                return start
            tokens, end = self.consume_arg()  # a single token
        stack.append(("EOF", end[1]))
        stack.extend(reversed(tokens))
        return start

    def expansion(self, tok: Tok) -> tuple[tuple[str, ...], int] | None:
        """The body and parameter count `tok` expands to; None if it is not a macro."""
        name = tok[0]
        value = self.defs.get(name, MISSING)
        if value is MISSING:
            if name not in self.t.macros:
                return None
            value = self.t.macros[name]
        if value is None:
            return self.function_macro(name, tok[1])
        if isinstance(value, str):
            return string_macro(value)
        return value  # type: ignore[return-value]

    def function_macro(self, name: str, pos: int) -> tuple[tuple[str, ...], int] | None:
        """What KaTeX's macros written as functions (`\\TextOrMath`, `\\dots`, …) expand to."""
        if name in ("\\TextOrMath", "\\@firstoftwo", "\\@secondoftwo"):
            first, second = self.consume_arg()[0], self.consume_arg()[0]
            pick = (
                second
                if name == "\\@secondoftwo" or (name == "\\TextOrMath" and self.mode == "math")
                else first
            )
            return tuple(t for t, _ in pick), 0
        if name == "\\@ifnextchar":
            args = [self.consume_arg()[0] for _ in range(3)]
            self.skip_spaces()
            hit = len(args[0]) == 1 and args[0][0][0] == self.future()[0]
            return tuple(t for t, _ in args[1 if hit else 2]), 0
        if name in ("\\dots", "\\cdots", "\\dotsc", "\\dotso"):
            return (ORD,), 0
        if name == "\\char":
            self.char_code(pos)
            return (ORD,), 0
        if name == "\\tag@literal":
            if self.defs.get("\\df@tag"):
                raise Fail(d.NOT_ALLOWED_HERE, pos, "a second `\\tag` for the same line")
            return string_macro("\\gdef\\df@tag{\\text{#1}}")
        raise Unsupported(name)

    def char_code(self, pos: int) -> None:
        """`\\char` followed by a number: decimal, `'` octal, `"` hex, or `` ` `` and a token."""
        tok = self.pop()
        base = {"'": 8, '"': 16}.get(tok[0], 10)
        if tok[0] == "`":
            if self.pop()[0] == "EOF":
                raise Fail(d.MISSING_ARGUMENT, pos, "`\\char`` needs a character after it")
            return
        if base != 10:
            tok = self.pop()
        digits = "0123456789abcdef"[:base]
        if tok[0].lower() not in digits or len(tok[0]) != 1:
            raise Fail(d.INVALID_ARGUMENT, tok[1], f"`\\char` needs a base-{base} number")
        while len(self.future()[0]) == 1 and self.future()[0].lower() in digits:
            self.pop()

    def expand(self, tok: Tok) -> Tok:
        """Expand `tok` and what its expansion starts with, until a token that does not expand."""
        while True:
            found = self.expansion(tok) if tok[0] != "EOF" else None
            if found is None:
                return tok
            self.expansions += 1
            if self.expansions > 1000:
                raise Fail(d.KATEX_ERROR, tok[1], "too many macro expansions (a loop?)")
            body, count = found
            self.taker = tok[0]
            pos = tok[1]
            if not count and "#" not in body:  # most macros: `\\ne`, `\\dots`, …
                self.stack.extend([(text, pos) for text in reversed(body)])
            else:
                self.stack.extend(reversed(self.substitute(body, count, pos)))
            tok = self.stack.pop() if self.stack else self.eof
            if tok[0] not in self.macros and (not self.defs or tok[0] not in self.defs):
                return tok

    def substitute(self, body: tuple[str, ...], count: int, pos: int) -> list[Tok]:
        """A macro's body with its `count` arguments (read now) in place of `#1`, `#2`, …"""
        args = [self.consume_arg()[0] for _ in range(count)]
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
        return out

    def begin_group(self) -> None:
        """Start a group: definitions made in it end with it."""
        self.frames.append({})

    def end_group(self) -> None:
        """End a group, undoing its definitions."""
        frame = self.frames.pop()
        if frame:
            self.restore(frame)

    def restore(self, frame: dict[str, object]) -> None:
        """Undo the definitions a group made, as it ends."""
        for name, old in frame.items():
            if old is MISSING:
                self.defs.pop(name, None)
            else:
                self.defs[name] = old

    def define(self, name: str, value: object, globally: bool = False) -> None:
        """Define a macro in the current group, or in all of them."""
        if globally:
            for frame in self.frames:
                frame.pop(name, None)
        elif self.frames and name not in self.frames[-1]:
            self.frames[-1][name] = self.defs.get(name, MISSING)
        self.defs[name] = value


_MACRO_CACHE: dict[str, tuple[tuple[str, ...], int]] = {}


def string_macro(body: str) -> tuple[tuple[str, ...], int]:
    """A macro body's token texts and its number of parameters (`#1`, `#2`, …)."""
    found = _MACRO_CACHE.get(body)
    if found is None:
        count = 0
        stripped = body.replace("##", "")
        while f"#{count + 1}" in stripped:
            count += 1
        found = (tuple(t for t, _ in lex(body)), count)
        _MACRO_CACHE[body] = found
    return found
