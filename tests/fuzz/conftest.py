"""Hypothesis profiles for the fuzz suite: bounded inside `make test`, long for `make fuzz`.

`KB_FUZZ_PROFILE=long` (what `make fuzz` sets) runs many random examples and keeps failures in
the example database; the default `ci` profile runs a fixed, derandomised handful, so CI sees
the same inputs every run and stays well under a minute.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

_QUIET = [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much]

settings.register_profile(
    "ci",
    max_examples=30,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=_QUIET,
)
settings.register_profile(
    "long",
    max_examples=int(os.environ.get("KB_FUZZ_EXAMPLES", "3000")),
    deadline=None,
    suppress_health_check=_QUIET,
)

PROFILE = os.environ.get("KB_FUZZ_PROFILE", "ci")
FUZZ = settings(settings.get_profile(PROFILE))
"""Decorator for every fuzz test: the profile chosen by KB_FUZZ_PROFILE."""
