"""The web view's server over real HTTP (no browser): /events, /snapshot, reconnects, safety,
live sources through the client against the mock server, and the ``serve`` command line."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

pytest.importorskip("starlette")
pytest.importorskip("uvicorn")

import streamkit
from streamkit import recordings
from streamkit._web import server as web
from streamkit._web.command import response_source, run_source
from streamkit.errors import DecodeError, ResponseError, TransportError
from streamkit.mockserver import MockServer, ResponseScene, Scene
from streamkit.sse import ServerSentEvent, SSEDecoder
from tests.waiting import wait_until

RECORDINGS = Path(recordings.__file__).parent
SECRET = "sk-test-SECRETKEY-0123456789"


def _event_chunks(name: str) -> list[bytes]:
    """A recording cut into its events' bytes (each with its blank line)."""
    data = (RECORDINGS / name).read_bytes().replace(b"\r\n", b"\n")
    pieces = [piece + b"\n\n" for piece in data.split(b"\n\n") if piece.strip()]
    return pieces


class Reader:
    """A client of /events: applies reset and patches as the page does."""

    def __init__(self) -> None:
        self.document: Any = None
        self.messages: list[ServerSentEvent] = []

    def apply(self, event: ServerSentEvent) -> None:
        self.messages.append(event)
        if event.event == "reset":
            self.document = json.loads(event.data)
        elif event.event == "patch":
            self.document = streamkit.apply_patch(self.document, json.loads(event.data))

    @property
    def last_id(self) -> str | None:
        return self.messages[-1].id if self.messages else None

    def read(
        self,
        url: str,
        *,
        headers: dict[str, str] | None = None,
        until: Callable[[Reader], bool] | None = None,
    ) -> bytes:
        """Read /events until the response ends (or ``until`` holds); the raw bytes."""
        decoder = SSEDecoder()
        raw = b""
        with (
            httpx.Client(timeout=10) as client,
            client.stream("GET", url + "events", headers=headers or {}) as response,
        ):
            assert 200 == response.status_code
            assert response.headers["content-type"].startswith("text/event-stream")
            for chunk in response.iter_bytes():
                raw += chunk
                for event in decoder.feed(chunk):
                    self.apply(event)
                    if until is not None and until(self):
                        return raw
        return raw


@pytest.fixture
def fed() -> Iterator[tuple[web.WebServer, web.ChunkFeed, str]]:
    """A server of a feed the test fills."""
    feed = web.ChunkFeed()
    server = web.WebServer(lambda: web.recording_events(feed), title="test stream")
    url = server.start()
    try:
        yield server, feed, url
    finally:
        feed.close()
        server.stop()


def _snapshot(url: str) -> tuple[dict[str, Any], str]:
    response = httpx.get(url + "snapshot", timeout=10)
    assert 200 == response.status_code
    return response.json(), response.headers["streamkit-event-id"]


def _number(url: str) -> int:
    return int(_snapshot(url)[1].rpartition("-")[2])


# --- /events and /snapshot ----------------------------------------------------------------------


@pytest.mark.parametrize("name", ["demo-code-interpreter.sse", "demo-responses.sse"])
def test_events_rebuild_the_snapshot(
    fed: tuple[web.WebServer, web.ChunkFeed, str], name: str
) -> None:
    """A reset, then one patch per event that changed something; the response ends with the
    stream, and what the patches built is /snapshot, which is the accumulator's export."""
    server, feed, url = fed
    for chunk in _event_chunks(name):
        feed.put(chunk)
    feed.close()
    reader = Reader()
    raw = reader.read(url)
    snapshot, last_id = _snapshot(url)
    assert snapshot == reader.document
    assert "ended" == snapshot["source"]["state"]
    assert "test stream" == snapshot["source"]["title"]
    expected = streamkit.export_json(streamkit.replay(RECORDINGS / name, strict=False))
    assert expected == {key: value for key, value in snapshot.items() if key != "source"}
    assert last_id == reader.last_id
    assert raw.startswith(b": streamkit live view\nretry: 1000\n\n")
    kinds = {message.event for message in reader.messages}
    assert {"reset", "patch"} >= kinds
    numbers = [int(message.id.rpartition("-")[2]) for message in reader.messages if message.id]
    assert numbers == sorted(numbers)
    assert server.channel.id == reader.messages[0].id.rpartition("-")[0]


def test_a_reconnect_gets_what_it_missed(fed: tuple[web.WebServer, web.ChunkFeed, str]) -> None:
    """Last-Event-ID (the header EventSource sends, or ?last_event_id=): the patches after it,
    no reset; the end result is the same as without the break."""
    server, feed, url = fed
    chunks = _event_chunks("demo-code-interpreter.sse")
    for chunk in chunks[:40]:
        feed.put(chunk)
    wait_until(lambda: _number(url) >= 35)
    seen = _number(url)
    reader = Reader()
    reader.read(url, until=lambda r: r.last_id is not None and r.last_id.endswith(f"-{seen}"))
    for chunk in chunks[40:90]:
        feed.put(chunk)
    wait_until(lambda: _number(url) > seen + 30)
    before = len(reader.messages)
    reader.read(
        url,
        headers={"Last-Event-ID": reader.last_id or ""},
        until=lambda r: len(r.messages) > before + 30,
    )
    resumed = reader.messages[before:]
    assert "patch" == resumed[0].event
    assert resumed[0].id == f"{server.channel.id}-{seen + 1}"
    middle = len(reader.messages)
    for chunk in chunks[90:]:
        feed.put(chunk)
    feed.close()
    reader.read(url)  # a fresh connection, without an id: the whole document first
    fresh = reader.messages[middle]
    assert "reset" == fresh.event
    assert _snapshot(url)[0] == reader.document


def test_the_query_parameter_resumes_too(fed: tuple[web.WebServer, web.ChunkFeed, str]) -> None:
    server, feed, url = fed
    for chunk in _event_chunks("text-run.sse"):
        feed.put(chunk)
    feed.close()
    wait_until(lambda: _snapshot(url)[0]["source"]["state"] == "ended")
    resumed_from = f"{server.channel.id}-3"
    response = httpx.get(url + "events", params={"last_event_id": resumed_from}, timeout=10)
    events = SSEDecoder().feed(response.content)
    assert "patch" == events[0].event
    assert f"{server.channel.id}-4" == events[0].id
    assert server.channel.number == int(events[-1].id.rpartition("-")[2])


def test_a_forgotten_or_foreign_id_gets_the_whole_document() -> None:
    """Patches no longer kept, another channel's id, nonsense: a reset with the document."""
    channel = web.Channel(title=None, log_bytes=2000)
    for event in SSEDecoder(dispatch_at_close=True).feed(
        (RECORDINGS / "text-run.sse").read_bytes()
    ):
        channel.feed(event)
    assert channel.number > 20
    oldest = channel._log[0][0]  # what the bound kept
    assert oldest > 2
    for last in (f"{channel.id}-1", f"other-{channel.number}", "garbage", "", f"{channel.id}-9999"):
        (message,) = channel.messages_after(last)
        event = SSEDecoder().feed(message)[0]
        assert "reset" == event.event
        assert channel.document == json.loads(event.data)
        assert channel.event_id() == event.id
    kept = channel.messages_after(f"{channel.id}-{oldest - 1}")
    assert channel.number - oldest + 1 == len(kept)
    assert [] == channel.messages_after(channel.event_id())


def test_disconnecting_clients_ends_their_responses(
    fed: tuple[web.WebServer, web.ChunkFeed, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The response ends at once: not kept open by keep-alive comments (one per 50 ms here)."""
    server, feed, url = fed
    monkeypatch.setattr(web, "KEEPALIVE_SECONDS", 0.05)
    feed.put(_event_chunks("text-run.sse")[0])
    wait_until(lambda: _number(url) >= 2)
    decoder = SSEDecoder()
    events: list[ServerSentEvent] = []
    after = b""  # what came once the clients were dropped
    dropped = False
    with httpx.Client(timeout=10) as client, client.stream("GET", url + "events") as response:
        for chunk in response.iter_bytes():
            if dropped:
                after += chunk
                if after.count(b": keepalive") >= 20:
                    break  # a second of keep-alives: the response was left open
            events += decoder.feed(chunk)
            if events and not dropped:
                server.disconnect_clients()
                dropped = True
    assert dropped
    assert after.count(b": keepalive") < 20  # ended, not left open (a few may cross the drop)
    assert "reset" == events[0].event


def test_an_idle_stream_gets_keepalive_comments(
    fed: tuple[web.WebServer, web.ChunkFeed, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    _, _, url = fed
    monkeypatch.setattr(web, "KEEPALIVE_SECONDS", 0.05)
    with httpx.Client(timeout=10) as client, client.stream("GET", url + "events") as response:
        raw = b""
        for chunk in response.iter_bytes():
            raw += chunk
            if b": keepalive\n\n" in raw:
                break
    assert b"event: reset" in raw


def test_a_lone_surrogate_travels_as_an_escape() -> None:
    """JSON may carry an unpaired surrogate (escaped); it is sent escaped, as valid UTF-8."""
    channel = web.Channel()
    channel.publish([{"op": "set", "path": ["text"], "value": "a\ud800b"}])
    message = channel._log[-1][1]
    event = SSEDecoder().feed(message)[0]
    assert [{"op": "set", "path": ["text"], "value": "a\ud800b"}] == json.loads(event.data)
    assert "a\ud800b" == channel.document["text"]


# --- safe by default ----------------------------------------------------------------------------


def test_only_the_page_and_the_stream_are_served(
    fed: tuple[web.WebServer, web.ChunkFeed, str],
) -> None:
    _, feed, url = fed
    feed.close()
    with httpx.Client(base_url=url, timeout=10) as client:
        for path, media in [
            ("/", "text/html"),
            ("/app.js", "text/javascript"),
            ("/style.css", "text/css"),
            ("/snapshot", "application/json"),
            ("/events", "text/event-stream"),
        ]:
            response = client.get(path)
            assert 200 == response.status_code, path
            assert response.headers["content-type"].startswith(media)
            assert "script-src 'self'" in response.headers["content-security-policy"]
            assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
            assert "nosniff" == response.headers["x-content-type-options"]
            assert "no-referrer" == response.headers["referrer-policy"]
        for path in ["/index.html", "/static/app.js", "/favicon.ico", "/../pyproject.toml", "/x"]:
            assert 404 == client.get(path).status_code, path
        assert 405 == client.post("/snapshot").status_code
        # Another Host (a page of another site through DNS rebinding): refused.
        assert 400 == client.get("/snapshot", headers={"Host": "attacker.example"}).status_code
        assert 200 == client.get("/snapshot", headers={"Host": "localhost"}).status_code


def test_the_page_is_the_package_data() -> None:
    """index.html, app.js and style.css ship in the package (hatch's wheel takes the folder)."""
    static = Path(web.__file__).parent / "static"
    assert {"index.html", "app.js", "style.css"} <= {path.name for path in static.iterdir()}
    page = (static / "index.html").read_text(encoding="utf-8")
    assert 'src="app.js"' in page
    assert "<script>" not in page  # nothing inline: the CSP allows only 'self'
    assert "http://" not in page
    assert "https://" not in page
    script = (static / "app.js").read_text(encoding="utf-8")
    assert "innerHTML" not in script
    assert "insertAdjacentHTML" not in script
    assert "eval(" not in script


def test_the_error_shown_never_holds_the_configuration() -> None:
    url_error = ResponseError(
        "HTTP 401 Unauthorized from POST http://127.0.0.1:1234/v1/responses: invalid_api_key",
        status_code=401,
        content_type="application/json",
        error_code="invalid_api_key",
    )
    assert "the API answered HTTP 401 (invalid_api_key)" == web.shown_error(url_error)
    connect = TransportError("cannot connect to http://internal.example:8080/v1")
    assert "internal.example" not in web.shown_error(connect)
    assert "TransportError" in web.shown_error(connect)
    assert "event 3: bad bytes" == web.shown_error(DecodeError("event 3: bad bytes"))
    assert "RuntimeError" in web.shown_error(RuntimeError(SECRET))
    assert SECRET not in web.shown_error(RuntimeError(SECRET))


# --- live sources through the client --------------------------------------------------------------


def _serve_until_over(events: Callable[[], Any]) -> tuple[dict[str, Any], bytes, web.WebServer]:
    server = web.WebServer(events, title="live")
    url = server.start()
    try:
        wait_until(lambda: server.channel.over)
        snapshot, _ = _snapshot(url)
        raw = Reader().read(url)
    finally:
        server.stop()
    return snapshot, raw, server


def test_a_live_run_through_the_client_with_nothing_of_the_configuration() -> None:
    with MockServer(script=[Scene("text-run")], api_key=SECRET) as mock:
        assert mock.base_url is not None
        snapshot, raw, _ = _serve_until_over(
            run_source(
                thread="thread_1", assistant="asst_1", api_key=SECRET, base_url=mock.base_url
            )
        )
        host = mock.base_url.split("//")[1].split("/")[0]
    expected = streamkit.export_json(streamkit.replay(RECORDINGS / "text-run.sse", strict=False))
    assert "ended" == snapshot["source"]["state"]
    assert expected["messages"] == snapshot["messages"]
    assert "completed" == snapshot["runs"][0]["status"]
    text = json.dumps(snapshot) + raw.decode()
    for secret in (SECRET, host, "Authorization", "Bearer", "OpenAI-Beta"):
        assert secret not in text


def test_a_live_response_and_an_attached_background_one() -> None:
    scene = ResponseScene("responses-text-logprobs")
    with MockServer(script=[scene], api_key=SECRET) as mock:
        new, raw, _ = _serve_until_over(
            response_source(
                model="gpt-test", input="hi", response=None, api_key=SECRET, base_url=mock.base_url
            )
        )
        response_id = mock.load_response(ResponseScene("responses-background"), background=True)
        attached, _, _ = _serve_until_over(
            response_source(
                model=None, input=None, response=response_id, api_key=SECRET, base_url=mock.base_url
            )
        )
    assert "ended" == new["source"]["state"]
    assert "completed" == new["responses"][0]["status"]
    assert new["responses"][0]["output"][0]["content"][0]["text"]
    assert SECRET not in json.dumps(new) + raw.decode()
    assert "ended" == attached["source"]["state"]
    assert response_id == attached["responses"][0]["id"]
    assert "completed" == attached["responses"][-1]["status"]


def test_a_failing_source_is_shown_without_the_url() -> None:
    with MockServer(script=[Scene("text-run")], api_key=SECRET) as mock:
        snapshot, _, server = _serve_until_over(
            run_source(thread="t", assistant="a", api_key="sk-wrong", base_url=mock.base_url)
        )
        assert mock.base_url is not None
        host = mock.base_url.split("//")[1].split("/")[0]
    assert "failed" == snapshot["source"]["state"]
    assert "the API answered HTTP 401 (invalid_api_key)" == snapshot["source"]["error"]
    assert host not in json.dumps(snapshot)
    assert isinstance(server.channel.error, ResponseError)


def test_the_readme_proxy_streams_patches(monkeypatch: pytest.MonkeyPatch) -> None:
    """The README's Starlette proxy, run against the mock: its patches rebuild the export."""
    from starlette.testclient import TestClient

    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    (example,) = [
        block
        for block in re.findall(r"```python\n(.*?)```", readme, flags=re.DOTALL)
        if "PatchEncoder" in block and "Starlette" in block
    ]
    assert len(example.strip().splitlines()) <= 25
    with MockServer(script=[ResponseScene("responses-text-logprobs")], api_key=SECRET) as mock:
        assert mock.base_url is not None
        monkeypatch.setenv("OPENAI_API_KEY", SECRET)
        monkeypatch.setenv("OPENAI_BASE_URL", mock.base_url)
        namespace: dict[str, Any] = {}
        exec(compile(example, "README.md", "exec"), namespace)
        with TestClient(namespace["app"]) as client:
            response = client.get("/events", params={"q": "hello"})
    assert 200 == response.status_code
    assert response.headers["content-type"].startswith("text/event-stream")
    document: Any = {}
    events = SSEDecoder().feed(response.content)
    assert [str(n) for n in range(1, len(events) + 1)] == [event.id for event in events]
    for event in events:
        document = streamkit.apply_patch(document, json.loads(event.data))
    recording = RECORDINGS / "responses" / "responses-text-logprobs.sse"
    expected = streamkit.export_json(streamkit.replay(recording, strict=False))
    assert expected == document
    assert SECRET not in response.text


def test_recording_source_paces_at_speed() -> None:
    """--speed: a pause before each event after the first (a delta's is short)."""
    import asyncio

    pauses: list[float] = []

    async def sleep(seconds: float) -> None:
        pauses.append(seconds)

    async def collect() -> list[Any]:
        feed = web.ChunkFeed()
        web.read_into(feed, [(RECORDINGS / "text-run.sse").read_bytes()])
        return [event async for event in web.recording_events(feed, speed=2, sleep=sleep)]

    events = asyncio.run(collect())
    assert len(pauses) == len(events) - 1
    assert 0.02 == pytest.approx(min(pauses))  # a message delta, twice as fast
    assert max(pauses) <= 0.25
