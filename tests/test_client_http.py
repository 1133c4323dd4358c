"""The client against a real local server over HTTP on 127.0.0.1 (streamkit.mockserver).

The server starts and stops inside each test. It speaks the Runs endpoints,
streams recordings or builder-generated streams in small chunks, and plays
scripted faults: dropped connections, 500, 429 with Retry-After. The tests of
the JSON endpoints run for both clients (the ``flavour`` fixture).
"""

from __future__ import annotations

import json
import random
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import pytest

pytest.importorskip("starlette")
pytest.importorskip("uvicorn")

import streamkit
from streamkit import ResponseError, models
from streamkit import testing as builders
from streamkit.mockserver import Fault, MockAssistantsServer, Scene
from tests.flavours import Flavour, flavour_fixture  # noqa: F401 -- `flavour`

KEY = "sk-mock-key"


_CLIENTS: list[streamkit.Client] = []


def client_for(server: MockAssistantsServer, **options: Any) -> streamkit.Client:
    assert server.base_url is not None
    client = streamkit.Client(
        api_key=KEY, base_url=server.base_url, sleep=lambda s: None, **options
    )
    _CLIENTS.append(client)  # closed by the fixture: no socket is left to the GC
    return client


@pytest.fixture
def serve() -> Iterator[Any]:
    servers: list[MockAssistantsServer] = []

    def start(script: list[Scene], **options: Any) -> MockAssistantsServer:
        server = MockAssistantsServer(script=script, api_key=KEY, chunk_size=37, **options)
        server.start()
        servers.append(server)
        return server

    yield start
    while _CLIENTS:
        _CLIENTS.pop().close()
    for server in servers:
        server.stop()


def test_function_call_round_trip(serve: Any) -> None:
    """requires_action → the tool runs → outputs submitted → the continuation, in one stream."""
    server = serve([Scene("function-call-requires-action"), Scene("function-call-continuation")])
    received: list[dict[str, Any]] = []

    def get_current_weather(**arguments: Any) -> str:
        received.append(arguments)
        return "warm and sunny"

    with client_for(server).runs.stream(
        "thread_1", assistant_id="asst_1", functions={"get_current_weather": get_current_weather}
    ) as stream:
        text = "".join(stream.text_deltas)
    assert "completed" == stream.final_run().status
    assert [{}] == received
    steps = stream.final_run_steps()
    assert ["tool_calls", "message_creation"] == [step.type for step in steps]
    assert "sunny" in text
    submit = server.requests[1]
    assert submit.path.endswith("/submit_tool_outputs")
    assert "warm and sunny" == submit.json["tool_outputs"][0]["output"]
    assert "assistants=v2" == submit.headers["openai-beta"]


def test_code_interpreter_run(serve: Any) -> None:
    """A builder-made code-interpreter run streams its input and logs through the handler."""
    step = builders.example_code_interpreter_step()
    run = builders.example_run(status="completed")
    # In order, as the API streams one output after another.
    events = builders.run_events(
        run, [step], [], rng=random.Random(7), interleave=False, out_of_order=False
    )
    server = serve([Scene(builders.encode(events))])
    code: list[str] = []
    logs: list[str] = []

    class Live(streamkit.EventHandler):
        def on_code_input_delta(self, text: str, snapshot: models.ToolCall) -> None:
            code.append(text)

        def on_code_logs(self, text: str, snapshot: models.ToolCall) -> None:
            logs.append(text)

    stream = client_for(server).runs.stream("thread_1", assistant_id="a", handler=Live())
    stream.until_done()
    details = step.step_details
    assert isinstance(details, models.ToolCallsStepDetails)
    call = details.tool_calls[0]
    assert isinstance(call, models.CodeInterpreterToolCall)
    assert call.code_interpreter.input == "".join(code)
    expected_logs = [
        o.logs
        for o in call.code_interpreter.outputs
        if isinstance(o, models.CodeInterpreterOutputLogs)
    ]
    assert "".join(expected_logs) == "".join(logs)


def test_retrieve_list_pages_and_cancel(serve: Any, flavour: Flavour) -> None:
    """Runs are listed across pages with `after`; cancel goes to cancelling, then cancelled."""
    server = serve([Scene("text-run"), Scene("parallel-function-calls")])
    client = flavour.make(api_key=KEY, base_url=server.base_url)
    first = client.runs.stream("thread_1", assistant_id="a").final_run()
    second = client.runs.stream("thread_1", assistant_id="a").final_run()
    page = client.runs.list("thread_1", limit=1)
    assert 1 == len(page.data)
    assert {first.id, second.id} == {run.id for run in page}
    assert second.id == client.runs.retrieve("thread_1", second.id).id
    assert "cancelling" == client.runs.cancel("thread_1", second.id).status
    assert "cancelled" == client.runs.retrieve("thread_1", second.id).status
    steps = list(
        client.runs.steps.list("thread_1", first.id, include=[streamkit.FILE_SEARCH_CONTENT])
    )
    assert ["message_creation"] == [step.type for step in steps]


def test_non_streaming_calls_retry_500_and_429(serve: Any, flavour: Flavour) -> None:
    """A GET answered 500 then 429 (Retry-After) succeeds on the third try."""
    server = serve(
        [Scene("text-run")],
        faults=[
            Fault("GET", "/threads/*/runs/*", 500),
            Fault("GET", "/threads/*/runs/*", 429, retry_after=0.01),
        ],
    )
    sleeps: list[float] = []
    client = flavour.make(api_key=KEY, base_url=server.base_url, sleeps=sleeps)
    run = client.runs.stream("thread_1", assistant_id="a").final_run()
    assert "completed" == client.runs.retrieve("thread_1", run.id).status
    gets = [r for r in server.requests if r.method == "GET"]
    assert 3 == len(gets)
    assert 0.01 == sleeps[1]


def test_a_stream_answered_429_is_an_error(serve: Any) -> None:
    """Streaming requests are not retried (a run must not be created twice): 429 surfaces."""
    server = serve([Scene("text-run", status=429, retry_after=0.01)])
    with pytest.raises(ResponseError) as info:
        client_for(server).runs.stream("thread_1", assistant_id="a").until_done()
    assert 429 == info.value.status_code
    assert info.value.request_id is not None


@pytest.mark.parametrize("abrupt", [False, True])
def test_dropped_stream_is_recovered(serve: Any, abrupt: bool) -> None:
    """The server drops the stream after 20 events; the client reads the rest back."""
    server = serve([Scene("text-run", drop_after_events=20, abrupt=abrupt)])
    calls: list[str] = []

    class Recorder(streamkit.EventHandler):
        def on_message_done(self, message: models.Message) -> None:
            calls.append("message_done")

        def on_run_done(self, run: models.Run) -> None:
            calls.append("run_done")

    stream = client_for(server).runs.stream("thread_1", assistant_id="a", handler=Recorder())
    run = stream.final_run()
    assert "completed" == run.status
    whole = streamkit.replay(streamkit.recordings.read_bytes("text-run"))
    [expected] = whole.messages.values()
    [message] = stream.final_messages()
    assert streamkit.to_dict(expected)["content"] == streamkit.to_dict(message)["content"]
    assert ["message_done", "run_done"] == calls


def test_wrong_key_is_a_clear_error(serve: Any, flavour: Flavour) -> None:
    """A 401 names the API's code and never echoes the key."""
    server = serve([Scene("text-run")])
    client = flavour.make(api_key="sk-wrong-secret", base_url=server.base_url)
    with pytest.raises(ResponseError) as info:
        client.runs.retrieve("thread_1", "run_x")
    assert (401, "invalid_api_key") == (info.value.status_code, info.value.error_code)
    assert "sk-wrong-secret" not in str(info.value)


def test_serve_mock_command() -> None:
    """`streamkit serve-mock --help` runs the server's own command line."""
    result = subprocess.run(
        [sys.executable, "-m", "streamkit", "serve-mock", "--help"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert 0 == result.returncode
    assert "--recording" in result.stdout


def test_async_client_round_trip(serve: Any) -> None:
    """The async client runs the same round trip over real HTTP."""
    import anyio

    server = serve([Scene("function-call-requires-action"), Scene("function-call-continuation")])
    assert server.base_url is not None
    base_url = server.base_url

    async def main() -> str:
        async with streamkit.AsyncClient(api_key=KEY, base_url=base_url) as client:
            stream = client.runs.stream(
                "thread_1", assistant_id="a", functions={"get_current_weather": lambda: "warm"}
            )
            return (await stream.final_run()).status

    assert "completed" == anyio.run(main)
    assert "warm" == json.loads(server.requests[1].body)["tool_outputs"][0]["output"]


def test_create_thread_and_run_stream(serve: Any) -> None:
    """create_and_run_stream posts to /threads/runs; thread.created comes first."""
    server = serve([Scene("create-thread-and-run-text")])
    kinds: list[str] = []

    class Events(streamkit.EventHandler):
        def on_event(self, event: Any) -> None:
            kinds.append(event.event)

    stream = client_for(server).threads.create_and_run_stream(
        assistant_id="asst_1",
        thread={"messages": [{"role": "user", "content": "Hi"}]},
        handler=Events(),
    )
    assert "completed" == stream.final_run().status
    assert "thread.created" == kinds[0]
    assert server.requests[0].path == "/v1/threads/runs"
    assert {"role": "user", "content": "Hi"} == server.requests[0].json["thread"]["messages"][0]


def test_slow_chunks(serve: Any) -> None:
    """A stream trickling in small, slow chunks gives the same result as a fast one."""
    server = serve([Scene("parallel-function-calls", chunk_delay=0.002)])
    stream = client_for(server).runs.stream("thread_1", assistant_id="a")
    run = stream.final_run()
    assert "requires_action" == run.status
    fast = streamkit.replay(streamkit.recordings.read_bytes("parallel-function-calls"))
    assert [streamkit.to_dict(s) for s in fast.run_steps.values()] == [
        streamkit.to_dict(s) for s in stream.final_run_steps()
    ]


def test_a_stream_answered_500_is_an_error(serve: Any) -> None:
    """A 500 to a stream request surfaces too (not retried, as 429)."""
    server = serve([Scene("text-run", status=500)])
    with pytest.raises(ResponseError) as info:
        client_for(server).runs.stream("thread_1", assistant_id="a").until_done()
    assert 500 == info.value.status_code


def test_watch_a_live_run(serve: Any) -> None:
    """`streamkit watch --thread --assistant --base-url` starts a run and shows it (plain lines)."""
    pytest.importorskip("rich")
    server = serve([Scene("text-run")])
    assert server.base_url is not None
    env = {**__import__("os").environ, "OPENAI_API_KEY": KEY}
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "streamkit",
            "watch",
            "--thread",
            "thread_1",
            "--assistant",
            "asst_1",
            "--base-url",
            server.base_url,
        ],
        capture_output=True,
        text=True,
        check=False,
        env=env,
        timeout=60,
    )
    assert 0 == result.returncode, result.stderr
    assert "Hello! I'm just a program" in result.stdout
    assert "\x1b[" not in result.stdout  # not a terminal: plain lines
    assert "/v1/threads/thread_1/runs" == server.requests[0].path
