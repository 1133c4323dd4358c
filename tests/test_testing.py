"""The stream builders of ``streamkit.testing``: valid events that carry exactly the final objects.

The streams are checked with a small reassembly written here from the wire JSON alone (not with
the accumulator): per index, the concatenated fragments of every streamed text give the final
text, every index of the final lists appears, and the terminal event carries the final object.
"""

from __future__ import annotations

import itertools
import json
import random
import subprocess
import sys
from collections.abc import Sequence
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import streamkit
from streamkit import testing
from streamkit.models import (
    CodeInterpreterOutputLogs,
    CodeInterpreterToolCall,
    FileSearchToolCall,
    FunctionToolCall,
    Message,
    MessageCreationStepDetails,
    RefusalContentBlock,
    RunStep,
    TextContentBlock,
    ToolCallsStepDetails,
)
from tests.strategies import final_messages, final_steps

SEEDS = range(20)


# --- Helpers ---------------------------------------------------------------------


def check_wire(events: Sequence[streamkit.ServerSentEvent], seed: int = 0) -> None:
    """Every event parses; the encoded bytes, in random reads, decode back to the same events."""
    for position, event in enumerate(events, 1):
        streamkit.parse_event(event, position=position)
        if event.event != "done":
            assert "\n" not in event.data
            assert json.loads(event.data) is not None
    data = testing.encode(events)
    for n in (0, 1, 7, 100):
        decoder = streamkit.SSEDecoder()
        decoded = []
        for read in testing.split_points(data, random.Random(seed), n):
            decoded += decoder.feed(read)
        decoded += decoder.close()
        assert decoded == list(events)


def payloads(events: Sequence[streamkit.ServerSentEvent], name: str) -> list[Any]:
    return [json.loads(event.data) for event in events if event.event == name]


def fragment_ok(text: str, max_fragment: int) -> None:
    assert len(text) <= max_fragment


def reassemble_calls(
    events: Sequence[streamkit.ServerSentEvent], max_fragment: int
) -> tuple[dict[int, dict[str, Any]], list[int]]:
    """Tool calls by index from the step deltas, and the indexes in the order they appeared."""
    calls: dict[int, dict[str, Any]] = {}
    introduced: list[int] = []
    for data in payloads(events, "thread.run.step.delta"):
        assert data["object"] == "thread.run.step.delta"
        assert set(data) == {"id", "object", "delta"}
        details = data["delta"]["step_details"]
        assert details["type"] == "tool_calls"
        assert details["tool_calls"]
        for entry in details["tool_calls"]:
            index = entry["index"]
            if index not in calls:  # the head: index, id, type
                introduced.append(index)
                assert {"index", "id", "type"} <= set(entry)
                calls[index] = {"id": entry["id"], "type": entry["type"], "outputs": {}}
                if entry["type"] == "function":
                    head = entry["function"]
                    assert {"name", "arguments", "output"} <= set(head)
                    calls[index].update(name=head["name"], arguments="", output=None)
                elif entry["type"] == "code_interpreter":
                    assert set(entry["code_interpreter"]) >= {"input", "outputs"}
                    calls[index]["input"] = ""
                elif entry["type"] == "file_search":
                    assert entry["file_search"] == {}
            else:
                assert "id" not in entry
                assert entry.get("type", calls[index]["type"]) == calls[index]["type"]
            call = calls[index]
            function = entry.get("function")
            if function is not None:
                fragment_ok(function.get("arguments") or "", max_fragment)
                call["arguments"] += function.get("arguments") or ""
                if function.get("output") is not None:
                    assert call["output"] is None
                    call["output"] = function["output"]
            code = entry.get("code_interpreter")
            if code is not None:
                fragment_ok(code.get("input") or "", max_fragment)
                call["input"] += code.get("input") or ""
                for output in code.get("outputs") or ():
                    slot = call["outputs"].setdefault(output["index"], {"type": output["type"]})
                    assert slot["type"] == output["type"]
                    if output["type"] == "logs":
                        fragment_ok(output["logs"], max_fragment)
                        slot["logs"] = slot.get("logs", "") + output["logs"]
                    else:
                        assert len(slot) == 1, "whole outputs arrive once"
                        slot.update({k: v for k, v in output.items() if k != "index"})
    return calls, introduced


def check_step_stream(
    step: RunStep,
    events: Sequence[streamkit.ServerSentEvent],
    *,
    max_fragment: int,
    include_terminal: bool = True,
) -> list[int]:
    """Check a step_events stream against its final step; return the order calls appeared in."""
    assert [e.event for e in events[:2]] == [
        "thread.run.step.created",
        "thread.run.step.in_progress",
    ]
    created = json.loads(events[0].data)
    assert events[1].data == events[0].data
    assert created["id"] == step.id
    assert created["status"] == "in_progress"
    assert created["usage"] is None
    assert created["completed_at"] is None
    assert created["step_details"]["type"] == step.step_details.type
    deltas = events[2:]
    terminal_name = {"completed": "thread.run.step.completed"}.get(step.status)
    if include_terminal and terminal_name is not None:
        assert events[-1].event == terminal_name
        assert json.loads(events[-1].data) == streamkit.to_dict(step)
        deltas = events[2:-1]
    assert all(e.event == "thread.run.step.delta" for e in deltas)
    assert all(json.loads(e.data)["id"] == step.id for e in deltas)

    details = step.step_details
    if isinstance(details, MessageCreationStepDetails):
        assert created["step_details"] == streamkit.to_dict(details)
        assert not deltas
        return []
    assert isinstance(details, ToolCallsStepDetails)
    assert created["step_details"]["tool_calls"] == []
    calls, introduced = reassemble_calls(deltas, max_fragment)
    assert sorted(calls) == list(range(len(details.tool_calls)))
    for index, final in enumerate(details.tool_calls):
        got = calls[index]
        assert (got["id"], got["type"]) == (final.id, final.type)  # type: ignore[union-attr]
        if isinstance(final, FunctionToolCall):
            assert got["name"] == final.function.name
            assert got["arguments"] == final.function.arguments
            assert got["output"] == final.function.output
        elif isinstance(final, CodeInterpreterToolCall):
            assert got["input"] == final.code_interpreter.input
            outputs = final.code_interpreter.outputs
            assert sorted(got["outputs"]) == list(range(len(outputs)))
            for k, output in enumerate(outputs):
                if isinstance(output, CodeInterpreterOutputLogs):
                    assert got["outputs"][k] == {"type": "logs", "logs": output.logs}
                else:
                    assert got["outputs"][k] == streamkit.to_dict(output)
        else:
            assert isinstance(final, FileSearchToolCall)
    return introduced


def reassemble_content(
    events: Sequence[streamkit.ServerSentEvent], max_fragment: int
) -> tuple[dict[int, dict[str, Any]], list[int]]:
    """Content blocks by index from the message deltas, and the order they appeared in."""
    blocks: dict[int, dict[str, Any]] = {}
    introduced: list[int] = []
    for data in payloads(events, "thread.message.delta"):
        assert data["object"] == "thread.message.delta"
        assert data["delta"]["content"]
        for entry in data["delta"]["content"]:
            index = entry["index"]
            kind = entry["type"]
            if index not in blocks:
                introduced.append(index)
                blocks[index] = {"type": kind}
                if kind == "text":
                    assert {"value", "annotations"} <= set(entry["text"])
                    blocks[index].update(value="", annotations={})
                elif kind == "refusal":
                    blocks[index]["refusal"] = ""
                else:
                    blocks[index]["whole"] = {k: v for k, v in entry.items() if k != "index"}
                    continue
            block = blocks[index]
            assert block["type"] == kind
            if kind == "text":
                value = entry["text"].get("value") or ""
                fragment_ok(value, max_fragment)
                block["value"] += value
                for annotation in entry["text"].get("annotations") or ():
                    j = annotation["index"]
                    assert j not in block["annotations"], "annotations arrive whole, once"
                    # With how much text had arrived, to check it came after its start.
                    block["annotations"][j] = (annotation, len(block["value"]))
            elif kind == "refusal":
                fragment_ok(entry["refusal"], max_fragment)
                block["refusal"] += entry["refusal"]
            else:
                pytest.fail(f"whole block {index} sent twice")
    return blocks, introduced


def check_message_stream(
    message: Message,
    events: Sequence[streamkit.ServerSentEvent],
    *,
    max_fragment: int,
    include_terminal: bool = True,
) -> list[int]:
    """Check a message_events stream against its final message; return the block order."""
    assert [e.event for e in events[:2]] == [
        "thread.message.created",
        "thread.message.in_progress",
    ]
    created = json.loads(events[0].data)
    assert created["id"] == message.id
    assert created["status"] == "in_progress"
    assert created["content"] == []
    assert created["completed_at"] is None
    deltas = events[2:]
    if include_terminal:
        assert events[-1].event == "thread.message.completed"
        assert json.loads(events[-1].data) == streamkit.to_dict(message)
        deltas = events[2:-1]
    assert all(e.event == "thread.message.delta" for e in deltas)
    blocks, introduced = reassemble_content(deltas, max_fragment)
    assert sorted(blocks) == list(range(len(message.content)))
    for index, final in enumerate(message.content):
        got = blocks[index]
        if isinstance(final, TextContentBlock):
            assert got["value"] == final.text.value
            assert sorted(got["annotations"]) == list(range(len(final.text.annotations)))
            for j, annotation in enumerate(final.text.annotations):
                entry, sent_so_far = got["annotations"][j]
                expected = streamkit.to_dict(annotation)
                if expected["type"] == "file_citation":
                    expected["file_citation"]["quote"] = ""
                assert {k: v for k, v in entry.items() if k != "index"} == expected
                start = expected["start_index"]
                assert sent_so_far > start or sent_so_far == len(final.text.value)
        elif isinstance(final, RefusalContentBlock):
            assert got["refusal"] == final.refusal
        else:
            assert got["whole"] == streamkit.to_dict(final)
    return introduced


# --- Examples ----------------------------------------------------------------------

EXAMPLE_STEPS = {
    "code_interpreter": testing.example_code_interpreter_step(),
    "function_calls": testing.example_function_calls_step(),
    "function_calls_with_outputs": testing.example_function_calls_step(with_outputs=True),
    "file_search": testing.example_file_search_step(),
    "message_creation": testing.example_message_creation_step(testing.example_message()),
}


@pytest.mark.parametrize("name", sorted(EXAMPLE_STEPS))
@pytest.mark.parametrize("seed", range(5))
@pytest.mark.parametrize(("interleave", "out_of_order"), [(True, True), (False, False)])
def test_example_step_streams(name: str, seed: int, interleave: bool, out_of_order: bool) -> None:
    step = EXAMPLE_STEPS[name]
    for max_fragment in (1, 5, 12):
        events = testing.step_events(
            step,
            rng=random.Random(seed),
            max_fragment=max_fragment,
            interleave=interleave,
            out_of_order=out_of_order,
        )
        check_wire(events, seed)
        introduced = check_step_stream(step, events, max_fragment=max_fragment)
        if not out_of_order:
            assert introduced == sorted(introduced)


@pytest.mark.parametrize("seed", range(5))
def test_example_message_streams(seed: int) -> None:
    message = testing.example_message()
    for max_fragment in (1, 4, 12):
        for out_of_order in (True, False):
            events = testing.message_events(
                message,
                rng=random.Random(seed),
                max_fragment=max_fragment,
                out_of_order=out_of_order,
            )
            check_wire(events, seed)
            introduced = check_message_stream(message, events, max_fragment=max_fragment)
            if not out_of_order:
                assert introduced == sorted(introduced)


def test_examples_are_realistic() -> None:
    ci = testing.example_code_interpreter_step()
    assert isinstance(ci.step_details, ToolCallsStepDetails)
    (call,) = ci.step_details.tool_calls
    assert isinstance(call, CodeInterpreterToolCall)
    assert call.code_interpreter.input.count("\n") > 5
    assert [o.type for o in call.code_interpreter.outputs] == ["logs", "image", "logs"]

    calls = testing.example_function_calls_step()
    assert calls.status == "in_progress"
    assert isinstance(calls.step_details, ToolCallsStepDetails)
    assert len(calls.step_details.tool_calls) == 3
    for fn in calls.step_details.tool_calls:
        assert isinstance(fn, FunctionToolCall)
        assert isinstance(json.loads(fn.function.arguments), dict)
        assert fn.function.output is None
    done = testing.example_function_calls_step(calls=2, with_outputs=True)
    assert done.status == "completed"
    assert isinstance(done.step_details, ToolCallsStepDetails)
    assert all(
        isinstance(fn, FunctionToolCall) and fn.function.output
        for fn in done.step_details.tool_calls
    )
    with pytest.raises(ValueError, match="calls"):
        testing.example_function_calls_step(calls=0)

    search = testing.example_file_search_step()
    assert isinstance(search.step_details, ToolCallsStepDetails)
    (fs,) = search.step_details.tool_calls
    assert isinstance(fs, FileSearchToolCall)
    assert fs.file_search.ranking_options is not None
    assert fs.file_search.results
    assert all(result.content for result in fs.file_search.results)

    message = testing.example_message()
    text, image = message.content
    assert isinstance(text, TextContentBlock)
    assert {a.type for a in text.text.annotations} == {"file_citation", "file_path"}
    for annotation in text.text.annotations:
        span = text.text.value[annotation.start_index : annotation.end_index]  # type: ignore[union-attr]
        assert span == annotation.text  # type: ignore[union-attr]
    assert image.type == "image_file"

    # Every example survives its own wire round trip.
    for obj in [*EXAMPLE_STEPS.values(), message, testing.example_run()]:
        wire = json.loads(json.dumps(streamkit.to_dict(obj)))
        assert streamkit.converter.structure(wire, type(obj)) == obj


# --- Properties ----------------------------------------------------------------------

stream_options = st.fixed_dictionaries(
    {
        "seed": st.integers(min_value=0, max_value=2**32),
        "max_fragment": st.integers(min_value=1, max_value=16),
        "out_of_order": st.booleans(),
    }
)


@settings(max_examples=60)
@given(step=final_steps(), options=stream_options, interleave=st.booleans())
def test_step_stream_carries_the_final_step(
    step: RunStep, options: dict[str, Any], interleave: bool
) -> None:
    events = testing.step_events(
        step,
        rng=random.Random(options["seed"]),
        max_fragment=options["max_fragment"],
        interleave=interleave,
        out_of_order=options["out_of_order"],
    )
    check_wire(events, options["seed"])
    check_step_stream(step, events, max_fragment=options["max_fragment"])


@settings(max_examples=60)
@given(message=final_messages(), options=stream_options)
def test_message_stream_carries_the_final_message(
    message: Message, options: dict[str, Any]
) -> None:
    events = testing.message_events(
        message,
        rng=random.Random(options["seed"]),
        max_fragment=options["max_fragment"],
        out_of_order=options["out_of_order"],
    )
    check_wire(events, options["seed"])
    check_message_stream(message, events, max_fragment=options["max_fragment"])


@settings(max_examples=20)
@given(
    steps=st.lists(final_steps(), max_size=3),
    messages=st.lists(final_messages(), max_size=2),
    seed=st.integers(min_value=0, max_value=2**32),
)
def test_run_streams_parse(steps: list[RunStep], messages: list[Message], seed: int) -> None:
    events = testing.run_events(testing.example_run(), steps, messages, rng=random.Random(seed))
    check_wire(events, seed)
    assert events[-1] == streamkit.ServerSentEvent(event="done", data="[DONE]")
    assert events[-2].event == "thread.run.completed"


def test_strategies_draw_every_kind() -> None:
    """The strategies reach every step kind, call type and content block type."""
    seen: set[str] = set()

    @settings(max_examples=150, database=None)
    @given(step=final_steps(), message=final_messages())
    def collect(step: RunStep, message: Message) -> None:
        assert step.status == "completed"
        assert message.status == "completed"
        details = step.step_details
        if isinstance(details, ToolCallsStepDetails):
            seen.update(f"call:{call.type}" for call in details.tool_calls)
        else:
            seen.add(f"step:{details.type}")
        for block in message.content:
            seen.add(f"block:{block.type}")
            if isinstance(block, TextContentBlock):
                seen.update(f"annotation:{a.type}" for a in block.text.annotations)

    collect()
    assert seen >= {
        "call:code_interpreter",
        "call:function",
        "call:file_search",
        "step:message_creation",
        "block:text",
        "block:image_file",
        "block:image_url",
        "block:refusal",
        "annotation:file_citation",
        "annotation:file_path",
    }


# --- Ordering options ------------------------------------------------------------


def entry_indexes(events: Sequence[streamkit.ServerSentEvent]) -> list[int]:
    """The tool-call index of every delta entry, in stream order."""
    return [
        entry["index"]
        for data in payloads(events, "thread.run.step.delta")
        for entry in data["delta"]["step_details"]["tool_calls"]
    ]


def is_interleaved(indexes: list[int]) -> bool:
    """Some index comes back after another one started."""
    finished: set[int] = set()
    for previous, current in itertools.pairwise(indexes):
        if current != previous:
            finished.add(previous)
            if current in finished:
                return True
    return False


def test_out_of_order_introduces_a_higher_index_first() -> None:
    step = testing.example_function_calls_step()
    shuffled = []
    for seed in SEEDS:
        events = testing.step_events(step, rng=random.Random(seed), out_of_order=True)
        _calls, introduced = reassemble_calls(events, 12)
        shuffled.append(introduced.index(1) < introduced.index(0))
        in_order = testing.step_events(step, rng=random.Random(seed), out_of_order=False)
        assert reassemble_calls(in_order, 12)[1] == [0, 1, 2]
    assert any(shuffled)
    assert not all(shuffled)

    message = testing.example_message()
    blocks = [
        reassemble_content(testing.message_events(message, rng=random.Random(seed)), 12)[1]
        for seed in SEEDS
    ]
    assert [1, 0] in blocks
    assert [0, 1] in blocks


def test_interleave_weaves_parallel_calls() -> None:
    step = testing.example_function_calls_step()
    woven = [
        is_interleaved(entry_indexes(testing.step_events(step, rng=random.Random(seed))))
        for seed in SEEDS
    ]
    assert sum(woven) > len(SEEDS) // 2
    for seed in SEEDS:
        events = testing.step_events(step, rng=random.Random(seed), interleave=False)
        assert not is_interleaved(entry_indexes(events))


def test_code_interpreter_outputs_shuffle_and_interleave() -> None:
    step = testing.example_code_interpreter_step()
    orders = set()
    for seed in SEEDS:
        calls, _ = reassemble_calls(testing.step_events(step, rng=random.Random(seed)), 12)
        orders.add(tuple(calls[0]["outputs"]))
    assert len(orders) > 1


def test_deltas_sometimes_carry_two_entries_of_one_index() -> None:
    step = testing.example_function_calls_step()
    found_same = found_heads = False
    for seed in SEEDS:
        for data in payloads(
            testing.step_events(step, rng=random.Random(seed)), "thread.run.step.delta"
        ):
            entries = data["delta"]["step_details"]["tool_calls"]
            indexes = [entry["index"] for entry in entries]
            found_same |= len(indexes) != len(set(indexes))
            found_heads |= sum("id" in entry for entry in entries) > 1
    assert found_same
    assert found_heads


def test_later_entries_sometimes_omit_type() -> None:
    step = testing.example_function_calls_step()
    events = testing.step_events(step, rng=random.Random(0))
    later = [entry for entry in _entries(events) if "id" not in entry]
    assert any("type" in entry for entry in later)
    assert any("type" not in entry for entry in later)
    # Such an entry is still a valid event; it parses as an object of unknown type.
    for event in events:
        streamkit.parse_event(event)


def _entries(events: Sequence[streamkit.ServerSentEvent]) -> list[dict[str, Any]]:
    return [
        entry
        for data in payloads(events, "thread.run.step.delta")
        for entry in data["delta"]["step_details"]["tool_calls"]
    ]


def test_function_output_arrives_in_a_delta() -> None:
    step = testing.example_function_calls_step(with_outputs=True)
    heads_with_output = later_outputs = 0
    for seed in SEEDS:
        for entry in _entries(testing.step_events(step, rng=random.Random(seed))):
            output = entry.get("function", {}).get("output")
            if "id" in entry and output is not None:
                heads_with_output += 1
            elif "id" not in entry and output is not None:
                later_outputs += 1
    assert heads_with_output
    assert later_outputs


# --- Streams as a whole ------------------------------------------------------------


def test_run_stream_order() -> None:
    message = testing.example_message()
    steps = [
        testing.example_file_search_step(),
        testing.example_message_creation_step(message),
    ]
    run = testing.example_run()
    events = testing.run_events(run, steps, [message], rng=random.Random(3))
    check_wire(events)
    names = [event.event for event in events]
    assert names[:3] == ["thread.run.created", "thread.run.queued", "thread.run.in_progress"]
    assert json.loads(events[0].data)["status"] == "queued"
    assert json.loads(events[0].data)["usage"] is None
    assert names[-2:] == ["thread.run.completed", "done"]
    assert json.loads(events[-2].data) == streamkit.to_dict(run)
    # The message streams inside its message_creation step, as the API sends it.
    step_created = [i for i, e in enumerate(events) if e.event == "thread.run.step.in_progress"][1]
    step_done = [i for i, e in enumerate(events) if e.event == "thread.run.step.completed"][1]
    message_names = names[step_created + 1 : step_done]
    assert message_names[:2] == ["thread.message.created", "thread.message.in_progress"]
    assert message_names[-1] == "thread.message.completed"
    check_message_stream(message, events[step_created + 1 : step_done], max_fragment=12)


def test_requires_action_run() -> None:
    step = testing.example_function_calls_step()
    assert isinstance(step.step_details, ToolCallsStepDetails)
    run = testing.example_run(status="requires_action", required_calls=step.step_details.tool_calls)
    assert run.required_action is not None
    assert len(run.required_action.submit_tool_outputs.tool_calls) == 3
    events = testing.run_events(run, [step], [], rng=random.Random(0))
    check_wire(events)
    names = [event.event for event in events]
    assert names[-2:] == ["thread.run.requires_action", "done"]
    assert "thread.run.step.completed" not in names  # the step is still open
    check_step_stream(step, events[3:-2], max_fragment=12)


def test_include_terminal_false() -> None:
    step = testing.example_code_interpreter_step()
    events = testing.step_events(step, rng=random.Random(0), include_terminal=False)
    assert events[-1].event == "thread.run.step.delta"
    check_step_stream(step, events, max_fragment=12, include_terminal=False)
    message = testing.example_message()
    events = testing.message_events(message, rng=random.Random(0), include_terminal=False)
    assert events[-1].event == "thread.message.delta"
    check_message_stream(message, events, max_fragment=12, include_terminal=False)
    run_names = [
        e.event
        for e in testing.run_events(
            testing.example_run(),
            [testing.example_message_creation_step(message)],
            [message],
            rng=random.Random(0),
            include_terminal=False,
        )
    ]
    assert "thread.message.completed" not in run_names
    assert "thread.run.step.completed" not in run_names
    assert run_names[-2:] == ["thread.run.completed", "done"]


def test_deterministic() -> None:
    step = testing.example_function_calls_step(with_outputs=True)
    first = testing.step_events(step, rng=random.Random(42))
    assert first == testing.step_events(step, rng=random.Random(42))
    assert first != testing.step_events(step, rng=random.Random(43))
    data = testing.encode(first)
    assert testing.split_points(data, random.Random(1), 9) == testing.split_points(
        data, random.Random(1), 9
    )


def test_max_fragment_must_be_positive() -> None:
    with pytest.raises(ValueError, match="max_fragment"):
        testing.step_events(testing.example_file_search_step(), rng=random.Random(), max_fragment=0)
    with pytest.raises(ValueError, match="max_fragment"):
        testing.message_events(testing.example_message(), rng=random.Random(), max_fragment=0)


def test_encode_format() -> None:
    events = [
        streamkit.ServerSentEvent(event="thread.run.created", data='{"a":1}'),
        streamkit.ServerSentEvent(event="done", data="[DONE]"),
    ]
    assert testing.encode(events) == (
        b'event: thread.run.created\ndata: {"a":1}\n\nevent: done\ndata: [DONE]\n\n'
    )
    multi = [streamkit.ServerSentEvent(event="x", data="one\ntwo")]
    assert testing.encode(multi) == b"event: x\ndata: one\ndata: two\n\n"
    decoder = streamkit.SSEDecoder()
    assert decoder.feed(testing.encode(multi)) == multi


@given(data=st.binary(max_size=64), n=st.integers(min_value=0, max_value=80), seed=st.integers())
def test_split_points(data: bytes, n: int, seed: int) -> None:
    reads = testing.split_points(data, random.Random(seed), n)
    assert len(reads) == n + 1
    assert b"".join(reads) == data
    if n < len(data):
        assert all(reads)


def test_split_points_rejects_negative_n() -> None:
    with pytest.raises(ValueError, match="n must"):
        testing.split_points(b"abc", random.Random(), -1)


def test_import_does_not_need_hypothesis() -> None:
    code = (
        "import sys\n"
        "from streamkit.testing import *\n"
        "assert 'hypothesis' not in sys.modules, 'streamkit.testing imported hypothesis'"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_wire_pieces_need_no_models() -> None:
    """The wire pieces load without the models and the converter (the mock server, benchmarks)."""
    code = (
        "import sys\n"
        "from streamkit.testing import DONE, encode, event, message_object, step_delta\n"
        "assert not [m for m in sys.modules if m.startswith(('streamkit.models', 'cattrs'))]"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_public_names() -> None:
    """Every name of __all__ resolves, and dir() offers them all."""
    for name in testing.__all__:
        assert getattr(testing, name) is not None
    assert set(testing.__all__) <= set(dir(testing))
    assert len(set(testing.__all__)) == len(testing.__all__)
    with pytest.raises(AttributeError, match="no_such_name"):
        _ = testing.no_such_name


def test_event_and_done() -> None:
    """event() writes compact JSON, raw UTF-8 unless asked for ASCII; DONE ends a stream."""
    sse = testing.event("thread.run.created", {"a": [1, "é"]})
    assert sse == streamkit.ServerSentEvent("thread.run.created", '{"a":[1,"é"]}')
    ascii_sse = testing.event("x", {"a": "é"}, ensure_ascii=True)
    assert ascii_sse.data == '{"a":"\\u00e9"}'
    assert testing.encode([testing.DONE]) == b"event: done\ndata: [DONE]\n\n"
    assert testing.random_id(random.Random(0), "run_") == testing.random_id(
        random.Random(0), "run_"
    )
    assert len(testing.random_id(random.Random(0), "run_")) == len("run_") + 24


def test_wire_objects_parse_to_their_models() -> None:
    """run_object, step_object, message_object and the delta envelopes parse and round-trip."""
    common = {"thread_id": "thread_1", "assistant_id": "asst_1", "created_at": 1_700_000_000}
    run = testing.run_object("run_1", "queued", **common)
    call = {"id": "call_1", "type": "function", "function": {"name": "f", "arguments": "{}"}}
    call["function"]["output"] = None
    step = testing.step_object(
        "step_1", {"type": "tool_calls", "tool_calls": [call]}, run_id="run_1", **common
    )
    text = {"type": "text", "text": {"value": "Hi", "annotations": []}}
    message = testing.message_object("msg_1", content=[text], run_id="run_1", **common)
    step_delta = testing.step_delta("step_1", [{"index": 0, **call}])
    message_delta = testing.message_delta("msg_1", [{"index": 0, **text}])
    for name, data in [
        ("thread.run.created", run),
        ("thread.run.step.created", step),
        ("thread.message.created", message),
        ("thread.run.step.delta", step_delta),
        ("thread.message.delta", message_delta),
    ]:
        parsed = streamkit.parse_event(testing.event(name, data))
        assert streamkit.to_dict(parsed.data) == data
    assert step["type"] == "tool_calls"
    assert testing.run_object("run_1", "completed", usage=None, extra=1, **common)["extra"] == 1
