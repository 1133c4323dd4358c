"""The Runs API client: every endpoint of the Runs reference, streaming, the tool-call loop.

``streamkit.Client`` speaks the Assistants v2 Runs endpoints: one method per
endpoint (``client.runs.create``, ``.stream``, ``.retrieve``, ``.update``,
``.list``, ``.cancel``, ``.submit_tool_outputs``,
``.submit_tool_outputs_stream``, ``.steps.list``, ``.steps.retrieve``, and
``client.threads.create_and_run`` / ``.create_and_run_stream``). Streaming
methods return a :class:`RunStream`, which owns an
:class:`~streamkit.Accumulator`, drives an optional
:class:`~streamkit.EventHandler`, and -- given ``tools`` -- answers
``requires_action`` by calling the functions and submitting their outputs,
carrying on in the same stream and accumulator.

The endpoints are described once, sans-IO, in
:mod:`~streamkit._assistants.endpoints` (shared with the async client, see
there for why); their parameters are typed in
:mod:`~streamkit._assistants.params`. Every request goes through
``client.transport`` (:class:`~streamkit._transport.SyncTransport`): JSON
calls retry 408/409/429, 5xx and connection errors with exponential backoff
and jitter, honouring ``Retry-After``, at most ``max_retries`` times. The API
key is only ever put in the ``Authorization`` header: no message, repr or log
of streamkit contains it.
"""

from __future__ import annotations

import json
import time
import typing
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, contextmanager
from typing import Any, Generic, TypeVar

import httpx
from typing_extensions import Unpack

from streamkit import models as m
from streamkit._assistants import endpoints
from streamkit._assistants.endpoints import Listing
from streamkit._assistants.endpoints import parse_as as _parse
from streamkit._assistants.handlers import EventHandler, _calls
from streamkit._assistants.params import (
    FILE_SEARCH_CONTENT,
    RunCreateParams,
    RunListParams,
    RunStepInclude,
    RunStepListParams,
    RunStreamParams,
    ThreadCreateAndRunParams,
    ThreadCreateAndRunStreamParams,
    ToolErrors,
    ToolFunction,
)
from streamkit._engine.accumulate import Accumulator
from streamkit._engine.convert import structurer
from streamkit._engine.requests import Request
from streamkit._sources import decode
from streamkit._transport import DEFAULT_BASE_URL, SyncTransport
from streamkit.errors import StreamError, StreamkitError, TransportError
from streamkit.io import check_response
from streamkit.models.events import EVENT_CLASSES
from streamkit.sse import SSEDecoder

__all__ = [
    "DEFAULT_BASE_URL",
    "FILE_SEARCH_CONTENT",
    "Client",
    "Page",
    "RunStream",
    "ToolFunction",
]

T = TypeVar("T")


class Page(Generic[T]):
    """One page of a list endpoint; iterating it walks every page (``after`` cursor) on its own.

    Attributes:
        data: the items of this page.
        has_more: whether the server has more after this page.
        first_id: the first item's id, if any.
        last_id: the last item's id, if any.
    """

    def __init__(self, listing: Listing[T], transport: SyncTransport) -> None:
        self.data = listing.data
        self.has_more = listing.has_more
        self.first_id = listing.first_id
        self.last_id = listing.last_id
        self._next_page = listing.next_page
        self._transport = transport

    def __iter__(self) -> Iterator[T]:
        yield from self.data
        call = self._next_page
        while call is not None:
            listing = self._transport.call(call)
            yield from listing.data
            call = listing.next_page

    def __repr__(self) -> str:
        return f"<Page of {len(self.data)}, has_more={self.has_more}>"


class Client:
    """A client for the Runs endpoints of the Assistants API (v2).

    Args:
        api_key: the API key; default ``OPENAI_API_KEY``.
        base_url: default ``OPENAI_BASE_URL``, else the public API.
        timeout: seconds (or an ``httpx.Timeout``) for every request.
        max_retries: how often a non-streaming request is retried after a
            408, 409, 429, a 5xx or a connection error.
        http_client: an ``httpx.Client`` to use (its transport, proxies ...);
            streamkit sets the URL and headers on each request.
        sleep: what waits between retries (for tests).

    Attributes:
        transport: the :class:`~streamkit._transport.SyncTransport` every
            request goes through: ``send(request)`` (JSON, retried),
            ``call(call)``, ``open(request)`` (an event stream's byte chunks)
            and ``sleep(seconds)``. Streams and other modules use it, never
            the client's private parts.
        runs: the Runs endpoints (``runs.steps``: the run steps').
        threads: create-thread-and-run.

    Raises:
        ValueError: no API key was given and ``OPENAI_API_KEY`` is not set.
    """

    def __init__(
        self,
        *,
        api_key: str | None = None,
        base_url: str | None = None,
        timeout: float | httpx.Timeout = 60.0,
        max_retries: int = 2,
        http_client: httpx.Client | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.transport = SyncTransport(
            api_key=api_key,
            base_url=base_url,
            timeout=timeout,
            max_retries=max_retries,
            http_client=http_client,
            sleep=sleep,
        )
        self.runs = _Runs(self)
        self.threads = _Threads(self)

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
        return f"<streamkit.Client base_url={self.base_url!r}>"  # never the key

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the HTTP client, if this client made it."""
        self.transport.close()

    # -- What RunStream calls until it runs on the transport: thin wrappers over it. --

    @property
    def _sleep(self) -> Callable[[float], None]:
        return self.transport.sleep

    def _request(self, method: str, path: str, *, body: Any = None, params: Any = None) -> Any:
        """Send a non-streaming request, with retries; return the parsed JSON."""
        return self.transport.send(Request(method=method, path=path, params=params, body=body))

    @contextmanager
    def _stream(self, method: str, path: str, body: Any) -> Iterator[httpx.Response]:
        """Open a streaming request (not retried: a run must not be created twice)."""
        response = self.transport.connect(Request(method=method, path=path, body=body, stream=True))
        try:
            yield response
        finally:
            response.close()


class _Opened(AbstractContextManager[httpx.Response]):
    """A sent streaming request; closes its response on exit."""

    def __init__(self, http: httpx.Client, request: httpx.Request) -> None:
        self._http = http
        self._request = request
        self._response: httpx.Response | None = None

    def __enter__(self) -> httpx.Response:
        try:
            self._response = self._http.send(self._request, stream=True)
        except httpx.TransportError as exc:
            url = self._request.url.copy_with(query=None)
            msg = f"{self._request.method} {url}: {type(exc).__name__}"
            raise TransportError(msg) from exc
        return self._response

    def __exit__(self, *exc_info: object) -> None:
        if self._response is not None:
            self._response.close()


_MESSAGE: Callable[[Any], m.Message] = structurer(m.Message)
# Run statuses after which polling stops: terminal, or waiting for tool outputs.
_SETTLED = frozenset(
    {"requires_action", "completed", "incomplete", "failed", "cancelled", "expired"}
)
_STEP_EVENTS = {
    "in_progress": "thread.run.step.in_progress",
    "completed": "thread.run.step.completed",
    "failed": "thread.run.step.failed",
    "cancelled": "thread.run.step.cancelled",
    "expired": "thread.run.step.expired",
}
_MESSAGE_EVENTS = {
    "in_progress": "thread.message.in_progress",
    "completed": "thread.message.completed",
    "incomplete": "thread.message.incomplete",
}


class _Runs:
    """``client.runs``: one method per endpoint of the Runs reference."""

    def __init__(self, client: Client) -> None:
        self._client = client
        self._transport = client.transport
        self.steps = _Steps(client)

    def create(
        self, thread_id: str, *, assistant_id: str, **params: Unpack[RunCreateParams]
    ) -> m.Run:
        """Create a run (``POST /threads/{thread_id}/runs``); send only the parameters given."""
        return self._transport.call(
            endpoints.create_run(thread_id, assistant_id=assistant_id, **params)
        )

    def stream(
        self,
        thread_id: str,
        *,
        assistant_id: str,
        handler: EventHandler | None = None,
        tools: Mapping[str, ToolFunction] | None = None,
        tool_errors: ToolErrors = "submit",
        recover: bool = True,
        **params: Unpack[RunStreamParams],
    ) -> RunStream:
        """Create a run and stream it: a :class:`RunStream` (use it as a context manager).

        Args:
            thread_id: the thread.
            assistant_id: the assistant.
            handler: callbacks to drive.
            tools: functions by name; when the run requires action they are
                called with the parsed JSON arguments and their outputs are
                submitted, in the same stream.
            tool_errors: ``"submit"`` (a function that raises submits
                ``"error: <type>: <message>"`` as its output) or ``"raise"``.
            recover: if the stream breaks mid-run (connection reset,
                truncated body, no ``done``), read the run, its steps and
                messages back and poll until the run settles, into the same
                snapshots. On by default.
            **params: any other parameter of the Runs reference (model,
                instructions, metadata, temperature ...).
        """
        request = endpoints.stream_run(thread_id, assistant_id=assistant_id, **params)
        return RunStream(
            self._client,
            _opener(self._client, request),
            thread_id=thread_id,
            handler=handler,
            tools=tools,
            tool_errors=tool_errors,
            recover=recover,
        )

    def retrieve(self, thread_id: str, run_id: str) -> m.Run:
        """Retrieve a run."""
        return self._transport.call(endpoints.retrieve_run(thread_id, run_id))

    def update(self, thread_id: str, run_id: str, *, metadata: Mapping[str, str] | None) -> m.Run:
        """Modify a run's metadata."""
        return self._transport.call(endpoints.update_run(thread_id, run_id, metadata=metadata))

    def list(self, thread_id: str, **params: Unpack[RunListParams]) -> Page[m.Run]:
        """List a thread's runs (limit, order, after, before); iterate the page to walk all."""
        listing = self._transport.call(endpoints.list_runs(thread_id, **params))
        return Page(listing, self._transport)

    def cancel(self, thread_id: str, run_id: str) -> m.Run:
        """Cancel a run (it goes to ``cancelling``)."""
        return self._transport.call(endpoints.cancel_run(thread_id, run_id))

    def submit_tool_outputs(
        self, thread_id: str, run_id: str, *, tool_outputs: Sequence[Mapping[str, Any]]
    ) -> m.Run:
        """Submit tool outputs (``[{"tool_call_id": ..., "output": ...}]``) to a waiting run."""
        call = endpoints.submit_tool_outputs(thread_id, run_id, tool_outputs=tool_outputs)
        return self._transport.call(call)

    def submit_tool_outputs_stream(
        self,
        thread_id: str,
        run_id: str,
        *,
        tool_outputs: Sequence[Mapping[str, Any]],
        handler: EventHandler | None = None,
    ) -> RunStream:
        """Submit tool outputs and stream the run's continuation."""
        request = endpoints.submit_tool_outputs_stream(thread_id, run_id, tool_outputs=tool_outputs)
        opener = _opener(self._client, request)
        return RunStream(self._client, opener, thread_id=thread_id, handler=handler)


class _Steps:
    """``client.runs.steps``."""

    def __init__(self, client: Client) -> None:
        self._transport = client.transport

    def list(
        self, thread_id: str, run_id: str, **params: Unpack[RunStepListParams]
    ) -> Page[m.RunStep]:
        """List a run's steps; ``include=[FILE_SEARCH_CONTENT]`` adds file-search result content."""
        listing = self._transport.call(endpoints.list_run_steps(thread_id, run_id, **params))
        return Page(listing, self._transport)

    def retrieve(
        self,
        thread_id: str,
        run_id: str,
        step_id: str,
        *,
        include: Sequence[RunStepInclude] | None = None,
    ) -> m.RunStep:
        """Retrieve a run step."""
        call = endpoints.retrieve_run_step(thread_id, run_id, step_id, include=include)
        return self._transport.call(call)


class _Threads:
    """``client.threads``: create-thread-and-run."""

    def __init__(self, client: Client) -> None:
        self._client = client
        self._transport = client.transport

    def create_and_run(
        self, *, assistant_id: str, **params: Unpack[ThreadCreateAndRunParams]
    ) -> m.Run:
        """Create a thread and run it in one request."""
        call = endpoints.create_thread_and_run(assistant_id=assistant_id, **params)
        return self._transport.call(call)

    def create_and_run_stream(
        self,
        *,
        assistant_id: str,
        handler: EventHandler | None = None,
        tools: Mapping[str, ToolFunction] | None = None,
        **params: Unpack[ThreadCreateAndRunStreamParams],
    ) -> RunStream:
        """Create a thread, run it and stream the run (``thread.created`` comes first)."""
        request = endpoints.create_thread_and_run_stream(assistant_id=assistant_id, **params)
        opener = _opener(self._client, request)
        return RunStream(self._client, opener, thread_id=None, handler=handler, tools=tools)


def _opener(
    client: Client, request: Request
) -> Callable[[], AbstractContextManager[httpx.Response]]:
    """What RunStream opens its stream with (until it takes the request itself)."""
    return lambda: client._stream(request.method, request.path, request.body)


# --- RunStream -----------------------------------------------------------------------


class RunStream:
    """A streaming run: a context manager and an iterator of typed events.

    It owns an :class:`~streamkit.Accumulator` (:attr:`accumulator`) that sees
    every event, drives the ``handler`` if one was given, and with ``tools``
    answers ``requires_action`` itself: it calls each function with the call's
    parsed JSON arguments, submits the outputs and streams the continuation
    into the same accumulator, so :meth:`final_run_steps` holds every step of
    the run::

        with client.runs.stream("thread_abc", assistant_id="asst_abc",
                                tools={"get_weather": get_weather}) as stream:
            for text in stream.text_deltas:
                print(text, end="")
        print(stream.final_run().status)
    """

    def __init__(
        self,
        client: Client,
        opener: Callable[[], AbstractContextManager[httpx.Response]],
        *,
        thread_id: str | None,
        handler: EventHandler | None = None,
        tools: Mapping[str, ToolFunction] | None = None,
        tool_errors: str = "submit",
        recover: bool = True,
        poll_interval: float = 1.0,
    ) -> None:
        if tool_errors not in ("submit", "raise"):
            msg = f"tool_errors must be 'submit' or 'raise', not {tool_errors!r}"
            raise ValueError(msg)
        self._client = client
        self._opener: Callable[[], AbstractContextManager[httpx.Response]] | None = opener
        self._thread_id = thread_id
        self._handler = handler
        self._tools = dict(tools or {})
        self._tool_errors = tool_errors
        self._recover = recover
        self._poll_interval = poll_interval
        self._closed = False
        self._current: AbstractContextManager[httpx.Response] | None = None
        self._events: Iterator[m.StreamEvent] | None = None
        self.accumulator = Accumulator()
        if handler is not None:
            handler.accumulator = self.accumulator

    def __enter__(self) -> RunStream:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __iter__(self) -> Iterator[m.StreamEvent]:
        if self._events is None:
            self._events = self._run()
        return self._events

    def close(self) -> None:
        """Close the connection; no event or callback comes after it."""
        self._closed = True
        if self._current is not None:
            self._current.__exit__(None, None, None)
            self._current = None

    def until_done(self) -> RunStream:
        """Read the stream (and any tool-output continuations) to the end."""
        for _ in self:
            pass
        return self

    def final_run(self) -> m.Run:
        """The run's last terminal state (requires_action counts) after :meth:`until_done`.

        Raises:
            StreamkitError: the stream ended without one.
        """
        self.until_done()
        run = self.accumulator.final_run
        if run is None:
            msg = "the stream ended without a final run event"
            raise StreamkitError(msg)
        return run

    def final_run_steps(self) -> list[m.RunStep]:
        """Every step of the run, across continuations, after :meth:`until_done`."""
        self.until_done()
        return list(self.accumulator.run_steps.values())

    def final_messages(self) -> list[m.Message]:
        """Every message of the run, after :meth:`until_done`."""
        self.until_done()
        return list(self.accumulator.messages.values())

    @property
    def text_deltas(self) -> Iterator[str]:
        """The text fragments as they arrive (the stream is read as they are taken)."""
        seen = 0
        for _event in self:
            texts = self._texts
            while seen < len(texts):
                yield texts[seen]
                seen += 1

    # -- the loop --

    _texts: list[str]

    def _run(self) -> Iterator[m.StreamEvent]:
        handler = self._handler
        self._texts = []
        try:
            while self._opener is not None and not self._closed:
                opener, self._opener = self._opener, None
                self._current = opener()
                response = self._current.__enter__()
                check_response(response)
                try:
                    yield from self._read(response)
                except httpx.TransportError as exc:
                    if not self._recover or not self.accumulator.runs:
                        msg = f"the stream broke after {self.accumulator.position} events"
                        raise TransportError(f"{msg}: {type(exc).__name__}") from exc
                broken = not self.accumulator.done and not self._closed
                if self._current is not None:
                    self._current.__exit__(None, None, None)
                    self._current = None
                if broken and self._recover and self.accumulator.runs:
                    yield from self._reconcile()
                self._continue_with_tools()
        except BaseException as exception:
            if isinstance(exception, StreamkitError):
                exception.accumulator = self.accumulator
            if handler is not None and not isinstance(exception, GeneratorExit):
                try:
                    handler._call("on_exception", (exception,))
                finally:
                    handler._call("on_end", ())
            self.close()
            raise
        if handler is not None:
            handler._call("on_end", ())
        self.close()

    def _read(self, response: httpx.Response) -> Iterator[m.StreamEvent]:
        handler = self._handler
        accumulator = self.accumulator
        for sse in decode(response.iter_bytes(), SSEDecoder()):
            if self._closed:
                return
            try:
                changes = accumulator.feed(sse)
            except StreamError as error:
                if handler is not None:
                    handler._call("on_error", (error.error,))
                raise
            for change in changes:
                if change.kind in ("text.created", "text.delta"):
                    delta = change.delta
                    if delta is not None and delta.value:
                        self._texts.append(delta.value)
            event = changes[0].event if changes else None
            if handler is not None:
                if event is not None:
                    handler._call("on_event", (event,))
                for name, arguments in _calls(changes):
                    result = handler._call(name, arguments)
                    if name == "on_requires_action" and result is not None:
                        self._pending_outputs = result
            if event is not None:
                yield event
            if accumulator.done:
                return

    _pending_outputs: Any = None

    def _reconcile(self) -> Iterator[m.StreamEvent]:
        """The stream broke: read the run, its steps and messages back, until the run settles.

        Each object the server returns is fed to the same accumulator as the
        event its status stands for, so snapshots, changes and callbacks carry
        on as if the stream had not broken.
        """
        run = list(self.accumulator.runs.values())[-1]
        thread_id = self._thread_id or run.thread_id
        runs = self._client.runs
        while not self._closed:
            run = runs.retrieve(thread_id, run.id)
            steps = runs.steps.list(thread_id, run.id, order="asc", include=[FILE_SEARCH_CONTENT])
            for step in steps:
                yield from self._apply(_STEP_EVENTS.get(step.status), step)
                details = step.step_details
                if isinstance(details, m.MessageCreationStepDetails):
                    message = self._message(thread_id, details.message_creation.message_id)
                    yield from self._apply(_MESSAGE_EVENTS.get(message.status), message)
            yield from self._apply(f"thread.run.{run.status}", run)
            if run.status in _SETTLED:
                return
            self._client._sleep(self._poll_interval)

    def _message(self, thread_id: str, message_id: str) -> m.Message:
        payload = self._client._request("GET", f"/threads/{thread_id}/messages/{message_id}")
        return _parse(_MESSAGE, payload)

    def _apply(self, name: str | None, data: Any) -> Iterator[m.StreamEvent]:
        """Feed a whole object as the event of its status; drive the handler; yield the event."""
        cls = EVENT_CLASSES.get(name or "")
        if cls is None:
            return  # a status with no event (a new one): the next poll will tell
        event = typing.cast(Callable[[Any], m.StreamEvent], cls)(data)
        changes = self.accumulator.feed(event)
        if self._handler is not None:
            self._handler._call("on_event", (event,))
            for callback, arguments in _calls(changes):
                result = self._handler._call(callback, arguments)
                if callback == "on_requires_action" and result is not None:
                    self._pending_outputs = result
        yield event

    def _continue_with_tools(self) -> None:
        """If the run requires action and outputs can be made, open the continuation."""
        run = self.accumulator.final_run
        calls = _awaited_calls(run)
        if run is None or calls is None:
            return
        outputs = self._pending_outputs
        self._pending_outputs = None
        if outputs is None and self._tools:
            outputs = [self._call_tool(call) for call in calls]
        if outputs is None:
            return
        path, body = _submission(self._thread_id or run.thread_id, run.id, outputs)
        self._opener = lambda: self._client._stream("POST", path, body)
        self.accumulator.done = False  # the continuation is the same run's stream

    def _call_tool(self, call: m.RequiredActionFunctionToolCall) -> dict[str, str]:
        try:
            output = _as_output(_invoke_tool(self._tools, call))
        except Exception as exc:
            return _tool_failure(call, exc, self._tool_errors)
        return {"tool_call_id": call.id, "output": output}


# --- The tool loop's rules, shared with the async stream -----------------------


def _as_output(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value)


def _awaited_calls(run: m.Run | None) -> tuple[m.RequiredActionFunctionToolCall, ...] | None:
    """The calls a run waits for outputs of, or None if it does not wait."""
    if run is None or run.status != "requires_action" or run.required_action is None:
        return None
    return run.required_action.submit_tool_outputs.tool_calls


def _submission(thread_id: str, run_id: str, outputs: Any) -> tuple[str, dict[str, Any]]:
    """The path and body that submit ``outputs`` (a list, or ``{tool_call_id: output}``)."""
    if isinstance(outputs, Mapping):
        outputs = [{"tool_call_id": k, "output": _as_output(v)} for k, v in outputs.items()]
    path = f"/threads/{thread_id}/runs/{run_id}/submit_tool_outputs"
    return path, {"tool_outputs": list(outputs), "stream": True}


def _invoke_tool(tools: Mapping[str, ToolFunction], call: m.RequiredActionFunctionToolCall) -> Any:
    """Call the function a tool call names with its parsed JSON arguments (may be awaitable)."""
    function = tools.get(call.function.name)
    if function is None:
        msg = f"no function named {call.function.name!r} was given"
        raise LookupError(msg)
    arguments = json.loads(call.function.arguments or "{}")
    return function(**arguments) if isinstance(arguments, dict) else function(arguments)


def _tool_failure(
    call: m.RequiredActionFunctionToolCall, exc: Exception, tool_errors: str
) -> dict[str, str]:
    """A failed function: its error text as the output, or the exception with "raise"."""
    if tool_errors == "raise":
        raise exc
    return {"tool_call_id": call.id, "output": f"error: {type(exc).__name__}: {exc}"}
