"""`kb lint`: run every rule family over the given files and apply safe fixes."""

from __future__ import annotations

import os
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from toolkit import suppress
from toolkit.config import Config, Profile
from toolkit.document import parse
from toolkit.edits import splice
from toolkit.errors import KbError
from toolkit.fileio import display_path, inside, read_file_stat, safe_resolve, write_atomic
from toolkit.findings import Finding, Fix
from toolkit.markdown import too_deep
from toolkit.relink import moved_ids, rewrite_links
from toolkit.rules import FAMILIES
from toolkit.rules.base import Page, Rule, RuleSet
from toolkit.site import Site, default_cache_path, iter_markdown, scan_site
from toolkit.source import SourceText, decode, encode

RULE_SETS: tuple[RuleSet, ...] = (*FAMILIES, suppress)
"""Every code kb reports: the rule families, then the suppression comments' own."""
ALL_RULES: dict[str, Rule] = {r.code: r for s in RULE_SETS for r in s.RULES}
FAMILY_OF: dict[str, str] = {r.code: s.NAME for s in RULE_SETS for r in s.RULES}
"""The family a code belongs to, named as its docs page and fixture folder are."""


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
    moved: dict[str, list[tuple[str, str, str]]] = field(default_factory=dict)
    """Display path to (profile, old id, new id) of each heading id that `--fix` changed there."""
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
    loaded = [item for item in (_load(p, sites, result) for p in files) if item]
    loaded += _dependents(loaded, sites, config, result)
    if options.fix:
        loaded = _apply_fixes(loaded, sites, config, options, result)
    # Network findings join each page's own before suppression, so `kb-disable LNK009` and
    # per-file ignores reach them (and such a comment is not reported as unused).
    external: dict[str, list[Finding]] = {}
    if options.external and selected("LNK009", options.select, options.ignore):
        from toolkit.external import ExternalSettings, check_external_links

        pages = [item.page for item in loaded]
        settings = ExternalSettings(use_cache=options.use_cache)
        for finding in check_external_links(pages, settings=settings):
            external.setdefault(finding.path, []).append(finding)
    for item in loaded:
        result.findings.extend(
            _check_page(item, config, options, external.get(item.page.display, ()))
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
        # Resolved once per run, not once per page (each resolve is a syscall per path part).
        self._book = config.site_root.resolve()
        self._project = config.project_root.resolve()
        self._i18n = (config.project_root / config.translate.i18n).resolve()
        self._folders: dict[Path, Path] = {}

    def resolve(self, path: Path) -> Path:
        """`safe_resolve(path)`, resolving each folder once per run: a page that is not itself
        a symlink is its resolved folder plus its name (one lstat instead of one per part)."""
        if os.path.islink(path):
            return safe_resolve(path)
        folder = self._folders.get(path.parent)
        if folder is None:
            folder = self._folders[path.parent] = safe_resolve(path.parent)
        return folder / path.name

    def for_file(self, path: Path) -> tuple[Site, str, tuple[Profile, ...]]:
        """The site a file belongs to, its path there, and the profiles that apply."""
        resolved = self.resolve(path)
        book = self._book
        if resolved.is_relative_to(book) and book != self._project:
            return self._site(book), resolved.relative_to(book).as_posix(), self.config.profiles
        mirror = _mirror_root(resolved, self._i18n)
        if mirror is not None:
            site = self._site(mirror, mirror=True)
            return site, resolved.relative_to(mirror).as_posix(), self.config.profiles
        root = self._project
        if resolved.is_relative_to(root):
            if book == root:
                return self._site(root), resolved.relative_to(root).as_posix(), self.config.profiles
            return self._site(root, True), resolved.relative_to(root).as_posix(), ("github",)
        return self._site(resolved.parent, True), resolved.name, ("github",)

    def _site(self, root: Path, github_only: bool = False, mirror: bool = False) -> Site:
        if root not in self._sites:
            # Files outside the docsify site are read as GitHub shows them: its math is not
            # KaTeX, so formulas there are not judged.
            site = scan_site(self.config.site, root, "none" if github_only else None)
            if mirror:
                # kb translate copies no images: an edition is served with the book's files
                # (kb build-site puts them beside it), so its links may name them.
                book = self._site(self._book)
                site.files.update(f for f in book.files if not f.endswith(".md"))
                site.folders.update(book.folders)
            if self.use_cache:
                site.open_cache(default_cache_path(root))
            self._sites[root] = site
        return self._sites[root]

    def save(self) -> None:
        if self.use_cache:
            for site in self._sites.values():
                site.save_cache()


def _mirror_root(path: Path, i18n: Path) -> Path | None:
    """A translated edition under `i18n/<lang>/` (`i18n` resolved) is a site of its own,
    shaped like the book.

    (Editions kept inside the site, `mirrors = "site"`, are served by the book's own index.html
    and their links are written for it: they are pages of the book's site.)
    """
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
            found = _load(site.root / rel, sites, result)
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
        walked = iter_markdown([path], result.errors)
        if path.is_dir():
            walked = [f for f in walked if not _symlink_out(f, config, result)]
        files.extend(walked)
    return [file for file in dict.fromkeys(files) if not config.is_excluded(file)]


def _symlink_out(path: Path, config: Config, result: Result) -> bool:
    """A symlink met in a folder that leads out of the repository is named, and never read."""
    if not path.is_symlink() or inside(path, config.project_root) is not None:
        return False
    result.errors.append(
        f"{display_path(path)}: symlink to {safe_resolve(path)}, outside the repository; not read"
    )
    return True


def _load(path: Path, sites: _Sites, result: Result) -> _Loaded | None:
    display = display_path(path)
    try:
        if path.is_dir():
            raise KbError(f"{display}: is a folder, not a Markdown file")
        opened_ns = time.time_ns()
        data, info = read_file_stat(path)
        source = decode(data, Path(display))
    except KbError as error:
        result.errors.append(str(error))
        return None
    except OSError as error:
        result.errors.append(f"{display}: cannot read: {error.strerror or error}")
        return None
    site, rel, profiles = sites.for_file(path)
    doc = site.load(rel, data, source.text, path, (info, opened_ns))
    if doc.unparsed is not None:
        result.errors.append(f"{display}:{doc.unparsed[0]}: {too_deep(doc.unparsed)} not checked")
    return _Loaded(Page(doc, rel, display, profiles), site, source, path)


def _check_page(
    item: _Loaded, config: Config, options: Options, extra: Iterable[Finding] = ()
) -> list[Finding]:
    findings: list[Finding] = list(extra)
    for family in FAMILIES:
        findings.extend(family.check(item.page, item.site, config))
    findings = _one_per_answer_link(findings)
    findings = suppress.apply_suppressions(item.page, findings, ALL_RULES)
    ignored = config.ignored_codes(item.path)
    return [f for f in findings if selected(f.code, options.select, options.ignore + ignored)]


_ANSWER_LINK_UNRESOLVED = "QST009"


def _one_per_answer_link(findings: list[Finding]) -> list[Finding]:
    """A broken answer link on a question-list page is one defect: QST009 reports it with the
    place the book answers the question (and a fix to it), so the anchor or link finding at the
    same place is dropped."""
    answered = {(f.line, f.column) for f in findings if f.code == _ANSWER_LINK_UNRESOLVED}
    if not answered:
        return findings
    return [
        f
        for f in findings
        if not (f.code in ("ANC001", "LNK001") and (f.line, f.column) in answered)
    ]


def _apply_fixes(
    loaded: list[_Loaded], sites: _Sites, config: Config, options: Options, result: Result
) -> list[_Loaded]:
    """Write every safe fix, point links at heading ids that moved, and re-parse what changed."""
    items = list(loaded)
    for index in range(len(items)):
        item = items[index]
        new_text, applied = _fix_passes(item, config, options)
        if not applied:
            continue
        if item.source.newline is None:
            result.errors.append(
                f"{item.page.display}: mixes line-end styles; not fixed (normalise line ends first)"
            )
            continue
        if not _write_fixed(item, encode(item.source, new_text), config, result):
            continue
        result.fixed[item.page.display] = result.fixed.get(item.page.display, 0) + applied
        again = _load(item.path, sites, result)
        if again is None:
            continue
        items[index] = again
        _relink(item, again, items, sites, config, result)
    return items


def _write_fixed(item: _Loaded, data: bytes, config: Config, result: Result) -> bool:
    """Write a fixed page atomically, through a symlink to its real file, never out of the repo."""
    real = inside(item.path, config.project_root)
    if real is None:
        result.errors.append(
            f"{item.page.display}: is {safe_resolve(item.path)}, outside the repository; not fixed"
        )
        return False
    try:
        write_atomic(real, data)
    except OSError as error:
        result.errors.append(f"{item.page.display}: cannot write: {error.strerror or error}")
        return False
    return True


_MAX_FIX_PASSES = 10


def _fix_passes(item: _Loaded, config: Config, options: Options) -> tuple[str, int]:
    """Apply fixes and re-check in memory until none is left: overlapping fixes need passes."""
    text, total = item.page.doc.text, 0
    current = item
    for _ in range(_MAX_FIX_PASSES):
        fixes = [f.fix for f in _check_page(current, config, options) if f.fix is not None]
        text, applied = apply_fixes(text, fixes)
        if not applied:
            break
        total += applied
        doc = parse(text, item.path, current.site.math)
        current.site.remember(item.page.rel, encode(item.source, text), doc)
        current = replace(current, page=replace(current.page, doc=doc))
    return text, total


def _relink(
    before: _Loaded,
    after: _Loaded,
    items: list[_Loaded],
    sites: _Sites,
    config: Config,
    result: Result,
) -> None:
    """Rewrite links anywhere in the site that named a heading id the fixes changed."""
    moves = moved_ids(before.page.doc, after.page.doc, config.docsify_version)
    moved = [
        (profile, old, new)
        for profile in after.page.profiles
        for old, new in moves.get(profile, {}).items()
    ]
    if not moved:
        return
    result.moved.setdefault(after.page.display, []).extend(moved)
    rewritten = rewrite_links(after.site, after.page.rel, moves, after.page.profiles)
    result.errors.extend(rewritten.errors)
    touched = {path.resolve() for path in rewritten.files}
    for path, count in rewritten.files.items():
        display = display_path(path)
        result.fixed[display] = result.fixed.get(display, 0) + count
    for index, item in enumerate(items):
        if item.path.resolve() in touched:
            items[index] = _load(item.path, sites, result) or item


def apply_fixes(text: str, fixes: Iterable[Fix]) -> tuple[str, int]:
    """Apply non-overlapping fixes in one pass; overlapping ones wait for the next run."""
    chosen: list[Fix] = []
    for fix in sorted(set(fixes)):
        if chosen and fix.start < chosen[-1].end:
            continue
        chosen.append(fix)
    return splice(text, [(f.start, f.end, f.replacement) for f in chosen]), len(chosen)
