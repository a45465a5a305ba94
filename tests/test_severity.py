"""Severities: errors fail `kb lint`, warnings only when asked; every format shows which."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from toolkit.cli import main
from toolkit.lint import ALL_RULES
from toolkit.lint_command import explain

SCHEMA = Path(__file__).resolve().parent / "schemas" / "sarif-2.1.0.json"
# LNK004 (warning): a space in a target; LNK001 (error): a page that does not exist.
WARNING_PAGE = "# 首页\n\n[笔记](<学习 笔记.md>)\n"
ERROR_PAGE = "# 首页\n\n[缺](/缺.md)\n"


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A site at the project root with one page holding one warning (LNK004)."""
    (tmp_path / "pyproject.toml").write_text('[tool.kb]\nroot = "."\n', encoding="utf-8")
    (tmp_path / "README.md").write_text(WARNING_PAGE, encoding="utf-8")
    (tmp_path / "学习 笔记.md").write_text("# 笔记\n\n正文。\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    status = main(["lint", "--no-cache", *args])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def test_every_code_has_a_severity() -> None:
    assert {str(rule.severity) for rule in ALL_RULES.values()} == {"error", "warning"}


def test_a_warning_is_shown_and_passes(site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = _run(capsys)
    assert status == 0
    assert out.startswith("README.md:3:1: LNK004 target '学习 笔记.md' holds ' '")


def test_an_error_fails(site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (site / "README.md").write_text(ERROR_PAGE, encoding="utf-8")
    status, out, _ = _run(capsys)
    assert status == 1
    assert out.startswith("README.md:3:1: LNK001 ")


@pytest.mark.parametrize(("limit", "status"), [("0", 1), ("1", 0), ("5", 0)])
def test_max_warnings_fails_past_the_limit(
    site: Path, capsys: pytest.CaptureFixture[str], limit: str, status: int
) -> None:
    assert _run(capsys, "--max-warnings", limit)[0] == status


def test_max_warnings_takes_a_whole_number(site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["lint", "--max-warnings", "-1"])
    assert exit_.value.code == 2
    assert "expected a whole number >= 0" in capsys.readouterr().err


def test_fail_on_warning_in_config(site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (site / "pyproject.toml").write_text(
        '[tool.kb]\nroot = "."\nfail-on = "warning"\n', encoding="utf-8"
    )
    assert _run(capsys)[0] == 1


def test_fail_on_takes_a_severity(site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (site / "pyproject.toml").write_text('[tool.kb]\nfail-on = "note"\n', encoding="utf-8")
    status, _, err = _run(capsys)
    assert status == 2
    assert "'fail-on' must be one of 'error', 'warning'" in err


def test_github_annotation_level_follows_severity(
    site: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (site / "a.md").write_text(ERROR_PAGE, encoding="utf-8")
    _, out, _ = _run(capsys, "--format", "github")
    assert out.splitlines()[0].startswith("::warning file=README.md,line=3,col=1,title=LNK004::")
    assert out.splitlines()[1].startswith("::error file=a.md,line=3,col=1,title=LNK001::")


def test_sarif_levels_and_rule_help(site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (site / "a.md").write_text(ERROR_PAGE, encoding="utf-8")
    status, out, _ = _run(capsys, "--format", "sarif")
    assert status == 1
    log = json.loads(out)
    jsonschema.validate(log, json.loads(SCHEMA.read_text(encoding="utf-8")))
    run = log["runs"][0]
    assert [(r["ruleId"], r["level"]) for r in run["results"]] == [
        ("LNK004", "warning"),
        ("LNK001", "error"),
    ]
    rules = {rule["id"]: rule for rule in run["tool"]["driver"]["rules"]}
    for result in run["results"]:
        assert rules[result["ruleId"]] == run["tool"]["driver"]["rules"][result["ruleIndex"]]
    lnk001 = rules["LNK001"]
    assert lnk001["shortDescription"]["text"] == ALL_RULES["LNK001"].summary
    assert lnk001["defaultConfiguration"] == {"level": "error"}
    assert lnk001["help"]["markdown"] == explain("LNK001")
    assert "### Why it matters" in lnk001["help"]["text"]
    assert rules["LNK004"]["defaultConfiguration"] == {"level": "warning"}


def test_statistics_show_the_severity(site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = _run(capsys, "--statistics")
    assert out.split() == ["1", "LNK004", "warning", "link-unencoded-characters"]
