"""The one user-facing error of the toolkit."""

from __future__ import annotations


class KbError(Exception):
    """A problem the user can fix: bad input, bad config, unreadable file.

    The message always names the file (and line where there is one); `cli.main`
    prints it as `kb: error: …` and exits 2.
    """
