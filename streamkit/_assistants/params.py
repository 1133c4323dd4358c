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
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, Final, Literal, TypeAlias

from typing_extensions import Required, TypedDict

__all__ = [
    "FILE_SEARCH_CONTENT",
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
    "ThreadCreateAndRunParams",
    "ThreadCreateAndRunStreamParams",
    "ThreadCreateParams",
    "ToolChoice",
    "ToolErrors",
    "ToolFunction",
    "TruncationStrategy",
]

#: The query value that makes steps carry file-search result content.
FILE_SEARCH_CONTENT: Final = "step_details.tool_calls[*].file_search.results[*].content"
#: What a run step's ``include`` may ask for (the reference lists only this one).
RunStepInclude: TypeAlias = Literal["step_details.tool_calls[*].file_search.results[*].content"]
#: A list's sort order by ``created_at``.
Order: TypeAlias = Literal["asc", "desc"]
#: What the tool loop does with a function that raises: submit its error text, or raise it.
ToolErrors: TypeAlias = Literal["submit", "raise"]
#: A Python function the tool loop calls with a tool call's parsed JSON arguments.
ToolFunction: TypeAlias = Callable[..., Any]
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
    """What creating a run and creating a thread-and-run share, ``tools`` aside."""

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


class RunStreamParams(_RunOptions, total=False):
    """The parameters of ``runs.stream``: :class:`RunCreateParams` but ``tools``.

    (``tools=`` of the streaming methods is the tool loop's functions today.)
    """

    reasoning_effort: ReasoningEffort | None
    additional_instructions: str | None
    additional_messages: Sequence[MessageCreateParams] | None
    # The reference takes ``include[]`` in the query; the client sends what it
    # is given in the body for now (a known issue, fixed separately).
    include: Sequence[RunStepInclude]


class RunCreateParams(RunStreamParams, total=False):
    """The parameters of ``runs.create`` (``CreateRunRequest``), ``assistant_id`` aside."""

    tools: Sequence[AssistantTool] | None


class ThreadCreateAndRunStreamParams(_RunOptions, total=False):
    """The parameters of ``threads.create_and_run_stream``: the next class but ``tools``."""

    thread: ThreadCreateParams
    tool_resources: Mapping[str, Any] | None


class ThreadCreateAndRunParams(ThreadCreateAndRunStreamParams, total=False):
    """The parameters of ``threads.create_and_run`` (``CreateThreadAndRunRequest``)."""

    tools: Sequence[AssistantTool] | None


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
