"""Bytes that are not UTF-8 Markdown, BOMs and every line-end style."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.hostile.conftest import README_FINDING, Kb, stamps

# (file name, bytes, the exact error after `kb: error: content/`)
BAD_BYTES = [
    ("latin1.md", b"# T\n\ncaf\xe9\n", "latin1.md:3: not valid UTF-8 (byte 0xe9)"),
    ("cut.md", "# 注意力".encode()[:-1], "cut.md:1: not valid UTF-8 (byte 0xe5)"),
    ("surrogate.md", b"# a\n\n\n\xed\xa0\x80\n", "surrogate.md:4: not valid UTF-8 (byte 0xed)"),
    ("overlong.md", b"# \xc0\xaf\n", "overlong.md:1: not valid UTF-8 (byte 0xc0)"),
    (
        "utf16le.md",
        "\ufeff# 标题\n".encode("utf-16-le"),
        "utf16le.md:1: UTF-16 encoded; save it as UTF-8",
    ),
    (
        "utf16be.md",
        "\ufeff# 标题\n".encode("utf-16-be"),
        "utf16be.md:1: UTF-16 encoded; save it as UTF-8",
    ),
    (
        "utf16.md",
        "# title\n".encode("utf-16-le"),
        "utf16.md: binary file (contains NUL bytes), not Markdown",
    ),
    ("nul.md", b"# T\n\nok\x00\n", "nul.md: binary file (contains NUL bytes), not Markdown"),
    (
        "png.md",
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
        "png.md: binary file (contains NUL bytes), not Markdown",
    ),
]


@pytest.mark.parametrize(("name", "data", "message"), BAD_BYTES, ids=[b[0] for b in BAD_BYTES])
@pytest.mark.parametrize("fix", [False, True], ids=["lint", "fix"])
def test_undecodable_file_is_named_and_the_rest_is_checked(
    project: Path, kb: Kb, name: str, data: bytes, message: str, fix: bool
) -> None:
    (project / "content" / name).write_bytes(data)
    before = stamps(project)
    run = kb("lint", *(["--fix"] if fix else []))
    assert run.status == 2
    assert run.err.splitlines() == [f"kb: error: content/{message}"]
    assert run.lines == [README_FINDING]
    assert stamps(project) == before


def test_utf8_bom_is_kept_by_fix(project: Path, kb: Kb) -> None:
    page = project / "content" / "bom.md"
    page.write_bytes("\ufeff# 页\n\n[目录](/README.md?id=目錄)\n[部分](/part)\n".encode())
    (project / "content" / "part").mkdir()
    (project / "content" / "part" / "README.md").write_text("# 部分\n", encoding="utf-8")
    run = kb("lint", "--fix", "content/bom.md")
    assert run.status == 1
    assert "fixed 1 problem in content/bom.md" in run.err
    assert (
        page.read_bytes() == "\ufeff# 页\n\n[目录](/README.md?id=目錄)\n[部分](/part/)\n".encode()
    )
    assert run.lines == [
        "content/bom.md:3:1: ANC001 anchor '目錄' not found in README.md (docsify ids)"
    ]


LINE_ENDS = {"crlf": "\r\n", "cr": "\r", "lf": "\n"}


@pytest.mark.parametrize("style", LINE_ENDS, ids=list(LINE_ENDS))
def test_line_ends_count_lines_and_survive_fix(project: Path, kb: Kb, style: str) -> None:
    end = LINE_ENDS[style]
    (project / "content" / "part").mkdir()
    (project / "content" / "part" / "README.md").write_text("# 部分\n", encoding="utf-8")
    lines = ["# 页", "", "[坏](/README.md?id=nope)", "", "[部分](/part) $x^2$", ""]
    page = project / "content" / "page.md"
    page.write_bytes(end.join(lines).encode())
    run = kb("lint", "content/page.md")
    assert run.status == 1
    assert run.lines == [
        "content/page.md:3:1: ANC001 anchor 'nope' not found in README.md (docsify ids)",
        "content/page.md:5:1: LNK002 '/part' names part.md, which does not exist; "
        "the folder needs a trailing slash to show part/README.md",
    ]
    run = kb("lint", "--fix", "content/page.md")
    assert run.status == 1
    lines[4] = "[部分](/part/) $x^2$"
    assert page.read_bytes() == end.join(lines).encode()
    assert run.lines == [
        "content/page.md:3:1: ANC001 anchor 'nope' not found in README.md (docsify ids)"
    ]
    before = stamps(project)
    assert kb("lint", "--fix", "content/page.md").status == 1  # only the unfixable finding
    assert stamps(project) == before


def test_mixed_line_ends_are_reported_not_fixed(project: Path, kb: Kb) -> None:
    (project / "content" / "part").mkdir()
    (project / "content" / "part" / "README.md").write_text("# 部分\n", encoding="utf-8")
    page = project / "content" / "mixed.md"
    page.write_bytes(b"# T\r\n\r[p](/part)\n")
    before = stamps(project)
    run = kb("lint", "--fix", "content/mixed.md")
    assert run.status == 2
    assert run.err.splitlines() == [
        "kb: error: content/mixed.md: mixes line-end styles; not fixed (normalise line ends first)"
    ]
    assert run.lines == [
        "content/mixed.md:3:1: LNK002 '/part' names part.md, which does not exist; "
        "the folder needs a trailing slash to show part/README.md"
    ]
    assert stamps(project) == before


CONTROL = (
    "".join(chr(c) for c in range(1, 32) if c not in (10, 13))
    + "\x7f\u2028\u2029\x85\ufffe\U0010ffff"
)


def test_control_and_odd_code_points_are_text(project: Path, kb: Kb) -> None:
    (project / "content" / "odd.md").write_text(f"# {CONTROL}\n\n{CONTROL * 100}\n", "utf-8")
    run = kb("lint")
    assert (run.status, run.lines, run.err) == (1, [README_FINDING], "")


def test_columns_next_to_control_characters_and_tab_indents(project: Path, kb: Kb) -> None:
    # Columns count code points; markdown-it turns a tab in a continuation line's indent into
    # spaces, which once shifted every position on that line (and so lost its --fix).
    lines = [
        "# T",
        "",
        "## Part",
        "\x01\x0b\x0c[a](#nope1)",
        "- 项",
        "\t[b](#nope2)",
        "- 项",
        " \t\x1f[c](#par_t)",
        "1. 项",
        "\t\t[d](#nope4)",
        "",
        "> 引",
        ">\t\x0c[e](#nope5)",
        "",
    ]
    page = project / "content" / "ctl.md"
    page.write_text("\n".join(lines), encoding="utf-8")
    found = "not found in this page (docsify ids)"
    expected = [
        f"content/ctl.md:4:4: ANC001 anchor 'nope1' {found}",
        f"content/ctl.md:6:2: ANC001 anchor 'nope2' {found}",
        f"content/ctl.md:8:4: ANC001 anchor 'par_t' {found}; did you mean 'part'?",
        f"content/ctl.md:10:3: ANC001 anchor 'nope4' {found}",
        f"content/ctl.md:13:4: ANC001 anchor 'nope5' {found}",
    ]
    run = kb("lint", "content/ctl.md")
    assert (run.status, run.lines, run.err) == (1, expected, "")
    for finding in expected:
        line, column = (int(n) for n in finding.split(":")[1:3])
        assert lines[line - 1][column - 1] == "["
    run = kb("lint", "--fix", "content/ctl.md")
    assert (run.status, run.err) == (1, "fixed 1 problem in content/ctl.md\n")
    lines[7] = " \t\x1f[c](#part)"
    assert page.read_text(encoding="utf-8") == "\n".join(lines)
