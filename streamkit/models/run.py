"""Runs and the objects they embed: required action, errors, usage, tools, tool choice, response
format.

Generated from the schema extract, then kept by hand: see tests/test_models_schema.py,
which checks every object and field of the schema has its model and field here.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar, Literal, TypeAlias

import attrs

from .base import Model, UnknownObject
from .enums import (
    FileSearchRanker,
    RunErrorCode,
    RunIncompleteReason,
    RunStatus,
    ToolChoiceType,
    TruncationType,
)

__all__ = [
    "AssistantResponseFormatOption",
    "AssistantTool",
    "AssistantToolChoice",
    "AssistantToolChoiceFunction",
    "AssistantToolChoiceOption",
    "CodeInterpreterTool",
    "FileSearchTool",
    "FileSearchToolFileSearch",
    "FileSearchToolRankingOptions",
    "FunctionDefinition",
    "FunctionTool",
    "RequiredAction",
    "RequiredActionFunctionToolCall",
    "RequiredActionFunctionToolCallFunction",
    "RequiredActionSubmitToolOutputs",
    "ResponseFormatJSONObject",
    "ResponseFormatJSONSchema",
    "ResponseFormatJSONSchemaJSONSchema",
    "ResponseFormatText",
    "Run",
    "RunIncompleteDetails",
    "RunLastError",
    "RunUsage",
    "TruncationStrategy",
]


@attrs.frozen(kw_only=True)
class Run(Model):
    """Represents an execution run on a thread.

    Spec schema ``RunObject``; openai-python ``Run``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset(
        {
            "assistant_id",
            "cancelled_at",
            "completed_at",
            "created_at",
            "expires_at",
            "failed_at",
            "id",
            "incomplete_details",
            "instructions",
            "last_error",
            "max_completion_tokens",
            "max_prompt_tokens",
            "metadata",
            "model",
            "object",
            "parallel_tool_calls",
            "required_action",
            "response_format",
            "started_at",
            "status",
            "thread_id",
            "tool_choice",
            "tools",
            "truncation_strategy",
            "usage",
        }
    )

    id: str
    """The identifier, which can be referenced in API endpoints."""
    object: Literal["thread.run"] = "thread.run"
    """The object type, which is always `thread.run`."""
    created_at: int
    """The Unix timestamp (in seconds) for when the run was created. Unix time in seconds."""
    thread_id: str
    """The ID of the thread that was executed on as a part of this run."""
    assistant_id: str
    """The ID of the assistant used for execution of this run."""
    status: RunStatus
    """The status of the run, which can be either `queued`, `in_progress`, `requires_action`,
    `cancelling`, `cancelled`, `failed`, `completed`, `incomplete`, or `expired`.
    """
    required_action: RequiredAction | None = None
    """Details on the action required to continue the run. Will be `null` if no action is required.
    Always sent, possibly as ``null``.
    """
    last_error: RunLastError | None = None
    """The last error associated with this run. Will be `null` if there are no errors. Always sent,
    possibly as ``null``.
    """
    expires_at: int | None = None
    """The Unix timestamp (in seconds) for when the run will expire. Unix time in seconds. Always
    sent, possibly as ``null``.
    """
    started_at: int | None = None
    """The Unix timestamp (in seconds) for when the run was started. Unix time in seconds. Always
    sent, possibly as ``null``.
    """
    cancelled_at: int | None = None
    """The Unix timestamp (in seconds) for when the run was cancelled. Unix time in seconds. Always
    sent, possibly as ``null``.
    """
    failed_at: int | None = None
    """The Unix timestamp (in seconds) for when the run failed. Unix time in seconds. Always sent,
    possibly as ``null``.
    """
    completed_at: int | None = None
    """The Unix timestamp (in seconds) for when the run was completed. Unix time in seconds. Always
    sent, possibly as ``null``.
    """
    incomplete_details: RunIncompleteDetails | None = None
    """Details on why the run is incomplete. Will be `null` if the run is not incomplete. Always
    sent, possibly as ``null``.
    """
    model: str
    """The model that the assistant used for this run."""
    instructions: str | None = None
    """The instructions that the assistant used for this run. The schema says never null, but every
    recorded run sends ``null``. Always sent, possibly as ``null``.
    """
    tools: tuple[AssistantTool, ...]
    """The list of tools that the assistant used for this run. At most 20 items. Server default:
    ``[]``.
    """
    metadata: Mapping[str, str] | None = None
    """Always sent, possibly as ``null``."""
    usage: RunUsage | None = None
    """Always sent, possibly as ``null``."""
    temperature: float | None = None
    """The sampling temperature used for this run. If not set, defaults to 1."""
    top_p: float | None = None
    """The nucleus sampling value used for this run. If not set, defaults to 1."""
    max_prompt_tokens: int | None = None
    """The maximum number of prompt tokens specified to have been used over the course of the run.
    Minimum 256. Always sent, possibly as ``null``.
    """
    max_completion_tokens: int | None = None
    """The maximum number of completion tokens specified to have been used over the course of the
    run. Minimum 256. Always sent, possibly as ``null``.
    """
    truncation_strategy: TruncationStrategy | None = None
    """Always sent, possibly as ``null``."""
    tool_choice: AssistantToolChoiceOption | None = None
    """Always sent, possibly as ``null``."""
    parallel_tool_calls: bool
    """Server default: ``true``."""
    response_format: AssistantResponseFormatOption | None = None
    """Always sent, possibly as ``null``."""


@attrs.frozen(kw_only=True)
class RequiredAction(Model):
    """Details on the action required to continue the run. Will be `null` if no action is required.

    Spec schema ``RunObject/properties/required_action``; openai-python ``RequiredAction``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset({"submit_tool_outputs", "type"})

    type: Literal["submit_tool_outputs"] = "submit_tool_outputs"
    """For now, this is always `submit_tool_outputs`."""
    submit_tool_outputs: RequiredActionSubmitToolOutputs
    """Details on the tool outputs needed for this run to continue."""


@attrs.frozen(kw_only=True)
class RequiredActionSubmitToolOutputs(Model):
    """Details on the tool outputs needed for this run to continue.

    Spec schema ``RunObject/properties/required_action/properties/submit_tool_outputs``;
    openai-python ``RequiredActionSubmitToolOutputs``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset({"tool_calls"})

    tool_calls: tuple[RequiredActionFunctionToolCall, ...]
    """A list of the relevant tool calls."""


@attrs.frozen(kw_only=True)
class RequiredActionFunctionToolCall(Model):
    """Tool call objects

    Spec schema ``RunToolCallObject``; openai-python ``RequiredActionFunctionToolCall``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset({"function", "id", "type"})

    id: str
    """The ID of the tool call. This ID must be referenced when you submit the tool outputs in
    using the Submit tool outputs to run endpoint.
    """
    type: Literal["function"] = "function"
    """The type of tool call the output is required for. For now, this is always `function`."""
    function: RequiredActionFunctionToolCallFunction
    """The function definition."""


@attrs.frozen(kw_only=True)
class RequiredActionFunctionToolCallFunction(Model):
    """The function definition.

    Spec schema ``RunToolCallObject/properties/function``; openai-python ``Function``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset({"arguments", "name"})

    name: str
    """The name of the function."""
    arguments: str
    """The arguments that the model expects you to pass to the function."""


@attrs.frozen(kw_only=True)
class RunLastError(Model):
    """The last error associated with this run. Will be `null` if there are no errors.

    Spec schema ``RunObject/properties/last_error``; openai-python ``LastError``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset({"code", "message"})

    code: RunErrorCode
    """One of `server_error`, `rate_limit_exceeded`, or `invalid_prompt`."""
    message: str
    """A human-readable description of the error."""


@attrs.frozen(kw_only=True)
class RunIncompleteDetails(Model):
    """Details on why the run is incomplete. Will be `null` if the run is not incomplete.

    Spec schema ``RunObject/properties/incomplete_details``; openai-python
    ``IncompleteDetails``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset()

    reason: RunIncompleteReason | None = None
    """The reason why the run is incomplete. This will point to which specific token limit was
    reached over the course of the run.
    """


@attrs.frozen(kw_only=True)
class CodeInterpreterTool(Model):
    """The ``CodeInterpreterTool`` object.

    Spec schema ``AssistantToolsCode``; openai-python ``CodeInterpreterTool``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset({"type"})

    type: Literal["code_interpreter"] = "code_interpreter"
    """The type of tool being defined: `code_interpreter`"""


@attrs.frozen(kw_only=True)
class FileSearchTool(Model):
    """The ``FileSearchTool`` object.

    Spec schema ``AssistantToolsFileSearch``; openai-python ``FileSearchTool``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset({"type"})

    type: Literal["file_search"] = "file_search"
    """The type of tool being defined: `file_search`"""
    file_search: FileSearchToolFileSearch | None = None
    """Overrides for the file search tool."""


@attrs.frozen(kw_only=True)
class FileSearchToolFileSearch(Model):
    """Overrides for the file search tool.

    Spec schema ``AssistantToolsFileSearch/properties/file_search``; openai-python
    ``FileSearch``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset()

    max_num_results: int | None = None
    """The maximum number of results the file search tool should output. The default is 20 for
    `gpt-4*` models and 5 for `gpt-3.5-turbo`. This number should be between 1 and 50 inclusive.
    Note that the file search tool may output fewer than `max_num_results` results. See the file
    search tool documentation for more information. Minimum 1.
    """
    ranking_options: FileSearchToolRankingOptions | None = None


@attrs.frozen(kw_only=True)
class FileSearchToolRankingOptions(Model):
    """The ranking options for the file search. If not specified, the file search tool will use the
    `auto` ranker and a score_threshold of 0. See the file search tool documentation for more
    information.

    Spec schema ``FileSearchRankingOptions``; openai-python ``FileSearchRankingOptions``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset({"score_threshold"})

    ranker: FileSearchRanker | None = None
    score_threshold: float
    """The score threshold for the file search. All values must be a floating point number between
    0 and 1. Minimum 0.
    """


@attrs.frozen(kw_only=True)
class FunctionTool(Model):
    """The ``FunctionTool`` object.

    Spec schema ``AssistantToolsFunction``; openai-python ``FunctionTool``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset({"function", "type"})

    type: Literal["function"] = "function"
    """The type of tool being defined: `function`"""
    function: FunctionDefinition


@attrs.frozen(kw_only=True)
class FunctionDefinition(Model):
    """The ``FunctionDefinition`` object.

    Spec schema ``FunctionObject``; openai-python ``FunctionDefinition``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset({"name"})

    description: str | None = None
    """A description of what the function does, used by the model to choose when and how to call
    the function.
    """
    name: str
    """The name of the function to be called. Must be a-z, A-Z, 0-9, or contain underscores and
    dashes, with a maximum length of 64.
    """
    parameters: Mapping[str, Any] | None = None
    strict: bool | None = None
    """Whether to enable strict schema adherence when generating the function call. If set to true,
    the model will follow the exact schema defined in the `parameters` field. Only a subset of
    JSON Schema is supported when `strict` is `true`. Learn more about Structured Outputs in the
    function calling guide. Server default: ``false``.
    """


@attrs.frozen(kw_only=True)
class RunUsage(Model):
    """Usage statistics related to the run. This value will be `null` if the run is not in a
    terminal state (i.e. `in_progress`, `queued`, etc.).

    Spec schema ``RunCompletionUsage``; openai-python ``Usage``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset(
        {"completion_tokens", "prompt_tokens", "total_tokens"}
    )

    completion_tokens: int
    """Number of completion tokens used over the course of the run."""
    prompt_tokens: int
    """Number of prompt tokens used over the course of the run."""
    total_tokens: int
    """Total number of tokens used (prompt + completion)."""


@attrs.frozen(kw_only=True)
class TruncationStrategy(Model):
    """Controls for how a thread will be truncated prior to the run. Use this to control the
    initial context window of the run.

    Spec schema ``TruncationObject``; openai-python ``TruncationStrategy``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset({"type"})

    type: TruncationType
    """The truncation strategy to use for the thread. The default is `auto`. If set to
    `last_messages`, the thread will be truncated to the n most recent messages in the thread.
    When set to `auto`, messages in the middle of the thread will be dropped to fit the context
    length of the model, `max_prompt_tokens`.
    """
    last_messages: int | None = None
    """The number of most recent messages from the thread when constructing the context for the
    run. Minimum 1.
    """


@attrs.frozen(kw_only=True)
class AssistantToolChoice(Model):
    """Specifies a tool the model should use. Use to force the model to call a specific tool.

    Spec schema ``AssistantsNamedToolChoice``; openai-python ``AssistantToolChoice``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset({"type"})

    type: ToolChoiceType
    """The type of the tool. If type is `function`, the function name must be set"""
    function: AssistantToolChoiceFunction | None = None


@attrs.frozen(kw_only=True)
class AssistantToolChoiceFunction(Model):
    """The ``AssistantToolChoiceFunction`` object.

    Spec schema ``AssistantsNamedToolChoice/properties/function``; openai-python
    ``AssistantToolChoiceFunction``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset({"name"})

    name: str
    """The name of the function to call."""


@attrs.frozen(kw_only=True)
class ResponseFormatText(Model):
    """Default response format. Used to generate text responses.

    Spec schema ``ResponseFormatText``; openai-python ``ResponseFormatText``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset({"type"})

    type: Literal["text"] = "text"
    """The type of response format being defined. Always `text`."""


@attrs.frozen(kw_only=True)
class ResponseFormatJSONObject(Model):
    """JSON object response format. An older method of generating JSON responses. Using
    `json_schema` is recommended for models that support it. Note that the model will not
    generate JSON without a system or user message instructing it to do so.

    Spec schema ``ResponseFormatJsonObject``; openai-python ``ResponseFormatJSONObject``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset({"type"})

    type: Literal["json_object"] = "json_object"
    """The type of response format being defined. Always `json_object`."""


@attrs.frozen(kw_only=True)
class ResponseFormatJSONSchema(Model):
    """JSON Schema response format. Used to generate structured JSON responses. Learn more about
    Structured Outputs.

    Spec schema ``ResponseFormatJsonSchema``; openai-python ``ResponseFormatJSONSchema``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset({"json_schema", "type"})

    type: Literal["json_schema"] = "json_schema"
    """The type of response format being defined. Always `json_schema`."""
    json_schema: ResponseFormatJSONSchemaJSONSchema
    """Structured Outputs configuration options, including a JSON Schema."""


@attrs.frozen(kw_only=True)
class ResponseFormatJSONSchemaJSONSchema(Model):
    """Structured Outputs configuration options, including a JSON Schema.

    Spec schema ``ResponseFormatJsonSchema/properties/json_schema``; openai-python
    ``JSONSchema``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset({"name"})

    description: str | None = None
    """A description of what the response format is for, used by the model to determine how to
    respond in the format.
    """
    name: str
    """The name of the response format. Must be a-z, A-Z, 0-9, or contain underscores and dashes,
    with a maximum length of 64.
    """
    schema: Mapping[str, Any] | None = None
    strict: bool | None = None
    """Whether to enable strict schema adherence when generating the output. If set to true, the
    model will always follow the exact schema defined in the `schema` field. Only a subset of
    JSON Schema is supported when `strict` is `true`. To learn more, read the Structured Outputs
    guide. Server default: ``false``.
    """


AssistantTool: TypeAlias = CodeInterpreterTool | FileSearchTool | FunctionTool | UnknownObject
"""One of ``CodeInterpreterTool``, ``FileSearchTool``, ``FunctionTool`` (told apart by ``type``);
an object of an unknown ``type`` is kept as :class:`UnknownObject`."""


AssistantToolChoiceOption: TypeAlias = (
    Literal["none", "auto", "required"] | AssistantToolChoice | UnknownObject
)
"""One of ``Literal["none", "auto", "required"]``, ``AssistantToolChoice`` (strings are matched as
such, objects told apart by JSON type); an object of an unknown ``type`` is kept as
:class:`UnknownObject`."""


AssistantResponseFormatOption: TypeAlias = (
    Literal["auto"]
    | ResponseFormatText
    | ResponseFormatJSONObject
    | ResponseFormatJSONSchema
    | UnknownObject
)
"""One of ``Literal["auto"]``, ``ResponseFormatText``, ``ResponseFormatJSONObject``,
``ResponseFormatJSONSchema`` (strings are matched as such, objects told apart by ``type``); an
object of an unknown ``type`` is kept as :class:`UnknownObject`."""
