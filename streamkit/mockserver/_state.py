"""What the mock server knows: its scripts' value types, the API's errors, and the runs it has seen.

:class:`Scene`, :class:`Fault` and :class:`RecordedRequest` are the public value types of
:mod:`streamkit.mockserver`; :class:`ServerState` holds the runs, steps and messages of every
scene played (as wire dicts), and :class:`ApiError` is an error answer in the API's shape.
"""

from __future__ import annotations

import fnmatch
import json
import os
import random
import re
import time
from collections.abc import Iterable, Mapping
from typing import Any

import attrs

from streamkit import recordings
from streamkit._engine.convert import to_dict
from streamkit._replay import replay
from streamkit.errors import StreamkitError
from streamkit.sse import ServerSentEvent, SSEDecoder
from streamkit.testing import FUNCTION_CALL_ANSWER, encode, function_call_events, random_id

__all__ = [
    "DEFAULT_ERRORS",
    "DEFAULT_MAX_BODY_SIZE",
    "RUN_OPEN",
    "ApiError",
    "Fault",
    "RecordedRequest",
    "Scene",
    "ServerState",
    "error_body",
    "event_ends",
    "first_run",
    "terminated",
]

#: The largest request body the server reads by default (1 MiB); larger ones get a 413.
DEFAULT_MAX_BODY_SIZE = 1 << 20

#: The run statuses a run can still be cancelled in.
RUN_OPEN = frozenset({"queued", "in_progress", "requires_action"})
_STEP_OPEN = frozenset({"in_progress"})

#: The ``error`` object sent for a status when a fault names none.
DEFAULT_ERRORS: dict[int, tuple[str, str, str | None]] = {
    400: ("Bad request.", "invalid_request_error", None),
    401: ("Incorrect API key provided.", "invalid_request_error", "invalid_api_key"),
    403: ("You are not allowed to access this resource.", "invalid_request_error", None),
    404: ("Not found.", "invalid_request_error", None),
    408: ("Request timed out.", "server_error", None),
    409: ("The request conflicted with another request.", "invalid_request_error", None),
    413: ("The request body is too large.", "invalid_request_error", None),
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


# Headers whose values are credentials: a repr (in a test failure, a log) never shows them.
_SECRET_HEADERS = frozenset({"authorization", "proxy-authorization", "api-key", "x-api-key"})


def _masked_headers(headers: dict[str, str]) -> str:
    shown = {
        name: "<masked>" if name.lower() in _SECRET_HEADERS else value
        for name, value in headers.items()
    }
    return repr(shown)


@attrs.frozen
class Scene:
    """What the server does for one run-creating request: stream ``stream``, maybe with a fault.

    Scenes are consumed in order by ``POST /threads/{thread_id}/runs``, ``POST /threads/runs``
    and ``POST .../submit_tool_outputs``, streaming or not.

    Attributes:
        stream: the SSE bytes to send. Give a bundled recording's name (``"text-run"``), a path
            (``os.PathLike``), bytes, or events (e.g. from :func:`streamkit.testing.run_events`,
            encoded with :func:`streamkit.testing.encode`). Sent byte for byte, except that a
            last event without its closing blank line gets one (a client would drop it).
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

    @classmethod
    def function_call(
        cls,
        name: str,
        arguments: str | Mapping[str, Any] = "{}",
        *,
        answer: str = FUNCTION_CALL_ANSWER,
        rng: random.Random | None = None,
    ) -> tuple[Scene, Scene]:
        """The two scenes of a run that calls your function ``name`` with ``arguments``.

        The first streams a new run ending in ``requires_action`` for that one call; the second,
        taken by ``submit_tool_outputs``, completes the call and the run with the text
        ``answer``. Put both in the script: ``script=[*Scene.function_call("f", {"x": 1})]``.
        The server keeps the output the client submits (its run steps show it).

        Args:
            name: the function's name.
            arguments: its arguments: JSON text, or a mapping (dumped to JSON).
            answer: the assistant's answer after the outputs are submitted.
            rng: the source of the ids and fragments (default: a fresh one, so every call gives
                new ids).

        Returns:
            The scene up to ``requires_action``, and its continuation.
        """
        first, second = function_call_events(
            name,
            arguments,
            rng=random.Random() if rng is None else rng,
            answer=answer,
            created_at=int(time.time()),
        )
        return cls(first), cls(second)

    @drop_after_events.validator
    def _check_drop(self, _attribute: attrs.Attribute[Any], value: int | None) -> None:
        if value is not None and value < 0:
            msg = f"drop_after_events must be 0 or more, not {value}"
            raise ValueError(msg)


@attrs.frozen
class Fault:
    """A fault for the first ``times`` requests matching ``method`` and ``path``.

    Two kinds. An HTTP error (``status``): checked (in the order given) after authentication and
    before the request is handled, on every endpoint, streaming or not; a faulted
    scene-consuming request does not consume a scene. Several faults on one path fire one after
    the other::

        faults=[Fault("GET", "/threads/t/runs/r", 500),
                Fault("GET", "/threads/t/runs/r", 429, retry_after=0.2)]

    gives a 500, then a 429, then the run.

    A stream fault (``drop_after_events`` and/or ``chunk_delay``, no ``status``): applies to the
    next matching requests answered with a stream (a streamed create, a streamed
    ``submit_tool_outputs``, a ``GET /responses/{id}?stream=true`` resume) and overrides the
    scene's own stream faults for them. It is how a resume stream is cut::

        Fault("GET", "/responses/*", drop_after_events=3)

    Attributes:
        method: the HTTP method, e.g. ``"GET"`` (case-insensitive).
        path: the path after the base URL, e.g. ``"/threads/t/runs/r"`` (a leading ``/v1`` is
            also accepted); ``fnmatch`` wildcards work: ``"/threads/*/runs/*"``.
        status: the HTTP status to answer with (400-599).
        retry_after: the ``Retry-After`` header in seconds (also sent as ``retry-after-ms``).
        times: how many matching requests get the fault.
        error: the ``error`` object of the body (default: the API's usual one for ``status``).
        drop_after_events: end the stream after this many events (``0``: right after the
            headers), without its terminal event.
        abrupt: with ``drop_after_events``, break the HTTP framing too (the connection closes
            mid-response): the client's HTTP library raises instead of seeing a clean end.
        chunk_delay: seconds between the chunks of the stream.
    """

    method: str = attrs.field(converter=_upper)
    path: str
    status: int | None = attrs.field(default=None, validator=_check_status)
    retry_after: float | None = attrs.field(default=None, kw_only=True)
    times: int = attrs.field(default=1, kw_only=True, validator=attrs.validators.ge(1))
    error: Mapping[str, Any] | None = attrs.field(default=None, kw_only=True)
    drop_after_events: int | None = attrs.field(
        default=None, kw_only=True, validator=attrs.validators.optional(attrs.validators.ge(0))
    )
    abrupt: bool = attrs.field(default=False, kw_only=True)
    chunk_delay: float | None = attrs.field(
        default=None, kw_only=True, validator=attrs.validators.optional(attrs.validators.ge(0))
    )

    def __attrs_post_init__(self) -> None:
        on_stream = self.drop_after_events is not None or self.chunk_delay is not None
        if self.status is None and not on_stream:
            msg = "a Fault needs a status, or drop_after_events / chunk_delay for a stream"
            raise ValueError(msg)
        if self.status is not None and on_stream:
            msg = "a Fault is either an HTTP status or a stream fault, not both"
            raise ValueError(msg)
        if self.abrupt and self.drop_after_events is None:
            msg = "abrupt needs drop_after_events"
            raise ValueError(msg)

    @property
    def on_stream(self) -> bool:
        """Whether this fault acts on a stream (a drop or slow chunks) rather than a status."""
        return self.status is None

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
        headers: the headers, names lowercased (repeated headers joined with ``", "``). The
            values are as received; the repr masks ``authorization`` and other credentials.
        body: the raw body (empty when it was over the server's ``max_body_size``).
        request_id: the ``x-request-id`` the response carried.
    """

    method: str
    path: str
    query: dict[str, list[str]]
    json: Any
    headers: dict[str, str] = attrs.field(repr=_masked_headers)
    body: bytes = attrs.field(repr=_short_bytes)
    request_id: str


# --- Errors and streams -------------------------------------------------------------------------


class ApiError(Exception):
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


def error_body(status: int, error: Mapping[str, Any] | None) -> dict[str, Any]:
    if error is not None:
        return {"error": dict(error)}
    default_type = "server_error" if status >= 500 else "invalid_request_error"
    message, type_, code = DEFAULT_ERRORS.get(status, (f"HTTP {status}.", default_type, None))
    return {"error": {"message": message, "type": type_, "param": None, "code": code}}


def event_ends(data: bytes) -> list[int]:
    """The byte offset just after each event of ``data`` that an SSE decoder dispatches."""
    decoder = SSEDecoder(max_event_size=None)
    ends: list[int] = []
    for line in _LINE.finditer(data):
        ends.extend(line.end() for _event in decoder.feed(line.group()))
    return ends


def terminated(data: bytes) -> bytes:
    """``data`` with its last event ended by a blank line, if it lacks one.

    Some recordings end right after their last event's final line (as a log file may). A
    spec-compliant client drops such an event -- on ``text-then-server-error``, the error
    itself -- so the server always ends the stream with a blank line.
    """
    decoder = SSEDecoder(max_event_size=None)
    decoder.feed(data)
    if not decoder.has_partial_event:
        return data
    if data.endswith(b"\n"):  # also "\r\n": the line is ended, the blank line is missing
        return data + b"\n"
    # A trailing "\r" already ends the line; "\n" after it is part of the same line end.
    return data + b"\n\n"


def first_run(data: bytes) -> dict[str, Any] | None:
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


# --- State ---------------------------------------------------------------------------------------


@attrs.define
class ServerState:
    """What the server knows: threads, runs, steps and messages as wire dicts, and where they are.

    A run or message is listed under the thread named inside it and under the thread of the URL
    that created it (ids inside streams are never rewritten).
    """

    runs: dict[str, dict[str, Any]] = attrs.Factory(dict)
    run_threads: dict[str, set[str]] = attrs.Factory(dict)
    steps: dict[str, dict[str, dict[str, Any]]] = attrs.Factory(dict)
    messages: dict[str, dict[str, Any]] = attrs.Factory(dict)
    message_threads: dict[str, set[str]] = attrs.Factory(dict)
    threads: dict[str, dict[str, Any]] = attrs.Factory(dict)
    cancelling: set[str] = attrs.Factory(set)
    order: dict[str, int] = attrs.Factory(dict)
    rng: random.Random = attrs.Factory(random.Random)

    def new_id(self, prefix: str) -> str:
        """A fresh API-style id (``thread_`` and 24 letters and digits), unused so far."""
        while True:
            new = random_id(self.rng, prefix)
            if new not in self.threads and new not in self.messages:
                return new

    def know_thread(self, thread_id: str, created_at: int | None = None) -> dict[str, Any]:
        """The thread ``thread_id``, made (empty, no metadata) if it is new."""
        thread = self.threads.get(thread_id)
        if thread is None:
            thread = self.threads[thread_id] = {
                "id": thread_id,
                "object": "thread",
                "created_at": int(time.time()) if created_at is None else created_at,
                "metadata": {},
                "tool_resources": {},
            }
        return thread

    def add_message(self, message: dict[str, Any], thread_id: str) -> None:
        """Keep ``message`` (a wire dict) as the newest of ``thread_id``."""
        self.messages[message["id"]] = message
        self.order.setdefault(message["id"], len(self.order))
        self.message_threads.setdefault(message["id"], set()).add(thread_id)

    def absorb(self, data: bytes, url_thread: str | None) -> None:
        """Take in the final snapshots of a whole stream."""
        try:
            accumulator = replay(data, strict=False, max_event_size=None, protocol="assistants")
        except StreamkitError as error:
            if error.accumulator is None:
                return
            accumulator = error.accumulator
        for thread_id, thread in accumulator.threads.items():
            self.threads.setdefault(thread_id, to_dict(thread))
        if url_thread is not None:
            self.know_thread(url_thread)
        for run_id, run in accumulator.runs.items():
            self.runs[run_id] = to_dict(run)
            self.order.setdefault(run_id, len(self.order))
            threads = self.run_threads.setdefault(run_id, set())
            threads.add(run.thread_id)
            self.know_thread(run.thread_id, run.created_at)
            if url_thread is not None:
                threads.add(url_thread)
            self.cancelling.discard(run_id)
        for step_id, step in accumulator.run_steps.items():
            self.steps.setdefault(step.run_id, {})[step_id] = to_dict(step)
            self.order.setdefault(step_id, len(self.order))
        for message_id, message in accumulator.messages.items():
            self.add_message(to_dict(message), message.thread_id)
            if url_thread is not None:
                self.message_threads[message_id].add(url_thread)
        if accumulator.errors:
            last = accumulator.errors[-1]
            self._fail(accumulator.runs, accumulator.messages, last.code, last.message)

    def _fail(
        self, run_ids: Iterable[str], message_ids: Iterable[str], code: str | None, message: str
    ) -> None:
        """After an ``error`` event the run is over: its open runs, steps, messages fail."""
        now = int(time.time())
        # A run's last_error knows only these codes; any other server error is server_error.
        last_error = {
            "code": code if code in ("rate_limit_exceeded", "invalid_prompt") else "server_error",
            "message": message,
        }
        failed: set[str] = set()
        for run_id in run_ids:
            run = self.runs[run_id]
            if run.get("status") not in RUN_OPEN | {"cancelling"}:
                continue
            failed.add(run_id)
            run.update(
                status="failed",
                failed_at=now,
                last_error=dict(last_error),
                required_action=None,
                expires_at=None,
            )
            for step in self.steps.get(run_id, {}).values():
                if step.get("status") in _STEP_OPEN:
                    step.update(
                        status="failed", failed_at=now, last_error=dict(last_error), expires_at=None
                    )
        for message_id in message_ids:
            entry = self.messages[message_id]
            if entry.get("run_id") in failed and entry.get("status") == "in_progress":
                entry.update(
                    status="incomplete",
                    incomplete_at=now,
                    incomplete_details={"reason": "run_failed"},
                )

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

    def keep_outputs(self, run_id: str, outputs: Mapping[str, str]) -> None:
        """Show the tool outputs a client submitted (call id to output) in the run's steps."""
        for step in self.steps.get(run_id, {}).values():
            details = step.get("step_details") or {}
            for call in details.get("tool_calls") or ():
                function = call.get("function") if isinstance(call, dict) else None
                if isinstance(function, dict) and call.get("id") in outputs:
                    function["output"] = outputs[call["id"]]

    def thread(self, thread_id: str) -> dict[str, Any]:
        """The thread ``thread_id`` (404 if unknown)."""
        thread = self.threads.get(thread_id)
        if thread is None:
            raise ApiError(404, f"No thread found with id '{thread_id}'.")
        return thread

    def thread_messages(self, thread_id: str) -> list[dict[str, Any]]:
        """The messages of ``thread_id``, oldest first.

        In the order the server learned them, not by ``created_at``: a recording's timestamps
        are those of the day it was recorded, older than any message a client adds now.
        """
        self.thread(thread_id)
        ids = [m for m, threads in self.message_threads.items() if thread_id in threads]
        return [self.messages[m] for m in sorted(ids, key=self.order.__getitem__)]

    def run(self, thread_id: str, run_id: str) -> dict[str, Any]:
        self.thread(thread_id)
        if run_id not in self.runs or thread_id not in self.run_threads[run_id]:
            raise ApiError(404, f"No run found with id '{run_id}'.")
        return self.runs[run_id]

    def sorted(self, items: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
        """``items`` in ascending order: by ``created_at``, then as first seen."""
        return sorted(items, key=lambda item: (item.get("created_at") or 0, self.order[item["id"]]))
