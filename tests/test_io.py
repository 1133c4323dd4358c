"""Byte sources: paths, gzip, files, stdin, iterables, and httpx responses.

HTTP is tested twice: against httpx's MockTransport (sync and async), and
against a real HTTP server on loopback that streams a recording in small
chunked-encoding pieces.
"""

from __future__ import annotations

import gzip
import http.server
import io
import json
import os
import subprocess
import sys
import threading
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

import streamkit.io as skio
from streamkit import ResponseError, ServerSentEvent, SSEDecoder, recordings

RECORDING = recordings.read_bytes("parallel-function-calls")


def decode_whole(data: bytes) -> list[ServerSentEvent]:
    decoder = SSEDecoder()
    return decoder.feed(data) + decoder.close()


EXPECTED = decode_whole(RECORDING)


def pieces(data: bytes, size: int) -> list[bytes]:
    return [data[i : i + size] for i in range(0, len(data), size)]


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


class TestSources:
    def test_expected_is_not_trivial(self) -> None:
        """The recording used below has the events these tests look for."""
        assert len(EXPECTED) == RECORDING.count(b"\nevent: ") + RECORDING.startswith(b"event: ")
        assert len(EXPECTED) >= 15

    @pytest.mark.parametrize("kind", [bytes, bytearray, memoryview])
    def test_bytes(self, kind: type) -> None:
        """A whole stream in memory is a source."""
        assert EXPECTED == list(skio.iter_sse(kind(RECORDING)))

    def test_path_as_str_and_pathlike(self, tmp_path: Path) -> None:
        """A path, as str or os.PathLike, is opened, read and closed."""
        path = tmp_path / "run.sse"
        path.write_bytes(RECORDING)
        assert EXPECTED == list(skio.iter_sse(path))
        assert EXPECTED == list(skio.iter_sse(str(path), chunk_size=7))

    @pytest.mark.parametrize("name", ["run.sse.gz", "run-without-suffix"])
    def test_gzip_path_is_detected_by_content(self, tmp_path: Path, name: str) -> None:
        """Gzip logs are decompressed, recognised by magic number, not by suffix."""
        path = tmp_path / name
        path.write_bytes(gzip.compress(RECORDING))
        assert EXPECTED == list(skio.iter_sse(path, chunk_size=100))

    def test_binary_file_is_read_and_left_open(self) -> None:
        """An open binary file is read to the end and left open for its owner."""
        file = io.BufferedReader(io.BytesIO(RECORDING))  # type: ignore[arg-type]
        assert EXPECTED == list(skio.iter_sse(file, chunk_size=64))
        assert not file.closed

    def test_file_without_read1(self) -> None:
        """A file object with only read() works too."""

        class ReadOnly:
            def __init__(self) -> None:
                self._data = io.BytesIO(RECORDING)

            def read(self, size: int = -1, /) -> bytes:
                return self._data.read(size)

        assert EXPECTED == list(skio.iter_sse(ReadOnly(), chunk_size=10))

    def test_text_file_is_refused_clearly(self) -> None:
        """A text-mode file gets a TypeError saying to open it in binary mode."""
        with pytest.raises(TypeError, match=r"binary mode|'rb'"):
            list(skio.iter_sse(io.StringIO("data: x\n\n")))  # type: ignore[arg-type]

    def test_iterable_of_reads(self) -> None:
        """Any iterable of bytes is a source; read boundaries do not matter."""
        assert EXPECTED == list(skio.iter_sse(pieces(RECORDING, 1)))
        assert EXPECTED == list(skio.iter_sse(iter(pieces(RECORDING, 333))))

    def test_unknown_source(self) -> None:
        """Something that is no source is refused with a TypeError naming its type."""
        with pytest.raises(TypeError, match="int"):
            list(skio.iter_sse(42))  # type: ignore[arg-type]

    def test_sources_are_lazy(self, tmp_path: Path) -> None:
        """Nothing is opened before iteration starts, so a missing file fails on next()."""
        events = skio.iter_sse(tmp_path / "missing.sse")
        with pytest.raises(FileNotFoundError):
            next(events)

    def test_dispatch_at_close_option(self) -> None:
        """iter_sse passes dispatch_at_close to its decoder, for logs that lost the last newline."""
        data = b"data: a\n\nevent: done\ndata: [DONE]\n"
        assert [ServerSentEvent(data="a")] == list(skio.iter_sse(data))
        with_last = list(skio.iter_sse(data, dispatch_at_close=True))
        assert ServerSentEvent("done", "[DONE]") == with_last[-1]

    def test_stdin(self) -> None:
        """sys.stdin.buffer is a source: `... | python -c` reads events from a pipe."""
        code = (
            "import sys, streamkit.io as io; print(sum(1 for _ in io.iter_sse(sys.stdin.buffer)))"
        )
        result = subprocess.run(
            [sys.executable, "-c", code], input=RECORDING, capture_output=True, check=True
        )
        assert str(len(EXPECTED)) == result.stdout.decode().strip()

    def test_pipe_events_arrive_before_the_pipe_closes(self) -> None:
        """A file read yields what is available: a live pipe is not held until 64 KiB come."""
        read_end, write_end = os.pipe()
        got: list[ServerSentEvent] = []
        with os.fdopen(read_end, "rb") as reader:
            os.write(write_end, b"data: first\n\n")
            thread = threading.Thread(target=lambda: got.append(next(skio.iter_sse(reader))))
            thread.start()
            thread.join(timeout=10)  # a liveness bound, not a timing assertion
            alive = thread.is_alive()
            os.close(write_end)  # unblocks the reader if it was (wrongly) waiting for more
            thread.join()
        assert not alive
        assert [ServerSentEvent(data="first")] == got

    @pytest.mark.anyio
    async def test_async_sources(self, tmp_path: Path) -> None:
        """aiter_sse takes every sync source (files read in a thread) and async iterables."""
        path = tmp_path / "run.sse.gz"
        path.write_bytes(gzip.compress(RECORDING))

        async def reads() -> AsyncIterator[bytes]:
            for piece in pieces(RECORDING, 5):
                yield piece

        file = io.BufferedReader(io.BytesIO(RECORDING))  # type: ignore[arg-type]
        sources: list[Any] = [RECORDING, path, file, pieces(RECORDING, 9), reads()]
        for source in sources:
            assert EXPECTED == [event async for event in skio.aiter_sse(source, chunk_size=50)]


# --- HTTP with httpx's MockTransport ----------------------------------------


def sse_response(
    request: httpx.Request, body: bytes = RECORDING, size: int = 37, *, is_async: bool = False
) -> httpx.Response:
    """A 200 event-stream response whose body arrives in ``size``-byte pieces."""
    chunks = pieces(body, size)

    async def achunks() -> AsyncIterator[bytes]:
        for chunk in chunks:
            yield chunk

    return httpx.Response(
        200,
        headers={"content-type": "text/event-stream; charset=windows-1252"},
        content=achunks() if is_async else iter(chunks),
        request=request,
    )


class TestMockTransport:
    def test_connect_sse(self) -> None:
        """connect_sse sends the SSE request headers and decodes the body with streamkit."""
        seen: list[httpx.Request] = []

        def handler(request: httpx.Request) -> httpx.Response:
            seen.append(request)
            return sse_response(request)

        with (
            httpx.Client(transport=httpx.MockTransport(handler)) as client,
            skio.connect_sse(
                client, "POST", "https://api.test/v1/threads/t/runs", json={"stream": True}
            ) as source,
        ):
            assert EXPECTED == list(source.iter_sse())
        [request] = seen
        assert "text/event-stream" == request.headers["accept"]
        assert "no-store" == request.headers["cache-control"]
        assert {"stream": True} == json.loads(request.content)

    def test_charset_parameter_is_ignored(self) -> None:
        """R1: the body is UTF-8 whatever charset the Content-Type names."""

        def handler(request: httpx.Request) -> httpx.Response:
            return sse_response(request, "data: é…😀\n\n".encode())

        with (
            httpx.Client(transport=httpx.MockTransport(handler)) as client,
            skio.connect_sse(client, "GET", "https://api.test/stream") as source,
        ):
            assert [ServerSentEvent(data="é…😀")] == list(source.iter_sse())

    def test_iter_sse_over_a_streamed_response(self) -> None:
        """iter_sse takes a response opened with client.stream(...)."""

        def handler(request: httpx.Request) -> httpx.Response:
            return sse_response(request, size=1)

        with (
            httpx.Client(transport=httpx.MockTransport(handler)) as client,
            client.stream("GET", "https://api.test/stream") as response,
        ):
            assert EXPECTED == list(skio.iter_sse(response))

    def test_http_error_says_what_came_back(self) -> None:
        """An HTTP error becomes a ResponseError: status, API error code and message, request id."""
        body = {
            "error": {
                "message": "No thread found with id 't'.",
                "type": "invalid_request_error",
                "param": None,
                "code": None,
            }
        }

        def handler(request: httpx.Request) -> httpx.Response:
            return httpx.Response(404, json=body, headers={"x-request-id": "req_123"})

        with (
            httpx.Client(transport=httpx.MockTransport(handler)) as client,
            skio.connect_sse(
                client,
                "POST",
                "https://api.test/v1/threads/t/runs?api-key=secret",
                headers={"Authorization": "Bearer sk-secret"},
            ) as source,
            pytest.raises(ResponseError) as info,
        ):
            list(source.iter_sse())
        error = info.value
        assert (404, "invalid_request_error", "req_123") == (
            error.status_code,
            error.error_code,
            error.request_id,
        )
        assert "No thread found with id 't'." == error.error_message
        message = str(error)
        assert "HTTP 404" in message
        assert "POST https://api.test/v1/threads/t/runs" in message
        assert "secret" not in message  # neither the key header nor the query string

    def test_http_error_without_json(self) -> None:
        """A non-JSON error body is described by its type and size."""

        def handler(request: httpx.Request) -> httpx.Response:
            return httpx.Response(
                502, text="<html>bad gateway</html>", headers={"content-type": "text/html"}
            )

        with (
            httpx.Client(transport=httpx.MockTransport(handler)) as client,
            client.stream("GET", "https://api.test/stream") as response,
            pytest.raises(ResponseError, match=r"HTTP 502 Bad Gateway.*text/html"),
        ):
            list(skio.iter_sse(response))

    def test_wrong_content_type(self) -> None:
        """A 200 that is not text/event-stream is refused, naming what it was."""

        def handler(request: httpx.Request) -> httpx.Response:
            return httpx.Response(200, json={"id": "run_1", "object": "thread.run"})

        with (
            httpx.Client(transport=httpx.MockTransport(handler)) as client,
            skio.connect_sse(client, "POST", "https://api.test/v1/threads/t/runs") as source,
            pytest.raises(ResponseError, match="application/json") as info,
        ):
            list(source.iter_sse())
        assert (200, "application/json") == (info.value.status_code, info.value.content_type)

    def test_decoder_state_is_reachable(self) -> None:
        """The EventSource exposes its decoder for last_event_id and retry."""

        def handler(request: httpx.Request) -> httpx.Response:
            return sse_response(request, b"retry: 1500\nid: 7\ndata: x\n\n")

        with (
            httpx.Client(transport=httpx.MockTransport(handler)) as client,
            skio.connect_sse(client, "GET", "https://api.test/stream") as source,
        ):
            list(source.iter_sse())
        assert ("7", 1500) == (source.decoder.last_event_id, source.decoder.retry)

    @pytest.mark.anyio
    async def test_aconnect_sse(self) -> None:
        """aconnect_sse is the async twin, over an httpx.AsyncClient."""

        async def handler(request: httpx.Request) -> httpx.Response:
            return sse_response(request, size=3, is_async=True)

        async with httpx.AsyncClient(transport=httpx.MockTransport(handler)) as client:
            async with skio.aconnect_sse(client, "POST", "https://api.test/runs") as source:
                events = [event async for event in source.aiter_sse()]
            assert EXPECTED == events
            async with client.stream("GET", "https://api.test/runs") as response:
                assert EXPECTED == [event async for event in skio.aiter_sse(response)]

    @pytest.mark.anyio
    async def test_async_http_error(self) -> None:
        """The async path reads the error body and raises the same ResponseError."""

        async def handler(request: httpx.Request) -> httpx.Response:
            return httpx.Response(
                429, json={"error": {"code": "rate_limit_exceeded", "message": "Slow down."}}
            )

        async with (
            httpx.AsyncClient(transport=httpx.MockTransport(handler)) as client,
            skio.aconnect_sse(client, "POST", "https://api.test/runs") as source,
        ):
            with pytest.raises(ResponseError, match=r"rate_limit_exceeded: Slow down\."):
                [event async for event in source.aiter_sse()]


# --- A real HTTP server on loopback -----------------------------------------


class _StreamingHandler(http.server.BaseHTTPRequestHandler):
    """Streams the recording with chunked transfer encoding, 11 bytes a chunk.

    ``/gated`` sends the first event, then waits for the test to open the gate
    before sending the rest: it proves events reach the client while the
    response is still open.
    """

    protocol_version = "HTTP/1.1"
    gate: threading.Event

    def log_message(self, format: str, *args: Any) -> None:
        """Keep the test output clean."""

    def _chunk(self, data: bytes) -> None:
        self.wfile.write(f"{len(data):x}\r\n".encode() + data + b"\r\n")
        self.wfile.flush()

    def do_POST(self) -> None:
        length = int(self.headers.get("content-length", "0"))
        self.rfile.read(length)
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        if self.path == "/gated":
            self._chunk(b"data: first\n\n")
            self.gate.wait(timeout=10)
            self._chunk(b"data: second\n\n")
        else:
            for piece in pieces(RECORDING, 11):
                self._chunk(piece)
        self.wfile.write(b"0\r\n\r\n")
        self.wfile.flush()


@pytest.fixture
def server() -> Iterator[tuple[str, threading.Event]]:
    gate = threading.Event()
    handler = type("Handler", (_StreamingHandler,), {"gate": gate})
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}", gate
    finally:
        gate.set()
        httpd.shutdown()
        httpd.server_close()
        thread.join()


class TestLoopbackServer:
    def test_sync_client(self, server: tuple[str, threading.Event]) -> None:
        """A real chunked HTTP stream decodes to the same events as the bytes at rest."""
        base_url, _ = server
        with (
            httpx.Client(base_url=base_url) as client,
            skio.connect_sse(client, "POST", "/stream", json={"stream": True}) as source,
        ):
            assert EXPECTED == list(source.iter_sse())

    @pytest.mark.anyio
    async def test_async_client(self, server: tuple[str, threading.Event]) -> None:
        """The same through httpx.AsyncClient."""
        base_url, _ = server
        async with (
            httpx.AsyncClient(base_url=base_url) as client,
            skio.aconnect_sse(client, "POST", "/stream", json={"stream": True}) as source,
        ):
            assert EXPECTED == [event async for event in source.aiter_sse()]

    def test_events_arrive_while_the_response_is_open(
        self, server: tuple[str, threading.Event]
    ) -> None:
        """The first event is delivered before the server sends anything more."""
        base_url, gate = server
        with (
            httpx.Client(base_url=base_url) as client,
            skio.connect_sse(client, "POST", "/gated") as source,
        ):
            events = source.iter_sse()
            first = next(events)
            assert not gate.is_set()  # the server is still holding the rest back
            gate.set()
            assert [ServerSentEvent(data="first"), ServerSentEvent(data="second")] == [
                first,
                *events,
            ]
