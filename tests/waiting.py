"""Waiting for a condition another thread makes true (a server's), with a hang guard."""

from __future__ import annotations

import time
from collections.abc import Callable


def wait_until(condition: Callable[[], bool], timeout: float = 10.0) -> None:
    """Return once ``condition()`` holds; AssertionError after ``timeout`` seconds.

    The timeout only turns a hang into a failure: it asserts nothing about speed.
    """
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            msg = "timed out"
            raise AssertionError(msg)
        time.sleep(0.01)
