"""The Responses stream's events: one class per ``type``.

Generated from tests/data/responses-stream-schema.json, then kept by hand: see
tests/test_responses_models.py, which checks every object and field of the extract has its
model here.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING, ClassVar, Literal, TypeAlias

import attrs

from streamkit.models.base import Model
from streamkit.models.events import DoneEvent, UnknownEvent

from .content import Annotation, OutputContent, ResponseLogProb, SummaryTextContent
from .items import FunctionShellCallOutputContent, OutputItem
from .response import Response

__all__ = [
    "RESPONSE_EVENT_CLASSES",
    "ParsedResponseEvent",
    "ResponseApplyPatchCallOperationDiffDeltaEvent",
    "ResponseApplyPatchCallOperationDiffDoneEvent",
    "ResponseAudioDeltaEvent",
    "ResponseAudioDoneEvent",
    "ResponseAudioTranscriptDeltaEvent",
    "ResponseAudioTranscriptDoneEvent",
    "ResponseCodeInterpreterCallCodeDeltaEvent",
    "ResponseCodeInterpreterCallCodeDoneEvent",
    "ResponseCodeInterpreterCallCompletedEvent",
    "ResponseCodeInterpreterCallInProgressEvent",
    "ResponseCodeInterpreterCallInterpretingEvent",
    "ResponseCompletedEvent",
    "ResponseContentPartAddedEvent",
    "ResponseContentPartDoneEvent",
    "ResponseCreatedEvent",
    "ResponseCustomToolCallInputDeltaEvent",
    "ResponseCustomToolCallInputDoneEvent",
    "ResponseErrorEvent",
    "ResponseErrorEventError",
    "ResponseEvent",
    "ResponseFailedEvent",
    "ResponseFileSearchCallCompletedEvent",
    "ResponseFileSearchCallInProgressEvent",
    "ResponseFileSearchCallSearchingEvent",
    "ResponseFunctionCallArgumentsDeltaEvent",
    "ResponseFunctionCallArgumentsDoneEvent",
    "ResponseImageGenCallCompletedEvent",
    "ResponseImageGenCallGeneratingEvent",
    "ResponseImageGenCallInProgressEvent",
    "ResponseImageGenCallPartialImageEvent",
    "ResponseInProgressEvent",
    "ResponseIncompleteEvent",
    "ResponseKeepaliveEvent",
    "ResponseMCPCallArgumentsDeltaEvent",
    "ResponseMCPCallArgumentsDoneEvent",
    "ResponseMCPCallCompletedEvent",
    "ResponseMCPCallFailedEvent",
    "ResponseMCPCallInProgressEvent",
    "ResponseMCPListToolsCompletedEvent",
    "ResponseMCPListToolsFailedEvent",
    "ResponseMCPListToolsInProgressEvent",
    "ResponseOutputItemAddedEvent",
    "ResponseOutputItemDoneEvent",
    "ResponseOutputTextAnnotationAddedEvent",
    "ResponseQueuedEvent",
    "ResponseReasoningSummaryPartAddedEvent",
    "ResponseReasoningSummaryPartDoneEvent",
    "ResponseReasoningSummaryTextDeltaEvent",
    "ResponseReasoningSummaryTextDoneEvent",
    "ResponseReasoningTextDeltaEvent",
    "ResponseReasoningTextDoneEvent",
    "ResponseRefusalDeltaEvent",
    "ResponseRefusalDoneEvent",
    "ResponseShellCallCommandAddedStreamingEvent",
    "ResponseShellCallCommandDeltaStreamingEvent",
    "ResponseShellCallCommandDoneStreamingEvent",
    "ResponseShellCallOutputContentDeltaStreamingEvent",
    "ResponseShellCallOutputContentDoneStreamingEvent",
    "ResponseStreamEvent",
    "ResponseTextDeltaEvent",
    "ResponseTextDoneEvent",
    "ResponseWebSearchCallCompletedEvent",
    "ResponseWebSearchCallInProgressEvent",
    "ResponseWebSearchCallSearchingEvent",
    "ShellCallOutputDelta",
]


@attrs.frozen(kw_only=True)
class ResponseEvent(Model):
    """Base class of the Responses stream's event classes.

    On the wire each event is one JSON object whose ``type`` names it; the
    classes are that object (``streamkit.to_dict(event)`` gives it back), and
    :attr:`event` reads the ``type`` so generic code reads ``.event`` on
    events of either protocol (an Assistants event's ``.event`` is its name).
    """

    if TYPE_CHECKING:
        # Every subclass declares `type` as its constant tag.
        type: str

    @property
    def event(self) -> str:
        """The event's ``type``, e.g. ``"response.output_text.delta"``."""
        return self.type


@attrs.frozen(kw_only=True)
class ResponseAudioDeltaEvent(ResponseEvent):
    """Emitted when there is a partial audio response.

    Spec schema ``ResponseAudioDeltaEvent``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset({"delta", "sequence_number", "type"})

    type: Literal["response.audio.delta"] = "response.audio.delta"
    """The type of the event. Always `response.audio.delta`."""
    sequence_number: int | None = None
    """A sequence number for this chunk of the stream response."""
    delta: str
    """A chunk of Base64 encoded response audio bytes."""


@attrs.frozen(kw_only=True)
class ResponseAudioDoneEvent(ResponseEvent):
    """Emitted when the audio response is complete.

    Spec schema ``ResponseAudioDoneEvent``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset({"sequence_number", "type"})

    type: Literal["response.audio.done"] = "response.audio.done"
    """The type of the event. Always `response.audio.done`."""
    sequence_number: int | None = None
    """The sequence number of the delta."""


@attrs.frozen(kw_only=True)
class ResponseAudioTranscriptDeltaEvent(ResponseEvent):
    """Emitted when there is a partial transcript of audio.

    Spec schema ``ResponseAudioTranscriptDeltaEvent``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset({"delta", "sequence_number", "type"})

    type: Literal["response.audio.transcript.delta"] = "response.audio.transcript.delta"
    """The type of the event. Always `response.audio.transcript.delta`."""
    delta: str
    """The partial transcript of the audio response."""
    sequence_number: int | None = None
    """The sequence number of this event."""


@attrs.frozen(kw_only=True)
class ResponseAudioTranscriptDoneEvent(ResponseEvent):
    """Emitted when the full audio transcript is completed.

    Spec schema ``ResponseAudioTranscriptDoneEvent``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset({"sequence_number", "type"})

    type: Literal["response.audio.transcript.done"] = "response.audio.transcript.done"
    """The type of the event. Always `response.audio.transcript.done`."""
    sequence_number: int | None = None
    """The sequence number of this event."""


@attrs.frozen(kw_only=True)
class ResponseCodeInterpreterCallCodeDeltaEvent(ResponseEvent):
    """Emitted when a partial code snippet is streamed by the code interpreter.

    Spec schema ``ResponseCodeInterpreterCallCodeDeltaEvent``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset(
        {"delta", "item_id", "output_index", "sequence_number", "type"}
    )

    type: Literal["response.code_interpreter_call_code.delta"] = (
        "response.code_interpreter_call_code.delta"
    )
    """The type of the event. Always `response.code_interpreter_call_code.delta`."""
    output_index: int
    """The index of the output item in the response for which the code is being streamed."""
    item_id: str
    """The unique identifier of the code interpreter tool call item."""
    delta: str
    """The partial code snippet being streamed by the code interpreter."""
    sequence_number: int | None = None
    """The sequence number of this event, used to order streaming events."""
    obfuscation: str | None = None
    """Random padding that hides the delta's length on the wire; not part of the text. Not in
    the spec for this event, but sent by OpenAI unless ``include_obfuscation`` is false."""


@attrs.frozen(kw_only=True)
class ResponseCodeInterpreterCallCodeDoneEvent(ResponseEvent):
    """Emitted when the code snippet is finalized by the code interpreter.

    Spec schema ``ResponseCodeInterpreterCallCodeDoneEvent``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset(
        {"code", "item_id", "output_index", "sequence_number", "type"}
    )

    type: Literal["response.code_interpreter_call_code.done"] = (
        "response.code_interpreter_call_code.done"
    )
    """The type of the event. Always `response.code_interpreter_call_code.done`."""
    output_index: int
    """The index of the output item in the response for which the code is finalized."""
    item_id: str
    """The unique identifier of the code interpreter tool call item."""
    code: str
    """The final code snippet output by the code interpreter."""
    sequence_number: int | None = None
    """The sequence number of this event, used to order streaming events."""


@attrs.frozen(kw_only=True)
class ResponseCodeInterpreterCallCompletedEvent(ResponseEvent):
    """Emitted when the code interpreter call is completed.

    Spec schema ``ResponseCodeInterpreterCallCompletedEvent``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset(
        {"item_id", "output_index", "sequence_number", "type"}
    )

    type: Literal["response.code_interpreter_call.completed"] = (
        "response.code_interpreter_call.completed"
    )
    """The type of the event. Always `response.code_interpreter_call.completed`."""
    output_index: int
    """The index of the output item in the response for which the code interpreter call is
    completed.
    """
    item_id: str
    """The unique identifier of the code interpreter tool call item."""
    sequence_number: int | None = None
    """The sequence number of this event, used to order streaming events."""


@attrs.frozen(kw_only=True)
class ResponseCodeInterpreterCallInProgressEvent(ResponseEvent):
    """Emitted when a code interpreter call is in progress.

    Spec schema ``ResponseCodeInterpreterCallInProgressEvent``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset(
        {"item_id", "output_index", "sequence_number", "type"}
    )

    type: Literal["response.code_interpreter_call.in_progress"] = (
        "response.code_interpreter_call.in_progress"
    )
    """The type of the event. Always `response.code_interpreter_call.in_progress`."""
    output_index: int
    """The index of the output item in the response for which the code interpreter call is in
    progress.
    """
    item_id: str
    """The unique identifier of the code interpreter tool call item."""
    sequence_number: int | None = None
    """The sequence number of this event, used to order streaming events."""


@attrs.frozen(kw_only=True)
class ResponseCodeInterpreterCallInterpretingEvent(ResponseEvent):
    """Emitted when the code interpreter is actively interpreting the code snippet.

    Spec schema ``ResponseCodeInterpreterCallInterpretingEvent``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset(
        {"item_id", "output_index", "sequence_number", "type"}
    )

    type: Literal["response.code_interpreter_call.interpreting"] = (
        "response.code_interpreter_call.interpreting"
    )
    """The type of the event. Always `response.code_interpreter_call.interpreting`."""
    output_index: int
    """The index of the output item in the response for which the code interpreter is interpreting
    code.
    """
    item_id: str
    """The unique identifier of the code interpreter tool call item."""
    sequence_number: int | None = None
    """The sequence number of this event, used to order streaming events."""


@attrs.frozen(kw_only=True)
class ResponseCompletedEvent(ResponseEvent):
    """Emitted when the model response is complete.

    Spec schema ``ResponseCompletedEvent``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset({"response", "sequence_number", "type"})

    type: Literal["response.completed"] = "response.completed"
    """The type of the event. Always `response.completed`."""
    response: Response
    """Properties of the completed response."""
    sequence_number: int | None = None
    """The sequence number for this event."""


@attrs.frozen(kw_only=True)
class ResponseContentPartAddedEvent(ResponseEvent):
    """Emitted when a new content part is added.

    Spec schema ``ResponseContentPartAddedEvent``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset(
        {"content_index", "item_id", "output_index", "part", "sequence_number", "type"}
    )

    type: Literal["response.content_part.added"] = "response.content_part.added"
    """The type of the event. Always `response.content_part.added`."""
    item_id: str
    """The ID of the output item that the content part was added to."""
    output_index: int
    """The index of the output item that the content part was added to."""
    content_index: int
    """The index of the content part that was added."""
    part: OutputContent
    """The content part that was added."""
    sequence_number: int | None = None
    """The sequence number of this event."""


@attrs.frozen(kw_only=True)
class ResponseContentPartDoneEvent(ResponseEvent):
    """Emitted when a content part is done.

    Spec schema ``ResponseContentPartDoneEvent``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset(
        {"content_index", "item_id", "output_index", "part", "sequence_number", "type"}
    )

    type: Literal["response.content_part.done"] = "response.content_part.done"
    """The type of the event. Always `response.content_part.done`."""
    item_id: str
    """The ID of the output item that the content part was added to."""
    output_index: int
    """The index of the output item that the content part was added to."""
    content_index: int
    """The index of the content part that is done."""
    sequence_number: int | None = None
    """The sequence number of this event."""
    part: OutputContent
    """The content part that is done."""


@attrs.frozen(kw_only=True)
class ResponseCreatedEvent(ResponseEvent):
    """An event that is emitted when a response is created.

    Spec schema ``ResponseCreatedEvent``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset({"response", "sequence_number", "type"})

    type: Literal["response.created"] = "response.created"
    """The type of the event. Always `response.created`."""
    response: Response
    """The response that was created."""
    sequence_number: int | None = None
    """The sequence number for this event."""


@attrs.frozen(kw_only=True)
class ResponseErrorEvent(ResponseEvent):
    """Emitted when an error occurs, in either of its two shapes.

    The spec sends the error's fields flat on the event (``code``,
    ``message``, ``param``); OpenAI has been recorded sending them nested,
    ``{"type": "error", "sequence_number": 2, "error": {"type", "code",
    "message", "param"}}`` (``vercel_openai_error_event_then_failed.sse``).
    Both parse into this class and each is written back in the shape it came
    in; :attr:`error_code` and :attr:`error_message` read either.

    Spec schema ``ResponseErrorEvent`` (plus the wire's ``error``).
    """

    # The spec requires code, message and param too; the nested shape has them
    # inside `error` instead, so neither shape's keys are required of both.
    _REQUIRED: ClassVar[frozenset[str]] = frozenset({"sequence_number", "type"})

    type: Literal["error"] = "error"
    """The type of the event. Always `error`."""
    code: str | None = None
    """The error code (the spec's flat shape)."""
    message: str | None = None
    """The error message (the spec's flat shape)."""
    param: str | None = None
    """The error parameter (the spec's flat shape)."""
    sequence_number: int | None = None
    """The sequence number of this event."""
    error: ResponseErrorEventError | None = None
    """The error, in the nested shape seen on the wire (not in the spec)."""

    @property
    def error_code(self) -> str | None:
        """The error code, from either shape."""
        if self.code is None and self.error is not None:
            return self.error.code
        return self.code

    @property
    def error_message(self) -> str | None:
        """The error message, from either shape."""
        if self.message is None and self.error is not None:
            return self.error.message
        return self.message


@attrs.frozen(kw_only=True)
class ResponseErrorEventError(Model):
    """The nested error of an ``error`` event as OpenAI sends it.

    Not in the spec; recorded from the live API
    (``vercel_openai_error_event_then_failed.sse``), and handled by openai-node.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset()

    type: str | None = None
    """The error's category, e.g. ``insufficient_quota``."""
    code: str | None = None
    """The error code."""
    message: str | None = None
    """A human-readable description of the error."""
    param: str | None = None
    """The request parameter the error is about."""


@attrs.frozen(kw_only=True)
class ResponseFileSearchCallCompletedEvent(ResponseEvent):
    """Emitted when a file search call is completed (results found).

    Spec schema ``ResponseFileSearchCallCompletedEvent``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset(
        {"item_id", "output_index", "sequence_number", "type"}
    )

    type: Literal["response.file_search_call.completed"] = "response.file_search_call.completed"
    """The type of the event. Always `response.file_search_call.completed`."""
    output_index: int
    """The index of the output item that the file search call is initiated."""
    item_id: str
    """The ID of the output item that the file search call is initiated."""
    sequence_number: int | None = None
    """The sequence number of this event."""


@attrs.frozen(kw_only=True)
class ResponseFileSearchCallInProgressEvent(ResponseEvent):
    """Emitted when a file search call is initiated.

    Spec schema ``ResponseFileSearchCallInProgressEvent``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset(
        {"item_id", "output_index", "sequence_number", "type"}
    )

    type: Literal["response.file_search_call.in_progress"] = "response.file_search_call.in_progress"
    """The type of the event. Always `response.file_search_call.in_progress`."""
    output_index: int
    """The index of the output item that the file search call is initiated."""
    item_id: str
    """The ID of the output item that the file search call is initiated."""
    sequence_number: int | None = None
    """The sequence number of this event."""


@attrs.frozen(kw_only=True)
class ResponseFileSearchCallSearchingEvent(ResponseEvent):
    """Emitted when a file search is currently searching.

    Spec schema ``ResponseFileSearchCallSearchingEvent``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset(
        {"item_id", "output_index", "sequence_number", "type"}
    )

    type: Literal["response.file_search_call.searching"] = "response.file_search_call.searching"
    """The type of the event. Always `response.file_search_call.searching`."""
    output_index: int
    """The index of the output item that the file search call is searching."""
    item_id: str
    """The ID of the output item that the file search call is initiated."""
    sequence_number: int | None = None
    """The sequence number of this event."""


@attrs.frozen(kw_only=True)
class ResponseFunctionCallArgumentsDeltaEvent(ResponseEvent):
    """Emitted when there is a partial function-call arguments delta.

    Spec schema ``ResponseFunctionCallArgumentsDeltaEvent``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset(
        {"delta", "item_id", "output_index", "sequence_number", "type"}
    )

    type: Literal["response.function_call_arguments.delta"] = (
        "response.function_call_arguments.delta"
    )
    """The type of the event. Always `response.function_call_arguments.delta`."""
    item_id: str
    """The ID of the output item that the function-call arguments delta is added to."""
    output_index: int
    """The index of the output item that the function-call arguments delta is added to."""
    sequence_number: int | None = None
    """The sequence number of this event."""
    delta: str
    """The function-call arguments delta that is added."""
    obfuscation: str | None = None
    """Random padding that hides the delta's length on the wire; not part of the text. Not in
    the spec for this event, but sent by OpenAI unless ``include_obfuscation`` is false."""


@attrs.frozen(kw_only=True)
class ResponseFunctionCallArgumentsDoneEvent(ResponseEvent):
    """Emitted when function-call arguments are finalized.

    Spec schema ``ResponseFunctionCallArgumentsDoneEvent``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset(
        {"arguments", "item_id", "name", "output_index", "sequence_number", "type"}
    )

    type: Literal["response.function_call_arguments.done"] = "response.function_call_arguments.done"
    item_id: str
    """The ID of the item."""
    name: str | None = None
    """The name of the function that was called."""
    output_index: int
    """The index of the output item."""
    sequence_number: int | None = None
    """The sequence number of this event."""
    arguments: str
    """The function-call arguments."""


@attrs.frozen(kw_only=True)
class ResponseShellCallCommandAddedStreamingEvent(ResponseEvent):
    """A streaming event that indicated a shell command was added to a tool call.

    Spec schema ``ResponseShellCallCommandAddedStreamingEvent``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset(
        {"command", "command_index", "output_index", "sequence_number", "type"}
    )

    type: Literal["response.shell_call_command.added"] = "response.shell_call_command.added"
    """The type of the event, always `response.shell_call_command.added`."""
    sequence_number: int | None = None
    """The sequence number of the event that was emitted."""
    output_index: int
    """The index of the output item that was updated."""
    command_index: int
    """The index of the shell command that was added."""
    command: str
    """The shell command that was added."""


@attrs.frozen(kw_only=True)
class ResponseShellCallCommandDeltaStreamingEvent(ResponseEvent):
    """A streaming event that indicated a shell command was incrementally updated.

    Spec schema ``ResponseShellCallCommandDeltaStreamingEvent``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset(
        {"command_index", "delta", "output_index", "sequence_number", "type"}
    )

    type: Literal["response.shell_call_command.delta"] = "response.shell_call_command.delta"
    """The type of the event, always `response.shell_call_command.delta`."""
    sequence_number: int | None = None
    """The sequence number of the event that was emitted."""
    output_index: int
    """The index of the output item that was updated."""
    command_index: int
    """The index of the shell command that was updated."""
    delta: str
    """The shell command delta that was appended."""
    obfuscation: str | None = None
    """An obfuscation string that was added to pad the event payload."""


@attrs.frozen(kw_only=True)
class ResponseShellCallCommandDoneStreamingEvent(ResponseEvent):
    """A streaming event that indicated a shell command was completed.

    Spec schema ``ResponseShellCallCommandDoneStreamingEvent``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset(
        {"command", "command_index", "output_index", "sequence_number", "type"}
    )

    type: Literal["response.shell_call_command.done"] = "response.shell_call_command.done"
    """The type of the event, always `response.shell_call_command.done`."""
    sequence_number: int | None = None
    """The sequence number of the event that was emitted."""
    output_index: int
    """The index of the output item that was updated."""
    command_index: int
    """The index of the shell command that was completed."""
    command: str
    """The final shell command that was emitted."""


@attrs.frozen(kw_only=True)
class ResponseShellCallOutputContentDeltaStreamingEvent(ResponseEvent):
    """A streaming event that indicated shell call output was incrementally added.

    Spec schema ``ResponseShellCallOutputContentDeltaStreamingEvent``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset(
        {"command_index", "delta", "item_id", "output_index", "sequence_number", "type"}
    )

    type: Literal["response.shell_call_output_content.delta"] = (
        "response.shell_call_output_content.delta"
    )
    """The type of the event, always `response.shell_call_output_content.delta`."""
    sequence_number: int | None = None
    """The sequence number of the event that was emitted."""
    item_id: str
    """The ID of the output item that was updated."""
    output_index: int
    """The index of the output item that was updated."""
    command_index: int
    """The index of the shell command that produced output."""
    delta: ShellCallOutputDelta
    """The stdout/stderr delta that was emitted."""


@attrs.frozen(kw_only=True)
class ResponseShellCallOutputContentDoneStreamingEvent(ResponseEvent):
    """A streaming event that indicated shell call output was completed.

    Spec schema ``ResponseShellCallOutputContentDoneStreamingEvent``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset(
        {"command_index", "item_id", "output", "output_index", "sequence_number", "type"}
    )

    type: Literal["response.shell_call_output_content.done"] = (
        "response.shell_call_output_content.done"
    )
    """The type of the event, always `response.shell_call_output_content.done`."""
    sequence_number: int | None = None
    """The sequence number of the event that was emitted."""
    item_id: str
    """The ID of the output item that was updated."""
    output_index: int
    """The index of the output item that was updated."""
    command_index: int
    """The index of the shell command that produced output."""
    output: tuple[FunctionShellCallOutputContent, ...]
    """The output contents emitted for the shell command."""


@attrs.frozen(kw_only=True)
class ResponseInProgressEvent(ResponseEvent):
    """Emitted when the response is in progress.

    Spec schema ``ResponseInProgressEvent``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset({"response", "sequence_number", "type"})

    type: Literal["response.in_progress"] = "response.in_progress"
    """The type of the event. Always `response.in_progress`."""
    response: Response
    """The response that is in progress."""
    sequence_number: int | None = None
    """The sequence number of this event."""


@attrs.frozen(kw_only=True)
class ResponseFailedEvent(ResponseEvent):
    """An event that is emitted when a response fails.

    Spec schema ``ResponseFailedEvent``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset({"response", "sequence_number", "type"})

    type: Literal["response.failed"] = "response.failed"
    """The type of the event. Always `response.failed`."""
    sequence_number: int | None = None
    """The sequence number of this event."""
    response: Response
    """The response that failed."""


@attrs.frozen(kw_only=True)
class ResponseIncompleteEvent(ResponseEvent):
    """An event that is emitted when a response finishes as incomplete.

    Spec schema ``ResponseIncompleteEvent``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset({"response", "sequence_number", "type"})

    type: Literal["response.incomplete"] = "response.incomplete"
    """The type of the event. Always `response.incomplete`."""
    response: Response
    """The response that was incomplete."""
    sequence_number: int | None = None
    """The sequence number of this event."""


@attrs.frozen(kw_only=True)
class ResponseOutputItemAddedEvent(ResponseEvent):
    """Emitted when a new output item is added.

    Spec schema ``ResponseOutputItemAddedEvent``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset(
        {"item", "output_index", "sequence_number", "type"}
    )

    type: Literal["response.output_item.added"] = "response.output_item.added"
    """The type of the event. Always `response.output_item.added`."""
    output_index: int
    """The index of the output item that was added."""
    sequence_number: int | None = None
    """The sequence number of this event."""
    item: OutputItem
    """The output item that was added. For reasoning items, `encrypted_content` may be incomplete
    while the item is in progress. Use the reasoning item from the corresponding
    `response.output_item.done` event when passing it as input to a subsequent request.
    """


@attrs.frozen(kw_only=True)
class ResponseOutputItemDoneEvent(ResponseEvent):
    """Emitted when an output item is marked done.

    Spec schema ``ResponseOutputItemDoneEvent``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset(
        {"item", "output_index", "sequence_number", "type"}
    )

    type: Literal["response.output_item.done"] = "response.output_item.done"
    """The type of the event. Always `response.output_item.done`."""
    output_index: int
    """The index of the output item that was marked done."""
    sequence_number: int | None = None
    """The sequence number of this event."""
    item: OutputItem
    """The output item that was marked done."""


@attrs.frozen(kw_only=True)
class ResponseReasoningSummaryPartAddedEvent(ResponseEvent):
    """Emitted when a new reasoning summary part is added.

    Spec schema ``ResponseReasoningSummaryPartAddedEvent``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset(
        {"item_id", "output_index", "part", "sequence_number", "summary_index", "type"}
    )

    type: Literal["response.reasoning_summary_part.added"] = "response.reasoning_summary_part.added"
    """The type of the event. Always `response.reasoning_summary_part.added`."""
    item_id: str
    """The ID of the item this summary part is associated with."""
    output_index: int
    """The index of the output item this summary part is associated with."""
    summary_index: int
    """The index of the summary part within the reasoning summary."""
    sequence_number: int | None = None
    """The sequence number of this event."""
    part: SummaryTextContent
    """The summary part that was added."""


@attrs.frozen(kw_only=True)
class ResponseReasoningSummaryPartDoneEvent(ResponseEvent):
    """Emitted when a reasoning summary part is completed.

    Spec schema ``ResponseReasoningSummaryPartDoneEvent``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset(
        {"item_id", "output_index", "part", "sequence_number", "summary_index", "type"}
    )

    type: Literal["response.reasoning_summary_part.done"] = "response.reasoning_summary_part.done"
    """The type of the event. Always `response.reasoning_summary_part.done`."""
    item_id: str
    """The ID of the item this summary part is associated with."""
    output_index: int
    """The index of the output item this summary part is associated with."""
    summary_index: int
    """The index of the summary part within the reasoning summary."""
    status: Literal["incomplete"] | None = None
    """The completion status of the summary part. Omitted when the part completed normally and set
    to `incomplete` when generation was interrupted.
    """
    sequence_number: int | None = None
    """The sequence number of this event."""
    part: SummaryTextContent
    """The completed summary part."""


@attrs.frozen(kw_only=True)
class ResponseReasoningSummaryTextDeltaEvent(ResponseEvent):
    """Emitted when a delta is added to a reasoning summary text.

    Spec schema ``ResponseReasoningSummaryTextDeltaEvent``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset(
        {"delta", "item_id", "output_index", "sequence_number", "summary_index", "type"}
    )

    type: Literal["response.reasoning_summary_text.delta"] = "response.reasoning_summary_text.delta"
    """The type of the event. Always `response.reasoning_summary_text.delta`."""
    item_id: str
    """The ID of the item this summary text delta is associated with."""
    output_index: int
    """The index of the output item this summary text delta is associated with."""
    summary_index: int
    """The index of the summary part within the reasoning summary."""
    delta: str
    """The text delta that was added to the summary."""
    sequence_number: int | None = None
    """The sequence number of this event."""
    obfuscation: str | None = None
    """Random padding that hides the delta's length on the wire; not part of the text. Not in
    the spec for this event, but sent by OpenAI unless ``include_obfuscation`` is false."""


@attrs.frozen(kw_only=True)
class ResponseReasoningSummaryTextDoneEvent(ResponseEvent):
    """Emitted when a reasoning summary text is completed.

    Spec schema ``ResponseReasoningSummaryTextDoneEvent``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset(
        {"item_id", "output_index", "sequence_number", "summary_index", "text", "type"}
    )

    type: Literal["response.reasoning_summary_text.done"] = "response.reasoning_summary_text.done"
    """The type of the event. Always `response.reasoning_summary_text.done`."""
    item_id: str
    """The ID of the item this summary text is associated with."""
    output_index: int
    """The index of the output item this summary text is associated with."""
    summary_index: int
    """The index of the summary part within the reasoning summary."""
    text: str
    """The full text of the completed reasoning summary."""
    sequence_number: int | None = None
    """The sequence number of this event."""


@attrs.frozen(kw_only=True)
class ResponseReasoningTextDeltaEvent(ResponseEvent):
    """Emitted when a delta is added to a reasoning text.

    Spec schema ``ResponseReasoningTextDeltaEvent``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset(
        {"content_index", "delta", "item_id", "output_index", "sequence_number", "type"}
    )

    type: Literal["response.reasoning_text.delta"] = "response.reasoning_text.delta"
    """The type of the event. Always `response.reasoning_text.delta`."""
    item_id: str
    """The ID of the item this reasoning text delta is associated with."""
    output_index: int
    """The index of the output item this reasoning text delta is associated with."""
    content_index: int
    """The index of the reasoning content part this delta is associated with."""
    delta: str
    """The text delta that was added to the reasoning content."""
    sequence_number: int | None = None
    """The sequence number of this event."""


@attrs.frozen(kw_only=True)
class ResponseReasoningTextDoneEvent(ResponseEvent):
    """Emitted when a reasoning text is completed.

    Spec schema ``ResponseReasoningTextDoneEvent``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset(
        {"content_index", "item_id", "output_index", "sequence_number", "text", "type"}
    )

    type: Literal["response.reasoning_text.done"] = "response.reasoning_text.done"
    """The type of the event. Always `response.reasoning_text.done`."""
    item_id: str
    """The ID of the item this reasoning text is associated with."""
    output_index: int
    """The index of the output item this reasoning text is associated with."""
    content_index: int
    """The index of the reasoning content part."""
    text: str
    """The full text of the completed reasoning content."""
    sequence_number: int | None = None
    """The sequence number of this event."""


@attrs.frozen(kw_only=True)
class ResponseRefusalDeltaEvent(ResponseEvent):
    """Emitted when there is a partial refusal text.

    Spec schema ``ResponseRefusalDeltaEvent``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset(
        {"content_index", "delta", "item_id", "output_index", "sequence_number", "type"}
    )

    type: Literal["response.refusal.delta"] = "response.refusal.delta"
    """The type of the event. Always `response.refusal.delta`."""
    item_id: str
    """The ID of the output item that the refusal text is added to."""
    output_index: int
    """The index of the output item that the refusal text is added to."""
    content_index: int
    """The index of the content part that the refusal text is added to."""
    delta: str
    """The refusal text that is added."""
    sequence_number: int | None = None
    """The sequence number of this event."""


@attrs.frozen(kw_only=True)
class ResponseRefusalDoneEvent(ResponseEvent):
    """Emitted when refusal text is finalized.

    Spec schema ``ResponseRefusalDoneEvent``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset(
        {"content_index", "item_id", "output_index", "refusal", "sequence_number", "type"}
    )

    type: Literal["response.refusal.done"] = "response.refusal.done"
    """The type of the event. Always `response.refusal.done`."""
    item_id: str
    """The ID of the output item that the refusal text is finalized."""
    output_index: int
    """The index of the output item that the refusal text is finalized."""
    content_index: int
    """The index of the content part that the refusal text is finalized."""
    refusal: str
    """The refusal text that is finalized."""
    sequence_number: int | None = None
    """The sequence number of this event."""


@attrs.frozen(kw_only=True)
class ResponseTextDeltaEvent(ResponseEvent):
    """Emitted when there is an additional text delta.

    Spec schema ``ResponseTextDeltaEvent``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset(
        {"content_index", "delta", "item_id", "logprobs", "output_index", "sequence_number", "type"}
    )

    type: Literal["response.output_text.delta"] = "response.output_text.delta"
    """The type of the event. Always `response.output_text.delta`."""
    item_id: str
    """The ID of the output item that the text delta was added to."""
    output_index: int
    """The index of the output item that the text delta was added to."""
    content_index: int
    """The index of the content part that the text delta was added to."""
    delta: str
    """The text delta that was added."""
    sequence_number: int | None = None
    """The sequence number for this event."""
    logprobs: tuple[ResponseLogProb, ...]
    """The log probabilities of the tokens in the delta."""
    obfuscation: str | None = None
    """Random padding that hides the delta's length on the wire; not part of the text. Not in
    the spec for this event, but sent by OpenAI unless ``include_obfuscation`` is false."""


@attrs.frozen(kw_only=True)
class ResponseTextDoneEvent(ResponseEvent):
    """Emitted when text content is finalized.

    Spec schema ``ResponseTextDoneEvent``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset(
        {"content_index", "item_id", "logprobs", "output_index", "sequence_number", "text", "type"}
    )

    type: Literal["response.output_text.done"] = "response.output_text.done"
    """The type of the event. Always `response.output_text.done`."""
    item_id: str
    """The ID of the output item that the text content is finalized."""
    output_index: int
    """The index of the output item that the text content is finalized."""
    content_index: int
    """The index of the content part that the text content is finalized."""
    text: str
    """The text content that is finalized."""
    sequence_number: int | None = None
    """The sequence number for this event."""
    logprobs: tuple[ResponseLogProb, ...]
    """The log probabilities of the tokens in the delta."""


@attrs.frozen(kw_only=True)
class ResponseWebSearchCallCompletedEvent(ResponseEvent):
    """Emitted when a web search call is completed.

    Spec schema ``ResponseWebSearchCallCompletedEvent``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset(
        {"item_id", "output_index", "sequence_number", "type"}
    )

    type: Literal["response.web_search_call.completed"] = "response.web_search_call.completed"
    """The type of the event. Always `response.web_search_call.completed`."""
    output_index: int
    """The index of the output item that the web search call is associated with."""
    item_id: str
    """Unique ID for the output item associated with the web search call."""
    sequence_number: int | None = None
    """The sequence number of the web search call being processed."""


@attrs.frozen(kw_only=True)
class ResponseWebSearchCallInProgressEvent(ResponseEvent):
    """Emitted when a web search call is initiated.

    Spec schema ``ResponseWebSearchCallInProgressEvent``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset(
        {"item_id", "output_index", "sequence_number", "type"}
    )

    type: Literal["response.web_search_call.in_progress"] = "response.web_search_call.in_progress"
    """The type of the event. Always `response.web_search_call.in_progress`."""
    output_index: int
    """The index of the output item that the web search call is associated with."""
    item_id: str
    """Unique ID for the output item associated with the web search call."""
    sequence_number: int | None = None
    """The sequence number of the web search call being processed."""


@attrs.frozen(kw_only=True)
class ResponseWebSearchCallSearchingEvent(ResponseEvent):
    """Emitted when a web search call is executing.

    Spec schema ``ResponseWebSearchCallSearchingEvent``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset(
        {"item_id", "output_index", "sequence_number", "type"}
    )

    type: Literal["response.web_search_call.searching"] = "response.web_search_call.searching"
    """The type of the event. Always `response.web_search_call.searching`."""
    output_index: int
    """The index of the output item that the web search call is associated with."""
    item_id: str
    """Unique ID for the output item associated with the web search call."""
    sequence_number: int | None = None
    """The sequence number of the web search call being processed."""


@attrs.frozen(kw_only=True)
class ResponseImageGenCallCompletedEvent(ResponseEvent):
    """Emitted when an image generation tool call has completed and the final image is available.

    Spec schema ``ResponseImageGenCallCompletedEvent``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset(
        {"item_id", "output_index", "sequence_number", "type"}
    )

    type: Literal["response.image_generation_call.completed"] = (
        "response.image_generation_call.completed"
    )
    """The type of the event. Always 'response.image_generation_call.completed'."""
    output_index: int
    """The index of the output item in the response's output array."""
    sequence_number: int | None = None
    """The sequence number of this event."""
    item_id: str
    """The unique identifier of the image generation item being processed."""


@attrs.frozen(kw_only=True)
class ResponseImageGenCallGeneratingEvent(ResponseEvent):
    """Emitted when an image generation tool call is actively generating an image (intermediate
    state).

    Spec schema ``ResponseImageGenCallGeneratingEvent``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset(
        {"item_id", "output_index", "sequence_number", "type"}
    )

    type: Literal["response.image_generation_call.generating"] = (
        "response.image_generation_call.generating"
    )
    """The type of the event. Always 'response.image_generation_call.generating'."""
    output_index: int
    """The index of the output item in the response's output array."""
    item_id: str
    """The unique identifier of the image generation item being processed."""
    sequence_number: int | None = None
    """The sequence number of the image generation item being processed."""


@attrs.frozen(kw_only=True)
class ResponseImageGenCallInProgressEvent(ResponseEvent):
    """Emitted when an image generation tool call is in progress.

    Spec schema ``ResponseImageGenCallInProgressEvent``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset(
        {"item_id", "output_index", "sequence_number", "type"}
    )

    type: Literal["response.image_generation_call.in_progress"] = (
        "response.image_generation_call.in_progress"
    )
    """The type of the event. Always 'response.image_generation_call.in_progress'."""
    output_index: int
    """The index of the output item in the response's output array."""
    item_id: str
    """The unique identifier of the image generation item being processed."""
    sequence_number: int | None = None
    """The sequence number of the image generation item being processed."""


@attrs.frozen(kw_only=True)
class ResponseImageGenCallPartialImageEvent(ResponseEvent):
    """Emitted when a partial image is available during image generation streaming.

    Spec schema ``ResponseImageGenCallPartialImageEvent``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset(
        {
            "item_id",
            "output_index",
            "partial_image_b64",
            "partial_image_index",
            "sequence_number",
            "type",
        }
    )

    type: Literal["response.image_generation_call.partial_image"] = (
        "response.image_generation_call.partial_image"
    )
    """The type of the event. Always 'response.image_generation_call.partial_image'."""
    output_index: int
    """The index of the output item in the response's output array."""
    item_id: str
    """The unique identifier of the image generation item being processed."""
    sequence_number: int | None = None
    """The sequence number of the image generation item being processed."""
    partial_image_index: int
    """0-based index for the partial image (backend is 1-based, but this is 0-based for the user).
    """
    partial_image_b64: str
    """Base64-encoded partial image data, suitable for rendering as an image."""
    size: str | None = None
    """The image size that was used."""
    quality: str | None = None
    """The image quality that was used."""
    background: str | None = None
    """The background setting that was used."""
    output_format: str | None = None
    """The output format that was used."""


@attrs.frozen(kw_only=True)
class ResponseMCPCallArgumentsDeltaEvent(ResponseEvent):
    """Emitted when there is a delta (partial update) to the arguments of an MCP tool call.

    Spec schema ``ResponseMCPCallArgumentsDeltaEvent``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset(
        {"delta", "item_id", "output_index", "sequence_number", "type"}
    )

    type: Literal["response.mcp_call_arguments.delta"] = "response.mcp_call_arguments.delta"
    """The type of the event. Always 'response.mcp_call_arguments.delta'."""
    output_index: int
    """The index of the output item in the response's output array."""
    item_id: str
    """The unique identifier of the MCP tool call item being processed."""
    delta: str
    """A JSON string containing the partial update to the arguments for the MCP tool call."""
    sequence_number: int | None = None
    """The sequence number of this event."""
    obfuscation: str | None = None
    """Random padding that hides the delta's length on the wire; not part of the text. Not in
    the spec for this event, but sent by OpenAI unless ``include_obfuscation`` is false."""


@attrs.frozen(kw_only=True)
class ResponseMCPCallArgumentsDoneEvent(ResponseEvent):
    """Emitted when the arguments for an MCP tool call are finalized.

    Spec schema ``ResponseMCPCallArgumentsDoneEvent``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset(
        {"arguments", "item_id", "output_index", "sequence_number", "type"}
    )

    type: Literal["response.mcp_call_arguments.done"] = "response.mcp_call_arguments.done"
    """The type of the event. Always 'response.mcp_call_arguments.done'."""
    output_index: int
    """The index of the output item in the response's output array."""
    item_id: str
    """The unique identifier of the MCP tool call item being processed."""
    arguments: str
    """A JSON string containing the finalized arguments for the MCP tool call."""
    sequence_number: int | None = None
    """The sequence number of this event."""


@attrs.frozen(kw_only=True)
class ResponseMCPCallCompletedEvent(ResponseEvent):
    """Emitted when an MCP tool call has completed successfully.

    Spec schema ``ResponseMCPCallCompletedEvent``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset(
        {"item_id", "output_index", "sequence_number", "type"}
    )

    type: Literal["response.mcp_call.completed"] = "response.mcp_call.completed"
    """The type of the event. Always 'response.mcp_call.completed'."""
    item_id: str
    """The ID of the MCP tool call item that completed."""
    output_index: int
    """The index of the output item that completed."""
    sequence_number: int | None = None
    """The sequence number of this event."""


@attrs.frozen(kw_only=True)
class ResponseMCPCallFailedEvent(ResponseEvent):
    """Emitted when an MCP tool call has failed.

    Spec schema ``ResponseMCPCallFailedEvent``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset(
        {"item_id", "output_index", "sequence_number", "type"}
    )

    type: Literal["response.mcp_call.failed"] = "response.mcp_call.failed"
    """The type of the event. Always 'response.mcp_call.failed'."""
    item_id: str
    """The ID of the MCP tool call item that failed."""
    output_index: int
    """The index of the output item that failed."""
    sequence_number: int | None = None
    """The sequence number of this event."""


@attrs.frozen(kw_only=True)
class ResponseMCPCallInProgressEvent(ResponseEvent):
    """Emitted when an MCP tool call is in progress.

    Spec schema ``ResponseMCPCallInProgressEvent``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset(
        {"item_id", "output_index", "sequence_number", "type"}
    )

    type: Literal["response.mcp_call.in_progress"] = "response.mcp_call.in_progress"
    """The type of the event. Always 'response.mcp_call.in_progress'."""
    sequence_number: int | None = None
    """The sequence number of this event."""
    output_index: int
    """The index of the output item in the response's output array."""
    item_id: str
    """The unique identifier of the MCP tool call item being processed."""


@attrs.frozen(kw_only=True)
class ResponseMCPListToolsCompletedEvent(ResponseEvent):
    """Emitted when the list of available MCP tools has been successfully retrieved.

    Spec schema ``ResponseMCPListToolsCompletedEvent``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset(
        {"item_id", "output_index", "sequence_number", "type"}
    )

    type: Literal["response.mcp_list_tools.completed"] = "response.mcp_list_tools.completed"
    """The type of the event. Always 'response.mcp_list_tools.completed'."""
    item_id: str
    """The ID of the MCP tool call item that produced this output."""
    output_index: int
    """The index of the output item that was processed."""
    sequence_number: int | None = None
    """The sequence number of this event."""


@attrs.frozen(kw_only=True)
class ResponseMCPListToolsFailedEvent(ResponseEvent):
    """Emitted when the attempt to list available MCP tools has failed.

    Spec schema ``ResponseMCPListToolsFailedEvent``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset(
        {"item_id", "output_index", "sequence_number", "type"}
    )

    type: Literal["response.mcp_list_tools.failed"] = "response.mcp_list_tools.failed"
    """The type of the event. Always 'response.mcp_list_tools.failed'."""
    item_id: str
    """The ID of the MCP tool call item that failed."""
    output_index: int
    """The index of the output item that failed."""
    sequence_number: int | None = None
    """The sequence number of this event."""


@attrs.frozen(kw_only=True)
class ResponseMCPListToolsInProgressEvent(ResponseEvent):
    """Emitted when the system is in the process of retrieving the list of available MCP tools.

    Spec schema ``ResponseMCPListToolsInProgressEvent``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset(
        {"item_id", "output_index", "sequence_number", "type"}
    )

    type: Literal["response.mcp_list_tools.in_progress"] = "response.mcp_list_tools.in_progress"
    """The type of the event. Always 'response.mcp_list_tools.in_progress'."""
    item_id: str
    """The ID of the MCP tool call item that is being processed."""
    output_index: int
    """The index of the output item that is being processed."""
    sequence_number: int | None = None
    """The sequence number of this event."""


@attrs.frozen(kw_only=True)
class ResponseOutputTextAnnotationAddedEvent(ResponseEvent):
    """Emitted when an annotation is added to output text content.

    Spec schema ``ResponseOutputTextAnnotationAddedEvent``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset(
        {
            "annotation",
            "annotation_index",
            "content_index",
            "item_id",
            "output_index",
            "sequence_number",
            "type",
        }
    )

    type: Literal["response.output_text.annotation.added"] = "response.output_text.annotation.added"
    """The type of the event. Always 'response.output_text.annotation.added'."""
    item_id: str
    """The unique identifier of the item to which the annotation is being added."""
    output_index: int
    """The index of the output item in the response's output array."""
    content_index: int
    """The index of the content part within the output item."""
    annotation_index: int
    """The index of the annotation within the content part."""
    sequence_number: int | None = None
    """The sequence number of this event."""
    annotation: Annotation | None = None
    """The annotation object being added. (See annotation schema for details.) Always sent, possibly
    as ``null``.
    """


@attrs.frozen(kw_only=True)
class ResponseQueuedEvent(ResponseEvent):
    """Emitted when a response is queued and waiting to be processed.

    Spec schema ``ResponseQueuedEvent``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset({"response", "sequence_number", "type"})

    type: Literal["response.queued"] = "response.queued"
    """The type of the event. Always 'response.queued'."""
    response: Response
    """The full response object that is queued."""
    sequence_number: int | None = None
    """The sequence number for this event."""


@attrs.frozen(kw_only=True)
class ResponseCustomToolCallInputDeltaEvent(ResponseEvent):
    """Event representing a delta (partial update) to the input of a custom tool call.

    Spec schema ``ResponseCustomToolCallInputDeltaEvent``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset(
        {"delta", "item_id", "output_index", "sequence_number", "type"}
    )

    type: Literal["response.custom_tool_call_input.delta"] = "response.custom_tool_call_input.delta"
    """The event type identifier."""
    sequence_number: int | None = None
    """The sequence number of this event."""
    output_index: int
    """The index of the output this delta applies to."""
    item_id: str
    """Unique identifier for the API item associated with this event."""
    delta: str
    """The incremental input data (delta) for the custom tool call."""


@attrs.frozen(kw_only=True)
class ResponseCustomToolCallInputDoneEvent(ResponseEvent):
    """Event indicating that input for a custom tool call is complete.

    Spec schema ``ResponseCustomToolCallInputDoneEvent``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset(
        {"input", "item_id", "output_index", "sequence_number", "type"}
    )

    type: Literal["response.custom_tool_call_input.done"] = "response.custom_tool_call_input.done"
    """The event type identifier."""
    sequence_number: int | None = None
    """The sequence number of this event."""
    output_index: int
    """The index of the output this event applies to."""
    item_id: str
    """Unique identifier for the API item associated with this event."""
    input: str
    """The complete input data for the custom tool call."""


@attrs.frozen(kw_only=True)
class ShellCallOutputDelta(Model):
    """A delta of stdout/stderr emitted while a shell call was running.

    Spec schema ``ShellCallOutputDelta``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset()

    stdout: str | None = None
    """The stdout delta that was emitted."""
    stderr: str | None = None
    """The stderr delta that was emitted."""


@attrs.frozen(kw_only=True)
class ResponseApplyPatchCallOperationDiffDeltaEvent(ResponseEvent):
    """Emitted when a fragment of an ``apply_patch_call``'s operation diff streams in.

    Not in the spec; sent by OpenAI for the apply_patch tool
    (``vercel_openai_apply_patch_diff_delta.sse``). The delta appends to the
    item's ``operation.diff``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset()

    type: Literal["response.apply_patch_call_operation_diff.delta"] = (
        "response.apply_patch_call_operation_diff.delta"
    )
    """The type of the event. Always `response.apply_patch_call_operation_diff.delta`."""
    sequence_number: int | None = None
    """The sequence number of this event."""
    item_id: str | None = None
    """The ID of the apply patch tool call item."""
    output_index: int | None = None
    """The index of the output item in the response's output array."""
    delta: str | None = None
    """The fragment of the diff."""
    obfuscation: str | None = None
    """Random padding that hides the delta's length on the wire; not part of the diff."""


@attrs.frozen(kw_only=True)
class ResponseApplyPatchCallOperationDiffDoneEvent(ResponseEvent):
    """Emitted when an ``apply_patch_call``'s operation diff is complete.

    Not in the spec; sent by OpenAI for the apply_patch tool
    (``vercel_openai_apply_patch_diff_delta.sse``).
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset()

    type: Literal["response.apply_patch_call_operation_diff.done"] = (
        "response.apply_patch_call_operation_diff.done"
    )
    """The type of the event. Always `response.apply_patch_call_operation_diff.done`."""
    sequence_number: int | None = None
    """The sequence number of this event."""
    item_id: str | None = None
    """The ID of the apply patch tool call item."""
    output_index: int | None = None
    """The index of the output item in the response's output array."""
    diff: str | None = None
    """The whole diff."""


@attrs.frozen(kw_only=True)
class ResponseKeepaliveEvent(ResponseEvent):
    """A keep-alive that changes nothing: ``{"type": "keepalive", "sequence_number": N}``.

    Not in the spec; handled by openai-node's accumulator.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset()

    type: Literal["keepalive"] = "keepalive"
    """The type of the event. Always `keepalive`."""
    sequence_number: int | None = None
    """The sequence number of this event."""


ResponseStreamEvent: TypeAlias = (
    ResponseAudioDeltaEvent
    | ResponseAudioDoneEvent
    | ResponseAudioTranscriptDeltaEvent
    | ResponseAudioTranscriptDoneEvent
    | ResponseCodeInterpreterCallCodeDeltaEvent
    | ResponseCodeInterpreterCallCodeDoneEvent
    | ResponseCodeInterpreterCallCompletedEvent
    | ResponseCodeInterpreterCallInProgressEvent
    | ResponseCodeInterpreterCallInterpretingEvent
    | ResponseCompletedEvent
    | ResponseContentPartAddedEvent
    | ResponseContentPartDoneEvent
    | ResponseCreatedEvent
    | ResponseErrorEvent
    | ResponseFileSearchCallCompletedEvent
    | ResponseFileSearchCallInProgressEvent
    | ResponseFileSearchCallSearchingEvent
    | ResponseFunctionCallArgumentsDeltaEvent
    | ResponseFunctionCallArgumentsDoneEvent
    | ResponseShellCallCommandAddedStreamingEvent
    | ResponseShellCallCommandDeltaStreamingEvent
    | ResponseShellCallCommandDoneStreamingEvent
    | ResponseShellCallOutputContentDeltaStreamingEvent
    | ResponseShellCallOutputContentDoneStreamingEvent
    | ResponseInProgressEvent
    | ResponseFailedEvent
    | ResponseIncompleteEvent
    | ResponseOutputItemAddedEvent
    | ResponseOutputItemDoneEvent
    | ResponseReasoningSummaryPartAddedEvent
    | ResponseReasoningSummaryPartDoneEvent
    | ResponseReasoningSummaryTextDeltaEvent
    | ResponseReasoningSummaryTextDoneEvent
    | ResponseReasoningTextDeltaEvent
    | ResponseReasoningTextDoneEvent
    | ResponseRefusalDeltaEvent
    | ResponseRefusalDoneEvent
    | ResponseTextDeltaEvent
    | ResponseTextDoneEvent
    | ResponseWebSearchCallCompletedEvent
    | ResponseWebSearchCallInProgressEvent
    | ResponseWebSearchCallSearchingEvent
    | ResponseImageGenCallCompletedEvent
    | ResponseImageGenCallGeneratingEvent
    | ResponseImageGenCallInProgressEvent
    | ResponseImageGenCallPartialImageEvent
    | ResponseMCPCallArgumentsDeltaEvent
    | ResponseMCPCallArgumentsDoneEvent
    | ResponseMCPCallCompletedEvent
    | ResponseMCPCallFailedEvent
    | ResponseMCPCallInProgressEvent
    | ResponseMCPListToolsCompletedEvent
    | ResponseMCPListToolsFailedEvent
    | ResponseMCPListToolsInProgressEvent
    | ResponseOutputTextAnnotationAddedEvent
    | ResponseQueuedEvent
    | ResponseCustomToolCallInputDeltaEvent
    | ResponseCustomToolCallInputDoneEvent
    | ResponseApplyPatchCallOperationDiffDeltaEvent
    | ResponseApplyPatchCallOperationDiffDoneEvent
    | ResponseKeepaliveEvent
)
"""Any known event of the Responses stream: the spec's 58 (``ResponseStreamEvent``), plus
``keepalive`` and the ``apply_patch_call_operation_diff`` pair seen on the wire. Told apart by
``type``; see :func:`streamkit._responses.parse.parse_response_event` for parsing, which gives
:class:`~streamkit.models.DoneEvent` for ``[DONE]`` and :class:`~streamkit.models.UnknownEvent`
for a ``type`` this version does not know."""

ParsedResponseEvent: TypeAlias = ResponseStreamEvent | DoneEvent | UnknownEvent
"""What parsing one event of a Responses stream gives: a known event, the ``[DONE]`` sentinel
some servers send, or an event of an unknown ``type`` kept with its payload."""

#: Event ``type`` -> its class, for every class of :data:`ResponseStreamEvent`.
RESPONSE_EVENT_CLASSES: Mapping[str, type[ResponseEvent]] = MappingProxyType(
    {
        # A slotted attrs class keeps a field's default in its attrs.Attribute only.
        attrs.fields(cls).type.default: cls
        for cls in (
            ResponseAudioDeltaEvent,
            ResponseAudioDoneEvent,
            ResponseAudioTranscriptDeltaEvent,
            ResponseAudioTranscriptDoneEvent,
            ResponseCodeInterpreterCallCodeDeltaEvent,
            ResponseCodeInterpreterCallCodeDoneEvent,
            ResponseCodeInterpreterCallCompletedEvent,
            ResponseCodeInterpreterCallInProgressEvent,
            ResponseCodeInterpreterCallInterpretingEvent,
            ResponseCompletedEvent,
            ResponseContentPartAddedEvent,
            ResponseContentPartDoneEvent,
            ResponseCreatedEvent,
            ResponseErrorEvent,
            ResponseFileSearchCallCompletedEvent,
            ResponseFileSearchCallInProgressEvent,
            ResponseFileSearchCallSearchingEvent,
            ResponseFunctionCallArgumentsDeltaEvent,
            ResponseFunctionCallArgumentsDoneEvent,
            ResponseShellCallCommandAddedStreamingEvent,
            ResponseShellCallCommandDeltaStreamingEvent,
            ResponseShellCallCommandDoneStreamingEvent,
            ResponseShellCallOutputContentDeltaStreamingEvent,
            ResponseShellCallOutputContentDoneStreamingEvent,
            ResponseInProgressEvent,
            ResponseFailedEvent,
            ResponseIncompleteEvent,
            ResponseOutputItemAddedEvent,
            ResponseOutputItemDoneEvent,
            ResponseReasoningSummaryPartAddedEvent,
            ResponseReasoningSummaryPartDoneEvent,
            ResponseReasoningSummaryTextDeltaEvent,
            ResponseReasoningSummaryTextDoneEvent,
            ResponseReasoningTextDeltaEvent,
            ResponseReasoningTextDoneEvent,
            ResponseRefusalDeltaEvent,
            ResponseRefusalDoneEvent,
            ResponseTextDeltaEvent,
            ResponseTextDoneEvent,
            ResponseWebSearchCallCompletedEvent,
            ResponseWebSearchCallInProgressEvent,
            ResponseWebSearchCallSearchingEvent,
            ResponseImageGenCallCompletedEvent,
            ResponseImageGenCallGeneratingEvent,
            ResponseImageGenCallInProgressEvent,
            ResponseImageGenCallPartialImageEvent,
            ResponseMCPCallArgumentsDeltaEvent,
            ResponseMCPCallArgumentsDoneEvent,
            ResponseMCPCallCompletedEvent,
            ResponseMCPCallFailedEvent,
            ResponseMCPCallInProgressEvent,
            ResponseMCPListToolsCompletedEvent,
            ResponseMCPListToolsFailedEvent,
            ResponseMCPListToolsInProgressEvent,
            ResponseOutputTextAnnotationAddedEvent,
            ResponseQueuedEvent,
            ResponseCustomToolCallInputDeltaEvent,
            ResponseCustomToolCallInputDoneEvent,
            ResponseApplyPatchCallOperationDiffDeltaEvent,
            ResponseApplyPatchCallOperationDiffDoneEvent,
            ResponseKeepaliveEvent,
        )
    }
)
