"""Keep links working when `--fix` changes heading ids: rewrite every link to an old id."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote

from toolkit.config import Profile
from toolkit.document import Document, parse
from toolkit.edits import Edit, splice
from toolkit.errors import KbError
from toolkit.fileio import inside, read_file, write_atomic
from toolkit.link_targets import anchor_edit_in
from toolkit.routes import Router
from toolkit.rules.base import Page
from toolkit.rules.linkroutes import routed_links
from toolkit.site import Site
from toolkit.slug import docsify_ids, github_ids
from toolkit.source import decode, encode

Moves = Mapping[Profile, Mapping[str, str]]
"""Per profile (`docsify`, `github`): old heading id to new heading id."""


@dataclass
class Rewritten:
    """Files whose links were rewritten (with how many links each), and files left alone."""

    files: dict[Path, int] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)


def moved_ids(
    before: Document, after: Document, docsify_version: int = 4
) -> dict[Profile, dict[str, str]]:
    """Ids that changed, heading by heading; nothing when the heading count changed."""
    if len(before.headings) != len(after.headings):
        return {}
    pairs: dict[Profile, tuple[list[str], list[str]]] = {
        "docsify": (
            docsify_ids([h.html for h in before.headings], docsify_version),
            docsify_ids([h.html for h in after.headings], docsify_version),
        ),
        "github": (
            github_ids(h.text for h in before.headings),
            github_ids(h.text for h in after.headings),
        ),
    }
    moves: dict[Profile, dict[str, str]] = {}
    for profile, (old, new) in pairs.items():
        changed = {o: n for o, n in zip(old, new, strict=True) if o != n}
        if changed:
            moves[profile] = changed
    return moves


def rewrite_links(
    site: Site, target: str, moves: Moves, profiles: tuple[Profile, ...]
) -> Rewritten:
    """Point every link of the site that named a moved id of page `target` at its new id.

    Each file is written atomically with its BOM and line ends; nothing but anchors changes.
    """
    done = Rewritten()
    old_ids = {old for profile in profiles for old in moves.get(profile, {})}
    if not old_ids:
        return done
    for rel in site.pages():
        path = site.root / rel
        real = inside(path, site.root)
        if real is None:
            continue  # a symlink out of the site: never read or written
        try:
            data = read_file(real)
            source = decode(data, path)
        except (OSError, KbError):
            continue
        # Cheap filter first: a link to an old id holds it, maybe percent-encoded.
        if not any(old in unquote(source.text) for old in old_ids):
            continue
        doc = parse(source.text, path, site.math)
        edits = _edits(Page(doc, rel, rel, profiles), target, moves, site.router)
        if not edits:
            continue
        if source.newline is None:
            done.errors.append(f"{rel}: mixes line-end styles; links to moved ids not rewritten")
            continue
        text = splice(doc.text, edits)
        new_data = encode(source, text)
        try:
            write_atomic(real, new_data)
        except OSError as error:
            done.errors.append(f"{rel}: cannot write: {error.strerror or error}")
            continue
        site.remember(rel, new_data, parse(text, path, site.math))
        done.files[path] = len(edits)
    return done


def _edits(page: Page, target: str, moves: Moves, router: Router) -> list[Edit]:
    edits: dict[int, Edit] = {}
    for routed in routed_links(page, router):
        link = routed.link
        anchor = routed.route.anchor
        page_of_link = routed.route.path if routed.route.path is not None else routed.page
        if link.target_start < 0 or not anchor or page_of_link != target:
            continue
        new = moves.get(routed.profile, {}).get(anchor)
        if new is None or link.target_start in edits:
            continue
        edit = anchor_edit_in(page.doc.text, link.target, link.target_start, anchor, new)
        if edit is not None:
            edits[link.target_start] = edit
    return sorted(edits.values())
