"""What backends accept: request sizes and rates, long texts cut at sentence ends, Retry-After."""

from __future__ import annotations

import re
from dataclasses import dataclass

_SENTENCE_END = re.compile(r"(?<=[。！？；.!?;])|(?<=\n)")


@dataclass(frozen=True, slots=True)
class Limits:
    """What one backend accepts: characters per request and requests in flight."""

    max_chars: int
    concurrency: int


# Per-request limits measured on deep-translator 1.11.4 (Google rejects 5,000+, MyMemory 500+).
LIMITS = {
    "google": Limits(4500, 2),
    "deepl": Limits(30000, 4),
    "microsoft": Limits(10000, 4),
    "libre": Limits(4000, 4),
    "mymemory": Limits(480, 1),
    "chatgpt": Limits(4000, 2),
}


def split_text(text: str, limit: int) -> list[str]:
    """Pieces of at most `limit` characters, cut after sentence ends, never inside `{{n}}`."""
    if len(text) <= limit:
        return [text]
    sentences = [s for s in _SENTENCE_END.split(text) if s]
    chunks: list[str] = []
    current = ""
    for sentence in sentences:
        while len(sentence) > limit:
            cut = _safe_cut(sentence, limit)
            if current:
                chunks.append(current)
                current = ""
            chunks.append(sentence[:cut])
            sentence = sentence[cut:]
        if len(current) + len(sentence) > limit and current:
            chunks.append(current)
            current = ""
        current += sentence
    if current:
        chunks.append(current)
    return chunks


def _safe_cut(text: str, limit: int) -> int:
    cut = text.rfind(" ", 1, limit) + 1 or limit
    for match in re.finditer(r"\{\{\d+\}\}", text):
        if match.start() < cut < match.end():
            cut = match.start() or match.end()
    return cut


def join_chunks(results: list[str]) -> str:
    """Join translated pieces; sentences from Chinese need a space between them in English."""
    out = ""
    for piece in results:
        if out and piece and not out[-1].isspace() and not piece[0].isspace():
            out += " "
        out += piece
    return out
