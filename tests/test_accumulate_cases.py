"""The accumulator held to the behaviour cases of the peer study (peers.md section 3).

One test (or parametrized group) per case that concerns accumulation, events
or errors: cases 1-56, 58, 60 and 61 (57 and 59 are about callbacks and
clients). Expectations come from the accumulator's API document and the case
text, never from what an implementation happens to do: where a case says
"define", the API document's definition is used. Then one test per bundled
recording checks what its README says a correct consumer ends with.

Events are built as the API sends them (``tests/events.py``); snapshots are
compared through ``streamkit.to_dict`` with the payload dicts that were sent.
"""

from __future__ import annotations

import gc
import json
import sys
import tracemalloc
import weakref
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import attrs
import pytest

import streamkit
from streamkit import ParseError, ServerSentEvent, SSEDecoder, models, recordings, to_dict
from tests.events import (
    done,
    error_event,
    fn_args,
    fn_head,
    message_completed,
    message_created,
    message_delta,
    message_event,
    message_obj,
    run_event,
    step_completed,
    step_created,
    step_delta,
    step_event,
    step_obj,
    text_block,
    text_piece,
)

Json = dict[str, Any]

# A marker put into payload text of rejected input: no error message or
# anomaly may quote it.
SECRET = "SECRET-payload-7f3a"

STRICTNESS = [pytest.param(True, id="strict"), pytest.param(False, id="lenient")]

# Change kinds of the objects that get exactly one created and one done.
_PART_FAMILIES = ("tool_call", "text", "refusal", "image_file", "image_url", "content")


# --- Helpers -------------------------------------------------------------------


def new(strict: bool = True) -> streamkit.Accumulator:
    return streamkit.Accumulator(strict=strict)


def feed_all(acc: streamkit.Accumulator, events: Iterable[Any]) -> list[streamkit.Change]:
    """Feed every event, returning all the changes in order."""
    changes: list[streamkit.Change] = []
    for item in events:
        changes += acc.feed(item)
    return changes


def kinds(changes: Iterable[streamkit.Change]) -> list[str]:
    return [c.kind for c in changes]


def kind_index(changes: Iterable[streamkit.Change], *prefixes: str) -> list[tuple[str, int | None]]:
    """``(kind, index)`` of the changes whose kind starts with one of ``prefixes`` (all if none)."""
    return [(c.kind, c.index) for c in changes if not prefixes or c.kind.startswith(prefixes)]


def state(acc: streamkit.Accumulator) -> Json:
    """Everything the accumulator holds, as wire dicts (for before/after comparisons)."""
    final = acc.final_run
    return {
        "runs": {key: to_dict(value) for key, value in acc.runs.items()},
        "run_steps": {key: to_dict(value) for key, value in acc.run_steps.items()},
        "messages": {key: to_dict(value) for key, value in acc.messages.items()},
        "threads": {key: to_dict(value) for key, value in acc.threads.items()},
        "final_run": None if final is None else to_dict(final),
        "errors": [to_dict(error) for error in acc.errors],
        "done": acc.done,
    }


def norm_call(call: Json) -> Json:
    """A tool call's wire form, with a function's ``output: null`` dropped.

    Whether a call built from deltas writes the never-sent ``output`` as
    ``null`` or leaves it out is wire detail the API document does not fix.
    """
    function = call.get("function")
    if isinstance(function, dict) and "output" in function and function["output"] is None:
        del function["output"]
    return call


def calls(acc: streamkit.Accumulator, step_id: str) -> list[Json]:
    """The wire form of a step's tool calls (see :func:`norm_call`)."""
    details = to_dict(acc.run_steps[step_id])["step_details"]
    return [norm_call(call) for call in details["tool_calls"]]


def content(acc: streamkit.Accumulator, msg_id: str) -> list[Json]:
    """The wire form of a message's content blocks."""
    result: list[Json] = to_dict(acc.messages[msg_id])["content"]
    return result


def fn_call(call_id: str, name: str = "fn", arguments: str = "", output: Any = None) -> Json:
    """A whole function tool call as a snapshot holds it (no ``output`` key when never sent)."""
    function: Json = {"name": name, "arguments": arguments}
    if output is not None:
        function["output"] = output
    return {"id": call_id, "type": "function", "function": function}


def function_args(acc: streamkit.Accumulator, step_id: str) -> list[str]:
    return [call["function"]["arguments"] for call in calls(acc, step_id)]


def recorded(name: str) -> list[ServerSentEvent]:
    """The events of a bundled recording, the unterminated last one included."""
    decoder = SSEDecoder(dispatch_at_close=True)
    return decoder.feed(recordings.read_bytes(name)) + decoder.close()


def payloads(events: Sequence[ServerSentEvent], name: str) -> list[Json]:
    return [json.loads(e.data) for e in events if e.event == name]


def fragments(events: Sequence[ServerSentEvent]) -> list[str]:
    """The text fragments of the message deltas (each recorded delta has one block, index 0)."""
    return [
        piece["delta"]["content"][0]["text"]["value"]
        for piece in payloads(events, "thread.message.delta")
    ]


def assert_lifecycle(changes: Sequence[streamkit.Change]) -> None:
    """Every step, message, tool call and content block: one created, then one done."""
    created: Counter[tuple[str, str, int | None]] = Counter()
    finished: Counter[tuple[str, str, int | None]] = Counter()
    first: dict[tuple[str, str, int | None], int] = {}
    for position, change in enumerate(changes):
        family, _, phase = change.kind.partition(".")
        if family in _PART_FAMILIES:
            key = (family, change.id, change.index)
        elif family in ("step", "message"):
            key = (family, change.id, None)
        else:
            continue
        if phase == "created":
            created[key] += 1
            first.setdefault(key, position)
        elif phase == "done":
            finished[key] += 1
            assert key in first, f"{key} done before created"
    assert set(created) == set(finished)
    assert all(count == 1 for count in created.values()), created
    assert all(count == 1 for count in finished.values()), finished


def walk_keys(value: Any) -> Iterable[str]:
    """Every dict key at any depth of a JSON value."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield key
            yield from walk_keys(item)
    elif isinstance(value, list):
        for item in value:
            yield from walk_keys(item)


def check_rejected(
    setup: Sequence[ServerSentEvent],
    bad: ServerSentEvent,
    *,
    strict: bool,
    anomaly: str,
    error: type[Exception] = streamkit.AccumulateError,
    object_id: str | None = None,
) -> streamkit.Accumulator:
    """``bad`` is rejected as a whole: strict raises ``error``, lenient records ``anomaly``.

    Either way no snapshot changes, and no message quotes the payload.
    """
    acc = new(strict)
    feed_all(acc, setup)
    before = state(acc)
    position = len(setup) + 1
    if strict:
        with pytest.raises(error) as info:
            acc.feed(bad)
        assert SECRET not in str(info.value)
        if isinstance(info.value, streamkit.AccumulateError):
            assert info.value.position == position
            assert info.value.object_id == object_id
            assert SECRET not in info.value.reason
    else:
        changes = acc.feed(bad)
        assert not kind_index(changes, *_PART_FAMILIES)
        found = [a for a in acc.anomalies if a.kind == anomaly]
        assert len(found) == 1, acc.anomalies
        assert found[0].position == position
        if object_id is not None:
            assert found[0].object_id == object_id
        assert SECRET not in found[0].message
        assert SECRET not in found[0].path
    assert state(acc) == before
    return acc


def one_call_setup(arguments: str = "a") -> list[ServerSentEvent]:
    """A run with one step holding one function call at index 0."""
    return [
        run_event("created"),
        run_event("in_progress"),
        step_created("step_1"),
        step_delta("step_1", [fn_head(0, "call_1", "f", arguments)]),
    ]


def one_message_setup(value: str = "Hi") -> list[ServerSentEvent]:
    """A run with one message holding one text block at index 0."""
    return [
        run_event("created"),
        run_event("in_progress"),
        step_created("step_m", type="message_creation", message_id="msg_1"),
        message_created("msg_1"),
        message_delta("msg_1", [text_piece(0, value, [])]),
    ]


def encode(
    events: Sequence[ServerSentEvent],
    *,
    eol: str = "\n",
    comments: bool = False,
    ids: bool = False,
    trailing: str = "",
    multiline: bool = False,
    space: str = " ",
) -> bytes:
    """Write events back as an SSE byte stream, in one of several framings."""
    out: list[str] = []
    for number, item in enumerate(events):
        lines = [": keep-alive"] if comments else []
        lines.append(f"event:{space}{item.event}")
        if ids:
            lines.append(f"id: {number}")
        data = item.data
        is_json = item.event != "done"
        if multiline and is_json:
            data = json.dumps(json.loads(data), indent=1, ensure_ascii=False)
        lines += [f"data:{space}{line}{trailing if is_json else ''}" for line in data.split("\n")]
        out.append(eol.join(lines) + eol + eol)
    return "".join(out).encode()


# --- SSE / transport layer -------------------------------------------------------


@pytest.mark.parametrize("name", ["text-run", "create-thread-and-run-text"])
def test_case_01_plain_text_run(name: str) -> None:
    """Case 1: text = deltas = completed text; message/text changes in order; run completed."""
    events = recorded(name)
    pieces = fragments(events)
    completed = payloads(events, "thread.message.completed")[0]
    acc = new()
    changes: list[streamkit.Change] = []
    first_value = None
    for item in events:
        got = acc.feed(item)
        for change in got:
            if change.kind == "text.created":
                first_value = change.snapshot.value
                assert change.delta.value == pieces[0]  # the first TextDelta
        changes += got
    text = "".join(pieces)
    assert acc.messages[completed["id"]].content[0].text.value == text
    assert completed["content"][0]["text"]["value"] == text
    assert first_value == pieces[0]  # text.created comes with the first fragment applied
    message_kinds = [k for k in kinds(changes) if k.startswith(("message.", "text.", "step.done"))]
    assert message_kinds == [
        "message.created",
        "message.updated",
        "message.delta",
        "text.created",
        *["message.delta", "text.delta"] * (len(pieces) - 1),
        "text.done",
        "message.done",
        "step.done",
    ]
    assert acc.final_run is not None
    assert acc.final_run.status == "completed"
    assert acc.done


def test_case_02_done_ends_the_stream() -> None:
    """Case 2: `event: done` ends the stream; bytes after it are ignored, even invalid ones."""
    data = recordings.read_bytes("text-run")
    after = b"event: thread.run.failed\ndata: {not json\n\nevent: thread.run.created\ndata: {}\n\n"
    base = streamkit.replay(data)
    acc = streamkit.replay(data + after)
    assert acc.done
    assert state(acc) == state(base)
    assert acc.final_run is not None
    assert acc.final_run.status == "completed"
    assert acc.anomalies == []
    assert kinds(new().feed(done())) == ["end"]


@pytest.mark.parametrize(
    "framing",
    [
        pytest.param({"eol": "\r\n"}, id="crlf"),
        pytest.param({"eol": "\r"}, id="cr"),
        pytest.param({"comments": True}, id="comments"),
        pytest.param({"ids": True}, id="id-field"),
        pytest.param({"trailing": "       "}, id="trailing-spaces"),
        pytest.param({"multiline": True}, id="multi-line-data"),
        pytest.param({"space": ""}, id="no-space-after-colon"),
        pytest.param(
            {"eol": "\r\n", "comments": True, "ids": True, "multiline": True}, id="all-at-once"
        ),
    ],
)
def test_case_03_framing_variants(framing: dict[str, Any]) -> None:
    """Case 3: CRLF/CR, comments, id:, trailing spaces, multi-line data: identical snapshots."""
    events = recorded("file-search-with-citation")
    expected = state(streamkit.replay(recordings.read_bytes("file-search-with-citation")))
    assert state(streamkit.replay(encode(events, **framing))) == expected


@pytest.mark.parametrize("size", [1, 2, 3, 7])
def test_case_04_byte_chunking(size: int) -> None:
    """Case 4: feeding in tiny chunks (splitting the UTF-8 of 【…†…】) gives the same snapshots."""
    data = recordings.read_bytes("file-search-with-citation")
    expected = state(streamkit.replay(data))
    chunks = [data[start : start + size] for start in range(0, len(data), size)]
    assert state(streamkit.replay(chunks)) == expected
    decoder = SSEDecoder()
    acc = new()
    for chunk in chunks:
        feed_all(acc, decoder.feed(chunk))
    feed_all(acc, decoder.close())
    assert state(acc) == expected
    message = next(iter(acc.messages.values()))
    assert "【4:0†favorite_foods.txt】" in message.content[0].text.value


def _with_broken_delta() -> tuple[list[ServerSentEvent], int, str, str]:
    """text-run with its 10th delta cut short; its position, the message id, the text before."""
    events = recorded("text-run")
    position = [e.event for e in events].index("thread.message.delta") + 10
    msg_id = payloads(events, "thread.message.delta")[0]["id"]
    before = "".join(fragments(events)[:9])
    broken = ServerSentEvent(
        "thread.message.delta",
        '{"id":"' + msg_id + '","delta":{"content":[{"index":0,"text":{"value":"' + SECRET,
    )
    events[position - 1] = broken
    return events, position, msg_id, before


def test_case_05_malformed_json_strict() -> None:
    """Case 5: malformed JSON mid-stream raises ParseError naming the position, not the payload."""
    events, position, msg_id, before = _with_broken_delta()
    acc = new()
    feed_all(acc, events[: position - 1])
    with pytest.raises(ParseError) as info:
        acc.feed(events[position - 1])
    assert info.value.position == position
    assert str(position) in str(info.value)
    assert SECRET not in str(info.value)
    assert acc.messages[msg_id].content[0].text.value == before
    assert acc.final_run is None


def test_case_05_malformed_json_lenient() -> None:
    """Case 5: lenient mode records a "parse" anomaly at the position, skips it, and goes on."""
    events, position, _, _ = _with_broken_delta()
    acc = new(strict=False)
    feed_all(acc, events)
    parse = [a for a in acc.anomalies if a.kind == "parse"]
    assert len(parse) == 1
    assert parse[0].position == position
    assert SECRET not in parse[0].message
    completed = payloads(events, "thread.message.completed")[0]
    assert to_dict(acc.messages[completed["id"]]) == completed  # the terminal event wins
    assert acc.final_run is not None
    assert acc.final_run.status == "completed"


@pytest.mark.parametrize("strict", STRICTNESS)
def test_case_06_unknown_events(strict: bool) -> None:
    """Case 6: unknown event names give one "unknown" change, are kept, and change nothing."""
    events = recorded("text-run")
    baseline = new(strict)
    feed_all(baseline, events)
    acc = new(strict)
    unknown = [
        ServerSentEvent("thread.run.step.foo", json.dumps({"id": "step_x", "foo": 1})),
        ServerSentEvent("thread.something.new", "not json at all"),
    ]
    for number, item in enumerate(events):
        if number == 10:
            before = state(acc)
            for odd in unknown:
                changes = acc.feed(odd)
                assert kinds(changes) == ["unknown"]
                assert changes[0].snapshot is None
            assert state(acc) == before
        acc.feed(item)
    assert [e.event for e in acc.unknown_events] == ["thread.run.step.foo", "thread.something.new"]
    assert state(acc) == state(baseline)
    assert acc.anomalies == []


def test_case_07_recorded_mid_stream_error() -> None:
    """Case 7: the recorded `{"error": …}` raises StreamError; the 55 fragments stay readable."""
    events = recorded("text-then-server-error")
    acc = new()
    feed_all(acc, events[:-1])
    with pytest.raises(streamkit.StreamError) as info:
        acc.feed(events[-1])
    error = info.value.error
    assert error.type == "server_error"
    assert error.message.startswith("The server had an error processing your request.")
    assert info.value.position == len(events)
    assert [e.type for e in acc.errors] == ["server_error"]
    msg_id = payloads(events, "thread.message.created")[0]["id"]
    pieces = fragments(events)
    assert len(pieces) == 55
    assert acc.messages[msg_id].content[0].text.value == "".join(pieces)
    assert acc.final_run is None
    with pytest.raises(streamkit.StreamError):
        streamkit.replay(recordings.read_bytes("text-then-server-error"))


@pytest.mark.parametrize("strict", STRICTNESS)
def test_case_08_spec_form_error(strict: bool) -> None:
    """Case 8: the bare `{"code","message"}` error raises too (strict) and is always recorded."""
    acc = new(strict)
    feed_all(acc, [run_event("created"), run_event("in_progress")])
    bad = error_event({"code": "server_error", "message": "boom"})
    if strict:
        with pytest.raises(streamkit.StreamError) as info:
            acc.feed(bad)
        assert info.value.error.message == "boom"
        assert info.value.error.code == "server_error"
        assert info.value.position == 3
    else:
        changes = acc.feed(bad)
        assert kinds(changes) == ["error"]
        assert changes[0].snapshot.message == "boom"
    assert [(e.code, e.message) for e in acc.errors] == [("server_error", "boom")]
    assert acc.runs["run_1"].status == "in_progress"
    assert acc.final_run is None


def test_case_09_eof_without_terminal_run() -> None:
    """Case 9: a stream cut before the terminal run has no final run; snapshots stay readable."""
    data = recordings.read_bytes("text-run")
    events = recorded("text-run")
    completed = payloads(events, "thread.message.completed")[0]
    cut = data[: data.index(b"event: thread.run.completed")]
    acc = streamkit.replay(cut)
    assert acc.final_run is None
    assert not acc.done
    assert to_dict(acc.messages[completed["id"]]) == completed
    assert [run.status for run in acc.runs.values()] == ["in_progress"]
    # Cut in the middle of the text: the partial text is there.
    marks = [n for n in range(len(data)) if data.startswith(b"event: thread.message.delta", n)]
    acc = streamkit.replay(data[: marks[10]])
    assert acc.final_run is None
    assert acc.messages[completed["id"]].content[0].text.value == "".join(fragments(events)[:10])


# --- Run lifecycle ---------------------------------------------------------------


def test_case_10_run_lifecycle() -> None:
    """Case 10: the run snapshot follows each run event; the final run is the completed payload."""
    usage = {"prompt_tokens": 7, "completion_tokens": 3, "total_tokens": 10}
    completed = run_event(
        "completed", started_at=1_700_000_001, completed_at=1_700_000_009, usage=usage
    )
    events = [
        run_event("created"),
        run_event("queued"),
        run_event("in_progress", started_at=1_700_000_001),
        completed,
    ]
    acc = new()
    seen: list[tuple[list[str], str, bool]] = []
    for item in events:
        changes = acc.feed(item)
        seen.append((kinds(changes), acc.runs["run_1"].status, acc.final_run is None))
        assert changes[0].snapshot.status == acc.runs["run_1"].status
    assert seen == [
        (["run.created"], "queued", True),
        (["run.updated"], "queued", True),
        (["run.updated"], "in_progress", True),
        (["run.done"], "completed", False),
    ]
    assert acc.final_run is not None
    assert to_dict(acc.final_run) == json.loads(completed.data)
    assert acc.final_run.usage is not None
    assert acc.final_run.usage.total_tokens == 10


@pytest.mark.parametrize(
    ("name", "terminal"),
    [
        ("requires_action", True),
        ("completed", True),
        ("incomplete", True),
        ("failed", True),
        ("cancelled", True),
        ("expired", True),
        ("cancelling", False),
        ("queued", False),
        ("in_progress", False),
    ],
)
def test_case_11_terminal_run_statuses(name: str, terminal: bool) -> None:
    """Case 11: the six terminal statuses end the run (final_run); cancelling and others do not."""
    acc = new()
    feed_all(acc, [run_event("created"), run_event("in_progress")])
    last = run_event(name)
    changes = acc.feed(last)
    assert kinds(changes) == (["run.done"] if terminal else ["run.updated"])
    if terminal:
        assert acc.final_run is not None
        assert to_dict(acc.final_run) == json.loads(last.data)
    else:
        assert acc.final_run is None
    assert acc.runs["run_1"].status == name


def test_case_12_run_failed_with_active_call() -> None:
    """Case 12: run.failed keeps last_error; the open call gets exactly one tool_call.done."""
    acc = new()
    changes = feed_all(acc, one_call_setup("{"))
    failed = run_event(
        "failed", failed_at=1_700_000_009, last_error={"code": "server_error", "message": "down"}
    )
    at_end = acc.feed(failed)
    assert kind_index(at_end) == [("tool_call.done", 0), ("step.done", None), ("run.done", None)]
    assert norm_call(to_dict(at_end[0].snapshot)) == fn_call("call_1", "f", "{")
    changes += at_end + acc.feed(done())
    assert acc.final_run is not None
    assert acc.final_run.status == "failed"
    assert acc.final_run.last_error is not None
    assert (acc.final_run.last_error.code, acc.final_run.last_error.message) == (
        "server_error",
        "down",
    )
    assert_lifecycle(changes)


# --- Run-step accumulation ----------------------------------------------------------


def test_case_13_function_call_requires_action() -> None:
    """Case 13: one call, arguments "{}", step in_progress, call done by requires_action."""
    events = recorded("function-call-requires-action")
    step_id = payloads(events, "thread.run.step.created")[0]["id"]
    call_id = payloads(events, "thread.run.step.delta")[0]["delta"]["step_details"]["tool_calls"][
        0
    ]["id"]
    acc = new()
    changes: list[streamkit.Change] = []
    done_at: list[tuple[str, Json]] = []
    for item in events:
        got = acc.feed(item)
        done_at += [(item.event, to_dict(c.snapshot)) for c in got if c.kind == "tool_call.done"]
        changes += got
    step = acc.run_steps[step_id]
    assert step.status == "in_progress"
    assert calls(acc, step_id) == [fn_call(call_id, "get_current_weather", "{}")]
    assert isinstance(step.step_details, models.ToolCallsStepDetails)
    assert isinstance(step.step_details.tool_calls[0], models.FunctionToolCall)
    assert Counter(kinds(changes))["tool_call.created"] == 1
    assert len(done_at) == 1
    assert done_at[0][0] in ("thread.run.step.delta", "thread.run.requires_action")
    assert done_at[0][1]["function"]["arguments"] == "{}"
    final = acc.final_run
    assert final is not None
    assert final.status == "requires_action"
    assert final.required_action is not None
    assert final.required_action.submit_tool_outputs.tool_calls[0].id == call_id
    assert_lifecycle(changes)


def test_case_14_terminal_step_replaces_snapshot() -> None:
    """Case 14: after step.completed the step equals its payload (status completed, usage)."""
    call = {"id": "call_1", "type": "function"}
    call["function"] = {"name": "f", "arguments": "{}", "output": None}
    completed = step_completed("step_1", [call])
    payload = json.loads(completed.data)
    acc = new()
    feed_all(acc, one_call_setup(""))
    acc.feed(step_delta("step_1", [fn_args(0, "{}")]))
    changes = acc.feed(completed)
    assert kind_index(changes) == [("tool_call.done", 0), ("step.done", None)]
    assert to_dict(acc.run_steps["step_1"]) == payload
    step = acc.run_steps["step_1"]
    assert step.status == "completed"
    assert step.usage is not None
    assert step.usage.total_tokens == 15
    assert acc.anomalies == []


def test_case_15_completed_step_brings_new_fields() -> None:
    """Case 15: results only in step.completed reach the final step and tool_call.done."""
    events = recorded("file-search-with-citation")
    completed = payloads(events, "thread.run.step.completed")[0]
    acc = new()
    done_calls: list[Json] = []
    for item in events:
        got = acc.feed(item)
        done_calls += [to_dict(c.snapshot) for c in got if c.kind == "tool_call.done"]
    assert to_dict(acc.run_steps[completed["id"]]) == completed
    assert done_calls == completed["step_details"]["tool_calls"]
    assert done_calls[0]["file_search"]["results"][0]["content"][0]["text"].startswith(
        "The favorite food"
    )


def _rich_stream() -> list[ServerSentEvent]:
    citation = {
        "index": 0,
        "type": "file_citation",
        "text": "【1】",
        "start_index": 2,
        "end_index": 5,
        "file_citation": {"file_id": "file-c"},
    }
    path = {
        "index": 1,
        "type": "file_path",
        "text": "sandbox:/a.csv",
        "start_index": 6,
        "end_index": 20,
        "file_path": {"file_id": "file-p"},
    }
    code = {
        "index": 0,
        "id": "ci_1",
        "type": "code_interpreter",
        "code_interpreter": {"input": "x", "outputs": []},
    }
    return [
        run_event("created"),
        step_created("step_1"),
        step_delta("step_1", [code, fn_head(1, "call_1")]),
        step_delta(
            "step_1",
            [
                {
                    "index": 0,
                    "type": "code_interpreter",
                    "code_interpreter": {
                        "outputs": [
                            {"index": 0, "type": "logs", "logs": "1"},
                            {"index": 1, "type": "image", "image": {"file_id": "file-i"}},
                        ]
                    },
                },
                {"index": 2, "id": "fs_1", "type": "file_search", "file_search": {}},
            ],
        ),
        step_created("step_m", type="message_creation", message_id="msg_1"),
        message_created("msg_1"),
        message_delta("msg_1", [text_piece(0, "a 【1】 sandbox:/a.csv", [citation, path])]),
        message_delta(
            "msg_1",
            [
                {"index": 1, "type": "image_file", "image_file": {"file_id": "file-f"}},
                {"index": 2, "type": "refusal", "refusal": "no"},
                {"index": 3, "type": "image_url", "image_url": {"url": "https://x/y.png"}},
            ],
        ),
        message_delta("msg_1", [{"index": 2, "type": "refusal", "refusal": "pe"}]),
    ]


def test_case_16_index_never_in_snapshots() -> None:
    """Case 16: no snapshot (steps, calls, outputs, blocks, annotations) ever has an `index` key."""
    streams = [_rich_stream(), recorded("file-search-with-citation")]
    streams.append(recorded("parallel-function-calls"))
    for events in streams:
        acc = new()
        for item in events:
            for change in acc.feed(item):
                if change.snapshot is not None:
                    assert "index" not in set(walk_keys(to_dict(change.snapshot))), change.kind
            for snapshot in [*acc.run_steps.values(), *acc.messages.values()]:
                assert "index" not in set(walk_keys(to_dict(snapshot)))
    acc = new()
    feed_all(acc, _rich_stream())
    assert len(calls(acc, "step_1")) == 3
    assert len(calls(acc, "step_1")[0]["code_interpreter"]["outputs"]) == 2
    assert [block["type"] for block in content(acc, "msg_1")] == [
        "text",
        "image_file",
        "refusal",
        "image_url",
    ]
    assert len(content(acc, "msg_1")[0]["text"]["annotations"]) == 2


def _ci(index: int = 0, **code_interpreter: Any) -> Json:
    return {"index": index, "type": "code_interpreter", "code_interpreter": code_interpreter}


def test_case_17_code_interpreter_input_and_outputs() -> None:
    """Case 17: input "print(1)"; outputs [logs "1\\n2\\n", image file-x], placed by index."""
    head = {
        "index": 0,
        "id": "c1",
        "type": "code_interpreter",
        "code_interpreter": {"input": "", "outputs": []},
    }
    acc = new()
    feed_all(acc, [run_event("created"), step_created("step_1")])
    changes = feed_all(
        acc,
        [
            step_delta("step_1", [head]),
            step_delta("step_1", [_ci(input="print(")]),
            step_delta("step_1", [_ci(input="1)")]),
            step_delta("step_1", [_ci(outputs=[{"index": 0, "type": "logs", "logs": "1\n"}])]),
            step_delta(
                "step_1",
                [_ci(outputs=[{"index": 1, "type": "image", "image": {"file_id": "file-x"}}])],
            ),
            step_delta("step_1", [_ci(outputs=[{"index": 0, "type": "logs", "logs": "2\n"}])]),
        ],
    )
    assert calls(acc, "step_1") == [
        {
            "id": "c1",
            "type": "code_interpreter",
            "code_interpreter": {
                "input": "print(1)",
                "outputs": [
                    {"type": "logs", "logs": "1\n2\n"},
                    {"type": "image", "image": {"file_id": "file-x"}},
                ],
            },
        }
    ]
    assert kind_index(changes) == [
        ("step.delta", None),
        ("tool_call.created", 0),
        *[("step.delta", None), ("tool_call.delta", 0)] * 5,
    ]
    call = acc.run_steps["step_1"].step_details.tool_calls[0]  # type: ignore[union-attr]
    assert isinstance(call, models.CodeInterpreterToolCall)
    assert isinstance(call.code_interpreter.outputs[0], models.CodeInterpreterOutputLogs)
    assert isinstance(call.code_interpreter.outputs[1], models.CodeInterpreterOutputImage)


def test_case_18_nested_out_of_order_in_new_entry() -> None:
    """Case 18: outputs [image@1, logs@0] in a new call land by index; logs become "L2"."""
    head = {
        "index": 0,
        "id": "c1",
        "type": "code_interpreter",
        "code_interpreter": {
            "input": "",
            "outputs": [
                {"index": 1, "type": "image", "image": {"file_id": "f"}},
                {"index": 0, "type": "logs", "logs": "L"},
            ],
        },
    }
    acc = new()
    feed_all(
        acc,
        [
            run_event("created"),
            step_created("step_1"),
            step_delta("step_1", [head]),
            step_delta("step_1", [_ci(outputs=[{"index": 0, "logs": "2"}])]),
        ],
    )
    assert calls(acc, "step_1")[0]["code_interpreter"]["outputs"] == [
        {"type": "logs", "logs": "L2"},
        {"type": "image", "image": {"file_id": "f"}},
    ]


def test_case_19_parallel_calls_sequential_deltas() -> None:
    """Case 19: two calls with correct arguments, each created and done once; run lists both."""
    events = recorded("parallel-function-calls")
    acc = new()
    changes = feed_all(acc, events)
    assert calls(acc, "step_01") == [
        fn_call("call_01", "fetch_current_datetime", "{}"),
        fn_call("call_02", "fetch_weather", '{"location": "New York"}'),
    ]
    assert kind_index(changes, "tool_call.created") == [
        ("tool_call.created", 0),
        ("tool_call.created", 1),
    ]
    assert Counter(kind_index(changes, "tool_call.done")) == Counter(
        {("tool_call.done", 0): 1, ("tool_call.done", 1): 1}
    )
    final = acc.final_run
    assert final is not None
    assert final.status == "requires_action"
    assert final.required_action is not None
    assert [c.id for c in final.required_action.submit_tool_outputs.tool_calls] == [
        "call_01",
        "call_02",
    ]
    assert_lifecycle(changes)


def test_case_20_parallel_calls_interleaved() -> None:
    """Case 20: interleaved fragments route by index ("{a}!", "{b}"); one created per call."""
    acc = new()
    feed_all(acc, [run_event("created"), step_created("step_1")])
    got: list[tuple[str, int | None, str | None]] = []
    for item in [
        step_delta("step_1", [fn_head(0, "cA", "a"), fn_head(1, "cB", "b")]),
        step_delta("step_1", [fn_args(0, "{a}")]),
        step_delta("step_1", [fn_args(1, "{b}")]),
        step_delta("step_1", [fn_args(0, "!")]),
    ]:
        got += [
            (c.kind, c.index, c.snapshot.id) for c in acc.feed(item) if c.kind.startswith("tool_")
        ]
    assert got == [
        ("tool_call.created", 0, "cA"),
        ("tool_call.created", 1, "cB"),
        ("tool_call.delta", 0, "cA"),
        ("tool_call.delta", 1, "cB"),
        ("tool_call.delta", 0, "cA"),
    ]
    assert function_args(acc, "step_1") == ["{a}!", "{b}"]
    at_end = acc.feed(run_event("requires_action"))
    assert Counter(kind_index(at_end, "tool_call.")) == Counter(
        {("tool_call.done", 0): 1, ("tool_call.done", 1): 1}
    )


@pytest.mark.parametrize("order", [[0, 1], [1, 0]], ids=["in-order", "reversed"])
def test_case_21_two_calls_in_one_delta(order: list[int]) -> None:
    """Case 21: two calls introduced by one delta are both created, in index order."""
    acc = new()
    feed_all(acc, [run_event("created"), step_created("step_1")])
    heads = {0: fn_head(0, "cA", "a", "A"), 1: fn_head(1, "cB", "b", "B")}
    changes = acc.feed(step_delta("step_1", [heads[i] for i in order]))
    assert kind_index(changes) == [
        ("step.delta", None),
        ("tool_call.created", 0),
        ("tool_call.created", 1),
    ]
    assert calls(acc, "step_1") == [fn_call("cA", "a", "A"), fn_call("cB", "b", "B")]


def test_case_22_first_index_out_of_order() -> None:
    """Case 22: index 1 then index 0 on an empty list gives [A, B], not one merged call."""
    acc = new()
    feed_all(acc, [run_event("created"), step_created("step_1")])
    changes = feed_all(
        acc,
        [
            step_delta("step_1", [fn_head(1, "cB", "b", "B")]),
            step_delta("step_1", [fn_head(0, "cA", "a", "A")]),
        ],
    )
    assert calls(acc, "step_1") == [fn_call("cA", "a", "A"), fn_call("cB", "b", "B")]
    assert kind_index(changes, "tool_call.") == [("tool_call.created", 1), ("tool_call.created", 0)]


def test_case_23_gap_then_fill() -> None:
    """Case 23: [A]; idx2 C; idx1 B; idx2 " updated" gives [A, B, "C updated"]."""
    acc = new()
    feed_all(acc, [run_event("created"), step_created("step_1")])
    changes = feed_all(
        acc,
        [
            step_delta("step_1", [fn_head(0, "cA", "a", "A")]),
            step_delta("step_1", [fn_head(2, "cC", "c", "C")]),
            step_delta("step_1", [fn_head(1, "cB", "b", "B")]),
            step_delta("step_1", [fn_args(2, " updated")]),
        ],
    )
    assert calls(acc, "step_1") == [
        fn_call("cA", "a", "A"),
        fn_call("cB", "b", "B"),
        fn_call("cC", "c", "C updated"),
    ]
    assert kind_index(changes, "tool_call.") == [
        ("tool_call.created", 0),
        ("tool_call.created", 2),
        ("tool_call.created", 1),
        ("tool_call.delta", 2),
    ]


def test_case_24_gap_never_filled() -> None:
    """Case 24: only index 2 arrives: the list is the dense list of present entries, [C]."""
    acc = new()
    feed_all(acc, [run_event("created"), step_created("step_1")])
    changes = acc.feed(step_delta("step_1", [fn_head(2, "cC", "c", "C")]))
    assert calls(acc, "step_1") == [fn_call("cC", "c", "C")]
    assert kind_index(changes, "tool_call.") == [("tool_call.created", 2)]
    changes = feed_all(acc, one_message_setup()[3:])
    acc.feed(message_delta("msg_1", [text_piece(3, "later", [])]))
    assert content(acc, "msg_1") == [text_block("Hi"), text_block("later")]
    at_end = acc.feed(run_event("requires_action"))
    assert calls(acc, "step_1") == [fn_call("cC", "c", "C")]
    assert ("tool_call.done", 2) in kind_index(at_end)


def test_case_25_duplicate_index_in_first_list() -> None:
    """Case 25: two entries for index 0 in the first-ever list merge into one call, then "{}"."""
    acc = new()
    feed_all(acc, [run_event("created"), step_created("step_1")])
    changes = feed_all(
        acc,
        [
            step_delta("step_1", [fn_head(0, "call_1", "f"), fn_args(0, "{")]),
            step_delta("step_1", [fn_args(0, "}")]),
        ],
    )
    assert calls(acc, "step_1") == [fn_call("call_1", "f", "{}")]
    assert Counter(kinds(changes))["tool_call.created"] == 1


def test_case_26_duplicate_index_in_one_delta() -> None:
    """Case 26: several entries for one existing index inside one delta merge in order ("abc")."""
    acc = new()
    feed_all(acc, one_call_setup(""))
    acc.feed(step_delta("step_1", [fn_args(0, "a"), fn_args(0, "b"), fn_args(0, "c")]))
    assert function_args(acc, "step_1") == ["abc"]


def _bad_call(index: Any) -> Json:
    return {"index": index, "type": "function", "function": {"arguments": SECRET}}


@pytest.mark.parametrize("strict", STRICTNESS)
def test_case_27_negative_index(strict: bool) -> None:
    """Case 27: index -1 is rejected (AccumulateError / "bad_index"); nothing changes."""
    bad = step_delta("step_1", [_bad_call(-1)])
    check_rejected(one_call_setup(), bad, strict=strict, anomaly="bad_index", object_id="step_1")


def _peak_while(action: Any) -> int:
    tracemalloc.start()
    try:
        action()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


@pytest.mark.parametrize("strict", STRICTNESS)
@pytest.mark.parametrize("index", [10**9, 4294967294, 1025])
@pytest.mark.parametrize("where", ["tool_calls", "content", "outputs"])
def test_case_28_huge_index(strict: bool, index: int, where: str) -> None:
    """Case 28: 1e9 / 4294967294 / 1025 on an empty list are rejected without allocating."""
    setup: list[ServerSentEvent] = [run_event("created"), step_created("step_1")]
    if where == "tool_calls":
        bad = step_delta("step_1", [_bad_call(index)])
        object_id = "step_1"
    elif where == "outputs":
        setup.append(step_delta("step_1", [_ci(input="", outputs=[]) | {"id": "c1"}]))
        bad = step_delta(
            "step_1", [_ci(outputs=[{"index": index, "type": "logs", "logs": SECRET}])]
        )
        object_id = "step_1"
    else:
        setup.append(message_created("msg_1"))
        bad = message_delta("msg_1", [text_piece(index, SECRET, [])])
        object_id = "msg_1"
    peak = _peak_while(
        lambda: check_rejected(setup, bad, strict=strict, anomaly="bad_index", object_id=object_id)
    )
    assert peak < 1_000_000


def test_case_28_bound_is_largest_present_plus_1024() -> None:
    """Case 28: with index 0 present, 1024 is accepted (dense list) and 1025 rejected."""
    acc = new()
    feed_all(acc, one_call_setup())
    acc.feed(step_delta("step_1", [fn_head(1024, "call_far", "g", "x")]))
    assert [c["id"] for c in calls(acc, "step_1")] == ["call_1", "call_far"]
    acc = new()
    feed_all(acc, one_call_setup())
    with pytest.raises(streamkit.AccumulateError):
        acc.feed(step_delta("step_1", [fn_head(1025, "call_far", "g", "x")]))


_INVALID_INDEX = [
    pytest.param('"0"', ParseError, "parse", id="string"),
    pytest.param("1.5", ParseError, "parse", id="float"),
    pytest.param("NaN", ParseError, "parse", id="nan"),
    pytest.param("null", streamkit.AccumulateError, "bad_index", id="null"),
    pytest.param(None, streamkit.AccumulateError, "bad_index", id="missing"),
]


@pytest.mark.parametrize("strict", STRICTNESS)
@pytest.mark.parametrize(("index", "error", "anomaly"), _INVALID_INDEX)
def test_case_29_invalid_index(
    strict: bool, index: str | None, error: type[Exception], anomaly: str
) -> None:
    """Case 29: "0", 1.5, NaN, null, missing index: a typed error that never quotes arguments."""
    entry = '{"type":"function","function":{"arguments":"' + SECRET + '"}'
    entry += "}" if index is None else f',"index":{index}}}'
    bad = ServerSentEvent(
        "thread.run.step.delta",
        '{"id":"step_1","object":"thread.run.step.delta","delta":{"step_details":'
        '{"type":"tool_calls","tool_calls":[' + entry + "]}}}",
    )
    object_id = "step_1" if error is streamkit.AccumulateError else None
    check_rejected(
        one_call_setup(), bad, strict=strict, anomaly=anomaly, error=error, object_id=object_id
    )


@pytest.mark.parametrize("strict", STRICTNESS)
@pytest.mark.parametrize("index", ["0", True, -3, None], ids=["string", "bool", "negative", "null"])
def test_case_29_invalid_index_without_type(strict: bool, index: Any) -> None:
    """Case 29: an entry without `type` (unchecked by the converter) with a bad index: rejected."""
    bad = step_delta("step_1", [{"index": index, "function": {"arguments": SECRET}}])
    check_rejected(one_call_setup(), bad, strict=strict, anomaly="bad_index", object_id="step_1")


def test_case_30_type_only_in_first_delta() -> None:
    """Case 30: later entries without `type` keep the slot's type and merge."""
    acc = new()
    feed_all(acc, one_call_setup(""))
    acc.feed(step_delta("step_1", [{"index": 0, "function": {"arguments": '{"x"'}}]))
    acc.feed(step_delta("step_1", [{"index": 0, "function": {"arguments": ":1}"}}]))
    acc.feed(step_delta("step_1", [_ci(1, input="a", outputs=[]) | {"id": "c1"}]))
    acc.feed(step_delta("step_1", [{"index": 1, "code_interpreter": {"input": "b"}}]))
    acc.feed(
        step_delta(
            "step_1",
            [
                {
                    "index": 1,
                    "code_interpreter": {"outputs": [{"index": 0, "type": "logs", "logs": "o"}]},
                }
            ],
        )
    )
    acc.feed(
        step_delta(
            "step_1", [{"index": 1, "code_interpreter": {"outputs": [{"index": 0, "logs": "k"}]}}]
        )
    )
    assert calls(acc, "step_1") == [
        fn_call("call_1", "f", '{"x":1}'),
        {
            "id": "c1",
            "type": "code_interpreter",
            "code_interpreter": {"input": "ab", "outputs": [{"type": "logs", "logs": "ok"}]},
        },
    ]
    tool_calls = acc.run_steps["step_1"].step_details.tool_calls  # type: ignore[union-attr]
    assert isinstance(tool_calls[0], models.FunctionToolCall)
    feed_all(acc, one_message_setup("he")[3:])
    acc.feed(message_delta("msg_1", [{"index": 0, "text": {"value": "llo"}}]))
    assert content(acc, "msg_1") == [text_block("hello")]
    assert isinstance(acc.messages["msg_1"].content[0], models.TextContentBlock)


@pytest.mark.parametrize("strict", STRICTNESS)
@pytest.mark.parametrize("where", ["tool_call", "content"])
def test_case_31_type_change_for_an_index(strict: bool, where: str) -> None:
    """Case 31: another `type` for a held index is rejected ("type_conflict"); nothing changes."""
    if where == "tool_call":
        setup = one_call_setup()
        bad = step_delta("step_1", [_ci(0, input=SECRET)])
        object_id = "step_1"
    else:
        setup = one_message_setup()
        bad = message_delta("msg_1", [{"index": 0, "type": "refusal", "refusal": SECRET}])
        object_id = "msg_1"
    check_rejected(setup, bad, strict=strict, anomaly="type_conflict", object_id=object_id)


def _citation(start: int, end: int) -> Json:
    return {
        "index": 0,
        "type": "file_citation",
        "text": "【4:0†a.txt】",
        "start_index": start,
        "end_index": end,
        "file_citation": {"file_id": "file-a"},
    }


def test_case_32_numbers_resent_are_not_summed() -> None:
    """Case 32: an annotation's start/end re-sent equal stay 29/53 (no sum, no anomaly)."""
    acc = new()
    feed_all(acc, one_message_setup("x" * 29))
    acc.feed(message_delta("msg_1", [text_piece(0, "【4:0†a.txt】", [_citation(29, 53)])]))
    acc.feed(message_delta("msg_1", [text_piece(0, ".", [_citation(29, 53)])]))
    annotation = content(acc, "msg_1")[0]["text"]["annotations"]
    assert [(a["start_index"], a["end_index"]) for a in annotation] == [(29, 53)]
    assert content(acc, "msg_1")[0]["text"]["value"] == "x" * 29 + "【4:0†a.txt】."
    assert acc.anomalies == []


@pytest.mark.parametrize("strict", STRICTNESS)
def test_case_32_number_resent_differently_is_a_conflict(strict: bool) -> None:
    """Case 32: a set-once number changed: strict rejects; lenient keeps it, applies the rest."""
    acc = new(strict)
    feed_all(acc, one_message_setup("x" * 29))
    acc.feed(message_delta("msg_1", [text_piece(0, "【4:0†a.txt】", [_citation(29, 53)])]))
    before = state(acc)
    bad = message_delta("msg_1", [text_piece(0, SECRET, [_citation(30, 53)])])
    if strict:
        with pytest.raises(streamkit.AccumulateError) as info:
            acc.feed(bad)
        assert SECRET not in str(info.value)
        assert state(acc) == before
        return
    acc.feed(bad)
    [anomaly] = acc.anomalies
    assert anomaly.kind == "conflict"
    assert anomaly.object_id == "msg_1"
    assert SECRET not in anomaly.message
    text = content(acc, "msg_1")[0]["text"]
    assert text["value"] == "x" * 29 + "【4:0†a.txt】" + SECRET
    assert [(a["start_index"], a["end_index"]) for a in text["annotations"]] == [(29, 53)]


def test_case_33_booleans_are_not_summed() -> None:
    """Case 33: booleans and numbers re-sent in a call of unknown type are kept, not summed."""
    browser = {"ok": True, "n": 3, "pages": [{"n": 1}]}
    entry = {"index": 0, "id": "w1", "type": "web_browser", "web_browser": browser}
    acc = new()
    feed_all(acc, [run_event("created"), step_created("step_1")])
    changes = feed_all(acc, [step_delta("step_1", [entry]), step_delta("step_1", [entry])])
    [call] = calls(acc, "step_1")
    assert call == {"id": "w1", "type": "web_browser", "web_browser": browser}
    assert call["web_browser"]["ok"] is True
    assert json.loads(json.dumps(call)) == call  # plain JSON, lists as lists
    assert kind_index(changes, "tool_call.") == [("tool_call.created", 0), ("tool_call.delta", 0)]
    assert acc.anomalies == []


def test_case_34_null_keeps_existing_value() -> None:
    """Case 34: `null` in a delta (arguments, output, text value) keeps the value held."""
    acc = new()
    feed_all(acc, [run_event("created"), step_created("step_1")])
    head = fn_head(0, "call_1", "f", "{}")
    head["function"]["output"] = "x"
    acc.feed(step_delta("step_1", [head]))
    acc.feed(
        step_delta(
            "step_1",
            [{"index": 0, "type": "function", "function": {"arguments": None, "output": None}}],
        )
    )
    assert calls(acc, "step_1") == [fn_call("call_1", "f", "{}", output="x")]
    feed_all(acc, one_message_setup("Hi")[3:])
    acc.feed(message_delta("msg_1", [{"index": 0, "type": "text", "text": {"value": None}}]))
    assert content(acc, "msg_1") == [text_block("Hi")]
    assert acc.anomalies == []


@pytest.mark.parametrize("strict", STRICTNESS)
@pytest.mark.parametrize(
    "entry",
    [
        {"index": 0, "type": "function", "function": SECRET},
        {"index": 0, "type": "function", "function": {"arguments": {"x": SECRET}}},
        SECRET,
    ],
    ids=["string-for-object", "object-for-string", "string-entry"],
)
def test_case_35_type_mismatch(strict: bool, entry: Any) -> None:
    """Case 35: a string where an object belongs (or reverse): ParseError; nothing changes."""
    bad = step_delta("step_1", [entry])
    check_rejected(one_call_setup(), bad, strict=strict, anomaly="parse", error=ParseError)


@pytest.mark.parametrize("strict", STRICTNESS)
@pytest.mark.parametrize("problem", ["bad_index", "type_conflict", "content", "nested"])
def test_case_36_atomicity(strict: bool, problem: str) -> None:
    """Case 36: a delta with a good entry and a bad one applies nothing at all."""
    if problem == "nested":
        head = _ci(1, input="", outputs=[]) | {"id": "c1"}
        setup = [*one_call_setup(), step_delta("step_1", [head])]
        outputs = [
            {"index": 0, "type": "logs", "logs": SECRET},
            {"index": 1, "type": "logs", "logs": "fine"},
            {"index": -1, "type": "logs", "logs": SECRET},
        ]
        bad = step_delta("step_1", [fn_args(0, SECRET), _ci(1, input=SECRET, outputs=outputs)])
        check_rejected(setup, bad, strict=strict, anomaly="bad_index", object_id="step_1")
        return
    if problem == "content":
        setup = one_message_setup()
        bad = message_delta(
            "msg_1", [text_piece(0, SECRET), text_piece(1, "new", []), text_piece(5000, "x", [])]
        )
        check_rejected(setup, bad, strict=strict, anomaly="bad_index", object_id="msg_1")
        return
    setup = [*one_call_setup(), step_delta("step_1", [fn_head(1, "call_2", "g")])]
    second = _bad_call(-1) if problem == "bad_index" else _ci(1, input=SECRET)
    bad = step_delta("step_1", [fn_args(0, SECRET), fn_head(2, "call_3", "h"), second])
    check_rejected(setup, bad, strict=strict, anomaly=problem, object_id="step_1")


@pytest.mark.parametrize("strict", STRICTNESS)
def test_case_37_step_delta_before_created(strict: bool) -> None:
    """Case 37: a delta for a never-created step: AccumulateError / "unknown_id", skipped."""
    setup = [run_event("created"), run_event("in_progress")]
    bad = step_delta("step_9", [_bad_call(0)])
    acc = check_rejected(setup, bad, strict=strict, anomaly="unknown_id", object_id="step_9")
    assert "step_9" not in acc.run_steps


@pytest.mark.parametrize(
    ("name", "output"),
    [
        ("function-call-continuation", "warm and sunny"),
        ("submit-tool-outputs-continuation", "20.164465313460656"),
    ],
)
def test_case_38_continuation_stream(name: str, output: str) -> None:
    """Case 38: a step first seen completed is kept with its output; its lifecycle in one feed."""
    events = recorded(name)
    first = payloads(events, "thread.run.step.completed")[0]
    acc = new()
    opening = acc.feed(events[0])
    assert kind_index(opening) == [
        ("step.created", None),
        ("tool_call.created", 0),
        ("tool_call.done", 0),
        ("step.done", None),
    ]
    assert opening[1].delta is None  # the call first appeared inside a whole step
    changes = opening + feed_all(acc, events[1:])
    assert to_dict(acc.run_steps[first["id"]]) == first
    assert calls(acc, first["id"])[0]["function"]["output"] == output
    assert [step.type for step in acc.run_steps.values()] == ["tool_calls", "message_creation"]
    assert all(step.status == "completed" for step in acc.run_steps.values())
    assert acc.final_run is not None
    assert acc.final_run.status == "completed"
    assert_lifecycle(changes)


def test_case_38_continuation_into_same_accumulator() -> None:
    """Case 38: a continuation fed to the same accumulator updates the done step, no re-done."""
    first = recorded("function-call-requires-action")
    second = recorded("function-call-continuation")
    step_id = payloads(second, "thread.run.step.completed")[0]["id"]
    acc = new()
    changes = feed_all(acc, first[:-1])  # without `done`: the caller goes on
    assert acc.final_run is not None
    assert acc.final_run.status == "requires_action"
    reopened = acc.feed(second[0])
    assert "step.updated" in kinds(reopened)
    assert not [k for k in kinds(reopened) if k.endswith((".created", ".done"))]
    changes += reopened + feed_all(acc, second[1:])
    assert calls(acc, step_id)[0]["function"]["output"] == "warm and sunny"
    assert acc.run_steps[step_id].status == "completed"
    assert acc.final_run is not None
    assert acc.final_run.status == "completed"
    assert len(acc.runs) == 1
    assert_lifecycle(changes)


def test_case_39_step_in_progress_refreshes() -> None:
    """Case 39: step.in_progress refreshes status fields and keeps the accumulated calls."""
    acc = new()
    feed_all(acc, [run_event("created"), step_created("step_1", expires_at=None)])
    acc.feed(step_delta("step_1", [fn_head(0, "call_1", "f", "{}")]))
    changes = acc.feed(step_event("in_progress", step_obj("step_1", expires_at=1_700_000_600)))
    assert kinds(changes) == ["step.updated"]
    step = acc.run_steps["step_1"]
    assert to_dict(step)["expires_at"] == 1_700_000_600  # on the wire, outside the schema
    assert step.status == "in_progress"
    assert calls(acc, "step_1") == [fn_call("call_1", "f", "{}")]


@pytest.mark.parametrize("name", ["failed", "cancelled", "expired"])
def test_case_40_other_terminal_step_events(name: str) -> None:
    """Case 40: step.failed/cancelled/expired end the step once; the step equals that payload."""
    fields: Json = {f"{name}_at": 1_700_000_009}
    if name == "failed":
        fields["last_error"] = {"code": "server_error", "message": "step broke"}
    call = fn_call("call_1", "f", "{")
    call["function"]["output"] = None
    payload = step_obj("step_1", status=name, tool_calls=[call], **fields)
    acc = new()
    changes = feed_all(acc, one_call_setup("{"))
    at_end = acc.feed(step_event(name, payload))
    assert kind_index(at_end) == [("tool_call.done", 0), ("step.done", None)]
    changes += at_end + feed_all(acc, [run_event("failed"), done()])
    assert to_dict(acc.run_steps["step_1"]) == payload
    if name == "failed":
        error = acc.run_steps["step_1"].last_error
        assert error is not None
        assert error.message == "step broke"
    assert Counter(kinds(changes))["step.done"] == 1
    assert_lifecycle(changes)


@pytest.mark.parametrize("strict", STRICTNESS)
def test_case_41_duplicate_step_created(strict: bool) -> None:
    """Case 41: a duplicate step.created never resets: AccumulateError / "duplicate_created"."""
    setup = [*one_call_setup(""), step_delta("step_1", [fn_args(0, '{"k": 1}')])]
    acc = check_rejected(
        setup,
        step_created("step_1"),
        strict=strict,
        anomaly="duplicate_created",
        object_id="step_1",
    )
    assert function_args(acc, "step_1") == ['{"k": 1}']


def test_case_42_two_steps_each_with_index_0() -> None:
    """Case 42: calls at index 0 of two sequential steps each get one created and one done."""
    acc = new()
    changes = feed_all(
        acc,
        [
            run_event("created"),
            step_created("step_1"),
            step_delta("step_1", [fn_head(0, "call_1", "f")]),
            step_delta("step_1", [fn_args(0, "{}")]),
            step_completed("step_1", [fn_call("call_1", "f", "{}")]),
            step_created("step_2"),
            step_delta("step_2", [fn_head(0, "call_2", "g", "{}")]),
            step_completed("step_2", [fn_call("call_2", "g", "{}")]),
            run_event("completed"),
            done(),
        ],
    )
    tool_changes = [(c.kind, c.id, c.index) for c in changes if c.kind.startswith("tool_call.")]
    assert tool_changes == [
        ("tool_call.created", "step_1", 0),
        ("tool_call.delta", "step_1", 0),
        ("tool_call.done", "step_1", 0),
        ("tool_call.created", "step_2", 0),
        ("tool_call.done", "step_2", 0),
    ]
    assert_lifecycle(changes)


@pytest.mark.parametrize("end", ["requires_action", "completed"])
def test_case_43_run_ends_while_call_active(end: str) -> None:
    """Case 43: a run ending before the step ✓ closes the open call once; a late ✓ does not."""
    acc = new()
    changes = feed_all(acc, one_call_setup("{}"))
    at_end = acc.feed(run_event(end))
    assert kind_index(at_end) == [("tool_call.done", 0), ("step.done", None), ("run.done", None)]
    assert at_end[0].snapshot.function.arguments == "{}"
    assert acc.run_steps["step_1"].status == "in_progress"  # status stays as it was
    late = acc.feed(step_completed("step_1", [fn_call("call_1", "f", "{}", output="out")]))
    assert kinds(late) == ["step.updated"]
    assert acc.run_steps["step_1"].status == "completed"
    assert_lifecycle(changes + at_end + late)


def test_case_44_file_search_done_once() -> None:
    """Case 44: the recorded file-search call gets exactly one tool_call.done (at its ✓)."""
    events = recorded("file-search-with-citation")
    acc = new()
    per_event = [(item.event, acc.feed(item)) for item in events]
    dones = [name for name, changes in per_event for c in changes if c.kind == "tool_call.done"]
    assert dones == ["thread.run.step.completed"]
    assert_lifecycle([c for _, changes in per_event for c in changes])


# --- Message accumulation ---------------------------------------------------------


def test_case_45_text_fragments() -> None:
    """Case 45: fragments concatenate; `annotations` from the first delta stays []."""
    acc = new()
    feed_all(acc, one_message_setup("Fil"))
    feed_all(
        acc,
        [
            message_delta("msg_1", [text_piece(0, "ip")]),
            message_delta("msg_1", [text_piece(0, "'s")]),
        ],
    )
    assert content(acc, "msg_1") == [text_block("Filip's")]


def test_case_46_annotation_with_fragment() -> None:
    """Case 46: the recorded citation delta; the final message equals thread.message.completed."""
    events = recorded("file-search-with-citation")
    completed = payloads(events, "thread.message.completed")[0]
    acc = new()
    for item in events:
        if item.event == "thread.message.completed":
            text = content(acc, completed["id"])[0]["text"]
            assert text["value"] == completed["content"][0]["text"]["value"]
            [annotation] = text["annotations"]
            assert annotation["start_index"] == 29
            assert annotation["end_index"] == 53
            assert annotation["file_citation"]["file_id"] == "file-CyHtsk7XAWdRabQUBYRjCu"
        acc.feed(item)
    assert to_dict(acc.messages[completed["id"]]) == completed
    assert acc.anomalies == []  # `quote` only in the deltas is no mismatch


def _mixed_content() -> tuple[list[ServerSentEvent], ServerSentEvent, list[Json]]:
    image = {"type": "image_file", "image_file": {"file_id": "file-img"}}
    deltas = [
        message_delta("msg_1", [text_piece(0, "hello ", [])]),
        message_delta("msg_1", [text_piece(0, "world")]),
        message_delta("msg_1", [{"index": 1, **image}]),
        message_delta("msg_1", [text_piece(2, "goodbye", [])]),
    ]
    final = [text_block("hello world"), image, text_block("goodbye")]
    return deltas, message_completed("msg_1", final), final


def test_case_47_mixed_content() -> None:
    """Case 47: text, image_file, text by index; text created x2, delta x1, image at once."""
    deltas, completed, final = _mixed_content()
    acc = new()
    feed_all(acc, one_message_setup()[:4])
    changes = feed_all(acc, deltas)
    assert content(acc, "msg_1") == final
    assert kind_index(changes) == [
        ("message.delta", None),
        ("text.created", 0),
        ("message.delta", None),
        ("text.delta", 0),
        ("message.delta", None),
        ("image_file.created", 1),
        ("image_file.done", 1),
        ("message.delta", None),
        ("text.created", 2),
    ]
    at_end = acc.feed(completed)
    assert at_end[-1].kind == "message.done"
    assert Counter(kind_index(at_end[:-1])) == Counter({("text.done", 0): 1, ("text.done", 2): 1})
    assert to_dict(acc.messages["msg_1"]) == json.loads(completed.data)
    image_done = next(c for c in changes if c.kind == "image_file.done")
    assert isinstance(image_done.snapshot, models.ImageFile)


def test_case_48_content_index_out_of_order() -> None:
    """Case 48: an image at index 1 before the text at index 0 lands in the right slots."""
    acc = new()
    feed_all(acc, one_message_setup()[:4])
    image = {"type": "image_file", "image_file": {"file_id": "file-img"}}
    changes = feed_all(
        acc,
        [
            message_delta("msg_1", [{"index": 1, **image}]),
            message_delta("msg_1", [text_piece(0, "see", [])]),
        ],
    )
    assert content(acc, "msg_1") == [text_block("see"), image]
    assert kind_index(changes, "text.", "image_file.") == [
        ("image_file.created", 1),
        ("image_file.done", 1),
        ("text.created", 0),
    ]


def test_case_49_second_message_with_fewer_blocks() -> None:
    """Case 49: m1 with two blocks, m2 with one and no deltas: changes scoped per message."""
    acc = new()
    changes = feed_all(
        acc,
        [
            run_event("created"),
            message_created("msg_1"),
            message_delta("msg_1", [text_piece(0, "a", [])]),
            message_delta("msg_1", [text_piece(1, "b", [])]),
            message_completed("msg_1", [text_block("a"), text_block("b")]),
            message_created("msg_2"),
            message_completed("msg_2", [text_block("only")]),
            run_event("completed"),
        ],
    )
    per_message = Counter((c.kind, c.id, c.index) for c in changes if c.kind.startswith("text."))
    assert per_message == Counter(
        {
            ("text.created", "msg_1", 0): 1,
            ("text.created", "msg_1", 1): 1,
            ("text.done", "msg_1", 0): 1,
            ("text.done", "msg_1", 1): 1,
            ("text.created", "msg_2", 0): 1,
            ("text.done", "msg_2", 0): 1,
        }
    )
    assert content(acc, "msg_2") == [text_block("only")]
    assert_lifecycle(changes)


def test_case_50_deltas_route_by_message_id() -> None:
    """Case 50: a delta for another message than the latest goes to the message its id names."""
    acc = new()
    feed_all(
        acc,
        [
            run_event("created"),
            message_created("msg_1"),
            message_delta("msg_1", [text_piece(0, "Hello", [])]),
            message_created("msg_2"),
            message_delta("msg_2", [text_piece(0, "INJECT", [])]),
            message_delta("msg_1", [text_piece(0, " there")]),
        ],
    )
    assert content(acc, "msg_1") == [text_block("Hello there")]
    assert content(acc, "msg_2") == [text_block("INJECT")]


def test_case_51_second_message_while_one_is_active() -> None:
    """Case 51: message.created for a new id while another is open is accepted; both are kept."""
    acc = new()
    feed_all(acc, one_message_setup("Hi"))
    assert kinds(acc.feed(message_created("msg_2"))) == ["message.created"]
    assert list(acc.messages) == ["msg_1", "msg_2"]
    assert content(acc, "msg_1") == [text_block("Hi")]


@pytest.mark.parametrize("strict", STRICTNESS)
def test_case_51_duplicate_message_created(strict: bool) -> None:
    """Case 51: a duplicate message.created never resets: AccumulateError / anomaly."""
    acc = check_rejected(
        one_message_setup("Hi"),
        message_created("msg_1"),
        strict=strict,
        anomaly="duplicate_created",
        object_id="msg_1",
    )
    assert content(acc, "msg_1") == [text_block("Hi")]


def test_case_52_message_incomplete() -> None:
    """Case 52: message.incomplete is terminal: text.done with the partial text, incomplete."""
    acc = new()
    changes = feed_all(acc, one_message_setup("Hel"))
    payload = message_obj(
        "msg_1",
        "incomplete",
        [text_block("Hel")],
        incomplete_at=1_700_000_009,
        incomplete_details={"reason": "max_tokens"},
    )
    at_end = acc.feed(message_event("incomplete", payload))
    assert kind_index(at_end) == [("text.done", 0), ("message.done", None)]
    assert at_end[0].snapshot.value == "Hel"
    message = acc.messages["msg_1"]
    assert message.status == "incomplete"
    assert message.incomplete_details is not None
    assert message.incomplete_details.reason == "max_tokens"
    assert to_dict(message) == payload
    changes += at_end + feed_all(acc, [run_event("incomplete")])
    assert Counter(kinds(changes))["message.done"] == 1


def test_case_53_final_message_is_the_completed_payload() -> None:
    """Case 53: after thread.message.completed the message equals it (status, completed_at)."""
    acc = new()
    feed_all(acc, one_message_setup("Hi"))
    completed = message_completed("msg_1", [text_block("Hi")])
    acc.feed(completed)
    message = acc.messages["msg_1"]
    assert (message.status, message.completed_at) == ("completed", 1_700_000_004)
    assert to_dict(message) == json.loads(completed.data)
    assert acc.anomalies == []


def test_case_53_terminal_mismatch_is_recorded_not_raised() -> None:
    """Case 53: a completed text unlike the deltas wins, with a "terminal_mismatch" anomaly."""
    acc = new()
    feed_all(acc, one_message_setup("Hi"))
    completed = message_completed("msg_1", [text_block("Ho")])
    acc.feed(completed)
    assert to_dict(acc.messages["msg_1"]) == json.loads(completed.data)
    assert [a.kind for a in acc.anomalies] == ["terminal_mismatch"]
    assert acc.anomalies[0].object_id == "msg_1"


@pytest.mark.parametrize("strict", STRICTNESS)
def test_case_54_message_delta_before_created(strict: bool) -> None:
    """Case 54: a message delta before message.created: AccumulateError / "unknown_id"."""
    setup = [run_event("created"), run_event("in_progress")]
    bad = message_delta("msg_9", [text_piece(0, SECRET, [])])
    acc = check_rejected(setup, bad, strict=strict, anomaly="unknown_id", object_id="msg_9")
    assert "msg_9" not in acc.messages


def test_case_55_refusal_block() -> None:
    """Case 55: refusal text accumulates in a refusal block, with refusal.* changes only."""
    acc = new()
    feed_all(acc, one_message_setup()[:4])
    changes = feed_all(
        acc,
        [
            message_delta("msg_1", [{"index": 0, "type": "refusal", "refusal": "I can"}]),
            message_delta("msg_1", [{"index": 0, "type": "refusal", "refusal": "not"}]),
            message_completed("msg_1", [{"type": "refusal", "refusal": "I cannot"}]),
        ],
    )
    assert content(acc, "msg_1") == [{"type": "refusal", "refusal": "I cannot"}]
    assert kind_index(changes, "refusal.", "text.") == [
        ("refusal.created", 0),
        ("refusal.delta", 0),
        ("refusal.done", 0),
    ]
    created = next(c for c in changes if c.kind == "refusal.created")
    assert isinstance(created.snapshot, models.RefusalContentBlock)
    assert acc.anomalies == []


def test_case_56_empty_content_delta() -> None:
    """Case 56: a delta with `content: []` changes nothing and gives only message.delta."""
    acc = new()
    feed_all(acc, one_message_setup("Hi"))
    before = state(acc)
    assert kinds(acc.feed(message_delta("msg_1", []))) == ["message.delta"]
    assert state(acc) == before


# --- Callbacks, API shape, resources ------------------------------------------------


def _mutate_everything(value: Any) -> None:
    """Change every mutable dict and list reachable from ``value`` (read-only views are walked)."""
    if isinstance(value, dict):
        for item in list(value.values()):
            _mutate_everything(item)
        value["hacked"] = True
    elif isinstance(value, list):
        for item in value:
            _mutate_everything(item)
        value.append("hacked")
    elif isinstance(value, (Mapping, tuple)):
        for item in value.values() if isinstance(value, Mapping) else value:
            _mutate_everything(item)
    elif attrs.has(type(value)):
        for field in attrs.fields(type(value)):
            _mutate_everything(getattr(value, field.name))
        if isinstance(value, models.Model):
            _mutate_everything(value.extra_fields)


def test_case_58_snapshots_are_not_shared() -> None:
    """Case 58: snapshots are frozen; mutating what they hold or to_dict results changes nothing."""
    unknown = {"index": 1, "id": "w1", "type": "web_browser", "web_browser": {"n": 1, "l": [1]}}
    acc = new()
    changes = feed_all(
        acc,
        [
            run_event("created"),
            step_created("step_1", metadata={"k": "v"}),
            step_delta("step_1", [fn_head(0, "call_1", "f", "{}"), unknown]),
            message_created("msg_1", metadata={"k": "v"}),
            message_delta("msg_1", [text_piece(0, "Hi", [_citation(0, 2)])]),
        ],
    )
    before = state(acc)
    step = acc.run_steps["step_1"]
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        step.status = "hacked"  # type: ignore[misc]
    wire = to_dict(step)
    _mutate_everything(wire)
    assert state(acc) == before, "to_dict result shared"
    if isinstance(step.metadata, dict):
        dict.__setitem__(step.metadata, "k", "hacked")
    assert acc.run_steps["step_1"].metadata == {"k": "v"}, "snapshot metadata shared"
    for snapshot in [step, acc.messages["msg_1"], *acc.runs.values()]:
        _mutate_everything(snapshot)
    assert state(acc) == before, "snapshot shared"
    for change in changes:
        _mutate_everything(change.snapshot)
    assert state(acc) == before, "Change.snapshot shared"
    assert calls(acc, "step_1")[1] == {k: v for k, v in unknown.items() if k != "index"}


def test_case_60_long_streams_accumulate_exactly() -> None:
    """Case 60: 2000 log outputs in one call and 4000 text deltas (~4 MB) accumulate exactly."""
    acc = new()
    head = {"index": 0, "id": "c1", "type": "code_interpreter"}
    head["code_interpreter"] = {"input": "", "outputs": []}
    feed_all(acc, [run_event("created"), step_created("step_1"), step_delta("step_1", [head])])
    logs = [f"line {n}\n" for n in range(2000)]
    for n, line in enumerate(logs):
        acc.feed(step_delta("step_1", [_ci(outputs=[{"index": n, "type": "logs", "logs": line}])]))
    outputs = calls(acc, "step_1")[0]["code_interpreter"]["outputs"]
    assert outputs == [{"type": "logs", "logs": line} for line in logs]

    feed_all(acc, one_message_setup("")[3:])
    pieces = [f"{n:05d}" + "x" * 995 for n in range(4000)]
    for piece in pieces:
        acc.feed(message_delta("msg_1", [text_piece(0, piece)]))
    value = acc.messages["msg_1"].content[0].text.value  # type: ignore[union-attr]
    assert len(value) == 4_000_000
    assert value == "".join(pieces)


def test_case_61_fed_events_are_not_retained() -> None:
    """Case 61: after a long stream the accumulator holds none of the events fed to it."""
    events = recorded("create-thread-and-run-text")
    acc = new()
    refs: list[weakref.ref[Any]] = []
    data_refs: list[weakref.ref[Any]] = []
    for item in events:
        typed = streamkit.parse_event(item)
        refs.append(weakref.ref(typed))
        if typed.event.endswith(".delta"):
            data_refs.append(weakref.ref(typed.data))  # type: ignore[union-attr]
        changes = acc.feed(typed)
        del changes, typed
    gc.collect()
    assert sum(ref() is not None for ref in refs) <= 1
    assert sum(ref() is not None for ref in data_refs) <= 1
    assert acc.done

    # The same for ServerSentEvents (named tuples: no weakrefs, so count references).
    acc = new()
    counts = [sys.getrefcount(item) for item in events]
    for item in events:
        acc.feed(item)
    del item
    gc.collect()
    after = [sys.getrefcount(item) for item in events]  # counted exactly as before
    grown = [n for n in range(len(events)) if after[n] > counts[n]]
    assert len(grown) <= 1, grown


# --- The bundled recordings (streamkit/recordings/README.md) -------------------------


def _replay(name: str, strict: bool = True) -> tuple[streamkit.Accumulator, list[ServerSentEvent]]:
    return streamkit.replay(recordings.read_bytes(name), strict=strict), recorded(name)


@pytest.mark.parametrize("name", ["text-run", "create-thread-and-run-text"])
def test_recording_text_runs(name: str) -> None:
    """Recordings: one message equal to its completed payload; run completed (+ the thread)."""
    acc, events = _replay(name)
    [completed] = payloads(events, "thread.message.completed")
    assert list(acc.messages) == [completed["id"]]
    assert to_dict(acc.messages[completed["id"]]) == completed
    assert acc.messages[completed["id"]].content[0].text.value == "".join(fragments(events))
    assert acc.final_run is not None
    assert acc.final_run.status == "completed"
    assert acc.done
    threads = payloads(events, "thread.created")
    assert [to_dict(t) for t in acc.threads.values()] == threads
    assert bool(threads) == (name == "create-thread-and-run-text")
    assert acc.anomalies == []
    acc = new()
    assert_lifecycle(feed_all(acc, events))


def test_recording_function_call_requires_action() -> None:
    """Recording: step in_progress with one call, arguments "{}"; final run requires_action."""
    acc, _ = _replay("function-call-requires-action")
    [step] = acc.run_steps.values()
    assert step.status == "in_progress"
    [call] = calls(acc, step.id)
    assert call["function"]["arguments"] == "{}"
    assert call["function"]["name"] == "get_current_weather"
    assert acc.final_run is not None
    assert acc.final_run.status == "requires_action"
    assert acc.done
    assert acc.anomalies == []


@pytest.mark.parametrize("name", ["function-call-continuation", "submit-tool-outputs-continuation"])
def test_recording_continuations(name: str) -> None:
    """Recordings: both steps present, the tool step completed with its output."""
    acc, events = _replay(name)
    completed = payloads(events, "thread.run.step.completed")
    assert [to_dict(acc.run_steps[step["id"]]) for step in completed] == completed
    tool_step = completed[0]
    assert tool_step["step_details"]["tool_calls"][0]["function"]["output"]
    assert len(acc.run_steps) == 2
    assert acc.final_run is not None
    assert acc.final_run.status == "completed"
    assert acc.done  # the unterminated last `done` of one recording is dispatched
    [message] = payloads(events, "thread.message.completed")
    assert to_dict(acc.messages[message["id"]]) == message
    assert acc.anomalies == []


def test_recording_parallel_function_calls() -> None:
    """Recording: two calls with correct arguments; the run requires action for both."""
    acc, _ = _replay("parallel-function-calls")
    assert function_args(acc, "step_01") == ["{}", '{"location": "New York"}']
    assert acc.final_run is not None
    assert acc.final_run.status == "requires_action"
    assert acc.final_run.required_action is not None
    tool_calls = acc.final_run.required_action.submit_tool_outputs.tool_calls
    assert [(c.id, c.function.arguments) for c in tool_calls] == [
        ("call_01", "{}"),
        ("call_02", '{"location": "New York"}'),
    ]
    assert acc.anomalies == []


def test_recording_file_search_with_citation() -> None:
    """Recording: the final step has the results; the message equals its completed payload."""
    acc, events = _replay("file-search-with-citation")
    for step in payloads(events, "thread.run.step.completed"):
        assert to_dict(acc.run_steps[step["id"]]) == step
    results = calls(acc, payloads(events, "thread.run.step.completed")[0]["id"])[0]
    assert results["file_search"]["results"][0]["file_name"] == "favorite_foods.txt"
    [message] = payloads(events, "thread.message.completed")
    assert to_dict(acc.messages[message["id"]]) == message
    assert acc.final_run is not None
    assert acc.final_run.status == "completed"
    assert acc.anomalies == []


def test_recording_text_then_server_error() -> None:
    """Recording: strict replay raises StreamError; lenient keeps error, partial text, no run."""
    with pytest.raises(streamkit.StreamError) as info:
        streamkit.replay(recordings.read_bytes("text-then-server-error"))
    assert info.value.error.type == "server_error"
    acc, events = _replay("text-then-server-error", strict=False)
    assert [e.type for e in acc.errors] == ["server_error"]
    [message] = acc.messages.values()
    assert message.content[0].text.value == "".join(fragments(events))  # type: ignore[union-attr]
    assert len(fragments(events)) == 55
    assert acc.final_run is None
    assert not acc.done
