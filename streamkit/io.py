"""Byte sources for the decoder: httpx responses, files, stdin, byte iterables.

The I/O edge of streamkit. Everything below this module is sans-IO; this is
where bytes are read -- from an httpx response (sync or async), a path (plain
or gzip), an open binary file such as ``sys.stdin.buffer``, ``bytes``, or any
iterable of bytes -- and fed to :class:`~streamkit.SSEDecoder`.

For HTTP, :func:`connect_sse` / :func:`aconnect_sse` open the request with
httpx-sse (which sets ``Accept: text/event-stream`` and
``Cache-Control: no-store``) and check the response with httpx-sse's
content-type check, but the body bytes go to streamkit's own decoder: httpx-sse
decodes text with the response charset and gets several stream rules wrong
(see the decoder's docstring).
"""

from __future__ import annotations

import json
import os
import re
import urllib.parse
from collections.abc import (
    AsyncGenerator,
    AsyncIterable,
    AsyncIterator,
    Iterator,
)
from contextlib import asynccontextmanager, contextmanager
from typing import Any, TypeAlias

import anyio.to_thread
import httpx
import httpx_sse

from streamkit._sources import (
    DEFAULT_CHUNK_SIZE,
    BinaryReadable,
    LocalSource,
    decode,
    iter_file,
    iter_local_bytes,
    open_path,
)
from streamkit.errors import ResponseError
from streamkit.sse import DEFAULT_MAX_EVENT_SIZE, ServerSentEvent, SSEDecoder

__all__ = [
    "DEFAULT_CHUNK_SIZE",
    "AsyncByteSource",
    "BinaryReadable",
    "ByteSource",
    "EventSource",
    "aconnect_sse",
    "aiter_bytes",
    "aiter_sse",
    "connect_sse",
    "error_from_body",
    "error_not_json",
    "iter_bytes",
    "iter_sse",
    "mask_secrets",
    "redact_url",
]


#: What :func:`iter_sse` accepts. ``str`` and ``os.PathLike`` are paths.
ByteSource: TypeAlias = LocalSource | httpx.Response
#: What :func:`aiter_sse` accepts: every :data:`ByteSource`, or an async iterable of bytes.
AsyncByteSource: TypeAlias = ByteSource | AsyncIterable[bytes]

# An error body is read for its message only; a misbehaving server could send
# an endless one.
_MAX_ERROR_BODY = 64 * 1024


# --- HTTP responses ---------------------------------------------------------


def redact_url(url: str | httpx.URL) -> str:
    """``url`` fit for a message: no userinfo, query or fragment (they can carry credentials).

    ``https://user:pass@host/v1?api-key=K`` becomes ``https://host/v1``; the ``//`` of
    an empty host is kept (``memory:///x``, which ``urlunsplit`` would shorten).
    """
    text = str(url)
    try:
        parts = urllib.parse.urlsplit(text)
    except ValueError:  # not a URL urlsplit can read: say so, never echo it
        return "(an unreadable URL)"
    host = parts.netloc.rpartition("@")[2]
    if parts.scheme and text[len(parts.scheme) + 1 :].startswith("//"):
        return f"{parts.scheme}://{host}{parts.path}"
    return urllib.parse.urlunsplit((parts.scheme, host, parts.path, "", ""))


def _describe(response: httpx.Response) -> str:
    # The URL without userinfo or query string: both can carry credentials.
    request = response.request
    return f"{request.method} {redact_url(request.url)}"


# What a secret looks like in a server's message, most specific first. Each
# match is replaced whole (the prefix kept where it names the kind of thing).
_SECRETS: tuple[tuple[re.Pattern[str], str], ...] = (
    # Authorization values: "Bearer <token>", "Basic <credentials>".
    (re.compile(r"\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=*-]+", re.IGNORECASE), r"\1 ***"),
    # name=value pairs of URLs and configs: api-key=..., access_token=..., password=...
    (
        re.compile(
            r"\b((?:api[-_]?key|access[-_]?token|token|secret|password|signature|sig)=)"
            r"[^&\s'\"]+",
            re.IGNORECASE,
        ),
        r"\1***",
    ),
    # OpenAI keys and session tokens: sk-..., sk-proj-..., sess-... (even partly starred).
    (re.compile(r"\b(sk|sess)-[A-Za-z0-9_*-]{4,}"), r"\1-***"),
    # JSON web tokens: three base64url parts, the first a JSON object's "{".
    (re.compile(r"\beyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]*)?"), "***"),
    # Long hex strings (32+ digits): Azure keys, hashes of keys.
    (re.compile(r"\b[0-9A-Fa-f]{32,}\b"), "***"),
)
# Long base64 runs: 40 or more characters of letters and digits (the longest
# API ids, like ``message_`` + 24, are shorter), masked only if they mix both.
_LONG_TOKEN = re.compile(r"[A-Za-z0-9+/_-]{40,}={0,2}")


def _mask_token(match: re.Match[str]) -> str:
    token = match.group()
    mixed = any(c.isdigit() for c in token) and any(c.isalpha() for c in token)
    return "***" if mixed else token


def mask_secrets(text: str) -> str:
    """``text`` with anything shaped like a credential replaced by ``***``.

    Masked: bearer and basic credentials, ``api-key=``/``token=``/``password=``
    values, ``sk-...`` and ``sess-...`` keys, JSON web tokens, hex strings of
    32 digits or more, and base64-like runs of 40 characters or more that mix
    letters and digits. Ids such as ``run_abc123`` stay readable.
    """
    for pattern, replacement in _SECRETS:
        text = pattern.sub(replacement, text)
    return _LONG_TOKEN.sub(_mask_token, text)


def error_from_body(response: httpx.Response, body: bytes) -> ResponseError:
    """The :class:`ResponseError` for an HTTP error ``response`` whose body is ``body``.

    The API's error code and message come from a JSON error body, the message
    with anything shaped like a credential masked (:func:`mask_secrets`: a
    server may quote the key it refused); the text names the status, the
    method and the URL without userinfo or query, never the body.
    """
    code: str | None = None
    message: str | None = None
    try:
        payload = json.loads(body)
    except ValueError:
        payload = None
    error = payload.get("error") if isinstance(payload, dict) else None
    if isinstance(error, dict):
        raw_code = error.get("code") or error.get("type")
        code = mask_secrets(raw_code) if isinstance(raw_code, str) else None
        raw_message = error.get("message")
        message = mask_secrets(raw_message) if isinstance(raw_message, str) else None
    content_type = response.headers.get("content-type", "")
    request_id = response.headers.get("x-request-id")
    text = f"HTTP {response.status_code} {response.reason_phrase} from {_describe(response)}"
    if code:
        text += f": {code}"
    if message:
        text += f": {message}"
    elif not code:
        text += f" ({content_type or 'no content type'}, {len(body)} bytes)"
    if request_id:
        text += f" [request id {request_id}]"
    return ResponseError(
        text,
        status_code=response.status_code,
        content_type=content_type,
        error_code=code,
        error_message=message,
        request_id=request_id,
    )


def error_not_json(response: httpx.Response) -> ResponseError:
    """The :class:`ResponseError` for a successful status whose body is not JSON.

    An HTML page from a proxy, a truncated body: the message names the status,
    the request (URL without userinfo or query), the content type and size and
    the request id -- never the body, which may be anything.
    """
    content_type = response.headers.get("content-type", "")
    request_id = response.headers.get("x-request-id")
    text = (
        f"HTTP {response.status_code} {response.reason_phrase} from {_describe(response)}: "
        f"the body is not JSON ({content_type or 'no content type'}, "
        f"{len(response.content)} bytes)"
    )
    if request_id:
        text += f" [request id {request_id}]"
    return ResponseError(
        text,
        status_code=response.status_code,
        content_type=content_type,
        request_id=request_id,
    )


# The old private name, for code not yet moved over.
_error_from_body = error_from_body


def _check_content_type(response: httpx.Response) -> None:
    """Raise ResponseError unless the response is ``text/event-stream`` (httpx-sse's check)."""
    try:
        httpx_sse.EventSource(response)._check_content_type()
    except httpx_sse.SSEError:
        content_type = response.headers.get("content-type", "")
        msg = (
            f"expected an event stream (Content-Type: text/event-stream) from "
            f"{_describe(response)}, got HTTP {response.status_code} with Content-Type "
            f"{content_type or '(none)'!r}"
        )
        raise ResponseError(
            msg,
            status_code=response.status_code,
            content_type=content_type,
            request_id=response.headers.get("x-request-id"),
        ) from None


def _read_error_body(response: httpx.Response) -> bytes:
    body = bytearray()
    for chunk in response.iter_bytes():
        body += chunk
        if len(body) >= _MAX_ERROR_BODY:
            break
    return bytes(body[:_MAX_ERROR_BODY])


async def _aread_error_body(response: httpx.Response) -> bytes:
    body = bytearray()
    async for chunk in response.aiter_bytes():
        body += chunk
        if len(body) >= _MAX_ERROR_BODY:
            break
    return bytes(body[:_MAX_ERROR_BODY])


def check_response(response: httpx.Response) -> None:
    """Raise :class:`ResponseError` unless ``response`` is a successful event stream.

    An HTTP error status is reported with the API's error code and message
    when the body is the usual JSON error; a wrong content type is reported
    with what came instead.
    """
    if response.is_error:
        body = response.content if _is_read(response) else _read_error_body(response)
        raise error_from_body(response, body)
    _check_content_type(response)


async def acheck_response(response: httpx.Response) -> None:
    """The async twin of :func:`check_response`, for responses of an ``httpx.AsyncClient``."""
    if response.is_error:
        body = response.content if _is_read(response) else await _aread_error_body(response)
        raise error_from_body(response, body)
    _check_content_type(response)


def _is_read(response: httpx.Response) -> bool:
    try:
        response.content  # noqa: B018 -- raises ResponseNotRead on an unread stream
    except httpx.ResponseNotRead:
        return False
    return True


class EventSource:
    """An open event-stream response, read with streamkit's decoder.

    Yielded by :func:`connect_sse` and :func:`aconnect_sse`.

    Attributes:
        response: the httpx response.
        decoder: the decoder, for its :attr:`~streamkit.SSEDecoder.last_event_id`
            and :attr:`~streamkit.SSEDecoder.retry` after (or while) reading.
    """

    def __init__(
        self, response: httpx.Response, *, max_event_size: int | None = DEFAULT_MAX_EVENT_SIZE
    ) -> None:
        self.response = response
        self.decoder = SSEDecoder(max_event_size=max_event_size)

    def iter_sse(self) -> Iterator[ServerSentEvent]:
        """Check the response, then yield its events as they arrive.

        Raises:
            ResponseError: an HTTP error status, or not ``text/event-stream``.
            EventTooLargeError: an event passed ``max_event_size``.
        """
        check_response(self.response)
        return decode(self.response.iter_bytes(), self.decoder)

    async def aiter_sse(self) -> AsyncIterator[ServerSentEvent]:
        """The async twin of :meth:`iter_sse`."""
        await acheck_response(self.response)
        async for event in _adecode(self.response.aiter_bytes(), self.decoder):
            yield event


@contextmanager
def connect_sse(
    client: httpx.Client,
    method: str,
    url: str,
    *,
    max_event_size: int | None = DEFAULT_MAX_EVENT_SIZE,
    **kwargs: Any,
) -> Iterator[EventSource]:
    """Send a request that expects an event stream; yield an :class:`EventSource`.

    Args:
        client: the httpx client to send with.
        method: the HTTP method, e.g. ``"POST"``.
        url: the URL (relative to the client's ``base_url`` if it has one).
        max_event_size: passed to the decoder.
        **kwargs: anything ``httpx.Client.stream`` takes (``json=``, ``headers=`` ...).

    Example::

        with httpx.Client() as client, connect_sse(client, "GET", url) as source:
            for event in source.iter_sse():
                print(event.event, event.data)
    """
    with httpx_sse.connect_sse(client, method, url, **kwargs) as source:
        yield EventSource(source.response, max_event_size=max_event_size)


@asynccontextmanager
async def aconnect_sse(
    client: httpx.AsyncClient,
    method: str,
    url: str,
    *,
    max_event_size: int | None = DEFAULT_MAX_EVENT_SIZE,
    **kwargs: Any,
) -> AsyncIterator[EventSource]:
    """The async twin of :func:`connect_sse`, for an ``httpx.AsyncClient``."""
    async with httpx_sse.aconnect_sse(client, method, url, **kwargs) as source:
        yield EventSource(source.response, max_event_size=max_event_size)


# --- Bytes from any source --------------------------------------------------


def iter_bytes(source: ByteSource, *, chunk_size: int = DEFAULT_CHUNK_SIZE) -> Iterator[bytes]:
    """Yield the raw bytes of any :data:`ByteSource`, read by read.

    Lazy, like every iterator here: nothing is opened, checked or read before
    the first ``next()``. An httpx response is checked first (status and
    content type, see :func:`check_response`); anything else is read as by
    :func:`streamkit.sources.iter_local_bytes` (paths opened and closed, gzip
    detected, file objects left open for their owner).

    Raises:
        ResponseError: an httpx response that is not a successful event stream.
        TypeError: an object that is none of the accepted sources.
    """
    if isinstance(source, httpx.Response):
        check_response(source)
        yield from source.iter_bytes()
    else:
        yield from iter_local_bytes(source, chunk_size=chunk_size)


async def aiter_bytes(
    source: AsyncByteSource, *, chunk_size: int = DEFAULT_CHUNK_SIZE
) -> AsyncGenerator[bytes, None]:
    """The async twin of :func:`iter_bytes`; also takes an async iterable of bytes.

    Files and paths are read in a worker thread so the event loop never
    blocks on disk or a pipe.
    """
    if isinstance(source, httpx.Response):
        await acheck_response(source)
        async for chunk in source.aiter_bytes():
            yield chunk
        return
    if isinstance(source, AsyncIterable):
        async for chunk in source:
            yield chunk
        return
    if isinstance(source, (str, os.PathLike)):
        file = await anyio.to_thread.run_sync(open_path, source)
        try:
            async for chunk in _aiter_file(file, chunk_size):
                yield chunk
        finally:
            file.close()
        return
    if isinstance(source, BinaryReadable):
        async for chunk in _aiter_file(source, chunk_size):
            yield chunk
        return
    for chunk in iter_bytes(source, chunk_size=chunk_size):
        yield chunk


async def _aiter_file(file: BinaryReadable, chunk_size: int) -> AsyncIterator[bytes]:
    chunks = iter_file(file, chunk_size)
    while True:
        chunk = await anyio.to_thread.run_sync(next, chunks, None)
        if chunk is None:
            return
        yield chunk


async def _adecode(
    chunks: AsyncIterable[bytes], decoder: SSEDecoder
) -> AsyncIterator[ServerSentEvent]:
    feed = decoder.feed
    async for chunk in chunks:
        for event in feed(chunk):
            yield event
    for event in decoder.close():
        yield event


def iter_sse(
    source: ByteSource,
    *,
    max_event_size: int | None = DEFAULT_MAX_EVENT_SIZE,
    dispatch_at_close: bool = False,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
) -> Iterator[ServerSentEvent]:
    """Decode the Server-Sent Events of any :data:`ByteSource`.

    Args:
        source: bytes, a path (plain or gzip), a binary file (e.g.
            ``sys.stdin.buffer``), an iterable of bytes, or an httpx response
            opened with ``stream=True`` / ``client.stream(...)``.
        max_event_size: passed to :class:`~streamkit.SSEDecoder`.
        dispatch_at_close: passed to :class:`~streamkit.SSEDecoder`: dispatch
            a final event that lacks its blank line (for trimmed log files).
        chunk_size: the read size for files and paths.

    Raises:
        ResponseError: an httpx response that is not a successful event stream.
        EventTooLargeError: an event passed ``max_event_size``.
    """
    decoder = SSEDecoder(max_event_size=max_event_size, dispatch_at_close=dispatch_at_close)
    return decode(iter_bytes(source, chunk_size=chunk_size), decoder)


async def aiter_sse(
    source: AsyncByteSource,
    *,
    max_event_size: int | None = DEFAULT_MAX_EVENT_SIZE,
    dispatch_at_close: bool = False,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
) -> AsyncIterator[ServerSentEvent]:
    """The async twin of :func:`iter_sse`; also takes an async iterable of bytes."""
    decoder = SSEDecoder(max_event_size=max_event_size, dispatch_at_close=dispatch_at_close)
    chunks = aiter_bytes(source, chunk_size=chunk_size)
    try:
        async for event in _adecode(chunks, decoder):
            yield event
    finally:
        await chunks.aclose()
