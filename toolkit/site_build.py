"""The book's editions as one static docsify site, and a local server for it."""

from __future__ import annotations

import contextlib
import functools
import http.server
import json
import os
import re
import shutil
import tempfile
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from toolkit import __version__
from toolkit.config import Config
from toolkit.errors import KbError
from toolkit.fileio import display_path, inside, safe_resolve

MARKER = ".kb-build-site"
"""File that marks a folder written by `kb build-site` (only such a folder is ever replaced)."""

_EDITION_LINE = re.compile(r"^(\s*var KB_EDITION = )'[^']*';$", re.M)
_HTML_LANG = re.compile(r'<html lang="[^"]*">')
# Files docsify needs that are shared by every edition: the language switch and the shell.
_SHARED = ("index.html", "_navbar.md")


@dataclass(frozen=True, slots=True)
class Edition:
    """One language of the book: where its Markdown lives and where it is served."""

    code: str
    """The value of KB_EDITION in its index.html."""
    lang: str
    """The `<html lang>` of its index.html."""
    folder: str
    """Folder below the site root ('' for the root)."""
    source: str
    """Source folder relative to the project root; `{root}` is the book's site root."""

    @property
    def url_path(self) -> str:
        """Where the edition is served, e.g. `/` or `/en/`."""
        return f"/{self.folder}/" if self.folder else "/"


ROOT_EDITION = Edition("zh-Hans", "zh-CN", "", "{root}")
_ORDER = ("zh-Hant", "zh-HK", "en")
"""Order of the editions after the book's own (the language switch lists them so)."""


def editions(config: Config) -> tuple[Edition, ...]:
    """The book and the editions `kb translate` writes as sites of their own (`i18n/<lang>/`).

    Editions kept inside the site (`mirrors = "site"`) are pages of the book's site, served by
    its own index.html: they come with the book.
    """
    if config.translate.mirrors == "site":
        return (ROOT_EDITION,)
    i18n = config.translate.i18n
    langs = sorted(config.translate.languages, key=lambda lang: _ORDER.index(lang))
    return (ROOT_EDITION, *(Edition(lang, lang, lang, f"{i18n}/{lang}") for lang in langs))


EDITIONS = (
    ROOT_EDITION,
    Edition("zh-Hant", "zh-Hant", "zh-Hant", "i18n/zh-Hant"),
    Edition("en", "en", "en", "i18n/en"),
)
"""The editions of the default settings (our own book)."""


@dataclass(frozen=True, slots=True)
class BuildResult:
    """What `build_site` wrote."""

    out: Path
    built: tuple[Edition, ...]
    missing: tuple[tuple[Edition, Path], ...]
    """Editions whose source folder does not exist, with that folder."""
    refused: tuple[str, ...] = ()
    """Files left out because they are symlinks to outside the repository, one line each."""


def edition_index(html: str, edition: Edition, path: Path) -> str:
    """The book's index.html set up for one edition (KB_EDITION and `<html lang>`)."""
    if len(_EDITION_LINE.findall(html)) != 1 or len(_HTML_LANG.findall(html)) != 1:
        raise KbError(
            f"{path}: expected exactly one `var KB_EDITION = '…';` line and one "
            '`<html lang="…">` tag (kb build-site sets them per edition)'
        )
    html = _EDITION_LINE.sub(lambda m: f"{m.group(1)}'{edition.code}';", html)
    return _HTML_LANG.sub(f'<html lang="{edition.lang}">', html)


def build_site(out: Path, config: Config) -> BuildResult:
    """Assemble every edition that exists into `out`; refuse to touch a folder we did not make."""
    book = config.site_root
    index = book / "index.html"
    if not index.is_file():
        raise KbError(f"{index}: missing (the site's docsify shell)")
    out = out.absolute()
    _check_out(out, book)
    sources = [
        (edition, book if edition.source == "{root}" else config.project_root / edition.source)
        for edition in editions(config)
    ]
    built = tuple(e for e, src in sources if src.is_dir())
    missing = tuple((e, src) for e, src in sources if not src.is_dir())
    html = index.read_text(encoding="utf-8")
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    copier = _Copier(config.project_root, skip=(out, staging))
    try:
        staging.chmod(0o755)  # mkdtemp makes it private; a web server must read the site
        for edition, source in sources:
            if edition not in built:
                continue
            target = staging / edition.folder
            copier.tree(source, target)
            if source != book:
                # Images and other assets of the book serve every edition unless translated.
                copier.tree(book, target, only_missing=True, markdown=False)
            for name in _SHARED:
                copier.file(book / name, target / name)
            # A book without editions of its own keeps its index.html as written.
            shell = edition_index(html, edition, index) if len(sources) > 1 else html
            (target / "index.html").write_text(shell, encoding="utf-8")
        # GitHub Pages runs Jekyll unless told not to, and Jekyll drops `_sidebar.md`.
        (staging / ".nojekyll").write_bytes(b"")
        marker = {"kb": __version__, "editions": [e.code for e in built]}
        (staging / MARKER).write_text(json.dumps(marker) + "\n", encoding="utf-8")
        _replace(staging, out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return BuildResult(out, built, missing, tuple(dict.fromkeys(copier.refused)))


def _check_out(out: Path, book: Path) -> None:
    """Refuse an output folder that is not ours to replace."""
    resolved = out.resolve()
    if resolved == book.resolve() or resolved.is_relative_to(book.resolve()):
        raise KbError(f"{out}: inside the book ({book}); choose a folder outside it")
    if book.resolve().is_relative_to(resolved):
        raise KbError(f"{out}: contains the book ({book}); choose an empty or new folder")
    if out.is_symlink() or (out.exists() and not out.is_dir()):
        raise KbError(f"{out}: exists and is not a folder")
    if out.is_dir() and any(out.iterdir()) and not (out / MARKER).is_file():
        raise KbError(
            f"{out}: folder is not empty and was not written by kb build-site "
            f"(no {MARKER} in it); refusing to replace it"
        )


def _replace(staging: Path, out: Path) -> None:
    """Swap the finished build in; the old build is removed only after the swap."""
    if not out.exists():
        staging.rename(out)
        return
    old = out.with_name(f".{out.name}.old-{os.getpid()}")
    if any(out.iterdir()):
        out.rename(old)
        staging.rename(out)
        shutil.rmtree(old)
    else:
        out.rmdir()
        staging.rename(out)


class _Copier:
    """Copies the book's visible files into the build, never anything from outside the repository.

    The build is published: a page or image that is a symlink to, say, `~/.ssh/id_rsa` must not
    end up on the web. Such files are left out and named in `refused`.
    """

    def __init__(self, repository: Path, skip: tuple[Path, ...]) -> None:
        self.repository = repository
        self.skipped = {p.resolve() for p in skip}
        self.refused: list[str] = []

    def tree(
        self, source: Path, target: Path, *, only_missing: bool = False, markdown: bool = True
    ) -> None:
        """Copy the visible files under `source` (no dot folders, no node_modules)."""
        for folder, dirs, names in os.walk(source):
            here = Path(folder)
            dirs[:] = sorted(
                d
                for d in dirs
                if not d.startswith(".")
                and d != "node_modules"
                and (here / d).resolve() not in self.skipped
            )
            destination = target / here.relative_to(source)
            for name in sorted(names):
                if name.startswith(".") or (not markdown and name.endswith(".md")):
                    continue
                if only_missing and (destination / name).exists():
                    continue
                self.file(here / name, destination / name)

    def file(self, source: Path, copy: Path) -> None:
        """Copy one regular file (FIFOs, devices and dangling symlinks are not files to copy)."""
        if not source.is_file():
            return
        if source.is_symlink() and inside(source, self.repository) is None:
            self.refused.append(
                f"{display_path(source)}: symlink to {safe_resolve(source)}, outside the "
                "repository; not copied"
            )
            return
        copy.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, copy)


class _Handler(http.server.SimpleHTTPRequestHandler):
    """Static files with the types docsify needs; quiet except for errors."""

    extensions_map = {
        **http.server.SimpleHTTPRequestHandler.extensions_map,
        ".md": "text/markdown; charset=utf-8",
        ".html": "text/html; charset=utf-8",
        ".js": "text/javascript; charset=utf-8",
        ".css": "text/css; charset=utf-8",
        ".json": "application/json",
        ".woff2": "font/woff2",
    }

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 (stdlib signature)
        """Requests for missing sidebars are part of docsify's normal work: log nothing."""

    def end_headers(self) -> None:
        # A rebuilt page must show at once, not a cached copy.
        self.send_header("Cache-Control", "no-cache")
        super().end_headers()


def make_server(directory: Path, port: int = 0) -> http.server.ThreadingHTTPServer:
    """An HTTP server for `directory` on 127.0.0.1 (port 0: any free port)."""
    handler = functools.partial(_Handler, directory=str(directory))
    try:
        server = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
    except OSError as error:
        raise KbError(f"127.0.0.1:{port}: cannot listen: {error.strerror or error}") from None
    server.daemon_threads = True
    return server


@contextlib.contextmanager
def serving(directory: Path, port: int = 0) -> Iterator[str]:
    """Serve `directory` in a background thread; yields the base URL, stops on exit."""
    server = make_server(directory, port)
    thread = threading.Thread(target=server.serve_forever, name="kb-serve", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
