"""The mirror cache answers only for the exact inputs it was built from, and is safe to lose."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.translate.conftest import Kb
from toolkit import fileio


def _cache(project: Path) -> list[Path]:
    return sorted((project / ".cache").glob("translate-*.sqlite"))


def test_check_is_answered_from_the_cache_and_still_sees_a_glossary_change(
    project: Path, kb: Kb
) -> None:
    assert kb("translate", "--lang", "zh-Hant")[0] == 0
    assert len(_cache(project)) == 1
    assert kb("translate", "--lang", "zh-Hant", "--check")[:2] == (0, "")
    glossary = project / "i18n" / "glossary.toml"
    glossary.write_text(
        glossary.read_text(encoding="utf-8").replace(
            "[zh-Hant]\n", '[zh-Hant]\n"注意力" = "專注力"\n', 1
        )
        + "\n",
        encoding="utf-8",
    )
    status, out, _ = kb("translate", "--lang", "zh-Hant", "--check")
    assert status == 1 and "stale: the memory, the glossary or a linked heading changed" in out


def test_check_sees_an_edited_memory_entry(project: Path, kb: Kb) -> None:
    assert kb("translate", "--lang", "en")[0] == 0
    assert kb("translate", "--lang", "en", "--check")[:2] == (0, "")
    po = project / "i18n" / "po" / "en" / "基础" / "attention.po"
    text = po.read_text(encoding="utf-8")
    first = text.index('msgstr "', text.index("msgid", text.index("msgid") + 1))
    po.write_text(text[:first] + 'msgstr "Edited. ' + text[first + 8 :], encoding="utf-8")
    status, out, _ = kb("translate", "--lang", "en", "--check")
    assert status == 1 and "i18n/en/基础/attention.md: stale" in out


@pytest.mark.slow
def test_a_broken_or_missing_cache_changes_nothing(project: Path, kb: Kb) -> None:
    assert kb("translate", "--lang", "zh-Hant")[0] == 0
    mirror = project / "i18n" / "zh-Hant" / "基础" / "attention.md"
    mirror.write_text(mirror.read_text(encoding="utf-8") + "改了\n", encoding="utf-8")
    for path in _cache(project):
        path.write_bytes(b"not a database")
    status, out, _ = kb("translate", "--lang", "zh-Hant", "--check")
    assert status == 1 and "i18n/zh-Hant/基础/attention.md: stale" in out
    for path in _cache(project):
        os.unlink(path)
    status, out, _ = kb("translate", "--lang", "zh-Hant", "--check")
    assert status == 1 and "i18n/zh-Hant/基础/attention.md: stale" in out
    assert kb("translate", "--lang", "zh-Hant") == (
        0,
        "kb translate: zh-Hant: 1 written, 5 unchanged\n",
        "",
    )


def test_mirrors_are_written_without_fsync_and_memories_with_it(
    project: Path, kb: Kb, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A mirror is made again by the next run; the memory holds what a person may have
    reviewed, so only its writes wait for the disk."""
    synced: list[Path] = []

    def spy(fd: int) -> None:
        synced.append(Path(os.readlink(f"/proc/self/fd/{fd}")))
        real_fsync(fd)

    real_fsync = fileio._fsync
    monkeypatch.setattr(fileio, "_fsync", spy)
    assert kb("translate", "--lang", "en")[0] == 0
    mirrors = sorted((project / "i18n" / "en").rglob("*.md"))
    memories = sorted((project / "i18n" / "po" / "en").rglob("*.po"))
    assert mirrors and memories
    folders = {path.parent for path in synced}
    assert {path.parent for path in memories} <= folders
    assert not folders & {path.parent for path in mirrors}
