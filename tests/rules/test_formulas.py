"""The formula rule family on its fixtures (tests/fixtures/formulas/<stem>.md + sidecars).

`<stem>.expected` holds exactly the CLI lines (a missing file means no findings) and
`<stem>.fixed` what `kb lint --fix` must turn the file into. `--update-expected` rewrites both.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.rules.sitecases import assert_expected
from toolkit.cli import main

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "formulas"
CASES = sorted(FIXTURES.glob("*.md"))


def _lint(name: str, capsys: pytest.CaptureFixture[str], *extra: str) -> tuple[int, str]:
    capsys.readouterr()
    status = main(["lint", "--select", "MTH", "--no-cache", *extra, name])
    return status, capsys.readouterr().out


@pytest.mark.parametrize("case", CASES, ids=lambda p: p.stem)
def test_formulas(
    case: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    update_expected: bool,
) -> None:
    monkeypatch.chdir(FIXTURES)
    status, out = _lint(case.name, capsys)
    assert_expected(case.with_suffix(".expected"), status, out, update_expected)

    fixed_file = case.with_suffix(".fixed")
    copy = tmp_path / case.name
    shutil.copyfile(case, copy)
    shutil.copyfile(FIXTURES / "pyproject.toml", tmp_path / "pyproject.toml")
    monkeypatch.chdir(tmp_path)
    _lint(case.name, capsys, "--fix")
    after = copy.read_text(encoding="utf-8")
    if update_expected:
        if after != case.read_text(encoding="utf-8"):
            fixed_file.write_text(after, encoding="utf-8")
        elif fixed_file.exists():
            fixed_file.unlink()
    if not fixed_file.exists():
        assert after == case.read_text(encoding="utf-8"), "--fix changed a case without .fixed"
        return
    assert after == fixed_file.read_text(encoding="utf-8")
    capsys.readouterr()
    main(["lint", "--select", "MTH", "--no-cache", "--fix", case.name])
    assert "fixed" not in capsys.readouterr().err
    assert copy.read_text(encoding="utf-8") == after


def test_a_site_on_katex_0_11_1_is_judged_by_it(tmp_path: Path) -> None:
    """docsify-katex 1.4.3 renders with its own KaTeX 0.11.1: findings say which version."""
    from toolkit.config import Config
    from toolkit.document import parse
    from toolkit.rules import formulas
    from toolkit.rules.base import Page
    from toolkit.site import Site

    text = "# 标题\n\n$\\textcircled{1}$ 与\n\n$$\n\\begin{align*} a &= b \\end{align*}\n$$\n"
    page = Page(parse(text, Path("a.md")), "a.md", "a.md", ("docsify",))
    config = Config(project_root=tmp_path)
    old = list(formulas.check(page, Site(tmp_path, katex_version="0.11.1"), config))
    assert [(f.line, f.code) for f in old] == [(3, "MTH010"), (6, "MTH004")]
    assert all(
        f.message.endswith("(KaTeX 0.11.1, the version this site renders with)") for f in old
    )
    assert list(formulas.check(page, Site(tmp_path), config)) == []
