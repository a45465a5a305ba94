"""Hypothesis profiles for the fuzz suite: bounded inside `make test`, long for `make fuzz`.

`KB_FUZZ_PROFILE=long` (what `make fuzz` sets) runs many random examples and keeps failures in
the example database; the default `ci` profile runs a fixed, derandomised handful, so CI sees
the same inputs every run and stays well under a minute.
"""

from __future__ import annotations

import os
from collections import Counter, defaultdict

import pytest
from hypothesis import HealthCheck, settings

_QUIET = [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much]

settings.register_profile(
    "ci",
    max_examples=30,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=_QUIET,
)
settings.register_profile(
    "long",
    max_examples=int(os.environ.get("KB_FUZZ_EXAMPLES", "3000")),
    deadline=None,
    suppress_health_check=_QUIET,
)

PROFILE = os.environ.get("KB_FUZZ_PROFILE", "ci")
FUZZ = settings(settings.get_profile(PROFILE))
"""Decorator for every fuzz test: the profile chosen by KB_FUZZ_PROFILE."""

KATEX_EXAMPLES = int(
    os.environ.get("KB_KATEX_FUZZ_EXAMPLES", "20000" if PROFILE == "long" else "300")
)
FUZZ_KATEX = settings(FUZZ, max_examples=KATEX_EXAMPLES)
"""The differential KaTeX fuzzer: a few hundred cases per version in `make test`, 20,000 in
`make fuzz` (KB_KATEX_FUZZ_EXAMPLES=N to change)."""

AGREEMENT: defaultdict[tuple[str, str], Counter[bool]] = defaultdict(Counter)
"""(KaTeX version, kind of construct) -> how many cases agreed (True) and disagreed (False)."""


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """The differential fuzzer's agreement, per version and per kind of construct."""
    if not AGREEMENT:
        return
    write = terminalreporter.write_line
    write("")
    write("kb vs the real KaTeX in Node, differential fuzzing (verdict and message)")
    write(f"{'version':8} {'construct':16} {'cases':>7} {'agree':>7} {'rate':>8}")
    versions = sorted({version for version, _ in AGREEMENT})
    for version in versions:
        rows = sorted((c, n) for (v, c), n in AGREEMENT.items() if v == version)
        for construct, counts in rows:
            total = counts[True] + counts[False]
            write(
                f"{version:8} {construct:16} {total:7d} {counts[True]:7d} "
                f"{counts[True] / total:8.2%}"
            )
        agreed = sum(n[True] for _, n in rows)
        total = sum(n[True] + n[False] for _, n in rows)
        write(f"{version:8} {'all':16} {total:7d} {agreed:7d} {agreed / max(total, 1):8.2%}")
