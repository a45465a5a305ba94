"""The English path end to end: deep-translator's LibreTranslator against a local fake server."""

from __future__ import annotations

from pathlib import Path

import polib  # type: ignore[import-untyped]
import pytest

from tests.translate.conftest import SECRET, Kb, sign, tree
from tests.translate.fakelibre import FakeLibre
from toolkit.translate.backends import Backend, BackendSettings, TranslationFailed
from toolkit.translate.english import needed
from toolkit.translate.glossary import load_glossary
from toolkit.translate.mirror import load_page

ATTENTION = Path("content/基础/attention.md")
OLD = "分组数 $g$ 太小会损失精度。"
NEW = "分组数 $g$ 太小会明显损失精度。"


def _translate(kb: Kb, *extra: str) -> tuple[int, str, str]:
    return kb("translate", "--lang", "en", *extra)


def _po(project: Path, page: str) -> polib.POFile:
    return polib.pofile(str(project / "i18n" / "po" / "en" / page))


def _segment_texts(project: Path, rel: str) -> list[str]:
    glossary = load_glossary(project / "i18n" / "glossary.toml")
    page = load_page(project / "content", rel, glossary.terms("en"))
    return [page.page.segments[i].text for i in needed(page, True)]


@pytest.mark.slow
def test_full_run_writes_mirrors_and_a_fuzzy_memory(project: Path, kb: Kb, fake: FakeLibre) -> None:
    status, out, err = _translate(kb)
    assert status == 0, err
    assert "6 written" in out  # six pages; the image they show is not copied
    expected = {
        t
        for rel in (
            "README.md",
            "_sidebar.md",
            "_navbar.md",
            "基础/README.md",
            "基础/attention.md",
            "微调/lora.md",
        )
        for t in _segment_texts(project, rel)
    }
    assert set(fake.texts) == expected
    assert len(fake.texts) == len(expected)  # a text shared by pages is sent once
    po = _po(project, "基础/attention.po")
    assert po and all("fuzzy" in entry.flags for entry in po)
    mirror = (project / "i18n" / "en" / "基础" / "attention.md").read_text(encoding="utf-8")
    assert "## 2. Grouped-query attention" in mirror  # the glossary's fixed rendering, capitalised
    assert "$\\operatorname{softmax}(QK^T/\\sqrt{d_k})V$" in mirror
    assert "    scores = q @ k.transpose(-2, -1) / math.sqrt(q.size(-1))\n" in mirror
    # Images are not copied: the mirror keeps the path, served from the book (kb build-site).
    assert not (project / "i18n" / "en" / "images").exists()


@pytest.mark.slow
def test_second_run_sends_nothing(project: Path, kb: Kb, fake: FakeLibre) -> None:
    assert _translate(kb)[0] == 0
    before = tree(project / "i18n")
    fake.texts.clear()
    status, out, _ = _translate(kb)
    assert status == 0
    assert fake.texts == []
    assert "0 written, 6 unchanged; 0 segments sent" in out
    assert tree(project / "i18n") == before


@pytest.mark.slow
def test_editing_one_paragraph_sends_exactly_its_segments(
    project: Path, kb: Kb, fake: FakeLibre
) -> None:
    assert _translate(kb)[0] == 0
    source = project / ATTENTION
    before = set(_segment_texts(project, "基础/attention.md"))
    source.write_text(source.read_text(encoding="utf-8").replace(OLD, NEW), encoding="utf-8")
    changed = set(_segment_texts(project, "基础/attention.md")) - before
    assert len(changed) == 1
    fake.texts.clear()
    status, out, err = _translate(kb)
    assert status == 0, err
    assert set(fake.texts) == changed and len(fake.texts) == 1
    assert "1 segments sent" in out
    msgids = {entry.msgid for entry in _po(project, "基础/attention.po")}
    assert changed <= msgids
    assert not any(OLD.replace("$g$", "{{0}}") in m for m in msgids)  # the old one is gone


def test_offline_lists_what_the_memory_lacks(project: Path, kb: Kb, fake: FakeLibre) -> None:
    status, out, err = _translate(kb, "--offline")
    assert status == 1
    assert fake.texts == []
    # (first met in the front matter's title, translated too)
    assert "基础/attention.md:2: en: no translation in the memory: '注意力机制'" in err
    assert not (project / "i18n" / "en").exists()


@pytest.mark.slow
def test_reviewed_entries_win_over_the_machine(project: Path, kb: Kb, fake: FakeLibre) -> None:
    assert _translate(kb)[0] == 0
    path = project / "i18n" / "po" / "en" / "基础" / "attention.po"
    sign(path, "注意力机制", "The attention mechanism")
    status, out, err = kb("translate", "--check")
    assert status == 1 and "i18n/en/基础/attention.md: stale" in out
    fake.texts.clear()
    status, _, err = _translate(kb)
    assert status == 0, err
    assert fake.texts == []
    mirror = (project / "i18n" / "en" / "基础" / "attention.md").read_text(encoding="utf-8")
    assert "# The attention mechanism\n" in mirror
    reviewed = _po(project, "基础/attention.po").find("注意力机制")
    assert reviewed.msgstr == "The attention mechanism" and "fuzzy" not in reviewed.flags


def _backend(fake: FakeLibre, waits: list[float]) -> Backend:
    """A LibreTranslate backend on the fake server that records its waits instead of sleeping."""
    settings = BackendSettings("libre", url=fake.url, timeout=0.3, retries=4, backoff=0.05)
    return Backend(settings, sleep=waits.append)


def test_429_waits_as_long_as_retry_after_says(fake: FakeLibre) -> None:
    waits: list[float] = []
    fake.plan.extend(["429"])
    assert _backend(fake, waits).translate("注意力") == "attention"
    assert waits == [1.0]  # Retry-After: 1


def test_500_timeouts_and_malformed_json_are_retried_with_a_doubling_backoff(
    fake: FakeLibre,
) -> None:
    waits: list[float] = []
    fake.plan.extend(["500", "hang", "malformed", "500"])
    assert _backend(fake, waits).translate("注意力") == "attention"
    assert waits == [0.05, 0.1, 0.2, 0.4]


def test_a_server_that_keeps_failing_is_given_up_on(fake: FakeLibre) -> None:
    waits: list[float] = []
    fake.plan.extend(["500"] * 10)
    with pytest.raises(TranslationFailed, match=r"HTTP 500\) \(gave up after 5 attempts\)"):
        _backend(fake, waits).translate("注意力")
    assert waits == [0.05, 0.1, 0.2, 0.4]
    assert len(fake.plan) == 5  # five requests, no more


def test_429_with_retry_after_is_honoured(
    project: Path, kb: Kb, fake: FakeLibre, waits: list[float]
) -> None:
    fake.plan.extend(["429"])
    status, _, err = _translate(kb, "content/_navbar.md")
    assert status == 0, err
    assert waits == [1.0]  # Retry-After: 1
    assert (project / "i18n" / "en" / "_navbar.md").is_file()


def test_a_server_that_keeps_failing_is_reported(
    project: Path, kb: Kb, fake: FakeLibre, waits: list[float]
) -> None:
    fake.plan.extend(["500"] * 40)
    status, out, err = _translate(kb, "content/_navbar.md")
    assert status == 1
    assert "server error (HTTP 500) (gave up after 4 attempts)" in err
    assert not (project / "i18n" / "en" / "_navbar.md").exists()
    # retries = 3, backoff = 0.05 in the project: a text waits 0.05, 0.1, then 0.2 s
    assert set(waits) == {0.05, 0.1, 0.2}


def test_a_dropped_placeholder_is_rejected_and_never_written(
    project: Path, kb: Kb, fake: FakeLibre
) -> None:
    fake.drop_placeholder_in = "除以"
    status, out, err = _translate(kb)
    assert status == 1
    assert "基础/attention.md:12: en: translation rejected: placeholder {{0}} lost" in err
    assert not (project / "i18n" / "en" / "基础" / "attention.md").exists()
    assert (project / "i18n" / "en" / "微调" / "lora.md").is_file()
    assert not any("除以" in e.msgid for e in _po(project, "基础/attention.po"))


def test_the_api_key_is_never_printed_or_written(
    project: Path, kb: Kb, fake: FakeLibre, waits: list[float]
) -> None:
    fake.plan.extend(["500"] * 40)
    outputs = _translate(kb, "content/_navbar.md")
    assert SECRET in fake.keys  # it did reach the server
    assert not any(SECRET in str(o) for o in outputs)
    assert not any(SECRET.encode() in data for data in tree(project).values())


def test_progress_bar_on_stderr(project: Path, kb: Kb) -> None:
    status, _, err = _translate(kb, "--progress", "content/_sidebar.md")
    assert status == 0
    assert "kb translate en: 1/" in err and "segments" in err
