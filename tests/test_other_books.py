"""kb as another docsify book uses it: site root not content/, hooks, an installed wheel."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

import pytest
import yaml

from toolkit.cli import main
from toolkit.lint import ALL_RULES
from toolkit.lint_command import explain

REPO = Path(__file__).resolve().parent.parent
PRE_COMMIT = Path(sys.executable).with_name("pre-commit")
PYPROJECT = '[tool.kb]\nroot = "docs"\n[tool.kb.translate]\nlanguages = ["zh-Hant"]\n'


def _book(root: Path) -> Path:
    """A book in docs/ with its Traditional Chinese mirror (OpenCC, offline) up to date."""
    (root / "docs").mkdir(parents=True)
    (root / "pyproject.toml").write_text(PYPROJECT, encoding="utf-8")
    (root / "docs" / "README.md").write_text("# 首页\n\n见[页](/a.md)。\n", encoding="utf-8")
    (root / "docs" / "a.md").write_text("# 页\n\n## 注意力\n\n简体中文。\n", encoding="utf-8")
    (root / "notes.txt").write_text("not part of the book\n", encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def translated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The book, translated once for the module's tests (each gets a copy)."""
    root = _book(tmp_path_factory.mktemp("book"))
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(root)
        patch.setenv("KB_CACHE_DIR", str(root / ".cache"))
        assert main(["translate", "--lang", "zh-Hant"]) == 0
    return root


@pytest.fixture
def book(translated: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "book"
    shutil.copytree(translated, root, ignore=shutil.ignore_patterns(".cache"))
    monkeypatch.chdir(root)
    monkeypatch.setenv("KB_CACHE_DIR", str(root / ".cache"))
    return root


@pytest.mark.parametrize(
    ("changed", "status"),
    [
        ((), 0),
        (("notes.txt",), 0),
        (("docs/a.md",), 1),
        (("notes.txt", "docs/README.md"), 1),
        (("i18n/zh-Hant/a.md",), 1),
        (("pyproject.toml",), 1),
    ],
)
def test_translate_check_if_changed_looks_only_when_the_book_changed(
    book: Path, capsys: pytest.CaptureFixture[str], changed: tuple[str, ...], status: int
) -> None:
    with (book / "docs" / "a.md").open("a", encoding="utf-8") as page:
        page.write("新的一段。\n")  # the mirror of a.md is stale now
    capsys.readouterr()
    assert main(["translate", "--check", "--if-changed", *changed]) == status
    assert ("stale" in capsys.readouterr().out) == bool(status)


def test_translate_check_if_changed_counts_kb_toml_as_the_settings(
    book: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (book / "kb.toml").write_text('root = "docs"\n[translate]\nlanguages = ["zh-Hant"]\n', "utf-8")
    (book / "docs" / "a.md").write_text("# 页\n\n改过了。\n", encoding="utf-8")
    assert main(["translate", "--check", "--if-changed", "notes.txt"]) == 0
    assert main(["translate", "--check", "--if-changed", "kb.toml"]) == 1
    assert "stale" in capsys.readouterr().out


def test_if_changed_goes_with_check(book: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["translate", "--if-changed", "docs/a.md"]) == 2
    assert "--if-changed goes with --check" in capsys.readouterr().err


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["--version"])
    assert exit_.value.code == 0
    assert capsys.readouterr().out.startswith("kb 0.")


def test_no_hook_filters_on_a_fixed_site_root() -> None:
    hooks = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    for hook in hooks:
        assert "content" not in str(hook.get("files", "")), hook["id"]


def _git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, timeout=60)


@pytest.mark.slow
def test_every_hook_runs_on_a_book_in_docs(tmp_path: Path) -> None:
    repo = _book(tmp_path / "book")
    env = {
        **os.environ,
        "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home"),
        "KB_CACHE_DIR": str(tmp_path / "kb-cache"),
        "PIP_DISABLE_PIP_VERSION_CHECK": "1",
    }
    subprocess.run(
        [sys.executable, "-m", "toolkit", "translate", "--lang", "zh-Hant"],
        cwd=repo,
        check=True,
        env=env,
        capture_output=True,
    )
    _git(repo, "init", "-q", "-b", "main")
    _git(repo, "add", "-A")

    def try_repo() -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(PRE_COMMIT), "try-repo", str(REPO), "--all-files"],
            cwd=repo,
            capture_output=True,
            text=True,
            timeout=900,
            env=env,
        )

    hooks = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    clean = try_repo()
    assert clean.returncode == 0, clean.stdout + clean.stderr
    for hook in hooks:
        assert f"{hook['name']}." in clean.stdout  # it ran (and passed), not "(no files to check)"
    assert "no files to check" not in clean.stdout.replace("Skipped", "")

    (repo / "docs" / "a.md").write_text("# 页\n\n[坏](/README.md?id=nope)\n", encoding="utf-8")
    _git(repo, "add", "-A")
    broken = try_repo()
    assert broken.returncode == 1
    assert "docs/a.md:3:1: ANC001 anchor 'nope' not found" in broken.stdout
    assert "i18n/zh-Hant/a.md: stale: made from an older docs/a.md" in broken.stdout


@pytest.mark.slow
def test_an_installed_wheel_explains_every_code(tmp_path: Path) -> None:
    wheels = tmp_path / "wheels"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(wheels), str(REPO)],
        check=True,
        timeout=600,
        env={**os.environ, "PIP_DISABLE_PIP_VERSION_CHECK": "1"},
    )
    (wheel,) = wheels.glob("*.whl")
    target = tmp_path / "venv"
    venv.create(target, with_pip=True)
    python = target / "bin" / "python"
    subprocess.run(
        [str(python), "-m", "pip", "install", "-q", str(wheel)],
        check=True,
        timeout=900,
        env={**os.environ, "PIP_DISABLE_PIP_VERSION_CHECK": "1"},
    )
    kb = target / "bin" / "kb"
    version = subprocess.run([str(kb), "--version"], capture_output=True, text=True, cwd=tmp_path)
    assert version.stdout.startswith("kb 0.")
    shown = subprocess.run(
        [str(kb), "lint", "--explain", "ANC001"], capture_output=True, text=True, cwd=tmp_path
    )
    assert (shown.returncode, shown.stdout) == (0, explain("ANC001"))
    # Every code, from the installed package (the current folder holds no toolkit/).
    dump = "import json; from toolkit.lint import ALL_RULES; from toolkit.lint_command import "
    dump += "explain, DOCS; print(json.dumps([str(DOCS), {c: explain(c) for c in ALL_RULES}]))"
    run = subprocess.run(
        [str(python), "-c", dump], capture_output=True, text=True, cwd=tmp_path, check=True
    )
    docs, sections = json.loads(run.stdout)
    assert docs.startswith(str(target))
    assert sections == {code: explain(code) for code in ALL_RULES}
    assert all("### Why it matters" in section for section in sections.values())


def _readme_yaml_blocks() -> list[object]:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    return [yaml.safe_load(block.split("```", 1)[0]) for block in readme.split("```yaml\n")[1:]]


def test_readme_pre_commit_example_names_real_hooks_and_this_version() -> None:
    from toolkit import __version__

    hooks = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    (config,) = [b for b in _readme_yaml_blocks() if isinstance(b, dict) and "repos" in b]
    (repo,) = config["repos"]
    assert repo["rev"] == f"v{__version__}"
    assert {h["id"] for h in repo["hooks"]} <= {h["id"] for h in hooks}


def test_readme_workflow_gates_on_kb_lint_and_uploads_sarif() -> None:
    (workflow,) = [b for b in _readme_yaml_blocks() if isinstance(b, dict) and "jobs" in b]
    steps = workflow["jobs"]["lint"]["steps"]
    runs = [str(step.get("run", "")) for step in steps]
    assert any(run.startswith("kb lint --format sarif > kb.sarif") for run in runs)
    upload = next(s for s in steps if str(s.get("uses", "")).startswith("github/codeql-action"))
    assert upload["uses"].startswith("github/codeql-action/upload-sarif@")
    assert upload["with"]["sarif_file"] == "kb.sarif"
    assert workflow["permissions"]["security-events"] == "write"
