"""The reviewed Taiwan table, the character check and Taiwan quotes, with the real OpenCC."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.translate.conftest import Kb
from toolkit.errors import KbError
from toolkit.translate.glossary import load_glossary
from toolkit.translate.hant_edition import hant_edition
from toolkit.translate.hant_quotes import taiwan_quotes
from toolkit.translate.hant_table import load_hant_table
from toolkit.translate.hant_trace import Tracer

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("叫做“注意力汇聚”的现象", "叫做「注意力汇聚」的现象"),
        ("他说“这叫‘汇聚’现象”。", "他说「这叫『汇聚』现象」。"),
        ("“8x7B”容易让人误会", "「8x7B」容易让人误会"),
        ("避免“dog.”“dog!”“dog?”各占一个", "避免「dog.」「dog!」「dog?」各占一个"),
        ("用 {{0}} 写“{{1}}”", "用 {{0}} 写「{{1}}」"),
        ("He said “hello world” twice.", "He said “hello world” twice."),
        ("只有一个“没有配对", "只有一个“没有配对"),
    ],
)
def test_taiwan_quotes(text: str, expected: str) -> None:
    assert taiwan_quotes(text) == expected


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        ('[characters]\n"只" = 1\n', r"zh-Hant.toml:2: \[characters\] '只'"),
        ('[characters]\n"只有" = "只有"\n', r"zh-Hant.toml:2: .*not one character"),
        ("[colours]\n", r"zh-Hant.toml:1: unknown table 'colours'"),
        ('[context."实现"]\ndefault = "實作"\n', r"zh-Hant.toml:1: .*needs a non-empty 'default'"),
        (
            '[twphrases]\n"局部" = { to = "區域性", count = 3, use = "局部" }\n',
            r"zh-Hant.toml:2: .*needs a 'why'",
        ),
        ('[phrases\n"a" = "b"\n', r"zh-Hant.toml: invalid TOML: .*line 1"),
    ],
)
def test_bad_tables_name_file_and_line(tmp_path: Path, toml: str, message: str) -> None:
    path = tmp_path / "zh-Hant.toml"
    path.write_text(toml, encoding="utf-8")
    with pytest.raises(KbError, match=message):
        load_hant_table(path, "i18n/zh-Hant.toml")


@pytest.mark.slow
@pytest.mark.parametrize(
    "text", ["更复杂的调度", "压缩进显存里", "花在线性层上", "用户只看最近的回复", "数据里加入噪声"]
)
def test_replay_predicts_what_opencc_writes(text: str) -> None:
    glossary = load_glossary(REPO / "i18n" / "glossary.toml")
    edition = hant_edition("s2twp", glossary, REPO / "i18n" / "glossary.toml")
    converter = edition.converter
    tracer = Tracer.from_config(converter.settings)
    assert tracer.trace(text).output == converter.opencc(text)


@pytest.mark.parametrize("config", ["s2twp", "s2t", "s2hk"])
def test_one_batched_opencc_call_writes_what_one_call_per_text_writes(config: str) -> None:
    glossary = load_glossary(REPO / "i18n" / "glossary.toml")
    batched = hant_edition(config, glossary, REPO / "i18n" / "glossary.toml").converter
    alone = hant_edition(config, glossary, REPO / "i18n" / "glossary.toml").converter
    text = (REPO / "content" / "README.md").read_text(encoding="utf-8")
    texts = [
        *text.split("\n\n"),
        "更复杂的调度",
        "多行\n文本",
        "带\ue000分隔符的文本",
        "软件\n\ue000",
        "\n",
        "",
        "软件",
    ]
    batched.prefetch(texts)
    assert [batched.convert(t) for t in texts] == [alone.convert(t) for t in texts]
    assert len(batched._done) > 10  # the batch filled the memo: convert read it back


@pytest.mark.slow  # the replay reads OpenCC's dictionaries through its opencc_dict tool
def test_fast_replay_keeps_every_step_of_the_plain_one() -> None:
    """The compiled matchers and the per-segment memo change the speed, never a step: the
    same Tracer without them (each dictionary's own `match`) gives the same traces."""
    glossary = load_glossary(REPO / "i18n" / "glossary.toml")
    converter = hant_edition("s2twp", glossary, REPO / "i18n" / "glossary.toml").converter
    fast = Tracer.from_config(converter.settings)
    plain = Tracer(fast.segmentation, fast.chain)
    text = (REPO / "content" / "README.md").read_text(encoding="utf-8")
    texts = [*text.split("\n"), text[:4000], "更复杂的调度，压缩进显存里。", "自定义算子与回调函数"]
    for piece in texts * 2:  # twice: the second pass comes from the memo
        assert fast.trace(piece) == plain.trace(piece)


@pytest.mark.slow
@pytest.mark.parametrize(
    ("simplified", "taiwan"),
    [
        ("更复杂的调度", "更複雜的排程"),
        ("把 KV 压缩进显存", "把 KV 壓縮進顯存"),
        ("算力主要花在线性层上", "算力主要花在線性層上"),
        ("论文和面试都更重视", "論文和面試都更重視"),
        ("局部注意力与全局注意力", "局部注意力與全域注意力"),
        ("方差与协方差", "變異數與共變異數"),
        ("自定义算子与回调函数", "自定義算子與回呼函式"),
        ("损失函数的函数调用", "損失函數的函式呼叫"),
        ("循环神经网络的训练循环", "循環神經網路的訓練迴圈"),
    ],
)
def test_the_table_writes_what_a_taiwan_engineer_would(simplified: str, taiwan: str) -> None:
    glossary = load_glossary(REPO / "i18n" / "glossary.toml")
    edition = hant_edition("s2twp", glossary, REPO / "i18n" / "glossary.toml")
    assert edition.convert(simplified) == taiwan


TABLE = """\
[characters]
"只" = "只"
"""


@pytest.mark.slow
def test_check_names_an_unvouched_character_with_page_and_line(project: Path, kb: Kb) -> None:
    (project / "i18n" / "zh-Hant.toml").write_text(TABLE, encoding="utf-8")
    page = project / "content" / "基础" / "猫.md"
    page.write_text("# 猫\n\n第一段。\n\n一只猫只有一条尾巴。\n", encoding="utf-8")
    status, _, err = kb("translate", "--lang", "zh-Hant", "content/基础/猫.md")
    assert status == 1
    assert "content/基础/猫.md:5: zh-Hant: 只 became 隻 in “一只猫只有”" in err
    mirror = (project / "i18n" / "zh-Hant" / "基础" / "猫.md").read_text(encoding="utf-8")
    assert "一隻貓只有" in mirror  # written anyway: the finding asks a reviewer, nothing is lost
    status, out, _ = kb("translate", "--lang", "zh-Hant", "--check", "content/基础/猫.md")
    assert status == 1 and "content/基础/猫.md:5: zh-Hant: 只 became 隻" in out
    # A reviewer who agrees with OpenCC vouches for the word; the check is then quiet about it.
    (project / "i18n" / "zh-Hant.toml").write_text(
        TABLE + '[vouch]\n"一只" = "一隻"\n', encoding="utf-8"
    )
    status, out, _ = kb("translate", "--lang", "zh-Hant", "--check", "content/基础/猫.md")
    assert "猫.md:5: zh-Hant: 只" not in out


@pytest.mark.slow
def test_a_forced_phrase_fixes_the_character(project: Path, kb: Kb) -> None:
    (project / "i18n" / "zh-Hant.toml").write_text(
        TABLE + '[phrases]\n"一只猫" = "一只貓"\n', encoding="utf-8"
    )
    page = project / "content" / "基础" / "猫.md"
    page.write_text("# 猫\n\n一只猫只有一条尾巴。\n", encoding="utf-8")
    kb("translate", "--lang", "zh-Hant", "content/基础/猫.md")
    mirror = (project / "i18n" / "zh-Hant" / "基础" / "猫.md").read_text(encoding="utf-8")
    assert "一只貓只有一條尾巴" in mirror


def test_without_a_table_nothing_is_checked(project: Path, kb: Kb) -> None:
    status, _, err = kb("translate", "--lang", "zh-Hant")
    assert status == 0, err


MATH_PAGE = """\
# 公式

行内 $\\text{显存} + \\mathrm{内存}$ 与“引号”。

$$
\\text{方差} = \\textbf{一只}\\ \\mathbb{E}[x^2]
$$

```python
label = "\\text{方差}"  # 注释里的“引号”与方差保持原样
```
"""


def test_text_in_math_is_converted_like_prose_and_code_strings_are_not(
    project: Path, kb: Kb
) -> None:
    (project / "i18n" / "zh-Hant.toml").write_text(
        TABLE + '[vocabulary]\n"方差" = "變異數"\n', encoding="utf-8"
    )
    (project / "content" / "基础" / "公式.md").write_text(MATH_PAGE, encoding="utf-8")
    status, _, err = kb("translate", "--lang", "zh-Hant", "content/基础/公式.md")
    mirror = (project / "i18n" / "zh-Hant" / "基础" / "公式.md").read_text(encoding="utf-8")
    assert "行內 $\\text{視訊記憶體} + \\mathrm{内存}$ 與「引號」。" in mirror  # only \text{}
    assert "\\text{變異數} = \\textbf{一隻}\\ \\mathbb{E}[x^2]" in mirror
    # The string literal is data and stays; the comment is converted, its quotes left as typed.
    assert 'label = "\\text{方差}"  # 註釋裡的“引號”與變異數保持原樣' in mirror
    # \text{} is checked like prose: the unvouched 隻 is named at the formula's line.
    assert status == 1
    assert "content/基础/公式.md:6: zh-Hant: 只 became 隻" in err


def test_a_vouched_word_decides_against_the_default(project: Path, kb: Kb) -> None:
    """不合并: OpenCC segments 不合 first and writes 並, the default for 并 — but 合并 is 合併."""
    (project / "i18n" / "zh-Hant.toml").write_text(
        '[characters]\n"并" = "並"\n[vouch]\n"合并" = "合併"\n', encoding="utf-8"
    )
    page = project / "content" / "基础" / "合并.md"
    page.write_text("# 合并\n\n推理时不合并权重。\n", encoding="utf-8")
    status, out, _ = kb("translate", "--lang", "zh-Hant", "--check", "content/基础/合并.md")
    assert status == 1
    assert "content/基础/合并.md:3: zh-Hant: 并 became 並 in “时不合并权重。”" in out
    assert "合并.md:1:" not in out  # 合并 alone: OpenCC writes 合併, as the word says
