"""The formula checker (toolkit/tex/): KaTeX's verdict in kinds, per version, cached and fetched."""

from __future__ import annotations

import base64
import hashlib
import io
import tarfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from toolkit.errors import KbError
from toolkit.tex import (
    CURRENT_VERSION,
    Kind,
    TexProblem,
    VerdictCache,
    check_many,
    check_tex,
    store,
)

OLD = "0.11.1"


def _kinds(
    tex: str, display: bool = False, version: str = CURRENT_VERSION
) -> list[tuple[str, int]]:
    return [(p.kind.value, p.offset) for p in check_tex(tex, display, version)]


GOOD = [
    r"\frac{QK^\top}{\sqrt{d_k}}",
    r"\mathbb{E}_{x \sim p}\left[\log \sigma(\beta)\right]",
    r"\begin{cases} a & x > 0 \\ b & \text{otherwise} \end{cases}",
    r"\text{温度（℃）} + \mathrm{ReLU}",
    r"x_{\text{model}} % a comment",
    r"\def\f#1{#1^2} \f{x}",
    r"\verb|\x{|",
    r"a … b",
]


@pytest.mark.parametrize("version", [OLD, CURRENT_VERSION])
@pytest.mark.parametrize("tex", GOOD)
def test_good_formulas_have_no_problem(tex: str, version: str) -> None:
    assert check_tex(tex, False, version) == []


@pytest.mark.parametrize(
    ("tex", "display", "expected"),
    [
        (r"{a", False, [("unbalanced-braces", 2)]),
        (r"a}", False, [("unbalanced-braces", 1)]),
        (r"\left( x", False, [("unmatched-left-right", 8)]),
        (r"x \right)", False, [("unmatched-left-right", 2)]),
        (r"\begin{matrix} a \end{bmatrix}", False, [("unmatched-environment", 17)]),
        (r"\begin{eqnarray} a \end{eqnarray}", True, [("unknown-environment", 6)]),
        (r"a & b", False, [("misplaced-alignment", 2)]),
        (r"\hline", False, [("misplaced-alignment", 0)]),
        (r"\farc{a}{b}", False, [("unknown-command", 0)]),
        (r"x^", False, [("missing-argument", 1)]),
        (r"x^2^3", False, [("double-script", 3)]),
        (r"\left x \right)", False, [("invalid-argument", 6)]),
        (r"\text{\alpha}", False, [("command-not-allowed-here", 6)]),
        (r"\begin{align} a \end{align}", False, [("command-not-allowed-here", 0)]),
        (r"x # y", False, [("katex-parse-error", 2)]),
        (r"\def\a{\a}\a", False, [("katex-parse-error", 0)]),
        (r"f（x）", False, [("full-width-in-math", 1), ("full-width-in-math", 3)]),
        (r"准确率 = 1", False, [("chinese-outside-text", 0)]),
        (r"\mathrm{中文}", False, [("chinese-outside-text", 8)]),
    ],
)
def test_problem_kinds(tex: str, display: bool, expected: list[tuple[str, int]]) -> None:
    assert _kinds(tex, display) == expected


@pytest.mark.parametrize(
    ("tex", "display", "old", "current"),
    [
        (r"\textcircled{a}", False, [("command-not-allowed-here", 0)], []),
        (r"\begin{align*} a \end{align*}", True, [("unknown-environment", 6)], []),
        (r"\frac{a}", False, [("missing-argument", 8)], [("missing-argument", 8)]),
    ],
)
def test_versions_differ_where_katex_does(
    tex: str, display: bool, old: list[tuple[str, int]], current: list[tuple[str, int]]
) -> None:
    assert _kinds(tex, display, OLD) == old
    assert _kinds(tex, display, CURRENT_VERSION) == current


def test_message_is_katexs_own() -> None:
    (old,) = check_tex(r"\frac{a}", False, OLD)
    (new,) = check_tex(r"\frac{a}", False, CURRENT_VERSION)
    assert old.message == "KaTeX: Expected group after '\\frac'"
    assert new.message == "KaTeX: Unexpected end of input in a macro argument, expected '}'"


@pytest.mark.parametrize(
    ("tex", "suggestion"),
    [(r"\farc", r"\frac"), (r"\mathbbb", r"\mathbb"), (r"\lamda", r"\lambda")],
)
def test_unknown_command_suggests_the_nearest(tex: str, suggestion: str) -> None:
    (problem,) = check_tex(tex, False)
    assert problem.kind is Kind.UNKNOWN_COMMAND
    assert f"did you mean `{suggestion}`?" in problem.message


def test_chinese_message_says_what_the_reader_sees() -> None:
    (problem,) = check_tex("准确率 = 1", False)
    assert "upright" in problem.message and "spaces" in problem.message
    assert "italic" not in problem.message
    assert not problem.is_error


@pytest.mark.parametrize("char", ["（", "，", "：", "１", "ｘ", "｛", "＄", "\u3000"])
def test_full_width_gets_no_fix_when_katex_draws_it_differently(char: str) -> None:
    (problem,) = check_tex(f"a {char} b", False)
    assert problem == TexProblem(Kind.FULL_WIDTH_IN_MATH, 2, problem.message, None)
    assert not problem.is_error


def test_full_width_inside_text_is_fine() -> None:
    assert check_tex(r"\text{（注）} x", False) == []


def test_offsets_count_code_points_not_utf16_units() -> None:
    # U+20000 is two UTF-16 units in JavaScript and one character here.
    assert _kinds("\U00020000 x^2^3") == [("double-script", 5)]


def test_verdict_cache_spares_the_engine(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cache = VerdictCache(tmp_path / "v.sqlite")
    tex = r"\kbcachetest{x}"
    first = check_many([(tex, False)], CURRENT_VERSION, cache)
    cache.close()
    import toolkit.tex as tex_module

    tex_module.clear_cache()
    monkeypatch.setattr(tex_module, "_engine", lambda version: pytest.fail("engine started"))
    again = check_many([(tex, False)], CURRENT_VERSION, VerdictCache(tmp_path / "v.sqlite"))
    assert again == first and first[0][0].kind is Kind.UNKNOWN_COMMAND


def test_damaged_verdict_cache_only_costs_speed(tmp_path: Path) -> None:
    path = tmp_path / "v.sqlite"
    path.write_bytes(b"not a database" * 100)
    cache = VerdictCache(path)
    assert check_many([("x^2^3", True)], CURRENT_VERSION, cache)[0][0].kind is Kind.DOUBLE_SCRIPT
    cache.close()


def _tarball(source: bytes) -> bytes:
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w:gz") as archive:
        info = tarfile.TarInfo("package/dist/katex.min.js")
        info.size = len(source)
        archive.addfile(info, io.BytesIO(source))
    return out.getvalue()


def test_fetch_verifies_the_integrity(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KB_KATEX_DIR", str(tmp_path))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setattr(store, "_download", lambda url: _tarball(b"evil()"))
    with pytest.raises(KbError, match=r"KaTeX 0\.11\.1 .*integrity"):
        store.katex_source("0.11.1")
    assert not (tmp_path / "0.11.1").exists()


def test_unreachable_registry_is_an_error_naming_the_version(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KB_KATEX_DIR", str(tmp_path))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))

    def offline(url: str) -> bytes:
        raise OSError("network is unreachable")

    monkeypatch.setattr(store, "_download", offline)
    with pytest.raises(KbError, match=r"KaTeX 0\.16\.0 is needed.*unreachable.*katex.min.js"):
        store.katex_source("0.16.0")


def test_a_fetched_version_works_offline(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KB_KATEX_DIR", str(tmp_path))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    tarball = _tarball(b"katex = 1;")
    digest = base64.b64encode(hashlib.sha512(tarball).digest()).decode()
    monkeypatch.setitem(store.INTEGRITY, "9.9.9", f"sha512-{digest}")
    monkeypatch.setattr(store, "_download", lambda url: tarball)
    assert store.katex_source("9.9.9") == "katex = 1;"
    monkeypatch.setattr(store, "_download", lambda url: pytest.fail("fetched twice"))
    assert store.katex_source("9.9.9") == "katex = 1;"


def test_version_must_be_a_version_number() -> None:
    with pytest.raises(KbError, match="not a version number"):
        store.katex_source("../../etc")


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
    r"\verb|x|",
    "\u2028",
    r"\newcommand",
]


@pytest.mark.slow
@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=30).map("".join), st.booleans())
def test_any_string_gives_problems_inside_it(tex: str, display: bool) -> None:
    problems = check_tex(tex, display)
    assert all(0 <= p.offset <= len(tex) for p in problems)


@settings(max_examples=100, deadline=None)
@given(st.text(), st.booleans())
def test_arbitrary_unicode_never_raises(tex: str, display: bool) -> None:
    assert isinstance(check_tex(tex, display), list)


def test_lint_exits_2_naming_the_version_when_katex_cannot_be_had(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import toolkit.tex as tex_module
    from toolkit.cli import main

    monkeypatch.setattr(tex_module, "_ENGINES", {})
    monkeypatch.setattr(tex_module, "_MEMO", {})
    monkeypatch.setenv("KB_KATEX_DIR", str(tmp_path / "katex"))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))

    def offline(url: str) -> bytes:
        raise OSError("network is unreachable")

    monkeypatch.setattr(store, "_download", offline)
    page = tmp_path / "a.md"
    page.write_text("# 标题\n\n$x^2$\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert main(["lint", "--no-cache", "a.md"]) == 2
    err = capsys.readouterr().err
    assert f"KaTeX {CURRENT_VERSION} is needed" in err and "katex.min.js" in err


def test_a_second_lint_takes_verdicts_from_the_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import toolkit.tex as tex_module
    from toolkit.cli import main

    monkeypatch.setenv("KB_CACHE_DIR", str(tmp_path / "cache"))
    (tmp_path / "a.md").write_text("# 标题\n\n$\\kbnever{x}$ 和 $准确率$\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert main(["lint", "a.md"]) == 1
    first = capsys.readouterr().out
    assert (tmp_path / "cache" / "katex-verdicts.sqlite").is_file()
    monkeypatch.setattr(tex_module, "_MEMO", {})
    monkeypatch.setattr(tex_module, "_engine", lambda version: pytest.fail("engine started"))
    assert main(["lint", "a.md"]) == 1
    assert capsys.readouterr().out == first
    assert "MTH006" in first and "MTH013" in first
