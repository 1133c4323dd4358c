"""The stream objects' shared shell: a flow run by a sync or an async shell, as an event iterator.

``RunStream`` and ``ResponseStream`` (and their async twins) differ in their
flow and in what they answer once done (the final run, the final response);
how they are read -- a context manager, an iterator of typed events,
``until_done``, ``text_deltas``, ``close`` safe from a callback -- is written
once here, for each flavour.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Mapping
from typing import Any, Generic, TypeVar

from typing_extensions import Self

from streamkit._engine.driver import Driver, Flow
from streamkit._engine.tools import ToolFunction
from streamkit._shell import AsyncShell, AsyncTransportLike, SyncShell, TransportLike

__all__ = ["AsyncEventStream", "EventStream", "prepare"]

#: The typed events a stream yields.
E = TypeVar("E")


def prepare(
    accumulator: Any,
    handler: Any,
    make_driver: Callable[..., Driver],
    transport: Any,
    clock: Callable[[], float] | None,
    functions: Mapping[str, ToolFunction] | None,
) -> tuple[Driver, Callable[[], float], dict[str, ToolFunction]]:
    """What a stream object of either protocol sets up before its flow.

    Returns the driver of ``accumulator`` and ``handler`` (made by the
    protocol's ``make_driver``, the handler told the accumulator), the
    flow's clock (``clock``, else the transport's, so a client's fake clock
    reaches the flow, else ``time.monotonic``), and the functions by name.

    Raises:
        TypeError: ``functions`` is not a mapping (a list of tool definitions
            belongs in ``tools=``).
    """
    if functions is not None and not isinstance(functions, Mapping):
        msg = (
            "functions must map the names the model calls to Python functions, "
            f"not a {type(functions).__name__}"
        )
        raise TypeError(msg)
    tick: Callable[[], float] = clock or getattr(transport, "clock", None) or time.monotonic
    if handler is not None:
        handler.accumulator = accumulator
    driver = make_driver(accumulator, handler, collect_text=True)
    return driver, tick, dict(functions or {})


class EventStream(Generic[E]):
    """A flow performed by a :class:`~streamkit._shell.SyncShell`, read as typed events.

    Subclasses set :attr:`_driver` and call :meth:`_run` with their flow.
    """

    _driver: Driver

    def _run(
        self,
        flow: Flow,
        call: Callable[[str, tuple[Any, ...]], Any] | None,
        transport: TransportLike,
    ) -> None:
        self._shell = SyncShell(self._driver, call, transport)
        self._steps = self._shell.run(flow)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __iter__(self) -> Iterator[E]:
        driver = self._driver
        for _ in self._steps:
            event = driver.event()
            if event is not None:
                yield event

    def close(self) -> None:
        """Close the connection; no event or callback comes after it (also from a callback)."""
        self._shell.close()
        steps: Any = self._steps  # a generator
        if not steps.gi_running:  # from a callback, the loop stops once it returns
            steps.close()

    def until_done(self) -> Self:
        """Read the stream to the end (with whatever the flow reads after it)."""
        for _ in self._steps:
            pass
        return self

    @property
    def text_deltas(self) -> Iterator[str]:
        """The answer text as it arrives (the stream is read as it is taken)."""
        texts = self._driver.texts
        seen = 0
        for _ in self._steps:
            while seen < len(texts):
                yield texts[seen]
                seen += 1


class AsyncEventStream(Generic[E]):
    """:class:`EventStream` for asyncio: ``async with``, ``async for``, ``await until_done()``."""

    _driver: Driver

    def _run(
        self,
        flow: Flow,
        call: Callable[[str, tuple[Any, ...]], Awaitable[Any]] | None,
        transport: AsyncTransportLike,
    ) -> None:
        self._shell = AsyncShell(self._driver, call, transport)
        self._steps = self._shell.run(flow)

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    async def __aiter__(self) -> AsyncIterator[E]:
        driver = self._driver
        async for _ in self._steps:
            event = driver.event()
            if event is not None:
                yield event

    async def close(self) -> None:
        """Close the connection; no event or callback comes after it (also from a callback)."""
        await self._shell.close()
        steps: Any = self._steps  # an async generator
        if not steps.ag_running:  # from a callback, the loop stops once it returns
            await steps.aclose()

    async def until_done(self) -> Self:
        """Read the stream to the end."""
        async for _ in self._steps:
            pass
        return self

    @property
    async def text_deltas(self) -> AsyncIterator[str]:
        """The answer text as it arrives."""
        texts = self._driver.texts
        seen = 0
        async for _ in self._steps:
            while seen < len(texts):
                yield texts[seen]
                seen += 1
