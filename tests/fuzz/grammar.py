"""Hypothesis strategies: Markdown-ish pages built from the constructs the book and its rules use.

Headings (with docsify `:id=`, numbered questions, emphasis), paragraphs of words, emphasis,
code, math (valid and broken TeX, full-width punctuation, `|`), links of every kind (anchors
that exist, differ only in case, or do not; folder links without `/`; escapes out of the site;
raw HTML; references), lists (bullet and ordered, nested), tables, math and code blocks,
quotes, HTML and kb-disable comments, front matter; then line ends, BOM and stray bytes.
"""

from __future__ import annotations

from hypothesis import strategies as st

WORDS = st.sampled_from(
    [
        "注意力",
        "机制",
        "Transformer",
        "LoRA",
        "显存",
        "的",
        "与",
        "KV Cache",
        "GQA",
        "微调",
        "a",
        "b",
        "x",
        "1",
        "2.5",
        "？",
        "?",
        "，",
        "。",
        "（",
        "）",
        "：",
        "!",
        "、",
        "  ",
        "\t",
        "*",
        "_",
        "\\",
        "`",
        "[",
        "]",
        "(",
        ")",
        "<",
        ">",
        "&",
        "$",
        "|",
        "#",
        "~",
        "{",
        "}",
        "{{0}}",
        "&amp;",
        "&#x4e2d;",
        "&nope;",
        "1.",
        "-",
        "+",
        ":",
        "：id=x",
        "https://example.com/a?b=c#d",
        "www.x.y",
        "\u200b",
        "\u3000",
        "😀",
        "é",
        "\ufeff",
    ]
)
TEX = st.sampled_from(
    [
        "x",
        "x_1^2",
        "\\frac{a}{b}",
        "\\alpha+\\beta",
        "{",
        "}",
        "\\left(",
        "\\right)",
        "\\begin{matrix}a\\end{matrix}",
        "\\begin{align*}a&=b\\end{align*}",
        "a|b",
        "\\|x\\|",
        "\\text{注意}",
        "注意",
        "a，b",
        "（x）",
        "１２",
        "\\sqrt",
        "x^^2",
        "\\unknown",
        "\\\\",
        "$",
        "_",
        "*",
        "\\mathbb{R}^{n}",
        "O(n^2)",
        "\\sum_{i=1}^{n} i",
        "- a",
        "1. b",
        "",
    ]
)
IDS = ["目录", "part", "1注意力", "_1注意力", "q", "a-b"]
ANCHORS = st.sampled_from(
    IDS + ["PART", "Part", "目錄", "nope", "", "目录-1", "%E7%9B%AE%E5%BD%95"]
)
PAGES = st.sampled_from(
    [
        "",
        "/README.md",
        "/part/README.md",
        "/part/a.md",
        "/part/",
        "/part",
        "/part/a",
        "part/a.md",
        "./a.md",
        "/nope.md",
        "/x.md",
        "../../../../etc/passwd",
        "/../outside.md",
        "#/part/a",
    ]
)


@st.composite
def link_targets(draw: st.DrawFn) -> str:
    page = draw(PAGES)
    anchor = draw(ANCHORS)
    form = draw(st.sampled_from(["?id=", "#", ""]))
    target = page + (form + anchor if form else "")
    return draw(
        st.one_of(
            st.just(target),
            st.just(f"<{target}>"),
            st.sampled_from(["http://example.com", "mailto:a@b.c", "a b.md", "%zz", "(x)"]),
        )
    )


@st.composite
def inline(draw: st.DrawFn, depth: int = 0) -> str:
    pieces: list[str] = []
    for _ in range(draw(st.integers(1, 6))):
        kind = draw(st.integers(0, 9 if depth < 2 else 3))
        if kind <= 3:
            pieces.append(draw(WORDS))
        elif kind == 4:
            pieces.append(f"`{draw(WORDS)}`")
        elif kind == 5:
            delimiter = draw(st.sampled_from(["$", "$$"]))
            pieces.append(f"{delimiter}{draw(TEX)}{draw(TEX)}{delimiter}")
        elif kind == 6:
            text = draw(inline(depth + 1))
            title = draw(st.sampled_from(["", ' "标题"', " ':ignore'", " 'x'"]))
            bang = draw(st.sampled_from(["", "!"]))
            pieces.append(f"{bang}[{text}]({draw(link_targets())}{title})")
        elif kind == 7:
            marker = draw(st.sampled_from(["*", "**", "_", "~~"]))
            pieces.append(f"{marker}{draw(inline(depth + 1))}{marker}")
        elif kind == 8:
            target = draw(link_targets()).strip("<>")
            pieces.append(
                draw(
                    st.sampled_from(
                        [
                            f'<a href="{target}">a</a>',
                            f"<img src='{target}'>",
                            "<!-- kb-disable-next-line ANC001 -->",
                            "<!-- kb-disable LNK -->",
                            "<!-- note",
                            "<br/>",
                            f"<https://example.com/{target}>",
                        ]
                    )
                )
            )
        else:
            pieces.append(f"[{draw(WORDS)}][{draw(st.sampled_from(['r', 'nope', '']))}]")
    return draw(st.sampled_from(["", " "])).join(pieces)


@st.composite
def heading(draw: st.DrawFn) -> str:
    level = draw(st.integers(1, 7))
    number = draw(st.sampled_from(["", "1. ", "1.1 ", "2.3 ", "10. "]))
    text = draw(st.one_of(inline(1), st.sampled_from(IDS)))
    end = draw(st.sampled_from(["", "？", "?", " :id=custom", " #"]))
    wrap = draw(st.sampled_from(["", "**", "*"]))
    return f"{'#' * level} {wrap}{number}{text}{end}{wrap}"


@st.composite
def table(draw: st.DrawFn) -> str:
    columns = draw(st.integers(1, 3))
    rows = [
        "| " + " | ".join(draw(inline(1)).replace("\n", " ") for _ in range(columns)) + " |"
        for _ in range(draw(st.integers(1, 3)))
    ]
    return "\n".join([rows[0], "|" + "---|" * columns, *rows[1:]])


def blocks(depth: int = 0) -> st.SearchStrategy[str]:
    simple = st.one_of(
        heading(),
        inline(),
        st.builds(lambda a, b: f"{a}\n{b}", inline(), inline()),
        table(),
        st.builds(lambda t: f"$$\n{t}\n$$", TEX),
        st.builds(lambda t, i: f"```{i}\n{t}\n```", WORDS, st.sampled_from(["", "python"])),
        st.sampled_from(["```\nunclosed", "$$\nunclosed", "---", "***", "<div>\n块\n</div>"]),
        st.sampled_from(["<!-- kb-disable ANC001 -->", "<!-- kb-enable ANC001 -->"]),
        st.builds(lambda i: f"[r]: {i}", link_targets()),
    )
    if depth >= 2:
        return simple
    inner = st.deferred(lambda: blocks(depth + 1))
    return st.one_of(
        simple,
        simple,
        st.builds(lambda b: "\n".join("> " + line for line in b.split("\n")), inner),
        st.builds(_list_item, st.sampled_from(["- ", "* ", "1. ", "2. ", "3) "]), inner),
        st.builds(_list, st.lists(st.tuples(st.integers(0, 12), inline()), min_size=1, max_size=4)),
    )


def _list_item(marker: str, body: str) -> str:
    indent = " " * len(marker)
    lines = body.split("\n")
    return marker + lines[0] + "".join(f"\n{indent}{line}" for line in lines[1:])


def _list(items: list[tuple[int, str]]) -> str:
    return "\n".join(f"{number}. {text}" for number, text in items)


@st.composite
def pages(draw: st.DrawFn) -> str:
    """A Markdown page as normalised text (`\\n` line ends)."""
    parts = draw(st.lists(blocks(), max_size=8))
    separators = [draw(st.sampled_from(["\n\n", "\n", "\n\n\n"])) for _ in parts]
    text = "".join(p + s for p, s in zip(parts, separators, strict=True))
    if draw(st.booleans()):
        text = "---\ntitle: 标题\n---\n" + text
    return text


@st.composite
def page_bytes(draw: st.DrawFn) -> bytes:
    """A page as a file holds it: some line-end style (or a mix), maybe a BOM or a bad byte."""
    text = draw(pages())
    ending = draw(st.sampled_from(["\n", "\r\n", "\r", "mixed"]))
    if ending == "mixed":
        text = "".join(
            c if c != "\n" else draw(st.sampled_from(["\n", "\r\n", "\r"])) for c in text
        )
    elif ending != "\n":
        text = text.replace("\n", ending)
    data = text.encode("utf-8")
    if draw(st.booleans()):
        data = b"\xef\xbb\xbf" + data
    if draw(st.integers(0, 9)) == 0:
        at = draw(st.integers(0, len(data)))
        data = data[:at] + draw(st.sampled_from([b"\xff", b"\x00", b"\xe6\xb3"])) + data[at:]
    return data
