"""Inputs that grow: one huge line, deep nesting, thousands of headings, links and formulas.

Each case asserts the exact findings at a hostile size; `test_time_grows_linearly` asserts how
the CPU time grows from n to 4n for each shape of input (bench/bench_hostile.py prints it for
n and 10n), which no load on the machine can make pass or fail.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from bench.bench_hostile import CASES, best_times
from tests.hostile.conftest import README_FINDING, Kb, stamps

MB = 1_000_000
GROWTH_LIMIT = 8.0
"""Most CPU time 4n may take over n: linear paths measure 3.5 to 4.5 (memory, timer), a
quadratic one 16 (before their fixes, formulas in one paragraph grew 165x for 10x the input)."""


def _write(project: Path, text: str, name: str = "x.md") -> Path:
    page = project / "content" / name
    page.write_text(text, encoding="utf-8")
    return page


@pytest.mark.slow
def test_50_mb_single_line_then_fix(project: Path, kb: Kb) -> None:
    unit = "注意力机制 attention is all you need. "  # 48 bytes, 36 code points
    repeats = 50 * MB // len(unit.encode())
    line = unit * repeats + "[目录](/README.md?id=目錄) [目录](/README.md?id=MULU)"
    page = _write(project, "# 长\n\n## Contents\n\n" + line + "\n")
    assert page.stat().st_size > 50 * MB
    column = len(unit) * repeats + 1
    run = kb("lint", "content/x.md")
    assert run.lines == [
        f"content/x.md:5:{column}: ANC001 anchor '目錄' not found in README.md (docsify ids)",
        f"content/x.md:5:{column + 23}: ANC001 anchor 'mulu' not found in README.md (docsify ids)",
    ]
    assert run.status == 1
    # The same file with one fixable anchor (an underscore): --fix rewrites 50 MB once.
    _write(project, "# 长\n\n## Contents\n\n" + unit * repeats + "[c](#CON_TENTS)\n")
    run = kb("lint", "--fix", "content/x.md")
    assert (run.status, run.out, run.err) == (1, "", "fixed 1 problem in content/x.md\n")
    assert page.read_text(encoding="utf-8").endswith(unit + "[c](#contents)\n")


@pytest.mark.slow
def test_100000_nested_list_levels(project: Path, kb: Kb) -> None:
    # markdown-it stops at 20 block levels and, inside a list, drops every later line.
    text = "# T\n\n[坏](#nope1)\n\n" + "- " * 100_000 + "a\n\n[坏](#nope2)\n"
    _write(project, text)
    run = kb("lint", "content/x.md")
    assert run.lines == [
        "content/x.md:3:1: ANC001 anchor 'nope1' not found in this page (docsify ids)"
    ]
    assert run.err == (
        "kb: error: content/x.md:5: lists or quotes nested too deep for the Markdown parser "
        "(20 block levels, about 10 nested lists): lines 5-7 not checked\n"
    )
    assert run.status == 2


def test_nesting_just_inside_the_limit_is_checked(project: Path, kb: Kb) -> None:
    text = "".join("  " * i + "- a\n" for i in range(9)) + "\n[坏](#nope)\n"
    _write(project, text)
    run = kb("lint", "content/x.md")
    assert (run.status, run.err) == (1, "")
    assert run.lines == [
        "content/x.md:11:1: ANC001 anchor 'nope' not found in this page (docsify ids)"
    ]


@pytest.mark.slow
def test_100000_nested_blockquotes(project: Path, kb: Kb) -> None:
    # Only the quote's own line is lost: the lines after it are checked.
    text = "# T\n\n" + ">" * 100_000 + " [坏](#nope1)\n\n[坏](#nope2)\n"
    _write(project, text)
    run = kb("lint", "content/x.md")
    assert run.lines == [
        "content/x.md:5:1: ANC001 anchor 'nope2' not found in this page (docsify ids)"
    ]
    assert run.err == (
        "kb: error: content/x.md:3: lists or quotes nested too deep for the Markdown parser "
        "(20 block levels, about 10 nested lists): line 3 not checked\n"
    )
    assert run.status == 2


@pytest.mark.slow
def test_100000_nested_inline_brackets_and_emphasis(project: Path, kb: Kb) -> None:
    n = 100_000
    text = f"# T\n\n{'[' * n}a{']' * n}\n\n{'*' * n}a{'*' * n}\n\n{'(' * n}\n\n[坏](#nope)\n"
    _write(project, text)
    run = kb("lint", "content/x.md")
    assert (run.status, run.err) == (1, "")
    assert run.lines == [
        "content/x.md:9:1: ANC001 anchor 'nope' not found in this page (docsify ids)"
    ]


@pytest.mark.slow
def test_10000_headings_with_the_same_text(project: Path, kb: Kb) -> None:
    # docsify numbers repeats: 同名, 同名-1, ... 同名-9999.
    text = "## 同名\n\n" * 10_000 + "[a](#同名-9999) [b](#同名-10000) [c](#同名)\n"
    _write(project, text)
    run = kb("lint", "content/x.md")
    repeated = (
        "in x.md is the id of a heading whose text repeats on that page; "
        "adding or removing one of them changes it"
    )
    assert run.lines == [
        f"content/x.md:20001:1: ANC002 '同名-9999' {repeated}",
        "content/x.md:20001:15: ANC001 anchor '同名-10000' not found in this page "
        "(docsify ids); did you mean '同名-1000', '同名-100', '同名-9100'?",
        f"content/x.md:20001:30: ANC002 '同名' {repeated}",
    ]
    assert run.status == 1


@pytest.mark.slow
def test_10000_links_and_formulas_in_one_paragraph(project: Path, kb: Kb) -> None:
    # Both were quadratic: every `$` scanned every span; every position rebuilt a list.
    links = "".join(f"[l{i}](/README.md?id=目录) " for i in range(10_000))
    formulas = "".join(f"$x_{{{i}}}^2$ 和\n" for i in range(10_000))
    _write(project, f"# T\n\n{links}\n\n{formulas}$\\frac{{1}}{{$ [坏](#nope)\n")
    run = kb("lint", "content/x.md")
    assert run.lines == [
        "content/x.md:10005:11: MTH001 KaTeX: Unexpected end of input in a macro argument, "
        "expected '}' (formula column 10)",
        "content/x.md:10005:13: ANC001 anchor 'nope' not found in this page (docsify ids)",
    ]
    assert run.status == 1 and run.err == ""


@pytest.mark.slow
def test_table_of_10000_rows(project: Path, kb: Kb) -> None:
    rows = "".join(f"| {i} | $x_{{{i}}}$ | [r](/README.md?id=目录) |\n" for i in range(10_000))
    last = "| z | $a|b$ | [坏](#nope) |\n| y | $y$ | [坏](#nope) |\n"
    _write(project, "# T\n\n| n | x | link |\n|---|---|---|\n" + rows + last)
    run = kb("lint", "content/x.md")
    split = (
        "`$` in a table row that opens no formula: a `|` inside the math splits the cell "
        "first; write `\\vert`, `\\mid` or `\\|` instead of `|`"
    )
    assert run.lines == [
        f"content/x.md:10005:7: MTH017 {split}",
        f"content/x.md:10005:11: MTH017 {split}",
        # the row's fourth cell (the link) is dropped, as GitHub's tables do; the next is read
        "content/x.md:10006:13: ANC001 anchor 'nope' not found in this page (docsify ids)",
    ]
    assert run.status == 1 and run.err == ""


@pytest.mark.slow
def test_100000_unclosed_html_comments(project: Path, kb: Kb) -> None:
    # A regex over `<!--(.*?)-->` rescanned to the end from each `<!--`: hours, not seconds.
    # An unclosed comment makes the rest of the file one HTML block, so no link is seen.
    _write(project, "# T\n\n" + "<!--" * 100_000 + "\n\n[坏](#nope)\n" + "a <!--" * 100_000)
    run = kb("lint", "content/x.md")
    assert (run.status, run.out, run.err) == (0, "", "")
    _write(project, "# T\n\n[坏](#nope) " + "a <!--" * 100_000 + "\n")
    run = kb("lint", "content/x.md")
    assert run.lines == [
        "content/x.md:3:1: ANC001 anchor 'nope' not found in this page (docsify ids)"
    ]


def test_lint_never_writes(project: Path, kb: Kb) -> None:
    _write(project, "# T\n\n" + "- " * 1000 + "a\n\n" + "$x$ " * 1000 + "\n[a](#t)\n")
    before = stamps(project)
    assert kb("lint").status == 2
    assert stamps(project) == before
    run = kb("lint", "--fix")  # no fixable finding: nothing is rewritten
    assert run.status == 2 and README_FINDING in run.lines
    assert stamps(project) == before


@pytest.mark.slow
def test_100000_character_anchor_and_target_are_clipped_in_messages(project: Path, kb: Kb) -> None:
    long = 100_000
    text = (
        f"# 长\n\n## {'X' * long}\n\n[a](#{'a' * long})\n\n[b](/{'b' * long}.md)\n\n"
        f"[c](#{'X' * long}_)\n\n[d](#a%0Bb)\n"
    )
    page = _write(project, text)
    run = kb("lint", "content/x.md")
    found = "not found in this page (docsify ids)"
    assert run.lines == [
        f"content/x.md:5:1: ANC001 anchor '{'a' * 199}…' {found}",
        f"content/x.md:7:1: LNK001 page {'b' * 199}… not found (link '/{'b' * 198}…')",
        f"content/x.md:9:1: ANC001 anchor '{'x' * 199}…' {found}; did you mean '{'x' * 199}…'?",
        f"content/x.md:11:1: ANC001 anchor 'a\\u{{b}}b' {found}",  # escaped: no raw control
    ]
    assert (run.status, run.err) == (1, "")
    # --fix still writes the whole id, not the clipped one it printed.
    run = kb("lint", "--fix", "content/x.md")
    assert (run.status, run.err) == (1, "fixed 1 problem in content/x.md\n")
    assert page.read_text(encoding="utf-8") == text.replace(f"(#{'X' * long}_)", f"(#{'x' * long})")


@pytest.mark.slow
def test_100000_character_questions_are_clipped_in_messages(project: Path, kb: Kb) -> None:
    question = "为" * 100_000 + "？"
    _write(project, f"# 长\n\n## 1. 节\n\n### 1.1 {question}\n\n答。\n\n### 1.2 {question}\n")
    with (project / "pyproject.toml").open("a", encoding="utf-8") as config:
        config.write("questions = true\n")  # two questions: not recognised as a question book
    run = kb("lint", "--select", "QST", "content/x.md")
    clipped = "为" * 199 + "…"
    assert run.lines == [
        f"content/x.md:9:5: QST005 question '1.2 {clipped[:-5]}…' has no answer "
        "before the end of the page",
        f"content/x.md:9:5: QST006 question '{clipped}' is already asked at line 5 "
        f"('{clipped}'): keep one answer and link to it",
    ]


@pytest.mark.slow
@pytest.mark.parametrize(
    ("make", "n"), [pytest.param(make, n // 4, id=name) for name, make, n, _ in CASES]
)
def test_time_grows_linearly(tmp_path: Path, make: Callable[[int], str], n: int) -> None:
    small, big = best_times(tmp_path, make(n), make(4 * n), rounds=3)
    assert big / small < GROWTH_LIMIT, f"n: {small:.3f} s, 4n: {big:.3f} s of CPU time"
