"""kb lint resolves each folder once: the same real path as `safe_resolve` for every page."""

from __future__ import annotations

from pathlib import Path

import pytest

from toolkit.config import Config
from toolkit.fileio import safe_resolve
from toolkit.lint import _Sites


@pytest.fixture
def tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    book = tmp_path / "book"
    (book / "a" / "b").mkdir(parents=True)
    (book / "a" / "b" / "x.md").write_text("# x\n", encoding="utf-8")
    (book / "top.md").write_text("# t\n", encoding="utf-8")
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "real.md").write_text("# r\n", encoding="utf-8")
    (book / "linked").symlink_to(book / "a")
    (book / "page.md").symlink_to(tmp_path / "elsewhere" / "real.md")
    (book / "a" / "up.md").symlink_to(Path("..") / "top.md")
    monkeypatch.chdir(book / "a")
    return book


@pytest.mark.parametrize(
    "name",
    [
        "book/a/b/x.md",
        "book/linked/b/x.md",
        "book/page.md",
        "book/a/up.md",
        "book/linked/up.md",
        "book/a/../top.md",
        "book/linked/../top.md",
        # relative to the current folder, book/a
        "b/x.md",
        "up.md",
        "../top.md",
        "../linked/b/x.md",
    ],
)
def test_resolve_is_safe_resolve(tree: Path, name: str) -> None:
    sites = _Sites(Config(project_root=tree.parent, root="book"), use_cache=False)
    path = tree.parent / name if name.startswith("book/") else Path(name)
    first = sites.resolve(path)
    assert first == safe_resolve(path)
    assert sites.resolve(path) == first  # the folder now comes from the run's table
