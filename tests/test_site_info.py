"""Finding the site and reading its index.html: root, docsify version, math plugin, settings."""

from __future__ import annotations

from pathlib import Path

import pytest

from toolkit.cli import main
from toolkit.index_html import Unknown, read_index_html
from toolkit.site_info import read_site

DOCSIFY_KATEX_PAGE = """<!DOCTYPE html><html><body><div id="app"></div>
<script>
  // settings as real books write them
  window.$docsify = {
    name: '书', repo: "https://example.org/x",
    loadSidebar: true, subMaxLevel: 2, relativePath: true,
    alias: { '/.*/_sidebar.md': '/_sidebar.md' },
    plugins: [function (hook) { hook.doneEach(function () {}) }],
    count: { countable: true, fontsize: '0.9em' },
    basePath: base + '/docs/',
  };
</script>
<script src="//cdn.jsdelivr.net/npm/docsify@latest/lib/docsify.min.js"></script>
<script src="//cdn.jsdelivr.net/npm/docsify-katex@latest/dist/docsify-katex.js"></script>
<link rel="stylesheet" href="//cdn.jsdelivr.net/npm/katex@latest/dist/katex.min.css"/>
</body></html>
"""


def test_reads_docsify_settings_without_running_them() -> None:
    page = read_index_html(DOCSIFY_KATEX_PAGE)
    assert page.sets_up_docsify
    assert page.docsify["loadSidebar"] is True and page.docsify["subMaxLevel"] == 2
    assert page.docsify["alias"] == {"/.*/_sidebar.md": "/_sidebar.md"}
    assert page.docsify["count"] == {"countable": True, "fontsize": "0.9em"}
    assert isinstance(page.docsify["plugins"], list)
    assert isinstance(page.docsify["basePath"], Unknown)


@pytest.mark.parametrize(
    ("src", "major"),
    [
        ("//cdn.jsdelivr.net/npm/docsify@latest/lib/docsify.min.js", 4),
        ("//unpkg.com/docsify/lib/docsify.min.js", 4),
        ("https://cdn.jsdelivr.net/npm/docsify@4/lib/docsify.min.js", 4),
        ("https://cdn.jsdelivr.net/npm/docsify@5/dist/docsify.min.js", 5),
        ("https://cdn.jsdelivr.net/npm/docsify/dist/docsify.js", 5),
    ],
)
def test_docsify_major_comes_from_the_script_url(tmp_path: Path, src: str, major: int) -> None:
    (tmp_path / "index.html").write_text(f'<script src="{src}"></script>', encoding="utf-8")
    assert read_site(tmp_path, "test").docsify_version == major


def test_docsify_katex_renders_with_its_own_katex(tmp_path: Path) -> None:
    (tmp_path / "index.html").write_text(DOCSIFY_KATEX_PAGE, encoding="utf-8")
    info = read_site(tmp_path, "test")
    assert (info.math, info.katex_version) == ("docsify-katex", "0.11.1")
    assert info.relative_path and info.sidebar == "_sidebar.md" and info.sub_max_level == 2
    assert any("basePath" in note for note in info.notes)


def test_a_page_without_math_plugin_has_no_math(tmp_path: Path) -> None:
    (tmp_path / "index.html").write_text(
        '<script>window.$docsify = {}</script><script src="//unpkg.com/docsify"></script>',
        encoding="utf-8",
    )
    assert read_site(tmp_path, "test").math == "none"


def _book_in_docs(tmp_path: Path) -> Path:
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    (repo / "docs").mkdir()
    (repo / "docs" / "index.html").write_text(DOCSIFY_KATEX_PAGE, encoding="utf-8")
    (repo / "docs" / "README.md").write_text("# 书\n\n[第一章](ch1.md)\n", encoding="utf-8")
    (repo / "docs" / "ch1.md").write_text("# 第一章\n\n$x^2$\n", encoding="utf-8")
    # A broken link at the top: not part of the site, so `kb lint` alone never reads it.
    (repo / "README.md").write_text("# repo\n\n[site](docs/nowhere.md)\n", encoding="utf-8")
    return repo


def test_a_site_in_docs_is_found_and_linted_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(_book_in_docs(tmp_path))
    assert main(["lint", "--no-cache", "--verbose"]) == 0
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "site root: docs (discovered: docs/ holds the index.html" in captured.err
    assert main(["site"]) == 0
    assert "math plugin: docsify-katex" in capsys.readouterr().out


def test_kb_toml_sets_the_root_and_a_missing_root_is_an_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = _book_in_docs(tmp_path)
    monkeypatch.chdir(repo)
    (repo / "kb.toml").write_text('root = "book"\n', encoding="utf-8")
    assert main(["lint", "--no-cache"]) == 2
    assert "kb.toml: site root 'book' is not a folder" in capsys.readouterr().err
    (repo / "kb.toml").write_text('root = "docs"\nmath = "none"\n', encoding="utf-8")
    assert main(["site", "--format", "json"]) == 0
    assert '"math": "none"' in capsys.readouterr().out
    assert main(["lint", "--no-cache", "--root", "missing"]) == 2
    assert "--root: site root" in capsys.readouterr().err
    (repo / "kb.toml").write_text('rot = "docs"\n', encoding="utf-8")
    assert main(["site"]) == 2
    assert "kb.toml: unknown key 'rot'" in capsys.readouterr().err


def test_base_path_names_the_folder_of_the_pages(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    (repo / "index.html").write_text(
        "<script>window.$docsify = { basePath: 'docs/', loadSidebar: true }</script>\n"
        '<script src="//cdn.jsdelivr.net/npm/docsify@4"></script>\n',
        encoding="utf-8",
    )
    (repo / "docs").mkdir()
    (repo / "docs" / "README.md").write_text("# 书\n\n[一](ch1.md) [无](nope.md)\n", "utf-8")
    (repo / "docs" / "ch1.md").write_text("# 一\n", encoding="utf-8")
    (repo / "README.md").write_text("# repo\n\n[坏](nowhere.md)\n", encoding="utf-8")
    monkeypatch.chdir(repo)
    assert main(["site"]) == 0
    out = capsys.readouterr().out
    assert "site root: . (discovered: the repository root" in out
    assert "basePath: docs/ (pages in docs)" in out
    assert main(["lint", "--no-cache"]) == 1
    assert capsys.readouterr().out == (
        "docs/README.md:3:13: LNK001 page nope.md not found (link 'nope.md')\n"
    )


def test_settings_in_a_script_file_of_the_site_are_read(tmp_path: Path) -> None:
    (tmp_path / "js").mkdir()
    (tmp_path / "js" / "config.js").write_text(
        "window.$docsify = { relativePath: true, subMaxLevel: 2 };\n", encoding="utf-8"
    )
    (tmp_path / "index.html").write_text(
        '<script src="js/config.js"></script>\n'
        '<script src="//cdn.jsdelivr.net/npm/docsify@4/lib/docsify.min.js"></script>\n',
        encoding="utf-8",
    )
    info = read_site(tmp_path, "test")
    assert info.relative_path and info.sub_max_level == 2
