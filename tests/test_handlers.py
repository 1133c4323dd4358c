"""The event-callback layer: EventHandler, AsyncEventHandler, Handlers, consume, text_deltas.

Every expectation here comes from the documented callback semantics (which
callback, in which order, with which argument), never from the implementation:

1. exact callback sequences for every bundled recording;
2. builder streams: code-interpreter conveniences, interleaved parallel calls
   (no created/done "flapping"), sequential steps reusing index 0, a run that
   ends before its step, mixed message content, incomplete messages;
3. a property: the sequence does not depend on byte chunking, and created/done
   callbacks are balanced per object;
4. the decorator form; 5. errors; 6. snapshots handed to callbacks are safe;
7. text_deltas / atext_deltas; 8. the async twins.
"""

from __future__ import annotations

import json
import random
from collections import Counter
from collections.abc import AsyncIterator, Sequence
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import streamkit
from streamkit import ServerSentEvent, SSEDecoder, recordings, to_dict
from streamkit import models as m
from streamkit import testing as builders
from tests.strategies import final_messages, final_steps

Entry = tuple[Any, ...]
Log = list[Entry]

#: Every callback of EventHandler / AsyncEventHandler.
CALLBACKS: tuple[str, ...] = (
    "on_event",
    "on_end",
    "on_exception",
    "on_timeout",
    "on_run_created",
    "on_run_status",
    "on_requires_action",
    "on_run_done",
    "on_run_step_created",
    "on_run_step_delta",
    "on_run_step_done",
    "on_tool_call_created",
    "on_tool_call_delta",
    "on_tool_call_done",
    "on_code_input_delta",
    "on_code_logs",
    "on_code_image",
    "on_message_created",
    "on_message_delta",
    "on_message_done",
    "on_text_created",
    "on_text_delta",
    "on_text_done",
    "on_image_file_done",
    "on_error",
    "on_unknown_event",
)


class Boom(Exception):
    """Raised by a test callback."""


def describe(name: str, args: tuple[Any, ...]) -> Entry:
    """A compact, comparable record of one callback call."""
    short = name.removeprefix("on_")
    if name == "on_event":
        return ("event", args[0].event)
    if name in ("on_end", "on_timeout"):
        return (short,)
    if name == "on_exception":
        return ("exception", type(args[0]).__name__)
    if name in ("on_run_created", "on_run_step_created", "on_run_step_done"):
        return (short, args[0].id)
    if name in ("on_run_status", "on_run_done"):
        return (short, args[0].status)
    if name == "on_requires_action":
        return (short, [call.id for call in args[1]])
    if name in ("on_run_step_delta", "on_message_delta"):
        return (short, args[1].id)
    if name in ("on_tool_call_created", "on_tool_call_done"):
        return (short, getattr(args[0], "id", None))
    if name == "on_tool_call_delta":
        return (short, getattr(args[1], "id", None), args[0].index)
    if name in ("on_code_input_delta", "on_code_logs", "on_code_image"):
        return (short, args[1].id, args[0])
    if name in ("on_message_created", "on_message_done"):
        return (short, args[0].id)
    if name in ("on_text_created", "on_text_done"):
        return (short, args[0].value)
    if name == "on_text_delta":
        return (short, args[0].value)
    if name == "on_image_file_done":
        return (short, args[0].file_id)
    if name == "on_error":
        return (short, args[0].type)
    if name == "on_unknown_event":
        return (short, args[0].event)
    raise AssertionError(name)


class _Recording:
    """What both recorders share: the log, the raw arguments, an optional failure."""

    def _setup(self, fail_on: tuple[str, int] | None) -> None:
        self.log: Log = []
        self.calls: list[tuple[str, tuple[Any, ...]]] = []
        self.fail_on = fail_on
        self.raised: Boom | None = None

    def _record(self, name: str, *args: Any) -> None:
        self.calls.append((name, args))
        self.log.append(describe(name, args))
        if self.fail_on is not None and self.fail_on[0] == name:
            count = sum(1 for called, _ in self.calls if called == name)
            if count == self.fail_on[1]:
                self.raised = Boom(f"{name} #{count}")
                raise self.raised

    def args_of(self, name: str) -> list[tuple[Any, ...]]:
        return [args for called, args in self.calls if called == name]


class Recorder(_Recording, streamkit.EventHandler):
    """Records every callback; raises Boom at the n-th call of ``fail_on[0]``."""

    def __init__(self, fail_on: tuple[str, int] | None = None) -> None:
        super().__init__()
        self._setup(fail_on)

    def on_event(self, event: Any) -> None:
        self._record("on_event", event)

    def on_end(self) -> None:
        self._record("on_end")

    def on_exception(self, exception: Any) -> None:
        self._record("on_exception", exception)

    def on_timeout(self) -> None:
        self._record("on_timeout")

    def on_run_created(self, run: Any) -> None:
        self._record("on_run_created", run)

    def on_run_status(self, run: Any) -> None:
        self._record("on_run_status", run)

    def on_requires_action(self, run: Any, tool_calls: Any) -> None:
        self._record("on_requires_action", run, tool_calls)

    def on_run_done(self, run: Any) -> None:
        self._record("on_run_done", run)

    def on_run_step_created(self, run_step: Any) -> None:
        self._record("on_run_step_created", run_step)

    def on_run_step_delta(self, delta: Any, snapshot: Any) -> None:
        self._record("on_run_step_delta", delta, snapshot)

    def on_run_step_done(self, run_step: Any) -> None:
        self._record("on_run_step_done", run_step)

    def on_tool_call_created(self, tool_call: Any) -> None:
        self._record("on_tool_call_created", tool_call)

    def on_tool_call_delta(self, delta: Any, snapshot: Any) -> None:
        self._record("on_tool_call_delta", delta, snapshot)

    def on_tool_call_done(self, tool_call: Any) -> None:
        self._record("on_tool_call_done", tool_call)

    def on_code_input_delta(self, text: Any, snapshot: Any) -> None:
        self._record("on_code_input_delta", text, snapshot)

    def on_code_logs(self, text: Any, snapshot: Any) -> None:
        self._record("on_code_logs", text, snapshot)

    def on_code_image(self, file_id: Any, snapshot: Any) -> None:
        self._record("on_code_image", file_id, snapshot)

    def on_message_created(self, message: Any) -> None:
        self._record("on_message_created", message)

    def on_message_delta(self, delta: Any, snapshot: Any) -> None:
        self._record("on_message_delta", delta, snapshot)

    def on_message_done(self, message: Any) -> None:
        self._record("on_message_done", message)

    def on_text_created(self, text: Any) -> None:
        self._record("on_text_created", text)

    def on_text_delta(self, delta: Any, snapshot: Any) -> None:
        self._record("on_text_delta", delta, snapshot)

    def on_text_done(self, text: Any) -> None:
        self._record("on_text_done", text)

    def on_image_file_done(self, image_file: Any) -> None:
        self._record("on_image_file_done", image_file)

    def on_error(self, error: Any) -> None:
        self._record("on_error", error)

    def on_unknown_event(self, event: Any) -> None:
        self._record("on_unknown_event", event)


class AsyncRecorder(_Recording, streamkit.AsyncEventHandler):
    """The async twin of :class:`Recorder`."""

    def __init__(self, fail_on: tuple[str, int] | None = None) -> None:
        super().__init__()
        self._setup(fail_on)

    async def on_event(self, event: Any) -> None:
        self._record("on_event", event)

    async def on_end(self) -> None:
        self._record("on_end")

    async def on_exception(self, exception: Any) -> None:
        self._record("on_exception", exception)

    async def on_timeout(self) -> None:
        self._record("on_timeout")

    async def on_run_created(self, run: Any) -> None:
        self._record("on_run_created", run)

    async def on_run_status(self, run: Any) -> None:
        self._record("on_run_status", run)

    async def on_requires_action(self, run: Any, tool_calls: Any) -> None:
        self._record("on_requires_action", run, tool_calls)

    async def on_run_done(self, run: Any) -> None:
        self._record("on_run_done", run)

    async def on_run_step_created(self, run_step: Any) -> None:
        self._record("on_run_step_created", run_step)

    async def on_run_step_delta(self, delta: Any, snapshot: Any) -> None:
        self._record("on_run_step_delta", delta, snapshot)

    async def on_run_step_done(self, run_step: Any) -> None:
        self._record("on_run_step_done", run_step)

    async def on_tool_call_created(self, tool_call: Any) -> None:
        self._record("on_tool_call_created", tool_call)

    async def on_tool_call_delta(self, delta: Any, snapshot: Any) -> None:
        self._record("on_tool_call_delta", delta, snapshot)

    async def on_tool_call_done(self, tool_call: Any) -> None:
        self._record("on_tool_call_done", tool_call)

    async def on_code_input_delta(self, text: Any, snapshot: Any) -> None:
        self._record("on_code_input_delta", text, snapshot)

    async def on_code_logs(self, text: Any, snapshot: Any) -> None:
        self._record("on_code_logs", text, snapshot)

    async def on_code_image(self, file_id: Any, snapshot: Any) -> None:
        self._record("on_code_image", file_id, snapshot)

    async def on_message_created(self, message: Any) -> None:
        self._record("on_message_created", message)

    async def on_message_delta(self, delta: Any, snapshot: Any) -> None:
        self._record("on_message_delta", delta, snapshot)

    async def on_message_done(self, message: Any) -> None:
        self._record("on_message_done", message)

    async def on_text_created(self, text: Any) -> None:
        self._record("on_text_created", text)

    async def on_text_delta(self, delta: Any, snapshot: Any) -> None:
        self._record("on_text_delta", delta, snapshot)

    async def on_text_done(self, text: Any) -> None:
        self._record("on_text_done", text)

    async def on_image_file_done(self, image_file: Any) -> None:
        self._record("on_image_file_done", image_file)

    async def on_error(self, error: Any) -> None:
        self._record("on_error", error)

    async def on_unknown_event(self, event: Any) -> None:
        self._record("on_unknown_event", event)


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


# --- Helpers ------------------------------------------------------------------------


def run_sync(source: Any, *, strict: bool = True, **kwargs: Any) -> Recorder:
    handler = Recorder(**kwargs)
    streamkit.consume(source, handler, strict=strict)
    return handler


def raw_events(data: bytes) -> list[ServerSentEvent]:
    """The recording's SSE events (a last event without its blank line included)."""
    decoder = SSEDecoder(dispatch_at_close=True)
    return decoder.feed(data) + decoder.close()


def fragments_of(data: bytes, message_id: str) -> list[str]:
    """The text fragments the recording's message deltas carry, in order (read from the JSON)."""
    out = []
    for event in raw_events(data):
        if event.event == "thread.message.delta":
            payload = json.loads(event.data)
            assert payload["id"] == message_id
            (entry,) = payload["delta"]["content"]
            out.append(entry["text"]["value"])
    return out


def E(name: str) -> Entry:
    """An on_event entry (short, as it fills the expected tables)."""
    return ("event", name)


def run_opening(run_id: str) -> Log:
    """run.created (queued), run.queued, run.in_progress."""
    return [
        E("thread.run.created"),
        ("run_created", run_id),
        ("run_status", "queued"),
        E("thread.run.queued"),
        ("run_status", "queued"),
        E("thread.run.in_progress"),
        ("run_status", "in_progress"),
    ]


def step_open(step_id: str) -> Log:
    return [
        E("thread.run.step.created"),
        ("run_step_created", step_id),
        E("thread.run.step.in_progress"),
    ]


def text_message(message_id: str, fragments: Sequence[str], final_text: str) -> Log:
    """A one-text-block message: created, in_progress, a delta per fragment, completed."""
    log: Log = [
        E("thread.message.created"),
        ("message_created", message_id),
        E("thread.message.in_progress"),
    ]
    for k, fragment in enumerate(fragments):
        log += [E("thread.message.delta"), ("message_delta", message_id)]
        if k == 0:
            log.append(("text_created", fragment))
        log.append(("text_delta", fragment))
    log += [E("thread.message.completed"), ("text_done", final_text), ("message_done", message_id)]
    return log


def run_end(status: str, required: list[str] | None = None) -> Log:
    log: Log = [("run_status", status)]
    if required is not None:
        log.append(("requires_action", required))
    log.append(("run_done", status))
    return log


STREAMING = {
    "event",
    "run_step_delta",
    "tool_call_delta",
    "message_delta",
    "text_delta",
    "code_input_delta",
    "code_logs",
    "code_image",
}


def skeleton(log: Log) -> Log:
    """The log without on_event and the per-delta callbacks."""
    return [entry for entry in log if entry[0] not in STREAMING]


def kinds(log: Log, kind: str) -> Log:
    return [entry for entry in log if entry[0] == kind]


def sse(name: str, data: Any) -> ServerSentEvent:
    return ServerSentEvent(event=name, data=json.dumps(data, ensure_ascii=False))


DONE = ServerSentEvent(event="done", data="[DONE]")


def step_delta(step_id: str, *entries: dict[str, Any]) -> ServerSentEvent:
    delta = {"step_details": {"type": "tool_calls", "tool_calls": list(entries)}}
    return sse(
        "thread.run.step.delta", {"id": step_id, "object": "thread.run.step.delta", "delta": delta}
    )


def message_delta(message_id: str, *entries: dict[str, Any]) -> ServerSentEvent:
    data = {"id": message_id, "object": "thread.message.delta", "delta": {"content": list(entries)}}
    return sse("thread.message.delta", data)


def rename_call(step: m.RunStep, call_id: str) -> m.RunStep:
    """The step with its (single) tool call renamed."""
    details = step.step_details
    assert isinstance(details, m.ToolCallsStepDetails)
    calls = tuple(attrs.evolve(call, id=call_id) for call in details.tool_calls)
    return attrs.evolve(step, step_details=attrs.evolve(details, tool_calls=calls))


def tool_calls_of(step: m.RunStep) -> tuple[Any, ...]:
    details = step.step_details
    assert isinstance(details, m.ToolCallsStepDetails)
    return details.tool_calls


def final_text(acc: streamkit.Accumulator, message_id: str) -> str:
    block = acc.messages[message_id].content[0]
    assert isinstance(block, m.TextContentBlock)
    return block.text.value


# --- 1. Recordings: exact callback sequences ----------------------------------------

TEXT_RUN = recordings.read_bytes("text-run")
TEXT_RUN_MSG = "msg_Tn5DNmiQEPZ80biW5AukKrvH"


def expected_text_run() -> Log:
    fragments = fragments_of(TEXT_RUN, TEXT_RUN_MSG)
    return [
        *run_opening("run_Uy45lNz2P7BpJcqWzQkXl1Bu"),
        *step_open("step_MVHqdoguIjNIUNR3cl1ks8ka"),
        *text_message(TEXT_RUN_MSG, fragments, "".join(fragments)),
        E("thread.run.step.completed"),
        ("run_step_done", "step_MVHqdoguIjNIUNR3cl1ks8ka"),
        E("thread.run.completed"),
        *run_end("completed"),
        E("done"),
        ("end",),
    ]


class TestRecordings:
    def test_text_run(self) -> None:
        """text-run: run, step, message with 33 text deltas (first one included), done callbacks."""
        fragments = fragments_of(TEXT_RUN, TEXT_RUN_MSG)
        assert len(fragments) == 33
        assert fragments[0] == "Hello"
        handler = run_sync(TEXT_RUN)
        assert handler.log == expected_text_run()
        assert "".join(f for _, f in kinds(handler.log, "text_delta")) == final_text(
            handler.accumulator, TEXT_RUN_MSG
        )

    def test_create_thread_and_run_text(self) -> None:
        """create-thread-and-run-text: thread.created gives on_event only; 164 text deltas."""
        data = recordings.read_bytes("create-thread-and-run-text")
        message_id = "msg_HWUh1Wmyd1bK2CMgZ98vyyZj"
        fragments = fragments_of(data, message_id)
        assert len(fragments) == 164
        handler = run_sync(data)
        step_id = "step_lXgWrHJ0ERIM4VQW0QjIkrG4"
        assert handler.log == [
            E("thread.created"),
            *run_opening("run_52tHMSE6i1HsqrHXPYYSmSJG"),
            *step_open(step_id),
            *text_message(message_id, fragments, "".join(fragments)),
            E("thread.run.step.completed"),
            ("run_step_done", step_id),
            E("thread.run.completed"),
            *run_end("completed"),
            E("done"),  # its last line lacks the blank line: the end of the stream ends it
            ("end",),
        ]
        assert "".join(fragments) == final_text(handler.accumulator, message_id)

    def test_function_call_requires_action(self) -> None:
        """Case 13: tool_call_done once (arguments "{}") at requires_action, then the run ones."""
        handler = run_sync(recordings.read_bytes("function-call-requires-action"))
        step_id = "step_9c9pSsTIsCYc1KeHEI6Ba34s"
        call_id = "call_xyFYaEeyocjyE6jN64QTcxip"
        assert handler.log == [
            E("thread.created"),
            *run_opening("run_oyfV44CrJXYJkvb2qsd80LvJ"),
            *step_open(step_id),
            E("thread.run.step.delta"),
            ("run_step_delta", step_id),
            ("tool_call_created", call_id),
            E("thread.run.step.delta"),
            ("run_step_delta", step_id),
            ("tool_call_delta", call_id, 0),
            E("thread.run.requires_action"),
            ("tool_call_done", call_id),
            ("run_step_done", step_id),
            *run_end("requires_action", [call_id]),
            E("done"),
            ("end",),
        ]
        ((created,),) = handler.args_of("on_tool_call_created")
        assert created.function.name == "get_current_weather"
        assert created.function.arguments == ""  # the first delta applied, no more
        ((done,),) = handler.args_of("on_tool_call_done")
        assert done.function.arguments == "{}"
        ((run, calls),) = handler.args_of("on_requires_action")
        assert run.status == "requires_action"
        assert [c.function.arguments for c in calls] == ["{}"]
        ((delta, snapshot),) = handler.args_of("on_tool_call_delta")
        assert delta.function.arguments == "{}"
        assert snapshot.function.arguments == "{}"

    @pytest.mark.parametrize(
        ("name", "tool_step", "call_id", "output", "run_id", "message_step", "message_id"),
        [
            (
                "function-call-continuation",
                "step_9c9pSsTIsCYc1KeHEI6Ba34s",
                "call_xyFYaEeyocjyE6jN64QTcxip",
                "warm and sunny",
                "run_oyfV44CrJXYJkvb2qsd80LvJ",
                "step_Ou0TFVL8JOSRggWUqsOvtr70",
                "msg_kSkj4ryQchn1MSwL3I2N0uWV",
            ),
            (
                "submit-tool-outputs-continuation",
                "step_iSAdisa8jKetGFKqiRbpvW85",
                "call_vnwkHhHXhL2aZjtT82XyoTe2",
                "20.164465313460656",
                "run_aGcGlDn9ucGF5OvSAWBYY6bM",
                "step_oisliSrXkFP6UlnZRSLKFgbb",
                "msg_Gi4BvlTytbJ1j7ybhUi43UZO",
            ),
        ],
    )
    def test_continuations(
        self,
        name: str,
        tool_step: str,
        call_id: str,
        output: str,
        run_id: str,
        message_step: str,
        message_id: str,
    ) -> None:
        """Case 38: a step first seen completed gets step created, call created+done, step done."""
        data = recordings.read_bytes(name)
        fragments = fragments_of(data, message_id)
        handler = run_sync(data)
        assert handler.log == [
            E("thread.run.step.completed"),
            ("run_step_created", tool_step),
            ("tool_call_created", call_id),
            ("tool_call_done", call_id),
            ("run_step_done", tool_step),
            E("thread.run.queued"),
            ("run_created", run_id),  # first sight of the run id
            ("run_status", "queued"),
            E("thread.run.in_progress"),
            ("run_status", "in_progress"),
            *step_open(message_step),
            *text_message(message_id, fragments, "".join(fragments)),
            E("thread.run.step.completed"),
            ("run_step_done", message_step),
            E("thread.run.completed"),
            *run_end("completed"),
            E("done"),
            ("end",),
        ]
        ((call,),) = handler.args_of("on_tool_call_done")
        assert call.function.output == output
        ((step,),) = handler.args_of("on_run_step_done")[:1]
        assert step.status == "completed"

    def test_parallel_function_calls(self) -> None:
        """Case 19: two calls, created and done once each, every delta routed to its call."""
        handler = run_sync(recordings.read_bytes("parallel-function-calls"))
        step = "step_01"
        delta = [E("thread.run.step.delta"), ("run_step_delta", step)]
        assert handler.log == [
            *run_opening("run_01"),
            *step_open(step),
            *delta,
            ("tool_call_created", "call_01"),
            *delta,
            ("tool_call_delta", "call_01", 0),
            *delta,
            ("tool_call_created", "call_02"),
            *[*delta, ("tool_call_delta", "call_02", 1)] * 5,
            E("thread.run.requires_action"),
            ("tool_call_done", "call_01"),
            ("tool_call_done", "call_02"),
            ("run_step_done", step),
            *run_end("requires_action", ["call_01", "call_02"]),
            E("done"),
            ("end",),
        ]
        args = {
            call.id: call.function.arguments for (call,) in handler.args_of("on_tool_call_done")
        }
        assert args == {"call_01": "{}", "call_02": '{"location": "New York"}'}
        pieces = [d.function.arguments for d, s in handler.args_of("on_tool_call_delta")]
        assert pieces == ["{}", '{"lo', "catio", 'n": "N', "ew Y", 'ork"}']

    def test_file_search_with_citation(self) -> None:
        """Cases 15/44: tool_call_done once, with the results only the completed step carries."""
        data = recordings.read_bytes("file-search-with-citation")
        message_id = "msg_QKguDb0ERalCwX44IuQhxGAy"
        fragments = fragments_of(data, message_id)
        assert len(fragments) == 9
        search_step = "step_0c79ag3Oq7RXIuR5v9VJ8c5I"
        message_step = "step_hmYOAd1Lb8Bx9qzQJRN3Se63"
        call_id = "call_Ijw9WuTSpuhrnIInrcUzLRsL"
        handler = run_sync(data)
        text = "Filip's favorite food is cake【4:0†favorite_foods.txt】."
        assert "".join(fragments) == text
        assert handler.log == [
            *run_opening("run_gMAiOdxbrcV3JXHDasJZwr3g"),
            *step_open(search_step),
            E("thread.run.step.delta"),
            ("run_step_delta", search_step),
            ("tool_call_created", call_id),
            E("thread.run.step.completed"),
            ("tool_call_done", call_id),
            ("run_step_done", search_step),
            *step_open(message_step),
            *text_message(message_id, fragments, text),
            E("thread.run.step.completed"),
            ("run_step_done", message_step),
            E("thread.run.completed"),
            *run_end("completed"),
            E("done"),
            ("end",),
        ]
        ((created,),) = handler.args_of("on_tool_call_created")
        assert not created.file_search.results
        ((done,),) = handler.args_of("on_tool_call_done")
        assert isinstance(done, m.FileSearchToolCall)
        assert done.file_search.results is not None
        assert [r.file_name for r in done.file_search.results] == ["favorite_foods.txt"]
        ((text_done,),) = handler.args_of("on_text_done")
        (annotation,) = text_done.annotations
        assert (annotation.start_index, annotation.end_index) == (29, 53)

    def test_server_error_lenient(self) -> None:
        """text-then-server-error, lenient: on_error(server_error), no exception, then on_end."""
        data = recordings.read_bytes("text-then-server-error")
        message_id = "msg_HdHuRcbxQRyO6ttCZt2PeSLO"
        fragments = fragments_of(data, message_id)
        assert len(fragments) == 55
        handler = run_sync(data, strict=False)
        opening = text_message(message_id, fragments, "")[:-3]  # no message.completed
        step_id = "step_lmDenBFdg4FoEBmRRWE1s8DZ"
        assert handler.log == [
            *run_opening("run_uNQ87yXUBgR3bf8AKnzO0p1b"),
            *step_open(step_id),
            *opening,
            E("error"),
            ("error", "server_error"),
            ("end",),
        ]
        assert final_text(handler.accumulator, message_id) == "".join(fragments)
        assert len(handler.accumulator.errors) == 1

    @pytest.mark.parametrize("name", recordings.NAMES)
    def test_on_event_sees_every_event_and_on_end_is_last(self, name: str) -> None:
        """on_event is called once per event, in stream order; on_end once, last; no timeout."""
        data = recordings.read_bytes(name)
        handler = run_sync(data, strict=False)
        names = [event.event for event in raw_events(data)]
        assert [e for e in handler.log if e[0] == "event"] == [E(n) for n in names]
        assert handler.log[-1] == ("end",)
        assert handler.log.count(("end",)) == 1
        assert ("timeout",) not in handler.log
        assert not kinds(handler.log, "exception")

    @pytest.mark.parametrize("name", recordings.NAMES)
    def test_created_and_done_balanced(self, name: str) -> None:
        """Every recording: one created and one done per tool call, message, text block, step."""
        handler = run_sync(recordings.read_bytes(name), strict=False)
        log = handler.log
        for created, done in [
            ("tool_call_created", "tool_call_done"),
            ("run_step_created", "run_step_done"),
            ("message_created", "message_done"),
        ]:
            made = Counter(e[1] for e in kinds(log, created))
            if name != "text-then-server-error":
                assert made == Counter(e[1] for e in kinds(log, done))
            assert set(made.values()) <= {1}
        texts = len(kinds(log, "text_created"))
        without_message = ("function-call-requires-action", "parallel-function-calls")
        assert texts == (0 if name in without_message else 1)
        if name != "text-then-server-error":
            assert len(kinds(log, "text_done")) == texts


# --- 2. Builder streams -----------------------------------------------------------------

CODE_STEP = builders.example_code_interpreter_step()
(CODE_CALL,) = tool_calls_of(CODE_STEP)


def event_tool_entries(events: Sequence[ServerSentEvent]) -> list[list[dict[str, Any]]]:
    """The tool_calls entries of each step delta event, from the JSON."""
    return [
        json.loads(event.data)["delta"]["step_details"]["tool_calls"]
        for event in events
        if event.event == "thread.run.step.delta"
    ]


class TestBuilderStreams:
    @pytest.mark.parametrize("seed", range(6))
    def test_code_interpreter_conveniences(self, seed: int) -> None:
        """Code input fragments join to the input, logs to the logs, each image id once."""
        rng = random.Random(seed)
        events = builders.step_events(
            CODE_STEP, rng=rng, max_fragment=7, interleave=False, out_of_order=False
        )
        seen_inputs: list[tuple[str, str]] = []

        class Probe(Recorder):
            def on_code_input_delta(self, text: Any, snapshot: Any) -> None:
                seen_inputs.append((text, snapshot.code_interpreter.input))
                super().on_code_input_delta(text, snapshot)

        handler = Probe()
        streamkit.consume(builders.encode(events), handler)
        log = handler.log
        code = CODE_CALL.code_interpreter
        assert "".join(e[2] for e in kinds(log, "code_input_delta")) == code.input
        logs = [o.logs for o in code.outputs if isinstance(o, m.CodeInterpreterOutputLogs)]
        assert "".join(e[2] for e in kinds(log, "code_logs")) == "".join(logs)
        assert [e[2] for e in kinds(log, "code_image")] == ["file-sk7SinePlot0000000"]
        assert {e[1] for e in log if e[0].startswith("code_")} == {CODE_CALL.id}
        # Each fragment reached the snapshot before its callback ran.
        so_far = ""
        for text, snapshot_input in seen_inputs:
            so_far += text
            assert snapshot_input.startswith(so_far)
        # Conveniences come right after the created/delta callback of their call.
        for k, entry in enumerate(log):
            if entry[0].startswith("code_"):
                assert log[k - 1][0] in (
                    "tool_call_created",
                    "tool_call_delta",
                    "code_input_delta",
                    "code_logs",
                    "code_image",
                )
        assert skeleton(log) == [
            ("run_step_created", CODE_STEP.id),
            ("tool_call_created", CODE_CALL.id),
            ("tool_call_done", CODE_CALL.id),
            ("run_step_done", CODE_STEP.id),
            ("end",),
        ]
        ((done,),) = handler.args_of("on_tool_call_done")
        assert done == CODE_CALL

    @pytest.mark.parametrize("seed", range(4))
    def test_code_interpreter_interleaved_outputs(self, seed: int) -> None:
        """With interleaved outputs: input still exact, every log character once, image once."""
        events = builders.step_events(CODE_STEP, rng=random.Random(seed), max_fragment=3)
        log = run_sync(builders.encode(events)).log
        code = CODE_CALL.code_interpreter
        assert "".join(e[2] for e in kinds(log, "code_input_delta")) == code.input
        logs = "".join(o.logs for o in code.outputs if isinstance(o, m.CodeInterpreterOutputLogs))
        got = "".join(e[2] for e in kinds(log, "code_logs"))
        assert sorted(got) == sorted(logs)
        assert [e[2] for e in kinds(log, "code_image")] == ["file-sk7SinePlot0000000"]

    @pytest.mark.parametrize("seed", range(8))
    def test_interleaved_parallel_calls(self, seed: int) -> None:
        """Case 20 (builder): created/done once per call, no flapping, deltas routed by index."""
        step = builders.example_function_calls_step(calls=3, with_outputs=True)
        calls = tool_calls_of(step)
        ids = [call.id for call in calls]
        events = builders.step_events(step, rng=random.Random(seed), max_fragment=4)
        handler = run_sync(builders.encode(events))
        log = handler.log
        for call_id in ids:
            mine = [e for e in log if e[0].startswith("tool_call_") and e[1] == call_id]
            assert mine[0] == ("tool_call_created", call_id)
            assert mine[-1] == ("tool_call_done", call_id)
            assert all(e[0] == "tool_call_delta" for e in mine[1:-1])  # never done then created
        assert Counter(e[1] for e in kinds(log, "tool_call_created")) == Counter(ids)
        assert Counter(e[1] for e in kinds(log, "tool_call_done")) == Counter(ids)
        # Routing: each delta's snapshot is the call at the delta's index.
        for delta, snapshot in handler.args_of("on_tool_call_delta"):
            assert snapshot.id == ids[delta.index]
        # One created-or-delta callback per entry; the fragments join to each call's arguments.
        entries = [e for batch in event_tool_entries(events) for e in batch]
        heads: dict[int, dict[str, Any]] = {}
        for entry in entries:
            heads.setdefault(entry["index"], entry)
        for index, call in enumerate(calls):
            mine = [(d, s) for d, s in handler.args_of("on_tool_call_delta") if d.index == index]
            assert len(mine) == sum(e["index"] == index for e in entries) - 1
            head_args = heads[index]["function"]["arguments"]
            rest = "".join((d.function.arguments or "") for d, _ in mine if d.function is not None)
            assert head_args + rest == call.function.arguments
        dones = {c.id: c for (c,) in handler.args_of("on_tool_call_done")}
        assert dones == {call.id: call for call in calls}

    def test_interleaved_calls_by_hand(self) -> None:
        """Case 20: Δ[A head, B head], Δ A, Δ B, Δ A → created A, B once; deltas to their call."""
        call_a = m.FunctionToolCall(
            id="call_A", function=m.FunctionToolCallFunction(name="fa", arguments="{a}!")
        )
        call_b = m.FunctionToolCall(
            id="call_B", function=m.FunctionToolCallFunction(name="fb", arguments="{b}")
        )
        run = builders.example_run(status="requires_action", required_calls=[call_a, call_b])
        step = builders.example_function_calls_step(calls=2)
        created_step = to_dict(
            attrs.evolve(
                step, step_details=attrs.evolve(step.step_details, tool_calls=()), usage=None
            )
        )
        sid = step.id

        def head(index: int, call_id: str, name: str) -> dict[str, Any]:
            function = {"name": name, "arguments": "", "output": None}
            return {"index": index, "id": call_id, "type": "function", "function": function}

        def frag(index: int, text: str) -> dict[str, Any]:
            return {"index": index, "type": "function", "function": {"arguments": text}}

        queued = to_dict(attrs.evolve(run, status="queued", required_action=None))
        events = [
            sse("thread.run.created", queued),
            sse("thread.run.step.created", created_step),
            step_delta(sid, head(0, "call_A", "fa"), head(1, "call_B", "fb")),
            step_delta(sid, frag(0, "{a}")),
            step_delta(sid, frag(1, "{b}")),
            step_delta(sid, frag(0, "!")),
            sse("thread.run.requires_action", to_dict(run)),
            DONE,
        ]
        handler = run_sync(builders.encode(events))
        delta = [E("thread.run.step.delta"), ("run_step_delta", sid)]
        assert handler.log == [
            E("thread.run.created"),
            ("run_created", run.id),
            ("run_status", "queued"),
            E("thread.run.step.created"),
            ("run_step_created", sid),
            *delta,
            ("tool_call_created", "call_A"),
            ("tool_call_created", "call_B"),
            *delta,
            ("tool_call_delta", "call_A", 0),
            *delta,
            ("tool_call_delta", "call_B", 1),
            *delta,
            ("tool_call_delta", "call_A", 0),
            E("thread.run.requires_action"),
            ("tool_call_done", "call_A"),
            ("tool_call_done", "call_B"),
            ("run_step_done", sid),
            *run_end("requires_action", ["call_A", "call_B"]),
            E("done"),
            ("end",),
        ]
        args = {c.id: c.function.arguments for (c,) in handler.args_of("on_tool_call_done")}
        assert args == {"call_A": "{a}!", "call_B": "{b}"}
        pieces = [(s.id, d.function.arguments) for d, s in handler.args_of("on_tool_call_delta")]
        assert pieces == [("call_A", "{a}"), ("call_B", "{b}"), ("call_A", "!")]

    @pytest.mark.parametrize("seed", range(4))
    def test_sequential_steps_reusing_index_0(self, seed: int) -> None:
        """Case 42: two steps each with a call at index 0 → created and done once for each."""
        first = builders.example_function_calls_step(
            calls=1, with_outputs=True, step_id="step_sk7First000000000000"
        )
        second = rename_call(
            builders.example_function_calls_step(
                calls=1, with_outputs=True, step_id="step_sk7Second00000000000"
            ),
            "call_sk7Second00000000000",
        )
        (call_1,) = tool_calls_of(first)
        (call_2,) = tool_calls_of(second)
        run = builders.example_run(status="completed")
        events = builders.run_events(run, [first, second], [], rng=random.Random(seed))
        handler = run_sync(builders.encode(events))
        assert skeleton(handler.log) == [
            ("run_created", run.id),
            ("run_status", "queued"),
            ("run_status", "queued"),
            ("run_status", "in_progress"),
            ("run_step_created", first.id),
            ("tool_call_created", call_1.id),
            ("tool_call_done", call_1.id),
            ("run_step_done", first.id),
            ("run_step_created", second.id),
            ("tool_call_created", call_2.id),
            ("tool_call_done", call_2.id),
            ("run_step_done", second.id),
            ("run_status", "completed"),
            ("run_done", "completed"),
            ("end",),
        ]
        assert {d.index for d, _ in handler.args_of("on_tool_call_delta")} == {0}
        dones = [c for (c,) in handler.args_of("on_tool_call_done")]
        assert dones == [call_1, call_2]

    @pytest.mark.parametrize("status", ["requires_action", "failed", "cancelled", "expired"])
    def test_run_ends_before_its_step(self, status: Any) -> None:
        """Cases 12/43: a run ending before its step's ✓ → one done per call, one step done."""
        step = builders.example_function_calls_step(calls=2)  # in_progress: no terminal event
        calls = tool_calls_of(step)
        run = builders.example_run(status=status, required_calls=calls)
        events = builders.run_events(run, [step], [], rng=random.Random(7), out_of_order=False)
        assert not any(e.event == "thread.run.step.completed" for e in events)
        handler = run_sync(builders.encode(events))
        required = [c.id for c in calls] if status == "requires_action" else None
        assert skeleton(handler.log) == [
            ("run_created", run.id),
            ("run_status", "queued"),
            ("run_status", "queued"),
            ("run_status", "in_progress"),
            ("run_step_created", step.id),
            ("tool_call_created", calls[0].id),
            ("tool_call_created", calls[1].id),
            ("tool_call_done", calls[0].id),
            ("tool_call_done", calls[1].id),
            ("run_step_done", step.id),
            *run_end(status, required),
            ("end",),
        ]
        # The done callbacks come in the run's terminal event, right after on_event.
        at = handler.log.index(E(f"thread.run.{status}"))
        assert handler.log[at + 1] == ("tool_call_done", calls[0].id)
        dones = {c.id: c.function.arguments for (c,) in handler.args_of("on_tool_call_done")}
        assert dones == {c.id: c.function.arguments for c in calls}

    def test_mixed_content_message(self) -> None:
        """Case 47: text "hello "+"world", image, text "goodbye" → exact callbacks and counts."""
        message = builders.example_message()
        created = to_dict(
            attrs.evolve(message, content=(), status="in_progress", completed_at=None)
        )
        final = attrs.evolve(
            message,
            content=(
                m.TextContentBlock(text=m.Text(value="hello world", annotations=())),
                m.ImageFileContentBlock(image_file=m.ImageFile(file_id="file-img")),
                m.TextContentBlock(text=m.Text(value="goodbye", annotations=())),
            ),
        )
        mid = message.id

        def text(index: int, value: str, first: bool) -> dict[str, Any]:
            body: dict[str, Any] = {"value": value}
            if first:
                body["annotations"] = []
            return {"index": index, "type": "text", "text": body}

        image = {"index": 1, "type": "image_file", "image_file": {"file_id": "file-img"}}
        events = [
            sse("thread.message.created", created),
            message_delta(mid, text(0, "hello ", True)),
            message_delta(mid, text(0, "world", False)),
            message_delta(mid, image),
            message_delta(mid, text(2, "goodbye", True)),
            sse("thread.message.completed", to_dict(final)),
        ]
        handler = run_sync(builders.encode(events))
        delta = [E("thread.message.delta"), ("message_delta", mid)]
        assert handler.log == [
            E("thread.message.created"),
            ("message_created", mid),
            *delta,
            ("text_created", "hello "),
            ("text_delta", "hello "),
            *delta,
            ("text_delta", "world"),
            *delta,
            ("image_file_done", "file-img"),
            *delta,
            ("text_created", "goodbye"),
            ("text_delta", "goodbye"),
            E("thread.message.completed"),
            ("text_done", "hello world"),
            ("text_done", "goodbye"),
            ("message_done", mid),
            ("end",),
        ]
        counts = Counter(e[0] for e in handler.log)
        assert counts["text_created"] == 2
        assert counts["text_delta"] == 3
        assert counts["image_file_done"] == 1
        assert counts["text_done"] == 2
        assert counts["message_done"] == 1

    @pytest.mark.parametrize("seed", range(4))
    def test_example_message(self, seed: int) -> None:
        """A builder message (annotated text, then an image): one set of text and image calls."""
        message = builders.example_message()
        events = builders.message_events(message, rng=random.Random(seed), max_fragment=5)
        handler = run_sync(builders.encode(events))
        (text_block, image_block) = message.content
        assert isinstance(text_block, m.TextContentBlock)
        assert isinstance(image_block, m.ImageFileContentBlock)
        log = handler.log
        assert "".join(e[1] for e in kinds(log, "text_delta")) == text_block.text.value
        assert kinds(log, "image_file_done") == [
            ("image_file_done", image_block.image_file.file_id)
        ]
        assert skeleton(log)[-3:] == [
            ("text_done", text_block.text.value),
            ("message_done", message.id),
            ("end",),
        ]
        ((done,),) = handler.args_of("on_text_done")
        assert done == text_block.text
        ((message_done,),) = handler.args_of("on_message_done")
        assert message_done == message

    def test_two_messages_second_without_deltas(self) -> None:
        """Case 49: m1 with two blocks, then m2 created → completed with one block: scoped done."""
        base = builders.example_message()
        m1 = attrs.evolve(
            base,
            id="msg_one",
            content=(
                m.TextContentBlock(text=m.Text(value="ab", annotations=())),
                m.TextContentBlock(text=m.Text(value="cd", annotations=())),
            ),
        )
        m2 = attrs.evolve(
            base,
            id="msg_two",
            content=(m.TextContentBlock(text=m.Text(value="only", annotations=())),),
        )

        def opened(message: m.Message) -> Any:
            return to_dict(
                attrs.evolve(message, content=(), status="in_progress", completed_at=None)
            )

        def text(index: int, value: str) -> dict[str, Any]:
            return {"index": index, "type": "text", "text": {"value": value, "annotations": []}}

        events = [
            sse("thread.message.created", opened(m1)),
            message_delta("msg_one", text(0, "ab")),
            message_delta("msg_one", text(1, "cd")),
            sse("thread.message.completed", to_dict(m1)),
            sse("thread.message.created", opened(m2)),
            sse("thread.message.completed", to_dict(m2)),
        ]
        handler = run_sync(builders.encode(events))
        log = skeleton(handler.log)
        assert log[:6] == [
            ("message_created", "msg_one"),
            ("text_created", "ab"),
            ("text_created", "cd"),
            ("text_done", "ab"),
            ("text_done", "cd"),
            ("message_done", "msg_one"),
        ]
        second = log[6:]
        assert second[0] == ("message_created", "msg_two")
        assert second[-2:] == [("message_done", "msg_two"), ("end",)]
        assert kinds(second, "text_done") == [("text_done", "only")]
        assert len(kinds(second, "text_created")) == 1  # one created and one done per block

    def test_incomplete_message(self) -> None:
        """Case 52: message.incomplete → text_done with the partial text, then message_done."""
        base = builders.example_message()
        final = attrs.evolve(
            base,
            status="incomplete",
            completed_at=None,
            incomplete_at=base.created_at + 1,
            incomplete_details=m.MessageIncompleteDetails(reason="max_tokens"),
            content=(m.TextContentBlock(text=m.Text(value="Hello", annotations=())),),
        )
        created = to_dict(attrs.evolve(base, content=(), status="in_progress", completed_at=None))
        events = [
            sse("thread.message.created", created),
            message_delta(
                base.id, {"index": 0, "type": "text", "text": {"value": "Hel", "annotations": []}}
            ),
            message_delta(base.id, {"index": 0, "type": "text", "text": {"value": "lo"}}),
            sse("thread.message.incomplete", to_dict(final)),
        ]
        handler = run_sync(builders.encode(events))
        assert handler.log[-4:] == [
            E("thread.message.incomplete"),
            ("text_done", "Hello"),
            ("message_done", base.id),
            ("end",),
        ]
        ((message,),) = handler.args_of("on_message_done")
        assert message.status == "incomplete"
        assert message.incomplete_details.reason == "max_tokens"

    def test_unknown_event_and_bytes_after_done(self) -> None:
        """An unknown event → on_event + on_unknown_event; nothing after `done` is read."""
        data = recordings.read_bytes("text-run")
        unknown = builders.encode([sse("thread.run.step.foo", {"x": 1})])
        garbage = b"event: thread.run.created\ndata: {not json\n\n"
        handler = run_sync(unknown + data + garbage)
        assert handler.log[:2] == [
            E("thread.run.step.foo"),
            ("unknown_event", "thread.run.step.foo"),
        ]
        assert handler.log[2:] == expected_text_run()

    def test_on_event_for_an_event_lenient_mode_skips(self) -> None:
        """Lenient: a delta for a never-created message still reaches on_event, and nothing else."""
        entry = {"index": 0, "type": "text", "text": {"value": "x", "annotations": []}}
        events = [message_delta("msg_never_created", entry), DONE]
        handler = run_sync(builders.encode(events), strict=False)
        assert handler.log == [E("thread.message.delta"), E("done"), ("end",)]
        assert [a.kind for a in handler.accumulator.anomalies] == ["unknown_id"]

    def test_invalid_delta_strict(self) -> None:
        """Strict: a delta for a never-created message → on_exception(AccumulateError), on_end."""
        entry = {"index": 0, "type": "text", "text": {"value": "x", "annotations": []}}
        events = [message_delta("msg_never_created", entry), DONE]
        handler = Recorder()
        with pytest.raises(streamkit.AccumulateError) as caught:
            streamkit.consume(builders.encode(events), handler)
        assert handler.log[-2:] == [("exception", "AccumulateError"), ("end",)]
        assert not [e for e in handler.log if e[0] not in ("event", "exception", "end")]
        assert caught.value.accumulator is handler.accumulator

    def test_spec_form_error(self) -> None:
        """An `error` event without the {"error": ...} envelope reaches on_error too."""
        events = [sse("error", {"code": "server_error", "message": "boom"})]
        handler = run_sync(builders.encode(events), strict=False)
        assert handler.log[0] == E("error")
        ((error,),) = handler.args_of("on_error")
        assert (error.code, error.message) == ("server_error", "boom")
        assert handler.log[-1] == ("end",)


# --- 3. Property: chunking never changes the callbacks --------------------------------


def balanced(log: Log, final: m.RunStep | m.Message) -> None:
    if isinstance(final, m.RunStep):
        assert kinds(log, "run_step_created") == [("run_step_created", final.id)]
        assert kinds(log, "run_step_done") == [("run_step_done", final.id)]
        details = final.step_details
        ids = (
            [c.id for c in details.tool_calls]
            if isinstance(details, m.ToolCallsStepDetails)
            else []
        )
        assert Counter(e[1] for e in kinds(log, "tool_call_created")) == Counter(ids)
        assert Counter(e[1] for e in kinds(log, "tool_call_done")) == Counter(ids)
        images = 0
        for call in tool_calls_of(final) if ids else ():
            if isinstance(call, m.CodeInterpreterToolCall):
                code = call.code_interpreter
                got = "".join(e[2] for e in kinds(log, "code_input_delta") if e[1] == call.id)
                assert got == code.input
                images += sum(isinstance(o, m.CodeInterpreterOutputImage) for o in code.outputs)
        assert len(kinds(log, "code_image")) == images
    else:
        assert kinds(log, "message_created") == [("message_created", final.id)]
        assert kinds(log, "message_done") == [("message_done", final.id)]
        texts = [b.text.value for b in final.content if isinstance(b, m.TextContentBlock)]
        assert len(kinds(log, "text_created")) == len(texts)
        assert Counter(e[1] for e in kinds(log, "text_done")) == Counter(texts)
        images = [b for b in final.content if isinstance(b, m.ImageFileContentBlock)]
        assert len(kinds(log, "image_file_done")) == len(images)
        assert sum(len(e[1]) for e in kinds(log, "text_delta")) == sum(len(t) for t in texts)


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    final=st.one_of(final_steps(), final_messages()),
    seed=st.integers(0, 2**32 - 1),
    cuts=st.integers(0, 40),
    out_of_order=st.booleans(),
)
def test_chunking_does_not_change_callbacks(
    final: m.RunStep | m.Message, seed: int, cuts: int, out_of_order: bool
) -> None:
    """Any byte chunking gives the same callbacks; created/done are balanced per object."""
    rng = random.Random(seed)
    if isinstance(final, m.RunStep):
        events = builders.step_events(final, rng=rng, max_fragment=6, out_of_order=out_of_order)
    else:
        events = builders.message_events(final, rng=rng, max_fragment=6, out_of_order=out_of_order)
    data = builders.encode(events)
    whole = run_sync(data).log
    chunked = run_sync(builders.split_points(data, rng, min(cuts, len(data)))).log
    assert chunked == whole
    balanced(whole, final)
    if isinstance(final, m.Message) and not out_of_order:
        texts = [b.text.value for b in final.content if isinstance(b, m.TextContentBlock)]
        assert "".join(e[1] for e in kinds(whole, "text_delta")) == "".join(texts)


# --- 4. The decorator form --------------------------------------------------------------


def handlers_recording_all(log: Log) -> streamkit.Handlers:
    handlers = streamkit.Handlers()
    for name in CALLBACKS:

        def record(*args: Any, _name: str = name) -> None:
            log.append(describe(_name, args))

        handlers.on(name)(record)
    return handlers


class TestHandlers:
    @pytest.mark.parametrize(
        "name", ["text-run", "parallel-function-calls", "file-search-with-citation"]
    )
    def test_same_calls_as_subclass(self, name: str) -> None:
        """consume(source, Handlers()) makes the same calls as the EventHandler subclass."""
        data = recordings.read_bytes(name)
        log: Log = []
        acc = streamkit.consume(data, handlers_recording_all(log))
        assert log == run_sync(data).log
        assert acc.final_run is not None

    def test_same_calls_on_server_error(self) -> None:
        """With a server error (strict), Handlers gets on_error, on_exception, on_end too."""
        data = recordings.read_bytes("text-then-server-error")
        log: Log = []
        with pytest.raises(streamkit.StreamError):
            streamkit.consume(data, handlers_recording_all(log))
        handler = Recorder()
        with pytest.raises(streamkit.StreamError):
            streamkit.consume(data, handler)
        assert log == handler.log

    def test_dotted_and_method_names_in_registration_order(self) -> None:
        """ "tool_call.delta" and "on_tool_call_delta" both register; calls run in that order."""
        handlers = streamkit.Handlers()
        seen: list[tuple[str, str]] = []

        @handlers.on("tool_call.delta")
        def first(delta: Any, snapshot: Any) -> None:
            seen.append(("first", snapshot.id))

        @handlers.on("on_tool_call_delta")
        def second(delta: Any, snapshot: Any) -> None:
            seen.append(("second", snapshot.id))

        @handlers.on("tool_call.delta")
        def third(delta: Any, snapshot: Any) -> None:
            seen.append(("third", snapshot.id))

        streamkit.consume(recordings.read_bytes("parallel-function-calls"), handlers)
        ids = ["call_01"] + ["call_02"] * 5
        assert seen == [(which, i) for i in ids for which in ("first", "second", "third")]

    def test_dotted_names_for_text_and_message(self) -> None:
        """Dotted names work for other callbacks too: text.delta, message.done."""
        handlers = streamkit.Handlers()
        pieces: list[str] = []
        done: list[str] = []
        handlers.on("text.delta")(lambda delta, snapshot: pieces.append(delta.value))
        handlers.on("message.done")(lambda message: done.append(message.id))
        streamkit.consume(TEXT_RUN, handlers)
        assert pieces == fragments_of(TEXT_RUN, TEXT_RUN_MSG)
        assert done == [TEXT_RUN_MSG]

    def test_end_and_exception_functions_run(self) -> None:
        """Functions registered for "end" and "exception" run: once each, exception first."""
        handlers = streamkit.Handlers()
        seen: list[str] = []
        handlers.on("on_end")(lambda: seen.append("end"))
        handlers.on("exception")(lambda exception: seen.append(type(exception).__name__))
        streamkit.consume(TEXT_RUN, handlers)
        assert seen == ["end"]
        seen.clear()
        with pytest.raises(streamkit.StreamError):
            streamkit.consume(recordings.read_bytes("text-then-server-error"), handlers)
        assert seen == ["StreamError", "end"]

    @pytest.mark.parametrize("name", ["no_such_callback", "on_tool_call_deltas", "tool_call.foo"])
    def test_unknown_name_raises(self, name: str) -> None:
        """Registering under a name that is no callback raises ValueError or TypeError."""
        handlers = streamkit.Handlers()
        with pytest.raises((ValueError, TypeError)):
            handlers.on(name)(lambda *args: None)


# --- 5. Errors ----------------------------------------------------------------------------


class TestErrors:
    def test_callback_raises(self) -> None:
        """Case 57: a raising callback → on_exception, then on_end, once; the error propagates."""
        handler = Recorder(fail_on=("on_text_delta", 3))
        with pytest.raises(Boom) as caught:
            streamkit.consume(TEXT_RUN, handler)
        assert caught.value is handler.raised
        expected = expected_text_run()
        upto = [i for i, e in enumerate(expected) if e[0] == "text_delta"][2]
        assert handler.log == [*expected[: upto + 1], ("exception", "Boom"), ("end",)]
        ((exception,),) = handler.args_of("on_exception")
        assert exception is handler.raised
        assert final_text(handler.accumulator, TEXT_RUN_MSG) == "Hello! I'm"

    def test_callback_raises_in_tool_call_created(self) -> None:
        """A raise in on_tool_call_created stops the stream there; the accumulator has the call."""
        handler = Recorder(fail_on=("on_tool_call_created", 2))
        with pytest.raises(Boom):
            streamkit.consume(recordings.read_bytes("parallel-function-calls"), handler)
        assert handler.log[-3:] == [
            ("tool_call_created", "call_02"),
            ("exception", "Boom"),
            ("end",),
        ]
        assert handler.log.count(("end",)) == 1
        step = handler.accumulator.run_steps["step_01"]
        assert [c.id for c in tool_calls_of(step)] == ["call_01", "call_02"]

    def test_server_error_strict(self) -> None:
        """Strict server error → on_error, on_exception(StreamError), on_end; partial text kept."""
        data = recordings.read_bytes("text-then-server-error")
        message_id = "msg_HdHuRcbxQRyO6ttCZt2PeSLO"
        handler = Recorder()
        with pytest.raises(streamkit.StreamError) as caught:
            streamkit.consume(data, handler)
        assert handler.log[-4:] == [
            E("error"),
            ("error", "server_error"),
            ("exception", "StreamError"),
            ("end",),
        ]
        assert handler.log.count(("end",)) == 1
        ((error,),) = handler.args_of("on_error")
        assert error.type == "server_error"
        assert error.message.startswith("The server had an error")
        ((exception,),) = handler.args_of("on_exception")
        assert exception is caught.value
        assert caught.value.error.type == "server_error"
        text = "".join(fragments_of(data, message_id))
        assert final_text(handler.accumulator, message_id) == text
        assert final_text(caught.value.accumulator, message_id) == text
        assert handler.accumulator.final_run is None


# --- 6. Snapshots handed to callbacks are safe -------------------------------------------


class TestSnapshots:
    def test_kept_snapshots_keep_their_values(self) -> None:
        """Case 58: snapshots kept from callbacks still hold their values from callback time."""
        handler = run_sync(TEXT_RUN)
        fragments = fragments_of(TEXT_RUN, TEXT_RUN_MSG)
        text_snapshots = [s for _, s in handler.args_of("on_text_delta")]
        assert text_snapshots[0].value == fragments[0]
        assert [s.value for s in text_snapshots] == [
            "".join(fragments[: k + 1]) for k in range(len(fragments))
        ]
        ((created,),) = handler.args_of("on_message_created")
        assert created.status == "in_progress"
        assert created.content == ()
        message_snapshots = [s for _, s in handler.args_of("on_message_delta")]
        block = message_snapshots[0].content[0]
        assert block.text.value == fragments[0]
        ((first_text,),) = handler.args_of("on_text_created")
        assert first_text.value == fragments[0]

    def test_snapshots_cannot_be_mutated(self) -> None:
        """Snapshots are frozen: setting attributes or mapping keys raises; finals unchanged."""
        data = recordings.read_bytes("parallel-function-calls")
        handler = run_sync(data)
        ((created,),) = handler.args_of("on_tool_call_created")[:1]
        with pytest.raises(AttributeError):
            created.function = None
        with pytest.raises(AttributeError):
            created.function.arguments = "HACKED"
        ((step,),) = handler.args_of("on_run_step_created")
        with pytest.raises(AttributeError):
            step.status = "completed"
        ((run,),) = handler.args_of("on_run_created")
        assert run.metadata is not None
        with pytest.raises(TypeError):
            run.metadata["k"] = "v"
        ((_run, calls),) = handler.args_of("on_requires_action")
        with pytest.raises((AttributeError, TypeError)):
            calls[0] = None
        ((done,),) = handler.args_of("on_run_step_done")
        with pytest.raises(AttributeError):
            done.step_details = None
        acc = handler.accumulator
        final = acc.run_steps["step_01"]
        assert [c.function.arguments for c in tool_calls_of(final)] == [
            "{}",
            '{"location": "New York"}',
        ]
        assert "k" not in (acc.runs["run_01"].metadata or {})
        assert acc.final_run is not None
        assert acc.final_run.status == "requires_action"
        assert created.function.arguments == ""  # still the value at callback time

    def test_text_snapshot_mutation_attempt_in_callback(self) -> None:
        """Trying to change a text snapshot inside on_text_delta fails and changes nothing."""
        failures: list[str] = []

        class Meddler(Recorder):
            def on_text_delta(self, delta: Any, snapshot: Any) -> None:
                try:
                    snapshot.value = "HACKED"
                except AttributeError:
                    failures.append("frozen")
                super().on_text_delta(delta, snapshot)

        handler = Meddler()
        streamkit.consume(TEXT_RUN, handler)
        fragments = fragments_of(TEXT_RUN, TEXT_RUN_MSG)
        assert failures == ["frozen"] * len(fragments)
        assert handler.log == expected_text_run()
        assert final_text(handler.accumulator, TEXT_RUN_MSG) == "".join(fragments)


# --- 7. text_deltas / atext_deltas ----------------------------------------------------------


def test_text_deltas() -> None:
    """text_deltas yields every text fragment in order (the first included), joining to the text."""
    fragments = list(streamkit.text_deltas(TEXT_RUN))
    assert fragments == fragments_of(TEXT_RUN, TEXT_RUN_MSG)
    assert "".join(fragments) == final_text(streamkit.replay(TEXT_RUN), TEXT_RUN_MSG)


def test_text_deltas_from_chunks() -> None:
    """text_deltas accepts an iterable of bytes (1-byte reads here)."""
    chunks = [TEXT_RUN[i : i + 1] for i in range(len(TEXT_RUN))]
    assert list(streamkit.text_deltas(chunks)) == fragments_of(TEXT_RUN, TEXT_RUN_MSG)


async def _aiter_chunks(data: bytes, size: int) -> AsyncIterator[bytes]:
    for i in range(0, len(data), size):
        yield data[i : i + size]


@pytest.mark.anyio
async def test_atext_deltas() -> None:
    """atext_deltas yields the same fragments, from bytes and from an async iterable."""
    expected = fragments_of(TEXT_RUN, TEXT_RUN_MSG)
    got = [fragment async for fragment in streamkit.atext_deltas(TEXT_RUN)]
    assert got == expected
    got = [fragment async for fragment in streamkit.atext_deltas(_aiter_chunks(TEXT_RUN, 7))]
    assert got == expected
    assert "".join(got) == final_text(streamkit.replay(TEXT_RUN), TEXT_RUN_MSG)


# --- 8. Async -------------------------------------------------------------------------------


def _builder_stream() -> bytes:
    step = builders.example_function_calls_step(calls=3)
    code = builders.example_code_interpreter_step(step_id="step_sk7Code2")
    message = builders.example_message()
    run = builders.example_run(status="requires_action", required_calls=tool_calls_of(step))
    steps = [code, step]
    return builders.encode(builders.run_events(run, steps, [message], rng=random.Random(3)))


@pytest.mark.anyio
@pytest.mark.parametrize(
    "source",
    [
        pytest.param(recordings.read_bytes("file-search-with-citation"), id="file-search"),
        pytest.param(recordings.read_bytes("function-call-continuation"), id="continuation"),
        pytest.param(_builder_stream(), id="builder"),
    ],
)
async def test_aconsume_matches_consume(source: bytes) -> None:
    """aconsume with an AsyncEventHandler makes exactly the calls consume makes."""
    handler = AsyncRecorder()
    acc = await streamkit.aconsume(source, handler)
    assert handler.log == run_sync(source).log
    assert handler.accumulator is acc
    assert acc.final_run is not None


@pytest.mark.anyio
async def test_aconsume_async_iterable() -> None:
    """aconsume reads an async iterable of bytes, split anywhere."""
    data = _builder_stream()
    handler = AsyncRecorder()
    await streamkit.aconsume(_aiter_chunks(data, 5), handler)
    assert handler.log == run_sync(data).log


@pytest.mark.anyio
async def test_aconsume_callback_raises() -> None:
    """An async callback that raises → on_exception, on_end, and the exception propagates."""
    handler = AsyncRecorder(fail_on=("on_text_delta", 3))
    with pytest.raises(Boom):
        await streamkit.aconsume(TEXT_RUN, handler)
    assert handler.log[-3:] == [("text_delta", " I'm"), ("exception", "Boom"), ("end",)]
    assert final_text(handler.accumulator, TEXT_RUN_MSG) == "Hello! I'm"


@pytest.mark.anyio
async def test_aconsume_server_error() -> None:
    """A strict server error in aconsume: on_error, on_exception(StreamError), on_end, raise."""
    handler = AsyncRecorder()
    with pytest.raises(streamkit.StreamError):
        await streamkit.aconsume(recordings.read_bytes("text-then-server-error"), handler)
    assert handler.log[-4:] == [
        E("error"),
        ("error", "server_error"),
        ("exception", "StreamError"),
        ("end",),
    ]


def test_every_callback_exists() -> None:
    """Every documented callback exists on both handler bases (no-op by default)."""
    for name in CALLBACKS:
        assert callable(getattr(streamkit.EventHandler, name))
        assert callable(getattr(streamkit.AsyncEventHandler, name))
