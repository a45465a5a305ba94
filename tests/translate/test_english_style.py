"""The English style check: full-width punctuation, leftover glosses, forbidden terms."""

from __future__ import annotations

from pathlib import Path

import polib  # type: ignore[import-untyped]
import pytest

from tests.translate.conftest import Kb, sign
from tests.translate.fakelibre import FakeLibre
from toolkit.errors import KbError
from toolkit.site import iter_markdown
from toolkit.translate.english_style import (
    STYLE_SHEET,
    ForbiddenTerm,
    StyleSheet,
    check_english,
    check_page,
    load_style_sheet,
    term_pattern,
)

REPO = Path(__file__).resolve().parents[2]
SHEET = """\
# Style

## Forbidden terms

| Forbidden | Use instead | Allowed in |
| --- | --- | --- |
| `large model` | LLM | |
| `KV Cache` | KV cache | |
| `pre-train*` | pretraining | `Pre-training of Deep Bidirectional Transformers` |
"""


def _sheet(tmp_path: Path, text: str = SHEET) -> StyleSheet:
    path = tmp_path / STYLE_SHEET
    path.write_text(text, encoding="utf-8")
    return load_style_sheet(path)


@pytest.mark.parametrize(
    ("term", "text", "found"),
    [
        ("large model", "Serving large models is hard.", "large models"),
        ("large model", "A Large Model answers.", "Large Model"),
        ("large model", "large-model inference", "large-model"),
        ("large model", "a large\nmodel", "large\nmodel"),
        ("large model", "largely modeled", None),
        ("large model", "a large modeling effort", None),
        ("KV Cache", "the KV cache grows", None),
        ("KV Cache", "the KV Cache grows", "KV Cache"),
        ("pre-train*", "pre-trained weights", "pre-trained"),
        ("pre-train*", "pretrained weights", None),
    ],
)
def test_term_pattern(term: str, text: str, found: str | None) -> None:
    match = term_pattern(term).search(text)
    assert (match.group(0) if match else None) == found


def test_full_width_punctuation_is_found_in_prose_only(tmp_path: Path) -> None:
    page = (
        "# Title\n\n"
        "Models such as LLaMA、Mistral use RMSNorm（root mean square）.\n\n"
        "Inline `a，b` and $x，y$ are code and math.\n\n"
        "```python\nprint('，')\n```\n\n"
        "| a | b |\n| --- | --- |\n| x | y；z |\n"
    )
    findings = check_page("p.md", page, StyleSheet())
    assert [(f.line, f.column, f.message.split(" (U+")[0]) for f in findings] == [
        (3, 21, "full-width punctuation '、'"),
        (3, 41, "full-width punctuation '（'"),
        (3, 58, "full-width punctuation '）'"),
        (13, 8, "full-width punctuation '；'"),
    ]


def test_punctuation_inside_a_quoted_chinese_example_is_allowed() -> None:
    assert check_page("p.md", 'The user typed "北京，上海".\n', StyleSheet()) == []


def test_leftover_gloss(tmp_path: Path) -> None:
    page = "Train a Reward Model (reward model) first; mixture of experts (MoE) is fine.\n"
    findings = check_page("p.md", page, StyleSheet())
    assert len(findings) == 1
    assert findings[0].message == (
        "leftover gloss: 'reward model' repeats the term before it in parentheses"
    )
    assert (findings[0].line, findings[0].column) == (1, 23)


def test_forbidden_terms_in_text_not_in_code_links_or_allowed_titles(tmp_path: Path) -> None:
    sheet = _sheet(tmp_path)
    page = (
        "Serving [large models](/large-model.md) needs a KV Cache.\n"
        "`KV Cache` in code is fine.\n\n"
        "- BERT: Pre-training of Deep Bidirectional Transformers (2018)\n"
        "- Pre-training data matters.\n"
    )
    found = [(f.line, f.column, f.text) for f in check_page("p.md", page, sheet)]
    assert found == [(1, 10, "large models"), (1, 49, "KV Cache"), (5, 3, "Pre-training")]
    message = check_page("p.md", "A KV Cache.\n", sheet)[0].message
    assert message == "'KV Cache': the style sheet forbids `KV Cache` (line 8); use KV cache"


def test_a_missing_style_sheet_forbids_nothing(tmp_path: Path) -> None:
    assert load_style_sheet(tmp_path / STYLE_SHEET) == StyleSheet()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("# Style\n\nNothing here.\n", "style-en.md: no '## Forbidden terms' section"),
        (
            "## Forbidden terms\n\n| a | b |\n| --- | --- |\n| large model | LLM |\n",
            "style-en.md:5: a forbidden term is one `term` in inline code",
        ),
    ],
)
def test_a_bad_style_sheet_names_file_and_line(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(KbError, match=message.replace("`", ".").replace("'", ".")):
        _sheet(tmp_path, text)


@pytest.mark.slow
def test_check_names_the_memory_entry_to_edit(project: Path, kb: Kb, fake: FakeLibre) -> None:
    assert kb("translate", "--lang", "en")[0] == 0
    (project / "i18n" / STYLE_SHEET).write_text(SHEET, encoding="utf-8")
    assert kb("translate", "--check", "--lang", "en")[:2] == (0, "")
    path = project / "i18n" / "po" / "en" / "基础" / "attention.po"
    sign(path, "注意力机制", "Attention in large models")
    assert kb("translate", "--lang", "en", "--offline")[0] == 0
    status, out, err = kb("translate", "--check", "--lang", "en")
    line = polib.pofile(str(path)).find("注意力机制").linenum  # where the entry starts
    assert status == 1
    assert out == (
        "i18n/en/基础/attention.md:6:16: en style: 'large models': the style sheet forbids "
        f"`large model` (line 7); use LLM; edit i18n/po/en/基础/attention.po:{line}\n"
    )
    assert "1 style findings" in err


@pytest.mark.slow
def test_the_english_edition_keeps_its_style_sheet() -> None:
    """CI: 0 full-width punctuation, 0 leftover glosses, 0 forbidden terms in i18n/en."""
    sheet = load_style_sheet(REPO / "i18n" / STYLE_SHEET)
    assert len(sheet.forbidden) >= 10
    assert all(isinstance(term, ForbiddenTerm) for term in sheet.forbidden)
    files = {path: path.read_bytes() for path in iter_markdown([REPO / "i18n" / "en"])}
    assert len(files) > 40
    assert check_english(files, sheet, REPO / "i18n") == []


@pytest.mark.parametrize(
    ("page", "found"),
    [
        ("### 2.3 RoPE: why is it applied only to Q and K?\n", "RoPE"),
        ("### 2.3 Why is RoPE applied only to Q and K?\n", None),
        ("### 5.1 Motivation: where attention spends its time\n", None),  # a topic, not a question
        ("Follow-up: why is it slow?\n", None),  # prose may open with a label
    ],
)
def test_question_headings_ask_the_question_itself(page: str, found: str | None) -> None:
    findings = check_page("p.md", page, StyleSheet())
    assert [f.message.split("(")[1].split(")")[0] for f in findings] == (
        [repr(found)] if found else []
    )


@pytest.mark.parametrize(
    ("page", "repeated"),
    [
        ("Data parallelism (Data Parallelism, DP) copies the model.\n", "Data Parallelism"),
        ("A process reward model (PRM, Process Reward Model) is used.\n", "Process Reward Model"),
        ("Data parallelism (DP) copies the model.\n", None),
        ("Use adapters (Adapter) here.\n", "Adapter"),
        ("Locally typical sampling (Locally Typical Sampling, 2022, arXiv:2202.00666).\n", None),
    ],
)
def test_a_gloss_may_follow_an_abbreviation_but_a_citation_is_no_gloss(
    page: str, repeated: str | None
) -> None:
    findings = check_page("p.md", page, StyleSheet())
    expected = (
        [f"leftover gloss: {repeated!r} repeats the term before it in parentheses"]
        if repeated
        else []
    )
    assert [f.message for f in findings] == expected


def test_code_comments_and_diagram_labels_are_checked_too(tmp_path: Path) -> None:
    sheet = _sheet(tmp_path)
    page = "Text.\n\n```python\nx = '（not a comment）'\ny = 1  # fits on one large model\n```\n"
    found = [(f.line, f.column, f.text) for f in check_page("p.md", page, sheet)]
    assert found == [(5, 22, "large model")]
