"""Hypothesis strategies for TeX: mutations of the book's formulas and grammar-driven sequences.

Each strategy draws `(construct, tex, display)`: `construct` names what the case exercises, so
agreement can be counted per kind of construct.
"""

from __future__ import annotations

import functools
from pathlib import Path

from hypothesis import strategies as st

REPO = Path(__file__).resolve().parents[2]


@functools.cache
def book_formulas() -> tuple[tuple[str, bool], ...]:
    """Every distinct formula of the book under content/, as the site finds it."""
    from toolkit.document import parse

    found: dict[tuple[str, bool], None] = {}
    for path in sorted((REPO / "content").rglob("*.md")):
        for formula in parse(path.read_text(encoding="utf-8"), path).formulas:
            found[(formula.tex, formula.display)] = None
    return tuple(found)


COMMANDS = [
    r"\frac",
    r"\dfrac",
    r"\tfrac",
    r"\sqrt",
    r"\sqrt[3]",
    r"\binom",
    r"\over",
    r"\choose",
    r"\text",
    r"\textrm",
    r"\textbf",
    r"\mathrm",
    r"\mathbf",
    r"\mathbb",
    r"\operatorname",
    r"\operatorname*",
    r"\overbrace",
    r"\underbrace",
    r"\overset",
    r"\underset",
    r"\stackrel",
    r"\textcircled",
    r"\boxed",
    r"\cancel",
    r"\color",
    r"\textcolor",
    r"\colorbox",
    r"\hat",
    r"\vec",
    r"\bar",
    r"\tilde",
    r"\widehat",
    r"\dot",
    r"\ddot",
    r"\mathring",
    r"\sum",
    r"\prod",
    r"\int",
    r"\oint",
    r"\lim",
    r"\max",
    r"\limits",
    r"\nolimits",
    r"\alpha",
    r"\beta",
    r"\Alpha",
    r"\varepsilon",
    r"\infty",
    r"\cdot",
    r"\cdots",
    r"\dots",
    r"\ldots",
    r"\to",
    r"\gets",
    r"\mid",
    r"\vert",
    r"\|",
    r"\{",
    r"\}",
    r"\$",
    r"\%",
    r"\tag",
    r"\tag*",
    r"\label",
    r"\hline",
    r"\cr",
    r"\\",
    r"\newline",
    r"\nonumber",
    r"\quad",
    r"\qquad",
    r"\,",
    r"\;",
    r"\!",
    r"\ ",
    "\\",
    r"\hspace",
    r"\kern",
    r"\rule",
    r"\phantom",
    r"\mathop",
    r"\mathbin",
    r"\mathrel",
    r"\displaystyle",
    r"\scriptstyle",
    r"\mbox",
    r"\hbox",
    r"\char",
    r"\char`",
    r"\@ifnextchar",
    r"\relax",
    r"\href",
    r"\url",
    r"\verb",
    r"\verb*",
    r"\htmlClass",
    r"\includegraphics",
    r"\xrightarrow",
    r"\xleftarrow",
    r"\not",
    r"\notin",
    r"\neq",
    r"\le",
    r"\leqslant",
    r"\argmax",
    r"\arg\max",
    r"\Pr",
    r"\bm",
    r"\boldsymbol",
    r"\pmb",
    r"\tfrac",
    r"\genfrac",
    r"\above",
    r"\atop",
    r"\middle",
    r"\sout",
    r"\underline",
    r"\overline",
    r"\llbracket",
    r"\ce",
]
DELIMITERS = [
    "(",
    ")",
    "[",
    "]",
    r"\{",
    r"\}",
    "|",
    r"\|",
    ".",
    r"\langle",
    r"\rangle",
    "<",
    ">",
    "/",
    r"\lvert",
    r"\rvert",
    "x",
    "{(}",
    "{)}",
    "{.}",
    r"\uparrow",
]
SIZED = [r"\left", r"\right", r"\middle", r"\bigl", r"\bigr", r"\Bigl", r"\big", r"\Bigg", r"\bigm"]
ENVIRONMENTS = [
    "matrix",
    "pmatrix",
    "bmatrix",
    "Bmatrix",
    "vmatrix",
    "smallmatrix",
    "cases",
    "rcases",
    "dcases",
    "aligned",
    "alignedat",
    "gathered",
    "array",
    "darray",
    "subarray",
    "align",
    "align*",
    "gather",
    "gather*",
    "equation",
    "equation*",
    "split",
    "multline",
    "CD",
    "eqnarray",
    "tabular",
    "matrix*",
    "alignat",
    "alignat*",
]
ENV_ARGS = ["", "{cc}", "{c|l}", "{x}", "{2}", "[c]", "{@{}c}", "{}", "[r]{cc}"]
MACROS = [
    r"\def\a{x}\a",
    r"\def\f#1{#1^2}\f{y}",
    r"\def\f#1#2{#2#1}\f ab",
    r"\def\f#2{x}",
    r"\gdef\g{z}\g",
    r"\global\def\h{w}\h",
    r"\let\a=\alpha\a",
    r"\let\b\beta\b",
    r"\newcommand{\n}{n}\n",
    r"\newcommand\n[1]{#1!}\n{k}",
    r"\renewcommand{\frac}{f}",
    r"\renewcommand{\zz}{z}",
    r"\providecommand{\p}{p}\p",
    r"\newcommand{\alpha}{a}",
    r"\expandafter\a\b",
    r"\noexpand\a",
    r"\edef\e{\alpha}\e",
    r"\xdef\x{y}\x",
    r"\def\a{\a}\a",
    r"\def\a#1#1{x}",
    r"\def",
    r"\def\a",
    r"\def\a#",
    r"#",
    r"##",
    r"#1",
    r"\def\d#1.{#1}\d x.",
    r"\newcommand{\n}[2][o]{#1#2}\n{a}",
    r"\futurelet",
    r"\@firstoftwo",
    r"\TextOrMath{a}{b}",
    r"\let",
    r"\def\a{{}\a",
]
UNICODE = [
    "中",
    "文字",
    "（",
    "）",
    "，",
    "：",
    "；",
    "＝",
    "１",
    "ｘ",
    "\u3000",
    "。",
    "…",
    "—",
    "α",
    "≤",
    "∑",
    "→",
    "é",
    "e\u0301",
    "😀",
    "\U00020000",
    "²",
    "₁",
    "\u200b",
    "\ufeff",
    "\u2028",
    "ℝ",
    "°",
    "×",
    "·",
    "“",
    "「",
]
PLAIN = [
    "a",
    "x",
    "1",
    "2",
    " ",
    "+",
    "-",
    "=",
    "'",
    "^",
    "_",
    "&",
    "~",
    ",",
    ";",
    "!",
    "?",
    "*",
    "/",
    "@",
    "`",
    '"',
    "<",
    ">",
    "\n",
    "\t",
]
COMMENTS = ["%", "% note\n", "%\n", "\\%", "%}"]
URLS = [
    r"\href{http://a.b/%20}{x}",
    r"\url{a%b}",
    r"\href{x}",
    r"\url{http://x.y/#z}",
    r"\href{javascript:alert(1)}{x}",
    r"\url{a\%b}",
    r"\href{a}{b}%",
    r"\url",
]
VERBS = [r"\verb|x|", r"\verb+a{+", r"\verb|x", r"\verb", r"\verb*| |", r"\verb x", "\\verb\n"]
BRACES = ["{", "}", "{}", "[", "]", "{{", "}}", r"\{", r"\}", r"\left\{", r"\right\}"]


def _atoms(construct: str) -> st.SearchStrategy[str]:
    environment = st.builds(
        lambda begin, name, args, body, end: f"\\{begin}{{{name}}}{args}{body}\\{end}{{{name}}}",
        st.sampled_from(["begin", "begin", "end"]),
        st.sampled_from(ENVIRONMENTS),
        st.sampled_from(ENV_ARGS),
        st.sampled_from(["a & b \\\\ c & d", "a", "", "a & b & c", "x \\hline y", "a \\\\"]),
        st.sampled_from(["end", "end", "begin"]),
    )
    sized = st.builds(lambda s, d: s + d, st.sampled_from(SIZED), st.sampled_from(DELIMITERS))
    focus = {
        "commands": st.sampled_from(COMMANDS),
        "environments": st.one_of(environment, st.sampled_from([r"\begin", r"\end", "{x}"])),
        "delimiters": st.one_of(sized, st.sampled_from(DELIMITERS)),
        "braces": st.sampled_from(BRACES),
        "macros": st.sampled_from(MACROS),
        "unicode": st.sampled_from(UNICODE),
        "comments": st.sampled_from(COMMENTS),
        "urls-verb": st.sampled_from(URLS + VERBS),
    }[construct]
    others = st.sampled_from(COMMANDS + BRACES + PLAIN + UNICODE[:6] + DELIMITERS[:6])
    return st.one_of(focus, focus, st.sampled_from(PLAIN), others)


CONSTRUCTS = (
    "commands",
    "environments",
    "delimiters",
    "braces",
    "macros",
    "unicode",
    "comments",
    "urls-verb",
)


@st.composite
def grammar_case(draw: st.DrawFn) -> tuple[str, str, bool]:
    """A sequence of atoms that leans on one kind of construct."""
    construct = draw(st.sampled_from(CONSTRUCTS))
    tex = "".join(draw(st.lists(_atoms(construct), min_size=1, max_size=12)))
    return construct, tex, draw(st.booleans())


@st.composite
def mutated_book_formula(draw: st.DrawFn) -> tuple[str, str, bool]:
    """A real formula of the book, edited once or twice: delete, insert, duplicate, replace."""
    tex, display = draw(st.sampled_from(book_formulas()))
    pool = COMMANDS + BRACES + DELIMITERS + MACROS + UNICODE + PLAIN + COMMENTS + URLS + VERBS
    for _ in range(draw(st.integers(1, 2))):
        at = draw(st.integers(0, len(tex)))
        how = draw(st.sampled_from(["delete", "insert", "duplicate", "replace"]))
        end = min(len(tex), at + draw(st.integers(1, 8)))
        if how == "delete":
            tex = tex[:at] + tex[end:]
        elif how == "insert":
            tex = tex[:at] + draw(st.sampled_from(pool)) + tex[at:]
        elif how == "duplicate":
            tex = tex[:end] + tex[at:end] + tex[end:]
        else:
            tex = tex[:at] + draw(st.sampled_from(pool)) + tex[end:]
    return "book-mutation", tex, display if draw(st.booleans()) else not display


@st.composite
def book_formula(draw: st.DrawFn) -> tuple[str, str, bool]:
    """A real formula of the book as written."""
    tex, display = draw(st.sampled_from(book_formulas()))
    return "book", tex, display


def tex_cases() -> st.SearchStrategy[tuple[str, str, bool]]:
    """Every kind of case the differential fuzzer draws."""
    return st.one_of(mutated_book_formula(), grammar_case(), book_formula())
