"""What `kb translate` reads: lines the parser skips, pages and images that lead elsewhere.

The rule: nothing is copied into a mirror silently untranslated; nothing outside the site root,
and no FIFO, is read. A refused page or image stops the run before anything is written.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.hostile.conftest import Kb, opened_outside, run_process, stamps

NESTED = "lists or quotes nested too deep for the Markdown parser"


def _deep_page(levels: int) -> str:
    """A paragraph, `levels` nested list items, then a paragraph (all Simplified Chinese)."""
    items = "".join("  " * i + f"- 这是第{i}层\n" for i in range(levels))
    return "# 深\n\n这是第一段。\n\n" + items + "\n这是最后一段。\n"


@pytest.mark.slow
def test_translate_names_lines_nested_too_deep_and_copies_them(project: Path, kb: Kb) -> None:
    source = _deep_page(30)
    (project / "content" / "deep.md").write_text(source, encoding="utf-8")
    message = (
        f"content/deep.md:14: {NESTED} (20 block levels, about 10 nested lists): "
        "lines 14-36 copied untranslated into i18n/zh-Hant/deep.md\n"
    )
    run = kb("translate", "--lang", "zh-Hant")
    assert (run.status, run.err) == (1, message)
    assert run.lines == ["kb translate: zh-Hant: 2 written, 0 unchanged"]
    mirror = (project / "i18n" / "zh-Hant" / "deep.md").read_text(encoding="utf-8")
    lines, source_lines = mirror.split("\n"), source.split("\n")
    # The nine levels the parser reads are converted; lines 14-36 are the source's own.
    assert lines[2] == "這是第一段。"
    assert lines[4:13] == ["  " * i + f"- 這是第{i}層" for i in range(9)]
    assert lines[13:36] == source_lines[13:36]
    assert lines[35] == "这是最后一段。"
    assert (project / "i18n" / "zh-Hant" / "README.md").is_file()  # the other pages as usual

    run = kb("translate", "--lang", "zh-Hant", "--check")
    assert (run.status, run.out, run.err) == (1, message, "")  # current, but not clean
    before = stamps(project / "i18n")
    run = kb("translate", "--lang", "zh-Hant")  # every run says it again
    assert (run.status, run.err) == (1, message)
    assert run.lines == ["kb translate: zh-Hant: 0 written, 2 unchanged"]
    assert stamps(project / "i18n") == before


@pytest.mark.slow
def test_translate_names_a_table_cell_it_cannot_place(project: Path, kb: Kb) -> None:
    # markdown-it trims an ideographic space at a cell's end, so the cell's text is not found
    # in the source as written: that cell is kept as written and the run says so.
    source = "# 表\n\n| 甲 | 乙 |\n|---|---|\n| 这是表格\u3000| 单元 |\n"
    (project / "content" / "table.md").write_text(source, encoding="utf-8")
    message = (
        "content/table.md:5: text on line(s) 5 not matched to its source, "
        "copied untranslated into i18n/zh-Hant/table.md\n"
    )
    run = kb("translate", "--lang", "zh-Hant")
    assert (run.status, run.err) == (1, message)
    mirror = (project / "i18n" / "zh-Hant" / "table.md").read_text(encoding="utf-8")
    assert mirror.split("\n")[4] == "| 这是表格\u3000| 單元 |"  # that cell as written
    assert "# 表" in mirror


def test_translate_nesting_just_inside_the_limit_is_clean(project: Path, kb: Kb) -> None:
    (project / "content" / "deep.md").write_text(_deep_page(9), encoding="utf-8")
    run = kb("translate", "--lang", "zh-Hant")
    assert (run.status, run.err) == (0, "")
    mirror = (project / "i18n" / "zh-Hant" / "deep.md").read_text(encoding="utf-8")
    assert "这" not in mirror
    assert kb("translate", "--lang", "zh-Hant", "--check").status == 0


@pytest.mark.slow
def test_translate_refuses_a_page_symlinked_out_of_the_site(
    project: Path, kb: Kb, outside: Path
) -> None:
    (project / "content" / "evil.md").symlink_to(outside)
    error = (
        f"kb: error: content/evil.md: symlink to {outside}, outside the site root; "
        "kb translate writes nothing\n"
    )
    for args in ([], ["--check"], ["--status"]):
        run = kb("translate", "--lang", "zh-Hant", *args)
        assert (run.status, run.out, run.err) == (2, "", error)
    assert not (project / "i18n" / "zh-Hant").exists()
    for args in ([], ["--check"]):
        assert opened_outside(project, "translate", "--lang", "zh-Hant", *args) == (2, [])


@pytest.mark.slow
def test_translate_never_reads_an_image_symlinked_out_of_the_site(
    project: Path, kb: Kb, outside: Path
) -> None:
    secret = outside.with_name("secret.png")
    secret.write_bytes(b"\x89PNG secret")
    (project / "content" / "pic.png").symlink_to(secret)
    page = project / "content" / "p.md"
    page.write_text("# 图\n\n![坏](pic.png)\n", encoding="utf-8")
    # Images are not copied into the mirrors (they keep the path): nothing to read, nothing
    # of the secret written anywhere.
    assert opened_outside(project, "translate", "--lang", "zh-Hant") == (0, [])
    mirrors = project / "i18n" / "zh-Hant"
    assert "![壞](pic.png)" in (mirrors / "p.md").read_text(encoding="utf-8")
    assert not (mirrors / "pic.png").exists()


@pytest.mark.slow
def test_translate_never_opens_a_fifo_image(project: Path) -> None:
    os.mkfifo(project / "content" / "fifo.png")
    (project / "content" / "p.md").write_text("# 图\n\n![管道](fifo.png)\n", encoding="utf-8")
    run = run_process(["translate", "--lang", "zh-Hant"], project, timeout=60)
    assert (run.status, run.err) == (0, "")
    assert not (project / "i18n" / "zh-Hant" / "fifo.png").exists()


@pytest.mark.slow
def test_translate_never_reads_a_fifo_in_place_of_a_mirror(project: Path) -> None:
    mirrors = project / "i18n" / "zh-Hant"
    mirrors.mkdir(parents=True)
    os.mkfifo(mirrors / "README.md")
    os.mkfifo(mirrors / "gone.md")  # where an orphan would be
    run = run_process(["translate", "--lang", "zh-Hant", "--check"], project, timeout=60)
    assert (run.status, run.err) == (1, "")
    assert run.lines == ["i18n/zh-Hant/README.md: missing (no mirror of content/README.md)"]
    run = run_process(["translate", "--lang", "zh-Hant", "--status"], project, timeout=60)
    assert run.status == 0 and run.lines[1].endswith("  yes")
    run = run_process(["translate", "--lang", "zh-Hant"], project, timeout=60)
    assert (run.status, run.lines) == (0, ["kb translate: zh-Hant: 1 written, 0 unchanged"])
    assert (mirrors / "README.md").is_file()  # the FIFO was replaced, never read
    assert (mirrors / "gone.md").is_fifo()  # not a mirror: left alone


@pytest.mark.slow
def test_translate_check_never_reads_a_mirror_symlinked_out(
    project: Path, kb: Kb, outside: Path
) -> None:
    mirrors = project / "i18n" / "zh-Hant"
    mirrors.mkdir(parents=True)
    (mirrors / "README.md").symlink_to(outside)
    error = (
        f"kb: error: i18n/zh-Hant/README.md: symlink to {outside}, outside the repository; "
        "kb translate writes nothing\n"
    )
    for args in (["--check"], ["--status"]):
        run = kb("translate", "--lang", "zh-Hant", *args)
        assert (run.status, run.out, run.err) == (2, "", error)
        assert opened_outside(project, "translate", "--lang", "zh-Hant", *args) == (2, [])
