"""Every ```mermaid block of every edition is drawn by the pinned mermaid, without an error."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.browser.conftest import ARTIFACTS
from tests.browser.sitecheck import SiteChecker, page_routes, route_file
from tests.browser.test_site import book_url, built_book, checker  # noqa: F401 (fixtures)
from toolkit.site_build import EDITIONS, BuildResult, Edition

pytestmark = pytest.mark.browser
_FENCE = re.compile(r"^```mermaid\n", re.M)
DIAGRAM_TIMEOUT_MS = 60_000

# Waits until mermaid has processed every diagram of the page, then says what each one became.
_DRAWN = """
(expected) => {
  const blocks = [...document.querySelectorAll('.markdown-section .mermaid')];
  if (blocks.length < expected) return null;
  if (!blocks.every((b) => b.getAttribute('data-processed') === 'true')) return null;
  return blocks.map((b) => {
    const svg = b.querySelector('svg');
    const text = svg ? svg.textContent : b.textContent;
    return {
      svg: !!svg,
      error: !!b.querySelector('.error-icon, .error-text') || /Syntax error/.test(text),
      labels: svg ? svg.querySelectorAll('text, foreignObject, span').length : 0,
      text: text.slice(0, 200),
    };
  });
}
"""


def _pages_with_diagrams(folder: Path, skip: tuple[str, ...]) -> list[tuple[str, int]]:
    found = []
    for route in page_routes(folder, skip):
        count = len(_FENCE.findall((folder / route_file(route)).read_text(encoding="utf-8")))
        if count:
            found.append((route, count))
    return found


@pytest.mark.parametrize("edition", EDITIONS, ids=[e.code for e in EDITIONS])
def test_every_diagram_renders(
    edition: Edition,
    built_book: BuildResult,  # noqa: F811
    book_url: str,  # noqa: F811
    checker: SiteChecker,  # noqa: F811
) -> None:
    missing = dict(built_book.missing)
    if edition in missing:
        pytest.skip(f"{missing[edition]} does not exist yet: `kb translate` writes it")
    folder = built_book.out / edition.folder
    base = book_url + (f"{edition.folder}/" if edition.folder else "")
    skip = () if edition.folder else tuple(e.folder for e in EDITIONS if e.folder)
    pages = _pages_with_diagrams(folder, skip)
    failures = []
    drawn = 0
    for route, expected in pages:
        checker.visit(base, route)
        handle = checker.page.wait_for_function(_DRAWN, arg=expected, timeout=DIAGRAM_TIMEOUT_MS)
        results = handle.json_value()
        for number, result in enumerate(results, 1):
            if not result["svg"] or result["error"] or not result["labels"]:
                failures.append(f"{route_file(route)}: diagram {number}: {result['text']!r}")
            else:
                drawn += 1
        if len(results) != expected:
            failures.append(f"{route_file(route)}: {len(results)} drawn, {expected} in the page")
    print(f"\n{edition.code}: {drawn} diagrams drawn on {len(pages)} pages")
    assert not failures, "\n".join(failures)
    assert drawn >= 20, f"{edition.code}: only {drawn} diagrams"
    # docsify's search plugin fills localStorage with three editions' indexes on one origin;
    # that quota error is the search plugin's, not a diagram's.
    errors = [e for e in checker.page_errors if "exceeded the quota" not in e]
    assert not errors, errors[:5]
    # One picture per edition: the attention page, scrolled to its first diagram.
    route = next(r for r, _ in pages if "attention" in r)
    checker.visit(base, route)
    checker.page.wait_for_function(_DRAWN, arg=1, timeout=DIAGRAM_TIMEOUT_MS)
    checker.page.evaluate(
        "() => { document.querySelector('.markdown-section .mermaid svg')"
        ".scrollIntoView({block: 'start'}); window.scrollBy(0, -40); }"
    )
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    checker.page.screenshot(path=str(ARTIFACTS / f"diagrams-{edition.code}.png"))


_FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "diagrams"
_BLOCK = re.compile(r"^```mermaid\n(.*?)^```", re.M | re.S)
# mermaid.parse throws on what mermaid would draw as an error graphic.
_PARSES = """
async (code) => {
  try { await mermaid.parse(code); return null; } catch (e) { return String(e.message || e); }
}
"""


def test_lint_verdicts_agree_with_mermaid(browser: object, node_modules: Path) -> None:
    """DGM001-003 cases are diagrams the pinned mermaid rejects; ok and DGM004 ones it draws."""
    page = browser.new_page()  # type: ignore[attr-defined]
    try:
        page.set_content("<html><body></body></html>")
        page.add_script_tag(path=str(node_modules / "mermaid" / "dist" / "mermaid.min.js"))
        page.evaluate("() => mermaid.initialize({ startOnLoad: false })")
        checked = 0
        for case in sorted(_FIXTURES.iterdir()):
            rejects = case.name[:6] in ("DGM001", "DGM002", "DGM003")
            text = (case / "README.md").read_text(encoding="utf-8")
            for code in _BLOCK.findall(text):
                error = page.evaluate(_PARSES, code)
                assert (error is not None) == rejects, f"{case.name}: {code!r}: {error}"
                checked += 1
        assert checked >= 8
    finally:
        page.close()
