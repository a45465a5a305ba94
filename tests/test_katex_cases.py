"""Every case saved under tests/fixtures/katex/ (by the differential fuzzer, or by hand with
KaTeX's verdict from Node): kb must give KaTeX's verdict and message. No Node needed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.fuzz.test_fuzz_katex import agrees

CASES = sorted((Path(__file__).resolve().parent / "fixtures" / "katex").glob("*.json"))


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.stem)
def test_saved_case(path: Path) -> None:
    case = json.loads(path.read_text(encoding="utf-8"))
    assert agrees(case["tex"], case["display"], case["version"], case["ok"], case["error"]), case
