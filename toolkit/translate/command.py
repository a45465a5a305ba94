"""`kb translate`: write, check or report the configured editions' mirrors."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from toolkit.config import LANGUAGES, Config, load_config
from toolkit.document import too_deep
from toolkit.errors import KbError
from toolkit.fileio import display_path as display
from toolkit.fileio import folder_lock, inside, safe_resolve
from toolkit.site import iter_markdown, site_router
from toolkit.translate import BACKENDS
from toolkit.translate.backends import Backend, settings_from
from toolkit.translate.english import EnglishRun, finish_memories, translate_english
from toolkit.translate.glossary import Glossary, load_glossary
from toolkit.translate.hant import HantConverter
from toolkit.translate.mirror import (
    ParsedPage,
    Placement,
    SourcePage,
    Translate,
    build_mirror,
    id_map,
    read_page,
    segmented,
)
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
    root = config.site_root
    i18n = config.project_root / settings.i18n
    glossary = load_glossary(config.project_root / settings.glossary)
    pages = source_pages(config)
    for page in pages:  # never read a page through a symlink out of the book
        _refuse_symlink_out(page, root, "the site root")
    rels = sorted(p.relative_to(root).as_posix() for p in pages)
    selected = _selected(args.paths, root, rels)
    writing = not (args.check or args.status)
    parsed = [read_page(root, rel) for rel in rels]  # once, for every language
    editions = []
    for lang in langs:
        backend = None
        if writing and not args.offline and lang == "en":
            name = args.backend or settings.backend
            backend = _backend_factory(name, config, args.timeout)
        editions.append(_edition(lang, parsed, selected, i18n, glossary, config, args, backend))
    if args.status:
        return print_status(editions, args.format)
    if args.check:
        return check_editions(editions, rels, selected, root, args.paths)
    return write_editions(editions, rels, args.paths)


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


def _backend_factory(name: str, config: Config, timeout: float | None) -> Callable[[], Backend]:
    if name not in BACKENDS:
        raise KbError(f"--backend: unknown backend {name!r}; expected one of {', '.join(BACKENDS)}")

    def make() -> Backend:
        settings = settings_from(name, config.translate)
        if timeout is not None:
            from dataclasses import replace

            settings = replace(settings, timeout=timeout)
        return Backend(settings)

    return make


def _edition(
    lang: str,
    parsed: list[ParsedPage],
    selected: set[str],
    i18n: Path,
    glossary: Glossary,
    config: Config,
    args: argparse.Namespace,
    backend: Callable[[], Backend] | None,
) -> Edition:
    folder = config.edition_folder(lang)
    edition = Edition(lang, folder)
    terms = glossary.terms(lang)
    pages = [segmented(page, terms) for page in parsed]
    translators: dict[str, Translate | None] = {}
    drafts: dict[str, Translate] = {}
    if lang == "en":
        progress = args.progress if args.progress is not None else sys.stderr.isatty()
        run = translate_english(pages, selected, i18n, backend, progress)
        if not (args.check or args.status):
            finish_memories(run, pages, selected)
        edition.problems = run.problems
        edition.sent = len(run.sent)
        for page in pages:
            translators[page.rel] = run.translator(page)
            drafts[page.rel] = run.translator(page, partial=True) or (lambda i: "")
        _english_counts(edition, run, pages, selected)
    else:
        overrides = dict(glossary.hant)
        overrides.update({t: t for t in glossary.keep if any("\u4e00" <= c <= "\u9fff" for c in t)})
        opencc = (args.opencc_config if lang == "zh-Hant" else None) or config.opencc_config(lang)
        converter = HantConverter(opencc, overrides)
        for page in pages:
            converted = [
                converter.convert(s.text) if s.needs_translation else s.text
                for s in page.page.segments
            ]
            translators[page.rel] = drafts[page.rel] = converted.__getitem__
            count = len({s.text for s in page.page.segments if s.needs_translation})
            edition.counts[page.rel] = (count, count, None)
    version = config.docsify_version
    # English sentences open with a capital even when a lower-case glossary term comes first.
    capitalize = lang == "en"
    ids = {
        page.rel: id_map(page, drafts[page.rel], version, capitalize=capitalize) for page in pages
    }
    placement = Placement(
        lang if config.translate.mirrors == "site" else "",
        site_router(config.site),
        tuple(sorted({*LANGUAGES, *config.translate.languages})),
    )
    for page in pages:
        if page.rel not in selected:
            continue
        translated = translators[page.rel]
        if translated is None:
            edition.incomplete.add(page.rel)
            continue
        target = folder / page.rel
        edition.files[target] = build_mirror(
            page, translated, ids, display(target), capitalize=capitalize, placement=placement
        )
        if page.doc.unparsed is not None:
            edition.untranslated[target] = (
                f"{display(page.path)}:{page.doc.unparsed[0]}: {too_deep(page.doc.unparsed)} "
                f"copied untranslated into {display(target)}"
            )
    return edition


def _english_counts(
    edition: Edition, run: EnglishRun, pages: list[SourcePage], selected: set[str]
) -> None:
    for page in pages:
        if page.rel not in selected:
            continue
        msgids = {s.text for s in page.page.segments if s.needs_translation}
        memory = run.memories[page.rel]
        translated, reviewed = memory.counts(msgids)
        edition.counts[page.rel] = (len(msgids), translated, reviewed)
