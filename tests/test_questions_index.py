"""`kb questions`: the question index as a table, JSON and a Markdown page that passes kb lint."""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path

import pytest

from toolkit.cli import main
from toolkit.document import read_document
from toolkit.question_headings import question_key
from toolkit.questions_command import FORMATS
from toolkit.routes import docsify_route
from toolkit.slug import docsify_ids

A = """# 1.Attention

## 1.Attention

### 1.1 什么是 GQA?

答案。

### **1.2 `softmax` 为什么要减去最大值？**

答案。

### 1.3 MLM 为什么采用 80%、10%、10% 的替换策略？

答案。

## 2.复杂度

### 2.1 复杂度是 $O(n^2)$ 吗？

答案。

### 2.2 实现

不是问题的小节不进索引。

### 2.3 实现

同名小节。

#### 2.4 实现的细节是什么？

答案。
"""

B = """# 推理

### 开头的问题也进索引吗？

进。

## 1.推理

### 1.1 What is speculative decoding?

Answer.
"""


@pytest.fixture
def book(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "pyproject.toml").write_text(
        '[tool.kb]\nroot = "content"\nquestion-pages = ["大模型面试题/**"]\n', encoding="utf-8"
    )
    content = tmp_path / "content"
    (content / "part").mkdir(parents=True)
    (content / "a.md").write_text(A, encoding="utf-8")
    (content / "part" / "b.md").write_text(B, encoding="utf-8")
    (content / "大模型面试题").mkdir()
    (content / "大模型面试题" / "题单.md").write_text(
        "# 题单\n\n### 题单页上的标题问题不进索引？\n\n1. [什么是 GQA？](/a.md)\n", encoding="utf-8"
    )
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    capsys.readouterr()
    assert main(["questions", *args]) == 0
    return capsys.readouterr().out


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_lists_the_questions(
    book: Path, capsys: pytest.CaptureFixture[str], fmt: str
) -> None:
    assert "GQA" in _run(capsys, "--format", fmt)


def test_an_unknown_format_is_refused() -> None:
    with pytest.raises(SystemExit):
        main(["questions", "--format", "yaml"])


def test_table_lists_every_question_with_page_section_and_link(
    book: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = _run(capsys, "--format", "table").splitlines()
    assert out[0].split() == ["PAGE", "SECTION", "QUESTION", "LINK"]
    assert out[1].split() == [
        "a.md:5",
        "1.Attention",
        "1.1",
        "什么是",
        "GQA?",
        "/a.md?id=_11-什么是-gqa",
    ]
    assert out[-1] == "7 questions on 2 pages"
    assert any(line.startswith("part/b.md:3 ") and "开头的问题也进索引吗？" in line for line in out)
    # Wide characters count twice: the link column starts at the same display column.
    starts = {_display_width(line[: line.rindex("  /") + 2]) for line in out[1:-1]}
    assert len(starts) == 1
    assert _run(capsys) == "\n".join(out) + "\n"


def test_json_has_page_section_number_id_and_link(
    book: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = json.loads(_run(capsys, "--format", "json"))
    assert [r["page"] for r in rows] == ["a.md"] * 5 + ["part/b.md"] * 2
    first = rows[0]
    assert first == {
        "page": "a.md",
        "line": 5,
        "section": "1.Attention",
        "number": "1.1",
        "question": "什么是 GQA?",
        "id": "_11-什么是-gqa",
        "link": "/a.md?id=_11-什么是-gqa",
    }
    by_number = {r["number"]: r for r in rows if r["page"] == "a.md"}
    assert by_number["1.3"]["id"] == "_13-mlm-为什么采用-80、10、10-的替换策略？"
    assert by_number["2.4"]["section"] == "2.复杂度"
    untitled = [r for r in rows if r["page"] == "part/b.md" and not r["number"]]
    assert untitled[0]["section"] == ""


def test_markdown_index_passes_kb_lint_and_links_to_the_same_questions(
    book: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    markdown = _run(capsys, "--markdown")
    assert _run(capsys, "--format", "markdown") == markdown
    index = book / "content" / "大模型面试题" / "索引.md"
    index.write_text(markdown, encoding="utf-8")

    capsys.readouterr()
    status = main(["lint", "--no-cache", str(index)])
    out = capsys.readouterr().out
    assert (status, out) == (0, "")

    doc = read_document(index)
    items = [i for i in doc.list_items if i.ordered]
    assert len(items) == 7
    assert items[0].text == "什么是 GQA？"  # the index writes ？ even where the book is wrong
    for item in items:
        (link,) = item.links
        route = docsify_route(link.target, "大模型面试题/索引.md")
        assert route.path is not None
        page = read_document(book / "content" / route.path)
        if route.anchor is None:  # the math heading: no stable id, so the page is linked
            assert "$O(n^2)$" in item.text or "O(n^2)" in item.text
            continue
        ids = docsify_ids([h.html for h in page.headings])
        heading = page.headings[ids.index(route.anchor)]
        assert question_key(heading.text) == question_key(item.text)
