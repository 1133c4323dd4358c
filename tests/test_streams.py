"""RunStream and AsyncRunStream: one suite over both flavours.

Every test takes ``flavour`` (:mod:`tests.flavours`) and runs twice: the sync
``Client`` building a :class:`streamkit.RunStream` driving an
:class:`streamkit.EventHandler`, and the ``AsyncClient`` building an
``AsyncRunStream`` driving an :class:`streamkit.AsyncEventHandler`, seen
through the fixture's blocking view. The handler of either kind is made by
:func:`recorder` from one list of callback names. The server is httpx's
``MockTransport`` answering from the bundled recordings; the poll ``sleep``
is the client's injected one, so nothing waits.

At the end, :class:`TestSameCallbacksEverywhere` runs every bundled recording
through ``consume``, ``aconsume``, ``RunStream`` and ``AsyncRunStream`` and
checks they make the very same calls with the very same snapshots.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import inspect
import json
import warnings
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import anyio
import httpx
import pytest

import streamkit
from streamkit import ResponseError, StreamError, StreamkitError, TransportError, models
from streamkit import testing as builders
from streamkit._assistants.handlers import CALLBACKS
from streamkit.errors import LimitExceededError, ToolError
from streamkit.recordings import NAMES, read_bytes
from streamkit.sse import SSEDecoder
from tests.flavours import (
    AsyncFlavour,
    Flavour,
    SyncFlavour,
    flavour_fixture,  # noqa: F401 -- `flavour`
)

TEXT_RUN = read_bytes("text-run")
REQUIRES_ACTION = read_bytes("function-call-requires-action")
CONTINUATION = read_bytes("function-call-continuation")
PARALLEL = read_bytes("parallel-function-calls")


def well_formed(body: bytes) -> bytes:
    """The body as a live server sends it: three recordings' logs lost the last blank line.

    Read from a file (``consume``) such a last event still counts; over HTTP
    an event without its blank line is cut off, and is dropped.
    """
    return body if body.endswith(b"\n\n") else body + b"\n"


SERVER_ERROR = well_formed(read_bytes("text-then-server-error"))


def _waiting_run(body: bytes) -> models.Run:
    run = streamkit.replay(body).final_run
    assert run is not None
    assert run.required_action is not None
    return run


#: The run of function-call-requires-action and its one call.
FN_RUN = _waiting_run(REQUIRES_ACTION)
assert FN_RUN.required_action is not None
FN_CALL = FN_RUN.required_action.submit_tool_outputs.tool_calls[0]
SUBMIT_PATH = f"/v1/threads/t/runs/{FN_RUN.id}/submit_tool_outputs"

ONLY_ASYNC = pytest.mark.parametrize("flavour", ["async"], indirect=True)


class Boom(Exception):
    """Raised by a test callback or tool."""


# --- A recording handler of either flavour ------------------------------------------------


Call = tuple[str, tuple[Any, ...]]


def recorder(
    flavour: Flavour | str,
    names: Sequence[str] | frozenset[str] = CALLBACKS,
    *,
    fail_on: tuple[str, int] | None = None,
    error: Callable[[str], BaseException] = Boom,
    returns: Mapping[str, Callable[..., Any]] | None = None,
) -> Any:
    """A handler of the flavour's kind that records every call of ``names`` in ``.calls``.

    ``fail_on=(name, n)`` raises ``error(f"{name} #{n}")`` at the n-th call of
    ``name`` (after recording it); ``returns[name](*args)`` is what ``name`` returns.
    """
    kind = flavour if isinstance(flavour, str) else flavour.name
    calls: list[Call] = []
    answers = dict(returns or {})

    def record(name: str, args: tuple[Any, ...]) -> Any:
        calls.append((name, args))
        if (
            fail_on is not None
            and fail_on[0] == name
            and sum(1 for called, _ in calls if called == name) == fail_on[1]
        ):
            raise error(f"{name} #{fail_on[1]}")
        answer = answers.get(name)
        return answer(*args) if answer is not None else None

    def sync_method(name: str) -> Callable[..., Any]:
        def method(self: Any, *args: Any) -> Any:
            return record(name, args)

        return method

    def async_method(name: str) -> Callable[..., Any]:
        async def method(self: Any, *args: Any) -> Any:
            await asyncio.sleep(0)  # a real suspension point, as a real async callback has
            result = record(name, args)
            return (await result) if inspect.isawaitable(result) else result

        return method

    if kind == "sync":
        base: type = streamkit.EventHandler
        make = sync_method
    else:
        base = streamkit.AsyncEventHandler
        make = async_method
    cls = type(f"Recording{base.__name__}", (base,), {name: make(name) for name in names})
    handler = cls()
    handler.calls = calls
    return handler


def names_of(calls: list[Call]) -> list[str]:
    return [name for name, _ in calls]


def args_of(calls: list[Call], name: str) -> list[tuple[Any, ...]]:
    return [args for called, args in calls if called == name]


def plain(value: Any) -> Any:
    """A comparable form of a callback argument: models as their wire dicts."""
    if isinstance(value, (str, int, float, type(None))):
        return value
    if isinstance(value, (tuple, list)):
        return [plain(item) for item in value]
    if isinstance(value, BaseException):
        return (type(value).__name__, str(value))
    return streamkit.to_dict(value)


def summary(calls: list[Call]) -> list[tuple[Any, ...]]:
    """The calls with every argument in :func:`plain` form (snapshots as ``to_dict`` gives them)."""
    return [(name, *[plain(arg) for arg in args]) for name, args in calls]


def unwrap(value: Any) -> Any:
    """The object behind the async flavour's blocking view (itself for the sync one)."""
    return getattr(value, "_target", value)


# --- The server -----------------------------------------------------------------------------


def decoded(body: bytes) -> list[str]:
    """The event names of a body as a live reader sees them."""
    decoder = SSEDecoder()
    return [event.event for event in decoder.feed(body) + decoder.close()]


def sse(flavour: Flavour, body: bytes, *, error: Exception | None = None) -> httpx.Response:
    """A streamed event-stream response of ``body`` in 97-byte reads, then ``error`` if given."""
    parts = [body[start : start + 97] for start in range(0, len(body), 97)]
    return httpx.Response(
        200, headers={"content-type": "text/event-stream"}, content=flavour.body(parts, error)
    )


def page(data: list[Any], *, has_more: bool = False, last_id: str | None = None) -> dict[str, Any]:
    return {
        "object": "list",
        "data": data,
        "has_more": has_more,
        "first_id": data[0]["id"] if data else None,
        "last_id": last_id,
    }


class Server:
    """Answers a client's requests and keeps them (method, path, JSON body).

    Each stream POST is answered with the next of ``streams`` (bytes, or a
    function of the flavour making the response). GETs answer from
    ``final`` (a whole recording's accumulator): the run -- ``in_progress``
    for the first ``pending`` reads --, its steps and its messages.
    """

    def __init__(
        self,
        flavour: Flavour,
        *streams: bytes | Callable[[Flavour], httpx.Response],
        final: streamkit.Accumulator | None = None,
        pending: int = 0,
    ) -> None:
        self.flavour = flavour
        self.streams = list(streams)
        self.requests: list[tuple[str, str, Any]] = []
        self.final = final
        self.pending = pending
        #: The most requests answered: past it, the test fails (a client that loops).
        self.limit = 1000
        #: Answers (functions of the flavour) for the next GETs, before ``final``'s.
        self.gets: list[Callable[[Flavour], httpx.Response]] = []
        #: Answer every steps page with has_more and the same cursor (a server that loops).
        self.step_pages_repeat = False

    def __call__(self, request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content) if request.content else None
        self.requests.append((request.method, request.url.path, body))
        assert len(self.requests) <= self.limit, "the client does not stop"
        if request.method == "POST":
            answer = self.streams.pop(0)
            return sse(self.flavour, answer) if isinstance(answer, bytes) else answer(self.flavour)
        if self.gets:
            return self.gets.pop(0)(self.flavour)
        assert self.final is not None, f"unexpected {request.method} {request.url.path}"
        path = request.url.path
        if path.endswith("/steps"):
            steps = [streamkit.to_dict(s) for s in self.final.run_steps.values()]
            if self.step_pages_repeat:
                return httpx.Response(200, json=page(steps, has_more=True, last_id=steps[-1]["id"]))
            return httpx.Response(200, json=page(steps))
        if "/messages/" in path:
            message = self.final.messages[path.rsplit("/", 1)[1]]
            return httpx.Response(200, json=streamkit.to_dict(message))
        run = self.final.final_run
        assert run is not None
        if self.pending:
            self.pending -= 1
            return httpx.Response(200, json=dict(streamkit.to_dict(run), status="in_progress"))
        return httpx.Response(200, json=streamkit.to_dict(run))

    def paths(self) -> list[str]:
        return [f"{method} {path}" for method, path, _ in self.requests]

    def submitted(self, n: int = 1) -> list[dict[str, Any]]:
        """The tool outputs of the n-th POST after the first."""
        _method, path, body = [r for r in self.requests if r[0] == "POST"][n]
        assert path.endswith("/submit_tool_outputs")
        assert True is body["stream"]
        outputs: list[dict[str, Any]] = body["tool_outputs"]
        return outputs


def continuation_of(body: bytes) -> bytes:
    """A continuation stream for a recording that ends at requires_action: the run completes."""
    run = streamkit.replay(body).final_run
    assert run is not None
    data = dict(streamkit.to_dict(run), required_action=None)
    events = [
        builders.event("thread.run.queued", dict(data, status="queued")),
        builders.event("thread.run.in_progress", dict(data, status="in_progress")),
        builders.event("thread.run.completed", dict(data, status="completed")),
        builders.DONE,
    ]
    return builders.encode(events)


def message_text(message: models.Message) -> str:
    block = message.content[0]
    assert isinstance(block, models.TextContentBlock)
    return block.text.value


def text_of(accumulator: Any, message_id: str | None = None) -> str:
    messages = accumulator.messages
    message = messages[message_id] if message_id else list(messages.values())[-1]
    return message_text(message)


def fragments(body: bytes) -> list[str]:
    """The text fragments of a body (past a server error: lenient)."""
    return list(streamkit.text_deltas(body, strict=False))


# --- Plain streams -------------------------------------------------------------------------


class TestPlainStream:
    def test_to_completion(self, flavour: Flavour) -> None:
        """Typed events in order; the final run, steps and messages; the callbacks, on_end last."""
        server = Server(flavour, TEXT_RUN)
        handler = recorder(flavour, ["on_message_done", "on_run_done", "on_end"])
        client = flavour.client(server)
        with client.runs.stream("t", assistant_id="a", handler=handler, model="m") as stream:
            events = list(stream)
        assert decoded(TEXT_RUN) == [event.event for event in events]
        assert 44 == len(events)
        assert isinstance(events[0], models.ThreadRunCreated)
        expected = streamkit.replay(TEXT_RUN)
        assert expected.final_run == stream.final_run()
        assert "completed" == stream.final_run().status
        assert list(expected.run_steps.values()) == stream.final_run_steps()
        assert ["message_creation"] == [step.type for step in stream.final_run_steps()]
        assert list(expected.messages.values()) == stream.final_messages()
        [message] = stream.final_messages()
        assert "".join(fragments(TEXT_RUN)) == message_text(message)
        assert ["on_message_done", "on_run_done", "on_end"] == names_of(handler.calls)
        assert [(message,)] == args_of(handler.calls, "on_message_done")
        assert handler.accumulator is unwrap(stream.accumulator)
        assert [
            ("POST", "/v1/threads/t/runs", {"assistant_id": "a", "model": "m", "stream": True})
        ] == (server.requests)

    def test_text_deltas(self, flavour: Flavour) -> None:
        """text_deltas yields the fragments as consume's text_deltas does; they join to the text."""
        stream = flavour.client(Server(flavour, TEXT_RUN)).runs.stream("t", assistant_id="a")
        texts = list(stream.text_deltas)
        assert fragments(TEXT_RUN) == texts
        assert 33 == len(texts)
        [message] = stream.final_messages()
        assert "".join(texts) == message_text(message)

    def test_until_done_twice_and_iterating_after_done(self, flavour: Flavour) -> None:
        """until_done() twice is harmless; iterating after the end yields nothing, calls nothing."""
        server = Server(flavour, TEXT_RUN)
        handler = recorder(flavour)
        stream = flavour.client(server).runs.stream("t", assistant_id="a", handler=handler)
        stream.until_done()
        calls = list(handler.calls)
        assert "on_end" == calls[-1][0]
        assert 1 == names_of(calls).count("on_end")
        stream.until_done()
        assert [] == list(stream)
        assert [] == list(stream.text_deltas)
        assert "completed" == stream.final_run().status
        assert calls == handler.calls
        assert 1 == len(server.requests)

    def test_without_tools_it_stops_at_requires_action(self, flavour: Flavour) -> None:
        """No tools and no answer: the stream ends at requires_action, as the API's does."""
        server = Server(flavour, REQUIRES_ACTION)
        handler = recorder(flavour, ["on_requires_action", "on_end"])
        stream = flavour.client(server).runs.stream("t", assistant_id="a", handler=handler)
        assert "requires_action" == stream.final_run().status
        assert ["on_requires_action", "on_end"] == names_of(handler.calls)
        assert 1 == len(server.requests)

    def test_http_error(self, flavour: Flavour) -> None:
        """A stream answered with an HTTP error raises ResponseError; on_exception, then on_end."""
        body = {
            "error": {"message": "Rate limit", "type": "requests", "code": "rate_limit_exceeded"}
        }
        client = flavour.client(lambda request: httpx.Response(429, json=body))
        handler = recorder(flavour, ["on_exception", "on_end", "on_event"])
        stream = client.runs.stream("t", assistant_id="a", handler=handler)
        with pytest.raises(ResponseError, match="rate_limit_exceeded") as caught:
            stream.until_done()
        assert 429 == caught.value.status_code
        assert [("on_exception", (caught.value,)), ("on_end", ())] == handler.calls

    def test_tool_errors_is_checked(self, flavour: Flavour) -> None:
        client = flavour.client(Server(flavour))
        with pytest.raises(ValueError, match="tool_errors must be 'submit' or 'raise'"):
            client.runs.stream("t", assistant_id="a", tool_errors="ignore")


# --- The tool loop -------------------------------------------------------------------------


class TestToolLoop:
    def test_sync_function(self, flavour: Flavour) -> None:
        """requires_action calls the function, submits its output, streams the continuation."""
        server = Server(flavour, REQUIRES_ACTION, CONTINUATION)
        received: list[dict[str, Any]] = []

        def get_current_weather(**arguments: Any) -> dict[str, Any]:
            received.append(arguments)
            return {"forecast": "sunny", "celsius": 21}

        handler = recorder(flavour, ["on_requires_action", "on_tool_call_done", "on_end"])
        with flavour.client(server).runs.stream(
            "t",
            assistant_id="a",
            handler=handler,
            functions={"get_current_weather": get_current_weather},
        ) as stream:
            text = "".join(stream.text_deltas)
        assert "completed" == stream.final_run().status
        assert [{}] == received
        assert ["POST /v1/threads/t/runs", f"POST {SUBMIT_PATH}"] == server.paths()
        assert [
            {"tool_call_id": FN_CALL.id, "output": '{"forecast": "sunny", "celsius": 21}'}
        ] == server.submitted()
        steps = stream.final_run_steps()
        assert ["tool_calls", "message_creation"] == [step.type for step in steps]
        assert ["completed", "completed"] == [step.status for step in steps]
        [message] = stream.final_messages()
        assert text == message_text(message)
        assert text
        # Once each: the call is done at requires_action; the continuation only updates it.
        assert ["on_tool_call_done", "on_requires_action", "on_end"] == names_of(handler.calls)

    def test_parallel_calls_each_with_its_arguments(self, flavour: Flavour) -> None:
        """Two calls in one requires_action: each function gets its parsed arguments, in order."""
        server = Server(flavour, PARALLEL, continuation_of(PARALLEL))
        stream = flavour.client(server).runs.stream(
            "t",
            assistant_id="a",
            functions={
                "fetch_current_datetime": lambda: "2024-01-01 12:00",
                "fetch_weather": lambda location: f"rain in {location}",
            },
        )
        assert "completed" == stream.final_run().status
        assert [
            {"tool_call_id": "call_01", "output": "2024-01-01 12:00"},
            {"tool_call_id": "call_02", "output": "rain in New York"},
        ] == server.submitted()
        assert "/v1/threads/t/runs/run_01/submit_tool_outputs" == server.requests[1][1]

    @ONLY_ASYNC
    def test_async_functions_run_concurrently(self, flavour: Flavour) -> None:
        """Async tool functions of one requires_action run at the same time; a sync one too."""
        server = Server(flavour, PARALLEL, continuation_of(PARALLEL))
        started: list[str] = []
        both = asyncio.Event()

        async def fetch_current_datetime() -> str:
            started.append("datetime")
            if len(started) == 2:
                both.set()
            await asyncio.wait_for(both.wait(), 10)  # the other must start meanwhile
            return "noon"

        async def fetch_weather(location: str) -> dict[str, str]:
            started.append("weather")
            if len(started) == 2:
                both.set()
            await asyncio.wait_for(both.wait(), 10)
            return {"location": location}

        stream = flavour.client(server).runs.stream(
            "t",
            assistant_id="a",
            functions={
                "fetch_current_datetime": fetch_current_datetime,
                "fetch_weather": fetch_weather,
            },
        )
        assert "completed" == stream.final_run().status
        assert ["datetime", "weather"] == started
        assert [
            {"tool_call_id": "call_01", "output": "noon"},
            {"tool_call_id": "call_02", "output": '{"location": "New York"}'},
        ] == server.submitted()

    @ONLY_ASYNC
    def test_async_function_that_raises(self, flavour: Flavour) -> None:
        """An async function's exception is submitted as its error text, the other's output kept."""
        server = Server(flavour, PARALLEL, continuation_of(PARALLEL))

        async def fetch_current_datetime() -> str:
            raise Boom("clock stopped")

        stream = flavour.client(server).runs.stream(
            "t",
            assistant_id="a",
            functions={
                "fetch_current_datetime": fetch_current_datetime,
                "fetch_weather": lambda location: "dry",
            },
        )
        assert "completed" == stream.final_run().status
        assert [
            {"tool_call_id": "call_01", "output": "error: Boom: clock stopped"},
            {"tool_call_id": "call_02", "output": "dry"},
        ] == server.submitted()

    @ONLY_ASYNC
    def test_async_function_raises_with_tool_errors_raise(self, flavour: Flavour) -> None:
        server = Server(flavour, REQUIRES_ACTION)

        async def get_current_weather() -> str:
            raise Boom("down")

        handler = recorder(flavour, ["on_exception", "on_end"])
        stream = flavour.client(server).runs.stream(
            "t",
            assistant_id="a",
            handler=handler,
            functions={"get_current_weather": get_current_weather},
            tool_errors="raise",
        )
        with pytest.raises(Boom, match="down") as caught:
            stream.until_done()
        assert [("on_exception", (caught.value,)), ("on_end", ())] == handler.calls
        assert 1 == len(server.requests)

    @pytest.mark.parametrize("flavour", ["sync"], indirect=True)
    def test_async_function_given_to_the_sync_client(self, flavour: Flavour) -> None:
        """An async def tool on the sync client: a TypeError naming it; no coroutine leaked."""
        server = Server(flavour, REQUIRES_ACTION, CONTINUATION)

        async def get_current_weather() -> str:
            return "sunny"

        stream = flavour.client(server).runs.stream(
            "t", assistant_id="a", functions={"get_current_weather": get_current_weather}
        )
        # The exception is caught by hand and dropped inside catch_warnings: its traceback
        # holds the coroutine, which must be finalized here, not in some later test.
        message = None
        with warnings.catch_warnings(record=True) as caught_warnings:
            warnings.simplefilter("always")
            try:
                stream.until_done()
            except TypeError as exc:
                message = str(exc)
            del stream
            gc.collect()
        leaked = [str(w.message) for w in caught_warnings if "never awaited" in str(w.message)]
        assert 1 == len(server.requests)
        assert message is not None
        assert "get_current_weather" in message
        assert [] == leaked

    def test_function_that_raises_submits_its_error(self, flavour: Flavour) -> None:
        server = Server(flavour, REQUIRES_ACTION, CONTINUATION)

        def get_current_weather() -> str:
            raise RuntimeError("weather service down")

        handler = recorder(flavour, ["on_exception", "on_end"])
        stream = flavour.client(server).runs.stream(
            "t",
            assistant_id="a",
            handler=handler,
            functions={"get_current_weather": get_current_weather},
        )
        assert "completed" == stream.final_run().status
        assert [
            {"tool_call_id": FN_CALL.id, "output": "error: RuntimeError: weather service down"}
        ] == server.submitted()
        assert [("on_end", ())] == handler.calls

    def test_function_that_raises_with_tool_errors_raise(self, flavour: Flavour) -> None:
        """tool_errors="raise": it propagates after on_exception and on_end; nothing is sent."""
        server = Server(flavour, REQUIRES_ACTION)

        def get_current_weather() -> str:
            raise Boom("weather service down")

        handler = recorder(flavour, ["on_requires_action", "on_exception", "on_end"])
        stream = flavour.client(server).runs.stream(
            "t",
            assistant_id="a",
            handler=handler,
            functions={"get_current_weather": get_current_weather},
            tool_errors="raise",
        )
        with pytest.raises(Boom, match="weather service down") as caught:
            stream.until_done()
        assert ["on_requires_action", "on_exception", "on_end"] == names_of(handler.calls)
        assert (caught.value,) == args_of(handler.calls, "on_exception")[0]
        assert 1 == len(server.requests)  # nothing was submitted
        assert handler.accumulator is unwrap(stream.accumulator)
        assert FN_RUN == handler.accumulator.final_run  # readable: the run waiting for outputs

    def test_missing_function_raises_tool_error(self, flavour: Flavour) -> None:
        """A call naming no given function: ToolError naming it; nothing called, nothing sent."""
        server = Server(flavour, PARALLEL, continuation_of(PARALLEL))
        called: list[str] = []
        handler = recorder(flavour, ["on_exception", "on_end"])
        stream = flavour.client(server).runs.stream(
            "t",
            assistant_id="a",
            handler=handler,
            functions={"fetch_weather": lambda location: called.append(location)},
        )
        with pytest.raises(ToolError, match="'fetch_current_datetime'") as caught:
            stream.until_done()
        assert "fetch_current_datetime" == caught.value.function_name
        assert "call_01" == caught.value.tool_call_id
        assert "run_01" == caught.value.run_id
        assert isinstance(caught.value, StreamkitError)
        assert ["POST /v1/threads/t/runs"] == server.paths()  # nothing was submitted
        assert [] == called  # checked before any function runs
        assert [("on_exception", (caught.value,)), ("on_end", ())] == handler.calls
        assert "requires_action" == caught.value.accumulator.final_run.status

    def test_missing_function_submitted_when_asked(self, flavour: Flavour) -> None:
        """unknown_functions="submit": its error text is submitted; the others still run."""
        server = Server(flavour, PARALLEL, continuation_of(PARALLEL))
        stream = flavour.client(server).runs.stream(
            "t",
            assistant_id="a",
            functions={"fetch_weather": lambda location: "fog"},
            unknown_functions="submit",
        )
        assert "completed" == stream.final_run().status
        assert [
            {
                "tool_call_id": "call_01",
                "output": (
                    "error: LookupError: no function named 'fetch_current_datetime' was given"
                ),
            },
            {"tool_call_id": "call_02", "output": "fog"},
        ] == server.submitted()
        assert {"assistant_id": "a", "stream": True} == server.requests[0][2]

    def test_unknown_functions_is_checked(self, flavour: Flavour) -> None:
        client = flavour.client(Server(flavour))
        with pytest.raises(ValueError, match="unknown_functions must be 'raise' or 'submit'"):
            client.runs.stream("t", assistant_id="a", unknown_functions="ignore")

    def test_tools_is_the_apis_parameter(self, flavour: Flavour) -> None:
        """tools= is sent as the API's tool definitions; functions= are the tool loop's."""
        tools: list[Any] = [
            {"type": "code_interpreter"},
            {"type": "function", "function": {"name": "get_current_weather"}},
        ]
        server = Server(flavour, REQUIRES_ACTION, CONTINUATION)
        stream = flavour.client(server).runs.stream(
            "t",
            assistant_id="a",
            tools=tools,
            functions={"get_current_weather": lambda: "dry"},
        )
        assert "completed" == stream.final_run().status
        assert {"assistant_id": "a", "tools": tools, "stream": True} == server.requests[0][2]
        assert [{"tool_call_id": FN_CALL.id, "output": "dry"}] == server.submitted()

    def test_only_builtin_tools(self, flavour: Flavour) -> None:
        """tools=[{"type": "code_interpreter"}] alone: sent as it is (it once raised ValueError)."""
        server = Server(flavour, TEXT_RUN)
        stream = flavour.client(server).runs.stream(
            "t", assistant_id="a", tools=[{"type": "code_interpreter"}]
        )
        assert "completed" == stream.final_run().status
        assert [{"type": "code_interpreter"}] == server.requests[0][2]["tools"]

    def test_a_mapping_as_tools_is_a_type_error(self, flavour: Flavour) -> None:
        """The old form, tools={name: function}, names the new one instead of sending garbage."""
        server = Server(flavour, TEXT_RUN)
        client = flavour.client(server)
        with pytest.raises(TypeError, match=r"functions=\{'name': function\}"):
            client.runs.stream("t", assistant_id="a", tools={"f": print})
        with pytest.raises(TypeError, match="functions="):
            client.threads.create_and_run_stream(assistant_id="a", tools={"f": print})
        with pytest.raises(TypeError, match="must map the names"):
            client.runs.stream("t", assistant_id="a", functions=[print])
        assert [] == server.requests

    @pytest.mark.parametrize("form", ["list", "dict"])
    def test_on_requires_action_returns_the_outputs(self, flavour: Flavour, form: str) -> None:
        """The handler's outputs (a list, or {id: output}) are submitted; no function is called."""
        server = Server(flavour, REQUIRES_ACTION, CONTINUATION)

        def answer(run: models.Run, tool_calls: Any) -> Any:
            assert FN_RUN == run
            if form == "list":
                return [{"tool_call_id": call.id, "output": "from the list"} for call in tool_calls]
            return {call.id: {"temperature": 21} for call in tool_calls}

        called: list[str] = []
        handler = recorder(
            flavour, ["on_requires_action", "on_end"], returns={"on_requires_action": answer}
        )
        stream = flavour.client(server).runs.stream(
            "t",
            assistant_id="a",
            handler=handler,
            functions={"get_current_weather": lambda: called.append("function")},
        )
        assert "completed" == stream.final_run().status
        output = "from the list" if form == "list" else '{"temperature": 21}'
        assert [{"tool_call_id": FN_CALL.id, "output": output}] == server.submitted()
        assert [] == called
        [(_run, tool_calls)] = args_of(handler.calls, "on_requires_action")
        assert [FN_CALL] == list(tool_calls)
        assert ["on_requires_action", "on_end"] == names_of(handler.calls)

    def test_submit_tool_outputs_stream(self, flavour: Flavour) -> None:
        """submit_tool_outputs_stream posts the outputs and streams the continuation."""
        server = Server(flavour, CONTINUATION)
        handler = recorder(flavour, ["on_run_step_done", "on_message_done", "on_end"])
        outputs = [{"tool_call_id": FN_CALL.id, "output": "sunny"}]
        stream = flavour.client(server).runs.submit_tool_outputs_stream(
            "t", FN_RUN.id, tool_outputs=outputs, handler=handler
        )
        assert "completed" == stream.final_run().status
        assert [("POST", SUBMIT_PATH, {"tool_outputs": outputs, "stream": True})] == server.requests
        assert ["on_run_step_done", "on_message_done", "on_run_step_done", "on_end"] == names_of(
            handler.calls
        )

    def test_create_and_run_stream_submits_to_the_runs_thread(self, flavour: Flavour) -> None:
        """create_and_run_stream has no thread id: outputs go to the thread the run names."""
        server = Server(flavour, REQUIRES_ACTION, CONTINUATION)
        stream = flavour.client(server).threads.create_and_run_stream(
            assistant_id="a", functions={"get_current_weather": lambda: "hail"}
        )
        assert "completed" == stream.final_run().status
        path = f"/v1/threads/{FN_RUN.thread_id}/runs/{FN_RUN.id}/submit_tool_outputs"
        assert ["POST /v1/threads/runs", f"POST {path}"] == server.paths()
        assert {"assistant_id": "a", "stream": True} == server.requests[0][2]
        assert [{"tool_call_id": FN_CALL.id, "output": "hail"}] == server.submitted()

    def test_create_and_run_stream_takes_the_stream_options(self, flavour: Flavour) -> None:
        """recover, tool_errors and functions are create_and_run_stream's own, never sent."""
        server = Server(flavour, REQUIRES_ACTION)
        tools: list[Any] = [{"type": "function", "function": {"name": "get_current_weather"}}]

        def get_current_weather() -> str:
            raise Boom("down")

        stream = flavour.client(server).threads.create_and_run_stream(
            assistant_id="a",
            tools=tools,
            functions={"get_current_weather": get_current_weather},
            tool_errors="raise",
            recover=False,
        )
        with pytest.raises(Boom, match="down"):
            stream.until_done()  # tool_errors="raise" honoured
        assert {"assistant_id": "a", "tools": tools, "stream": True} == server.requests[0][2]
        assert 1 == len(server.requests)

    def test_create_and_run_stream_recover_false(self, flavour: Flavour) -> None:
        """recover=False on create_and_run_stream: a broken stream raises, nothing read back."""
        cut = halfway(TEXT_RUN)
        server = Server(flavour, reset(cut), final=streamkit.replay(TEXT_RUN))
        stream = flavour.client(server).threads.create_and_run_stream(
            assistant_id="a", recover=False
        )
        with pytest.raises(TransportError, match="the stream broke after"):
            stream.until_done()
        assert ["POST /v1/threads/runs"] == server.paths()
        assert {"assistant_id": "a", "stream": True} == server.requests[0][2]

    def test_submit_tool_outputs_stream_with_functions(self, flavour: Flavour) -> None:
        """submit_tool_outputs_stream(functions=...) answers a further requires_action too."""
        server = Server(flavour, requires_action_again(), CONTINUATION)
        first = [{"tool_call_id": FN_CALL.id, "output": "sunny"}]
        stream = flavour.client(server).runs.submit_tool_outputs_stream(
            "t", FN_RUN.id, tool_outputs=first, functions={"get_current_weather": lambda: "rain"}
        )
        assert "completed" == stream.final_run().status
        assert [f"POST {SUBMIT_PATH}", f"POST {SUBMIT_PATH}"] == server.paths()
        assert first == server.requests[0][2]["tool_outputs"]
        assert [{"tool_call_id": FN_CALL.id, "output": "rain"}] == server.submitted()

    def test_tool_rounds_are_bounded(self, flavour: Flavour) -> None:
        """A run requiring action round after round: LimitExceededError after max_tool_rounds."""
        server = Server(flavour, REQUIRES_ACTION, *[requires_action_again()] * 5)
        handler = recorder(flavour, ["on_exception", "on_end"])
        stream = flavour.client(server).runs.stream(
            "t",
            assistant_id="a",
            handler=handler,
            functions={"get_current_weather": lambda: "again"},
            max_tool_rounds=2,
        )
        with pytest.raises(LimitExceededError, match="max_tool_rounds=2") as caught:
            stream.until_done()
        assert ("max_tool_rounds", 2) == (caught.value.limit, caught.value.value)
        assert ["POST /v1/threads/t/runs"] + [f"POST {SUBMIT_PATH}"] * 2 == server.paths()
        assert ["on_exception", "on_end"] == names_of(handler.calls)

    @pytest.mark.parametrize("flavour", ["sync"], indirect=True)
    def test_tool_rounds_default_to_16(self, flavour: Flavour) -> None:
        server = Server(flavour, REQUIRES_ACTION, *[requires_action_again()] * 20)
        stream = flavour.client(server).runs.stream(
            "t", assistant_id="a", functions={"get_current_weather": lambda: "again"}
        )
        with pytest.raises(LimitExceededError, match="max_tool_rounds=16"):
            stream.until_done()
        assert 1 + 16 == len(server.requests)

    def test_handler_outputs_count_as_rounds(self, flavour: Flavour) -> None:
        """Outputs from on_requires_action are rounds too: the bound holds without functions."""
        server = Server(flavour, REQUIRES_ACTION, *[requires_action_again()] * 5)
        handler = recorder(
            flavour,
            ["on_requires_action"],
            returns={"on_requires_action": lambda run, calls: {c.id: "x" for c in calls}},
        )
        stream = flavour.client(server).runs.stream(
            "t", assistant_id="a", handler=handler, max_tool_rounds=3
        )
        with pytest.raises(LimitExceededError):
            stream.until_done()
        assert 1 + 3 == len(server.requests)


def requires_action_again() -> bytes:
    """A continuation after which the run of function-call-requires-action waits again."""
    data = streamkit.to_dict(FN_RUN)
    events = [
        builders.event("thread.run.queued", dict(data, status="queued", required_action=None)),
        builders.event(
            "thread.run.in_progress", dict(data, status="in_progress", required_action=None)
        ),
        builders.event("thread.run.requires_action", data),
        builders.DONE,
    ]
    return builders.encode(events)


# --- Callbacks that raise, server errors -----------------------------------------------------


class TestFailures:
    @pytest.mark.parametrize("error", [Boom, StreamkitError], ids=["Boom", "StreamkitError"])
    def test_callback_raises(self, flavour: Flavour, error: type[Exception]) -> None:
        """A raising callback: on_exception, on_end, it propagates; what came before is readable."""
        server = Server(flavour, TEXT_RUN)
        handler = recorder(
            flavour,
            ["on_text_delta", "on_exception", "on_end"],
            fail_on=("on_text_delta", 3),
            error=error,
        )
        stream = flavour.client(server).runs.stream("t", assistant_id="a", handler=handler)
        events: list[Any] = []
        with pytest.raises(error, match="on_text_delta #3") as caught:
            events.extend(stream)  # what came before the raise stays
        assert ["on_text_delta"] * 3 + ["on_exception", "on_end"] == names_of(handler.calls)
        assert (caught.value,) == args_of(handler.calls, "on_exception")[0]
        first_three = "".join(fragments(TEXT_RUN)[:3])
        assert first_three == text_of(handler.accumulator)
        assert first_three == args_of(handler.calls, "on_text_delta")[2][1].value  # the snapshot
        if isinstance(caught.value, StreamkitError):
            assert caught.value.accumulator is handler.accumulator
        # The event whose callback raised is not yielded; the stream is over.
        assert decoded(TEXT_RUN)[: len(events)] == [event.event for event in events]
        assert handler.accumulator.position == len(events) + 1
        assert [] == list(stream)
        assert 5 == len(handler.calls)

    def test_server_error_event(self, flavour: Flavour) -> None:
        """A server `error` event: on_event, THEN on_error, on_exception, on_end; StreamError."""
        server = Server(flavour, SERVER_ERROR)
        handler = recorder(flavour)
        stream = flavour.client(server).runs.stream("t", assistant_id="a", handler=handler)
        events: list[Any] = []
        with pytest.raises(StreamError) as caught:
            events.extend(stream)
        names = decoded(SERVER_ERROR)
        assert "error" == names[-1]
        assert names[:-1] == [event.event for event in events]  # all before it were yielded
        tail = summary(handler.calls)[-4:]
        assert "on_event" == tail[0][0]
        assert "error" == tail[0][1]["event"]
        assert ("on_error", tail[0][1]["data"]["error"]) == tail[1]  # unwrapped
        assert "server_error" == tail[1][1]["type"]
        assert ("on_exception", ("StreamError", str(caught.value))) == tail[2]
        assert ("on_end",) == tail[3]
        assert 1 == names_of(handler.calls).count("on_error")
        assert "server_error" == caught.value.error.type
        assert caught.value.accumulator is handler.accumulator
        assert "".join(fragments(SERVER_ERROR)) == text_of(caught.value.accumulator)
        assert None is caught.value.accumulator.final_run
        assert 1 == len(server.requests)  # an error event is not a broken stream: no recovery

    def test_server_error_event_without_a_handler(self, flavour: Flavour) -> None:
        stream = flavour.client(Server(flavour, SERVER_ERROR)).runs.stream("t", assistant_id="a")
        with pytest.raises(StreamError) as caught:
            stream.until_done()
        assert caught.value.accumulator is unwrap(stream.accumulator)
        assert "".join(fragments(SERVER_ERROR)) == text_of(caught.value.accumulator)
        assert 55 == len(fragments(SERVER_ERROR))


# --- A stream that breaks -------------------------------------------------------------------


def reset(body: bytes) -> Callable[[Flavour], httpx.Response]:
    """A stream that sends ``body`` and then dies with a connection reset."""
    return lambda flavour: sse(flavour, body, error=httpx.ReadError("connection reset by peer"))


def halfway(body: bytes) -> bytes:
    """``body`` cut between two events, about halfway."""
    return body[: body.index(b"\n\n", len(body) // 2) + 2]


class TestRecovery:
    FINAL = streamkit.replay(TEXT_RUN)

    def run_id(self) -> str:
        run = self.FINAL.final_run
        assert run is not None
        return run.id

    @pytest.mark.parametrize("how", ["reset", "truncated"])
    def test_read_back_and_polled(self, flavour: Flavour, how: str) -> None:
        """Broken mid-run: run, steps and message read back, polled until settled; one result."""
        cut = halfway(TEXT_RUN)
        server = Server(flavour, reset(cut) if how == "reset" else cut, final=self.FINAL, pending=2)
        sleeps: list[float] = []
        handler = recorder(
            flavour,
            ["on_message_done", "on_run_step_done", "on_run_done", "on_exception", "on_end"],
        )
        stream = flavour.client(server, sleeps=sleeps).runs.stream(
            "t", assistant_id="a", handler=handler
        )
        texts = list(stream.text_deltas)
        assert self.FINAL.final_run == stream.final_run()
        assert list(self.FINAL.messages.values()) == stream.final_messages()
        assert list(self.FINAL.run_steps.values()) == stream.final_run_steps()
        # Once each, as if nothing broke.
        assert ["on_run_step_done", "on_message_done", "on_run_done", "on_end"] == names_of(
            handler.calls
        )
        assert [] == stream.accumulator.anomalies
        assert fragments(cut) == texts
        run_id = self.run_id()
        message_id = next(iter(self.FINAL.messages))
        polls = [
            f"GET /v1/threads/t/runs/{run_id}",
            f"GET /v1/threads/t/runs/{run_id}/steps",
            f"GET /v1/threads/t/messages/{message_id}",
        ]
        assert ["POST /v1/threads/t/runs", *polls * 3] == server.paths()
        assert [1.0, 1.0] == sleeps  # two polls found it in progress: two pauses, no real wait

    def test_polls_are_bounded(self, flavour: Flavour) -> None:
        """A run that never settles: LimitExceededError after max_polls reads, not a hang."""
        server = Server(flavour, reset(halfway(TEXT_RUN)), final=self.FINAL, pending=10**6)
        server.limit = 60
        sleeps: list[float] = []
        handler = recorder(flavour, ["on_exception", "on_end"])
        stream = flavour.client(server, sleeps=sleeps).runs.stream(
            "t", assistant_id="a", handler=handler, max_polls=3
        )
        with pytest.raises(LimitExceededError, match=r"\(max_polls=3\)") as caught:
            stream.until_done()
        assert ("max_polls", 3) == (caught.value.limit, caught.value.value)
        assert "after 3 reads" in str(caught.value)
        run_gets = [p for p in server.paths() if p == f"GET /v1/threads/t/runs/{self.run_id()}"]
        assert 3 == len(run_gets)
        assert [1.0, 1.0] == sleeps
        assert ["on_exception", "on_end"] == names_of(handler.calls)
        assert "in_progress" == caught.value.accumulator.runs[self.run_id()].status

    def test_poll_deadline_on_the_clients_clock(self, flavour: Flavour) -> None:
        """poll_deadline is measured on the client's clock (here: the fake sleeps, summed)."""
        server = Server(flavour, reset(halfway(TEXT_RUN)), final=self.FINAL, pending=10**6)
        server.limit = 60
        sleeps: list[float] = []
        client = flavour.client(server, sleeps=sleeps, clock=lambda: sum(sleeps))
        stream = client.runs.stream("t", assistant_id="a", poll_interval=2.0, poll_deadline=5.0)
        with pytest.raises(LimitExceededError, match=r"\(poll_deadline=5.0\)") as caught:
            stream.until_done()
        assert ("poll_deadline", 5.0) == (caught.value.limit, caught.value.value)
        assert [2.0, 2.0, 2.0] == sleeps  # reads at 0, 2, 4 and 6 s: past 5 s, it stops
        run_gets = [p for p in server.paths() if p == f"GET /v1/threads/t/runs/{self.run_id()}"]
        assert 4 == len(run_gets)

    @pytest.mark.parametrize("flavour", ["sync"], indirect=True)
    def test_poll_deadline_defaults_to_600_seconds(self, flavour: Flavour) -> None:
        server = Server(flavour, reset(halfway(TEXT_RUN)), final=self.FINAL, pending=10**6)
        sleeps: list[float] = []
        client = flavour.client(server, sleeps=sleeps, clock=lambda: sum(sleeps))
        stream = client.runs.stream("t", assistant_id="a", poll_interval=100.0)
        with pytest.raises(LimitExceededError, match=r"poll_deadline=600\.0"):
            stream.until_done()
        assert [100.0] * 6 == sleeps

    @pytest.mark.parametrize("flavour", ["sync"], indirect=True)
    def test_polls_default_to_600(self, flavour: Flavour) -> None:
        server = Server(flavour, reset(halfway(TEXT_RUN)), final=self.FINAL, pending=10**6)
        server.limit = 3000
        sleeps: list[float] = []
        client = flavour.client(server, sleeps=sleeps, clock=lambda: 0.0)
        stream = client.runs.stream("t", assistant_id="a")
        with pytest.raises(LimitExceededError, match="max_polls=600"):
            stream.until_done()
        assert 599 == len(sleeps)

    def test_a_reply_that_is_not_json(self, flavour: Flavour) -> None:
        """Recovery reading an HTML page (a proxy's) raises ResponseError, not JSONDecodeError."""

        def html(flavour: Flavour) -> httpx.Response:
            return httpx.Response(
                200,
                headers={"content-type": "text/html", "x-request-id": "req_html"},
                content=b"<html>private page</html>",
            )

        server = Server(flavour, reset(halfway(TEXT_RUN)), final=self.FINAL)
        server.gets = [html]
        stream = flavour.client(server).runs.stream("t", assistant_id="a")
        with pytest.raises(ResponseError, match="not JSON") as caught:
            stream.until_done()
        assert (200, "req_html") == (caught.value.status_code, caught.value.request_id)
        assert "private" not in str(caught.value)

    def test_a_step_page_that_repeats_ends_the_walk(self, flavour: Flavour) -> None:
        """Steps answered with the same page again (has_more, same cursor): the walk ends."""
        server = Server(flavour, reset(halfway(TEXT_RUN)), final=self.FINAL)
        server.limit = 60
        server.step_pages_repeat = True
        stream = flavour.client(server).runs.stream("t", assistant_id="a")
        assert self.FINAL.final_run == stream.final_run()
        steps_path = f"GET /v1/threads/t/runs/{self.run_id()}/steps"
        assert 2 == server.paths().count(steps_path)  # the first page, and its repeat

    def test_recovered_run_that_requires_action_goes_on_with_the_tools(
        self, flavour: Flavour
    ) -> None:
        """Broken before requires_action: read back, it requires action; the tools answer it."""
        cut = REQUIRES_ACTION[: REQUIRES_ACTION.index(b"event: thread.run.requires_action")]
        server = Server(flavour, reset(cut), CONTINUATION, final=streamkit.replay(REQUIRES_ACTION))
        handler = recorder(flavour, ["on_requires_action", "on_run_done", "on_end"])
        stream = flavour.client(server).runs.stream(
            "t",
            assistant_id="a",
            handler=handler,
            functions={"get_current_weather": lambda: "mild"},
        )
        assert "completed" == stream.final_run().status
        assert [
            "POST /v1/threads/t/runs",
            f"GET /v1/threads/t/runs/{FN_RUN.id}",
            f"GET /v1/threads/t/runs/{FN_RUN.id}/steps",
            f"POST {SUBMIT_PATH}",
        ] == server.paths()
        assert [{"tool_call_id": FN_CALL.id, "output": "mild"}] == server.submitted()
        assert ["on_requires_action", "on_run_done", "on_run_done", "on_end"] == names_of(
            handler.calls
        )
        assert [FN_RUN] == [args[0] for args in args_of(handler.calls, "on_requires_action")]
        assert ["requires_action", "completed"] == [
            args[0].status for args in args_of(handler.calls, "on_run_done")
        ]

    def test_no_recovery_after_the_runs_terminal_event(self, flavour: Flavour) -> None:
        """A stream ending after thread.run.completed, before `done`, has nothing to recover."""
        cut = TEXT_RUN[: TEXT_RUN.index(b"event: done")]
        server = Server(flavour, reset(cut), final=self.FINAL)
        handler = recorder(flavour, ["on_run_status", "on_run_done", "on_end"])
        stream = flavour.client(server).runs.stream("t", assistant_id="a", handler=handler)
        assert "completed" == stream.final_run().status
        assert ["POST /v1/threads/t/runs"] == server.paths()
        assert 1 == names_of(handler.calls).count("on_run_done")

    def test_recover_false(self, flavour: Flavour) -> None:
        """recover=False: TransportError "stream broke after N events"; nothing read back."""
        cut = halfway(TEXT_RUN)
        server = Server(flavour, reset(cut), final=self.FINAL)
        handler = recorder(flavour, ["on_exception", "on_end"])
        stream = flavour.client(server).runs.stream(
            "t", assistant_id="a", handler=handler, recover=False
        )
        with pytest.raises(TransportError) as caught:
            stream.until_done()
        n = len(decoded(cut))
        assert f"the stream broke after {n} events: ReadError" == str(caught.value)
        assert ["POST /v1/threads/t/runs"] == server.paths()
        assert [("on_exception", (caught.value,)), ("on_end", ())] == handler.calls
        assert caught.value.accumulator is handler.accumulator
        assert "".join(fragments(cut)) == text_of(handler.accumulator)
        assert n == handler.accumulator.position

    def test_recover_false_truncated(self, flavour: Flavour) -> None:
        """recover=False and a body that just ends: the stream ends; there is no final run."""
        cut = halfway(TEXT_RUN)
        server = Server(flavour, cut, final=self.FINAL)
        stream = flavour.client(server).runs.stream("t", assistant_id="a", recover=False)
        with pytest.raises(StreamkitError, match="ended without a final run"):
            stream.final_run()
        assert ["POST /v1/threads/t/runs"] == server.paths()

    def test_broken_before_any_run(self, flavour: Flavour) -> None:
        """A reset before the run was seen cannot be recovered (nothing to read back)."""
        server = Server(flavour, reset(b": nothing yet\n\n"), final=self.FINAL)
        stream = flavour.client(server).runs.stream("t", assistant_id="a")
        with pytest.raises(TransportError, match="the stream broke after 0 events: ReadError"):
            stream.until_done()
        assert ["POST /v1/threads/t/runs"] == server.paths()


# --- close() -----------------------------------------------------------------------------------


class TestClose:
    def test_close_mid_stream(self, flavour: Flavour) -> None:
        """After close() no event comes and no callback runs, on_end included; no more requests."""
        server = Server(flavour, TEXT_RUN)
        handler = recorder(flavour)
        stream = flavour.client(server).runs.stream("t", assistant_id="a", handler=handler)
        iterator = iter(stream)
        for _ in range(12):
            next(iterator)
        seen = list(handler.calls)
        assert 12 == names_of(seen).count("on_event")
        stream.close()
        assert [] == list(iterator)
        assert [] == list(stream)
        stream.until_done()
        assert seen == handler.calls
        assert "on_end" not in names_of(handler.calls)
        assert 12 == handler.accumulator.position
        assert 1 == len(server.requests)

    def test_context_manager_closes(self, flavour: Flavour) -> None:
        server = Server(flavour, TEXT_RUN)
        handler = recorder(flavour, ["on_event", "on_end"])
        with flavour.client(server).runs.stream("t", assistant_id="a", handler=handler) as stream:
            iterator = iter(stream)
            next(iterator)
        assert [] == list(stream)
        assert ["on_event"] == names_of(handler.calls)

    def test_close_from_a_callback(self, flavour: Flavour) -> None:
        """A callback may close the stream: it stops there, quietly, with what came before."""
        server = Server(flavour, TEXT_RUN)
        holder: list[Any] = []

        def stop(delta: Any, snapshot: Any) -> Any:
            if len(args_of(handler.calls, "on_text_delta")) == 3:
                return unwrap(holder[0]).close()  # None, or the async close to await
            return None

        handler = recorder(
            flavour, ["on_event", "on_text_delta", "on_exception"], returns={"on_text_delta": stop}
        )
        stream = flavour.client(server).runs.stream("t", assistant_id="a", handler=handler)
        holder.append(stream)
        stream.until_done()
        names = names_of(handler.calls)
        assert 3 == names.count("on_text_delta")
        assert "on_text_delta" == [n for n in names if n != "on_end"][-1]  # nothing after close
        assert "".join(fragments(TEXT_RUN)[:3]) == text_of(handler.accumulator)


# --- The same calls, whatever consumes the stream ------------------------------------------


def run_consume(body: bytes) -> list[Call]:
    handler = recorder("sync")
    with contextlib.suppress(StreamError):
        streamkit.consume(body, handler)
    calls: list[Call] = handler.calls
    return calls


def run_aconsume(body: bytes) -> list[Call]:
    handler = recorder("async")

    async def main() -> None:
        with contextlib.suppress(StreamError):
            await streamkit.aconsume(body, handler)

    anyio.run(main)
    calls: list[Call] = handler.calls
    return calls


def run_stream(flavour: Flavour, body: bytes) -> list[Call]:
    handler = recorder(flavour)
    stream = flavour.client(Server(flavour, well_formed(body))).runs.stream(
        "t", assistant_id="a", handler=handler
    )
    with contextlib.suppress(StreamError):
        stream.until_done()
    calls: list[Call] = handler.calls
    return calls


class TestSameCallbacksEverywhere:
    @pytest.mark.parametrize("name", NAMES)
    def test_every_recording(self, name: str) -> None:
        """consume, aconsume, RunStream and AsyncRunStream: the same calls with the same values."""
        body = read_bytes(name)
        expected = summary(run_consume(body))
        assert "on_end" == expected[-1][0]
        assert len(expected) > 10
        assert expected == summary(run_aconsume(body))
        sync = SyncFlavour()
        try:
            assert expected == summary(run_stream(sync, body))
        finally:
            sync.close()
        with anyio.from_thread.start_blocking_portal("asyncio") as portal:
            flavour = AsyncFlavour(portal)
            try:
                assert expected == summary(run_stream(flavour, body))
            finally:
                flavour.close()
        if name == "text-then-server-error":
            assert [name for name, *_ in expected[-4:]] == [
                "on_event",
                "on_error",
                "on_exception",
                "on_end",
            ]
