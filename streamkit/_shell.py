"""The I/O shells: a sync and an async loop that perform what a stream flow asks for.

The logic of consuming a stream -- which callbacks to call, what to yield,
when to recover, what to submit -- is the sans-IO driver and flow of
:mod:`streamkit._engine.driver`. A shell only does the I/O: it reads bodies
(a local source, or a request opened by a transport), sends JSON requests,
sleeps, calls the handler's callbacks and the tool functions, and owns the
end of the stream (``on_exception``, then ``on_end``; the accumulator
attached to a streamkit error). :class:`SyncShell` and :class:`AsyncShell`
are the same loop; the async one awaits, and runs async tool functions
concurrently.
"""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import AsyncIterator, Awaitable, Callable, Generator
from functools import partial
from typing import Any, Protocol

from streamkit._engine.driver import (
    Apply,
    Driver,
    Fetch,
    Flow,
    Read,
    ReadEnded,
    Sleep,
)
from streamkit._engine.requests import RETRY_STATUSES, Request
from streamkit._sources import DEFAULT_CHUNK_SIZE, decode, iter_local_bytes
from streamkit.errors import ResponseError, StreamkitError, TransportError
from streamkit.sse import SSEDecoder

__all__ = ["AsyncShell", "AsyncTransportLike", "SyncShell", "TransportLike"]


class TransportLike(Protocol):
    """What a sync shell needs of a transport (see the clients' transports)."""

    def send(self, request: Request) -> Any: ...
    def open(self, request: Request) -> Any: ...  # a context manager of Iterator[bytes]
    def sleep(self, seconds: float) -> None: ...


class AsyncTransportLike(Protocol):
    """What an async shell needs of a transport."""

    async def send(self, request: Request) -> Any: ...
    def open(self, request: Request) -> Any: ...  # an async context manager of AsyncIterator[bytes]
    async def sleep(self, seconds: float) -> None: ...


def _decoder(action: Read) -> SSEDecoder:
    return SSEDecoder(
        max_event_size=action.max_event_size, dispatch_at_close=action.dispatch_at_close
    )


def _chunk_size(action: Read) -> int:
    # The driver is sans-IO: the read size for local files is the shell's to know.
    return action.chunk_size or DEFAULT_CHUNK_SIZE


def _attach(error: StreamkitError, driver: Driver) -> None:
    """Attach what was received before an error to it (``error.accumulator``)."""
    holder: Any = error
    holder.accumulator = driver.accumulator


def _may_retry(error: StreamkitError) -> bool:
    """Whether opening a request again may succeed: a connection error, or a status retried."""
    if isinstance(error, ResponseError):
        return error.status_code in RETRY_STATUSES
    return True


def _is_httpx(source: Any) -> bool:
    return type(source).__module__.startswith("httpx")


def _outcome(call: Callable[[], Any]) -> Any:
    """A tool function's result, or the exception it raised (the flow decides what it means)."""
    try:
        return call()
    except Exception as exc:
        return exc


class SyncShell:
    """Performs a flow's actions with blocking I/O; :meth:`run` yields after each event.

    Args:
        driver: the stream driver.
        call: the handler's dispatch, ``call(name, arguments)`` (None: no handler).
        transport: for flows that open requests or fetch (None: local sources only).
    """

    def __init__(
        self,
        driver: Driver,
        call: Callable[[str, tuple[Any, ...]], Any] | None = None,
        transport: TransportLike | None = None,
    ) -> None:
        self.driver = driver
        self._call = call
        self._transport = transport
        self._closing: Callable[[], None] | None = None
        #: Set by :meth:`close`: no event and no callback after it.
        self.closed = False

    def close(self) -> None:
        """Stop: close the body being read; no event or callback comes after this."""
        self.closed = True
        closing, self._closing = self._closing, None
        if closing is not None:
            closing()

    def run(self, flow: Flow) -> Generator[None, None, None]:
        """Perform ``flow``; yield once after each event fed (the consumer reads the driver)."""
        call = self._call
        reply: Any = None
        try:
            while not self.closed:
                try:
                    action = flow.send(reply)
                except StopIteration:
                    break
                reply = None
                if isinstance(action, Read):
                    reply = yield from self._read(action)
                elif isinstance(action, Apply):
                    for event in action.events:
                        self._feed(event)
                        yield
                elif isinstance(action, Fetch):
                    reply = self._transport_().send(action.request)
                elif isinstance(action, Sleep):
                    self._transport_().sleep(action.seconds)
                else:
                    reply = [_outcome(call) for call in action.calls]
        except BaseException as exception:
            flow.close()
            if isinstance(exception, StreamkitError):
                _attach(exception, self.driver)
            if call is not None and not isinstance(exception, GeneratorExit) and not self.closed:
                try:
                    call("on_exception", (exception,))
                finally:
                    call("on_end", ())
            self.close()
            raise
        if call is not None and not self.closed:
            call("on_end", ())
        self.close()

    def _transport_(self) -> TransportLike:
        if self._transport is None:  # pragma: no cover - local flows never fetch
            msg = "this stream has no transport"
            raise RuntimeError(msg)
        return self._transport

    def _feed(self, event: Any) -> None:
        driver = self.driver
        calls = driver.feed(event)
        call = self._call
        if call is not None:
            for name, arguments in calls:
                result = call(name, arguments)
                if result is not None:
                    driver.returned(name, result)
        if driver.error is not None:
            raise driver.error

    def _read(self, action: Read) -> Generator[None, None, ReadEnded]:
        driver = self.driver
        if action.request is None:
            source = action.source
            if _is_httpx(source):
                from streamkit.io import iter_sse  # the HTTP edge, only when given a response

                events = iter_sse(
                    source,
                    dispatch_at_close=action.dispatch_at_close,
                    max_event_size=action.max_event_size,
                )
            else:
                chunks = iter_local_bytes(source, chunk_size=_chunk_size(action))
                events = decode(chunks, _decoder(action))
            for sse in events:
                if self.closed:
                    break
                self._feed(sse)
                yield
                if driver.done:
                    break
            if not self.closed:
                driver.ended()
            return ReadEnded()
        opened = self._transport_().open(action.request)
        try:
            chunks = opened.__enter__()
        except (TransportError, ResponseError) as failed:
            if action.reopen_safe and _may_retry(failed):
                return ReadEnded(failed)
            raise
        self._closing = partial(opened.__exit__, None, None, None)
        try:
            for sse in decode(chunks, _decoder(action)):
                if self.closed:
                    break
                self._feed(sse)
                yield
                if driver.done:
                    break
        except TransportError as broken:
            return ReadEnded(broken)
        finally:
            closing, self._closing = self._closing, None
            if closing is not None:
                closing()
        if not self.closed:
            driver.ended()
        return ReadEnded()


class AsyncShell:
    """:class:`SyncShell` for asyncio: awaits the transport and the handler's callbacks.

    The read loop is written out in :meth:`run` itself, not as a stack of
    async generators (chunks, decoded events, fed events): the shell costs an
    event one generator step instead of four, and a stream three fewer live
    generators, which thousands of concurrent streams in one process notice.
    """

    def __init__(
        self,
        driver: Driver,
        call: Callable[[str, tuple[Any, ...]], Awaitable[Any]] | None = None,
        transport: AsyncTransportLike | None = None,
    ) -> None:
        self.driver = driver
        self._call = call
        self._transport = transport
        self._closing: Callable[[], Awaitable[None]] | None = None
        self.closed = False

    async def close(self) -> None:
        """Stop: close the body being read; no event or callback comes after this."""
        self.closed = True
        closing, self._closing = self._closing, None
        if closing is not None:
            await closing()

    async def run(self, flow: Flow) -> AsyncIterator[None]:
        """Perform ``flow``; yield once after each event fed."""
        call = self._call
        driver = self.driver
        reply: Any = None
        try:
            while not self.closed:
                try:
                    action = flow.send(reply)
                except StopIteration:
                    break
                reply = None
                if isinstance(action, Read):
                    try:
                        chunks, decoder, finish = await self._open(action)
                    except (TransportError, ResponseError) as failed:
                        if not (action.reopen_safe and _may_retry(failed)):
                            raise
                        reply = ReadEnded(failed)
                        continue
                    ended = ReadEnded()
                    try:
                        # Chunk by chunk, each chunk's events fed and yielded in turn.
                        stop = False
                        async for chunk in chunks:
                            for sse in decoder.feed(chunk):
                                if self.closed:
                                    stop = True
                                    break
                                calls = driver.feed(sse)
                                if calls and call is not None:
                                    await self._call_all(calls)
                                if driver.error is not None:
                                    raise driver.error
                                yield
                                if driver.done:
                                    stop = True
                                    break
                            if stop:
                                break
                        else:
                            for sse in decoder.close():
                                if self.closed:
                                    break
                                await self._feed(sse)
                                yield
                                if driver.done:
                                    break
                        if not self.closed:
                            driver.ended()
                    except TransportError as broken:
                        if action.request is None:
                            raise  # only a request's body breaks into a ReadEnded
                        ended = ReadEnded(broken)
                    finally:
                        await finish()
                    reply = ended
                elif isinstance(action, Apply):
                    for event in action.events:
                        await self._feed(event)
                        yield
                elif isinstance(action, Fetch):
                    reply = await self._transport_().send(action.request)
                elif isinstance(action, Sleep):
                    await self._transport_().sleep(action.seconds)
                else:
                    reply = await _invoke_all(action.calls)
        except BaseException as exception:
            flow.close()
            if isinstance(exception, StreamkitError):
                _attach(exception, self.driver)
            if call is not None and not isinstance(exception, GeneratorExit) and not self.closed:
                try:
                    await call("on_exception", (exception,))
                finally:
                    await call("on_end", ())
            await self.close()
            raise
        if call is not None and not self.closed:
            await call("on_end", ())
        await self.close()

    def _transport_(self) -> AsyncTransportLike:
        if self._transport is None:  # pragma: no cover - local flows never fetch
            msg = "this stream has no transport"
            raise RuntimeError(msg)
        return self._transport

    async def _open(
        self, action: Read
    ) -> tuple[AsyncIterator[bytes], SSEDecoder, Callable[[], Awaitable[None]]]:
        """The body's chunks, its decoder, and what ends the read (closes what was opened)."""
        decoder = _decoder(action)
        if action.request is None:
            from streamkit.io import aiter_bytes  # the I/O edge, only for a local read

            chunks = aiter_bytes(action.source, chunk_size=_chunk_size(action))
            return chunks, decoder, chunks.aclose
        opened = self._transport_().open(action.request)
        body = await opened.__aenter__()
        # close() may come first (a callback, the consumer): the first closes the response.
        self._closing = partial(opened.__aexit__, None, None, None)
        return body, decoder, self._finish

    async def _finish(self) -> None:
        closing, self._closing = self._closing, None
        if closing is not None:
            await closing()

    async def _feed(self, event: Any) -> None:
        driver = self.driver
        calls = driver.feed(event)
        if calls and self._call is not None:
            await self._call_all(calls)
        if driver.error is not None:
            raise driver.error

    async def _call_all(self, calls: list[tuple[str, tuple[Any, ...]]]) -> None:
        """Await the handler's callbacks for one event, noting what they return."""
        call = self._call
        assert call is not None
        driver = self.driver
        for name, arguments in calls:
            result = await call(name, arguments)
            if result is not None:
                driver.returned(name, result)


async def _invoke_all(calls: Any) -> list[Any]:
    """Call the tool functions; async ones run concurrently. An exception counts as a result."""
    outcomes = [_outcome(call) for call in calls]
    pending = [(i, o) for i, o in enumerate(outcomes) if inspect.isawaitable(o)]
    if pending:
        done = await asyncio.gather(*(o for _i, o in pending), return_exceptions=True)
        for (i, _o), value in zip(pending, done, strict=True):
            outcomes[i] = value
    return outcomes
