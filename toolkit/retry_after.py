"""The `Retry-After` header, as both HTTP clients (external links, translation) read it."""

from __future__ import annotations

import email.utils
from datetime import UTC, datetime


def retry_after(value: str | None) -> float | None:
    """Seconds a `Retry-After` header asks for (delta seconds or an HTTP date), never negative.

    None when the header is missing or unreadable: the caller falls back to its own backoff.
    """
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())
