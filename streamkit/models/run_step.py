"""Run steps as whole objects (``thread.run.step.created`` ... ``.completed``): step details, tool
calls, outputs.

Generated from the schema extract, then kept by hand: see tests/test_models_schema.py,
which checks every object and field of the schema has its model and field here.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar, Literal, TypeAlias

import attrs

from .base import Model, UnknownObject
from .enums import FileSearchRanker, RunStepErrorCode, RunStepStatus, RunStepType

__all__ = [
    "CodeInterpreterOutput",
    "CodeInterpreterOutputImage",
    "CodeInterpreterOutputImageImage",
    "CodeInterpreterOutputLogs",
    "CodeInterpreterToolCall",
    "CodeInterpreterToolCallCodeInterpreter",
    "FileSearchResult",
    "FileSearchResultContent",
    "FileSearchToolCall",
    "FileSearchToolCallFileSearch",
    "FileSearchToolCallRankingOptions",
    "FunctionToolCall",
    "FunctionToolCallFunction",
    "MessageCreation",
    "MessageCreationStepDetails",
    "RunStep",
    "RunStepLastError",
    "RunStepStepDetails",
    "RunStepUsage",
    "ToolCall",
    "ToolCallsStepDetails",
]


@attrs.frozen(kw_only=True)
class RunStep(Model):
    """Represents a step in execution of a run.

    Spec schema ``RunStepObject``; openai-python ``RunStep``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset(
        {
            "assistant_id",
            "cancelled_at",
            "completed_at",
            "created_at",
            "expired_at",
            "failed_at",
            "id",
            "last_error",
            "metadata",
            "object",
            "run_id",
            "status",
            "step_details",
            "thread_id",
            "type",
            "usage",
        }
    )

    id: str
    """The identifier of the run step, which can be referenced in API endpoints."""
    object: Literal["thread.run.step"] = "thread.run.step"
    """The object type, which is always `thread.run.step`."""
    created_at: int
    """The Unix timestamp (in seconds) for when the run step was created. Unix time in seconds."""
    assistant_id: str
    """The ID of the assistant associated with the run step."""
    thread_id: str
    """The ID of the thread that was run."""
    run_id: str
    """The ID of the run that this run step is a part of."""
    type: RunStepType
    """The type of run step, which can be either `message_creation` or `tool_calls`."""
    status: RunStepStatus
    """The status of the run step, which can be either `in_progress`, `cancelled`, `failed`,
    `completed`, or `expired`.
    """
    step_details: RunStepStepDetails
    """The details of the run step."""
    last_error: RunStepLastError | None = None
    """The last error associated with this run step. Will be `null` if there are no errors. Always
    sent, possibly as ``null``.
    """
    expired_at: int | None = None
    """The Unix timestamp (in seconds) for when the run step expired. A step is considered expired
    if the parent run is expired. Unix time in seconds. Always sent, possibly as ``null``.
    """
    cancelled_at: int | None = None
    """The Unix timestamp (in seconds) for when the run step was cancelled. Unix time in seconds.
    Always sent, possibly as ``null``.
    """
    failed_at: int | None = None
    """The Unix timestamp (in seconds) for when the run step failed. Unix time in seconds. Always
    sent, possibly as ``null``.
    """
    completed_at: int | None = None
    """The Unix timestamp (in seconds) for when the run step completed. Unix time in seconds.
    Always sent, possibly as ``null``.
    """
    metadata: Mapping[str, str] | None = None
    """Always sent, possibly as ``null``."""
    usage: RunStepUsage | None = None
    """Always sent, possibly as ``null``."""


@attrs.frozen(kw_only=True)
class MessageCreationStepDetails(Model):
    """Details of the message creation by the run step.

    Spec schema ``RunStepDetailsMessageCreationObject``; openai-python
    ``MessageCreationStepDetails``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset({"message_creation", "type"})

    type: Literal["message_creation"] = "message_creation"
    """Always `message_creation`."""
    message_creation: MessageCreation


@attrs.frozen(kw_only=True)
class MessageCreation(Model):
    """The ``MessageCreation`` object.

    Spec schema ``RunStepDetailsMessageCreationObject/properties/message_creation``;
    openai-python ``MessageCreation``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset({"message_id"})

    message_id: str
    """The ID of the message that was created by this run step."""


@attrs.frozen(kw_only=True)
class ToolCallsStepDetails(Model):
    """Details of the tool call.

    Spec schema ``RunStepDetailsToolCallsObject``; openai-python ``ToolCallsStepDetails``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset({"tool_calls", "type"})

    type: Literal["tool_calls"] = "tool_calls"
    """Always `tool_calls`."""
    tool_calls: tuple[ToolCall, ...]
    """An array of tool calls the run step was involved in. These can be associated with one of
    three types of tools: `code_interpreter`, `file_search`, or `function`.
    """


@attrs.frozen(kw_only=True)
class CodeInterpreterToolCall(Model):
    """Details of the Code Interpreter tool call the run step was involved in.

    Spec schema ``RunStepDetailsToolCallsCodeObject``; openai-python
    ``CodeInterpreterToolCall``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset({"code_interpreter", "id", "type"})

    id: str
    """The ID of the tool call."""
    type: Literal["code_interpreter"] = "code_interpreter"
    """The type of tool call. This is always going to be `code_interpreter` for this type of tool
    call.
    """
    code_interpreter: CodeInterpreterToolCallCodeInterpreter
    """The Code Interpreter tool call definition."""


@attrs.frozen(kw_only=True)
class CodeInterpreterToolCallCodeInterpreter(Model):
    """The Code Interpreter tool call definition.

    Spec schema ``RunStepDetailsToolCallsCodeObject/properties/code_interpreter``; openai-python
    ``CodeInterpreter``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset({"input", "outputs"})

    input: str
    """The input to the Code Interpreter tool call."""
    outputs: tuple[CodeInterpreterOutput, ...]
    """The outputs from the Code Interpreter tool call. Code Interpreter can output one or more
    items, including text (`logs`) or images (`image`). Each of these are represented by a
    different object type.
    """


@attrs.frozen(kw_only=True)
class CodeInterpreterOutputLogs(Model):
    """Text output from the Code Interpreter tool call as part of a run step.

    Spec schema ``RunStepDetailsToolCallsCodeOutputLogsObject``; openai-python
    ``CodeInterpreterOutputLogs``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset({"logs", "type"})

    type: Literal["logs"] = "logs"
    """Always `logs`."""
    logs: str
    """The text output from the Code Interpreter tool call."""


@attrs.frozen(kw_only=True)
class CodeInterpreterOutputImage(Model):
    """The ``CodeInterpreterOutputImage`` object.

    Spec schema ``RunStepDetailsToolCallsCodeOutputImageObject``; openai-python
    ``CodeInterpreterOutputImage``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset({"image", "type"})

    type: Literal["image"] = "image"
    """Always `image`."""
    image: CodeInterpreterOutputImageImage


@attrs.frozen(kw_only=True)
class CodeInterpreterOutputImageImage(Model):
    """The ``CodeInterpreterOutputImageImage`` object.

    Spec schema ``RunStepDetailsToolCallsCodeOutputImageObject/properties/image``; openai-python
    ``CodeInterpreterOutputImageImage``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset({"file_id"})

    file_id: str
    """The file ID of the image."""


@attrs.frozen(kw_only=True)
class FileSearchToolCall(Model):
    """The ``FileSearchToolCall`` object.

    Spec schema ``RunStepDetailsToolCallsFileSearchObject``; openai-python
    ``FileSearchToolCall``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset({"file_search", "id", "type"})

    id: str
    """The ID of the tool call object."""
    type: Literal["file_search"] = "file_search"
    """The type of tool call. This is always going to be `file_search` for this type of tool call.
    """
    file_search: FileSearchToolCallFileSearch
    """For now, this is always going to be an empty object."""


@attrs.frozen(kw_only=True)
class FileSearchToolCallFileSearch(Model):
    """For now, this is always going to be an empty object.

    Spec schema ``RunStepDetailsToolCallsFileSearchObject/properties/file_search``;
    openai-python ``FileSearch``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset()

    ranking_options: FileSearchToolCallRankingOptions | None = None
    results: tuple[FileSearchResult, ...] | None = None
    """The results of the file search."""


@attrs.frozen(kw_only=True)
class FileSearchToolCallRankingOptions(Model):
    """The ranking options for the file search.

    Spec schema ``RunStepDetailsToolCallsFileSearchRankingOptionsObject``; openai-python
    ``FileSearchRankingOptions``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset({"ranker", "score_threshold"})

    ranker: FileSearchRanker
    score_threshold: float
    """The score threshold for the file search. All values must be a floating point number between
    0 and 1. Minimum 0.
    """


@attrs.frozen(kw_only=True)
class FileSearchResult(Model):
    """A result instance of the file search.

    Spec schema ``RunStepDetailsToolCallsFileSearchResultObject``; openai-python
    ``FileSearchResult``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset({"file_id", "file_name", "score"})

    file_id: str
    """The ID of the file that result was found in."""
    file_name: str
    """The name of the file that result was found in."""
    score: float
    """The score of the result. All values must be a floating point number between 0 and 1. Minimum
    0.
    """
    content: tuple[FileSearchResultContent, ...] | None = None
    """The content of the result that was found. The content is only included if requested via the
    include query parameter.
    """


@attrs.frozen(kw_only=True)
class FileSearchResultContent(Model):
    """The ``FileSearchResultContent`` object.

    Spec schema ``RunStepDetailsToolCallsFileSearchResultObject/properties/content/items``;
    openai-python ``FileSearchResultContent``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset()

    type: Literal["text"] = "text"
    """The type of the content."""
    text: str | None = None
    """The text content of the file."""


@attrs.frozen(kw_only=True)
class FunctionToolCall(Model):
    """The ``FunctionToolCall`` object.

    Spec schema ``RunStepDetailsToolCallsFunctionObject``; openai-python ``FunctionToolCall``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset({"function", "id", "type"})

    id: str
    """The ID of the tool call object."""
    type: Literal["function"] = "function"
    """The type of tool call. This is always going to be `function` for this type of tool call."""
    function: FunctionToolCallFunction
    """The definition of the function that was called."""


@attrs.frozen(kw_only=True)
class FunctionToolCallFunction(Model):
    """The definition of the function that was called.

    Spec schema ``RunStepDetailsToolCallsFunctionObject/properties/function``; openai-python
    ``Function``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset({"arguments", "name", "output"})

    name: str
    """The name of the function."""
    arguments: str
    """The arguments passed to the function."""
    output: str | None = None
    """The output of the function. This will be `null` if the outputs have not been submitted yet.
    Always sent, possibly as ``null``.
    """


@attrs.frozen(kw_only=True)
class RunStepLastError(Model):
    """The last error associated with this run step. Will be `null` if there are no errors.

    Spec schema ``RunStepObject/properties/last_error``; openai-python ``LastError``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset({"code", "message"})

    code: RunStepErrorCode
    """One of `server_error` or `rate_limit_exceeded`."""
    message: str
    """A human-readable description of the error."""


@attrs.frozen(kw_only=True)
class RunStepUsage(Model):
    """Usage statistics related to the run step. This value will be `null` while the run step's
    status is `in_progress`.

    Spec schema ``RunStepCompletionUsage``; openai-python ``Usage``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset(
        {"completion_tokens", "prompt_tokens", "total_tokens"}
    )

    completion_tokens: int
    """Number of completion tokens used over the course of the run step."""
    prompt_tokens: int
    """Number of prompt tokens used over the course of the run step."""
    total_tokens: int
    """Total number of tokens used (prompt + completion)."""


RunStepStepDetails: TypeAlias = MessageCreationStepDetails | ToolCallsStepDetails | UnknownObject
"""One of ``MessageCreationStepDetails``, ``ToolCallsStepDetails`` (told apart by ``type``); an
object of an unknown ``type`` is kept as :class:`UnknownObject`."""


ToolCall: TypeAlias = (
    CodeInterpreterToolCall | FileSearchToolCall | FunctionToolCall | UnknownObject
)
"""One of ``CodeInterpreterToolCall``, ``FileSearchToolCall``, ``FunctionToolCall`` (told apart by
``type``); an object of an unknown ``type`` is kept as :class:`UnknownObject`."""


CodeInterpreterOutput: TypeAlias = (
    CodeInterpreterOutputLogs | CodeInterpreterOutputImage | UnknownObject
)
"""One of ``CodeInterpreterOutputLogs``, ``CodeInterpreterOutputImage`` (told apart by ``type``);
an object of an unknown ``type`` is kept as :class:`UnknownObject`."""
