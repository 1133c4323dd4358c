"""A run that calls your own function: the stream builder, Scene.function_call, and the SDK."""

from __future__ import annotations

import pytest

pytest.importorskip("starlette")
pytest.importorskip("uvicorn")

import json
import random

import httpx

import streamkit
from streamkit import testing
from streamkit.mockserver import MockAssistantsServer, Scene

API_KEY = "sk-mock-function"
HEADERS = {"Authorization": f"Bearer {API_KEY}", "OpenAI-Beta": "assistants=v2"}


def accumulate(*streams: list[streamkit.ServerSentEvent]) -> streamkit.Accumulator:
    accumulator = streamkit.Accumulator()
    for events in streams:
        for event in events:
            accumulator.feed(event)
    return accumulator


def test_function_call_events_require_the_call_then_complete() -> None:
    """The first stream asks for the call; both together complete with the answer."""
    first, second = testing.function_call_events(
        "lookup_order", {"order_id": 42}, rng=random.Random(7), answer="Shipped.", output="ok"
    )
    assert (first[-2].event, first[-1].event) == ("thread.run.requires_action", "done")
    assert second[0].event == "thread.run.step.completed"
    assert (second[-2].event, second[-1].event) == ("thread.run.completed", "done")
    waiting = accumulate(first).final_run
    assert waiting is not None
    assert waiting.required_action is not None
    (call,) = waiting.required_action.submit_tool_outputs.tool_calls
    assert (call.function.name, json.loads(call.function.arguments)) == (
        "lookup_order",
        {"order_id": 42},
    )
    [tool] = waiting.tools
    assert isinstance(tool, streamkit.models.FunctionTool)
    assert tool.function.name == "lookup_order"
    done = accumulate(first, second)
    assert done.final_run is not None
    assert (done.final_run.id, done.final_run.status) == (waiting.id, "completed")
    (message,) = done.messages.values()
    assert isinstance(message.content[0], streamkit.models.TextContentBlock)
    assert message.content[0].text.value == "Shipped."
    assert [s.status for s in done.run_steps.values()] == ["completed", "completed"]
    # A pure function of its arguments.
    again = testing.function_call_events(
        "lookup_order", {"order_id": 42}, rng=random.Random(7), answer="Shipped.", output="ok"
    )
    assert again == (first, second)


def test_scene_function_call_over_http() -> None:
    """Scene.function_call: requires_action, then submit_tool_outputs streams the answer."""
    script = Scene.function_call("get_weather", '{"city": "Paris"}', answer="Rainy.")
    with (
        MockAssistantsServer(script=script, api_key=API_KEY) as server,
        httpx.Client(base_url=str(server.base_url), headers=HEADERS) as client,
    ):
        body = client.post("/threads/t/runs", json={"assistant_id": "a", "stream": True}).content
        run = streamkit.replay(body).final_run
        assert run is not None
        assert run.status == "requires_action"
        assert run.required_action is not None
        (call,) = run.required_action.submit_tool_outputs.tool_calls
        assert (call.function.name, call.function.arguments) == ("get_weather", '{"city": "Paris"}')
        outputs = [{"tool_call_id": call.id, "output": "12 C, rain"}]
        url = f"/threads/t/runs/{run.id}/submit_tool_outputs"
        rest = client.post(url, json={"tool_outputs": outputs, "stream": True}).content
        accumulator = streamkit.Accumulator()
        for event in [*streamkit.SSEDecoder().feed(body), *streamkit.SSEDecoder().feed(rest)]:
            accumulator.feed(event)
        assert accumulator.final_run is not None
        assert accumulator.final_run.status == "completed"
        assert client.get(f"/threads/t/runs/{run.id}").json()["status"] == "completed"
        # The server keeps the output the client submitted, not the scene's placeholder.
        steps = client.get(f"/threads/t/runs/{run.id}/steps", params={"order": "asc"}).json()
        function = steps["data"][0]["step_details"]["tool_calls"][0]["function"]
        assert function["output"] == "12 C, rain"
        messages = client.get("/threads/t/messages").json()["data"]
        assert messages[0]["content"][0]["text"]["value"] == "Rainy."


# The SDK warns on every beta.threads call; the Assistants API is what this server mocks.
@pytest.mark.filterwarnings("ignore:The Assistants API is deprecated:DeprecationWarning")
def test_scene_function_call_with_the_openai_sdk() -> None:
    """The official SDK's tool loop: stream, submit the outputs, stream the answer."""
    openai = pytest.importorskip("openai")
    script = Scene.function_call("get_weather", {"city": "Paris"}, answer="Take an umbrella.")
    with MockAssistantsServer(script=script, api_key=API_KEY) as server:
        client = openai.OpenAI(base_url=server.base_url, api_key=API_KEY, max_retries=0)
        thread = client.beta.threads.create()
        client.beta.threads.messages.create(thread.id, role="user", content="Weather?")
        with client.beta.threads.runs.stream(thread_id=thread.id, assistant_id="a") as stream:
            stream.until_done()
            run = stream.get_final_run()
        assert run.status == "requires_action"
        calls = run.required_action.submit_tool_outputs.tool_calls
        assert [(c.function.name, json.loads(c.function.arguments)) for c in calls] == [
            ("get_weather", {"city": "Paris"})
        ]
        with client.beta.threads.runs.submit_tool_outputs_stream(
            thread_id=thread.id,
            run_id=run.id,
            tool_outputs=[{"tool_call_id": calls[0].id, "output": "rain"}],
        ) as stream:
            stream.until_done()
            assert stream.get_final_run().status == "completed"
        messages = client.beta.threads.messages.list(thread.id).data
        assert [m.role for m in messages] == ["assistant", "user"]
        assert messages[0].content[0].text.value == "Take an umbrella."
        client.close()
