"""The Responses callbacks: ResponseEventHandler, AsyncResponseEventHandler, ResponseHandlers.

Expectations are read off the recordings' JSON (the ``*.done`` events, the
terminal ``response``), never off the implementation:

1. the callback tables: both handler classes define the same callbacks with
   the same parameters, and every route calls a callback with arguments that
   fit its signature;
2. every callback fires with the right arguments on the real recordings
   (reasoning summaries, code, function and MCP arguments, reasoning text,
   annotations, partial images, apply_patch diffs) and on a built stream for
   the kinds no recording shows (refusal, custom tool input, shell, audio);
3. items, parts and responses are opened and closed exactly once, in stream
   order; ``on_event`` for every event; ``on_end`` last; the error recording
   (strict: ``StreamError`` after ``on_response_done``; lenient: no raise);
   unknown events; a raising callback;
4. the async handler gives the same calls through ``aconsume``; the decorator form;
5. exactly once, whatever the chunking, with duplicated events, with the done
   events dropped (items closed by the terminal response);
6. the handler's state: ``accumulator``, ``current_event``, ``current_response``,
   ``get_final_response``.
"""

from __future__ import annotations

import functools
import inspect
import itertools
import json
import random
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import streamkit
from streamkit import ServerSentEvent, SSEDecoder, to_dict
from streamkit._engine.changes import Change
from streamkit._responses.accumulator import ResponseChangeKind
from streamkit._responses.handlers import CALLBACKS, ROUTES
from streamkit.models import DoneEvent, UnknownEvent
from streamkit.models import responses as rm

DATA = Path(__file__).parent / "data" / "responses"
NAMES = sorted(path.name for path in DATA.glob("*.sse"))
ERROR_RECORDING = "vercel_openai_error_event_then_failed.sse"
# Recordings without sequence numbers: a repeated event there is not a duplicate to skip.
NOSEQ = frozenset(name for name in NAMES if "noseq" in name)
Json = dict[str, Any]
Call = tuple[str, tuple[Any, ...]]


class Boom(Exception):
    """Raised by a test callback."""


# --- recorders -----------------------------------------------------------------------------------


class _Recording:
    """Records each callback, checks its arguments against the documented signature."""

    def __init__(self, fail_on: tuple[str, int] | None = None) -> None:
        self.calls: list[Call] = []
        #: ``current_event`` at each call.
        self.current: list[Any] = []
        self.fail_on = fail_on

    def _record(self, name: str, signature: inspect.Signature, args: tuple[Any, ...]) -> None:
        signature.bind(self, *args)  # raises TypeError if the route passes the wrong arity
        self.calls.append((name, args))
        self.current.append(self.current_event)  # type: ignore[attr-defined]
        fail_on = self.fail_on
        if fail_on is not None and fail_on[0] == name and self.names().count(name) == fail_on[1]:
            raise Boom(name)

    def args_of(self, name: str) -> list[tuple[Any, ...]]:
        return [args for called, args in self.calls if called == name]

    def names(self) -> list[str]:
        return [name for name, _ in self.calls]


def _recorder(base: type, *, is_async: bool) -> type:
    """A subclass of ``base`` overriding every callback with a recording one."""
    methods: dict[str, Any] = {}
    for name in sorted(CALLBACKS):
        signature = inspect.signature(getattr(base, name))
        if is_async:

            async def method(self: Any, *args: Any, _n: str = name, _s: Any = signature) -> None:
                self._record(_n, _s, args)

        else:

            def method(self: Any, *args: Any, _n: str = name, _s: Any = signature) -> None:
                self._record(_n, _s, args)

        methods[name] = method
    return type(f"Recording{base.__name__}", (_Recording, base), methods)


Recorder = _recorder(streamkit.ResponseEventHandler, is_async=False)
AsyncRecorder = _recorder(streamkit.AsyncResponseEventHandler, is_async=True)


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


# --- recordings ----------------------------------------------------------------------------------


@functools.cache
def raw(name: str) -> bytes:
    return (DATA / name).read_bytes()


def decode(data: bytes) -> list[ServerSentEvent]:
    decoder = SSEDecoder(dispatch_at_close=True)
    return decoder.feed(data) + decoder.close()


@functools.cache
def events_of(name: str) -> tuple[ServerSentEvent, ...]:
    return tuple(decode(raw(name)))


@functools.cache
def payloads(name: str) -> tuple[Json, ...]:
    """The JSON of every event but ``[DONE]``."""
    return tuple(json.loads(event.data) for event in events_of(name) if event.data != "[DONE]")


def of_type(name: str, kind: str) -> list[Json]:
    return [payload for payload in payloads(name) if payload["type"] == kind]


def terminal(name: str) -> Json:
    (last,) = [p for p in payloads(name) if p["type"] in ("response.completed", "response.failed")]
    response: Json = last["response"]
    return response


def encode(events: Iterable[ServerSentEvent]) -> bytes:
    """SSE text of ``events`` (named as they were; unnamed ones stay unnamed)."""
    out = []
    for event in events:
        head = "" if event.event == "message" else f"event: {event.event}\n"
        out.append(head + "".join(f"data: {line}\n" for line in event.data.split("\n")) + "\n")
    return "".join(out).encode()


def run(source: Any, *, strict: bool = True, **options: Any) -> Any:
    handler = Recorder(**options)
    streamkit.consume(source, handler, strict=strict)
    return handler


def run_named(name: str, **options: Any) -> Any:
    """The recording through a Recorder (the error recording in lenient mode: it raises)."""
    strict = name != ERROR_RECORDING
    return run(raw(name), strict=strict, **options)


def plain(value: Any) -> Any:
    """A comparable form of a callback argument."""
    if value is None or isinstance(value, (str, int)):
        return value
    if isinstance(value, UnknownEvent):
        return ("unknown", value.event, value.data)
    if isinstance(value, BaseException):
        return type(value).__name__
    return to_dict(value)


def describe(calls: Sequence[Call], *, events: bool = True) -> list[tuple[Any, ...]]:
    """The calls in a comparable form (``on_event`` by event name; left out unless ``events``)."""
    out: list[tuple[Any, ...]] = []
    for name, args in calls:
        if name == "on_event":
            if events:
                out.append((name, args[0].event))
        else:
            out.append((name, *map(plain, args)))
    return out


@functools.cache
def reference(name: str) -> tuple[tuple[Any, ...], ...]:
    """The calls of the recording read in one piece, without on_event."""
    return tuple(describe(run_named(name).calls, events=False))


def grouped_deltas(calls: Sequence[tuple[Any, ...]], key: Any) -> dict[Any, str]:
    """Delta callbacks' fragments concatenated per ``key(snapshot)``."""
    out: dict[Any, str] = {}
    for delta, snapshot in calls:
        out[key(snapshot)] = out.get(key(snapshot), "") + delta
    return out


# --- 1. the callback tables ---------------------------------------------------------------------


def _callback_methods(cls: type) -> set[str]:
    return {name for name in dir(cls) if name.startswith("on_") and callable(getattr(cls, name))}


@pytest.mark.parametrize(
    "cls", [streamkit.ResponseEventHandler, streamkit.AsyncResponseEventHandler]
)
def test_callbacks_are_the_handlers_on_methods(cls: type) -> None:
    """CALLBACKS names exactly the handler's on_* methods (what ResponseHandlers.on accepts)."""
    assert _callback_methods(cls) == set(CALLBACKS)


def test_sync_and_async_callbacks_take_the_same_parameters() -> None:
    for name in CALLBACKS:
        sync = getattr(streamkit.ResponseEventHandler, name)
        asynchronous = getattr(streamkit.AsyncResponseEventHandler, name)
        assert inspect.iscoroutinefunction(asynchronous), name
        assert not inspect.iscoroutinefunction(sync), name
        assert list(inspect.signature(sync).parameters) == list(
            inspect.signature(asynchronous).parameters
        ), name


def test_every_change_kind_has_a_route_to_its_callback() -> None:
    """Each Change kind but ``end`` fires one callback, named after it (error/unknown aside)."""
    kinds = set(ResponseChangeKind.__args__)  # type: ignore[attr-defined]
    assert set(ROUTES) == kinds
    special = {"error": "on_error", "unknown": "on_unknown_event"}
    for kind in kinds - {"end"}:
        ((names, _calls),) = ROUTES[kind]
        assert names == {special.get(kind, "on_" + kind.replace(".", "_"))}, kind
    assert ROUTES["end"] == ()


class _FakeSnapshot:
    """Stands for a part or item: every attribute a ``*.done`` route reads is the text."""

    def __getattr__(self, name: str) -> Any:
        return _FakeSnapshot() if name == "operation" else "final"


@pytest.mark.parametrize("kind", sorted(set(ROUTES) - {"end"}))
def test_every_route_fits_the_callback_signature(kind: str) -> None:
    """The arguments a route builds from a Change bind to the documented callback."""
    change = Change(kind, "id", 0, 1, _delta="fragment", _event=object(), _fixed=_FakeSnapshot())
    ((_names, calls_of),) = ROUTES[kind]
    ((name, args),) = calls_of(change)
    for cls in (streamkit.ResponseEventHandler, streamkit.AsyncResponseEventHandler):
        inspect.signature(getattr(cls, name)).bind(object(), *args)
    if kind.endswith(".delta") and not kind.startswith("audio"):
        assert args == ("fragment", change.snapshot)
    elif kind.endswith(".done") and len(args) == 2:
        assert args == ("final", change.snapshot)  # the final value read off the snapshot


# --- 2. every callback, with its arguments, on the recordings -------------------------------------


def test_reasoning_summary_parts_and_texts() -> None:
    name = "openai_reasoning_summary_multipart.sse"
    handler = run_named(name)
    (reasoning,) = [item for item in terminal(name)["output"] if item["type"] == "reasoning"]
    summaries = [part["text"] for part in reasoning["summary"]]
    assert len(summaries) == 4
    assert summaries == [p["text"] for p in of_type(name, "response.reasoning_summary_text.done")]

    # Four added/done pairs, each closed before the next opens.
    pairs = [n for n in handler.names() if n.startswith("on_reasoning_summary_part_")]
    assert pairs == ["on_reasoning_summary_part_added", "on_reasoning_summary_part_done"] * 4
    added = [to_dict(part) for (part,) in handler.args_of("on_reasoning_summary_part_added")]
    assert added == [p["part"] for p in of_type(name, "response.reasoning_summary_part.added")]
    done = [part.text for (part,) in handler.args_of("on_reasoning_summary_part_done")]
    assert done == summaries

    texts = handler.args_of("on_reasoning_summary_text_done")
    assert [text for text, _ in texts] == summaries
    assert [snapshot.text for _, snapshot in texts] == summaries
    assert all(isinstance(snapshot, rm.SummaryTextContent) for _, snapshot in texts)

    # The deltas between one part's added and done build that part's text.
    built: list[str] = []
    for called, args in handler.calls:
        if called == "on_reasoning_summary_part_added":
            built.append("")
        elif called == "on_reasoning_summary_text_delta":
            delta, snapshot = args
            built[-1] += delta
            assert snapshot.text == built[-1]  # the part so far, this delta included
    assert built == summaries


def test_code_interpreter_code_deltas_done_and_statuses() -> None:
    name = "openai_code_interpreter_x3_reasoning.sse"
    handler = run_named(name)
    calls = [i for i in terminal(name)["output"] if i["type"] == "code_interpreter_call"]
    assert len(calls) == 3
    codes = {item["id"]: item["code"] for item in calls}

    deltas = handler.args_of("on_code_interpreter_call_code_delta")
    assert len(deltas) == len(of_type(name, "response.code_interpreter_call_code.delta"))
    assert grouped_deltas(deltas, lambda item: item.id) == codes
    done = handler.args_of("on_code_interpreter_call_code_done")
    assert [(code, item.id, item.code, item.type) for code, item in done] == [
        (code, item_id, code, "code_interpreter_call") for item_id, code in codes.items()
    ]
    # The status events refresh the item: one on_output_item_updated each, with the new status.
    updated = [(item.id, item.status) for (item,) in handler.args_of("on_output_item_updated")]
    assert updated == [
        (item_id, status)
        for item_id in codes
        for status in ("in_progress", "interpreting", "completed")
    ]


@pytest.mark.parametrize(
    "name",
    [
        "openai_fn_call_gpt4o_2025-03_noseq.sse",
        "openai_reasoning_then_fn_call.sse",
        "openai_phase_reasoning_text_fn_call.sse",
        "NONOPENAI_deepseek_reasoning_text_fn_call.sse",
    ],
)
def test_function_call_arguments(name: str) -> None:
    handler = run_named(name)
    (call,) = [item for item in terminal(name)["output"] if item["type"] == "function_call"]
    deltas = handler.args_of("on_function_call_arguments_delta")
    assert [delta for delta, _ in deltas] == [
        p["delta"] for p in of_type(name, "response.function_call_arguments.delta")
    ]
    assert grouped_deltas(deltas, lambda item: item.id) == {call["id"]: call["arguments"]}
    ((arguments, item),) = handler.args_of("on_function_call_arguments_done")
    assert (arguments, item.id, item.name, item.call_id, item.arguments) == (
        call["arguments"],
        call["id"],
        call["name"],
        call["call_id"],
        call["arguments"],
    )


def test_mcp_call_arguments() -> None:
    name = "openai_mcp_call_args_delta.sse"
    handler = run_named(name)
    (call,) = [item for item in terminal(name)["output"] if item["type"] == "mcp_call"]
    deltas = handler.args_of("on_mcp_call_arguments_delta")
    assert grouped_deltas(deltas, lambda item: item.id) == {call["id"]: call["arguments"]}
    ((arguments, item),) = handler.args_of("on_mcp_call_arguments_done")
    assert (arguments, item.id, item.type) == (call["arguments"], call["id"], "mcp_call")


@pytest.mark.parametrize(
    "name",
    [
        "NONOPENAI_deepseek_reasoning_text_fn_call.sse",
        "NONOPENAI_openrouter_reasoning_text_done_marker.sse",
    ],
)
def test_reasoning_text(name: str) -> None:
    handler = run_named(name)
    expected = [p["text"] for p in of_type(name, "response.reasoning_text.done")]
    assert len(expected) == 1
    deltas = handler.args_of("on_reasoning_text_delta")
    assert "".join(delta for delta, _ in deltas) == expected[0]
    assert deltas[-1][1].text == expected[0]
    assert all(isinstance(snapshot, rm.ReasoningTextContent) for _, snapshot in deltas)
    assert [(text, part.text) for text, part in handler.args_of("on_reasoning_text_done")] == [
        (expected[0], expected[0])
    ]


@pytest.mark.parametrize(
    "name",
    [
        "openai_file_search_file_citation.sse",
        "openai_web_search_url_citation_annotations.sse",
        "openai_code_interpreter_image_container_file_citation.sse",
    ],
)
def test_output_text_annotation_added(name: str) -> None:
    handler = run_named(name)
    added = handler.args_of("on_output_text_annotation_added")
    sent = of_type(name, "response.output_text.annotation.added")
    assert sent
    assert [to_dict(annotation) for annotation, _ in added] == [p["annotation"] for p in sent]
    for annotation, part in added:
        assert isinstance(part, rm.OutputTextContent)
        assert to_dict(annotation) in [to_dict(a) for a in part.annotations]
    # The annotations end as the terminal response has them.
    (message,) = [item for item in terminal(name)["output"] if item["type"] == "message"]
    ((text, part),) = handler.args_of("on_output_text_done")
    assert text == message["content"][0]["text"] == part.text


def test_output_text_deltas_and_done() -> None:
    """Each delta's snapshot is the part so far; snapshots kept stay as they were."""
    name = "openai_text_gpt4o_2025-03_noseq.sse"
    handler = run_named(name)
    (message,) = terminal(name)["output"]
    final = message["content"][0]["text"]
    deltas = handler.args_of("on_output_text_delta")
    assert [d for d, _ in deltas] == [
        p["delta"] for p in of_type(name, "response.output_text.delta")
    ]
    so_far = ""
    for delta, snapshot in deltas:
        so_far += delta
        assert snapshot.text == so_far  # read after the stream: frozen, not aliased
    assert so_far == final
    assert [(text, part.text) for text, part in handler.args_of("on_output_text_done")] == [
        (final, final)
    ]
    ((added,),) = handler.args_of("on_content_part_added")
    assert to_dict(added) == of_type(name, "response.content_part.added")[0]["part"]


def test_image_generation_partial_image() -> None:
    name = "vercel_openai_image_generation_partial_image.sse"
    handler = run_named(name)
    (sent,) = of_type(name, "response.image_generation_call.partial_image")
    ((image, item),) = handler.args_of("on_image_generation_call_partial_image")
    assert (image, item.id, item.type) == (
        sent["partial_image_b64"],
        sent["item_id"],
        "image_generation_call",
    )


def test_apply_patch_diff_events_fire_their_callbacks() -> None:
    """The diff events (not in the spec) are routed: no on_unknown_event for them."""
    name = "vercel_openai_apply_patch_diff_delta.sse"
    handler = run_named(name)
    (call,) = terminal(name)["output"]
    deltas = handler.args_of("on_apply_patch_call_operation_diff_delta")
    assert len(deltas) == 32
    assert grouped_deltas(deltas, lambda item: item.id) == {call["id"]: call["operation"]["diff"]}
    ((diff, item),) = handler.args_of("on_apply_patch_call_operation_diff_done")
    assert (diff, item.operation.diff, item.type) == (
        call["operation"]["diff"],
        call["operation"]["diff"],
        "apply_patch_call",
    )
    assert handler.args_of("on_unknown_event") == []


def _built_stream() -> bytes:
    """The kinds no recording has: refusal, custom tool input, shell, audio, a keepalive."""
    numbers = iter(range(100))

    def event(kind: str, **fields: Any) -> str:
        payload = {"type": kind, "sequence_number": next(numbers), **fields}
        return f"event: {kind}\ndata: {json.dumps(payload)}\n\n"

    response = {"id": "resp_1", "object": "response", "created_at": 1, "status": "in_progress"}
    message = {"id": "msg_1", "type": "message", "role": "assistant", "status": "in_progress"}
    refusal = {"type": "refusal", "refusal": "No, sorry."}
    custom = {"id": "ctc_1", "type": "custom_tool_call", "call_id": "c1", "name": "sql"}
    shell = {"id": "sh_1", "type": "shell_call", "call_id": "c2", "status": "in_progress"}
    output = {"id": "sho_1", "type": "shell_call_output", "call_id": "c2"}
    result = [{"stdout": "a\nb\n", "stderr": "w", "outcome": {"type": "exit", "exit_code": 0}}]
    at0 = {"output_index": 0, "content_index": 0, "item_id": "msg_1"}
    return "".join(
        [
            event("response.created", response={**response, "output": []}),
            event("keepalive"),
            event("response.output_item.added", output_index=0, item={**message, "content": []}),
            event("response.content_part.added", **at0, part={"type": "refusal", "refusal": ""}),
            event("response.refusal.delta", **at0, delta="No, "),
            event("response.refusal.delta", **at0, delta="sorry."),
            event("response.refusal.done", **at0, refusal="No, sorry."),
            event("response.content_part.done", **at0, part=refusal),
            event(
                "response.output_item.done",
                output_index=0,
                item={**message, "status": "completed", "content": [refusal]},
            ),
            event("response.output_item.added", output_index=1, item={**custom, "input": ""}),
            event(
                "response.custom_tool_call_input.delta",
                output_index=1,
                item_id="ctc_1",
                delta="SELECT ",
            ),
            event(
                "response.custom_tool_call_input.delta", output_index=1, item_id="ctc_1", delta="1"
            ),
            event(
                "response.custom_tool_call_input.done",
                output_index=1,
                item_id="ctc_1",
                input="SELECT 1",
            ),
            event(
                "response.output_item.done", output_index=1, item={**custom, "input": "SELECT 1"}
            ),
            event(
                "response.output_item.added",
                output_index=2,
                item={**shell, "action": {"commands": []}},
            ),
            event("response.shell_call_command.added", output_index=2, command_index=0, command=""),
            event(
                "response.shell_call_command.delta", output_index=2, command_index=0, delta="ls "
            ),
            event("response.shell_call_command.delta", output_index=2, command_index=0, delta="-l"),
            event(
                "response.shell_call_command.done", output_index=2, command_index=0, command="ls -l"
            ),
            event(
                "response.output_item.done",
                output_index=2,
                item={**shell, "status": "completed", "action": {"commands": ["ls -l"]}},
            ),
            event("response.output_item.added", output_index=3, item={**output, "output": []}),
            event(
                "response.shell_call_output_content.delta",
                output_index=3,
                item_id="sho_1",
                command_index=0,
                delta={"stdout": "a\n"},
            ),
            event(
                "response.shell_call_output_content.delta",
                output_index=3,
                item_id="sho_1",
                command_index=0,
                delta={"stdout": "b\n", "stderr": "w"},
            ),
            event(
                "response.shell_call_output_content.done",
                output_index=3,
                item_id="sho_1",
                command_index=0,
                output=result,
            ),
            event("response.output_item.done", output_index=3, item={**output, "output": result}),
            event("response.audio.transcript.delta", delta="Hi"),
            event("response.audio.transcript.done"),
            event("response.audio.delta", delta="AAAA"),
            event("response.audio.done"),
        ]
    ).encode()


def test_the_callbacks_no_recording_shows() -> None:
    handler = run(_built_stream())
    assert [(d, p.refusal) for d, p in handler.args_of("on_refusal_delta")] == [
        ("No, ", "No, "),
        ("sorry.", "No, sorry."),
    ]
    assert [(r, p.refusal) for r, p in handler.args_of("on_refusal_done")] == [
        ("No, sorry.", "No, sorry.")
    ]
    assert [(d, i.input) for d, i in handler.args_of("on_custom_tool_call_input_delta")] == [
        ("SELECT ", "SELECT "),
        ("1", "SELECT 1"),
    ]
    assert [(t, i.id) for t, i in handler.args_of("on_custom_tool_call_input_done")] == [
        ("SELECT 1", "ctc_1")
    ]
    assert [i.id for (i,) in handler.args_of("on_shell_call_command_added")] == ["sh_1"]
    assert [(d, i.action.commands) for d, i in handler.args_of("on_shell_call_command_delta")] == [
        ("ls ", ("ls ",)),
        ("-l", ("ls -l",)),
    ]
    assert [i.action.commands for (i,) in handler.args_of("on_shell_call_command_done")] == [
        ("ls -l",)
    ]
    ((shell_output,),) = handler.args_of("on_shell_call_output_content_done")
    assert to_dict(shell_output)["output"] == [
        {"stdout": "a\nb\n", "stderr": "w", "outcome": {"type": "exit", "exit_code": 0}}
    ]
    assert len(handler.args_of("on_shell_call_output_content_delta")) == 2
    assert [d for d, _ in handler.args_of("on_audio_transcript_delta")] == ["Hi"]
    assert [d for d, _ in handler.args_of("on_audio_delta")] == ["AAAA"]
    assert len(handler.args_of("on_audio_transcript_done")) == 1
    assert len(handler.args_of("on_audio_done")) == 1
    assert isinstance(handler.args_of("on_audio_done")[0][0], rm.Response)
    assert [event.event for (event,) in handler.args_of("on_event")][:2] == [
        "response.created",
        "keepalive",
    ]
    assert [i.id for (i,) in handler.args_of("on_output_item_done")] == [
        "msg_1",
        "ctc_1",
        "sh_1",
        "sho_1",
    ]


def test_shell_output_deltas_keep_stdout_and_stderr_apart() -> None:
    handler = run(_built_stream())
    deltas = [delta for delta, _ in handler.args_of("on_shell_call_output_content_delta")]
    assert [to_dict(delta) for delta in deltas] == [
        {"stdout": "a\n"},
        {"stdout": "b\n", "stderr": "w"},
    ]


# --- 3. once per item, part and response; the stream's frame --------------------------------------


@pytest.mark.parametrize("name", NAMES)
def test_items_are_added_and_done_once_in_stream_order(name: str) -> None:
    handler = run_named(name)
    added = [item for (item,) in handler.args_of("on_output_item_added")]
    sent = [p["item"] for p in of_type(name, "response.output_item.added")]
    assert [(i.id, i.type) for i in added] == [(i["id"], i["type"]) for i in sent]
    done = [to_dict(item) for (item,) in handler.args_of("on_output_item_done")]
    assert done == [p["item"] for p in of_type(name, "response.output_item.done")]
    # Each item's done comes after its added.
    order = [
        (called, args[0].id)
        for called, args in handler.calls
        if called in ("on_output_item_added", "on_output_item_done")
    ]
    for item_id in {item.id for item in added}:
        assert [c for c, i in order if i == item_id] == [
            "on_output_item_added",
            "on_output_item_done",
        ]


@pytest.mark.parametrize("name", NAMES)
def test_parts_are_added_and_done_once(name: str) -> None:
    handler = run_named(name)
    for area, kind in (("content", "content_part"), ("summary", "reasoning_summary_part")):
        added = [to_dict(p) for (p,) in handler.args_of(f"on_{kind}_added")]
        done = [to_dict(p) for (p,) in handler.args_of(f"on_{kind}_done")]
        assert added == [p["part"] for p in of_type(name, f"response.{kind}.added")], area
        assert done == [p["part"] for p in of_type(name, f"response.{kind}.done")], area


@pytest.mark.parametrize("name", NAMES)
def test_response_created_once_and_done_once_with_its_final_status(name: str) -> None:
    handler = run_named(name)
    ((created,),) = handler.args_of("on_response_created")
    ((done,),) = handler.args_of("on_response_done")
    final = terminal(name)
    assert created.id == done.id == final["id"]
    assert done.status == final["status"]
    if name != "NONOPENAI_openrouter_reasoning_text_done_marker.sse":  # renames an item at the end
        assert to_dict(done) == final
    names = handler.names()
    assert names.index("on_response_created") < names.index("on_response_done")


def test_a_resumed_stream_reports_its_response_once() -> None:
    """The resume has no response.created: the first response event creates it."""
    handler = run_named("openai_background_resume_starting_after.sse")
    ((created,),) = handler.args_of("on_response_created")
    assert created.status == "queued"
    assert handler.current[handler.names().index("on_response_created")].type == "response.queued"


@pytest.mark.parametrize("name", NAMES)
def test_on_event_for_every_event_and_on_end_last(name: str) -> None:
    handler = run_named(name)
    names = [event.event for (event,) in handler.args_of("on_event")]
    expected = [
        "done" if event.data == "[DONE]" else json.loads(event.data)["type"]
        for event in events_of(name)
    ]
    assert names == expected
    assert handler.names()[-1] == "on_end"
    assert handler.names().count("on_end") == 1
    assert handler.args_of("on_exception") == []
    # on_event comes first for each event, before the callbacks it causes.
    assert handler.names()[0] == "on_event"


def test_openrouter_done_marker_is_an_event() -> None:
    handler = run_named("NONOPENAI_openrouter_reasoning_text_done_marker.sse")
    ((last,),) = handler.args_of("on_event")[-1:]
    assert isinstance(last, DoneEvent)
    assert handler.accumulator.done is True


def test_error_recording_in_strict_mode() -> None:
    """on_error, then response.failed applies, then the StreamError is raised at the end."""
    handler = Recorder()
    with pytest.raises(streamkit.StreamError) as raised:
        streamkit.consume(raw(ERROR_RECORDING), handler)
    assert [name for name in handler.names() if name != "on_event"] == [
        "on_response_created",
        "on_response_updated",
        "on_error",
        "on_response_done",
        "on_exception",
        "on_end",
    ]
    ((error,),) = handler.args_of("on_error")
    assert isinstance(error, rm.ResponseErrorEvent)
    assert (error.error.code, error.sequence_number) == ("insufficient_quota", 2)
    ((done,),) = handler.args_of("on_response_done")
    assert (done.status, done.error.code) == ("failed", "insufficient_quota")
    ((exception,),) = handler.args_of("on_exception")
    assert exception is raised.value
    assert raised.value.accumulator is handler.accumulator  # type: ignore[attr-defined]
    assert handler.get_final_response().status == "failed"


def test_error_recording_in_lenient_mode() -> None:
    handler = run(raw(ERROR_RECORDING), strict=False)
    assert [name for name in handler.names() if name != "on_event"] == [
        "on_response_created",
        "on_response_updated",
        "on_error",
        "on_response_done",
        "on_end",
    ]
    ((error,),) = handler.args_of("on_error")
    assert error.error.type == "insufficient_quota"
    final = handler.get_final_response()
    assert (final.status, final.id) == ("failed", terminal(ERROR_RECORDING)["id"])
    assert [a.kind for a in handler.accumulator.anomalies] == ["server_error"]


def _with_unknown(name: str, position: int, kind: str) -> bytes:
    """The recording with an event of unknown type (no sequence number) at ``position``."""
    unknown = ServerSentEvent(event=kind, data=json.dumps({"type": kind, "note": "x"}))
    events = list(events_of(name))
    return encode([*events[:position], unknown, *events[position:]])


@pytest.mark.parametrize("strict", [True, False])
def test_unknown_event(strict: bool) -> None:
    name = "openai_text_logprobs.sse"
    handler = run(_with_unknown(name, 3, "response.future_thing"), strict=strict)
    ((unknown,),) = handler.args_of("on_unknown_event")
    assert isinstance(unknown, UnknownEvent)
    assert (unknown.event, unknown.data) == (
        "response.future_thing",
        {"type": "response.future_thing", "note": "x"},
    )
    index = handler.names().index("on_unknown_event")
    assert handler.calls[index - 1] == ("on_event", (unknown,))
    # Nothing else changed.
    reduced = [c for c in describe(handler.calls, events=False) if c[0] != "on_unknown_event"]
    assert reduced == list(reference(name))


@pytest.mark.parametrize(("callback", "nth"), [("on_output_text_delta", 3), ("on_event", 1)])
def test_a_raising_callback(callback: str, nth: int) -> None:
    """The exception propagates after on_exception and on_end; nothing is called after it."""
    handler = Recorder(fail_on=(callback, nth))
    with pytest.raises(Boom):
        streamkit.consume(raw("openai_text_logprobs.sse"), handler)
    names = handler.names()
    assert names[-2:] == ["on_exception", "on_end"]
    assert sum(1 for n in names if n == callback) == nth
    assert names[-3] == callback
    ((exception,),) = handler.args_of("on_exception")
    assert isinstance(exception, Boom)
    if callback == "on_output_text_delta":
        # What was received before it is readable.
        text = "".join(
            p["delta"]
            for p in of_type("openai_text_logprobs.sse", "response.output_text.delta")[:3]
        )
        assert handler.current_response.output[0].content[0].text == text


def test_a_callback_error_in_strict_error_stream_is_the_one_raised() -> None:
    """A callback raising on the error event wins over the StreamError kept for the end."""
    handler = Recorder(fail_on=("on_error", 1))
    with pytest.raises(Boom):
        streamkit.consume(raw(ERROR_RECORDING), handler)
    assert handler.names()[-2:] == ["on_exception", "on_end"]
    assert "on_response_done" not in handler.names()


# --- 4. the async handler; the decorator form -------------------------------------------------


async def arun(source: Any, *, strict: bool = True, **options: Any) -> Any:
    handler = AsyncRecorder(**options)
    result = await streamkit.aconsume(source, handler, strict=strict)
    assert result is handler.accumulator
    return handler


@pytest.mark.anyio
@pytest.mark.parametrize("name", NAMES)
async def test_the_async_handler_gets_the_same_calls(name: str) -> None:
    handler = await arun(raw(name), strict=name != ERROR_RECORDING)
    assert describe(handler.calls, events=False) == list(reference(name))
    assert [e.event for (e,) in handler.args_of("on_event")] == [
        e.event for (e,) in run_named(name).args_of("on_event")
    ]
    final = await handler.get_final_response()
    assert final.status == terminal(name)["status"]


@pytest.mark.anyio
async def test_the_async_handler_on_the_error_recording() -> None:
    handler = AsyncRecorder()
    with pytest.raises(streamkit.StreamError):
        await streamkit.aconsume(raw(ERROR_RECORDING), handler)
    assert [n for n in handler.names() if n != "on_event"][-4:] == [
        "on_error",
        "on_response_done",
        "on_exception",
        "on_end",
    ]
    lenient = await arun(raw(ERROR_RECORDING), strict=False)
    assert "on_exception" not in lenient.names()
    assert (await lenient.get_final_response()).status == "failed"


@pytest.mark.anyio
async def test_a_raising_async_callback() -> None:
    handler = AsyncRecorder(fail_on=("on_output_item_added", 1))
    with pytest.raises(Boom):
        await streamkit.aconsume(raw("openai_reasoning_then_fn_call.sse"), handler)
    assert handler.names()[-3:] == ["on_output_item_added", "on_exception", "on_end"]


@pytest.mark.anyio
async def test_the_async_handler_reads_async_chunks() -> None:
    name = "openai_code_interpreter_x3_reasoning.sse"
    data = raw(name)

    async def chunks() -> Any:
        for start in range(0, len(data), 997):
            yield data[start : start + 997]

    handler = await arun(chunks())
    assert describe(handler.calls, events=False) == list(reference(name))


def test_the_decorator_form() -> None:
    name = "openai_reasoning_then_fn_call.sse"
    handlers = streamkit.ResponseHandlers()
    seen: list[tuple[str, Any]] = []

    def first(delta: str, snapshot: Any) -> None:
        seen.append(("first", delta))

    assert handlers.on("function_call_arguments.delta")(first) is first

    @handlers.on("on_function_call_arguments_delta")
    def second(delta: str, snapshot: Any) -> None:
        seen.append(("second", delta))

    @handlers.on("function_call_arguments_done")
    def done(arguments: str, item: Any) -> None:
        seen.append(("done", (arguments, item.name)))

    @handlers.on("output_item.added")
    def added(item: Any) -> None:
        seen.append(("added", item.type))

    @handlers.on("event")
    def event(event: Any) -> None:
        seen.append(("event", event.event))

    @handlers.on("on_end")
    def end() -> None:
        seen.append(("end", None))

    result = streamkit.consume(raw(name), handlers)
    assert isinstance(result, streamkit.ResponseAccumulator)
    assert handlers.accumulator is result
    deltas = [p["delta"] for p in of_type(name, "response.function_call_arguments.delta")]
    (call,) = [i for i in terminal(name)["output"] if i["type"] == "function_call"]
    assert [s for s in seen if s[0] in ("first", "second")] == [
        (who, delta) for delta in deltas for who in ("first", "second")
    ]
    assert [s for s in seen if s[0] == "done"] == [("done", (call["arguments"], call["name"]))]
    assert [s for s in seen if s[0] == "added"] == [
        ("added", "reasoning"),
        ("added", "function_call"),
    ]
    assert [s[1] for s in seen if s[0] == "event"] == [p["type"] for p in payloads(name)]
    assert seen[-1] == ("end", None)
    assert handlers.get_final_response().status == "completed"


@pytest.mark.parametrize(
    "name", ["output_text.deltas", "on_nothing", "response.output_text.delta", "", "text_delta"]
)
def test_the_decorator_refuses_an_unknown_name(name: str) -> None:
    handlers = streamkit.ResponseHandlers()
    with pytest.raises(ValueError, match="no callback named"):
        handlers.on(name)


def test_a_decorated_handler_without_callbacks_still_accumulates() -> None:
    name = "openai_text_logprobs.sse"
    handlers = streamkit.ResponseHandlers()
    result = streamkit.consume(raw(name), handlers)
    assert to_dict(result.final_response) == terminal(name)


# --- 5. exactly once, however the stream arrives -------------------------------------------------


@settings(max_examples=60)
@given(name=st.sampled_from(NAMES), data=st.data())
def test_any_chunking_gives_the_same_calls(name: str, data: st.DataObject) -> None:
    body = raw(name)
    cuts = data.draw(st.lists(st.integers(0, len(body)), max_size=40).map(sorted))
    bounds = [0, *cuts, len(body)]
    chunks = [body[a:b] for a, b in itertools.pairwise(bounds)]
    handler = run(iter(chunks), strict=name != ERROR_RECORDING)
    assert describe(handler.calls, events=False) == list(reference(name))
    assert len(handler.args_of("on_event")) == len(events_of(name))


@settings(max_examples=60)
@given(
    name=st.sampled_from(sorted(set(NAMES) - NOSEQ)),
    copies=st.lists(st.tuples(st.floats(0, 1), st.floats(0, 1)), min_size=1, max_size=8),
)
def test_duplicated_events_give_the_same_calls(
    name: str, copies: list[tuple[float, float]]
) -> None:
    """An event sent again later (same sequence number) is skipped: nothing fires twice."""
    events = [e for e in events_of(name) if e.data != "[DONE]"]
    stream = list(events)
    for which, where in copies:
        index = int(which * (len(events) - 1))
        # Anywhere after the original (a repeat before it would be the first).
        at = stream.index(events[index]) + 1
        at += int(where * (len(stream) - at))
        stream.insert(at, events[index])
    handler = run(encode(stream), strict=name != ERROR_RECORDING)
    assert describe(handler.calls, events=False) == list(reference(name))
    assert len(handler.args_of("on_event")) == len(stream)


def test_a_resume_overlapping_the_stream_gives_the_same_calls() -> None:
    """The live stream, then a resume of it from sequence 1: every callback once."""
    initial = raw("openai_background_stream_initial.sse")
    both = initial + b"\n" + raw("openai_background_resume_starting_after.sse")
    handler = run(both)
    assert describe(handler.calls, events=False) == list(
        reference("openai_background_stream_initial.sse")
    )


@pytest.mark.parametrize("cut", range(1, 18))
def test_a_stream_cut_after_any_event_then_resumed_gives_the_same_calls(cut: int) -> None:
    """The live stream cut after ``cut`` events, then the resume from sequence 1: each call once."""
    initial = list(events_of("openai_background_stream_initial.sse"))
    resume = list(events_of("openai_background_resume_starting_after.sse"))
    assert len(initial) == 17
    handler = run(encode(initial[:cut] + resume))
    assert describe(handler.calls, events=False) == list(
        reference("openai_background_stream_initial.sse")
    )


DONE_TYPES = (".done",)


def _is_done(event: ServerSentEvent) -> bool:
    return event.data != "[DONE]" and json.loads(event.data)["type"].endswith(DONE_TYPES)


def _drop_done(name: str, keep: Sequence[bool] | None = None) -> list[ServerSentEvent]:
    """The recording without its ``*.done`` events (those with ``keep`` False, in order)."""
    flags = iter(keep if keep is not None else [])
    return [e for e in events_of(name) if not (_is_done(e) and not next(flags, False))]


def canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True)


def _check_closed_once(handler: Any, name: str, sent: Sequence[ServerSentEvent]) -> None:
    """Every item and part of the terminal response: added once, done once.

    An item's done is what first closed it: its ``output_item.done`` if sent,
    else the terminal response's item (they differ in a reasoning item's
    ``encrypted_content``); a part's done, its ``*part.done`` if sent, else its
    item's closing value (they differ in logprobs on one recording).
    """
    final = terminal(name)
    added = Counter(item.id for (item,) in handler.args_of("on_output_item_added"))
    assert added == Counter(item["id"] for item in final["output"])
    items = {item["id"]: item for item in final["output"]}
    closed_parts: dict[tuple[str, str, int], Json] = {}
    for event in sent:
        payload = json.loads(event.data) if event.data != "[DONE]" else {}
        kind = payload.get("type")
        if kind == "response.output_item.done":
            items[payload["item"]["id"]] = payload["item"]
        elif kind == "response.content_part.done":
            closed_parts[payload["item_id"], "content", payload["content_index"]] = payload["part"]
        elif kind == "response.reasoning_summary_part.done":
            closed_parts[payload["item_id"], "summary", payload["summary_index"]] = payload["part"]
    done = [to_dict(item) for (item,) in handler.args_of("on_output_item_done")]
    assert sorted(map(canonical, done)) == sorted(map(canonical, items.values()))
    for area, kind in (("content", "content_part"), ("summary", "reasoning_summary_part")):
        parts = [
            closed_parts.get((item_id, area, index), part)
            for item_id, item in items.items()
            for index, part in enumerate(item.get(area) or ())
        ]
        assert len(handler.args_of(f"on_{kind}_added")) == len(parts), kind
        closed = [to_dict(p) for (p,) in handler.args_of(f"on_{kind}_done")]
        assert sorted(map(canonical, closed)) == sorted(map(canonical, parts)), kind
    ((response,),) = handler.args_of("on_response_done")
    assert response.status == final["status"]
    assert handler.names()[-1] == "on_end"


# The streams whose terminal response holds the items the stream built (OpenRouter renames one).
CLOSABLE = sorted(
    set(NAMES) - {ERROR_RECORDING, "NONOPENAI_openrouter_reasoning_text_done_marker.sse"}
)


@pytest.mark.parametrize("name", CLOSABLE)
@pytest.mark.parametrize("strict", [True, False])
def test_dropped_done_events_items_closed_by_the_terminal_response(name: str, strict: bool) -> None:
    sent = _drop_done(name)
    handler = run(encode(sent), strict=strict)
    _check_closed_once(handler, name, sent)


@settings(max_examples=40)
@given(name=st.sampled_from(CLOSABLE), data=st.data())
def test_some_done_events_dropped(name: str, data: st.DataObject) -> None:
    count = sum(1 for e in events_of(name) if _is_done(e))
    keep = data.draw(st.lists(st.booleans(), min_size=count, max_size=count))
    sent = _drop_done(name, keep)
    handler = run(encode(sent), strict=False)
    _check_closed_once(handler, name, sent)


@pytest.mark.parametrize(
    "name",
    [
        "openai_reasoning_summary_multipart.sse",
        "openai_code_interpreter_x3_reasoning.sse",
        "openai_web_search_url_citation_annotations.sse",
    ],
)
def test_an_item_seen_only_in_the_terminal_response(name: str) -> None:
    """Every event of output item 1 dropped: its added/done (and its parts') come at the end."""
    events = [
        e
        for e in events_of(name)
        if e.data == "[DONE]" or json.loads(e.data).get("output_index") != 1
    ]
    handler = run(encode(events), strict=False)
    _check_closed_once(handler, name, events)
    item_id = terminal(name)["output"][1]["id"]
    names = handler.names()
    added_at = [i for i, (n, a) in enumerate(handler.calls) if n == "on_output_item_added"]
    last_added = handler.calls[added_at[-1]][1][0]
    assert last_added.id == item_id
    assert handler.current[added_at[-1]].type == "response.completed"
    assert names.index("on_response_done") > added_at[-1]


# --- 6. the handler's state -------------------------------------------------------------------


def test_current_event_and_response_inside_callbacks() -> None:
    name = "openai_phase_reasoning_text_fn_call.sse"

    class Watcher(streamkit.ResponseEventHandler):
        def __init__(self) -> None:
            self.seen: list[Any] = []

        def on_output_item_added(self, item: Any) -> None:
            response = self.current_response
            self.seen.append(("added", self.current_event.type, item.id, response.output[-1].id))

        def on_output_text_delta(self, delta: str, snapshot: Any) -> None:
            event = self.current_event
            text = self.current_response.output[event.output_index].content[0].text
            self.seen.append(("delta", event.delta == delta, text == snapshot.text))

        def on_response_done(self, response: Any) -> None:
            self.seen.append(("done", self.current_event.type, self.current_response is not None))

    watcher = Watcher()
    assert watcher.current_event is None
    assert watcher.current_response is None
    streamkit.consume(raw(name), watcher)
    sent = [p["item"]["id"] for p in of_type(name, "response.output_item.added")]
    assert [s for s in watcher.seen if s[0] == "added"] == [
        ("added", "response.output_item.added", i, i) for i in sent
    ]
    deltas = [s for s in watcher.seen if s[0] == "delta"]
    assert deltas == [("delta", True, True)] * len(of_type(name, "response.output_text.delta"))
    assert watcher.seen[-1] == ("done", "response.completed", True)
    # After the stream: the last event, the final response.
    assert watcher.current_event.type == "response.completed"
    assert to_dict(watcher.current_response) == terminal(name)
    assert to_dict(watcher.get_final_response()) == terminal(name)


def test_get_final_response_before_a_stream_raises() -> None:
    with pytest.raises(streamkit.StreamkitError, match="not been given a stream"):
        streamkit.ResponseEventHandler().get_final_response()


@pytest.mark.anyio
async def test_async_get_final_response_before_a_stream_raises() -> None:
    with pytest.raises(streamkit.StreamkitError, match="not been given a stream"):
        await streamkit.AsyncResponseEventHandler().get_final_response()


def test_get_final_response_of_a_stream_without_a_response_raises() -> None:
    handler = streamkit.ResponseEventHandler()
    streamkit.consume(b'event: keepalive\ndata: {"type":"keepalive"}\n\n', handler)
    assert isinstance(handler.accumulator, streamkit.ResponseAccumulator)
    with pytest.raises(streamkit.StreamkitError, match="no response"):
        handler.get_final_response()


def test_get_final_response_mid_stream_is_the_response_so_far() -> None:
    name = "openai_reasoning_then_fn_call.sse"

    class Peek(streamkit.ResponseEventHandler):
        statuses: list[str]

        def on_output_item_added(self, item: Any) -> None:
            self.statuses.append(self.get_final_response().status)

    peek = Peek()
    peek.statuses = []
    streamkit.consume(raw(name), peek)
    assert peek.statuses == ["in_progress", "in_progress"]
    assert peek.get_final_response().status == "completed"


def test_get_final_response_is_the_last_response_of_the_stream() -> None:
    """Two responses, the second cut short: the stream left the second one, in progress."""
    first = raw("openai_text_logprobs.sse")
    second = list(events_of("openai_reasoning_then_fn_call.sse"))
    handler = streamkit.ResponseEventHandler()
    streamkit.consume(first + b"\n" + encode(second[:5]), handler)
    final = handler.get_final_response()
    assert (final.id, final.status) == (
        terminal("openai_reasoning_then_fn_call.sse")["id"],
        "in_progress",
    )
    assert final.id == handler.current_response.id
    # Both finished: the second one.
    streamkit.consume(first + b"\n" + encode(second), handler)
    assert to_dict(handler.get_final_response()) == terminal("openai_reasoning_then_fn_call.sse")


def test_current_event_in_on_exception_is_the_event_that_failed() -> None:
    name = "openai_text_logprobs.sse"
    events = [e for e in events_of(name) if '"response.output_item.added"' not in e.data]
    seen: list[Any] = []

    class Watcher(streamkit.ResponseEventHandler):
        def on_exception(self, exception: BaseException) -> None:
            seen.append((type(exception).__name__, self.current_event))

    with pytest.raises(streamkit.AccumulateError) as raised:
        streamkit.consume(encode(events), Watcher())
    assert raised.value.event == "response.content_part.added"
    ((kind, event),) = seen
    assert kind == "AccumulateError"
    assert event is not None
    assert event.type == "response.content_part.added"


def test_the_accumulator_is_kept_after_an_exception() -> None:
    name = "openai_reasoning_summary_multipart.sse"
    handler = Recorder(fail_on=("on_reasoning_summary_part_done", 2))
    with pytest.raises(Boom):
        streamkit.consume(raw(name), handler)
    (reasoning,) = handler.accumulator.response.output
    texts = [p["text"] for p in of_type(name, "response.reasoning_summary_text.done")]
    assert [part.text for part in reasoning.summary] == texts[:2]


def test_a_handler_given_a_second_stream_follows_it() -> None:
    handler = Recorder()
    streamkit.consume(raw("openai_text_logprobs.sse"), handler)
    first = handler.accumulator
    streamkit.consume(raw("openai_reasoning_then_fn_call.sse"), handler)
    assert handler.accumulator is not first
    assert handler.get_final_response().id == terminal("openai_reasoning_then_fn_call.sse")["id"]
    assert handler.current_event.type == "response.completed"
    assert handler.names().count("on_end") == 2


def test_only_the_callbacks_overridden_are_called() -> None:
    """A handler overriding one callback gets exactly those calls (the others do nothing)."""
    name = "openai_mcp_call_args_delta.sse"

    class One(streamkit.ResponseEventHandler):
        def __init__(self) -> None:
            self.got: list[Any] = []

        def on_mcp_call_arguments_done(self, arguments: str, item: Any) -> None:
            self.got.append((arguments, item.name))

    one = One()
    streamkit.consume(raw(name), one)
    ((sent,),) = [[p] for p in of_type(name, "response.mcp_call_arguments.done")]
    (call,) = [i for i in terminal(name)["output"] if i["type"] == "mcp_call"]
    assert one.got == [(sent["arguments"], call["name"])]


def test_random_reads_of_every_recording_agree() -> None:
    """One seeded pass of odd read sizes over every recording (cheap, beside the property)."""
    rng = random.Random(12)
    for name in NAMES:
        body = raw(name)
        chunks, at = [], 0
        while at < len(body):
            step = rng.choice([1, 2, 7, 64, 4096])
            chunks.append(body[at : at + step])
            at += step
        handler = run(iter(chunks), strict=name != ERROR_RECORDING)
        assert describe(handler.calls, events=False) == list(reference(name)), name
