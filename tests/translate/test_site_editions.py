"""Editions kept inside the site (`mirrors = "site"`): docs/zh-Hant/, no image copies, clean."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.translate.conftest import Kb
from tests.translate.docsbook import make_docs_book


@pytest.fixture
def docs_project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    make_docs_book(tmp_path)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("KB_CACHE_DIR", str(tmp_path / ".cache"))
    return tmp_path


def test_writes_the_configured_edition_inside_the_site(docs_project: Path, kb: Kb) -> None:
    status, out, err = kb("translate")
    assert (status, err) == (0, ""), err
    assert out == "kb translate: zh-Hant: 4 written, 0 unchanged\n"
    mirror = docs_project / "docs" / "zh-Hant"
    assert sorted(p.relative_to(mirror).as_posix() for p in mirror.rglob("*")) == [
        "README.md",
        "_navbar.md",
        "_sidebar.md",
        "guide",
        "guide/attention.md",
    ]  # no image copied, no English, no i18n/ folder
    assert not (docs_project / "i18n").exists()
    assert not (docs_project / "docs" / "en").exists()


def test_mirror_links_land_in_the_edition_and_images_on_the_source(
    docs_project: Path, kb: Kb
) -> None:
    assert kb("translate")[0] == 0
    mirror = docs_project / "docs" / "zh-Hant"
    sidebar = (mirror / "_sidebar.md").read_text(encoding="utf-8")
    assert sidebar.startswith(
        "* [首頁](/zh-Hant/)\n* [注意力機制](/zh-Hant/guide/attention.md)\n"
        "  * [多頭注意力](/zh-Hant/guide/attention.md?id=多頭注意力)\n"
    )
    # The language switch already names an edition: left alone.
    assert (
        (mirror / "_navbar.md").read_text(encoding="utf-8").startswith("* [繁體中文](/zh-Hant/)\n")
    )
    page = (mirror / "guide" / "attention.md").read_text(encoding="utf-8")
    # docsify loads a Markdown image from the page's folder: one more `../` reaches docs/guide/.
    assert "![結構圖](../../guide/img/arch.png)" in page
    # Raw HTML resolves against index.html's folder, the same for both.
    assert '<img src="guide/img/arch.png"' in page
    assert "回到[多頭注意力](#多頭注意力)" in page
    # A reference definition is re-anchored like an inline link (and placed in the edition).
    assert "[參考][多头]。\n\n[多头]: /zh-Hant/guide/attention.md?id=多頭注意力\n" in page
    readme = (mirror / "README.md").read_text(encoding="utf-8")
    assert "![架構示意圖](../guide/img/arch.png)" in readme


def test_lint_finds_nothing_in_the_mirror(docs_project: Path, kb: Kb) -> None:
    status, out, _ = kb("lint", "--no-cache")
    assert (status, out) == (
        1,
        "docs/_navbar.md:1:3: LNK001 page zh-Hant/README.md not found (link '/zh-Hant/')\n",
    )  # the edition is not written yet
    assert kb("translate")[0] == 0
    # The whole site, mirror included, and the mirror alone.
    assert kb("lint", "--no-cache")[:2] == (0, "")
    assert kb("lint", "--no-cache", "docs/zh-Hant")[:2] == (0, "")
    # Its pages are not pages of the book to translate: a second run writes nothing new.
    status, out, _ = kb("translate")
    assert (status, out) == (0, "kb translate: zh-Hant: 0 written, 4 unchanged\n")


def test_check_catches_a_stale_mirror(docs_project: Path, kb: Kb) -> None:
    assert kb("translate")[0] == 0
    assert kb("translate", "--check")[:2] == (0, "")
    page = docs_project / "docs" / "guide" / "attention.md"
    page.write_text(page.read_text(encoding="utf-8") + "\n新增一段。\n", encoding="utf-8")
    status, out, _ = kb("translate", "--check")
    assert status == 1
    assert out == (
        "docs/zh-Hant/guide/attention.md: stale: made from an older docs/guide/attention.md\n"
    )
    status, out, _ = kb("translate", "--check", "--if-changed", "docs/guide/attention.md")
    assert status == 1 and "docs/zh-Hant/guide/attention.md: stale" in out


def test_build_site_serves_the_in_site_edition_with_the_book(
    docs_project: Path, kb: Kb, tmp_path: Path
) -> None:
    assert kb("translate")[0] == 0
    out = tmp_path / "built"
    status, _, err = kb("build-site", str(out))
    assert status == 0, err
    assert "built zh-Hans at /" in err
    assert (out / "zh-Hant" / "guide" / "attention.md").is_file()
    index = (docs_project / "docs" / "index.html").read_text(encoding="utf-8")
    assert (out / "index.html").read_text(encoding="utf-8") == index  # no KB_EDITION needed
    assert not (out / "zh-Hant" / "index.html").exists()  # one docsify app for both


def test_regional_variant_is_the_same_machinery(docs_project: Path, kb: Kb) -> None:
    (docs_project / "kb.toml").write_text(
        '[translate]\nlanguages = ["zh-HK"]\nmirrors = "site"\n', encoding="utf-8"
    )
    assert kb("translate") == (0, "kb translate: zh-HK: 4 written, 0 unchanged\n", "")
    page = (docs_project / "docs" / "zh-HK" / "guide" / "attention.md").read_text("utf-8")
    # s2hk, not s2twp: Hong Kong keeps 並行 where Taiwan writes 平行.
    assert "多個頭並行計算" in page
    assert "[多头]: /zh-HK/guide/attention.md?id=多頭注意力\n" in page


@pytest.mark.parametrize(
    ("setting", "message"),
    [
        ('mirrors = "docs"', "'mirrors' is one of i18n, site, not 'docs'"),
        ('languages = ["fr"]', "'languages' takes a non-empty list of en, zh-Hant, zh-HK"),
    ],
)
def test_settings_are_checked(docs_project: Path, kb: Kb, setting: str, message: str) -> None:
    (docs_project / "kb.toml").write_text(f"[translate]\n{setting}\n", encoding="utf-8")
    status, _, err = kb("translate", "--check")
    assert status == 2
    assert message in err and "kb.toml" in err
