"""Running a local or HTTP byte source through a handler, or for its text: both protocols.

``consume`` / ``aconsume`` take the protocol from the handler (an
``EventHandler`` reads the Assistants stream, a ``ResponseEventHandler`` the
Responses stream); ``text_deltas`` / ``atext_deltas`` tell it from the
stream's first event. Each is the stream driver plus a shell.
"""

from __future__ import annotations

import inspect
from collections.abc import AsyncIterator, Iterator
from functools import partial
from typing import TYPE_CHECKING, Any, overload

from streamkit._engine.driver import Driver, read_flow
from streamkit._protocols import PROTOCOLS, Protocol, accumulator_for, protocol_of
from streamkit._protocols import driver_for as protocol_driver
from streamkit._shell import AsyncShell, SyncShell
from streamkit.errors import StreamkitError

if TYPE_CHECKING:
    from streamkit._assistants.accumulator import Accumulator
    from streamkit._assistants.handlers import AsyncEventHandler, EventHandler
    from streamkit._responses.accumulator import ResponseAccumulator
    from streamkit._responses.handlers import AsyncResponseEventHandler, ResponseEventHandler

__all__ = ["aconsume", "atext_deltas", "consume", "text_deltas"]


def _handler_driver(handler: Any, strict: bool, *, is_async: bool) -> Driver:
    """The accumulator and driver of the protocol the handler's callbacks are for.

    Raises:
        TypeError: ``handler`` is not a handler, or is of the other flavour: an
            async handler's callbacks, called without being awaited, would not
            run at all (and a sync one's cannot be awaited).
    """
    call = getattr(handler, "_call", None)
    if getattr(handler, "protocol", None) not in PROTOCOLS or not callable(call):
        kind = type(handler).__name__
        msg = f"expected an event handler (EventHandler, ResponseEventHandler ...), got {kind}"
        raise TypeError(msg)
    if inspect.iscoroutinefunction(call) != is_async:
        msg = (
            f"{type(handler).__name__} has async callbacks: run it with aconsume"
            if not is_async
            else f"{type(handler).__name__} has sync callbacks: run it with consume"
        )
        raise TypeError(msg)
    accumulator: Any = accumulator_for(handler.protocol, strict=strict)
    if handler.protocol == "responses":
        from streamkit._responses.handlers import driver_for
    else:
        from streamkit._assistants.handlers import driver_for  # type: ignore[assignment]
    handler.accumulator = accumulator
    driver = driver_for(accumulator, handler)
    driver.check_first(partial(_same_protocol, handler))
    return driver


_NAMES = {"assistants": "an Assistants stream", "responses": "a Responses stream"}
_HANDLERS = {"assistants": "an EventHandler", "responses": "a ResponseEventHandler"}


def _same_protocol(handler: Any, event: Any) -> None:
    """Refuse a stream of the other protocol at its first event (all its events are unknown)."""
    found = protocol_of(event)
    if found != handler.protocol:
        kind = type(handler).__name__
        wanted = _NAMES[handler.protocol]
        msg = f"this is {_NAMES[found]}: {kind} is for {wanted}; use {_HANDLERS[found]}"
        raise StreamkitError(msg)


def _is_log(source: Any) -> bool:
    """Whether a source is a recording (which may lack its last blank line), not a live response.

    A live HTTP response cut inside an event is cut off; a log file that ends
    without the final blank line still holds a whole last event.
    """
    return not type(source).__module__.startswith("httpx")


@overload
def consume(source: Any, handler: EventHandler, *, strict: bool = True) -> Accumulator: ...
@overload
def consume(
    source: Any, handler: ResponseEventHandler, *, strict: bool = True
) -> ResponseAccumulator: ...
def consume(source: Any, handler: Any, *, strict: bool = True) -> Any:
    """Run a byte source through decoder, parser and accumulator, calling ``handler``.

    Args:
        source: bytes, a path (plain or gzip), a binary file, an iterable of
            bytes, or an httpx response (see :func:`streamkit.io.iter_sse`).
        handler: an :class:`~streamkit.EventHandler` (or ``Handlers``) for an
            Assistants stream, a :class:`~streamkit.ResponseEventHandler` (or
            ``ResponseHandlers``) for a Responses stream.
        strict: passed to the accumulator.

    Returns:
        The accumulator (:class:`~streamkit.Accumulator` or
        :class:`~streamkit.ResponseAccumulator`), with the final snapshots.

    Raises:
        TypeError: ``handler`` is not a handler, or is an async one (see :func:`aconsume`).
        Whatever the stream or a callback raised, after ``on_exception`` and
        ``on_end``; ``handler.accumulator`` (and a streamkit error's
        ``accumulator``) hold everything received before it. In strict mode
        a Responses ``error`` event raises :class:`~streamkit.StreamError`
        once the stream has ended.
    """
    driver = _handler_driver(handler, strict, is_async=False)
    shell = SyncShell(driver, handler._call)
    for _ in shell.run(read_flow(source, dispatch_at_close=_is_log(source))):
        pass
    return driver.accumulator


@overload
async def aconsume(
    source: Any, handler: AsyncEventHandler, *, strict: bool = True
) -> Accumulator: ...
@overload
async def aconsume(
    source: Any, handler: AsyncResponseEventHandler, *, strict: bool = True
) -> ResponseAccumulator: ...
async def aconsume(source: Any, handler: Any, *, strict: bool = True) -> Any:
    """The async twin of :func:`consume`, for an async handler of either protocol.

    ``source`` may also be an async iterable of bytes or the response of an
    ``httpx.AsyncClient``. A sync handler is refused (``TypeError``): run it with ``consume``.
    """
    driver = _handler_driver(handler, strict, is_async=True)
    shell = AsyncShell(driver, handler._call)
    async for _ in shell.run(read_flow(source, dispatch_at_close=_is_log(source))):
        pass
    return driver.accumulator


def text_deltas(
    source: Any, *, strict: bool = True, protocol: Protocol | None = None
) -> Iterator[str]:
    """Yield the answer text of a stream as it arrives (every text block or part, in order).

    Args:
        source: any source :func:`consume` takes.
        strict: passed to the accumulator.
        protocol: ``"assistants"`` or ``"responses"``; by default told from the first event.
    """
    driver = protocol_driver(protocol, strict=strict, collect_text=True)
    texts = driver.texts
    for _ in SyncShell(driver).run(read_flow(source, dispatch_at_close=_is_log(source))):
        if texts:
            yield from texts
            texts.clear()


async def atext_deltas(
    source: Any, *, strict: bool = True, protocol: Protocol | None = None
) -> AsyncIterator[str]:
    """The async twin of :func:`text_deltas`."""
    driver = protocol_driver(protocol, strict=strict, collect_text=True)
    texts = driver.texts
    async for _ in AsyncShell(driver).run(read_flow(source, dispatch_at_close=_is_log(source))):
        for text in texts:
            yield text
        texts.clear()
