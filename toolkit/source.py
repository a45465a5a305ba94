"""A Markdown file's bytes as text and back: UTF-8 (BOM kept), one line-end style kept."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from toolkit.errors import KbError


@dataclass(frozen=True, slots=True)
class SourceText:
    """Decoded file content and what is needed to write it back unchanged."""

    text: str
    bom: bool
    newline: str | None
    """The file's single line-end style, or None when it mixes styles."""


def decode(data: bytes, path: Path) -> SourceText:
    """Decode UTF-8 (BOM allowed) and normalise line ends; KbError for binary or bad bytes."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise KbError(f"{path}:1: UTF-16 encoded; save it as UTF-8")
    if b"\x00" in data:
        raise KbError(f"{path}: binary file (contains NUL bytes), not Markdown")
    try:
        raw = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise KbError(f"{path}:{line}: not valid UTF-8 (byte 0x{data[error.start]:02x})") from None
    bom = raw.startswith("\ufeff")
    if bom:
        raw = raw[1:]
    crlf = raw.count("\r\n")
    lone_cr = raw.count("\r") - crlf
    lone_lf = raw.count("\n") - crlf
    styles = [s for s, n in (("\r\n", crlf), ("\r", lone_cr), ("\n", lone_lf)) if n]
    newline = styles[0] if len(styles) == 1 else ("\n" if not styles else None)
    text = raw.replace("\r\n", "\n").replace("\r", "\n")
    return SourceText(text, bom, newline)


def encode(source: SourceText, text: str) -> bytes:
    """Turn normalised text back into the file's bytes (its BOM and line ends)."""
    if source.newline not in (None, "\n"):
        text = text.replace("\n", source.newline)
    return (("\ufeff" if source.bom else "") + text).encode("utf-8")
