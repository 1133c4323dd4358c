"""The Runs API client: every endpoint of the Runs reference, streaming, the tool-call loop.

``streamkit.Client`` speaks the Assistants v2 Runs endpoints over httpx: one
method per endpoint (``client.runs.create``, ``.stream``, ``.retrieve``,
``.update``, ``.list``, ``.cancel``, ``.submit_tool_outputs``,
``.submit_tool_outputs_stream``, ``.steps.list``, ``.steps.retrieve``, and
``client.threads.create_and_run`` / ``.create_and_run_stream``). Streaming
methods return a :class:`RunStream`, which owns an
:class:`~streamkit.Accumulator`, drives an optional
:class:`~streamkit.EventHandler`, and -- given ``tools`` -- answers
``requires_action`` by calling the functions and submitting their outputs,
carrying on in the same stream and accumulator.

Non-streaming calls retry 429, 5xx and connection errors with exponential
backoff and jitter, honouring ``Retry-After``, at most ``max_retries`` times.
The API key is only ever put in the ``Authorization`` header: no message,
repr or log of streamkit contains it.
"""

from __future__ import annotations

import email.utils
import json
import os
import random
import time
import typing
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager
from typing import Any, Generic, TypeVar

import httpx

from streamkit import models as m
from streamkit._assistants.handlers import EventHandler, _calls
from streamkit._engine.accumulate import Accumulator
from streamkit._engine.convert import structurer
from streamkit._sources import decode
from streamkit.errors import StreamError, StreamkitError, TransportError
from streamkit.io import _error_from_body, check_response
from streamkit.models.events import EVENT_CLASSES
from streamkit.sse import SSEDecoder

__all__ = ["DEFAULT_BASE_URL", "Client", "Page", "RunStream"]

#: The public API, used when neither ``base_url`` nor ``OPENAI_BASE_URL`` is given.
DEFAULT_BASE_URL = "https://api.openai.com/v1"
#: The query value that makes steps carry file-search result content.
FILE_SEARCH_CONTENT = "step_details.tool_calls[*].file_search.results[*].content"
_RETRY_STATUSES = frozenset({408, 409, 429, 500, 502, 503, 504})
_MAX_BACKOFF = 8.0
_MAX_RETRY_AFTER = 60.0

T = TypeVar("T")
ToolFunction = Callable[..., Any]


class Page(Generic[T]):
    """One page of a list endpoint; iterating it walks every page (``after`` cursor) on its own.

    Attributes:
        data: the items of this page.
        has_more: whether the server has more after this page.
        first_id: the first item's id, if any.
        last_id: the last item's id, if any.
    """

    def __init__(
        self,
        data: list[T],
        *,
        has_more: bool,
        first_id: str | None,
        last_id: str | None,
        fetch_after: Callable[[str], Page[T]],
    ) -> None:
        self.data = data
        self.has_more = has_more
        self.first_id = first_id
        self.last_id = last_id
        self._fetch_after = fetch_after

    def __iter__(self) -> Iterator[T]:
        page: Page[T] = self
        while True:
            yield from page.data
            if not page.has_more or page.last_id is None:
                return
            page = page._fetch_after(page.last_id)

    def __repr__(self) -> str:
        return f"<Page of {len(self.data)}, has_more={self.has_more}>"


class Client:
    """A client for the Runs endpoints of the Assistants API (v2).

    Args:
        api_key: the API key; default ``OPENAI_API_KEY``.
        base_url: default ``OPENAI_BASE_URL``, else the public API.
        timeout: seconds (or an ``httpx.Timeout``) for every request.
        max_retries: how often a non-streaming request is retried after a
            429, a 5xx or a connection error.
        http_client: an ``httpx.Client`` to use (its transport, proxies ...);
            streamkit sets the URL and headers on each request.
        sleep: what waits between retries (for tests).

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
        key = api_key if api_key is not None else os.environ.get("OPENAI_API_KEY")
        if not key:
            msg = "no API key: pass api_key= or set OPENAI_API_KEY"
            raise ValueError(msg)
        self._api_key = key
        self.base_url = (base_url or os.environ.get("OPENAI_BASE_URL") or DEFAULT_BASE_URL).rstrip(
            "/"
        )
        self.max_retries = max_retries
        self._sleep = sleep
        self._owns_http = http_client is None
        self._http = http_client or httpx.Client(timeout=timeout)
        self._timeout = timeout
        self.runs = _Runs(self)
        self.threads = _Threads(self)

    def __repr__(self) -> str:
        return f"<streamkit.Client base_url={self.base_url!r}>"  # never the key

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the HTTP client, if this client made it."""
        if self._owns_http:
            self._http.close()

    # -- transport --

    def _headers(self, *, stream: bool = False) -> dict[str, str]:
        headers = {
            "Authorization": f"Bearer {self._api_key}",
            "OpenAI-Beta": "assistants=v2",
            "Content-Type": "application/json",
        }
        if stream:
            headers["Accept"] = "text/event-stream"
            headers["Cache-Control"] = "no-store"
        return headers

    def _request(self, method: str, path: str, *, body: Any = None, params: Any = None) -> Any:
        """Send a non-streaming request, with retries; return the parsed JSON."""
        url = self.base_url + path
        attempt = 0
        while True:
            try:
                response = self._http.request(
                    method,
                    url,
                    json=body,
                    params=params,
                    headers=self._headers(),
                    timeout=self._timeout,
                )
            except httpx.TransportError as exc:
                if attempt >= self.max_retries:
                    raise TransportError(
                        f"{method} {url}: {type(exc).__name__} after {attempt + 1} attempt(s)"
                    ) from exc
                self._sleep(_backoff(attempt, None))
                attempt += 1
                continue
            if response.status_code in _RETRY_STATUSES and attempt < self.max_retries:
                self._sleep(_backoff(attempt, response.headers.get("retry-after")))
                attempt += 1
                continue
            if response.is_error:
                raise _error_from_body(response, response.content)
            return response.json()

    def _stream(self, method: str, path: str, body: Any) -> AbstractContextManager[httpx.Response]:
        """Open a streaming request (not retried: a run must not be created twice)."""
        request = self._http.build_request(
            method,
            self.base_url + path,
            json=body,
            headers=self._headers(stream=True),
            timeout=self._timeout,
        )
        return _Opened(self._http, request)


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


def _backoff(attempt: int, retry_after: str | None) -> float:
    """Seconds before retry ``attempt + 1``: Retry-After if sent, else exponential with jitter.

    Retry-After (seconds or an HTTP date) is honoured up to a minute, so a
    confused server cannot park the client for hours.
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
            return min(_MAX_RETRY_AFTER, max(0.0, seconds))
    base = min(_MAX_BACKOFF, 0.5 * 2.0**attempt)
    return base * (1 + random.random() * 0.25)


_RUN: Callable[[Any], m.Run] = structurer(m.Run)
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
_STEP: Callable[[Any], m.RunStep] = structurer(m.RunStep)


def _parse(hook: Callable[[Any], T], payload: Any) -> T:
    try:
        return hook(payload)
    except Exception as exc:  # the converter's shape error: say what, never the payload
        msg = f"the API returned an object of an unexpected shape ({type(exc).__name__})"
        raise StreamkitError(msg) from None


def _list_params(**params: Any) -> dict[str, Any]:
    return {key: value for key, value in params.items() if value is not None}


class _Runs:
    """``client.runs``: one method per endpoint of the Runs reference."""

    def __init__(self, client: Client) -> None:
        self._client = client
        self.steps = _Steps(client)

    def create(self, thread_id: str, *, assistant_id: str, **params: Any) -> m.Run:
        """Create a run (``POST /threads/{thread_id}/runs``); send only the parameters given."""
        body = {"assistant_id": assistant_id, **params}
        return _parse(_RUN, self._client._request("POST", f"/threads/{thread_id}/runs", body=body))

    def stream(
        self,
        thread_id: str,
        *,
        assistant_id: str,
        handler: EventHandler | None = None,
        tools: Mapping[str, ToolFunction] | None = None,
        tool_errors: str = "submit",
        recover: bool = True,
        **params: Any,
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
                instructions, tools, metadata, temperature ...).
        """
        body = {"assistant_id": assistant_id, **params, "stream": True}
        opener = lambda: self._client._stream("POST", f"/threads/{thread_id}/runs", body)  # noqa: E731
        return RunStream(
            self._client,
            opener,
            thread_id=thread_id,
            handler=handler,
            tools=tools,
            tool_errors=tool_errors,
            recover=recover,
        )

    def retrieve(self, thread_id: str, run_id: str) -> m.Run:
        """Retrieve a run."""
        return _parse(_RUN, self._client._request("GET", f"/threads/{thread_id}/runs/{run_id}"))

    def update(self, thread_id: str, run_id: str, *, metadata: Mapping[str, str] | None) -> m.Run:
        """Modify a run's metadata."""
        payload = self._client._request(
            "POST", f"/threads/{thread_id}/runs/{run_id}", body={"metadata": metadata}
        )
        return _parse(_RUN, payload)

    def list(
        self,
        thread_id: str,
        *,
        limit: int | None = None,
        order: str | None = None,
        after: str | None = None,
        before: str | None = None,
    ) -> Page[m.Run]:
        """List a thread's runs; iterate the page to walk them all."""
        params = _list_params(limit=limit, order=order, after=after, before=before)
        payload = self._client._request("GET", f"/threads/{thread_id}/runs", params=params)
        return _page(
            payload,
            _RUN,
            lambda cursor: self.list(thread_id, limit=limit, order=order, after=cursor),
        )

    def cancel(self, thread_id: str, run_id: str) -> m.Run:
        """Cancel a run (it goes to ``cancelling``)."""
        return _parse(
            _RUN, self._client._request("POST", f"/threads/{thread_id}/runs/{run_id}/cancel")
        )

    def submit_tool_outputs(
        self, thread_id: str, run_id: str, *, tool_outputs: Sequence[Mapping[str, Any]]
    ) -> m.Run:
        """Submit tool outputs (``[{"tool_call_id": ..., "output": ...}]``) to a waiting run."""
        path = f"/threads/{thread_id}/runs/{run_id}/submit_tool_outputs"
        payload = self._client._request("POST", path, body={"tool_outputs": list(tool_outputs)})
        return _parse(_RUN, payload)

    def submit_tool_outputs_stream(
        self,
        thread_id: str,
        run_id: str,
        *,
        tool_outputs: Sequence[Mapping[str, Any]],
        handler: EventHandler | None = None,
    ) -> RunStream:
        """Submit tool outputs and stream the run's continuation."""
        path = f"/threads/{thread_id}/runs/{run_id}/submit_tool_outputs"
        body = {"tool_outputs": list(tool_outputs), "stream": True}
        opener = lambda: self._client._stream("POST", path, body)  # noqa: E731
        return RunStream(self._client, opener, thread_id=thread_id, handler=handler)


class _Steps:
    """``client.runs.steps``."""

    def __init__(self, client: Client) -> None:
        self._client = client

    def list(
        self,
        thread_id: str,
        run_id: str,
        *,
        limit: int | None = None,
        order: str | None = None,
        after: str | None = None,
        before: str | None = None,
        include: Sequence[str] | None = None,
    ) -> Page[m.RunStep]:
        """List a run's steps; ``include=[FILE_SEARCH_CONTENT]`` adds file-search result content."""
        params = _list_params(limit=limit, order=order, after=after, before=before)
        if include:
            params["include[]"] = list(include)
        payload = self._client._request(
            "GET", f"/threads/{thread_id}/runs/{run_id}/steps", params=params
        )
        return _page(
            payload,
            _STEP,
            lambda cursor: self.list(
                thread_id, run_id, limit=limit, order=order, after=cursor, include=include
            ),
        )

    def retrieve(
        self, thread_id: str, run_id: str, step_id: str, *, include: Sequence[str] | None = None
    ) -> m.RunStep:
        """Retrieve a run step."""
        params = {"include[]": list(include)} if include else None
        path = f"/threads/{thread_id}/runs/{run_id}/steps/{step_id}"
        return _parse(_STEP, self._client._request("GET", path, params=params))


class _Threads:
    """``client.threads``: create-thread-and-run."""

    def __init__(self, client: Client) -> None:
        self._client = client

    def create_and_run(self, *, assistant_id: str, **params: Any) -> m.Run:
        """Create a thread and run it in one request."""
        body = {"assistant_id": assistant_id, **params}
        return _parse(_RUN, self._client._request("POST", "/threads/runs", body=body))

    def create_and_run_stream(
        self,
        *,
        assistant_id: str,
        handler: EventHandler | None = None,
        tools: Mapping[str, ToolFunction] | None = None,
        **params: Any,
    ) -> RunStream:
        """Create a thread, run it and stream the run (``thread.created`` comes first)."""
        body = {"assistant_id": assistant_id, **params, "stream": True}
        opener = lambda: self._client._stream("POST", "/threads/runs", body)  # noqa: E731
        return RunStream(self._client, opener, thread_id=None, handler=handler, tools=tools)


def _page(payload: Any, hook: Callable[[Any], T], fetch_after: Callable[[str], Page[T]]) -> Page[T]:
    if not isinstance(payload, dict) or not isinstance(payload.get("data"), list):
        msg = "the API returned a list of an unexpected shape"
        raise StreamkitError(msg)
    items = [_parse(hook, item) for item in payload["data"]]
    return Page(
        items,
        has_more=bool(payload.get("has_more")),
        first_id=payload.get("first_id"),
        last_id=payload.get("last_id"),
        fetch_after=fetch_after,
    )


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
