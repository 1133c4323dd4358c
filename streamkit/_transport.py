"""The HTTP transports: the one place that sends requests (sync and async, over httpx).

Everything above this module describes requests as sans-IO
:class:`~streamkit._engine.requests.Request` values (the endpoints, the stream
flows); :class:`SyncTransport` and :class:`AsyncTransport` are the two thin
I/O shells that send them. Each offers the same four operations:

``send(request) -> Any``
    a JSON request with retries; returns the parsed JSON body.
``call(call) -> T``
    ``send(call.request)`` parsed by ``call.parse`` (an endpoint's description).
``open(request)``
    a context manager giving the body of an event stream as byte chunks;
    never retried (a run must not be created twice).
``sleep(seconds)``
    the injected wait (tests pass a fake).

The retry policy is written once, as the sans-IO generator :func:`retry_flow`
(as httpx writes its auth flows): it yields :class:`Send` and :class:`Sleep`
steps and is told each attempt's outcome; a short loop per flavour drives it.

The API key is only ever put in the ``Authorization`` header: no message or
repr of a transport contains it.
"""

from __future__ import annotations

import asyncio
import email.utils
import os
import random
import time
import typing
from collections.abc import AsyncGenerator, AsyncIterator, Awaitable, Callable, Generator, Iterator
from contextlib import asynccontextmanager, contextmanager
from functools import partial
from typing import Any, Generic, Protocol, TypeAlias, TypeVar

import attrs
import httpx

from streamkit._aionet import install
from streamkit._engine.requests import RETRY_STATUSES, Request
from streamkit.errors import TransportError
from streamkit.io import (
    acheck_response,
    check_response,
    error_from_body,
    error_not_json,
    redact_url,
)

__all__ = [
    "DEFAULT_BASE_URL",
    "DEFAULT_LIMITS",
    "MAX_BACKOFF",
    "MAX_RETRY_AFTER",
    "POOLS",
    "POOL_SIZE",
    "RETRY_STATUSES",
    "AsyncTransport",
    "Described",
    "Done",
    "Send",
    "Sleep",
    "SyncTransport",
    "TransportOwner",
    "backoff",
    "retry_flow",
]

#: The public API, used when neither ``base_url`` nor ``OPENAI_BASE_URL`` is given.
DEFAULT_BASE_URL = "https://api.openai.com/v1"
#: The longest exponential wait between two tries, in seconds (before jitter).
MAX_BACKOFF = 8.0
#: The longest ``Retry-After`` honoured, so a confused server cannot park a client for hours.
MAX_RETRY_AFTER = 60.0
#: The connection pool of an HTTP client streamkit makes (``http_client=`` one's is its own).
#: A run stream holds its connection for the whole run (HTTP/1.1: one stream per
#: connection), so httpx's default of 100 connections would make the 101st
#: concurrent stream wait for one to end: 1000 lets a program run a thousand
#: streams at once, which is what a bulk job does. Idle connections kept for
#: reuse stay at 100 (httpx's default is 20): enough to start the next batch
#: of requests without new TLS handshakes, few enough not to hold hundreds of
#: idle sockets (each a file descriptor) once a burst is over.
DEFAULT_LIMITS = httpx.Limits(max_connections=1000, max_keepalive_connections=100)
#: An async client streamkit makes holds those connections in :data:`POOLS` pools of
#: :data:`POOL_SIZE` (see :class:`AsyncTransport`): httpcore's pool walks all its
#: connections each time a request starts or ends, so one pool of a thousand makes
#: a thousand concurrent streams pay O(N²) in bookkeeping.
POOL_SIZE = 125
#: The most pools of an async client streamkit makes (``POOLS * POOL_SIZE`` connections).
POOLS = 8

T_co = TypeVar("T_co", covariant=True)
T = TypeVar("T")


class Described(Protocol[T_co]):
    """A described call: the request to send and how to parse its JSON reply."""

    @property
    def request(self) -> Request: ...

    @property
    def parse(self) -> Callable[[Any], T_co]: ...


# --- The retry policy, sans-IO ------------------------------------------------------


@attrs.frozen
class Send:
    """Send the request (again); the flow is then sent the response or the httpx error."""


@attrs.frozen
class Sleep:
    """Wait ``seconds``, then resume the flow (with ``None``)."""

    seconds: float


@attrs.frozen
class Done:
    """The request succeeded: ``payload`` is its parsed JSON body."""

    payload: Any


Step: TypeAlias = "Send | Sleep | Done"
Outcome: TypeAlias = "httpx.Response | httpx.TransportError"


def retry_flow(max_retries: int, where: str) -> Generator[Step, Outcome | None, None]:
    """The retry policy of a JSON request, as steps for a sync or async driver.

    It yields :class:`Send` (the driver sends the request and sends back the
    response, or the ``httpx.TransportError`` it raised), :class:`Sleep`
    (the driver waits and sends back ``None``) and finally :class:`Done`.
    408/409/429/5xx and connection errors are tried again, at most
    ``max_retries`` times, after :func:`backoff`.

    Raises (into the driver):
        TransportError: the connection failed on the last try (``where`` names
            the request; the httpx error is the cause).
        ResponseError: an HTTP error status that is not retried, or the last one;
            or a success whose body is not JSON (not retried).
    """
    attempt = 0
    while True:
        outcome = yield Send()
        if isinstance(outcome, httpx.TransportError):
            if attempt >= max_retries:
                msg = f"{where}: {type(outcome).__name__} after {attempt + 1} attempt(s)"
                raise TransportError(msg) from outcome
            yield Sleep(backoff(attempt, None))
        elif outcome is None:  # a driver that does not keep the protocol
            msg = "retry_flow: Send must be answered with the outcome"
            raise RuntimeError(msg)
        elif outcome.status_code in RETRY_STATUSES and attempt < max_retries:
            yield Sleep(backoff(attempt, outcome.headers.get("retry-after")))
        elif outcome.is_error:
            raise error_from_body(outcome, outcome.content)
        else:
            try:
                payload = outcome.json()
            except ValueError:  # HTML from a proxy, a cut body: never the raw JSONDecodeError
                raise error_not_json(outcome) from None
            yield Done(payload)
            return
        attempt += 1


def backoff(attempt: int, retry_after: str | None) -> float:
    """Seconds before retry ``attempt + 1``: Retry-After if sent, else exponential with jitter.

    ``Retry-After`` (seconds or an HTTP date) is honoured up to
    :data:`MAX_RETRY_AFTER`; without it the wait is ``0.5 * 2**attempt``
    (at most :data:`MAX_BACKOFF`) plus up to a quarter of jitter.
    """
    if retry_after:
        seconds: float | None
        try:
            seconds = float(retry_after)
        except ValueError:
            try:
                seconds = email.utils.parsedate_to_datetime(retry_after).timestamp() - time.time()
            except (TypeError, ValueError):
                seconds = None
        if seconds is not None:
            return min(MAX_RETRY_AFTER, max(0.0, seconds))
    base = min(MAX_BACKOFF, 0.5 * 2.0**attempt)
    return base * (1 + random.random() * 0.25)


# --- The transports -----------------------------------------------------------------


def _body(response: httpx.Response) -> Iterator[bytes]:
    """The body's chunks as they arrive: raw, unless a ``Content-Encoding`` must be undone.

    httpx's decoded iterator only passes raw chunks through when there is no
    encoding, at the cost of one more generator step per chunk; a body httpx
    has already read (an in-memory one) is served by it alone.
    """
    if response.is_stream_consumed or "content-encoding" in response.headers:
        return response.iter_bytes()
    return response.iter_raw()


def _abody(response: httpx.Response) -> AsyncIterator[bytes]:
    """The async twin of :func:`_body`."""
    if response.is_stream_consumed or "content-encoding" in response.headers:
        return response.aiter_bytes()
    return response.aiter_raw()


TransportT = TypeVar("TransportT", bound="_Transport")


class TransportOwner(Generic[TransportT]):
    """What both clients answer from their transport: ``base_url`` and ``max_retries``."""

    transport: TransportT

    @property
    def base_url(self) -> str:
        """The API's base URL (the transport's)."""
        return self.transport.base_url

    @property
    def max_retries(self) -> int:
        """How often a JSON request is tried again (the transport's; settable)."""
        return self.transport.max_retries

    @max_retries.setter
    def max_retries(self, value: int) -> None:
        self.transport.max_retries = value

    def __repr__(self) -> str:
        # Never the key; nor the URL's userinfo or query, which can carry credentials.
        return f"<streamkit.{type(self).__name__} base_url={redact_url(self.base_url)!r}>"


class _Transport:
    """What both transports share: configuration, headers, building requests."""

    _client: httpx.Client | httpx.AsyncClient  # set by each flavour

    def __init__(
        self,
        *,
        api_key: str | None,
        base_url: str | None,
        timeout: float | httpx.Timeout,
        max_retries: int,
        owns_http: bool,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        key = api_key if api_key is not None else os.environ.get("OPENAI_API_KEY")
        if not key:
            msg = "no API key: pass api_key= or set OPENAI_API_KEY"
            raise ValueError(msg)
        self._authorization = f"Bearer {key}"  # private; no repr or message shows it
        url = base_url or os.environ.get("OPENAI_BASE_URL") or DEFAULT_BASE_URL
        #: The API's base URL, without a trailing slash.
        self.base_url: str = url.rstrip("/")
        #: How often a JSON request is tried again (see :func:`retry_flow`).
        self.max_retries = max_retries
        #: Seconds (or an ``httpx.Timeout``) for every request.
        self.timeout = timeout
        #: Seconds, monotonic: what measures deadlines (recovery's ``poll_deadline``).
        self.clock = clock
        self._owns_http = owns_http
        # The base URL as messages show it: no userinfo, no query (``?api-key=``).
        self._shown_base = redact_url(self.base_url)

    def __repr__(self) -> str:
        return f"<streamkit {type(self).__name__} base_url={self._shown_base!r}>"  # never the key

    def headers(self, *, stream: bool = False) -> dict[str, str]:
        """The headers of every request; an event stream's also ask for ``text/event-stream``."""
        headers = {
            "Authorization": self._authorization,
            "OpenAI-Beta": "assistants=v2",
            "Content-Type": "application/json",
        }
        if stream:
            headers["Accept"] = "text/event-stream"
            headers["Cache-Control"] = "no-store"
        return headers

    def build(self, request: Request) -> httpx.Request:
        """The httpx request for ``request``: the URL under the base URL, headers, timeout."""
        return self._client.build_request(
            request.method,
            self.base_url + request.path,
            params=request.params,
            json=request.body,
            headers=self.headers(stream=request.stream),
            timeout=self.timeout,
        )

    def where(self, request: Request) -> str:
        """``METHOD URL`` for messages: no userinfo or query (both can carry credentials)."""
        return f"{request.method} {self._shown_base}{request.path}"

    def _broken(self, request: Request, exc: httpx.TransportError) -> TransportError:
        msg = f"{self.where(request)}: the connection broke ({type(exc).__name__})"
        return TransportError(msg)

    def _unreachable(self, request: Request, exc: httpx.TransportError) -> TransportError:
        return TransportError(f"{self.where(request)}: {type(exc).__name__}")


class SyncTransport(_Transport):
    """Sends :class:`~streamkit._engine.requests.Request` values over an ``httpx.Client``.

    Args:
        api_key: the API key; default ``OPENAI_API_KEY``.
        base_url: default ``OPENAI_BASE_URL``, else the public API.
        timeout: seconds (or an ``httpx.Timeout``) for every request.
        max_retries: how often a JSON request is tried again.
        http_client: an ``httpx.Client`` to use; the transport sets the URL
            and headers on each request, and closes only a client it made.
            Without one, the transport makes one with :data:`DEFAULT_LIMITS`
            (1000 connections, 100 kept alive).
        sleep: what waits between retries.
        clock: seconds, monotonic, for deadlines (tests pass a fake).

    Raises:
        ValueError: no API key was given and ``OPENAI_API_KEY`` is not set.
    """

    _client: httpx.Client

    def __init__(
        self,
        *,
        api_key: str | None = None,
        base_url: str | None = None,
        timeout: float | httpx.Timeout = 60.0,
        max_retries: int = 2,
        http_client: httpx.Client | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__(
            api_key=api_key,
            base_url=base_url,
            timeout=timeout,
            max_retries=max_retries,
            owns_http=http_client is None,
            clock=clock,
        )
        self._client = http_client or httpx.Client(timeout=timeout, limits=DEFAULT_LIMITS)
        self._sleep = sleep

    def close(self) -> None:
        """Close the HTTP client, if this transport made it."""
        if self._owns_http:
            self._client.close()

    def sleep(self, seconds: float) -> None:
        """Wait ``seconds`` with the injected sleep."""
        self._sleep(seconds)

    def send(self, request: Request) -> Any:
        """Send a JSON request, with retries; return the parsed JSON body.

        Raises:
            ResponseError: an HTTP error status (after any retries).
            TransportError: the connection failed (after any retries).
        """
        built = self.build(request)
        flow = retry_flow(self.max_retries, self.where(request))
        step = next(flow)
        while not isinstance(step, Done):
            if isinstance(step, Sleep):
                self.sleep(step.seconds)
                step = flow.send(None)
            else:
                step = flow.send(self._attempt(built))
        return step.payload

    def _attempt(self, built: httpx.Request) -> Outcome:
        try:
            return self._client.send(built)
        except httpx.TransportError as exc:
            return exc

    def call(self, call: Described[T]) -> T:
        """Send a described call and parse its reply."""
        return call.parse(self.send(call.request))

    def connect(self, request: Request) -> httpx.Response:
        """Send a streaming request; the response, its status and body not yet read.

        Most code wants :meth:`open`, which checks and closes the response.

        Raises:
            TransportError: the request could not be sent.
        """
        try:
            return self._client.send(self.build(request), stream=True)
        except httpx.TransportError as exc:
            raise self._unreachable(request, exc) from exc

    @contextmanager
    def open(self, request: Request) -> Iterator[Iterator[bytes]]:
        """Open an event stream: a context manager giving its body's byte chunks.

        Leaving the context closes the response. Not retried.

        Raises:
            ResponseError: an HTTP error status, or not ``text/event-stream``.
            TransportError: the request could not be sent, or (while the
                chunks are read) the connection broke; the httpx error is the cause.
        """
        response = self.connect(request)
        chunks = self._chunks(request, response)
        try:
            check_response(response)
            yield chunks
        finally:
            chunks.close()
            response.close()

    def _chunks(self, request: Request, response: httpx.Response) -> Generator[bytes, None, None]:
        try:
            yield from _body(response)
        except httpx.TransportError as exc:
            raise self._broken(request, exc) from exc


class _Released(httpx.AsyncByteStream):
    """A response body that gives its pool's place back when it is closed (once)."""

    def __init__(self, stream: httpx.AsyncByteStream, release: Callable[[], None]) -> None:
        self._stream = stream
        self._release = release

    def __aiter__(self) -> AsyncIterator[bytes]:
        return self._stream.__aiter__()  # the body's own iterator: no extra step per chunk

    async def aclose(self) -> None:
        release, self._release = self._release, _nothing
        release()
        await self._stream.aclose()


def _nothing() -> None:
    pass


class _Pools:
    """The httpx clients of an async transport that made its own: pools of POOL_SIZE.

    httpcore's connection pool walks every connection it holds each time a
    request starts or ends (``AsyncConnectionPool._assign_requests_to_connections``),
    so N concurrent streams in one pool cost O(N²): at 1000 streams that was 7% of
    the client's CPU. :data:`DEFAULT_LIMITS`' thousand connections are held
    instead by up to :data:`POOLS` clients of :data:`POOL_SIZE` each, made when
    first needed and sharing one cookie jar. A request goes to the first pool
    with fewer than POOL_SIZE requests in flight: up to POOL_SIZE concurrent
    requests use the first pool alone, which keeps up to 100 idle connections
    for reuse, as one pool did (the others keep none: httpcore closes a pool's
    idle connections anyway while it holds more than that). When every pool
    is full, a request waits in the least busy one. Each client's sockets run
    on :mod:`streamkit._aionet`'s asyncio backend instead of anyio's.
    """

    def __init__(self, timeout: float | httpx.Timeout) -> None:
        self._timeout = timeout
        # One SSL context for every pool (as httpx would make for one): loading
        # the CA certificates costs time and memory.
        self._ssl = httpx.create_ssl_context(verify=True, trust_env=True)
        #: The clients, the first made at once, the others when needed.
        self.clients: list[httpx.AsyncClient] = []
        #: Requests in flight per client.
        self.busy: list[int] = []
        self._add()

    @staticmethod
    def limits(index: int) -> httpx.Limits:
        """The limits of pool ``index``: POOL_SIZE connections; idle ones kept by the first."""
        keep = DEFAULT_LIMITS.max_keepalive_connections if index == 0 else 0
        return httpx.Limits(
            max_connections=POOL_SIZE,
            max_keepalive_connections=keep,
            keepalive_expiry=DEFAULT_LIMITS.keepalive_expiry,
        )

    def take(self) -> tuple[httpx.AsyncClient, Callable[[], None]]:
        """A client for one request, and what gives its place back when the request is over."""
        busy = self.busy
        index = 0
        while index < len(busy) and busy[index] >= POOL_SIZE:
            index += 1
        if index == len(busy):  # all full: another pool, or a wait in the least busy one
            index = self._add() if len(busy) < POOLS else busy.index(min(busy))
        busy[index] += 1
        return self.clients[index], partial(self._give, index)

    def _give(self, index: int) -> None:
        self.busy[index] -= 1

    def _add(self) -> int:
        index = len(self.clients)
        client = httpx.AsyncClient(
            timeout=self._timeout,
            limits=self.limits(index),
            verify=self._ssl,
            # The first one's jar itself: one for all pools.
            cookies=self.clients[0].cookies.jar if self.clients else None,
        )
        install(client)
        self.clients.append(client)
        self.busy.append(0)
        return index

    async def aclose(self) -> None:
        """Close every client."""
        for client in self.clients:
            await client.aclose()


class AsyncTransport(_Transport):
    """:class:`SyncTransport`'s twin over an ``httpx.AsyncClient``: the same arguments.

    ``send``, ``call`` and ``sleep`` are awaited; ``open`` is an async context
    manager giving an async iterator of chunks. Without ``http_client``, the
    transport holds :data:`DEFAULT_LIMITS`' connections in pools of
    :data:`POOL_SIZE` (:data:`POOLS` httpx clients at most, each made when
    the ones before it are full), so a thousand concurrent streams do not pay
    httpcore's per-request walk of one pool of a thousand connections.
    """

    _client: httpx.AsyncClient

    def __init__(
        self,
        *,
        api_key: str | None = None,
        base_url: str | None = None,
        timeout: float | httpx.Timeout = 60.0,
        max_retries: int = 2,
        http_client: httpx.AsyncClient | None = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__(
            api_key=api_key,
            base_url=base_url,
            timeout=timeout,
            max_retries=max_retries,
            owns_http=http_client is None,
            clock=clock,
        )
        self._pools = _Pools(timeout) if http_client is None else None
        self._client = http_client or self._pools.clients[0]  # type: ignore[union-attr]
        self._sleep = sleep

    async def aclose(self) -> None:
        """Close the HTTP clients, if this transport made them."""
        if self._pools is not None:
            await self._pools.aclose()

    def _take(self) -> tuple[httpx.AsyncClient, Callable[[], None]]:
        # The client of a request, and what to call once it is over.
        if self._pools is None:
            return self._client, _nothing
        return self._pools.take()

    async def sleep(self, seconds: float) -> None:
        """Wait ``seconds`` with the injected sleep."""
        await self._sleep(seconds)

    async def send(self, request: Request) -> Any:
        """:meth:`SyncTransport.send`, awaited."""
        built = self.build(request)
        flow = retry_flow(self.max_retries, self.where(request))
        step = next(flow)
        while not isinstance(step, Done):
            if isinstance(step, Sleep):
                await self.sleep(step.seconds)
                step = flow.send(None)
            else:
                step = flow.send(await self._attempt(built))
        return step.payload

    async def _attempt(self, built: httpx.Request) -> Outcome:
        client, release = self._take()
        try:
            return await client.send(built)
        except httpx.TransportError as exc:
            return exc
        finally:
            release()  # the body was read: the request is over

    async def call(self, call: Described[T]) -> T:
        """Send a described call and parse its reply."""
        return call.parse(await self.send(call.request))

    async def connect(self, request: Request) -> httpx.Response:
        """:meth:`SyncTransport.connect`, awaited."""
        client, release = self._take()
        try:
            response = await client.send(self.build(request), stream=True)
        except BaseException as exc:
            release()
            if isinstance(exc, httpx.TransportError):
                raise self._unreachable(request, exc) from exc
            raise
        if response.is_closed:  # a body httpx read whole already: the request is over
            release()
        elif release is not _nothing:  # it is over when its body is closed
            body = typing.cast(httpx.AsyncByteStream, response.stream)
            response.stream = _Released(body, release)
        return response

    @asynccontextmanager
    async def open(self, request: Request) -> AsyncIterator[AsyncIterator[bytes]]:
        """:meth:`SyncTransport.open` as an async context manager of an async iterator."""
        response = await self.connect(request)
        chunks = self._chunks(request, response)
        try:
            await acheck_response(response)
            yield chunks
        finally:
            await chunks.aclose()  # left early: closed here, not by the garbage collector
            await response.aclose()

    async def _chunks(
        self, request: Request, response: httpx.Response
    ) -> AsyncGenerator[bytes, None]:
        chunks = typing.cast(AsyncGenerator[bytes, None], _abody(response))
        try:
            async for chunk in chunks:
                yield chunk
        except httpx.TransportError as exc:
            raise self._broken(request, exc) from exc
        finally:
            await chunks.aclose()
