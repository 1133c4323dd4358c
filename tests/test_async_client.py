"""The AsyncRunStream over httpx's MockTransport: the tool loop and recovery, awaited.

The JSON endpoints, retries, errors and pages of both clients are tested once,
for both flavours, in test_endpoints.py; the transports in test_transport.py.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

import streamkit
from streamkit import models, recordings
from streamkit._assistants.async_client import AsyncClient

pytestmark = pytest.mark.anyio
KEY = "sk-async-secret"


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


def make_client(handler: Any, sleeps: list[float] | None = None, **options: Any) -> AsyncClient:
    waits = sleeps if sleeps is not None else []

    async def sleep(seconds: float) -> None:
        waits.append(seconds)

    return AsyncClient(
        api_key=KEY,
        base_url="https://api.test/v1",
        http_client=httpx.AsyncClient(transport=httpx.MockTransport(handler)),
        sleep=sleep,
        **options,
    )


def sse(body: bytes) -> httpx.Response:
    async def chunks() -> AsyncIterator[bytes]:
        for start in range(0, len(body), 97):
            yield body[start : start + 97]

    return httpx.Response(200, headers={"content-type": "text/event-stream"}, content=chunks())


async def test_tool_loop_with_an_async_function() -> None:
    """requires_action calls the (async) tool, submits, and streams the continuation."""
    bodies = [
        recordings.read_bytes("function-call-requires-action"),
        recordings.read_bytes("function-call-continuation"),
    ]
    requests: list[httpx.Request] = []

    async def handler(request: httpx.Request) -> httpx.Response:
        requests.append(request)
        return sse(bodies.pop(0))

    async def get_current_weather(**arguments: Any) -> str:
        return "warm and sunny"

    calls: list[str] = []

    class Handler(streamkit.AsyncEventHandler):
        async def on_tool_call_done(self, tool_call: models.ToolCall) -> None:
            calls.append("tool_call_done")

        async def on_end(self) -> None:
            calls.append("end")

    client = make_client(handler)
    async with client.runs.stream(
        "t", assistant_id="a", handler=Handler(), tools={"get_current_weather": get_current_weather}
    ) as stream:
        text = "".join([t async for t in stream.text_deltas])
    assert "completed" == (await stream.final_run()).status
    assert "warm and sunny" == json.loads(requests[1].content)["tool_outputs"][0]["output"]
    assert ["tool_calls", "message_creation"] == [s.type for s in await stream.final_run_steps()]
    [message] = await stream.final_messages()
    assert isinstance(message.content[0], models.TextContentBlock)
    assert message.content[0].text.value == text
    # Once: at requires_action; the continuation's step.completed only updates it.
    assert 1 == calls.count("tool_call_done")
    assert "end" == calls[-1]


async def test_recovery_after_a_reset() -> None:
    """A reset mid-body is recovered from the REST endpoints into the same snapshots."""
    body = recordings.read_bytes("text-run")
    final = streamkit.replay(body)
    run = streamkit.to_dict(next(iter(final.runs.values())))
    steps = [streamkit.to_dict(s) for s in final.run_steps.values()]
    messages = {x.id: streamkit.to_dict(x) for x in final.messages.values()}

    async def broken() -> AsyncIterator[bytes]:
        yield body[: len(body) // 2]
        raise httpx.ReadError("connection reset by peer")

    async def handler(request: httpx.Request) -> httpx.Response:
        if request.method == "POST":
            return httpx.Response(
                200, headers={"content-type": "text/event-stream"}, content=broken()
            )
        if request.url.path.endswith("/steps"):
            return httpx.Response(
                200,
                json={
                    "object": "list",
                    "data": steps,
                    "has_more": False,
                    "first_id": None,
                    "last_id": None,
                },
            )
        if "/messages/" in request.url.path:
            return httpx.Response(200, json=messages[request.url.path.rsplit("/", 1)[1]])
        return httpx.Response(200, json=run)

    stream = make_client(handler).runs.stream("t", assistant_id="a")
    assert "completed" == (await stream.final_run()).status
    [message] = await stream.final_messages()
    assert to_text(final) == to_text_message(message)


def to_text(acc: streamkit.Accumulator) -> str:
    [message] = acc.messages.values()
    return to_text_message(message)


def to_text_message(message: models.Message) -> str:
    block = message.content[0]
    assert isinstance(block, models.TextContentBlock)
    return block.text.value
