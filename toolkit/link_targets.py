"""Link targets as kb reads and writes them: what is percent-encoded, and where the anchor is."""

from __future__ import annotations

import re
from urllib.parse import quote, unquote

from toolkit.routes import ascii_lower

# Never bare in a URL (RFC 3986, WHATWG): a space ends a Markdown destination, the rest work
# only by the browser's grace. A `%` not followed by two hex digits is the same mistake.
_URL_UNSAFE = r"\s<>\"{}|\\^`"
_UNENCODED = re.compile(rf"[{_URL_UNSAFE}]|%(?![0-9A-Fa-f]{{2}})")
# What kb encodes when it writes a raw value (a page path, a heading id) into a target: the
# above, every `%` (the value is not encoded yet), and the Markdown delimiters `()[]`, legal in a
# destination only when balanced, which a value cannot promise. Everything else, CJK included,
# stays readable; docsify decodes paths and ids before it compares them.
_ENCODED_ON_WRITE = re.compile(rf"[{_URL_UNSAFE}()\[\]%]")
_ID_PARAM = re.compile(r"[?&]id=([^&#]*)")


def unencoded(target: str) -> str | None:
    """The first character of a written target that belongs percent-encoded, or None."""
    found = _UNENCODED.search(target)
    return found.group(0) if found else None


def encode(value: str) -> str:
    """A raw path or heading id as kb writes it into a link target (see `_ENCODED_ON_WRITE`)."""
    return _ENCODED_ON_WRITE.sub(lambda m: quote(m.group(), safe=""), value)


def anchor_edit(target: str, anchor: str, new: str) -> tuple[int, int, str] | None:
    """(start, end, replacement) inside `target` that makes it name heading id `new` where it
    names `anchor`; None when the anchor is not written there.

    The anchor is the `#fragment` (not a `#/route`), else the last `?id=` value, compared
    percent-decoded and with ASCII case folded, as docsify's router compares it. The new id is
    written encoded as the old one was: fully when it was percent-encoded, else by `encode`.
    """
    wanted = ascii_lower(anchor)
    hash_at = target.rfind("#")
    spans = [m.span(1) for m in _ID_PARAM.finditer(target)][::-1]
    if hash_at >= 0 and not target.startswith("/", hash_at + 1):
        spans.insert(0, (hash_at + 1, len(target)))
    for start, end in spans:
        written = target[start:end]
        if written and ascii_lower(unquote(written)) == wanted:
            return start, end, quote(new, safe="") if "%" in written else encode(new)
    return None


def anchor_edit_in(
    text: str, target: str, start: int, anchor: str, new: str
) -> tuple[int, int, str] | None:
    """`anchor_edit` for a target written at `text[start:]`, in offsets of `text`; None also
    when the text does not hold the target as parsed (escapes, entities, no position)."""
    if start < 0 or text[start : start + len(target)] != target:
        return None
    edit = anchor_edit(target, anchor, new)
    return None if edit is None else (start + edit[0], start + edit[1], edit[2])


def replace_anchor(target: str, anchor: str, new: str) -> str:
    """`target` naming heading id `new` where it named `anchor` (unchanged when it does not)."""
    edit = anchor_edit(target, anchor, new)
    if edit is None:
        return target
    start, end, replacement = edit
    return target[:start] + replacement + target[end:]
