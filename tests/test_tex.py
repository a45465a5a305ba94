"""Unit tests of the KaTeX-compatible formula checker (toolkit/tex.py)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from toolkit.tex import TexProblem, check_tex
from toolkit.tex_data import katex_tables

REPO = Path(__file__).resolve().parent.parent


def _codes(tex: str, display: bool = False) -> list[tuple[str, int]]:
    return [(p.code, p.offset) for p in check_tex(tex, display)]


GOOD = [
    r"\frac{QK^\top}{\sqrt{d_k}}",
    r"\mathbb{E}_{x \sim p}\left[\log \sigma(\beta)\right]",
    r"\operatorname{clip}(r, 1-\epsilon, 1+\epsilon)",
    r"\begin{cases} a & x > 0 \\ b & \text{otherwise} \end{cases}",
    r"\underbrace{a+b}_{n}",
    r"\sqrt[3]{x} + \sqrt[]{y}",
    r"\binom{n}{k} + \tbinom nk",
    r"{}^2 + x'' + x^{2}_{i}",
    r"\left( \middle| \right)",
    r"a \\ b",
    r"\text{温度（℃）} + \mathrm{ReLU}",
    r"\sum\limits_{i=1}^n \int_0^1",
    r"\ne \neq \dots \cdots \iff",
    r"x_{\text{model}} % a comment",
]


@pytest.mark.parametrize("tex", GOOD)
def test_good_formulas_have_no_problem(tex: str) -> None:
    assert check_tex(tex, False) == []


@pytest.mark.parametrize(
    ("tex", "display", "expected"),
    [
        (r"{a", False, [("MTH001", 0)]),
        (r"a}", False, [("MTH001", 1)]),
        (r"\frac{a}{b", False, [("MTH001", 8)]),
        (r"\left( x", False, [("MTH002", 0)]),
        (r"x \right)", False, [("MTH002", 2)]),
        (r"\middle|", False, [("MTH002", 0)]),
        (r"\begin{matrix} a \end{bmatrix}", False, [("MTH003", 0)]),
        (r"\begin{matrix} a", False, [("MTH003", 0)]),
        (r"a \end{matrix}", False, [("MTH003", 2)]),
        (r"\begin{eqnarray} a \end{eqnarray}", True, [("MTH004", 0)]),
        (r"a & b", False, [("MTH005", 2)]),
        (r"\hline", False, [("MTH005", 0)]),
        (r"\begin{split} a & b & c \end{split}", True, [("MTH005", 20)]),
        (r"\farc{a}{b}", False, [("MTH006", 0)]),
        (r"\frac{a}", False, [("MTH007", 8)]),
        (r"x^", False, [("MTH007", 2)]),
        (r"x^2^3", False, [("MTH008", 3)]),
        (r"x_1_2", False, [("MTH008", 3)]),
        (r"\left x \right)", False, [("MTH009", 0)]),
        (r"\begin{array}{cx} a \end{array}", False, [("MTH009", 0)]),
        (r"\text{\alpha}", False, [("MTH010", 6)]),
        (r"\text{a_b}", False, [("MTH010", 7)]),
        (r"\begin{align} a \end{align}", False, [("MTH010", 0)]),
        (r"x \tag{1}", False, [("MTH010", 0)]),
        (r"x\limits", False, [("MTH010", 1)]),
        (r"a \over b \over c", False, [("MTH010", 10)]),
        (r"x # y", False, [("MTH011", 2)]),
        (r"f（x）", False, [("MTH012", 1), ("MTH012", 3)]),
        (r"准确率 = 1", False, [("MTH013", 0)]),
        (r"\text{准确率} = 1", False, []),
        (r"\farc{a} + （", False, [("MTH006", 0), ("MTH012", 11)]),
    ],
)
def test_problems(tex: str, display: bool, expected: list[tuple[str, int]]) -> None:
    assert _codes(tex, display) == expected


@pytest.mark.parametrize(
    ("tex", "suggestion"),
    [
        (r"\farc", r"\frac"),
        (r"\mathbbb", r"\mathbb"),
        (r"\lamda", r"\lambda"),
        (r"\alpah", r"\alpha"),
        (r"\operatornme", r"\operatorname"),
    ],
)
def test_unknown_command_suggests_the_nearest(tex: str, suggestion: str) -> None:
    (problem,) = check_tex(tex, False)
    assert problem.code == "MTH006"
    assert f"did you mean `{suggestion}`?" in problem.message


@pytest.mark.parametrize(
    ("char", "replacement"),
    [
        ("（", "("),
        ("，", ","),
        ("：", ":"),
        ("；", ";"),
        ("１", "1"),
        ("ｘ", "x"),
        ("｛", None),
        ("＄", None),
    ],
)
def test_full_width_fix_only_when_meaning_is_kept(char: str, replacement: str | None) -> None:
    (problem,) = check_tex(f"a {char} b", False)
    assert problem == TexProblem("MTH012", 2, problem.message, replacement)
    assert not problem.is_error


def test_full_width_inside_text_is_fine() -> None:
    assert check_tex(r"\text{（注）} x", False) == []


def test_katex_versions_agree() -> None:
    data = json.loads((REPO / "toolkit" / "data" / "katex.json").read_text(encoding="utf-8"))
    package = json.loads((REPO / "tests" / "node" / "package.json").read_text(encoding="utf-8"))
    assert data["katex_version"] == package["dependencies"]["katex"] == katex_tables().version


PIECES = [
    *"{}[]()^_&\\'|$%#~ax1 \n",
    r"\frac",
    r"\left",
    r"\right",
    r"\begin{cases}",
    r"\end{cases}",
    r"\\",
    r"\text{",
    "（",
    "中",
    r"\def",
    r"\tag{1}",
    r"\sqrt",
    r"\over",
    r"\verb|x|",
    "\u2028",
    r"\newcommand",
]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=30).map("".join), st.booleans())
def test_any_string_gives_a_list(tex: str, display: bool) -> None:
    problems = check_tex(tex, display)
    assert isinstance(problems, list)
    assert all(0 <= p.offset <= len(tex) for p in problems)


@settings(max_examples=200, deadline=None)
@given(st.text(), st.booleans())
def test_arbitrary_unicode_never_raises(tex: str, display: bool) -> None:
    assert isinstance(check_tex(tex, display), list)
