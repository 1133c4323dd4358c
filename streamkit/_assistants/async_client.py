"""The async twin of :mod:`streamkit.client`: ``AsyncClient`` and ``AsyncRunStream``.

The same endpoints, parameters, errors, retries, paging, tool loop and
recovery as the sync client, over an ``httpx.AsyncClient``, driving an
:class:`~streamkit.AsyncEventHandler`. Tool functions may be plain or
``async def``. The shared rules (backoff, request bodies, output encoding,
status-to-event tables) live in :mod:`streamkit.client`.
"""

from __future__ import annotations

import asyncio
import inspect
import os
import typing
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from typing import Any, Generic, TypeVar

import httpx

from streamkit import models as m
from streamkit._assistants.client import (
    _MESSAGE,
    _MESSAGE_EVENTS,
    _RETRY_STATUSES,
    _RUN,
    _SETTLED,
    _STEP,
    _STEP_EVENTS,
    DEFAULT_BASE_URL,
    FILE_SEARCH_CONTENT,
    ToolFunction,
    _as_output,
    _awaited_calls,
    _backoff,
    _invoke_tool,
    _list_params,
    _parse,
    _submission,
    _tool_failure,
)
from streamkit._assistants.handlers import AsyncEventHandler, _calls
from streamkit._engine.accumulate import Accumulator
from streamkit.errors import StreamError, StreamkitError, TransportError
from streamkit.io import _error_from_body, acheck_response
from streamkit.models.events import EVENT_CLASSES
from streamkit.sse import SSEDecoder

__all__ = ["AsyncClient", "AsyncPage", "AsyncRunStream"]

T = TypeVar("T")


class AsyncPage(Generic[T]):
    """One page of a list endpoint; ``async for`` walks every page on its own."""

    def __init__(
        self,
        data: list[T],
        *,
        has_more: bool,
        first_id: str | None,
        last_id: str | None,
        fetch_after: Callable[[str], Awaitable[AsyncPage[T]]],
    ) -> None:
        self.data = data
        self.has_more = has_more
        self.first_id = first_id
        self.last_id = last_id
        self._fetch_after = fetch_after

    async def __aiter__(self) -> AsyncIterator[T]:
        page: AsyncPage[T] = self
        while True:
            for item in page.data:
                yield item
            if not page.has_more or page.last_id is None:
                return
            page = await page._fetch_after(page.last_id)


class AsyncClient:
    """The async Runs client; the same arguments as :class:`streamkit.Client`."""

    def __init__(
        self,
        *,
        api_key: str | None = None,
        base_url: str | None = None,
        timeout: float | httpx.Timeout = 60.0,
        max_retries: int = 2,
        http_client: httpx.AsyncClient | None = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        key = api_key if api_key is not None else os.environ.get("OPENAI_API_KEY")
        if not key:
            msg = "no API key: pass api_key= or set OPENAI_API_KEY"
            raise ValueError(msg)
        self._api_key = key
        url = base_url or os.environ.get("OPENAI_BASE_URL") or DEFAULT_BASE_URL
        self.base_url = url.rstrip("/")
        self.max_retries = max_retries
        self._sleep = sleep
        self._owns_http = http_client is None
        self._http = http_client or httpx.AsyncClient(timeout=timeout)
        self._timeout = timeout
        self.runs = _AsyncRuns(self)
        self.threads = _AsyncThreads(self)

    def __repr__(self) -> str:
        return f"<streamkit.AsyncClient base_url={self.base_url!r}>"  # never the key

    async def __aenter__(self) -> AsyncClient:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close the HTTP client, if this client made it."""
        if self._owns_http:
            await self._http.aclose()

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

    async def _request(
        self, method: str, path: str, *, body: Any = None, params: Any = None
    ) -> Any:
        url = self.base_url + path
        attempt = 0
        while True:
            try:
                response = await self._http.request(
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
                await self._sleep(_backoff(attempt, None))
                attempt += 1
                continue
            if response.status_code in _RETRY_STATUSES and attempt < self.max_retries:
                await self._sleep(_backoff(attempt, response.headers.get("retry-after")))
                attempt += 1
                continue
            if response.is_error:
                raise _error_from_body(response, response.content)
            return response.json()

    async def _open(self, method: str, path: str, body: Any) -> httpx.Response:
        request = self._http.build_request(
            method,
            self.base_url + path,
            json=body,
            headers=self._headers(stream=True),
            timeout=self._timeout,
        )
        try:
            return await self._http.send(request, stream=True)
        except httpx.TransportError as exc:
            msg = f"{method} {self.base_url}{path}: {type(exc).__name__}"
            raise TransportError(msg) from exc


async def _apage(
    payload: Any, hook: Callable[[Any], T], fetch_after: Callable[[str], Awaitable[AsyncPage[T]]]
) -> AsyncPage[T]:
    if not isinstance(payload, dict) or not isinstance(payload.get("data"), list):
        msg = "the API returned a list of an unexpected shape"
        raise StreamkitError(msg)
    return AsyncPage(
        [_parse(hook, item) for item in payload["data"]],
        has_more=bool(payload.get("has_more")),
        first_id=payload.get("first_id"),
        last_id=payload.get("last_id"),
        fetch_after=fetch_after,
    )


class _AsyncRuns:
    """``client.runs``, async."""

    def __init__(self, client: AsyncClient) -> None:
        self._client = client
        self.steps = _AsyncSteps(client)

    async def create(self, thread_id: str, *, assistant_id: str, **params: Any) -> m.Run:
        """Create a run; send only the parameters given."""
        body = {"assistant_id": assistant_id, **params}
        payload = await self._client._request("POST", f"/threads/{thread_id}/runs", body=body)
        return _parse(_RUN, payload)

    def stream(
        self,
        thread_id: str,
        *,
        assistant_id: str,
        handler: AsyncEventHandler | None = None,
        tools: Mapping[str, ToolFunction] | None = None,
        tool_errors: str = "submit",
        recover: bool = True,
        **params: Any,
    ) -> AsyncRunStream:
        """Create a run and stream it (``async with``, ``async for``); as ``Client.runs.stream``."""
        body = {"assistant_id": assistant_id, **params, "stream": True}
        path = f"/threads/{thread_id}/runs"
        return AsyncRunStream(
            self._client,
            lambda: self._client._open("POST", path, body),
            thread_id=thread_id,
            handler=handler,
            tools=tools,
            tool_errors=tool_errors,
            recover=recover,
        )

    async def retrieve(self, thread_id: str, run_id: str) -> m.Run:
        """Retrieve a run."""
        return _parse(
            _RUN, await self._client._request("GET", f"/threads/{thread_id}/runs/{run_id}")
        )

    async def update(
        self, thread_id: str, run_id: str, *, metadata: Mapping[str, str] | None
    ) -> m.Run:
        """Modify a run's metadata."""
        path = f"/threads/{thread_id}/runs/{run_id}"
        return _parse(_RUN, await self._client._request("POST", path, body={"metadata": metadata}))

    async def list(
        self,
        thread_id: str,
        *,
        limit: int | None = None,
        order: str | None = None,
        after: str | None = None,
        before: str | None = None,
    ) -> AsyncPage[m.Run]:
        """List a thread's runs; ``async for`` over the page walks them all."""
        params = _list_params(limit=limit, order=order, after=after, before=before)
        payload = await self._client._request("GET", f"/threads/{thread_id}/runs", params=params)

        async def after_cursor(cursor: str) -> AsyncPage[m.Run]:
            return await self.list(thread_id, limit=limit, order=order, after=cursor)

        return await _apage(payload, _RUN, after_cursor)

    async def cancel(self, thread_id: str, run_id: str) -> m.Run:
        """Cancel a run."""
        path = f"/threads/{thread_id}/runs/{run_id}/cancel"
        return _parse(_RUN, await self._client._request("POST", path))

    async def submit_tool_outputs(
        self, thread_id: str, run_id: str, *, tool_outputs: Sequence[Mapping[str, Any]]
    ) -> m.Run:
        """Submit tool outputs to a waiting run."""
        path = f"/threads/{thread_id}/runs/{run_id}/submit_tool_outputs"
        body = {"tool_outputs": list(tool_outputs)}
        return _parse(_RUN, await self._client._request("POST", path, body=body))

    def submit_tool_outputs_stream(
        self,
        thread_id: str,
        run_id: str,
        *,
        tool_outputs: Sequence[Mapping[str, Any]],
        handler: AsyncEventHandler | None = None,
    ) -> AsyncRunStream:
        """Submit tool outputs and stream the continuation."""
        path = f"/threads/{thread_id}/runs/{run_id}/submit_tool_outputs"
        body = {"tool_outputs": list(tool_outputs), "stream": True}
        return AsyncRunStream(
            self._client,
            lambda: self._client._open("POST", path, body),
            thread_id=thread_id,
            handler=handler,
        )


class _AsyncSteps:
    """``client.runs.steps``, async."""

    def __init__(self, client: AsyncClient) -> None:
        self._client = client

    async def list(
        self,
        thread_id: str,
        run_id: str,
        *,
        limit: int | None = None,
        order: str | None = None,
        after: str | None = None,
        before: str | None = None,
        include: Sequence[str] | None = None,
    ) -> AsyncPage[m.RunStep]:
        """List a run's steps (``include=[FILE_SEARCH_CONTENT]`` for result content)."""
        params = _list_params(limit=limit, order=order, after=after, before=before)
        if include:
            params["include[]"] = list(include)
        path = f"/threads/{thread_id}/runs/{run_id}/steps"
        payload = await self._client._request("GET", path, params=params)

        async def after_cursor(cursor: str) -> AsyncPage[m.RunStep]:
            return await self.list(
                thread_id, run_id, limit=limit, order=order, after=cursor, include=include
            )

        return await _apage(payload, _STEP, after_cursor)

    async def retrieve(
        self, thread_id: str, run_id: str, step_id: str, *, include: Sequence[str] | None = None
    ) -> m.RunStep:
        """Retrieve a run step."""
        params = {"include[]": list(include)} if include else None
        path = f"/threads/{thread_id}/runs/{run_id}/steps/{step_id}"
        return _parse(_STEP, await self._client._request("GET", path, params=params))


class _AsyncThreads:
    """``client.threads``, async: create-thread-and-run."""

    def __init__(self, client: AsyncClient) -> None:
        self._client = client

    async def create_and_run(self, *, assistant_id: str, **params: Any) -> m.Run:
        """Create a thread and run it."""
        body = {"assistant_id": assistant_id, **params}
        return _parse(_RUN, await self._client._request("POST", "/threads/runs", body=body))

    def create_and_run_stream(
        self,
        *,
        assistant_id: str,
        handler: AsyncEventHandler | None = None,
        tools: Mapping[str, ToolFunction] | None = None,
        **params: Any,
    ) -> AsyncRunStream:
        """Create a thread, run it and stream the run."""
        body = {"assistant_id": assistant_id, **params, "stream": True}
        return AsyncRunStream(
            self._client,
            lambda: self._client._open("POST", "/threads/runs", body),
            thread_id=None,
            handler=handler,
            tools=tools,
        )


class AsyncRunStream:
    """The async :class:`~streamkit.RunStream`: ``async with``, ``async for``, ``until_done()``."""

    def __init__(
        self,
        client: AsyncClient,
        opener: Callable[[], Awaitable[httpx.Response]],
        *,
        thread_id: str | None,
        handler: AsyncEventHandler | None = None,
        tools: Mapping[str, ToolFunction] | None = None,
        tool_errors: str = "submit",
        recover: bool = True,
        poll_interval: float = 1.0,
    ) -> None:
        if tool_errors not in ("submit", "raise"):
            msg = f"tool_errors must be 'submit' or 'raise', not {tool_errors!r}"
            raise ValueError(msg)
        self._client = client
        self._opener: Callable[[], Awaitable[httpx.Response]] | None = opener
        self._thread_id = thread_id
        self._handler = handler
        self._tools = dict(tools or {})
        self._tool_errors = tool_errors
        self._recover = recover
        self._poll_interval = poll_interval
        self._closed = False
        self._response: httpx.Response | None = None
        self._events: AsyncIterator[m.StreamEvent] | None = None
        self._pending_outputs: Any = None
        self._texts: list[str] = []
        self.accumulator = Accumulator()
        if handler is not None:
            handler.accumulator = self.accumulator

    async def __aenter__(self) -> AsyncRunStream:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    def __aiter__(self) -> AsyncIterator[m.StreamEvent]:
        if self._events is None:
            self._events = self._run()
        return self._events

    async def close(self) -> None:
        """Close the connection; no event or callback comes after it."""
        self._closed = True
        if self._response is not None:
            await self._response.aclose()
            self._response = None

    async def until_done(self) -> AsyncRunStream:
        """Read the stream (and any continuations) to the end."""
        async for _ in self:
            pass
        return self

    async def final_run(self) -> m.Run:
        """The run's last terminal state (requires_action counts)."""
        await self.until_done()
        run = self.accumulator.final_run
        if run is None:
            msg = "the stream ended without a final run event"
            raise StreamkitError(msg)
        return run

    async def final_run_steps(self) -> list[m.RunStep]:
        """Every step of the run, across continuations."""
        await self.until_done()
        return list(self.accumulator.run_steps.values())

    async def final_messages(self) -> list[m.Message]:
        """Every message of the run."""
        await self.until_done()
        return list(self.accumulator.messages.values())

    @property
    async def text_deltas(self) -> AsyncIterator[str]:
        """The text fragments as they arrive."""
        seen = 0
        async for _event in self:
            while seen < len(self._texts):
                yield self._texts[seen]
                seen += 1

    async def _call(self, name: str, arguments: tuple[Any, ...]) -> Any:
        if self._handler is None:
            return None
        return await self._handler._call(name, arguments)

    async def _run(self) -> AsyncIterator[m.StreamEvent]:
        try:
            while self._opener is not None and not self._closed:
                opener, self._opener = self._opener, None
                self._response = await opener()
                await acheck_response(self._response)
                try:
                    async for event in self._read(self._response):
                        yield event
                except httpx.TransportError as exc:
                    if not self._recover or not self.accumulator.runs:
                        msg = f"the stream broke after {self.accumulator.position} events"
                        raise TransportError(f"{msg}: {type(exc).__name__}") from exc
                broken = not self.accumulator.done and not self._closed
                if self._response is not None:
                    await self._response.aclose()
                    self._response = None
                if broken and self._recover and self.accumulator.runs:
                    async for event in self._reconcile():
                        yield event
                await self._continue_with_tools()
        except BaseException as exception:
            if isinstance(exception, StreamkitError):
                exception.accumulator = self.accumulator
            if not isinstance(exception, GeneratorExit):
                try:
                    await self._call("on_exception", (exception,))
                finally:
                    await self._call("on_end", ())
            await self.close()
            raise
        await self._call("on_end", ())
        await self.close()

    async def _dispatch(self, changes: list[Any], event: Any) -> None:
        for change in changes:
            if change.kind in ("text.created", "text.delta"):
                delta = change.delta
                if delta is not None and delta.value:
                    self._texts.append(delta.value)
        if self._handler is None:
            return
        if event is not None:
            await self._call("on_event", (event,))
        for name, arguments in _calls(changes):
            result = await self._call(name, arguments)
            if name == "on_requires_action" and result is not None:
                self._pending_outputs = result

    async def _read(self, response: httpx.Response) -> AsyncIterator[m.StreamEvent]:
        decoder = SSEDecoder()
        chunks = response.aiter_bytes()
        try:
            async for chunk in chunks:
                for sse in decoder.feed(chunk):
                    if self._closed:
                        return
                    try:
                        changes = self.accumulator.feed(sse)
                    except StreamError as error:
                        await self._call("on_error", (error.error,))
                        raise
                    event = changes[0].event if changes else None
                    await self._dispatch(changes, event)
                    if event is not None:
                        yield event
                    if self.accumulator.done:
                        return
        finally:
            # Left early at `done`: close the body's iterator, not the GC.
            close = getattr(chunks, "aclose", None)
            if close is not None:
                await close()

    async def _reconcile(self) -> AsyncIterator[m.StreamEvent]:
        run = list(self.accumulator.runs.values())[-1]
        thread_id = self._thread_id or run.thread_id
        runs = self._client.runs
        while not self._closed:
            run = await runs.retrieve(thread_id, run.id)
            steps = await runs.steps.list(
                thread_id, run.id, order="asc", include=[FILE_SEARCH_CONTENT]
            )
            async for step in steps:
                async for event in self._apply(_STEP_EVENTS.get(step.status), step):
                    yield event
                details = step.step_details
                if isinstance(details, m.MessageCreationStepDetails):
                    path = f"/threads/{thread_id}/messages/{details.message_creation.message_id}"
                    message = _parse(_MESSAGE, await self._client._request("GET", path))
                    async for event in self._apply(_MESSAGE_EVENTS.get(message.status), message):
                        yield event
            async for event in self._apply(f"thread.run.{run.status}", run):
                yield event
            if run.status in _SETTLED:
                return
            await self._client._sleep(self._poll_interval)

    async def _apply(self, name: str | None, data: Any) -> AsyncIterator[m.StreamEvent]:
        cls = EVENT_CLASSES.get(name or "")
        if cls is None:
            return
        event = typing.cast(Callable[[Any], m.StreamEvent], cls)(data)
        await self._dispatch(self.accumulator.feed(event), event)
        yield event

    async def _continue_with_tools(self) -> None:
        run = self.accumulator.final_run
        calls = _awaited_calls(run)
        if run is None or calls is None:
            return
        outputs = self._pending_outputs
        self._pending_outputs = None
        if outputs is None and self._tools:
            outputs = [await self._call_tool(call) for call in calls]
        if outputs is None:
            return
        path, body = _submission(self._thread_id or run.thread_id, run.id, outputs)
        self._opener = lambda: self._client._open("POST", path, body)
        self.accumulator.done = False

    async def _call_tool(self, call: m.RequiredActionFunctionToolCall) -> dict[str, str]:
        try:
            result = _invoke_tool(self._tools, call)
            if inspect.isawaitable(result):
                result = await result
            output = _as_output(result)
        except Exception as exc:
            return _tool_failure(call, exc, self._tool_errors)
        return {"tool_call_id": call.id, "output": output}
