"""Segmentation: byte-exact reassembly, and what becomes a placeholder."""

from __future__ import annotations

from pathlib import Path

import pytest

from toolkit.source import decode
from toolkit.translate.reassemble import (
    assemble,
    identity,
    placeholder_problem,
    render_segment,
    sanitise,
    structure_problem,
)
from toolkit.translate.segment import Segment, Span, Terms, segment_page

REPO = Path(__file__).resolve().parents[2]
PAGES = sorted((REPO / "content").rglob("*.md")) + sorted(
    (REPO / "tests" / "fixtures").rglob("*.md")
)
TERMS = Terms(keep=("Transformer", "LoRA", "KV Cache"), fixed={"分组查询注意力": "GQA"})


@pytest.mark.parametrize("path", PAGES, ids=lambda p: p.relative_to(REPO).as_posix())
def test_untranslated_segments_reassemble_byte_for_byte(path: Path) -> None:
    text = decode(path.read_bytes(), path).text
    page = segment_page(text, Terms(keep=TERMS.keep))
    assert assemble(page, identity(page)) == text
    assert page.kept_lines == ()


def _texts(markdown: str, terms: Terms | None = None) -> list[str]:
    return [s.text for s in segment_page(markdown, terms).segments]


CASES = [
    ("# 标题 `code` ##\n", ["标题 {{0}}"]),
    ("公式 $a_b$ 与 $$c$$ 结束\n", ["公式 {{0}} 与 {{1}} 结束"]),
    ("见 [链接](/a.md?id=x) 和 <b>粗</b>\n", ["见 {{0}}链接{{1}} 和 {{2}}粗{{3}}"]),
    ("访问 https://example.com/内存 或 <https://x.y>\n", ["访问 {{0}} 或 {{1}}"]),
    ("见https://a.b/c。完\n", ["见{{0}}。完"]),
    ("**加粗** 与 &amp; 与 \\*\n", ["{{0}}加粗{{1}} 与 {{2}} 与 {{3}}"]),
    ("- 项一\n- 项二\n  续行\n", ["项一", "项二\n续行"]),
    ("> 引用一\n> 引用二\n", ["引用一\n引用二"]),
    ("| 列 | 值\\|二 |\n|---|---|\n| `x` | 中 |\n", ["列", "值{{0}}二", "{{0}}", "中"]),
    ("## 常见问题 :id=faq\n", ["常见问题 {{0}}"]),
    ("```\n代码\n```\n\n<div>块</div>\n", ["块"]),
    ("---\ntitle: 前言\n---\n正文\n", ["前言", "正文"]),
    ("{{0}} 文字\n", ["{{0}} 文字"]),
]


@pytest.mark.parametrize(("markdown", "expected"), CASES)
def test_what_a_translator_sees(markdown: str, expected: list[str]) -> None:
    assert _texts(markdown) == expected
    page = segment_page(markdown)
    assert assemble(page, identity(page)) == markdown


def test_glossary_terms_become_placeholders() -> None:
    page = segment_page("Transformer 与 LoRA 使用分组查询注意力。TransformerX 不算。\n", TERMS)
    assert page.segments[0].text == "{{0}} 与 {{1}} 使用{{2}}。TransformerX 不算。"
    assert page.segments[0].values[2] == ("GQA",)
    assert render_segment(page, 0, identity(page)).startswith("Transformer 与 LoRA 使用GQA")


def test_link_titles_and_alt_text_are_their_own_segments() -> None:
    page = segment_page('见[论文](https://a.b/c "论文标题")与 ![示意图](a.png)\n')
    kinds = [(s.kind, s.text) for s in page.segments]
    assert kinds == [
        ("paragraph", "见{{0}}论文{{1}}与 {{2}}"),
        ("title", "论文标题"),
        ("alt", "示意图"),
    ]
    translations = {0: "see {{0}}paper{{1}} and {{2}}", 1: "Paper title", 2: "diagram"}
    assert assemble(page, translations.__getitem__) == (
        'see [paper](https://a.b/c "Paper title") and ![diagram](a.png)\n'
    )


def test_docsify_options_in_titles_stay_untranslated() -> None:
    assert _texts("[链接](/a.md ':ignore 标题')\n") == ["{{0}}链接{{1}}"]


def test_soft_breaks_keep_their_container_markers() -> None:
    page = segment_page("> 第一行\n> 第二行\n")
    assert page.segments[0].breaks == (Span(5, 8),)
    assert assemble(page, lambda i: "one\ntwo") == "> one\n> two\n"
    assert assemble(page, lambda i: "one two") == "> one two\n"


@pytest.mark.parametrize(
    ("translation", "problem"),
    [
        ("a {{0}} b {{1}}", None),
        ("a {{1}} b {{0}}", None),
        ("a b {{1}}", "placeholder {{0}} lost"),
        ("{{0}}{{0}}{{1}}", "placeholder {{0}} repeated 2 times"),
        ("{{0}} {{1}} {{2}}", "unknown placeholder {{2}}"),
    ],
)
def test_placeholders_must_come_back_exactly_once(translation: str, problem: str | None) -> None:
    segment = segment_page("甲 `x` 乙 $y$\n").segments[0]
    assert placeholder_problem(segment, translation) == problem


def test_reordering_link_markup_into_nonsense_is_rejected() -> None:
    page = segment_page("见 [链接](/a.md) 结束\n")
    assert structure_problem(page, 0, "see {{0}}link{{1}} end") is None
    assert structure_problem(page, 0, "see {{1}}link{{0}} end") is not None


@pytest.mark.parametrize(
    ("machine", "expected"),
    [
        ("cost is $5 * 2", "cost is \\$5 \\* 2"),
        ("- not a list", "\\- not a list"),
        ("1. not a list", "1\\. not a list"),
        ("keep {{0}} as_is", "keep {{0}} as\\_is"),
        ("line one\n# not a heading", "line one # not a heading"),
    ],
)
def test_machine_markdown_is_escaped(machine: str, expected: str) -> None:
    segment = segment_page("甲\n乙 `x`\n").segments[0]
    assert sanitise(segment, machine) == expected


@pytest.mark.parametrize(
    ("source", "english", "expected"),
    [
        ("分组查询注意力很常见。\n", "{{0}} is common.", "Grouped-query attention is common."),
        (
            "**分组查询注意力**很常见。\n",
            "{{0}} is common.",
            "**Grouped-query attention** is common.",
        ),
        ("我们用分组查询注意力。\n", "We use {{0}}.", "We use grouped-query attention."),
    ],
)
def test_english_capitalises_a_glossary_term_that_opens_a_sentence(
    source: str, english: str, expected: str
) -> None:
    terms = Terms(fixed={"分组查询注意力": "grouped-query attention"})
    page = segment_page(source, terms)
    assert render_segment(page, 0, lambda i: english, capitalize=True) == expected
    assert render_segment(page, 0, lambda i: english) == expected.replace("Grouped", "grouped")


@pytest.mark.parametrize(
    ("source", "needs"),
    [
        ("## 1.Attention\n", True),  # English writes "1. Attention"
        ("* [2.Transformer](/a.md?id=x)\n", True),  # the TOC entry of that heading
        ("## 7. Sliding Window Attention (SWA)\n", False),
        ("It has 1.5B parameters.\n", False),
        ("| LLaMA、Mistral |\n| --- |\n", True),  # full-width punctuation
        ("## 3.位置编码\n", True),
        ("Plain $x$ text.\n", False),
    ],
)
def test_what_english_translates_besides_chinese_characters(source: str, needs: bool) -> None:
    terms = Terms(fixed={"位置编码": "positional encoding"})
    page = segment_page(source, terms)
    assert page.segments[0].needs_translation is needs


def test_a_glossary_term_after_a_section_number_is_capitalised() -> None:
    page = segment_page("## 3.位置编码\n", Terms(fixed={"位置编码": "positional encoding"}))
    assert page.segments[0].text == "3.{{0}}"
    rendered = render_segment(page, 0, lambda i: "3. {{0}}", capitalize=True)
    assert rendered == "3. Positional encoding"


def test_a_glued_number_in_code_is_code() -> None:
    label = Segment(kind="label", line=1, text="1.step", values=(), breaks=())
    assert not label.needs_translation  # only headings and TOC entries get "1. Step"
    heading = Segment(kind="heading", line=1, text="1.Step", values=(), breaks=())
    assert heading.needs_translation
