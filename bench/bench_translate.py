"""`kb translate` benchmark: zh-Hant mirrors of a 2,000-page book beside bare OpenCC, and the
segments an English run sends after a one-paragraph edit (must be that paragraph's only)."""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import opencc

from bench.book import generate_book
from tests.translate.fakelibre import FakeLibre
from toolkit.cli import main as kb
from toolkit.document import decode
from toolkit.translate.english import needed
from toolkit.translate.glossary import load_glossary
from toolkit.translate.mirror import load_page

REPO = Path(__file__).resolve().parent.parent
PYPROJECT = '[tool.kb]\nroot = "book"\n\n[tool.kb.translate]\nbackend = "libre"\n'


@contextlib.contextmanager
def _project(pages: int) -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="kb-bench-translate-") as folder:
        project = Path(folder)
        generate_book(project / "book", pages)
        (project / "i18n").mkdir()
        shutil.copy(REPO / "i18n" / "glossary.toml", project / "i18n" / "glossary.toml")
        (project / "pyproject.toml").write_text(PYPROJECT, encoding="utf-8")
        yield project


def _quiet(*args: str) -> int:
    with open(os.devnull, "w") as null, contextlib.redirect_stdout(null):
        return kb(list(args))


def _hant(pages: int) -> None:
    with _project(pages) as project:
        texts = [decode(p.read_bytes(), p).text for p in sorted((project / "book").rglob("*.md"))]
        size = sum(len(t.encode("utf-8")) for t in texts)
        converter = opencc.OpenCC("s2twp")
        started = time.perf_counter()
        for text in texts:
            converter.convert(text)
        bare = time.perf_counter() - started
        started = time.perf_counter()
        status = _quiet(
            "translate", "--lang", "zh-Hant", "--config", str(project / "pyproject.toml")
        )
        ours = time.perf_counter() - started
        assert status == 0, status
        print(f"zh-Hant: {len(texts)} pages, {size / 1e6:.1f} MB")
        print(f"  bare OpenCC s2twp over whole files : {bare:7.2f} s")
        print(f"  kb translate --lang zh-Hant        : {ours:7.2f} s  ({ours / bare:.0f}x bare)")
        print("  (kb parses each page, converts only translatable text, recomputes ids,")
        print("   rewrites anchors and re-parses every mirror to verify it)")


def _edit_one_paragraph(pages: int) -> None:
    server = FakeLibre().start()
    old_cwd = Path.cwd()
    try:
        with _project(pages) as project:
            os.environ["KB_TRANSLATE_URL"] = server.url
            os.chdir(project)
            started = time.perf_counter()
            assert _quiet("translate", "--lang", "en") == 0
            full = time.perf_counter() - started
            sent_first = len(server.texts)
            page = sorted((project / "book").rglob("page*.md"))[0]
            text = page.read_text(encoding="utf-8")
            line = next(x for x in text.splitlines() if x.startswith("这一节的公式为"))
            page.write_text(text.replace(line, line.replace("其中", "其中（已修改）"), 1), "utf-8")
            glossary = load_glossary(project / "i18n" / "glossary.toml")
            rel = page.relative_to(project / "book").as_posix()
            source = load_page(project / "book", rel, glossary.terms("en"))
            edited = [
                source.page.segments[i].text
                for i in needed(source, True)
                if "（已修改）" in source.page.segments[i].text
            ]
            server.texts.clear()
            started = time.perf_counter()
            assert _quiet("translate", "--lang", "en") == 0
            again = time.perf_counter() - started
            print(f"en: {pages} pages through LibreTranslator and a local fake server")
            print(f"  first run : {sent_first} segments sent in {full:.2f} s")
            print(
                f"  after editing one paragraph: {len(server.texts)} sent "
                f"(that paragraph has {len(edited)}) in {again:.2f} s"
            )
            assert sorted(server.texts) == sorted(edited), "sent more than the edited paragraph"
    finally:
        os.chdir(old_cwd)
        os.environ.pop("KB_TRANSLATE_URL", None)
        server.stop()


def main() -> None:
    """Run both measurements and print their figures."""
    _hant(int(os.environ.get("KB_BENCH_PAGES", "2000")))
    _edit_one_paragraph(8)


if __name__ == "__main__":
    main()  # python -m bench.bench_translate from the repository root
