"""A generated book for benchmarks: pages with headings, cross-page anchors, images, formulas."""

from __future__ import annotations

import random
from pathlib import Path

from toolkit.slug import docsify_ids

_FORMULAS = [
    "\\frac{{QK^\\top}}{{\\sqrt{{d_{{{n}}}}}}}",
    "\\theta_i = 10000^{{-2i/{n}}}",
    "L = -\\sum_{{t=1}}^{{{n}}} \\log p_\\theta(x_t \\mid x_{{<t}})",
    "\\mathrm{{KV}} = 2 \\times {n} \\times n_{{kv}} \\times d_h",
    "r_t(\\theta) = \\frac{{\\pi_\\theta(a_t \\mid s_t)}}"
    "{{\\pi_{{\\text{{old}}}}(a_t \\mid s_t)}} + {n}",
    "\\begin{{pmatrix}} \\cos {n}\\theta & -\\sin {n}\\theta \\\\ "
    "\\sin {n}\\theta & \\cos {n}\\theta \\end{{pmatrix}}",
    "\\mathbb{{E}}_{{x \\sim D}}\\left[\\min\\left(r A, \\operatorname{{clip}}(r, 1-\\epsilon, "
    "1+\\epsilon) A\\right)\\right]_{{{n}}}",
    "W = W_0 + \\frac{{\\alpha}}{{{n}}} B A",
]
_TOPICS = ["注意力", "位置编码", "混合专家", "微调", "强化学习", "并行训练", "推理", "量化", "检索"]


def _heading_texts(page: int) -> list[str]:
    texts = []
    for section in range(1, 7):
        texts.append(f"{section}.{_TOPICS[(page + section) % len(_TOPICS)]} 第 {section} 节")
        for question in range(1, 4):
            texts.append(
                f"{section}.{question} 为什么 Attention {page}-{section}-{question} 需要缩放？"
            )
    return texts


def generate_book(root: Path, pages: int = 2000, seed: int = 7) -> list[Path]:
    """Write `pages` Markdown pages (about 120 lines each) under root; return their paths."""
    rng = random.Random(seed)
    folders = [f"part{n:02d}" for n in range(20)]
    paths = []
    ids_of: list[list[str]] = []
    names = [f"{folders[i % len(folders)]}/page{i:04d}.md" for i in range(pages)]
    for i in range(pages):
        ids_of.append(docsify_ids(_heading_texts(i)))
    (root / "img").mkdir(parents=True, exist_ok=True)
    (root / "img" / "figure.png").write_bytes(b"\x89PNG\r\n")
    for i, name in enumerate(names):
        lines = [f"# 第 {i} 页", ""]
        texts = _heading_texts(i)
        for n, text in enumerate(texts):
            level = "##" if "节" in text else "###"
            lines += [f"{level} {text}", ""]
            other = rng.randrange(pages)
            target = rng.choice(ids_of[other])
            inline = _FORMULAS[n % len(_FORMULAS)].format(n=i * 31 + n)
            display = _FORMULAS[(n + 3) % len(_FORMULAS)].format(n=i * 17 + n)
            lines += [
                f"这一节的公式为 ${inline}$，其中各符号见上文，"
                f"详见[第 {other} 页](/{names[other]}?id={target})。",
                "",
                "$$",
                display,
                "$$",
                "",
            ]
            if n % 5 == 0:
                lines += ["![示意图](/img/figure.png)", "", "- 要点一：复杂度 $O(n^2 d)$", ""]
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        paths.append(path)
    (root / "README.md").write_text(
        "# 目录\n\n" + "".join(f"* [{n}](/{n})\n" for n in names[:50]), encoding="utf-8"
    )
    return paths
