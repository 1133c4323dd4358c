"""Run-step deltas (``thread.run.step.delta``): the pieces of tool calls as they stream, placed by
``index``.

Generated from the schema extract, then kept by hand: see tests/test_models_schema.py,
which checks every object and field of the schema has its model and field here.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar, Literal, TypeAlias

import attrs

from .base import STREAMED, Model, UnknownObject

__all__ = [
    "CodeInterpreterLogs",
    "CodeInterpreterOutputDelta",
    "CodeInterpreterOutputImageDelta",
    "CodeInterpreterOutputImageDeltaImage",
    "CodeInterpreterToolCallDelta",
    "CodeInterpreterToolCallDeltaCodeInterpreter",
    "FileSearchToolCallDelta",
    "FunctionToolCallDelta",
    "FunctionToolCallDeltaFunction",
    "RunStepDelta",
    "RunStepDeltaEvent",
    "RunStepDeltaMessageDelta",
    "RunStepDeltaMessageDeltaMessageCreation",
    "RunStepDeltaStepDetails",
    "ToolCallDelta",
    "ToolCallDeltaObject",
]


@attrs.frozen(kw_only=True)
class RunStepDeltaEvent(Model):
    """Represents a run step delta i.e. any changed fields on a run step during streaming.

    Spec schema ``RunStepDeltaObject``; openai-python ``RunStepDeltaEvent``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset({"delta", "id", "object"})

    id: str
    """The identifier of the run step, which can be referenced in API endpoints."""
    object: Literal["thread.run.step.delta"] = "thread.run.step.delta"
    """The object type, which is always `thread.run.step.delta`."""
    delta: RunStepDelta
    """The delta containing the fields that have changed on the run step."""


@attrs.frozen(kw_only=True)
class RunStepDelta(Model):
    """The delta containing the fields that have changed on the run step.

    Spec schema ``RunStepDeltaObject/properties/delta``; openai-python ``RunStepDelta``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset()

    step_details: RunStepDeltaStepDetails | None = None
    """The details of the run step."""


@attrs.frozen(kw_only=True)
class RunStepDeltaMessageDelta(Model):
    """Details of the message creation by the run step.

    Spec schema ``RunStepDeltaStepDetailsMessageCreationObject``; openai-python
    ``RunStepDeltaMessageDelta``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset({"type"})

    type: Literal["message_creation"] = "message_creation"
    """Always `message_creation`."""
    message_creation: RunStepDeltaMessageDeltaMessageCreation | None = None


@attrs.frozen(kw_only=True)
class RunStepDeltaMessageDeltaMessageCreation(Model):
    """The ``RunStepDeltaMessageDeltaMessageCreation`` object.

    Spec schema ``RunStepDeltaStepDetailsMessageCreationObject/properties/message_creation``;
    openai-python ``MessageCreation``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset()

    message_id: str | None = None
    """The ID of the message that was created by this run step."""


@attrs.frozen(kw_only=True)
class ToolCallDeltaObject(Model):
    """Details of the tool call.

    Spec schema ``RunStepDeltaStepDetailsToolCallsObject``; openai-python
    ``ToolCallDeltaObject``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset({"type"})

    type: Literal["tool_calls"] = "tool_calls"
    """Always `tool_calls`."""
    tool_calls: tuple[ToolCallDelta, ...] | None = None
    """An array of tool calls the run step was involved in. These can be associated with one of
    three types of tools: `code_interpreter`, `file_search`, or `function`.
    """


@attrs.frozen(kw_only=True)
class CodeInterpreterToolCallDelta(Model):
    """Details of the Code Interpreter tool call the run step was involved in.

    Spec schema ``RunStepDeltaStepDetailsToolCallsCodeObject``; openai-python
    ``CodeInterpreterToolCallDelta``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset({"index", "type"})

    index: int
    """The index of the tool call in the tool calls array."""
    id: str | None = None
    """The ID of the tool call."""
    type: Literal["code_interpreter"] = "code_interpreter"
    """The type of tool call. This is always going to be `code_interpreter` for this type of tool
    call.
    """
    code_interpreter: CodeInterpreterToolCallDeltaCodeInterpreter | None = None
    """The Code Interpreter tool call definition."""


@attrs.frozen(kw_only=True)
class CodeInterpreterToolCallDeltaCodeInterpreter(Model):
    """The Code Interpreter tool call definition.

    Spec schema ``RunStepDeltaStepDetailsToolCallsCodeObject/properties/code_interpreter``;
    openai-python ``CodeInterpreter``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset()

    input: str | None = attrs.field(default=None, metadata={STREAMED: True})
    """The input to the Code Interpreter tool call."""
    outputs: tuple[CodeInterpreterOutputDelta, ...] | None = None
    """The outputs from the Code Interpreter tool call. Code Interpreter can output one or more
    items, including text (`logs`) or images (`image`). Each of these are represented by a
    different object type.
    """


@attrs.frozen(kw_only=True)
class CodeInterpreterLogs(Model):
    """Text output from the Code Interpreter tool call as part of a run step.

    Spec schema ``RunStepDeltaStepDetailsToolCallsCodeOutputLogsObject``; openai-python
    ``CodeInterpreterLogs``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset({"index", "type"})

    index: int
    """The index of the output in the outputs array."""
    type: Literal["logs"] = "logs"
    """Always `logs`."""
    logs: str | None = attrs.field(default=None, metadata={STREAMED: True})
    """The text output from the Code Interpreter tool call."""


@attrs.frozen(kw_only=True)
class CodeInterpreterOutputImageDelta(Model):
    """The ``CodeInterpreterOutputImageDelta`` object.

    Spec schema ``RunStepDeltaStepDetailsToolCallsCodeOutputImageObject``; openai-python
    ``CodeInterpreterOutputImage``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset({"index", "type"})

    index: int
    """The index of the output in the outputs array."""
    type: Literal["image"] = "image"
    """Always `image`."""
    image: CodeInterpreterOutputImageDeltaImage | None = None


@attrs.frozen(kw_only=True)
class CodeInterpreterOutputImageDeltaImage(Model):
    """The ``CodeInterpreterOutputImageDeltaImage`` object.

    Spec schema ``RunStepDeltaStepDetailsToolCallsCodeOutputImageObject/properties/image``;
    openai-python ``Image``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset()

    file_id: str | None = None
    """The file ID of the image."""


@attrs.frozen(kw_only=True)
class FileSearchToolCallDelta(Model):
    """The ``FileSearchToolCallDelta`` object.

    Spec schema ``RunStepDeltaStepDetailsToolCallsFileSearchObject``; openai-python
    ``FileSearchToolCallDelta``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset({"file_search", "index", "type"})

    index: int
    """The index of the tool call in the tool calls array."""
    id: str | None = None
    """The ID of the tool call object."""
    type: Literal["file_search"] = "file_search"
    """The type of tool call. This is always going to be `file_search` for this type of tool call.
    """
    file_search: Mapping[str, Any]
    """For now, this is always going to be an empty object."""


@attrs.frozen(kw_only=True)
class FunctionToolCallDelta(Model):
    """The ``FunctionToolCallDelta`` object.

    Spec schema ``RunStepDeltaStepDetailsToolCallsFunctionObject``; openai-python
    ``FunctionToolCallDelta``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset({"index", "type"})

    index: int
    """The index of the tool call in the tool calls array."""
    id: str | None = None
    """The ID of the tool call object."""
    type: Literal["function"] = "function"
    """The type of tool call. This is always going to be `function` for this type of tool call."""
    function: FunctionToolCallDeltaFunction | None = None
    """The definition of the function that was called."""


@attrs.frozen(kw_only=True)
class FunctionToolCallDeltaFunction(Model):
    """The definition of the function that was called.

    Spec schema ``RunStepDeltaStepDetailsToolCallsFunctionObject/properties/function``;
    openai-python ``Function``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset()

    name: str | None = None
    """The name of the function."""
    arguments: str | None = attrs.field(default=None, metadata={STREAMED: True})
    """The arguments passed to the function."""
    output: str | None = None
    """The output of the function. This will be `null` if the outputs have not been submitted yet.
    """


RunStepDeltaStepDetails: TypeAlias = RunStepDeltaMessageDelta | ToolCallDeltaObject | UnknownObject
"""One of ``RunStepDeltaMessageDelta``, ``ToolCallDeltaObject`` (told apart by ``type``); an object
of an unknown ``type`` is kept as :class:`UnknownObject`."""


ToolCallDelta: TypeAlias = (
    CodeInterpreterToolCallDelta | FileSearchToolCallDelta | FunctionToolCallDelta | UnknownObject
)
"""One of ``CodeInterpreterToolCallDelta``, ``FileSearchToolCallDelta``, ``FunctionToolCallDelta``
(told apart by ``type``); an object of an unknown ``type`` is kept as :class:`UnknownObject`."""


CodeInterpreterOutputDelta: TypeAlias = (
    CodeInterpreterLogs | CodeInterpreterOutputImageDelta | UnknownObject
)
"""One of ``CodeInterpreterLogs``, ``CodeInterpreterOutputImageDelta`` (told apart by ``type``); an
object of an unknown ``type`` is kept as :class:`UnknownObject`."""
