"""The stream state a handler exposes, as openai-python's ``AssistantEventHandler`` does.

``current_event``, ``current_run``, ``current_run_step_snapshot``,
``current_message_snapshot``, ``current_tool_call`` and ``get_final_run()``,
``get_final_run_steps()``, ``get_final_messages()`` -- so ported code such as
``self.current_run.thread_id`` works. Each recording is run through
openai-python's handler (the installed ``openai``, fed the same events) and
through streamkit's, sync and async, reading the state inside the same
callbacks; the values must agree wherever openai-python's are right.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import anyio
import pytest

import streamkit
from streamkit import StreamkitError, models
from streamkit.recordings import NAMES, read_bytes
from streamkit.sse import SSEDecoder

openai_streaming = pytest.importorskip("openai.lib.streaming._assistants")
openai_models = pytest.importorskip("openai._models")
openai_beta = pytest.importorskip("openai.types.beta")

#: Callbacks both libraries fire alike on these recordings; inside them the state is compared.
COMPARED = (
    "on_text_created",
    "on_text_delta",
    "on_text_done",
    "on_message_created",
    "on_message_delta",
    "on_message_done",
    "on_run_step_delta",
    "on_tool_call_delta",
)
#: openai-python's step snapshot inside on_run_step_done is the one before the step's
#: terminal event (its status still in_progress): there only the step's id is compared.
STEP_DONE = "on_run_step_done"
#: The recordings that end well (a server `error` event ends openai-python's stream earlier).
RECORDINGS = [name for name in NAMES if name != "text-then-server-error"]


def without_index(value: Any) -> Any:
    """A JSON value without ``index`` keys (openai-python's accumulation leaves them in lists)."""
    if isinstance(value, dict):
        return {k: without_index(v) for k, v in value.items() if k != "index" and v is not None}
    if isinstance(value, list):
        return [without_index(item) for item in value]
    return value


def openai_json(model: Any) -> Any:
    return None if model is None else without_index(model.model_dump(mode="json"))


def streamkit_json(model: Any) -> Any:
    return None if model is None else without_index(streamkit.to_dict(model))


def state(handler: Any, as_json: Callable[[Any], Any], callback: str) -> dict[str, Any]:
    event = handler.current_event
    step = as_json(handler.current_run_step_snapshot)
    return {
        "event": event.event if event is not None else None,
        "run": as_json(handler.current_run),
        "step": step["id"] if callback == STEP_DONE and step is not None else step,
        "message": as_json(handler.current_message_snapshot),
    }


def recording_handler(base: type, as_json: Callable[[Any], Any], *, is_async: bool) -> Any:
    """A handler of ``base`` that records the state inside each compared callback."""
    seen: list[tuple[str, dict[str, Any]]] = []

    def method(name: str) -> Callable[..., Any]:
        if is_async:

            async def record_async(self: Any, *args: Any) -> None:
                seen.append((name, state(self, as_json, name)))

            return record_async

        def record(self: Any, *args: Any) -> None:
            seen.append((name, state(self, as_json, name)))

        return record

    names = (*COMPARED, STEP_DONE)
    handler = type("Recording", (base,), {name: method(name) for name in names})()
    handler.seen = seen
    return handler


class Events(list[Any]):
    """What openai-python's handler reads as its stream: the typed events, and close()."""

    def close(self) -> None:
        pass


def openai_events(body: bytes) -> Events:
    """The ``thread.*`` events of a recording as openai-python's Stream gives them."""
    decoder = SSEDecoder(dispatch_at_close=True)
    events = Events()
    for sse in decoder.feed(body) + decoder.close():
        if sse.event.startswith("thread."):
            value = {"event": sse.event, "data": json.loads(sse.data)}
            events.append(
                openai_models.construct_type(type_=openai_beta.AssistantStreamEvent, value=value)
            )
    return events


def run_openai(body: bytes) -> Any:
    handler = recording_handler(openai_streaming.AssistantEventHandler, openai_json, is_async=False)
    handler._init(openai_events(body))
    handler.until_done()
    return handler


def run_streamkit(body: bytes, flavour: str) -> Any:
    if flavour == "sync":
        handler = recording_handler(streamkit.EventHandler, streamkit_json, is_async=False)
        streamkit.consume(body, handler)
        return handler
    handler = recording_handler(streamkit.AsyncEventHandler, streamkit_json, is_async=True)

    async def main() -> None:
        await streamkit.aconsume(body, handler)

    anyio.run(main)
    return handler


@pytest.mark.parametrize("flavour", ["sync", "async"])
@pytest.mark.parametrize("name", RECORDINGS)
def test_the_state_inside_callbacks_is_openais(name: str, flavour: str) -> None:
    """current_event, _run, _run_step_snapshot, _message_snapshot agree with openai-python's."""
    body = read_bytes(name)
    theirs = run_openai(body).seen
    ours = run_streamkit(body, flavour).seen
    for callback in COMPARED:
        expected = [values for called, values in theirs if called == callback]
        assert expected == [values for called, values in ours if called == callback], callback
    assert any(called in COMPARED for called, _ in ours)
    # on_run_step_done: openai-python skips it for a step whose run ended first, and
    # knows no current step for one first seen in a continuation; ours are checked
    # where it has them.
    done = [values for called, values in ours if called == STEP_DONE]
    expected_done = [values for called, values in theirs if called == STEP_DONE]
    assert len(expected_done) <= len(done)
    for their, our in zip(
        reversed(expected_done), reversed(done[len(done) - len(expected_done) :]), strict=True
    ):
        assert their == (our if their["step"] is not None else {**our, "step": None})
    assert all(values["step"] is not None for values in done)


@pytest.mark.parametrize("name", RECORDINGS)
def test_the_final_results_are_openais(name: str) -> None:
    """get_final_run() and get_final_messages() as openai-python's; the steps are the same ones."""
    body = read_bytes(name)
    theirs = run_openai(body)
    ours = run_streamkit(body, "sync")
    assert openai_json(theirs.get_final_run()) == streamkit_json(ours.get_final_run())
    if ours.accumulator.messages:  # openai-python raises where ours are an empty list
        assert [openai_json(m) for m in theirs.get_final_messages()] == [
            streamkit_json(m) for m in ours.get_final_messages()
        ]
    else:
        assert [] == ours.get_final_messages()
    # openai-python's steps keep their state before the terminal event; ours are complete.
    their_steps = [step.id for step in theirs.get_final_run_steps()]
    our_steps = ours.get_final_run_steps()
    assert their_steps == [step.id for step in our_steps][-len(their_steps) :]
    if ours.get_final_run().status == "completed":
        assert all(step.status == "completed" for step in our_steps)
    assert list(ours.accumulator.run_steps.values()) == our_steps


def test_ported_code_reads_the_current_run() -> None:
    """The issue's example: ``self.current_run.thread_id`` inside a callback."""
    threads: list[str] = []

    class Ported(streamkit.EventHandler):
        def on_text_delta(self, delta: models.TextDelta, snapshot: models.Text) -> None:
            assert self.current_run is not None
            threads.append(self.current_run.thread_id)

    accumulator = streamkit.consume(read_bytes("text-run"), Ported())
    run = accumulator.final_run
    assert run is not None
    assert [run.thread_id] * 33 == threads


def test_the_async_final_results_are_awaited() -> None:
    body = read_bytes("parallel-function-calls")
    handler = streamkit.AsyncEventHandler()

    async def main() -> tuple[Any, Any, Any]:
        await streamkit.aconsume(body, handler)
        return (
            await handler.get_final_run(),
            await handler.get_final_run_steps(),
            await handler.get_final_messages(),
        )

    run, steps, messages = anyio.run(main)
    expected = streamkit.replay(body)
    assert expected.final_run == run
    assert list(expected.run_steps.values()) == steps
    assert [] == messages


def test_current_tool_call_is_the_call_being_streamed() -> None:
    """Inside the tool-call callbacks, current_tool_call is the call they are about.

    (One event may end several calls -- here requires_action ends both -- and
    then it is the last of them in every one's on_tool_call_done.)
    """
    pairs: list[tuple[str, Any, Any]] = []

    class Calls(streamkit.EventHandler):
        def on_tool_call_created(self, tool_call: models.ToolCall) -> None:
            pairs.append(("created", tool_call, self.current_tool_call))

        def on_tool_call_delta(self, delta: Any, snapshot: models.ToolCall) -> None:
            pairs.append(("delta", snapshot, self.current_tool_call))

        def on_tool_call_done(self, tool_call: models.ToolCall) -> None:
            pairs.append(("done", tool_call, self.current_tool_call))

    handler = Calls()
    streamkit.consume(read_bytes("parallel-function-calls"), handler)
    assert {"created", "delta", "done"} == {kind for kind, _, _ in pairs}
    for kind, given, current in pairs:
        if kind != "done":
            assert given == current
    done = [(given.id, current.id) for kind, given, current in pairs if kind == "done"]
    assert [("call_01", "call_02"), ("call_02", "call_02")] == done
    # After the stream: the last call of the last step with tool calls.
    [step] = handler.get_final_run_steps()
    details = step.step_details
    assert isinstance(details, models.ToolCallsStepDetails)
    assert details.tool_calls[-1] == handler.current_tool_call


def test_before_any_stream() -> None:
    """A handler not given a stream yet: nothing current; the final results raise."""
    for handler in (streamkit.EventHandler(), streamkit.Handlers()):
        assert handler.current_event is None
        assert handler.current_run is None
        assert handler.current_run_step_snapshot is None
        assert handler.current_message_snapshot is None
        assert handler.current_tool_call is None
        with pytest.raises(StreamkitError, match="not been given a stream"):
            handler.get_final_run()
        with pytest.raises(StreamkitError, match="not been given a stream"):
            handler.get_final_run_steps()


def test_after_the_stream() -> None:
    """After the stream: the last event, the final run, no step in progress, the last message."""
    body = read_bytes("text-run")
    handler = streamkit.EventHandler()
    accumulator = streamkit.consume(body, handler)
    event = handler.current_event
    assert event is not None
    assert "done" == event.event
    assert accumulator.final_run == handler.current_run == handler.get_final_run()
    assert None is handler.current_run_step_snapshot
    [message] = accumulator.messages.values()
    assert message == handler.current_message_snapshot
    assert None is handler.current_tool_call


def test_a_stream_without_a_run() -> None:
    handler = streamkit.EventHandler()
    streamkit.consume(b": nothing\n\n", handler)
    with pytest.raises(StreamkitError, match="no run"):
        handler.get_final_run()
    assert [] == handler.get_final_run_steps()
    assert [] == handler.get_final_messages()
