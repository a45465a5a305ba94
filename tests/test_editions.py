"""The committed English and Traditional Chinese editions: complete, reviewed, clean, reproduced."""

from __future__ import annotations

import json
import re
import shutil
import tomllib
from pathlib import Path

import pytest

from toolkit.cli import main
from toolkit.document import read_document
from toolkit.site import iter_markdown

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parent.parent
CJK = re.compile(r"[\u3400-\u9fff]")


def _prose(path: Path) -> str:
    """A page's text without code blocks, inline code, math, link targets and HTML comments."""
    doc = read_document(path)
    kept, fenced = [], False
    for line in doc.lines:
        if re.match(r"^\s*(```|~~~)", line):
            fenced = not fenced
            continue
        if not fenced:
            kept.append(line)
    text = "\n".join(kept)
    text = re.sub(r"\$\$.*?\$\$", "", text, flags=re.S)
    text = re.sub(r"(?<!\\)\$[^$\n]+\$", "", text)
    text = re.sub(r"`[^`\n]*`", "", text)
    text = re.sub(r"\]\([^)]*\)", "]()", text)
    return re.sub(r"<!--.*?-->", "", text, flags=re.S)


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    status = main(list(args))
    return status, capsys.readouterr().out


@pytest.fixture
def in_repo(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    monkeypatch.chdir(REPO)
    monkeypatch.setenv("KB_CACHE_DIR", str(tmp_path / "cache"))
    return REPO


def test_every_english_segment_is_translated_and_reviewed(
    in_repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out = _run(capsys, "translate", "--status", "--format", "json")
    rows = [row for row in json.loads(out) if row["lang"] == "en"]
    pages = {p.relative_to(REPO / "content").as_posix() for p in iter_markdown([REPO / "content"])}
    assert {row["page"] for row in rows} == pages
    for row in rows:
        assert row["translated"] == row["reviewed"] == row["segments"], row
        assert not row["stale"], row
    assert status == 0


def test_mirrors_are_current(in_repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert _run(capsys, "translate", "--check") == (0, "")


def test_mirrors_pass_lint(in_repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert _run(capsys, "lint", "i18n/en", "i18n/zh-Hant") == (0, "")


def test_no_chinese_left_in_english_prose() -> None:
    for page in iter_markdown([REPO / "i18n" / "en"]):
        if page.name == "_navbar.md":
            continue  # the language switch names each edition in its own language
        found = CJK.findall(_prose(page))
        assert not found, f"{page.relative_to(REPO)}: {''.join(found)[:40]}"


def test_glossary_renderings_are_followed() -> None:
    glossary = tomllib.loads((REPO / "i18n" / "glossary.toml").read_text(encoding="utf-8"))["en"]
    # Longest terms first: 旋转位置编码 is one term, not 位置编码 inside another.
    pattern = re.compile("|".join(re.escape(t) for t in sorted(glossary, key=len, reverse=True)))
    checked = 0
    for source in iter_markdown([REPO / "content"]):
        mirror = REPO / "i18n" / "en" / source.relative_to(REPO / "content")
        english = _prose(mirror).casefold()
        counts: dict[str, int] = {}
        for term in pattern.findall(_prose(source)):
            counts[term] = counts.get(term, 0) + 1
        for term, count in counts.items():
            rendered = english.count(glossary[term].casefold())
            assert rendered >= count, f"{mirror.name}: {term} → {glossary[term]} {rendered}/{count}"
            checked += count
    assert checked > 100


def test_offline_regeneration_is_byte_identical(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    clone = tmp_path / "clone"
    clone.mkdir()
    shutil.copy(REPO / "pyproject.toml", clone)
    shutil.copytree(REPO / "content", clone / "content")
    (clone / "i18n").mkdir()
    shutil.copytree(REPO / "i18n" / "po", clone / "i18n" / "po")
    for name in ("glossary.toml", "zh-Hant.toml"):  # the glossary and the reviewed Taiwan table
        shutil.copy(REPO / "i18n" / name, clone / "i18n")
    monkeypatch.chdir(clone)
    monkeypatch.setenv("KB_CACHE_DIR", str(tmp_path / "cache"))
    status = main(["translate", "--offline", "--lang", "en,zh-Hant", "--no-progress"])
    capsys.readouterr()
    assert status == 0
    for edition in ("en", "zh-Hant"):
        ours = {
            p.relative_to(clone / "i18n" / edition): p.read_bytes()
            for p in (clone / "i18n" / edition).rglob("*")
            if p.is_file()
        }
        committed = {
            p.relative_to(REPO / "i18n" / edition): p.read_bytes()
            for p in (REPO / "i18n" / edition).rglob("*")
            if p.is_file()
        }
        assert ours.keys() == committed.keys()
        different = [str(k) for k in ours if ours[k] != committed[k]]
        assert not different, different
    assert {
        p.relative_to(clone): p.read_bytes() for p in (clone / "i18n" / "po").rglob("*.po")
    } == {p.relative_to(REPO): p.read_bytes() for p in (REPO / "i18n" / "po").rglob("*.po")}
