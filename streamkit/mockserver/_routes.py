"""The mock server's HTTP side: a Starlette app that routes requests to both APIs' endpoints.

:class:`MockApp` holds the script, the faults and the state of one server, records every
request, checks it as the API does (authentication, the beta header of the Assistants routes,
query parameters, body keys) and answers it: a scene's stream (in chunks, maybe cut short), a
scene's first run as JSON, or the runs, steps and messages the state holds. The ``/responses``
endpoints are :class:`~streamkit.mockserver._responses.ResponsesMock`'s.
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import json
import re
import threading
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route
from starlette.types import Receive, Scope, Send

from streamkit.mockserver._http import (
    Call,
    Script,
    check_body,
    check_query,
    error_response,
    metadata_of,
    object_body,
    paginate,
    single,
    stream_flag,
)
from streamkit.mockserver._responses import ResponseScene, ResponsesMock
from streamkit.mockserver._state import (
    DEFAULT_ERRORS,
    DEFAULT_MAX_BODY_SIZE,
    RUN_OPEN,
    ApiError,
    Fault,
    RecordedRequest,
    Scene,
    ServerState,
    event_ends,
    first_run,
    terminated,
)
from streamkit.testing import message_object

__all__ = ["FILE_SEARCH_CONTENT", "MockApp"]

#: The one value of the ``include[]`` query parameter: file search results with their content.
FILE_SEARCH_CONTENT = "step_details.tool_calls[*].file_search.results[*].content"

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
_CREATE_THREAD_KEYS = frozenset({"messages", "tool_resources", "metadata"})
_CREATE_MESSAGE_KEYS = frozenset({"role", "content", "attachments", "metadata"})
_SUBMIT_KEYS = frozenset({"tool_outputs", "stream"})
_MODIFY_KEYS = frozenset({"metadata"})
_LIST_QUERY = frozenset({"limit", "order", "after", "before"})


# --- Requests and responses ------------------------------------------------------------------


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
            raise ApiError(400, msg, param="include", code="invalid_value")
    return bool(values)


def _content_block(part: Any) -> dict[str, Any]:
    """A message content block from one part of a request's ``content`` array."""
    kind = part.get("type") if isinstance(part, dict) else None
    if kind == "text" and isinstance(part.get("text"), str):
        return {"type": "text", "text": {"value": part["text"], "annotations": []}}
    if kind == "image_file" and isinstance(part.get("image_file"), dict):
        return {"type": "image_file", "image_file": dict(part["image_file"])}
    if kind == "image_url" and isinstance(part.get("image_url"), dict):
        return {"type": "image_url", "image_url": dict(part["image_url"])}
    msg = (
        "Invalid 'content': each part must be {'type': 'text', 'text': ...}, "
        "{'type': 'image_file', ...} or {'type': 'image_url', ...}."
    )
    raise ApiError(400, msg, param="content", code="invalid_value")


def _new_message(state: ServerState, thread_id: str, request: Any) -> dict[str, Any]:
    """The message a ``CreateMessageRequest`` makes in ``thread_id`` (checked, not yet kept)."""
    if not isinstance(request, dict):
        msg = "Invalid type for 'messages': expected an array of message objects."
        raise ApiError(400, msg, param="messages", code="invalid_type")
    check_body(request, _CREATE_MESSAGE_KEYS)
    for name in ("role", "content"):
        if name not in request:
            msg = f"Missing required parameter: '{name}'."
            raise ApiError(400, msg, param=name, code="missing_required_parameter")
    role = request["role"]
    if role not in ("user", "assistant"):
        msg = f"Invalid value: '{role}'. Supported values are: 'user' and 'assistant'."
        raise ApiError(400, msg, param="role", code="invalid_value")
    content = request["content"]
    if isinstance(content, str):
        blocks = [_content_block({"type": "text", "text": content})]
    elif isinstance(content, list) and content:
        blocks = [_content_block(part) for part in content]
    else:
        msg = "Invalid 'content': expected a string or a non-empty array of content parts."
        raise ApiError(400, msg, param="content", code="invalid_value")
    attachments = request.get("attachments")
    if attachments is not None and not isinstance(attachments, list):
        msg = "Invalid type for 'attachments': expected an array."
        raise ApiError(400, msg, param="attachments", code="invalid_type")
    now = int(time.time())
    return message_object(
        state.new_id("msg_"),
        status="completed",
        content=blocks,
        thread_id=thread_id,
        assistant_id=None,
        run_id=None,
        created_at=now,
        completed_at=now,
        role=role,
        attachments=list(attachments or ()),
        metadata=metadata_of(request) or {},
    )


def _new_messages(state: ServerState, thread_id: str, requests: Any, name: str) -> list[Any]:
    """The messages of a request's ``messages`` (or ``additional_messages``) array."""
    if requests is None:
        return []
    if not isinstance(requests, list):
        msg = f"Invalid type for '{name}': expected an array of message objects."
        raise ApiError(400, msg, param=name, code="invalid_type")
    return [_new_message(state, thread_id, request) for request in requests]


class _SSEResponse(StreamingResponse):
    """Sends ``chunks`` with ``delay`` between them; with ``abrupt``, never finishes the body.

    The stream also stops, unfinished, when the client disconnects or ``shutdown`` is set: it
    yields to the event loop between chunks, also without a delay, to notice.
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
                elif position:
                    # A send with room in the socket never suspends: without this, the watchers
                    # and the server's own connection_lost never run, and every write after a
                    # disconnect logs "socket.send() raised exception".
                    await asyncio.sleep(0)
                if any(watcher.done() for watcher in watchers):
                    return
                await send({"type": "http.response.body", "body": chunk, "more_body": True})
            if not self._abrupt:
                await send({"type": "http.response.body", "body": b"", "more_body": False})
        finally:
            for watcher in watchers:
                watcher.cancel()


_Handler = Callable[[Request, Call], Awaitable[Response]]


# --- The app -------------------------------------------------------------------------------------


class MockApp:
    """The requests side of :class:`~streamkit.mockserver.MockServer`.

    It takes the server's arguments but ``host`` and ``port`` (see there).

    Attributes:
        requests: every request received, in order (also those answered with an error).
        app: the Starlette app.
    """

    def __init__(
        self,
        *,
        script: Sequence[Scene | ResponseScene],
        api_key: str | None,
        chunk_size: int,
        chunk_delay: float,
        faults: Sequence[Fault],
        require_beta_header: bool,
        repeat: bool,
        max_body_size: int = DEFAULT_MAX_BODY_SIZE,
    ) -> None:
        if chunk_size < 1:
            msg = f"chunk_size must be at least 1, not {chunk_size}"
            raise ValueError(msg)
        if max_body_size < 1:
            msg = f"max_body_size must be at least 1, not {max_body_size}"
            raise ValueError(msg)
        self._max_body_size = max_body_size
        self.requests: list[RecordedRequest] = []
        self._script = Script((s for s in script if isinstance(s, Scene)), repeat)
        self._faults: list[list[Any]] = [[fault, fault.times] for fault in faults]
        self._api_key = api_key
        self._chunk_size = chunk_size
        self._chunk_delay = chunk_delay
        self._require_beta = require_beta_header
        self._state = ServerState()
        self._lock = threading.Lock()
        self._count = 0
        self._shutdown = asyncio.Event()
        self._loop: asyncio.AbstractEventLoop | None = None
        self.responses = ResponsesMock(
            script=[s for s in script if isinstance(s, ResponseScene)],
            lock=self._lock,
            repeat=repeat,
            host=self,
        )
        # The Assistants routes need the OpenAI-Beta header; the Responses ones do not.
        self._routes: list[tuple[str, re.Pattern[str], _Handler, bool]] = [
            ("POST", re.compile(r"/threads"), self._create_thread, True),
            ("POST", re.compile(r"/threads/runs"), self._create_thread_and_run, True),
            ("GET", re.compile(r"/threads/(?P<thread_id>[^/]+)"), self._retrieve_thread, True),
            (
                "POST",
                re.compile(r"/threads/(?P<thread_id>[^/]+)/messages"),
                self._create_message,
                True,
            ),
            (
                "GET",
                re.compile(r"/threads/(?P<thread_id>[^/]+)/messages"),
                self._list_messages,
                True,
            ),
            ("POST", re.compile(r"/threads/(?P<thread_id>[^/]+)/runs"), self._create_run, True),
            ("GET", re.compile(r"/threads/(?P<thread_id>[^/]+)/runs"), self._list_runs, True),
            (
                "GET",
                re.compile(r"/threads/(?P<thread_id>[^/]+)/runs/(?P<run_id>[^/]+)"),
                self._retrieve_run,
                True,
            ),
            (
                "POST",
                re.compile(r"/threads/(?P<thread_id>[^/]+)/runs/(?P<run_id>[^/]+)"),
                self._modify_run,
                True,
            ),
            (
                "POST",
                re.compile(r"/threads/(?P<thread_id>[^/]+)/runs/(?P<run_id>[^/]+)/cancel"),
                self._cancel_run,
                True,
            ),
            (
                "POST",
                re.compile(
                    r"/threads/(?P<thread_id>[^/]+)/runs/(?P<run_id>[^/]+)/submit_tool_outputs"
                ),
                self._submit_tool_outputs,
                True,
            ),
            (
                "GET",
                re.compile(r"/threads/(?P<thread_id>[^/]+)/runs/(?P<run_id>[^/]+)/steps"),
                self._list_steps,
                True,
            ),
            (
                "GET",
                re.compile(
                    r"/threads/(?P<thread_id>[^/]+)/runs/(?P<run_id>[^/]+)/steps/(?P<step_id>[^/]+)"
                ),
                self._retrieve_step,
                True,
            ),
            (
                "GET",
                re.compile(r"/threads/(?P<thread_id>[^/]+)/messages/(?P<message_id>[^/]+)"),
                self._retrieve_message,
                True,
            ),
        ]
        self._routes += [
            (method, re.compile(pattern), handler, False)
            for method, pattern, handler in self.responses.routes()
        ]
        methods = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"]
        self.app = Starlette(routes=[Route("/{path:path}", self._handle, methods=methods)])

    # --- streams -----------------------------------------------------------------------------

    def open_streams(self) -> None:
        """Before serving: streams run until :meth:`close_streams` (a fresh event, loop unknown)."""
        self._shutdown, self._loop = asyncio.Event(), None
        self.responses.reset()

    def close_streams(self) -> None:
        """End every open stream, from any thread (before the server stops)."""
        loop = self._loop
        if loop is not None:
            # End open streams first, so that no task is left to cancel at shutdown.
            with contextlib.suppress(RuntimeError):  # the loop is already closed
                loop.call_soon_threadsafe(self._shutdown.set)

    @property
    def chunk_size(self) -> int:
        """The size of the chunks a stream is sent in."""
        return self._chunk_size

    @property
    def chunk_delay(self) -> float:
        """Seconds between chunks, unless a scene or fault says otherwise."""
        return self._chunk_delay

    @property
    def shutdown(self) -> asyncio.Event:
        """Set when the server stops: open streams end."""
        return self._shutdown

    @property
    def loop(self) -> asyncio.AbstractEventLoop | None:
        """The serving event loop, once a request came in."""
        return self._loop

    def stream_fault(self, method: str, path: str) -> Fault | None:
        """The next stream fault (a drop, slow chunks) matching the request, consumed."""
        with self._lock:
            for entry in self._faults:
                fault: Fault = entry[0]
                if fault.on_stream and entry[1] > 0 and fault.matches(method, path):
                    entry[1] -= 1
                    return fault
        return None

    # --- scripting ---------------------------------------------------------------------------

    def add_scene(self, scene: Scene | ResponseScene) -> None:
        """Append ``scene`` to its API's script (consumed after the ones already there)."""
        if isinstance(scene, ResponseScene):
            self.responses.add_scene(scene)
            return
        with self._lock:
            self._script.add(scene)

    def add_fault(self, fault: Fault) -> None:
        """Add ``fault`` after the faults already there."""
        with self._lock:
            self._faults.append([fault, fault.times])

    def load(self, scene: Scene, *, thread_id: str | None = None) -> None:
        """Know the state at the end of ``scene`` (see ``MockServer.load``)."""
        with self._lock:
            self._state.absorb(terminated(scene.stream), thread_id)

    @property
    def scenes_left(self) -> int:
        """How many Runs scenes of the script have not been consumed yet."""
        return len(self._script)

    # --- dispatch ----------------------------------------------------------------------------

    async def _handle(self, request: Request) -> Response:
        with self._lock:
            self._count += 1
            request_id = f"req_{self._count}"
        self._loop = asyncio.get_running_loop()
        raw = await self._read_body(request)
        too_large = raw is None
        raw = raw or b""
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
            if too_large:
                msg = (
                    f"The request body is too large: this server reads at most "
                    f"{self._max_body_size} bytes (max_body_size)."
                )
                raise ApiError(413, msg)
            response = await self._dispatch(request, path, query, parsed, raw, headers)
        except ApiError as error:
            response = JSONResponse({"error": error.body}, status_code=error.status)
        response.headers["x-request-id"] = request_id
        if too_large:
            # The rest of the body is never read: the connection cannot carry another request.
            response.headers["connection"] = "close"
        return response

    async def _read_body(self, request: Request) -> bytes | None:
        """The request's body, or ``None`` once it is over ``max_body_size`` (not read further)."""
        declared = request.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > self._max_body_size:
            return None
        body = bytearray()
        async for chunk in request.stream():
            body += chunk
            if len(body) > self._max_body_size:
                return None
        return bytes(body)

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
                message, type_, code = DEFAULT_ERRORS[401]
                raise ApiError(401, message, type_=type_, code=code)
        method = request.method
        relative = path[3:] if path.startswith("/v1/") else None
        handler: _Handler | None = None
        params: dict[str, str] = {}
        path_known = needs_beta = False
        if relative is not None:
            for route_method, pattern, route_handler, beta in self._routes:
                match = pattern.fullmatch(relative)
                if match is None:
                    continue
                path_known = True
                if route_method == method:
                    handler, params, needs_beta = route_handler, match.groupdict(), beta
                    break
        if handler is None or relative is None:
            if path_known:
                raise ApiError(405, f"Not allowed to {method} on {path}.")
            raise ApiError(404, f"Invalid URL ({method} {path})")
        if needs_beta and self._require_beta and headers.get("openai-beta") != "assistants=v2":
            msg = (
                "You must provide the 'OpenAI-Beta' header to access the Assistants API. "
                "Please try again by setting the header 'OpenAI-Beta: assistants=v2'."
            )
            raise ApiError(400, msg, code="invalid_beta")
        with self._lock:
            for entry in self._faults:
                fault: Fault = entry[0]
                if fault.status is not None and entry[1] > 0 and fault.matches(method, relative):
                    entry[1] -= 1
                    return error_response(fault.status, fault.error, fault.retry_after)
        return await handler(
            request,
            Call(method=method, path=relative, params=params, query=query, json=parsed, raw=raw),
        )

    # --- scenes ------------------------------------------------------------------------------

    def _play(
        self,
        request: Request,
        url_thread: str | None,
        stream: bool,
        messages: Sequence[dict[str, Any]] = (),
    ) -> Response:
        """Consume the next scene: its stream, its first run as JSON, or its error.

        ``messages`` (checked, not yet kept) join the run's thread first, once the scene is
        consumed: a request answered with an error adds nothing.
        """
        with self._lock:
            scene = self._script.take()
            if scene is None:
                msg = (
                    f"MockAssistantsServer: no scene left for {request.method} "
                    f"{request.url.path} (the script had {self._script.length} scenes)."
                )
                raise ApiError(400, msg, code="mock_script_exhausted")
            if isinstance(scene, Response):  # the scene fails its first requests
                return scene
            data = terminated(scene.stream)
            if messages:
                thread_id = url_thread or (first_run(data) or {}).get("thread_id")
                if isinstance(thread_id, str):
                    self._state.know_thread(thread_id)
                    for message in messages:
                        message["thread_id"] = thread_id
                        self._state.add_message(message, thread_id)
            self._state.absorb(data, url_thread)
        if not stream:
            run = first_run(data)
            if run is None:
                msg = "MockAssistantsServer: the scene has no run event to answer with."
                raise ApiError(500, msg, type_="server_error", code="mock_scene_without_run")
            return JSONResponse(run)
        drop, abrupt, delay = scene.drop_after_events, scene.abrupt, scene.chunk_delay
        relative = request.url.path.removeprefix("/v1")
        fault = self.stream_fault(request.method, relative)
        if fault is not None:
            if fault.drop_after_events is not None:
                drop, abrupt = fault.drop_after_events, fault.abrupt
            if fault.chunk_delay is not None:
                delay = fault.chunk_delay
        if drop is not None:
            ends = event_ends(data)
            data = data[: ends[drop - 1] if drop else 0] if drop <= len(ends) else data
        size = self._chunk_size
        chunks = [data[i : i + size] for i in range(0, len(data), size)]
        delay = self._chunk_delay if delay is None else delay
        abrupt = abrupt and drop is not None
        return _SSEResponse(
            chunks,
            delay=delay,
            abrupt=abrupt,
            shutdown=self._shutdown,
            headers={"cache-control": "no-cache"},
        )

    # --- endpoints ---------------------------------------------------------------------------

    async def _create_run(self, request: Request, call: Call) -> Response:
        check_query(call.query, frozenset({"include[]"}))
        _include(call.query)
        body = object_body(call.json, call.raw)
        check_body(body, _CREATE_RUN_KEYS)
        if not body.get("assistant_id"):
            raise ApiError(
                400,
                "Missing required parameter: 'assistant_id'.",
                param="assistant_id",
                code="missing_required_parameter",
            )
        thread_id = call.params["thread_id"]
        stream = stream_flag(body)
        with self._lock:
            extra = _new_messages(
                self._state, thread_id, body.get("additional_messages"), "additional_messages"
            )
        return self._play(request, thread_id, stream, extra)

    async def _create_thread_and_run(self, request: Request, call: Call) -> Response:
        check_query(call.query, frozenset())
        body = object_body(call.json, call.raw)
        check_body(body, _CREATE_THREAD_AND_RUN_KEYS)
        if not body.get("assistant_id"):
            raise ApiError(
                400,
                "Missing required parameter: 'assistant_id'.",
                param="assistant_id",
                code="missing_required_parameter",
            )
        thread = body.get("thread")
        if thread is not None and not isinstance(thread, dict):
            msg = "Invalid type for 'thread': expected an object."
            raise ApiError(400, msg, param="thread", code="invalid_type")
        stream = stream_flag(body)
        with self._lock:
            # The thread id is the scene's: _play sets it on these messages.
            extra = _new_messages(self._state, "", (thread or {}).get("messages"), "messages")
        return self._play(request, None, stream, extra)

    async def _submit_tool_outputs(self, request: Request, call: Call) -> Response:
        check_query(call.query, frozenset())
        body = object_body(call.json, call.raw)
        check_body(body, _SUBMIT_KEYS)
        outputs = body.get("tool_outputs")
        if not isinstance(outputs, list):
            raise ApiError(
                400,
                "Missing required parameter: 'tool_outputs'.",
                param="tool_outputs",
                code="missing_required_parameter",
            )
        stream = stream_flag(body)
        thread_id, run_id = call.params["thread_id"], call.params["run_id"]
        with self._lock:
            self._state.settle(run_id)
            run = self._state.run(thread_id, run_id)
            if run.get("status") != "requires_action":
                msg = f'Runs in status "{run.get("status")}" do not accept tool outputs.'
                raise ApiError(400, msg)
            required = (run.get("required_action") or {}).get("submit_tool_outputs") or {}
            expected = sorted(str(c.get("id")) for c in required.get("tool_calls") or ())
        got = sorted(str(o.get("tool_call_id")) for o in outputs if isinstance(o, dict))
        if expected and got != expected:
            msg = f"Expected tool outputs for call_ids {expected}, got {got}"
            raise ApiError(400, msg, param="tool_outputs")
        response = self._play(request, thread_id, stream)
        if response.status_code == 200:
            submitted = {
                str(o.get("tool_call_id")): o["output"]
                for o in outputs
                if isinstance(o, dict) and isinstance(o.get("output"), str)
            }
            with self._lock:
                # The scene's steps carry its own outputs; the client's are the true ones.
                self._state.keep_outputs(run_id, submitted)
        return response

    async def _list_runs(self, _request: Request, call: Call) -> Response:
        check_query(call.query, _LIST_QUERY)
        thread_id = call.params["thread_id"]
        with self._lock:
            self._state.thread(thread_id)
            ids = [r for r, threads in self._state.run_threads.items() if thread_id in threads]
            for run_id in ids:
                self._state.settle(run_id)
            runs = self._state.sorted(copy.deepcopy(self._state.runs[r]) for r in ids)
        return JSONResponse(paginate(runs, call.query))

    async def _retrieve_run(self, _request: Request, call: Call) -> Response:
        check_query(call.query, frozenset())
        with self._lock:
            self._state.settle(call.params["run_id"])
            run = self._state.run(call.params["thread_id"], call.params["run_id"])
            return JSONResponse(copy.deepcopy(run))

    async def _modify_run(self, _request: Request, call: Call) -> Response:
        check_query(call.query, frozenset())
        body = object_body(call.json, call.raw)
        check_body(body, _MODIFY_KEYS)
        metadata = metadata_of(body)
        with self._lock:
            self._state.settle(call.params["run_id"])
            run = self._state.run(call.params["thread_id"], call.params["run_id"])
            if metadata is not None:
                run["metadata"] = metadata
            return JSONResponse(copy.deepcopy(run))

    async def _cancel_run(self, _request: Request, call: Call) -> Response:
        check_query(call.query, frozenset())
        run_id = call.params["run_id"]
        with self._lock:
            self._state.settle(run_id)
            run = self._state.run(call.params["thread_id"], run_id)
            status = run.get("status")
            if status not in RUN_OPEN:
                raise ApiError(400, f"Cannot cancel run with status '{status}'.")
            run["status"] = "cancelling"
            self._state.cancelling.add(run_id)
            return JSONResponse(copy.deepcopy(run))

    async def _list_steps(self, _request: Request, call: Call) -> Response:
        check_query(call.query, _LIST_QUERY | {"include[]"})
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
        return JSONResponse(paginate(shown, call.query))

    async def _retrieve_step(self, _request: Request, call: Call) -> Response:
        check_query(call.query, frozenset({"include[]"}))
        include = _include(call.query)
        run_id, step_id = call.params["run_id"], call.params["step_id"]
        with self._lock:
            self._state.settle(run_id)
            self._state.run(call.params["thread_id"], run_id)
            step = self._state.steps.get(run_id, {}).get(step_id)
            if step is None:
                raise ApiError(404, f"No run step found with id '{step_id}'.")
            shown = copy.deepcopy(step) if include else _strip_file_search_content(step)
        return JSONResponse(shown)

    async def _create_thread(self, _request: Request, call: Call) -> Response:
        """``POST /threads``: an empty thread, or one holding the request's ``messages``."""
        check_query(call.query, frozenset())
        body = object_body(call.json, call.raw)
        check_body(body, _CREATE_THREAD_KEYS)
        metadata = metadata_of(body)
        tool_resources = body.get("tool_resources")
        if tool_resources is not None and not isinstance(tool_resources, dict):
            msg = "Invalid type for 'tool_resources': expected an object."
            raise ApiError(400, msg, param="tool_resources", code="invalid_type")
        with self._lock:
            thread_id = self._state.new_id("thread_")
            messages = _new_messages(self._state, thread_id, body.get("messages"), "messages")
            thread = self._state.know_thread(thread_id)
            thread.update(metadata=metadata or {}, tool_resources=dict(tool_resources or {}))
            for message in messages:
                self._state.add_message(message, thread_id)
            return JSONResponse(copy.deepcopy(thread))

    async def _retrieve_thread(self, _request: Request, call: Call) -> Response:
        check_query(call.query, frozenset())
        with self._lock:
            return JSONResponse(copy.deepcopy(self._state.thread(call.params["thread_id"])))

    async def _create_message(self, _request: Request, call: Call) -> Response:
        check_query(call.query, frozenset())
        body = object_body(call.json, call.raw)
        thread_id = call.params["thread_id"]
        with self._lock:
            self._state.thread(thread_id)
            message = _new_message(self._state, thread_id, body)
            self._state.add_message(message, thread_id)
            return JSONResponse(copy.deepcopy(message))

    async def _list_messages(self, _request: Request, call: Call) -> Response:
        """``GET /threads/{thread_id}/messages``: paginated as runs are, ``run_id`` filters."""
        check_query(call.query, _LIST_QUERY | {"run_id"})
        run_id = single(call.query, "run_id")
        with self._lock:
            messages = [
                copy.deepcopy(message)
                for message in self._state.thread_messages(call.params["thread_id"])
                if run_id is None or message.get("run_id") == run_id
            ]
        return JSONResponse(paginate(messages, call.query))

    async def _retrieve_message(self, _request: Request, call: Call) -> Response:
        """``GET /threads/{thread_id}/messages/{message_id}``: what a recovering client reads."""
        check_query(call.query, frozenset())
        thread_id, message_id = call.params["thread_id"], call.params["message_id"]
        with self._lock:
            self._state.thread(thread_id)
            message = self._state.messages.get(message_id)
            if message is None or thread_id not in self._state.message_threads[message_id]:
                raise ApiError(404, f"No message found with id '{message_id}'.")
            return JSONResponse(copy.deepcopy(message))
