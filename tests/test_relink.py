"""`kb lint --fix` rewrites links anywhere in the site when a fix moves a heading id."""

from __future__ import annotations

from pathlib import Path

import pytest

from toolkit.cli import main
from toolkit.document import parse
from toolkit.relink import moved_ids

PAGE = """# 注意力

## 1.Attention

### 1.1 实现

正文一。

### 1.1 实现

正文二。

### 1.3 为什么要缩放?

正文三，见[上一题](#_11-实现-1)。
"""


def _site(tmp_path: Path) -> Path:
    (tmp_path / "pyproject.toml").write_text(
        '[tool.kb]\nroot = "."\nquestions = true\n', encoding="utf-8"
    )
    (tmp_path / "a.md").write_text(PAGE, encoding="utf-8")
    return tmp_path


def _fix(site: Path, *paths: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    capsys.readouterr()
    status = main(["lint", "--no-cache", "--select", "QST", "--fix", *paths])
    return status, capsys.readouterr().err


def test_links_in_pages_outside_the_run_are_rewritten_keeping_bom_and_line_ends(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    site = _site(tmp_path)
    toc = (
        "\ufeff# 目录\r\n\r\n* [第二个实现](/a.md?id=_11-实现-1)\r\n"
        "* [缩放](/a?id=_13-为什么要缩放)\r\n"
    )
    (site / "README.md").write_bytes(toc.encode("utf-8"))
    (site / "part").mkdir()
    other = "# 另一页\n\n[缩放](/a.md#_13-为什么要缩放) 和 [第一个实现](/a.md?id=_11-实现)\n"
    (site / "part" / "b.md").write_text(other, encoding="utf-8")
    untouched = "# 无关\n\n[别处](/part/b.md) 只提到 _11-实现-1 这几个字。\n"
    (site / "c.md").write_text(untouched, encoding="utf-8")
    monkeypatch.chdir(site)

    status, err = _fix(site, "a.md", capsys=capsys)

    assert status == 1
    assert "fixed 2 problems in README.md" in err
    assert "fixed 1 problem in part/b.md" in err
    assert (site / "README.md").read_bytes() == (
        "\ufeff# 目录\r\n\r\n* [第二个实现](/a.md?id=_12-实现)\r\n"
        "* [缩放](/a?id=_13-为什么要缩放？)\r\n"
    ).encode("utf-8")
    assert (site / "part" / "b.md").read_text(encoding="utf-8") == other.replace(
        "_13-为什么要缩放)", "_13-为什么要缩放？)"
    )
    assert (site / "c.md").read_text(encoding="utf-8") == untouched
    fixed_page = (site / "a.md").read_text(encoding="utf-8")
    assert "### 1.2 实现" in fixed_page and "### 1.3 为什么要缩放？" in fixed_page
    assert "[上一题](#_12-实现)" in fixed_page

    before = {p: p.read_bytes() for p in site.rglob("*.md")}
    status, err = _fix(site, ".", capsys=capsys)
    assert status == 0 and "fixed" not in err
    assert {p: p.read_bytes() for p in site.rglob("*.md")} == before


def test_a_page_with_mixed_line_ends_is_reported_and_left_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    site = _site(tmp_path)
    mixed = b"# x\r\n\n[a](/a.md?id=_11-\xe5\xae\x9e\xe7\x8e\xb0-1)\n"
    (site / "mixed.md").write_bytes(mixed)
    monkeypatch.chdir(site)

    status, err = _fix(site, "a.md", capsys=capsys)

    assert status == 2
    assert "mixed.md: mixes line-end styles; links to moved ids not rewritten" in err
    assert (site / "mixed.md").read_bytes() == mixed


def test_ids_are_compared_heading_by_heading() -> None:
    before = parse("## 1.A\n### 1.1 实现\n### 1.1 实现\n", Path("a.md"))
    after = parse("## 1.A\n### 1.1 实现\n### 1.2 实现\n", Path("a.md"))
    assert moved_ids(before, after)["docsify"] == {"_11-实现-1": "_12-实现"}
    assert moved_ids(before, after)["github"] == {"11-实现-1": "12-实现"}
    assert moved_ids(before, parse("## 1.A\n", Path("a.md"))) == {}


def test_a_fix_that_moves_ids_names_each_move_and_warns_about_outside_links(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    site = _site(tmp_path)
    monkeypatch.chdir(site)

    status, err = _fix(site, "a.md", capsys=capsys)

    assert status == 1
    assert err.splitlines()[1:] == [
        "a.md: heading id '_11-实现-1' → '_12-实现'",
        "a.md: heading id '_13-为什么要缩放' → '_13-为什么要缩放？'",
        "kb: warning: a.md: links from outside the site (bookmarks, other sites) to the old ids "
        "will break; links inside it were rewritten",
    ]


def test_a_fix_that_keeps_every_id_names_no_move(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    site = _site(tmp_path)
    (site / "part").mkdir()
    (site / "part" / "README.md").write_text("# 部分\n", encoding="utf-8")
    (site / "a.md").write_text("# 页\n\n[部分](/part)\n", encoding="utf-8")  # LNK002's fix
    monkeypatch.chdir(site)
    capsys.readouterr()

    assert main(["lint", "--no-cache", "--fix", "a.md"]) == 1
    assert capsys.readouterr().err == "fixed 1 problem in a.md\n"
