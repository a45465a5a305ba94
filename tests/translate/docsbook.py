"""A docsify book published from `docs/` with only a zh-Hant edition kept inside the site."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

INDEX_HTML = """\
<!DOCTYPE html>
<html lang="zh-CN">
<head><meta charset="UTF-8"><title>书</title></head>
<body>
  <div id="app"></div>
  <script>window.$docsify = { name: '书', loadSidebar: true, loadNavbar: true };</script>
  <script src="https://cdn.jsdelivr.net/npm/docsify@4.13.1/lib/docsify.min.js"></script>
</body>
</html>
"""
KB_TOML = '[translate]\nlanguages = ["zh-Hant"]\nmirrors = "site"\n'
PAGES = {
    "README.md": "# 首页\n\n欢迎阅读。先看[多头注意力](/guide/attention.md?id=多头注意力)。\n\n"
    "![架构示意图](guide/img/arch.png)\n",
    "_sidebar.md": "* [首页](/)\n* [注意力机制](/guide/attention.md)\n"
    "  * [多头注意力](/guide/attention.md?id=多头注意力)\n",
    "_navbar.md": "* [繁體中文](/zh-Hant/)\n",
    "guide/attention.md": "# 注意力机制\n\n## 多头注意力\n\n多个头并行计算，见下图。\n\n"
    "![结构图](img/arch.png)\n\n"
    '<img src="guide/img/arch.png" alt="结构图" width="12">\n\n'
    "回到[多头注意力](#多头注意力)，或看[参考][多头]。\n\n"
    "[多头]: /guide/attention.md?id=多头注意力\n",
}


def png(width: int, height: int) -> bytes:
    """A valid grey PNG made here (no third-party image in the repository)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    rows = b"".join(b"\x00" + b"\x80" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def make_docs_book(project: Path) -> Path:
    """Write the book into `project` (kb.toml, docs/); returns the site root."""
    docs = project / "docs"
    (docs / "guide" / "img").mkdir(parents=True)
    (docs / "index.html").write_text(INDEX_HTML, encoding="utf-8")
    for rel, text in PAGES.items():
        (docs / rel).write_text(text, encoding="utf-8")
    (docs / "guide" / "img" / "arch.png").write_bytes(png(12, 8))
    (project / "kb.toml").write_text(KB_TOML, encoding="utf-8")
    return docs
