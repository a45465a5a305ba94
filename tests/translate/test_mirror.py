"""Mirrors: lint like the source, anchors follow translated headings, --check, --status."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.translate.conftest import Kb, tree
from tests.translate.fakelibre import FakeLibre
from toolkit.document import read_document
from toolkit.errors import KbError
from toolkit.link_targets import replace_anchor
from toolkit.routes import docsify_route
from toolkit.slug import docsify_ids
from toolkit.translate.mirror import compare_skeletons, skeleton

LANGS = ("en", "zh-Hant")


@pytest.mark.slow
def test_mirrors_lint_clean_like_the_source(project: Path, kb: Kb) -> None:
    assert kb("translate")[0] == 0
    status, out, _ = kb("lint", "--no-cache", "content")
    assert (status, out) == (0, "")
    status, out, _ = kb("lint", "--no-cache", "i18n/en", "i18n/zh-Hant")
    assert (status, out) == (0, "")


def _heading_at(site: Path, page: str, anchor: str) -> int:
    doc = read_document(site / page)
    return docsify_ids([h.html for h in doc.headings]).index(anchor)


@pytest.mark.slow
@pytest.mark.parametrize("toc", ["_sidebar.md", "README.md", "基础/README.md"])
def test_every_toc_anchor_lands_on_the_translated_heading(project: Path, kb: Kb, toc: str) -> None:
    assert kb("translate")[0] == 0
    source_links = [link for link in read_document(project / "content" / toc).links]
    checked = 0
    for lang in LANGS:
        site = project / "i18n" / lang
        mirror_links = read_document(site / toc).links
        assert len(mirror_links) == len(source_links)
        for source, mirror in zip(source_links, mirror_links, strict=True):
            route = docsify_route(source.target, toc)
            if not route.anchor:
                continue
            page = route.path or toc
            index = _heading_at(project / "content", page, route.anchor)
            moved = docsify_route(mirror.target, toc)
            assert moved.path == route.path
            assert moved.anchor is not None
            assert _heading_at(site, page, moved.anchor) == index
            source_heading = read_document(project / "content" / page).headings[index]
            mirror_heading = read_document(site / page).headings[index]
            assert mirror_heading.line == source_heading.line
            checked += 1
    assert checked >= 4


def test_zh_hant_anchors_use_converted_ids(project: Path, kb: Kb) -> None:
    assert kb("translate", "--lang", "zh-Hant")[0] == 0
    sidebar = (project / "i18n" / "zh-Hant" / "_sidebar.md").read_text(encoding="utf-8")
    assert "[2.1 為什麼能省記憶體](/基础/attention.md?id=_21-為什麼能省記憶體)" in sidebar
    assert "(/基础/attention.md?id=faq)" in sidebar  # a custom id stays


@pytest.mark.slow
def test_check_reports_missing_and_stale_mirrors(project: Path, kb: Kb) -> None:
    status, out, _ = kb("translate", "--check")
    assert status == 1
    assert "i18n/en/README.md: missing (no mirror of content/README.md)" in out
    assert kb("translate")[0] == 0
    assert kb("translate", "--check")[:2] == (0, "")
    page = project / "content" / "微调" / "lora.md"
    page.write_text(page.read_text(encoding="utf-8") + "\n补充一句。\n", encoding="utf-8")
    status, out, _ = kb("translate", "--check", "--lang", "zh-Hant")
    assert status == 1
    assert out == "i18n/zh-Hant/微调/lora.md: stale: made from an older content/微调/lora.md\n"
    (project / "i18n" / "zh-Hant" / "_navbar.md").unlink()
    (project / "content" / "old.md").write_text("# 旧页\n", encoding="utf-8")
    assert kb("translate", "--lang", "zh-Hant")[0] == 0
    (project / "content" / "old.md").unlink()
    status, out, _ = kb("translate", "--check", "--lang", "zh-Hant")
    assert "i18n/zh-Hant/old.md: orphan: its source page no longer exists" in out


@pytest.mark.slow
def test_status_as_table_and_json(project: Path, kb: Kb, fake: FakeLibre) -> None:
    assert kb("translate", "--lang", "en", "content/_navbar.md")[0] == 0
    status, out, _ = kb("translate", "--status", "--format", "json")
    assert status == 0
    rows = {(r["page"], r["lang"]): r for r in json.loads(out)}
    assert rows[("_navbar.md", "en")] == {
        "page": "_navbar.md",
        "lang": "en",
        "segments": 2,
        "translated": 2,
        "reviewed": 0,
        "stale": False,
    }
    assert rows[("微调/lora.md", "en")]["stale"] is True
    assert rows[("微调/lora.md", "zh-Hant")]["reviewed"] == 0  # zh-Hant has a review state too
    status, out, _ = kb("translate", "--status")
    assert out.splitlines()[0].split() == [
        "page",
        "lang",
        "segments",
        "translated",
        "reviewed",
        "stale",
    ]


def test_a_structure_change_writes_nothing(project: Path, kb: Kb, fake: FakeLibre) -> None:
    assert kb("translate", "--lang", "en")[0] == 0
    po = project / "i18n" / "po" / "en" / "微调" / "lora.po"
    text = po.read_text(encoding="utf-8")
    edited = text.replace('msgstr "1. {{0}} principle"', 'msgstr "1. {{0}} `principle`"')
    assert edited != text
    po.write_text(edited, "utf-8")
    for mirror in (project / "i18n" / "en").rglob("*.md"):
        mirror.unlink()
    before = tree(project / "i18n")
    status, _, err = kb("translate")
    assert status == 2
    assert "does not keep the structure of" in err and "nothing was written" in err
    assert "i18n/en/微调/lora.md:5: " in err
    assert tree(project / "i18n") == before


def test_skeleton_names_the_line() -> None:
    with pytest.raises(KbError, match=r"^m.md:3: the mirror does not keep the structure of s.md:3"):
        compare_skeletons(skeleton("# a\n\n`x`\n"), skeleton("# b\n\n`y`\n"), "s.md", "m.md")


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("/a.md?id=旧", "/a.md?id=new"),
        ("/a?id=旧&x=1", "/a?id=new&x=1"),
        ("#/a?id=旧", "#/a?id=new"),
        ("/a.md#旧", "/a.md#new"),
        ("#旧", "#new"),
        ("/a.md?id=%E6%97%A7", "/a.md?id=new"),
        ("/a.md?id=other", "/a.md?id=other"),
    ],
)
def test_replace_anchor(target: str, expected: str) -> None:
    assert replace_anchor(target, "旧", "new") == expected
