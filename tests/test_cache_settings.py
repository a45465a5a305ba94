"""The heading cache holds ids and links as kb parsed and the site's router resolved them:
other routing settings, another math plugin or another kb start it afresh, or a hook run
would judge unchanged pages by where their links used to go."""

from __future__ import annotations

from pathlib import Path

import pytest

from toolkit.config import Config
from toolkit.heading_index import HeadingIndex, Row, Stamp
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


def test_a_cache_file_written_under_other_settings_is_not_read(tmp_path: Path) -> None:
    path = tmp_path / "headings.sqlite"
    stamp = Stamp("0" * 40, 1, 2, 3)
    written = HeadingIndex(path, 4, "kb parser-1 Router()")
    written.save({"a.md": Row(stamp, {}, (), ())}, {}, {"a.md"})
    written.close()
    for settings, known in [
        ("kb parser-1 Router()", {"a.md": stamp}),
        ("kb parser-2 Router()", {}),  # another kb
        ("docsify-katex parser-1 Router()", {}),  # another math plugin
        ("kb parser-1 Router(relative_path=True)", {}),  # other routing
    ]:
        index = HeadingIndex(path, 4, settings)
        assert index.stamps == known, settings
        index.close()
