"""The Responses stream builders of ``streamkit.testing``: events consistent with the protocol.

The streams are checked without the accumulator, by a small replay written here from the wire
JSON and the event table of the Responses reference: every event has the fields its type
requires; a delta, annotation, part or status event points at an item (and part) that was added
and is not done yet, with the item's id; ``annotation_index`` is an append position; each
``*.done`` value equals the concatenated deltas, each part and item done equals what the deltas
built; sequence numbers count up with no gap; the terminal event carries the final response.
The shapes are checked against the recorded streams of ``tests/data/responses``.
"""

from __future__ import annotations

import copy
import json
import random
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import streamkit
from streamkit import testing
from streamkit._demo_data import RESPONSES_DEMO_NAME, build_responses_demo, read_responses_demo
from streamkit.models import UnknownEvent
from tests.response_strategies import (
    ITEM_DELTAS,
    ITEM_KINDS,
    build_events,
    final_responses,
    framings,
    part_field,
    stream_options,
    streamed_fields,
)

JSON = dict[str, Any]
RECORDINGS = Path(__file__).parent / "data" / "responses"

# --- The event table (fields each type requires, from the spec's ResponseStreamEvent) ------------

_ITEM = {"item_id", "output_index"}
_CONTENT = _ITEM | {"content_index"}
_SUMMARY = _ITEM | {"summary_index"}
REQUIRED: dict[str, set[str]] = {
    "response.created": {"response"},
    "response.queued": {"response"},
    "response.in_progress": {"response"},
    "response.completed": {"response"},
    "response.incomplete": {"response"},
    "response.failed": {"response"},
    "response.output_item.added": {"output_index", "item"},
    "response.output_item.done": {"output_index", "item"},
    "response.content_part.added": _CONTENT | {"part"},
    "response.content_part.done": _CONTENT | {"part"},
    "response.output_text.delta": _CONTENT | {"delta", "logprobs"},
    "response.output_text.done": _CONTENT | {"text", "logprobs"},
    "response.output_text.annotation.added": _CONTENT | {"annotation_index", "annotation"},
    "response.refusal.delta": _CONTENT | {"delta"},
    "response.refusal.done": _CONTENT | {"refusal"},
    "response.reasoning_text.delta": _CONTENT | {"delta"},
    "response.reasoning_text.done": _CONTENT | {"text"},
    "response.reasoning_summary_part.added": _SUMMARY | {"part"},
    "response.reasoning_summary_part.done": _SUMMARY | {"part"},
    "response.reasoning_summary_text.delta": _SUMMARY | {"delta"},
    "response.reasoning_summary_text.done": _SUMMARY | {"text"},
    "response.function_call_arguments.delta": _ITEM | {"delta"},
    "response.function_call_arguments.done": _ITEM | {"name", "arguments"},
    "response.custom_tool_call_input.delta": _ITEM | {"delta"},
    "response.custom_tool_call_input.done": _ITEM | {"input"},
    "response.mcp_call_arguments.delta": _ITEM | {"delta"},
    "response.mcp_call_arguments.done": _ITEM | {"arguments"},
    "response.code_interpreter_call_code.delta": _ITEM | {"delta"},
    "response.code_interpreter_call_code.done": _ITEM | {"code"},
    "response.image_generation_call.partial_image": _ITEM
    | {"partial_image_index", "partial_image_b64"},
}
STATUS_EVENTS = {
    "code_interpreter_call": ("in_progress", "interpreting", "completed"),
    "file_search_call": ("in_progress", "searching", "completed"),
    "web_search_call": ("in_progress", "searching", "completed"),
    "image_generation_call": ("in_progress", "generating", "completed"),
    "mcp_call": ("in_progress", "completed", "failed"),
    "mcp_list_tools": ("in_progress", "completed", "failed"),
}
for _kind, _statuses in STATUS_EVENTS.items():
    for _status in _statuses:
        REQUIRED[f"response.{_kind}.{_status}"] = set(_ITEM)
# Optional fields the builders may add.
OPTIONAL: dict[str, set[str]] = {name: {"obfuscation"} for name in testing.RESPONSE_DELTA_TYPES} | {
    "response.image_generation_call.partial_image": {
        "size",
        "quality",
        "background",
        "output_format",
    }
}
LIFECYCLE = {"response.created", "response.queued", "response.in_progress"}

# Part-level text events: type -> (which list of the item, the field the text goes to).
PART_DELTAS = {
    "response.output_text.delta": ("content", "text"),
    "response.refusal.delta": ("content", "refusal"),
    "response.reasoning_text.delta": ("content", "text"),
    "response.reasoning_summary_text.delta": ("summary", "text"),
}
PART_DONES = {
    "response.output_text.done": ("content", "text"),
    "response.refusal.done": ("content", "refusal"),
    "response.reasoning_text.done": ("content", "text"),
    "response.reasoning_summary_text.done": ("summary", "text"),
}
ITEM_DONES = {name.replace(".delta", ".done"): value for name, value in ITEM_DELTAS.items()}


# --- A replay of the wire events, checking the protocol as it goes -------------------------------


@dataclass
class Replay:
    """What a stream built, from the wire JSON alone."""

    openings: list[JSON] = field(default_factory=list)
    items: dict[int, JSON] = field(default_factory=dict)
    added_order: list[int] = field(default_factory=list)
    items_done: dict[int, JSON] = field(default_factory=dict)
    parts: dict[tuple[int, str, int], JSON] = field(default_factory=dict)
    parts_done: set[tuple[int, str, int]] = field(default_factory=set)
    built: dict[tuple[Any, ...], str] = field(default_factory=dict)
    terminal: JSON | None = None
    per_item_types: dict[int, list[str]] = field(default_factory=dict)


def _open_item(state: Replay, event: JSON) -> JSON:
    index = event["output_index"]
    assert index in state.items, f"{event['type']} for output {index} before it was added"
    assert index not in state.items_done, f"{event['type']} for output {index} after its done"
    item = state.items[index]
    if "item_id" in event:
        assert event["item_id"] == item.get("id", ""), "item_id differs from the item's id"
    state.per_item_types[index].append(event["type"])
    return item


def _open_part(state: Replay, event: JSON, list_name: str) -> tuple[int, str, int]:
    _open_item(state, event)
    index_key = "summary_index" if list_name == "summary" else "content_index"
    key = (event["output_index"], list_name, event[index_key])
    assert key in state.parts, f"{event['type']} for part {key} before it was added"
    assert key not in state.parts_done, f"{event['type']} for part {key} after its done"
    return key


def replay(events: Sequence[JSON]) -> Replay:
    """Apply the events as the reference table says, asserting the protocol at each step."""
    state = Replay()
    for event in events:
        kind = event["type"]
        required = REQUIRED.get(kind)
        assert required is not None, f"unexpected event type {kind}"
        keys = set(event) - {"type", "sequence_number"}
        assert required <= keys, f"{kind} lacks {required - keys}"
        assert keys <= required | OPTIONAL.get(kind, set()), f"{kind} has {keys - required}"
        assert state.terminal is None, f"{kind} after the terminal event"
        if kind in LIFECYCLE:
            assert not state.items or kind != "response.created"
            state.openings.append(event["response"])
        elif kind in testing.RESPONSE_TERMINAL_TYPES:
            state.terminal = event["response"]
        elif kind == "response.output_item.added":
            index = event["output_index"]
            assert index not in state.items, f"output {index} added twice"
            state.items[index] = copy.deepcopy(event["item"])
            state.added_order.append(index)
            state.per_item_types[index] = [kind]
            item = state.items[index]
            if "status" in item:
                assert item["status"] == "in_progress"
            for list_name in ("content", "summary"):
                if list_name in item:
                    assert item[list_name] == []
            for item_kind, name in ITEM_DELTAS.values():
                if item.get("type") == item_kind and isinstance(item.get(name), str):
                    assert item[name] == ""
                    state.built[index, name] = ""
        elif kind in ("response.content_part.added", "response.reasoning_summary_part.added"):
            list_name = "summary" if "summary_index" in event else "content"
            item = _open_item(state, event)
            key = (event["output_index"], list_name, event[f"{list_name}_index"])
            assert key not in state.parts, f"part {key} added twice"
            part = copy.deepcopy(event["part"])
            state.parts[key] = part
            name = part_field(item.get("type"), list_name, part)
            if name is not None:
                assert part[name] == "", "a part is added with its text"
                state.built[(*key, name)] = ""
                if part.get("type") == "output_text":
                    assert part["annotations"] == []
                    assert part.get("logprobs", []) == []
        elif kind in PART_DELTAS:
            list_name, name = PART_DELTAS[kind]
            key = _open_part(state, event, list_name)
            assert (*key, name) in state.built, f"{kind} into a part that does not stream {name}"
            state.built[(*key, name)] += event["delta"]
            part = state.parts[key]
            part[name] += event["delta"]
            if kind == "response.output_text.delta" and "logprobs" in part:
                part["logprobs"] += event["logprobs"]
        elif kind == "response.output_text.annotation.added":
            key = _open_part(state, event, "content")
            annotations = state.parts[key]["annotations"]
            assert event["annotation_index"] == len(annotations), "annotation_index is not next"
            annotations.append(event["annotation"])
        elif kind in PART_DONES:
            list_name, name = PART_DONES[kind]
            key = _open_part(state, event, list_name)
            assert event[name] == state.built[(*key, name)]
            if kind == "response.output_text.done":
                assert event["logprobs"] == state.parts[key].get("logprobs", [])
        elif kind in ("response.content_part.done", "response.reasoning_summary_part.done"):
            list_name = "summary" if "summary_index" in event else "content"
            key = _open_part(state, event, list_name)
            assert event["part"] == state.parts[key], "part.done differs from what was built"
            state.parts_done.add(key)
        elif kind in ITEM_DELTAS:
            item_kind, name = ITEM_DELTAS[kind]
            item = _open_item(state, event)
            assert item["type"] == item_kind
            state.built[event["output_index"], name] += event["delta"]
            item[name] += event["delta"]
        elif kind in ITEM_DONES:
            item_kind, name = ITEM_DONES[kind]
            item = _open_item(state, event)
            assert item["type"] == item_kind
            assert event[name] == state.built[event["output_index"], name]
            if kind == "response.function_call_arguments.done":
                assert event["name"] == item["name"]
        elif kind == "response.output_item.done":
            index = event["output_index"]
            item = _open_item(state, event)
            done = event["item"]
            assert done.get("id") == item.get("id")
            assert done["type"] == item["type"]
            for key in [k for k in state.parts if k[0] == index]:
                assert key in state.parts_done, f"item {index} done before its part {key}"
                assert done[key[1]][key[2]] == state.parts[key]
            for (at, *path), text in state.built.items():
                if at == index and len(path) == 1:
                    assert done[path[0]] == text
            state.items_done[index] = done
        else:  # a status event or a partial image
            item = _open_item(state, event)
            assert kind.startswith(f"response.{item['type']}."), f"{kind} on a {item['type']}"
    return state


def check_stream(
    events: Sequence[JSON],
    final: JSON,
    *,
    include_done: bool = True,
    include_terminal: bool = True,
    background: bool = False,
    sequence_numbers: bool = True,
    first_sequence_number: int = 0,
) -> Replay:
    """The events are a well-formed stream of ``final``, with the options they were built with."""
    state = replay(events)
    output = final["output"]
    # Sequence numbers count up from the first, with no gap; or there are none.
    numbers = [event.get("sequence_number") for event in events]
    if sequence_numbers:
        assert numbers == list(range(first_sequence_number, first_sequence_number + len(events)))
    else:
        assert numbers == [None] * len(events)
    # The opening events: the envelope in progress, no output.
    opening = ["response.created", "response.queued", "response.in_progress"]
    if not background:
        opening.remove("response.queued")
    assert [event["type"] for event in events[: len(opening)]] == opening
    for envelope, status in zip(
        state.openings, ["queued", "queued"] if background else ["in_progress"], strict=False
    ):
        assert envelope["status"] == status
    for envelope in state.openings:
        assert envelope["output"] == []
        assert envelope.get("usage") is None
        changed = ("status", "output", "usage", "error", "incomplete_details", "completed_at")
        assert {k: v for k, v in envelope.items() if k not in changed} == {
            k: v for k, v in final.items() if k not in changed
        }
    # Every item added once, at its index; every delta-built string is the final one.
    assert sorted(state.items) == list(range(len(output)))
    assert state.built == streamed_fields(output)
    if include_done:
        assert state.items_done == dict(enumerate(output))
        assert state.parts_done == set(state.parts)
    else:
        assert not state.items_done
        assert not state.parts_done
    terminal = {"completed": "response.completed", "incomplete": "response.incomplete"}
    terminal["failed"] = "response.failed"
    if include_terminal and final["status"] in terminal:
        assert events[-1]["type"] == terminal[final["status"]]
        assert state.terminal == final
    else:
        assert state.terminal is None
    return state


# --- Examples ------------------------------------------------------------------------------------


def test_example_stream_is_well_formed() -> None:
    """The example response streams as OpenAI sends it, every field consistent."""
    final = testing.example_response()
    events = testing.response_events(final, rng=random.Random(7), max_fragment=8)
    state = check_stream(events, final)
    assert state.added_order == [0, 1, 2, 3, 4]
    assert [item["type"] for item in final["output"]] == [
        "reasoning",
        "web_search_call",
        "code_interpreter_call",
        "function_call",
        "message",
    ]
    # The answer's annotations arrive as annotation.added, after the text they cite.
    answer = final["output"][4]["content"][0]
    added = [e for e in events if e["type"] == "response.output_text.annotation.added"]
    assert [e["annotation"] for e in added] == answer["annotations"]
    for event in added:
        position = events.index(event)
        text = "".join(
            e["delta"] for e in events[:position] if e["type"] == "response.output_text.delta"
        )
        assert len(text) >= event["annotation"]["end_index"]
    assert final["usage"]["total_tokens"] == 2_184 + 412


def test_the_wire_order_of_one_item() -> None:
    """Each item's events come in OpenAI's order: added, statuses, parts, deltas, dones, done."""
    final = testing.example_response()
    events = testing.response_events(
        final, rng=random.Random(1), min_fragment=1000, max_fragment=1000
    )
    types = [event["type"] for event in events]
    assert types == [
        "response.created",
        "response.in_progress",
        "response.output_item.added",
        "response.reasoning_summary_part.added",
        "response.reasoning_summary_text.delta",
        "response.reasoning_summary_text.done",
        "response.reasoning_summary_part.done",
        "response.reasoning_summary_part.added",
        "response.reasoning_summary_text.delta",
        "response.reasoning_summary_text.done",
        "response.reasoning_summary_part.done",
        "response.output_item.done",
        "response.output_item.added",
        "response.web_search_call.in_progress",
        "response.web_search_call.searching",
        "response.web_search_call.completed",
        "response.output_item.done",
        "response.output_item.added",
        "response.code_interpreter_call.in_progress",
        "response.code_interpreter_call_code.delta",
        "response.code_interpreter_call_code.done",
        "response.code_interpreter_call.interpreting",
        "response.code_interpreter_call.completed",
        "response.output_item.done",
        "response.output_item.added",
        "response.function_call_arguments.delta",
        "response.function_call_arguments.done",
        "response.output_item.done",
        "response.output_item.added",
        "response.content_part.added",
        "response.output_text.delta",
        "response.output_text.annotation.added",
        "response.output_text.annotation.added",
        "response.output_text.done",
        "response.content_part.done",
        "response.output_item.done",
        "response.completed",
    ]


def test_skeletons_and_parts_as_recorded() -> None:
    """output_item.added and content_part.added carry the recorded skeletons."""
    final = testing.example_response()
    events = testing.response_events(final, rng=random.Random(3))
    added = [e["item"] for e in events if e["type"] == "response.output_item.added"]
    reasoning, web, code, function, message = added
    assert reasoning["summary"] == []
    assert reasoning["encrypted_content"] != final["output"][0]["encrypted_content"]
    assert len(reasoning["encrypted_content"]) == len(final["output"][0]["encrypted_content"])
    assert web == {
        "id": final["output"][1]["id"],
        "type": "web_search_call",
        "status": "in_progress",
    }
    assert (code["code"], code["outputs"], code["status"]) == ("", [], "in_progress")
    assert (function["arguments"], function["status"]) == ("", "in_progress")
    assert message == {
        "id": final["output"][4]["id"],
        "type": "message",
        "status": "in_progress",
        "content": [],
        "phase": "final_answer",
        "role": "assistant",
    }
    (part,) = [e["part"] for e in events if e["type"] == "response.content_part.added"]
    assert part == {"type": "output_text", "annotations": [], "logprobs": [], "text": ""}


def test_every_kind_once() -> None:
    """A response with one item of every kind streams well-formed, with every option."""
    rng = random.Random(11)
    texts = ["", "a", "héllo wörld 😀", 'line\nbreak "q" \\']
    output = [
        testing.message_item(
            "msg_1",
            [
                testing.output_text_part(
                    texts[2],
                    annotations=[
                        testing.url_citation("https://e.x", "E", start_index=0, end_index=5),
                        testing.file_citation("file-1", "f.txt", index=3),
                        testing.file_path_annotation("file-2", index=14),
                    ],
                    logprobs=[testing.logprob("hé", -0.5, top_logprobs=[("he", -1.0)])],
                ),
                testing.refusal_part(texts[3]),
                testing.output_text_part("", logprobs=None),
                {"type": "x_future_part", "payload": [1, 2]},
            ],
        ),
        testing.reasoning_item("rs_1", summary=texts[1:], content=texts[:2], status="completed"),
        testing.function_call_item("fc_1", call_id="call_1", name="f", arguments='{"a": 1}'),
        testing.custom_tool_call_item("ctc_1", call_id="call_2", name="g", tool_input=texts[3]),
        testing.code_interpreter_call_item(
            "ci_1",
            code=texts[2],
            container_id="cntr_1",
            outputs=[testing.code_interpreter_logs("ok"), testing.code_interpreter_image("u")],
        ),
        testing.code_interpreter_call_item("ci_2", code=None, container_id="cntr_1"),
        testing.file_search_call_item(
            "fs_1",
            queries=["q"],
            results=[testing.file_search_result("file-1", "f.txt", "t", score=0.5)],
        ),
        testing.web_search_call_item("ws_1", action=testing.web_search_action("q")),
        testing.image_generation_call_item("ig_1", result="aGk=", size="1024x1024"),
        testing.mcp_call_item("mcp_1", server_label="s", name="n", arguments="{}", output="o"),
        testing.mcp_call_item(
            "mcp_2",
            server_label="s",
            name="n",
            arguments="",
            error={"type": "http_error", "code": 502, "message": "e"},
            status="failed",
        ),
        testing.mcp_list_tools_item("mcpl_1", server_label="s", tools=[{"name": "t"}]),
        testing.mcp_list_tools_item("mcpl_2", server_label="s", tools=[], error="down"),
        testing.compaction_item("cmp_1", encrypted_content="gAAAAABxyz"),
        {"id": "xf_1", "type": "x_future_item", "status": "completed", "payload": {"k": 1}},
    ]
    final = testing.response("resp_1", output, usage=testing.response_usage(1, 2))
    for interleave in (False, True):
        for out_of_order in (False, True):
            events = testing.response_events(
                final, rng=rng, max_fragment=3, interleave=interleave, out_of_order=out_of_order
            )
            check_stream(events, final)
    types = {e["type"] for e in testing.response_events(final, rng=rng)}
    assert "response.mcp_call.failed" in types
    assert "response.mcp_list_tools.failed" in types
    assert "response.image_generation_call.partial_image" in types
    assert "response.refusal.delta" in types
    assert "response.reasoning_text.delta" in types
    assert "response.custom_tool_call_input.done" in types


def test_options() -> None:
    """Sequence numbers off or from N, background mode, done and terminal events left out."""
    final = testing.example_response()
    events = testing.response_events(final, rng=random.Random(0), sequence_numbers=False)
    check_stream(events, final, sequence_numbers=False)
    events = testing.response_events(final, rng=random.Random(0), first_sequence_number=5)
    check_stream(events, final, first_sequence_number=5)
    assert events[0]["sequence_number"] == 5
    assert list(events[0])[:2] == ["type", "sequence_number"]
    events = testing.response_events(final, rng=random.Random(0), background=True)
    check_stream(events, final, background=True)
    assert events[0]["response"]["status"] == "queued"
    assert events[2]["response"]["status"] == "in_progress"
    events = testing.response_events(final, rng=random.Random(0), include_done=False)
    check_stream(events, final, include_done=False)
    assert not {e["type"] for e in events} & testing.RESPONSE_DONE_TYPES
    events = testing.response_events(final, rng=random.Random(0), include_terminal=False)
    check_stream(events, final, include_terminal=False)
    assert events[-1]["type"] == "response.output_item.done"


def test_terminal_event_per_status() -> None:
    """completed, incomplete and failed end with their event; other statuses end with none."""
    for status, name in (
        ("completed", "response.completed"),
        ("incomplete", "response.incomplete"),
        ("failed", "response.failed"),
    ):
        final = testing.response("resp_1", status=status)
        events = testing.response_events(final, rng=random.Random(0))
        assert [e["type"] for e in events] == ["response.created", "response.in_progress", name]
        assert events[-1]["response"] == final
    for status in ("in_progress", "queued", "cancelled"):
        final = testing.response("resp_1", status=status)
        events = testing.response_events(final, rng=random.Random(0))
        assert [e["type"] for e in events] == ["response.created", "response.in_progress"]


def test_fragments_and_obfuscation() -> None:
    """Deltas are min..max characters (the last may be shorter); obfuscation pads them."""
    text = "x" * 200
    final = testing.response(
        "resp_1", [testing.message_item("msg_1", [testing.output_text_part(text)])]
    )
    events = testing.response_events(
        final, rng=random.Random(2), min_fragment=3, max_fragment=5, obfuscation=True
    )
    deltas = [e for e in events if e["type"] == "response.output_text.delta"]
    assert "".join(e["delta"] for e in deltas) == text
    assert all(3 <= len(e["delta"]) <= 5 for e in deltas[:-1])
    assert all(e["obfuscation"] and e["obfuscation"].isalnum() for e in deltas)
    events = testing.response_events(final, rng=random.Random(2), min_fragment=7, max_fragment=7)
    deltas = [e["delta"] for e in events if e["type"] == "response.output_text.delta"]
    assert deltas == ["x" * 7] * 28 + ["x" * 4]


def test_logprobs_spread_over_the_deltas() -> None:
    """An output_text part's logprobs arrive in order over its deltas, whole in the done."""
    logprobs = [testing.logprob(t, -0.1 * k) for k, t in enumerate("abcdefgh")]
    part = testing.output_text_part("abcdefgh", logprobs=logprobs)
    final = testing.response("resp_1", [testing.message_item("msg_1", [part])])
    events = testing.response_events(final, rng=random.Random(5), max_fragment=2)
    deltas = [e for e in events if e["type"] == "response.output_text.delta"]
    assert [p for e in deltas for p in e["logprobs"]] == logprobs
    (done,) = [e for e in events if e["type"] == "response.output_text.done"]
    assert done["logprobs"] == logprobs
    assert logprobs[0]["bytes"] == [97]


def test_deterministic_and_unshared() -> None:
    """The same seed gives the same events; ``final`` is neither mutated nor shared."""
    final = testing.example_response()
    before = copy.deepcopy(final)
    one = testing.response_events(final, rng=random.Random(9), interleave=True, out_of_order=True)
    two = testing.response_events(final, rng=random.Random(9), interleave=True, out_of_order=True)
    assert one == two
    assert final == before
    assert one[-1]["response"] == final
    assert one[-1]["response"] is not final
    one[-1]["response"]["output"].clear()
    assert final == before


def test_bad_arguments() -> None:
    """Fragment bounds are checked; an item that is not an object is refused."""
    final = testing.example_response()
    for low, high in ((0, 5), (3, 2)):
        with pytest.raises(ValueError, match="min_fragment"):
            testing.response_events(
                final, rng=random.Random(0), min_fragment=low, max_fragment=high
            )
    with pytest.raises(TypeError, match="output item 0"):
        testing.response_events({**testing.response("r"), "output": [[1]]}, rng=random.Random(0))
    with pytest.raises(TypeError, match="JSON object"):
        testing.response_events([1], rng=random.Random(0))


def test_builders_need_no_models() -> None:
    """The Responses builders load without the models and the converter (benchmarks, servers)."""
    code = (
        "import random, sys\n"
        "from streamkit.testing import encode_sse, example_response, response_events\n"
        "encode_sse(response_events(example_response(), rng=random.Random(0)))\n"
        "assert not [m for m in sys.modules if m.startswith(('streamkit.models', 'cattrs'))]"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


# --- Framing -------------------------------------------------------------------------------------


def test_encode_sse_openai_framing() -> None:
    """OpenAI: an event line per event, compact raw UTF-8 JSON, no [DONE]."""
    events = [{"type": "response.output_text.delta", "sequence_number": 4, "delta": "é"}]
    assert testing.encode_sse(events) == (
        b"event: response.output_text.delta\n"
        b'data: {"type":"response.output_text.delta","sequence_number":4,"delta":"\xc3\xa9"}\n\n'
    )
    assert testing.sse_events(events) == [
        streamkit.ServerSentEvent(
            "response.output_text.delta",
            '{"type":"response.output_text.delta","sequence_number":4,"delta":"é"}',
        )
    ]
    assert testing.sse_events(events, event_lines=False)[0].event == "message"


def test_encode_sse_openrouter_framing() -> None:
    """OpenRouter: data lines only, comment lines, data: [DONE] at the end."""
    events = testing.response_events(testing.example_response(), rng=random.Random(0))
    data = testing.encode_sse(events, event_lines=False, done_marker=True, comments=True)
    assert data.startswith(b": OPENROUTER PROCESSING\n\ndata: {")
    assert data.endswith(b"\n\ndata: [DONE]\n\n")
    assert b"event:" not in data
    assert data.count(b": OPENROUTER PROCESSING\n\n") == -(-len(events) // 16)
    assert testing.encode_sse([], comments=True, done_marker=True) == (
        b": OPENROUTER PROCESSING\n\ndata: [DONE]\n\n"
    )


@given(final=final_responses(max_items=3), options=stream_options(), framing=framings())
def test_bytes_decode_back_to_the_events(
    final: JSON, options: JSON, framing: dict[str, bool]
) -> None:
    """Any framing, read in random pieces by the decoder, gives back exactly the events."""
    events = build_events(final, **options)
    data = testing.encode_sse(events, **framing)
    decoder = streamkit.SSEDecoder()
    decoded: list[streamkit.ServerSentEvent] = []
    for piece in testing.split_points(data, random.Random(options["seed"]), 7):
        decoded += decoder.feed(piece)
    decoded += decoder.close()
    if framing["done_marker"]:
        assert decoded.pop().data == "[DONE]"
    assert [json.loads(sse.data) for sse in decoded] == events
    expected = testing.sse_events(events, event_lines=framing["event_lines"])
    assert decoded == expected


# --- Properties of the builders ------------------------------------------------------------------


@given(final=final_responses(), options=stream_options())
def test_any_response_streams_well_formed(final: JSON, options: JSON) -> None:
    """Any final response, with any options, gives a well-formed stream of exactly it."""
    events = build_events(final, **options)
    check_stream(
        events,
        final,
        background=options["background"],
        sequence_numbers=options["sequence_numbers"],
        first_sequence_number=options["first_sequence_number"],
    )


@given(final=final_responses(kinds=ITEM_KINDS), options=stream_options())
def test_every_kind_at_once(final: JSON, options: JSON) -> None:
    """A response with an item of every kind, any order, streams well-formed."""
    events = build_events(final, **options)
    check_stream(
        events,
        final,
        background=options["background"],
        sequence_numbers=options["sequence_numbers"],
        first_sequence_number=options["first_sequence_number"],
    )


@given(final=final_responses(), options=stream_options(), drop=st.sampled_from(("done", "both")))
def test_without_done_or_terminal(final: JSON, options: JSON, drop: str) -> None:
    """Without the done (and terminal) events the deltas still build every streamed string."""
    events = build_events(final, **options, include_done=False, include_terminal=drop == "done")
    check_stream(
        events,
        final,
        include_done=False,
        include_terminal=drop == "done",
        background=options["background"],
        sequence_numbers=options["sequence_numbers"],
        first_sequence_number=options["first_sequence_number"],
    )


@given(final=final_responses(min_items=2), options=stream_options())
def test_out_of_order_and_interleaved(final: JSON, options: JSON) -> None:
    """Out of order, items are introduced in a permutation; interleaved, each keeps its order."""
    options = {**options, "out_of_order": True, "interleave": True}
    events = build_events(final, **options)
    state = check_stream(
        events,
        final,
        background=options["background"],
        sequence_numbers=options["sequence_numbers"],
        first_sequence_number=options["first_sequence_number"],
    )
    assert sorted(state.added_order) == list(range(len(final["output"])))
    # Each item's own events, taken out of the weave, still run from its added to its done.
    for types in state.per_item_types.values():
        assert types[0] == "response.output_item.added"
        assert types[-1] == "response.output_item.done"


@given(final=final_responses(kinds=ITEM_KINDS), options=stream_options())
def test_every_event_parses_to_its_class(final: JSON, options: JSON) -> None:
    """Every built event parses to its own event class and converts back to the same JSON."""
    events = build_events(final, **options)
    for position, sse in enumerate(testing.sse_events(events), 1):
        parsed = streamkit.parse_response_event(sse, position=position)
        assert not isinstance(parsed, UnknownEvent), sse.event
        assert parsed.event == sse.event
        assert streamkit.to_dict(parsed) == json.loads(sse.data)


# --- The recordings ------------------------------------------------------------------------------


def recorded(name: str) -> list[JSON]:
    decoder = streamkit.SSEDecoder()
    events = decoder.feed((RECORDINGS / name).read_bytes()) + decoder.close()
    return [json.loads(sse.data) for sse in events if sse.data != "[DONE]"]


# OpenAI's streams, whose event order the builders follow (the background resume has no created,
# the error stream an error event, the apply_patch stream events outside the spec).
OPENAI_RECORDINGS = sorted(
    path.name
    for path in RECORDINGS.glob("*.sse")
    if not path.name.startswith("NONOPENAI")
    and "resume" not in path.name
    and "error_event" not in path.name
    and "apply_patch" not in path.name
)


def _collapsed(types: Sequence[str]) -> list[str]:
    """Event types with each run of deltas as one, annotations left out (their place varies)."""
    out: list[str] = []
    for kind in types:
        if kind == "response.output_text.annotation.added":
            continue
        if kind.endswith(".delta") and out and out[-1] == kind:
            continue
        out.append(kind)
    return out


@pytest.mark.parametrize("name", OPENAI_RECORDINGS)
def test_builders_stream_as_openai_does(name: str) -> None:
    """From a recording's final response, the builders give the recorded event order and items.

    The event types match the recording's (runs of deltas counted once); each
    ``output_item.added`` and ``output_item.done`` item equals the recorded one
    (``encrypted_content`` aside: provisional in added, and the recorded terminal response's
    differs from the recorded done item's).
    """
    events = recorded(name)
    final = events[-1]["response"]
    built = testing.response_events(
        final,
        rng=random.Random(0),
        background=final.get("background") is True,
        sequence_numbers="sequence_number" in events[0],
    )
    assert _collapsed([e["type"] for e in built]) == _collapsed([e["type"] for e in events])
    for kind in ("response.output_item.added", "response.output_item.done"):
        mine = [e["item"] for e in built if e["type"] == kind]
        theirs = [e["item"] for e in events if e["type"] == kind]
        for item in [*mine, *theirs]:
            # Provisional in added; and the terminal response's may differ from the done one's.
            item.pop("encrypted_content", None)
        assert mine == theirs
    recorded_parts = [e["part"] for e in events if e["type"].endswith("part.added")]
    assert [e["part"] for e in built if e["type"].endswith("part.added")] == recorded_parts


def test_envelope_and_items_have_the_recorded_shape() -> None:
    """response() and the item builders write the recorded keys in the recorded order."""
    events = recorded("openai_web_search_url_citation_annotations.sse")
    final = events[-1]["response"]
    assert list(testing.response("r")) == list(final)
    web = final["output"][0]
    assert (
        testing.web_search_call_item(web["id"], action=web["action"], status=web["status"]) == web
    )
    message = final["output"][2]
    part = message["content"][0]
    built = testing.message_item(
        message["id"],
        [testing.output_text_part(part["text"], annotations=part["annotations"])],
    )
    assert built == message
    assert list(built["content"][0]) == list(part)
    assert list(part["annotations"][0]) == list(
        testing.url_citation("u", "t", start_index=0, end_index=1)
    )
    events = recorded("openai_phase_reasoning_text_fn_call.sse")
    call = events[-1]["response"]["output"][2]
    assert list(call) == list(testing.function_call_item("i", call_id="c", name="n", arguments=""))
    assert (
        testing.function_call_item(
            call["id"], call_id=call["call_id"], name=call["name"], arguments=call["arguments"]
        )
        == call
    )
    events = recorded("openai_mcp_call_args_delta.sse")
    listing, _, mcp = events[-1]["response"]["output"][:3]
    assert list(mcp) == list(testing.mcp_call_item("i", server_label="s", name="n", arguments=""))
    assert list(listing) == list(testing.mcp_list_tools_item("i", server_label="s", tools=[]))
    events = recorded("openai_code_interpreter_x3_reasoning.sse")
    response = events[-1]["response"]
    code = response["output"][1]
    assert (
        testing.code_interpreter_call_item(
            code["id"], code=code["code"], container_id=code["container_id"]
        )
        == code
    )
    assert (
        testing.response_usage(3727, 347, cached_tokens=3200, reasoning_tokens=128)
        == (response["usage"])
    )


# --- The bundled demo ----------------------------------------------------------------------------


def test_shipped_responses_demo_is_what_the_generator_makes() -> None:
    """streamkit/recordings/demo-responses.sse equals build_responses_demo() (regenerate with
    ``python -m streamkit._demo_data``)."""
    assert build_responses_demo() == read_responses_demo()
    assert RESPONSES_DEMO_NAME == "demo-responses.sse"


def test_responses_demo_is_a_well_formed_stream() -> None:
    """The demo streams the example response, OpenAI's framing, with sequence numbers."""
    decoder = streamkit.SSEDecoder()
    sses = decoder.feed(build_responses_demo()) + decoder.close()
    events = [json.loads(sse.data) for sse in sses]
    assert [sse.event for sse in sses] == [e["type"] for e in events]
    state = check_stream(events, testing.example_response())
    kinds = {e["type"] for e in events}
    assert {
        "response.reasoning_summary_text.delta",
        "response.code_interpreter_call_code.delta",
        "response.web_search_call.searching",
        "response.function_call_arguments.delta",
        "response.output_text.annotation.added",
    } <= kinds
    assert state.terminal is not None
    assert state.terminal["usage"] is not None
