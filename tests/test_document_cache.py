"""Parsed pages kept between runs: read back exactly as parsed, and only for the same bytes,
math plugin and parser."""

from __future__ import annotations

import sqlite3
from dataclasses import fields
from pathlib import Path

import pytest

from toolkit import site
from toolkit.config import Config
from toolkit.document import Document, parse
from toolkit.document_cache import _ROWS, dump_document, load_document
from toolkit.lint import Options, lint
from toolkit.site import default_cache_path

FIXTURES = Path(__file__).parent / "fixtures"
PAGES = sorted(FIXTURES.rglob("*.md"))


@pytest.mark.parametrize("math", ["kb", "docsify-katex", "none"])
def test_every_fixture_page_reads_back_as_it_was_parsed(math: str) -> None:
    assert len(PAGES) > 100
    for page in PAGES:
        text = page.read_text(encoding="utf-8")
        doc = parse(text, page, math)
        assert load_document(dump_document(doc), text, page, math) == doc, page


def test_lines_nested_too_deep_are_still_named_after_a_read_back() -> None:
    text = "".join("  " * depth + "- x\n" for depth in range(40)) + "\n[a](b.md)\n"
    doc = parse(text, Path("deep.md"))
    assert doc.unparsed is not None
    assert load_document(dump_document(doc), text, Path("deep.md"), "kb") == doc


def test_every_document_field_is_stored_or_given_by_the_page() -> None:
    given = {"path", "text", "math", "line_starts"}
    stored = {*_ROWS, "list_items", "unparsed"}
    assert {f.name for f in fields(Document)} == given | stored


def test_a_damaged_entry_reads_as_none() -> None:
    for body in ("", "{", "[]", '{"headings": [[1]]}', '{"headings": 3}'):
        assert load_document(body, "# x\n", Path("x.md"), "kb") is None


# --- in a lint run ---------------------------------------------------------------------------


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "book").mkdir()
    (tmp_path / "book" / "a.md").write_text("# A\n\n见 [B](b.md)。\n", encoding="utf-8")
    (tmp_path / "book" / "b.md").write_text("# B\n\n正文。\n", encoding="utf-8")
    monkeypatch.setenv("KB_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path


def _codes(project: Path, use_cache: bool = True) -> list[str]:
    config = Config(project_root=project, root="book")
    result = lint([project / "book"], config, Options(use_cache=use_cache))
    assert not result.errors
    return [f"{f.path.rsplit('/', 1)[-1]}:{f.line}:{f.code}" for f in result.findings]


def _database(project: Path) -> sqlite3.Connection:
    return sqlite3.connect(default_cache_path(project / "book"), isolation_level=None)


def _store_as_if(project: Path, rel: str, text: str) -> None:
    """Replace a page's stored Document by that of other text (its key left as it was)."""
    body = dump_document(parse(text, Path(rel)))
    with _database(project) as db:
        assert db.execute("UPDATE documents SET body = ? WHERE rel = ?", (body, rel)).rowcount


A_WITH_A_BROKEN_LINK = "# A\n\n见 [B](b.md)。\n\n[gone](gone.md)\n"


def test_a_second_run_reads_each_page_back_instead_of_parsing_it(project: Path) -> None:
    assert _codes(project) == []
    with _database(project) as db:
        assert sorted(r for (r,) in db.execute("SELECT rel FROM documents")) == ["a.md", "b.md"]
    # What a second run knows of a.md comes from the stored Document, not from the file:
    _store_as_if(project, "a.md", A_WITH_A_BROKEN_LINK)
    assert _codes(project) == ["a.md:5:LNK001"]


def test_a_stored_document_is_not_used_for_other_bytes(project: Path) -> None:
    _codes(project)
    _store_as_if(project, "a.md", A_WITH_A_BROKEN_LINK)
    (project / "book" / "a.md").write_text("# A\n\n见 [B](b.md)。\n\n", encoding="utf-8")
    assert _codes(project) == []


def test_a_stored_document_is_not_used_by_another_kb(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _codes(project)
    _store_as_if(project, "a.md", A_WITH_A_BROKEN_LINK)
    monkeypatch.setattr(site, "parser_fingerprint", lambda: "another kb")
    assert _codes(project) == []
    with _database(project) as db:  # and the run stored the page's own Document again
        (body,) = db.execute("SELECT body FROM documents WHERE rel = 'a.md'").fetchone()
    assert "gone.md" not in body


def test_a_damaged_stored_document_only_costs_a_parse(project: Path) -> None:
    _codes(project)
    with _database(project) as db:
        db.execute("UPDATE documents SET body = '{not json'")
    (project / "book" / "b.md").write_text("# B\n\n[x](missing.md)\n", encoding="utf-8")
    assert _codes(project) == ["b.md:3:LNK001"]


def test_without_the_cache_nothing_is_stored(project: Path) -> None:
    assert _codes(project, use_cache=False) == []
    assert not default_cache_path(project / "book").exists()
