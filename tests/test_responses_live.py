"""streamkit's Responses client against the mock server, over real HTTP (sync and async).

What the issue asks of a live client: a dropped stream resumed (a clean early
end and an abrupt one), a foreground response read back, the function round
trip, background mode, and ``streamkit watch --response``. The server is
:class:`streamkit.mockserver.MockServer` on 127.0.0.1; nothing sleeps.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import pytest

import streamkit
import streamkit.cli
from streamkit import to_dict
from streamkit.mockserver import Fault, MockServer, ResponseScene

KEY = "sk-live-test"

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


@pytest.fixture(params=["sync", "async"])
def flavour(request: pytest.FixtureRequest) -> str:
    flavour: str = request.param
    return flavour


def run_stream(flavour: str, base_url: str, **params: Any) -> streamkit.ResponseAccumulator:
    """Stream a response with either client to its end; its accumulator."""
    if flavour == "sync":
        with streamkit.Client(api_key=KEY, base_url=base_url, sleep=lambda _s: None) as client:
            stream = client.responses.stream(**params)
            stream.until_done()
            return stream.accumulator

    async def main() -> streamkit.ResponseAccumulator:
        async def no_sleep(_seconds: float) -> None:
            return None

        async with streamkit.AsyncClient(api_key=KEY, base_url=base_url, sleep=no_sleep) as client:
            stream = client.responses.stream(**params)
            await stream.until_done()
            return stream.accumulator

    return asyncio.run(main())


@pytest.fixture
def server_of() -> Iterator[Any]:
    servers: list[MockServer] = []

    def make(*script: Any, faults: Any = ()) -> MockServer:
        server = MockServer(script=list(script), api_key=KEY, faults=list(faults))
        server.__enter__()
        servers.append(server)
        return server

    yield make
    for server in servers:
        server.__exit__(None, None, None)


def stored(server: MockServer, racc: streamkit.ResponseAccumulator) -> dict[str, Any]:
    response = racc.final_response
    assert response is not None
    return server.response(response.id)


def requests_of(server: MockServer) -> list[str]:
    return [f"{r.method} {r.path}" for r in server.requests]


@pytest.mark.parametrize("abrupt", [False, True], ids=["clean end", "abrupt"])
def test_a_dropped_background_stream_is_resumed(flavour: str, server_of: Any, abrupt: bool) -> None:
    scene = ResponseScene.text(
        "The capital of France is Paris.", drop_after_events=5, abrupt=abrupt
    )
    server = server_of(scene)
    racc = run_stream(flavour, server.base_url, model="m", input="x", background=True, store=True)
    final = stored(server, racc)
    assert final["status"] == "completed"
    assert to_dict(racc.final_response) == final
    assert racc.anomalies == []
    resume = server.requests[-1]
    assert (resume.method, resume.query["stream"]) == ("GET", ["true"])
    # After the last event applied: the fifth (sequence numbers count from 0).
    assert resume.query["starting_after"] == ["4"]


def test_a_cut_resume_is_resumed_again(flavour: str, server_of: Any) -> None:
    scene = ResponseScene.text("One two three four five six seven.", drop_after_events=3)
    server = server_of(scene, faults=[Fault("GET", "/responses/*", drop_after_events=2, times=1)])
    racc = run_stream(flavour, server.base_url, model="m", input="x", background=True)
    assert to_dict(racc.final_response) == stored(server, racc)
    afters = [r.query.get("starting_after") for r in server.requests if r.method == "GET"]
    assert afters == [["2"], ["4"]]


def test_a_dropped_foreground_stream_is_read_back(flavour: str, server_of: Any) -> None:
    server = server_of(ResponseScene.text("Hello there.", drop_after_events=4))
    racc = run_stream(flavour, server.base_url, model="m", input="x", poll_interval=0.0)
    assert to_dict(racc.final_response) == stored(server, racc)
    assert requests_of(server)[-1].startswith("GET /v1/responses/resp_")
    assert server.requests[-1].query == {}


def test_the_function_round_trip(flavour: str, server_of: Any) -> None:
    call, answer = ResponseScene.function_call("get_weather", {"city": "Paris"})
    server = server_of(call, answer)
    seen: list[str] = []

    if flavour == "sync":

        def get_weather(city: str) -> dict[str, Any]:
            seen.append(city)
            return {"city": city, "sky": "sunny"}

        function: Any = get_weather
    else:

        async def aget_weather(city: str) -> dict[str, Any]:
            seen.append(city)
            return {"city": city, "sky": "sunny"}

        function = aget_weather
    racc = run_stream(
        flavour,
        server.base_url,
        model="m",
        input="Weather in Paris?",
        tools=[{"type": "function", "name": "get_weather", "parameters": {}}],
        functions={"get_weather": function},
    )
    assert seen == ["Paris"]
    first, second = list(racc.responses.values())
    assert second.previous_response_id == first.id
    text = second.output[0].content[0].text  # type: ignore[union-attr]
    assert '{"city": "Paris", "sky": "sunny"}' in text
    posted = [r for r in server.requests if r.method == "POST"]
    assert posted[1].json["input"][0]["type"] == "function_call_output"
    assert posted[1].json["tools"] == [
        {"type": "function", "name": "get_weather", "parameters": {}}
    ]


def test_background_mode_end_to_end(flavour: str, server_of: Any) -> None:
    server = server_of(ResponseScene.text("Done in the background."))
    racc = run_stream(flavour, server.base_url, model="m", input="x", background=True)
    final = racc.final_response
    assert final is not None
    assert final.background is True
    assert to_dict(final) == stored(server, racc)
    assert len(server.requests) == 1  # nothing to resume


def test_a_cancelled_background_response_ends_the_stream(server_of: Any) -> None:
    """Cancelled while streaming: no terminal event comes; the client reads it back."""
    server = server_of(ResponseScene.text("never finished", hold_after_events=4))
    with streamkit.Client(api_key=KEY, base_url=server.base_url, sleep=lambda _s: None) as client:
        stream = client.responses.stream(model="m", input="x", background=True)
        events = iter(stream)
        for _ in range(4):
            next(events)
        response_id = stream.accumulator.response.id  # type: ignore[union-attr]
        assert client.responses.cancel(response_id).status == "cancelled"
        final = stream.final_response()
    assert final.status == "cancelled"
    assert to_dict(final) == server.response(response_id)


def test_watch_attaches_to_a_background_response(
    server_of: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    server = server_of()
    response_id = server.load_response(ResponseScene.text("Attached and watched."), background=True)
    code = streamkit.cli.main(
        ["watch", "--response", response_id, "--base-url", server.base_url, "--api-key", KEY]
    )
    out = capsys.readouterr().out
    assert code == 0
    assert "Attached and watched." in out
    assert server.requests[0].query == {"stream": ["true"]}
