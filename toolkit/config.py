"""`[tool.kb]` settings from pyproject.toml, validated into a frozen dataclass."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from toolkit.errors import KbError

PROFILES = ("docsify", "github")
FAIL_ON = ("error", "warning")
LANGUAGES = ("en", "zh-Hant")


@dataclass(frozen=True, slots=True)
class TranslateConfig:
    """`[tool.kb.translate]`: settings of `kb translate` (API keys only ever come from the
    environment: `api-key-env` names the variable)."""

    languages: tuple[str, ...] = LANGUAGES
    backend: str = "google"
    url: str | None = None
    """Server URL for the `libre` backend (KB_TRANSLATE_URL overrides it)."""
    api_key_env: str | None = None
    """Name of the environment variable holding the API key (default: deep-translator's)."""
    region: str | None = None
    opencc_config: str = "s2twp"
    glossary: str = "i18n/glossary.toml"
    i18n: str = "i18n"
    """Folder of the mirrors and the memory, relative to the project root."""
    timeout: float = 30.0
    retries: int = 4
    backoff: float = 1.0
    concurrency: int | None = None


@dataclass(frozen=True, slots=True)
class Config:
    """Settings for one run: defaults, then `[tool.kb]`, then the command line."""

    project_root: Path
    """Folder of the pyproject.toml the settings came from (or the current folder)."""
    root: str = "content"
    """The docsify site root, relative to the project root."""
    profiles: tuple[str, ...] = ("docsify",)
    """Which renderers' rules links must satisfy: `docsify`, `github`."""
    docsify_version: int = 4
    select: tuple[str, ...] = ()
    """Code prefixes to report (empty: all)."""
    ignore: tuple[str, ...] = ()
    per_file_ignores: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """Glob (relative to the project root) to code prefixes ignored in matching files."""
    exclude: tuple[str, ...] = ()
    """Globs (relative to the project root) of files never linted."""
    fail_on: str = "error"
    """The lowest severity that makes `kb lint` exit 1: `error` (default) or `warning`."""
    question_pages: tuple[str, ...] = ()
    """Globs (relative to the site root) of question-list pages."""
    questions: bool | None = None
    """Run the question rules (QST): True, False, or None for "auto" (on question books)."""
    translate: TranslateConfig = field(default_factory=TranslateConfig)

    @property
    def site_root(self) -> Path:
        """Absolute site root; the project root itself when the folder does not exist."""
        path = self.project_root / self.root
        return path if path.is_dir() else self.project_root


_KEYS: dict[str, type | tuple[type, ...]] = {
    "root": str,
    "profiles": list,
    "docsify-version": int,
    "select": list,
    "ignore": list,
    "per-file-ignores": dict,
    "exclude": list,
    "fail-on": str,
    "question-pages": list,
    "questions": (bool, str),
    "translate": dict,
}


def find_project_root(start: Path) -> Path:
    """The nearest folder at or above `start` holding a pyproject.toml or a .git."""
    start = start.resolve()
    for folder in (start, *start.parents):
        if (folder / "pyproject.toml").is_file() or (folder / ".git").exists():
            return folder
    return start


def load_config(start: Path | None = None, path: Path | None = None) -> Config:
    """Read `[tool.kb]` from `path`, or from the project's pyproject.toml when there is one."""
    if path is None:
        project_root = find_project_root(start or Path.cwd())
        path = project_root / "pyproject.toml"
        if not path.is_file():
            return Config(project_root=project_root)
    else:
        project_root = path.resolve().parent
    try:
        with path.open("rb") as stream:
            data = tomllib.load(stream)
    except OSError as error:
        raise KbError(f"{path}: cannot read: {error.strerror or error}") from None
    except tomllib.TOMLDecodeError as error:
        raise KbError(f"{path}: invalid TOML: {error}") from None
    table = data.get("tool", {}).get("kb", {})
    return _from_table(table, path, project_root)


def _from_table(table: dict[str, Any], path: Path, project_root: Path) -> Config:
    where = f"{path}: [tool.kb]"
    for key, value in table.items():
        if key not in _KEYS:
            expected = ", ".join(sorted(_KEYS))
            raise KbError(f"{where}: unknown key {key!r}; expected one of {expected}")
        kinds = _KEYS[key]
        if key == "questions":
            if not (isinstance(value, bool) or value == "auto"):
                raise KbError(f"{where}: 'questions' must be true, false or \"auto\"")
            continue
        if not isinstance(value, kinds) or isinstance(value, bool):
            kind = kinds.__name__ if isinstance(kinds, type) else kinds[0].__name__
            raise KbError(f"{where}: {key!r} must be a {kind}, not {type(value).__name__}")
    config = Config(project_root=project_root)
    changes: dict[str, Any] = {}
    if "root" in table:
        changes["root"] = table["root"]
    if "profiles" in table:
        profiles = _strings(table["profiles"], "profiles", where)
        unknown = [p for p in profiles if p not in PROFILES]
        if unknown or not profiles:
            raise KbError(f"{where}: 'profiles' takes a non-empty list of {', '.join(PROFILES)}")
        changes["profiles"] = profiles
    if "docsify-version" in table:
        if table["docsify-version"] not in (4, 5):
            raise KbError(f"{where}: 'docsify-version' must be 4 or 5")
        changes["docsify_version"] = table["docsify-version"]
    if "fail-on" in table:
        if table["fail-on"] not in FAIL_ON:
            raise KbError(f"{where}: 'fail-on' must be one of {', '.join(map(repr, FAIL_ON))}")
        changes["fail_on"] = table["fail-on"]
    for key in ("select", "ignore", "exclude", "question-pages"):
        if key in table:
            changes[key.replace("-", "_")] = _strings(table[key], key, where)
    if "questions" in table:
        changes["questions"] = None if table["questions"] == "auto" else table["questions"]
    if "per-file-ignores" in table:
        changes["per_file_ignores"] = {
            str(glob): _strings(codes, f"per-file-ignores.{glob}", where)
            for glob, codes in table["per-file-ignores"].items()
        }
    if "translate" in table:
        changes["translate"] = _translate_table(table["translate"], f"{path}: [tool.kb.translate]")
    return replace(config, **changes)


_TRANSLATE_KEYS: dict[str, tuple[type, ...]] = {
    "languages": (list,),
    "backend": (str,),
    "url": (str,),
    "api-key-env": (str,),
    "region": (str,),
    "opencc-config": (str,),
    "glossary": (str,),
    "i18n": (str,),
    "timeout": (int, float),
    "retries": (int,),
    "backoff": (int, float),
    "concurrency": (int,),
}


def _translate_table(table: dict[str, Any], where: str) -> TranslateConfig:
    for key, value in table.items():
        if key not in _TRANSLATE_KEYS:
            if key in ("api-key", "key", "token"):
                raise KbError(
                    f"{where}: never write API keys in pyproject.toml; put the key in "
                    "an environment variable and name it with 'api-key-env'"
                )
            raise KbError(
                f"{where}: unknown key {key!r}; expected one of "
                f"{', '.join(sorted(_TRANSLATE_KEYS))}"
            )
        kinds = _TRANSLATE_KEYS[key]
        if not isinstance(value, kinds) or isinstance(value, bool):
            raise KbError(
                f"{where}: {key!r} must be a {kinds[0].__name__}, not {type(value).__name__}"
            )
    changes: dict[str, Any] = {k.replace("-", "_"): v for k, v in table.items()}
    if "languages" in table:
        languages = _strings(table["languages"], "languages", where)
        if not languages or any(lang not in LANGUAGES for lang in languages):
            raise KbError(f"{where}: 'languages' takes a non-empty list of {', '.join(LANGUAGES)}")
        changes["languages"] = languages
    for key in ("timeout", "backoff"):
        if key in table and table[key] <= 0:
            raise KbError(f"{where}: {key!r} must be positive")
    for key in ("retries", "concurrency"):
        if key in table and table[key] < (0 if key == "retries" else 1):
            raise KbError(f"{where}: {key!r} is out of range")
    return TranslateConfig(**changes)


def _strings(value: object, key: str, where: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise KbError(f"{where}: {key!r} must be a list of strings")
    return tuple(value)


def config_keys() -> list[str]:
    """The dataclass fields, for documentation and tests."""
    return [f.name for f in fields(Config)]
