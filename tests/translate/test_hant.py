"""Traditional Chinese with the real OpenCC: regional vocabulary, overrides, untouched code."""

from __future__ import annotations

from pathlib import Path

import opencc
import pytest

from tests.translate.conftest import Kb
from toolkit.errors import KbError
from toolkit.translate.hant import HantConverter

SOURCE = """\
# 内存与信息

默认情况下，软件会把信息写入内存；见 `内存.md` 与 [说明](./内存.md "默认说明")。

公式 $\\text{内存} = 2^{10}$ 不变，链接 https://example.com/信息/软件 也不变。

```python
默认 = "内存"  # 代码里的注释转换，字符串保持原样
```
"""


@pytest.mark.parametrize(
    ("simplified", "traditional"),
    [("内存", "記憶體"), ("信息", "資訊"), ("软件", "軟體"), ("默认", "預設")],
)
def test_s2twp_uses_taiwan_vocabulary(simplified: str, traditional: str) -> None:
    assert HantConverter().convert(simplified) == traditional


def test_overrides_hold_through_the_last_stage() -> None:
    bare = opencc.OpenCC("s2twp")
    assert bare.convert("激活函数") == "啟用函式"  # what the glossary corrects
    assert bare.convert("进程") == "程序"
    converter = HantConverter(
        "s2twp", {"激活函数": "激活函數", "进程": "行程", "量子比特": "量子位元"}
    )
    assert converter.convert("激活函数与进程") == "激活函數與行程"
    assert converter.convert("改变量子比特") == "改變量子位元"


def test_other_configs_and_unknown_ones() -> None:
    assert HantConverter("s2hk").convert("内存") != HantConverter("s2twp").convert("内存")
    with pytest.raises(KbError, match="not known"):
        HantConverter("s2klingon")


def test_mirror_converts_text_and_keeps_code_math_and_urls(project: Path, kb: Kb) -> None:
    page = project / "content" / "基础" / "内存.md"
    page.write_text(SOURCE, encoding="utf-8")
    status, out, err = kb("translate", "--lang", "zh-Hant", "content/基础/内存.md")
    assert status == 0, err
    mirror = (project / "i18n" / "zh-Hant" / "基础" / "内存.md").read_text(encoding="utf-8")
    assert mirror.startswith("# 記憶體與資訊\n\n預設情況下，軟體會把資訊寫入記憶體；")
    for verbatim in (
        "`内存.md`",
        "(./内存.md ",
        "$\\text{内存} = 2^{10}$",
        "https://example.com/信息/软件",
        # Code and its string literals keep their characters; the comment is text.
        '默认 = "内存"  # 程式碼裡的註釋轉換，字串保持原樣',
    ):
        assert verbatim in mirror
    assert '"預設說明")' in mirror  # a link title is text


def test_opencc_config_option(project: Path, kb: Kb) -> None:
    status, _, err = kb("translate", "--lang", "zh-Hant", "--opencc-config", "s2hk")
    assert status == 0, err
    readme = (project / "i18n" / "zh-Hant" / "README.md").read_text(encoding="utf-8")
    assert "# 大模型面試知識" in readme
