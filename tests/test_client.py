"""The sync RunStream over httpx's MockTransport: streams, the tool loop, recovery.

The JSON endpoints, retries, errors and pages of both clients are tested once,
for both flavours, in test_endpoints.py; the transports in test_transport.py.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import httpx
import pytest

import streamkit
from streamkit import ResponseError, TransportError, models, recordings
from streamkit._assistants.client import Client

KEY = "sk-test-secret-key"
BASE = "https://api.test/v1"

Handler = Callable[[httpx.Request], httpx.Response]


def make_client(handler: Handler, *, sleeps: list[float] | None = None, **options: Any) -> Client:
    waits = sleeps if sleeps is not None else []
    return Client(
        api_key=KEY,
        base_url=BASE,
        http_client=httpx.Client(transport=httpx.MockTransport(handler)),
        sleep=waits.append,
        **options,
    )


def sse(body: bytes) -> httpx.Response:
    return httpx.Response(200, headers={"content-type": "text/event-stream"}, content=body)


class TestRunStream:
    def test_stream_accumulates_and_drives_the_handler(self) -> None:
        """runs.stream yields typed events, fills its accumulator and calls the handler."""
        calls: list[str] = []

        class Handler(streamkit.EventHandler):
            def on_message_done(self, message: models.Message) -> None:
                calls.append(message.status)

            def on_end(self) -> None:
                calls.append("end")

        body = recordings.read_bytes("text-run")
        client = make_client(lambda request: sse(body))
        with client.runs.stream("thread_1", assistant_id="asst_1", handler=Handler()) as stream:
            events = list(stream)
        assert 44 == len(events)
        assert "completed" == stream.final_run().status
        assert ["completed", "end"] == calls
        assert 1 == len(stream.final_messages())

    def test_text_deltas(self) -> None:
        """text_deltas yields the fragments, joined equal to the final message text."""
        body = recordings.read_bytes("text-run")
        stream = make_client(lambda request: sse(body)).runs.stream("t", assistant_id="a")
        text = "".join(stream.text_deltas)
        [message] = stream.final_messages()
        assert isinstance(message.content[0], models.TextContentBlock)
        assert message.content[0].text.value == text

    def test_tool_loop(self) -> None:
        """With tools, requires_action calls them, submits outputs, and the stream carries on."""
        requests: list[httpx.Request] = []
        first = recordings.read_bytes("function-call-requires-action")
        continuation = recordings.read_bytes("function-call-continuation")

        def handler(request: httpx.Request) -> httpx.Response:
            requests.append(request)
            return sse(first if len(requests) == 1 else continuation)

        received: list[dict[str, Any]] = []

        def get_current_weather(**arguments: Any) -> str:
            received.append(arguments)
            return "warm and sunny"

        client = make_client(handler)
        stream = client.runs.stream(
            "thread_x", assistant_id="asst_1", tools={"get_current_weather": get_current_weather}
        )
        assert "completed" == stream.final_run().status
        assert [{}] == received
        submit = requests[1]
        run_id = json.loads(first.split(b"thread.run.requires_action\ndata: ")[1].split(b"\n")[0])[
            "id"
        ]
        assert f"/v1/threads/thread_x/runs/{run_id}/submit_tool_outputs" == submit.url.path
        body = json.loads(submit.content)
        assert True is body["stream"]
        assert "warm and sunny" == body["tool_outputs"][0]["output"]
        steps = stream.final_run_steps()
        assert ["tool_calls", "message_creation"] == [step.type for step in steps]
        assert all("completed" == step.status for step in steps)

    def test_failing_tool_submits_its_error(self) -> None:
        """A function that raises submits its error text, and the run is not left hanging."""
        bodies = [
            recordings.read_bytes("function-call-requires-action"),
            recordings.read_bytes("function-call-continuation"),
        ]
        requests: list[httpx.Request] = []

        def handler(request: httpx.Request) -> httpx.Response:
            requests.append(request)
            return sse(bodies.pop(0))

        def broken(**arguments: Any) -> str:
            raise RuntimeError("weather service down")

        stream = make_client(handler).runs.stream(
            "t", assistant_id="a", tools={"get_current_weather": broken}
        )
        stream.until_done()
        output = json.loads(requests[1].content)["tool_outputs"][0]["output"]
        assert "error: RuntimeError: weather service down" == output

    def test_handler_can_answer_requires_action(self) -> None:
        """A handler's on_requires_action may return the outputs to submit."""
        bodies = [
            recordings.read_bytes("function-call-requires-action"),
            recordings.read_bytes("function-call-continuation"),
        ]
        requests: list[httpx.Request] = []

        def handler(request: httpx.Request) -> httpx.Response:
            requests.append(request)
            return sse(bodies.pop(0))

        class Answer(streamkit.EventHandler):
            def on_requires_action(self, run: models.Run, tool_calls: Any) -> Any:
                return {call.id: {"temperature": 21} for call in tool_calls}

        stream = make_client(handler).runs.stream("t", assistant_id="a", handler=Answer())
        assert "completed" == stream.final_run().status
        assert '{"temperature": 21}' == json.loads(requests[1].content)["tool_outputs"][0]["output"]

    def test_without_tools_the_stream_stops_at_requires_action(self) -> None:
        """No tools and no answer: the stream ends at requires_action, as the API's does."""
        body = recordings.read_bytes("function-call-requires-action")
        stream = make_client(lambda request: sse(body)).runs.stream("t", assistant_id="a")
        assert "requires_action" == stream.final_run().status

    def test_close_stops_events_and_callbacks(self) -> None:
        """After close(), iteration yields nothing more and no callback runs."""
        body = recordings.read_bytes("text-run")
        calls: list[str] = []

        class Handler(streamkit.EventHandler):
            def on_text_delta(self, delta: models.TextDelta, snapshot: models.Text) -> None:
                calls.append("delta")

        stream = make_client(lambda request: sse(body)).runs.stream(
            "t", assistant_id="a", handler=Handler()
        )
        iterator = iter(stream)
        for _ in range(12):
            next(iterator)
        count = len(calls)
        stream.close()
        assert [] == list(iterator)
        assert count == len(calls)

    def test_http_error_on_stream(self) -> None:
        """A stream request answered with an HTTP error raises ResponseError when read."""
        client = make_client(
            lambda request: httpx.Response(
                429,
                json={
                    "error": {
                        "message": "Rate limit reached",
                        "type": "requests",
                        "code": "rate_limit_exceeded",
                    }
                },
            )
        )
        with pytest.raises(ResponseError, match="rate_limit_exceeded"):
            client.runs.stream("t", assistant_id="a").until_done()


class TestRecovery:
    """A stream that breaks mid-run is reconciled from the REST endpoints, same snapshots."""

    BODY = recordings.read_bytes("text-run")

    def server(self, first_body: Any) -> tuple[Handler, list[str]]:
        """The stream request gets ``first_body``; GETs answer from the whole recording."""
        final = streamkit.replay(self.BODY)
        run = streamkit.to_dict(next(iter(final.runs.values())))
        steps = [streamkit.to_dict(s) for s in final.run_steps.values()]
        messages = {x.id: streamkit.to_dict(x) for x in final.messages.values()}
        paths: list[str] = []

        def handler(request: httpx.Request) -> httpx.Response:
            paths.append(f"{request.method} {request.url.path}")
            if request.method == "POST":
                return httpx.Response(
                    200, headers={"content-type": "text/event-stream"}, content=first_body
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

        return handler, paths

    def expected_text(self) -> str:
        [message] = streamkit.replay(self.BODY).messages.values()
        block = message.content[0]
        assert isinstance(block, models.TextContentBlock)
        return block.text.value

    def test_truncated_body(self) -> None:
        """A body cut mid-run (no `done`): the run, steps and message are read back; one result."""
        cut = self.BODY[: len(self.BODY) // 2]
        handler, paths = self.server(cut)
        calls: list[str] = []

        class Recorder(streamkit.EventHandler):
            def on_message_done(self, message: models.Message) -> None:
                calls.append("message_done")

            def on_run_done(self, run: models.Run) -> None:
                calls.append("run_done")

        stream = make_client(handler).runs.stream("t", assistant_id="a", handler=Recorder())
        assert "completed" == stream.final_run().status
        [message] = stream.final_messages()
        assert isinstance(message.content[0], models.TextContentBlock)
        assert self.expected_text() == message.content[0].text.value
        assert ["message_done", "run_done"] == calls  # once each, as if nothing broke
        assert [] == stream.accumulator.anomalies
        assert any(p.endswith("/steps") for p in paths)

    def test_connection_reset(self) -> None:
        """A connection that dies mid-body is recovered the same way."""
        half = self.BODY[: len(self.BODY) // 2]

        def chunks() -> Any:
            yield half
            raise httpx.ReadError("connection reset by peer")

        handler, _ = self.server(chunks())
        stream = make_client(handler).runs.stream("t", assistant_id="a")
        assert "completed" == stream.final_run().status
        [message] = stream.final_messages()
        assert isinstance(message.content[0], models.TextContentBlock)
        assert self.expected_text() == message.content[0].text.value

    def test_polls_until_the_run_settles(self) -> None:
        """While the run read back is still in progress, it is polled again (with a pause)."""
        cut = self.BODY[: len(self.BODY) // 2]
        handler, _ = self.server(cut)
        final_run = streamkit.to_dict(next(iter(streamkit.replay(self.BODY).runs.values())))
        pending = [dict(final_run, status="in_progress"), dict(final_run, status="in_progress")]

        def polling(request: httpx.Request) -> httpx.Response:
            if request.method == "GET" and request.url.path.endswith("/runs/" + final_run["id"]):
                return httpx.Response(200, json=pending.pop(0) if pending else final_run)
            return handler(request)

        sleeps: list[float] = []
        stream = make_client(polling, sleeps=sleeps).runs.stream("t", assistant_id="a")
        assert "completed" == stream.final_run().status
        assert 2 == len(sleeps)

    def test_recovery_can_be_turned_off(self) -> None:
        """With recover=False a reset raises TransportError and nothing is read back."""
        half = self.BODY[: len(self.BODY) // 2]

        def chunks() -> Any:
            yield half
            raise httpx.ReadError("connection reset by peer")

        handler, paths = self.server(chunks())
        stream = make_client(handler).runs.stream("t", assistant_id="a", recover=False)
        with pytest.raises(TransportError, match="stream broke after"):
            stream.until_done()
        assert ["POST /v1/threads/t/runs"] == paths
        assert stream.accumulator.messages  # what came before is kept


def test_tool_errors_raise_propagates() -> None:
    """With tool_errors="raise", a failing function stops the stream with its exception."""
    body = recordings.read_bytes("function-call-requires-action")
    requests: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        requests.append(request)
        return sse(body)

    def broken(**arguments: Any) -> str:
        raise RuntimeError("weather service down")

    stream = make_client(handler).runs.stream(
        "t", assistant_id="a", tools={"get_current_weather": broken}, tool_errors="raise"
    )
    with pytest.raises(RuntimeError, match="weather service down"):
        stream.until_done()
    assert 1 == len(requests)  # nothing was submitted
    with pytest.raises(ValueError, match="tool_errors"):
        make_client(handler).runs.stream("t", assistant_id="a", tool_errors="ignore")
