"""Build one edition's mirrors from the parsed book: OpenCC or the English memory, ids, links."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

from toolkit.config import LANGUAGES, Config
from toolkit.errors import KbError
from toolkit.fileio import display_path as display
from toolkit.markdown import too_deep
from toolkit.routes import site_router
from toolkit.translate import BACKENDS
from toolkit.translate.backends import Backend, settings_from
from toolkit.translate.english import EnglishRun, finish_memories, translate_english
from toolkit.translate.glossary import Glossary
from toolkit.translate.hant import HantConverter
from toolkit.translate.hant_edition import glossary_overrides, hant_edition
from toolkit.translate.hant_memory import load_review
from toolkit.translate.mirror import (
    ParsedPage,
    Placement,
    SourcePage,
    Translate,
    build_mirror,
    id_map,
    segmented,
)
from toolkit.translate.outputs import Edition


def backend_factory(name: str, config: Config, timeout: float | None) -> Callable[[], Backend]:
    if name not in BACKENDS:
        raise KbError(f"--backend: unknown backend {name!r}; expected one of {', '.join(BACKENDS)}")

    def make() -> Backend:
        settings = settings_from(name, config.translate)
        if timeout is not None:
            from dataclasses import replace

            settings = replace(settings, timeout=timeout)
        return Backend(settings)

    return make


def build_edition(
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
    math_text: Callable[[str], str] | None = None
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
    elif lang == "zh-Hant":
        # Taiwan's edition: the reviewed table (characters, phrases, vocabulary), the review
        # memory under i18n/po/zh-Hant/, and the check of what OpenCC chose.
        hant = hant_edition(
            args.opencc_config or config.opencc_config(lang),
            glossary,
            config.project_root / config.translate.glossary,
        )
        math_text = hant.math_text
        hant.prefetch(pages)
        review = load_review(i18n, pages)
        for page in pages:
            converted = review.texts(page, hant.segment_text)
            translators[page.rel] = drafts[page.rel] = converted.__getitem__
            texts = {s.text for s in page.page.segments if s.needs_translation}
            signed = len(texts & review.reviewed.get(page.rel, set()))
            edition.counts[page.rel] = (len(texts), len(texts), signed)
        edition.problems = review.problems
        if not args.status:
            chosen = [p for p in pages if p.rel in selected]
            edition.notes = hant.check(chosen, review.reviewed).findings
        if not (args.check or args.status):
            review.save(pages, selected, hant.segment_text)
    else:
        converter = HantConverter(config.opencc_config(lang), glossary_overrides(glossary))
        converter.prefetch(s.text for p in pages for s in p.page.segments if s.needs_translation)
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
            page,
            translated,
            ids,
            display(target),
            capitalize=capitalize,
            placement=placement,
            math_text=math_text,
        )
        if page.doc.unparsed is not None:
            edition.untranslated[target] = (
                f"{display(page.path)}:{page.doc.unparsed[0]}: {too_deep(page.doc.unparsed)} "
                f"copied untranslated into {display(target)}"
            )
        elif page.page.kept_lines:
            # Inline text the segmenter could not find in the source as markdown-it saw it
            # (a table cell ending in U+3000 or a no-break space, which the parser trims):
            # kept as written, and said, never dropped silently.
            lines = ", ".join(map(str, page.page.kept_lines))
            edition.untranslated[target] = (
                f"{display(page.path)}:{page.page.kept_lines[0]}: text on line(s) {lines} "
                f"not matched to its source, copied untranslated into {display(target)}"
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
