"""One test suite over both clients: the ``flavour`` fixture.

A test takes ``flavour`` and is run twice: with :class:`streamkit.Client` as
it is, and with :class:`streamkit.AsyncClient` seen through :class:`Blocking`,
a synchronous view whose calls are run to completion on an event loop (an
anyio blocking portal, one per test). So the same lines --
``client.runs.retrieve("t", "r")``, ``list(client.runs.list("t"))``,
``with transport.open(request) as chunks: list(chunks)`` -- exercise both.

Import the fixture into a test module with
``from tests.flavours import flavour_fixture  # noqa: F401``; tests then take ``flavour``.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

import anyio.from_thread
import httpx
import pytest

import streamkit

KEY = "sk-test-secret-key"
BASE = "https://api.test/v1"

Handler = Callable[[httpx.Request], httpx.Response]

# Objects of these modules are the async client's own: their results are wrapped too.
_WRAPPED_MODULES = ("streamkit._assistants", "streamkit._responses", "streamkit._transport")
_END = object()


class Blocking:
    """A synchronous view of an async client, resource, page, stream or transport.

    Coroutines are awaited on the portal's loop; async iterables are iterated
    and async context managers entered from sync code; the results that are
    the client's own objects are viewed the same way; anything else (models,
    JSON, strings) passes through as it is.
    """

    def __init__(self, target: Any, portal: anyio.from_thread.BlockingPortal) -> None:
        self._target = target
        self._portal = portal
        self._entered: Any = None

    def __getattr__(self, name: str) -> Any:
        value = getattr(self._target, name)
        if callable(value) and not isinstance(value, type):
            return functools.wraps(value)(lambda *a, **k: self._view(value(*a, **k)))
        return self._view(value)

    def __setattr__(self, name: str, value: Any) -> None:
        if name.startswith("_"):
            object.__setattr__(self, name, value)
        else:
            setattr(self._target, name, value)

    def __repr__(self) -> str:
        return repr(self._target)

    def __iter__(self) -> Iterator[Any]:
        iterator = self._target.__aiter__()
        while (item := self._portal.call(_anext, iterator)) is not _END:
            yield self._view(item)

    def __enter__(self) -> Any:
        self._entered = self._portal.wrap_async_context_manager(self._target)
        return self._view(self._entered.__enter__())

    def __exit__(self, *exc_info: Any) -> Any:
        return self._entered.__exit__(*exc_info)

    def _view(self, value: Any) -> Any:
        if inspect.isawaitable(value):
            value = self._portal.call(_await, value)
        module = type(value).__module__
        if module.startswith(_WRAPPED_MODULES) or hasattr(value, "__aiter__"):
            return Blocking(value, self._portal)
        if hasattr(value, "__aenter__"):
            return Blocking(value, self._portal)
        return value


async def _await(awaitable: Any) -> Any:
    return await awaitable


async def _anext(iterator: AsyncIterator[Any]) -> Any:
    try:
        return await iterator.__anext__()
    except StopAsyncIteration:
        return _END


class Flavour:
    """Makes clients and transports of one flavour, and closes them after the test."""

    name: str
    client_class: type[Any]

    def __init__(self) -> None:
        self._made: list[Any] = []

    def __repr__(self) -> str:
        return self.name

    def make(self, *, sleeps: list[float] | None = None, **options: Any) -> Any:
        """``Client(**options)`` or ``AsyncClient(**options)`` (sleeps recorded in ``sleeps``)."""
        options.setdefault("sleep", self.sleep(sleeps if sleeps is not None else []))
        client = self.client_class(**options)
        self._made.append(client)
        return self.view(client)

    def client(self, handler: Handler, *, sleeps: list[float] | None = None, **options: Any) -> Any:
        """A client of the test key and base URL whose requests ``handler`` answers."""
        options = {"api_key": KEY, "base_url": BASE, **options}
        return self.make(http_client=self.http(handler), sleeps=sleeps, **options)

    def transport(
        self, handler: Handler, *, sleeps: list[float] | None = None, **options: Any
    ) -> Any:
        """A transport of the test key and base URL whose requests ``handler`` answers."""
        return self.client(handler, sleeps=sleeps, **options).transport

    def body(self, parts: list[bytes], error: Exception | None = None) -> Any:
        """A streamed response body of ``parts``, then ``error`` raised if given."""
        raise NotImplementedError

    def sleep(self, sleeps: list[float]) -> Any:
        raise NotImplementedError

    def http(self, handler: Handler) -> Any:
        raise NotImplementedError

    def view(self, value: Any) -> Any:
        return value

    def close(self) -> None:
        raise NotImplementedError


class SyncFlavour(Flavour):
    name = "sync"
    client_class = streamkit.Client

    def sleep(self, sleeps: list[float]) -> Any:
        return sleeps.append

    def http(self, handler: Handler) -> httpx.Client:
        return httpx.Client(transport=httpx.MockTransport(handler))

    def body(self, parts: list[bytes], error: Exception | None = None) -> Any:
        def chunks() -> Iterator[bytes]:
            yield from parts
            if error is not None:
                raise error

        return chunks()

    def close(self) -> None:
        for client in self._made:
            client.close()


class AsyncFlavour(Flavour):
    name = "async"
    client_class = streamkit.AsyncClient

    def __init__(self, portal: anyio.from_thread.BlockingPortal) -> None:
        super().__init__()
        self.portal = portal

    def sleep(self, sleeps: list[float]) -> Any:
        async def sleep(seconds: float) -> None:
            sleeps.append(seconds)

        return sleep

    def http(self, handler: Handler) -> httpx.AsyncClient:
        return httpx.AsyncClient(transport=httpx.MockTransport(handler))

    def body(self, parts: list[bytes], error: Exception | None = None) -> Any:
        async def chunks() -> AsyncIterator[bytes]:
            for part in parts:
                yield part
            if error is not None:
                raise error

        return chunks()

    def view(self, value: Any) -> Any:
        return Blocking(value, self.portal)

    def close(self) -> None:
        for client in self._made:
            self.portal.call(client.aclose)


@pytest.fixture(name="flavour", params=["sync", "async"])
def flavour_fixture(request: pytest.FixtureRequest) -> Iterator[Flavour]:
    """The sync client as it is, then the async one through :class:`Blocking`."""
    if request.param == "sync":
        made: Flavour = SyncFlavour()
        yield made
        made.close()
        return
    with anyio.from_thread.start_blocking_portal("asyncio") as portal:
        made = AsyncFlavour(portal)
        yield made
        made.close()


__all__ = [
    "BASE",
    "KEY",
    "AsyncFlavour",
    "Blocking",
    "Flavour",
    "SyncFlavour",
    "flavour_fixture",
]
