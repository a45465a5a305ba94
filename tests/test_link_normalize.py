"""kb's normalizeLink: markdown-it's own code with a faster `mdurl.encode`, same result."""

from __future__ import annotations

import random

import mdurl
import pytest
from markdown_it import MarkdownIt
from markdown_it.common import normalize_url

from toolkit.markdown import _encode, markdown_parser

URLS = [
    "data:image/png;base64," + "iVBORw0KGgo+/=" * 50,
    "data:text/html;base64,PHNjcmlwdD4=",
    "javascript:alert(1)",
    "JAVASCRIPT:alert(1)",
    "http://例子.测试/路径?q=值#片段",
    "https://xn--fsqu00a.xn--0zwm56d/a%20b",
    "//host/a b",
    "mailto:用户@例子.中国",
    "http://[::1]:8080/a b",
    "a%2",
    "a%zz%41%4",
    "%",
    "./第一章.md#第-1-节",
    "../x.md?a=1&b=2",
    "  spaced  ",
    "tab\tand\u00a0nbsp",
    "emoji😀",
    "lone\ud800surrogate",
    "",
]


@pytest.mark.parametrize("url", URLS)
@pytest.mark.parametrize("math", ["kb", "docsify-katex", "none"])
def test_normalize_link_is_markdown_its(url: str, math: str) -> None:
    assert markdown_parser(math).normalizeLink(url) == normalize_url.normalizeLink(url)


def test_encode_matches_mdurl_on_random_text() -> None:
    alphabet = "aZ09;/?:@&=+$,-_.!~*'()#% \t\"<>[]\\^`{|}é中😀\ud800" + "0123456789abcdefABCDEF"
    rng = random.Random(18)
    for _ in range(3000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randrange(12)))
        assert _encode(text) == mdurl.encode(text), repr(text)
        assert _encode(text, ";/") == mdurl.encode(text, ";/")
        assert _encode(text, keep_escaped=False) == mdurl.encode(text, keep_escaped=False)


def test_a_data_uri_image_keeps_markdown_its_href_and_validation() -> None:
    payload = "R0lGODlhAQABAAAAACw=" * 2000
    text = f"![a](data:image/gif;base64,{payload}) [b](data:text/html;base64,{payload})\n"
    stock = MarkdownIt("commonmark").parse(text)[1].children
    ours = markdown_parser("kb").parse(text)[1].children
    assert stock is not None and ours is not None
    image = [t for t in ours if t.type == "image"][0]
    assert image.attrs["src"] == [t for t in stock if t.type == "image"][0].attrs["src"]
    assert image.attrs["src"] == f"data:image/gif;base64,{payload}"
    # validateLink refuses a data: URI that is not an image: the link stays text, as in stock.
    assert [t.type for t in ours if t.type == "link_open"] == []
    assert [t.type for t in stock if t.type == "link_open"] == []
