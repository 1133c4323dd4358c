"""The stream builders: the events that stream a RunStep, a Message or a whole Run to its end.

What the streams look like (fragments, interleaving, out-of-order indexes, batches) is described
in :mod:`streamkit.testing`; the wire pieces they are made of (JSON text, delta envelopes, ``done``,
SSE bytes) come from :mod:`streamkit.testing._wire`, shared with the other builders of the project.
"""

from __future__ import annotations

import bisect
import random
from collections.abc import Sequence
from typing import Any, TypeVar

import attrs

from streamkit._engine.convert import to_dict
from streamkit.models import (
    CodeInterpreterOutputLogs,
    CodeInterpreterToolCall,
    FileSearchToolCall,
    FunctionToolCall,
    Message,
    MessageContent,
    MessageCreationStepDetails,
    RefusalContentBlock,
    Run,
    RunStep,
    TextContentBlock,
    ToolCall,
    ToolCallsStepDetails,
)
from streamkit.models.enums import RunStatus
from streamkit.sse import ServerSentEvent
from streamkit.testing._wire import DONE, event, intro_order, message_delta, step_delta, weave

__all__ = ["message_events", "run_events", "step_events"]

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
    order = intro_order(len(outputs), rng, out_of_order)
    for output_entry in weave(outputs, order, rng, interleave):
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
        event("thread.run.step.created", created),
        event("thread.run.step.in_progress", created),
    ]
    details = step.step_details
    if isinstance(details, ToolCallsStepDetails):
        calls = [
            _call_pieces(i, call, rng, max_fragment, interleave, out_of_order)
            for i, call in enumerate(details.tool_calls)
        ]
        order = intro_order(len(calls), rng, out_of_order)
        events.extend(
            event("thread.run.step.delta", step_delta(step.id, batch))
            for batch in _batches(weave(calls, order, rng, interleave), rng)
        )
    name = _STEP_TERMINAL.get(step.status)
    terminal = event(name, to_dict(step)) if name is not None else None
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
    :mod:`streamkit.testing`), then the terminal event for ``step.status`` (``completed``,
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
        The events, ready for :func:`~streamkit.testing.encode` or :func:`streamkit.parse_event`.

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
        event("thread.message.created", created),
        event("thread.message.in_progress", created),
    ]
    blocks = [
        _block_pieces(i, block, rng, max_fragment, out_of_order)
        for i, block in enumerate(message.content)
    ]
    order = intro_order(len(blocks), rng, out_of_order)
    # Blocks stream one after another, as from the API; only their order is shuffled.
    events.extend(
        event("thread.message.delta", message_delta(message.id, batch))
        for batch in _batches(weave(blocks, order, rng, interleave=False), rng)
    )
    name = _MESSAGE_TERMINAL.get(message.status)
    terminal = event(name, to_dict(message)) if name is not None else None
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
        The events, ready for :func:`~streamkit.testing.encode` or :func:`streamkit.parse_event`.

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
        The events, ready for :func:`~streamkit.testing.encode` or :func:`streamkit.parse_event`.

    Raises:
        ValueError: ``max_fragment`` is less than 1.
    """
    _check_max_fragment(max_fragment)
    queued = _opening_run(run, "queued", None)
    events = [
        event("thread.run.created", queued),
        event("thread.run.queued", queued),
        event("thread.run.in_progress", _opening_run(run, "in_progress", run.started_at)),
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
        events.append(event(name, to_dict(run)))
    events.append(DONE)
    return events
