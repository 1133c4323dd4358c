"""Shared test configuration: Hypothesis profiles.

``ci`` (picked when the ``CI`` environment variable is set, as ``.ci/run``
runs) keeps the whole suite inside its time budget on two cores; ``thorough``
(the default on a developer machine) digs deeper. ``HYPOTHESIS_PROFILE``
overrides either.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

settings.register_profile(
    "ci",
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    print_blob=True,
)
settings.register_profile(
    "thorough",
    max_examples=1500,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
_DEFAULT_PROFILE = "ci" if os.environ.get("CI") else "thorough"
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE") or _DEFAULT_PROFILE)
