"""`kb translate`: English and Traditional Chinese mirrors of the book.

segment (Markdown to translatable segments), hant (OpenCC), backends (deep-translator),
memory (gettext PO), glossary (terms), mirror (ids, links, skeleton), command (the CLI verb).
"""

from typing import Literal, get_args

Backend = Literal["google", "deepl", "microsoft", "libre", "mymemory", "chatgpt"]
BACKENDS: tuple[Backend, ...] = get_args(Backend)
"""The `--backend` choices: deep-translator's translators that kb knows how to drive."""
