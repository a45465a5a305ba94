"""The committed editions: code blocks keep their code, and their comments are in the edition's
language (issue #19). Runs on the real book and the mirrors `kb translate` wrote."""

from __future__ import annotations

import ast
import re
import shutil
import subprocess
from pathlib import Path

import opencc
import pytest

from toolkit.markdown import markdown_parser
from toolkit.translate.code_comments import code_texts, language, masked

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[2]
CONTENT = REPO / "content"
EDITIONS = {"en": REPO / "i18n" / "en", "zh-Hant": REPO / "i18n" / "zh-Hant"}
PAGES = sorted(p.relative_to(CONTENT).as_posix() for p in CONTENT.rglob("*.md"))
CJK = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3000-\u303f\uff01-\uff5e]")


def _fences(path: Path) -> list[tuple[str, str]]:
    tokens = markdown_parser().parse(path.read_text(encoding="utf-8"), {})
    return [(t.info, t.content) for t in tokens if t.type == "fence"]


def _without_docstrings(code: str) -> str:
    tree = ast.parse(code)
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            first = node.body[0] if node.body else None
            if (
                isinstance(first, ast.Expr)
                and isinstance(first.value, ast.Constant)
                and isinstance(first.value.value, str)
            ):
                first.value.value = ""
    return ast.dump(tree)


@pytest.mark.parametrize("lang", EDITIONS)
def test_every_block_keeps_its_code(lang: str) -> None:
    """Byte for byte outside comments, docstrings and labels; Python by its AST too."""
    python = 0
    for rel in PAGES:
        source, mirror = _fences(CONTENT / rel), _fences(EDITIONS[lang] / rel)
        assert len(source) == len(mirror), rel
        for (info, code), (minfo, mcode) in zip(source, mirror, strict=True):
            assert info == minfo and masked(info, code) == masked(minfo, mcode), rel
            if language(info) == "python":
                python += 1
                try:
                    expected = _without_docstrings(code)
                except SyntaxError:
                    continue  # a fragment that was never Python: compared byte for byte above
                assert _without_docstrings(mcode) == expected, f"{lang}/{rel}: AST differs"
    print(f"\n{lang}: {python} Python blocks, each with the AST of its source")
    assert python >= 50


def test_english_code_text_has_no_chinese(capsys: pytest.CaptureFixture[str]) -> None:
    """No CJK (nor full-width punctuation) in comments, docstrings or diagram labels."""
    counts = {}
    for rel in PAGES:
        found = 0
        ranges = 0
        for info, code in _fences(EDITIONS["en"] / rel):
            for text in code_texts(info, code):
                ranges += 1
                found += len(CJK.findall(code[text.start : text.end]))
        if ranges:
            counts[rel] = (ranges, found)
    with capsys.disabled():
        print("\nen: CJK characters in comments, docstrings and labels, per page")
        for rel, (ranges, found) in counts.items():
            print(f"  {found:3d} in {ranges:3d} ranges  {rel}")
    assert sum(found for _, found in counts.values()) == 0


def test_traditional_code_text_has_no_simplified_characters() -> None:
    """OpenCC's character-level s2t leaves every converted comment and label unchanged."""
    to_traditional = opencc.OpenCC("s2t")
    left = []
    for rel in PAGES:
        for info, code in _fences(EDITIONS["zh-Hant"] / rel):
            for text in code_texts(info, code):
                piece = code[text.start : text.end]
                if to_traditional.convert(piece) != piece:
                    left.append(f"{rel}: {piece}")
    assert not left, "\n".join(left[:20])


@pytest.mark.skipif(shutil.which("bash") is None, reason="no bash to parse shell blocks")
@pytest.mark.parametrize("lang", EDITIONS)
def test_shell_blocks_still_parse(lang: str) -> None:
    for rel in PAGES:
        for info, code in _fences(EDITIONS[lang] / rel):
            if language(info) in ("bash", "sh", "shell"):
                done = subprocess.run(["bash", "-n"], input=code, text=True, capture_output=True)
                assert done.returncode == 0, f"{lang}/{rel}: {done.stderr}"
