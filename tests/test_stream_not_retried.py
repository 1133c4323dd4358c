"""A streaming POST is never retried, whatever went wrong: a run or response must not be made twice.

The tests of the "not retried" rule used to send only HTTP statuses (429,
500); a connection error is the case a retry loop is most tempted to take.
Each stream-creating call of both clients (sync and async, the ``flavour``
fixture) meets an ``httpx.ConnectError`` on its POST: exactly one request is
made and :class:`~streamkit.TransportError` is raised, naming the request,
never the key.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest

import streamkit
from tests.flavours import KEY, Flavour, flavour_fixture  # noqa: F401 -- `flavour`

# Each call that opens a stream with a POST: (id, how to start it, the path it posts to).
STARTS: list[tuple[str, Callable[[Any], Any], str]] = [
    (
        "runs.stream",
        lambda c: c.runs.stream("thread_1", assistant_id="a"),
        "/threads/thread_1/runs",
    ),
    (
        "runs.submit_tool_outputs_stream",
        lambda c: c.runs.submit_tool_outputs_stream(
            "thread_1", "run_1", tool_outputs=[{"tool_call_id": "call_1", "output": "x"}]
        ),
        "/threads/thread_1/runs/run_1/submit_tool_outputs",
    ),
    (
        "threads.create_and_run_stream",
        lambda c: c.threads.create_and_run_stream(assistant_id="a"),
        "/threads/runs",
    ),
    ("responses.stream", lambda c: c.responses.stream(model="m", input="x"), "/responses"),
    (
        "responses.stream background",
        lambda c: c.responses.stream(model="m", input="x", background=True),
        "/responses",
    ),
]


@pytest.mark.parametrize("error", [httpx.ConnectError, httpx.ConnectTimeout])
@pytest.mark.parametrize(
    ("start", "path"), [(s, p) for _n, s, p in STARTS], ids=[n for n, *_ in STARTS]
)
def test_a_streaming_post_that_cannot_connect_is_not_retried(
    flavour: Flavour, start: Callable[[Any], Any], path: str, error: type[httpx.TransportError]
) -> None:
    """One POST, no sleep, a TransportError caused by the connection error."""
    requests: list[httpx.Request] = []
    sleeps: list[float] = []

    def refuse(request: httpx.Request) -> httpx.Response:
        requests.append(request)
        raise error("connection refused", request=request)

    client = flavour.client(refuse, sleeps=sleeps, max_retries=3)
    with pytest.raises(streamkit.TransportError, match=error.__name__) as info:
        start(client).until_done()
    assert [("POST", f"/v1{path}")] == [(r.method, r.url.path) for r in requests]
    assert [] == sleeps
    assert isinstance(info.value.__cause__, error)
    assert KEY not in str(info.value)
