"""List items in the Document: numbers as written, marker offsets, own text and links."""

from __future__ import annotations

from pathlib import Path

from toolkit.document import parse

TEXT = """1. [什么是 GQA？](/a.md?id=x)
2) 第二个列表？

   第二段。
   1. 嵌套？
- 无序
> 3. 引用里的？
1. 1. 同一行的两个标记
"""


def test_items_carry_numbers_markers_text_and_links() -> None:
    doc = parse(TEXT, Path("q.md"))
    items = doc.list_items
    assert [(i.ordered, i.number, i.depth, i.line, i.column) for i in items] == [
        (True, 1, 0, 1, 1),
        (True, 2, 0, 2, 1),
        (True, 1, 1, 5, 4),
        (False, None, 0, 6, 1),
        (True, 3, 0, 7, 3),
        (True, 1, 0, 8, 1),
        (True, 1, 1, 8, 4),
    ]
    first, second, nested = items[0], items[1], items[2]
    assert first.text == "什么是 GQA？" and first.blocks == 1
    assert [link.target for link in first.links] == ["/a.md?id=x"]
    assert second.text == "第二个列表？\n第二段。" and second.blocks == 3
    assert nested.text == "嵌套？"
    assert first.list_index != second.list_index  # `.` and `)` start different lists
    for item in items:
        assert doc.text[item.marker_start : item.marker_end] == (
            str(item.number) if item.ordered else "-"
        )
