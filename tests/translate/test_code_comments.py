"""Comments, docstrings and diagram labels of code blocks: found by language, nothing else."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.translate.conftest import Kb
from tests.translate.fakelibre import FakeLibre
from toolkit.translate.code_comments import code_text, code_texts, diagram_type, masked
from toolkit.translate.inline import HAN
from toolkit.translate.reassemble import assemble, identity
from toolkit.translate.segment import segment_page


def _texts(info: str, code: str) -> list[tuple[str, str]]:
    return [(t.kind, code[t.start : t.end]) for t in code_texts(info, code)]


@pytest.mark.parametrize(
    ("info", "code", "expected"),
    [
        (
            "python",
            'def f(x):\n    """求和。\n\n    第二行\n    """\n    s = "# 不是注释"  # 注释\n',
            [("docstring", "求和。"), ("docstring", "第二行"), ("comment", "注释")],
        ),
        # A string that is not a docstring is data: "你好" is what the example tokenizes.
        ("python", 'tok("你好")  # 分词\nx = """多行\n字符串"""\n', [("comment", "分词")]),
        ("python", 'r"""原始"""\n', []),  # raw and escaped literals are left alone
        ("python", "x = = 1  # 语法错误\n", [("comment", "语法错误")]),
        ("python", "(\n# 未闭合\n", []),  # the tokenizer gives up: copy as written
        (
            "bash",
            "echo '#不是' \"a#b\" $# # 是注释\n# 整行\n",
            [("comment", "是注释"), ("comment", "整行")],
        ),
        ("yaml", "key: 'a # b'  # 注释\n", [("comment", "注释")]),
        (
            "js",
            'const s = "// no"; // 行注释\n/* 块\n * 注释 */\n',
            [("comment", "行注释"), ("comment", "块"), ("comment", "注释")],
        ),
        ("json", '{"a": "说明"}', []),
        ("text", "# 不是代码", []),
    ],
    ids=[
        "py",
        "py-data",
        "py-raw",
        "py-bad-ast",
        "py-bad-tokens",
        "sh",
        "yaml",
        "js",
        "json",
        "text",
    ],
)
def test_code_texts(info: str, code: str, expected: list[tuple[str, str]]) -> None:
    assert _texts(info, code) == expected


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        (
            'flowchart LR\n  %% 注释\n  A["输入"] -->|"边"| B("输出 <br/> 第二行")\n',
            [
                ("comment", "注释"),
                ("label", "输入"),
                ("label", "边"),
                ("label", "输出 <br/> 第二行"),
            ],
        ),
        (
            "sequenceDiagram\n  participant U as 用户\n  U->>M: 请求\n  Note over U,M: 说明\n"
            "  loop 每一步\n  end\n",
            [("label", "用户"), ("label", "请求"), ("label", "说明"), ("label", "每一步")],
        ),
        (
            "gantt\n  title 调度\n  dateFormat X\n  section 阶段 1\n  F1 前向 :a1, 0, 1\n",
            [("label", "调度"), ("label", "阶段 1"), ("label", "F1 前向")],
        ),
        (
            "timeline\n  title 时间线\n  2017 : Transformer : 注意力\n",
            [("label", "时间线"), ("label", "Transformer"), ("label", "注意力")],
        ),
    ],
    ids=["flowchart", "sequence", "gantt", "timeline"],
)
def test_mermaid_labels(code: str, expected: list[tuple[str, str]]) -> None:
    assert _texts("mermaid", code) == expected


def test_diagram_type_skips_front_matter_and_comments() -> None:
    assert diagram_type("---\ntitle: x\n---\n%% c\n\nflowchart TD\n") == "flowchart"


def test_masked_keeps_code_and_marks_text() -> None:
    assert masked("python", "x = 1  # 注释\n") == "x = 1  # \x01\n"


def test_machine_text_is_fit_for_code() -> None:
    assert code_text('the "sum"\n of a\\b') == "the 'sum' of a/b"


def test_segments_in_a_list_item_fence_round_trip() -> None:
    page = "- 条目\n\n  ```python\n  x = 1  # 缩进的注释\n  ```\n"
    segmented = segment_page(page)
    kinds = [(s.kind, s.text) for s in segmented.segments]
    assert ("comment", "缩进的注释") in kinds
    assert assemble(segmented, identity(segmented)) == page
    swapped = assemble(
        segmented, lambda i: "indented" if segmented.segments[i].kind == "comment" else "item"
    )
    assert "  x = 1  # indented\n" in swapped


def test_code_spans_in_a_comment_are_placeholders() -> None:
    segmented = segment_page("```python\nx = 1  # 见 `f(x)` 的说明\n```\n")
    comment = segmented.segments[0]
    assert comment.text == "见 {{0}} 的说明"


def test_machine_translation_of_code_keeps_the_code_running(
    project: Path, kb: Kb, fake: FakeLibre
) -> None:
    """Through the real backend path: comments, docstrings and labels come back in English,
    the rest of each block byte for byte, and the Python still parses to the same AST."""
    code = 'def f(x):\n    """求和：返回 x。"""\n    s = "数据"  # 这是注释\n    return s\n'
    page = project / "content" / "基础" / "code.md"
    page.write_text(
        f"# 代码\n\n```python\n{code}```\n\n"
        '```mermaid\nflowchart LR\n  A["输入"] --> B["输出"]\n```\n',
        encoding="utf-8",
    )
    status, _, err = kb("translate", "--lang", "en", "content/基础/code.md")
    assert status == 0, err
    mirror = (project / "i18n" / "en" / "基础" / "code.md").read_text(encoding="utf-8")
    block = mirror.split("```python\n", 1)[1].split("```", 1)[0]
    assert '    s = "数据"  # ' in block  # the string is data
    assert not HAN.search(block.replace('"数据"', ""))
    assert _ast_without_docstrings(block) == _ast_without_docstrings(code)
    assert 'A["' in mirror and not HAN.search(mirror.split("```mermaid", 1)[1])


def _ast_without_docstrings(code: str) -> str:
    tree = ast.parse(code)
    function = tree.body[0]
    assert isinstance(function, ast.FunctionDef)
    function.body = function.body[1:]  # the test's one docstring
    return ast.dump(tree)
