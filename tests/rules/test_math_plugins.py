"""Formula cases that need a site of their own (an index.html that loads a math plugin)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.rules.sitecases import FIXTURES, run_case

CASES = sorted(p for p in (FIXTURES / "formulas").iterdir() if p.is_dir())


@pytest.mark.parametrize("case", CASES, ids=lambda p: p.name)
def test_formula_site_case(
    case: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    update_expected: bool,
) -> None:
    run_case(case, "MTH", tmp_path, monkeypatch, capsys, update_expected)
