"""The whole zh-Hant edition, regenerated with the real OpenCC and checked (issues #20, #16)."""

from __future__ import annotations

import re
import shutil
from collections import Counter
from pathlib import Path

import pytest

from tests.translate.conftest import Kb
from toolkit.site import iter_markdown
from toolkit.translate.glossary import load_glossary
from toolkit.translate.hant_check import HantReport
from toolkit.translate.hant_edition import HantEdition, hant_edition
from toolkit.translate.hant_table import load_hant_table
from toolkit.translate.mirror import SourcePage, load_page
from toolkit.translate.segment import PLACEHOLDER

# The module's book fixture converts the whole book (about 15 s on a loaded machine).
pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[2]
Book = tuple[list[SourcePage], HantEdition, HantReport]
GLOSSARY = REPO / "i18n" / "glossary.toml"

# What the Taiwan reviewer of issue #20 found, and #16's over-conversions: none may remain in
# prose, headings, link texts, alt texts or link titles.
WRONG = [
    "隻", "賬", "復雜", "復制", "迴復", "舍入", "采", "幹淨", "麵試", "壓縮排", "線上性", "推匯出",
    "方差", "掩碼", "噪聲", "訪存", "標量", "蒙特卡洛", "反饋", "批處理", "視訊記憶體", "智慧體",
    "區域性", "全域性", "運算元", "回撥", "計數里", "擴充套件", "解除安裝", "許可權", "介面卡",
]  # fmt: skip


@pytest.fixture(scope="module")
def book() -> Book:
    glossary = load_glossary(GLOSSARY)
    root = REPO / "content"
    rels = sorted(p.relative_to(root).as_posix() for p in iter_markdown([root]))
    pages = [load_page(root, rel, glossary.terms("zh-Hant")) for rel in rels]
    edition = hant_edition("s2twp", glossary, GLOSSARY)
    return pages, edition, edition.check(pages)


def _prose(edition: HantEdition, code: bool = True) -> str:
    """The edition's converted segments (code comments too unless `code` is False)."""
    return "\n".join(
        PLACEHOLDER.sub(" ", text) for (_, prose), text in edition.texts.items() if prose or code
    )


def test_every_character_term_and_quote_is_vouched_for(book: Book) -> None:
    _, _, report = book
    assert report.findings == []


@pytest.mark.parametrize("wrong", WRONG)
def test_no_wrong_form_left_in_prose(book: tuple, wrong: str) -> None:  # type: ignore[type-arg]
    _, edition, _ = book
    assert _prose(edition).count(wrong) == 0


def test_no_curly_quotes_in_prose(book: Book) -> None:
    _, edition, _ = book
    assert re.findall("[“”‘’]", _prose(edition, code=False)) == []


def test_overridden_twphrases_never_fire_and_kept_ones_are_audited(book: Book) -> None:
    _, _, report = book
    table = load_hant_table(REPO / "i18n" / "zh-Hant.toml", "i18n/zh-Hant.toml")
    fired = Counter({key: n for (key, _), n in report.twphrases.items()})
    assert {k for k in fired if not table.twphrases[k].kept} == set()
    assert set(fired) <= set(table.twphrases)


def test_the_audit_lists_every_twphrases_conversion_of_bare_s2twp(book: Book) -> None:
    """The audit is of what OpenCC alone does to the book: each such conversion is decided."""
    pages, _, _ = book
    glossary = load_glossary(GLOSSARY)
    table = load_hant_table(REPO / "i18n" / "zh-Hant.toml", "i18n/zh-Hant.toml")
    bare = hant_edition("s2twp", glossary, REPO / "no-table" / "glossary.toml")
    bare.table = table  # check against the table, convert without it
    report = bare.check(pages)
    missing = {key for key, _ in report.twphrases} - set(table.twphrases)
    assert missing == set()


def test_regenerated_edition_is_lint_clean_and_equals_the_committed_one(
    tmp_path: Path, kb: Kb, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("content", "i18n"):
        shutil.copytree(REPO / name, tmp_path / name, ignore=shutil.ignore_patterns("zh-Hant"))
    shutil.copy(REPO / "pyproject.toml", tmp_path / "pyproject.toml")
    monkeypatch.chdir(tmp_path)
    status, _, err = kb("translate", "--lang", "zh-Hant", "--offline")
    assert status == 0, err
    status, out, _ = kb("lint", "i18n/zh-Hant")
    assert status == 0, out
    mirrors = tmp_path / "i18n" / "zh-Hant"
    for path in mirrors.rglob("*.md"):
        committed = REPO / "i18n" / "zh-Hant" / path.relative_to(mirrors)
        assert path.read_bytes() == committed.read_bytes(), path
