"""What `kb translate` reads: lines the Markdown parser skips are never copied silently."""

from __future__ import annotations

from pathlib import Path

from tests.hostile.conftest import Kb, stamps

NESTED = "lists or quotes nested too deep for the Markdown parser"


def _deep_page(levels: int) -> str:
    """A paragraph, `levels` nested list items, then a paragraph (all Simplified Chinese)."""
    items = "".join("  " * i + f"- 这是第{i}层\n" for i in range(levels))
    return "# 深\n\n这是第一段。\n\n" + items + "\n这是最后一段。\n"


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


def test_translate_nesting_just_inside_the_limit_is_clean(project: Path, kb: Kb) -> None:
    (project / "content" / "deep.md").write_text(_deep_page(9), encoding="utf-8")
    run = kb("translate", "--lang", "zh-Hant")
    assert (run.status, run.err) == (0, "")
    mirror = (project / "i18n" / "zh-Hant" / "deep.md").read_text(encoding="utf-8")
    assert "这" not in mirror
    assert kb("translate", "--lang", "zh-Hant", "--check").status == 0
