"""What kb knows about a docsify site: where it is and how its index.html renders it.

Built once per site from the site's `index.html` (parsed, never executed) and the settings,
and handed to the parser, the router, the slugger and the rules, which ask it rather than
re-deriving anything. Settings win over what was read; `kb site` prints it all.
"""

from __future__ import annotations

import contextlib
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, get_args

from toolkit.index_html import IndexHtml, JsValue, docsify_settings, read_index_html

MathPlugin = Literal["kb", "docsify-katex", "mathjax", "none"]
MATH_PLUGINS: tuple[MathPlugin, ...] = get_args(MathPlugin)
RouterMode = Literal["hash", "history"]
CURRENT_KATEX = "0.19.1"
"""The KaTeX release kb judges by when a site does not say which one it loads."""
DOCSIFY_KATEX_BUNDLE = "0.11.1"
"""docsify-katex 1.4.x renders with the KaTeX bundled inside it, whatever else the page loads."""

EXTERNAL_URL = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:|^//")
"""An absolute URL or a protocol-relative one: not a file of the site."""

# Folders where books usually keep their site, in the order they are tried after the root.
_USUAL_FOLDERS = ("docs", "content", "site", "book", "src", "website", "doc")
_SKIPPED = frozenset({"node_modules", "i18n", "tests", "test", "vendor", "build", "dist"})


@dataclass(frozen=True, slots=True)
class SiteInfo:
    """One docsify site as its readers get it: where it is and which code renders it."""

    root: Path
    """The site root: the folder holding index.html."""
    root_reason: str
    """How the root was found: `--root`, the settings file, or discovery."""
    index_html: Path | None
    docsify_version: int
    """Major version of the docsify code the page runs (4 or 5): ids differ between them."""
    docsify_script: str | None
    math: MathPlugin
    """Which math plugin renders `$…$`: `kb` (our dollarmath plugin), `docsify-katex` (regex
    extraction before Markdown), `mathjax` (not KaTeX: formulas are not judged), `none`."""
    math_script: str | None
    katex_version: str | None
    """The KaTeX release formulas are judged by (None when the site renders no KaTeX)."""
    alias: tuple[tuple[str, str], ...] = ()
    base_path: str = ""
    relative_path: bool = False
    sidebar: str | None = None
    """File name of the sidebar docsify loads (`loadSidebar`), or None."""
    navbar: str | None = None
    coverpage: str | None = None
    """File name of the cover page docsify loads (`coverpage`), or None."""
    sub_max_level: int = 0
    max_level: int = 6
    homepage: str = "README.md"
    ext: str = ".md"
    router_mode: RouterMode = "hash"
    no_compile_links: tuple[str, ...] = ()
    """`noCompileLinks`: patterns of links docsify does not route."""
    content_root: Path | None = None
    """Where the pages are (`basePath` inside the site); None: the site root itself."""
    notes: tuple[str, ...] = ()
    """Settings kb could not read (expressions it does not evaluate), for `kb site`."""


def is_docsify_index(path: Path) -> bool:
    """The file is an index.html that sets up docsify."""
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return False
    return read_index_html(text).sets_up_docsify


def discover_root(project_root: Path) -> tuple[Path, str] | None:
    """The folder whose index.html sets up docsify: the root, the usual folders, then any."""
    candidates = [project_root] + [project_root / name for name in _USUAL_FOLDERS]
    for folder in candidates:
        if is_docsify_index(folder / "index.html"):
            where = "the repository root" if folder == project_root else f"{folder.name}/"
            return folder, f"discovered: {where} holds the index.html that sets up docsify"
    for folder in _folders_below(project_root, depth=2):
        if is_docsify_index(folder / "index.html"):
            shown = folder.relative_to(project_root).as_posix()
            return folder, f"discovered: {shown}/ holds the index.html that sets up docsify"
    return None


def _folders_below(top: Path, depth: int) -> list[Path]:
    found: list[Path] = []
    level = [top]
    for _ in range(depth):
        below: list[Path] = []
        for folder in level:
            try:
                entries = sorted(os.scandir(folder), key=lambda e: e.name)
            except OSError:
                continue
            for entry in entries:
                name = entry.name
                if name.startswith(".") or name in _SKIPPED:
                    continue
                if entry.is_dir(follow_symlinks=False):
                    below.append(Path(entry.path))
        found.extend(below)
        level = below
    return found


def read_site(
    root: Path,
    root_reason: str,
    docsify_version: int | None = None,
    math: MathPlugin | None = None,
    katex_version: str | None = None,
) -> SiteInfo:
    """Read the site at `root`; the keyword arguments are settings that override the page."""
    index = root / "index.html"
    page = IndexHtml()
    if index.is_file():
        with contextlib.suppress(OSError):
            page = read_index_html(index.read_text(encoding="utf-8", errors="replace"))
    settings = page.docsify or _settings_from_local_scripts(page, root)
    notes: list[str] = []

    docsify_script = next((s for s in page.scripts if _is_docsify_script(s)), None)
    read_version = _docsify_major(docsify_script) if docsify_script else None
    read_math, math_script, read_katex = _math_plugin(page, root)
    if not index.is_file():
        read_math = "kb"  # nothing to read: kb's own rules, as for a book made with kb
    chosen_math = math or read_math
    katex = katex_version or (
        DOCSIFY_KATEX_BUNDLE
        if chosen_math == "docsify-katex"
        else (read_katex or CURRENT_KATEX)
        if chosen_math == "kb"
        else None
    )

    def setting(name: str, kind: type, default: JsValue) -> JsValue:
        value = settings.get(name, default)
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            notes.append(f"$docsify.{name} is {value!r}: not read, taken as {default!r}")
            return default
        return value

    base_path = str(setting("basePath", str, ""))
    return SiteInfo(
        root=root,
        root_reason=root_reason,
        index_html=index if index.is_file() else None,
        docsify_version=docsify_version or read_version or 4,
        docsify_script=docsify_script,
        math=chosen_math,
        math_script=math_script,
        katex_version=katex,
        alias=_alias(settings.get("alias"), notes),
        base_path=base_path,
        content_root=_content_root(root, base_path, notes),
        relative_path=bool(setting("relativePath", bool, False)),
        sidebar=_loaded_file(settings.get("loadSidebar"), "_sidebar.md"),
        navbar=_loaded_file(settings.get("loadNavbar"), "_navbar.md"),
        coverpage=_loaded_file(settings.get("coverpage"), "_coverpage.md"),
        sub_max_level=int(setting("subMaxLevel", int, 0)),  # type: ignore[arg-type]
        max_level=int(setting("maxLevel", int, 6)),  # type: ignore[arg-type]
        homepage=str(setting("homepage", str, "README.md")),
        ext=str(setting("ext", str, ".md")),
        # docsify takes any value but "history" for hash mode
        router_mode="history" if setting("routerMode", str, "hash") == "history" else "hash",
        no_compile_links=_strings(settings.get("noCompileLinks"), "noCompileLinks", notes),
        notes=tuple(notes),
    )


_DOCSIFY_SRC = re.compile(r"(?:^|/)docsify(?:@([^/]*))?/(lib|dist)/docsify(?:\.min)?\.js", re.I)


def _is_docsify_script(src: str) -> bool:
    return bool(_DOCSIFY_SRC.search(src)) or src.rsplit("/", 1)[-1] in (
        "docsify.js",
        "docsify.min.js",
    )


def _docsify_major(src: str) -> int | None:
    """docsify's major version from its script URL: only a `dist/` build runs docsify 5.

    The npm `latest` tag is 5, but its `lib/docsify.js` is still the 4.13 build, so
    `docsify@latest/lib/…` and unversioned `docsify/lib/…` run docsify 4.
    """
    match = _DOCSIFY_SRC.search(src)
    if match is None:
        return None
    if match.group(2).lower() == "dist":
        return 5
    pinned = re.match(r"\^?~?(\d+)", match.group(1) or "")
    return int(pinned.group(1)) if pinned and int(pinned.group(1)) in (4, 5) else 4


_KATEX_SRC = re.compile(r"(?:^|/)katex(?:@([0-9][^/]*))?/dist/katex(?:\.min)?\.js", re.I)
_KATEX_CDNJS = re.compile(r"/KaTeX/([0-9][^/]*)/katex(?:\.min)?\.js", re.I)


def _math_plugin(page: IndexHtml, root: Path) -> tuple[MathPlugin, str | None, str | None]:
    """Which plugin renders math, its script, and the KaTeX version the page itself loads."""
    katex_version = None
    for src in page.scripts:
        match = _KATEX_SRC.search(src) or _KATEX_CDNJS.search(src)
        if match:
            katex_version = match.group(1) or CURRENT_KATEX
    for src in page.scripts:
        if "docsify-katex" in src.lower():
            return "docsify-katex", src, katex_version
    for src in page.scripts:
        if _local_script_mentions(root, src, "KbMath"):
            return "kb", src, katex_version
    for src in page.scripts:
        if re.search(r"mathjax|docsify-latex", src, re.I):
            return "mathjax", src, katex_version
    return "none", None, katex_version


def _settings_from_local_scripts(page: IndexHtml, root: Path) -> dict[str, JsValue]:
    """`$docsify` set in a script file of the site (`<script src="js/config.js">`)."""
    texts = []
    for src in page.scripts:
        path = _local_script(root, src)
        if path is not None and path.stat().st_size < 1_000_000:
            with contextlib.suppress(OSError):
                texts.append(path.read_text(encoding="utf-8", errors="replace"))
    return docsify_settings(texts)


def _local_script(root: Path, src: str) -> Path | None:
    """The file of a script the page loads from the site itself, or None."""
    if EXTERNAL_URL.match(src):
        return None
    path = (root / src.split("?")[0].lstrip("/")).resolve()
    if not path.is_relative_to(root.resolve()) or not path.is_file():
        return None
    return path


def _local_script_mentions(root: Path, src: str, marker: str) -> bool:
    path = _local_script(root, src)
    if path is None:
        return False
    try:
        return marker in path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return False


def _content_root(root: Path, base_path: str, notes: list[str]) -> Path | None:
    """The folder docsify fetches pages from: `basePath` when it names one inside the site."""
    if not base_path.strip("/. "):
        return None
    if EXTERNAL_URL.match(base_path):
        notes.append(f"basePath {base_path!r} is another server: kb checks the local pages")
        return None
    folder = (root / base_path.strip("/")).resolve()
    if folder.is_dir() and folder.is_relative_to(root.resolve()):
        return folder
    notes.append(f"basePath {base_path!r} names no folder of the site: pages read from the root")
    return None


def _alias(value: JsValue, notes: list[str]) -> tuple[tuple[str, str], ...]:
    if value is None:
        return ()
    if not isinstance(value, dict):
        notes.append(f"$docsify.alias is {value!r}: not read")
        return ()
    pairs = []
    for pattern, target in value.items():
        if isinstance(target, str):
            pairs.append((pattern, target))
        else:
            notes.append(f"$docsify.alias[{pattern!r}] is {target!r}: not read")
    return tuple(pairs)


def _strings(value: JsValue, name: str, notes: list[str]) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return tuple(str(v) for v in value)
    notes.append(f"$docsify.{name} is {value!r}: not read")
    return ()


def _loaded_file(value: JsValue, default: str) -> str | None:
    """docsify's loadSidebar/loadNavbar: true loads the default file, a string names one."""
    if value is True:
        return default
    if isinstance(value, str) and value:
        return value
    return None
