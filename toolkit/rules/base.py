"""What every rule family is made of: rules, the page they check, the family protocol."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Protocol

from toolkit.config import Config, Profile
from toolkit.document import Document
from toolkit.findings import Finding, Fix, Severity, visible
from toolkit.site import Site


@dataclass(frozen=True, slots=True)
class Rule:
    """One code: what it is called and what it catches."""

    code: str
    """Three letters and three digits, e.g. `ANC001`; never reused or renumbered."""
    name: str
    """Kebab-case name of the problem, e.g. `anchor-not-found`."""
    summary: str
    fixable: bool = False
    severity: Severity = Severity.ERROR


@dataclass(frozen=True, slots=True)
class Page:
    """A Document together with where it sits in the site and how its path is shown."""

    doc: Document
    rel: str
    """POSIX path relative to the root of the site the page belongs to."""
    display: str
    """The path printed in findings."""
    profiles: tuple[Profile, ...]
    """Renderers whose link rules apply: `docsify` inside the book, `github` everywhere asked."""

    def finding(
        self, rule: Rule, line: int, column: int, message: str, fix: Fix | None = None
    ) -> Finding:
        """A finding of `rule` on this page; invisible characters in the message are shown."""
        return Finding(self.display, line, column, rule.code, visible(message), rule.severity, fix)


class RuleSet(Protocol):
    """A module with a NAME (its docs page and fixture folder) and a RULES tuple."""

    @property
    def NAME(self) -> str: ...  # noqa: N802 (a module constant)

    @property
    def RULES(self) -> tuple[Rule, ...]: ...  # noqa: N802 (a module constant)


class RuleFamily(RuleSet, Protocol):
    """A rule set with a pure `check` function."""

    def check(self, page: Page, site: Site, config: Config) -> Iterator[Finding]: ...
