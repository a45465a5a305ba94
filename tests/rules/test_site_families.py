"""The site-shaped rule families on their fixture folders (tests/fixtures/<family>/<case>/).

Formulas have single-file fixtures with their own runner (tests/rules/test_formulas.py); their
folder cases (a site whose index.html loads a math plugin) run here.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.rules.sitecases import cases, run_case

PREFIXES = {
    "anchors": "ANC",
    "links": "LNK",
    "questions": "QST",
    "suppress": "SUP",
    "diagrams": "DGM",
    "formulas": "MTH",
}
CASES = [(family, case) for family in PREFIXES for case in cases(family)]


@pytest.mark.parametrize(
    ("family", "case"), CASES, ids=[f"{family}/{case.name}" for family, case in CASES]
)
def test_family(
    family: str,
    case: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    update_expected: bool,
) -> None:
    run_case(case, PREFIXES[family], tmp_path, monkeypatch, capsys, update_expected)
