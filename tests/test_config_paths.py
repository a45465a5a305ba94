"""One rule for "path relative to the project, then match globs": exclude, per-file-ignores, the
question index."""

from __future__ import annotations

from pathlib import Path

from toolkit.config import Config
from toolkit.questions_index import is_excluded
from toolkit.site import Site


def _project(tmp_path: Path) -> Config:
    (tmp_path / "content" / "sub").mkdir(parents=True)
    for name in ("content/a.md", "content/sub/b.md", "outside.md"):
        (tmp_path / name).write_text("# t\n", encoding="utf-8")
    return Config(
        project_root=tmp_path / "content" / "..",
        exclude=("content/sub/*",),
        per_file_ignores={"content/*.md": ("LNK",), "content/a.md": ("ANC001",)},
    )


def test_paths_are_relative_to_the_resolved_project_root(tmp_path: Path) -> None:
    config = _project(tmp_path)
    assert config.project_path(tmp_path / "content" / "sub" / "b.md") == "content/sub/b.md"
    assert config.project_path(Path("/elsewhere/x.md")) == "/elsewhere/x.md"


def test_a_symlink_is_matched_by_where_it_leads(tmp_path: Path) -> None:
    config = _project(tmp_path)
    (tmp_path / "content" / "link.md").symlink_to(tmp_path / "content" / "sub" / "b.md")
    assert config.is_excluded(tmp_path / "content" / "link.md")
    assert not config.is_excluded(tmp_path / "content" / "a.md")


def test_per_file_ignores_collect_every_matching_glob(tmp_path: Path) -> None:
    config = _project(tmp_path)
    assert config.ignored_codes(tmp_path / "content" / "a.md") == ("LNK", "ANC001")
    # fnmatch's `*` crosses folders
    assert config.ignored_codes(tmp_path / "content" / "sub" / "b.md") == ("LNK",)
    assert config.ignored_codes(tmp_path / "outside.md") == ()


def test_the_question_index_excludes_what_lint_excludes(tmp_path: Path) -> None:
    config = _project(tmp_path)
    site = Site.scan(tmp_path / "content")
    assert [rel for rel in site.pages() if is_excluded(site, rel, config)] == ["sub/b.md"]
