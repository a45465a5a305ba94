"""Heading ids as docsify (4 or 5) and GitHub compute them."""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field

# docsify 4 `slugify`: these characters are deleted; full-width punctuation such as `（` is kept.
# JavaScript's `\s` (Python's also matches \x1c-\x1f and \x85, and misses \ufeff).
_JS_SPACE = "[\t\n\v\f\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff]"
_DOCSIFY_DELETE = re.compile(r"[\u2000-\u206F\u2E00-\u2E7F\\'!\"#$%&()*+,./:;<=>?@\[\]^`{|}~]")
_TAG = re.compile(r"<[^>]+>")
# docsify's getAndRemoveConfig: `:id=x`, `:ignore`, `:foo=bar` options preceded by space or start.
_CONFIG = re.compile(rf"(?:^|{_JS_SPACE}):([\w-]+:?)=?([\w\-%]+)?", re.ASCII)
_IGNORE_MARKERS = (
    "<!-- {docsify-ignore} -->",
    "{docsify-ignore}",
    "<!-- {docsify-ignore-all} -->",
    "{docsify-ignore-all}",
)
# docsify 5 strips emoji before slugging.
_EMOJI = re.compile("[\U0001f000-\U0001faff\u2600-\u27bf\ufe0f\u200d\U0001f1e6-\U0001f1ff]")


@dataclass(frozen=True, slots=True)
class HeadingOptions:
    """What docsify reads from a heading's text besides its title."""

    title: str
    """The heading HTML with options and ignore markers removed."""
    custom_id: str | None
    ignore: bool
    """`{docsify-ignore}`: hidden from the sidebar's table of contents."""
    ignore_all: bool


@functools.lru_cache(maxsize=65536)
def heading_options(html: str) -> HeadingOptions:
    """docsify's getAndRemoveConfig plus the `{docsify-ignore}` markers."""
    config: dict[str, str] = {}

    def take(match: re.Match[str]) -> str:
        key, value = match.group(1), match.group(2)
        if ":" in key:
            return match.group(0)
        config[key] = value.replace("&quot;", "") if value else "true"
        return ""

    title = re.sub(r"^('|\")", "", html)
    title = re.sub(r"('|\")$", "", title)
    title = _CONFIG.sub(take, title)
    title = re.sub(f"^{_JS_SPACE}+|{_JS_SPACE}+$", "", title)
    ignore = ignore_all = False
    for marker in _IGNORE_MARKERS:
        if marker in title:
            title = title.replace(marker, "", 1)
            if "all" in marker:
                ignore_all = True
            else:
                ignore = True
    custom = config.get("id")
    return HeadingOptions(
        title, custom if custom and custom != "true" else None, ignore, ignore_all
    )


@functools.lru_cache(maxsize=65536)
def docsify_base_slug(text: str, version: int = 4) -> str:
    """docsify's slugify without the repeat counter."""
    slug = re.sub(f"^{_JS_SPACE}+|{_JS_SPACE}+$", "", text)
    slug = re.sub(r"[A-Z]+", lambda m: m.group(0).lower(), slug)
    if version >= 5:
        slug = unicodedata.normalize("NFC", slug)
        slug = _EMOJI.sub("", slug)
    slug = _TAG.sub("", slug)
    slug = _DOCSIFY_DELETE.sub("", slug)
    slug = re.sub(_JS_SPACE, "-", slug)
    if version < 5:
        slug = re.sub(r"-+", "-", slug)
    return re.sub(r"^([0-9])", r"_\1", slug)


@dataclass
class DocsifySlugger:
    """docsify's per-page slugify, with its repeat counter (`x`, `x-1`, `x-2`)."""

    version: int = 4
    _seen: dict[str, int] = field(default_factory=dict)

    def slug(self, text: str) -> str:
        base = docsify_base_slug(text, self.version)
        count = self._seen[base] + 1 if base in self._seen else 0
        self._seen[base] = count
        return f"{base}-{count}" if count else base


def docsify_heading_id(html: str, slugger: DocsifySlugger) -> str:
    """The id docsify gives one heading of a page, given the page's slugger."""
    options = heading_options(html)
    return slugger.slug(options.custom_id or options.title)


def docsify_ids(htmls: Iterable[str], version: int = 4) -> list[str]:
    """The ids docsify gives a page's headings, in order."""
    slugger = DocsifySlugger(version)
    return [docsify_heading_id(html, slugger) for html in htmls]


def github_base_slug(text: str) -> str:
    """GitHub's slugger (github-slugger) without the repeat counter: letters, numbers, marks
    and `_` kept, a space turned into `-`, every other character dropped."""
    return _NOT_WORD.sub(keep_mark, text.lower()).replace(" ", "-")


# `\w` is letters, numbers and `_`; of the rest only the marks (combining accents) are kept.
_NOT_WORD = re.compile(r"[^\w -]")


def keep_mark(match: re.Match[str]) -> str:
    """A matched character if it is a mark (for `re.sub`), else nothing."""
    char = match.group(0)
    return char if unicodedata.category(char)[0] == "M" else ""


def github_ids(texts: Iterable[str]) -> list[str]:
    """The ids GitHub gives a page's headings, in order (github-slugger's occurrence counter)."""
    occurrences: dict[str, int] = {}
    ids = []
    for text in texts:
        original = result = github_base_slug(text)
        while result in occurrences:
            occurrences[original] += 1
            result = f"{original}-{occurrences[original]}"
        occurrences[result] = 0
        ids.append(result)
    return ids
