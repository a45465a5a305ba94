"""Paths that lead elsewhere: links out of the site, symlinks, unreadable or odd files, faults.

The rule: a link never makes kb read outside the site root; a symlink met while walking a
folder is never followed out of the repository; `--fix` writes through a temporary file and a
rename, into the real file of a symlink inside the repository, and never outside it.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

import pytest

from tests.hostile.conftest import (
    README_FINDING,
    Kb,
    can_drop_file_capabilities,
    opened_outside,
    run_process,
    stamps,
)
from toolkit import fileio

OUTSIDE_LINKS = """\
# 逃逸

[a](../../../../etc/passwd) [b](/../../../../etc/passwd) [c](../outside/secret.md?id=s)

![d](../../../../etc/passwd) [e](%2E%2E/%2E%2E/etc/passwd) [f](#/../../etc/passwd)

<a href="../../../../etc/passwd">g</a> <img src="/../../etc/passwd">

[h][ref]

[ref]: ../../../../etc/passwd
"""


@pytest.mark.slow
def test_links_out_of_the_site_are_findings_and_never_read(
    project: Path, kb: Kb, outside: Path
) -> None:
    (project / "content" / "escape.md").write_text(OUTSIDE_LINKS, encoding="utf-8")
    run = kb("lint", "content/escape.md")
    assert run.status == 1 and run.err == ""
    # A browser stops `..` at the site root: every target lands inside it (and is missing).
    missing = "not found (link"
    assert run.lines == [
        f"content/escape.md:3:1: LNK001 page etc/passwd.md {missing} '../../../../etc/passwd')",
        f"content/escape.md:3:29: LNK001 page etc/passwd.md {missing} '/../../../../etc/passwd')",
        f"content/escape.md:3:58: LNK001 page outside/secret.md {missing} "
        "'../outside/secret.md?id=s')",
        f"content/escape.md:5:1: LNK001 image etc/passwd {missing} '../../../../etc/passwd')",
        f"content/escape.md:5:30: LNK001 page etc/passwd.md {missing} '%2E%2E/%2E%2E/etc/passwd')",
        "content/escape.md:5:60: ANC001 anchor '/../../etc/passwd' not found in this page "
        "(docsify ids); docsify reads a Markdown link '#/../../etc/passwd' as a heading id of "
        "this page, so it never opens another page: write '/../../etc/passwd'",
        f"content/escape.md:7:10: LNK001 file etc/passwd {missing} '../../../../etc/passwd')",
        f"content/escape.md:7:50: LNK001 file etc/passwd {missing} '/../../etc/passwd')",
        f"content/escape.md:9:1: LNK001 page etc/passwd.md {missing} '../../../../etc/passwd')",
    ]
    status, opened = opened_outside(project, "lint", "--no-cache", "content/escape.md")
    assert (status, opened) == (1, [])


@pytest.mark.slow
def test_symlink_out_of_the_repository_is_named_and_never_read(
    project: Path, kb: Kb, outside: Path
) -> None:
    (project / "content" / "evil.md").symlink_to(outside)
    (project / "content" / "links.md").write_text(
        "# L\n\n[e](/evil.md?id=秘密) [f](/evil.md?id=nope)\n", encoding="utf-8"
    )
    run = kb("lint")
    assert run.status == 2
    assert run.err == (
        f"kb: error: content/evil.md: symlink to {outside}, outside the repository; not read\n"
    )
    assert run.lines == [README_FINDING]  # the anchors into it are not checked: not read
    status, opened = opened_outside(project, "lint", "--no-cache")
    assert (status, opened) == (2, [])


def test_fix_never_writes_through_a_symlink_out_of_the_repository(
    project: Path, kb: Kb, outside: Path
) -> None:
    outside.write_text("# 秘密\n\n## Part\n\n[p](#par_t)\n", encoding="utf-8")
    (project / "content" / "evil.md").symlink_to(outside)
    before = outside.read_bytes()
    run = kb("lint", "--fix", "content/evil.md")  # named explicitly: read, but not written
    assert run.status == 2
    assert run.err == (
        f"kb: error: content/evil.md: is {outside}, outside the repository; not fixed\n"
    )
    assert outside.read_bytes() == before
    assert (project / "content" / "evil.md").is_symlink()


def test_fix_writes_through_a_symlink_inside_the_repository(project: Path, kb: Kb) -> None:
    real = project / "content" / "real.md"
    real.write_text("# 页\n\n## Part\n\n[p](#par_t)\n", encoding="utf-8")
    alias = project / "content" / "alias.md"
    alias.symlink_to("real.md")
    run = kb("lint", "--fix", "content/alias.md")
    assert (run.status, run.out, run.err) == (1, "", "fixed 1 problem in content/alias.md\n")
    assert alias.is_symlink() and os.readlink(alias) == "real.md"
    assert real.read_text(encoding="utf-8") == "# 页\n\n## Part\n\n[p](#part)\n"
    before = stamps(project)
    assert kb("lint", "--fix", "content/alias.md").status == 0
    assert stamps(project) == before


def test_fix_writes_through_a_temporary_file_and_keeps_the_mode(
    project: Path, kb: Kb, monkeypatch: pytest.MonkeyPatch
) -> None:
    page = project / "content" / "page.md"
    page.write_text("# 页\n\n## Part\n\n[p](#par_t)\n", encoding="utf-8")
    page.chmod(0o751)
    inode = page.stat().st_ino
    renames: list[tuple[str, str]] = []
    replace = fileio._replace

    def spy(src: str, dst: str | Path) -> None:
        renames.append((str(src), str(dst)))
        replace(src, dst)

    monkeypatch.setattr(fileio, "_replace", spy)
    assert kb("lint", "--fix", "content/page.md").status == 1
    ((src, dst),) = [(s, d) for s, d in renames if Path(d).parent == page.resolve().parent]
    assert Path(dst) == page.resolve()
    assert Path(src).parent == page.resolve().parent and Path(src).name.startswith(".page.md.")
    assert not Path(src).exists()
    assert stat.S_IMODE(page.stat().st_mode) == 0o751
    assert page.stat().st_ino != inode  # a new file renamed over the old one
    assert sorted(p.name for p in page.parent.iterdir()) == ["README.md", "page.md"]


@pytest.mark.parametrize("fault", ["replace", "fsync"])
def test_a_failed_write_leaves_the_file_and_no_temporary(
    project: Path, kb: Kb, monkeypatch: pytest.MonkeyPatch, fault: str
) -> None:
    page = project / "content" / "page.md"
    page.write_text("# 页\n\n## Part\n\n[p](#par_t)\n", encoding="utf-8")
    before = stamps(project)

    def full(*args: object) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(fileio, f"_{fault}", full)
    run = kb("lint", "--fix", "content/page.md")
    assert run.status == 2
    assert run.err == "kb: error: content/page.md: cannot write: No space left on device\n"
    assert run.lines == [
        "content/page.md:5:1: ANC001 anchor 'par_t' not found in this page (docsify ids); "
        "did you mean 'part'?"
    ]
    assert stamps(project) == before  # no temporary file left either


def test_symlink_loops(project: Path, kb: Kb) -> None:
    content = project / "content"
    (content / "loop1.md").symlink_to("loop2.md")
    (content / "loop2.md").symlink_to("loop1.md")
    (content / "self.md").symlink_to("self.md")
    (content / "sub").mkdir()
    (content / "sub" / "back").symlink_to("..")  # a folder loop: walks never follow it
    (content / "sub" / "page.md").write_text("[x](/sub/back/sub/back/README.md)\n", "utf-8")
    run = kb("lint")
    loop = "cannot read: Too many levels of symbolic links"
    assert run.err.splitlines() == [
        f"kb: error: content/loop1.md: {loop}",
        f"kb: error: content/loop2.md: {loop}",
        f"kb: error: content/self.md: {loop}",
    ]
    # A walk that followed sub/back would find README.md again, and its finding with it.
    assert run.lines == [
        README_FINDING,
        "content/sub/page.md:1:1: LNK001 page sub/back/sub/back/README.md not found "
        "(link '/sub/back/sub/back/README.md')",
    ]
    assert run.status == 2
    run = kb("lint", "--fix", "content/sub/back", "content/loop1.md")
    assert run.status == 2 and f"content/loop1.md: {loop}" in run.err


def test_folder_named_like_a_page(project: Path, kb: Kb) -> None:
    folder = project / "content" / "x.md"
    folder.mkdir()
    (folder / "inner.md").write_text("# 里面\n\n[坏](#nope)\n", encoding="utf-8")
    (project / "content" / "links.md").write_text(
        "# L\n\n[a](/x.md) [b](/x.md/inner.md)\n", encoding="utf-8"
    )
    run = kb("lint", "content/x.md/..", "content/x.md")
    assert run.err == "kb: error: content/x.md: is a folder, not a Markdown file\n"
    run = kb("lint")
    assert run.status == 1 and run.err == ""
    assert run.lines == [
        README_FINDING,
        "content/links.md:3:1: LNK001 page x.md not found (link '/x.md')",
        "content/x.md/inner.md:3:1: ANC001 anchor 'nope' not found in this page (docsify ids)",
    ]


@pytest.mark.slow
def test_fifo_and_device_are_refused_without_blocking(project: Path, outside: Path) -> None:
    os.mkfifo(project / "content" / "fifo.md")
    (project / "content" / "zero.md").symlink_to("/dev/zero")
    run = run_process(["lint", "--no-cache"], project, timeout=60)
    assert run.status == 2
    assert run.err.splitlines() == [
        "kb: error: content/zero.md: symlink to /dev/zero, outside the repository; not read",
        "kb: error: content/fifo.md: cannot read: not a regular file",
    ]
    run = run_process(["lint", "--no-cache", "content/zero.md"], project, timeout=60)
    assert run.err == "kb: error: content/zero.md: cannot read: not a regular file\n"
    (project / "content" / "links.md").write_text("[f](/fifo.md?id=x)\n", encoding="utf-8")
    run = run_process(["lint", "--no-cache", "content/links.md"], project, timeout=60)
    assert (run.status, run.err) == (0, "")  # the FIFO is never opened for its headings


needs_permissions = pytest.mark.skipif(
    not can_drop_file_capabilities(), reason="root cannot drop CAP_DAC_OVERRIDE here"
)


@pytest.mark.slow
@needs_permissions
def test_unreadable_file_and_folder(project: Path) -> None:
    content = project / "content"
    (content / "locked.md").write_text("# 锁\n", encoding="utf-8")
    (content / "locked.md").chmod(0)
    (content / "shut").mkdir()
    (content / "shut" / "page.md").write_text("# 页\n", encoding="utf-8")
    (content / "shut").chmod(0)
    try:
        run = run_process(["lint", "--no-cache"], project, unprivileged=True)
    finally:
        (content / "shut").chmod(0o755)
    assert run.status == 2
    assert run.err.splitlines() == [
        "kb: error: content/shut: cannot list folder: Permission denied",
        "kb: error: content/locked.md: cannot read: Permission denied",
    ]
    assert run.out.splitlines() == [README_FINDING]


def test_write_atomic_replaces_a_symlink_and_never_writes_through_it(
    project: Path, outside: Path
) -> None:
    # Callers refuse symlinks out of the repository first (lint --fix, relink, kb translate);
    # should one slip through, the rename lands on the link itself, not on what it names.
    before = outside.read_bytes()
    link = project / "content" / "link.md"
    link.symlink_to(outside)
    fileio.write_atomic(link, b"# new\n")
    assert outside.read_bytes() == before
    assert not link.is_symlink() and link.read_bytes() == b"# new\n"
