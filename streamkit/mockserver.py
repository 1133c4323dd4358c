"""A local mock of the Assistants-API Runs endpoints, served over real HTTP.

:class:`MockAssistantsServer` is a Starlette app run by uvicorn in a background thread on
``127.0.0.1``. It streams scripted run streams (the bundled recordings of
:mod:`streamkit.recordings`, or streams built with :mod:`streamkit.testing`), remembers the runs
and run steps those streams produced, and answers the JSON endpoints (retrieve, list with cursor
pagination, modify, cancel, run steps with ``include[]``) from that state. Faults -- a stream cut
after N events, a 500 or a 429 with ``Retry-After`` before the stream, failing JSON requests --
let a client's retry and recovery code be tested against real sockets. It needs the ``mock``
extra (``pip install "streamkit[mock]"``); ``import streamkit`` never imports it.

A test uses it like this::

    from streamkit.mockserver import Fault, MockAssistantsServer, Scene

    script = [Scene("text-run", status=500), Scene("function-call-requires-action")]
    with MockAssistantsServer(script=script, api_key="sk-test") as server:
        client = streamkit.Client(api_key="sk-test", base_url=server.base_url)
        ...  # the first stream request gets a 500, its retry the text-run stream
        assert server.requests[-1].json["stream"] is True

How requests map to the script:

* Every request that creates a run -- ``POST /threads/{thread_id}/runs``,
  ``POST /threads/runs`` and ``POST /threads/{thread_id}/runs/{run_id}/submit_tool_outputs`` --
  takes the next :class:`Scene`, with ``stream: true`` as SSE, without it as JSON (the run as the
  scene's first run event has it, e.g. ``queued``, as the real API answers).
* Ids are never rewritten: the run, steps and thread a client sees are those inside the scene's
  stream. The run is also reachable under the thread id of the request's URL.
* The server knows the whole scene as soon as it starts sending it: retrieving or listing then
  gives the state at the end of the scene, even if a fault cut the stream short.

Paths are under ``/v1`` (``base_url`` ends with it). Requests must carry
``OpenAI-Beta: assistants=v2`` (as every official SDK sends) unless ``require_beta_header`` is
off; with ``api_key`` set, they must also carry ``Authorization: Bearer <api_key>``.

Run ``python -m streamkit.mockserver --recording text-run`` to serve recordings by hand; it prints
the base URL.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import copy
import fnmatch
import json
import logging
import os
import re
import socket
import sys
import threading
import time
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import attrs
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route
from starlette.types import Receive, Scope, Send

from streamkit import recordings
from streamkit._engine.convert import to_dict
from streamkit._replay import replay
from streamkit.errors import StreamkitError
from streamkit.sse import ServerSentEvent, SSEDecoder
from streamkit.testing import encode

__all__ = [
    "FILE_SEARCH_CONTENT",
    "Fault",
    "MockAssistantsServer",
    "RecordedRequest",
    "Scene",
    "main",
]

#: The one value of the ``include[]`` query parameter: file search results with their content.
FILE_SEARCH_CONTENT = "step_details.tool_calls[*].file_search.results[*].content"

_RUN_OPEN = frozenset({"queued", "in_progress", "requires_action"})
_STEP_OPEN = frozenset({"in_progress"})
_METADATA_MAX_PAIRS = 16
_METADATA_MAX_KEY = 64
_METADATA_MAX_VALUE = 512

_CREATE_RUN_KEYS = frozenset(
    [
        "assistant_id",
        "model",
        "reasoning_effort",
        "instructions",
        "additional_instructions",
        "additional_messages",
        "tools",
        "metadata",
        "temperature",
        "top_p",
        "stream",
        "max_prompt_tokens",
        "max_completion_tokens",
        "truncation_strategy",
        "tool_choice",
        "parallel_tool_calls",
        "response_format",
    ]
)
_CREATE_THREAD_AND_RUN_KEYS = frozenset(
    [
        "assistant_id",
        "thread",
        "model",
        "instructions",
        "tools",
        "tool_resources",
        "metadata",
        "temperature",
        "top_p",
        "stream",
        "max_prompt_tokens",
        "max_completion_tokens",
        "truncation_strategy",
        "tool_choice",
        "parallel_tool_calls",
        "response_format",
    ]
)
_SUBMIT_KEYS = frozenset({"tool_outputs", "stream"})
_MODIFY_KEYS = frozenset({"metadata"})
_LIST_QUERY = frozenset({"limit", "order", "after", "before"})

#: The ``error`` object sent for a status when a fault names none.
_DEFAULT_ERRORS: dict[int, tuple[str, str, str | None]] = {
    400: ("Bad request.", "invalid_request_error", None),
    401: ("Incorrect API key provided.", "invalid_request_error", "invalid_api_key"),
    403: ("You are not allowed to access this resource.", "invalid_request_error", None),
    404: ("Not found.", "invalid_request_error", None),
    408: ("Request timed out.", "server_error", None),
    409: ("The request conflicted with another request.", "invalid_request_error", None),
    429: (
        "Rate limit reached for requests. Please try again later.",
        "requests",
        "rate_limit_exceeded",
    ),
    500: (
        "The server had an error while processing your request. Sorry about that!",
        "server_error",
        None,
    ),
    502: ("Bad gateway.", "server_error", None),
    503: ("The server is overloaded or not ready yet.", "server_error", None),
    504: ("Gateway timeout.", "server_error", None),
}

_ABORT_MESSAGE = "ASGI callable returned without completing response."
_LINE = re.compile(rb"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")


# --- Public value types --------------------------------------------------------------------------


def _scene_bytes(source: str | os.PathLike[str] | bytes | Iterable[ServerSentEvent]) -> bytes:
    """The SSE bytes of a scene source: a recording name, a path, raw bytes, or events."""
    if isinstance(source, str):
        return recordings.read_bytes(source)
    if isinstance(source, os.PathLike):
        with open(source, "rb") as file:
            return file.read()
    if isinstance(source, (bytes, bytearray, memoryview)):
        return bytes(source)
    return encode(source)


def _check_status(_instance: object, attribute: attrs.Attribute[Any], value: Any) -> None:
    if value is not None and not 400 <= value <= 599:
        msg = f"{attribute.name} must be an HTTP error status (400-599), not {value}"
        raise ValueError(msg)


def _upper(method: str) -> str:
    return method.upper()


def _short_bytes(data: bytes) -> str:
    return f"<{len(data)} bytes>"


@attrs.frozen
class Scene:
    """What the server does for one run-creating request: stream ``stream``, maybe with a fault.

    Scenes are consumed in order by ``POST /threads/{thread_id}/runs``, ``POST /threads/runs``
    and ``POST .../submit_tool_outputs``, streaming or not.

    Attributes:
        stream: the SSE bytes to send. Give a bundled recording's name (``"text-run"``), a path
            (``os.PathLike``), bytes, or events (e.g. from :func:`streamkit.testing.run_events`,
            encoded with :func:`streamkit.testing.encode`).
        drop_after_events: cut the stream after this many events (``0``: right after the
            headers): the body ends there, without ``done``. The scene is consumed and the
            server's state is the state at the end of the whole scene.
        abrupt: with ``drop_after_events``, also break the HTTP framing: the connection closes
            mid-response (no final chunk), so the client's HTTP library raises (httpx:
            ``RemoteProtocolError``) instead of seeing a clean end of body.
        status: answer the first ``fail_times`` requests for this scene with this HTTP error
            (e.g. 500, 429) instead of the stream. The scene is not consumed by them, so the
            retry gets the stream.
        retry_after: with ``status``, the ``Retry-After`` header in seconds (also sent as
            ``retry-after-ms``).
        fail_times: how many requests get ``status`` before the stream is served.
        error: with ``status``, the ``error`` object of the body (default: the API's usual one
            for that status, e.g. ``rate_limit_exceeded`` for 429).
        chunk_delay: seconds between chunks for this scene (default: the server's).
    """

    stream: bytes = attrs.field(converter=_scene_bytes, repr=_short_bytes)
    drop_after_events: int | None = attrs.field(default=None, kw_only=True)
    abrupt: bool = attrs.field(default=False, kw_only=True)
    status: int | None = attrs.field(default=None, kw_only=True, validator=_check_status)
    retry_after: float | None = attrs.field(default=None, kw_only=True)
    fail_times: int = attrs.field(default=1, kw_only=True, validator=attrs.validators.ge(1))
    error: Mapping[str, Any] | None = attrs.field(default=None, kw_only=True)
    chunk_delay: float | None = attrs.field(default=None, kw_only=True)

    @drop_after_events.validator
    def _check_drop(self, _attribute: attrs.Attribute[Any], value: int | None) -> None:
        if value is not None and value < 0:
            msg = f"drop_after_events must be 0 or more, not {value}"
            raise ValueError(msg)


@attrs.frozen
class Fault:
    """An HTTP error for the first ``times`` requests matching ``method`` and ``path``.

    Faults apply to every endpoint, streaming or not, and are checked (in the order given)
    after authentication and before the request is handled; a faulted run-creating request does
    not consume a scene. Several faults on one path fire one after the other::

        faults=[Fault("GET", "/threads/t/runs/r", 500),
                Fault("GET", "/threads/t/runs/r", 429, retry_after=0.2)]

    gives a 500, then a 429, then the run.

    Attributes:
        method: the HTTP method, e.g. ``"GET"`` (case-insensitive).
        path: the path after the base URL, e.g. ``"/threads/t/runs/r"`` (a leading ``/v1`` is
            also accepted); ``fnmatch`` wildcards work: ``"/threads/*/runs/*"``.
        status: the HTTP status to answer with (400-599).
        retry_after: the ``Retry-After`` header in seconds (also sent as ``retry-after-ms``).
        times: how many matching requests get the error.
        error: the ``error`` object of the body (default: the API's usual one for ``status``).
    """

    method: str = attrs.field(converter=_upper)
    path: str
    status: int = attrs.field(validator=_check_status)
    retry_after: float | None = attrs.field(default=None, kw_only=True)
    times: int = attrs.field(default=1, kw_only=True, validator=attrs.validators.ge(1))
    error: Mapping[str, Any] | None = attrs.field(default=None, kw_only=True)

    def matches(self, method: str, path: str) -> bool:
        """Whether a request with ``method`` and ``path`` (after ``/v1``) is one of this fault's."""
        pattern = self.path[3:] if self.path.startswith("/v1/") else self.path
        return method.upper() == self.method and fnmatch.fnmatchcase(path, pattern)


@attrs.frozen
class RecordedRequest:
    """One request the server received, as it received it.

    Attributes:
        method: the HTTP method.
        path: the full URL path, e.g. ``"/v1/threads/t/runs"``.
        query: the query parameters, each name with all its values in order.
        json: the parsed JSON body, or ``None`` (no body, or not JSON).
        headers: the headers, names lowercased (repeated headers joined with ``", "``).
        body: the raw body.
        request_id: the ``x-request-id`` the response carried.
    """

    method: str
    path: str
    query: dict[str, list[str]]
    json: Any
    headers: dict[str, str]
    body: bytes = attrs.field(repr=_short_bytes)
    request_id: str


# --- Errors and helpers --------------------------------------------------------------------------


class _ApiError(Exception):
    """An error answer in the API's shape."""

    def __init__(
        self,
        status: int,
        message: str,
        *,
        type_: str = "invalid_request_error",
        param: str | None = None,
        code: str | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.body = {"message": message, "type": type_, "param": param, "code": code}


def _error_body(status: int, error: Mapping[str, Any] | None) -> dict[str, Any]:
    if error is not None:
        return {"error": dict(error)}
    default_type = "server_error" if status >= 500 else "invalid_request_error"
    message, type_, code = _DEFAULT_ERRORS.get(status, (f"HTTP {status}.", default_type, None))
    return {"error": {"message": message, "type": type_, "param": None, "code": code}}


def _error_response(
    status: int, error: Mapping[str, Any] | None, retry_after: float | None
) -> Response:
    headers: dict[str, str] = {}
    if retry_after is not None:
        seconds = int(retry_after) if float(retry_after).is_integer() else retry_after
        headers["retry-after"] = str(seconds)
        headers["retry-after-ms"] = str(round(retry_after * 1000))
    return JSONResponse(_error_body(status, error), status_code=status, headers=headers)


def _event_ends(data: bytes) -> list[int]:
    """The byte offset just after each event of ``data`` that an SSE decoder dispatches."""
    decoder = SSEDecoder(max_event_size=None)
    ends: list[int] = []
    for line in _LINE.finditer(data):
        ends.extend(line.end() for _event in decoder.feed(line.group()))
    return ends


def _first_run(data: bytes) -> dict[str, Any] | None:
    """The data of the first run event (``thread.run.*``, not steps) of a stream."""
    decoder = SSEDecoder(max_event_size=None, dispatch_at_close=True)
    for event in [*decoder.feed(data), *decoder.close()]:
        name = event.event
        if name.startswith("thread.run.") and not name.startswith("thread.run.step."):
            try:
                value = json.loads(event.data)
            except ValueError:
                continue
            if isinstance(value, dict):
                return value
    return None


def _strip_file_search_content(step: dict[str, Any]) -> dict[str, Any]:
    """A copy of ``step`` whose file search results have no ``content``."""
    step = copy.deepcopy(step)
    details = step.get("step_details")
    if isinstance(details, dict):
        for call in details.get("tool_calls") or ():
            search = call.get("file_search") if isinstance(call, dict) else None
            if isinstance(search, dict):
                for result in search.get("results") or ():
                    if isinstance(result, dict):
                        result.pop("content", None)
    return step


def _include(query: Mapping[str, list[str]]) -> bool:
    """Whether ``include[]`` asks for file search result contents (400 on any other value)."""
    values = query.get("include[]", [])
    for value in values:
        if value != FILE_SEARCH_CONTENT:
            msg = f"Invalid value: '{value}'. Supported values are: '{FILE_SEARCH_CONTENT}'."
            raise _ApiError(400, msg, param="include", code="invalid_value")
    return bool(values)


def _check_query(query: Mapping[str, list[str]], allowed: frozenset[str]) -> None:
    for name in query:
        if name not in allowed:
            hint = " (the API names it 'include[]')" if name == "include" else ""
            raise _ApiError(400, f"Unknown parameter: '{name}'{hint}.", param=name)


def _check_body(body: Mapping[str, Any], allowed: frozenset[str]) -> None:
    for key in body:
        if key not in allowed:
            raise _ApiError(
                400,
                f"Unrecognized request argument supplied: {key}",
                param=key,
                code="unknown_parameter",
            )


def _object_body(request_json: Any, raw: bytes) -> dict[str, Any]:
    if not raw.strip():
        return {}
    if not isinstance(request_json, dict):
        msg = (
            "We could not parse the JSON body of your request. (HINT: This likely means you "
            "aren't using your HTTP library correctly. The OpenAI API expects a JSON payload, "
            "but what was sent was not valid JSON.)"
        )
        raise _ApiError(400, msg)
    return request_json


def _stream_flag(body: Mapping[str, Any]) -> bool:
    value = body.get("stream")
    if value is not None and not isinstance(value, bool):
        msg = f"Invalid type for 'stream': expected a boolean, but got {type(value).__name__}."
        raise _ApiError(400, msg, param="stream", code="invalid_type")
    return value is True


def _single(query: Mapping[str, list[str]], name: str) -> str | None:
    values = query.get(name)
    return values[-1] if values else None


def _paginate(items: Sequence[dict[str, Any]], query: Mapping[str, list[str]]) -> dict[str, Any]:
    """The list response for ``items`` (ascending order) under ``limit``/``order``/cursors."""
    raw_limit = _single(query, "limit")
    limit = 20
    if raw_limit is not None:
        try:
            limit = int(raw_limit)
        except ValueError:
            msg = f"Invalid 'limit': expected an integer, but got '{raw_limit}' instead."
            raise _ApiError(400, msg, param="limit", code="invalid_type") from None
        if not 1 <= limit <= 100:
            msg = f"Invalid 'limit': expected a value from 1 to 100, but got {limit} instead."
            raise _ApiError(400, msg, param="limit", code="integer_out_of_range")
    order = _single(query, "order") or "desc"
    if order not in ("asc", "desc"):
        msg = f"Invalid value for 'order': expected 'asc' or 'desc', but got '{order}'."
        raise _ApiError(400, msg, param="order", code="invalid_value")
    ordered = list(items) if order == "asc" else list(reversed(items))
    ids = [item["id"] for item in ordered]
    start, end = 0, len(ordered)
    after, before = _single(query, "after"), _single(query, "before")
    for name, cursor in (("after", after), ("before", before)):
        if cursor is not None and cursor not in ids:
            msg = f"Invalid '{name}': no object with id '{cursor}' in this list."
            raise _ApiError(400, msg, param=name)
    if after is not None:
        start = ids.index(after) + 1
    if before is not None:
        end = ids.index(before)
    window = ordered[start:end] if start < end else []
    page = window[-limit:] if before is not None and after is None else window[:limit]
    return {
        "object": "list",
        "data": page,
        "first_id": page[0]["id"] if page else None,
        "last_id": page[-1]["id"] if page else None,
        "has_more": len(window) > len(page),
    }


class _AbortFilter(logging.Filter):
    """Hides uvicorn's log line for the deliberately unfinished responses of ``abrupt``."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.getMessage() != _ABORT_MESSAGE


class _SSEResponse(StreamingResponse):
    """Sends ``chunks`` with ``delay`` between them; with ``abrupt``, never finishes the body.

    The stream also stops, unfinished, when the client disconnects or ``shutdown`` is set.
    """

    def __init__(
        self,
        chunks: list[bytes],
        *,
        delay: float,
        abrupt: bool,
        shutdown: asyncio.Event,
        headers: Mapping[str, str],
    ) -> None:
        async def empty() -> AsyncIterator[bytes]:
            return
            yield b""  # pragma: no cover - makes this an async generator

        super().__init__(empty(), media_type="text/event-stream", headers=headers)
        self._chunks = chunks
        self._delay = delay
        self._abrupt = abrupt
        self._shutdown = shutdown

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def disconnected() -> None:
            while (await receive())["type"] != "http.disconnect":
                pass

        watchers = {
            asyncio.ensure_future(disconnected()),
            asyncio.ensure_future(self._shutdown.wait()),
        }
        try:
            await send({"type": "http.response.start", "status": 200, "headers": self.raw_headers})
            for position, chunk in enumerate(self._chunks):
                if position and self._delay > 0:
                    await asyncio.wait(
                        watchers, timeout=self._delay, return_when=asyncio.FIRST_COMPLETED
                    )
                if any(watcher.done() for watcher in watchers):
                    return
                await send({"type": "http.response.body", "body": chunk, "more_body": True})
            if not self._abrupt:
                await send({"type": "http.response.body", "body": b"", "more_body": False})
        finally:
            for watcher in watchers:
                watcher.cancel()


# --- State ---------------------------------------------------------------------------------------


@attrs.define
class _State:
    """What the server knows: runs and steps as wire dicts, and which threads hold which runs."""

    runs: dict[str, dict[str, Any]] = attrs.Factory(dict)
    run_threads: dict[str, set[str]] = attrs.Factory(dict)
    steps: dict[str, dict[str, dict[str, Any]]] = attrs.Factory(dict)
    messages: dict[str, dict[str, Any]] = attrs.Factory(dict)
    threads: set[str] = attrs.Factory(set)
    cancelling: set[str] = attrs.Factory(set)
    order: dict[str, int] = attrs.Factory(dict)

    def absorb(self, data: bytes, url_thread: str | None) -> None:
        """Take in the final snapshots of a whole stream."""
        try:
            accumulator = replay(data, strict=False, max_event_size=None)
        except StreamkitError as error:
            if error.accumulator is None:
                return
            accumulator = error.accumulator
        self.threads.update(accumulator.threads)
        for run_id, run in accumulator.runs.items():
            self.runs[run_id] = to_dict(run)
            self.order.setdefault(run_id, len(self.order))
            threads = self.run_threads.setdefault(run_id, set())
            threads.add(run.thread_id)
            self.threads.add(run.thread_id)
            if url_thread is not None:
                threads.add(url_thread)
                self.threads.add(url_thread)
            self.cancelling.discard(run_id)
        for step_id, step in accumulator.run_steps.items():
            self.steps.setdefault(step.run_id, {})[step_id] = to_dict(step)
            self.order.setdefault(step_id, len(self.order))
        for message_id, message in accumulator.messages.items():
            self.messages[message_id] = to_dict(message)

    def settle(self, run_id: str) -> None:
        """Finish a pending cancel: ``cancelling`` becomes ``cancelled`` on the next read."""
        if run_id not in self.cancelling:
            return
        self.cancelling.discard(run_id)
        now = int(time.time())
        run = self.runs[run_id]
        run.update(status="cancelled", cancelled_at=now, required_action=None, expires_at=None)
        for step in self.steps.get(run_id, {}).values():
            if step.get("status") in _STEP_OPEN:
                step.update(status="cancelled", cancelled_at=now, expires_at=None)

    def thread(self, thread_id: str) -> None:
        if thread_id not in self.threads:
            raise _ApiError(404, f"No thread found with id '{thread_id}'.")

    def run(self, thread_id: str, run_id: str) -> dict[str, Any]:
        self.thread(thread_id)
        if run_id not in self.runs or thread_id not in self.run_threads[run_id]:
            raise _ApiError(404, f"No run found with id '{run_id}'.")
        return self.runs[run_id]

    def sorted(self, items: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
        """``items`` in ascending order: by ``created_at``, then as first seen."""
        return sorted(items, key=lambda item: (item.get("created_at") or 0, self.order[item["id"]]))


_Handler = Callable[[Request, "_Call"], Awaitable[Response]]


@attrs.frozen
class _Call:
    """One routed request: path parameters, query and JSON body."""

    params: dict[str, str]
    query: dict[str, list[str]]
    json: Any
    raw: bytes


# --- The server ----------------------------------------------------------------------------------


class MockAssistantsServer:
    """A local Assistants-API Runs server over real HTTP, scripted with :class:`Scene`\\ s.

    Args:
        script: the scenes, consumed in order by the run-creating endpoints.
        api_key: when set, every request must send ``Authorization: Bearer <api_key>`` or gets
            a 401 ``invalid_api_key``.
        chunk_size: the size of the chunks a stream is sent in.
        chunk_delay: seconds between the chunks of a stream.
        faults: HTTP errors for matching requests (:class:`Fault`), in order.
        require_beta_header: answer 400, as the API does, to requests without
            ``OpenAI-Beta: assistants=v2``.
        repeat: when the script runs out, start it again (for a demo server).
        host: the interface to listen on.
        port: the port; ``0`` picks a free one.

    Attributes:
        requests: every request received, in order (also those answered with an error).
        base_url: ``"http://HOST:PORT/v1"`` once started.
        app: the Starlette app, for use without the background thread.
    """

    def __init__(
        self,
        *,
        script: Sequence[Scene] = (),
        api_key: str | None = None,
        chunk_size: int = 64,
        chunk_delay: float = 0.0,
        faults: Sequence[Fault] = (),
        require_beta_header: bool = True,
        repeat: bool = False,
        host: str = "127.0.0.1",
        port: int = 0,
    ) -> None:
        if chunk_size < 1:
            msg = f"chunk_size must be at least 1, not {chunk_size}"
            raise ValueError(msg)
        self.requests: list[RecordedRequest] = []
        self.base_url: str | None = None
        self._script: deque[Scene] = deque(script)
        self._script_length = len(self._script)
        self._head_failures = 0
        self._faults: list[list[Any]] = [[fault, fault.times] for fault in faults]
        self._api_key = api_key
        self._chunk_size = chunk_size
        self._chunk_delay = chunk_delay
        self._require_beta = require_beta_header
        self._repeat = repeat
        self._host = host
        self._port = port
        self._state = _State()
        self._lock = threading.Lock()
        self._count = 0
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self._log_filter = _AbortFilter()
        self._shutdown = asyncio.Event()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._routes: list[tuple[str, re.Pattern[str], _Handler]] = [
            ("POST", re.compile(r"/threads/runs"), self._create_thread_and_run),
            ("POST", re.compile(r"/threads/(?P<thread_id>[^/]+)/runs"), self._create_run),
            ("GET", re.compile(r"/threads/(?P<thread_id>[^/]+)/runs"), self._list_runs),
            (
                "GET",
                re.compile(r"/threads/(?P<thread_id>[^/]+)/runs/(?P<run_id>[^/]+)"),
                self._retrieve_run,
            ),
            (
                "POST",
                re.compile(r"/threads/(?P<thread_id>[^/]+)/runs/(?P<run_id>[^/]+)"),
                self._modify_run,
            ),
            (
                "POST",
                re.compile(r"/threads/(?P<thread_id>[^/]+)/runs/(?P<run_id>[^/]+)/cancel"),
                self._cancel_run,
            ),
            (
                "POST",
                re.compile(
                    r"/threads/(?P<thread_id>[^/]+)/runs/(?P<run_id>[^/]+)/submit_tool_outputs"
                ),
                self._submit_tool_outputs,
            ),
            (
                "GET",
                re.compile(r"/threads/(?P<thread_id>[^/]+)/runs/(?P<run_id>[^/]+)/steps"),
                self._list_steps,
            ),
            (
                "GET",
                re.compile(
                    r"/threads/(?P<thread_id>[^/]+)/runs/(?P<run_id>[^/]+)/steps/(?P<step_id>[^/]+)"
                ),
                self._retrieve_step,
            ),
            (
                "GET",
                re.compile(r"/threads/(?P<thread_id>[^/]+)/messages/(?P<message_id>[^/]+)"),
                self._retrieve_message,
            ),
        ]
        methods = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"]
        self.app = Starlette(routes=[Route("/{path:path}", self._handle, methods=methods)])

    # --- lifecycle ---------------------------------------------------------------------------

    def start(self) -> str:
        """Start serving in a background thread; returns the base URL (``http://…/v1``).

        Raises:
            RuntimeError: the server is already running or did not come up.
        """
        if self._thread is not None:
            msg = "the mock server is already running"
            raise RuntimeError(msg)
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((self._host, self._port))
        port = sock.getsockname()[1]
        config = uvicorn.Config(
            self.app,
            log_config=None,
            access_log=False,
            lifespan="off",
            http="h11",
            ws="none",
            timeout_graceful_shutdown=1,
        )
        server = uvicorn.Server(config)
        self._shutdown, self._loop = asyncio.Event(), None
        logging.getLogger("uvicorn.error").addFilter(self._log_filter)
        thread = threading.Thread(
            target=server.run,
            kwargs={"sockets": [sock]},
            name=f"streamkit-mockserver-{port}",
            daemon=True,
        )
        thread.start()
        deadline = time.monotonic() + 10
        while not server.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                server.should_exit = True
                thread.join(5)
                sock.close()
                logging.getLogger("uvicorn.error").removeFilter(self._log_filter)
                msg = "the mock server did not start"
                raise RuntimeError(msg)
            time.sleep(0.005)
        self._server, self._thread = server, thread
        self.base_url = f"http://{self._host}:{port}/v1"
        return self.base_url

    def stop(self) -> None:
        """Stop serving and join the thread (open streams are cut). Does nothing if stopped."""
        server, thread = self._server, self._thread
        if server is None or thread is None:
            return
        loop = self._loop
        if loop is not None:
            # End open streams first, so that no task is left to cancel at shutdown.
            with contextlib.suppress(RuntimeError):  # the loop is already closed
                loop.call_soon_threadsafe(self._shutdown.set)
        server.should_exit = True
        server.force_exit = True
        thread.join(10)
        self._server = self._thread = None
        logging.getLogger("uvicorn.error").removeFilter(self._log_filter)

    def __enter__(self) -> MockAssistantsServer:
        self.start()
        return self

    def __exit__(self, *_exc_info: object) -> None:
        self.stop()

    # --- scripting ---------------------------------------------------------------------------

    def add_scene(self, scene: Scene) -> None:
        """Append ``scene`` to the script (it is consumed after the ones already there)."""
        with self._lock:
            self._script.append(scene)
            self._script_length += 1

    def add_fault(self, fault: Fault) -> None:
        """Add ``fault`` after the faults already there."""
        with self._lock:
            self._faults.append([fault, fault.times])

    def load(self, scene: Scene, *, thread_id: str | None = None) -> None:
        """Know the state at the end of ``scene`` without anyone requesting it.

        For runs that started before the test: e.g. load a stream ending in
        ``requires_action`` so that a ``submit_tool_outputs`` request finds its run.

        Args:
            scene: the stream whose final runs and steps to keep.
            thread_id: a further thread id its runs are reachable under.
        """
        with self._lock:
            self._state.absorb(scene.stream, thread_id)

    @property
    def scenes_left(self) -> int:
        """How many scenes of the script have not been consumed yet."""
        return len(self._script)

    # --- dispatch ----------------------------------------------------------------------------

    async def _handle(self, request: Request) -> Response:
        with self._lock:
            self._count += 1
            request_id = f"req_{self._count}"
        self._loop = asyncio.get_running_loop()
        raw = await request.body()
        try:
            parsed: Any = json.loads(raw) if raw.strip() else None
        except ValueError:
            parsed = None
        query: dict[str, list[str]] = {}
        for name, value in request.query_params.multi_items():
            query.setdefault(name, []).append(value)
        headers: dict[str, str] = {}
        for name, value in request.headers.items():
            key = name.lower()
            headers[key] = f"{headers[key]}, {value}" if key in headers else value
        path = request.url.path
        self.requests.append(
            RecordedRequest(
                method=request.method,
                path=path,
                query=query,
                json=parsed,
                headers=headers,
                body=raw,
                request_id=request_id,
            )
        )
        try:
            response = await self._dispatch(request, path, query, parsed, raw, headers)
        except _ApiError as error:
            response = JSONResponse({"error": error.body}, status_code=error.status)
        response.headers["x-request-id"] = request_id
        return response

    async def _dispatch(
        self,
        request: Request,
        path: str,
        query: dict[str, list[str]],
        parsed: Any,
        raw: bytes,
        headers: Mapping[str, str],
    ) -> Response:
        if self._api_key is not None:
            auth = headers.get("authorization", "")
            if auth != f"Bearer {self._api_key}":
                message, type_, code = _DEFAULT_ERRORS[401]
                raise _ApiError(401, message, type_=type_, code=code)
        method = request.method
        relative = path[3:] if path.startswith("/v1/") else None
        handler: _Handler | None = None
        params: dict[str, str] = {}
        path_known = False
        if relative is not None:
            for route_method, pattern, route_handler in self._routes:
                match = pattern.fullmatch(relative)
                if match is None:
                    continue
                path_known = True
                if route_method == method:
                    handler, params = route_handler, match.groupdict()
                    break
        if handler is None or relative is None:
            if path_known:
                raise _ApiError(405, f"Not allowed to {method} on {path}.")
            raise _ApiError(404, f"Invalid URL ({method} {path})")
        if self._require_beta and headers.get("openai-beta") != "assistants=v2":
            msg = (
                "You must provide the 'OpenAI-Beta' header to access the Assistants API. "
                "Please try again by setting the header 'OpenAI-Beta: assistants=v2'."
            )
            raise _ApiError(400, msg, code="invalid_beta")
        with self._lock:
            for entry in self._faults:
                fault: Fault = entry[0]
                if entry[1] > 0 and fault.matches(method, relative):
                    entry[1] -= 1
                    return _error_response(fault.status, fault.error, fault.retry_after)
        return await handler(request, _Call(params=params, query=query, json=parsed, raw=raw))

    # --- scenes ------------------------------------------------------------------------------

    def _play(self, request: Request, url_thread: str | None, stream: bool) -> Response:
        """Consume the next scene: its stream, its first run as JSON, or its error."""
        with self._lock:
            if not self._script:
                msg = (
                    f"MockAssistantsServer: no scene left for {request.method} "
                    f"{request.url.path} (the script had {self._script_length} scenes)."
                )
                raise _ApiError(400, msg, code="mock_script_exhausted")
            scene = self._script[0]
            if scene.status is not None and self._head_failures < scene.fail_times:
                self._head_failures += 1
                return _error_response(scene.status, scene.error, scene.retry_after)
            self._script.popleft()
            self._head_failures = 0
            if self._repeat:
                self._script.append(scene)
            self._state.absorb(scene.stream, url_thread)
        if not stream:
            run = _first_run(scene.stream)
            if run is None:
                msg = "MockAssistantsServer: the scene has no run event to answer with."
                raise _ApiError(500, msg, type_="server_error", code="mock_scene_without_run")
            return JSONResponse(run)
        data = scene.stream
        if scene.drop_after_events is not None:
            ends = _event_ends(data)
            count = scene.drop_after_events
            data = data[: ends[count - 1] if count else 0] if count <= len(ends) else data
        size = self._chunk_size
        chunks = [data[i : i + size] for i in range(0, len(data), size)]
        delay = self._chunk_delay if scene.chunk_delay is None else scene.chunk_delay
        abrupt = scene.abrupt and scene.drop_after_events is not None
        return _SSEResponse(
            chunks,
            delay=delay,
            abrupt=abrupt,
            shutdown=self._shutdown,
            headers={"cache-control": "no-cache"},
        )

    # --- endpoints ---------------------------------------------------------------------------

    async def _create_run(self, request: Request, call: _Call) -> Response:
        _check_query(call.query, frozenset({"include[]"}))
        _include(call.query)
        body = _object_body(call.json, call.raw)
        _check_body(body, _CREATE_RUN_KEYS)
        if not body.get("assistant_id"):
            raise _ApiError(
                400,
                "Missing required parameter: 'assistant_id'.",
                param="assistant_id",
                code="missing_required_parameter",
            )
        return self._play(request, call.params["thread_id"], _stream_flag(body))

    async def _create_thread_and_run(self, request: Request, call: _Call) -> Response:
        _check_query(call.query, frozenset())
        body = _object_body(call.json, call.raw)
        _check_body(body, _CREATE_THREAD_AND_RUN_KEYS)
        if not body.get("assistant_id"):
            raise _ApiError(
                400,
                "Missing required parameter: 'assistant_id'.",
                param="assistant_id",
                code="missing_required_parameter",
            )
        return self._play(request, None, _stream_flag(body))

    async def _submit_tool_outputs(self, request: Request, call: _Call) -> Response:
        _check_query(call.query, frozenset())
        body = _object_body(call.json, call.raw)
        _check_body(body, _SUBMIT_KEYS)
        outputs = body.get("tool_outputs")
        if not isinstance(outputs, list):
            raise _ApiError(
                400,
                "Missing required parameter: 'tool_outputs'.",
                param="tool_outputs",
                code="missing_required_parameter",
            )
        stream = _stream_flag(body)
        thread_id, run_id = call.params["thread_id"], call.params["run_id"]
        with self._lock:
            self._state.settle(run_id)
            run = self._state.run(thread_id, run_id)
            if run.get("status") != "requires_action":
                msg = f'Runs in status "{run.get("status")}" do not accept tool outputs.'
                raise _ApiError(400, msg)
            required = (run.get("required_action") or {}).get("submit_tool_outputs") or {}
            expected = sorted(str(c.get("id")) for c in required.get("tool_calls") or ())
        got = sorted(str(o.get("tool_call_id")) for o in outputs if isinstance(o, dict))
        if expected and got != expected:
            msg = f"Expected tool outputs for call_ids {expected}, got {got}"
            raise _ApiError(400, msg, param="tool_outputs")
        return self._play(request, thread_id, stream)

    async def _list_runs(self, _request: Request, call: _Call) -> Response:
        _check_query(call.query, _LIST_QUERY)
        thread_id = call.params["thread_id"]
        with self._lock:
            self._state.thread(thread_id)
            ids = [r for r, threads in self._state.run_threads.items() if thread_id in threads]
            for run_id in ids:
                self._state.settle(run_id)
            runs = self._state.sorted(copy.deepcopy(self._state.runs[r]) for r in ids)
        return JSONResponse(_paginate(runs, call.query))

    async def _retrieve_run(self, _request: Request, call: _Call) -> Response:
        _check_query(call.query, frozenset())
        with self._lock:
            self._state.settle(call.params["run_id"])
            run = self._state.run(call.params["thread_id"], call.params["run_id"])
            return JSONResponse(copy.deepcopy(run))

    async def _modify_run(self, _request: Request, call: _Call) -> Response:
        _check_query(call.query, frozenset())
        body = _object_body(call.json, call.raw)
        _check_body(body, _MODIFY_KEYS)
        metadata = body.get("metadata")
        if metadata is not None:
            if not isinstance(metadata, dict) or not all(
                isinstance(key, str) and isinstance(value, str) for key, value in metadata.items()
            ):
                msg = "Invalid type for 'metadata': expected an object of string values."
                raise _ApiError(400, msg, param="metadata", code="invalid_type")
            too_long = any(
                len(key) > _METADATA_MAX_KEY or len(value) > _METADATA_MAX_VALUE
                for key, value in metadata.items()
            )
            if len(metadata) > _METADATA_MAX_PAIRS or too_long:
                msg = (
                    "Invalid 'metadata': at most 16 pairs, keys up to 64 and values up to "
                    "512 characters."
                )
                raise _ApiError(400, msg, param="metadata", code="invalid_value")
        with self._lock:
            self._state.settle(call.params["run_id"])
            run = self._state.run(call.params["thread_id"], call.params["run_id"])
            if metadata is not None:
                run["metadata"] = dict(metadata)
            return JSONResponse(copy.deepcopy(run))

    async def _cancel_run(self, _request: Request, call: _Call) -> Response:
        _check_query(call.query, frozenset())
        run_id = call.params["run_id"]
        with self._lock:
            self._state.settle(run_id)
            run = self._state.run(call.params["thread_id"], run_id)
            status = run.get("status")
            if status not in _RUN_OPEN:
                raise _ApiError(400, f"Cannot cancel run with status '{status}'.")
            run["status"] = "cancelling"
            self._state.cancelling.add(run_id)
            return JSONResponse(copy.deepcopy(run))

    async def _list_steps(self, _request: Request, call: _Call) -> Response:
        _check_query(call.query, _LIST_QUERY | {"include[]"})
        include = _include(call.query)
        run_id = call.params["run_id"]
        with self._lock:
            self._state.settle(run_id)
            self._state.run(call.params["thread_id"], run_id)
            steps = self._state.sorted(self._state.steps.get(run_id, {}).values())
            shown = [
                copy.deepcopy(step) if include else _strip_file_search_content(step)
                for step in steps
            ]
        return JSONResponse(_paginate(shown, call.query))

    async def _retrieve_step(self, _request: Request, call: _Call) -> Response:
        _check_query(call.query, frozenset({"include[]"}))
        include = _include(call.query)
        run_id, step_id = call.params["run_id"], call.params["step_id"]
        with self._lock:
            self._state.settle(run_id)
            self._state.run(call.params["thread_id"], run_id)
            step = self._state.steps.get(run_id, {}).get(step_id)
            if step is None:
                raise _ApiError(404, f"No run step found with id '{step_id}'.")
            shown = copy.deepcopy(step) if include else _strip_file_search_content(step)
        return JSONResponse(shown)

    async def _retrieve_message(self, _request: Request, call: _Call) -> Response:
        """``GET /threads/{thread_id}/messages/{message_id}``: what a recovering client reads."""
        _check_query(call.query, frozenset())
        with self._lock:
            self._state.thread(call.params["thread_id"])
            message = self._state.messages.get(call.params["message_id"])
            if message is None:
                raise _ApiError(404, f"No message found with id '{call.params['message_id']}'.")
            return JSONResponse(copy.deepcopy(message))


# --- Command line --------------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    """Serve recordings until interrupted: ``python -m streamkit.mockserver --recording text-run``.

    Prints the base URL (``http://127.0.0.1:PORT/v1``) on its own line first.

    Args:
        argv: the arguments (default: ``sys.argv[1:]``).

    Returns:
        The exit status.
    """
    parser = argparse.ArgumentParser(
        prog="python -m streamkit.mockserver",
        description="Serve Assistants-API run streams on a local mock of the Runs endpoints.",
    )
    parser.add_argument(
        "--recording",
        action="append",
        metavar="NAME_OR_PATH",
        help=(
            "a scene: a bundled recording (" + ", ".join(recordings.NAMES) + ") or an .sse "
            "file; repeat for several, served in order (default: text-run)"
        ),
    )
    parser.add_argument("--host", default="127.0.0.1", help="interface (default: 127.0.0.1)")
    parser.add_argument("--port", type=int, default=0, help="port; 0 picks a free one")
    parser.add_argument("--api-key", help="require 'Authorization: Bearer API_KEY'")
    parser.add_argument("--chunk-size", type=int, default=64, help="bytes per chunk")
    parser.add_argument("--chunk-delay", type=float, default=0.0, help="seconds between chunks")
    parser.add_argument("--repeat", action="store_true", help="start the script over when done")
    parser.add_argument(
        "--no-beta-header",
        action="store_true",
        help="do not require 'OpenAI-Beta: assistants=v2'",
    )
    args = parser.parse_args(argv)
    names: list[str] = args.recording or ["text-run"]
    try:
        scenes = [Scene(name if name in recordings.NAMES else Path(name)) for name in names]
    except OSError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    server = MockAssistantsServer(
        script=scenes,
        api_key=args.api_key,
        chunk_size=args.chunk_size,
        chunk_delay=args.chunk_delay,
        require_beta_header=not args.no_beta_header,
        repeat=args.repeat,
        host=args.host,
        port=args.port,
    )
    try:
        print(server.start(), flush=True)
    except (OSError, RuntimeError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
