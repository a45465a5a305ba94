"""End to end: a small book with 30 badly formatted questions and a TOC linking into them.

After the real `kb lint --fix` the book is clean, and every TOC link still lands on the question
it named before (compared by question text, not by id: the fix changes the ids).
"""

from __future__ import annotations

import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest

from toolkit.document import read_document
from toolkit.question_headings import plain_title, split_number
from toolkit.routes import docsify_route
from toolkit.slug import docsify_ids

PAGES = ("基础/attention.md", "训练/并行.md", "推理/README.md")
TOPICS = (
    "注意力",
    "位置编码",
    "归一化",
    "前馈网络",
    "混合专家",
    "数据并行",
    "张量并行",
    "流水线并行",
    "显存估算",
    "通信开销",
    "批处理",
    "分页缓存",
    "量化",
    "投机解码",
    "前缀缓存",
)


def _question(page: int, k: int) -> str:
    return (
        f"{TOPICS[(page * 5 + k // 2) % len(TOPICS)]}的第 {k + 1} 个要点在第 {page + 1} 页怎样理解"
    )


def _heading(page: int, section: int, k: int) -> str:
    """Question k of a section, written in one of ten wrong (or right) ways."""
    n, m = section, k + 1
    text = _question(page, section * 10 + k)
    return [
        f"### {n}.{m} {text}？",  # right
        f"### {n}.{m} {text}?",  # ASCII question mark
        f"### **{n}.{m} {text}？**",  # bold around the whole heading
        f"### {n}.{m + 1} {text}？",  # skips a number
        f"### {text}？",  # no number
        f"### {n + 1}.{m} {text}？",  # another section's number
        f"### **{n}.{m + 3} {text}?**",  # bold, ASCII ?, wrong number
        f"### {n}.{m - 1} {text}？",  # repeats the number before
        f"### *{n}.{m} {text}？*",  # italics
        f"#### {n}.{m}.1 {text}？",  # level 4, three-part number
    ][(page * 3 + k) % 10]


def _page(page: int) -> str:
    lines = [f"# 第 {page + 1} 页", ""]
    for section, count in ((1, 5), (2, 5)):
        lines += [f"## {section}.第 {section} 节", ""]
        # A topic subsection written twice: the second gets docsify's `-1` id until renumbered.
        if section == 1:
            lines += [
                f"### {section}.1 概述",
                "",
                "概述一。",
                "",
                f"### {section}.1 概述",
                "",
                "概述二。",
                "",
            ]
        for k in range(count):
            lines += [_heading(page, section, k), "", f"第 {k + 1} 题的答案。", ""]
    return "\n".join(lines)


def _key(text: str) -> str:
    _number, at = split_number(text)
    return unicodedata.normalize("NFKC", text[at:]).replace("?", "？").strip()


def _resolve(content: Path, target: str) -> str:
    """The text (without number) of the heading a TOC link lands on."""
    route = docsify_route(target, "README.md")
    assert route.path is not None and route.anchor is not None
    doc = read_document(content / route.path)
    ids = docsify_ids([h.html for h in doc.headings])
    assert route.anchor in ids, f"{target} does not resolve"
    return f"{route.path}: {_key(plain_title(doc.headings[ids.index(route.anchor)]))}"


def _kb(book: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "toolkit", *args],
        cwd=book,
        capture_output=True,
        text=True,
        timeout=120,
        env={"PATH": "/usr/bin:/bin", "KB_CACHE_DIR": str(book / ".cache")},
    )


@pytest.mark.slow
def test_fix_cleans_the_book_and_every_toc_link_keeps_its_question(tmp_path: Path) -> None:
    book = tmp_path
    (book / "pyproject.toml").write_text('[tool.kb]\nroot = "content"\n', encoding="utf-8")
    content = book / "content"
    toc = ["# 目录", ""]
    for index, rel in enumerate(PAGES):
        path = content / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(_page(index), encoding="utf-8")
        doc = read_document(path)
        ids = docsify_ids([h.html for h in doc.headings])
        route = "/" + rel.removesuffix("README.md") if rel.endswith("README.md") else "/" + rel
        for number, (heading, anchor) in enumerate(zip(doc.headings, ids, strict=True)):
            if heading.level >= 3:
                # Vary the form: ?id=, #fragment, without .md; all name the same heading.
                form = number % 3
                target = (
                    f"{route}?id={anchor}"
                    if form == 0 or route.endswith("/")
                    else f"{route}#{anchor}"
                    if form == 1
                    else f"{route.removesuffix('.md')}?id={anchor}"
                )
                toc.append(f"* [{plain_title(heading)}]({target})")
    (content / "README.md").write_text("\n".join(toc) + "\n", encoding="utf-8")
    links = [line.split("](", 1)[1][:-1] for line in toc if line.startswith("* [")]
    questions = sum(
        1 for line in toc if line.startswith("* [") and line.split("](")[0].endswith(("？", "?"))
    )
    assert questions == 30
    before = [_resolve(content, target) for target in links]

    dirty = _kb(book, "lint", "--max-warnings", "0", "content")
    assert dirty.returncode == 1
    assert {"QST001", "QST002", "QST003", "QST004"} <= {
        line.split()[1] for line in dirty.stdout.splitlines()
    }

    fixed = _kb(book, "lint", "--fix", "content")
    assert fixed.returncode == 1, fixed.stderr
    assert "in content/README.md" in fixed.stderr

    clean = _kb(book, "lint", "content")
    assert (clean.returncode, clean.stdout, clean.stderr) == (0, "", "")

    new_toc = (content / "README.md").read_text(encoding="utf-8").splitlines()
    new_links = [line.split("](", 1)[1][:-1] for line in new_toc if line.startswith("* [")]
    assert len(new_links) == len(links)
    assert [_resolve(content, target) for target in new_links] == before
    assert new_links != links

    snapshot = {p: p.read_bytes() for p in content.rglob("*.md")}
    again = _kb(book, "lint", "--fix", "content")
    assert (again.returncode, again.stderr) == (0, "")
    assert {p: p.read_bytes() for p in content.rglob("*.md")} == snapshot
