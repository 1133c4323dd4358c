"""The mock server's Responses endpoints, exercised over real HTTP on 127.0.0.1.

Every endpoint (create streamed and not, retrieve, the background replay with ``starting_after``,
cancel, delete, input items), the function-call scenes, every fault (a drop, clean or abrupt,
also in a background stream and in a resume; 500; 429 with Retry-After; slow chunks), the
Python API (scripts mixing both APIs, ``hold_after_events`` and ``release``, ``load_response``)
and the command line's Responses flags. No test sleeps: a response is held mid-run instead.
"""

from __future__ import annotations

import pytest

pytest.importorskip("starlette")
pytest.importorskip("uvicorn")

import asyncio
import json
import random
import socket
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx

import streamkit
from streamkit import recordings, testing
from streamkit.mockserver import (
    FUNCTION_OUTPUTS_ANSWER,
    Fault,
    MockAssistantsServer,
    MockServer,
    ResponseScene,
    Scene,
)
from streamkit.mockserver._cli import build_parser, build_server

API_KEY = "sk-mock-responses"
HEADERS = {"Authorization": f"Bearer {API_KEY}"}
CREATE = {"model": "gpt-4o", "input": "Hello", "stream": True}
DATA = Path(__file__).parent / "data" / "responses"

Serve = Callable[..., tuple[MockServer, httpx.Client]]


@pytest.fixture
def serve() -> Iterator[Serve]:
    """Start a server with the given scenes and options; give it with a client on its base URL."""
    started: list[tuple[MockServer, httpx.Client]] = []

    def start(*scenes: Scene | ResponseScene, **options: Any) -> tuple[MockServer, httpx.Client]:
        options.setdefault("api_key", API_KEY)
        server = MockServer(script=scenes, **options)
        client = httpx.Client(base_url=server.start(), headers=HEADERS, timeout=10)
        started.append((server, client))
        return server, client

    yield start
    for server, client in started:
        client.close()
        server.stop()


def payloads(body: bytes) -> list[dict[str, Any]]:
    """The JSON payloads of the complete events of ``body`` (``[DONE]`` left out)."""
    decoder = streamkit.SSEDecoder()
    events = [*decoder.feed(body), *decoder.close()]
    return [json.loads(event.data) for event in events if event.data != "[DONE]"]


def accumulate(*bodies: bytes) -> streamkit.ResponseAccumulator:
    """A strict accumulator fed every body in turn (a stream, then its resumes)."""
    accumulator = streamkit.ResponseAccumulator()
    for body in bodies:
        for event in streamkit.SSEDecoder().feed(body):
            accumulator.feed(event)
    return accumulator


def created_id(body: bytes) -> str:
    """The response id of a stream's first event."""
    return str(payloads(body)[0]["response"]["id"])


class Reader:
    """Reads a streamed body event by event, as a client does, to stop in the middle."""

    def __init__(self, response: httpx.Response) -> None:
        self._reads = response.iter_raw()
        self._decoder = streamkit.SSEDecoder()
        self._ready: list[dict[str, Any]] = []

    def until(self, stop: Callable[[dict[str, Any]], bool]) -> list[dict[str, Any]]:
        """The payloads read up to and including the first one ``stop`` accepts."""
        seen: list[dict[str, Any]] = []
        while True:
            while self._ready:
                seen.append(self._ready.pop(0))
                if stop(seen[-1]):
                    return seen
            chunk = next(self._reads)  # StopIteration: the body ended first (a test failure)
            self._ready += [json.loads(e.data) for e in self._decoder.feed(chunk)]

    def rest(self) -> list[dict[str, Any]]:
        """The payloads of the rest of the body."""
        body = b"".join(self._reads)
        return [*self._ready, *(json.loads(e.data) for e in self._decoder.feed(body))]


# --- Create ------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", recordings.RESPONSES_NAMES)
def test_a_recording_is_streamed_byte_for_byte_and_stored(serve: Serve, name: str) -> None:
    """A recorded scene: the exact bytes as text/event-stream; retrieve gives its terminal."""
    server, client = serve(ResponseScene(name), chunk_size=100)
    answer = client.post("/responses", json=CREATE)
    data = recordings.read_bytes(name)
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "text/event-stream; charset=utf-8"
    assert answer.headers["x-request-id"] == "req_1"
    assert answer.content == data
    terminal = payloads(data)[-1]
    assert terminal["type"] in ("response.completed", "response.failed")
    response_id = terminal["response"]["id"]
    assert server.response_ids == [response_id]
    assert client.get(f"/responses/{response_id}").json() == terminal["response"]


def test_a_built_scene_gets_fresh_ids_and_echoes_the_request(serve: Serve) -> None:
    """Two plays of one built scene: new ids, now as created_at, the request's parameters."""
    scene = ResponseScene.text("Hello there, how are you today?")
    server, client = serve(scene, scene)
    tool = {"type": "function", "name": "lookup", "parameters": {"type": "object"}}
    request = {
        **CREATE,
        "model": "gpt-5-mini",
        "instructions": "Be brief.",
        "metadata": {"case": "echo"},
        "tools": [tool],
        "temperature": 0.5,
        "reasoning": {"effort": "low"},
    }
    first = payloads(client.post("/responses", json=request).content)
    second = payloads(client.post("/responses", json=CREATE).content)
    final = first[-1]["response"]
    assert first[-1]["type"] == "response.completed"
    assert final["id"].startswith("resp_")
    assert len(final["id"]) == len("resp_") + 50
    assert final["id"] != second[-1]["response"]["id"]
    assert final["output"][0]["id"] != second[-1]["response"]["output"][0]["id"]
    assert (final["model"], final["instructions"], final["metadata"]) == (
        "gpt-5-mini",
        "Be brief.",
        {"case": "echo"},
    )
    assert final["tools"] == [
        {
            "type": "function",
            "description": None,
            "name": "lookup",
            "parameters": {"type": "object"},
            "strict": True,
        }
    ]
    assert (final["temperature"], final["reasoning"]) == (0.5, {"effort": "low", "summary": None})
    assert (final["background"], final["store"], final["previous_response_id"]) == (
        False,
        True,
        None,
    )
    assert final["created_at"] == final["completed_at"]
    assert final["output"][0]["content"][0]["text"] == "Hello there, how are you today?"
    assert [p["sequence_number"] for p in first] == list(range(len(first)))
    assert server.response_ids == [final["id"], second[-1]["response"]["id"]]


def test_every_event_is_terminated_in_openai_framing(serve: Serve) -> None:
    """Each event is `event: <type>` + one data line + a blank line; the stream ends on one."""
    _, client = serve(ResponseScene(response=testing.example_response()))
    body = client.post("/responses", json=CREATE).content
    frames = body.decode().split("\n\n")
    assert frames[-1] == ""
    for frame in frames[:-1]:
        event_line, data_line = frame.split("\n")
        payload = json.loads(data_line.removeprefix("data: "))
        assert event_line == f"event: {payload['type']}"


def test_the_stream_accumulates_to_the_stored_response(serve: Serve) -> None:
    """A strict ResponseAccumulator fed the stream ends with exactly what retrieve returns."""
    _, client = serve(ResponseScene(response=testing.example_response(), interleave=True))
    body = client.post("/responses", json=CREATE).content
    accumulator = accumulate(body)
    assert accumulator.final_response is not None
    assert accumulator.anomalies == []
    stored = client.get(f"/responses/{accumulator.final_response.id}").json()
    assert streamkit.to_dict(accumulator.final_response) == stored
    assert len(stored["output"]) == 5


def test_a_create_without_stream_answers_the_final_response(serve: Serve) -> None:
    """Without stream: the terminal response as JSON (a recording's, or a built one)."""
    _, client = serve(ResponseScene("responses-reasoning-function-call"), ResponseScene.text("Hi"))
    recorded = client.post("/responses", json={"model": "gpt-4o", "input": "x"})
    data = recordings.read_bytes("responses-reasoning-function-call")
    assert recorded.headers["content-type"] == "application/json"
    assert recorded.json() == payloads(data)[-1]["response"]
    built = client.post("/responses", json={"model": "gpt-4o", "input": "x"}).json()
    assert (built["status"], built["output"][0]["content"][0]["text"]) == ("completed", "Hi")


def test_obfuscation_is_sent_unless_turned_off(serve: Serve) -> None:
    """Built deltas carry `obfuscation` by default; stream_options or the query turn it off."""
    scene = ResponseScene.text("Some words to stream in pieces.")
    _, client = serve(scene, scene)
    padded = payloads(client.post("/responses", json={**CREATE, "background": True}).content)
    deltas = [p for p in padded if p["type"] == "response.output_text.delta"]
    assert deltas
    assert all(isinstance(p["obfuscation"], str) for p in deltas)
    plain_request = {**CREATE, "stream_options": {"include_obfuscation": False}}
    plain = payloads(client.post("/responses", json=plain_request).content)
    assert not any("obfuscation" in p for p in plain)
    response_id = padded[0]["response"]["id"]
    params = {"stream": "true", "include_obfuscation": "false"}
    replayed = payloads(client.get(f"/responses/{response_id}", params=params).content)
    assert replayed == [{k: v for k, v in p.items() if k != "obfuscation"} for p in padded]


# --- Background mode and starting_after ---------------------------------------------------------


def test_background_create_is_queued_then_replayed_from_zero(serve: Serve) -> None:
    """background without stream: `queued`; then the stream replays every event from seq 0."""
    _, client = serve(ResponseScene.text("Working on it in the background."))
    queued = client.post("/responses", json={"model": "gpt-4o", "background": True}).json()
    assert (queued["status"], queued["background"], queued["output"]) == ("queued", True, [])
    replay = payloads(client.get(f"/responses/{queued['id']}", params={"stream": "true"}).content)
    assert [p["type"] for p in replay[:3]] == [
        "response.created",
        "response.queued",
        "response.in_progress",
    ]
    assert [p["sequence_number"] for p in replay] == list(range(len(replay)))
    stored = client.get(f"/responses/{queued['id']}").json()
    assert stored == replay[-1]["response"]
    assert stored["status"] == "completed"


def test_background_stream_dropped_cleanly_then_resumed(serve: Serve) -> None:
    """A clean end after 5 events, no terminal; the resume after seq 4 continues at seq 5."""
    _, client = serve(ResponseScene.text("A long answer, cut short.", drop_after_events=5))
    first = client.post("/responses", json={**CREATE, "background": True})
    assert first.status_code == 200
    head = payloads(first.content)
    assert [p["sequence_number"] for p in head] == [0, 1, 2, 3, 4]
    response_id = head[0]["response"]["id"]
    params = {"stream": "true", "starting_after": "4"}
    rest = client.get(f"/responses/{response_id}", params=params)
    assert rest.headers["content-type"] == "text/event-stream; charset=utf-8"
    tail = payloads(rest.content)
    assert tail[0]["sequence_number"] == 5
    assert tail[-1]["type"] == "response.completed"
    accumulator = accumulate(first.content, rest.content)
    assert accumulator.anomalies == []
    assert accumulator.final_response is not None
    stored = client.get(f"/responses/{response_id}").json()
    assert streamkit.to_dict(accumulator.final_response) == stored


def test_an_abrupt_drop_breaks_the_framing_and_the_response_runs_on(serve: Serve) -> None:
    """abrupt: the client's HTTP library raises; the response still completes on the server."""
    _, client = serve(
        ResponseScene.text("Abrupt.", drop_after_events=3, abrupt=True), chunk_size=10_000
    )
    received: list[bytes] = []
    with (
        client.stream("POST", "/responses", json={**CREATE, "background": True}) as response,
        pytest.raises(httpx.RemoteProtocolError),
    ):
        received.extend(response.iter_raw())  # what came before the break is kept
    head = payloads(b"".join(received))
    assert len(head) == 3
    response_id = head[0]["response"]["id"]
    params = {"stream": "true", "starting_after": "2"}
    rest = client.get(f"/responses/{response_id}", params=params).content
    assert payloads(rest)[0]["sequence_number"] == 3
    assert client.get(f"/responses/{response_id}").json()["status"] == "completed"


def test_a_held_response_is_in_progress_and_the_resume_continues_live(serve: Serve) -> None:
    """hold_after_events: retrieve shows it running; the resume waits, release sends the rest."""
    scene = ResponseScene.text("Held, then released.", hold_after_events=6, drop_after_events=4)
    server, client = serve(scene)
    head = payloads(client.post("/responses", json={**CREATE, "background": True}).content)
    response_id = head[0]["response"]["id"]
    running = client.get(f"/responses/{response_id}").json()
    assert running["status"] == "in_progress"
    assert server.response(response_id) == running
    params = {"stream": "true", "starting_after": "3"}
    with client.stream("GET", f"/responses/{response_id}", params=params) as response:
        reader = Reader(response)
        seen = reader.until(lambda p: p["sequence_number"] == 5)
        assert [p["sequence_number"] for p in seen] == [4, 5]  # everything produced so far
        server.release(response_id)
        rest = reader.rest()
    assert rest[0]["sequence_number"] == 6
    assert rest[-1]["type"] == "response.completed"
    assert client.get(f"/responses/{response_id}").json()["status"] == "completed"


def test_release_a_few_events_at_a_time(serve: Serve) -> None:
    """release(events=N) produces N more events and holds again; release() the rest."""
    server, client = serve(ResponseScene.text("Step by step.", hold_after_events=2))
    with client.stream("POST", "/responses", json={**CREATE, "background": True}) as response:
        reader = Reader(response)
        seen = reader.until(lambda p: p["sequence_number"] == 1)
        response_id = seen[0]["response"]["id"]
        assert server.response(response_id)["status"] == "queued"
        server.release(response_id, events=1)
        more = reader.until(lambda p: p["sequence_number"] == 2)
        assert [p["type"] for p in more] == ["response.in_progress"]
        assert server.response(response_id)["status"] == "in_progress"
        server.release()
        rest = reader.rest()
    assert rest[-1]["type"] == "response.completed"


def test_a_held_create_without_stream_waits_for_the_release(serve: Serve) -> None:
    """A non-streaming create of a held response answers once it is released, completed."""
    server, client = serve(ResponseScene.text("Worth the wait.", hold_after_events=3))
    answers: list[httpx.Response] = []
    waiting = threading.Thread(
        target=lambda: answers.append(client.post("/responses", json={"model": "m"}))
    )
    waiting.start()
    deadline = time.monotonic() + 10
    while not server.response_ids and time.monotonic() < deadline:
        time.sleep(0.001)
    (response_id,) = server.response_ids
    assert server.response(response_id)["status"] == "in_progress"
    server.release(response_id)
    waiting.join(10)
    (answer,) = answers
    final = answer.json()
    assert (final["id"], final["status"]) == (response_id, "completed")
    assert final["output"][0]["content"][0]["text"] == "Worth the wait."


def test_a_loaded_response_is_known_without_a_request(serve: Serve) -> None:
    """load_response: retrieve finds it; held, it is in progress until released."""
    server, client = serve()
    response_id = server.load_response(ResponseScene.text("Loaded.", hold_after_events=3))
    assert client.get(f"/responses/{response_id}").json()["status"] == "in_progress"
    server.release(response_id)
    final = client.get(f"/responses/{response_id}").json()
    assert (final["status"], final["output"][0]["content"][0]["text"]) == ("completed", "Loaded.")
    with pytest.raises(KeyError):
        server.release("resp_unknown")
    with pytest.raises(KeyError):
        server.response("resp_unknown")


def test_load_response_in_background_can_be_resumed(serve: Serve) -> None:
    """A loaded background recording replays after starting_after as OpenAI's does."""
    server, client = serve()
    response_id = server.load_response(ResponseScene("responses-background"), background=True)
    params = {"stream": "true", "starting_after": "0"}
    resumed = payloads(client.get(f"/responses/{response_id}", params=params).content)
    recorded = payloads((DATA / "openai_background_resume_starting_after.sse").read_bytes())
    assert [p["type"] for p in resumed] == [p["type"] for p in recorded]
    assert resumed == recorded  # the same payloads as the real resume (keys in another order)


def test_starting_after_past_the_end_sends_nothing(serve: Serve) -> None:
    """A resume after the last sequence number is an empty, cleanly ended stream."""
    _, client = serve(ResponseScene.text("Done."))
    body = client.post("/responses", json={**CREATE, "background": True}).content
    last = payloads(body)[-1]["sequence_number"]
    params = {"stream": "true", "starting_after": str(last)}
    again = client.get(f"/responses/{created_id(body)}", params=params)
    assert (again.status_code, again.content) == (200, b"")


def test_a_stream_without_sequence_numbers_resumes_by_position(serve: Serve) -> None:
    """Streams from before mid-2025 have no numbers: starting_after counts events."""
    data = (DATA / "openai_text_gpt4o_2025-03_noseq.sse").read_bytes()
    server, client = serve()
    response_id = server.load_response(ResponseScene(data), background=True)
    params = {"stream": "true", "starting_after": "9"}
    rest = payloads(client.get(f"/responses/{response_id}", params=params).content)
    assert rest == payloads(data)[10:]


# --- Cancel, delete, input items -----------------------------------------------------------------


def test_cancel_stops_a_running_background_response(serve: Serve) -> None:
    """cancel: `cancelled`; a live stream ends after what was produced, without a terminal."""
    server, client = serve(ResponseScene.text("Never finished.", hold_after_events=5))
    with client.stream("POST", "/responses", json={**CREATE, "background": True}) as response:
        reader = Reader(response)
        seen = reader.until(lambda p: p["sequence_number"] == 4)
        response_id = seen[0]["response"]["id"]
        cancelled = client.post(f"/responses/{response_id}/cancel")
        assert cancelled.status_code == 200
        assert cancelled.json()["status"] == "cancelled"
        assert reader.rest() == []  # the stream ended cleanly, no terminal event
    assert client.get(f"/responses/{response_id}").json()["status"] == "cancelled"
    again = client.post(f"/responses/{response_id}/cancel")  # idempotent
    assert again.json()["status"] == "cancelled"
    server.release()  # nothing more is produced once cancelled
    params = {"stream": "true", "starting_after": "4"}
    assert client.get(f"/responses/{response_id}", params=params).content == b""


def test_cancel_refuses_finished_and_foreground_responses(serve: Serve) -> None:
    """Only a running background response can be cancelled: others are 400s."""
    _, client = serve(ResponseScene.text("A"), ResponseScene.text("B"))
    foreground = created_id(client.post("/responses", json=CREATE).content)
    finished = created_id(client.post("/responses", json={**CREATE, "background": True}).content)
    for response_id, message in (
        (foreground, "Only responses created with background=true can be cancelled."),
        (finished, "Cannot cancel a response with status 'completed'."),
    ):
        answer = client.post(f"/responses/{response_id}/cancel")
        assert answer.status_code == 400
        assert answer.json()["error"]["message"] == message


def test_delete_then_every_endpoint_is_a_404(serve: Serve) -> None:
    """DELETE answers the deletion object; then retrieve, cancel, items, delete are 404s."""
    _, client = serve(ResponseScene.text("Soon gone."), ResponseScene.text("unused"))
    response_id = created_id(client.post("/responses", json=CREATE).content)
    deleted = client.delete(f"/responses/{response_id}")
    assert deleted.json() == {"id": response_id, "object": "response", "deleted": True}
    for method, path, missing in (
        ("GET", f"/responses/{response_id}", response_id),
        ("DELETE", f"/responses/{response_id}", response_id),
        ("POST", f"/responses/{response_id}/cancel", response_id),
        ("GET", f"/responses/{response_id}/input_items", response_id),
        ("GET", "/responses/resp_unknown", "resp_unknown"),
    ):
        answer = client.request(method, path)
        assert answer.status_code == 404, path
        assert answer.json() == {
            "error": {
                "message": f"Response with id '{missing}' not found.",
                "type": "invalid_request_error",
                "param": None,
                "code": None,
            }
        }, path
    chained = client.post("/responses", json={**CREATE, "previous_response_id": response_id})
    assert chained.status_code == 400
    assert chained.json()["error"]["code"] == "previous_response_not_found"


def test_input_items_are_listed_newest_first_with_cursors(serve: Serve) -> None:
    """input_items: ids given to each input item; desc by default, limit/after/before/order."""
    _, client = serve(ResponseScene.text("Listed."))
    inputs = [
        {"role": "developer", "content": "Be kind."},
        {"role": "user", "content": "One"},
        {"type": "message", "role": "assistant", "content": "Two"},
        {"role": "user", "content": [{"type": "input_text", "text": "Three"}]},
    ]
    body = client.post("/responses", json={**CREATE, "input": inputs}).content
    url = f"/responses/{created_id(body)}/input_items"
    everything = client.get(url, params={"order": "asc"}).json()
    items = everything["data"]
    assert [item["role"] for item in items] == ["developer", "user", "assistant", "user"]
    assert items[0]["content"] == [{"type": "input_text", "text": "Be kind."}]
    assert items[2]["content"] == [{"type": "output_text", "text": "Two", "annotations": []}]
    assert all(item["id"].startswith("msg_") and item["status"] == "completed" for item in items)
    ids = [item["id"] for item in items]
    page = client.get(url, params={"limit": "2"}).json()
    assert page == {
        "object": "list",
        "data": items[::-1][:2],
        "first_id": ids[3],
        "last_id": ids[2],
        "has_more": True,
    }
    after = client.get(url, params={"limit": "2", "after": ids[2]}).json()
    assert ([i["id"] for i in after["data"]], after["has_more"]) == ([ids[1], ids[0]], False)
    before = client.get(url, params={"order": "asc", "before": ids[3], "limit": "1"}).json()
    assert [i["id"] for i in before["data"]] == [ids[2]]
    assert client.get(url, params={"limit": "0"}).status_code == 400


def test_a_string_input_is_one_user_message(serve: Serve) -> None:
    _, client = serve(ResponseScene.text("Hi."))
    body = client.post("/responses", json={**CREATE, "input": "Hello there"}).content
    (item,) = client.get(f"/responses/{created_id(body)}/input_items").json()["data"]
    assert (item["type"], item["role"], item["content"]) == (
        "message",
        "user",
        [{"type": "input_text", "text": "Hello there"}],
    )


def test_store_false_is_not_kept(serve: Serve) -> None:
    """store: false streams as usual, but retrieve and chaining do not find it."""
    _, client = serve(ResponseScene.text("Ephemeral."), ResponseScene.text("unused"))
    body = client.post("/responses", json={**CREATE, "store": False}).content
    final = payloads(body)[-1]["response"]
    assert final["store"] is False
    assert client.get(f"/responses/{final['id']}").status_code == 404
    chained = client.post("/responses", json={**CREATE, "previous_response_id": final["id"]})
    assert chained.json()["error"]["code"] == "previous_response_not_found"


# --- Function calls ------------------------------------------------------------------------------


def test_a_function_call_round_trip(serve: Serve) -> None:
    """The first response calls the function; the outputs sent come back in the answer."""
    first_scene, second_scene = ResponseScene.function_call(
        "get_weather", {"city": "Paris"}, call_id="call_weather_1"
    )
    _, client = serve(first_scene, second_scene)
    first = accumulate(client.post("/responses", json=CREATE).content).final_response
    assert first is not None
    (call,) = first.output
    assert isinstance(call, streamkit.models.responses.FunctionToolCall)
    assert (call.name, json.loads(call.arguments), call.call_id) == (
        "get_weather",
        {"city": "Paris"},
        "call_weather_1",
    )
    follow_up = {
        **CREATE,
        "previous_response_id": first.id,
        "input": [{"type": "function_call_output", "call_id": "call_weather_1", "output": "19C"}],
    }
    answer = accumulate(client.post("/responses", json=follow_up).content).final_response
    assert answer is not None
    assert answer.previous_response_id == first.id
    message = answer.output[0]
    assert isinstance(message, streamkit.models.responses.OutputMessage)
    text = message.content[0]
    assert isinstance(text, streamkit.models.responses.OutputTextContent)
    assert text.text == FUNCTION_OUTPUTS_ANSWER.replace("{outputs}", "19C")
    items = client.get(f"/responses/{answer.id}/input_items").json()["data"]
    assert [(i["type"], i["call_id"], i["output"]) for i in items] == [
        ("function_call_output", "call_weather_1", "19C")
    ]
    assert items[0]["id"].startswith("fco_")


def test_parallel_function_calls_and_their_outputs(serve: Serve) -> None:
    """Several calls in one response; the answer quotes every output, in the order sent."""
    scenes = ResponseScene.function_calls(
        [("get_weather", {"city": "Paris"}), ("get_time", "{}", "call_time")],
        answer="Results:\n{outputs}",
    )
    _, client = serve(*scenes)
    first = payloads(client.post("/responses", json=CREATE).content)[-1]["response"]
    calls = first["output"]
    assert [(c["type"], c["name"]) for c in calls] == [
        ("function_call", "get_weather"),
        ("function_call", "get_time"),
    ]
    assert calls[0]["call_id"].startswith("call_")
    assert calls[1]["call_id"] == "call_time"
    outputs = [
        {"type": "function_call_output", "call_id": calls[1]["call_id"], "output": "noon"},
        {
            "type": "function_call_output",
            "call_id": calls[0]["call_id"],
            "output": [{"type": "input_text", "text": "rain"}],
        },
    ]
    request = {"model": "gpt-4o", "previous_response_id": first["id"], "input": outputs}
    answer = client.post("/responses", json=request).json()
    assert answer["output"][0]["content"][0]["text"] == "Results:\nnoon\nrain"


@pytest.mark.parametrize(
    ("inputs", "message"),
    [
        ([], "No tool output found for function call call_a."),
        (
            [{"type": "function_call_output", "call_id": "call_a", "output": "1"}],
            "No tool output found for function call call_b.",
        ),
        (
            [
                {"type": "function_call_output", "call_id": "call_a", "output": "1"},
                {"type": "function_call_output", "call_id": "call_b", "output": "2"},
                {"type": "function_call_output", "call_id": "call_zzz", "output": "3"},
            ],
            "No tool call found for function call output with call_id call_zzz.",
        ),
    ],
)
def test_missing_or_unknown_function_outputs_are_400s(
    serve: Serve, inputs: list[dict[str, Any]], message: str
) -> None:
    """Every call needs its output and every output its call; the scene is not consumed."""
    first, second = ResponseScene.function_calls([("a", "{}", "call_a"), ("b", "{}", "call_b")])
    server, client = serve(first, second)
    response_id = created_id(client.post("/responses", json=CREATE).content)
    request = {**CREATE, "previous_response_id": response_id, "input": inputs}
    answer = client.post("/responses", json=request)
    assert answer.status_code == 400
    assert answer.json()["error"] == {
        "message": message,
        "type": "invalid_request_error",
        "param": "input",
        "code": None,
    }
    assert server.response_scenes_left == 1


def test_unknown_or_running_previous_responses_are_400s(serve: Serve) -> None:
    server, client = serve(ResponseScene.text("Held.", hold_after_events=2))
    unknown = client.post("/responses", json={**CREATE, "previous_response_id": "resp_nope"})
    assert (unknown.status_code, unknown.json()["error"]["param"]) == (400, "previous_response_id")
    assert unknown.json()["error"]["message"] == "Previous response with id 'resp_nope' not found."
    held = client.post("/responses", json={"model": "m", "background": True}).json()
    running = client.post("/responses", json={**CREATE, "previous_response_id": held["id"]})
    assert running.status_code == 400
    assert "still in progress" in running.json()["error"]["message"]
    server.release()


def test_function_call_outputs_without_previous_need_their_calls_in_the_input(
    serve: Serve,
) -> None:
    """Stateless chaining: an output answering a function_call item of the same input is fine."""
    _, client = serve(ResponseScene.text("Got {outputs}."))
    inputs = [
        {"type": "function_call", "call_id": "c1", "name": "f", "arguments": "{}"},
        {"type": "function_call_output", "call_id": "c1", "output": "42"},
    ]
    answer = client.post("/responses", json={"model": "m", "input": inputs}).json()
    assert answer["output"][0]["content"][0]["text"] == "Got 42."


# --- Faults ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "retry_after", "header", "code"),
    [(500, None, None, None), (429, 0.25, "0.25", "rate_limit_exceeded"), (429, 2, "2", None)],
)
def test_a_failing_scene_then_its_stream(
    serve: Serve, status: int, retry_after: float | None, header: str | None, code: str | None
) -> None:
    """status: an error first (with Retry-After), the scene kept; the retry gets the stream."""
    scene = ResponseScene("responses-text-logprobs", status=status, retry_after=retry_after)
    server, client = serve(scene)
    failed = client.post("/responses", json=CREATE)
    assert failed.status_code == status
    assert failed.headers.get("retry-after") == header
    if retry_after is not None:
        assert failed.headers["retry-after-ms"] == str(round(retry_after * 1000))
    assert set(failed.json()["error"]) == {"message", "type", "param", "code"}
    if code is not None:
        assert failed.json()["error"]["code"] == code
    assert server.response_scenes_left == 1
    assert client.post("/responses", json=CREATE).content == recordings.read_bytes(
        "responses-text-logprobs"
    )


def test_fail_times_and_a_custom_error(serve: Serve) -> None:
    error = {"message": "Busy.", "type": "server_error", "param": None, "code": "busy"}
    _, client = serve(ResponseScene.text("ok", status=503, fail_times=2, error=error))
    answers = [client.post("/responses", json=CREATE) for _ in range(3)]
    assert [a.status_code for a in answers] == [503, 503, 200]
    assert answers[0].json() == {"error": error}


def test_faults_on_any_responses_endpoint(serve: Serve) -> None:
    """Status faults match by method and path: a 500 then a 429 on retrieve, then the response."""
    faults = [
        Fault("GET", "/responses/*", 500),
        Fault("GET", "/v1/responses/*", 429, retry_after=1),
    ]
    _, client = serve(ResponseScene.text("x"), faults=faults)
    response_id = created_id(client.post("/responses", json=CREATE).content)
    answers = [client.get(f"/responses/{response_id}") for _ in range(3)]
    assert [a.status_code for a in answers] == [500, 429, 200]
    assert answers[1].headers["retry-after"] == "1"


def test_a_stream_fault_cuts_a_resume(serve: Serve) -> None:
    """Fault(drop_after_events=...) cuts the next matching stream: here the first resume."""
    fault = Fault("GET", "/responses/*", drop_after_events=2)
    _, client = serve(ResponseScene.text("Resumed twice.", drop_after_events=4), faults=[fault])
    first = client.post("/responses", json={**CREATE, "background": True}).content
    response_id = created_id(first)
    url = f"/responses/{response_id}"
    second = client.get(url, params={"stream": "true", "starting_after": "3"}).content
    assert [p["sequence_number"] for p in payloads(second)] == [4, 5]
    third = client.get(url, params={"stream": "true", "starting_after": "5"}).content
    assert payloads(third)[0]["sequence_number"] == 6
    accumulator = accumulate(first, second, third)
    assert accumulator.anomalies == []
    assert accumulator.final_response is not None
    assert streamkit.to_dict(accumulator.final_response) == client.get(url).json()


def test_a_stream_fault_on_create_overrides_the_scene(serve: Serve) -> None:
    """A POST stream fault cuts the create (abruptly here); the JSON endpoints are untouched."""
    fault = Fault("POST", "/responses", drop_after_events=1, abrupt=True)
    _, client = serve(ResponseScene.text("x"), ResponseScene.text("y"), faults=[fault])
    with (
        pytest.raises(httpx.RemoteProtocolError),
        client.stream("POST", "/responses", json=CREATE) as response,
    ):
        response.read()
    assert len(payloads(client.post("/responses", json=CREATE).content)) > 1


def test_slow_chunks(serve: Serve) -> None:
    """chunk_delay spaces the chunks: each arrives as a read of its own."""
    data = recordings.read_bytes("responses-error-then-failed")
    scene = ResponseScene(data, chunk_delay=0.02)
    _, client = serve(scene, chunk_size=-(-len(data) // 3))
    with client.stream("POST", "/responses", json=CREATE) as response:
        reads = list(response.iter_raw())
    assert b"".join(reads) == data
    assert len(reads) == 3  # 20 ms apart: never coalesced


def test_a_fault_is_a_status_or_a_stream_fault() -> None:
    with pytest.raises(ValueError, match="needs a status"):
        Fault("GET", "/responses/*")
    with pytest.raises(ValueError, match="not both"):
        Fault("GET", "/responses/*", 500, drop_after_events=1)
    with pytest.raises(ValueError, match="abrupt needs drop_after_events"):
        Fault("GET", "/responses/*", chunk_delay=0.1, abrupt=True)
    assert Fault("GET", "/x", chunk_delay=0.0).on_stream


def test_stop_ends_a_waiting_stream() -> None:
    """stop() while a client waits on a held response: the connection closes, stop returns."""
    with MockServer(script=[ResponseScene.text("x", hold_after_events=3)]) as server:
        assert server.base_url is not None
        with (
            httpx.Client(base_url=server.base_url) as client,
            client.stream("POST", "/responses", json=CREATE) as response,
        ):
            chunks = response.iter_raw()
            next(chunks)
            server.stop()
            with pytest.raises(httpx.RemoteProtocolError):
                list(chunks)


# --- Requests and errors ---------------------------------------------------------------------


def test_requests_are_checked_as_the_api_does(serve: Serve) -> None:
    """Missing model, unknown keys, bad types and query values are 400s in the API's shape."""
    server, client = serve(ResponseScene.text("x"))
    cases = [
        ({"input": "x"}, "model"),
        ({"model": "m", "frequency": 1}, "frequency"),
        ({"model": "m", "stream": "yes"}, "stream"),
        ({"model": "m", "background": 1}, "background"),
        ({"model": "m", "input": 3}, "input"),
        ({"model": "m", "input": [{"role": "robot", "content": "x"}]}, "input[0].role"),
        ({"model": "m", "input": [{"type": "function_call_output"}]}, "input[0].call_id"),
        ({"model": "m", "metadata": {"k": 1}}, "metadata"),
        ({"model": "m", "stream_options": []}, "stream_options"),
    ]
    for body, param in cases:
        answer = client.post("/responses", json=body)
        assert answer.status_code == 400, body
        assert answer.json()["error"]["param"] == param, body
    assert server.response_scenes_left == 1
    response_id = created_id(client.post("/responses", json=CREATE).content)
    url = f"/responses/{response_id}"
    for params, param in (
        ({"stream": "maybe"}, "stream"),
        ({"stream": "true", "starting_after": "x"}, "starting_after"),
        ({"starting_after": "1"}, "starting_after"),
        ({"stream": "true"}, "stream"),  # not a background response
        ({"what": "1"}, "what"),
    ):
        answer = client.get(url, params=params)
        assert (answer.status_code, answer.json()["error"]["param"]) == (400, param), params
    assert client.put(url).status_code == 405


def test_no_beta_header_needed_but_the_api_key_is(serve: Serve) -> None:
    """Responses requests need no OpenAI-Beta header; a wrong key is a 401."""
    server, client = serve(ResponseScene.text("x"))
    assert server.base_url is not None
    anonymous = httpx.post(f"{server.base_url}/responses", json=CREATE)
    assert anonymous.status_code == 401
    assert anonymous.json()["error"]["code"] == "invalid_api_key"
    assert client.post("/responses", json=CREATE).status_code == 200


def test_an_exhausted_script_and_repeat(serve: Serve) -> None:
    """After the last scene: 400 mock_script_exhausted; with repeat the script starts over."""
    _, client = serve(ResponseScene.text("once"))
    assert client.post("/responses", json=CREATE).status_code == 200
    exhausted = client.post("/responses", json=CREATE).json()["error"]
    assert exhausted["code"] == "mock_script_exhausted"
    _, again = serve(ResponseScene.text("again"), repeat=True)
    ids = {created_id(again.post("/responses", json=CREATE).content) for _ in range(3)}
    assert len(ids) == 3  # a built scene: a fresh id each play


def test_requests_are_recorded(serve: Serve) -> None:
    server, client = serve(ResponseScene.text("x"))
    response_id = created_id(client.post("/responses", json=CREATE).content)
    client.get(f"/responses/{response_id}", params={"include[]": "message.output_text.logprobs"})
    first, second = server.requests
    assert (first.method, first.path, first.json) == ("POST", "/v1/responses", CREATE)
    assert (second.method, second.path, second.query) == (
        "GET",
        f"/v1/responses/{response_id}",
        {"include[]": ["message.output_text.logprobs"]},
    )
    assert "<masked>" in repr(first)


def test_one_server_serves_both_apis(serve: Serve) -> None:
    """A script mixing both kinds: each API's endpoints take their own scenes in order."""
    server, client = serve(Scene("text-run"), ResponseScene.text("Responses"))
    assert (server.scenes_left, server.response_scenes_left) == (1, 1)
    beta = {"OpenAI-Beta": "assistants=v2"}
    run = client.post("/threads/t/runs", json={"assistant_id": "a", "stream": True}, headers=beta)
    assert run.content == recordings.read_bytes("text-run")
    answer = client.post("/responses", json={"model": "m"}).json()
    assert answer["output"][0]["content"][0]["text"] == "Responses"
    assert (server.scenes_left, server.response_scenes_left) == (0, 0)
    server.add_scene(ResponseScene.text("added"))
    assert server.response_scenes_left == 1
    assert MockAssistantsServer is MockServer


def test_a_failed_stream_stores_a_failed_response(serve: Serve) -> None:
    """An error event then response.failed: the stored response is the failed one."""
    _, client = serve(ResponseScene("responses-error-then-failed"))
    body = client.post("/responses", json=CREATE).content
    stored = client.get(f"/responses/{created_id(body)}").json()
    assert stored["status"] == "failed"
    assert stored["error"]["code"] == "insufficient_quota"


def test_a_stream_ending_on_an_error_without_failed_leaves_it_failed(serve: Serve) -> None:
    """No response.failed after the error: the server still knows the response failed."""
    events = testing.response_events(
        testing.response("resp_err", status="in_progress"), rng=random.Random(1)
    )
    error = {
        "type": "error",
        "sequence_number": len(events),
        "error": {
            "type": "server_error",
            "code": "server_error",
            "message": "Boom.",
            "param": None,
        },
    }
    server, _ = serve()
    response_id = server.load_response(ResponseScene(testing.encode_sse([*events, error])))
    assert response_id == "resp_err"
    stored = server.response(response_id)
    assert (stored["status"], stored["error"]) == (
        "failed",
        {"code": "server_error", "message": "Boom."},
    )


def test_scenes_are_checked() -> None:
    with pytest.raises(ValueError, match="exactly one of stream"):
        ResponseScene()
    with pytest.raises(ValueError, match="exactly one of stream"):
        ResponseScene("responses-background", response={"output": []})
    with pytest.raises(ValueError, match="play it with Scene"):
        ResponseScene("text-run")
    with pytest.raises(ValueError, match="no event"):
        ResponseScene(b": just a comment\n\n")
    with pytest.raises(KeyError):
        ResponseScene("no-such-recording")
    with pytest.raises(ValueError, match="at least one call"):
        ResponseScene.function_calls([])
    keepalive = testing.encode_sse([{"type": "keepalive", "sequence_number": 0}])
    with MockServer() as server, pytest.raises(ValueError, match="no response event"):
        server.load_response(ResponseScene(keepalive))
    scene = ResponseScene(response=testing.example_response())
    assert "5 output items" in repr(scene)


def test_a_built_scene_from_a_model_or_a_partial_dict(serve: Serve) -> None:
    """response= takes a model too, and a dict missing envelope keys gets the defaults."""
    model = accumulate(recordings.read_bytes("responses-text-logprobs")).final_response
    assert model is not None
    partial = {"output": [testing.message_item("", [testing.output_text_part("Partial.")])]}
    _, client = serve(ResponseScene(response=model), ResponseScene(response=partial))
    from_model = client.post("/responses", json={"model": "m"}).json()
    assert from_model["output"] == streamkit.to_dict(model)["output"]
    assert from_model["id"] != model.id
    from_partial = client.post("/responses", json={"model": "m"}).json()
    assert from_partial["status"] == "completed"
    assert from_partial["output"][0]["id"].startswith("msg_")


# --- The command line ----------------------------------------------------------------------------


def test_serve_mock_serves_both_apis_by_default() -> None:
    """No flags: text-run on the Runs endpoints and a recorded response on /responses."""
    server = build_server(build_parser().parse_args(["--port", "0"]))
    with server, httpx.Client(base_url=str(server.base_url)) as client:
        body = client.post("/responses", json=CREATE).content
        assert body == recordings.read_bytes("responses-text-logprobs")
        beta = {"OpenAI-Beta": "assistants=v2"}
        run = client.post(
            "/threads/t/runs", json={"assistant_id": "a", "stream": True}, headers=beta
        )
        assert run.content == recordings.read_bytes("text-run")


def test_cli_recordings_of_both_apis_text_and_function(tmp_path: Path) -> None:
    """--recording routes each stream to its API (files too); --response-text and --function."""
    path = tmp_path / "mine.sse"
    path.write_bytes((DATA / "openai_file_search_file_citation.sse").read_bytes())
    argv = [
        "--recording",
        "responses-background",
        "--recording",
        str(path),
        "--response-text",
        "Built.",
        "--function",
        "get_weather",
        "--arguments",
        '{"city": "Paris"}',
        "--answer",
        "It is {outputs}.",
        "--once",
        "--port",
        "0",
    ]
    server = build_server(build_parser().parse_args(argv))
    assert (server.scenes_left, server.response_scenes_left) == (2, 5)
    with server, httpx.Client(base_url=str(server.base_url)) as client:

        def post(body: dict[str, Any]) -> httpx.Response:
            return client.post("/responses", json=body)

        assert post(CREATE).content == recordings.read_bytes("responses-background")
        assert post(CREATE).content == path.read_bytes()
        assert post({"model": "m"}).json()["output"][0]["content"][0]["text"] == "Built."
        call = post({"model": "m"}).json()
        (item,) = call["output"]
        assert (item["name"], item["arguments"]) == ("get_weather", '{"city": "Paris"}')
        outputs = [{"type": "function_call_output", "call_id": item["call_id"], "output": "sunny"}]
        answer = post({"model": "m", "previous_response_id": call["id"], "input": outputs}).json()
        assert answer["output"][0]["content"][0]["text"] == "It is sunny."


def test_cli_faults_apply_to_responses_too() -> None:
    """--drop-after and --fail-status act on every scene of both APIs."""
    argv = ["--drop-after", "3", "--fail-status", "429", "--retry-after", "1", "--port", "0"]
    server = build_server(build_parser().parse_args(argv))
    with server, httpx.Client(base_url=str(server.base_url)) as client:
        failed = client.post("/responses", json=CREATE)
        assert (failed.status_code, failed.headers["retry-after"]) == (429, "1")
        assert len(payloads(client.post("/responses", json=CREATE).content)) == 3


def test_cli_a_file_that_is_not_a_stream_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from streamkit.mockserver import main

    path = tmp_path / "empty.sse"
    path.write_bytes(b"")
    assert main(["--recording", str(path), "--port", "0"]) == 1
    (line,) = capsys.readouterr().err.splitlines()
    assert line.startswith(f"python -m streamkit.mockserver: error: {path}: not a stream")
    assert main(["--recording", "responses-nope", "--port", "0"]) == 1
    (line,) = capsys.readouterr().err.splitlines()
    assert "responses-text-logprobs" in line  # the bundled names of both APIs


# --- The listening socket ------------------------------------------------------------------------


def test_accepted_connections_send_without_nagle() -> None:
    """The server's connections have TCP_NODELAY: a response's header and body writes are not
    held back waiting for the client's delayed ACK (40 ms per request on Linux otherwise).

    asyncio sets TCP_NODELAY on the sockets it accepts only when the listening socket says
    IPPROTO_TCP; a socket made without a protocol number (0) left every connection with Nagle.
    """
    from streamkit.mockserver._server import listening_socket

    async def accepted_nodelay() -> int:
        accepted = asyncio.get_running_loop().create_future()

        class Probe(asyncio.Protocol):
            def connection_made(self, transport: asyncio.BaseTransport) -> None:
                sock = transport.get_extra_info("socket")
                accepted.set_result(sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))
                transport.close()

        listener = listening_socket("127.0.0.1", 0)
        server = await asyncio.get_running_loop().create_server(Probe, sock=listener)
        async with server:
            port = listener.getsockname()[1]
            _, writer = await asyncio.open_connection("127.0.0.1", port)
            value: int = await asyncio.wait_for(accepted, 10)
            writer.close()
            return value

    assert asyncio.run(accepted_nodelay()) != 0
