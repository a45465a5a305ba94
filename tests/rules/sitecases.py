"""Run a rule-fixture case folder through the real CLI and compare with its sidecars.

A case is a folder under tests/fixtures/<family>/ holding a small site: Markdown files, an
`expected` file with exactly the CLI lines (paths relative to the case folder; missing means
"no findings"), and optionally `X.md.fixed` files: what `kb lint --fix` must turn `X.md` into.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from toolkit.cli import main
from toolkit.lint import ALL_RULES

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def cases(family: str) -> list[Path]:
    """Case folders of a family, sorted, for parametrize."""
    return sorted(p for p in (FIXTURES / family).iterdir() if p.is_dir())


def assert_expected(expected_file: Path, status: int, out: str, update: bool) -> None:
    """Compare CLI output with its sidecar (missing = no findings); rewrite it when updating."""
    if update:
        if out:
            expected_file.write_text(out, encoding="utf-8")
        elif expected_file.exists():
            expected_file.unlink()
    expected = expected_file.read_text(encoding="utf-8") if expected_file.exists() else ""
    assert out == expected
    # Warnings alone pass the run; an error fails it.
    assert status == (
        1 if any(severity_of(line) == "error" for line in expected.splitlines()) else 0
    )


_CODE = re.compile(r"^[^:]+:\d+:\d+: ([A-Z]{3}\d{3}) ")


def severity_of(line: str) -> str:
    """The severity of the code a finding line names."""
    match = _CODE.match(line)
    assert match, f"not a finding line: {line!r}"
    return str(ALL_RULES[match.group(1)].severity)


def _lint(
    site: Path, prefix: str, capsys: pytest.CaptureFixture[str], *extra: str
) -> tuple[int, str]:
    capsys.readouterr()
    status = main(["lint", "--no-cache", "--select", prefix, *extra, "."])
    return status, capsys.readouterr().out


def run_case(
    case: Path,
    prefix: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    update: bool,
) -> None:
    """Lint a copy of the case; compare findings, then fixes and their idempotence."""
    site = tmp_path / case.name
    shutil.copytree(case, site)
    if not (site / "pyproject.toml").exists():
        (site / "pyproject.toml").write_text('[tool.kb]\nroot = "."\n', encoding="utf-8")
    monkeypatch.chdir(site)
    status, out = _lint(site, prefix, capsys)
    assert_expected(case / "expected", status, out, update)
    fixed = sorted(case.rglob("*.md.fixed"))
    if not fixed:
        return
    _lint(site, prefix, capsys, "--fix")
    for sidecar in fixed:
        source = site / sidecar.relative_to(case).with_suffix("")
        assert source.read_text(encoding="utf-8") == sidecar.read_text(encoding="utf-8"), (
            source.name
        )
    before = {p: p.read_bytes() for p in site.rglob("*.md")}
    capsys.readouterr()
    main(["lint", "--no-cache", "--select", prefix, "--fix", "."])
    assert "fixed" not in capsys.readouterr().err
    assert {p: p.read_bytes() for p in site.rglob("*.md")} == before
