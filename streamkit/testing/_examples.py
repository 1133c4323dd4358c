"""Example final objects: a realistic run of a travel assistant, for the stream builders.

Every id, timestamp and text is fixed, so the same call gives the same object (and, with the same
random seed, the same stream): a code-interpreter step plotting a sine wave, parallel function
calls, a file-search step, an answer citing a file, and the run they belong to.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Literal

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
    Message,
    MessageCreation,
    MessageCreationStepDetails,
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

__all__ = [
    "EXAMPLE_CODE_INPUT",
    "EXAMPLE_MESSAGE_TEXT",
    "example_code_interpreter_step",
    "example_file_search_step",
    "example_function_calls_step",
    "example_message",
    "example_message_creation_step",
    "example_run",
    "example_step",
]

_THREAD_ID = "thread_sk7Example0000000000"
_RUN_ID = "run_sk7Example000000000000"
_ASSISTANT_ID = "asst_sk7Example00000000000"
_CREATED_AT = 1_735_732_800  # 2025-01-01T12:00:00Z
_MODEL = "gpt-4o"

#: The code of :func:`example_code_interpreter_step` (a multi-line Python script).
EXAMPLE_CODE_INPUT = """\
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


def example_step(
    step_id: str,
    details: MessageCreationStepDetails | ToolCallsStepDetails,
    *,
    status: Literal["completed", "in_progress"] = "completed",
    run_id: str = _RUN_ID,
    thread_id: str = _THREAD_ID,
    assistant_id: str = _ASSISTANT_ID,
    created_at: int = _CREATED_AT + 2,
    usage: RunStepUsage | None = None,
) -> RunStep:
    """A step with ``details``: the ``RunStep`` around any tool calls or message creation.

    Args:
        step_id: the step's id.
        details: its ``step_details``; the step's ``type`` is theirs.
        status: ``completed`` (it completes 3 seconds after ``created_at``, with ``usage``) or
            ``in_progress`` (no ``completed_at``, no usage: a step its run left open).
        run_id: the id of its run.
        thread_id: the id of its thread.
        assistant_id: the id of its assistant.
        created_at: its creation time (Unix seconds).
        usage: its token usage, once completed.

    Returns:
        The step.
    """
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
            input=EXAMPLE_CODE_INPUT,
            outputs=(
                CodeInterpreterOutputLogs(logs="points: 200, max: 1.000, min: -1.000\n"),
                CodeInterpreterOutputImage(
                    image=CodeInterpreterOutputImageImage(file_id="file-sk7SinePlot0000000")
                ),
                CodeInterpreterOutputLogs(logs="saved /mnt/data/sine.png\n"),
            ),
        ),
    )
    return example_step(
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
    return example_step(
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
    return example_step(
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
#: The text of :func:`example_message` (non-ASCII, a citation marker and a ``sandbox:`` link).
EXAMPLE_MESSAGE_TEXT = (
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
    cite = EXAMPLE_MESSAGE_TEXT.index(_CITATION)
    path = EXAMPLE_MESSAGE_TEXT.index(_FILE_PATH)
    text = Text(
        value=EXAMPLE_MESSAGE_TEXT,
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
    return example_step(
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
