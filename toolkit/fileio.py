"""Writing files so that a crash never leaves one half-written."""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

# write_atomic's sync and rename, by these names so that a test can spy on them or make them
# fail without patching the global `os` module.
_fsync = os.fsync
_replace = os.replace


def write_atomic(path: Path, data: bytes, *, durable: bool = True) -> None:
    """Write through a temporary file in the same folder and rename it over `path`.

    The file keeps its permission bits; readers see the old or the new content, never a mix.
    `durable` flushes the bytes to disk before the rename (fsync), so a power cut leaves the old
    file or the new one; without it a crash may leave an empty file. Only files that can be
    made again (generated mirrors) skip it: it costs most of the write.
    """
    try:
        mode: int | None = stat.S_IMODE(path.stat().st_mode)
    except FileNotFoundError:
        mode = None
    import tempfile  # here, not at the top: it pulls in shutil and lzma, ~10 ms per kb start

    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as stream:
            stream.write(data)
            if durable:
                stream.flush()
                _fsync(stream.fileno())
        if mode is not None:
            os.chmod(tmp, mode)
        _replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def display_path(path: Path) -> str:
    """A path as shown to the user: relative to the current folder when below it."""
    try:
        return Path(os.path.relpath(path)).as_posix()
    except ValueError:
        return path.as_posix()


def safe_resolve(path: Path) -> Path:
    """`path.resolve()`, or the plain absolute path when a symlink loop makes that impossible."""
    try:
        return path.resolve()
    except (OSError, RuntimeError):
        return path.absolute()


def read_file(path: Path) -> bytes:
    """The bytes of a regular file; OSError for anything else.

    Reading a FIFO blocks until someone writes to it and `/dev/zero` never ends: a file named
    `*.md` is opened without blocking and refused unless it is a regular file.
    """
    return read_file_stat(path)[0]


def read_file_stat(path: Path) -> tuple[bytes, os.stat_result]:
    """`read_file`, plus the file's status as it was opened, before the bytes were read."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    with os.fdopen(fd, "rb") as stream:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise IsADirectoryError(errno.EISDIR, "is a folder")
        if not stat.S_ISREG(info.st_mode):
            raise OSError(errno.EINVAL, "not a regular file")
        return stream.read(), info


def inside(path: Path, root: Path) -> Path | None:
    """The real path of `path` (symlinks followed) when it lies under `root`, else None."""
    real = safe_resolve(path)
    return real if real.is_relative_to(safe_resolve(root)) else None


@contextlib.contextmanager
def folder_lock(folder: Path, waiting: Callable[[], None] | None = None) -> Iterator[None]:
    """Hold an exclusive lock on `folder` (created if missing) until the block ends.

    An advisory `flock` on the folder itself: no lock file to leave behind, and the kernel
    drops it when the process dies. `waiting` is called once if another process holds it.
    """
    folder.mkdir(parents=True, exist_ok=True)
    if sys.platform == "win32":  # no flock: runs are not serialised there
        yield
        return
    import fcntl

    fd = os.open(folder, os.O_RDONLY)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if waiting is not None:
                waiting()
            fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)
