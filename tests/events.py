"""Builders of Assistants run-stream events for accumulator tests.

Each builder returns a :class:`streamkit.ServerSentEvent` whose ``data`` is the
JSON the API sends (objects shaped like the bundled recordings); the ``*_obj``
functions return the bare payload dicts, so tests can compare snapshots with
``streamkit.to_dict`` against exactly what was sent.

The objects, envelopes and events are those of :mod:`streamkit.testing`; what
is this module's own is the fixed ids and times the cases compare against and
the delta entries written out by hand (a function head, a text piece).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from streamkit import ServerSentEvent, testing
from streamkit.testing import event

__all__ = [
    "done",
    "error_event",
    "event",
    "fn_args",
    "fn_head",
    "message_completed",
    "message_created",
    "message_delta",
    "message_event",
    "message_obj",
    "run_event",
    "run_obj",
    "step_completed",
    "step_created",
    "step_delta",
    "step_event",
    "step_obj",
    "text_block",
    "text_piece",
    "thread_created",
]

THREAD = "thread_1"
ASSISTANT = "asst_1"
CREATED_AT = 1_700_000_000

Json = dict[str, Any]


def done() -> ServerSentEvent:
    """The ``done`` event that ends a stream."""
    return testing.DONE


def thread_created(thread_id: str = THREAD) -> ServerSentEvent:
    """``thread.created``."""
    return event(
        "thread.created",
        {
            "id": thread_id,
            "object": "thread",
            "created_at": CREATED_AT,
            "metadata": {},
            "tool_resources": {"code_interpreter": {"file_ids": []}},
        },
    )


# --- Runs --------------------------------------------------------------------


def run_obj(status: str, run_id: str = "run_1", **overrides: Any) -> Json:
    """A whole Run object in ``status``."""
    fields: Json = {
        "thread_id": THREAD,
        "assistant_id": ASSISTANT,
        "created_at": CREATED_AT,
        "expires_at": CREATED_AT + 600,
        **overrides,
    }
    return testing.run_object(run_id, status, **fields)


def run_event(
    name: str, status: str | None = None, run_id: str = "run_1", **overrides: Any
) -> ServerSentEvent:
    """``thread.run.<name>``; the status defaults to the one the event name implies."""
    if status is None:
        status = "queued" if name == "created" else name
    return event(f"thread.run.{name}", run_obj(status, run_id, **overrides))


# --- Run steps ---------------------------------------------------------------


def step_obj(
    step_id: str,
    run_id: str = "run_1",
    type: str = "tool_calls",
    status: str = "in_progress",
    tool_calls: Sequence[Json] = (),
    message_id: str = "msg_1",
    **overrides: Any,
) -> Json:
    """A whole RunStep object (``tool_calls`` are whole tool-call objects, no ``index``)."""
    details: Json
    if type == "tool_calls":
        details = {"type": "tool_calls", "tool_calls": list(tool_calls)}
    else:
        details = {"type": "message_creation", "message_creation": {"message_id": message_id}}
    fields: Json = {
        "status": status,
        "run_id": run_id,
        "thread_id": THREAD,
        "assistant_id": ASSISTANT,
        "created_at": CREATED_AT + 1,
        "expires_at": CREATED_AT + 600,
        **overrides,
    }
    return testing.step_object(step_id, details, **fields)


def step_event(name: str, step: Json) -> ServerSentEvent:
    """``thread.run.step.<name>`` carrying the whole step ``step``."""
    return event(f"thread.run.step.{name}", step)


def step_created(
    step_id: str,
    run_id: str = "run_1",
    type: str = "tool_calls",
    **fields: Any,
) -> ServerSentEvent:
    """``thread.run.step.created`` for a fresh ``in_progress`` step."""
    return step_event("created", step_obj(step_id, run_id, type, **fields))


def step_completed(
    step_id: str,
    tool_calls: Sequence[Json] = (),
    run_id: str = "run_1",
    type: str = "tool_calls",
    **fields: Any,
) -> ServerSentEvent:
    """``thread.run.step.completed``: status, ``completed_at`` and ``usage`` filled."""
    fields.setdefault("completed_at", CREATED_AT + 5)
    fields.setdefault("usage", {"prompt_tokens": 10, "completion_tokens": 5, "total_tokens": 15})
    step = step_obj(step_id, run_id, type, status="completed", tool_calls=tool_calls, **fields)
    return step_event("completed", step)


def step_delta(step_id: str, tool_calls: Sequence[Any]) -> ServerSentEvent:
    """``thread.run.step.delta`` whose ``delta.step_details.tool_calls`` is ``tool_calls``."""
    return event("thread.run.step.delta", testing.step_delta(step_id, tool_calls))


def fn_head(index: int, call_id: str, name: str = "fn", arguments: str = "") -> Json:
    """The first delta entry of a function call, as the API sends it."""
    return {
        "index": index,
        "id": call_id,
        "type": "function",
        "function": {"name": name, "arguments": arguments, "output": None},
    }


def fn_args(index: int, arguments: str) -> Json:
    """A later delta entry of a function call: an arguments fragment."""
    return {"index": index, "type": "function", "function": {"arguments": arguments}}


# --- Messages ----------------------------------------------------------------


def message_obj(
    msg_id: str,
    status: str = "in_progress",
    content: Sequence[Json] = (),
    run_id: str = "run_1",
    **overrides: Any,
) -> Json:
    """A whole Message object (content blocks without ``index``)."""
    fields: Json = {
        "status": status,
        "content": content,
        "run_id": run_id,
        "thread_id": THREAD,
        "assistant_id": ASSISTANT,
        "created_at": CREATED_AT + 2,
        **overrides,
    }
    return testing.message_object(msg_id, **fields)


def message_event(name: str, message: Json) -> ServerSentEvent:
    """``thread.message.<name>`` carrying the whole message ``message``."""
    return event(f"thread.message.{name}", message)


def message_created(msg_id: str, run_id: str = "run_1", **fields: Any) -> ServerSentEvent:
    """``thread.message.created`` for an empty ``in_progress`` message."""
    return message_event("created", message_obj(msg_id, run_id=run_id, **fields))


def message_completed(
    msg_id: str, content: Sequence[Json], run_id: str = "run_1", **fields: Any
) -> ServerSentEvent:
    """``thread.message.completed`` with the whole ``content``."""
    fields.setdefault("completed_at", CREATED_AT + 4)
    message = message_obj(msg_id, "completed", content, run_id, **fields)
    return message_event("completed", message)


def message_delta(msg_id: str, content: Sequence[Any]) -> ServerSentEvent:
    """``thread.message.delta`` whose ``delta.content`` is ``content``."""
    return event("thread.message.delta", testing.message_delta(msg_id, content))


def text_piece(index: int, value: str, annotations: Sequence[Json] | None = None) -> Json:
    """A text content delta entry; ``annotations`` only when given (the API sends ``[]`` first)."""
    text: Json = {"value": value}
    if annotations is not None:
        text["annotations"] = list(annotations)
    return {"index": index, "type": "text", "text": text}


def text_block(value: str, annotations: Sequence[Json] = ()) -> Json:
    """A whole text content block, as in ``thread.message.completed``."""
    return {"type": "text", "text": {"value": value, "annotations": list(annotations)}}


def error_event(payload: Json) -> ServerSentEvent:
    """An ``error`` event with ``payload`` as its data."""
    return event("error", payload)
