"""Shared test configuration: Hypothesis profiles.

``ci``, the default (a plain ``pytest``, as the README and ``.ci/run`` run
it), is bounded: it keeps the whole suite inside its time budget on two cores.
``thorough`` digs deeper and is opt-in: ``HYPOTHESIS_PROFILE=thorough pytest``
(it takes several times as long).
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
# Bounded unless asked: the README's `pytest` must finish in minutes on a small machine.
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE") or "ci")
