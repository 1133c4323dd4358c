"""The official openai SDK (an independent client) against the mock's Responses endpoints.

openai-python drives the mock over real HTTP through ``responses.create(stream=True)``, the
``responses.stream`` helper, ``responses.retrieve(stream=True, starting_after=N)``, a plain
create, cancel, delete and ``input_items.list``; it must accept everything the mock sends. A
transport tees the bytes the SDK read, so each test also checks that the SDK's typed events are
exactly the wire payloads, and that a strict ``streamkit.ResponseAccumulator`` fed the same bytes
ends with the response the mock stores.
"""

from __future__ import annotations

import pytest

pytest.importorskip("starlette")
pytest.importorskip("uvicorn")
pytest.importorskip("openai")

import asyncio
import json
import typing
from collections.abc import Callable, Iterator
from typing import Any

import httpx2
import openai

import streamkit
from streamkit import recordings, testing
from streamkit.mockserver import Fault, MockServer, ResponseScene

API_KEY = "sk-interop"
TOOLS: list[Any] = [
    {
        "type": "function",
        "name": "get_weather",
        "description": "The weather in a city.",
        "parameters": {"type": "object", "properties": {"city": {"type": "string"}}},
        "strict": False,
    }
]


class _Tee(httpx2.SyncByteStream):
    """A response body that keeps a copy of every chunk the client reads."""

    def __init__(self, inner: Any, sink: list[bytes]) -> None:
        self._inner = inner
        self._sink = sink

    def __iter__(self) -> Iterator[bytes]:
        for chunk in self._inner:
            self._sink.append(chunk)
            yield chunk

    def close(self) -> None:
        self._inner.close()


class Wire(httpx2.HTTPTransport):
    """The SDK's transport, keeping the bytes of every response body it reads."""

    def __init__(self) -> None:
        super().__init__()
        self.bodies: list[list[bytes]] = []

    def handle_request(self, request: Any) -> Any:
        response = super().handle_request(request)
        sink: list[bytes] = []
        self.bodies.append(sink)
        return httpx2.Response(
            response.status_code,
            headers=response.headers,
            stream=_Tee(response.stream, sink),
            extensions=response.extensions,
            request=request,
        )

    def last(self) -> bytes:
        """The bytes the SDK read of the last response."""
        return b"".join(self.bodies[-1])


@pytest.fixture
def sdk() -> Iterator[tuple[MockServer, Any, Wire]]:
    """An empty server (tests add their scenes), an SDK client on it, and its wire."""
    wire = Wire()
    with (
        MockServer(api_key=API_KEY) as server,
        openai.OpenAI(
            base_url=server.base_url,
            api_key=API_KEY,
            max_retries=0,
            http_client=httpx2.Client(transport=wire),
        ) as client,
    ):
        yield server, client, wire


def payloads(body: bytes) -> list[dict[str, Any]]:
    events = streamkit.SSEDecoder().feed(body)
    return [json.loads(event.data) for event in events if event.data != "[DONE]"]


def accumulate(*bodies: bytes, strict: bool = True) -> streamkit.ResponseAccumulator:
    accumulator = streamkit.ResponseAccumulator(strict=strict)
    for body in bodies:
        for event in streamkit.SSEDecoder().feed(body):
            accumulator.feed(event)
    return accumulator


def typed_exactly(event: Any) -> bool:
    """Whether the SDK parsed ``event`` into the class of its own type (not a fallback)."""
    annotation = type(event).model_fields["type"].annotation
    return typing.get_args(annotation) == (event.type,)


def check_stream(
    server: MockServer, events: list[Any], body: bytes, *, anomalies: tuple[str, ...] = ()
) -> dict[str, Any]:
    """The SDK's events are the wire's, typed; streamkit builds the stored response from it."""
    assert [event.to_dict() for event in events] == payloads(body)
    assert all(typed_exactly(event) for event in events)
    accumulator = accumulate(body)
    final = accumulator.final_response
    assert final is not None
    assert [anomaly.kind for anomaly in accumulator.anomalies] == list(anomalies)
    stored = server.response(final.id)
    assert streamkit.to_dict(final) == stored
    return stored


# --- responses.create(stream=True) -----------------------------------------------------------


def _recorded(name: str) -> Callable[[], ResponseScene]:
    return lambda: ResponseScene(name)


SCENES: dict[str, Callable[[], ResponseScene]] = {
    **{name: _recorded(name) for name in recordings.RESPONSES_NAMES[:4]},
    "built-text": lambda: ResponseScene.text("Bonjour! Comment ça va? 👋"),
    "built-example": lambda: ResponseScene(response=testing.example_response(), interleave=True),
    "built-calls": lambda: ResponseScene.function_calls([("a", {"x": 1}), ("b", "{}")])[0],
}


@pytest.mark.parametrize("scene", SCENES)
@pytest.mark.parametrize("background", [False, True])
def test_create_stream_every_event_is_accepted(
    sdk: tuple[MockServer, Any, Wire], scene: str, background: bool
) -> None:
    """create(stream=True): every event typed as its own class, equal to its payload; the
    completed response is the one retrieve returns, and the one streamkit builds."""
    server, client, wire = sdk
    server.add_scene(SCENES[scene]())
    events = list(
        client.responses.create(
            model="gpt-4o", input="Hi", stream=True, background=background, tools=TOOLS
        )
    )
    body = wire.last()
    # The real logprobs recording's content_part.done lacks the logprobs its deltas carried.
    anomalies = ("done_mismatch",) if scene == "responses-text-logprobs" else ()
    stored = check_stream(server, events, body, anomalies=anomalies)
    assert events[-1].type == "response.completed"
    assert events[-1].response.to_dict() == stored
    assert client.responses.retrieve(stored["id"]).to_dict() == stored
    if background and scene.startswith("built"):
        assert [e.type for e in events[:3]] == [
            "response.created",
            "response.queued",
            "response.in_progress",
        ]
        assert events[0].response.status == "queued"


def test_the_error_event_is_raised_by_the_sdk(sdk: tuple[MockServer, Any, Wire]) -> None:
    """The recorded error event (nested shape): the SDK raises APIError with its message and
    stops reading; streamkit reads the whole stream to the failed response the mock stores."""
    server, client, _ = sdk
    server.add_scene(ResponseScene("responses-error-then-failed"))
    events = client.responses.create(model="gpt-4o", input="Hi", stream=True)
    seen: list[Any] = []
    with pytest.raises(openai.APIError, match="You exceeded your current quota") as raised:
        seen.extend(events)
    assert [e.type for e in seen] == ["response.created", "response.in_progress"]
    assert raised.value.body["code"] == "insufficient_quota"
    accumulator = accumulate(recordings.read_bytes("responses-error-then-failed"), strict=False)
    assert [error.event for error in accumulator.errors] == ["error"]
    final = accumulator.final_response
    assert final is not None
    assert final.status == "failed"
    assert streamkit.to_dict(final) == server.response(final.id)


# --- responses.stream(...) -------------------------------------------------------------------


def test_stream_helper_final_response(sdk: tuple[MockServer, Any, Wire]) -> None:
    """responses.stream: text deltas with snapshots; get_final_response is the stored one."""
    server, client, wire = sdk
    server.add_scene(ResponseScene.text("The helper reads this answer.", max_fragment=3))
    with client.responses.stream(model="gpt-4o", input="Hi") as stream:
        snapshots = [e.snapshot for e in stream if e.type == "response.output_text.delta"]
        final = stream.get_final_response()
    assert snapshots[-1] == "The helper reads this answer."
    assert len(snapshots) >= 10  # fragments of at most 3 characters
    assert final.output_text == "The helper reads this answer."
    stored = server.response(final.id)
    assert final.id == stored["id"]
    assert final.output[0].content[0].text == stored["output"][0]["content"][0]["text"]
    assert streamkit.to_dict(accumulate(wire.last()).final_response) == stored


def test_the_function_tool_loop_with_the_sdk(sdk: tuple[MockServer, Any, Wire]) -> None:
    """The helper gets parallel calls; their outputs, sent with previous_response_id, come
    back in the streamed answer; input_items lists the outputs sent."""
    server, client, wire = sdk
    for scene in ResponseScene.function_calls(
        [("get_weather", {"city": "Paris"}), ("get_weather", {"city": "Oslo"}, "call_oslo")],
        answer="Weather: {outputs}",
    ):
        server.add_scene(scene)
    with client.responses.stream(model="gpt-4o", input="Weather?", tools=TOOLS) as stream:
        arguments = [
            e.snapshot for e in stream if e.type == "response.function_call_arguments.delta"
        ]
        calls = stream.get_final_response().output
        first_id = stream.get_final_response().id
    assert arguments[-1] == '{"city": "Oslo"}'
    assert [(c.type, c.name, json.loads(c.arguments)) for c in calls] == [
        ("function_call", "get_weather", {"city": "Paris"}),
        ("function_call", "get_weather", {"city": "Oslo"}),
    ]
    assert calls[1].call_id == "call_oslo"
    outputs = [
        {"type": "function_call_output", "call_id": c.call_id, "output": f"sunny in {city}"}
        for c, city in zip(calls, ("Paris", "Oslo"), strict=True)
    ]
    with client.responses.stream(
        model="gpt-4o", previous_response_id=first_id, input=outputs, tools=TOOLS
    ) as stream:
        answer = stream.get_final_response()
    assert answer.output_text == "Weather: sunny in Paris\nsunny in Oslo"
    assert answer.previous_response_id == first_id
    assert streamkit.to_dict(accumulate(wire.last()).final_response) == server.response(answer.id)
    items = list(client.responses.input_items.list(answer.id, order="asc"))
    assert [(i.type, i.call_id, i.output) for i in items] == [
        ("function_call_output", calls[0].call_id, "sunny in Paris"),
        ("function_call_output", "call_oslo", "sunny in Oslo"),
    ]
    with pytest.raises(openai.BadRequestError) as missing:
        client.responses.create(model="gpt-4o", previous_response_id=first_id, input=outputs[:1])
    assert missing.value.body["message"] == "No tool output found for function call call_oslo."


# --- Background mode: retrieve(stream=True, starting_after=N) -------------------------------------


def test_retrieve_stream_resumes_after_a_clean_drop(sdk: tuple[MockServer, Any, Wire]) -> None:
    """The create's stream ends cleanly without its terminal; the SDK resumes with
    starting_after and gets the rest; both parts build the stored response."""
    server, client, wire = sdk
    server.add_scene(ResponseScene.text("Dropped, then resumed by the SDK.", drop_after_events=6))
    head = list(client.responses.create(model="gpt-4o", input="Hi", stream=True, background=True))
    first = wire.last()
    assert [e.sequence_number for e in head] == [0, 1, 2, 3, 4, 5]
    response_id = head[0].response.id
    tail = list(
        client.responses.retrieve(response_id, stream=True, starting_after=head[-1].sequence_number)
    )
    second = wire.last()
    assert tail[0].sequence_number == 6
    assert tail[-1].type == "response.completed"
    assert [e.to_dict() for e in tail] == payloads(second)
    accumulator = accumulate(first, second)
    assert accumulator.anomalies == []
    assert accumulator.final_response is not None
    stored = client.responses.retrieve(response_id).to_dict()
    assert streamkit.to_dict(accumulator.final_response) == stored == tail[-1].response.to_dict()
    request = server.requests[-2]
    assert request.query == {"starting_after": ["5"], "stream": ["true"]}


def test_retrieve_stream_after_an_abrupt_drop(sdk: tuple[MockServer, Any, Wire]) -> None:
    """An abrupt cut: the SDK raises APIConnectionError; the response ran on, resumable."""
    server, client, _ = sdk
    server.add_scene(ResponseScene.text("Cut.", drop_after_events=4, abrupt=True))
    seen: list[Any] = []
    stream = client.responses.create(model="gpt-4o", input="Hi", stream=True, background=True)
    with pytest.raises(openai.APIConnectionError):
        seen.extend(stream)
    assert [e.sequence_number for e in seen] == [0, 1, 2, 3]
    rest = list(client.responses.retrieve(seen[0].response.id, stream=True, starting_after=3))
    assert rest[0].sequence_number == 4
    assert rest[-1].response.output_text == "Cut."


def test_retrieve_stream_continues_live(sdk: tuple[MockServer, Any, Wire]) -> None:
    """A running response: the replay sends what is produced, then the rest as it comes."""
    server, client, wire = sdk
    server.add_scene(ResponseScene.text("Live.", hold_after_events=4))
    created = client.responses.create(model="gpt-4o", input="Hi", background=True)
    assert created.status == "queued"
    assert client.responses.retrieve(created.id).status == "in_progress"
    numbers = []
    for event in client.responses.retrieve(created.id, stream=True, starting_after=1):
        numbers.append(event.sequence_number)
        if event.sequence_number == 3:  # the last one produced: the server holds the rest
            server.release(created.id)
    assert numbers == list(range(2, numbers[-1] + 1))
    assert payloads(wire.last())[-1]["type"] == "response.completed"
    assert client.responses.retrieve(created.id).output_text == "Live."


def test_stream_helper_with_response_id(sdk: tuple[MockServer, Any, Wire]) -> None:
    """responses.stream(response_id=..., starting_after=N): the helper asks for the whole
    stream and drops what it had; the mock replays from 0 and the final response is right."""
    server, client, _ = sdk
    server.add_scene(ResponseScene.text("Helper resume.", drop_after_events=5))
    head = list(client.responses.create(model="gpt-4o", input="Hi", stream=True, background=True))
    response_id = head[0].response.id
    with client.responses.stream(response_id=response_id, starting_after=4) as stream:
        numbers = [event.sequence_number for event in stream]
        final = stream.get_final_response()
    assert numbers[0] == 5
    assert final.output_text == "Helper resume."
    assert final.to_dict()["id"] == response_id
    # openai-python re-downloads from 0: no starting_after reaches the server.
    assert "starting_after" not in server.requests[-1].query


def test_a_resume_cut_by_a_fault_then_resumed_again(sdk: tuple[MockServer, Any, Wire]) -> None:
    """A stream fault on the GET: the SDK's resume ends early; a second resume finishes."""
    server, client, wire = sdk
    server.add_scene(ResponseScene.text("Twice resumed.", drop_after_events=3))
    server.add_fault(Fault("GET", "/responses/*", drop_after_events=2))
    parts = [list(client.responses.create(model="m", input="x", stream=True, background=True))]
    bodies = [wire.last()]
    response_id = parts[0][0].response.id
    while parts[-1][-1].type != "response.completed":
        last = parts[-1][-1].sequence_number
        parts.append(list(client.responses.retrieve(response_id, stream=True, starting_after=last)))
        bodies.append(wire.last())
    assert [len(part) for part in parts[:2]] == [3, 2]
    numbers = [event.sequence_number for part in parts for event in part]
    assert numbers == list(range(len(numbers)))
    final = accumulate(*bodies).final_response
    assert final is not None
    assert streamkit.to_dict(final) == server.response(response_id)


# --- The JSON endpoints ------------------------------------------------------------------------


def test_create_without_stream(sdk: tuple[MockServer, Any, Wire]) -> None:
    """A plain create: the final Response; in background mode: queued, then completed."""
    server, client, _ = sdk
    server.add_scene(ResponseScene(response=testing.example_response()))
    server.add_scene(ResponseScene.text("In the background."))
    built = client.responses.create(model="gpt-4o", input="Umbrella?", instructions="Be brief.")
    assert built.to_dict() == server.response(built.id)
    assert (built.status, built.instructions, len(built.output)) == ("completed", "Be brief.", 5)
    assert built.output_text.startswith("Yes, pack an umbrella.")
    queued = client.responses.create(model="gpt-4o", input="Hi", background=True)
    assert queued.status == "queued"
    done = client.responses.retrieve(queued.id)
    assert done.status == "completed"
    assert done.to_dict() == server.response(queued.id)


def test_cancel_delete_and_input_items(sdk: tuple[MockServer, Any, Wire]) -> None:
    server, client, _ = sdk
    server.add_scene(ResponseScene.text("Cancelled before the end.", hold_after_events=4))
    inputs: list[Any] = [{"role": "user", "content": f"message {n}"} for n in range(5)]
    created = client.responses.create(model="gpt-4o", input=inputs, background=True)
    cancelled = client.responses.cancel(created.id)
    assert cancelled.status == "cancelled"
    assert client.responses.retrieve(created.id).status == "cancelled"
    page = client.responses.input_items.list(created.id, limit=2)
    assert [item.content[0].text for item in page.data] == ["message 4", "message 3"]
    assert page.has_more is True
    everything = list(client.responses.input_items.list(created.id, limit=2))  # pages on
    assert [item.content[0].text for item in everything] == [
        f"message {n}" for n in (4, 3, 2, 1, 0)
    ]
    assert client.responses.delete(created.id) is None
    with pytest.raises(openai.NotFoundError) as gone:
        client.responses.retrieve(created.id)
    assert gone.value.body["message"] == f"Response with id '{created.id}' not found."
    with pytest.raises(openai.NotFoundError):
        client.responses.cancel(created.id)


def test_the_sdk_retries_and_rate_limits(sdk: tuple[MockServer, Any, Wire]) -> None:
    """A 500 then 429 (retry-after-ms: 1) are retried by the SDK; with no retries, a 429
    is a RateLimitError carrying Retry-After."""
    server, client, _ = sdk
    server.add_scene(ResponseScene.text("After retries.", status=500, retry_after=0.001))
    server.add_fault(Fault("POST", "/responses", 429, retry_after=0.001))
    retrying = client.with_options(max_retries=2)
    answer = retrying.responses.create(model="gpt-4o", input="Hi")
    assert answer.output_text == "After retries."
    assert [r.path for r in server.requests] == ["/v1/responses"] * 3
    server.add_fault(Fault("POST", "/responses", 429, retry_after=2))
    with pytest.raises(openai.RateLimitError) as limited:
        client.responses.create(model="gpt-4o", input="Hi")
    assert limited.value.response.headers["retry-after"] == "2"
    assert limited.value.code == "rate_limit_exceeded"


# --- The async client ----------------------------------------------------------------------------


def test_the_async_sdk_streams_and_resumes() -> None:
    """AsyncOpenAI: a streamed create cut short, resumed with starting_after."""

    async def run(base_url: str) -> tuple[list[int], str]:
        async with openai.AsyncOpenAI(base_url=base_url, api_key=API_KEY, max_retries=0) as client:
            stream = await client.responses.create(
                model="gpt-4o", input="Hi", stream=True, background=True
            )
            head = [event async for event in stream]
            rest = await client.responses.retrieve(
                head[0].response.id, stream=True, starting_after=head[-1].sequence_number
            )
            tail = [event async for event in rest]
            return [e.sequence_number for e in head + tail], tail[-1].response.output_text

    scene = ResponseScene.text("Async and resumed.", drop_after_events=4)
    with MockServer(script=[scene], api_key=API_KEY) as server:
        assert server.base_url is not None
        numbers, text = asyncio.run(run(server.base_url))
    assert numbers == list(range(len(numbers)))
    assert text == "Async and resumed."
