"""The stream builders and the strategies of final objects, under one name.

For test modules that reach both through one alias (``builders.step_events``,
``builders.final_steps()``): everything :mod:`streamkit.testing` offers, plus the Hypothesis
strategies of :mod:`tests.strategies`. New tests import from those two directly.
"""

from __future__ import annotations

from streamkit.testing import *  # noqa: F403
from streamkit.testing import __all__ as _testing_all
from tests.strategies import final_messages, final_steps

__all__ = [*_testing_all, "final_messages", "final_steps"]
