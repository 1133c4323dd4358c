"""Hypothesis properties of the accumulator, on streams built from final objects.

For any final RunStep or Message and any stream the builders of
``streamkit.testing`` derive from it (text split at random points, parallel
calls interleaved, indexes introduced out of order):

1. the stream without its terminal events rebuilds the final content exactly;
2. with them, the snapshot equals the terminal object and no anomaly is recorded;
3. feeding event by event, replaying the raw bytes in any chunking, and
   replaying a file all give equal results;
4. the changes hold exactly one created and one done per tool call, content
   block, step and message.
"""

from __future__ import annotations

import random
from collections import Counter
from pathlib import Path
from typing import Any

import attrs
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import streamkit
from streamkit import Accumulator, Change, ServerSentEvent, SSEDecoder, to_dict
from streamkit import models as m
from streamkit import testing as builders
from tests.strategies import final_messages, final_steps


def feed_all(
    events: list[ServerSentEvent], *, strict: bool = True
) -> tuple[Accumulator, list[Change]]:
    acc = Accumulator(strict=strict)
    changes: list[Change] = []
    for event in events:
        changes += acc.feed(event)
    return acc, changes


def without_delta_only_fields(value: Any) -> Any:
    """Wire JSON without what only deltas carry: an annotation's `quote`."""
    if isinstance(value, dict):
        return {k: without_delta_only_fields(v) for k, v in value.items() if k != "quote"}
    if isinstance(value, list):
        return [without_delta_only_fields(v) for v in value]
    return value


def without_file_search_results(details: Any) -> Any:
    """File search results come only in the terminal step (as the real API sends them)."""
    for call in details.get("tool_calls", []):
        if call.get("type") == "file_search":
            call["file_search"] = {}
    return details


def snapshot_state(acc: Accumulator) -> dict[str, Any]:
    return {
        "runs": [to_dict(r) for r in acc.runs.values()],
        "steps": [to_dict(s) for s in acc.run_steps.values()],
        "messages": [to_dict(x) for x in acc.messages.values()],
        "final_run": None if acc.final_run is None else to_dict(acc.final_run),
        "anomalies": acc.anomalies,
    }


step_streams = st.tuples(final_steps(), st.randoms(use_true_random=False))
message_streams = st.tuples(final_messages(), st.randoms(use_true_random=False))


@settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow])
@given(case=step_streams)
def test_steps_rebuild_from_deltas_alone(case: tuple[m.RunStep, random.Random]) -> None:
    """(1) Without terminal events, the deltas rebuild the step's content exactly."""
    step, rng = case
    acc, _ = feed_all(builders.step_events(step, rng=rng, include_terminal=False))
    rebuilt = to_dict(acc.run_steps[step.id])["step_details"]
    expected = without_file_search_results(to_dict(step)["step_details"])
    assert expected == without_delta_only_fields(rebuilt)
    assert [] == acc.anomalies


@settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow])
@given(case=message_streams)
def test_messages_rebuild_from_deltas_alone(case: tuple[m.Message, random.Random]) -> None:
    """(1) Without terminal events, the deltas rebuild the message's content exactly."""
    message, rng = case
    acc, _ = feed_all(builders.message_events(message, rng=rng, include_terminal=False))
    rebuilt = to_dict(acc.messages[message.id])["content"]
    assert to_dict(message)["content"] == without_delta_only_fields(rebuilt)
    assert [] == acc.anomalies


@settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow])
@given(step_case=step_streams, message_case=message_streams)
def test_terminal_objects_become_the_snapshots(
    step_case: tuple[m.RunStep, random.Random], message_case: tuple[m.Message, random.Random]
) -> None:
    """(2) With terminal events, snapshots equal the terminal objects; no anomaly."""
    step, rng = step_case
    message, message_rng = message_case
    events = builders.step_events(step, rng=rng) + builders.message_events(message, rng=message_rng)
    acc, _ = feed_all(events)
    assert step == acc.run_steps[step.id]
    assert to_dict(step) == to_dict(acc.run_steps[step.id])
    assert message == acc.messages[message.id]
    assert to_dict(message) == to_dict(acc.messages[message.id])
    assert [] == acc.anomalies


@settings(max_examples=30, suppress_health_check=[HealthCheck.too_slow])
@given(
    steps=st.lists(final_steps(), min_size=1, max_size=3, unique_by=lambda s: s.id),
    messages=st.lists(final_messages(), max_size=2, unique_by=lambda x: x.id),
    rng=st.randoms(use_true_random=False),
    reads=st.integers(1, 40),
)
def test_every_way_of_feeding_agrees(
    tmp_path_factory: Any,
    steps: list[m.RunStep],
    messages: list[m.Message],
    rng: random.Random,
    reads: int,
) -> None:
    """(3) Event by event, raw bytes in any chunking, and a file all give the same result."""
    run = builders.example_run()
    events = builders.run_events(run, steps, messages, rng=rng)
    by_event, _ = feed_all(events)
    data = builders.encode(events)

    by_bytes = Accumulator()
    decoder = SSEDecoder()
    for chunk in builders.split_points(data, rng, reads):
        for event in decoder.feed(chunk):
            by_bytes.feed(event)

    path: Path = tmp_path_factory.mktemp("replay") / "run.sse"
    path.write_bytes(data)
    by_file = streamkit.replay(path)
    by_memory = streamkit.replay(data)

    expected = snapshot_state(by_event)
    assert expected == snapshot_state(by_bytes)
    assert expected == snapshot_state(by_file)
    assert expected == snapshot_state(by_memory)
    assert by_file.done


@settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow])
@given(step_case=step_streams, message_case=message_streams, terminal=st.booleans())
def test_one_created_and_one_done_per_object(
    step_case: tuple[m.RunStep, random.Random],
    message_case: tuple[m.Message, random.Random],
    terminal: bool,
) -> None:
    """(4) Each tool call, content block, step and message: exactly one created and one done."""
    step, rng = step_case
    message, message_rng = message_case
    run = builders.example_run(status="completed")
    step = _in_run(step, run.id)
    message = _in_run(message, run.id)
    del message_rng  # one rng drives the whole run's stream
    events = builders.run_events(run, [step], [message], rng=rng, include_terminal=terminal)
    _, changes = feed_all(events)

    created: Counter[tuple[str, str, int | None]] = Counter()
    done: Counter[tuple[str, str, int | None]] = Counter()
    for change in changes:
        family, _, what = change.kind.rpartition(".")
        if what == "created":
            created[(family, change.id, change.index)] += 1
        elif what == "done":
            done[(family, change.id, change.index)] += 1
    objects = set(created) | set(done)
    assert all(1 == created[key] for key in objects), created
    assert all(1 == done[key] for key in objects), done
    calls = (
        step.step_details.tool_calls
        if isinstance(step.step_details, m.ToolCallsStepDetails)
        else ()
    )
    assert len(calls) == sum(1 for family, _, _ in objects if family == "tool_call")
    assert len(message.content) == sum(
        1 for family, sid, _ in objects if sid == message.id and family != "message"
    )


def _in_run(obj: Any, run_id: str) -> Any:
    return attrs.evolve(obj, run_id=run_id)


@settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow])
@given(step_case=step_streams, message_case=message_streams, lenient=st.booleans())
def test_typed_events_and_raw_events_agree(
    step_case: tuple[m.RunStep, random.Random],
    message_case: tuple[m.Message, random.Random],
    lenient: bool,
) -> None:
    """Feeding ServerSentEvents (merged from JSON) or parsed typed events gives the same result."""
    step, rng = step_case
    message, message_rng = message_case
    events = builders.step_events(step, rng=rng) + builders.message_events(message, rng=message_rng)
    raw, raw_changes = feed_all(events, strict=not lenient)
    typed, typed_changes = feed_all([streamkit.parse_event(e) for e in events], strict=not lenient)
    assert snapshot_state(typed) == snapshot_state(raw)
    assert [(c.kind, c.id, c.index) for c in typed_changes] == [
        (c.kind, c.id, c.index) for c in raw_changes
    ]
    # The deltas the changes carry are the same typed objects either way.
    assert [c.delta for c in typed_changes] == [c.delta for c in raw_changes]
