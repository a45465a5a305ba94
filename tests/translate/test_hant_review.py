"""Reviewed Traditional Chinese: a page's zh-Hant memory wins over OpenCC and survives edits."""

from __future__ import annotations

import json
from pathlib import Path

import polib  # type: ignore[import-untyped]
import pytest

from tests.translate.conftest import Kb, sign

PAGE = """\
# 猫

第一段讲一只猫。

第二段讲另一只猫。
"""

REVIEWED = "第一段講一隻貓咪。"


def _setup(project: Path) -> tuple[Path, Path, Path]:
    (project / "i18n" / "zh-Hant.toml").write_text('[characters]\n"只" = "只"\n', "utf-8")
    page = project / "content" / "基础" / "猫.md"
    page.write_text(PAGE, encoding="utf-8")
    po = project / "i18n" / "po" / "zh-Hant" / "基础" / "猫.po"
    po.parent.mkdir(parents=True)
    po.touch()  # opting the page into review
    return page, po, project / "i18n" / "zh-Hant" / "基础" / "猫.md"


def _reviewed(kb: Kb) -> int:
    status, out, _ = kb("translate", "--lang", "zh-Hant", "--status", "--format", "json")
    assert status == 0
    (row,) = [r for r in json.loads(out) if r["page"] == "基础/猫.md"]
    return int(row["reviewed"])


@pytest.mark.slow
def test_an_opted_in_page_gets_fuzzy_drafts_and_reviewed_entries_win(project: Path, kb: Kb) -> None:
    page, po, mirror = _setup(project)
    kb("translate", "--lang", "zh-Hant")
    drafts = {e.msgid: e for e in polib.pofile(str(po))}
    assert drafts["第一段讲一只猫。"].msgstr == "第一段講一隻貓。"
    assert all("fuzzy" in e.flags for e in drafts.values())
    assert _reviewed(kb) == 0

    sign(po, "第一段讲一只猫。", REVIEWED)
    status, out, _ = kb("translate", "--lang", "zh-Hant", "--check")
    assert status == 1 and "stale" in out  # the memory changed: the mirror lags behind
    status, _, err = kb("translate", "--lang", "zh-Hant", "content/基础/猫.md")
    assert REVIEWED in mirror.read_text(encoding="utf-8")
    assert _reviewed(kb) == 1
    # The signed segment is not checked again; the unsigned one still is.
    assert "猫.md:3:" not in err and "猫.md:5: zh-Hant: 只 became 隻" in err

    # The page changes elsewhere: the reviewed text stays.
    page.write_text(PAGE.replace("第二段讲另一只猫。", "第二段讲另一条狗。"), encoding="utf-8")
    kb("translate", "--lang", "zh-Hant")
    text = mirror.read_text(encoding="utf-8")
    assert REVIEWED in text and "第二段講另一條狗。" in text
    assert _reviewed(kb) == 1

    # The reviewed sentence itself changes: the machine writes it, the review is kept aside.
    page.write_text(PAGE.replace("第一段讲一只猫。", "第一段讲两只猫。"), encoding="utf-8")
    kb("translate", "--lang", "zh-Hant")
    assert REVIEWED not in mirror.read_text(encoding="utf-8")
    obsolete = [e for e in polib.pofile(str(po)).obsolete_entries() if e.msgstr == REVIEWED]
    assert len(obsolete) == 1 and _reviewed(kb) == 0


@pytest.mark.slow
def test_a_reviewed_entry_that_breaks_a_placeholder_is_refused(project: Path, kb: Kb) -> None:
    page, po, mirror = _setup(project)
    page.write_text("# 猫\n\n用 `cat` 讲一只猫。\n", encoding="utf-8")
    kb("translate", "--lang", "zh-Hant")
    sign(po, "用 {{0}} 讲一只猫。", "講一隻貓。")
    status, _, err = kb("translate", "--lang", "zh-Hant", "content/基础/猫.md")
    assert status == 1
    assert "基础/猫.md:3: zh-Hant: reviewed entry not used: placeholder {{0}} lost" in err
    assert "用 `cat` 講一隻貓。" in mirror.read_text(encoding="utf-8")


def test_pages_without_a_memory_write_none(project: Path, kb: Kb) -> None:
    status, _, err = kb("translate", "--lang", "zh-Hant")
    assert status == 0, err
    assert not (project / "i18n" / "po" / "zh-Hant").exists()
