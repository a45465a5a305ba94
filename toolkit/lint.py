"""`kb lint`: run every rule family over the given files and apply safe fixes."""

from __future__ import annotations

import fnmatch
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from toolkit import suppress
from toolkit.config import Config
from toolkit.document import SourceText, decode, encode, parse
from toolkit.errors import KbError
from toolkit.fileio import safe_resolve, write_atomic
from toolkit.findings import Finding, Fix
from toolkit.rules import FAMILIES, RULES_BY_CODE, Page, Rule
from toolkit.site import Site, default_cache_path, iter_markdown

ALL_RULES: dict[str, Rule] = {**RULES_BY_CODE, **{r.code: r for r in suppress.RULES}}


@dataclass(frozen=True, slots=True)
class Options:
    """What the command line asked of one lint run."""

    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    fix: bool = False
    external: bool = False
    use_cache: bool = True


@dataclass
class Result:
    """Findings left after the run, files `--fix` changed, and files that could not be read."""

    findings: list[Finding] = field(default_factory=list)
    fixed: dict[str, int] = field(default_factory=dict)
    """Display path to the number of fixes applied there."""
    errors: list[str] = field(default_factory=list)


@dataclass(slots=True)
class _Loaded:
    page: Page
    site: Site
    source: SourceText
    path: Path


def selected(code: str, select: Sequence[str], ignore: Sequence[str]) -> bool:
    """flake8-style prefix selection: `--select ANC` keeps ANC001, `--ignore LNK0` drops LNK001."""
    if select and not code.startswith(tuple(select)):
        return False
    return not (ignore and code.startswith(tuple(ignore)))


def lint(paths: Sequence[Path], config: Config, options: Options) -> Result:
    """Lint Markdown files and folders; with `options.fix`, write safe fixes and re-check."""
    result = Result()
    files = _expand(paths, config, result)
    sites = _Sites(config, options.use_cache)
    loaded = [item for item in (_load(p, sites, config, result) for p in files) if item]
    loaded += _dependents(loaded, sites, config, result)
    if options.fix:
        loaded = _apply_fixes(loaded, sites, config, options, result)
    for item in loaded:
        result.findings.extend(_check_page(item, config, options))
    if options.external:
        from toolkit.external import ExternalSettings, check_external_links

        pages = [item.page for item in loaded]
        result.findings.extend(
            f
            for f in check_external_links(
                pages, settings=ExternalSettings(use_cache=options.use_cache)
            )
            if selected(f.code, options.select, options.ignore)
        )
    sites.save()
    result.findings.sort()
    return result


class _Sites:
    """The book's site, plus a GitHub-only site at the project root for files outside it."""

    def __init__(self, config: Config, use_cache: bool) -> None:
        self.config = config
        self.use_cache = use_cache
        self._sites: dict[Path, Site] = {}

    def for_file(self, path: Path) -> tuple[Site, str, tuple[str, ...]]:
        """The site a file belongs to, its path there, and the profiles that apply."""
        resolved = safe_resolve(path)
        book = self.config.site_root.resolve()
        if resolved.is_relative_to(book) and book != self.config.project_root.resolve():
            return self._site(book), resolved.relative_to(book).as_posix(), self.config.profiles
        mirror = _mirror_root(resolved, self.config)
        if mirror is not None:
            return self._site(mirror), resolved.relative_to(mirror).as_posix(), self.config.profiles
        root = self.config.project_root.resolve()
        if resolved.is_relative_to(root):
            profiles = self.config.profiles if book == root else ("github",)
            return self._site(root), resolved.relative_to(root).as_posix(), profiles
        return self._site(resolved.parent), resolved.name, ("github",)

    def _site(self, root: Path) -> Site:
        if root not in self._sites:
            site = Site.scan(root, self.config.docsify_version)
            if self.use_cache:
                site.load_cache(default_cache_path(root))
            self._sites[root] = site
        return self._sites[root]

    def save(self) -> None:
        if self.use_cache:
            for root, site in self._sites.items():
                site.save_cache(default_cache_path(root))


def _mirror_root(path: Path, config: Config) -> Path | None:
    """A translated edition (`i18n/<lang>/`) is a site of its own, shaped like the book."""
    i18n = (config.project_root / "i18n").resolve()
    if not path.is_relative_to(i18n):
        return None
    parts = path.relative_to(i18n).parts
    if len(parts) >= 2 and parts[0] not in ("po",):
        return i18n / parts[0]
    return None


def _dependents(
    loaded: list[_Loaded], sites: _Sites, config: Config, result: Result
) -> list[_Loaded]:
    """Pages outside the run that link into its pages (or into deleted ones): check them too.

    pre-commit passes only changed files, but a changed heading breaks links elsewhere.
    """
    by_site: dict[Path, tuple[Site, set[str]]] = {}
    for item in loaded:
        by_site.setdefault(item.site.root, (item.site, set()))[1].add(item.page.rel)
    extra: list[_Loaded] = []
    for site, rels in by_site.values():
        if len(rels) >= len(site.pages()):
            continue
        for rel in site.dependents(rels | site.deleted_pages()):
            found = _load(site.root / rel, sites, config, result)
            if found is not None:
                extra.append(found)
    return extra


def _expand(paths: Sequence[Path], config: Config, result: Result) -> list[Path]:
    files: list[Path] = []
    for path in paths:
        if not path.exists() and not path.is_symlink():
            result.errors.append(f"{path}: no such file or folder")
            continue
        if path.is_dir() and path.suffix == ".md":
            result.errors.append(f"{path}: is a folder, not a Markdown file")
            continue
        files.extend(iter_markdown([path]))
    root = config.project_root.resolve()
    kept = []
    for file in dict.fromkeys(files):
        try:
            rel = safe_resolve(file).relative_to(root).as_posix()
        except ValueError:
            rel = file.as_posix()
        if not any(fnmatch.fnmatch(rel, glob) for glob in config.exclude):
            kept.append(file)
    return kept


def display_path(path: Path) -> str:
    """The path shown in findings: relative to the current folder when below it."""
    try:
        return Path(os.path.relpath(path)).as_posix()
    except ValueError:
        return path.as_posix()


def _load(path: Path, sites: _Sites, config: Config, result: Result) -> _Loaded | None:
    display = display_path(path)
    try:
        if path.is_dir():
            raise KbError(f"{display}: is a folder, not a Markdown file")
        data = path.read_bytes()
        source = decode(data, Path(display))
    except KbError as error:
        result.errors.append(str(error))
        return None
    except OSError as error:
        result.errors.append(f"{display}: cannot read: {error.strerror or error}")
        return None
    doc = parse(source.text, path)
    site, rel, profiles = sites.for_file(path)
    site.remember(rel, data, doc)
    return _Loaded(Page(doc, rel, display, profiles), site, source, path)


def _check_page(item: _Loaded, config: Config, options: Options) -> list[Finding]:
    findings: list[Finding] = []
    for family in FAMILIES:
        findings.extend(family.check(item.page, item.site, config))
    findings = suppress.apply_suppressions(item.page, findings, ALL_RULES)
    ignored = _per_file_ignores(item.path, config)
    return [f for f in findings if selected(f.code, options.select, options.ignore + ignored)]


def _per_file_ignores(path: Path, config: Config) -> tuple[str, ...]:
    try:
        rel = safe_resolve(path).relative_to(config.project_root.resolve()).as_posix()
    except ValueError:
        rel = path.as_posix()
    codes: list[str] = []
    for glob, ignored in config.per_file_ignores.items():
        if fnmatch.fnmatch(rel, glob):
            codes.extend(ignored)
    return tuple(codes)


def _apply_fixes(
    loaded: list[_Loaded], sites: _Sites, config: Config, options: Options, result: Result
) -> list[_Loaded]:
    """Write every safe fix, then re-parse the changed files so the final check sees them."""
    changed: list[_Loaded] = []
    for item in loaded:
        fixes = [f.fix for f in _check_page(item, config, options) if f.fix is not None]
        new_text, applied = apply_fixes(item.page.doc.text, fixes)
        if not applied:
            continue
        if item.source.newline is None:
            result.errors.append(
                f"{item.page.display}: mixes line-end styles; not fixed (normalise line ends first)"
            )
            continue
        data = encode(item.source, new_text)
        write_atomic(item.path, data)
        result.fixed[item.page.display] = applied
        changed.append(item)
    if not changed:
        return loaded
    reloaded: list[_Loaded] = []
    for item in loaded:
        again = _load(item.path, sites, config, result) if item in changed else item
        if again is not None:
            reloaded.append(again)
    return reloaded


def apply_fixes(text: str, fixes: Iterable[Fix]) -> tuple[str, int]:
    """Apply non-overlapping fixes in one pass; overlapping ones wait for the next run."""
    chosen: list[Fix] = []
    for fix in sorted(set(fixes)):
        if chosen and fix.start < chosen[-1].end:
            continue
        chosen.append(fix)
    pieces: list[str] = []
    at = 0
    for fix in chosen:
        pieces.append(text[at : fix.start])
        pieces.append(fix.replacement)
        at = fix.end
    pieces.append(text[at:])
    return "".join(pieces), len(chosen)
