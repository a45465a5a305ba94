"""An edition kept inside the site (`mirrors = "site"`) in a real browser: its images and links."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote

import pytest

from tests.browser.conftest import ARTIFACTS
from tests.browser.sitecheck import SiteChecker
from tests.translate.docsbook import make_docs_book
from toolkit.cli import main
from toolkit.site_build import serving

pytestmark = pytest.mark.browser

_IMAGES = """() => [...document.querySelectorAll('.markdown-section img')].map(
  (img) => [img.src, img.complete && img.naturalWidth])"""


def test_zh_hant_edition_in_docs_shows_the_source_images_and_stays_in_the_edition(
    tmp_path: Path,
    browser: object,
    node_modules: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    docs = make_docs_book(tmp_path)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("KB_CACHE_DIR", str(tmp_path / ".cache"))
    assert main(["translate"]) == 0
    capsys.readouterr()
    assert not list((docs / "zh-Hant").rglob("*.png"))  # nothing copied
    context = browser.new_context(viewport={"width": 1000, "height": 700})  # type: ignore[attr-defined]
    try:
        with serving(docs) as url:
            checker = SiteChecker(context, node_modules)
            page = checker.page
            view = checker.visit(url, "/zh-Hant/guide/attention")
            assert not view.not_found
            assert "多頭注意力" in view.ids
            page.wait_for_function(
                "() => [...document.querySelectorAll('.markdown-section img')]"
                ".every((img) => img.complete)"
            )
            # The Markdown image (one more ../ than the source) and the raw-HTML one (resolved
            # against index.html) both load the source's 12x8 PNG.
            source = url + "guide/img/arch.png"
            assert page.evaluate(_IMAGES) == [[source, 12], [source, 12]]
            # The edition's own sidebar, whose links stay in the edition.
            assert [unquote(str(h)) for h in view.data["sidebarLinks"]] == [
                "#/zh-Hant/",
                "#/zh-Hant/guide/attention",
                "#/zh-Hant/guide/attention?id=多頭注意力",
            ]
            ARTIFACTS.mkdir(exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / "site-in-docs.png"))
            home = checker.visit(url, "/zh-Hant/")
            assert not home.not_found
            page.wait_for_function(
                "() => [...document.querySelectorAll('.markdown-section img')]"
                ".every((img) => img.complete)"
            )
            assert page.evaluate(_IMAGES) == [[source, 12]]
            assert not checker.page_errors and not checker.cdn_problems
    finally:
        context.close()
