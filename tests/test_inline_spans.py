"""kb's inline tokenize loop: markdown-it's tokens, each with the source span of its match."""

from __future__ import annotations

import pytest
from markdown_it import MarkdownIt
from markdown_it.parser_inline import ParserInline
from markdown_it.token import Token

from toolkit.markdown import _plain_text_shortcut, markdown_parser

SAMPLES = [
    "纯中文段落，没有任何标记。",
    "*强调* 与 **加粗** 和 ~~删除~~，`代码` 与 \\* 转义 &amp; 实体",
    "[链接 *强调*](./a.md \"标题\") ![图](i.png) <https://例子.cn> <a href='x'>h</a>",
    "[参考][r] 与 [r]\n\n[r]: ./b.md",
    "[[[[[[[[[[[[[[[[[[[[[[[[foo]()",
    "**a *b [c `d` e](f) g* h**\nsoft\\\nhard  \nend",
    "| a | *b* |\n|---|---|\n| [c](d) | `e` |",
    "<!-- 注释 --> 文本 <span>内联</span>",
]


def _stock() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])
    md.core.ruler.disable("text_join")
    return md


def _shape(tokens: list[Token]) -> list[object]:
    return [
        (t.type, t.tag, t.content, t.markup, dict(t.attrs), t.nesting, _shape(t.children or []))
        for t in tokens
    ]


@pytest.mark.parametrize("text", SAMPLES)
def test_tokens_are_markdown_its(text: str) -> None:
    assert _shape(markdown_parser("none").parse(text, {})) == _shape(_stock().parse(text, {}))


def test_each_match_has_its_span_and_a_label_keeps_its_own() -> None:
    text = "前 [链 *强*](x.md) 后 `c`"
    inline = markdown_parser("none").parse(text, {})[1]
    spans = {(t.type, t.content): t.meta.get("span") for t in inline.children or []}
    link = text.index("[")
    assert spans[("link_open", "")] == (link, text.index(")") + 1)
    assert spans[("em_open", "")] == (text.index("*"), text.index("*") + 1)
    assert spans[("code_inline", "c")] == (text.index("`"), len(text))
    # Pending text flushed by a match's first push takes that match's span (rules rely on it:
    # text is never hidden, so its span only has to lie within the paragraph).
    assert spans[("text", "前 ")] == (link, text.index(")") + 1)


def test_past_the_nesting_limit_the_rest_is_text() -> None:
    text = "[" * 30 + "a" + "]" * 30
    inline = markdown_parser("none").parse(text, {})[1]
    assert "".join(t.content for t in inline.children or []) == text


PLAIN = ["纯中文，没有标记。", "键: 值 - 1 + 2 = 3 # % @ {} ^ ( ) ; \" ' ,", "x", ""]


@pytest.mark.parametrize("text", PLAIN + ["有 *强调*", "a\nb", "货币 $5", "a ~b~ c", "&amp;"])
@pytest.mark.parametrize("math", ["kb", "docsify-katex", "none"])
def test_content_without_rule_starts_gives_the_tokenizers_tokens(text: str, math: str) -> None:
    md = markdown_parser(math)
    shortcut: list[Token] = md.inline.parse(text, md, {}, [])
    tokenized: list[Token] = ParserInline.parse(md.inline, text, md, {}, [])
    assert shortcut == tokenized
    if text in PLAIN:
        assert [t.content for t in shortcut] == ([text] if text else [])


def test_no_shortcut_when_another_rule_is_enabled() -> None:
    md = MarkdownIt("commonmark")
    md.inline.ruler.push("colon", lambda state, silent: False)
    _plain_text_shortcut(md)
    assert "parse" not in vars(md.inline)
    stock = _stock()
    _plain_text_shortcut(stock)
    assert "parse" in vars(stock.inline)
