"""The whole hostile corpus in one book, through a real `kb` process.

Every bad file is one named error, the exit status is 2, stderr has no traceback, and `--fix`
changes only the files it was meant to.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from tests.hostile.conftest import README_FINDING, run_process, stamps

pytestmark = pytest.mark.slow

FINDING = re.compile(r"^content/\S+:\d+:\d+: [A-Z]{3}\d{3} .+$")
NESTED = "nested too deep for the Markdown parser (20 block levels, about 10 nested lists)"


def _corpus(project: Path) -> None:
    content = project / "content"
    (content / "part").mkdir()
    (content / "part" / "README.md").write_text("# 部分\n", encoding="utf-8")
    files = {
        "latin1.md": b"# T\n\ncaf\xe9\n",
        "utf16le.md": "\ufeff# 标题\n".encode("utf-16-le"),
        "utf16be.md": "\ufeff# 标题\n".encode("utf-16-be"),
        "nul.md": b"# T\x00\n",
        "crlf.md": b"# T\r\n\r\n[p](/part)\r\n",
        "cr.md": b"# T\r\r[p](/part)\r",
        "mixed.md": b"# T\r\n\n[p](/part)\r",
        "deep-list.md": b"# T\n\n" + b"- " * 100_000 + b"a\n",
        "deep-quote.md": b"# T\n\n" + b">" * 100_000 + b" a\n",
        "same.md": "## 同名\n\n".encode() * 10_000,
        "escape.md": b"[p](../../../../etc/passwd)\n",
        "comments.md": b"a <!--" * 100_000,
    }
    for name, data in files.items():
        (content / name).write_bytes(data)
    (content / "loop1.md").symlink_to("loop2.md")
    (content / "loop2.md").symlink_to("loop1.md")
    (content / "x.md").mkdir()
    (content / "x.md" / "inner.md").write_text("# 里\n", encoding="utf-8")
    os.mkfifo(content / "fifo.md")
    outside = project.parent / "outside.md"
    outside.write_text("# 外\n", encoding="utf-8")
    (content / "out.md").symlink_to(outside)
    (content / "zero.md").symlink_to("/dev/zero")


def test_the_corpus_end_to_end(project: Path) -> None:
    _corpus(project)
    outside = project.parent / "outside.md"
    errors = sorted(
        [
            f"kb: error: content/out.md: symlink to {outside}, outside the repository; not read",
            "kb: error: content/zero.md: symlink to /dev/zero, outside the repository; not read",
            f"kb: error: content/deep-list.md:3: lists or quotes {NESTED}: line 3 not checked",
            f"kb: error: content/deep-quote.md:3: lists or quotes {NESTED}: line 3 not checked",
            "kb: error: content/fifo.md: cannot read: not a regular file",
            "kb: error: content/latin1.md:3: not valid UTF-8 (byte 0xe9)",
            "kb: error: content/loop1.md: cannot read: Too many levels of symbolic links",
            "kb: error: content/loop2.md: cannot read: Too many levels of symbolic links",
            "kb: error: content/nul.md: binary file (contains NUL bytes), not Markdown",
            "kb: error: content/utf16be.md:1: UTF-16 encoded; save it as UTF-8",
            "kb: error: content/utf16le.md:1: UTF-16 encoded; save it as UTF-8",
        ]
    )
    before = stamps(project)
    run = run_process(["lint", "--no-cache"], project, timeout=300)
    assert run.status == 2
    assert sorted(run.err.splitlines()) == errors
    assert all(FINDING.match(line) for line in run.out.splitlines()), run.out
    assert README_FINDING in run.out.splitlines()
    assert "content/escape.md:1:1: LNK001" in run.out
    assert stamps(project) == before

    run = run_process(["lint", "--no-cache", "--fix"], project, timeout=300)
    assert run.status == 2
    fixed = [
        "fixed 1 problem in content/cr.md",
        "fixed 1 problem in content/crlf.md",
        "kb: error: content/mixed.md: mixes line-end styles; not fixed (normalise line ends first)",
    ]
    assert sorted(run.err.splitlines()) == sorted(errors + fixed)
    after = stamps(project)
    assert {rel for rel in after if after[rel] != before.get(rel)} == {
        "content/cr.md",
        "content/crlf.md",
    }
    assert after["content/crlf.md"].data == b"# T\r\n\r\n[p](/part/)\r\n"
    assert after["content/cr.md"].data == b"# T\r\r[p](/part/)\r"
    assert outside.read_text(encoding="utf-8") == "# 外\n"
