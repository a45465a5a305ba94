"""The heading-index cache: what a warm one-file run reads, and a damaged or shared cache file."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from toolkit.heading_index import FORMAT
from toolkit.site import default_cache_path

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parent.parent
PAGES = 40

# Runs `kb` with an audit hook that records every Markdown file the process opens.
_AUDITED = """
import sys
opened = []
def hook(event, args):
    if event == "open" and isinstance(args[0], str) and args[0].endswith(".md"):
        opened.append(args[0])
sys.addaudithook(hook)
from toolkit.cli import main
status = main(sys.argv[1:])
print("OPENED", *sorted(set(opened)), sep="\\n", file=sys.stderr)
sys.exit(status)
"""


@pytest.fixture
def book(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """40 pages, each linking to a heading of the next; page 0 is the one being edited."""
    (tmp_path / "pyproject.toml").write_text('[tool.kb]\nroot = "content"\n', encoding="utf-8")
    content = tmp_path / "content"
    content.mkdir()
    for n in range(PAGES):
        nxt = (n + 1) % PAGES
        link = f"[下一页](/p{nxt:02}.md?id=_{nxt}注意力)"
        (content / f"p{n:02}.md").write_text(
            f"# 第 {n} 页\n\n## {n}.注意力\n\n见 {link}。\n", "utf-8"
        )
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("KB_CACHE_DIR", str(tmp_path / ".cache"))
    return tmp_path


def _kb(book: Path, *args: str) -> tuple[int, str, list[str]]:
    """Run `kb` as a process: exit status, stdout, and the Markdown files it opened."""
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    done = subprocess.run(
        [sys.executable, "-c", _AUDITED, *args],
        cwd=book,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert "Traceback" not in done.stderr, done.stderr
    opened = done.stderr.split("OPENED\n", 1)[1].split()
    return done.returncode, done.stdout, [Path(p).name for p in opened]


def _cache_file(book: Path) -> Path:
    return default_cache_path(book / "content")


def _age(book: Path) -> None:
    """Date every page two minutes back: the cache trusts only mtimes safely before its stat."""
    for page in (book / "content").glob("*.md"):
        stamp = page.stat().st_mtime_ns - 120 * 10**9
        os.utime(page, ns=(stamp, stamp))


def test_a_warm_one_file_run_reads_only_that_file(book: Path) -> None:
    _age(book)
    assert _kb(book, "lint")[0] == 0  # the full run indexes and stamps every page
    status, out, opened = _kb(book, "lint", "content/p05.md")
    assert (status, out) == (0, "")
    assert opened == ["p05.md"]


def test_a_renamed_heading_brings_in_the_page_that_links_to_it(book: Path) -> None:
    _age(book)
    _kb(book, "lint")
    page = book / "content" / "p05.md"
    page.write_text(page.read_text("utf-8").replace("## 5.注意力", "## 5.改名"), "utf-8")
    status, out, opened = _kb(book, "lint", "content/p05.md")
    assert status == 1
    assert out == (
        "content/p04.md:5:3: ANC001 anchor '_5注意力' not found in p05.md (docsify ids)\n"
    )
    assert sorted(opened) == ["p04.md", "p05.md"]  # the linking page, nothing else


def test_an_edit_that_keeps_the_ids_reads_no_page_linking_to_a_fragile_id(book: Path) -> None:
    # p04 links to a heading whose text repeats on p05 (its id depends on order): a change to
    # p05 could break it, unless p05's ids are the same as the cache had them.
    page = book / "content" / "p05.md"
    page.write_text(
        "# 第 5 页\n\n## 5.注意力\n\n## 5.注意力\n\n见 [下一页](/p06.md?id=_6注意力)。\n", "utf-8"
    )
    _age(book)
    status, out, _opened = _kb(book, "lint")
    assert "p04.md:5:3: ANC002" in out  # a warning: p04's link names a repeated heading's id
    page.write_text(page.read_text("utf-8") + "\n多写一句。\n", "utf-8")
    status, out, opened = _kb(book, "lint", "content/p05.md")
    assert (status, out, opened) == (0, "", ["p05.md"])
    renamed = page.read_text("utf-8").replace("## 5.注意力\n\n## 5.注意力", "## 5.改名")
    page.write_text(renamed, "utf-8")
    status, out, opened = _kb(book, "lint", "content/p05.md")
    assert sorted(opened) == ["p04.md", "p05.md"]  # the ids changed: the linking page is read
    assert "p04.md:5:3: ANC001" in out


def test_a_damaged_cache_file_is_replaced(book: Path) -> None:
    cache = _cache_file(book)
    cache.parent.mkdir(parents=True)
    cache.write_bytes(b"not a database\x00" * 1000)
    assert _kb(book, "lint")[:2] == (0, "")
    with sqlite3.connect(cache) as db:  # now a real index of every page
        assert db.execute("SELECT count(*) FROM pages").fetchone() == (PAGES,)
        assert dict(db.execute("SELECT key, value FROM meta"))["format"] == FORMAT


def test_a_cache_of_another_format_is_started_afresh(book: Path) -> None:
    _kb(book, "lint")
    cache = _cache_file(book)
    with sqlite3.connect(cache) as db:
        db.execute("UPDATE meta SET value = ? WHERE key = 'format'", (FORMAT - 1,))
        # An entry that would hide the broken link below, were the old file trusted.
        db.execute("UPDATE pages SET entry = ?", (json.dumps({"docsify": ["_1注意力"]}),))
    page = book / "content" / "p01.md"
    page.write_text(page.read_text("utf-8").replace("## 1.注意力", "## 1.改名"), "utf-8")
    status, out, _ = _kb(book, "lint", "content/p00.md")
    assert status == 1 and "ANC001 anchor '_1注意力' not found in p01.md" in out
    with sqlite3.connect(cache) as db:  # emptied and filled again, in place
        assert dict(db.execute("SELECT key, value FROM meta"))["format"] == FORMAT
        entries = [json.loads(e) for (e,) in db.execute("SELECT entry FROM pages")]
        assert len(entries) == PAGES and all("github" in e for e in entries)


def test_an_unusable_cache_folder_only_costs_speed(book: Path) -> None:
    blocker = book / "blocker"
    blocker.write_text("a file where the cache folder should be", "utf-8")
    env = {**os.environ, "PYTHONPATH": str(REPO), "KB_CACHE_DIR": str(blocker / "kb")}
    done = subprocess.run(
        [sys.executable, "-m", "toolkit", "lint"],
        cwd=book,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert (done.returncode, done.stdout, done.stderr) == (0, "", "")


def test_parallel_runs_share_one_cache(book: Path) -> None:
    """pre-commit runs a hook in several processes at once, all writing the same cache."""
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    runs = [
        subprocess.Popen(
            [sys.executable, "-m", "toolkit", "lint", *[f"content/p{n:02}.md" for n in chunk]],
            cwd=book,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for chunk in (range(0, 20), range(20, 40), range(0, 40, 3), range(1, 40, 3))
    ]
    for run in runs:
        out, err = run.communicate(timeout=120)
        assert (run.returncode, out, err) == (0, "", "")
    with sqlite3.connect(_cache_file(book)) as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert db.execute("SELECT count(*) FROM pages").fetchone() == (PAGES,)
    page = book / "content" / "p07.md"
    page.write_text(page.read_text("utf-8").replace("## 7.注意力", "## 7.改名"), "utf-8")
    status, out, opened = _kb(book, "lint", "content/p07.md")
    assert status == 1 and out.startswith("content/p06.md:5:3: ANC001")


def test_a_python_without_sqlite_lints_without_the_cache(book: Path) -> None:
    page = book / "content" / "p03.md"
    page.write_text(page.read_text("utf-8").replace("## 3.注意力", "## 3.改名"), "utf-8")
    no_sqlite = "import sys; sys.modules['sqlite3'] = None; from toolkit.cli import main; "
    done = subprocess.run(
        [sys.executable, "-c", no_sqlite + "sys.exit(main(['lint', 'content/p03.md']))"],
        cwd=book,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert (done.returncode, done.stderr) == (1, "")
    assert done.stdout.startswith("content/p02.md:5:3: ANC001 anchor '_3注意力' not found")
    assert not (book / ".cache").exists()
