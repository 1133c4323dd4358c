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
import functools
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Generic, TypeVar

import httpx
from typing_extensions import Unpack

from streamkit import models as m
from streamkit._assistants import endpoints
from streamkit._assistants.endpoints import Listing, PageWalk
from streamkit._assistants.handlers import AsyncEventHandler
from streamkit._assistants.params import (
    RunCreateParams,
    RunListParams,
    RunStepInclude,
    RunStepListParams,
    RunStreamParams,
    StreamOptions,
    ThreadCreateAndRunParams,
    ThreadCreateAndRunStreamParams,
    split_options,
)
from streamkit._assistants.stream import AsyncRunStream
from streamkit._transport import AsyncTransport, TransportOwner

if TYPE_CHECKING:
    from streamkit._responses.client import AsyncResponses

__all__ = ["AsyncClient", "AsyncPage", "AsyncRunStream"]

T = TypeVar("T")


class AsyncPage(Generic[T]):
    """One page of a list endpoint; ``async for`` walks every page on its own.

    The attributes and the walk (``after``, or backwards with ``before``;
    ending at a page that makes no progress) are :class:`~streamkit.Page`'s.
    """

    def __init__(self, listing: Listing[T], transport: AsyncTransport) -> None:
        self.data = listing.data
        self.has_more = listing.has_more
        self.first_id = listing.first_id
        self.last_id = listing.last_id
        self._listing = listing
        self._transport = transport

    async def __aiter__(self) -> AsyncIterator[T]:
        for item in self.data:
            yield item
        walk = PageWalk()
        call = walk.next_call(self._listing)
        while call is not None:
            listing = await self._transport.call(call)
            if not walk.fresh(listing):
                break  # the server answered a page already seen
            for item in listing.data:
                yield item
            call = walk.next_call(listing)

    def __repr__(self) -> str:
        return f"<AsyncPage of {len(self.data)}, has_more={self.has_more}>"


class AsyncClient(TransportOwner[AsyncTransport]):
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
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.transport = AsyncTransport(
            api_key=api_key,
            base_url=base_url,
            timeout=timeout,
            max_retries=max_retries,
            http_client=http_client,
            sleep=sleep,
            clock=clock,
        )
        self.runs, self.threads = _AsyncRuns(self), _AsyncThreads(self)

    @functools.cached_property
    def responses(self) -> AsyncResponses:
        """The Responses endpoints, awaited (made on first use)."""
        from streamkit._responses.client import AsyncResponses

        return AsyncResponses(self.transport)

    async def __aenter__(self) -> AsyncClient:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close the HTTP client, if this client made it."""
        await self.transport.aclose()


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
        **params: Unpack[RunStreamParams],
    ) -> AsyncRunStream:
        """Create a run and stream it (``async with``, ``async for``); as ``Client.runs.stream``.

        The parameters are the sync client's; ``functions`` may be ``async def``.
        """
        sent, options = split_options(params)
        request = endpoints.stream_run(thread_id, assistant_id=assistant_id, **sent)
        return AsyncRunStream(
            self._transport, request, thread_id=thread_id, handler=handler, **options
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
        **options: Unpack[StreamOptions],
    ) -> AsyncRunStream:
        """Submit tool outputs and stream the run's continuation (options as ``stream``'s).

        Read the :class:`AsyncRunStream` with ``async for`` or ``await stream.until_done()``.
        """
        request = endpoints.submit_tool_outputs_stream(thread_id, run_id, tool_outputs=tool_outputs)
        return AsyncRunStream(
            self._transport, request, thread_id=thread_id, handler=handler, **options
        )


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
        **params: Unpack[ThreadCreateAndRunStreamParams],
    ) -> AsyncRunStream:
        """Create a thread, run it and stream the run (parameters as the sync client's)."""
        sent, options = split_options(params)
        request = endpoints.create_thread_and_run_stream(assistant_id=assistant_id, **sent)
        return AsyncRunStream(self._transport, request, thread_id=None, handler=handler, **options)
