"""The site's math finder (content/assets/katex-plugin.js) finds exactly what `kb lint` finds."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from tests.browser.conftest import REPO
from toolkit.document import parse

PLUGIN = REPO / "content" / "assets" / "katex-plugin.js"
FINDER = REPO / "tests" / "node" / "math_finder.js"

# Where Markdown and math meet: each case is one page.
CASES = [
    "行内 $a+b$ 与 $$\\sum_i x_i$$ 同段。",
    "价格 $5 和 $10 不是公式；$x$5 也不是；5$x$ 也不是。",
    "转义 \\$x\\$ 不是公式，\\\\$y$ 是公式。",
    "代码 `$x$` 不是公式，`a` $b$ `c` 中间的是。",
    "跨代码 $a `b$` c$ 不是公式。",
    "```python\nx = '$not math$'\n```\n\n$after$",
    "~~~\n$$\nnot math\n$$\n~~~",
    "    $indented code$\n\n$real$",
    "$$\nE = mc^2\n$$\n紧跟的段落 $y$",
    "段落\n$$\nx\n$$\n后文",
    "$$x = 1$$ (eq:one)\n\n$$\ny\n$$ (eq:two)",
    "$$\na\n\nb\n$$",
    "- 列表 $a_1$\n- 项目\n\n  $$\n  b_2\n  $$\n",
    "> 引用 $q$\n>\n> $$\n> r\n> $$",
    "| 列 | 公式 |\n| --- | --- |\n| 一 | $a|b$ |\n| 二 | $c$ | \n| 三 | | $d$ |",
    "| a | b |\n|---|---|\n| $x$ | $x$ |",
    "## 标题 $h$ 里的公式\n\n正文 $p$",
    "标题 $s$\n===\n\n$t$",
    "---\ntitle: $front$\n---\n\n$body$",
    "[链接 $l$](https://example.com/$u$) 与 ![图 $i$](a.png)",
    "<div>\n$html block$\n</div>\n\n$after html$",
    "$ 空格 $ 与 $$ 两侧 $$",
    "未闭合 $a 与 $$b",
    "结尾数字 $x$ 与 1",
    "①$x$ 与 $y$②",
    "$a$\\",
    "多行 $a\n+ b$ 行内",
    "*强调 $e_1$ 与 _下划线 $f_2$_*",
    "Windows 换行 $w$\r\n\r\n$$\r\nv\r\n$$\r\n",
    "\ufeffBOM 之后 $bom$",
    "$$$x$$$ 与 $$ $$",
]


def _find_with_plugin(node_modules: Path, texts: list[str]) -> list[list[list[object]]]:
    completed = subprocess.run(
        ["node", str(FINDER), str(node_modules), str(PLUGIN)],
        input=json.dumps(texts),
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    result: list[list[list[object]]] = json.loads(completed.stdout)
    return result


def _pages() -> list[tuple[str, str]]:
    book = sorted((REPO / "content").rglob("*.md"))
    mirrors = sorted((REPO / "i18n").glob("*/**/*.md")) if (REPO / "i18n").is_dir() else []
    pages = [(p.relative_to(REPO).as_posix(), p.read_text(encoding="utf-8")) for p in book]
    pages += [(p.relative_to(REPO).as_posix(), p.read_text(encoding="utf-8")) for p in mirrors]
    return pages + [(f"case {i}: {text!r}", text) for i, text in enumerate(CASES)]


@pytest.mark.node
def test_the_site_finds_the_same_formulas_as_kb_lint(node_modules: Path) -> None:
    pages = _pages()
    found = _find_with_plugin(node_modules, [text for _, text in pages])
    mismatches = []
    total = 0
    for (name, text), theirs in zip(pages, found, strict=True):
        doc = parse(text.removeprefix("\ufeff"), Path(name))
        ours = [[f.tex, f.display, f.line] for f in doc.formulas]
        total += len(ours)
        if ours != [t[:3] for t in theirs]:
            mismatches.append((name, ours, [t[:3] for t in theirs]))
    assert not mismatches, mismatches[:5]
    assert total > 100


@pytest.mark.node
def test_the_site_locates_every_formula_to_replace_it(node_modules: Path) -> None:
    pages = _pages()
    found = _find_with_plugin(node_modules, [text for _, text in pages])
    unlocated = []
    for (name, _), theirs in zip(pages, found, strict=True):
        for tex, display, line, written in theirs:
            if written is None:
                unlocated.append((name, line, tex))
                continue
            assert isinstance(written, str)
            markup = "$$" if display else "$"
            assert written.startswith(markup), (name, line, written)
            assert written.rstrip().endswith(markup) or "(" in written, (name, line, written)
    assert not unlocated, unlocated[:10]
