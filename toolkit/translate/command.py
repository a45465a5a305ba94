"""`kb translate`: write, check or report the configured editions' mirrors."""

from __future__ import annotations

import argparse
import functools
import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from toolkit.config import LANGUAGES, Config, load_config
from toolkit.errors import KbError
from toolkit.fileio import display_path as display
from toolkit.fileio import folder_lock, inside, safe_resolve
from toolkit.routes import site_router
from toolkit.site import iter_markdown
from toolkit.translate import BACKENDS
from toolkit.translate.glossary import load_glossary
from toolkit.translate.mirror import ParsedPage, read_page
from toolkit.translate.mirror_cache import EditionKey, MirrorCache, cache_path, code_digest
from toolkit.translate.outputs import (
    Edition,
    check_editions,
    print_status,
    write_editions,
)


def run_translate(args: argparse.Namespace) -> int:
    """Run `kb translate` as the arguments say; 0 done, 1 missing/stale/rejected, 2 errors."""
    config = load_config(path=args.config, root=args.root)
    i18n = config.project_root / config.translate.i18n
    if args.if_changed:
        if not args.check:
            raise KbError("--if-changed goes with --check")
        if not touches_editions(args.paths, config):
            return 0
        args.paths = []  # a changed page can make any mirror stale (links, the glossary)
    # --check and --status read the mirrors and the memory: not through a symlink out either.
    for folder in (i18n, *(config.edition_folder(lang) for lang in config.translate.languages)):
        _refuse_links_out(folder, config.project_root)
    if args.check or args.status:
        return _run(args, config)
    # Mirrors inside the site: lock the site root rather than create an i18n/ nobody uses.
    locked = config.site_root if config.translate.mirrors == "site" else i18n

    def waiting() -> None:
        shown = display(locked)
        print(f"kb translate: waiting for another kb translate on {shown}", file=sys.stderr)

    # Two writing runs at once would each load the memory, send the same texts and write back
    # only their own additions: the second waits and starts from what the first wrote.
    with folder_lock(locked, waiting):
        return _run(args, config)


def touches_editions(changed: Sequence[Path], config: Config) -> bool:
    """Some changed file is what the mirrors are made from or are: the book, i18n/, the
    glossary or the settings. Decided from the paths (and where the site root is) alone."""
    project = config.project_root.resolve()
    watched = [
        config.site_root.resolve(),
        (project / config.translate.i18n).resolve(),
        *(config.edition_folder(lang).resolve() for lang in config.translate.languages),
    ]
    files = {(project / config.translate.glossary).resolve(), project / "pyproject.toml"}
    if config.config_file is not None:
        files.add(config.config_file.resolve())
    for path in changed:
        absolute = (Path.cwd() / path).resolve()
        if absolute in files or any(absolute.is_relative_to(folder) for folder in watched):
            return True
    return False


def _refuse_links_out(i18n: Path, project_root: Path) -> None:
    """Nothing is written out of the repository: no symlink under i18n/ may lead out of it."""
    if inside(i18n, project_root) is None:
        raise KbError(f"{display(i18n)}: is {safe_resolve(i18n)}, outside the repository")
    for folder, dirs, names in os.walk(i18n):
        for name in (*dirs, *names):
            _refuse_symlink_out(Path(folder) / name, project_root, "the repository")


def _refuse_symlink_out(path: Path, root: Path, what: str) -> None:
    """A symlink at `path` that leads out of `root` (`what` names it) stops the run."""
    if path.is_symlink() and inside(path, root) is None:
        raise KbError(
            f"{display(path)}: symlink to {safe_resolve(path)}, outside {what}; "
            "kb translate writes nothing"
        )


def _run(args: argparse.Namespace, config: Config) -> int:
    settings = config.translate
    langs = _languages(args.lang, settings.languages)
    name = args.backend or settings.backend
    if name not in BACKENDS:
        raise KbError(f"--backend: unknown backend {name!r}; expected one of {', '.join(BACKENDS)}")
    root = config.site_root
    i18n = config.project_root / settings.i18n
    pages = source_pages(config)
    for page in pages:  # never read a page through a symlink out of the book
        _refuse_symlink_out(page, root, "the site root")
    rels = sorted(p.relative_to(root).as_posix() for p in pages)
    selected = _selected(args.paths, root, rels)
    writing = not (args.check or args.status)
    # --status counts segments, which only a parse gives; the rest may come from the cache.
    inputs = None if args.status else EditionInputs(config, rels, args.opencc_config)
    cache = MirrorCache(cache_path(config.project_root))
    parsed: list[ParsedPage] | None = None
    editions = []
    for lang in langs:
        key = inputs.key(lang) if inputs else None
        stored = cache.load(key) if key else None
        if stored is not None and stored.keys() == set(rels):
            folder = config.edition_folder(lang)
            files = {folder / rel: stored[rel] for rel in sorted(selected)}
            editions.append(Edition(lang, folder, files))
            continue
        from toolkit.translate.build import backend_factory, build_edition

        if parsed is None:
            parsed = [read_page(root, rel) for rel in rels]  # once, for every language
        glossary = load_glossary(config.project_root / settings.glossary)
        backend = None
        if writing and not args.offline and lang == "en":
            backend = backend_factory(name, config, args.timeout)
        edition = build_edition(lang, parsed, selected, i18n, glossary, config, args, backend)
        if lang == "en" and not args.status:
            # The style sheet's rules (english_style.py): findings keep the edition out of the
            # cache, so a cached edition is one that passed them.
            from toolkit.translate import english_style

            sheet = english_style.load_style_sheet(
                (config.project_root / settings.glossary).with_name(english_style.STYLE_SHEET)
            )
            edition.style = english_style.check_english(edition.files, sheet, i18n)
            if edition.style and args.check:
                print(f"kb translate: en: {len(edition.style)} style findings", file=sys.stderr)
        editions.append(edition)
        complete = not (
            edition.problems
            or edition.incomplete
            or edition.untranslated
            or edition.notes
            or edition.style
        )
        if inputs and complete and selected == set(rels):
            # (English: the key is taken again, from the memory this run leaves behind.)
            built = {rel: edition.files[edition.folder / rel] for rel in rels}
            cache.store(inputs.key(lang), lang, built)
    if args.status:
        return print_status(editions, args.format)
    if args.check:
        return check_editions(editions, rels, selected, root, args.paths)
    return write_editions(editions, rels, args.paths)


@dataclass
class EditionInputs:
    """Everything an edition's mirrors are made from, as the key of the mirror cache."""

    config: Config
    rels: list[str]
    opencc_override: str | None

    def key(self, lang: str) -> str:
        """The digest of every input of edition `lang` (read now: the memory may change)."""
        config = self.config
        settings = config.translate
        key = EditionKey.start(lang, _code())
        opencc = (self.opencc_override if lang == "zh-Hant" else None) or config.opencc_config(lang)
        key.add(
            settings.mirrors,
            opencc if lang != "en" else "",
            str(config.docsify_version),
            repr(site_router(config.site)),
            repr(sorted({*LANGUAGES, *settings.languages})),
        )
        project = config.project_root
        key.add_files([project / settings.glossary], project)
        root = config.site_root
        key.add_files([root / rel for rel in self.rels], root)
        if lang == "en":  # the style sheet its mirrors were checked against
            key.add_files([(project / settings.glossary).with_name("style-en.md")], project)
        if lang in ("en", "zh-Hant"):  # the memories: English, and zh-Hant's reviewed pages
            memory = project / settings.i18n / "po" / lang
            key.add_files(sorted(memory.rglob("*.po")) if memory.is_dir() else [], project)
        if lang == "zh-Hant":  # Taiwan's reviewed table, beside the glossary
            from toolkit.translate.hant_table import TABLE_NAME  # not hant_edition: OpenCC

            table = (project / settings.glossary).parent / TABLE_NAME
            key.add_files([table], project)
        return key.hexdigest()


@functools.cache
def _code() -> str:
    return code_digest()


def source_pages(config: Config) -> list[Path]:
    """The book's Markdown pages: the site root's, without the editions kept inside it."""
    root = config.site_root
    if config.translate.mirrors != "site":
        return iter_markdown([root])
    # Every known language folder, configured or not: a mirror is never a page to translate.
    editions = {root / lang for lang in {*LANGUAGES, *config.translate.languages}}
    return [p for p in iter_markdown([root]) if not any(p.is_relative_to(e) for e in editions)]


def _languages(value: str | None, default: Sequence[str]) -> list[str]:
    langs = [v.strip() for v in value.split(",") if v.strip()] if value else list(default)
    for lang in langs:
        if lang not in LANGUAGES:
            raise KbError(f"--lang: unknown language {lang!r}; expected {', '.join(LANGUAGES)}")
    return langs


def _selected(paths: Sequence[Path], root: Path, rels: list[str]) -> set[str]:
    if not paths:
        return set(rels)
    chosen: set[str] = set()
    for path in paths:
        resolved = path.resolve()
        if not resolved.is_relative_to(root.resolve()):
            raise KbError(f"{path}: not inside the book ({root})")
        rel = resolved.relative_to(root.resolve()).as_posix()
        found = [r for r in rels if r == rel or rel in (".", "") or r.startswith(rel + "/")]
        if not found:
            raise KbError(f"{path}: no Markdown page of the book there")
        chosen.update(found)
    return chosen
