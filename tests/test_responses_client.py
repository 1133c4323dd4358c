"""``client.responses`` over both clients: endpoints, streams, resume after a cut, the tool loop.

The server is an ``httpx.MockTransport`` answering from the real recordings
in tests/data/responses (the mock server's tests run the same client over
real HTTP). Every test runs with the sync and the async client (``flavour``).
"""

from __future__ import annotations

import asyncio
import json
import random
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

import streamkit
from streamkit import SSEDecoder, testing, to_dict
from tests.flavours import Flavour
from tests.flavours import flavour_fixture as flavour_fixture

DATA = Path(__file__).parent / "data" / "responses"
TEXT = (DATA / "openai_text_logprobs.sse").read_bytes()
CALL = (DATA / "openai_fn_call_gpt4o_2025-03_noseq.sse").read_bytes()
INITIAL = (DATA / "openai_background_stream_initial.sse").read_bytes()
RESUMED = (DATA / "openai_background_resume_starting_after.sse").read_bytes()


def blocks(body: bytes) -> list[bytes]:
    """The events of a recording, each as its bytes (``event:``/``data:`` lines and blank line)."""
    return [block + b"\n\n" for block in body.strip().split(b"\n\n")]


def payloads(body: bytes) -> list[dict[str, Any]]:
    decoder = SSEDecoder()
    return [json.loads(e.data) for e in decoder.feed(body) + decoder.close() if e.data != "[DONE]"]


def terminal(body: bytes) -> dict[str, Any]:
    found: dict[str, Any] = payloads(body)[-1]["response"]
    return found


def sse(flavour: Flavour, body: bytes, error: Exception | None = None) -> httpx.Response:
    parts = [body[start : start + 61] for start in range(0, len(body), 61)]
    return httpx.Response(
        200, headers={"content-type": "text/event-stream"}, content=flavour.body(parts, error)
    )


Answer = Callable[[Flavour, httpx.Request], httpx.Response]


class Server:
    """Answers each request with the next answer; keeps (method, path, query, JSON body)."""

    def __init__(self, flavour: Flavour, *answers: Answer) -> None:
        self.flavour = flavour
        self.answers = list(answers)
        self.requests: list[tuple[str, str, dict[str, str], Any]] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content) if request.content else None
        query = dict(request.url.params)
        self.requests.append((request.method, request.url.path, query, body))
        assert self.answers, f"unexpected {request.method} {request.url}"
        return self.answers.pop(0)(self.flavour, request)


def stream_of(body: bytes, error: Exception | None = None) -> Answer:
    return lambda flavour, _request: sse(flavour, body, error)


def json_of(payload: Any, status: int = 200) -> Answer:
    return lambda _flavour, _request: httpx.Response(status, json=payload)


# --- Plain streams and endpoints ------------------------------------------------------------


def test_stream_to_completion(flavour: Flavour) -> None:
    server = Server(flavour, stream_of(TEXT))
    client = flavour.client(server)
    with client.responses.stream(model="gpt-5", input="Capital of Minas Gerais?") as stream:
        texts = list(stream.text_deltas)
    final = stream.final_response()
    assert to_dict(final) == terminal(TEXT)
    assert "".join(texts) == "The capital of Minas Gerais is Belo Horizonte."
    [(method, path, query, body)] = server.requests
    assert (method, path, query) == ("POST", "/v1/responses", {})
    # Only what was given is sent, and stream is set.
    assert body == {"model": "gpt-5", "input": "Capital of Minas Gerais?", "stream": True}


def test_stream_yields_typed_events_and_drives_a_handler(flavour: Flavour) -> None:
    seen: list[str] = []

    if flavour.name == "sync":

        class Handler(streamkit.ResponseEventHandler):
            def on_output_text_delta(self, delta: str, snapshot: Any) -> None:
                seen.append(delta)

    else:

        class Handler(streamkit.AsyncResponseEventHandler):  # type: ignore[no-redef]
            async def on_output_text_delta(self, delta: str, snapshot: Any) -> None:
                seen.append(delta)

    client = flavour.client(Server(flavour, stream_of(TEXT)))
    with client.responses.stream(model="m", input="x", handler=Handler()) as stream:
        names = [event.event for event in stream]
    assert names == [p["type"] for p in payloads(TEXT)]
    assert "".join(seen) == "The capital of Minas Gerais is Belo Horizonte."


def test_json_endpoints(flavour: Flavour) -> None:
    final = terminal(TEXT)
    page = {
        "object": "list",
        "data": [{"id": "msg_in", "type": "message", "role": "user", "content": []}],
        "first_id": "msg_in",
        "last_id": "msg_in",
        "has_more": False,
    }
    server = Server(
        flavour,
        json_of(final),
        json_of(final),
        json_of(dict(final, status="cancelled")),
        json_of({"id": final["id"], "object": "response.deleted", "deleted": True}),
        json_of(page),
    )
    client = flavour.client(server)
    created = client.responses.create(model="gpt-5", input="hi", store=True)
    assert to_dict(created) == final
    retrieved = client.responses.retrieve(final["id"], include=["message.output_text.logprobs"])
    assert retrieved.id == final["id"]
    assert client.responses.cancel(final["id"]).status == "cancelled"
    assert client.responses.delete(final["id"]) is None
    items = list(client.responses.input_items.list(final["id"], limit=10, order="asc"))
    assert [item.id for item in items] == ["msg_in"]
    rid = final["id"]
    assert [(m, p, q) for m, p, q, _b in server.requests] == [
        ("POST", "/v1/responses", {}),
        ("GET", f"/v1/responses/{rid}", {"include[]": "message.output_text.logprobs"}),
        ("POST", f"/v1/responses/{rid}/cancel", {}),
        ("DELETE", f"/v1/responses/{rid}", {}),
        ("GET", f"/v1/responses/{rid}/input_items", {"limit": "10", "order": "asc"}),
    ]
    assert server.requests[0][3] == {"model": "gpt-5", "input": "hi", "store": True}


def test_tools_must_be_the_apis_list(flavour: Flavour) -> None:
    client = flavour.client(Server(flavour))
    with pytest.raises(TypeError, match="functions="):
        client.responses.stream(model="m", input="x", tools={"f": print})
    with pytest.raises(ValueError, match=r"responses\.stream"):
        client.responses.create(model="m", input="x", stream=True)  # type: ignore[call-arg]


# --- Resume -----------------------------------------------------------------------------------


@pytest.mark.parametrize("cut", [1, 5, 12])
def test_a_background_stream_cut_is_resumed_after_the_last_sequence_number(
    flavour: Flavour, cut: int
) -> None:
    """The body ends after ``cut`` events: GET ...?stream=true&starting_after=<last seq>."""
    first = b"".join(blocks(INITIAL)[:cut])

    # The server replays what follows the cursor it is given.
    def resumed(flavour: Flavour, request: httpx.Request) -> httpx.Response:
        after = int(request.url.params["starting_after"])
        kept = [
            b
            for b, p in zip(blocks(RESUMED), payloads(RESUMED), strict=True)
            if p["sequence_number"] > after
        ]
        return sse(flavour, b"".join(kept))

    server = Server(flavour, stream_of(first), resumed)
    client = flavour.client(server)
    stream = client.responses.stream(model="m", input="x", background=True, store=True)
    final = stream.final_response()
    assert to_dict(final) == terminal(INITIAL)
    assert stream.accumulator.anomalies == []
    rid = final.id
    method, path, query, _body = server.requests[1]
    assert (method, path) == ("GET", f"/v1/responses/{rid}")
    assert query == {"stream": "true", "starting_after": str(cut - 1)}


def test_a_resume_replaying_from_zero_doubles_nothing(flavour: Flavour) -> None:
    """A server that replays more than asked: sequence numbers already applied are skipped."""
    first = b"".join(blocks(INITIAL)[:9])
    server = Server(flavour, stream_of(first), stream_of(INITIAL))
    client = flavour.client(server)
    stream = client.responses.stream(model="m", input="x", background=True)
    assert to_dict(stream.final_response()) == terminal(INITIAL)


def test_a_broken_background_stream_is_resumed(flavour: Flavour) -> None:
    """The connection drops mid-body (a read error), not only a clean early end."""
    first = b"".join(blocks(INITIAL)[:7])
    error = httpx.ReadError("connection reset")
    server = Server(flavour, stream_of(first, error), stream_of(RESUMED))
    stream = flavour.client(server).responses.stream(model="m", input="x", background=True)
    assert to_dict(stream.final_response()) == terminal(INITIAL)
    assert server.requests[1][2]["starting_after"] == "6"


def test_fruitless_resumes_are_bounded(flavour: Flavour) -> None:
    first = b"".join(blocks(INITIAL)[:4])
    running = dict(terminal(INITIAL), status="in_progress")
    # Each fruitless resume is followed by a read back: still running.
    empty: list[Answer] = [a for _ in range(3) for a in (stream_of(b""), json_of(running))]
    sleeps: list[float] = []
    server = Server(flavour, stream_of(first), *empty)
    client = flavour.client(server, sleeps=sleeps)
    stream = client.responses.stream(model="m", input="x", background=True, max_resumes=3)
    with pytest.raises(streamkit.LimitExceededError, match="max_resumes=3") as caught:
        stream.until_done()
    assert caught.value.limit == "max_resumes"
    assert sleeps == [0.5, 1.0]  # backoff between the fruitless ones
    assert len(server.requests) == 7


def test_a_cut_stream_that_is_not_background_is_read_back(flavour: Flavour) -> None:
    first = b"".join(blocks(TEXT)[:6])
    final = terminal(TEXT)
    pending = dict(final, status="in_progress", output=[])
    sleeps: list[float] = []
    server = Server(flavour, stream_of(first), json_of(pending), json_of(final))
    client = flavour.client(server, sleeps=sleeps)
    stream = client.responses.stream(model="m", input="x", poll_interval=0.25)
    assert to_dict(stream.final_response()) == final
    assert sleeps == [0.25]
    assert [(m, p) for m, p, _q, _b in server.requests][1:] == [
        ("GET", f"/v1/responses/{final['id']}"),
        ("GET", f"/v1/responses/{final['id']}"),
    ]


def test_without_resume_a_cut_stream_is_an_error(flavour: Flavour) -> None:
    first = b"".join(blocks(TEXT)[:6])
    client = flavour.client(Server(flavour, stream_of(first)))
    stream = client.responses.stream(model="m", input="x", resume=False)
    with pytest.raises(streamkit.StreamkitError, match="without the response's terminal event"):
        stream.until_done()


def test_resume_continues_an_accumulator(flavour: Flavour) -> None:
    """``responses.resume(id, starting_after=N, accumulator=...)`` continues that snapshot."""
    cut = 9
    racc = streamkit.ResponseAccumulator()
    decoder = SSEDecoder()
    for event in decoder.feed(b"".join(blocks(INITIAL)[:cut])):
        racc.feed(event)
    seq = racc.last_sequence_number
    kept = [
        b
        for b, p in zip(blocks(RESUMED), payloads(RESUMED), strict=True)
        if p["sequence_number"] > seq
    ]
    server = Server(flavour, stream_of(b"".join(kept)))
    response_id = terminal(INITIAL)["id"]
    client = flavour.client(server)
    stream = client.responses.resume(response_id, starting_after=seq, accumulator=racc)
    assert to_dict(stream.final_response()) == terminal(INITIAL)
    assert server.requests[0][2] == {"stream": "true", "starting_after": str(seq)}


# --- The function-tool loop ---------------------------------------------------------------------


def test_the_tool_loop_continues_with_previous_response_id(flavour: Flavour) -> None:
    calls: list[dict[str, Any]] = []

    def get_capital(country: str) -> dict[str, str]:
        calls.append({"country": country})
        return {"capital": "Paris"}

    server = Server(flavour, stream_of(CALL), stream_of(TEXT))
    client = flavour.client(server)
    stream = client.responses.stream(
        model="gpt-4o",
        input="Capital of France?",
        tools=[{"type": "function", "name": "get_capital", "parameters": {}}],
        functions={"get_capital": get_capital},
    )
    final = stream.final_response()
    assert to_dict(final) == terminal(TEXT)
    assert calls == [{"country": "France"}]
    first_id = terminal(CALL)["id"]
    _m, _p, _q, body = server.requests[1]
    assert body == {
        "model": "gpt-4o",
        "tools": [{"type": "function", "name": "get_capital", "parameters": {}}],
        "previous_response_id": first_id,
        "input": [
            {
                "type": "function_call_output",
                "call_id": "call_kL0PCQV7M2WMoVX8V8OtYSAL",
                "output": '{"capital": "Paris"}',
            }
        ],
        "stream": True,
    }
    # One stream object spans both responses, in one accumulator.
    assert list(stream.accumulator.responses) == [first_id, final.id]


def test_without_functions_the_stream_ends_at_the_call(flavour: Flavour) -> None:
    server = Server(flavour, stream_of(CALL))
    stream = flavour.client(server).responses.stream(model="m", input="x")
    final = stream.final_response()
    assert [item.type for item in final.output] == ["function_call"]
    assert len(server.requests) == 1


def test_an_unknown_function_raises_and_sends_nothing(flavour: Flavour) -> None:
    server = Server(flavour, stream_of(CALL))
    stream = flavour.client(server).responses.stream(
        model="m", input="x", functions={"other": lambda: 1}
    )
    with pytest.raises(streamkit.ToolError, match="get_capital") as caught:
        stream.until_done()
    assert caught.value.function_name == "get_capital"
    assert len(server.requests) == 1


def test_a_raising_function_sends_its_error_text(flavour: Flavour) -> None:
    def get_capital(country: str) -> str:
        raise KeyError(country)

    server = Server(flavour, stream_of(CALL), stream_of(TEXT))
    stream = flavour.client(server).responses.stream(
        model="m", input="x", functions={"get_capital": get_capital}
    )
    stream.until_done()
    output = server.requests[1][3]["input"][0]["output"]
    assert output == "error: KeyError: 'France'"


def test_tool_rounds_are_bounded(flavour: Flavour) -> None:
    first_id = terminal(CALL)["id"].encode()
    again = CALL.replace(first_id, first_id + b"_again")  # the model calls once more
    server = Server(flavour, stream_of(CALL), stream_of(again))
    stream = flavour.client(server).responses.stream(
        model="m", input="x", functions={"get_capital": lambda country: "Paris"}, max_tool_rounds=1
    )
    with pytest.raises(streamkit.LimitExceededError, match="max_tool_rounds=1"):
        stream.until_done()
    assert len(server.requests) == 2


def _built(response: dict[str, Any]) -> bytes:
    return testing.encode_sse(testing.response_events(response, rng=random.Random(0)))


def test_parallel_calls_are_answered_together_and_async_ones_concurrently(
    flavour: Flavour,
) -> None:
    """Two calls in one response: both outputs go in one continuation, in the calls' order.

    With the async client the functions may be ``async def``, and the calls of
    one response run concurrently: each waits for the other to have started.
    """
    calls = [
        testing.function_call_item(
            f"fc_{i}", call_id=f"call_{i}", name="echo", arguments=f'{{"n": {i}}}'
        )
        for i in (1, 2)
    ]
    first = _built(testing.response("resp_calls", calls))
    answer = _built(
        testing.response(
            "resp_answer", [testing.message_item("msg_1", [testing.output_text_part("done")])]
        )
    )
    server = Server(flavour, stream_of(first), stream_of(answer))
    client = flavour.client(server)
    if flavour.name == "sync":

        def echo(n: int) -> str:
            return f"echo {n}"

        function: Any = echo
    else:
        started: list[int] = []

        async def aecho(n: int) -> str:
            started.append(n)
            for _ in range(1000):  # the other call starts meanwhile only if they run concurrently
                if len(started) == 2:
                    return f"echo {n}"
                await asyncio.sleep(0)
            return "not concurrent"

        function = aecho
    stream = client.responses.stream(model="m", input="x", functions={"echo": function})
    assert stream.final_response().id == "resp_answer"
    outputs = server.requests[1][3]["input"]
    assert outputs == [
        {"type": "function_call_output", "call_id": "call_1", "output": "echo 1"},
        {"type": "function_call_output", "call_id": "call_2", "output": "echo 2"},
    ]


def test_a_resume_that_cannot_connect_is_tried_again(flavour: Flavour) -> None:
    """A connection error (or a 503) opening a resume is a fruitless resume: backed off, retried."""
    first = b"".join(blocks(INITIAL)[:5])

    def refused(_flavour: Flavour, request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    unavailable = json_of({"error": {"message": "try later", "type": "server_error"}}, 503)
    sleeps: list[float] = []
    server = Server(flavour, stream_of(first), refused, unavailable, stream_of(RESUMED))
    client = flavour.client(server, sleeps=sleeps, max_retries=0)
    stream = client.responses.stream(model="m", input="x", background=True)
    assert to_dict(stream.final_response()) == terminal(INITIAL)
    assert sleeps == [0.5, 1.0]
    assert [m for m, _p, _q, _b in server.requests] == ["POST", "GET", "GET", "GET"]


def test_a_resume_of_an_unknown_response_is_an_error(flavour: Flavour) -> None:
    """A 404 opening a resume is not retried: it will not get better."""
    first = b"".join(blocks(INITIAL)[:5])
    missing = json_of(
        {"error": {"message": "No response found", "type": "invalid_request_error"}}, 404
    )
    server = Server(flavour, stream_of(first), missing)
    stream = flavour.client(server).responses.stream(model="m", input="x", background=True)
    with pytest.raises(streamkit.ResponseError, match="404"):
        stream.until_done()
    assert len(server.requests) == 2
