"""`kb lint` end to end: exit codes, output formats, bad files, the heading cache."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

from toolkit.cli import main

SCHEMA = Path(__file__).resolve().parent / "schemas" / "sarif-2.1.0.json"


@pytest.fixture
def book(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A tiny project: pyproject with [tool.kb], a book in content/ with one broken anchor."""
    (tmp_path / "pyproject.toml").write_text('[tool.kb]\nroot = "content"\n', encoding="utf-8")
    content = tmp_path / "content"
    (content / "part").mkdir(parents=True)
    (content / "README.md").write_text(
        "# 首页\n\n* [部分](/part/)\n"
        "* [注意力](/part/a.md?id=_1注意力)\n"
        "* [坏](/part/a.md?id=nope)\n",
        encoding="utf-8",
    )
    (content / "part" / "README.md").write_text("# 部分\n\n[页](/part/a.md)\n", encoding="utf-8")
    (content / "part" / "a.md").write_text("# 页\n\n## 1.注意力\n\n正文。\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("KB_CACHE_DIR", str(tmp_path / ".cache"))
    return tmp_path


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    status = main(list(args))
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def test_clean_book_exits_0(book: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (book / "content" / "README.md").write_text("# 首页\n\n* [部分](/part/)\n", encoding="utf-8")
    assert _run(capsys, "lint") == (0, "", "")


def test_findings_exit_1_with_text_lines(book: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = _run(capsys, "lint")
    assert status == 1
    assert (
        out == "content/README.md:5:3: ANC001 anchor 'nope' not found in part/a.md (docsify ids)\n"
    )


def test_json_format(book: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = _run(capsys, "lint", "--format", "json")
    rows = json.loads(out)
    assert status == 1
    assert rows[0]["code"] == "ANC001" and rows[0]["name"] == "anchor-not-found"
    assert (rows[0]["line"], rows[0]["column"]) == (5, 3)


def test_github_format(book: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = _run(capsys, "lint", "--format", "github")
    assert out.startswith("::error file=content/README.md,line=5,col=3,title=ANC001::anchor 'nope'")


def test_sarif_validates_against_schema(book: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = _run(capsys, "lint", "--format", "sarif")
    log = json.loads(out)
    jsonschema.validate(log, json.loads(SCHEMA.read_text(encoding="utf-8")))
    result = log["runs"][0]["results"][0]
    assert result["ruleId"] == "ANC001"
    assert result["locations"][0]["physicalLocation"]["region"] == {
        "startLine": 5,
        "startColumn": 3,
    }


def test_select_and_ignore_by_prefix(book: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert _run(capsys, "lint", "--select", "LNK")[0] == 0
    assert _run(capsys, "lint", "--ignore", "ANC0")[0] == 0
    assert _run(capsys, "lint", "--select", "ANC001")[0] == 1


def test_config_select_and_per_file_ignores(book: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (book / "pyproject.toml").write_text(
        '[tool.kb]\nroot = "content"\n[tool.kb.per-file-ignores]\n"content/README.md" = ["ANC"]\n',
        encoding="utf-8",
    )
    assert _run(capsys, "lint")[0] == 0


def test_unknown_config_key_is_a_clear_error(
    book: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (book / "pyproject.toml").write_text('[tool.kb]\nselct = ["ANC"]\n', encoding="utf-8")
    status, _, err = _run(capsys, "lint")
    assert status == 2
    assert "unknown key 'selct'" in err and "pyproject.toml" in err


def test_statistics(book: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = _run(capsys, "lint", "--statistics")
    assert out.split() == ["1", "ANC001", "anchor-not-found", "[*]"] or "ANC001" in out


def test_fix_rewrites_atomically_and_keeps_mode(
    book: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    readme = book / "content" / "README.md"
    readme.write_text(
        "# 首页\r\n\r\n* [注意力](/part/a.md?id=_1注意力)\r\n* [部分](/part)\r\n", "utf-8"
    )
    readme.chmod(0o640)
    status, out, err = _run(capsys, "lint", "--fix")
    assert status == 1
    assert "fixed 1 problem in content/README.md" in err
    assert out == ""
    assert (
        readme.read_bytes()
        == "# 首页\r\n\r\n* [注意力](/part/a.md?id=_1注意力)\r\n* [部分](/part/)\r\n".encode()
    )
    assert readme.stat().st_mode & 0o777 == 0o640
    assert _run(capsys, "lint", "--fix")[0] == 0


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("latin1.md", "caf\xe9\n".encode("latin-1"), "latin1.md:1: not valid UTF-8"),
        ("binary.md", b"\x89PNG\x00\x00", "binary.md: binary file"),
        ("utf16.md", "# 标题\n".encode("utf-16"), "utf16.md:1: UTF-16 encoded"),
    ],
)
def test_bad_files_are_named_and_the_run_goes_on(
    book: Path, capsys: pytest.CaptureFixture[str], name: str, data: bytes, message: str
) -> None:
    (book / "content" / name).write_bytes(data)
    status, out, err = _run(capsys, "lint")
    assert status == 2
    assert message in err
    assert "ANC001" in out  # the other files were still checked


@pytest.mark.parametrize("kind", ["dangling", "loop"])
def test_unreadable_file(book: Path, capsys: pytest.CaptureFixture[str], kind: str) -> None:
    # Permission bits do not stop root (CI runs as root); broken links fail for everyone.
    link = book / "content" / "broken.md"
    if kind == "dangling":
        link.symlink_to(book / "content" / "nowhere.md")
    else:
        link.symlink_to(book / "content" / "loop.md")
        (book / "content" / "loop.md").symlink_to(link)
    status, out, err = _run(capsys, "lint", "content/broken.md", "content/README.md")
    assert status == 2 and "broken.md: cannot read" in err
    assert "ANC001" in out


def test_folder_named_like_markdown(book: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (book / "content" / "x.md").mkdir()
    status, _, err = _run(capsys, "lint", "content/x.md")
    assert status == 2 and "x.md: is a folder" in err


def test_missing_path(book: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, _, err = _run(capsys, "lint", "nope.md")
    assert status == 2 and "nope.md: no such file or folder" in err


def test_one_changed_file_still_checks_links_into_it(
    book: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _run(capsys, "lint", "--select", "ANC001", "--ignore", "ANC001")[0] == 0  # warm cache
    page = book / "content" / "part" / "a.md"
    page.write_text("# 页\n\n## 2.改名了\n", encoding="utf-8")
    status, out, _ = _run(capsys, "lint", "content/part/a.md")
    assert status == 1
    assert "content/README.md:4:3: ANC001 anchor '_1注意力' not found" in out


def test_deleted_page_is_noticed_through_the_cache(
    book: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _run(capsys, "lint")
    (book / "content" / "part" / "a.md").unlink()
    status, out, _ = _run(capsys, "lint", "content/part/README.md")
    assert status == 1
    assert "content/README.md:4:3: LNK001 page part/a.md not found" in out


def test_explain(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = _run(capsys, "lint", "--explain", "ANC001")
    assert status == 0 and out.startswith("## ANC001 anchor-not-found")
    assert _run(capsys, "lint", "--explain", "folder-link-without-slash")[1].startswith("## LNK002")
    assert _run(capsys, "lint", "--explain", "XYZ999")[0] == 2


def test_help_and_usage_errors(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["lint", "--format", "xml"])
    assert exit_info.value.code == 2
    with pytest.raises(SystemExit) as exit_info:
        main(["lint", "--help"])
    assert exit_info.value.code == 0
    assert "exit status" in capsys.readouterr().out


@pytest.mark.slow
def test_python_m_toolkit_and_console_script(book: Path) -> None:
    for command in ([sys.executable, "-m", "toolkit"], [str(Path(sys.executable).with_name("kb"))]):
        done = subprocess.run([*command, "lint"], capture_output=True, text=True, timeout=60)
        assert done.returncode == 1
        assert "ANC001" in done.stdout


def test_one_changed_file_leaves_unrelated_pages_alone(
    book: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    readme = book / "content" / "README.md"
    readme.write_text("# 首页\n\n* [注意力](/part/a.md?id=_1注意力)\n* [坏](/none.md)\n", "utf-8")
    _run(capsys, "lint")  # warm cache; README has a broken link of its own, not into a.md
    page = book / "content" / "part" / "a.md"
    page.write_text("# 页\n\n## 1.注意力\n\n改过的正文。\n", encoding="utf-8")
    # a.md's ids did not change: README's own old problem is not this change's business.
    assert _run(capsys, "lint", "content/part/a.md") == (0, "", "")


def test_an_edit_that_keeps_size_and_mtime_is_still_seen(
    book: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    page = book / "content" / "part" / "a.md"
    before = page.stat()
    _run(capsys, "lint")
    # Same size, same mtime, different heading, within seconds of the cache write (git's
    # "racy" case): the index must hash the file again rather than trust its stat.
    page.write_text("# 页\n\n## 9.注意力\n\n正文。\n", encoding="utf-8")
    os.utime(page, ns=(before.st_atime_ns, before.st_mtime_ns))
    status, out, _ = _run(capsys, "lint", "content/README.md")
    assert "content/README.md:4:3: ANC001 anchor '_1注意力' not found" in out
    assert status == 1


def test_a_broken_answer_link_is_one_finding(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # QST009 names the place the book answers the question; ANC001/LNK001 there would repeat it.
    case = Path(__file__).parent / "fixtures" / "questions" / "QST009_unresolved_link"
    shutil.copytree(case, tmp_path / "book")
    monkeypatch.chdir(tmp_path / "book")
    capsys.readouterr()
    main(["lint", "--no-cache", "大模型面试题"])
    out = capsys.readouterr().out.splitlines()
    places = [line.split(" ")[0] for line in out]
    assert len(places) == len(set(places)), out
    assert {line.split(" ")[1] for line in out} == {"QST009"}
