"""The corpus harness (scripts/corpus.py) on a small book with known defects finds exactly those."""

from __future__ import annotations

import importlib.util
import json
import shutil
import sys
from pathlib import Path

import pytest

from tests.browser.conftest import REPO

BOOK = REPO / "tests" / "fixtures" / "corpus" / "book"


def _harness() -> object:
    spec = importlib.util.spec_from_file_location("corpus", REPO / "scripts" / "corpus.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["corpus"] = module
    spec.loader.exec_module(module)
    return module


@pytest.mark.browser
@pytest.mark.slow
def test_the_harness_finds_exactly_the_planted_defects(
    chromium: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Outside the repository, so that kb sees a book with no configuration, as a new user would.
    book = tmp_path / "book"
    shutil.copytree(BOOK, book)
    monkeypatch.setenv("KB", f"{sys.executable} -m toolkit")
    results = tmp_path / "results"
    harness = _harness()
    assert harness.main([str(book), "--results", str(results)]) == 0  # type: ignore[attr-defined]
    detail = json.loads((results / "book.json").read_text(encoding="utf-8"))
    assert detail["site_root"] == "docs"
    assert detail["docsify_major"] == 4
    assert detail["packages"] == {"docsify": "4.13.1", "docsify-katex": "1.4.3"}
    assert detail["unservable_assets"] == []
    assert detail["seen"]["pages"] == 2
    found = sorted((d["page"], d["kind"], d["target"]) for d in detail["defects"])
    assert found == [
        ("README.md", "anchor-missing", "没有这一节"),
        ("README.md", "link-404", "missing"),
        ("ch1/intro.md", "image-broken", "missing.png"),
        ("ch1/intro.md", "math-error", "\\frac{1}"),
    ]
    math = next(d for d in detail["defects"] if d["kind"] == "math-error")
    assert math["lines"] == [11, 11]
    assert "KaTeX parse error" in math["detail"]
    summary = detail["summary"]
    assert summary["defects"] == 4
    assert summary["findings"] == len(detail["findings"])
