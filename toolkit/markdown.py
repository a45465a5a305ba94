"""The one markdown-it configuration: CommonMark, tables, front matter and the site's math rules.

The inline rules record the source span of the tokens they push (markdown-it keeps none), and
the math rules follow the site's plugin: dollarmath for our own, docsify-katex's page-wide spans
for that plugin, none for sites whose math is not KaTeX.
"""

from __future__ import annotations

import bisect
import functools
import re
import string
import types
from collections.abc import Callable, MutableMapping
from dataclasses import dataclass, field
from typing import Any

import mdurl
from markdown_it import MarkdownIt
from markdown_it.common import normalize_url
from markdown_it.rules_block import StateBlock
from markdown_it.rules_core import StateCore
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token
from mdit_py_plugins.dollarmath import dollarmath_plugin
from mdit_py_plugins.front_matter import front_matter_plugin

from toolkit.docsify_katex import MathSpan
from toolkit.positions import inline_offsets


def _tokenize_with_spans(
    rules: list[Callable[[StateInline, bool], bool]],
) -> Callable[[StateInline], None]:
    """markdown-it's inline tokenize loop that also records, in `meta["span"]`, the source span
    of the tokens each match pushes (markdown-it keeps none).

    The loop itself records them: no extra call per position, and markdown-it's skipToken (link
    labels, silent) runs the rules bare. A token pushed by a nested match (a link's label) keeps
    its own, narrower span.
    """
    # markdown-it-py 4 buffers pending text; 3.x has only the `pending` string.
    buffered = hasattr(StateInline, "append_pending")

    def tokenize(state: StateInline) -> None:
        end = state.posMax
        max_nesting = state.md.options["maxNesting"]
        while state.pos < end:
            start = state.pos
            count = len(state.tokens)
            ok = False
            if state.level < max_nesting:
                for rule in rules:
                    if rule(state, False):
                        ok = True
                        break
            if ok:
                if state.pos <= start:
                    raise RuntimeError("inline rule didn't increment state.pos")
                tokens = state.tokens
                if len(tokens) > count:
                    span = (start, state.pos)
                    for token in tokens[count:]:
                        if "span" not in token.meta:
                            token.meta["span"] = span
                if state.pos >= end:
                    break
                continue
            if buffered:
                state.append_pending(state.src[state.pos])
            else:
                state.pending += state.src[state.pos]
            state.pos += 1
        if state.pending:
            state.pushPending()

    return tokenize


# Each inline rule kb enables matches only at one of these characters (its first check), and the
# post-processing rules only act on what such a match left: content without any of them is one
# text token. `text` stops at more characters (`:`, `-`, ...) but no rule matches there.
_RULE_STARTS = {
    "text": "",
    "newline": "\n",
    "math_inline": "$",
    "katex_inline": "$",
    "escape": "\\",
    "backticks": "`",
    "strikethrough": "~",
    "emphasis": "*_",
    "link": "[",
    "image": "!",
    "autolink": "<",
    "html_inline": "<",
    "entity": "&",
}
_POST_RULES = {"balance_pairs", "strikethrough", "emphasis", "fragments_join"}


def _plain_text_shortcut(md: MarkdownIt) -> None:
    """Give inline content in which no rule can match its one text token without running the
    tokenizer: most paragraphs and cells of a Chinese book hold no markup at all.

    Only for kb's own rule set: with any other rule enabled, every inline token is tokenized.
    """
    names = [rule.name for rule in md.inline.ruler.__rules__ if rule.enabled]
    post = [rule.name for rule in md.inline.ruler2.__rules__ if rule.enabled]
    if not set(names) <= _RULE_STARTS.keys() or not set(post) <= _POST_RULES:
        return
    starts = re.compile("[" + re.escape("".join(_RULE_STARTS[name] for name in names)) + "]")
    parse = md.inline.parse

    def shortcut(
        src: str, md: MarkdownIt, env: MutableMapping[str, Any], tokens: list[Token]
    ) -> list[Token]:
        if starts.search(src) is not None:
            return parse(src, md, env, tokens)
        if src:  # what StateInline.pushPending makes of the pending text at the end
            tokens.append(Token("text", "", 0, content=src))
        return tokens

    md.inline.parse = shortcut  # type: ignore[method-assign]


def _math_guard(
    fn: Callable[[StateInline, bool], bool],
) -> Callable[[StateInline, bool], bool]:
    """The site's rules for inline math on top of dollarmath's.

    Code spans win over math (the site protects `code` before it looks for `$`), and `$5 和 $10`
    stays text: a `$` right after a digit does not open, one right before a digit does not close.
    (dollarmath's own allow_digits=False reads `src[-1]` at the start of a cell or paragraph.)
    """

    def rule(state: StateInline, silent: bool) -> bool:
        start, count = state.pos, len(state.tokens)
        matched = fn(state, silent)
        src = state.src
        after = src[state.pos : state.pos + 1]
        digit_around = (start > 0 and src[start - 1].isdigit()) or after.isdigit()
        if matched and ("`" in src[start : state.pos] or digit_around):
            del state.tokens[count:]
            state.pos = start
            return False
        return matched

    return rule


_KEPT_AS_IS = re.compile(
    "[" + re.escape(string.ascii_letters + string.digits + mdurl.ENCODE_DEFAULT_CHARS) + "]*"
)
"""Characters `mdurl.encode` copies unchanged with its defaults (no `%`: it may start an escape)."""


def _encode(
    text: str, exclude: str = mdurl.ENCODE_DEFAULT_CHARS, *, keep_escaped: bool = True
) -> str:
    """`mdurl.encode`, without its loop per character when that loop would copy every one."""
    if exclude == mdurl.ENCODE_DEFAULT_CHARS and keep_escaped and _KEPT_AS_IS.fullmatch(text):
        return text
    return mdurl.encode(text, exclude, keep_escaped=keep_escaped)


def _with_fast_encode(normalize: Callable[[str], str]) -> Callable[[str], str]:
    """markdown-it's own normalizeLink (of the installed version), seeing `_encode` as
    mdurl.encode: its character loop took 0.8 s of a book's 2.7 s parse for a few data: URI
    images of 7 MB. The same code and the same result, so validateLink judges the same string.
    A version whose function is not a plain module-level one is used as it is."""
    code = getattr(normalize, "__code__", None)
    if not isinstance(code, types.CodeType) or code.co_freevars or normalize.__defaults__:
        return normalize
    fast_mdurl = types.SimpleNamespace(**{**vars(mdurl), "encode": _encode})
    return types.FunctionType(code, {**normalize.__globals__, "mdurl": fast_mdurl})


_normalize_link = _with_fast_encode(normalize_url.normalizeLink)


MAX_NESTING = 20
"""markdown-it's block nesting limit (commonmark preset): about 10 nested lists or 20 quotes."""

UNPARSED = "kb_unparsed"


def too_deep(unparsed: tuple[int, int]) -> str:
    """How kb names the lines of `Document.unparsed`; the caller says what it did with them."""
    first, last = unparsed
    lines = f"line {first}" if first == last else f"lines {first}-{last}"
    return (
        f"lists or quotes nested too deep for the Markdown parser ({MAX_NESTING} block levels, "
        f"about 10 nested lists): {lines}"
    )


def _note_skipped_tail(md: MarkdownIt) -> None:
    """Record in `env` where markdown-it drops the rest of a block nested past its limit.

    Past `maxNesting` its block tokenizer skips to the end of the enclosing range, which for a
    list item is the end of the file: without this note every later line goes unchecked silently.
    """
    tokenize = md.block.tokenize

    def guarded(state: StateBlock, start: int, end: int) -> None:
        if state.level >= md.options["maxNesting"] and UNPARSED not in state.env:
            line = state.skipEmptyLines(start)
            if line < end and state.sCount[line] >= state.blkIndent:
                state.env[UNPARSED] = (line + 1, end)
        tokenize(state, start, end)

    md.block.tokenize = guarded  # type: ignore[method-assign,assignment]


@functools.cache
def markdown_parser(math: str = "kb") -> MarkdownIt:
    """The parser: CommonMark + tables + strikethrough + front matter + the site's math rules.

    `math`: `kb` (dollarmath, as our own plugin), `docsify-katex` (its regex spans, see
    toolkit/docsify_katex.py), anything else: no math (`$` is text).
    """
    md = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])
    md.use(front_matter_plugin)
    if math == "kb":
        md.use(dollarmath_plugin, allow_space=True, allow_digits=True, double_inline=True)
    elif math == "docsify-katex":
        _use_docsify_katex(md)
    # Keep entities and backslash escapes as their own tokens: heading ids need the source form.
    md.core.ruler.disable("text_join")
    for rule in md.inline.ruler.__rules__:
        if rule.name == "math_inline":
            rule.fn = _math_guard(rule.fn)
    md.inline.ruler.__cache__ = None
    md.inline.tokenize = _tokenize_with_spans(md.inline.ruler.getRules(""))  # type: ignore[method-assign,assignment]
    _plain_text_shortcut(md)
    md.options["maxNesting"] = MAX_NESTING
    md.normalizeLink = _normalize_link  # type: ignore[method-assign,assignment]
    _note_skipped_tail(md)
    return md


# --- docsify-katex -------------------------------------------------------------

KATEX_SPANS = "kb_katex_spans"
_KATEX_HERE = "kb_katex_here"


@dataclass(slots=True)
class KatexSpans:
    """docsify-katex's formulas of one page, and which of them the parser took as math."""

    spans: list[MathSpan]
    lines: list[str]
    line_starts: list[int]
    by_start: dict[int, MathSpan] = field(default_factory=dict)
    starts: list[int] = field(default_factory=list)
    taken: set[int] = field(default_factory=set)
    """Starts of the spans that became math tokens."""

    def __post_init__(self) -> None:
        self.by_start = {span.start: span for span in self.spans}
        self.starts = [span.start for span in self.spans]

    def within(self, first: int, last: int) -> list[MathSpan]:
        """Spans that start in [first, last)."""
        low = bisect.bisect_left(self.starts, first)
        high = bisect.bisect_left(self.starts, last)
        return self.spans[low:high]


def _use_docsify_katex(md: MarkdownIt) -> None:
    """Math where docsify-katex's comments land: a block at a line start, inline elsewhere."""
    md.block.ruler.before(
        "code",
        "katex_block",
        _katex_block,
        {"alt": ["paragraph", "reference", "blockquote", "list"]},
    )
    md.inline.ruler.before("escape", "katex_inline", _katex_inline)
    md.core.ruler.at("inline", _katex_core_inline)


def _katex_block(state: StateBlock, start: int, end: int, silent: bool) -> bool:
    # The `$$` comment starts an HTML block (marked: at most 3 spaces of indent) that runs to
    # the line of its closing `-->`, across blank lines and list markers.
    spans = state.env.get(KATEX_SPANS)
    if not isinstance(spans, KatexSpans) or state.sCount[start] - state.blkIndent >= 4:
        return False
    span = spans.by_start.get(state.bMarks[start] + state.tShift[start])
    if span is None or not span.display:
        return False
    last = start
    while last < end and state.eMarks[last] < span.end:
        last += 1
    if last >= end:
        return False
    if silent:
        return True
    token = state.push("math_block", "math", 0)
    token.block = True
    token.content = state.src[span.tex_start : span.tex_end]
    token.markup = "$$"
    token.map = [start, last + 1]
    token.meta = {"katex": span}
    spans.taken.add(span.start)
    state.line = last + 1
    return True


def _katex_core_inline(state: StateCore) -> None:
    """markdown-it's inline pass, telling the inline rule where this token's formulas are."""
    spans = state.env.get(KATEX_SPANS)
    for token in state.tokens:
        if token.type != "inline":
            continue
        here: dict[int, tuple[int, MathSpan]] = {}
        if isinstance(spans, KatexSpans) and token.map is not None:
            first = spans.line_starts[token.map[0]]
            last = (
                spans.line_starts[token.map[1]]
                if token.map[1] < len(spans.line_starts)
                else len(state.src)
            )
            found = spans.within(first, last)
            if found:
                offsets = inline_offsets(token, spans.lines, spans.line_starts)
                inverse = offsets.content_offsets(len(token.content))
                for span in found:
                    opening, closing = inverse.get(span.start), inverse.get(span.end - 1)
                    if opening is not None and closing is not None:
                        here[opening] = (closing + 1, span)
        state.env[_KATEX_HERE] = here
        if token.children is None:
            token.children = []
        state.md.inline.parse(token.content, state.md, state.env, token.children)
        if here and isinstance(spans, KatexSpans):
            _take_alt_text_math(token, here, spans)


def _take_alt_text_math(
    token: Token, here: dict[int, tuple[int, MathSpan]], spans: KatexSpans
) -> None:
    """Formulas in an image's alt text: marked puts the placeholder in the `alt` attribute,
    which a reader sees only if the image fails to load, so they are not shown as text."""
    for child in token.children or ():
        span = child.meta.get("span") if child.type == "image" and child.meta else None
        if span is not None:
            for at, (_end, math) in here.items():
                if span[0] <= at < span[1]:
                    spans.taken.add(math.start)


def _katex_inline(state: StateInline, silent: bool) -> bool:
    here = state.env.get(_KATEX_HERE)
    if not here or state.src[state.pos] != "$":
        return False
    found = here.get(state.pos)
    if found is None or found[0] > state.posMax:
        return False
    end, span = found
    if not silent:
        width = 2 if span.display else 1
        token = state.push("math_inline_double" if span.display else "math_inline", "math", 0)
        token.content = state.src[state.pos + width : end - width]
        token.markup = "$" * width
        token.meta = {"katex": span}
        spans = state.env.get(KATEX_SPANS)
        if isinstance(spans, KatexSpans):
            spans.taken.add(span.start)
    state.pos = end
    return True
