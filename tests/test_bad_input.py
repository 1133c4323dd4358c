"""Hostile and malformed input at every entry point: bounded, reported, never a crash.

* JSON nested deeper than :data:`streamkit._engine.convert.MAX_DEPTH` in a
  value the schema does not describe (free-form fields, unknown keys, objects
  of unknown types, unknown events) is a ``ParseError`` naming the field
  (strict) or a ``parse`` anomaly (lenient) -- never a ``RecursionError`` --
  from ``parse_event``, the accumulator, ``replay`` and ``streamkit replay``;
  at the limit it is accepted and written back unchanged.
* Every value the merge stores has been checked against the schema plan of
  what the snapshot is built as, so reading a snapshot never fails.
* A late delta after a terminal object, a ``null`` error, a run closing among
  thousands of steps, a recording replayed from one large ``bytes``.
* ``to_dict`` takes any model, event, snapshot or (frozen) JSON value.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tracemalloc
from collections.abc import Callable, Sequence
from pathlib import Path
from types import MappingProxyType
from typing import Any

import attrs
import pytest

import streamkit
from streamkit import ParseError, ServerSentEvent, models, parse_event, to_dict
from streamkit._engine.changes import ObjectState
from streamkit._engine.convert import MAX_DEPTH, json_error_where, loads
from streamkit._engine.merge import BadShape, Tx, merge_object
from streamkit._engine.nodes import Node
from streamkit.testing import encode
from tests.events import (
    error_event,
    event,
    fn_args,
    fn_head,
    message_completed,
    message_created,
    message_delta,
    message_obj,
    run_event,
    run_obj,
    step_completed,
    step_created,
    step_delta,
    step_obj,
    text_block,
    text_piece,
)
from tests.test_accumulate_cases import (
    STRICTNESS,
    check_rejected,
    feed_all,
    new,
    one_call_setup,
    one_message_setup,
    state,
)

Json = dict[str, Any]

# Where a test puts deeply nested JSON into a payload.
DEEP = "@DEEP@"


def nested(levels: int) -> str:
    """JSON text nested ``levels`` objects deep (``1`` is 0 levels, ``{"a":1}`` is 1)."""
    return '{"a":' * levels + "1" + "}" * levels


def with_deep(
    name: str, payload: Any, levels: int, *, long_number: bool = False
) -> ServerSentEvent:
    """The event ``name`` whose payload has ``nested(levels)`` where it holds DEEP."""
    text = json.dumps(payload, separators=(",", ":"))
    assert 1 == text.count(f'"{DEEP}"')
    deep = nested(levels)
    if long_number:
        # A 20-digit integer sends the text to the stdlib parser (orjson would
        # lose its precision): the result must not depend on the parser.
        deep = deep.replace("1", "12345678901234567890", 1)
    return ServerSentEvent(name, text.replace(f'"{DEEP}"', deep))


def _run_with_parameters() -> tuple[str, Json]:
    tool = {"type": "function", "function": {"name": "f", "parameters": DEEP}}
    return "thread.run.created", run_obj("queued", tools=[tool])


def _run_with_unknown_key() -> tuple[str, Json]:
    return "thread.run.created", run_obj("queued", x_deep=DEEP)


def _step_with_unknown_tool() -> tuple[str, Json]:
    call = {"id": "call_f", "type": "future_tool", "future_tool": DEEP}
    return "thread.run.step.completed", step_obj("step_1", status="completed", tool_calls=[call])


def _delta_entry_unknown_key() -> tuple[str, Json]:
    entry = fn_args(0, "b") | {"x_deep": DEEP}
    return "thread.run.step.delta", json.loads(step_delta("step_1", [entry]).data)


# The entries at index 1 come second: parse_event's paths give positions in
# the array, the accumulator's the `index` (here the same).
def _delta_entry_unknown_type() -> tuple[str, Json]:
    entry = {"index": 1, "type": "future_tool", "future_tool": DEEP}
    return "thread.run.step.delta", json.loads(step_delta("step_1", [fn_args(0, "b"), entry]).data)


def _delta_file_search() -> tuple[str, Json]:
    entry = {"index": 1, "id": "fs_1", "type": "file_search", "file_search": DEEP}
    return "thread.run.step.delta", json.loads(step_delta("step_1", [fn_args(0, "b"), entry]).data)


def _delta_payload_unknown_key() -> tuple[str, Json]:
    payload = json.loads(message_delta("msg_1", [text_piece(0, "!")]).data)
    return "thread.message.delta", payload | {"x_deep": DEEP}


def _delta_object_unknown_key() -> tuple[str, Json]:
    payload = json.loads(message_delta("msg_1", [text_piece(0, "!")]).data)
    payload["delta"]["x_deep"] = DEEP
    return "thread.message.delta", payload


_RUN_SETUP: list[ServerSentEvent] = []
_STEP_SETUP = [run_event("created"), step_created("step_1")]

# name -> (the payload with DEEP, what is fed before it, the field path named
# by the error -- a prefix: the keys inside a free-form value are payload text).
PLACES: dict[str, tuple[Callable[[], tuple[str, Json]], Sequence[ServerSentEvent], str]] = {
    "function parameters": (_run_with_parameters, _RUN_SETUP, "data.tools[0].function.parameters"),
    "unknown key of a run": (_run_with_unknown_key, _RUN_SETUP, "data.x_deep"),
    "object of an unknown type": (
        _step_with_unknown_tool,
        _STEP_SETUP,
        "data.step_details.tool_calls[0]",
    ),
    "unknown key of a delta entry": (
        _delta_entry_unknown_key,
        one_call_setup(),
        "data.delta.step_details.tool_calls[0].x_deep",
    ),
    "delta entry of an unknown type": (
        _delta_entry_unknown_type,
        one_call_setup(),
        "data.delta.step_details.tool_calls[1]",
    ),
    "free-form value in a delta": (
        _delta_file_search,
        one_call_setup(),
        "data.delta.step_details.tool_calls[1].file_search",
    ),
    "unknown key of a delta event": (
        _delta_payload_unknown_key,
        one_message_setup(),
        "data.x_deep",
    ),
    "unknown key of a delta object": (
        _delta_object_unknown_key,
        one_message_setup(),
        "data.delta.x_deep",
    ),
}


def _deep_event(place: str, levels: int, long_number: bool = False) -> ServerSentEvent:
    name, payload = PLACES[place][0]()
    return with_deep(name, payload, levels, long_number=long_number)


class TestDepthLimit:
    def test_the_limit_is_256_levels(self) -> None:
        """One documented limit: far above real payloads, far below orjson's 1024 and the stack."""
        assert 256 == MAX_DEPTH

    @pytest.mark.parametrize("long_number", [False, True], ids=["orjson", "stdlib"])
    @pytest.mark.parametrize("place", list(PLACES))
    def test_parse_event_at_and_past_the_limit(self, place: str, long_number: bool) -> None:
        """MAX_DEPTH levels parse and write back; one more is a ParseError saying where."""
        at_limit = _deep_event(place, MAX_DEPTH, long_number)
        parsed = parse_event(at_limit)
        assert json.loads(at_limit.data) == to_dict(parsed)["data"]
        with pytest.raises(ParseError) as info:
            parse_event(_deep_event(place, MAX_DEPTH + 1, long_number))
        assert info.value.path.startswith(PLACES[place][2])
        assert f"{MAX_DEPTH} levels" in info.value.reason
        assert "RecursionError" not in repr(info.value.__context__)

    @pytest.mark.parametrize("place", list(PLACES))
    def test_accumulator_accepts_the_limit(self, place: str) -> None:
        """At MAX_DEPTH, every snapshot, delta and event of the stream reads and writes back."""
        for strict in (True, False):
            acc = new(strict)
            changes = feed_all(acc, [*PLACES[place][1], _deep_event(place, MAX_DEPTH)])
            for change in changes:
                to_dict(change.event)
                if change.delta is not None:
                    to_dict(change.delta)
                if change.snapshot is not None:
                    to_dict(change.snapshot)
            assert [] == acc.anomalies
            state(acc)

    @pytest.mark.parametrize("strict", STRICTNESS)
    @pytest.mark.parametrize("place", list(PLACES))
    def test_accumulator_rejects_one_level_more(self, place: str, strict: bool) -> None:
        """Past MAX_DEPTH: ParseError (strict) or a "parse" anomaly (lenient), nothing applied."""
        setup = PLACES[place][1]
        acc = check_rejected(
            setup,
            _deep_event(place, MAX_DEPTH + 1),
            strict=strict,
            anomaly="parse",
            error=ParseError,
        )
        if not strict:
            [anomaly] = acc.anomalies
            assert anomaly.path.startswith(PLACES[place][2])

    @pytest.mark.parametrize("strict", STRICTNESS)
    def test_json_deeper_than_any_parser_takes(self, strict: bool) -> None:
        """Nesting past orjson's 1024 and the stack: "not valid JSON (nested too deeply)"."""
        bad = _deep_event("function parameters", 50_000)
        with pytest.raises(ParseError, match="nested too deeply"):
            parse_event(bad)
        check_rejected([], bad, strict=strict, anomaly="parse", error=ParseError)

    @pytest.mark.parametrize("long_number", [False, True], ids=["orjson", "stdlib"])
    def test_loads_never_raises_recursion_error(self, long_number: bool) -> None:
        """convert.loads: JSON nested past what a parser follows is a ValueError saying so."""
        text = "[" * 100_000 + ("12345678901234567890" if long_number else "1") + "]" * 100_000
        with pytest.raises(ValueError, match="nested too deeply") as info:
            loads(text)
        assert "nested too deeply" == json_error_where(info.value)

    def test_unknown_event_too_deep_keeps_its_text(self) -> None:
        """An unknown event's payload is JSON up to the limit, its text past it (as non-JSON)."""
        at_limit = ServerSentEvent("thread.future", "[" + nested(MAX_DEPTH) + "]")
        past = ServerSentEvent("thread.future", "[" + nested(MAX_DEPTH + 1) + "]")
        assert [json.loads(nested(MAX_DEPTH))] == parse_event(at_limit).data
        assert past.data == parse_event(past).data
        acc = new()
        feed_all(acc, [at_limit, past])
        assert [json.loads(at_limit.data), past.data] == [
            to_dict(e)["data"] for e in acc.unknown_events
        ]

    def test_a_model_built_in_python_too_deep_for_to_dict(self) -> None:
        """to_dict of a model built in Python: the limit holds, as a ValueError, not a crash."""
        ok = models.FunctionDefinition(name="f", parameters=json.loads(nested(MAX_DEPTH)))
        assert json.loads(nested(MAX_DEPTH)) == to_dict(ok)["parameters"]
        bad = models.FunctionDefinition(name="f", parameters=json.loads(nested(MAX_DEPTH + 1)))
        with pytest.raises(ValueError, match=f"{MAX_DEPTH} levels"):
            to_dict(bad)

    @pytest.mark.parametrize("place", ["function parameters", "unknown key of a delta entry"])
    def test_replay_at_and_past_the_limit(self, place: str) -> None:
        """replay(): the limit replays; one more level is a ParseError with what came first."""
        setup = list(PLACES[place][1])
        ok = streamkit.replay(
            encode([*setup, _deep_event(place, MAX_DEPTH), run_event("completed")])
        )
        assert "completed" == ok.runs["run_1"].status
        bad = encode([*setup, _deep_event(place, MAX_DEPTH + 1)])
        with pytest.raises(ParseError) as info:
            streamkit.replay(bad)
        assert info.value.path.startswith(PLACES[place][2])
        assert len(setup) == info.value.accumulator.position - 1
        [anomaly] = streamkit.replay(bad, strict=False).anomalies
        assert "parse" == anomaly.kind

    @pytest.mark.parametrize("lenient", [False, True], ids=["strict", "lenient"])
    def test_streamkit_replay_reports_it(self, tmp_path: Path, lenient: bool) -> None:
        """`streamkit replay` names the field in one line (strict) or goes on (lenient)."""
        events = [_deep_event("function parameters", MAX_DEPTH + 1), run_event("created")]
        path = tmp_path / "deep.sse"
        path.write_bytes(encode(events))
        env = {**os.environ, "PYTHONPATH": str(Path(streamkit.__file__).parent.parent)}
        args = [sys.executable, "-m", "streamkit", "replay", str(path)]
        args += ["--lenient", "--json"] if lenient else []
        result = subprocess.run(args, capture_output=True, text=True, check=False, env=env)
        assert "Traceback" not in result.stderr
        if lenient:
            assert 0 == result.returncode, result.stderr
            [line] = json.loads(result.stdout)["anomalies"]
            assert "data.tools[0].function.parameters" == line["path"]
        else:
            assert 1 == result.returncode
            [line] = result.stderr.splitlines()
            assert "event 1 (thread.run.created): data.tools[0].function.parameters" in line


# --- Values the merge stores are checked against what the snapshot is built as ----------


def _file_search(index: int, file_search: Any) -> Json:
    return {"index": index, "id": "fs_1", "type": "file_search", "file_search": file_search}


class TestMergeChecksWhatSnapshotsRead:
    @pytest.mark.parametrize("strict", STRICTNESS)
    @pytest.mark.parametrize(
        "file_search",
        [{"results": "x"}, {"results": [{"score": "high"}]}, {"ranking_options": 5}],
        ids=["results", "score", "ranking_options"],
    )
    def test_file_search_delta_of_the_wrong_shape(self, strict: bool, file_search: Json) -> None:
        """A file_search delta the snapshot's FileSearchToolCallFileSearch cannot take: rejected."""
        bad = step_delta("step_1", [_file_search(1, file_search)])
        acc = check_rejected(
            one_call_setup(), bad, strict=strict, anomaly="parse", error=ParseError
        )
        assert acc.run_steps["step_1"].step_details is not None

    def test_file_search_delta_of_the_right_shape(self) -> None:
        """A file_search delta is typed in the snapshot as the server's whole object would be."""
        acc = new()
        feed_all(acc, one_call_setup())
        acc.feed(step_delta("step_1", [_file_search(1, {"results": [{"score": 0.5}]})]))
        details = acc.run_steps["step_1"].step_details
        assert isinstance(details, models.ToolCallsStepDetails)
        call = details.tool_calls[1]
        assert isinstance(call, models.FileSearchToolCall)
        assert call.file_search is not None
        assert 0.5 == call.file_search.results[0].score  # type: ignore[index]

    def test_lenient_consume_survives_a_bad_file_search_delta(self) -> None:
        """consume(strict=False) with a handler reading every snapshot runs to the end."""
        events = [*one_call_setup(), step_delta("step_1", [_file_search(1, {"results": "x"})])]
        events += [step_delta("step_1", [fn_args(0, "b")]), run_event("completed")]
        handlers = streamkit.Handlers()
        seen: list[str] = []

        @handlers.on("tool_call.delta")
        def delta(_delta: Any, snapshot: Any) -> None:
            seen.append(to_dict(snapshot)["function"]["arguments"])

        acc = streamkit.consume(encode(events), handlers, strict=False)
        assert ["ab"] == seen
        assert ["parse"] == [a.kind for a in acc.anomalies]

    @pytest.mark.parametrize("strict", STRICTNESS)
    def test_step_with_a_type_tag_that_is_not_a_string(self, strict: bool) -> None:
        """step_details {"type": [1]} is refused when it arrives: a later delta finds no step."""
        step = step_obj("step_1") | {"step_details": {"type": [1]}}
        bad = event("thread.run.step.created", step)
        with pytest.raises(ParseError) as info:
            parse_event(bad)
        assert "data.step_details.type" == info.value.path
        acc = check_rejected(
            [run_event("created")], bad, strict=strict, anomaly="parse", error=ParseError
        )
        assert {} == dict(acc.run_steps)
        if not strict:
            acc.feed(step_delta("step_1", [fn_head(0, "call_1")]))
            assert ["parse", "unknown_id"] == [a.kind for a in acc.anomalies]
            assert {} == dict(acc.run_steps)

    @pytest.mark.parametrize("tag", [7, ["list"], {"a": 1}, True])
    def test_any_non_string_type_tag_is_a_parse_error(self, tag: Any) -> None:
        """A `type` that is not a string (nor null) is malformed, not an unknown type."""
        message = message_obj("msg_1", content=[{"type": tag, "text": {"value": "x"}}])
        with pytest.raises(ParseError) as info:
            parse_event(event("thread.message.completed", message))
        assert "data.content[0].type" == info.value.path

    @pytest.mark.parametrize("strict", STRICTNESS)
    def test_typeless_entry_later_typed_is_checked_then(self, strict: bool) -> None:
        """An entry kept raw (no type yet) is checked when its type arrives, before it is stored."""
        raw = step_delta("step_1", [{"index": 1, "function": {"name": 5}}])
        typed = step_delta("step_1", [{"index": 1, "type": "function"}])
        acc = check_rejected(
            [*one_call_setup(), raw], typed, strict=strict, anomaly="parse", error=ParseError
        )
        assert isinstance(acc.run_steps["step_1"].step_details, models.ToolCallsStepDetails)
        if strict:
            with pytest.raises(ParseError) as info:
                feed_all(new(), [*one_call_setup(), raw, typed])
            assert "data.delta.step_details.tool_calls[1].function.name" == info.value.path

    def test_typeless_entry_later_typed_merges(self) -> None:
        """A valid typeless entry becomes the typed object, with its text and the later deltas."""
        acc = new()
        feed_all(acc, one_call_setup())
        acc.feed(step_delta("step_1", [{"index": 1, "function": {"name": "g", "arguments": "x"}}]))
        acc.feed(step_delta("step_1", [{"index": 1, "type": "function", "id": "call_2"}]))
        acc.feed(step_delta("step_1", [fn_args(1, "y")]))
        details = acc.run_steps["step_1"].step_details
        assert isinstance(details, models.ToolCallsStepDetails)
        call = details.tool_calls[1]
        assert isinstance(call, models.FunctionToolCall)
        assert ("call_2", "g", "xy") == (call.id, call.function.name, call.function.arguments)

    @pytest.mark.parametrize("strict", STRICTNESS)
    def test_typeless_step_details_later_typed_is_checked_then(self, strict: bool) -> None:
        """step_details kept raw (no type) is checked when its type arrives."""
        setup = [*_TYPELESS_STEP_SETUP, _details_delta({"message_creation": {"message_id": 5}})]
        typed = _details_delta({"type": "message_creation"})
        check_rejected(setup, typed, strict=strict, anomaly="parse", error=ParseError)

    def test_typeless_step_details_later_typed_keeps_its_tool_calls(self) -> None:
        """Tool calls sent before step_details named its type are kept, opened and merged."""
        acc = new()
        changes = feed_all(acc, _TYPELESS_STEP_SETUP)
        changes += acc.feed(_details_delta({"tool_calls": [fn_head(0, "call_1", "f", "a")]}))
        typed = {"type": "tool_calls", "tool_calls": [fn_args(0, "b")]}
        changes += acc.feed(_details_delta(typed))
        details = acc.run_steps["step_1"].step_details
        assert isinstance(details, models.ToolCallsStepDetails)
        [call] = details.tool_calls
        assert isinstance(call, models.FunctionToolCall)
        assert ("call_1", "ab") == (call.id, call.function.arguments)
        tool_call_changes = [c.kind for c in changes if c.kind.startswith("tool_")]
        assert ["tool_call.created", "tool_call.delta"] == tool_call_changes

    @pytest.mark.parametrize(
        ("cls", "value", "path"),
        [
            (models.ThreadToolResourcesCodeInterpreter, {"file_ids": ["a", 5]}, "d.file_ids[1]"),
            (models.Run, {"metadata": {"a": 5}}, "d.metadata.a"),
            (
                models.FunctionDefinition,
                {"parameters": json.loads(nested(MAX_DEPTH + 1))},
                "d.parameters",
            ),
        ],
        ids=["array of strings", "object of strings", "free-form"],
    )
    def test_set_values_are_checked_whole(self, cls: type, value: Json, path: str) -> None:
        """A set-once array, map or free-form value is checked to its leaves, as parsing does."""
        with pytest.raises(BadShape) as info:
            merge_object(cls, value, Node(), "d", Tx(lenient=False))
        assert info.value.path.startswith(path)


# A step created without step_details: what deltas send first is kept raw.
_TYPELESS_STEP_SETUP = [
    run_event("created"),
    event("thread.run.step.created", step_obj("step_1") | {"step_details": None}),
]


def _details_delta(details: Json) -> ServerSentEvent:
    payload = {
        "id": "step_1",
        "object": "thread.run.step.delta",
        "delta": {"step_details": details},
    }
    return event("thread.run.step.delta", payload)


# --- Smaller defects --------------------------------------------------------------


class TestErrorEvent:
    def test_null_error_in_lenient_mode(self) -> None:
        """{"error": null}: recorded as a server error without details, no crash."""
        acc = new(strict=False)
        changes = feed_all(acc, [run_event("created"), error_event({"error": None})])
        assert ["run.created", "error"] == [c.kind for c in changes]
        assert ["server_error"] == [a.kind for a in acc.anomalies]
        [error] = acc.errors
        assert (None, None) == (error.message, error.type)

    def test_null_error_in_strict_mode(self) -> None:
        """{"error": null}: a StreamError, not an AttributeError."""
        acc = new()
        with pytest.raises(streamkit.StreamError, match="the server reported an error") as info:
            feed_all(acc, [run_event("created"), error_event({"error": None})])
        assert "None" not in str(info.value)
        assert 1 == len(acc.errors)


class TestLateDeltas:
    @pytest.mark.parametrize("strict", STRICTNESS)
    def test_delta_after_step_completed_is_ignored_and_recorded(self, strict: bool) -> None:
        """The terminal object is authoritative: a later delta changes nothing, in both modes."""
        acc = new(strict)
        final_call = {"id": "call_1", "type": "function", "function": {"name": "f"}}
        final_call["function"] |= {"arguments": "a", "output": None}
        feed_all(acc, [*one_call_setup(), step_completed("step_1", [final_call])])
        before = to_dict(acc.run_steps["step_1"])
        assert [] == acc.feed(step_delta("step_1", [fn_args(0, "LATE")]))
        assert before == to_dict(acc.run_steps["step_1"])
        [anomaly] = acc.anomalies
        assert ("late_delta", "step_1", 6) == (anomaly.kind, anomaly.object_id, anomaly.position)

    @pytest.mark.parametrize("strict", STRICTNESS)
    def test_delta_after_message_completed_is_ignored_and_recorded(self, strict: bool) -> None:
        """Same for a message."""
        acc = new(strict)
        feed_all(acc, [*one_message_setup(), message_completed("msg_1", [text_block("Hi")])])
        before = to_dict(acc.messages["msg_1"])
        assert [] == acc.feed(message_delta("msg_1", [text_piece(0, "LATE")]))
        assert before == to_dict(acc.messages["msg_1"])
        assert ["late_delta"] == [a.kind for a in acc.anomalies]

    def test_delta_after_the_run_ended_still_merges(self) -> None:
        """A step closed only by its run's end (no terminal object) is not authoritative."""
        acc = new()
        feed_all(acc, [*one_call_setup(), run_event("requires_action")])
        acc.feed(step_delta("step_1", [fn_args(0, "b")]))
        details = acc.run_steps["step_1"].step_details
        assert isinstance(details, models.ToolCallsStepDetails)
        assert "ab" == details.tool_calls[0].function.arguments  # type: ignore[union-attr]
        assert [] == acc.anomalies


def test_closing_a_run_visits_only_its_own_open_objects(monkeypatch: pytest.MonkeyPatch) -> None:
    """A run's end costs what that run holds open, not every step and message seen so far.

    Counted, not timed: how often a state's run id is read while 300 runs of
    one step and one message each start and complete (was 300 x 600 / 2).
    """
    reads = [0]
    slot = ObjectState.__dict__["parent_id"]

    class Counted:
        def __get__(self, obj: Any, cls: Any = None) -> Any:
            if obj is None:
                return self
            reads[0] += 1
            return slot.__get__(obj, cls)

        def __set__(self, obj: Any, value: Any) -> None:
            slot.__set__(obj, value)

    monkeypatch.setattr(ObjectState, "parent_id", Counted())
    acc = new()
    runs = 300
    for number in range(runs):
        run_id = f"run_{number}"
        feed_all(
            acc,
            [
                run_event("created", run_id=run_id),
                step_created(f"step_{number}", run_id),
                message_created(f"msg_{number}", run_id),
                run_event("completed", run_id=run_id),
            ],
        )
    assert all(acc.run_steps[f"step_{n}"] for n in range(runs))
    assert reads[0] <= 4 * runs


def _peak(action: Callable[[], Any]) -> int:
    tracemalloc.start()
    try:
        action()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


@pytest.mark.parametrize("kind", [bytes, bytearray, memoryview])
def test_replay_of_large_bytes_does_not_copy_them(kind: Callable[[bytes], Any]) -> None:
    """replay(bytes) reads in chunks: its peak is independent of the size of the stream."""
    body = encode([run_event("created")]) + b": keep-alive\n\n" * 400_000
    source = kind(body + encode([run_event("completed")]))
    streamkit.replay(bytes(source[:100_000]))  # first use: hooks generated, modules imported
    replayed: list[streamkit.Accumulator] = []
    peak = _peak(lambda: replayed.append(streamkit.replay(source)))
    assert "completed" == replayed[0].runs["run_1"].status
    assert peak < len(body) // 4


# --- to_dict ----------------------------------------------------------------------


class TestToDict:
    def test_unknown_event_data(self) -> None:
        """The payload of an unknown event, as parsed, is plain JSON."""
        unknown = parse_event(ServerSentEvent("thread.future", '{"a": [1, {"b": null}]}'))
        assert {"a": [1, {"b": None}]} == to_dict(unknown.data)

    @pytest.mark.parametrize(
        ("value", "expected"),
        [
            (MappingProxyType({"a": (1, MappingProxyType({"b": (True, None)}))}), None),
            ((1, "x", 2.5), [1, "x", 2.5]),
            ("text", "text"),
            (3, 3),
            (None, None),
            ([{"a": (1,)}], [{"a": [1]}]),
        ],
        ids=["mappingproxy", "tuple", "str", "int", "null", "list"],
    )
    def test_frozen_and_plain_json(self, value: Any, expected: Any) -> None:
        """Frozen JSON (mappingproxy, tuple), plain JSON and scalars come back as plain JSON."""
        if expected is None and value is not None:
            expected = {"a": [1, {"b": [True, None]}]}
        result = to_dict(value)
        assert expected == result
        assert json.loads(json.dumps(result)) == result

    def test_values_a_snapshot_holds(self) -> None:
        """extra_fields, UnknownObject.raw, free-form fields and mappings of snapshots."""
        acc = new()
        step = step_obj("step_1", x_new={"k": [1]})
        step["step_details"]["tool_calls"] = [{"id": "c", "type": "future", "future": {"q": 1}}]
        feed_all(acc, [run_event("created"), event("thread.run.step.created", step)])
        snapshot = acc.run_steps["step_1"]
        assert {"k": [1]} == to_dict(snapshot.extra_fields)["x_new"]
        [unknown] = snapshot.step_details.tool_calls  # type: ignore[union-attr]
        assert {"id": "c", "type": "future", "future": {"q": 1}} == to_dict(unknown.raw)
        assert {"run_1": to_dict(acc.runs["run_1"])} == to_dict(acc.runs)
        assert [to_dict(snapshot)] == to_dict([snapshot])

    @pytest.mark.parametrize("value", [object(), {1: 2}, {"a": {1, 2}}, b"x"])
    def test_what_is_not_json_is_a_type_error(self, value: Any) -> None:
        """Anything that is no model, event or JSON value is a TypeError naming its type."""
        with pytest.raises(TypeError, match="to_dict"):
            to_dict(value)


class TestMergeOfObjectsKeptRaw:
    """The merge itself (protocol-neutral), on an object field whose type came late."""

    def merge(self, node: Node, value: Json) -> None:
        merge_object(models.RunStepDelta, value, node, "d", Tx(lenient=False))

    def test_raw_object_is_checked_when_typed(self) -> None:
        """Held raw while typeless, an object is checked whole once a delta names its type."""
        node = Node()
        self.merge(node, {"step_details": {"message_creation": {"message_id": 5}}})
        with pytest.raises(BadShape) as info:
            self.merge(node, {"step_details": {"type": "message_creation"}})
        assert "d.step_details.message_creation.message_id" == info.value.path

    def test_raw_object_becomes_the_typed_object(self) -> None:
        """A valid held object is merged anew as its type: the snapshot hook reads it."""
        node = Node()
        self.merge(node, {"step_details": {"message_creation": {"message_id": "msg_1"}}})
        self.merge(node, {"step_details": {"type": "message_creation"}})
        delta = streamkit.converter.structure(node, models.RunStepDelta)
        assert isinstance(delta.step_details, models.RunStepDeltaMessageDelta)
        assert "msg_1" == delta.step_details.message_creation.message_id  # type: ignore[union-attr]


@pytest.mark.parametrize("strict", STRICTNESS)
def test_typed_delta_built_in_python_too_deep(strict: bool) -> None:
    """A typed delta fed by a program, nested past the limit: rejected like parsed input."""
    call = models.FileSearchToolCallDelta(
        index=1, id="fs_1", file_search=json.loads(nested(MAX_DEPTH + 1))
    )
    delta = models.RunStepDeltaEvent(
        id="step_1",
        object="thread.run.step.delta",
        delta=models.RunStepDelta(step_details=models.ToolCallDeltaObject(tool_calls=(call,))),
    )
    bad = models.ThreadRunStepDelta(delta)
    acc = new(strict)
    feed_all(acc, one_call_setup())
    if strict:
        with pytest.raises(ParseError, match=f"{MAX_DEPTH} levels"):
            acc.feed(bad)
    else:
        assert [] == acc.feed(bad)
        assert ["parse"] == [a.kind for a in acc.anomalies]
    state(acc)


@pytest.mark.parametrize("strict", STRICTNESS)
def test_typed_run_built_in_python_too_deep(strict: bool) -> None:
    """A whole typed object fed by a program, nested past the limit: a parse problem too."""
    function = models.FunctionDefinition(name="f", parameters=json.loads(nested(MAX_DEPTH + 1)))
    run = parse_event(run_event("created")).data
    bad = models.ThreadRunCreated(
        attrs.evolve(run, tools=(models.FunctionTool(function=function),))
    )
    acc = new(strict)
    if strict:
        with pytest.raises(ParseError, match=f"{MAX_DEPTH} levels"):
            acc.feed(bad)
    else:
        assert [] == acc.feed(bad)
        assert ["parse"] == [a.kind for a in acc.anomalies]
    assert {} == dict(acc.runs)
