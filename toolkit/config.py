"""`[tool.kb]` settings from pyproject.toml, validated into a frozen dataclass."""

from __future__ import annotations

import fnmatch
import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal, get_args

from toolkit.errors import KbError
from toolkit.fileio import safe_resolve
from toolkit.site_info import MATH_PLUGINS, MathPlugin, SiteInfo, discover_root, read_site
from toolkit.translate import Backend

Profile = Literal["docsify", "github"]
PROFILES: tuple[Profile, ...] = get_args(Profile)
FailOn = Literal["error", "warning"]
FAIL_ON: tuple[FailOn, ...] = get_args(FailOn)
Language = Literal["en", "zh-Hant", "zh-HK"]
"""Editions `kb translate` can write: English, and Traditional Chinese through OpenCC."""
LANGUAGES: tuple[Language, ...] = get_args(Language)
DEFAULT_LANGUAGES: tuple[Language, ...] = ("en", "zh-Hant")
HANT_OPENCC = {"zh-HK": "s2hk"}
"""OpenCC configuration of each regional variant (zh-Hant takes `opencc-config`)."""
Mirrors = Literal["i18n", "site"]
MIRRORS: tuple[Mirrors, ...] = get_args(Mirrors)


def matches_any(rel: str, globs: Iterable[str]) -> bool:
    """A POSIX path matches one of the globs (fnmatch: `*` crosses `/`)."""
    return any(fnmatch.fnmatch(rel, glob) for glob in globs)


@dataclass(frozen=True, slots=True)
class TranslateConfig:
    """`[tool.kb.translate]`: settings of `kb translate` (API keys only ever come from the
    environment: `api-key-env` names the variable)."""

    languages: tuple[Language, ...] = DEFAULT_LANGUAGES
    mirrors: Mirrors = "i18n"
    """Where edition <lang> lives: `i18n` (`<i18n>/<lang>/`, each served as a site of its own)
    or `site` (`<site root>/<lang>/`, the way docsify sites publish languages)."""
    backend: Backend = "google"
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
    """Folder of the settings file (kb.toml or pyproject.toml), or of the repository."""
    root: str | None = None
    """The docsify site root, relative to the project root (or absolute, from `--root`);
    None: discovered (the folder whose index.html sets up docsify)."""
    config_file: Path | None = None
    """The file the settings came from (named in messages), if any."""
    profiles: tuple[Profile, ...] = ("docsify",)
    """Which renderers' rules links must satisfy: `docsify`, `github`."""
    docsify_version_setting: int | None = None
    """`docsify-version`; None: read from the docsify script the site's index.html loads."""
    math: MathPlugin | None = None
    """`math`: the plugin that renders formulas; None: read from index.html."""
    katex_version: str | None = None
    """`katex-version`: the KaTeX formulas are judged by; None: what the site loads."""
    select: tuple[str, ...] = ()
    """Code prefixes to report (empty: all)."""
    ignore: tuple[str, ...] = ()
    per_file_ignores: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """Glob (relative to the project root) to code prefixes ignored in matching files."""
    exclude: tuple[str, ...] = ()
    """Globs (relative to the project root) of files never linted."""
    fail_on: FailOn = "error"
    """The lowest severity that makes `kb lint` exit 1: `error` (default) or `warning`."""
    question_pages: tuple[str, ...] = ()
    """Globs (relative to the site root) of question-list pages."""
    questions: bool | None = None
    """Run the question rules (QST): True, False, or None for "auto" (on question books)."""
    translate: TranslateConfig = field(default_factory=TranslateConfig)
    site_info: SiteInfo | None = field(default=None, compare=False)
    """The site read once by `load_config` (None: read on every use of `site`)."""

    @property
    def site(self) -> SiteInfo:
        """The site these settings describe: its index.html read, the settings applied."""
        if self.site_info is not None:
            return self.site_info
        root, reason = _locate_root(self.project_root, self.root, self.config_file)
        return read_site(root, reason, self.docsify_version_setting, self.math, self.katex_version)

    @property
    def site_root(self) -> Path:
        """Where the site's pages are: the site root (configured, or discovered), or the
        folder its `basePath` names inside it."""
        return self.site.content_root or self.site.root

    @property
    def docsify_version(self) -> int:
        """docsify's major version: the setting, or what the site's index.html loads."""
        return self.site.docsify_version

    def edition_folder(self, lang: str) -> Path:
        """Where the mirrors of edition `lang` live (see `TranslateConfig.mirrors`)."""
        if self.translate.mirrors == "site":
            return self.site_root / lang
        return self.project_root / self.translate.i18n / lang

    def project_path(self, path: Path) -> str:
        """`path` as the `exclude` and `per-file-ignores` globs see it: POSIX, relative to the
        project root after symlinks are resolved (as given when outside the project)."""
        try:
            return safe_resolve(path).relative_to(self.project_root.resolve()).as_posix()
        except ValueError:
            return path.as_posix()

    def is_excluded(self, path: Path) -> bool:
        """The file matches an `exclude` glob: it is never linted nor indexed."""
        return bool(self.exclude) and matches_any(self.project_path(path), self.exclude)

    def ignored_codes(self, path: Path) -> tuple[str, ...]:
        """The code prefixes `per-file-ignores` turns off in this file."""
        if not self.per_file_ignores:
            return ()
        rel = self.project_path(path)
        return tuple(
            code
            for glob, codes in self.per_file_ignores.items()
            if fnmatch.fnmatch(rel, glob)
            for code in codes
        )

    def opencc_config(self, lang: str) -> str:
        """The OpenCC configuration that writes edition `lang` (a Chinese one)."""
        return HANT_OPENCC.get(lang, self.translate.opencc_config)


def _locate_root(
    project_root: Path, root: str | None, config_file: Path | None
) -> tuple[Path, str]:
    """The site root and how it was found; a configured root that is missing is an error."""
    if root is not None:
        path = project_root / root
        where = f"{config_file.name}" if config_file else "--root"
        if not path.is_dir():
            shown = config_file if config_file else "--root"
            raise KbError(f"{shown}: site root {root!r} is not a folder ({path})")
        return path, f"set by {where}"
    found = discover_root(project_root)
    if found is not None:
        return found
    return project_root, "no index.html sets up docsify here: the repository root"


_KEYS: dict[str, type | tuple[type, ...]] = {
    "root": str,
    "profiles": list,
    "docsify-version": int,
    "math": str,
    "katex-version": str,
    "select": list,
    "ignore": list,
    "per-file-ignores": dict,
    "exclude": list,
    "fail-on": str,
    "question-pages": list,
    "questions": (bool, str),
    "translate": dict,
}


SETTINGS_FILES = ("kb.toml", ".kb.toml", "pyproject.toml")
"""Where settings are looked for, first found wins: kb.toml (same keys as `[tool.kb]`, at the
top level, for repositories without Python, like ruff.toml), then pyproject.toml's `[tool.kb]`."""


def find_project_root(start: Path) -> Path:
    """The nearest folder at or above `start` holding a settings file or a .git."""
    start = start.resolve()
    for folder in (start, *start.parents):
        if any((folder / name).is_file() for name in SETTINGS_FILES) or (folder / ".git").exists():
            return folder
    return start


def load_config(
    start: Path | None = None, path: Path | None = None, root: Path | None = None
) -> Config:
    """Read the settings (`path`, or kb.toml / pyproject.toml of the project); `root`, from
    `--root`, overrides the site root. The site root is checked here: missing is an error."""
    if path is None:
        project_root = find_project_root(start or Path.cwd())
        path = next(
            (project_root / n for n in SETTINGS_FILES if (project_root / n).is_file()), None
        )
    else:
        project_root = path.resolve().parent
    config = Config(project_root=project_root)
    if path is not None:
        config = _from_table(_settings_table(path), path, project_root)
    if root is not None:
        config = replace(config, root=str(root.resolve()), config_file=None)
    # Read once; a configured root that does not exist stops the run here.
    return replace(config, site_info=config.site)


def _settings_table(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as stream:
            data = tomllib.load(stream)
    except OSError as error:
        raise KbError(f"{path}: cannot read: {error.strerror or error}") from None
    except tomllib.TOMLDecodeError as error:
        raise KbError(f"{path}: invalid TOML: {error}") from None
    if path.name == "pyproject.toml":
        table = data.get("tool", {}).get("kb", {})
        return table if isinstance(table, dict) else {}
    return data


def _from_table(table: dict[str, Any], path: Path, project_root: Path) -> Config:
    where = f"{path}: [tool.kb]" if path.name == "pyproject.toml" else str(path)
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
    config = Config(project_root=project_root, config_file=path)
    changes: dict[str, Any] = {}
    if "root" in table:
        changes["root"] = table["root"]
    if "math" in table:
        if table["math"] not in MATH_PLUGINS:
            raise KbError(f"{where}: 'math' must be one of {', '.join(MATH_PLUGINS)}")
        changes["math"] = table["math"]
    if "katex-version" in table:
        if not re.fullmatch(r"\d+\.\d+\.\d+", table["katex-version"]):
            raise KbError(f"{where}: 'katex-version' must be a version such as \"0.16.9\"")
        changes["katex_version"] = table["katex-version"]
    if "profiles" in table:
        profiles = _strings(table["profiles"], "profiles", where)
        unknown = [p for p in profiles if p not in PROFILES]
        if unknown or not profiles:
            raise KbError(f"{where}: 'profiles' takes a non-empty list of {', '.join(PROFILES)}")
        changes["profiles"] = profiles
    if "docsify-version" in table:
        if table["docsify-version"] not in (4, 5):
            raise KbError(f"{where}: 'docsify-version' must be 4 or 5")
        changes["docsify_version_setting"] = table["docsify-version"]
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
        changes["translate"] = _translate_table(
            table["translate"],
            f"{path}: [tool.kb.translate]"
            if path.name == "pyproject.toml"
            else f"{path}: [translate]",
        )
    return replace(config, **changes)


_TRANSLATE_KEYS: dict[str, tuple[type, ...]] = {
    "languages": (list,),
    "mirrors": (str,),
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
    if table.get("mirrors", "i18n") not in MIRRORS:
        choices = ", ".join(MIRRORS)
        raise KbError(f"{where}: 'mirrors' is one of {choices}, not {table['mirrors']!r}")
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
