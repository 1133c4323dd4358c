"""The JSON endpoints of both clients over httpx's MockTransport: requests, errors, retries, pages.

Every test runs twice, for ``Client`` and for ``AsyncClient`` (the ``flavour``
fixture of :mod:`tests.flavours`), from the same lines.
"""

from __future__ import annotations

import email.utils
import json
import time
from typing import Any

import httpx
import pytest

import streamkit
from streamkit import ResponseError, StreamkitError, TransportError, models
from streamkit import testing as builders
from streamkit._assistants.client import FILE_SEARCH_CONTENT
from tests.flavours import BASE, KEY, Flavour, flavour_fixture  # noqa: F401 -- `flavour`


def run_json(**overrides: Any) -> dict[str, Any]:
    run = streamkit.to_dict(builders.example_run())
    run.update(overrides)
    return run


def page_json(data: list[dict[str, Any]], *, has_more: bool = False) -> dict[str, Any]:
    return {
        "object": "list",
        "data": data,
        "has_more": has_more,
        "first_id": data[0]["id"] if data else None,
        "last_id": data[-1]["id"] if data else None,
    }


def error_json(code: str, message: str) -> dict[str, Any]:
    return {"error": {"message": message, "type": "invalid_request_error", "code": code}}


class TestRequests:
    def test_create_sends_only_what_was_given(self, flavour: Flavour) -> None:
        """create() posts assistant_id and exactly the parameters passed, with the v2 headers."""
        seen: list[httpx.Request] = []

        def handler(request: httpx.Request) -> httpx.Response:
            seen.append(request)
            return httpx.Response(200, json=run_json())

        run = flavour.client(handler).runs.create(
            "thread_1", assistant_id="asst_1", model="gpt-4o", temperature=0.2, metadata=None
        )
        assert isinstance(run, models.Run)
        [request] = seen
        assert ("POST", f"{BASE}/threads/thread_1/runs") == (request.method, str(request.url))
        assert {
            "assistant_id": "asst_1",
            "model": "gpt-4o",
            "temperature": 0.2,
            "metadata": None,
        } == (json.loads(request.content))
        assert f"Bearer {KEY}" == request.headers["authorization"]
        assert "assistants=v2" == request.headers["openai-beta"]
        assert "application/json" == request.headers["content-type"]
        assert "text/event-stream" not in request.headers.get("accept", "")

    def test_include_goes_in_the_query(self, flavour: Flavour) -> None:
        """runs.create and runs.stream send include as the query's include[], not in the body."""
        seen: list[httpx.Request] = []

        def handler(request: httpx.Request) -> httpx.Response:
            seen.append(request)
            if json.loads(request.content).get("stream"):
                body = builders.encode([builders.DONE])
                return httpx.Response(
                    200, headers={"content-type": "text/event-stream"}, content=body
                )
            return httpx.Response(200, json=run_json())

        client = flavour.client(handler)
        client.runs.create("t", assistant_id="a", include=[FILE_SEARCH_CONTENT], model="m")
        client.runs.stream("t", assistant_id="a", include=[FILE_SEARCH_CONTENT]).until_done()
        client.runs.create("t", assistant_id="a")
        assert [
            ({"include[]": [FILE_SEARCH_CONTENT]}, {"assistant_id": "a", "model": "m"}),
            ({"include[]": [FILE_SEARCH_CONTENT]}, {"assistant_id": "a", "stream": True}),
            ({}, {"assistant_id": "a"}),
        ] == [
            (
                {key: request.url.params.get_list(key) for key in request.url.params},
                json.loads(request.content),
            )
            for request in seen
        ]
        assert all(request.url.path == "/v1/threads/t/runs" for request in seen)

    def test_tools_are_sent_as_given(self, flavour: Flavour) -> None:
        """create and create_and_run send the API's tools list as it is."""
        bodies: list[Any] = []

        def handler(request: httpx.Request) -> httpx.Response:
            bodies.append(json.loads(request.content))
            return httpx.Response(200, json=run_json())

        tools: list[Any] = [
            {"type": "code_interpreter"},
            {"type": "function", "function": {"name": "f", "parameters": {"type": "object"}}},
        ]
        client = flavour.client(handler)
        client.runs.create("t", assistant_id="a", tools=tools)
        client.threads.create_and_run(assistant_id="a", tools=tools)
        assert [{"assistant_id": "a", "tools": tools}] * 2 == bodies

    def test_bodies_of_the_other_posts(self, flavour: Flavour) -> None:
        """update, submit_tool_outputs and create_and_run send their bodies as given."""
        bodies: list[Any] = []

        def handler(request: httpx.Request) -> httpx.Response:
            bodies.append(json.loads(request.content) if request.content else None)
            return httpx.Response(200, json=run_json())

        client = flavour.client(handler)
        client.runs.update("t", "r", metadata={"k": "v"})
        client.runs.update("t", "r", metadata=None)
        outputs = [{"tool_call_id": "c", "output": "1"}]
        client.runs.submit_tool_outputs("t", "r", tool_outputs=(o for o in outputs))
        client.threads.create_and_run(
            assistant_id="a", thread={"messages": [{"role": "user", "content": "Hi"}]}
        )
        client.runs.cancel("t", "r")
        assert [
            {"metadata": {"k": "v"}},
            {"metadata": None},
            {"tool_outputs": outputs},
            {"assistant_id": "a", "thread": {"messages": [{"role": "user", "content": "Hi"}]}},
            None,
        ] == bodies

    def test_key_and_url_from_the_environment(
        self, flavour: Flavour, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """api_key and base_url default to OPENAI_API_KEY and OPENAI_BASE_URL."""
        monkeypatch.setenv("OPENAI_API_KEY", "sk-env")
        monkeypatch.setenv("OPENAI_BASE_URL", "http://localhost:9/v1/")
        client = flavour.make()
        assert "http://localhost:9/v1" == client.base_url
        assert "http://localhost:9/v1" == client.transport.base_url
        monkeypatch.delenv("OPENAI_API_KEY")
        with pytest.raises(ValueError, match="OPENAI_API_KEY"):
            flavour.make()
        monkeypatch.delenv("OPENAI_BASE_URL")
        assert "https://api.openai.com/v1" == flavour.make(api_key="k").base_url

    def test_max_retries_is_the_transports(self, flavour: Flavour) -> None:
        """client.max_retries reads and sets the transport's."""
        client = flavour.client(lambda request: httpx.Response(200, json={}), max_retries=4)
        assert 4 == client.max_retries == client.transport.max_retries
        client.max_retries = 0
        assert 0 == client.transport.max_retries

    def test_the_key_never_shows(self, flavour: Flavour) -> None:
        """Neither the client's nor its transport's repr, nor an error message contains the key."""

        def handler(request: httpx.Request) -> httpx.Response:
            return httpx.Response(
                401,
                json={
                    "error": {
                        "message": "Incorrect API key provided.",
                        "type": "invalid_request_error",
                        "code": "invalid_api_key",
                        "param": None,
                    }
                },
                headers={"x-request-id": "req_9"},
            )

        client = flavour.client(handler)
        assert KEY not in repr(client)
        assert KEY not in repr(client.transport)
        assert BASE in repr(client.transport)
        with pytest.raises(ResponseError) as info:
            client.runs.retrieve("thread_1", "run_1")
        assert KEY not in str(info.value)
        assert (401, "invalid_api_key", "req_9") == (
            info.value.status_code,
            info.value.error_code,
            info.value.request_id,
        )

    def test_every_endpoint_path(self, flavour: Flavour) -> None:
        """Each method hits its endpoint with its method, path and query."""
        seen: list[tuple[str, str]] = []

        def handler(request: httpx.Request) -> httpx.Response:
            seen.append((request.method, str(request.url).removeprefix(BASE)))
            if request.url.path.endswith("/steps"):
                return httpx.Response(200, json=page_json([]))
            if "/steps/" in request.url.path:
                return httpx.Response(200, json={"id": "step_1", "object": "thread.run.step"})
            if request.method == "GET" and request.url.path.endswith("/runs"):
                return httpx.Response(200, json=page_json([run_json(id="r")]))
            return httpx.Response(200, json=run_json())

        client = flavour.client(handler)
        client.runs.retrieve("t", "r")
        client.runs.update("t", "r", metadata={"k": "v"})
        client.runs.cancel("t", "r")
        client.runs.submit_tool_outputs(
            "t", "r", tool_outputs=[{"tool_call_id": "c", "output": "1"}]
        )
        list(client.runs.list("t", limit=5, order="asc"))
        list(client.runs.steps.list("t", "r", include=[FILE_SEARCH_CONTENT]))
        client.runs.steps.retrieve("t", "r", "s", include=[FILE_SEARCH_CONTENT])
        client.threads.create_and_run(assistant_id="a")
        client.runs.steps.retrieve("t", "r", "s")
        list(client.runs.list("t"))
        include = (
            "include%5B%5D=step_details.tool_calls%5B%2A%5D.file_search.results%5B%2A%5D.content"
        )
        assert [
            ("GET", "/threads/t/runs/r"),
            ("POST", "/threads/t/runs/r"),
            ("POST", "/threads/t/runs/r/cancel"),
            ("POST", "/threads/t/runs/r/submit_tool_outputs"),
            ("GET", "/threads/t/runs?limit=5&order=asc"),
            ("GET", f"/threads/t/runs/r/steps?{include}"),
            ("GET", f"/threads/t/runs/r/steps/s?{include}"),
            ("POST", "/threads/runs"),
            ("GET", "/threads/t/runs/r/steps/s"),
            ("GET", "/threads/t/runs"),
        ] == seen

    def test_a_reply_of_the_wrong_shape(self, flavour: Flavour) -> None:
        """An object or a list of an unexpected shape is a StreamkitError that quotes nothing."""
        replies = [
            httpx.Response(200, json={"id": 7, "status": ["private text"]}),
            httpx.Response(200, json={"object": "list", "data": "private text"}),
        ]
        client = flavour.client(lambda request: replies.pop(0))
        with pytest.raises(StreamkitError, match="object of an unexpected shape") as info:
            client.runs.retrieve("t", "r")
        assert "private" not in str(info.value)
        with pytest.raises(StreamkitError, match="list of an unexpected shape"):
            client.runs.list("t")


class TestBadReplies:
    @pytest.mark.parametrize(
        "content",
        [b"<html><body>private proxy page</body></html>", b'{"id": "run_1", "status": "priv'],
        ids=["html", "truncated"],
    )
    def test_a_200_that_is_not_json(self, flavour: Flavour, content: bytes) -> None:
        """A 200 whose body is not JSON is a ResponseError: status, request id, never the body."""
        headers = {"content-type": "text/html", "x-request-id": "req_42"}
        sleeps: list[float] = []
        client = flavour.client(
            lambda request: httpx.Response(200, headers=headers, content=content), sleeps=sleeps
        )
        with pytest.raises(ResponseError, match="the body is not JSON") as info:
            client.runs.retrieve("t", "r")
        assert (200, "req_42", "text/html") == (
            info.value.status_code,
            info.value.request_id,
            info.value.content_type,
        )
        assert "priv" not in str(info.value)
        assert info.value.__cause__ is None
        assert "GET https://api.test/v1/threads/t/runs/r" in str(info.value)
        assert [] == sleeps  # not retried
        with pytest.raises(ResponseError, match="not JSON"):
            client.runs.list("t")

    @pytest.mark.parametrize(
        ("message", "secret", "shown"),
        [
            (
                "Incorrect API key provided: sk-proj-AbCdEf0123456789xyz. Find yours online.",
                "AbCdEf0123456789",
                "Incorrect API key provided: sk-***. Find yours online.",
            ),
            (
                "Incorrect API key provided: sk-wrong***cret.",
                "wrong",
                "Incorrect API key provided: sk-***.",
            ),
            ("Session sess-Zx81kdP0aQ has expired", "Zx81kdP0aQ", "Session sess-*** has expired"),
            ("Header was Bearer abc.DEF-123_x", "abc.DEF", "Header was Bearer ***"),
            (
                "Key 0123456789abcdef0123456789abcdef is not valid",
                "0123456789abcdef",
                "Key *** is not valid",
            ),
            (
                "Token QmFzZTY0VG9rZW5XaXRoTG90c09mQ2hhcnMxMjM0NTY3OA== rejected",
                "QmFzZTY0",
                "Token *** rejected",
            ),
            (
                "Bad URL https://h.test/v1?api-key=s3cr3t&x=1",
                "s3cr3t",
                "Bad URL https://h.test/v1?api-key=***&x=1",
            ),
            (
                "No run found with id 'run_abc123DEF456ghi789JKL012'.",
                "",
                "No run found with id 'run_abc123DEF456ghi789JKL012'.",
            ),
        ],
        ids=["sk-proj", "starred", "sess", "bearer", "hex", "base64", "query", "an-id-stays"],
    )
    def test_a_server_message_with_a_secret(
        self, flavour: Flavour, message: str, secret: str, shown: str
    ) -> None:
        """Anything shaped like a key in the server's message is masked, in str and attribute."""
        client = flavour.client(
            lambda request: httpx.Response(401, json=error_json("invalid_api_key", message))
        )
        with pytest.raises(ResponseError) as info:
            client.runs.retrieve("t", "r")
        assert shown == info.value.error_message
        assert str(info.value).endswith(f"invalid_api_key: {shown}")
        if secret:
            assert secret not in str(info.value)

    def test_no_credential_of_the_base_url_shows(self, flavour: Flavour) -> None:
        """Userinfo and query of the base URL (``?api-key=``) never show in errors or reprs."""

        def refuse(request: httpx.Request) -> httpx.Response:
            raise httpx.ConnectError("refused", request=request)

        base = "https://user:pa55word@api.test/v1?api-key=SECRETKEY"
        client = flavour.client(refuse, base_url=base, max_retries=0)
        with pytest.raises(TransportError) as info:
            client.runs.retrieve("t", "r")
        assert "GET https://api.test/v1/threads/t/runs/r: ConnectError" in str(info.value)
        statuses = flavour.client(
            lambda request: httpx.Response(404, json=error_json("nope", "No run")), base_url=base
        )
        with pytest.raises(ResponseError) as error:
            statuses.runs.retrieve("t", "r")
        for shown in (str(info.value), str(error.value), repr(client), repr(client.transport)):
            assert "SECRETKEY" not in shown
            assert "pa55word" not in shown
            assert "user" not in shown


class TestRetries:
    def test_5xx_and_429_are_retried_honouring_retry_after(self, flavour: Flavour) -> None:
        """500 and 429 are retried; Retry-After is the wait; then the answer comes through."""
        answers = [
            httpx.Response(500),
            httpx.Response(429, headers={"retry-after": "3"}),
            httpx.Response(200, json=run_json()),
        ]
        sleeps: list[float] = []
        client = flavour.client(lambda request: answers.pop(0), sleeps=sleeps, max_retries=2)
        assert "completed" == client.runs.retrieve("t", "r").status
        assert 2 == len(sleeps)
        assert 0.5 <= sleeps[0] <= 0.625  # exponential start, with jitter
        assert 3.0 == sleeps[1]

    @pytest.mark.parametrize("status", [408, 409, 429, 500, 502, 503, 504])
    def test_every_retried_status(self, flavour: Flavour, status: int) -> None:
        """Timeouts, conflicts, rate limits and server errors are tried again."""
        answers = [httpx.Response(status), httpx.Response(200, json=run_json())]
        sleeps: list[float] = []
        client = flavour.client(lambda request: answers.pop(0), sleeps=sleeps)
        assert "completed" == client.runs.cancel("t", "r").status
        assert 1 == len(sleeps)

    def test_retry_after_as_a_date_and_capped(self, flavour: Flavour) -> None:
        """Retry-After may be an HTTP date; a wait past a minute is cut to a minute."""
        soon = email.utils.formatdate(time.time() + 30, usegmt=True)
        answers = [
            httpx.Response(503, headers={"retry-after": soon}),
            httpx.Response(503, headers={"retry-after": "86400"}),
            httpx.Response(503, headers={"retry-after": "not a date"}),
            httpx.Response(200, json=run_json()),
        ]
        sleeps: list[float] = []
        client = flavour.client(lambda request: answers.pop(0), sleeps=sleeps, max_retries=3)
        client.runs.retrieve("t", "r")
        assert 25 < sleeps[0] <= 30
        assert 60.0 == sleeps[1]
        assert 2.0 <= sleeps[2] <= 2.5  # unreadable: exponential (third try), with jitter

    def test_retries_are_bounded(self, flavour: Flavour) -> None:
        """After max_retries the error is raised, with its status."""
        sleeps: list[float] = []
        client = flavour.client(lambda request: httpx.Response(503), sleeps=sleeps, max_retries=3)
        with pytest.raises(ResponseError) as info:
            client.runs.retrieve("t", "r")
        assert 503 == info.value.status_code
        assert 3 == len(sleeps)

    def test_4xx_is_not_retried(self, flavour: Flavour) -> None:
        """A 404 is an answer, not a hiccup: no retry; the error carries the API's code."""
        sleeps: list[float] = []
        client = flavour.client(
            lambda request: httpx.Response(404, json=error_json("not_found", "No run")),
            sleeps=sleeps,
        )
        with pytest.raises(ResponseError, match="not_found: No run") as info:
            client.runs.retrieve("t", "r")
        assert "GET https://api.test/v1/threads/t/runs/r" in str(info.value)
        assert [] == sleeps

    def test_connection_errors_are_retried_then_reported(self, flavour: Flavour) -> None:
        """A connection error is retried, then raised as TransportError without the query."""
        attempts: list[httpx.Request] = []

        def handler(request: httpx.Request) -> httpx.Response:
            attempts.append(request)
            raise httpx.ConnectError("refused", request=request)

        sleeps: list[float] = []
        client = flavour.client(handler, sleeps=sleeps, max_retries=2)
        with pytest.raises(TransportError, match="ConnectError after 3 attempt") as info:
            list(client.runs.list("t", limit=3))
        assert 2 == len(sleeps)
        assert 3 == len(attempts)
        assert "limit" not in str(info.value)
        assert isinstance(info.value.__cause__, httpx.ConnectError)

    def test_no_retries(self, flavour: Flavour) -> None:
        """max_retries=0: the first failure is the answer."""
        sleeps: list[float] = []
        client = flavour.client(lambda request: httpx.Response(500), sleeps=sleeps, max_retries=0)
        with pytest.raises(ResponseError):
            client.runs.retrieve("t", "r")
        assert [] == sleeps


class TestPages:
    def test_iterating_a_page_walks_every_page(self, flavour: Flavour) -> None:
        """Page iteration follows the after cursor until has_more is false."""
        runs = [run_json(id=f"run_{i}") for i in range(5)]
        cursors: list[str | None] = []

        def handler(request: httpx.Request) -> httpx.Response:
            after = request.url.params.get("after")
            cursors.append(after)
            start = 0 if after is None else [r["id"] for r in runs].index(after) + 1
            data = runs[start : start + 2]
            return httpx.Response(200, json=page_json(data, has_more=start + 2 < len(runs)))

        page = flavour.client(handler).runs.list("t", limit=2)
        assert 2 == len(page.data)
        assert (True, "run_0", "run_1") == (page.has_more, page.first_id, page.last_id)
        assert "has_more=True" in repr(page)
        assert [f"run_{i}" for i in range(5)] == [run.id for run in page]
        assert [None, "run_1", "run_3"] == cursors

    def test_later_pages_keep_the_query(self, flavour: Flavour) -> None:
        """Every page of steps is asked with the first one's limit, order and include."""
        step = streamkit.to_dict(builders.example_code_interpreter_step())
        steps = [dict(step, id=f"step_{i}") for i in range(3)]
        queries: list[dict[str, list[str]]] = []

        def handler(request: httpx.Request) -> httpx.Response:
            params = request.url.params
            queries.append({key: params.get_list(key) for key in params})
            after = params.get("after")
            start = 0 if after is None else int(after.rsplit("_", 1)[1]) + 1
            return httpx.Response(
                200, json=page_json(steps[start : start + 1], has_more=start + 1 < len(steps))
            )

        page = flavour.client(handler).runs.steps.list(
            "t", "r", limit=1, order="asc", include=[FILE_SEARCH_CONTENT]
        )
        assert ["step_0", "step_1", "step_2"] == [s.id for s in page]
        common = {"limit": ["1"], "order": ["asc"], "include[]": [FILE_SEARCH_CONTENT]}
        assert [
            common,
            {**common, "after": ["step_0"]},
            {**common, "after": ["step_1"]},
        ] == queries

    def test_a_last_page_without_a_cursor_ends(self, flavour: Flavour) -> None:
        """has_more without a last_id cannot be followed: iteration stops there."""
        reply = {"object": "list", "data": [run_json()], "has_more": True, "last_id": None}
        requests: list[httpx.Request] = []

        def handler(request: httpx.Request) -> httpx.Response:
            requests.append(request)
            return httpx.Response(200, json=reply)

        assert 1 == len(list(flavour.client(handler).runs.list("t")))
        assert 1 == len(requests)

    def test_before_walks_backwards(self, flavour: Flavour) -> None:
        """Listed with before=X: later pages ask before the first id; X itself never comes."""
        ids = [f"run_{i}" for i in range(9, -1, -1)]  # the list, newest first
        queries: list[dict[str, str]] = []

        def handler(request: httpx.Request) -> httpx.Response:
            params = dict(request.url.params)
            queries.append(params)
            limit = int(params["limit"])
            if "before" in params:
                end = ids.index(params["before"])
                start = max(0, end - limit)
                more = start > 0
            else:
                start = ids.index(params["after"]) + 1 if "after" in params else 0
                end = start + limit
                more = end < len(ids)
            data = [run_json(id=i) for i in ids[start:end]]
            return httpx.Response(200, json=page_json(data, has_more=more))

        page = flavour.client(handler).runs.list("t", limit=2, before="run_4")
        assert ["run_6", "run_5", "run_8", "run_7", "run_9"] == [run.id for run in page]
        assert [
            {"limit": "2", "before": "run_4"},
            {"limit": "2", "before": "run_6"},
            {"limit": "2", "before": "run_8"},
        ] == queries

    def test_steps_before_walks_backwards(self, flavour: Flavour) -> None:
        step = streamkit.to_dict(builders.example_code_interpreter_step())
        replies = {
            "step_3": page_json([dict(step, id="step_2")], has_more=True),
            "step_2": page_json([dict(step, id="step_1")], has_more=False),
        }
        queries: list[dict[str, str]] = []

        def handler(request: httpx.Request) -> httpx.Response:
            queries.append(dict(request.url.params))
            return httpx.Response(200, json=replies[request.url.params["before"]])

        page = flavour.client(handler).runs.steps.list("t", "r", before="step_3", limit=1)
        assert ["step_2", "step_1"] == [s.id for s in page]
        assert [{"before": "step_3", "limit": "1"}, {"before": "step_2", "limit": "1"}] == queries

    def test_an_empty_page_with_has_more_ends(self, flavour: Flavour) -> None:
        """has_more with no data makes no progress: the iteration ends there."""
        requests: list[httpx.Request] = []
        replies = [
            page_json([run_json(id="run_1")], has_more=True),
            {"object": "list", "data": [], "has_more": True, "last_id": "run_2"},
        ]

        def handler(request: httpx.Request) -> httpx.Response:
            requests.append(request)
            assert len(requests) < 20, "the iteration does not end"
            return httpx.Response(200, json=replies[min(len(requests), 2) - 1])

        assert ["run_1"] == [run.id for run in flavour.client(handler).runs.list("t")]
        assert 2 == len(requests)

    def test_a_cursor_that_does_not_move_ends(self, flavour: Flavour) -> None:
        """The same page answered again (has_more, the same last id): not given twice; it ends."""
        requests: list[httpx.Request] = []

        def handler(request: httpx.Request) -> httpx.Response:
            requests.append(request)
            assert len(requests) < 20, "the iteration does not end"
            return httpx.Response(200, json=page_json([run_json(id="run_1")], has_more=True))

        assert ["run_1"] == [run.id for run in flavour.client(handler).runs.list("t")]
        assert 2 == len(requests)

    def test_a_cursor_going_in_circles_ends(self, flavour: Flavour) -> None:
        """Pages whose cursors come back (a -> b -> a): each page once, then the end."""
        pages = {
            None: page_json([run_json(id="run_a")], has_more=True),
            "run_a": page_json([run_json(id="run_b")], has_more=True),
            "run_b": page_json([run_json(id="run_a")], has_more=True),
        }
        requests: list[httpx.Request] = []

        def handler(request: httpx.Request) -> httpx.Response:
            requests.append(request)
            assert len(requests) < 20, "the iteration does not end"
            return httpx.Response(200, json=pages[request.url.params.get("after")])

        assert ["run_a", "run_b"] == [run.id for run in flavour.client(handler).runs.list("t")]
        assert 3 == len(requests)
