"""A run that calls one function of yours: the stream up to ``requires_action``, and the rest.

:func:`function_call_events` builds the two streams a server sends for a run that calls a
function: the first ends in ``thread.run.requires_action`` asking for that call, the second
(after ``submit_tool_outputs``) completes the call's step, then the run, with a text answer.
"""

from __future__ import annotations

import json
import random
from collections.abc import Mapping
from typing import Any

import attrs

from streamkit._engine.convert import to_dict
from streamkit.models import (
    FunctionDefinition,
    FunctionTool,
    FunctionToolCall,
    FunctionToolCallFunction,
    Message,
    RunStep,
    RunStepUsage,
    Text,
    TextContentBlock,
    ToolCallsStepDetails,
)
from streamkit.sse import ServerSentEvent
from streamkit.testing._builders import run_events
from streamkit.testing._examples import example_message_creation_step, example_run, example_step
from streamkit.testing._wire import event, random_id

__all__ = ["FUNCTION_CALL_ANSWER", "function_call_events"]

#: The answer of :func:`function_call_events` when none is given.
FUNCTION_CALL_ANSWER = "Done: the function returned its result."

# 2025-01-01T12:00:00Z, as the other examples.
_CREATED_AT = 1_735_732_800


def function_call_events(
    name: str,
    arguments: str | Mapping[str, Any] = "{}",
    *,
    rng: random.Random,
    answer: str = FUNCTION_CALL_ANSWER,
    output: str = "",
    created_at: int = _CREATED_AT,
    max_fragment: int = 12,
) -> tuple[list[ServerSentEvent], list[ServerSentEvent]]:
    """The two streams of a run that calls the function ``name`` with ``arguments``.

    The first stream is a new run (``thread.run.created`` ... ``thread.run.requires_action``,
    ``done``) whose one ``tool_calls`` step streams the call, arguments in fragments, and whose
    ``required_action`` asks for its output. The second is what ``submit_tool_outputs`` streams:
    the step ``completed`` with ``output``, the run ``queued`` and ``in_progress`` again, a
    ``message_creation`` step streaming ``answer``, ``thread.run.completed`` and ``done``. Both
    share the run, thread, assistant and call ids, drawn from ``rng``.

    Args:
        name: the function's name.
        arguments: its arguments: JSON text as the API sends it, or a mapping (dumped to JSON).
        rng: the source of the ids and of every random choice of the fragments.
        answer: the text of the assistant's message in the second stream.
        output: the call's output in the second stream's completed step.
        created_at: the run's creation time (Unix seconds); the rest follows within seconds.
        max_fragment: the longest fragment of a streamed text (see
            :func:`~streamkit.testing.step_events`).

    Returns:
        The events of the stream up to ``requires_action``, and of the continuation; ready for
        :func:`~streamkit.testing.encode`.

    Raises:
        ValueError: ``max_fragment`` is less than 1.
    """
    text = arguments if isinstance(arguments, str) else json.dumps(dict(arguments))
    run_id = random_id(rng, "run_")
    thread_id = random_id(rng, "thread_")
    assistant_id = random_id(rng, "asst_")
    step_id, call_id, message_id = (
        random_id(rng, "step_"),
        random_id(rng, "call_"),
        random_id(rng, "msg_"),
    )
    tools = (FunctionTool(function=FunctionDefinition(name=name, parameters={"type": "object"})),)

    def call(call_output: str | None) -> ToolCallsStepDetails:
        function = FunctionToolCallFunction(name=name, arguments=text, output=call_output)
        return ToolCallsStepDetails(tool_calls=(FunctionToolCall(id=call_id, function=function),))

    def step(details: ToolCallsStepDetails, *, done: bool) -> RunStep:
        return example_step(
            step_id,
            details,
            status="completed" if done else "in_progress",
            run_id=run_id,
            thread_id=thread_id,
            assistant_id=assistant_id,
            created_at=created_at + 1,
            usage=RunStepUsage(prompt_tokens=120, completion_tokens=18, total_tokens=138),
        )

    waiting_details = call(None)
    waiting, called = step(waiting_details, done=False), step(call(output), done=True)
    requires_action = attrs.evolve(
        example_run(
            status="requires_action",
            required_calls=waiting_details.tool_calls,
            created_at=created_at,
            run_id=run_id,
            thread_id=thread_id,
            assistant_id=assistant_id,
        ),
        tools=tools,
        instructions=None,
    )
    message = Message(
        id=message_id,
        created_at=created_at + 5,
        thread_id=thread_id,
        status="completed",
        completed_at=created_at + 6,
        role="assistant",
        content=(TextContentBlock(text=Text(value=answer, annotations=())),),
        assistant_id=assistant_id,
        run_id=run_id,
        attachments=(),
        metadata={},
    )
    message_step = example_message_creation_step(
        message, step_id=random_id(rng, "step_"), created_at=created_at + 5
    )
    completed = attrs.evolve(
        example_run(
            status="completed",
            created_at=created_at,
            run_id=run_id,
            thread_id=thread_id,
            assistant_id=assistant_id,
        ),
        tools=tools,
        instructions=None,
    )
    first = run_events(requires_action, [waiting], [], rng=rng, max_fragment=max_fragment)
    rest = run_events(completed, [message_step], [message], rng=rng, max_fragment=max_fragment)
    # The continuation starts by completing the call's step; the run is not created again.
    second = [
        event("thread.run.step.completed", to_dict(called)),
        *(e for e in rest if e.event != "thread.run.created"),
    ]
    return first, second
