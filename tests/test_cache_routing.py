"""The heading cache holds links as the site's router resolved them: new routing settings in
index.html start it afresh, or a hook run would judge unchanged pages by where links used to go."""

from __future__ import annotations

from pathlib import Path

import pytest

from toolkit.config import Config
from toolkit.lint import Options, lint

DOCSIFY = '<script src="//cdn.jsdelivr.net/npm/docsify@4"></script>\n'


def _index(book: Path, alias_target: str) -> None:
    settings = f"window.$docsify = {{ alias: {{ '/guide': '/{alias_target}' }} }}"
    (book / "index.html").write_text(f"<script>{settings}</script>\n{DOCSIFY}", encoding="utf-8")


def _findings(project: Path, *paths: Path) -> list[tuple[str, int, str]]:
    result = lint(list(paths), Config(project_root=project, root="book"), Options())
    assert not result.errors
    return [(Path(f.path).name, f.line, f.code) for f in result.findings]


def test_a_hook_run_after_an_alias_change_checks_links_by_the_new_alias(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KB_CACHE_DIR", str(tmp_path / "cache"))
    book = tmp_path / "book"
    book.mkdir()
    _index(book, "c")
    (book / "a.md").write_text("# A\n\n[x](/guide?id=intro)\n", encoding="utf-8")
    (book / "b.md").write_text("# B\n\n## intro\n", encoding="utf-8")
    (book / "c.md").write_text("# C\n\n## intro\n", encoding="utf-8")
    assert _findings(tmp_path, book) == []
    # One commit: /guide now leads to b.md, whose heading `intro` goes. The hook gets b.md only.
    _index(book, "b")
    (book / "b.md").write_text("# B\n\n## other\n", encoding="utf-8")
    assert _findings(tmp_path, book / "b.md") == [("a.md", 3, "ANC001")]
