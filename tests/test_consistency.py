"""Docs, fixtures, hooks and the command line cannot drift apart."""

from __future__ import annotations

import argparse
import re
import shlex
import tomllib
from pathlib import Path

import pytest
import yaml

from toolkit.cli import build_parser, runner
from toolkit.lint import ALL_RULES
from toolkit.lint_command import DOCS, doc_section, family_of

REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO / "tests" / "fixtures"
README = (REPO / "README.md").read_text(encoding="utf-8")
# Codes whose cases need more than a fixture folder (a server), and the test file that has them.
TESTED_ELSEWHERE = {"LNK009": "test_external.py"}
SECTIONS = ("### What it catches", "### Why it matters", "### Example", "### Fix")


def _subcommands() -> dict[str, argparse.ArgumentParser]:
    parser = build_parser()
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    return {}


@pytest.mark.parametrize("code", sorted(ALL_RULES))
def test_code_is_well_formed_and_documented(code: str) -> None:
    rule = ALL_RULES[code]
    assert re.fullmatch(r"[A-Z]{3}[0-9]{3}", code)
    assert re.fullmatch(r"[a-z]+(-[a-z0-9]+)+", rule.name)
    doc = (DOCS / f"{family_of(rule)}.md").read_text(encoding="utf-8")
    section = doc_section(doc, rule)
    assert section, f"## {code} {rule.name} missing in {DOCS}/{family_of(rule)}.md"
    for title in SECTIONS:
        assert title in section, f"{code}: no '{title}'"
    assert "| Fixable |" in section
    table = section.split("\n")
    header = (
        table.index("| Severity | Fixable | Enabled by default | Options |")
        if ("| Severity | Fixable | Enabled by default | Options |" in table)
        else table.index("| Severity | Fixable | Enabled by default |")
    )
    assert table[header + 2].startswith(f"| {rule.severity} |"), f"{code}: severity differs"


@pytest.mark.parametrize("code", sorted(ALL_RULES))
def test_code_has_a_failing_fixture(code: str) -> None:
    family = FIXTURES / family_of(ALL_RULES[code])
    if code in TESTED_ELSEWHERE:
        test_file = REPO / "tests" / TESTED_ELSEWHERE[code]
        assert code in test_file.read_text(encoding="utf-8")
        return
    assert any(p.name.startswith(code) for p in family.iterdir()), f"no fixture for {code}"


@pytest.mark.parametrize("name", sorted(_subcommands()))
def test_every_subcommand_is_run_by_its_run_function(name: str) -> None:
    # Each subcommand names its `module:run_<name>`; a typo would only show when it runs.
    run = runner(_subcommands()[name].get_default("run"))
    assert run.__name__ == f"run_{name.replace('-', '_')}"


def test_a_code_prefix_belongs_to_one_family() -> None:
    # The registry is the only map from code to family: a prefix never spans two docs pages.
    families: dict[str, set[str]] = {}
    for code, rule in ALL_RULES.items():
        families.setdefault(code[:3], set()).add(family_of(rule))
    assert all(len(names) == 1 for names in families.values()), families
    assert families["MTH"] == {"formulas"} and families["SUP"] == {"suppress"}


def test_names_are_unique() -> None:
    names = [rule.name for rule in ALL_RULES.values()]
    assert len(names) == len(set(names))


@pytest.mark.parametrize("family", sorted({family_of(r) for r in ALL_RULES.values()}))
def test_family_has_an_ok_fixture(family: str) -> None:
    assert any(p.name.startswith("ok_") for p in (FIXTURES / family).iterdir())


def _hooks() -> list[dict[str, object]]:
    hooks = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert isinstance(hooks, list)
    return hooks


@pytest.mark.parametrize("hook", _hooks(), ids=lambda h: str(h["id"]))
def test_hook_is_documented_and_runs_a_real_subcommand(hook: dict[str, object]) -> None:
    assert f"`{hook['id']}`" in README
    words = shlex.split(str(hook["entry"]))
    assert words[0] == "kb"
    subcommand = _subcommands()[words[1]]
    subcommand.parse_args(words[2:])  # the preset options exist


@pytest.mark.parametrize("name", sorted(_subcommands()))
def test_subcommand_has_help_and_is_in_the_readme(name: str) -> None:
    parser = _subcommands()[name]
    assert parser.description and len(parser.format_help()) > 200
    assert f"kb {name}" in README


def test_local_hook_dependencies_match_pyproject() -> None:
    config = yaml.safe_load((REPO / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    hooks = {h["id"]: h for repo in config["repos"] for h in repo["hooks"]}
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert sorted(hooks["kb-lint"]["additional_dependencies"]) == sorted(project["dependencies"])


def test_ruff_version_matches_between_hook_and_dev_extra() -> None:
    config = yaml.safe_load((REPO / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    pins = {
        dep
        for repo in config["repos"]
        for hook in repo["hooks"]
        for dep in hook.get("additional_dependencies", [])
        if dep.startswith("ruff")
    }
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    dev = {dep for dep in project["optional-dependencies"]["dev"] if dep.startswith("ruff")}
    assert len(pins) == 1 and pins == dev


MAX_MODULE_LINES = 500


def test_no_toolkit_module_grows_past_500_lines() -> None:
    """A module that long holds more than one job (issue #18): split it before it lands."""
    long = {
        path.relative_to(REPO).as_posix(): lines
        for path in (REPO / "toolkit").rglob("*.py")
        if (lines := len(path.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES
    }
    assert long == {}
