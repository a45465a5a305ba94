"""The `kb` command: argument parsing and dispatch only."""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TypeAlias

from toolkit import __version__
from toolkit.errors import KbError
from toolkit.findings import FORMATS
from toolkit.translate import BACKENDS

_LINT_EPILOG = """\
exit status: 0 passed (warnings alone pass), 1 an error-severity finding, warnings past
--max-warnings (or any warning with fail-on = "warning" in [tool.kb]), or --fix changed files;
2 usage, config or I/O error.

examples:
  kb lint                       lint the whole site (its root: see kb site)
  kb lint content/大模型微调     lint one folder; anchors into other pages are still checked
  kb lint --select ANC,LNK002   only anchor findings and LNK002
  kb lint --fix                 apply the safe fixes, print what changed, report the rest
  kb lint --max-warnings 0      fail on warnings too
  kb lint --format sarif > kb.sarif
  kb lint --explain ANC001      what a code catches, why it matters, an example and its fix
"""


_TRANSLATE_EPILOG = """\
exit status: 0 done (or mirrors current), 1 mirrors missing, stale, waiting for
translations, holding lines copied untranslated, or zh-Hant text the reviewed table cannot
vouch for (each listed), 2 usage, config or I/O error.

Which editions ([tool.kb.translate] languages: en, zh-Hant, zh-HK) and where their mirrors
live (mirrors = "i18n": i18n/<lang>/, or "site": <site root>/<lang>/) are settings.
English comes from the translation memory i18n/po/en/<page>.po; only segments it lacks
are sent to the backend. API keys come from the environment only (LIBRE_API_KEY,
DEEPL_API_KEY, MICROSOFT_API_KEY, OPENAI_API_KEY, or the variable named by api-key-env
in [tool.kb.translate]); KB_TRANSLATE_URL sets the LibreTranslate server.

Traditional Chinese comes from OpenCC (s2twp) and the reviewed Taiwan table
i18n/zh-Hant.toml; a one-to-many character, TWPhrases conversion, mainland term or curly
quote it cannot vouch for is listed as page:line. Reviewed sentences come from
i18n/po/zh-Hant/<page>.po, for the pages a reviewer opted in by creating that file.

examples:
  kb translate                           every configured edition (memory first, then backend)
  kb translate --lang zh-Hant            only the Traditional Chinese mirrors (OpenCC, offline)
  kb translate --offline                 use only the memory; list what it lacks
  kb translate --backend libre content/大模型微调
  kb translate --check                   exit 1 if a mirror is missing or stale, or English prose
                                         breaks the style sheet i18n/style-en.md (CI, pre-commit)
  kb translate --check --if-changed FILE...   the same, only when a FILE is in the book, the
                                         mirrors, the glossary or the settings file (pre-commit)
  kb translate --status --format json    segments, translated, reviewed and stale per page
"""


_QUESTIONS_EPILOG = """\
exit status: 0 printed, 2 usage, config or I/O error (a page that cannot be read, or that is a
symlink out of the site root, is named on stderr and left out; the rest is printed).

examples:
  kb questions                      page:line, section, question and link of every question
  kb questions --format json        one object per question: page, line, section, number,
                                    question, id, link
  kb questions --markdown > content/大模型面试题/索引.md
                                    the index page (a question list; it passes kb lint)
"""


def _codes(value: str) -> list[str]:
    return [code.strip() for code in value.split(",") if code.strip()]


def _count(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        number = -1
    if number < 0:
        raise argparse.ArgumentTypeError(f"expected a whole number >= 0, not {value!r}")
    return number


_Commands: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"


def _command(
    commands: _Commands, name: str, run: str, *, summary: str, description: str, epilog: str
) -> argparse.ArgumentParser:
    """A subcommand placed the one way all are: the `module:function` that runs it (imported
    only when it runs, so `kb --help` stays fast), its help, raw epilog, --config and --root."""
    command = commands.add_parser(
        name,
        help=summary,
        description=description,
        epilog=epilog,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    command.set_defaults(run=run)
    _add_site_options(command)
    return command


def runner(spec: str) -> Callable[[argparse.Namespace], int]:
    """The `run_<command>(args) -> int` function a subcommand names as `module:function`."""
    module, _, name = spec.partition(":")
    run: Callable[[argparse.Namespace], int] = getattr(importlib.import_module(module), name)
    return run


def _add_paths(command: argparse.ArgumentParser, summary: str) -> None:
    command.add_argument("paths", nargs="*", type=Path, metavar="PATH", help=summary)


def _add_site_options(command: argparse.ArgumentParser) -> None:
    """--config and --root: which settings and which site, the same on every command."""
    command.add_argument(
        "--config",
        type=Path,
        metavar="FILE",
        help="settings file: kb.toml, or pyproject.toml's [tool.kb] (default: found from here)",
    )
    command.add_argument(
        "--root",
        type=Path,
        metavar="PATH",
        help="the docsify site root (the folder of its index.html); overrides the settings "
        "and discovery. A root that does not exist is an error.",
    )


def _add_site_parser(commands: _Commands) -> None:
    site = _command(
        commands,
        "site",
        "toolkit.site_command:run_site",
        summary="print what kb read about the docsify site (root, index.html, plugins, KaTeX)",
        description="Print everything kb learnt about the site before linting it: where the "
        "site root is and how it was found, the docsify version the page really runs (from "
        "its script URL), the math plugin and the KaTeX version formulas are judged by, and "
        "the window.$docsify settings that change how links and ids resolve. Settings in "
        "kb.toml or [tool.kb] override what index.html says.",
        epilog="exit status: 0 printed, 2 usage or config error (e.g. a configured root that "
        "does not exist).\n\nexamples:\n  kb site\n  kb site --root docs\n"
        "  kb site --format json",
    )
    site.add_argument(
        "--format", choices=("text", "json"), default="text", help="output format (default: text)"
    )


def _add_questions_parser(commands: _Commands) -> None:
    questions = _command(
        commands,
        "questions",
        "toolkit.questions_command:run_questions",
        summary="print the book's question index (table, JSON or Markdown)",
        description="List every interview question of the book (a ### or #### heading ending "
        "in ？ or ?) with its page and line, its section, its docsify id and a docsify link "
        "(/page.md?id=...). Question-list pages ([tool.kb] question-pages) are not read. "
        "--markdown prints a question-list page for content/大模型面试题/索引.md that passes "
        "kb lint itself.",
        epilog=_QUESTIONS_EPILOG,
    )
    questions.add_argument(
        "--format",
        choices=(
            "table",
            "json",
            "markdown",
        ),  # questions_command.FORMATS (a test keeps them equal)
        default="table",
        help="output format (default: table)",
    )
    questions.add_argument("--markdown", action="store_true", help="same as --format markdown")


def _add_lint_parser(commands: _Commands) -> None:
    lint = _command(
        commands,
        "lint",
        "toolkit.lint_command:run_lint",
        summary="check anchors, links, formulas and question formatting",
        description="Check Markdown files of a docsify book: TOC and sidebar anchors "
        "(docsify ?id= and #fragment ids), links to pages, folders and images, formulas "
        "(KaTeX), interview questions (on question books) and the inline kb-disable comments. "
        "Prints `path:line:col: CODE message` per finding. An error is something a "
        "reader of the live site meets (a 404, a missing heading, a KaTeX error); a warning "
        "is style or risk, and does not fail the run unless asked.",
        epilog=_LINT_EPILOG,
    )
    _add_paths(lint, "Markdown files or folders (default: the site root from [tool.kb])")
    lint.add_argument("--format", choices=FORMATS, default="text", help="output format")
    for option, summary in (
        (
            "--select",
            "report only codes starting with these prefixes (comma-separated, repeatable)",
        ),
        ("--ignore", "do not report codes starting with these prefixes"),
    ):
        lint.add_argument(
            option, action="append", type=_codes, default=[], metavar="CODES", help=summary
        )
    lint.add_argument(
        "--fix", action="store_true", help="apply safe fixes (files written atomically)"
    )
    lint.add_argument(
        "--statistics", action="store_true", help="print counts per code instead of each finding"
    )
    lint.add_argument(
        "--external",
        action="store_true",
        help="also check http(s) links over the network (concurrent, cached, time-limited)",
    )
    lint.add_argument(
        "--max-warnings",
        type=_count,
        metavar="N",
        help="also fail (exit 1) when there are more than N warnings (default: warnings pass)",
    )
    lint.add_argument("--explain", metavar="CODE", help="print the documentation of a code or name")
    lint.add_argument(
        "--verbose",
        "-v",
        action="store_true",
        help="say on stderr which site root, docsify version, math plugin and KaTeX are used",
    )
    lint.add_argument(
        "--no-cache",
        action="store_true",
        help="do not read or write the heading-index cache (heading ids and parsed pages, kept "
        "outside the repository)",
    )


def _add_build_site_parser(commands: _Commands) -> None:
    build_site = _command(
        commands,
        "build-site",
        "toolkit.site_build_command:run_build_site",
        summary="write the three editions as one static docsify site (for GitHub Pages)",
        description="Assemble the docsify site: the book (the site root, as kb site shows "
        "it) at /, i18n/zh-Hant/ at /zh-Hant/ and i18n/en/ at /en/, each "
        "edition with its own copy of the book's index.html and the book's _navbar.md "
        "(the language switch). A missing edition is left out and named on stderr. OUT is "
        "created, or replaced only when an earlier build-site wrote it (it holds "
        ".kb-build-site); any other non-empty folder is refused. A file that is a symlink "
        "to outside the repository is never copied into the site (it is named on stderr).",
        epilog="exit status: 0 built, 1 built but files were left out (symlinks out of the "
        "repository), 2 usage, config or I/O error.\n\n"
        "example:\n  kb build-site site        then publish site/ (it has .nojekyll)",
    )
    build_site.add_argument("out", type=Path, metavar="OUT", help="folder to write the site to")


def _add_serve_parser(commands: _Commands) -> None:
    serve = _command(
        commands,
        "serve",
        "toolkit.site_build_command:run_serve",
        summary="build the site into a temporary folder and serve it on 127.0.0.1",
        description="Build the site as `kb build-site` does, into a temporary folder, and "
        "serve it on 127.0.0.1 until Ctrl-C. Prints the address of each edition. The "
        "browser loads docsify, KaTeX and Prism from their pinned CDN addresses.",
        epilog="exit status: 0 stopped with Ctrl-C, 2 usage, config or I/O error "
        "(e.g. the port is taken).\n\nexamples:\n  kb serve                  "
        "http://127.0.0.1:3000/\n  kb serve --port 0         any free port",
    )
    serve.add_argument(
        "--port",
        type=int,
        default=3000,
        metavar="N",
        help="port to listen on (default 3000; 0 picks a free one)",
    )


def build_parser() -> argparse.ArgumentParser:
    """The whole command line, subcommands included."""
    parser = argparse.ArgumentParser(
        prog="kb",
        description="Keep the LLM 面试知识 docsify book correct: lint anchors, links, "
        "formulas and interview questions.",
    )
    parser.add_argument("--version", action="version", version=f"kb {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    for add in (
        _add_lint_parser,
        _add_build_site_parser,
        _add_serve_parser,
        _add_questions_parser,
        _add_translate_parser,
        _add_site_parser,
    ):
        add(commands)
    return parser


def _add_translate_parser(commands: _Commands) -> None:
    translate = _command(
        commands,
        "translate",
        "toolkit.translate.command:run_translate",
        summary="write the configured editions' mirrors (English, Traditional Chinese)",
        description="Write a mirror of every page of the book for each configured edition, "
        "under i18n/<lang>/ or <site root>/<lang>/: English through a "
        "translation memory (gettext PO) and a deep-translator backend, Traditional Chinese "
        "(zh-Hant, zh-HK) through OpenCC. Code, math, URLs and link targets are never "
        "translated; heading ids are recomputed and every ?id=/# anchor rewritten, and each "
        "mirror is checked against its source's structure before anything is written.",
        epilog=_TRANSLATE_EPILOG,
    )
    _add_paths(translate, "pages or folders of the book to mirror (default: all)")
    translate.add_argument(
        "--lang",
        metavar="LANGS",
        help="comma-separated: en, zh-Hant, zh-HK (default: languages in [tool.kb.translate])",
    )
    translate.add_argument(
        "--backend",
        choices=BACKENDS,
        help="machine translator for English (default: google, or backend in [tool.kb.translate])",
    )
    translate.add_argument(
        "--offline", action="store_true", help="never call a backend; list what the memory lacks"
    )
    translate.add_argument(
        "--opencc-config",
        metavar="NAME",
        help="OpenCC configuration of zh-Hant (default s2twp; s2t, s2tw…; zh-HK uses s2hk)",
    )
    mode = translate.add_mutually_exclusive_group()
    mode.add_argument(
        "--check",
        action="store_true",
        help="write nothing; exit 1 listing missing or stale mirrors and English style findings",
    )
    mode.add_argument(
        "--status",
        action="store_true",
        help="print segments, translated, reviewed and stale per page and language",
    )
    translate.add_argument(
        "--if-changed",
        action="store_true",
        help="with --check: PATHs are changed files (as pre-commit passes them); check the "
        "whole book only when one is under the site root, the i18n folder or an edition "
        "folder, or is the "
        "glossary or the settings file (kb.toml, pyproject.toml), else exit 0 at once",
    )
    translate.add_argument(
        "--format", choices=("text", "json"), default="text", help="--status output format"
    )
    translate.add_argument(
        "--timeout", type=float, metavar="SECONDS", help="seconds one backend request may take"
    )
    translate.add_argument(
        "--progress",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="progress bar on stderr (default: when stderr is a terminal)",
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of `kb`; returns the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        if args.command is not None:
            return runner(args.run)(args)
        parser.print_help()
        return 2
    except KbError as error:
        print(f"kb: error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("kb: interrupted", file=sys.stderr)
        return 130
