"""Our docsify heading ids against docsify 4's own slugify over its own marked (Node)."""

from __future__ import annotations

import itertools
import json
import subprocess
from pathlib import Path

import pytest

from toolkit.document import parse
from toolkit.slug import docsify_ids, github_base_slug

TESTS = Path(__file__).resolve().parent

BASES = [
    "1.Attention",
    "2.Transformer",
    "4.MHA & MQA & GQA",
    "5.Flash Attention",
    "6.Transformer常见问题",
    "7. Sliding Window Attention (SWA)",
    "8. Paged Attention (vllm)",
    "9.多头潜在注意力机制 (MLA) （Deepseek v3）",
    "10. 长上下文",
    "2.旋转位置编码 RoPE篇",
    "3.ALiBi (Attention with Linear Biases)篇",
    "1. 策略梯度（pg）",
    "2. 近端策略优化(ppo)",
    "3. 大模型RLHF：PPO原理与源码解读",
    "4. adapter-tuning",
    "8.moe并行",
    "什么是 KV Cache？",
    "Why divide by sqrt(d_k)?",
    "LoRA 的秩 r 与 alpha 如何选择？",
    "Q&A: `softmax`",
    "a < b",
    "a > b",
    "x <= y && y >= z",
    'It\'s "quoted"',
    "'single'",
    '"double"',
    "**加粗** 标题",
    "*斜体* and _underscore_",
    "`code` 与 `x<y`",
    "混合 English 与中文 123",
    "全角，标点：测试；（括号）【方括号】「引号」",
    "emoji 🚀 火箭",
    "版本 v1.2.3 发布",
    "C++ 与 C#",
    "100% 正确",
    "$5 与 $10",
    "下划线_snake_case_名字",
    "链接 [docsify](https://docsify.js.org)",
    "图片 ![alt](a.png) 后",
    "HTML <b>粗</b> 标签",
    "实体 &amp; &copy; &lt;",
    "转义 \\* \\_ \\#",
    "Title :id=custom-id",
    "Another :id=Custom_ID",
    "隐藏 {docsify-ignore}",
    "全部 {docsify-ignore-all}",
    "注释 <!-- {docsify-ignore} -->",
    "~~删除线~~ 文字",
    "a/b/c 路径",
    "问题？？",
    "Multiple   spaces   here",
    "tab\tseparated",
    "  leading and trailing  ",
    "连字符 - 与 — 破折号",
    "省略号……与…",
    "“中文引号”与‘单引号’",
    "选项 :ignore 之后",
    "冒号:无空格",
    "A: B",
    "2025 年总结",
    "0.5 概率",
    "GPT-4o vs. Claude 3.5",
    "DeepSeek-V3 (671B)",
    "Top-k/Top-p 采样",
    "#hash 符号",
    "@at 符号",
    "[方括号] 文本",
    "{花括号}",
    "管道 | 符号",
    "反斜杠 \\ 符号",
    "ÄÖÜ äöü ß",
    "Ελληνικά",
    "Русский",
    "日本語のテキスト",
    "한국어",
    "١٢٣ عربي",
    "non-breaking\u00a0space",
    "zero\u200bwidth",
    "em\u2014dash",
    "bullet • 点",
]
SUFFIXES = ["", "？", "?", " (v2)", " & more", " `x`"]


def _headings() -> list[str]:
    texts = [b + s for b, s in itertools.product(BASES, SUFFIXES)]
    return list(dict.fromkeys(texts))


def _pages() -> list[list[str]]:
    """Pages of headings: each text on its own page, plus pages full of repeats."""
    texts = _headings()
    pages = [[f"## {t}"] for t in texts]
    for chunk in range(0, len(texts), 25):
        group = texts[chunk : chunk + 25]
        pages.append([f"### {t}" for t in group + group[:5] + group[:2]])
    pages.append(["# 1.Attention", "## 1.Attention", "## 1.Attention", "## 1.attention"])
    pages.append(["## a-1", "## a", "## a", "## a-1"])
    return pages


def _our_ids(headings: list[str]) -> list[str]:
    doc = parse("\n\n".join(headings) + "\n", Path("page.md"))
    return docsify_ids([h.html for h in doc.headings])


@pytest.mark.node
def test_docsify_ids_agree_with_docsify(node_modules: Path) -> None:
    pages = _pages()
    assert sum(len(p) for p in pages) >= 300
    completed = subprocess.run(
        ["node", str(TESTS / "node" / "docsify_ids.js"), str(node_modules)],
        input=json.dumps(pages),
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    expected = json.loads(completed.stdout)
    mismatches = []
    total = 0
    for headings, theirs in zip(pages, expected, strict=True):
        ours = _our_ids(headings)
        total += len(theirs)
        if ours != theirs:
            mismatches.append((headings, ours, theirs))
    # Math headings are rendered by KaTeX before marked in the real site: not comparable here.
    assert not mismatches, f"{len(mismatches)} of {len(pages)} pages differ: {mismatches[:5]}"
    assert total >= 300


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Hello World", "hello-world"),
        ("什么是 KV Cache？", "什么是-kv-cache"),
        ("C++ 与 C#", "c-与-c"),
        ("snake_case", "snake_case"),
        ("emoji 🚀", "emoji-"),
    ],
)
def test_github_slug(text: str, expected: str) -> None:
    assert github_base_slug(text) == expected
