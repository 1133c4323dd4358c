"""The wire-level pieces every stream builder shares: JSON text, events, whole objects, SSE bytes.

The stream builders (:mod:`streamkit.testing`), the hand-written events of the accumulator tests,
the benchmarks' byte streams and the mock server all make their events with these. Nothing here
needs the models or the converter: stdlib and :mod:`streamkit.sse` only.
"""

from __future__ import annotations

import json
import random
import string
from collections.abc import Iterable, Sequence
from typing import Any, TypeVar

from streamkit.sse import ServerSentEvent

__all__ = [
    "DONE",
    "dumps",
    "encode",
    "event",
    "intro_order",
    "message_delta",
    "message_object",
    "random_id",
    "run_object",
    "split_points",
    "step_delta",
    "step_object",
    "weave",
]

#: The ``done`` event that ends every run stream.
DONE = ServerSentEvent(event="done", data="[DONE]")

# The characters of the random part of ids (``run_`` + 24 of these, as in the API).
_ID_ALPHABET = string.ascii_letters + string.digits


def dumps(value: Any, *, ensure_ascii: bool = False) -> str:
    """``value`` as compact JSON text, as the API sends it (raw UTF-8 unless ``ensure_ascii``)."""
    return json.dumps(value, ensure_ascii=ensure_ascii, separators=(",", ":"))


def event(name: str, data: Any, *, ensure_ascii: bool = False) -> ServerSentEvent:
    """The event ``name`` whose data is ``data`` as compact JSON (see :func:`dumps`)."""
    return ServerSentEvent(event=name, data=dumps(data, ensure_ascii=ensure_ascii))


def random_id(rng: random.Random, prefix: str, length: int = 24) -> str:
    """An API-style id: ``prefix`` and ``length`` letters and digits drawn from ``rng``."""
    return prefix + "".join(rng.choices(_ID_ALPHABET, k=length))


# --- Delta envelopes --------------------------------------------------------------------------


def step_delta(step_id: str, tool_calls: Sequence[Any]) -> dict[str, Any]:
    """The data of a ``thread.run.step.delta`` whose ``step_details.tool_calls`` is ``tool_calls``.

    Args:
        step_id: the id of the step the delta belongs to.
        tool_calls: the delta entries (each with its ``index``).

    Returns:
        ``{"id", "object": "thread.run.step.delta", "delta": {"step_details": {"type":
        "tool_calls", "tool_calls": [...]}}}``.
    """
    return {
        "id": step_id,
        "object": "thread.run.step.delta",
        "delta": {"step_details": {"type": "tool_calls", "tool_calls": list(tool_calls)}},
    }


def message_delta(message_id: str, content: Sequence[Any]) -> dict[str, Any]:
    """The data of a ``thread.message.delta`` whose ``delta.content`` is ``content``.

    Args:
        message_id: the id of the message the delta belongs to.
        content: the delta entries (each with its ``index``).

    Returns:
        ``{"id", "object": "thread.message.delta", "delta": {"content": [...]}}``.
    """
    return {"id": message_id, "object": "thread.message.delta", "delta": {"content": list(content)}}


# --- Whole objects ------------------------------------------------------------------------------
# Every key the API sends, in the API's order (as in the bundled recordings); `fields` replace the
# value of a key or add keys at the end.


def run_object(
    run_id: str,
    status: str,
    *,
    thread_id: str,
    assistant_id: str,
    created_at: int,
    **fields: Any,
) -> dict[str, Any]:
    """A whole Run as wire JSON: not started, no tools, ``gpt-4o``, expiring in 10 minutes.

    Args:
        run_id: its id.
        status: its status (nothing else follows from it: set timestamps in ``fields``).
        thread_id: the id of its thread.
        assistant_id: the id of its assistant.
        created_at: its creation time (Unix seconds); ``expires_at`` is 600 seconds later.
        **fields: values for other keys (``started_at=...``, ``usage=...``), or extra keys.

    Returns:
        The run's dict.
    """
    run: dict[str, Any] = {
        "id": run_id,
        "object": "thread.run",
        "created_at": created_at,
        "assistant_id": assistant_id,
        "thread_id": thread_id,
        "status": status,
        "started_at": None,
        "expires_at": created_at + 600,
        "cancelled_at": None,
        "failed_at": None,
        "completed_at": None,
        "required_action": None,
        "last_error": None,
        "model": "gpt-4o",
        "instructions": None,
        "tools": [],
        "tool_resources": {"code_interpreter": {"file_ids": []}},
        "metadata": {},
        "temperature": 1.0,
        "top_p": 1.0,
        "reasoning_effort": None,
        "max_completion_tokens": None,
        "max_prompt_tokens": None,
        "truncation_strategy": {"type": "auto", "last_messages": None},
        "incomplete_details": None,
        "usage": None,
        "response_format": "auto",
        "tool_choice": "auto",
        "parallel_tool_calls": True,
    }
    run.update(fields)
    return run


def step_object(
    step_id: str,
    step_details: dict[str, Any],
    *,
    status: str = "in_progress",
    run_id: str,
    thread_id: str,
    assistant_id: str,
    created_at: int,
    expires_at: int | None = None,
    **fields: Any,
) -> dict[str, Any]:
    """A whole RunStep as wire JSON; its ``type`` is that of ``step_details``.

    Args:
        step_id: its id.
        step_details: ``{"type": "tool_calls", "tool_calls": [...]}`` (whole calls, no
            ``index``) or ``{"type": "message_creation", "message_creation": {...}}``.
        status: its status.
        run_id: the id of its run.
        thread_id: the id of its thread.
        assistant_id: the id of its assistant.
        created_at: its creation time (Unix seconds).
        expires_at: its ``expires_at`` (the run's, while it is open).
        **fields: values for other keys (``completed_at=...``, ``usage=...``), or extra keys.

    Returns:
        The step's dict.
    """
    step: dict[str, Any] = {
        "id": step_id,
        "object": "thread.run.step",
        "created_at": created_at,
        "run_id": run_id,
        "assistant_id": assistant_id,
        "thread_id": thread_id,
        "type": step_details["type"],
        "status": status,
        "cancelled_at": None,
        "completed_at": None,
        "expires_at": expires_at,
        "failed_at": None,
        "last_error": None,
        "step_details": step_details,
        "usage": None,
    }
    step.update(fields)
    return step


def message_object(
    message_id: str,
    *,
    status: str = "in_progress",
    content: Sequence[Any] = (),
    thread_id: str,
    assistant_id: str | None,
    run_id: str | None,
    created_at: int,
    completed_at: int | None = None,
    **fields: Any,
) -> dict[str, Any]:
    """A whole assistant Message as wire JSON.

    Args:
        message_id: its id.
        status: its status.
        content: its content blocks, whole (no ``index``).
        thread_id: the id of its thread.
        assistant_id: the id of its assistant.
        run_id: the id of its run.
        created_at: its creation time (Unix seconds).
        completed_at: its completion time, once completed.
        **fields: values for other keys (``incomplete_details=...``), or extra keys.

    Returns:
        The message's dict.
    """
    message: dict[str, Any] = {
        "id": message_id,
        "object": "thread.message",
        "created_at": created_at,
        "assistant_id": assistant_id,
        "thread_id": thread_id,
        "run_id": run_id,
        "status": status,
        "incomplete_details": None,
        "incomplete_at": None,
        "completed_at": completed_at,
        "role": "assistant",
        "content": list(content),
        "attachments": [],
        "metadata": {},
    }
    message.update(fields)
    return message


# --- Bytes ----------------------------------------------------------------------------------------


def encode(events: Iterable[ServerSentEvent]) -> bytes:
    """The SSE wire bytes of ``events``: ``event: X\\ndata: Y\\n\\n`` each, UTF-8.

    Data with line feeds becomes several ``data:`` lines (the decoder joins them back). An
    event's ``id`` and ``retry``, when set, are written too; since the decoder's ``id`` is
    sticky, only streams whose ids are consistent decode back unchanged. Data containing a
    carriage return does not round-trip (SSE reads it as a line end).

    Args:
        events: the events, e.g. from :func:`streamkit.testing.run_events`.

    Returns:
        The bytes a server would send, for :class:`streamkit.SSEDecoder`.
    """
    lines: list[str] = []
    for sse in events:
        lines.append(f"event: {sse.event}\n")
        if sse.id is not None:
            lines.append(f"id: {sse.id}\n")
        if sse.retry is not None:
            lines.append(f"retry: {sse.retry}\n")
        lines.extend(f"data: {line}\n" for line in sse.data.split("\n"))
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


_T = TypeVar("_T")


def intro_order(count: int, rng: random.Random, out_of_order: bool) -> list[int]:
    """The order in which ``count`` sequences are introduced: as given, or shuffled."""
    introduced = list(range(count))
    if out_of_order:
        rng.shuffle(introduced)
    return introduced


def weave(
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
