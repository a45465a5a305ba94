"""`kb site`: print what kb read about the docsify site it would lint."""

from __future__ import annotations

import argparse
import json
import os
from dataclasses import asdict
from pathlib import Path

from toolkit.config import Config, load_config
from toolkit.site_info import SiteInfo


def run_site(args: argparse.Namespace) -> int:
    """Print the site description as text or JSON; 0, or 2 on a settings error (raised)."""
    config = load_config(path=args.config, root=args.root)
    info = config.site
    if args.format == "json":
        print(json.dumps(_as_json(info, config), ensure_ascii=False, indent=2))
    else:
        print(describe(info, config), end="")
    return 0


def describe(info: SiteInfo, config: Config) -> str:
    """The site as `kb site` and `kb lint --verbose` show it, one fact a line."""
    shown = _shown(info.root)
    lines = [
        f"site root: {shown} ({info.root_reason})",
        f"settings: {_shown(config.config_file) if config.config_file else 'none (defaults)'}",
        f"index.html: {_shown(info.index_html) if info.index_html else 'none'}",
        f"docsify: {info.docsify_version}"
        + (f" (script {info.docsify_script})" if info.docsify_script else " (assumed)"),
        f"math plugin: {info.math}" + (f" ({info.math_script})" if info.math_script else ""),
        f"KaTeX: {info.katex_version or 'none: formulas are not judged by KaTeX'}",
        f"relativePath: {str(info.relative_path).lower()}",
        f"basePath: {info.base_path or '(none)'}"
        + (f" (pages in {_shown(info.content_root)})" if info.content_root else ""),
        f"alias: {', '.join(f'{a} -> {b}' for a, b in info.alias) or '(none)'}",
        f"sidebar: {info.sidebar or 'not loaded'} (subMaxLevel {info.sub_max_level})",
        f"navbar: {info.navbar or 'not loaded'}",
        f"homepage: {info.homepage}"
        + (f", cover page: {info.coverpage}" if info.coverpage else ""),
        f"routerMode: {info.router_mode}"
        + (
            f", noCompileLinks: {', '.join(info.no_compile_links)}" if info.no_compile_links else ""
        ),
        f"profiles: {', '.join(config.profiles)}",
    ]
    lines += [f"note: {note}" for note in info.notes]
    return "\n".join(lines) + "\n"


def _shown(path: Path) -> str:
    try:
        return Path(os.path.relpath(path)).as_posix() or "."
    except ValueError:
        return path.as_posix()


def _as_json(info: SiteInfo, config: Config) -> dict[str, object]:
    data = asdict(info)
    data["root"] = _shown(info.root)
    data["index_html"] = _shown(info.index_html) if info.index_html else None
    data["content_root"] = _shown(info.content_root) if info.content_root else None
    data["alias"] = dict(info.alias)
    data["notes"] = list(info.notes)
    data["settings"] = _shown(config.config_file) if config.config_file else None
    data["profiles"] = list(config.profiles)
    return data
