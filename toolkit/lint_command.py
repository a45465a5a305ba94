"""`kb lint` from parsed arguments to printed findings and an exit status."""

from __future__ import annotations

import argparse
import re
import sys
from itertools import chain
from pathlib import Path

from toolkit.config import FailOn, load_config
from toolkit.errors import KbError
from toolkit.findings import Finding, Severity, format_findings, quoted, statistics
from toolkit.lint import ALL_RULES, FAMILY_OF, Options, lint
from toolkit.rules.base import Rule

DOCS = Path(__file__).resolve().parent / "docs" / "rules"
"""One page per rule family: package data, so an installed kb explains its codes too."""


def run_lint(args: argparse.Namespace) -> int:
    """Run one lint as the arguments say; 0 passed, 1 failed or fixed, 2 errors."""
    if args.explain:
        print(explain(args.explain), end="")
        return 0
    config = load_config(path=args.config, root=args.root)
    select = tuple(chain.from_iterable(args.select))
    ignore = tuple(chain.from_iterable(args.ignore))
    options = Options(
        select=select or config.select,
        ignore=ignore + config.ignore,
        fix=args.fix,
        external=args.external,
        use_cache=not args.no_cache,
    )
    if args.verbose:
        from toolkit.site_command import describe

        print(describe(config.site, config), end="", file=sys.stderr)
    paths = args.paths or [config.site_root]
    result = lint(paths, config, options)
    for path, count in result.fixed.items():
        print(f"fixed {count} problem{'s' if count != 1 else ''} in {path}", file=sys.stderr)
    for path, moves in result.moved.items():
        print(moved_ids_report(path, moves), end="", file=sys.stderr)
    if args.statistics:
        print(statistics(result.findings, ALL_RULES), end="")
    else:
        print(format_findings(result.findings, args.format, ALL_RULES, help_text), end="")
    for error in result.errors:
        print(f"kb: error: {error}", file=sys.stderr)
    if result.errors:
        return 2
    failed = fails(result.findings, config.fail_on, args.max_warnings)
    return 1 if failed or result.fixed else 0


def moved_ids_report(path: str, moves: list[tuple[str, str, str]]) -> str:
    """The heading ids `--fix` changed on a page, `old → new`, and what that breaks.

    Links inside the site were rewritten; a bookmark or another site's link cannot be.
    """
    profiles = {profile for profile, _old, _new in moves}
    lines = [
        f"{path}: heading id {quoted(old)} → {quoted(new)}"
        + (f" ({profile})" if len(profiles) > 1 else "")
        + "\n"
        for profile, old, new in moves
    ]
    lines.append(
        f"kb: warning: {path}: links from outside the site (bookmarks, other sites) to the old "
        "id" + ("s" if len(moves) > 1 else "") + " will break; links inside it were rewritten\n"
    )
    return "".join(lines)


def fails(findings: list[Finding], fail_on: FailOn, max_warnings: int | None) -> bool:
    """Whether the findings fail the run: any error; warnings past `max_warnings` (ESLint's
    `--max-warnings`), or any warning when `fail_on` is `warning`."""
    warnings = sum(1 for f in findings if f.severity is Severity.WARNING)
    if any(f.severity is Severity.ERROR for f in findings):
        return True
    if max_warnings is not None and warnings > max_warnings:
        return True
    return fail_on == "warning" and warnings > 0


def help_text(code: str) -> str:
    """The documentation section of a code ('' for an unknown code), as --explain prints it."""
    rule = ALL_RULES.get(code)
    return explain(code) if rule is not None else ""


def explain(code_or_name: str) -> str:
    """The documentation section of one code, or its summary when the docs are not installed."""
    rule = _find_rule(code_or_name)
    family = family_of(rule)
    doc = DOCS / f"{family}.md"
    if doc.is_file():
        section = doc_section(doc.read_text(encoding="utf-8"), rule)
        if section:
            return section
    fix = "yes" if rule.fixable else "no"
    return f"{rule.code} {rule.name}\n\n{rule.summary}\n\nFixable: {fix}\n"


def _find_rule(code_or_name: str) -> Rule:
    for rule in ALL_RULES.values():
        if code_or_name.upper() == rule.code or code_or_name == rule.name:
            return rule
    prefixes = list(dict.fromkeys(code[:3] for code in ALL_RULES))
    raise KbError(
        f"unknown code {code_or_name!r}; codes start with {', '.join(prefixes[:-1])} "
        f"or {prefixes[-1]}"
    )


def family_of(rule: Rule) -> str:
    """The rule family a code belongs to, named as its docs and fixture folders are."""
    return FAMILY_OF[rule.code]


_CODE_HEADING = re.compile(r"## [A-Z]{3}[0-9]{3} ")


def doc_section(text: str, rule: Rule) -> str:
    """The `## CODE name` section of a rule page, up to the next code's heading."""
    lines = text.split("\n")
    heading = f"## {rule.code} {rule.name}"
    try:
        start = lines.index(heading)
    except ValueError:
        return ""
    # Examples hold `## …` lines inside code blocks: only a code heading ends the section.
    end = next(
        (i for i in range(start + 1, len(lines)) if _CODE_HEADING.match(lines[i])), len(lines)
    )
    return "\n".join(lines[start:end]).rstrip() + "\n"
