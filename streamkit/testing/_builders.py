"""Stream builders: realistic Assistants-API run streams made from final objects.

Give this module the objects a run should end with -- a :class:`~streamkit.models.RunStep`, a
:class:`~streamkit.models.Message`, a whole :class:`~streamkit.models.Run` -- and it builds the
Server-Sent Events a server could have sent to produce them: ``*.created`` and ``*.in_progress``
with the content still empty, ``*.delta`` events carrying every streamed text in random fragments,
and the terminal event with the final object. A correct accumulator fed such a stream ends with
exactly the objects the stream was built from, which makes these builders the input of the
property tests, the demo and the benchmarks.

The streams follow what the real API sends (see the reference recordings in
:mod:`streamkit.recordings`) and stress what it may send:

* every streamed text (``code_interpreter.input``, ``function.arguments``, ``logs``,
  ``text.value``, ``refusal``) arrives in fragments of 1 to ``max_fragment`` characters;
* the first delta of a tool call carries ``index``, ``id``, ``type`` and the head of the call
  (``function``: ``name``, ``arguments`` = first fragment or ``""``, ``output``;
  ``code_interpreter``: ``input``, ``outputs: []``); later deltas carry ``index`` and only
  sometimes ``type`` (an entry without ``type`` parses as
  :class:`~streamkit.models.UnknownObject`; the accumulator keeps the slot's type);
* images arrive whole; ``file_search`` calls arrive as one ``{"file_search": {}}`` delta, their
  ``results`` and ``ranking_options`` only in the terminal step;
* ``interleave``: the fragments of parallel tool calls (and of one call's outputs) are woven
  together at random, each call's own fragments staying in order;
* ``out_of_order``: the order in which calls, outputs, content blocks and annotations are
  *introduced* is shuffled, so index 1 may come before index 0;
* now and then a delta carries two or three entries: two heads at once, or two fragments of the
  same index (in order).

Everything is a pure function of its arguments: the same ``random.Random`` state gives the same
events. Data is JSON written with ``json.dumps(..., ensure_ascii=False, separators=(",", ":"))``
(the API sends raw UTF-8, so byte-level splits fall inside multi-byte characters too), from
:func:`streamkit.to_dict` of real models or from dicts of the schema's delta shapes; every event
parses with :func:`streamkit.parse_event`. Texts must be valid Unicode (no lone surrogates).

The Hypothesis strategies :func:`final_steps` and :func:`final_messages` import Hypothesis when
called, so importing this module does not need it.
"""

from __future__ import annotations

import bisect
import json
import random
import string
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

import attrs

from streamkit._engine.convert import to_dict
from streamkit.models import (
    AssistantTool,
    CodeInterpreterOutputImage,
    CodeInterpreterOutputImageImage,
    CodeInterpreterOutputLogs,
    CodeInterpreterTool,
    CodeInterpreterToolCall,
    CodeInterpreterToolCallCodeInterpreter,
    FileCitation,
    FileCitationAnnotation,
    FilePath,
    FilePathAnnotation,
    FileSearchResult,
    FileSearchResultContent,
    FileSearchTool,
    FileSearchToolCall,
    FileSearchToolCallFileSearch,
    FileSearchToolCallRankingOptions,
    FunctionDefinition,
    FunctionTool,
    FunctionToolCall,
    FunctionToolCallFunction,
    ImageFile,
    ImageFileContentBlock,
    ImageURL,
    ImageURLContentBlock,
    Message,
    MessageContent,
    MessageCreation,
    MessageCreationStepDetails,
    RefusalContentBlock,
    RequiredAction,
    RequiredActionFunctionToolCall,
    RequiredActionFunctionToolCallFunction,
    RequiredActionSubmitToolOutputs,
    Run,
    RunStep,
    RunStepUsage,
    RunUsage,
    Text,
    TextContentBlock,
    ToolCall,
    ToolCallsStepDetails,
    TruncationStrategy,
)
from streamkit.models.enums import RunStatus
from streamkit.sse import ServerSentEvent

if TYPE_CHECKING:
    from hypothesis.strategies import SearchStrategy

__all__ = [
    "encode",
    "example_code_interpreter_step",
    "example_file_search_step",
    "example_function_calls_step",
    "example_message",
    "example_message_creation_step",
    "example_run",
    "final_messages",
    "final_steps",
    "message_events",
    "run_events",
    "split_points",
    "step_events",
]

_T = TypeVar("_T")
_Entry = dict[str, Any]

#: The event that ends a step whose final status is the key. An ``in_progress`` step (one still
#: open when its run stopped for ``requires_action``) gets no terminal event.
_STEP_TERMINAL = {
    "completed": "thread.run.step.completed",
    "failed": "thread.run.step.failed",
    "cancelled": "thread.run.step.cancelled",
    "expired": "thread.run.step.expired",
}
_MESSAGE_TERMINAL = {
    "completed": "thread.message.completed",
    "incomplete": "thread.message.incomplete",
}
#: The last run event for a run's final status; ``queued`` and ``in_progress`` runs have none
#: beyond the opening ``thread.run.created`` / ``queued`` / ``in_progress``.
_RUN_TERMINAL = {
    "requires_action": "thread.run.requires_action",
    "cancelling": "thread.run.cancelling",
    "completed": "thread.run.completed",
    "incomplete": "thread.run.incomplete",
    "failed": "thread.run.failed",
    "cancelled": "thread.run.cancelled",
    "expired": "thread.run.expired",
}

# How often a delta carries two (or three) entries instead of one.
_BATCH_2 = 0.15
_BATCH_3 = 0.05
# How often a later tool-call entry repeats its `type`.
_TYPE_AGAIN = 0.5
# How often an output piece of a code-interpreter call joins the entry before it.
_JOIN_OUTPUTS = 0.25


# --- Small pieces -------------------------------------------------------------


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _event(name: str, data: Any) -> ServerSentEvent:
    return ServerSentEvent(event=name, data=_dumps(data))


def _check_max_fragment(max_fragment: int) -> None:
    if max_fragment < 1:
        msg = f"max_fragment must be at least 1, not {max_fragment}"
        raise ValueError(msg)


def _fragments(text: str, rng: random.Random, max_fragment: int) -> list[str]:
    """``text`` cut into pieces of 1..max_fragment characters; ``[]`` for ``""``."""
    pieces = []
    position = 0
    while position < len(text):
        size = rng.randint(1, max_fragment)
        pieces.append(text[position : position + size])
        position += size
    return pieces


def _order(count: int, rng: random.Random, out_of_order: bool) -> list[int]:
    order = list(range(count))
    if out_of_order:
        rng.shuffle(order)
    return order


def _weave(
    sequences: Sequence[Sequence[_T]], order: Sequence[int], rng: random.Random, interleave: bool
) -> list[_T]:
    """Merge sequences into one, each keeping its own order.

    Sequence ``order[k]`` starts only after ``order[k - 1]`` has started, so ``order`` is the
    order in which they are introduced. Without ``interleave`` each runs to its end before the
    next starts; with it, the next item is drawn from any started sequence (or the next one to
    start), weighted by what each has left.
    """
    if not interleave:
        return [item for k in order for item in sequences[k]]
    woven: list[_T] = []
    taken = [0] * len(sequences)
    started: list[int] = []
    waiting = [k for k in order if sequences[k]]
    waiting.reverse()  # pop() takes the next to introduce
    while True:
        candidates = [k for k in started if taken[k] < len(sequences[k])]
        if waiting:
            candidates.append(waiting[-1])
        if not candidates:
            return woven
        weights = [len(sequences[k]) - taken[k] for k in candidates]
        (k,) = rng.choices(candidates, weights=weights)
        if waiting and k == waiting[-1]:
            started.append(waiting.pop())
        woven.append(sequences[k][taken[k]])
        taken[k] += 1


def _batches(entries: Sequence[_T], rng: random.Random) -> list[list[_T]]:
    """Group consecutive entries into the lists of successive delta events (mostly one each)."""
    batches = []
    position = 0
    while position < len(entries):
        draw = rng.random()
        size = 3 if draw < _BATCH_3 else 2 if draw < _BATCH_3 + _BATCH_2 else 1
        batches.append(list(entries[position : position + size]))
        position += size
    return batches


def _indexed(index: int, obj: Any) -> _Entry:
    """A whole object as a delta entry: ``index`` first, then the object's wire keys."""
    entry: _Entry = {"index": index}
    entry.update(to_dict(obj))
    return entry


# --- Run steps ----------------------------------------------------------------


def _later_call_entry(index: int, call_type: str, rng: random.Random) -> _Entry:
    entry: _Entry = {"index": index}
    if rng.random() < _TYPE_AGAIN:
        entry["type"] = call_type
    return entry


def _function_pieces(
    index: int, call: FunctionToolCall, rng: random.Random, max_fragment: int
) -> list[_Entry]:
    function = call.function
    fragments = _fragments(function.arguments, rng, max_fragment)
    first = fragments.pop(0) if fragments and rng.random() < 0.5 else ""
    head_function: _Entry = {"name": function.name, "arguments": first, "output": None}
    output_later = function.output is not None and rng.random() < 0.5
    if function.output is not None and not output_later:
        head_function["output"] = function.output
    pieces: list[_Entry] = [
        {"index": index, "id": call.id, "type": "function", "function": head_function}
    ]
    for fragment in fragments:
        piece = _later_call_entry(index, "function", rng)
        piece["function"] = {"arguments": fragment}
        pieces.append(piece)
    if output_later:
        piece = _later_call_entry(index, "function", rng)
        piece["function"] = {"output": function.output}
        pieces.insert(rng.randint(1, len(pieces)), piece)
    return pieces


def _code_interpreter_pieces(
    index: int,
    call: CodeInterpreterToolCall,
    rng: random.Random,
    max_fragment: int,
    interleave: bool,
    out_of_order: bool,
) -> list[_Entry]:
    code = call.code_interpreter
    fragments = _fragments(code.input, rng, max_fragment)
    first = fragments.pop(0) if fragments and rng.random() < 0.5 else ""
    pieces: list[_Entry] = [
        {
            "index": index,
            "id": call.id,
            "type": "code_interpreter",
            "code_interpreter": {"input": first, "outputs": []},
        }
    ]
    for fragment in fragments:
        piece = _later_call_entry(index, "code_interpreter", rng)
        piece["code_interpreter"] = {"input": fragment}
        pieces.append(piece)

    # Each output as its own sequence of entries of `outputs`: logs in fragments, the rest whole.
    outputs: list[list[_Entry]] = []
    for k, output in enumerate(code.outputs):
        if isinstance(output, CodeInterpreterOutputLogs):
            logs = _fragments(output.logs, rng, max_fragment) or [""]
            outputs.append([{"index": k, "type": "logs", "logs": logs_part} for logs_part in logs])
        else:
            outputs.append([_indexed(k, output)])
    order = _order(len(outputs), rng, out_of_order)
    for output_entry in _weave(outputs, order, rng, interleave):
        previous = pieces[-1]["code_interpreter"]
        if rng.random() < _JOIN_OUTPUTS:
            previous.setdefault("outputs", []).append(output_entry)
            continue
        piece = _later_call_entry(index, "code_interpreter", rng)
        piece["code_interpreter"] = {"outputs": [output_entry]}
        pieces.append(piece)
    return pieces


def _call_pieces(
    index: int,
    call: ToolCall,
    rng: random.Random,
    max_fragment: int,
    interleave: bool,
    out_of_order: bool,
) -> list[_Entry]:
    if isinstance(call, FunctionToolCall):
        return _function_pieces(index, call, rng, max_fragment)
    if isinstance(call, CodeInterpreterToolCall):
        return _code_interpreter_pieces(index, call, rng, max_fragment, interleave, out_of_order)
    if isinstance(call, FileSearchToolCall):
        # As the API does: results and ranking options come only with the terminal step.
        return [{"index": index, "id": call.id, "type": "file_search", "file_search": {}}]
    return [_indexed(index, call)]  # a tool type this version does not know: whole


def _created_step(step: RunStep) -> RunStep:
    details = step.step_details
    if isinstance(details, ToolCallsStepDetails):
        details = attrs.evolve(details, tool_calls=())
    return attrs.evolve(
        step,
        status="in_progress",
        step_details=details,
        last_error=None,
        expired_at=None,
        cancelled_at=None,
        failed_at=None,
        completed_at=None,
        usage=None,
    )


def _step_parts(
    step: RunStep,
    rng: random.Random,
    max_fragment: int,
    interleave: bool,
    out_of_order: bool,
) -> tuple[list[ServerSentEvent], ServerSentEvent | None]:
    """The step's events up to its last delta, and its terminal event (if its status has one)."""
    _check_max_fragment(max_fragment)
    created = to_dict(_created_step(step))
    events = [
        _event("thread.run.step.created", created),
        _event("thread.run.step.in_progress", created),
    ]
    details = step.step_details
    if isinstance(details, ToolCallsStepDetails):
        calls = [
            _call_pieces(i, call, rng, max_fragment, interleave, out_of_order)
            for i, call in enumerate(details.tool_calls)
        ]
        order = _order(len(calls), rng, out_of_order)
        for batch in _batches(_weave(calls, order, rng, interleave), rng):
            delta = {"step_details": {"type": "tool_calls", "tool_calls": batch}}
            data = {"id": step.id, "object": "thread.run.step.delta", "delta": delta}
            events.append(_event("thread.run.step.delta", data))
    name = _STEP_TERMINAL.get(step.status)
    terminal = _event(name, to_dict(step)) if name is not None else None
    return events, terminal


def step_events(
    step: RunStep,
    *,
    rng: random.Random,
    max_fragment: int = 12,
    interleave: bool = True,
    out_of_order: bool = True,
    include_terminal: bool = True,
) -> list[ServerSentEvent]:
    """The events that stream ``step``, ending with ``step`` itself.

    ``thread.run.step.created`` and ``thread.run.step.in_progress`` carry the step with status
    ``in_progress``, no usage, error or end timestamps, and for a ``tool_calls`` step an empty
    ``tool_calls: []``; a ``message_creation`` step is sent with its ``message_id`` (as the API
    does) and gets no deltas. Then ``thread.run.step.delta`` events stream the tool calls (see
    the module docstring), then the terminal event for ``step.status`` (``completed``,
    ``failed``, ``cancelled`` or ``expired``) with ``step`` as its data. A step still
    ``in_progress`` (open when its run stopped for ``requires_action``) has no terminal event.

    ``file_search`` calls get one delta ``{"index", "id", "type", "file_search": {}}``: their
    ``results`` and ``ranking_options`` arrive only with the terminal step, as from the API. So
    with ``include_terminal=False`` a rebuilt step has an empty ``file_search`` there, and other
    fields only the terminal carries (status, usage, unknown keys of nested objects) are missing.

    Args:
        step: the final step.
        rng: the source of every random choice; the same state gives the same events.
        max_fragment: the longest fragment of streamed text, in characters (at least 1).
        interleave: weave the fragments of parallel tool calls (and of one call's outputs)
            together at random, each call's fragments in order; otherwise one call after another.
        out_of_order: introduce calls and outputs in a random order (index 1 may come before 0).
        include_terminal: end with the terminal step event.

    Returns:
        The events, ready for :func:`encode` or :func:`streamkit.parse_event`.

    Raises:
        ValueError: ``max_fragment`` is less than 1.
    """
    events, terminal = _step_parts(step, rng, max_fragment, interleave, out_of_order)
    if include_terminal and terminal is not None:
        events.append(terminal)
    return events


# --- Messages -----------------------------------------------------------------


def _annotation_entry(index: int, annotation: Any) -> _Entry:
    entry = _indexed(index, annotation)
    citation = entry.get("file_citation")
    if entry.get("type") == "file_citation" and isinstance(citation, dict):
        citation["quote"] = ""  # deltas carry it (always empty in recordings); full objects don't
    return entry


def _text_pieces(
    index: int, block: TextContentBlock, rng: random.Random, max_fragment: int, out_of_order: bool
) -> list[_Entry]:
    value = block.text.value
    fragments = _fragments(value, rng, max_fragment) or [""]
    starts = []
    offset = 0
    for fragment in fragments:
        starts.append(offset)
        offset += len(fragment)
    last = len(fragments) - 1
    # Each annotation goes with the fragment holding its start_index, or a later one.
    annotations: list[list[_Entry]] = [[] for _ in fragments]
    previous = 0
    for j, annotation in enumerate(block.text.annotations):
        start = getattr(annotation, "start_index", None)
        at = bisect.bisect_right(starts, start) - 1 if isinstance(start, int) else 0
        at = min(max(at, 0), last)
        if out_of_order:
            at = rng.randint(at, min(last, at + 2))
        else:
            at = max(at, previous)
            previous = at
        annotations[at].append(_annotation_entry(j, annotation))
    if out_of_order:
        for entries in annotations:
            rng.shuffle(entries)
    pieces: list[_Entry] = [
        {
            "index": index,
            "type": "text",
            "text": {"value": fragments[0], "annotations": annotations[0]},
        }
    ]
    for fragment, entries in zip(fragments[1:], annotations[1:], strict=True):
        text: _Entry = {"value": fragment}
        if entries:
            text["annotations"] = entries
        pieces.append({"index": index, "type": "text", "text": text})
    return pieces


def _block_pieces(
    index: int, block: MessageContent, rng: random.Random, max_fragment: int, out_of_order: bool
) -> list[_Entry]:
    if isinstance(block, TextContentBlock):
        return _text_pieces(index, block, rng, max_fragment, out_of_order)
    if isinstance(block, RefusalContentBlock):
        fragments = _fragments(block.refusal, rng, max_fragment) or [""]
        return [{"index": index, "type": "refusal", "refusal": part} for part in fragments]
    return [_indexed(index, block)]  # images, unknown block types: whole


def _created_message(message: Message) -> Message:
    return attrs.evolve(
        message,
        status="in_progress",
        content=(),
        completed_at=None,
        incomplete_at=None,
        incomplete_details=None,
    )


def _message_parts(
    message: Message, rng: random.Random, max_fragment: int, out_of_order: bool
) -> tuple[list[ServerSentEvent], ServerSentEvent | None]:
    _check_max_fragment(max_fragment)
    created = to_dict(_created_message(message))
    events = [
        _event("thread.message.created", created),
        _event("thread.message.in_progress", created),
    ]
    blocks = [
        _block_pieces(i, block, rng, max_fragment, out_of_order)
        for i, block in enumerate(message.content)
    ]
    order = _order(len(blocks), rng, out_of_order)
    # Blocks stream one after another, as from the API; only their order is shuffled.
    for batch in _batches(_weave(blocks, order, rng, interleave=False), rng):
        data = {"id": message.id, "object": "thread.message.delta", "delta": {"content": batch}}
        events.append(_event("thread.message.delta", data))
    name = _MESSAGE_TERMINAL.get(message.status)
    terminal = _event(name, to_dict(message)) if name is not None else None
    return events, terminal


def message_events(
    message: Message,
    *,
    rng: random.Random,
    max_fragment: int = 12,
    out_of_order: bool = True,
    include_terminal: bool = True,
) -> list[ServerSentEvent]:
    """The events that stream ``message``, ending with ``message`` itself.

    ``thread.message.created`` and ``thread.message.in_progress`` carry the message with status
    ``in_progress``, ``content: []`` and no end timestamps or incomplete details; then
    ``thread.message.delta`` events stream the content blocks, one block after another:

    * text: the first delta of a block is ``{"index", "type": "text", "text": {"value":
      <fragment>, "annotations": []}}``, later ones carry a fragment of ``value``. Each
      annotation arrives whole (``index``, ``type``, ``text``, ``start_index``, ``end_index``,
      ``file_citation: {"file_id", "quote": ""}`` or ``file_path``) in the ``annotations`` of
      the delta whose fragment holds its ``start_index``, or of a later one;
    * refusal: ``{"index", "type": "refusal", "refusal": <fragment>}`` deltas;
    * image_file, image_url and blocks of unknown type: one delta with the whole block.

    Then the terminal event for ``message.status`` (``thread.message.completed`` or
    ``thread.message.incomplete``) with ``message`` as its data; an ``in_progress`` message
    has none.

    Args:
        message: the final message.
        rng: the source of every random choice; the same state gives the same events.
        max_fragment: the longest fragment of streamed text, in characters (at least 1).
        out_of_order: introduce content blocks (and annotations) in a random order.
        include_terminal: end with the terminal message event.

    Returns:
        The events, ready for :func:`encode` or :func:`streamkit.parse_event`.

    Raises:
        ValueError: ``max_fragment`` is less than 1.
    """
    events, terminal = _message_parts(message, rng, max_fragment, out_of_order)
    if include_terminal and terminal is not None:
        events.append(terminal)
    return events


# --- Runs and bytes -------------------------------------------------------------


def _opening_run(run: Run, status: RunStatus, started_at: int | None) -> Any:
    return to_dict(
        attrs.evolve(
            run,
            status=status,
            started_at=started_at,
            required_action=None,
            last_error=None,
            cancelled_at=None,
            failed_at=None,
            completed_at=None,
            incomplete_details=None,
            usage=None,
        )
    )


def run_events(
    run: Run,
    steps: Sequence[RunStep],
    messages: Sequence[Message],
    *,
    rng: random.Random,
    max_fragment: int = 12,
    interleave: bool = True,
    out_of_order: bool = True,
    include_terminal: bool = True,
) -> list[ServerSentEvent]:
    """The events of a whole run that ends as ``run``, with ``steps`` and ``messages``.

    ``thread.run.created`` and ``thread.run.queued`` (status ``queued``, not started), then
    ``thread.run.in_progress``; then each step in turn (:func:`step_events`). A
    ``message_creation`` step's message (found in ``messages`` by its ``message_id``) streams
    between the step's ``in_progress`` and its terminal event, as from the API; messages no step
    names follow the last step. Then the run event for ``run.status``
    (``thread.run.requires_action``, ``thread.run.completed``, ... with ``run`` as data; none for
    a ``queued`` or ``in_progress`` run) and ``done`` (data ``[DONE]``).

    Args:
        run: the final run.
        steps: its final steps, in the order they ran.
        messages: the final messages its steps created.
        rng: the source of every random choice; the same state gives the same events.
        max_fragment: as for :func:`step_events`.
        interleave: as for :func:`step_events`.
        out_of_order: as for :func:`step_events` and :func:`message_events`.
        include_terminal: end each step and message with its terminal event (the run's own
            terminal event and ``done`` are always sent).

    Returns:
        The events, ready for :func:`encode` or :func:`streamkit.parse_event`.

    Raises:
        ValueError: ``max_fragment`` is less than 1.
    """
    _check_max_fragment(max_fragment)
    queued = _opening_run(run, "queued", None)
    events = [
        _event("thread.run.created", queued),
        _event("thread.run.queued", queued),
        _event("thread.run.in_progress", _opening_run(run, "in_progress", run.started_at)),
    ]
    by_id = {message.id: message for message in messages}
    streamed: set[str] = set()

    def add_message(message: Message) -> None:
        streamed.add(message.id)
        body, terminal = _message_parts(message, rng, max_fragment, out_of_order)
        events.extend(body)
        if include_terminal and terminal is not None:
            events.append(terminal)

    for step in steps:
        body, terminal = _step_parts(step, rng, max_fragment, interleave, out_of_order)
        events.extend(body)
        details = step.step_details
        if isinstance(details, MessageCreationStepDetails):
            message = by_id.get(details.message_creation.message_id)
            if message is not None and message.id not in streamed:
                add_message(message)
        if include_terminal and terminal is not None:
            events.append(terminal)
    for message in messages:
        if message.id not in streamed:
            add_message(message)
    name = _RUN_TERMINAL.get(run.status)
    if name is not None:
        events.append(_event(name, to_dict(run)))
    events.append(ServerSentEvent(event="done", data="[DONE]"))
    return events


def encode(events: Iterable[ServerSentEvent]) -> bytes:
    """The SSE wire bytes of ``events``: ``event: X\\ndata: Y\\n\\n`` each, UTF-8.

    Data with line feeds becomes several ``data:`` lines (the decoder joins them back). An
    event's ``id`` and ``retry``, when set, are written too; since the decoder's ``id`` is
    sticky, only streams whose ids are consistent decode back unchanged. Data containing a
    carriage return does not round-trip (SSE reads it as a line end).

    Args:
        events: the events, e.g. from :func:`run_events`.

    Returns:
        The bytes a server would send, for :class:`streamkit.SSEDecoder`.
    """
    lines: list[str] = []
    for event in events:
        lines.append(f"event: {event.event}\n")
        if event.id is not None:
            lines.append(f"id: {event.id}\n")
        if event.retry is not None:
            lines.append(f"retry: {event.retry}\n")
        lines.extend(f"data: {line}\n" for line in event.data.split("\n"))
        lines.append("\n")
    return "".join(lines).encode("utf-8")


def split_points(data: bytes, rng: random.Random, n: int) -> list[bytes]:
    """Cut ``data`` into ``n + 1`` reads at random points, as a socket might deliver it.

    The points fall anywhere, inside lines and inside multi-byte UTF-8 characters. They are
    distinct when ``data`` is long enough (every read non-empty); otherwise some reads are empty.

    Args:
        data: the bytes, e.g. from :func:`encode`.
        rng: the source of the cut points.
        n: how many cuts (at least 0).

    Returns:
        ``n + 1`` byte strings whose concatenation is ``data``.

    Raises:
        ValueError: ``n`` is negative.
    """
    if n < 0:
        msg = f"n must be at least 0, not {n}"
        raise ValueError(msg)
    if n <= len(data) - 1:
        cuts = sorted(rng.sample(range(1, len(data)), n))
    else:
        cuts = sorted(rng.choices(range(len(data) + 1), k=n))
    bounds = [0, *cuts, len(data)]
    return [data[bounds[i] : bounds[i + 1]] for i in range(n + 1)]


# --- Example final objects ------------------------------------------------------

_THREAD_ID = "thread_sk7Example0000000000"
_RUN_ID = "run_sk7Example000000000000"
_ASSISTANT_ID = "asst_sk7Example00000000000"
_CREATED_AT = 1_735_732_800  # 2025-01-01T12:00:00Z
_MODEL = "gpt-4o"
_ID_ALPHABET = string.ascii_letters + string.digits

_PLOT_INPUT = """\
import numpy as np
import matplotlib.pyplot as plt

x = np.linspace(0, 2 * np.pi, 200)
y = np.sin(x)
print(f"points: {len(x)}, max: {y.max():.3f}, min: {y.min():.3f}")

fig, ax = plt.subplots(figsize=(6, 3))
ax.plot(x, y, label="sin(x)")
ax.set_title("One period of sin(x)")
ax.legend()
fig.savefig("/mnt/data/sine.png")
print("saved /mnt/data/sine.png")
"""

_EXAMPLE_CALLS = (
    (
        "call_sk7Weather0000000000",
        "get_weather",
        {"location": "Paris, France", "unit": "celsius"},
        {"temperature": 18, "conditions": "light rain", "humidity": 0.82},
    ),
    (
        "call_sk7LocalTime00000000",
        "get_local_time",
        {"timezone": "Europe/Paris"},
        {"time": "2025-01-01T13:00:00+01:00"},
    ),
    (
        "call_sk7Flights0000000000",
        "search_flights",
        {"origin": "CDG", "destination": "JFK", "date": "2025-03-14", "passengers": 2},
        {"flights": [{"number": "AF 006", "departs": "10:30"}, {"number": "DL 263"}]},
    ),
)


def _step(
    step_id: str,
    details: MessageCreationStepDetails | ToolCallsStepDetails,
    *,
    status: str,
    run_id: str,
    thread_id: str,
    assistant_id: str,
    created_at: int,
    usage: RunStepUsage | None,
) -> RunStep:
    done = status == "completed"
    return RunStep(
        id=step_id,
        created_at=created_at,
        assistant_id=assistant_id,
        thread_id=thread_id,
        run_id=run_id,
        type=details.type,
        status="completed" if done else "in_progress",
        step_details=details,
        completed_at=created_at + 3 if done else None,
        metadata={},
        usage=usage if done else None,
    )


def example_code_interpreter_step(
    *,
    step_id: str = "step_sk7CodeInterpreter000",
    run_id: str = _RUN_ID,
    thread_id: str = _THREAD_ID,
    assistant_id: str = _ASSISTANT_ID,
    created_at: int = _CREATED_AT + 2,
) -> RunStep:
    """A completed step with one code-interpreter call that plots a sine wave.

    Its input is a multi-line Python script; its outputs are logs, an image and more logs.

    Args:
        step_id: the step's id.
        run_id: the id of its run.
        thread_id: the id of its thread.
        assistant_id: the id of its assistant.
        created_at: its creation time (Unix seconds); it completes 3 seconds later.

    Returns:
        The step.
    """
    call = CodeInterpreterToolCall(
        id="call_sk7CodePlot000000000",
        code_interpreter=CodeInterpreterToolCallCodeInterpreter(
            input=_PLOT_INPUT,
            outputs=(
                CodeInterpreterOutputLogs(logs="points: 200, max: 1.000, min: -1.000\n"),
                CodeInterpreterOutputImage(
                    image=CodeInterpreterOutputImageImage(file_id="file-sk7SinePlot0000000")
                ),
                CodeInterpreterOutputLogs(logs="saved /mnt/data/sine.png\n"),
            ),
        ),
    )
    return _step(
        step_id,
        ToolCallsStepDetails(tool_calls=(call,)),
        status="completed",
        run_id=run_id,
        thread_id=thread_id,
        assistant_id=assistant_id,
        created_at=created_at,
        usage=RunStepUsage(prompt_tokens=412, completion_tokens=131, total_tokens=543),
    )


def example_function_calls_step(
    *,
    calls: int = 3,
    with_outputs: bool = False,
    step_id: str = "step_sk7FunctionCalls0000",
    run_id: str = _RUN_ID,
    thread_id: str = _THREAD_ID,
    assistant_id: str = _ASSISTANT_ID,
    created_at: int = _CREATED_AT + 2,
) -> RunStep:
    """A step with parallel function calls whose arguments are JSON objects.

    Without outputs, the step is as a run leaves it when it stops for ``requires_action``:
    ``in_progress``, every ``output`` ``None`` (so :func:`step_events` sends no terminal event).
    With outputs, it is as the stream after ``submit_tool_outputs`` ends it: ``completed``, with
    usage and each call's JSON output.

    Args:
        calls: how many calls, 1 to 3 (``get_weather``, ``get_local_time``, ``search_flights``).
        with_outputs: the completed variant, outputs submitted.
        step_id: the step's id.
        run_id: the id of its run.
        thread_id: the id of its thread.
        assistant_id: the id of its assistant.
        created_at: its creation time (Unix seconds).

    Returns:
        The step.

    Raises:
        ValueError: ``calls`` is not 1, 2 or 3.
    """
    if not 1 <= calls <= len(_EXAMPLE_CALLS):
        msg = f"calls must be 1 to {len(_EXAMPLE_CALLS)}, not {calls}"
        raise ValueError(msg)
    tool_calls = tuple(
        FunctionToolCall(
            id=call_id,
            function=FunctionToolCallFunction(
                name=name,
                arguments=json.dumps(arguments),
                output=json.dumps(output) if with_outputs else None,
            ),
        )
        for call_id, name, arguments, output in _EXAMPLE_CALLS[:calls]
    )
    return _step(
        step_id,
        ToolCallsStepDetails(tool_calls=tool_calls),
        status="completed" if with_outputs else "in_progress",
        run_id=run_id,
        thread_id=thread_id,
        assistant_id=assistant_id,
        created_at=created_at,
        usage=RunStepUsage(prompt_tokens=268, completion_tokens=87, total_tokens=355),
    )


def example_file_search_step(
    *,
    step_id: str = "step_sk7FileSearch0000000",
    run_id: str = _RUN_ID,
    thread_id: str = _THREAD_ID,
    assistant_id: str = _ASSISTANT_ID,
    created_at: int = _CREATED_AT + 2,
) -> RunStep:
    """A completed step with one file-search call: ranking options and two results with content.

    Args:
        step_id: the step's id.
        run_id: the id of its run.
        thread_id: the id of its thread.
        assistant_id: the id of its assistant.
        created_at: its creation time (Unix seconds); it completes 3 seconds later.

    Returns:
        The step.
    """
    call = FileSearchToolCall(
        id="call_sk7FileSearch000000",
        file_search=FileSearchToolCallFileSearch(
            ranking_options=FileSearchToolCallRankingOptions(
                ranker="default_2024_08_21", score_threshold=0.0
            ),
            results=(
                FileSearchResult(
                    file_id="file-sk7Weather00000000",
                    file_name="weather.txt",
                    score=0.8125,
                    content=(
                        FileSearchResultContent(
                            text="Paris, 1 January: light rain, 18 °C, humidity 82 %."
                        ),
                    ),
                ),
                FileSearchResult(
                    file_id="file-sk7Travel000000000",
                    file_name="travel-notes.md",
                    score=0.40625,
                    content=(
                        FileSearchResultContent(text="# Travel notes\n- pack an umbrella\n"),
                        FileSearchResultContent(text="- CDG to JFK: 8 h 25 min"),
                    ),
                ),
            ),
        ),
    )
    return _step(
        step_id,
        ToolCallsStepDetails(tool_calls=(call,)),
        status="completed",
        run_id=run_id,
        thread_id=thread_id,
        assistant_id=assistant_id,
        created_at=created_at,
        usage=RunStepUsage(prompt_tokens=830, completion_tokens=20, total_tokens=850),
    )


_CITATION = "【4:0†weather.txt】"
_FILE_PATH = "sandbox:/mnt/data/sine.png"
_MESSAGE_TEXT = (
    f"It is 18 °C with light rain in Paris today{_CITATION}, so pack an umbrella. "
    f"The plot of one period of sin(x) is saved as [sine.png]({_FILE_PATH}); "
    "it is shown below — 200 points, peak 1.000."
)


def example_message(
    *,
    message_id: str = "msg_sk7Answer00000000000",
    run_id: str = _RUN_ID,
    thread_id: str = _THREAD_ID,
    assistant_id: str = _ASSISTANT_ID,
    created_at: int = _CREATED_AT + 6,
) -> Message:
    """A completed assistant message: text with two annotations, then an image.

    The text (with non-ASCII characters) has a ``file_citation`` annotation on a
    ``【4:0†weather.txt】`` marker and a ``file_path`` annotation on a ``sandbox:`` link; the
    second block is an ``image_file``.

    Args:
        message_id: the message's id.
        run_id: the id of its run.
        thread_id: the id of its thread.
        assistant_id: the id of its assistant.
        created_at: its creation time (Unix seconds); it completes 2 seconds later.

    Returns:
        The message.
    """
    cite = _MESSAGE_TEXT.index(_CITATION)
    path = _MESSAGE_TEXT.index(_FILE_PATH)
    text = Text(
        value=_MESSAGE_TEXT,
        annotations=(
            FileCitationAnnotation(
                text=_CITATION,
                file_citation=FileCitation(file_id="file-sk7Weather00000000"),
                start_index=cite,
                end_index=cite + len(_CITATION),
            ),
            FilePathAnnotation(
                text=_FILE_PATH,
                file_path=FilePath(file_id="file-sk7SinePlot0000000"),
                start_index=path,
                end_index=path + len(_FILE_PATH),
            ),
        ),
    )
    return Message(
        id=message_id,
        created_at=created_at,
        thread_id=thread_id,
        status="completed",
        completed_at=created_at + 2,
        role="assistant",
        content=(
            TextContentBlock(text=text),
            ImageFileContentBlock(image_file=ImageFile(file_id="file-sk7SinePlot0000000")),
        ),
        assistant_id=assistant_id,
        run_id=run_id,
        attachments=(),
        metadata={},
    )


def example_message_creation_step(
    message: Message,
    *,
    step_id: str = "step_sk7MessageCreation00",
    created_at: int | None = None,
) -> RunStep:
    """The completed ``message_creation`` step that created ``message``.

    Args:
        message: the message; the step takes its run, thread and assistant ids from it.
        step_id: the step's id.
        created_at: its creation time (Unix seconds); the message's by default.

    Returns:
        The step.
    """
    return _step(
        step_id,
        MessageCreationStepDetails(message_creation=MessageCreation(message_id=message.id)),
        status="completed",
        run_id=message.run_id or _RUN_ID,
        thread_id=message.thread_id,
        assistant_id=message.assistant_id or _ASSISTANT_ID,
        created_at=message.created_at if created_at is None else created_at,
        usage=RunStepUsage(prompt_tokens=1042, completion_tokens=64, total_tokens=1106),
    )


def example_run(
    *,
    status: RunStatus = "completed",
    required_calls: Sequence[ToolCall] = (),
    run_id: str = _RUN_ID,
    thread_id: str = _THREAD_ID,
    assistant_id: str = _ASSISTANT_ID,
    created_at: int = _CREATED_AT,
) -> Run:
    """A run with code interpreter, file search and three function tools, as it ends.

    Args:
        status: its final status. ``completed`` sets ``completed_at`` and usage;
            ``requires_action`` lists the function calls of ``required_calls`` (e.g. the calls
            of :func:`example_function_calls_step`) in ``required_action``; ``failed``,
            ``cancelled`` and ``expired`` set their timestamps.
        required_calls: the tool calls the run waits for, with ``requires_action``.
        run_id: the run's id.
        thread_id: the id of its thread.
        assistant_id: the id of its assistant.
        created_at: its creation time (Unix seconds).

    Returns:
        The run.
    """
    required_action = None
    if status == "requires_action":
        required_action = RequiredAction(
            submit_tool_outputs=RequiredActionSubmitToolOutputs(
                tool_calls=tuple(
                    RequiredActionFunctionToolCall(
                        id=call.id,
                        function=RequiredActionFunctionToolCallFunction(
                            name=call.function.name, arguments=call.function.arguments
                        ),
                    )
                    for call in required_calls
                    if isinstance(call, FunctionToolCall)
                )
            )
        )
    ended = created_at + 10
    open_run = status in ("queued", "in_progress", "requires_action", "cancelling")
    tools: tuple[AssistantTool, ...] = (
        CodeInterpreterTool(),
        FileSearchTool(),
        *(
            FunctionTool(function=FunctionDefinition(name=name, parameters={"type": "object"}))
            for _call_id, name, _arguments, _output in _EXAMPLE_CALLS
        ),
    )
    return Run(
        id=run_id,
        created_at=created_at,
        thread_id=thread_id,
        assistant_id=assistant_id,
        status=status,
        required_action=required_action,
        expires_at=created_at + 600 if open_run else None,
        started_at=None if status == "queued" else created_at + 1,
        cancelled_at=ended if status == "cancelled" else None,
        failed_at=ended if status == "failed" else None,
        completed_at=ended if status == "completed" else None,
        model=_MODEL,
        instructions="You are a helpful travel assistant.",
        tools=tools,
        metadata={},
        usage=None
        if open_run
        else RunUsage(prompt_tokens=2552, completion_tokens=302, total_tokens=2854),
        temperature=1.0,
        top_p=1.0,
        truncation_strategy=TruncationStrategy(type="auto"),
        tool_choice="auto",
        parallel_tool_calls=True,
        response_format="auto",
    )


# --- Hypothesis strategies ------------------------------------------------------


def final_steps() -> SearchStrategy[RunStep]:
    """Random final run steps, for property tests.

    Completed steps of every kind: ``tool_calls`` steps with 1-4 parallel calls (code
    interpreter with logs and image outputs, functions with JSON-ish or arbitrary arguments and
    an output or none, file search with or without ranking options, results and content) and
    ``message_creation`` steps. Texts are any Unicode, including empty.

    Returns:
        A Hypothesis strategy (Hypothesis is imported by this call).
    """
    from hypothesis import strategies as st

    ident = st.text(
        alphabet="abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789",
        min_size=1,
        max_size=24,
    )
    texts = st.text(max_size=80)
    file_ids = ident.map(lambda s: f"file-{s}")
    unit = st.floats(min_value=0.0, max_value=1.0, allow_nan=False)
    json_args = st.dictionaries(
        ident, st.one_of(st.integers(), st.text(max_size=20), st.booleans(), st.none()), max_size=4
    ).map(lambda d: json.dumps(d, ensure_ascii=False))

    @st.composite
    def code_interpreter(draw: st.DrawFn, call_id: str) -> ToolCall:
        outputs = draw(
            st.lists(
                st.one_of(
                    texts.map(lambda logs: CodeInterpreterOutputLogs(logs=logs)),
                    file_ids.map(
                        lambda f: CodeInterpreterOutputImage(
                            image=CodeInterpreterOutputImageImage(file_id=f)
                        )
                    ),
                ),
                max_size=4,
            )
        )
        code = CodeInterpreterToolCallCodeInterpreter(input=draw(texts), outputs=tuple(outputs))
        return CodeInterpreterToolCall(id=call_id, code_interpreter=code)

    @st.composite
    def function_call(draw: st.DrawFn, call_id: str) -> ToolCall:
        definition = FunctionToolCallFunction(
            name=draw(ident),
            arguments=draw(st.one_of(json_args, texts)),
            output=draw(st.none() | texts),
        )
        return FunctionToolCall(id=call_id, function=definition)

    @st.composite
    def file_search(draw: st.DrawFn, call_id: str) -> ToolCall:
        ranking = draw(
            st.none()
            | st.builds(
                FileSearchToolCallRankingOptions,
                ranker=st.sampled_from(["auto", "default_2024_08_21"]),
                score_threshold=unit,
            )
        )
        content = st.lists(texts.map(lambda t: FileSearchResultContent(text=t)), max_size=2)
        result = st.builds(
            FileSearchResult,
            file_id=file_ids,
            file_name=ident.map(lambda s: f"{s}.txt"),
            score=unit,
            content=st.none() | content.map(tuple),
        )
        results = draw(st.none() | st.lists(result, max_size=3).map(tuple))
        details = FileSearchToolCallFileSearch(ranking_options=ranking, results=results)
        return FileSearchToolCall(id=call_id, file_search=details)

    @st.composite
    def step(draw: st.DrawFn) -> RunStep:
        created_at = draw(st.integers(min_value=1_600_000_000, max_value=1_900_000_000))
        details: MessageCreationStepDetails | ToolCallsStepDetails
        if draw(st.integers(min_value=0, max_value=4)) == 0:
            message_id = "msg_" + draw(ident)
            details = MessageCreationStepDetails(
                message_creation=MessageCreation(message_id=message_id)
            )
        else:
            call_ids = draw(st.lists(ident, min_size=1, max_size=4, unique=True))
            kinds = st.sampled_from([code_interpreter, function_call, file_search])
            calls = [draw(draw(kinds)(f"call_{c}")) for c in call_ids]
            details = ToolCallsStepDetails(tool_calls=tuple(calls))
        tokens = draw(st.tuples(st.integers(0, 5000), st.integers(0, 5000)))
        return _step(
            "step_" + draw(ident),
            details,
            status="completed",
            run_id="run_" + draw(ident),
            thread_id="thread_" + draw(ident),
            assistant_id="asst_" + draw(ident),
            created_at=created_at,
            usage=RunStepUsage(
                prompt_tokens=tokens[0], completion_tokens=tokens[1], total_tokens=sum(tokens)
            ),
        )

    strategy: SearchStrategy[RunStep] = step()
    return strategy


def final_messages() -> SearchStrategy[Message]:
    """Random final messages, for property tests.

    Completed assistant messages of 1-4 content blocks: text (any Unicode, with 0-3
    ``file_citation`` / ``file_path`` annotations whose offsets lie inside the text and whose
    ``text`` is the span they cover), ``image_file``, ``image_url`` and ``refusal``.

    Returns:
        A Hypothesis strategy (Hypothesis is imported by this call).
    """
    from hypothesis import strategies as st

    ident = st.text(
        alphabet="abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789",
        min_size=1,
        max_size=24,
    )
    file_ids = ident.map(lambda s: f"file-{s}")
    details = st.none() | st.sampled_from(["auto", "low", "high"])

    @st.composite
    def text_block(draw: st.DrawFn) -> MessageContent:
        value = draw(st.text(max_size=120))
        annotations: list[FileCitationAnnotation | FilePathAnnotation] = []
        for _ in range(draw(st.integers(min_value=0, max_value=3))):
            start = draw(st.integers(min_value=0, max_value=len(value)))
            end = draw(st.integers(min_value=start, max_value=len(value)))
            file_id = draw(file_ids)
            if draw(st.booleans()):
                annotations.append(
                    FileCitationAnnotation(
                        text=value[start:end],
                        file_citation=FileCitation(file_id=file_id),
                        start_index=start,
                        end_index=end,
                    )
                )
            else:
                annotations.append(
                    FilePathAnnotation(
                        text=value[start:end],
                        file_path=FilePath(file_id=file_id),
                        start_index=start,
                        end_index=end,
                    )
                )
        annotations.sort(key=lambda a: a.start_index)
        return TextContentBlock(text=Text(value=value, annotations=tuple(annotations)))

    image_file = st.builds(
        lambda f, d: ImageFileContentBlock(image_file=ImageFile(file_id=f, detail=d)),
        file_ids,
        details,
    )
    image_url = st.builds(
        lambda u, d: ImageURLContentBlock(image_url=ImageURL(url=u, detail=d)),
        ident.map(lambda s: f"https://example.com/{s}.png"),
        details,
    )
    refusal = st.text(max_size=80).map(lambda r: RefusalContentBlock(refusal=r))
    block: SearchStrategy[MessageContent] = st.one_of(text_block(), image_file, image_url, refusal)

    @st.composite
    def message(draw: st.DrawFn) -> Message:
        created_at = draw(st.integers(min_value=1_600_000_000, max_value=1_900_000_000))
        return Message(
            id="msg_" + draw(ident),
            created_at=created_at,
            thread_id="thread_" + draw(ident),
            status="completed",
            completed_at=created_at + draw(st.integers(min_value=0, max_value=60)),
            role="assistant",
            content=tuple(draw(st.lists(block, min_size=1, max_size=4))),
            assistant_id="asst_" + draw(ident),
            run_id="run_" + draw(ident),
            attachments=(),
            metadata={},
        )

    strategy: SearchStrategy[Message] = message()
    return strategy
