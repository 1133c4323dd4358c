"""An asyncio network backend for httpcore: the sockets under the async clients streamkit makes.

httpx runs on asyncio through anyio, which wraps every socket read and write
in a cancel scope with a timer of its own (``anyio.fail_after``), asks sniffio
which event loop runs each time, and connects through a task group. A
thousand concurrent streams pay that on every chunk of every stream: at
N=1000 in ``benchmarks/bench_concurrency.py`` the same client spent 18% less
CPU on this backend. Here a connection is an :class:`asyncio.Protocol` whose
received chunks wait in a deque: a read that finds data returns it at once,
and only a read that must wait arms a timer for its timeout.

:func:`install` puts the backend under the httpx clients streamkit makes for
itself (never under one passed as ``http_client=``); httpx still does the
rest (TLS contexts, proxies from the environment, limits, HTTP/2). It reaches
two private attributes (``AsyncClient._transport``/``_mounts`` and the
httpcore pool's ``_network_backend``), both stable through httpx 0.27-0.28
and httpcore 1.0: where they are not as expected it installs nothing and the
client runs on httpx's own backend, slower and otherwise the same.

The exceptions are httpcore's, as its anyio backend raises them, so httpx
maps them as usual: ``ConnectError``/``ConnectTimeout`` while connecting or in
the TLS handshake, ``ReadError``/``ReadTimeout`` and
``WriteError``/``WriteTimeout`` after. Their messages name the OS error only.
"""

from __future__ import annotations

import asyncio
import ipaddress
import os
import socket
import ssl
import typing
from collections import deque
from collections.abc import Iterable
from typing import Any

import httpcore
import httpx

__all__ = ["AsyncioBackend", "AsyncioStream", "install"]

#: Bytes held unread on one connection before the loop stops reading its socket
#: (the peer then waits: TCP flow control), and the level at which it reads again:
#: a thousand stalled connections hold at most about 64 MB (asyncio's StreamReader
#: pauses at 128 KiB; anyio at every read, at the cost of two calls per read).
PAUSE_AT = 64 * 1024
RESUME_AT = 16 * 1024
#: anyio's delay before racing the next address of a host name (RFC 8305 happy eyeballs).
HAPPY_EYEBALLS_DELAY = 0.25

SocketOption: typing.TypeAlias = (
    tuple[int, int, int] | tuple[int, int, bytes | bytearray] | tuple[int, int, None, int]
)


def _what(error: BaseException) -> str:
    """What went wrong, without the addresses asyncio puts in its connect errors."""
    if isinstance(error, ssl.SSLCertVerificationError):
        # Its message ends "..., certificate is not valid for '<host or IP address>'.": cut there.
        reason = (error.verify_message or "").partition(", certificate is not valid for")[0]
        return f"[SSL: {error.reason}] certificate verify failed: {reason}"
    if isinstance(error, (ssl.SSLError, socket.gaierror)):
        return str(error)  # the TLS library's reason; the resolver's
    if isinstance(error, OSError) and error.errno:
        return f"[Errno {error.errno}] {os.strerror(error.errno)}"
    return type(error).__name__


class _Receiver(asyncio.Protocol):
    """One connection's side of the event loop: what arrived, and who waits for it."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        self.transport: asyncio.Transport | None = None
        #: Chunks received and not read yet, and their total size.
        self.chunks: deque[bytes] = deque()
        self.size = 0
        #: The peer sent its EOF, or the connection was lost (``error``: why, unless cleanly).
        self.eof = False
        self.error: BaseException | None = None
        #: The read waiting for data: set to False when data comes, True when its time is up.
        self.waiter: asyncio.Future[bool] | None = None
        #: The transport's write buffer is over its high-water mark; the writes waiting for
        #: it to drain (each its own future: a cancelled or timed-out one touches no other).
        self.writing_paused = False
        self.drainers: list[asyncio.Future[bool]] = []
        self.paused = False

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = typing.cast(asyncio.Transport, transport)

    def data_received(self, data: bytes) -> None:
        if data.__class__ is not bytes:  # Windows' proactor loop may pass a bytearray
            data = bytes(data)
        self.chunks.append(data)
        self.size += len(data)
        self.pause_if_full()
        self._wake(self.waiter)

    def pause_if_full(self) -> None:
        """Stop reading the socket while more than PAUSE_AT bytes wait unread."""
        if self.size > PAUSE_AT and not self.paused and self.transport is not None:
            self.paused = True
            self.transport.pause_reading()

    def eof_received(self) -> bool:
        self.eof = True
        self._wake(self.waiter)
        return False  # nothing more to send either: the transport closes itself

    def connection_lost(self, exc: BaseException | None) -> None:
        self.eof = True
        self.error = exc
        self._wake(self.waiter)
        for drainer in self.drainers:
            self._wake(drainer)

    def pause_writing(self) -> None:
        self.writing_paused = True

    def resume_writing(self) -> None:
        self.writing_paused = False
        for drainer in self.drainers:
            self._wake(drainer)

    @staticmethod
    def _wake(waiter: asyncio.Future[bool] | None) -> None:
        if waiter is not None and not waiter.done():
            waiter.set_result(False)

    async def wait(self, waiter: asyncio.Future[bool], timeout: float | None) -> bool:
        """Wait for ``waiter``; whether ``timeout`` (seconds) ran out first."""
        if timeout is None:
            return await waiter
        timer = self.loop.call_later(max(timeout, 0.0), _expire, waiter)
        try:
            return await waiter
        finally:
            timer.cancel()


def _expire(waiter: asyncio.Future[bool]) -> None:
    if not waiter.done():
        waiter.set_result(True)


class AsyncioStream(httpcore.AsyncNetworkStream):
    """One connection (plain or TLS) as httpcore reads and writes it."""

    def __init__(self, transport: asyncio.Transport, receiver: _Receiver) -> None:
        self._transport = transport
        self._receiver = receiver
        self._closed = False

    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        receiver = self._receiver
        chunks = receiver.chunks
        if not chunks and not receiver.eof and not self._closed:
            if receiver.waiter is not None:
                # The data would wake one of two waiting readers, and the other's end
                # would unset the first's waiter: it would never wake (anyio refuses too).
                raise RuntimeError("another task is already reading this connection")
            waiter = receiver.waiter = receiver.loop.create_future()
            try:
                if await receiver.wait(waiter, timeout):
                    raise httpcore.ReadTimeout("no data within the read timeout")
            finally:
                receiver.waiter = None
        if self._closed:
            raise httpcore.ReadError("the connection is closed")
        if not chunks:
            if receiver.error is not None:
                raise httpcore.ReadError(_what(receiver.error))
            return b""
        data = chunks.popleft()
        if len(data) > max_bytes:
            chunks.appendleft(data[max_bytes:])
            data = data[:max_bytes]
        elif chunks and len(data) < max_bytes:
            # Several chunks waited (the reader was busy): as many as fit, in one read.
            parts = [data]
            room = max_bytes - len(data)
            while chunks and len(chunks[0]) <= room:
                part = chunks.popleft()
                parts.append(part)
                room -= len(part)
            data = b"".join(parts)
        receiver.size -= len(data)
        if receiver.paused and receiver.size <= RESUME_AT:
            receiver.paused = False
            self._transport.resume_reading()
        return data

    async def write(self, buffer: bytes, timeout: float | None = None) -> None:
        if not buffer:
            return
        receiver = self._receiver
        if self._closed or receiver.error is not None or self._transport.is_closing():
            error = receiver.error
            raise httpcore.WriteError(_what(error) if error else "the connection is closed")
        self._transport.write(buffer)
        if receiver.writing_paused:
            drained = receiver.loop.create_future()
            receiver.drainers.append(drained)
            try:
                timed_out = await receiver.wait(drained, timeout)
            finally:
                receiver.drainers.remove(drained)
            if timed_out:
                raise httpcore.WriteTimeout("the peer did not read within the write timeout")
        if receiver.error is not None:
            raise httpcore.WriteError(_what(receiver.error))

    async def aclose(self) -> None:
        self._closed = True
        transport = self._transport
        if transport.is_closing():
            return
        transport.close()
        # As anyio closes: one turn of the loop to flush, then no waiting for a TLS
        # peer's close_notify (up to 30 s in asyncio) with the socket held open.
        try:
            await asyncio.sleep(0)
        finally:  # cancelled in that turn too: a second aclose() finds it closing
            transport.abort()

    async def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.AsyncNetworkStream:
        receiver = self._receiver
        loop = receiver.loop
        if receiver.eof or self._transport.is_closing():
            # The loop would wait for a handshake on a socket already gone (to the timeout).
            await self.aclose()
            raise httpcore.ConnectError("the connection closed before the TLS handshake")
        # Data may come in the same read as the handshake's last bytes, before the TLS
        # transport is ours: pausing the raw one then would be for good (the TLS
        # transport's resume_reading resumes only its own pause), so none till then.
        receiver.transport = None
        handshake = loop.start_tls(
            self._transport, receiver, ssl_context, server_hostname=server_hostname
        )
        try:
            tls = await asyncio.wait_for(handshake, timeout)
        except asyncio.TimeoutError:
            await self.aclose()
            raise httpcore.ConnectTimeout("no TLS handshake within the connect timeout") from None
        except (OSError, ssl.SSLError) as error:  # ssl.SSLError is an OSError; said for clarity
            await self.aclose()
            raise httpcore.ConnectError(_what(error)) from error
        if tls is None:  # the peer closed during the handshake
            await self.aclose()
            raise httpcore.ConnectError("the connection closed during the TLS handshake")
        receiver.transport = tls  # pause_reading and friends go to the TLS layer now
        receiver.pause_if_full()
        return AsyncioStream(tls, receiver)

    def get_extra_info(self, info: str) -> Any:
        transport = self._transport
        if info == "ssl_object":
            return transport.get_extra_info("ssl_object")
        if info == "client_addr":
            return transport.get_extra_info("sockname")
        if info == "server_addr":
            return transport.get_extra_info("peername")
        if info == "socket":
            return transport.get_extra_info("socket")
        if info == "is_readable":
            # The loop reads eagerly, so whatever the socket had is in the
            # receiver: an idle connection with data or an EOF there is one the
            # server closed (what httpcore asks this for).
            receiver = self._receiver
            return receiver.eof or bool(receiver.chunks)
        return None


def _running_loop() -> asyncio.AbstractEventLoop | None:
    """The asyncio loop running this task; None off asyncio (trio, through anyio)."""
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        return None


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


class AsyncioBackend(httpcore.AsyncNetworkBackend):
    """httpcore's network backend on asyncio's own transports (no anyio per read).

    Off asyncio (trio, through anyio) it hands each call to httpcore's
    anyio backend, as httpx would have done.
    """

    def __init__(self) -> None:
        self._elsewhere = httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[SocketOption] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        loop = _running_loop()
        if loop is None:
            return await self._elsewhere.connect_tcp(
                host, port, timeout, local_address, socket_options
            )
        options: dict[str, Any] = {}
        if isinstance(loop, asyncio.BaseEventLoop) and not _is_ip(host):
            # A name may resolve to several addresses (IPv6 and IPv4): race them as anyio
            # does. (uvloop's create_connection takes no such option: it tries them in turn.)
            options["happy_eyeballs_delay"] = HAPPY_EYEBALLS_DELAY
        connecting = loop.create_connection(
            lambda: _Receiver(loop),
            host,
            port,
            local_addr=(local_address, 0) if local_address else None,
            **options,
        )
        try:
            transport, receiver = await asyncio.wait_for(connecting, timeout)
        except asyncio.TimeoutError:
            raise httpcore.ConnectTimeout("no connection within the connect timeout") from None
        except OSError as error:
            raise httpcore.ConnectError(_what(error)) from error
        sock = transport.get_extra_info("socket")
        try:
            for option in socket_options or ():
                sock.setsockopt(*option)
        except OSError as error:  # as anyio maps it, and the socket not left open
            transport.abort()
            raise httpcore.ConnectError(_what(error)) from error
        return AsyncioStream(transport, receiver)

    async def sleep(self, seconds: float) -> None:
        if _running_loop() is None:
            await self._elsewhere.sleep(seconds)
        else:
            await asyncio.sleep(seconds)


#: One backend serves every pool: it holds no connection's state.
BACKEND = AsyncioBackend()


def install(client: httpx.AsyncClient) -> bool:
    """Put :data:`BACKEND` under every connection pool httpx made for ``client``.

    Call it on a client just made, before its first request. Covers the
    client's transport and its mounts (the proxies httpx took from the
    environment). Returns whether the client's own transport got it; a pool
    not of the expected shape keeps httpx's backend.
    """
    installed = False
    transports: list[Any] = [getattr(client, "_transport", None)]
    transports += list(getattr(client, "_mounts", {}).values())
    for position, transport in enumerate(transports):
        if not isinstance(transport, httpx.AsyncHTTPTransport):
            continue
        pool = getattr(transport, "_pool", None)
        if isinstance(pool, httpcore.AsyncConnectionPool) and hasattr(pool, "_network_backend"):
            pool._network_backend = BACKEND
            installed = installed or position == 0
    return installed
