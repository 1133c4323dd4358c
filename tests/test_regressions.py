"""Regression tests of issue 16: inputs that once crashed, and bugs the suite let through.

* The three sequences the first fuzzing campaign found (each three events or
  fewer): they give streamkit errors or anomalies, never another exception.
  All three were fixed before this file was written; they stay here so that
  they stay fixed (tests/test_fuzz.py replays what later campaigns find).
* A rejected event is rolled back whole, checked the way a cache cannot hide:
  the bad event, then good ones, must equal the good events alone, read from
  fresh snapshots -- for both protocols.
* Two runs interleaved in one accumulator: the end of one run closes its own
  steps and messages, never another run's.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import pytest

import streamkit
from streamkit import ServerSentEvent, parse_event, parse_response_event, to_dict
from tests.events import (
    error_event,
    event,
    fn_args,
    fn_head,
    message_created,
    message_delta,
    run_event,
    step_completed,
    step_created,
    step_delta,
    step_obj,
    text_piece,
)
from tests.test_fuzz import uncached

Json = dict[str, Any]

STRICTNESS = [pytest.param(True, id="strict"), pytest.param(False, id="lenient")]
# Events fed as received (parsed by the accumulator) or typed first.
FORMS = [pytest.param(False, id="sse"), pytest.param(True, id="typed")]

RESPONSES = Path(__file__).parent / "data" / "responses"


def snapshots(acc: streamkit.Accumulator) -> Json:
    """Every snapshot an Assistants accumulator holds, as wire dicts."""
    final = acc.final_run
    return {
        "runs": {key: to_dict(value) for key, value in acc.runs.items()},
        "run_steps": {key: to_dict(value) for key, value in acc.run_steps.items()},
        "messages": {key: to_dict(value) for key, value in acc.messages.items()},
        "final_run": None if final is None else to_dict(final),
    }


def response_snapshots(racc: streamkit.ResponseAccumulator) -> Json:
    """Every snapshot a ResponseAccumulator holds, as wire dicts."""
    current, final = racc.response, racc.final_response
    return {
        "responses": {key: to_dict(value) for key, value in racc.responses.items()},
        "response": None if current is None else to_dict(current),
        "final_response": None if final is None else to_dict(final),
    }


def feed_each(
    acc: Any, events: Iterable[ServerSentEvent], *, typed: bool = False
) -> list[Exception]:
    """Feed every event (typed first if asked); return the streamkit errors raised, in order."""
    raised: list[Exception] = []
    for sse in events:
        error = _fed(acc, parse_event(sse) if typed else sse)
        if error is not None:
            raised.append(error)
    return raised


def _fed(acc: Any, event: Any) -> Exception | None:
    """Feed one event: the streamkit error it raised, or None."""
    try:
        acc.feed(event)
    except streamkit.StreamkitError as error:
        return error
    return None


# --- The three sequences of issue 16 -------------------------------------------------

# 1. A content block whose first delta has no `type`, then a delta with annotations.
_TYPELESS_FIRST = [
    run_event("created"),
    message_created("msg_1"),
    message_delta("msg_1", [{"index": 0, "text": {"value": "Fil", "annotations": []}}]),
    message_delta(
        "msg_1",
        [
            {
                "index": 0,
                "type": "text",
                "text": {
                    "value": "x",
                    "annotations": [
                        {
                            "index": 0,
                            "type": "file_citation",
                            "text": "t",
                            "start_index": 0,
                            "end_index": 1,
                            "file_citation": {"file_id": "f"},
                        }
                    ],
                },
            }
        ],
    ),
]


@pytest.mark.parametrize("typed", FORMS)
@pytest.mark.parametrize("strict", STRICTNESS)
def test_issue16_typeless_first_delta_then_annotations(strict: bool, typed: bool) -> None:
    """Sequence 1 (was AttributeError in _merge_dict_entries): the block merges once typed."""
    acc = streamkit.Accumulator(strict=strict)
    assert [] == feed_each(acc, _TYPELESS_FIRST, typed=typed)
    [block] = to_dict(acc.messages["msg_1"])["content"]
    assert block == {
        "type": "text",
        "text": {
            "value": "Filx",
            "annotations": [
                {
                    "type": "file_citation",
                    "text": "t",
                    "file_citation": {"file_id": "f"},
                    "start_index": 0,
                    "end_index": 1,
                }
            ],
        },
    }
    assert [] == acc.anomalies


# 2. A step whose step_details.type is a list, then a delta with tool calls and no type.
_LIST_TAG_STEP = [
    run_event("created"),
    event("thread.run.step.created", step_obj("step_1") | {"step_details": {"type": [1]}}),
    event(
        "thread.run.step.delta",
        {
            "id": "step_1",
            "object": "thread.run.step.delta",
            "delta": {"step_details": {"tool_calls": [fn_head(0, "call_1", "f", "{}")]}},
        },
    ),
]


@pytest.mark.parametrize("strict", STRICTNESS)
def test_issue16_type_tag_of_the_wrong_type_is_refused_on_arrival(strict: bool) -> None:
    """Sequence 2 (was TypeError: unhashable type): the tag is refused, never stored."""
    acc = streamkit.Accumulator(strict=strict)
    raised = feed_each(acc, _LIST_TAG_STEP)
    if strict:
        assert [streamkit.ParseError, streamkit.AccumulateError] == [type(e) for e in raised]
        assert "data.step_details.type" == raised[0].path  # type: ignore[attr-defined]
    else:
        assert [] == raised
        got = [(a.kind, a.position, a.path) for a in acc.anomalies]
        assert [("parse", 2, "data.step_details.type"), ("unknown_id", 3, "data.id")] == got
    assert {} == dict(acc.run_steps)
    with pytest.raises(streamkit.ParseError):  # the typed path refuses it the same way
        parse_event(_LIST_TAG_STEP[1])


# 3. An error event whose error is null.
@pytest.mark.parametrize("strict", STRICTNESS)
def test_issue16_null_error(strict: bool) -> None:
    """Sequence 3 (was AttributeError in _on_error, lenient): an error without details."""
    acc = streamkit.Accumulator(strict=strict)
    raised = feed_each(acc, [run_event("created"), error_event({"error": None})])
    if strict:
        [error] = raised
        assert isinstance(error, streamkit.StreamError)
        assert "event 2 (error): the server reported an error" == str(error)
    else:
        assert [] == raised
        assert ["server_error"] == [a.kind for a in acc.anomalies]
    [received] = acc.errors
    assert (None, None, None) == (received.code, received.message, received.type)
    assert snapshots(acc)["runs"]["run_1"]["status"] == "queued"


def test_issue16_null_error_responses() -> None:
    """The same null error in the Responses stream: recorded, reported, no crash (both modes)."""
    payload = {"type": "error", "sequence_number": 1, "error": None}
    for strict in (True, False):
        racc = streamkit.ResponseAccumulator(strict=strict)
        [change] = racc.feed(ServerSentEvent("error", json.dumps(payload)))
        assert "error" == change.kind
        assert ["server_error"] == [a.kind for a in racc.anomalies]
        assert (racc.pending_error is not None) is strict


# --- (a) A rejected event is rolled back whole ----------------------------------------


RollbackCase = tuple[list[ServerSentEvent], ServerSentEvent, list[Any], str]


def _assistants_rollback_case() -> RollbackCase:
    """(setup, a bad delta that changes things before it fails, good events, its anomaly)."""
    setup = [
        run_event("created"),
        step_created("step_1"),
        step_delta("step_1", [fn_head(0, "call_1", "f", "a")]),
        step_created("step_m", type="message_creation", message_id="msg_1"),
        message_created("msg_1"),
        message_delta("msg_1", [text_piece(0, "Hi", [])]),
    ]
    # Index 0 merges (text appended, a new block opened at 1) before index 5000 is refused.
    bad = message_delta(
        "msg_1", [text_piece(0, " BAD"), text_piece(1, "new", []), text_piece(5000, "x", [])]
    )
    good = [
        message_delta("msg_1", [text_piece(0, " there")]),
        step_delta("step_1", [fn_args(0, "b")]),
        message_delta("msg_1", [text_piece(1, "second", [])]),
    ]
    return setup, bad, good, "bad_index"


def _responses_rollback_case() -> RollbackCase:
    """The same for a recorded Responses stream: a text delta whose logprobs are malformed.

    Its text is appended before its logprobs are found bad; it carries no
    sequence number (a rejected number counts in lenient mode and the good
    event, resent with it, would be skipped as applied). The good events are
    the text's other deltas: its done event, like the terminal one, would
    replace what the deltas built.
    """
    events = streamkit.SSEDecoder().feed((RESPONSES / "openai_text_logprobs.sse").read_bytes())
    at = next(
        i
        for i, sse in enumerate(events)
        if json.loads(sse.data).get("type") == "response.output_text.delta"
    )
    payload = json.loads(events[at].data)
    del payload["sequence_number"]
    payload["delta"] = " BAD"
    payload["logprobs"] = ["not a logprob"]
    bad = ServerSentEvent(events[at].event, json.dumps(payload))
    end = next(
        i
        for i, sse in enumerate(events)
        if json.loads(sse.data).get("type") == "response.output_text.done"
    )
    return events[:at], bad, events[at:end], "parse"


@pytest.mark.parametrize("read_before", [False, True], ids=["cold", "cached"])
@pytest.mark.parametrize("protocol", ["assistants", "responses"])
def test_rejected_event_is_rolled_back_lenient(protocol: str, read_before: bool) -> None:
    """Lenient: setup, a bad event, the good ones == setup and the good ones alone.

    Read from fresh snapshots (``cold``: nothing read before the end), and
    from snapshots read just before the bad event (``cached``): either way a
    half-applied event would show, whatever the caches hold.
    """
    if protocol == "assistants":
        setup, bad, good, kind = _assistants_rollback_case()
        make, read = streamkit.Accumulator, snapshots
    else:
        setup, bad, good, kind = _responses_rollback_case()
        make, read = streamkit.ResponseAccumulator, response_snapshots  # type: ignore[assignment]
    fed = make(strict=False)
    feed_each(fed, setup)
    if read_before:
        before = read(fed)
    assert [] == fed.feed(bad)
    assert 1 == len(fed.anomalies)
    if read_before:
        assert read(fed) == before
    feed_each(fed, good)
    alone = make(strict=False)
    feed_each(alone, [*setup, *good])
    assert read(fed) == read(alone)
    assert [kind] + [a.kind for a in alone.anomalies] == [a.kind for a in fed.anomalies]
    assert "BAD" not in json.dumps(read(fed))


@pytest.mark.parametrize("protocol", ["assistants", "responses"])
def test_rejected_event_is_rolled_back_strict(protocol: str) -> None:
    """Strict: the error raised, the stream fed on, the result is that of the good events alone."""
    if protocol == "assistants":
        setup, bad, good, _kind = _assistants_rollback_case()
        make, read = streamkit.Accumulator, snapshots
    else:
        setup, bad, good, _kind = _responses_rollback_case()
        make, read = streamkit.ResponseAccumulator, response_snapshots  # type: ignore[assignment]
    fed = make()
    feed_each(fed, setup)
    with pytest.raises(streamkit.StreamkitError):
        fed.feed(bad)
    feed_each(fed, good)
    alone = make()
    feed_each(alone, [*setup, *good])
    assert read(fed) == read(alone)


def test_responses_rollback_case_is_parsed_as_recorded() -> None:
    """The Responses case's bad event is refused for its logprobs (what the case relies on)."""
    _setup, bad, _good, _kind = _responses_rollback_case()
    with pytest.raises(streamkit.ParseError) as info:
        parse_response_event(bad)
    assert info.value.path.startswith("data.logprobs[0]")


# --- (c) Two runs interleaved in one accumulator ---------------------------------------


def _interleaved_runs() -> list[ServerSentEvent]:
    """run_1 ends (completed) while run_2's step streams a function call."""
    return [
        run_event("created", run_id="run_1"),
        run_event("created", run_id="run_2"),
        step_created("step_a", "run_1"),
        step_delta("step_a", [fn_head(0, "call_a", "f", "{")]),
        step_created("step_b", "run_2"),
        step_delta("step_b", [fn_head(0, "call_b", "g", "[")]),
        step_delta("step_b", [fn_head(1, "call_c", "h", "(")]),
        message_created("msg_1", "run_1"),
        message_delta("msg_1", [text_piece(0, "one", [])]),
        message_created("msg_2", "run_2"),
        message_delta("msg_2", [text_piece(0, "two", [])]),
        # run_1 ends with its step and message still open: it closes those.
        run_event("completed", run_id="run_1"),
        # run_2's objects stream on.
        step_delta("step_b", [fn_args(0, "1]")]),
        message_delta("msg_2", [text_piece(0, " more")]),
        step_completed(
            "step_b",
            [
                {"id": "call_b", "type": "function", "function": {"name": "g", "arguments": "[1]"}},
                {"id": "call_c", "type": "function", "function": {"name": "h", "arguments": "("}},
            ],
            run_id="run_2",
        ),
        run_event("completed", run_id="run_2"),
    ]


def _dones(changes: Sequence[streamkit.Change]) -> list[tuple[str, str, int | None, int]]:
    return [(c.kind, c.id, c.index, c.position) for c in changes if c.kind.endswith(".done")]


def test_a_run_ending_closes_only_its_own_objects() -> None:
    """run_1's end closes step_a, call_a, msg_1 and its text; run_2's stay open, then close once."""
    events = _interleaved_runs()
    acc = streamkit.Accumulator()
    changes: list[streamkit.Change] = []
    for sse in events:
        changes += acc.feed(sse)
    run_1_end = 12
    step_b_end = 15
    run_2_end = 16
    assert _dones(changes) == [
        ("tool_call.done", "step_a", 0, run_1_end),
        ("step.done", "step_a", None, run_1_end),
        ("text.done", "msg_1", 0, run_1_end),
        ("message.done", "msg_1", None, run_1_end),
        ("run.done", "run_1", None, run_1_end),
        ("tool_call.done", "step_b", 0, step_b_end),
        ("tool_call.done", "step_b", 1, step_b_end),
        ("step.done", "step_b", None, step_b_end),
        ("text.done", "msg_2", 0, run_2_end),
        ("message.done", "msg_2", None, run_2_end),
        ("run.done", "run_2", None, run_2_end),
    ]
    # Between run_1's end and step_b's, run_2's objects took deltas as open objects do.
    middle = [(c.kind, c.id, c.index) for c in changes if run_1_end < c.position < step_b_end]
    assert middle == [
        ("step.delta", "step_b", None),
        ("tool_call.delta", "step_b", 0),
        ("message.delta", "msg_2", None),
        ("text.delta", "msg_2", 0),
    ]
    calls = to_dict(acc.run_steps["step_b"])["step_details"]["tool_calls"]
    assert ["[1]", "("] == [call["function"]["arguments"] for call in calls]
    assert "two more" == to_dict(acc.messages["msg_2"])["content"][0]["text"]["value"]
    assert [] == acc.anomalies


# --- Found by the fuzzer (tests/test_fuzz.py; the inputs are in tests/data/fuzz/) -------------


def _response_event(payload: Json) -> ServerSentEvent:
    return ServerSentEvent(payload["type"], json.dumps(payload))


_ENVELOPE: Json = {
    "id": "resp_1",
    "object": "response",
    "created_at": 1,
    "status": "in_progress",
    "model": "m",
    "output": [],
}
_CALL_ITEM: Json = {
    "id": "fc_1",
    "type": "function_call",
    "call_id": "call_1",
    "name": "f",
    "arguments": "{}",
    "status": "completed",
}


@pytest.mark.parametrize("strict", STRICTNESS)
def test_a_late_part_of_a_done_item_changes_nothing(strict: bool) -> None:
    """A content part for an item already done is ignored: its item gets no ``content`` list.

    The fuzzer found the part's list made before the item was found done (an
    image generation item then read back with ``content: []``); the cached
    snapshot hid it until something rebuilt the item.
    """
    events = [
        _response_event({"type": "response.created", "sequence_number": 0, "response": _ENVELOPE}),
        _response_event(
            {
                "type": "response.output_item.added",
                "sequence_number": 1,
                "output_index": 0,
                "item": _CALL_ITEM,
            }
        ),
        _response_event(
            {
                "type": "response.output_item.done",
                "sequence_number": 2,
                "output_index": 0,
                "item": _CALL_ITEM,
            }
        ),
    ]
    late = _response_event(
        {
            "type": "response.content_part.added",
            "sequence_number": 3,
            "output_index": 0,
            "item_id": "fc_1",
            "content_index": 0,
            "part": {"type": "output_text", "text": "", "annotations": []},
        }
    )
    racc = streamkit.ResponseAccumulator(strict=strict)
    feed_each(racc, events)
    before = response_snapshots(racc)
    assert [] == racc.feed(late)
    assert ["late_delta"] == [a.kind for a in racc.anomalies]
    with uncached():
        assert response_snapshots(racc) == before
    assert [_CALL_ITEM] == before["response"]["output"]


@pytest.mark.parametrize("output", ["absent", None])
@pytest.mark.parametrize("strict", STRICTNESS)
def test_a_response_without_output_reads_the_same_fresh(strict: bool, output: Any) -> None:
    """A response event without an ``output`` list: its snapshot, cached or built afresh, agrees.

    The fuzzer found a response.in_progress (first) whose output key was
    damaged: the accumulator gave the node an empty output list while its
    cached snapshot had none. An item added later still lands in ``output``.
    """
    envelope = {key: value for key, value in _ENVELOPE.items() if key != "output"}
    if output is None:
        envelope["output"] = None
    terminal = envelope | {"status": "completed"}
    racc = streamkit.ResponseAccumulator(strict=strict)
    racc.feed(_response_event({"type": "response.in_progress", "response": envelope}))
    first = response_snapshots(racc)
    with uncached():
        assert response_snapshots(racc) == first
    racc.feed(_response_event({"type": "response.completed", "response": terminal}))
    done = response_snapshots(racc)
    with uncached():
        assert response_snapshots(racc) == done
    assert done["final_response"] == terminal

    racc = streamkit.ResponseAccumulator(strict=strict)
    racc.feed(_response_event({"type": "response.created", "response": envelope}))
    added = {"type": "response.output_item.added", "output_index": 0, "item": _CALL_ITEM}
    racc.feed(_response_event(added))
    with uncached():
        fresh = response_snapshots(racc)
    assert response_snapshots(racc) == fresh
    assert [_CALL_ITEM] == fresh["response"]["output"]
