"""The async twin of :mod:`streamkit.client`: ``AsyncClient`` and ``AsyncRunStream``.

The same endpoints, parameters, errors, retries, paging, tool loop and
recovery as the sync client, over an ``httpx.AsyncClient``, driving an
:class:`~streamkit.AsyncEventHandler`. Tool functions may be plain or
``async def``. Nothing is written twice: the endpoints (requests, parsing,
paging) are described once in :mod:`~streamkit._assistants.endpoints` and the
retry policy once in :mod:`streamkit._transport`; this module only awaits
them through ``client.transport`` (:class:`~streamkit._transport.AsyncTransport`).
"""

from __future__ import annotations

import asyncio
import inspect
import typing
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from typing import Any, Generic, TypeVar

import httpx
from typing_extensions import Unpack

from streamkit import models as m
from streamkit._assistants import endpoints
from streamkit._assistants.client import (
    _MESSAGE,
    _MESSAGE_EVENTS,
    _SETTLED,
    _STEP_EVENTS,
    _as_output,
    _awaited_calls,
    _invoke_tool,
    _submission,
    _tool_failure,
)
from streamkit._assistants.endpoints import Listing
from streamkit._assistants.endpoints import parse_as as _parse
from streamkit._assistants.handlers import AsyncEventHandler, _calls
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
from streamkit._engine.requests import Request
from streamkit._transport import AsyncTransport
from streamkit.errors import StreamError, StreamkitError, TransportError
from streamkit.io import acheck_response
from streamkit.models.events import EVENT_CLASSES
from streamkit.sse import SSEDecoder

__all__ = ["AsyncClient", "AsyncPage", "AsyncRunStream"]

T = TypeVar("T")


class AsyncPage(Generic[T]):
    """One page of a list endpoint; ``async for`` walks every page on its own.

    The attributes are :class:`~streamkit.Page`'s.
    """

    def __init__(self, listing: Listing[T], transport: AsyncTransport) -> None:
        self.data = listing.data
        self.has_more = listing.has_more
        self.first_id = listing.first_id
        self.last_id = listing.last_id
        self._next_page = listing.next_page
        self._transport = transport

    async def __aiter__(self) -> AsyncIterator[T]:
        for item in self.data:
            yield item
        call = self._next_page
        while call is not None:
            listing = await self._transport.call(call)
            for item in listing.data:
                yield item
            call = listing.next_page

    def __repr__(self) -> str:
        return f"<AsyncPage of {len(self.data)}, has_more={self.has_more}>"


class AsyncClient:
    """The async Runs client; the same arguments as :class:`streamkit.Client`.

    ``client.transport`` is an :class:`~streamkit._transport.AsyncTransport`:
    ``await transport.send(request)``, ``await transport.call(call)``,
    ``async with transport.open(request) as chunks``, ``await transport.sleep(s)``.
    """

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
        self.transport = AsyncTransport(
            api_key=api_key,
            base_url=base_url,
            timeout=timeout,
            max_retries=max_retries,
            http_client=http_client,
            sleep=sleep,
        )
        self.runs = _AsyncRuns(self)
        self.threads = _AsyncThreads(self)

    def __repr__(self) -> str:
        return f"<streamkit.AsyncClient base_url={self.base_url!r}>"  # never the key

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

    async def __aenter__(self) -> AsyncClient:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close the HTTP client, if this client made it."""
        await self.transport.aclose()

    # -- What AsyncRunStream calls until it runs on the transport: thin wrappers over it. --

    @property
    def _sleep(self) -> Callable[[float], Awaitable[None]]:
        return self.transport.sleep

    async def _request(
        self, method: str, path: str, *, body: Any = None, params: Any = None
    ) -> Any:
        return await self.transport.send(
            Request(method=method, path=path, params=params, body=body)
        )

    async def _open(self, method: str, path: str, body: Any) -> httpx.Response:
        return await self.transport.connect(
            Request(method=method, path=path, body=body, stream=True)
        )


class _AsyncRuns:
    """``client.runs``, async."""

    def __init__(self, client: AsyncClient) -> None:
        self._client = client
        self._transport = client.transport
        self.steps = _AsyncSteps(client)

    async def create(
        self, thread_id: str, *, assistant_id: str, **params: Unpack[RunCreateParams]
    ) -> m.Run:
        """Create a run; send only the parameters given."""
        call = endpoints.create_run(thread_id, assistant_id=assistant_id, **params)
        return await self._transport.call(call)

    def stream(
        self,
        thread_id: str,
        *,
        assistant_id: str,
        handler: AsyncEventHandler | None = None,
        tools: Mapping[str, ToolFunction] | None = None,
        tool_errors: ToolErrors = "submit",
        recover: bool = True,
        **params: Unpack[RunStreamParams],
    ) -> AsyncRunStream:
        """Create a run and stream it (``async with``, ``async for``); as ``Client.runs.stream``."""
        request = endpoints.stream_run(thread_id, assistant_id=assistant_id, **params)
        return AsyncRunStream(
            self._client,
            _opener(self._client, request),
            thread_id=thread_id,
            handler=handler,
            tools=tools,
            tool_errors=tool_errors,
            recover=recover,
        )

    async def retrieve(self, thread_id: str, run_id: str) -> m.Run:
        """Retrieve a run."""
        return await self._transport.call(endpoints.retrieve_run(thread_id, run_id))

    async def update(
        self, thread_id: str, run_id: str, *, metadata: Mapping[str, str] | None
    ) -> m.Run:
        """Modify a run's metadata."""
        return await self._transport.call(
            endpoints.update_run(thread_id, run_id, metadata=metadata)
        )

    async def list(self, thread_id: str, **params: Unpack[RunListParams]) -> AsyncPage[m.Run]:
        """List a thread's runs; ``async for`` over the page walks them all."""
        listing = await self._transport.call(endpoints.list_runs(thread_id, **params))
        return AsyncPage(listing, self._transport)

    async def cancel(self, thread_id: str, run_id: str) -> m.Run:
        """Cancel a run."""
        return await self._transport.call(endpoints.cancel_run(thread_id, run_id))

    async def submit_tool_outputs(
        self, thread_id: str, run_id: str, *, tool_outputs: Sequence[Mapping[str, Any]]
    ) -> m.Run:
        """Submit tool outputs to a waiting run."""
        call = endpoints.submit_tool_outputs(thread_id, run_id, tool_outputs=tool_outputs)
        return await self._transport.call(call)

    def submit_tool_outputs_stream(
        self,
        thread_id: str,
        run_id: str,
        *,
        tool_outputs: Sequence[Mapping[str, Any]],
        handler: AsyncEventHandler | None = None,
    ) -> AsyncRunStream:
        """Submit tool outputs and stream the run's continuation.

        Read the :class:`AsyncRunStream` with ``async for`` or ``await stream.until_done()``.
        """
        request = endpoints.submit_tool_outputs_stream(thread_id, run_id, tool_outputs=tool_outputs)
        opener = _opener(self._client, request)
        return AsyncRunStream(self._client, opener, thread_id=thread_id, handler=handler)


class _AsyncSteps:
    """``client.runs.steps``, async."""

    def __init__(self, client: AsyncClient) -> None:
        self._transport = client.transport

    async def list(
        self, thread_id: str, run_id: str, **params: Unpack[RunStepListParams]
    ) -> AsyncPage[m.RunStep]:
        """List a run's steps (``include=[FILE_SEARCH_CONTENT]`` for result content)."""
        call = endpoints.list_run_steps(thread_id, run_id, **params)
        return AsyncPage(await self._transport.call(call), self._transport)

    async def retrieve(
        self,
        thread_id: str,
        run_id: str,
        step_id: str,
        *,
        include: Sequence[RunStepInclude] | None = None,
    ) -> m.RunStep:
        """Retrieve a run step."""
        call = endpoints.retrieve_run_step(thread_id, run_id, step_id, include=include)
        return await self._transport.call(call)


class _AsyncThreads:
    """``client.threads``, async: create-thread-and-run."""

    def __init__(self, client: AsyncClient) -> None:
        self._client = client
        self._transport = client.transport

    async def create_and_run(
        self, *, assistant_id: str, **params: Unpack[ThreadCreateAndRunParams]
    ) -> m.Run:
        """Create a thread and run it."""
        call = endpoints.create_thread_and_run(assistant_id=assistant_id, **params)
        return await self._transport.call(call)

    def create_and_run_stream(
        self,
        *,
        assistant_id: str,
        handler: AsyncEventHandler | None = None,
        tools: Mapping[str, ToolFunction] | None = None,
        **params: Unpack[ThreadCreateAndRunStreamParams],
    ) -> AsyncRunStream:
        """Create a thread, run it and stream the run."""
        request = endpoints.create_thread_and_run_stream(assistant_id=assistant_id, **params)
        return AsyncRunStream(
            self._client,
            _opener(self._client, request),
            thread_id=None,
            handler=handler,
            tools=tools,
        )


def _opener(client: AsyncClient, request: Request) -> Callable[[], Awaitable[httpx.Response]]:
    """What AsyncRunStream opens its stream with (until it takes the request itself)."""
    return lambda: client._open(request.method, request.path, request.body)


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
