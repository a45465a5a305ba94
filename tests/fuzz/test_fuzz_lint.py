"""Fuzzing `kb lint`: any bytes give findings or a clear error; --fix converges in one run."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.fuzz.book import QUESTION_LIST, book, files, kb
from tests.fuzz.conftest import FUZZ
from tests.fuzz.grammar import page_bytes, pages
from toolkit.config import load_config
from toolkit.findings import FORMATS
from toolkit.lint import Options, lint

FINDING = re.compile(r"^content/\S+:\d+:\d+: [A-Z]{3}\d{3} .+$")
ERROR = re.compile(r"^kb: error: content/\S+(:\d+)?: .+$")
ANY_BYTES = st.one_of(st.binary(max_size=3000), page_bytes())


@pytest.mark.slow
@FUZZ
@given(readme=ANY_BYTES, page=ANY_BYTES, fmt=st.sampled_from(FORMATS))
def test_any_bytes_give_findings_or_a_named_error(readme: bytes, page: bytes, fmt: str) -> None:
    with book(readme, page) as root:
        before = files(root)
        result = kb(root, "lint", "--format", fmt, "content")
        assert files(root) == before
    assert result.status in (0, 1, 2)
    errors = result.err.splitlines()
    assert all(ERROR.match(line) for line in errors), errors
    assert (result.status == 2) == bool(errors)
    if fmt == "text":
        assert all(FINDING.match(line) for line in result.out.splitlines()), result.out
        assert (result.status == 1) == bool(result.out) or result.status == 2


def _fixable_left(root: Path, errors: str) -> list[str]:
    """Findings that still carry a fix, outside files `--fix` refused (named in `errors`)."""
    config = load_config(path=root / "pyproject.toml")
    result = lint([root / "content"], config, Options(use_cache=False))
    refused = {
        line.split(": ")[2].split(":")[0]
        for line in errors.splitlines()
        if line.startswith("kb: error: ")
    }
    return [
        f"{f.path}:{f.line}:{f.column}: {f.code} {f.message}"
        for f in result.findings
        if f.fix is not None and Path(f.path).name not in {Path(r).name for r in refused}
    ]


@pytest.mark.slow
@FUZZ
@given(readme=page_bytes(), page=pages(), questions=pages())
def test_fix_leaves_no_fixable_finding_and_a_second_fix_changes_nothing(
    readme: bytes, page: str, questions: str
) -> None:
    with book(readme, page.encode(), questions.encode()) as root:
        first = kb(root, "lint", "--fix", "content")
        assert first.status in (0, 1, 2)
        assert _fixable_left(root, first.err) == []
        fixed = files(root)
        second = kb(root, "lint", "--fix", "content")
        assert not re.search(r"^fixed \d+ problem", second.err, re.M), second.err
        assert files(root) == fixed
        assert QUESTION_LIST in {p.split("content/", 1)[1] for p in fixed}
