"""The Hypothesis profiles of tests/conftest.py: bounded by default, thorough on request."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

CONFTEST = Path(__file__).with_name("conftest.py")

# Loads the test configuration as pytest would and prints the profile it left in force.
_SHOW = (
    "import runpy, sys; from hypothesis import settings;"
    " runpy.run_path(sys.argv[1]);"
    " print(settings.default.max_examples,"
    " settings.get_profile('ci').max_examples, settings.get_profile('thorough').max_examples)"
)


def loaded(**env: str) -> list[int]:
    """[max_examples in force, the ci profile's, the thorough profile's] under ``env``."""
    clean = {k: v for k, v in os.environ.items() if k not in ("CI", "HYPOTHESIS_PROFILE")}
    result = subprocess.run(
        [sys.executable, "-c", _SHOW, str(CONFTEST)],
        env={**clean, **env},
        capture_output=True,
        text=True,
        check=True,
    )
    return [int(word) for word in result.stdout.split()]


def test_default_profile_is_the_bounded_one() -> None:
    """With neither CI nor HYPOTHESIS_PROFILE set, `pytest` runs the bounded (ci) profile."""
    in_force, bounded, thorough = loaded()
    assert bounded == in_force
    assert bounded < thorough


@pytest.mark.parametrize(
    ("env", "profile"),
    [
        ({"HYPOTHESIS_PROFILE": "thorough"}, "thorough"),
        ({"CI": "true"}, "ci"),
        ({"CI": "true", "HYPOTHESIS_PROFILE": "thorough"}, "thorough"),
    ],
)
def test_thorough_profile_on_request(env: dict[str, str], profile: str) -> None:
    """HYPOTHESIS_PROFILE=thorough opts in to the deep profile, also where CI is set."""
    in_force, bounded, thorough = loaded(**env)
    assert {"ci": bounded, "thorough": thorough}[profile] == in_force
