"""streamkit._aionet: the asyncio network backend under the async clients streamkit makes.

Every test runs real sockets on 127.0.0.1: servers made with asyncio in the
test's own loop, TLS with certificates from trustme, a forward proxy and a
CONNECT tunnel written here. The backend is driven the way httpcore drives it
and, end to end, through httpx clients with it installed.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import gc
import os
import socket
import ssl
import struct
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import httpcore
import httpx
import pytest
import trustme

from streamkit import _aionet
from streamkit._aionet import BACKEND, PAUSE_AT, AsyncioBackend, AsyncioStream, install
from streamkit._transport import AsyncTransport
from streamkit.errors import TransportError

Handler = Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]
Runner = Callable[[Awaitable[Any]], Any]


def _uvloop_run(main: Awaitable[Any]) -> Any:
    uvloop = pytest.importorskip("uvloop")
    return uvloop.run(main)


@pytest.fixture(params=["asyncio", "uvloop"])
def run(request: pytest.FixtureRequest) -> Runner:
    """Runs a coroutine on asyncio's own event loop, or on uvloop's (uvicorn's default)."""
    if request.param == "uvloop":
        pytest.importorskip("uvloop")
        return _uvloop_run
    return asyncio.run


@contextlib.asynccontextmanager
async def serving(
    handler: Handler, ssl_context: ssl.SSLContext | None = None
) -> AsyncIterator[int]:
    """A server on 127.0.0.1 running ``handler`` per connection: its port."""
    tasks: set[asyncio.Task[None]] = set()

    async def run(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        tasks.add(task)
        try:
            await handler(reader, writer)
        except (ConnectionError, asyncio.IncompleteReadError, ssl.SSLError):
            pass
        finally:
            writer.close()
            tasks.discard(task)

    server = await asyncio.start_server(run, "127.0.0.1", 0, ssl=ssl_context)
    port = server.sockets[0].getsockname()[1]
    try:
        yield port
    finally:
        server.close()
        for task in list(tasks):
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        await server.wait_closed()


async def read_request(reader: asyncio.StreamReader) -> tuple[str, bytes] | None:
    """One HTTP/1.1 request: (request line, body); None at the end of the connection."""
    try:
        head = await reader.readuntil(b"\r\n\r\n")
    except asyncio.IncompleteReadError:
        return None
    line, *fields = head.decode("latin-1").split("\r\n")
    length = 0
    for field in fields:
        name, _, value = field.partition(":")
        if name.strip().lower() == "content-length":
            length = int(value)
    return line, await reader.readexactly(length)


def response(body: bytes, *extra: str) -> bytes:
    head = ["HTTP/1.1 200 OK", f"Content-Length: {len(body)}", *extra]
    return ("\r\n".join(head) + "\r\n\r\n").encode() + body


def client(**options: Any) -> httpx.AsyncClient:
    """An httpx client on the backend (as streamkit makes its own)."""
    made = httpx.AsyncClient(**options)
    assert install(made)
    return made


# --- Where it is installed ---------------------------------------------------------


def pool_backends(made: httpx.AsyncClient) -> list[Any]:
    transports = [made._transport, *made._mounts.values()]
    return [t._pool._network_backend for t in transports if isinstance(t, httpx.AsyncHTTPTransport)]


def test_the_clients_streamkit_makes_run_on_it(
    monkeypatch: pytest.MonkeyPatch, run: Runner
) -> None:
    """Every pool of the transport, the proxies httpx took from the environment included."""
    monkeypatch.setenv("HTTPS_PROXY", "http://127.0.0.1:9")
    monkeypatch.setenv("HTTP_PROXY", "http://127.0.0.1:9")

    async def main() -> list[list[Any]]:
        transport = AsyncTransport(api_key="sk-aionet")
        assert transport._pools is not None
        transport._pools._add()  # a second pool, made as when the first is full
        backends = [pool_backends(made) for made in transport._pools.clients]
        await transport.aclose()
        return backends

    backends = run(main())
    assert [3, 3] == [len(each) for each in backends]  # the client's own, https://, http://
    assert all(backend is BACKEND for each in backends for backend in each)


def test_a_given_client_keeps_httpx_s_backend(run: Runner) -> None:
    """http_client= is the caller's: nothing of it is changed."""

    async def main() -> list[Any]:
        own = httpx.AsyncClient()
        transport = AsyncTransport(api_key="sk-aionet", http_client=own)
        await transport.aclose()
        backends = pool_backends(own)
        await own.aclose()
        return backends

    [backend] = run(main())
    assert not isinstance(backend, AsyncioBackend)


def test_a_client_of_another_shape_is_left_alone() -> None:
    """No httpx transport to reach (here a mock): nothing installed, and it says so."""
    made = httpx.AsyncClient(transport=httpx.MockTransport(lambda r: httpx.Response(200)))
    assert not install(made)
    asyncio.run(made.aclose())


# --- Reading and writing -----------------------------------------------------------


async def connect(port: int) -> httpcore.AsyncNetworkStream:
    return await BACKEND.connect_tcp("127.0.0.1", port, timeout=5)


def test_bytes_arrive_as_sent_and_a_read_takes_at_most_max_bytes(run: Runner) -> None:
    """A chunk larger than max_bytes is split; chunks waiting together come in one read."""

    async def main() -> None:
        got: list[bytes] = []

        async def echo(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            while data := await reader.read(65536):
                got.append(data)
                writer.write(data.upper())
                await writer.drain()

        async with serving(echo) as port:
            stream = await connect(port)
            await stream.write(b"hello", timeout=5)
            assert b"HELLO" == await stream.read(65536, timeout=5)
            await stream.write(b"abcdefgh", timeout=5)
            await asyncio.sleep(0.05)  # arrived and waiting
            assert [b"ABC", b"DEF", b"GH"] == [await stream.read(3, timeout=5) for _ in range(3)]
            for part in (b"x", b"y", b"z"):  # three chunks received while nobody read
                await stream.write(part, timeout=5)
                await asyncio.sleep(0.02)
            assert b"XYZ" == await stream.read(65536, timeout=5)
            await stream.aclose()
            with pytest.raises(httpcore.ReadError, match="closed"):
                await stream.read(10, timeout=5)
            with pytest.raises(httpcore.WriteError, match="closed"):
                await stream.write(b"more", timeout=5)
        assert b"helloabcdefghxyz" == b"".join(got)

    run(main())


def test_a_read_that_waits_too_long_times_out(run: Runner) -> None:
    async def main() -> None:
        async def silent(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            await reader.read(1)
            writer.write(b"late")
            await writer.drain()
            await reader.read(1)

        async with serving(silent) as port:
            stream = await connect(port)
            with pytest.raises(httpcore.ReadTimeout):  # (a hang guard around it: 5 s)
                await asyncio.wait_for(stream.read(10, timeout=0.05), 5)
            await stream.write(b"!", timeout=5)
            assert b"late" == await stream.read(10, timeout=5)  # the timer of the first is gone
            await stream.aclose()

    run(main())


def test_the_end_of_a_connection(run: Runner) -> None:
    """The peer's clean close: what it sent, then b''; a reset: ReadError."""

    async def main() -> None:
        async def bye(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            how = await reader.read(1)
            writer.write(b"last words")
            await writer.drain()
            if how == b"r":  # reset: SO_LINGER 0 makes close() send RST
                sock = writer.get_extra_info("socket")
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))

        async with serving(bye) as port:
            stream = await connect(port)
            await stream.write(b"c", timeout=5)
            assert b"last words" == await stream.read(100, timeout=5)
            assert b"" == await stream.read(100, timeout=5)
            assert stream.get_extra_info("is_readable")  # the end is there to read
            await stream.aclose()

            stream = await connect(port)
            await stream.write(b"r", timeout=5)
            await asyncio.sleep(0.1)
            with contextlib.suppress(httpcore.ReadError):  # what came before the RST may be lost
                await stream.read(100, timeout=5)
            with pytest.raises(httpcore.ReadError, match="reset"):
                await stream.read(100, timeout=5)
            await stream.aclose()

    run(main())


def sends_when(go: asyncio.Event, data: bytes) -> Handler:
    """A server that sends ``data`` once ``go`` is set, then waits for the client."""

    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await go.wait()
        writer.write(data)
        await writer.drain()
        await reader.read(1)

    return handler


def test_a_cancelled_read_leaves_the_stream_usable(run: Runner) -> None:
    async def main() -> None:
        go = asyncio.Event()
        async with serving(sends_when(go, b"now")) as port:
            stream = await connect(port)
            assert isinstance(stream, AsyncioStream)
            reading = asyncio.create_task(stream.read(10, timeout=None))
            await asyncio.sleep(0.02)
            reading.cancel()
            with pytest.raises(asyncio.CancelledError):
                await reading
            assert stream._receiver.waiter is None
            go.set()
            assert b"now" == await stream.read(10, timeout=5)
            await stream.aclose()

    run(main())


def test_a_slow_reader_stops_the_socket_being_read(run: Runner) -> None:
    """Unread data is bounded (the loop pauses the socket), and nothing is lost."""
    sent = bytes(range(256)) * (16 * 1024)  # 4 MiB

    async def main() -> tuple[bytes, int, bool]:
        async def flood(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            writer.write(sent)
            await writer.drain()
            await reader.read(1)

        async with serving(flood) as port:
            stream = await connect(port)
            assert isinstance(stream, AsyncioStream)
            await asyncio.sleep(0.3)  # the reader is busy; the server sends all it can
            held, paused = stream._receiver.size, stream._receiver.paused
            got = bytearray()
            while len(got) < len(sent):
                got += await stream.read(65536, timeout=5)
            await stream.aclose()
            return bytes(got), held, paused

    got, held, paused = run(main())
    assert got == sent
    assert paused
    assert PAUSE_AT <= held <= PAUSE_AT + 256 * 1024  # one socket read past the mark at most


def test_a_write_the_peer_does_not_read_times_out_and_one_it_reads_completes(run: Runner) -> None:
    async def main() -> int:
        reading = asyncio.Event()
        received = 0

        async def lazy(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            nonlocal received
            await reading.wait()
            while data := await reader.read(1 << 20):
                received += len(data)

        async with serving(lazy) as port:
            stream = await connect(port)
            block = b"x" * (1 << 20)

            async def write_on() -> None:
                for _ in range(256):  # far more than the socket buffers hold
                    await stream.write(block, timeout=0.2)

            with pytest.raises(httpcore.WriteTimeout):  # (a hang guard around it: 10 s)
                await asyncio.wait_for(write_on(), 10)
            await stream.aclose()

            stream = await connect(port)
            reading.set()
            for _ in range(64):
                await stream.write(block, timeout=5)
            await stream.aclose()
            for _ in range(200):
                if received >= 64 << 20:
                    break
                await asyncio.sleep(0.02)
        return received

    # The first connection's bytes are read too once reading starts: at least the second's.
    assert run(main()) >= 64 << 20


# --- Connecting --------------------------------------------------------------------


def test_a_refused_connection_is_a_connect_error(run: Runner) -> None:
    async def main() -> None:
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]  # bound, not listening: refused
            with pytest.raises(httpcore.ConnectError) as info:
                await BACKEND.connect_tcp("127.0.0.1", port, timeout=5)
            refused = errno.ECONNREFUSED
            assert f"[Errno {refused}] {os.strerror(refused)}" == str(info.value)  # no address

    run(main())


def test_a_connection_that_never_completes_times_out(run: Runner) -> None:
    """A listener whose backlog is full drops the SYN: the connect hangs, then times out."""

    async def main() -> None:
        with socket.socket() as listener:
            listener.bind(("127.0.0.1", 0))
            listener.listen(0)
            port = listener.getsockname()[1]
            fillers = []
            try:
                for _ in range(4):  # fill the accept queue (never accepted)
                    filler = socket.socket()
                    filler.setblocking(False)
                    with contextlib.suppress(BlockingIOError):
                        filler.connect(("127.0.0.1", port))
                    fillers.append(filler)
                await asyncio.sleep(0.05)
                with pytest.raises(httpcore.ConnectTimeout):
                    await BACKEND.connect_tcp("127.0.0.1", port, timeout=0.3)
            finally:
                for filler in fillers:
                    filler.close()

    run(main())


def test_socket_options_and_addresses(run: Runner) -> None:
    async def main() -> None:
        async def idle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            await reader.read(1)

        async with serving(idle) as port:
            keepalive = (socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)
            stream = await BACKEND.connect_tcp(
                "localhost", port, timeout=5, local_address="127.0.0.1", socket_options=[keepalive]
            )
            sock = stream.get_extra_info("socket")
            assert sock.getsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE)
            assert ("127.0.0.1", port) == stream.get_extra_info("server_addr")
            assert "127.0.0.1" == stream.get_extra_info("client_addr")[0]
            assert stream.get_extra_info("ssl_object") is None
            assert not stream.get_extra_info("is_readable")
            assert stream.get_extra_info("something else") is None
            await stream.aclose()

    run(main())


# --- Through httpx: keep-alive, TLS, proxies -----------------------------------------


def test_keep_alive_and_an_idle_connection_the_server_closed(run: Runner) -> None:
    """A kept connection is reused; one the server closed while idle is replaced, no error."""

    async def main() -> tuple[list[str], int]:
        connections = 0

        async def http(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            nonlocal connections
            connections += 1
            while (request := await read_request(reader)) is not None:
                line, body = request
                writer.write(response(line.encode() + b" " + body))
                await writer.drain()
                if "/then-close" in line:
                    return  # closed without a word: the client finds out while idle

        bodies = []
        async with serving(http) as port, client() as made:
            base = f"http://127.0.0.1:{port}"
            for path in ("/a", "/b", "/then-close"):
                reply = await made.post(base + path, content=b"hi")
                bodies.append(reply.text)
            await asyncio.sleep(0.1)
            bodies.append((await made.get(base + "/c")).text)
        return bodies, connections

    bodies, connections = run(main())
    assert [
        "POST /a HTTP/1.1 hi",
        "POST /b HTTP/1.1 hi",
        "POST /then-close HTTP/1.1 hi",
        "GET /c HTTP/1.1 ",
    ] == bodies
    assert 2 == connections


@pytest.fixture(scope="module")
def authority() -> trustme.CA:
    return trustme.CA()


def tls_server_context(authority: trustme.CA) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    authority.issue_cert("localhost", "127.0.0.1").configure_cert(context)
    context.set_alpn_protocols(["http/1.1"])
    return context


def tls_client_context(authority: trustme.CA) -> ssl.SSLContext:
    context = ssl.create_default_context()
    authority.configure_trust(context)
    return context


async def answer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    """Answer each request with its request line."""
    while (request := await read_request(reader)) is not None:
        writer.write(response(request[0].encode()))
        await writer.drain()


def test_https(authority: trustme.CA, run: Runner) -> None:
    """The TLS handshake verifies the server, ALPN says HTTP/1.1, the body comes through."""

    async def main() -> tuple[str, str | None]:
        trusting = client(verify=tls_client_context(authority))
        async with serving(answer, tls_server_context(authority)) as port, trusting as made:
            reply = await made.get(f"https://localhost:{port}/secure")
            stream = reply.extensions["network_stream"]
            ssl_object = stream.get_extra_info("ssl_object")
            return reply.text, ssl_object.selected_alpn_protocol()

    assert ("GET /secure HTTP/1.1", "http/1.1") == run(main())


def test_a_server_that_fails_verification_is_a_connect_error(
    authority: trustme.CA, run: Runner
) -> None:
    """An untrusted certificate, and one for another name: ConnectError, as httpx says it."""
    elsewhere = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    authority.issue_cert("elsewhere.test").configure_cert(elsewhere)

    async def main() -> list[str]:
        errors = []
        async with serving(answer, tls_server_context(authority)) as port, client() as made:
            with pytest.raises(httpx.ConnectError) as untrusted:  # the system's CAs: not ours
                await made.get(f"https://localhost:{port}/")
            errors.append(str(untrusted.value))
        trusting = client(verify=tls_client_context(authority))
        async with serving(answer, elsewhere) as port, trusting as made:
            with pytest.raises(httpx.ConnectError) as wrong_name:
                await made.get(f"https://localhost:{port}/")
            errors.append(str(wrong_name.value))
        return errors

    untrusted, wrong_name = run(main())
    assert "CERTIFICATE_VERIFY_FAILED" in untrusted
    assert "Hostname mismatch" in wrong_name


def test_closing_a_tls_connection_does_not_wait_for_the_peer(
    authority: trustme.CA, run: Runner
) -> None:
    """The socket is closed at once, even when the peer never answers the close_notify."""
    import threading

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    port = listener.getsockname()[1]
    seen: dict[str, Any] = {}

    def serve() -> None:  # a TLS peer that never reads again after the handshake
        conn, _ = listener.accept()
        tls = tls_server_context(authority).wrap_socket(conn, server_side=True)
        raw = socket.socket(fileno=os.dup(tls.fileno()))  # the bytes under TLS
        raw.settimeout(5)  # a hang guard: the client's end should come at once
        try:
            while raw.recv(65536):
                pass
            seen["eof"] = True
        except ConnectionResetError:  # closed with data unread (a TLS 1.3 ticket): a reset
            seen["eof"] = True
        except TimeoutError:
            seen["eof"] = False
        finally:
            raw.close()
            tls.close()

    thread = threading.Thread(target=serve)
    thread.start()

    async def main() -> None:
        stream = await BACKEND.connect_tcp("127.0.0.1", port, timeout=5)
        tls = await stream.start_tls(tls_client_context(authority), "localhost", timeout=5)
        assert tls.get_extra_info("ssl_object") is not None
        await tls.aclose()

    try:
        run(main())
    finally:
        thread.join(10)
        listener.close()
    assert seen == {"eof": True}


def test_a_tls_handshake_that_never_comes_times_out(run: Runner) -> None:
    async def main() -> None:
        async def mute(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            await reader.read(1 << 16)
            await asyncio.sleep(10)

        async with serving(mute) as port, client(timeout=httpx.Timeout(5, connect=0.2)) as made:
            with pytest.raises(httpx.ConnectTimeout):
                await made.get(f"https://127.0.0.1:{port}/")

    run(main())


async def pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    with contextlib.suppress(ConnectionError):
        while data := await reader.read(65536):
            writer.write(data)
            await writer.drain()
    writer.close()


def test_proxies_from_the_environment(
    authority: trustme.CA, monkeypatch: pytest.MonkeyPatch, run: Runner
) -> None:
    """http:// through a forward proxy; https:// through its CONNECT tunnel, TLS inside it.

    The transport is the one a streamkit AsyncClient makes, the proxy taken
    from HTTP_PROXY/HTTPS_PROXY as httpx does.
    """

    async def main() -> tuple[list[str], Any, Any]:
        seen: list[str] = []

        async def proxy(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            request = await read_request(reader)
            assert request is not None
            line = request[0]
            seen.append(line)
            if line.startswith("CONNECT "):
                port = line.split()[1].rpartition(":")[2]
                up_reader, up_writer = await asyncio.open_connection("127.0.0.1", int(port))
                try:
                    writer.write(b"HTTP/1.1 200 Connection established\r\n\r\n")
                    await writer.drain()
                    await asyncio.gather(pipe(reader, up_writer), pipe(up_reader, writer))
                finally:
                    up_writer.close()
            else:
                writer.write(response(b'{"via": "proxy"}', "Content-Type: application/json"))
                await writer.drain()

        async with (
            serving(proxy) as proxy_port,
            serving(answer, tls_server_context(authority)) as tls_port,
        ):
            monkeypatch.setenv("HTTP_PROXY", f"http://127.0.0.1:{proxy_port}")
            monkeypatch.setenv("HTTPS_PROXY", f"http://127.0.0.1:{proxy_port}")
            monkeypatch.delenv("NO_PROXY", raising=False)
            monkeypatch.delenv("no_proxy", raising=False)
            transport = AsyncTransport(api_key="sk-proxy", base_url="http://api.test/v1")
            from streamkit._engine.requests import Request

            plain = await transport.send(Request(method="GET", path="/models"))
            assert transport._pools is not None
            [made] = transport._pools.clients
            assert all(backend is BACKEND for backend in pool_backends(made))
            await transport.aclose()
            # https:// through the tunnel (a client verifying with the test CA).
            async with client(verify=tls_client_context(authority)) as tunnelled:
                secure = (await tunnelled.get(f"https://localhost:{tls_port}/inside")).text
        return seen, plain, secure

    seen, plain, secure = run(main())
    assert {"via": "proxy"} == plain
    assert "GET /inside HTTP/1.1" == secure
    assert seen[0] == "GET http://api.test/v1/models HTTP/1.1"
    assert seen[1].startswith("CONNECT localhost:")


def test_an_unreachable_server_through_a_streamkit_client(run: Runner) -> None:
    """The error a streamkit user sees: a TransportError naming the type, no address detail."""

    async def main() -> str:
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
            transport = AsyncTransport(
                api_key="sk-down", base_url=f"http://127.0.0.1:{port}/v1", max_retries=0
            )
            from streamkit._engine.requests import Request

            with pytest.raises(TransportError) as info:
                await transport.send(Request(method="GET", path="/models"))
            await transport.aclose()
            return str(info.value)

    assert run(main()).endswith("/v1/models: ConnectError after 1 attempt(s)")


# httpx's and httpcore's body iterators are async generators nested in one another; a body
# left at `done` closes the outer one and the response, and trio (unlike asyncio) warns as
# it finalizes the inner ones. httpx's own backend does the same under trio.
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_off_asyncio_it_hands_the_sockets_to_anyio() -> None:
    """Under trio (through anyio) a streamkit AsyncClient streams a run as it did on httpx's
    own backend: each connection is anyio's."""
    anyio = pytest.importorskip("anyio")
    pytest.importorskip("trio")
    from streamkit import AsyncClient
    from streamkit.mockserver import MockServer, Scene

    async def main(base_url: str) -> list[str]:
        client = AsyncClient(api_key="sk-trio", base_url=base_url, max_retries=0)
        async with client.runs.stream("thread_1", assistant_id="asst_1") as stream:
            names = [event.event async for event in stream]
        await client.aclose()
        return names

    with MockServer(script=[Scene("text-run")], api_key="sk-trio") as server:
        names = anyio.run(main, server.base_url, backend="trio")
    gc.collect()  # the generators' finalizers warn here, under the filter
    assert ("thread.run.created", "done") == (names[0], names[-1])
    assert 44 == len(names)


def test_sleep_on_either_loop() -> None:
    """httpcore sleeps through the backend between connect retries (``retries=``)."""
    anyio = pytest.importorskip("anyio")
    pytest.importorskip("trio")
    for backend in ("asyncio", "trio"):
        anyio.run(BACKEND.sleep, 0.001, backend=backend)


def test_a_chunk_given_as_a_bytearray_is_held_as_bytes() -> None:
    """Windows' proactor loop may deliver a bytearray; httpcore is handed bytes."""
    loop = asyncio.new_event_loop()
    try:
        receiver = _aionet._Receiver(loop)
        receiver.data_received(bytearray(b"chunk"))  # type: ignore[arg-type]
        assert [b"chunk"] == list(receiver.chunks)
        assert bytes is type(receiver.chunks[0])
    finally:
        loop.close()


# --- Cancellation, concurrency, TLS edges ------------------------------------------------


def test_a_cancelled_write_leaves_the_stream_usable(run: Runner) -> None:
    """A write cancelled while it waits for the peer to read must not poison the next one."""

    async def main() -> None:
        reading = asyncio.Event()

        async def lazy(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            await reading.wait()
            while await reader.read(1 << 20):
                pass

        async with serving(lazy) as port:
            stream = await connect(port)
            block = b"x" * (1 << 20)

            async def write_on() -> None:
                for _ in range(256):  # far more than the socket buffers hold
                    await stream.write(block, timeout=None)

            writing = asyncio.create_task(write_on())
            await asyncio.sleep(0.1)  # it waits for the peer to read
            writing.cancel()
            with pytest.raises(asyncio.CancelledError):
                await writing
            later = asyncio.create_task(stream.write(b"after", timeout=5))
            await asyncio.sleep(0)
            reading.set()
            await asyncio.wait([later], timeout=5)  # a hang guard
            assert later.done()
            assert not later.cancelled()  # (the cancelled write's CancelledError, raised here)
            assert later.exception() is None
            await stream.aclose()

    run(main())


def test_a_second_task_reading_at_once_is_refused_and_the_first_still_wakes(run: Runner) -> None:
    """httpcore reads from one task at a time; a second waiting reader must not strand the first."""

    async def main() -> None:
        go = asyncio.Event()
        async with serving(sends_when(go, b"data")) as port:
            stream = await connect(port)
            first = asyncio.create_task(stream.read(10, timeout=None))
            await asyncio.sleep(0)  # it waits for data
            with pytest.raises(RuntimeError, match="another task"):
                await stream.read(10, timeout=0.05)
            go.set()
            assert b"data" == await asyncio.wait_for(first, 5)  # (a hang guard)
            await stream.aclose()

    run(main())


def tls_by_hand(authority: trustme.CA, first: bytes = b"", then: bytes = b"") -> Handler:
    """A TLS 1.2 server run through memory BIOs: its last handshake flight goes out in one
    write with ``first`` (encrypted) right behind it, ``then`` once the client sends
    something; after that it reads nothing (nor answers a close_notify)."""

    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        context = tls_server_context(authority)
        context.maximum_version = ssl.TLSVersion.TLSv1_2  # the server speaks last
        incoming, outgoing = ssl.MemoryBIO(), ssl.MemoryBIO()
        tls = context.wrap_bio(incoming, outgoing, server_side=True)
        while True:
            try:
                tls.do_handshake()
                break
            except ssl.SSLWantReadError:
                writer.write(outgoing.read())
                data = await reader.read(65536)
                if not data:
                    return
                incoming.write(data)
        if first:
            tls.write(first)
        writer.write(outgoing.read())  # the server's Finished and ``first``: one write
        await reader.read(65536)
        if then:
            tls.write(then)
            writer.write(outgoing.read())
        await asyncio.sleep(30)  # (cancelled when the server closes)

    return handler


def test_data_that_comes_with_the_tls_handshake_does_not_stall_the_stream(
    authority: trustme.CA, run: Runner
) -> None:
    """Over PAUSE_AT bytes read with the handshake's last bytes: reading resumes as it drains."""
    first, then = b"f" * (PAUSE_AT + 30000), b"then"

    async def main() -> bytes:
        async with serving(tls_by_hand(authority, first, then)) as port:
            stream = await connect(port)
            tls = await stream.start_tls(tls_client_context(authority), "localhost", timeout=5)
            got = bytearray()
            while len(got) < len(first):
                got += await tls.read(65536, timeout=5)
            await tls.write(b"more", timeout=5)
            got += await tls.read(65536, timeout=5)
            await tls.aclose()
            return bytes(got)

    assert first + then == run(main())


def test_a_cancelled_close_still_closes_the_socket(authority: trustme.CA, run: Runner) -> None:
    """A TLS peer that never answers the close_notify: the socket goes at once all the same."""

    async def main() -> None:
        async with serving(tls_by_hand(authority)) as port:
            stream = await connect(port)
            tls = await stream.start_tls(tls_client_context(authority), "localhost", timeout=5)
            assert isinstance(tls, AsyncioStream)
            closing = asyncio.create_task(tls.aclose())
            await asyncio.sleep(0)  # it has closed, and waits one turn of the loop to abort
            closing.cancel()
            with pytest.raises(asyncio.CancelledError):
                await closing

            async def lost() -> None:
                while not tls._receiver.eof:
                    await asyncio.sleep(0.01)

            await asyncio.wait_for(lost(), 5)  # (asyncio's own TLS shutdown waits 30 s)
            await tls.aclose()

    run(main())


def test_tls_on_a_connection_the_peer_closed_is_a_connect_error(
    authority: trustme.CA, run: Runner
) -> None:
    """As anyio says it: at once, not at the connect timeout (never, without one)."""

    async def main() -> None:
        async def gone(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            pass  # closed at once

        async with serving(gone) as port:
            stream = await connect(port)

            async def ended() -> None:
                while not stream.get_extra_info("is_readable"):
                    await asyncio.sleep(0.01)

            await asyncio.wait_for(ended(), 5)
            handshake = stream.start_tls(tls_client_context(authority), "localhost", timeout=None)
            with pytest.raises(httpcore.ConnectError):
                await asyncio.wait_for(handshake, 5)  # (a hang guard)

    run(main())


def test_a_certificate_for_another_address_names_no_address(
    authority: trustme.CA, run: Runner
) -> None:
    """The TLS library names the address the certificate does not cover: not in the message."""
    localhost_only = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    authority.issue_cert("localhost").configure_cert(localhost_only)

    async def main() -> str:
        trusting = client(verify=tls_client_context(authority))
        async with serving(answer, localhost_only) as port, trusting as made:
            with pytest.raises(httpx.ConnectError) as info:
                await made.get(f"https://127.0.0.1:{port}/")
        return str(info.value)

    message = run(main())
    assert "CERTIFICATE_VERIFY_FAILED" in message
    assert "IP address mismatch" in message
    assert "127.0.0.1" not in message


def test_a_socket_option_the_os_refuses_is_a_connect_error(run: Runner) -> None:
    """As anyio maps it (an OSError escaping httpcore would not be an httpx error)."""

    async def main() -> None:
        async def idle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            await reader.read(1)

        async with serving(idle) as port:
            unknown = (socket.SOL_SOCKET, 12345, 1)  # no such option
            with pytest.raises(httpcore.ConnectError):
                await BACKEND.connect_tcp("127.0.0.1", port, timeout=5, socket_options=[unknown])

    run(main())
