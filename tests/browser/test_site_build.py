"""`kb build-site` lays out the editions safely; `kb serve` serves them until Ctrl-C."""

from __future__ import annotations

import signal
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from tests.browser.conftest import REPO
from toolkit.cli import main
from toolkit.site_build import MARKER, serving


def _project(tmp_path: Path, *, mirrors: tuple[str, ...] = ()) -> Path:
    project = tmp_path / "project"
    book = project / "content"
    (book / "part").mkdir(parents=True)
    (book / "assets").mkdir()
    (book / "README.md").write_text("# 首页\n", encoding="utf-8")
    (book / "_sidebar.md").write_text("* [部分](/part/)\n", encoding="utf-8")
    (book / "_navbar.md").write_text("* [English](/en/#/ ':ignore')\n", encoding="utf-8")
    (book / "part" / "README.md").write_text("# 部分\n", encoding="utf-8")
    (book / "part" / "figure.png").write_bytes(b"\x89PNG")
    (book / "assets" / "katex-plugin.js").write_text("// plugin\n", encoding="utf-8")
    (book / ".hidden").write_text("not published\n", encoding="utf-8")
    (book / "index.html").write_bytes((REPO / "content" / "index.html").read_bytes())
    for lang in mirrors:
        mirror = project / "i18n" / lang
        (mirror / "part").mkdir(parents=True)
        (mirror / "README.md").write_text(f"# {lang}\n", encoding="utf-8")
        (mirror / "part" / "README.md").write_text(f"# {lang} part\n", encoding="utf-8")
        (mirror / "_navbar.md").write_text("* translated navbar\n", encoding="utf-8")
    (project / "pyproject.toml").write_text('[tool.kb]\nroot = "content"\n', encoding="utf-8")
    return project


def _build(project: Path, out: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    capsys.readouterr()
    status = main(["build-site", "--config", str(project / "pyproject.toml"), str(out)])
    return status, capsys.readouterr().err


def test_every_edition_gets_its_folder_index_and_the_shared_files(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = _project(tmp_path, mirrors=("zh-Hant", "en"))
    out = tmp_path / "site"
    status, err = _build(project, out, capsys)
    assert status == 0
    assert "note" not in err
    assert (out / MARKER).is_file() and (out / ".nojekyll").is_file()
    assert not (out / ".hidden").exists()
    assert (out / "part" / "figure.png").is_file()
    for folder, code, lang in (
        ("", "zh-Hans", "zh-CN"),
        ("zh-Hant", "zh-Hant", "zh-Hant"),
        ("en", "en", "en"),
    ):
        edition = out / folder
        html = (edition / "index.html").read_text(encoding="utf-8")
        assert f"var KB_EDITION = '{code}';" in html
        assert f'<html lang="{lang}">' in html
        # The language switch and the shell are the book's; pages are the edition's own.
        navbar = (edition / "_navbar.md").read_text(encoding="utf-8")
        assert navbar == "* [English](/en/#/ ':ignore')\n"
        assert (edition / "assets" / "katex-plugin.js").is_file()
        assert (edition / "part" / "figure.png").is_file()
    assert (out / "en" / "README.md").read_text(encoding="utf-8") == "# en\n"
    assert not (out / "en" / "_sidebar.md").exists()  # never borrowed from another language


def test_a_missing_mirror_is_left_out_and_named(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = _project(tmp_path, mirrors=("zh-Hant",))
    out = tmp_path / "site"
    status, err = _build(project, out, capsys)
    assert status == 0
    assert (out / "zh-Hant" / "index.html").is_file()
    assert not (out / "en").exists()
    assert "i18n/en does not exist" in err and "en edition" in err


def test_symlinks_out_of_the_repository_are_never_published(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = _project(tmp_path, mirrors=("en",))
    secret = tmp_path / "secret.txt"
    secret.write_text("private key\n", encoding="utf-8")
    book = project / "content"
    (book / "part" / "leak.png").symlink_to(secret)
    (book / "leak.md").symlink_to(secret)
    (book / "part" / "inside.png").symlink_to(book / "part" / "figure.png")  # stays inside
    out = tmp_path / "site"
    status, err = _build(project, out, capsys)
    assert status == 1
    assert err.count("outside the repository; not copied") == 2  # once each, though / and /en/
    assert "content/part/leak.png: symlink to" in err and "content/leak.md: symlink to" in err
    published = [p for p in out.rglob("*") if p.is_file()]
    assert all(b"private key" not in p.read_bytes() for p in published)
    assert (out / "part" / "inside.png").read_bytes() == b"\x89PNG"
    assert (out / "en" / "part" / "inside.png").read_bytes() == b"\x89PNG"


def test_a_folder_not_made_by_build_site_is_never_replaced(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = _project(tmp_path)
    out = tmp_path / "mine"
    out.mkdir()
    (out / "notes.txt").write_text("keep me\n", encoding="utf-8")
    status, err = _build(project, out, capsys)
    assert status == 2
    assert "refusing" in err
    assert sorted(p.name for p in out.iterdir()) == ["notes.txt"]


def test_an_earlier_build_is_replaced_and_an_empty_folder_used(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = _project(tmp_path)
    out = tmp_path / "site"
    out.mkdir()
    assert _build(project, out, capsys)[0] == 0
    (out / "stale.md").write_text("old\n", encoding="utf-8")
    (project / "content" / "new.md").write_text("# 新\n", encoding="utf-8")
    assert _build(project, out, capsys)[0] == 0
    assert not (out / "stale.md").exists()
    assert (out / "new.md").is_file()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".site")]


@pytest.mark.parametrize("where", ["content/site", "content", "."])
def test_output_inside_or_around_the_book_is_refused(
    where: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = _project(tmp_path)
    before = sorted(p.relative_to(project) for p in project.rglob("*"))
    status, err = _build(project, project / where, capsys)
    assert status == 2
    assert "book" in err
    assert sorted(p.relative_to(project) for p in project.rglob("*")) == before


def test_a_book_without_index_html_is_an_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = _project(tmp_path)
    (project / "content" / "index.html").unlink()
    status, err = _build(project, tmp_path / "site", capsys)
    assert status == 2
    assert "index.html: missing" in err


def test_serving_answers_on_loopback(tmp_path: Path) -> None:
    (tmp_path / "README.md").write_text("# 首页\n", encoding="utf-8")
    with serving(tmp_path) as url:
        assert url.startswith("http://127.0.0.1:")
        with urllib.request.urlopen(url + "README.md", timeout=10) as reply:
            assert reply.headers["Content-Type"] == "text/markdown; charset=utf-8"
            assert reply.read().decode("utf-8") == "# 首页\n"


@pytest.mark.slow
def test_kb_serve_prints_the_address_and_stops_cleanly_on_ctrl_c(tmp_path: Path) -> None:
    project = _project(tmp_path)
    process = subprocess.Popen(
        [sys.executable, "-m", "toolkit", "serve", "--port", "0"],
        cwd=project,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        assert line.startswith("Serving the book at http://127.0.0.1:"), line
        url = line.split()[4]
        with urllib.request.urlopen(url, timeout=10) as reply:
            assert "KB_EDITION = 'zh-Hans'" in reply.read().decode("utf-8")
        with urllib.request.urlopen(url + "_sidebar.md", timeout=10) as reply:
            assert reply.read().decode("utf-8") == "* [部分](/part/)\n"
        process.send_signal(signal.SIGINT)
        _, err = process.communicate(timeout=20)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode == 0, err
    assert "Traceback" not in err


def test_kb_serve_reports_a_taken_port(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    project = _project(tmp_path)
    with serving(project) as url:
        port = url.rsplit(":", 1)[1].rstrip("/")
        status = main(["serve", "--config", str(project / "pyproject.toml"), "--port", port])
    assert status == 2
    assert f"127.0.0.1:{port}: cannot listen" in capsys.readouterr().err
