"""What the formula parser passes around: tokens, parse nodes and failures."""

from __future__ import annotations

Tok = tuple[str, int]
"""A token's text and the code-point offset in the formula it came from."""


class Fail(Exception):
    """KaTeX's first error in a formula: a problem code, an offset and a message."""

    def __init__(self, code: str, offset: int, message: str) -> None:
        super().__init__(message)
        self.code, self.offset, self.message = code, offset, message


class Unsupported(Exception):
    """Macro programming (`\\newcommand`, `\\let`, …) beyond this checker: no verdict."""


class Node:
    """What a parsed atom is, as far as the parser's later checks need to know."""

    __slots__ = ("kind", "text", "group", "body")

    def __init__(
        self, kind: str, text: str = "", group: str = "", body: list[Node] | None = None
    ) -> None:
        self.kind, self.text, self.group, self.body = kind, text, group, body


ORD = "\\kb@ord"  # stands for what a look-ahead macro such as \dots expands to
MISSING = object()
ORDGROUP = Node("ordgroup")
INTERNAL = Node("internal")
OTHER = Node("other")
SUPSUB = Node("supsub")
DEFS = frozenset({"\\def", "\\gdef", "\\edef", "\\xdef"})

_SYMBOLS: dict[tuple[str, str], Node] = {}


def symbol(text: str, group: str) -> Node:
    """Symbol nodes are never changed, so one node per symbol is shared."""
    node = _SYMBOLS.get((text, group))
    if node is None:
        node = _SYMBOLS[(text, group)] = Node("sym", text, group)
    return node


def characters(node: Node | None) -> str | None:
    """The text of a group of plain characters (an environment name, a column count)."""
    if node is None or node.body is None:
        return None
    if any(n.kind != "sym" or n.group not in ("textord", "mathord", "spacing") for n in node.body):
        return None
    return "".join(n.text for n in node.body)
