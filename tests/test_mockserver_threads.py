"""The mock server's threads and messages endpoints: the official SDK's usual flow end to end."""

from __future__ import annotations

import pytest

pytest.importorskip("starlette")
pytest.importorskip("uvicorn")

from collections.abc import Iterator
from typing import Any

import httpx

import streamkit
from streamkit import recordings
from streamkit.mockserver import MockAssistantsServer, Scene

API_KEY = "sk-mock-threads"
HEADERS = {"Authorization": f"Bearer {API_KEY}", "OpenAI-Beta": "assistants=v2"}


@pytest.fixture
def server() -> Iterator[MockAssistantsServer]:
    """A started server with two text runs in its script."""
    with MockAssistantsServer(
        script=[Scene("text-run"), Scene("text-run")], api_key=API_KEY
    ) as started:
        yield started


@pytest.fixture
def http(server: MockAssistantsServer) -> Iterator[httpx.Client]:
    """An httpx client on the server's base URL, with the key and the beta header."""
    assert server.base_url is not None
    with httpx.Client(base_url=server.base_url, headers=HEADERS, timeout=10) as client:
        yield client


def recorded_answer() -> tuple[str, str]:
    """The id and text of the assistant message in the text-run recording."""
    (message,) = streamkit.replay(recordings.read_bytes("text-run")).messages.values()
    block = message.content[0]
    assert isinstance(block, streamkit.models.TextContentBlock)
    return message.id, block.text.value


# The SDK warns on every beta.threads call; the Assistants API is what this server mocks.
@pytest.mark.filterwarnings("ignore:The Assistants API is deprecated:DeprecationWarning")
def test_the_official_sdk_flow(server: MockAssistantsServer) -> None:
    """create thread -> add a message -> stream a run -> list messages, with the openai SDK."""
    openai = pytest.importorskip("openai")
    client = openai.OpenAI(base_url=server.base_url, api_key=API_KEY, max_retries=0)
    thread = client.beta.threads.create(metadata={"user": "u1"})
    assert thread.id.startswith("thread_")
    assert thread.metadata == {"user": "u1"}
    assert client.beta.threads.retrieve(thread.id) == thread
    question = client.beta.threads.messages.create(thread.id, role="user", content="Hi there")
    assert (question.role, question.thread_id, question.run_id) == ("user", thread.id, None)
    assert question.content[0].text.value == "Hi there"
    with client.beta.threads.runs.stream(thread_id=thread.id, assistant_id="asst_1") as stream:
        stream.until_done()
        run = stream.get_final_run()
    assert run.status == "completed"
    answer_id, answer_text = recorded_answer()
    listed = client.beta.threads.messages.list(thread.id)
    assert [m.id for m in listed.data] == [answer_id, question.id]  # newest first
    assert listed.data[0].content[0].text.value == answer_text
    by_run = client.beta.threads.messages.list(thread.id, run_id=run.id, order="asc")
    assert [m.id for m in by_run.data] == [answer_id]
    assert client.beta.threads.messages.retrieve(question.id, thread_id=thread.id) == question
    client.close()


def test_message_pagination_is_that_of_runs(http: httpx.Client) -> None:
    """A thread created with messages lists them with limit, after, before and has_more."""
    texts = [f"message {i}" for i in range(5)]
    created = http.post(
        "/threads", json={"messages": [{"role": "user", "content": t} for t in texts]}
    )
    assert created.status_code == 200
    thread = created.json()
    assert set(thread) == {"id", "object", "created_at", "metadata", "tool_resources"}
    assert thread["object"] == "thread"
    url = f"/threads/{thread['id']}/messages"
    first = http.get(url, params={"limit": 2}).json()
    assert [m["content"][0]["text"]["value"] for m in first["data"]] == texts[:2:-1][:2]
    assert (first["object"], first["has_more"]) == ("list", True)
    assert (first["first_id"], first["last_id"]) == (first["data"][0]["id"], first["data"][1]["id"])
    seen: list[str] = []
    after: str | None = None
    while True:
        params: dict[str, Any] = {"limit": 2, "order": "asc"}
        if after is not None:
            params["after"] = after
        page = http.get(url, params=params).json()
        seen += [m["content"][0]["text"]["value"] for m in page["data"]]
        if not page["has_more"]:
            break
        after = page["last_id"]
    assert seen == texts
    ids = [m["id"] for m in http.get(url, params={"order": "asc"}).json()["data"]]
    before = http.get(url, params={"before": ids[1], "order": "asc"}).json()
    assert [m["id"] for m in before["data"]] == ids[:1]
    assert http.get(url, params={"limit": 101}).status_code == 400


def test_additional_messages_come_before_the_runs_own(http: httpx.Client) -> None:
    """A run's additional_messages join its thread ahead of the messages its stream creates."""
    thread_id = http.post("/threads").json()["id"]
    body = {
        "assistant_id": "asst_1",
        "stream": True,
        "additional_messages": [{"role": "user", "content": [{"type": "text", "text": "Hi"}]}],
    }
    assert http.post(f"/threads/{thread_id}/runs", json=body).status_code == 200
    listed = http.get(f"/threads/{thread_id}/messages", params={"order": "asc"}).json()["data"]
    assert [m["role"] for m in listed] == ["user", "assistant"]
    assert listed[0]["content"] == [{"type": "text", "text": {"value": "Hi", "annotations": []}}]
    assert listed[1]["id"] == recorded_answer()[0]


def test_a_thread_seen_in_a_stream_is_retrievable(http: httpx.Client) -> None:
    """The thread a recording's run belongs to answers GET /threads/{id} once streamed."""
    run = streamkit.replay(recordings.read_bytes("text-run")).final_run
    assert run is not None
    assert http.get(f"/threads/{run.thread_id}").status_code == 404
    http.post("/threads/t/runs", json={"assistant_id": "asst_1"})
    thread = http.get(f"/threads/{run.thread_id}").json()
    assert (thread["id"], thread["object"]) == (run.thread_id, "thread")
    assert [m["id"] for m in http.get("/threads/t/messages").json()["data"]] == [
        recorded_answer()[0]
    ]


@pytest.mark.parametrize(
    ("body", "param"),
    [
        ({"content": "x"}, "role"),
        ({"role": "system", "content": "x"}, "role"),
        ({"role": "user"}, "content"),
        ({"role": "user", "content": []}, "content"),
        ({"role": "user", "content": [{"type": "audio"}]}, "content"),
        ({"role": "user", "content": "x", "extra": 1}, "extra"),
        ({"role": "user", "content": "x", "metadata": {"k": 1}}, "metadata"),
    ],
)
def test_bad_messages_are_400s(http: httpx.Client, body: dict[str, Any], param: str) -> None:
    """A message the API would refuse is a 400 naming the parameter; nothing is added."""
    thread_id = http.post("/threads").json()["id"]
    response = http.post(f"/threads/{thread_id}/messages", json=body)
    assert response.status_code == 400
    assert response.json()["error"]["param"] == param
    assert http.get(f"/threads/{thread_id}/messages").json()["data"] == []


def test_unknown_threads_are_404s(http: httpx.Client) -> None:
    """Retrieving, listing or adding to an unknown thread: 404 in the API's shape."""
    for method, path in (
        ("GET", "/threads/thread_nope"),
        ("GET", "/threads/thread_nope/messages"),
        ("POST", "/threads/thread_nope/messages"),
    ):
        response = http.request(method, path, json={"role": "user", "content": "x"})
        assert response.status_code == 404, path
        assert set(response.json()["error"]) == {"message", "type", "param", "code"}
    assert http.post("/threads", json={"nope": 1}).json()["error"]["param"] == "nope"
