"""The transports (``client.transport``): send, call, open, sleep -- for both flavours -- and
the sans-IO retry flow they share, driven by hand.
"""

from __future__ import annotations

import asyncio
import gzip
import json
import ssl
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest

from streamkit import ResponseError, TransportError
from streamkit._assistants import endpoints
from streamkit._engine.requests import Request
from streamkit._transport import (
    DEFAULT_LIMITS,
    MAX_BACKOFF,
    POOL_SIZE,
    POOLS,
    AsyncTransport,
    Done,
    Send,
    Sleep,
    SyncTransport,
    backoff,
    retry_flow,
)
from tests.flavours import BASE, KEY, Flavour, flavour_fixture  # noqa: F401 -- `flavour`

STREAM = Request(method="POST", path="/threads/t/runs", body={"stream": True}, stream=True)
BODY = b"event: thread.run.created\ndata: {}\n\n"


def event_stream(content: Any) -> httpx.Response:
    return httpx.Response(200, headers={"content-type": "text/event-stream"}, content=content)


class TestSend:
    def test_send_returns_the_json(self, flavour: Flavour) -> None:
        """send() builds the URL, query, body and headers and returns the parsed reply."""
        seen: list[httpx.Request] = []

        def handler(request: httpx.Request) -> httpx.Response:
            seen.append(request)
            return httpx.Response(200, json={"ok": [1, 2]})

        transport = flavour.transport(handler)
        request = Request(method="POST", path="/x", params={"a": ["1", "2"]}, body={"b": None})
        assert {"ok": [1, 2]} == transport.send(request)
        [sent] = seen
        assert f"{BASE}/x?a=1&a=2" == str(sent.url)
        assert {"b": None} == json.loads(sent.content)
        assert f"Bearer {KEY}" == sent.headers["authorization"]
        assert "assistants=v2" == sent.headers["openai-beta"]
        assert "application/json" == sent.headers["content-type"]

    def test_call_parses_with_the_description(self, flavour: Flavour) -> None:
        """call() sends an endpoint's request and parses the reply with its parser."""

        def handler(request: httpx.Request) -> httpx.Response:
            return httpx.Response(200, json={"object": "list", "data": [], "has_more": False})

        listing = flavour.transport(handler).call(endpoints.list_runs("t", limit=2))
        assert ([], None) == (listing.data, listing.next_page)

    def test_sleep_is_the_injected_one(self, flavour: Flavour) -> None:
        """transport.sleep waits with what the client was given."""
        sleeps: list[float] = []
        flavour.transport(lambda request: httpx.Response(200), sleeps=sleeps).sleep(0.25)
        assert [0.25] == sleeps


class TestOpen:
    def test_open_gives_the_body_in_chunks(self, flavour: Flavour) -> None:
        """open() sends the stream headers and gives the body's chunks as they come."""
        seen: list[httpx.Request] = []

        def handler(request: httpx.Request) -> httpx.Response:
            seen.append(request)
            return event_stream(flavour.body([BODY[:10], BODY[10:]]))

        with flavour.transport(handler).open(STREAM) as chunks:
            assert BODY == b"".join(chunks)
        [sent] = seen
        assert "text/event-stream" == sent.headers["accept"]
        assert "no-store" == sent.headers["cache-control"]
        assert {"stream": True} == json.loads(sent.content)

    def test_leaving_closes_the_response(self, flavour: Flavour) -> None:
        """Leaving the context early closes the body, unread chunks and all."""
        closed: list[bool] = []

        class Body(httpx.SyncByteStream, httpx.AsyncByteStream):
            def __iter__(self) -> Iterator[bytes]:
                yield from [BODY] * 3

            async def __aiter__(self) -> Any:
                for chunk in [BODY] * 3:
                    yield chunk

            def close(self) -> None:
                closed.append(True)

            async def aclose(self) -> None:
                closed.append(True)

        headers = {"content-type": "text/event-stream"}
        transport = flavour.transport(
            lambda request: httpx.Response(200, headers=headers, stream=Body())
        )
        with transport.open(STREAM) as chunks:
            assert BODY == next(iter(chunks))
            assert [] == closed
        assert [True] == closed

    @pytest.mark.parametrize("status", [429, 500])
    def test_an_error_status_is_not_retried(self, flavour: Flavour, status: int) -> None:
        """An HTTP error to a stream is a ResponseError at once: a run is not created twice."""
        requests: list[httpx.Request] = []
        sleeps: list[float] = []

        def handler(request: httpx.Request) -> httpx.Response:
            requests.append(request)
            error = {"error": {"message": "Slow down", "code": "rate_limit_exceeded"}}
            return httpx.Response(status, json=error, headers={"retry-after": "1"})

        transport = flavour.transport(handler, sleeps=sleeps)
        with (
            pytest.raises(ResponseError, match="rate_limit_exceeded") as info,
            transport.open(STREAM),
        ):
            pytest.fail("opened")
        assert status == info.value.status_code
        assert KEY not in str(info.value)
        assert (1, []) == (len(requests), sleeps)

    def test_not_an_event_stream(self, flavour: Flavour) -> None:
        """A 200 that is not text/event-stream is a ResponseError naming what came."""
        transport = flavour.transport(lambda request: httpx.Response(200, json={}))
        with pytest.raises(ResponseError, match="application/json"), transport.open(STREAM):
            pytest.fail("opened")

    def test_connecting_fails(self, flavour: Flavour) -> None:
        """A connection that cannot be made is a TransportError, not retried."""
        attempts: list[httpx.Request] = []

        def handler(request: httpx.Request) -> httpx.Response:
            attempts.append(request)
            raise httpx.ConnectError("refused", request=request)

        transport = flavour.transport(handler)
        with pytest.raises(TransportError, match="ConnectError") as info, transport.open(STREAM):
            pytest.fail("opened")
        assert f"POST {BASE}/threads/t/runs" in str(info.value)
        assert isinstance(info.value.__cause__, httpx.ConnectError)
        assert 1 == len(attempts)

    def test_a_connection_that_breaks(self, flavour: Flavour) -> None:
        """A reset while the chunks are read is a TransportError; what came before came."""
        reset = httpx.ReadError("connection reset by peer")
        transport = flavour.transport(lambda request: event_stream(flavour.body([BODY], reset)))
        received: list[bytes] = []
        with pytest.raises(TransportError, match="broke") as info, transport.open(STREAM) as chunks:
            received.extend(chunks)
        assert [BODY] == received
        assert info.value.__cause__ is reset
        assert KEY not in str(info.value)


class TestRetryFlow:
    """The retry policy without any I/O: the steps it asks for, given outcomes."""

    REQUEST = httpx.Request("GET", "https://api.test/v1/x")

    def reply(self, status: int, **headers: str) -> httpx.Response:
        return httpx.Response(status, json={"n": status}, headers=headers, request=self.REQUEST)

    def test_success_at_once(self) -> None:
        flow = retry_flow(2, "GET x")
        assert Send() == next(flow)
        assert Done({"n": 200}) == flow.send(self.reply(200))

    def test_retry_then_success(self) -> None:
        flow = retry_flow(2, "GET x")
        next(flow)
        assert Sleep(5.0) == flow.send(self.reply(429, **{"retry-after": "5"}))
        assert Send() == flow.send(None)
        step = flow.send(httpx.ConnectError("refused"))
        assert isinstance(step, Sleep)
        assert 1.0 <= step.seconds <= 1.25  # the second retry: 0.5 * 2, with jitter
        assert Send() == flow.send(None)
        assert Done({"n": 200}) == flow.send(self.reply(200))

    def test_gives_up(self) -> None:
        flow = retry_flow(1, "GET x")
        next(flow)
        flow.send(self.reply(503))
        flow.send(None)
        with pytest.raises(ResponseError) as info:
            flow.send(self.reply(503))
        assert 503 == info.value.status_code

    def test_a_connection_error_on_the_last_try(self) -> None:
        flow = retry_flow(0, "GET x")
        next(flow)
        error = httpx.ConnectError("refused")
        with pytest.raises(TransportError, match=r"^GET x: ConnectError after 1 attempt") as info:
            flow.send(error)
        assert info.value.__cause__ is error

    def test_a_driver_that_answers_send_with_nothing(self) -> None:
        flow = retry_flow(0, "GET x")
        next(flow)
        with pytest.raises(RuntimeError, match="outcome"):
            flow.send(None)

    def test_backoff(self) -> None:
        """Exponential from half a second, capped, with up to a quarter of jitter."""
        for attempt, base in [(0, 0.5), (1, 1.0), (3, 4.0), (10, MAX_BACKOFF)]:
            assert base <= backoff(attempt, None) <= base * 1.25
        assert 0.0 == backoff(0, "-3")
        assert 60.0 == backoff(0, "Wed, 21 Oct 2065 07:28:00 GMT")


def test_a_transport_made_alone() -> None:
    """A transport is usable without a client; it closes only an HTTP client it made."""
    http = httpx.Client(transport=httpx.MockTransport(lambda request: httpx.Response(200, json=1)))
    transport = SyncTransport(api_key="sk-alone", base_url="https://h/v1/", http_client=http)
    assert "https://h/v1" == transport.base_url
    assert 1 == transport.send(Request(method="GET", path="/one"))
    assert "sk-alone" not in repr(transport)
    transport.close()
    assert not http.is_closed
    made = SyncTransport(api_key="sk-alone")
    made.close()
    with pytest.raises(ValueError, match="API key"):
        SyncTransport(api_key="")


class TestLimits:
    def test_a_client_streamkit_makes_allows_a_thousand_connections(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """The httpx client streamkit makes has room for 1000 streams (httpx's default: 100)."""
        made: list[dict[str, Any]] = []
        real = httpx.Client

        def spy(**options: Any) -> Any:
            made.append(options)
            return real(**options)

        monkeypatch.setattr(httpx, "Client", spy)
        SyncTransport(api_key="sk-limits")
        [options] = made
        limits = options["limits"]
        assert (1000, 100) == (limits.max_connections, limits.max_keepalive_connections)
        assert DEFAULT_LIMITS is limits

    def test_the_async_client_holds_a_thousand_connections_in_pools(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """The async transport's first pool keeps the idle connections; 8 of 125 make 1000."""
        made: list[dict[str, Any]] = []
        real = httpx.AsyncClient

        def spy(**options: Any) -> Any:
            made.append(options)
            return real(**options)

        monkeypatch.setattr(httpx, "AsyncClient", spy)
        transport = AsyncTransport(api_key="sk-limits")
        [options] = made  # the other pools are made when needed
        limits = options["limits"]
        assert (125, 100) == (limits.max_connections, limits.max_keepalive_connections)
        assert DEFAULT_LIMITS.keepalive_expiry == limits.keepalive_expiry
        assert DEFAULT_LIMITS.max_connections == POOLS * POOL_SIZE
        asyncio.run(transport.aclose())

    def test_a_given_client_keeps_its_own(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """http_client= is used as it is: its limits are the caller's."""
        made: list[Any] = []
        seen: list[httpx.Request] = []
        own = httpx.Client(
            limits=httpx.Limits(max_connections=7),
            transport=httpx.MockTransport(lambda r: seen.append(r) or httpx.Response(200, json=1)),
        )
        monkeypatch.setattr(httpx, "Client", lambda **options: made.append(options))
        transport = SyncTransport(api_key="sk-limits", http_client=own)
        assert 1 == transport.send(Request(method="GET", path="/x"))
        assert ([], 1) == (made, len(seen))
        own.close()


def test_an_open_that_fails_names_no_credential(flavour: Flavour) -> None:
    """Streams too: the URL in a TransportError has no userinfo and no query."""

    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    base = "https://me:pa55@api.test/v1?api-key=SECRETKEY"
    transport = flavour.transport(refuse, base_url=base)
    with pytest.raises(TransportError) as info, transport.open(STREAM):
        pytest.fail("opened")
    assert "POST https://api.test/v1/threads/t/runs: ConnectError" == str(info.value)
    assert "SECRETKEY" not in repr(transport)


class TestPools:
    """An async transport that made its own HTTP client spreads requests over pools.

    Here pools of 2, at most 3: each pool is an ``httpx.AsyncClient`` whose
    requests a mock transport answers, telling which pool got each request.
    """

    @pytest.fixture
    def pools(self, monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
        """Each pool made: its options; its requests are answered by a mock."""
        monkeypatch.setattr("streamkit._transport.POOL_SIZE", 2)
        monkeypatch.setattr("streamkit._transport.POOLS", 3)
        made: list[dict[str, Any]] = []
        real = httpx.AsyncClient

        def spy(**options: Any) -> Any:
            index = len(made)
            made.append(options)

            def handler(request: httpx.Request) -> httpx.Response:
                if request.url.path.endswith("/fail"):
                    raise httpx.ConnectError("refused", request=request)
                if request.url.path.endswith("/error"):
                    return httpx.Response(500, json={"error": {"message": "no"}})
                if request.headers.get("accept") == "text/event-stream":
                    return event_stream(_body([BODY]))
                return httpx.Response(200, json={"pool": index})

            return real(**options, transport=httpx.MockTransport(handler))

        monkeypatch.setattr(httpx, "AsyncClient", spy)
        return made

    def test_a_pool_fills_before_the_next(self, pools: list[dict[str, Any]]) -> None:
        """First pool with room; all full: the least busy; a closed stream frees its place."""

        async def main() -> list[Any]:
            transport = AsyncTransport(api_key="sk-pools", base_url=BASE)
            held: list[Any] = []
            seen: list[Any] = []

            async def hold() -> None:
                opened = transport.open(STREAM)
                await opened.__aenter__()
                held.append(opened)

            for _ in range(6):  # two per pool, the three pools made one after the other
                await hold()
            seen.append((len(pools), list(transport._pools.busy)))
            await hold()  # every pool full: the least busy, the first of equals
            seen.append(list(transport._pools.busy))
            await held[2].__aexit__(None, None, None)  # a stream of the second pool ends
            seen.append(list(transport._pools.busy))
            seen.append(await transport.send(Request(method="GET", path="/x")))
            seen.append(list(transport._pools.busy))
            for opened in held[3:] + held[:2]:
                await opened.__aexit__(None, None, None)
            seen.append(list(transport._pools.busy))
            assert await transport.send(Request(method="GET", path="/x")) == {"pool": 0}
            jars = [pool.cookies.jar for pool in transport._pools.clients]
            assert all(jar is jars[0] for jar in jars)  # a cookie set in one is sent by all
            await transport.aclose()
            seen.append([pool.is_closed for pool in transport._pools.clients])
            return seen

        (made, full), seventh, one_ended, reply, after, ends, closed = asyncio.run(main())
        assert (3, [2, 2, 2]) == (made, full)
        assert [3, 2, 2] == seventh
        assert [3, 1, 2] == one_ended
        assert {"pool": 1} == reply  # the freed place, taken and given back
        assert [3, 1, 2] == after
        assert [0, 0, 0] == ends
        assert [True, True, True] == closed
        first, *others = pools
        assert (2, 100) == (
            first["limits"].max_connections,
            first["limits"].max_keepalive_connections,
        )
        for options in others:  # no idle connections kept; one SSL context; one cookie jar
            limits = options["limits"]
            assert (2, 0) == (limits.max_connections, limits.max_keepalive_connections)
            assert options["verify"] is first["verify"]
        assert isinstance(first["verify"], ssl.SSLContext)
        assert others[0]["cookies"] is others[1]["cookies"]

    def test_a_request_gives_its_place_back_however_it_ends(
        self, pools: list[dict[str, Any]]
    ) -> None:
        """Read to the end, left early, an error status, a refused connection, a JSON reply."""

        async def main() -> list[int]:
            transport = AsyncTransport(api_key="sk-pools", base_url=BASE, max_retries=0)
            async with transport.open(STREAM) as chunks:
                assert [BODY] == [chunk async for chunk in chunks]
            async with transport.open(STREAM) as chunks:
                pass
            for path, error in [("/error", ResponseError), ("/fail", TransportError)]:
                request = Request(method="POST", path=path, body={}, stream=True)
                with pytest.raises(error):
                    async with transport.open(request):
                        pytest.fail("opened")
                with pytest.raises(error):
                    await transport.send(Request(method="GET", path=path))
            assert {"pool": 0} == await transport.send(Request(method="GET", path="/x"))
            busy = list(transport._pools.busy)
            await transport.aclose()
            return busy

        assert [0] == asyncio.run(main())
        assert 1 == len(pools)  # never more than one request at a time: one pool

    def test_a_given_client_is_the_only_one(self) -> None:
        """http_client= takes every request, however many run at once."""
        seen: list[httpx.Request] = []

        def handler(request: httpx.Request) -> httpx.Response:
            seen.append(request)
            return event_stream(_body([BODY]))

        async def main() -> None:
            own = httpx.AsyncClient(transport=httpx.MockTransport(handler))
            transport = AsyncTransport(api_key="sk-own", base_url=BASE, http_client=own)
            opened = [transport.open(STREAM) for _ in range(POOL_SIZE + 1)]
            for each in opened:
                await each.__aenter__()
            for each in opened:
                await each.__aexit__(None, None, None)
            await transport.aclose()
            assert not own.is_closed
            await own.aclose()

        asyncio.run(main())
        assert POOL_SIZE + 1 == len(seen)


async def _body(parts: list[bytes]) -> AsyncIterator[bytes]:
    for part in parts:
        yield part


def test_a_body_comes_out_as_sent(flavour: Flavour) -> None:
    """Decoded if sent with a Content-Encoding; chunk by chunk without; or read already."""
    compressed = gzip.compress(BODY * 3)

    def handler(request: httpx.Request) -> httpx.Response:
        headers = {"content-type": "text/event-stream", "content-encoding": "gzip"}
        if request.url.path.endswith("/plain"):
            return event_stream(flavour.body([BODY[:5], BODY[5:]]))
        if request.url.path.endswith("/whole"):
            return event_stream(BODY * 2)  # bytes: httpx has read the body already
        return httpx.Response(200, headers=headers, content=flavour.body([compressed]))

    transport = flavour.transport(handler)
    with transport.open(STREAM) as chunks:
        assert BODY * 3 == b"".join(chunks)
    plain = Request(method="POST", path="/plain", body={}, stream=True)
    with transport.open(plain) as chunks:
        assert [BODY[:5], BODY[5:]] == list(chunks)
    whole = Request(method="POST", path="/whole", body={}, stream=True)
    with transport.open(whole) as chunks:
        assert BODY * 2 == b"".join(chunks)
