"""content/index.html pins every package, and the pins are the packages the tests install."""

from __future__ import annotations

import base64
import hashlib
import json
import re
from pathlib import Path

import pytest

from tests.browser.conftest import REPO
from tests.browser.sitecheck import CDN_HOST, CDN_PATH

INDEX = REPO / "content" / "index.html"
NODE_SPEC = REPO / "tests" / "node" / "package.json"
_TAG = re.compile(r"<(script|link)\b[^>]*>", re.S)
_ATTR = re.compile(r'([a-z-]+)="([^"]*)"')


def _cdn_tags() -> list[dict[str, str]]:
    tags = []
    for match in _TAG.finditer(INDEX.read_text(encoding="utf-8")):
        attrs = dict(_ATTR.findall(match.group(0)))
        url = attrs.get("src") or attrs.get("href") or ""
        if CDN_HOST in url:
            tags.append(attrs)
    return tags


def test_every_cdn_address_names_an_exact_version() -> None:
    tags = _cdn_tags()
    assert len(tags) >= 10
    for attrs in tags:
        url = attrs.get("src") or attrs["href"]
        match = CDN_PATH.match(url.split(CDN_HOST, 1)[1])
        assert match is not None, url
        assert re.fullmatch(r"\d+\.\d+\.\d+", match.group(2)), f"not an exact version: {url}"


def test_the_pins_are_the_packages_the_tests_install() -> None:
    pinned = json.loads(NODE_SPEC.read_text(encoding="utf-8"))["dependencies"]
    for attrs in _cdn_tags():
        url = attrs.get("src") or attrs["href"]
        match = CDN_PATH.match(url.split(CDN_HOST, 1)[1])
        assert match is not None
        name, version, _ = match.groups()
        assert pinned.get(name) == version, f"{url}: package.json pins {pinned.get(name)}"


def test_the_site_renders_with_the_katex_the_formula_checker_follows() -> None:
    pinned = json.loads(NODE_SPEC.read_text(encoding="utf-8"))["dependencies"]["katex"]
    html = INDEX.read_text(encoding="utf-8")
    assert f"/katex@{pinned}/dist/katex.min.js" in html
    assert "docsify-katex" not in html  # it bundles KaTeX 0.11.1 and ignores ours


@pytest.mark.node
def test_integrity_hashes_match_the_pinned_files(node_modules: Path) -> None:
    for attrs in _cdn_tags():
        url = attrs.get("src") or attrs["href"]
        match = CDN_PATH.match(url.split(CDN_HOST, 1)[1])
        assert match is not None
        name, _, file = match.groups()
        digest = hashlib.sha384((node_modules / name / file).read_bytes()).digest()
        expected = "sha384-" + base64.b64encode(digest).decode("ascii")
        assert attrs.get("integrity") == expected, url
        assert attrs.get("crossorigin") == "anonymous", url
