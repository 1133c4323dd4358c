"""``streamkit serve``: a stream shown live in a browser, and a data channel any UI can reuse.

The pieces, from the source to the browser:

* a *source* is an async iterator of events: :func:`recording_events` (SSE bytes from a
  file, stdin or a :class:`ChunkFeed`, decoded and optionally paced), :func:`run_events`
  and :func:`response_events` (a live run or response through :class:`streamkit.AsyncClient`);
* :class:`Channel` feeds them to an accumulator of the stream's protocol (lenient: a bad
  event is an anomaly on the page, not the end), turns each event's Changes into a patch
  (:class:`streamkit.PatchEncoder`), numbers it and keeps the last ones, and the document
  they build (the accumulator's :func:`streamkit.export_json` plus ``source``: the stream's
  state, its title and, if it failed, why);
* :func:`create_app` is the Starlette app: ``/`` the page, ``/app.js`` and ``/style.css``
  its code, ``/snapshot`` the document, ``/events`` the patches over SSE; nothing else;
* :class:`WebServer` runs it with uvicorn, in a background thread (:meth:`WebServer.start`,
  for tests and programs) or in the calling one (:meth:`WebServer.serve`, for the CLI).

``/events``: the first message is ``event: reset`` with the whole document, then one
``event: patch`` per event that changed something (a JSON list of operations, see
:mod:`streamkit._export`). Every message has an id (``<channel>-<number>``); a client that
reconnects with ``Last-Event-ID`` (as ``EventSource`` does by itself, or ``?last_event_id=``)
gets the patches it missed, or a reset when they are no longer kept or the id is another
channel's. Once the source is over and everything was sent, the response ends.

Safe by default: bound to 127.0.0.1, and then answering only requests that name it as their
``Host`` (a web page cannot reach it through DNS rebinding); the document holds the stream's
content and nothing else (no API key, headers, base URL or options); the page never puts
stream text into HTML (it builds text nodes), and its Content-Security-Policy allows only its
own script and style, and images from ``data:`` URLs.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
import secrets
import socket
import threading
from collections import deque
from collections.abc import AsyncIterator, Callable, Iterable, Iterator, Mapping, Sequence
from importlib import resources
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route
from starlette.types import Receive, Scope, Send

from streamkit._export import PatchEncoder, apply_patch
from streamkit._protocols import accumulator_for, protocol_of
from streamkit._uvicorn import listening_socket, serve_in_thread, server_config
from streamkit.errors import (
    AccumulateError,
    DecodeError,
    ParseError,
    ResponseError,
    StreamError,
    StreamkitError,
)
from streamkit.sse import ServerSentEvent, SSEDecoder, encode_sse

__all__ = [
    "KEEPALIVE_SECONDS",
    "LOG_BYTES",
    "LOOPBACK",
    "RETRY_MS",
    "Channel",
    "ChunkFeed",
    "WebServer",
    "create_app",
    "recording_events",
    "response_events",
    "run_events",
]

#: The address served by default; any other one is reachable from elsewhere.
LOOPBACK = "127.0.0.1"
#: The reconnection time ``/events`` asks of ``EventSource``, in milliseconds.
RETRY_MS = 1000
#: A comment is sent on an idle ``/events`` this often, so that proxies keep it open.
KEEPALIVE_SECONDS = 15.0
#: The patches kept for reconnecting clients, in bytes (older ones are dropped: a client
#: that missed those gets the whole document again).
LOG_BYTES = 32 << 20

#: Headers of every answer: the page runs its own script and style only, shows images
#: from data: URLs only, and cannot be framed; nothing is sniffed or cached or referred.
_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}

#: The page's files: URL path -> (file in static/, media type).
_STATIC = {
    "/": ("index.html", "text/html; charset=utf-8"),
    "/app.js": ("app.js", "text/javascript; charset=utf-8"),
    "/style.css": ("style.css", "text/css; charset=utf-8"),
}

# A Responses event names itself in its JSON (OpenRouter sends no event: lines).
_TYPE = re.compile(r'"type"\s*:\s*"([^"]{1,100})"')


# --- Sources ------------------------------------------------------------------------------------


class ChunkFeed:
    """Bytes handed to the server from any thread, read by it as an async iterator.

    The reader thread of a file or of stdin puts chunks in; so can a program or a test
    that gets its bytes elsewhere. :meth:`put` waits while ``limit`` chunks are unread,
    so a large file is not read ahead into memory.

    Args:
        limit: how many chunks may wait unread.
    """

    def __init__(self, limit: int = 16) -> None:
        self._limit = limit
        self._chunks: deque[bytes] = deque()
        self._lock = threading.Condition()
        self._closed = False
        self._error: BaseException | None = None
        self._cancelled = False
        self._wake: tuple[asyncio.AbstractEventLoop, asyncio.Event] | None = None

    def put(self, chunk: bytes) -> bool:
        """Hand over ``chunk`` (from any thread); False once the reader has stopped."""
        with self._lock:
            while len(self._chunks) >= self._limit and not self._cancelled:
                self._lock.wait(0.1)
            if self._cancelled or self._closed:
                return False
            self._chunks.append(bytes(chunk))
            self._notify()
        return True

    def close(self, error: BaseException | None = None) -> None:
        """The end of the bytes (from any thread); ``error`` is raised where the reader meets it."""
        with self._lock:
            if not self._closed:
                self._closed = True
                self._error = error
                self._notify()

    def cancel(self) -> None:
        """The reader stopped: :meth:`put` returns False from now on."""
        with self._lock:
            self._cancelled = True
            self._lock.notify_all()

    def _notify(self) -> None:
        # Under the lock. The reader waits on an asyncio.Event of its own loop.
        wake = self._wake
        if wake is not None:
            self._wake = None
            loop, event = wake
            with contextlib.suppress(RuntimeError):  # the loop is gone: nobody waits
                loop.call_soon_threadsafe(event.set)

    async def __aiter__(self) -> AsyncIterator[bytes]:
        loop = asyncio.get_running_loop()
        try:
            while True:
                with self._lock:
                    if self._chunks:
                        chunk: bytes | None = self._chunks.popleft()
                        self._lock.notify_all()
                    elif self._closed:
                        if self._error is not None:
                            raise self._error
                        return
                    else:
                        chunk = None
                        event = asyncio.Event()
                        self._wake = (loop, event)
                if chunk is None:
                    await event.wait()
                else:
                    yield chunk
        finally:
            self.cancel()


def read_into(feed: ChunkFeed, chunks: Iterable[bytes]) -> threading.Thread:
    """Start a daemon thread that puts ``chunks`` (a file's reads, stdin's) into ``feed``.

    A daemon, so that a read blocked on stdin never keeps the process alive; an error of
    the source (a missing file, a cut-off .gz) is handed on to the reader of ``feed``.
    """

    def read() -> None:
        try:
            for chunk in chunks:
                if not feed.put(chunk):
                    return
        except BaseException as exc:  # handed to the reader, who reports it
            feed.close(exc)
        else:
            feed.close()

    thread = threading.Thread(target=read, name="streamkit-serve-reader", daemon=True)
    thread.start()
    return thread


def _event_name(event: ServerSentEvent) -> str:
    if event.event != "message":
        return event.event
    found = _TYPE.search(event.data[:300])
    return found.group(1) if found else ""


def pause_before(event: ServerSentEvent) -> float:
    """How long a live stream would take to bring ``event``, in seconds (a demo's pace).

    Deltas follow each other quickly (30-40 ms); an object starting or ending takes a few
    hundred milliseconds, the end of a streamed text a few tens.
    """
    name = _event_name(event)
    if name.endswith(".delta"):
        return 0.04 if "text" in name or "message" in name else 0.03
    if name in ("thread.run.created", "response.created"):
        return 0.1
    if name.endswith(("queued", "in_progress")):
        return 0.4
    if name.startswith("response.") and name.endswith(".done") and "item" not in name:
        return 0.05
    if name in ("", "keepalive"):
        return 0.0
    return 0.25


async def recording_events(
    chunks: AsyncIterator[bytes] | ChunkFeed,
    *,
    speed: float = 0.0,
    sleep: Callable[[float], Any] = asyncio.sleep,
) -> AsyncIterator[ServerSentEvent]:
    """The events of a recorded (or piped) stream, at a live stream's pace times ``speed``.

    Args:
        chunks: the SSE bytes, e.g. a :class:`ChunkFeed` filled by :func:`read_into`.
        speed: 1 is the demo's pace, 2 twice as fast, 0 as fast as they come.
        sleep: what pauses (for tests).
    """
    decoder = SSEDecoder(dispatch_at_close=True)  # a recording may lack its last blank line
    first = True
    async for chunk in chunks:
        for event in decoder.feed(chunk):
            if speed > 0 and not first:
                await sleep(pause_before(event) / speed)
            first = False
            yield event
    for event in decoder.close():
        yield event


async def run_events(
    *, thread: str, assistant: str, api_key: str | None = None, base_url: str | None = None
) -> AsyncIterator[Any]:
    """A new run's events, live: ``POST /threads/{thread}/runs`` with ``stream: true``."""
    from streamkit._assistants.async_client import AsyncClient

    async with (
        AsyncClient(api_key=api_key, base_url=base_url) as client,
        client.runs.stream(thread, assistant_id=assistant) as stream,
    ):
        async for event in stream:
            yield event


async def response_events(
    *,
    model: str | None = None,
    input: str | None = None,  # the API's parameter name
    response: str | None = None,
    api_key: str | None = None,
    base_url: str | None = None,
) -> AsyncIterator[Any]:
    """A response's events, live: a new one (``model``, ``input``), or a background one
    attached to from its start (``response``), resumed if the connection drops."""
    from streamkit._assistants.async_client import AsyncClient

    async with AsyncClient(api_key=api_key, base_url=base_url) as client:
        if response is not None:
            stream = client.responses.resume(response, starting_after=None)
        else:
            if model is None or input is None:
                msg = "a new response needs a model and an input"
                raise ValueError(msg)
            stream = client.responses.stream(model=model, input=input)
        async with stream:
            async for event in stream:
                yield event


def shown_error(error: BaseException) -> str:
    """What the page says about a source's error: what went wrong, never the configuration.

    A stream's own errors (bad bytes, a bad event, the server's ``error`` event) are told
    as streamkit tells them (positions, never payload text). An HTTP error is its status
    and the API's error code only: the message names the request's URL, which is the
    client's configuration. Anything else is its kind only (the terminal has the rest).
    """
    if isinstance(error, DecodeError | ParseError | AccumulateError | StreamError):
        return str(error)
    if isinstance(error, ResponseError):
        code = f" ({error.error_code})" if error.error_code else ""
        return f"the API answered HTTP {error.status_code}{code}"
    if isinstance(error, StreamkitError):
        return f"{type(error).__name__} (see the terminal)"
    return f"the source failed: {type(error).__name__} (see the terminal)"


# --- The channel ---------------------------------------------------------------------------------


def _dumps(value: Any) -> str:
    try:
        text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
        text.encode("utf-8")
    except UnicodeEncodeError:
        # A lone surrogate (JSON may escape one): as an escape, which JSON.parse reads back.
        text = json.dumps(value, separators=(",", ":"))
    return text


class Channel:
    """A stream's document and numbered patches, for ``/snapshot`` and ``/events``.

    Runs on the server's event loop (not thread-safe: use :meth:`WebServer.call`). Feed it
    a source with :meth:`run`, or events with :meth:`feed`.

    Args:
        title: what the page calls the stream (a file's name; None for a live one).
        log_bytes: how many bytes of patches to keep for reconnecting clients.

    Attributes:
        id: this channel's id, the first part of its event ids (a client with another
            channel's id gets the whole document).
        document: the source's state (``source``) and the accumulator's export.
        number: the number of the last message (0: none yet).
    """

    def __init__(self, *, title: str | None = None, log_bytes: int = LOG_BYTES) -> None:
        self.id = secrets.token_hex(4)
        self.document: dict[str, Any] = {
            "source": {"state": "waiting", "title": title, "error": None}
        }
        self.number = 0
        #: What failed the source (shown in the terminal; the page gets :func:`shown_error`).
        self.error: BaseException | None = None
        #: Called with the document once the source is over (ended, failed or stopped).
        self.on_over: Callable[[dict[str, Any]], None] | None = None
        self.accumulator: Any = None
        self._encoder: PatchEncoder | None = None
        self._log: deque[tuple[int, bytes]] = deque()
        self._log_bytes = 0
        self._log_limit = log_bytes
        self._wake = asyncio.Event()
        # Bumped to end every open /events response (their clients reconnect).
        self._generation = 0

    @property
    def over(self) -> bool:
        """Whether the source is over (ended, failed or stopped): nothing more will come."""
        return self.document["source"]["state"] in ("ended", "failed", "stopped")

    def event_id(self, number: int | None = None) -> str:
        """The SSE id of message ``number`` (default: the last one)."""
        return f"{self.id}-{self.number if number is None else number}"

    def publish(self, ops: list[dict[str, Any]]) -> None:
        """Apply a patch to the document and send it to every client."""
        if not ops:
            return
        text = _dumps(ops)
        self.document = apply_patch(self.document, json.loads(text))
        self.number += 1
        message = encode_sse(text, event="patch", id=self.event_id())
        self._log.append((self.number, message))
        self._log_bytes += len(message)
        while self._log_bytes > self._log_limit and len(self._log) > 1:
            self._log_bytes -= len(self._log.popleft()[1])
        self._wake_all()

    def _wake_all(self) -> None:
        self._wake.set()
        self._wake = asyncio.Event()

    def set_source(self, **fields: Any) -> None:
        """Change the source's state (``state``, ``error``) for the page."""
        self.publish(
            [
                {"op": "set", "path": ["source", key], "value": value}
                for key, value in fields.items()
                if self.document["source"].get(key) != value
            ]
        )

    def feed(self, event: Any) -> None:
        """Feed one event (a ServerSentEvent or a typed event) and publish what it changed."""
        if self.accumulator is None:
            self.accumulator = accumulator_for(protocol_of(event), strict=False)
            self._encoder = PatchEncoder(self.accumulator)
        encoder = self._encoder
        assert encoder is not None
        changes = self.accumulator.feed(event)
        self.publish(encoder.encode(changes))

    async def run(self, events: AsyncIterator[Any]) -> None:
        """Feed a source to the end; its state and any error go to the page."""
        self.set_source(state="streaming")
        try:
            async for event in events:
                self.feed(event)
                # A source that never waits (a file at speed 0) still lets clients in.
                await asyncio.sleep(0)
        except asyncio.CancelledError:
            self.set_source(state="stopped")
            raise
        except Exception as exc:
            self.error = exc
            self.set_source(state="failed", error=shown_error(exc))
        else:
            self.set_source(state="ended")
        finally:
            closer = getattr(events, "aclose", None)
            if closer is not None:
                with contextlib.suppress(Exception):
                    await closer()
            if self.on_over is not None:
                self.on_over(self.document)

    def disconnect(self) -> None:
        """End every open ``/events`` response (their clients reconnect and catch up)."""
        self._generation += 1
        self._wake_all()

    def messages_after(self, last_event_id: str | None) -> list[bytes]:
        """What a client that saw ``last_event_id`` needs: the patches after it, or a reset."""
        channel, _, number = (last_event_id or "").rpartition("-")
        if channel == self.id and number.isdigit():
            seen = int(number)
            if seen == self.number:
                return []
            oldest = self._log[0][0] if self._log else self.number + 1
            if oldest <= seen + 1 and seen < self.number:
                return [message for number, message in self._log if number > seen]
        return [self.reset_message()]

    def reset_message(self) -> bytes:
        """The whole document, as the message that replaces a client's."""
        return encode_sse(_dumps(self.document), event="reset", id=self.event_id())

    async def stream(self, last_event_id: str | None, disconnected: asyncio.Event) -> Any:
        """The messages of one ``/events`` response, as they come (an async generator)."""
        generation = self._generation
        yield encode_sse(comment="streamkit live view", retry=RETRY_MS)
        pending = self.messages_after(last_event_id)
        sent = self.number
        while True:
            for message in pending:
                yield message
            if self.over and sent == self.number:
                return  # everything was sent and nothing more will come
            wake = self._wake
            if sent == self.number:
                waiter = asyncio.ensure_future(wake.wait())
                gone = asyncio.ensure_future(disconnected.wait())
                try:
                    done, _ = await asyncio.wait(
                        {waiter, gone},
                        timeout=KEEPALIVE_SECONDS,
                        return_when=asyncio.FIRST_COMPLETED,
                    )
                finally:
                    waiter.cancel()
                    gone.cancel()
                if disconnected.is_set() or generation != self._generation:
                    return
                if not done:
                    pending = [b": keepalive\n\n"]
                    continue
            pending = self.messages_after(self.event_id(sent))
            sent = self.number


# --- The app ---------------------------------------------------------------------------------


async def _nothing() -> AsyncIterator[bytes]:
    return
    yield b""  # pragma: no cover - makes this an async generator


class _EventStream(StreamingResponse):
    """``/events``: the channel's messages until the client goes or the stream is over."""

    def __init__(self, channel: Channel, last_event_id: str | None) -> None:
        # No body of its own (so no Content-Length): __call__ sends the channel's messages.
        super().__init__(
            _nothing(),
            headers={**_HEADERS, "X-Accel-Buffering": "no"},
            media_type="text/event-stream",
        )
        self._channel = channel
        self._last = last_event_id

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        disconnected = asyncio.Event()

        async def watch() -> None:
            while (await receive())["type"] != "http.disconnect":
                pass
            disconnected.set()

        watcher = asyncio.ensure_future(watch())
        try:
            await send({"type": "http.response.start", "status": 200, "headers": self.raw_headers})
            async for message in self._channel.stream(self._last, disconnected):
                if disconnected.is_set():
                    return
                await send({"type": "http.response.body", "body": message, "more_body": True})
            await send({"type": "http.response.body", "body": b"", "more_body": False})
        except OSError:
            return  # the client went while we wrote
        finally:
            watcher.cancel()


def _static(name: str) -> bytes:
    return resources.files("streamkit._web").joinpath("static", name).read_bytes()


def create_app(
    channel: Channel,
    *,
    start: Callable[[], Any] | None = None,
    allowed_hosts: Sequence[str] | None = (LOOPBACK, "localhost"),
) -> Starlette:
    """The Starlette app of a channel: the page, ``/snapshot`` and ``/events``, nothing else.

    Args:
        channel: what to serve.
        start: called on startup on the server's loop (e.g. to start feeding the channel);
            may return an awaitable, run as a task and cancelled at shutdown.
        allowed_hosts: the ``Host`` names answered (None: any, for a server bound to an
            outside address on purpose).
    """
    files = {path: (_static(name), media) for path, (name, media) in _STATIC.items()}

    async def page(request: Request) -> Response:
        body, media = files[request.url.path]
        return Response(body, media_type=media, headers=_HEADERS)

    async def snapshot(request: Request) -> Response:
        # The id of the last patch in the document, to follow /events from there on.
        headers = {**_HEADERS, "Streamkit-Event-Id": channel.event_id()}
        return JSONResponse(channel.document, headers=headers)

    async def events(request: Request) -> Response:
        last = request.headers.get("last-event-id") or request.query_params.get("last_event_id")
        return _EventStream(channel, last)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        task = None
        if start is not None:
            started = start()
            if asyncio.iscoroutine(started):
                task = asyncio.ensure_future(started)
        try:
            yield
        finally:
            channel.disconnect()
            if task is not None:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await task

    routes = [Route(path, page, methods=["GET"]) for path in _STATIC]
    routes += [
        Route("/snapshot", snapshot, methods=["GET"]),
        Route("/events", events, methods=["GET"]),
    ]
    middleware = []
    if allowed_hosts is not None:
        middleware.append(Middleware(TrustedHostMiddleware, allowed_hosts=list(allowed_hosts)))
    return Starlette(routes=routes, middleware=middleware, lifespan=lifespan)


# --- The server ---------------------------------------------------------------------------------


class _Server(uvicorn.Server):
    """uvicorn's server, ending the open ``/events`` responses first when asked to stop.

    Otherwise they would hold the shutdown for uvicorn's whole graceful timeout and then be
    cancelled mid-write, each with a logged traceback.
    """

    def __init__(self, config: uvicorn.Config, stopping: Callable[[], None]) -> None:
        super().__init__(config)
        self._stopping = stopping

    def handle_exit(self, sig: int, frame: Any) -> None:
        self._stopping()
        super().handle_exit(sig, frame)


class WebServer:
    """A stream's live web view, served by uvicorn.

    Args:
        events: makes the source (an async iterator of events) on the server's loop, e.g.
            ``lambda: recording_events(feed, speed=1)``.
        title: what the page calls the stream.
        host: the address to listen on (another than 127.0.0.1 makes the stream readable by
            whoever reaches the machine; the CLI warns).
        port: the port; 0 picks a free one.

    Attributes:
        channel: the stream's :class:`Channel`.
        url: ``http://HOST:PORT/`` once listening.
    """

    def __init__(
        self,
        events: Callable[[], AsyncIterator[Any]],
        *,
        title: str | None = None,
        host: str = LOOPBACK,
        port: int = 0,
    ) -> None:
        self.channel = Channel(title=title)
        self._events = events
        self._host = host
        self._port = port
        self.url: str | None = None
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        loopback = host in (LOOPBACK, "localhost")
        self.app = create_app(
            self.channel,
            start=self._start_source,
            allowed_hosts=(LOOPBACK, "localhost") if loopback else None,
        )

    def _start_source(self) -> Any:
        self._loop = asyncio.get_running_loop()
        return self.channel.run(self._events())

    def _prepare(self) -> tuple[_Server, socket.socket]:
        sock = listening_socket(self._host, self._port)
        port = sock.getsockname()[1]
        shown = f"[{self._host}]" if ":" in self._host else self._host
        self.url = f"http://{shown}:{port}/"
        config = server_config(self.app, "on")
        return _Server(config, self._disconnect_soon), sock

    def _disconnect_soon(self) -> None:
        """End the open ``/events`` responses, from any thread (or a signal handler)."""
        loop = self._loop
        if loop is not None:
            with contextlib.suppress(RuntimeError):  # the loop already closed
                loop.call_soon_threadsafe(self.channel.disconnect)

    def serve(self, ready: Callable[[str], None] | None = None) -> None:
        """Serve in this thread until Ctrl-C (or :meth:`stop` from another thread).

        Args:
            ready: called with the URL once the socket listens, before the source starts
                (e.g. to print it and open a browser: connections wait to be accepted).

        Raises:
            OSError: the address cannot be listened on.
        """
        server, sock = self._prepare()
        self._server = server
        if ready is not None:
            ready(self.url or "")
        server.run(sockets=[sock])

    def start(self) -> str:
        """Serve in a background thread; returns the URL once listening.

        Raises:
            OSError: the address cannot be listened on.
            RuntimeError: already running, or the server did not come up.
        """
        if self._thread is not None:
            msg = "the web view is already running"
            raise RuntimeError(msg)
        server, sock = self._prepare()
        thread = serve_in_thread(server, sock, "streamkit-serve", "web view")
        self._server, self._thread = server, thread
        assert self.url is not None
        return self.url

    def call(self, function: Callable[[], Any]) -> Any:
        """Run ``function`` on the server's loop (from another thread) and return its result."""
        loop = self._loop
        if loop is None:
            msg = "the web view is not running"
            raise RuntimeError(msg)

        async def run() -> Any:
            return function()

        return asyncio.run_coroutine_threadsafe(run(), loop).result(10)

    def disconnect_clients(self) -> None:
        """End every open ``/events`` response now (clients reconnect with Last-Event-ID)."""
        self.call(self.channel.disconnect)

    def stop(self) -> None:
        """Stop serving (open streams are cut) and join the thread. Does nothing if stopped."""
        server, thread = self._server, self._thread
        if server is None:
            return
        if self._loop is not None:
            with contextlib.suppress(RuntimeError):
                self.call(self.channel.disconnect)
        server.should_exit = True
        if thread is not None:
            thread.join(10)
        self._server = self._thread = None

    def __enter__(self) -> WebServer:
        self.start()
        return self

    def __exit__(self, *_exc_info: object) -> None:
        self.stop()


def chunks_of(data: bytes, size: int = 1 << 16) -> Iterator[bytes]:
    """``data`` in reads of ``size`` bytes."""
    for start in range(0, len(data), size):
        yield data[start : start + size]


def summary(document: Mapping[str, Any]) -> str:
    """The document in one line, for the terminal: protocol, objects, state."""
    state = document.get("source", {}).get("state")
    if document.get("protocol") == "responses":
        items = sum(len(r.get("output") or ()) for r in document.get("responses") or ())
        return f"{len(document.get('responses') or ())} response(s), {items} item(s); {state}"
    steps = len(document.get("run_steps") or ())
    return f"{len(document.get('runs') or ())} run(s), {steps} step(s); {state}"
