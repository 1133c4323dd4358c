"""The typed request parameters of the Runs endpoints: TypedDicts and Literals.

The client's methods take these as ``**params: Unpack[...]``, so a type
checker knows every parameter's name and type while the body still carries
only the parameters given (a TypedDict is a plain dict at run time: nothing is
filled in, nothing is checked here; the API answers a bad value with a 400).

The shapes follow the API reference's ``CreateRunRequest``,
``CreateThreadAndRunRequest`` and the list endpoints' query parameters. Values
the reference types as nullable accept ``None``, which is sent as ``null``.
Nested objects the client only passes through (messages' content parts, JSON
schemas, tool resources) are ``Mapping[str, Any]``.

``tools`` is always the API's parameter: the tool definitions the model may
call. The streaming methods also take :class:`StreamOptions` -- the tool
loop's Python ``functions`` and how it and recovery behave -- which the
client keeps to itself (:func:`split_options`) and never sends.
"""

from __future__ import annotations

import typing
from collections.abc import Mapping, Sequence
from typing import Any, Final, Literal, TypeAlias

from typing_extensions import Required, TypedDict

from streamkit._engine.calls import split_params
from streamkit._engine.tools import (
    MAX_POLLS,
    MAX_TOOL_ROUNDS,
    POLL_DEADLINE,
    ToolErrors,
    ToolFunction,
    UnknownFunctions,
)

__all__ = [
    "FILE_SEARCH_CONTENT",
    "MAX_POLLS",
    "MAX_TOOL_ROUNDS",
    "POLL_DEADLINE",
    "STREAM_OPTIONS",
    "AssistantTool",
    "CodeInterpreterTool",
    "FileSearchTool",
    "FunctionDefinition",
    "FunctionTool",
    "MessageCreateParams",
    "NamedToolChoice",
    "Order",
    "ReasoningEffort",
    "ResponseFormat",
    "RunCreateParams",
    "RunListParams",
    "RunStepInclude",
    "RunStepListParams",
    "RunStreamParams",
    "StreamOptions",
    "ThreadCreateAndRunParams",
    "ThreadCreateAndRunStreamParams",
    "ThreadCreateParams",
    "ToolChoice",
    "ToolErrors",
    "ToolFunction",
    "TruncationStrategy",
    "UnknownFunctions",
    "split_options",
]

#: The query value that makes steps carry file-search result content.
FILE_SEARCH_CONTENT: Final = "step_details.tool_calls[*].file_search.results[*].content"
#: What a run step's ``include`` may ask for (the reference lists only this one).
RunStepInclude: TypeAlias = Literal["step_details.tool_calls[*].file_search.results[*].content"]
#: A list's sort order by ``created_at``.
Order: TypeAlias = Literal["asc", "desc"]
ReasoningEffort: TypeAlias = Literal["none", "minimal", "low", "medium", "high", "xhigh", "max"]


# --- Tools, tool choice, output format, truncation ----------------------------------


class CodeInterpreterTool(TypedDict):
    """``{"type": "code_interpreter"}``."""

    type: Literal["code_interpreter"]


class FileSearchTool(TypedDict, total=False):
    """``{"type": "file_search", "file_search": {...}}`` (max_num_results, ranking_options)."""

    type: Required[Literal["file_search"]]
    file_search: Mapping[str, Any]


class FunctionDefinition(TypedDict, total=False):
    """A function the model may call: its name, description and JSON-schema parameters."""

    name: Required[str]
    description: str
    parameters: Mapping[str, Any]
    strict: bool | None


class FunctionTool(TypedDict):
    """``{"type": "function", "function": {...}}``."""

    type: Literal["function"]
    function: FunctionDefinition


#: A tool definition, as the API's ``tools`` parameter lists them.
AssistantTool: TypeAlias = CodeInterpreterTool | FileSearchTool | FunctionTool


class NamedToolChoice(TypedDict, total=False):
    """Force one tool: ``{"type": "function", "function": {"name": "..."}}`` or a built-in."""

    type: Required[Literal["function", "code_interpreter", "file_search"]]
    function: Mapping[str, str]


ToolChoice: TypeAlias = Literal["none", "auto", "required"] | NamedToolChoice
#: ``"auto"``, or ``{"type": "text" | "json_object" | "json_schema", ...}``.
ResponseFormat: TypeAlias = Literal["auto"] | Mapping[str, Any]


class TruncationStrategy(TypedDict, total=False):
    """How the thread is truncated before the run: ``auto`` or the ``last_messages``."""

    type: Required[Literal["auto", "last_messages"]]
    last_messages: int | None


class MessageCreateParams(TypedDict, total=False):
    """A message to add (``additional_messages``, ``thread.messages``)."""

    role: Required[Literal["user", "assistant"]]
    content: Required[str | Sequence[Mapping[str, Any]]]
    attachments: Sequence[Mapping[str, Any]] | None
    metadata: Mapping[str, str] | None


class ThreadCreateParams(TypedDict, total=False):
    """The thread ``create_and_run`` creates."""

    messages: Sequence[MessageCreateParams]
    tool_resources: Mapping[str, Any] | None
    metadata: Mapping[str, str] | None


# --- Creating runs ----------------------------------------------------------------------


class _RunOptions(TypedDict, total=False):
    """What creating a run and creating a thread-and-run share."""

    model: str | None
    instructions: str | None
    metadata: Mapping[str, str] | None
    temperature: float | None
    top_p: float | None
    max_prompt_tokens: int | None
    max_completion_tokens: int | None
    truncation_strategy: TruncationStrategy | None
    tool_choice: ToolChoice | None
    parallel_tool_calls: bool
    response_format: ResponseFormat | None


class RunCreateParams(_RunOptions, total=False):
    """The parameters of ``runs.create`` (``CreateRunRequest``), ``assistant_id`` aside.

    ``include`` is sent as the query's ``include[]`` (the reference takes it
    there, not in the body); everything else goes in the JSON body.
    """

    reasoning_effort: ReasoningEffort | None
    additional_instructions: str | None
    additional_messages: Sequence[MessageCreateParams] | None
    include: Sequence[RunStepInclude]
    tools: Sequence[AssistantTool] | None


class ThreadCreateAndRunParams(_RunOptions, total=False):
    """The parameters of ``threads.create_and_run`` (``CreateThreadAndRunRequest``)."""

    thread: ThreadCreateParams
    tool_resources: Mapping[str, Any] | None
    tools: Sequence[AssistantTool] | None


class StreamOptions(TypedDict, total=False):
    """What a streaming method takes besides the API's parameters; never sent to the API.

    Attributes:
        functions: Python functions by the name the model calls them (the
            tool loop): when the run requires action, each call's function is
            called with its parsed JSON arguments, the outputs are submitted
            and the continuation is read into the same stream. (The API's own
            tool definitions are ``tools=``.)
        tool_errors: a function that raises: ``"submit"`` (the default) its
            error text, ``"error: <type>: <message>"``, as the output, or
            ``"raise"`` the exception (nothing is submitted).
        unknown_functions: a call naming a function not in ``functions``:
            ``"raise"`` (the default) a :class:`~streamkit.errors.ToolError`
            naming it, before any function is called and with nothing
            submitted; or ``"submit"`` the output
            ``"error: LookupError: no function named '<name>' was given"``.
        max_tool_rounds: how many times outputs are submitted for one run
            before a further ``requires_action`` raises
            :class:`~streamkit.errors.LimitExceededError` (default
            :data:`MAX_TOOL_ROUNDS`, 16).
        recover: if the stream breaks mid-run, read the run, its steps and
            messages back and poll until the run settles (default ``True``).
        poll_interval: seconds between those polls (default 1.0).
        max_polls: how many times recovery reads a run that has not settled
            before it raises :class:`~streamkit.errors.LimitExceededError`
            (default :data:`MAX_POLLS`, 600).
        poll_deadline: seconds recovery may take, measured on the client's
            clock from its first read (default :data:`POLL_DEADLINE`, 600.0);
            past it, :class:`~streamkit.errors.LimitExceededError`.
    """

    functions: Mapping[str, ToolFunction] | None
    tool_errors: ToolErrors
    unknown_functions: UnknownFunctions
    max_tool_rounds: int
    recover: bool
    poll_interval: float
    max_polls: int
    poll_deadline: float


class RunStreamParams(RunCreateParams, StreamOptions, total=False):
    """The parameters of ``runs.stream``: :class:`RunCreateParams` and :class:`StreamOptions`."""


class ThreadCreateAndRunStreamParams(ThreadCreateAndRunParams, StreamOptions, total=False):
    """``threads.create_and_run_stream``'s parameters: the API's and :class:`StreamOptions`."""


#: The names of :class:`StreamOptions`: a streaming method's parameters that stay in the client.
STREAM_OPTIONS: Final = StreamOptions.__optional_keys__ | StreamOptions.__required_keys__


def split_options(params: Mapping[str, Any]) -> tuple[dict[str, Any], StreamOptions]:
    """A streaming method's parameters split: (the API's, to send; the :class:`StreamOptions`)."""
    sent, options = split_params(params, STREAM_OPTIONS)
    return sent, typing.cast(StreamOptions, options)


# --- Lists ------------------------------------------------------------------------------


class RunListParams(TypedDict, total=False):
    """A list's query: page size (1-100), order, and the cursors. ``None`` is left out."""

    limit: int | None
    order: Order | None
    after: str | None
    before: str | None


class RunStepListParams(RunListParams, total=False):
    """``runs.steps.list``'s query: a list's, and what to include in each step."""

    include: Sequence[RunStepInclude] | None
