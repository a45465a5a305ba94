"""`kb questions`: print the book's question index as a table, JSON or a Markdown page."""

from __future__ import annotations

import argparse
import json
import re
import sys
import unicodedata
from collections.abc import Iterable, Sequence
from pathlib import Path, PurePosixPath
from typing import Literal, get_args

from toolkit.config import load_config
from toolkit.document import parse
from toolkit.errors import KbError
from toolkit.question_headings import docsify_link, has_cjk, plain_title
from toolkit.questions_index import Question, book_questions, read_page
from toolkit.site import Site, scan_site
from toolkit.source import decode

QuestionsFormat = Literal["table", "json", "markdown"]
FORMATS: tuple[QuestionsFormat, ...] = get_args(QuestionsFormat)
INDEX_TITLE = "面试题索引"


def run_questions(args: argparse.Namespace) -> int:
    """Print the question index of the book in the format asked for; 0, or 2 if a page is unread."""
    config = load_config(path=args.config, root=args.root)
    site = scan_site(config.site)
    errors: list[str] = []
    questions = book_questions(site, config, errors=errors)
    fmt = "markdown" if args.markdown else args.format
    if fmt == "json":
        print(render_json(questions), end="")
    elif fmt == "markdown":
        print(render_markdown(site, questions), end="")
    else:
        print(render_table(questions), end="")
    for error in errors:
        print(f"kb: error: {error}", file=sys.stderr)
    return 2 if errors else 0


def group_by_page(questions: Iterable[Question]) -> dict[str, list[Question]]:
    """Questions per page, pages in the order they come."""
    pages: dict[str, list[Question]] = {}
    for question in questions:
        pages.setdefault(question.page, []).append(question)
    return pages


def page_title(site: Site, rel: str) -> str:
    """The `#` title of a page, or its file name."""
    try:
        doc = parse(decode(read_page(site, rel), Path(rel)).text, Path(rel), site.math)
    except KbError:
        return PurePosixPath(rel).stem
    for heading in doc.headings:
        if heading.level == 1:
            return plain_title(heading)
    return PurePosixPath(rel).stem


def render_json(questions: Sequence[Question]) -> str:
    """One object per question: page, line, section, number, question, id, link."""
    rows = [
        {
            "page": q.page,
            "line": q.line,
            "section": q.section,
            "number": q.number,
            "question": q.text,
            "id": q.id,
            "link": docsify_link(q.page, q.id),
        }
        for q in questions
    ]
    return json.dumps(rows, ensure_ascii=False, indent=2) + "\n"


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def render_table(questions: Sequence[Question]) -> str:
    """Aligned columns (wide characters count twice): page:line, section, question, link."""
    header = ("PAGE", "SECTION", "QUESTION", "LINK")
    rows = [
        (
            f"{q.page}:{q.line}",
            q.section,
            f"{q.number} {q.text}".strip(),
            docsify_link(q.page, q.id),
        )
        for q in questions
    ]
    widths = [max(_width(row[i]) for row in [header, *rows]) for i in range(3)]
    lines = []
    for row in [header, *rows]:
        cells = [cell + " " * (widths[i] - _width(cell)) for i, cell in enumerate(row[:3])]
        lines.append("  ".join([*cells, row[3]]).rstrip())
    lines.append(f"{len(questions)} questions on {len(group_by_page(questions))} pages")
    return "\n".join(lines) + "\n"


def render_markdown(site: Site, questions: Sequence[Question]) -> str:
    """A question-list page linking every question to its answer; it passes `kb lint` itself.

    Pages are `##` headings named by their path (no number, so nothing to renumber), sections are
    `###` headings ending in a count (never a question), and each section is one ordered list.
    """
    pages = group_by_page(questions)
    out = [
        f"# {INDEX_TITLE}",
        "",
        f"本页由 `kb questions --markdown` 生成，请勿手工修改：全书 {len(questions)} 道题，"
        f"分布在 {len(pages)} 个页面，每道题都链接到书中的解答。",
    ]
    for page, members in pages.items():
        title = page_title(site, page)
        out += ["", f"## {page}", "", f"[{_escape(title)}]({docsify_link(page)})"]
        ids = site.ids(page)
        fragile = (ids.repeated | ids.math) if ids is not None else frozenset()
        sections: dict[str, list[Question]] = {}
        for question in members:
            sections.setdefault(question.section or title, []).append(question)
        for section, items in sections.items():
            out += ["", f"### {section}（{len(items)} 题）", ""]
            for number, q in enumerate(items, start=1):
                # A repeated or math heading has no stable id: link to its page instead.
                anchor = None if q.has_math or q.id in fragile else q.id
                out.append(f"{number}. [{_link_text(q)}]({docsify_link(q.page, anchor)})")
    return "\n".join(out) + "\n"


def _link_text(question: Question) -> str:
    text = question.source
    if not text or "[" in text or "]" in text or "\n" in text:
        text = _escape(question.text)
    if text.endswith("?") and has_cjk(text):
        text = text[:-1] + "？"
    return text


def _escape(text: str) -> str:
    return re.sub(r"([\\`*_\[\]<>$])", r"\\\1", text)
