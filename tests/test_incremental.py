"""Incremental snapshots: read after every event, they equal snapshots built from scratch.

Snapshots are rebuilt only where the node tree changed since the last read
(per-node caches, dropped by the merge on every node it touches). A cache
that survives a change would show here as a stale snapshot: after each event
of a stream, every snapshot read from the long-lived accumulator (whole
objects and the entry a Change points at) must equal what a fresh
accumulator fed the same prefix builds in one go.
"""

from __future__ import annotations

import itertools
import random
import subprocess
import sys
import textwrap

from hypothesis import given, settings
from hypothesis import strategies as st

import streamkit
from streamkit import models as m
from streamkit import testing
from streamkit.sse import ServerSentEvent
from tests.strategies import final_messages, final_steps


def _fresh(events: list[ServerSentEvent]) -> streamkit.Accumulator:
    accumulator = streamkit.Accumulator()
    for event in events:
        accumulator.feed(event)
    return accumulator


def _check_every_prefix(events: list[ServerSentEvent]) -> int:
    """Feed events one by one, reading snapshots after each; compare with fresh builds."""
    live = streamkit.Accumulator()
    compared = 0
    for position, event in enumerate(events, start=1):
        changes = live.feed(event)
        for change in changes:  # the entry a Change points at, before the next event
            if change.kind.startswith(("tool_call.", "text.")) and change.index is not None:
                change.snapshot  # noqa: B018 - read it: this fills the caches under test
        fresh = _fresh(events[:position])
        for mine, theirs in (
            (live.run_steps, fresh.run_steps),
            (live.messages, fresh.messages),
            (live.runs, fresh.runs),
        ):
            assert list(mine) == list(theirs)
            for key in mine:
                assert streamkit.to_dict(mine[key]) == streamkit.to_dict(theirs[key])
                compared += 1
    return compared


@settings(max_examples=25, deadline=None)
@given(step=final_steps(), seed=st.integers(0, 2**32 - 1))
def test_step_snapshots_read_per_event_equal_fresh_builds(step: m.RunStep, seed: int) -> None:
    """Steps with interleaved, out-of-order tool calls and outputs."""
    events = testing.step_events(step, rng=random.Random(seed), max_fragment=5)
    assert _check_every_prefix(events) >= len(events)


@settings(max_examples=25, deadline=None)
@given(message=final_messages(), seed=st.integers(0, 2**32 - 1))
def test_message_snapshots_read_per_event_equal_fresh_builds(message: m.Message, seed: int) -> None:
    """Messages with several blocks and annotations."""
    events = testing.message_events(message, rng=random.Random(seed), max_fragment=5)
    assert _check_every_prefix(events) >= len(events)


def test_entry_snapshots_follow_the_entry() -> None:
    """A tool call read after each delta is the call so far; an unchanged step is reused."""
    step = testing.example_function_calls_step()
    events = testing.step_events(step, rng=random.Random(3), interleave=True, max_fragment=3)
    accumulator = streamkit.Accumulator()
    seen: dict[int, list[m.ToolCall]] = {}
    for event in events:
        for change in accumulator.feed(event):
            if change.kind in ("tool_call.created", "tool_call.delta", "tool_call.done"):
                assert change.index is not None
                seen.setdefault(change.index, []).append(change.snapshot)
    final = accumulator.run_steps[step.id].step_details
    assert isinstance(final, m.ToolCallsStepDetails)
    for index, snapshots in seen.items():
        arguments = [s.function.arguments or "" for s in snapshots]
        # Each read is a prefix of the next: nothing stale, nothing lost.
        assert all(b.startswith(a) for a, b in itertools.pairwise(arguments))
        assert snapshots[-1] == final.tool_calls[index]
    step_snapshot = accumulator.run_steps[step.id]
    assert accumulator.run_steps[step.id] is step_snapshot  # unchanged: the cached object


def test_a_typeless_first_entry_then_a_typed_one_merges() -> None:
    """A content block first seen without `type` is merged as text once a delta names it.

    Its first fragment was kept raw (an unknown object); the typed delta with
    annotations must merge into it, not fail on the raw list it holds.
    """
    message = {
        "id": "msg_1",
        "object": "thread.message",
        "created_at": 1,
        "thread_id": "thread_1",
        "status": "in_progress",
        "role": "assistant",
        "content": [],
        "metadata": {},
    }
    first = {"index": 0, "text": {"value": "Fil", "annotations": []}}
    second = {
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
    accumulator = streamkit.Accumulator()
    accumulator.feed(testing.event("thread.message.created", message))
    for entry in (first, second):
        accumulator.feed(
            testing.event(
                "thread.message.delta",
                {"id": "msg_1", "object": "thread.message.delta", "delta": {"content": [entry]}},
            )
        )
    (block,) = accumulator.messages["msg_1"].content
    assert isinstance(block, m.TextContentBlock)
    assert block.text.value == "Filx"
    assert [a.file_citation.file_id for a in block.text.annotations] == ["f"]  # type: ignore[union-attr]


def test_a_hook_registered_later_builds_whole_snapshots() -> None:
    """A structure hook registered on streamkit.converter for Message builds the snapshots.

    The snapshot read between deltas is built from the accumulator's nodes, by
    the hook in force (registered after the accumulator module was loaded).
    Run in a fresh interpreter: a registered hook stays for the process.
    """
    script = textwrap.dedent(
        """
        import attrs, streamkit
        from streamkit import models, recordings

        acc = streamkit.Accumulator()  # the accumulator module is loaded first
        default = streamkit._engine.convert.structurer(models.Message)

        from_nodes = []

        @streamkit.converter.register_structure_hook
        def message_hook(value, cls) -> models.Message:
            from_nodes.append(type(value).__name__ == "Node")
            return default(value)

        decoder = streamkit.SSEDecoder(dispatch_at_close=True)
        reads = 0
        for sse in decoder.feed(recordings.read_bytes("text-run")) + decoder.close():
            acc.feed(sse)
            if sse.event == "thread.message.delta":
                reads += len(list(acc.messages.values()))
        assert reads > 0
        assert sum(from_nodes) == reads, (from_nodes, reads)
        print("ok")
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=False
    )
    assert "ok" == done.stdout.strip(), done.stderr[-2000:]
