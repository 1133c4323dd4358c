"""``client.responses``: every Responses endpoint, sync and async, one line each.

The endpoints are described once, sans-IO, in
:mod:`streamkit._responses.endpoints`; these classes only send them through
the client's transport (sync or async). Streams are
:class:`~streamkit._responses.stream.ResponseStream` objects: they resume a
cut stream and run the function-tool loop (see there).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from typing_extensions import Unpack

from streamkit._assistants.async_client import AsyncPage
from streamkit._assistants.client import Page
from streamkit._responses import endpoints
from streamkit._responses.accumulator import ResponseAccumulator
from streamkit._responses.handlers import AsyncResponseEventHandler, ResponseEventHandler
from streamkit._responses.params import (
    Include,
    InputItemListParams,
    ResponseCreateParams,
    ResponseStreamOptions,
    ResponseStreamParams,
    split_options,
)
from streamkit._responses.stream import AsyncResponseStream, ResponseStream
from streamkit.models import responses as rm
from streamkit.models.base import UnknownObject

if TYPE_CHECKING:
    from streamkit._transport import AsyncTransport, SyncTransport

__all__ = ["AsyncResponses", "Responses"]

_Item = rm.OutputItem | UnknownObject


class Responses:
    """``client.responses``: create, stream, retrieve, resume, cancel, delete, input items."""

    def __init__(self, transport: SyncTransport) -> None:
        self._transport = transport
        self.input_items = _InputItems(transport)

    def create(self, **params: Unpack[ResponseCreateParams]) -> rm.Response:
        """Create a response (``POST /responses``), not streamed; send only the parameters given."""
        return self._transport.call(endpoints.create(**params))

    def stream(
        self,
        *,
        handler: ResponseEventHandler | None = None,
        **params: Unpack[ResponseStreamParams],
    ) -> ResponseStream:
        """Create a response and stream it: a :class:`ResponseStream` (a context manager).

        Args:
            handler: callbacks to drive.
            **params: the API's parameters (``model``, ``input``, ``tools``,
                ``background`` ...; :class:`~streamkit._responses.params.ResponseCreateParams`)
                and streamkit's own, never sent
                (:class:`~streamkit._responses.params.ResponseStreamOptions`:
                ``functions`` for the tool loop, ``resume`` and its bounds).
        """
        sent, options = split_options(params)
        request = endpoints.stream_request(sent)
        return ResponseStream(self._transport, request, body=sent, handler=handler, **options)

    def retrieve(
        self, response_id: str, *, include: Sequence[Include] | None = None
    ) -> rm.Response:
        """The response as it is now (``GET /responses/{id}``)."""
        return self._transport.call(endpoints.retrieve(response_id, include=include))

    def resume(
        self,
        response_id: str,
        *,
        starting_after: int | None,
        handler: ResponseEventHandler | None = None,
        accumulator: ResponseAccumulator | None = None,
        **options: Unpack[ResponseStreamOptions],
    ) -> ResponseStream:
        """Stream a background response's events after ``starting_after``, then live.

        Args:
            response_id: the response (created with ``background: true``).
            starting_after: the sequence number of the last event already
                read (``accumulator.last_sequence_number``); ``None``: from the start.
            handler: callbacks to drive.
            accumulator: the accumulator that read the events up to
                ``starting_after`` (e.g. the earlier stream's
                ``.accumulator``): the stream continues its snapshot. Without
                one, a new accumulator reads from ``starting_after`` on, which
                is whole only from the start or before the first item.
            **options: as :meth:`stream`'s (``resume``, ``functions`` ...).
        """
        request = endpoints.resume_request(response_id, starting_after=starting_after)
        return ResponseStream(
            self._transport, request, handler=handler, accumulator=accumulator, **options
        )

    def cancel(self, response_id: str) -> rm.Response:
        """Cancel a background response."""
        return self._transport.call(endpoints.cancel(response_id))

    def delete(self, response_id: str) -> None:
        """Delete a stored response."""
        self._transport.call(endpoints.delete(response_id))


class _InputItems:
    """``client.responses.input_items``."""

    def __init__(self, transport: SyncTransport) -> None:
        self._transport = transport

    def list(self, response_id: str, **params: Unpack[InputItemListParams]) -> Page[_Item]:
        """The items a response was given; iterate the page to walk every page."""
        listing = self._transport.call(endpoints.list_input_items(response_id, **params))
        return Page(listing, self._transport)


class AsyncResponses:
    """``AsyncClient.responses``: :class:`Responses`, awaited; streams are async too."""

    def __init__(self, transport: AsyncTransport) -> None:
        self._transport = transport
        self.input_items = _AsyncInputItems(transport)

    async def create(self, **params: Unpack[ResponseCreateParams]) -> rm.Response:
        """Create a response, not streamed."""
        return await self._transport.call(endpoints.create(**params))

    def stream(
        self,
        *,
        handler: AsyncResponseEventHandler | None = None,
        **params: Unpack[ResponseStreamParams],
    ) -> AsyncResponseStream:
        """Create a response and stream it (``async with``); tool functions may be async."""
        sent, options = split_options(params)
        request = endpoints.stream_request(sent)
        return AsyncResponseStream(self._transport, request, body=sent, handler=handler, **options)

    async def retrieve(
        self, response_id: str, *, include: Sequence[Include] | None = None
    ) -> rm.Response:
        """The response as it is now."""
        return await self._transport.call(endpoints.retrieve(response_id, include=include))

    def resume(
        self,
        response_id: str,
        *,
        starting_after: int | None,
        handler: AsyncResponseEventHandler | None = None,
        accumulator: ResponseAccumulator | None = None,
        **options: Unpack[ResponseStreamOptions],
    ) -> AsyncResponseStream:
        """A background response's events after ``starting_after`` (:meth:`Responses.resume`)."""
        request = endpoints.resume_request(response_id, starting_after=starting_after)
        return AsyncResponseStream(
            self._transport, request, handler=handler, accumulator=accumulator, **options
        )

    async def cancel(self, response_id: str) -> rm.Response:
        """Cancel a background response."""
        return await self._transport.call(endpoints.cancel(response_id))

    async def delete(self, response_id: str) -> None:
        """Delete a stored response."""
        await self._transport.call(endpoints.delete(response_id))


class _AsyncInputItems:
    """``AsyncClient.responses.input_items``."""

    def __init__(self, transport: AsyncTransport) -> None:
        self._transport = transport

    async def list(
        self, response_id: str, **params: Unpack[InputItemListParams]
    ) -> AsyncPage[_Item]:
        """The items a response was given; ``async for`` over the page walks every page."""
        listing = await self._transport.call(endpoints.list_input_items(response_id, **params))
        return AsyncPage(listing, self._transport)
