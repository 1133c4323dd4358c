"""The local mock of the Runs endpoints, exercised over real HTTP on 127.0.0.1."""

from __future__ import annotations

import pytest

pytest.importorskip("starlette")
pytest.importorskip("uvicorn")

import asyncio
import json
import logging
import random
import socket
import subprocess
import sys
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import httpx

import streamkit
from streamkit import recordings, testing
from streamkit.mockserver import (
    FILE_SEARCH_CONTENT,
    Fault,
    MockAssistantsServer,
    Scene,
)

API_KEY = "sk-mock-test"
HEADERS = {"Authorization": f"Bearer {API_KEY}", "OpenAI-Beta": "assistants=v2"}
STREAM = {"assistant_id": "asst_1", "stream": True}

Serve = Callable[..., tuple[MockAssistantsServer, httpx.Client]]


@pytest.fixture
def serve() -> Iterator[Serve]:
    """Start a server with the given options and give it with an httpx client on its base URL."""
    started: list[tuple[MockAssistantsServer, httpx.Client]] = []

    def start(*scenes: Scene, **options: Any) -> tuple[MockAssistantsServer, httpx.Client]:
        options.setdefault("api_key", API_KEY)
        server = MockAssistantsServer(script=scenes, **options)
        client = httpx.Client(base_url=server.start(), headers=HEADERS, timeout=10)
        started.append((server, client))
        return server, client

    yield start
    for server, client in started:
        client.close()
        server.stop()


def decode(body: bytes) -> list[streamkit.ServerSentEvent]:
    """The complete events of ``body``, as a client decodes them."""
    decoder = streamkit.SSEDecoder()
    return [*decoder.feed(body), *decoder.close()]


def built_run(run_id: str, thread_id: str, created_at: int) -> bytes:
    """The SSE bytes of a whole completed run with the given ids, built with streamkit.testing."""
    run = testing.example_run(run_id=run_id, thread_id=thread_id, created_at=created_at)
    events = testing.run_events(run, [], [], rng=random.Random(run_id))
    return testing.encode(events)


def test_stream_is_byte_identical_to_the_recording(serve: Serve) -> None:
    """A streaming create sends the recording's exact bytes as text/event-stream."""
    _, client = serve(Scene("text-run"), chunk_size=100)
    response = client.post("/threads/thread_a/runs", json=STREAM)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/event-stream")
    assert response.headers["x-request-id"] == "req_1"
    assert response.content == recordings.read_bytes("text-run")


def test_create_thread_and_run_streams_its_scene(serve: Serve) -> None:
    """POST /threads/runs streams too, and its thread becomes known."""
    data = recordings.read_bytes("create-thread-and-run-text")
    _, client = serve(Scene(data))
    # The recording's last event lacks its closing blank line: the server adds it.
    assert client.post("/threads/runs", json=STREAM).content == data + b"\n"
    run = streamkit.replay(data).final_run
    assert run is not None
    listed = client.get(f"/threads/{run.thread_id}/runs").json()
    assert [r["id"] for r in listed["data"]] == [run.id]


def test_drop_after_events_ends_the_body_after_exactly_n_events(serve: Serve) -> None:
    """drop_after_events=5: the body is a prefix holding exactly 5 events and no done."""
    _, client = serve(Scene("text-run", drop_after_events=5), chunk_size=7)
    body = client.post("/threads/thread_a/runs", json=STREAM).content
    events = decode(body)
    assert len(events) == 5
    assert all(event.event != "done" for event in events)
    assert recordings.read_bytes("text-run").startswith(body)


def test_abrupt_drop_breaks_the_http_framing(serve: Serve) -> None:
    """abrupt=True closes the connection mid-response: httpx raises after the events."""
    _, client = serve(Scene("text-run", drop_after_events=3, abrupt=True))
    received = bytearray()

    def read() -> None:
        with client.stream("POST", "/threads/thread_a/runs", json=STREAM) as response:
            for chunk in response.iter_raw():
                received.extend(chunk)

    with pytest.raises(httpx.RemoteProtocolError):
        read()
    assert len(decode(bytes(received))) == 3


def test_state_after_a_dropped_stream_is_the_end_of_the_scene(serve: Serve) -> None:
    """Retrieving after a cut stream gives the run as the whole scene ends it."""
    data = recordings.read_bytes("text-run")
    _, client = serve(Scene(data, drop_after_events=2))
    client.post("/threads/thread_a/runs", json=STREAM)
    final = streamkit.replay(data).final_run
    assert final is not None
    retrieved = client.get(f"/threads/thread_a/runs/{final.id}").json()
    assert retrieved == streamkit.to_dict(final)
    assert retrieved["status"] == "completed"


@pytest.mark.parametrize(("status", "retry_after"), [(500, None), (429, 0.25)])
def test_error_scene_then_the_stream_on_retry(
    serve: Serve, status: int, retry_after: float | None
) -> None:
    """A status scene answers the error (with Retry-After on 429); the retry gets the stream."""
    server, client = serve(Scene("text-run", status=status, retry_after=retry_after))
    failed = client.post("/threads/thread_a/runs", json=STREAM)
    assert failed.status_code == status
    assert set(failed.json()["error"]) == {"message", "type", "param", "code"}
    assert failed.headers.get("retry-after") == (None if retry_after is None else "0.25")
    assert server.scenes_left == 1
    retried = client.post("/threads/thread_a/runs", json=STREAM)
    assert retried.status_code == 200
    assert retried.content == recordings.read_bytes("text-run")
    assert server.scenes_left == 0


def test_fail_times_repeats_the_error(serve: Serve) -> None:
    """fail_times=2 answers two requests with the error before streaming."""
    _, client = serve(Scene("text-run", status=503, fail_times=2))
    codes = [client.post("/threads/t/runs", json=STREAM).status_code for _ in range(3)]
    assert codes == [503, 503, 200]


def test_retrieve_list_and_steps_agree_with_the_stream(serve: Serve) -> None:
    """Retrieve, list runs and list steps return the stream's final snapshots."""
    _, client = serve(Scene("text-run"))
    body = client.post("/threads/thread_a/runs", json=STREAM).content
    accumulator = streamkit.replay(body)
    final = accumulator.final_run
    assert final is not None
    wire = streamkit.to_dict(final)
    assert client.get(f"/threads/thread_a/runs/{final.id}").json() == wire
    # The run is also reachable under the thread id inside the stream.
    assert client.get(f"/threads/{final.thread_id}/runs/{final.id}").json() == wire
    listed = client.get("/threads/thread_a/runs").json()
    assert listed == {
        "object": "list",
        "data": [wire],
        "first_id": final.id,
        "last_id": final.id,
        "has_more": False,
    }
    steps = client.get(f"/threads/thread_a/runs/{final.id}/steps").json()
    assert steps["data"] == [streamkit.to_dict(s) for s in accumulator.run_steps.values()]


def test_non_streaming_create_returns_the_first_run_then_retrieve_the_last(serve: Serve) -> None:
    """Without stream, create answers the queued run as JSON; retrieve gives the final one."""
    _, client = serve(Scene("function-call-requires-action"))
    created = client.post("/threads/thread_a/runs", json={"assistant_id": "asst_1"})
    assert created.headers["content-type"] == "application/json"
    assert created.json()["status"] == "queued"
    run_id = created.json()["id"]
    assert client.get(f"/threads/thread_a/runs/{run_id}").json()["status"] == "requires_action"


def test_submit_tool_outputs_streams_the_continuation(serve: Serve) -> None:
    """submit_tool_outputs checks the call ids, then streams the next scene and updates the run."""
    _, client = serve(Scene("function-call-requires-action"), Scene("function-call-continuation"))
    run = streamkit.replay(client.post("/threads/t/runs", json=STREAM).content).final_run
    assert run is not None
    assert run.required_action is not None
    calls = run.required_action.submit_tool_outputs.tool_calls
    url = f"/threads/t/runs/{run.id}/submit_tool_outputs"
    wrong = client.post(url, json={"tool_outputs": [{"tool_call_id": "x", "output": "1"}]})
    assert wrong.status_code == 400
    outputs = [{"tool_call_id": call.id, "output": "42"} for call in calls]
    body = client.post(url, json={"tool_outputs": outputs, "stream": True}).content
    assert body == recordings.read_bytes("function-call-continuation")
    assert client.get(f"/threads/t/runs/{run.id}").json()["status"] == "completed"
    steps = client.get(f"/threads/t/runs/{run.id}/steps", params={"order": "asc"}).json()
    assert [step["status"] for step in steps["data"]] == ["completed", "completed"]


def test_load_makes_a_run_known_without_a_request(serve: Serve) -> None:
    """load() registers a scene's final state, so submit_tool_outputs finds the waiting run."""
    server, client = serve(Scene("function-call-continuation"))
    server.load(Scene("function-call-requires-action"), thread_id="t")
    assert server.requests == []
    run = client.get("/threads/t/runs").json()["data"][0]
    assert run["status"] == "requires_action"
    calls = run["required_action"]["submit_tool_outputs"]["tool_calls"]
    outputs = [{"tool_call_id": call["id"], "output": "1"} for call in calls]
    url = f"/threads/t/runs/{run['id']}/submit_tool_outputs"
    assert client.post(url, json={"tool_outputs": outputs}).json()["status"] == "queued"
    assert client.get(f"/threads/t/runs/{run['id']}").json()["status"] == "completed"


def test_repeat_starts_the_script_over(serve: Serve) -> None:
    """With repeat=True the script never runs out."""
    server, client = serve(Scene("text-run"), repeat=True)
    for _ in range(3):
        assert client.post("/threads/t/runs", json=STREAM).status_code == 200
    assert server.scenes_left == 1


def test_pagination_with_after_limit_and_has_more(serve: Serve) -> None:
    """List runs pages by cursor: limit, after, before, order and has_more."""
    scenes = [Scene(built_run(f"run_{i}", "thread_p", 1_700_000_000 + i)) for i in range(5)]
    _, client = serve(*scenes)
    for _ in scenes:
        assert client.post("/threads/thread_p/runs", json={"assistant_id": "a"}).status_code == 200
    first = client.get("/threads/thread_p/runs", params={"limit": 2}).json()
    assert [r["id"] for r in first["data"]] == ["run_4", "run_3"]
    assert (first["first_id"], first["last_id"], first["has_more"]) == ("run_4", "run_3", True)
    seen, after = [], None
    while True:
        params: dict[str, Any] = {"limit": 2, "order": "asc"}
        if after is not None:
            params["after"] = after
        page = client.get("/threads/thread_p/runs", params=params).json()
        seen += [r["id"] for r in page["data"]]
        if not page["has_more"]:
            break
        after = page["last_id"]
    assert seen == [f"run_{i}" for i in range(5)]
    before = client.get("/threads/thread_p/runs", params={"before": "run_1", "limit": 2}).json()
    assert [r["id"] for r in before["data"]] == ["run_3", "run_2"]
    assert before["has_more"] is True
    bad = client.get("/threads/thread_p/runs", params={"limit": 0})
    assert bad.status_code == 400


def test_steps_strip_file_search_content_unless_included(serve: Serve) -> None:
    """Step list and retrieve drop results' content unless include[] asks for it."""
    _, client = serve(Scene("file-search-with-citation"))
    run = streamkit.replay(client.post("/threads/t/runs", json=STREAM).content).final_run
    assert run is not None
    url = f"/threads/t/runs/{run.id}/steps"

    def results(steps: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
        return [
            result
            for step in steps
            if step["step_details"]["type"] == "tool_calls"
            for call in step["step_details"]["tool_calls"]
            for result in call["file_search"]["results"]
        ]

    plain = results(client.get(url).json()["data"])
    assert plain
    assert all("content" not in result for result in plain)
    included = client.get(url, params={"include[]": FILE_SEARCH_CONTENT}).json()["data"]
    assert all(result["content"] for result in results(included))
    step_id = next(s["id"] for s in included if s["step_details"]["type"] == "tool_calls")
    one = client.get(f"{url}/{step_id}").json()
    assert "content" not in results([one])[0]
    one = client.get(f"{url}/{step_id}", params={"include[]": FILE_SEARCH_CONTENT}).json()
    assert results([one])[0]["content"]
    assert client.get(url, params={"include": FILE_SEARCH_CONTENT}).status_code == 400


def test_cancel_then_cancelled_on_the_next_retrieve(serve: Serve) -> None:
    """Cancel answers cancelling; the next retrieve shows cancelled; a second cancel fails."""
    _, client = serve(Scene("function-call-requires-action"))
    run_id = client.post("/threads/t/runs", json={"assistant_id": "a"}).json()["id"]
    cancel = client.post(f"/threads/t/runs/{run_id}/cancel")
    assert cancel.json()["status"] == "cancelling"
    retrieved = client.get(f"/threads/t/runs/{run_id}").json()
    assert retrieved["status"] == "cancelled"
    assert retrieved["cancelled_at"] is not None
    assert client.post(f"/threads/t/runs/{run_id}/cancel").status_code == 400


def test_modify_sets_metadata(serve: Serve) -> None:
    """Modify replaces the run's metadata, which retrieve then shows."""
    _, client = serve(Scene("text-run"))
    run_id = client.post("/threads/t/runs", json={"assistant_id": "a"}).json()["id"]
    modified = client.post(f"/threads/t/runs/{run_id}", json={"metadata": {"k": "v"}})
    assert modified.json()["metadata"] == {"k": "v"}
    assert client.get(f"/threads/t/runs/{run_id}").json()["metadata"] == {"k": "v"}
    assert client.post(f"/threads/t/runs/{run_id}", json={"other": 1}).status_code == 400


def test_auth_and_request_ids(serve: Serve) -> None:
    """Without the right bearer key: 401 invalid_api_key; every response has x-request-id."""
    server, client = serve(Scene("text-run"))
    assert server.base_url is not None
    anonymous = httpx.post(f"{server.base_url}/threads/t/runs", json=STREAM)
    assert anonymous.status_code == 401
    assert anonymous.json() == {
        "error": {
            "message": "Incorrect API key provided.",
            "type": "invalid_request_error",
            "code": "invalid_api_key",
            "param": None,
        }
    }
    wrong = client.get("/threads/t/runs", headers={"Authorization": "Bearer nope"})
    assert wrong.status_code == 401
    assert [anonymous.headers["x-request-id"], wrong.headers["x-request-id"]] == [
        "req_1",
        "req_2",
    ]
    assert server.scenes_left == 1


def test_errors_have_the_api_shape(serve: Serve) -> None:
    """Unknown thread, run, step and URL are 404s; a missing beta header or body key is 400."""
    _, client = serve(Scene("text-run"))
    run_id = client.post("/threads/t/runs", json={"assistant_id": "a"}).json()["id"]
    for path in (
        "/threads/nope/runs",
        "/threads/t/runs/run_nope",
        f"/threads/t/runs/{run_id}/steps/step_nope",
        "/nothing/here",
    ):
        response = client.get(path)
        assert response.status_code == 404, path
        assert set(response.json()["error"]) == {"message", "type", "param", "code"}
    no_beta = client.get("/threads/t/runs", headers={"OpenAI-Beta": ""})
    assert no_beta.status_code == 400
    missing = client.post("/threads/t/runs", json={"stream": True})
    assert missing.json()["error"]["param"] == "assistant_id"
    exhausted = client.post("/threads/t/runs", json=STREAM)
    assert exhausted.json()["error"]["code"] == "mock_script_exhausted"


def test_faults_on_json_endpoints(serve: Serve) -> None:
    """Faults answer 500 then 429 (with Retry-After) for matching requests, then succeed."""
    faults = [
        Fault("GET", "/threads/t/runs/*", 500),
        Fault("GET", "/threads/t/runs/*", 429, retry_after=1),
    ]
    server, client = serve(Scene("text-run"), faults=faults)
    run_id = client.post("/threads/t/runs", json={"assistant_id": "a"}).json()["id"]
    answers = [client.get(f"/threads/t/runs/{run_id}") for _ in range(3)]
    assert [a.status_code for a in answers] == [500, 429, 200]
    assert answers[1].headers["retry-after"] == "1"
    server.add_fault(Fault("POST", "/threads/t/runs", 502))
    server.add_scene(Scene("text-run"))
    assert client.post("/threads/t/runs", json=STREAM).status_code == 502
    assert client.post("/threads/t/runs", json=STREAM).status_code == 200


def test_requests_are_recorded(serve: Serve) -> None:
    """Each request is kept: method, path, query lists, JSON body and lowercased headers."""
    server, client = serve(Scene("text-run"))
    client.post("/threads/t/runs", json=STREAM, headers={"X-Custom": "yes"})
    client.get("/threads/t/runs", params=[("limit", "1"), ("order", "asc")])
    first, second = server.requests
    assert (first.method, first.path, first.json) == ("POST", "/v1/threads/t/runs", STREAM)
    assert first.headers["x-custom"] == "yes"
    assert first.headers["authorization"] == f"Bearer {API_KEY}"
    assert first.headers["openai-beta"] == "assistants=v2"
    assert json.loads(first.body) == STREAM
    assert (second.method, second.query, second.json) == (
        "GET",
        {"limit": ["1"], "order": ["asc"]},
        None,
    )
    assert [r.request_id for r in server.requests] == ["req_1", "req_2"]


def test_chunk_delay_slows_the_stream(serve: Serve) -> None:
    """A scene's chunk_delay spaces its chunks: each arrives as a read of its own."""
    data = recordings.read_bytes("text-run")
    _, client = serve(Scene(data, chunk_delay=0.05), chunk_size=-(-len(data) // 4))
    with client.stream("POST", "/threads/t/runs", json=STREAM) as response:
        reads = list(response.iter_raw())
    assert data == b"".join(reads)
    assert 4 == len(reads)  # 50 ms apart: never coalesced into fewer reads


def test_stop_is_idempotent_and_cuts_open_streams() -> None:
    """stop() ends a slow stream in progress and may be called twice; the context manager works."""
    with MockAssistantsServer(script=[Scene("text-run")], chunk_delay=0.2) as server:
        assert server.base_url is not None
        with (
            httpx.Client(headers=HEADERS) as client,
            client.stream("POST", f"{server.base_url}/threads/t/runs", json=STREAM) as response,
        ):
            chunks = response.iter_raw()
            next(chunks)
            server.stop()  # returns although a stream is still being served
            with pytest.raises(httpx.RemoteProtocolError):
                list(chunks)
    server.stop()


def test_command_line_prints_the_base_url() -> None:
    """python -m streamkit.mockserver prints its base URL and serves the recording."""
    process = subprocess.Popen(
        [sys.executable, "-m", "streamkit.mockserver", "--port", "0", "--recording", "text-run"],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        base_url = process.stdout.readline().strip()
        assert base_url.startswith("http://127.0.0.1:")
        assert base_url.endswith("/v1")
        response = httpx.post(f"{base_url}/threads/t/runs", json=STREAM, headers=HEADERS)
        assert response.content == recordings.read_bytes("text-run")
    finally:
        process.terminate()
        process.wait(10)
        if process.stdout is not None:
            process.stdout.close()


def test_restart_serves_again() -> None:
    """A stopped server starts again (on a new port) and streams its next scene in full."""
    server = MockAssistantsServer(script=[Scene("text-run"), Scene("text-run")])
    try:
        for _ in range(2):
            base_url = server.start()
            response = httpx.post(f"{base_url}/threads/t/runs", json=STREAM, headers=HEADERS)
            assert response.content == recordings.read_bytes("text-run")
            server.stop()
        assert server.scenes_left == 0
        assert 2 == len(server.requests)
    finally:
        server.stop()


def test_bad_chunk_size_is_refused() -> None:
    with pytest.raises(ValueError, match="chunk_size must be at least 1, not 0"):
        MockAssistantsServer(chunk_size=0)


def test_public_names(capsys: pytest.CaptureFixture[str]) -> None:
    """Every name of __all__ resolves; `streamkit serve-mock` runs the mock server's main."""
    import streamkit.cli
    import streamkit.mockserver

    for name in streamkit.mockserver.__all__:
        assert getattr(streamkit.mockserver, name) is not None
    with pytest.raises(SystemExit) as exit_info:
        streamkit.cli.main(["serve-mock", "--help"])
    assert exit_info.value.code == 0
    assert capsys.readouterr().out.startswith("usage: streamkit serve-mock")


# --- Item: a recording's unterminated last event ------------------------------------------------


@pytest.mark.parametrize("name", ["text-then-server-error", "create-thread-and-run-text"])
def test_the_last_event_of_a_recording_is_terminated(serve: Serve, name: str) -> None:
    """A recording whose last event lacks its blank line is served with it: nothing is lost."""
    data = recordings.read_bytes(name)
    assert not data.endswith(b"\n\n")  # the recording as bundled
    _, client = serve(Scene(name))
    body = client.post("/threads/t/runs", json=STREAM).content
    assert body == data + b"\n"
    decoder = streamkit.SSEDecoder()  # spec-compliant: a partial event at the end is dropped
    events = decoder.feed(body)
    assert not decoder.has_partial_event
    assert [event.event for event in events] == [event.event for event in decode(data + b"\n\n")]
    assert events[-1].event == ("error" if name == "text-then-server-error" else "done")


def test_a_stream_ending_in_an_error_leaves_its_run_failed(serve: Serve) -> None:
    """After an `error` event, retrieve and list show the run failed, its open parts closed."""
    _, client = serve(Scene("text-then-server-error"))
    body = client.post("/threads/t/runs", json=STREAM).content
    accumulator = streamkit.replay(body, strict=False)
    (run_id,) = accumulator.runs
    assert accumulator.runs[run_id].status == "in_progress"  # as the stream left it
    retrieved = client.get(f"/threads/t/runs/{run_id}").json()
    assert retrieved["status"] == "failed"
    assert retrieved["failed_at"] is not None
    assert retrieved["expires_at"] is None
    assert retrieved["last_error"]["code"] == "server_error"
    assert client.get("/threads/t/runs").json()["data"][0]["status"] == "failed"
    steps = client.get(f"/threads/t/runs/{run_id}/steps").json()["data"]
    assert steps
    assert {step["status"] for step in steps} <= {"completed", "failed"}
    (message_id,) = accumulator.messages
    message = client.get(f"/threads/t/messages/{message_id}").json()
    assert message["status"] == "incomplete"
    assert message["incomplete_details"] == {"reason": "run_failed"}


# --- Item: a client that goes away early -----------------------------------------------------


def test_a_client_gone_early_floods_no_log(serve: Serve, caplog: pytest.LogCaptureFixture) -> None:
    """A client reading one chunk, then closing: the server logs no socket.send() flood."""
    data = recordings.read_bytes("text-run") * 10  # long enough to be sending when it closes
    server, client = serve(Scene(data))
    with caplog.at_level(logging.WARNING):
        with client.stream("POST", "/threads/t/runs", json=STREAM) as response:
            next(response.iter_raw())
        server.stop()  # joins the server's thread: everything it would log is logged
    assert [r.getMessage() for r in caplog.records if "socket.send" in r.getMessage()] == []


def test_the_app_stops_sending_when_the_client_disconnects() -> None:
    """Driven as ASGI with a send that never blocks: after a disconnect, no more chunks go out."""
    data = recordings.read_bytes("text-run")
    server = MockAssistantsServer(script=[Scene(data)], chunk_size=64)
    sent: list[dict[str, Any]] = []
    request = json.dumps(STREAM).encode()
    received = [{"type": "http.request", "body": request, "more_body": False}]

    async def receive() -> dict[str, Any]:
        return received.pop() if received else {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)  # as uvicorn's send with room in the socket: no suspension

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/v1/threads/t/runs",
        "raw_path": b"/v1/threads/t/runs",
        "root_path": "",
        "query_string": b"",
        "headers": [(b"openai-beta", b"assistants=v2"), (b"content-type", b"application/json")],
        "server": ("127.0.0.1", 80),
        "client": ("127.0.0.1", 1234),
    }
    asyncio.run(server.app(scope, receive, send))
    assert sent[0]["status"] == 200
    chunks = [m for m in sent if m["type"] == "http.response.body" and m["body"]]
    assert len(chunks) <= 2 < -(-len(data) // 64)
    assert all(m.get("more_body") for m in sent[1:])  # cut off, never finished


# --- Item: request bodies and recorded credentials ----------------------------------------------


def test_a_body_over_the_cap_is_a_413(serve: Serve) -> None:
    """A body over max_body_size is not buffered: 413 in the API's error shape."""
    server, client = serve(Scene("text-run"), max_body_size=1000)
    small = client.post("/threads/t/runs", content=b" " * 1000, headers={"X-N": "1"})
    assert small.status_code == 400  # read whole: not JSON, so the API's 400
    big = client.post("/threads/t/runs", content=b" " * 1001)
    assert big.status_code == 413
    assert set(big.json()["error"]) == {"message", "type", "param", "code"}
    assert "1000 bytes" in big.json()["error"]["message"]

    def chunked() -> Iterator[bytes]:
        yield b" " * 600
        yield b" " * 600

    assert client.post("/threads/t/runs", content=chunked()).status_code == 413
    assert [len(r.body) for r in server.requests] == [1000, 0, 0]
    assert server.scenes_left == 1


def test_a_declared_300_mb_body_is_refused_before_it_is_read(serve: Serve) -> None:
    """Content-Length over the default cap (1 MiB): 413 at once, the body never read."""
    server, _ = serve(Scene("text-run"))
    assert server.base_url is not None
    host, port = server.base_url.split("//")[1].split("/")[0].split(":")
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        sock.sendall(
            b"POST /v1/threads/t/runs HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            b"Content-Length: 314572800\r\n\r\n{"
        )
        head = sock.recv(65536)
    assert head.startswith(b"HTTP/1.1 413 ")
    assert server.requests[-1].body == b""


def test_the_recorded_request_repr_masks_the_authorization(serve: Serve) -> None:
    """repr(RecordedRequest) shows the other headers but never the API key."""
    server, client = serve(Scene("text-run"))
    client.get("/threads/t/runs")
    (request,) = server.requests
    assert request.headers["authorization"] == f"Bearer {API_KEY}"  # the value itself is kept
    text = repr(request)
    assert API_KEY not in text
    assert "'authorization': '<masked>'" in text
    assert "'openai-beta': 'assistants=v2'" in text
