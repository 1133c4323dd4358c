"""Properties of ``streamkit.ResponseAccumulator`` on streams built from final Responses.

The builders of :mod:`streamkit.testing` turn a final Response (drawn by
``tests/response_strategies.py``) into the events a server could have sent; a correct accumulator
gives that Response back, however the bytes are cut, the items are ordered or interleaved, the
events are numbered or repeated, and even without the done and terminal events for what the
deltas build. Every item and part gets exactly one added and one done Change.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

import streamkit
from streamkit import testing
from tests.response_strategies import (
    ITEM_KINDS,
    build_events,
    final_responses,
    framings,
    stream_options,
    streamed_fields,
)

JSON = dict[str, Any]


def accumulate(
    chunks: Iterable[bytes], *, strict: bool = True
) -> tuple[streamkit.ResponseAccumulator, list[Any]]:
    """Decode the reads and feed every event; the accumulator and every Change it returned."""
    decoder = streamkit.SSEDecoder()
    racc = streamkit.ResponseAccumulator(strict=strict)
    changes: list[Any] = []
    for chunk in chunks:
        for sse in decoder.feed(chunk):
            changes += racc.feed(sse)
    for sse in decoder.close():
        changes += racc.feed(sse)
    return racc, changes


def feed_events(events: Sequence[JSON]) -> tuple[streamkit.ResponseAccumulator, list[Any]]:
    """Feed the events as ServerSentEvents (no bytes); the accumulator and its Changes."""
    racc = streamkit.ResponseAccumulator()
    changes: list[Any] = []
    for sse in testing.sse_events(events):
        changes += racc.feed(sse)
    return racc, changes


def snapshot(racc: streamkit.ResponseAccumulator) -> Any:
    return None if racc.response is None else streamkit.to_dict(racc.response)


def cuts(data: bytes, seed: int, n: int) -> list[bytes]:
    return testing.split_points(data, random.Random(seed), n)


def value_at(output: Sequence[Any], key: tuple[Any, ...]) -> Any:
    """The value at ``key`` (as :func:`streamed_fields` names it) in a snapshot's output."""
    try:
        if len(key) == 2:
            return output[key[0]][key[1]]
        return output[key[0]][key[1]][key[2]][key[3]]
    except (IndexError, KeyError, TypeError):
        return "<missing>"


_DONE_CHANGES = {
    "output_item.added",
    "output_item.done",
    "content_part.added",
    "content_part.done",
    "reasoning_summary_part.added",
    "reasoning_summary_part.done",
}


def expected_lifecycle(final: JSON) -> Counter[tuple[str, str, int]]:
    """One added and one done Change per item and per part of ``final``."""
    expected: Counter[tuple[str, str, int]] = Counter()
    for index, item in enumerate(final["output"]):
        item_id = item.get("id", "")
        expected["output_item.added", item_id, index] += 1
        expected["output_item.done", item_id, index] += 1
        if item["type"] not in ("message", "reasoning"):
            continue
        for k, _ in enumerate(item.get("content") or []):
            expected["content_part.added", item_id, k] += 1
            expected["content_part.done", item_id, k] += 1
        if item["type"] == "reasoning":
            for k, _ in enumerate(item.get("summary") or []):
                expected["reasoning_summary_part.added", item_id, k] += 1
                expected["reasoning_summary_part.done", item_id, k] += 1
    return expected


# --- Properties -----------------------------------------------------------------------------------


@given(
    final=final_responses(),
    options=stream_options(),
    framing=framings(),
    pieces=st.integers(0, 40),
    seed=st.integers(0, 2**16),
)
def test_any_split_of_the_bytes_gives_the_same_snapshot(
    final: JSON, options: JSON, framing: dict[str, bool], pieces: int, seed: int
) -> None:
    """Whole or cut anywhere (inside lines, inside UTF-8 characters), the snapshot is the same."""
    data = testing.encode_sse(build_events(final, **options), **framing)
    whole, _ = accumulate([data])
    split, _ = accumulate(cuts(data, seed, pieces))
    assert snapshot(split) == snapshot(whole)
    assert snapshot(whole) == final
    assert split.anomalies == whole.anomalies == []


@given(final=final_responses(), options=stream_options())
def test_events_built_from_a_response_give_it_back(final: JSON, options: JSON) -> None:
    """The final response and the current snapshot are exactly the Response streamed."""
    racc, _ = feed_events(build_events(final, **options))
    assert racc.final_response is not None
    assert streamkit.to_dict(racc.final_response) == final
    assert streamkit.to_dict(racc.response) == final
    assert racc.anomalies == []
    assert racc.errors == []


@given(final=final_responses(kinds=ITEM_KINDS), options=stream_options())
def test_every_kind_of_item_at_once(final: JSON, options: JSON) -> None:
    """An item of every kind (and one unknown to the spec), in any order, comes back exactly."""
    racc, _ = feed_events(build_events(final, **options))
    assert racc.final_response is not None
    assert streamkit.to_dict(racc.final_response) == final
    assert racc.anomalies == []


@given(
    final=final_responses(min_items=2),
    options=stream_options(),
    terminal=st.booleans(),
)
def test_items_emitted_out_of_order_land_at_their_output_index(
    final: JSON, options: JSON, terminal: bool
) -> None:
    """Items introduced in any order (interleaved or not) sit at their output_index.

    Without the terminal event, the items built from their own events are the final ones.
    """
    options = {**options, "out_of_order": True}
    racc, _ = feed_events(build_events(final, **options, include_terminal=terminal))
    current = snapshot(racc)
    assert current is not None
    assert current["output"] == final["output"]
    assert racc.anomalies == []


@given(
    final=final_responses(),
    options=stream_options(),
    picks=st.lists(st.tuples(st.integers(0, 10**6), st.integers(0, 10**6)), max_size=12),
)
def test_repeated_events_change_nothing(
    final: JSON, options: JSON, picks: list[tuple[int, int]]
) -> None:
    """Events repeated later in the stream (a resume overlapping) are skipped without a Change."""
    events = build_events(final, **{**options, "sequence_numbers": True})
    clean, clean_changes = feed_events(events)
    repeated = list(events)
    for which, where in picks:
        original = which % len(events)
        at = repeated.index(events[original]) + 1
        repeated.insert(at + where % (len(repeated) - at + 1), events[original])
    racc = streamkit.ResponseAccumulator()
    changes: list[Any] = []
    seen: set[int] = set()
    for sse, event in zip(testing.sse_events(repeated), repeated, strict=True):
        got = racc.feed(sse)
        if event["sequence_number"] in seen:
            assert got == []
        seen.add(event["sequence_number"])
        changes += got
    assert snapshot(racc) == snapshot(clean)
    assert [(c.kind, c.id, c.index) for c in changes] == [
        (c.kind, c.id, c.index) for c in clean_changes
    ]
    assert racc.anomalies == clean.anomalies == []


@given(final=final_responses(), options=stream_options())
def test_deltas_alone_build_every_streamed_field(final: JSON, options: JSON) -> None:
    """Without the done and terminal events, every delta-built string equals its final value.

    Text, refusal, summary and reasoning text, function and MCP arguments, custom tool input,
    code: built from the fragments alone.
    """
    events = build_events(final, **options, include_done=False, include_terminal=False)
    racc, _ = feed_events(events)
    current = snapshot(racc)
    assert current is not None
    expected = streamed_fields(final["output"])
    assert {key: value_at(current["output"], key) for key in expected} == expected
    assert racc.final_response is None


@given(
    final=final_responses(),
    options=stream_options(),
    framing=framings(),
    include_done=st.booleans(),
    pieces=st.integers(0, 40),
    seed=st.integers(0, 2**16),
)
def test_one_added_and_one_done_change_per_item_and_part(
    final: JSON,
    options: JSON,
    framing: dict[str, bool],
    include_done: bool,
    pieces: int,
    seed: int,
) -> None:
    """Over any chunking, each item and part gets exactly one added and one done Change.

    Also when the done events are missing: the terminal response closes what is open.
    """
    events = build_events(final, **options, include_done=include_done)
    data = testing.encode_sse(events, **framing)
    _, changes = accumulate(cuts(data, seed, pieces))
    lifecycle = Counter((c.kind, c.id, c.index) for c in changes if c.kind in _DONE_CHANGES)
    assert lifecycle == expected_lifecycle(final)
    # Added comes first, done last, for each item and part.
    order = [(c.kind, c.id, c.index) for c in changes if c.kind in _DONE_CHANGES]
    for kind, item_id, index in order:
        if kind.endswith(".done"):
            added = (kind.replace(".done", ".added"), item_id, index)
            assert order.index(added) < order.index((kind, item_id, index))
