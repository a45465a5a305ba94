"""Text in HTML blocks and front-matter values is translated; their markup and keys are not."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.translate.conftest import Kb
from toolkit.errors import KbError
from toolkit.translate.mirror import build_mirror, load_page
from toolkit.translate.reassemble import assemble, identity, sanitise
from toolkit.translate.segment import Segment, Terms, segment_page

PAGE = """\
---
title: 注意力机制
tags: [注意力]
summary: "多头注意力的\\"原理\\"" # 注释
authors:
  - 张三
---

# 注意力

<details>
<summary>点击展开&nbsp;答案</summary>

正文

</details>

<p align="center"><img src="a.png"><br>图 1：结构图</p>

<script>var x = "中文";</script>
"""


def test_segments_hold_only_the_prose_of_raw_blocks() -> None:
    page = segment_page(PAGE)
    assert [(s.kind, s.line, s.text) for s in page.segments] == [
        ("meta", 2, "注意力机制"),
        ("meta-quoted", 4, "多头注意力的{{0}}原理{{1}}"),
        ("meta", 6, "张三"),
        ("heading", 9, "注意力"),
        ("html", 12, "点击展开{{0}}答案"),
        ("paragraph", 14, "正文"),
        ("html", 18, "图 1：结构图"),
    ]  # keys, flow lists, tags, entities, escapes and <script> stay out
    assert assemble(page, identity(page)) == PAGE


def test_zh_hant_mirror_converts_them(project: Path, kb: Kb) -> None:
    (project / "content" / "raw.md").write_text(PAGE, encoding="utf-8")
    (project / "content" / "a.png").write_bytes(b"\x89PNG")  # the image the page shows
    assert kb("translate", "--lang", "zh-Hant")[0] == 0
    mirror = (project / "i18n" / "zh-Hant" / "raw.md").read_text(encoding="utf-8")
    assert mirror.startswith(
        '---\ntitle: 注意力機制\ntags: [注意力]\nsummary: "多頭注意力的\\"原理\\"" # 注释\n'
        "authors:\n  - 張三\n---\n"
    )
    assert "<summary>點選展開&nbsp;答案</summary>" in mirror
    assert '<br>圖 1：結構圖</p>\n\n<script>var x = "中文";</script>\n' in mirror
    assert kb("lint", "--no-cache", "i18n/zh-Hant/raw.md")[:2] == (0, "")


def test_a_translation_that_changes_html_markup_is_refused(tmp_path: Path) -> None:
    (tmp_path / "p.md").write_text(PAGE, encoding="utf-8")
    page = load_page(tmp_path, "p.md", Terms())
    html = next(i for i, s in enumerate(page.page.segments) if s.kind == "html")

    def translated(index: int) -> str:
        return "<b>{{0}}</b>" if index == html else page.page.segments[index].text

    with pytest.raises(KbError, match=r"mirror/p.md:11: the mirror does not keep the structure"):
        build_mirror(page, translated, {}, "mirror/p.md")


@pytest.mark.parametrize(
    ("kind", "machine", "written"),
    [
        ("meta", "Attention", "Attention"),
        ("meta", "Attention: why", '"Attention: why"'),
        ("meta", "a # b", '"a # b"'),
        ("meta-quoted", 'the "principle" of {{0}}', 'the \\"principle\\" of {{0}}'),
        ("html", "a < b & c\n\nd", "a &lt; b &amp; c d"),
    ],
)
def test_machine_text_is_made_safe_for_yaml_and_html(kind: str, machine: str, written: str) -> None:
    assert sanitise(Segment(kind, 1, "x", (), ()), machine) == written
