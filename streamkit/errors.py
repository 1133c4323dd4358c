"""streamkit's exceptions: one tree, so ``except streamkit.StreamkitError`` catches all.

```
StreamkitError                  base of everything streamkit raises on bad input
├── DecodeError                 the byte stream cannot be decoded as Server-Sent Events
│   └── EventTooLargeError      one event buffered more than ``max_event_size`` bytes
├── ParseError                  an event's payload is not JSON, or not of the schema's shape
├── AccumulateError             an event cannot be applied to the snapshots (bad index, ...)
├── StreamError                 the server sent an ``error`` event
├── TransportError              the request could not be sent or the connection broke
├── ResponseError               an HTTP error status, or a response that is not an event stream
├── ToolError                   the run called a function that was not given to the tool loop
└── LimitExceededError          a loop the server drives (polls, tool rounds) passed its bound
```

Messages say *what* went wrong and *where* (byte offset, event number, status,
content type). They never quote payload text: a stream carries tool arguments
and message text that may be private.

This module imports nothing from the rest of the package -- not even for type
annotations -- so every layer can raise these without import cycles. The
attributes that hold objects of upper layers (an accumulator, decoded events,
an error model) are typed ``Any``; their docstrings name the classes.
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "AccumulateError",
    "DecodeError",
    "EventTooLargeError",
    "LimitExceededError",
    "ParseError",
    "ResponseError",
    "StreamError",
    "StreamkitError",
    "ToolError",
    "TransportError",
]


class StreamkitError(Exception):
    """Base class of every error streamkit raises for bad input or a bad response.

    Example::

        try:
            acc = streamkit.replay("run.sse")
        except streamkit.StreamkitError as exc:
            print(f"cannot replay: {exc}")

    Attributes:
        accumulator: where the error came out of :func:`streamkit.replay` (or
            another consumer that owns an accumulator), the accumulator with
            everything received before the error; else ``None``.
    """

    accumulator: Any = None
    """The :class:`streamkit.Accumulator` with everything received before the error, or None."""


class DecodeError(StreamkitError):
    """The byte stream cannot be decoded as Server-Sent Events."""


class EventTooLargeError(DecodeError):
    """One event buffered more bytes than the decoder's ``max_event_size``.

    Attributes:
        limit: the ``max_event_size`` in force.
        offset: how many bytes of the stream had been fed when the limit was passed.
        events: the complete events (:class:`streamkit.ServerSentEvent`) decoded in
            the same ``feed`` call before the oversized one; they would otherwise
            be lost with the exception.
    """

    def __init__(self, message: str, *, limit: int, offset: int, events: list[Any]) -> None:
        super().__init__(message)
        self.limit = limit
        self.offset = offset
        self.events = events


class ParseError(StreamkitError):
    """An event's payload is not valid JSON, or not of the shape the schema gives it.

    The message names the event, its position in the stream when known, the
    path of the offending field (``data.delta.step_details.tool_calls[0].index``)
    and what was expected -- never the payload's text.

    Attributes:
        event: the event name.
        position: the event's number in the stream (1-based), if known.
        path: the field path inside the event, starting at ``data``.
        reason: what is wrong, e.g. ``expected an integer, got a string``.
    """

    def __init__(
        self, message: str, *, event: str, position: int | None, path: str, reason: str
    ) -> None:
        super().__init__(message)
        self.event = event
        self.position = position
        self.path = path
        self.reason = reason


class AccumulateError(StreamkitError):
    """An event that cannot be applied to the snapshots.

    Raised by :class:`~streamkit.Accumulator` in strict mode, before anything
    of the event is applied: a delta for an object never created, an
    ``index`` out of bounds, a ``type`` that differs from the one already held
    at an index, a set-once field re-sent with another value, a duplicate
    ``*.created``. The message says where, never what the payload said.

    Attributes:
        position: the event's number in the stream (1-based).
        event: the event name.
        object_id: the run, step or message id, if known.
        path: the field path inside the event's data, e.g. ``delta.step_details.tool_calls[3]``.
        kind: the kind of problem, as in :class:`~streamkit.Anomaly` (``bad_index`` ...).
        reason: what is wrong.
    """

    def __init__(
        self,
        message: str,
        *,
        position: int,
        event: str,
        object_id: str | None,
        path: str,
        kind: str,
        reason: str,
    ) -> None:
        super().__init__(message)
        self.position = position
        self.event = event
        self.object_id = object_id
        self.path = path
        self.kind = kind
        self.reason = reason


class StreamError(StreamkitError):
    """The server sent an ``error`` event: an internal error or a timeout mid-stream.

    Everything received before it stays readable on the accumulator.

    Attributes:
        error: the error object, a :class:`streamkit.models.ErrorObject` (unwrapped
            from ``{"error": {...}}`` if it came so).
        position: the error event's number in the stream.
    """

    def __init__(self, message: str, *, error: Any, position: int) -> None:
        super().__init__(message)
        self.error = error
        self.position = position


class TransportError(StreamkitError):
    """A request could not be sent, or its connection broke (after any retries).

    The message names the method and the URL without its query string; the
    httpx error is the ``__cause__``.
    """


class ResponseError(StreamkitError):
    """An HTTP response that is not a usable event stream.

    Raised for an HTTP error status or a content type other than
    ``text/event-stream``. The message says what came back; the attributes
    hold it for programs.

    Attributes:
        status_code: the HTTP status.
        content_type: the response's ``Content-Type`` header ("" when absent).
        error_code: the API's error ``code`` (or ``type``) from a JSON error body, if any.
        error_message: the API's error ``message`` from a JSON error body, if any.
        request_id: the ``x-request-id`` response header, if any.
    """

    def __init__(
        self,
        message: str,
        *,
        status_code: int,
        content_type: str,
        error_code: str | None = None,
        error_message: str | None = None,
        request_id: str | None = None,
    ) -> None:
        super().__init__(message)
        self.status_code = status_code
        self.content_type = content_type
        self.error_code = error_code
        self.error_message = error_message
        self.request_id = request_id


class ToolError(StreamkitError):
    """A run or response asked for a function the tool loop was not given.

    (With ``unknown_functions="raise"``, the default.) Raised before any
    function of that ``requires_action`` (or response) is called; nothing is
    submitted: the run stays waiting for outputs (it expires server-side, or
    can be answered with ``submit_tool_outputs``), the response stays as it
    ended (it can be continued with ``previous_response_id``).

    Attributes:
        function_name: the name the model called.
        tool_call_id: the id of that tool call (a Responses ``call_id``).
        run_id: the run, or the response, waiting for outputs.
    """

    def __init__(self, message: str, *, function_name: str, tool_call_id: str, run_id: str) -> None:
        super().__init__(message)
        self.function_name = function_name
        self.tool_call_id = tool_call_id
        self.run_id = run_id


class LimitExceededError(StreamkitError):
    """A loop driven by the server passed its bound: polls, resumes, or tool-output rounds.

    Attributes:
        limit: the name of the bound passed (``"max_polls"``, ``"poll_deadline"``,
            ``"max_tool_rounds"``, ``"max_resumes"``), as the parameter that sets it.
        value: the bound in force.
    """

    def __init__(self, message: str, *, limit: str, value: float) -> None:
        super().__init__(message)
        self.limit = limit
        self.value = value
