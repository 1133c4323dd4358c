"""The Runs API client: every endpoint of the Runs reference, streaming, the tool-call loop.

``streamkit.Client`` speaks the Assistants v2 Runs endpoints: one method per
endpoint (``client.runs.create``, ``.stream``, ``.retrieve``, ``.update``,
``.list``, ``.cancel``, ``.submit_tool_outputs``,
``.submit_tool_outputs_stream``, ``.steps.list``, ``.steps.retrieve``, and
``client.threads.create_and_run`` / ``.create_and_run_stream``). Streaming
methods return a :class:`RunStream`, which owns an
:class:`~streamkit.Accumulator`, drives an optional
:class:`~streamkit.EventHandler`, and -- given ``functions`` -- answers
``requires_action`` by calling them and submitting their outputs, carrying
on in the same stream and accumulator (``tools`` is the API's parameter, the
tool definitions the model may call).

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

import functools
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Generic, TypeVar

import httpx
from typing_extensions import Unpack

from streamkit import models as m
from streamkit._assistants import endpoints
from streamkit._assistants.endpoints import Listing, PageWalk
from streamkit._assistants.handlers import EventHandler
from streamkit._assistants.params import (
    FILE_SEARCH_CONTENT,
    RunCreateParams,
    RunListParams,
    RunStepInclude,
    RunStepListParams,
    RunStreamParams,
    StreamOptions,
    ThreadCreateAndRunParams,
    ThreadCreateAndRunStreamParams,
    ToolFunction,
    split_options,
)
from streamkit._assistants.stream import RunStream
from streamkit._transport import DEFAULT_BASE_URL, SyncTransport, TransportOwner

if TYPE_CHECKING:
    from streamkit._responses.client import Responses

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
    """One page of a list endpoint; iterating it walks every page on its own.

    The pages follow the ``after`` cursor (each page's last id); a list asked
    for with ``before=`` walks backwards instead, each next page ``before``
    the first id of the one yielded last (items within a page keep the
    list's order). The walk ends at the last page, and at a page that makes
    no progress (``has_more`` with no data, or a cursor already followed),
    so a misbehaving server cannot make it loop.

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
        self._listing = listing
        self._transport = transport

    def __iter__(self) -> Iterator[T]:
        yield from self.data
        walk = PageWalk()
        call = walk.next_call(self._listing)
        while call is not None:
            listing = self._transport.call(call)
            if not walk.fresh(listing):
                break  # the server answered a page already seen
            yield from listing.data
            call = walk.next_call(listing)

    def __repr__(self) -> str:
        return f"<Page of {len(self.data)}, has_more={self.has_more}>"


class Client(TransportOwner[SyncTransport]):
    """A client for the Runs endpoints of the Assistants API (v2).

    Args:
        api_key: the API key; default ``OPENAI_API_KEY``.
        base_url: default ``OPENAI_BASE_URL``, else the public API.
        timeout: seconds (or an ``httpx.Timeout``) for every request.
        max_retries: how often a non-streaming request is retried after a
            408, 409, 429, a 5xx or a connection error.
        http_client: an ``httpx.Client`` to use (its transport, proxies,
            limits ...); streamkit sets the URL and headers on each request.
            Without one, streamkit makes one allowing 1000 connections (100
            kept alive): a run stream holds its connection for the whole run.
        sleep: what waits between retries and polls (for tests).
        clock: seconds, monotonic: what measures recovery's ``poll_deadline``
            (for tests).

    Attributes:
        transport: the :class:`~streamkit._transport.SyncTransport` every
            request goes through: ``send(request)`` (JSON, retried),
            ``call(call)``, ``open(request)`` (an event stream's byte chunks)
            and ``sleep(seconds)``. Streams and other modules use it, never
            the client's private parts.
        runs: the Runs endpoints (``runs.steps``: the run steps').
        responses: the Responses endpoints (made on first use).
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
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.transport = SyncTransport(
            api_key=api_key,
            base_url=base_url,
            timeout=timeout,
            max_retries=max_retries,
            http_client=http_client,
            sleep=sleep,
            clock=clock,
        )
        self.runs, self.threads = _Runs(self), _Threads(self)

    @functools.cached_property
    def responses(self) -> Responses:
        """The Responses endpoints (``responses.create``, ``.stream``, ``.resume`` ...).

        Made on first use: a program that only reads runs never loads them.
        """
        from streamkit._responses.client import Responses

        return Responses(self.transport)

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the HTTP client, if this client made it."""
        self.transport.close()


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
        **params: Unpack[RunStreamParams],
    ) -> RunStream:
        """Create a run and stream it: a :class:`RunStream` (use it as a context manager).

        Args:
            thread_id: the thread.
            assistant_id: the assistant.
            handler: callbacks to drive.
            **params: the API's parameters of the Runs reference (``tools``,
                ``model``, ``instructions``, ``include``, ``metadata`` ...;
                :class:`~streamkit._assistants.params.RunCreateParams`), and
                streamkit's own, which are never sent
                (:class:`~streamkit._assistants.params.StreamOptions`):

                - ``functions``: Python functions by name; when the run
                  requires action they are called with the parsed JSON
                  arguments and their outputs are submitted, in the same
                  stream. ``tools=`` stays the API's tool definitions.
                - ``tool_errors``: ``"submit"`` (default: a function that
                  raises submits ``"error: <type>: <message>"``) or ``"raise"``.
                - ``unknown_functions``: ``"raise"`` (default: a call naming no
                  given function raises :class:`~streamkit.errors.ToolError`,
                  nothing submitted) or ``"submit"`` (its error text is its output).
                - ``max_tool_rounds``: the most rounds of outputs (default 16).
                - ``recover``: if the stream breaks mid-run (connection reset,
                  truncated body, no ``done``), read the run, its steps and
                  messages back and poll until the run settles, into the same
                  snapshots. On by default.
                - ``poll_interval`` (1.0 s), ``max_polls`` (600) and
                  ``poll_deadline`` (600.0 s): recovery's pace and bounds;
                  past a bound, :class:`~streamkit.errors.LimitExceededError`.
        """
        sent, options = split_options(params)
        request = endpoints.stream_run(thread_id, assistant_id=assistant_id, **sent)
        return RunStream(self._transport, request, thread_id=thread_id, handler=handler, **options)

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
        **options: Unpack[StreamOptions],
    ) -> RunStream:
        """Submit tool outputs and stream the run's continuation.

        ``options`` are :meth:`stream`'s own (``functions`` answers a further
        ``requires_action``, ``recover`` ...); nothing of them is sent.
        """
        request = endpoints.submit_tool_outputs_stream(thread_id, run_id, tool_outputs=tool_outputs)
        return RunStream(self._transport, request, thread_id=thread_id, handler=handler, **options)


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
        **params: Unpack[ThreadCreateAndRunStreamParams],
    ) -> RunStream:
        """Create a thread, run it and stream the run (``thread.created`` comes first).

        ``params`` are the API's (``thread``, ``tools``, ``model`` ...) and
        :meth:`_Runs.stream`'s own options (``functions``, ``tool_errors``,
        ``recover`` ...), which are never sent.
        """
        sent, options = split_options(params)
        request = endpoints.create_thread_and_run_stream(assistant_id=assistant_id, **sent)
        return RunStream(self._transport, request, thread_id=None, handler=handler, **options)
