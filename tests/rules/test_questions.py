"""The questions rule family on its fixture sites (tests/fixtures/questions/)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.rules.sitecases import cases, run_case


@pytest.mark.parametrize("case", cases("questions"), ids=lambda p: p.name)
def test_questions(
    case: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    update_expected: bool,
) -> None:
    run_case(case, "QST", tmp_path, monkeypatch, capsys, update_expected)
