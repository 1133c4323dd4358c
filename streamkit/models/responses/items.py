"""Output items: messages, reasoning, and every kind of tool call and its output.

Generated from tests/data/responses-stream-schema.json, then kept by hand: see
tests/test_responses_models.py, which checks every object and field of the extract has its
model here.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar, Literal, TypeAlias

import attrs

from streamkit.models.base import STREAMED, Model, UnknownObject

from .content import OutputMessageContent, ReasoningTextContent, SummaryTextContent
from .tools import Tool

__all__ = [
    "AdditionalTools",
    "ApplyPatchCreateFileOperation",
    "ApplyPatchDeleteFileOperation",
    "ApplyPatchToolCall",
    "ApplyPatchToolCallOperation",
    "ApplyPatchToolCallOutput",
    "ApplyPatchUpdateFileOperation",
    "ClickParam",
    "CodeInterpreterOutputImage",
    "CodeInterpreterOutputLogs",
    "CodeInterpreterToolCall",
    "CodeInterpreterToolCallOutput",
    "CompactionBody",
    "ComputerAction",
    "ComputerCallSafetyCheckParam",
    "ComputerScreenshotImage",
    "ComputerToolCall",
    "ComputerToolCallOutputResource",
    "ContainerReferenceResource",
    "CoordParam",
    "CustomToolCall",
    "CustomToolCallOutputResource",
    "DirectToolCallCaller",
    "DirectToolCallCallerParam",
    "DoubleClickAction",
    "DragParam",
    "FileSearchToolCall",
    "FileSearchToolCallResult",
    "FunctionShellAction",
    "FunctionShellCall",
    "FunctionShellCallEnvironment",
    "FunctionShellCallOutput",
    "FunctionShellCallOutputContent",
    "FunctionShellCallOutputContentOutcome",
    "FunctionShellCallOutputExitOutcome",
    "FunctionShellCallOutputTimeoutOutcome",
    "FunctionToolCall",
    "FunctionToolCallOutputResource",
    "HTTPError",
    "ImageGenToolCall",
    "KeyPressAction",
    "LocalEnvironmentResource",
    "LocalShellExecAction",
    "LocalShellToolCall",
    "LocalShellToolCallOutput",
    "MCPApprovalRequest",
    "MCPApprovalResponseResource",
    "MCPListTools",
    "MCPListToolsTool",
    "MCPProtocolError",
    "MCPToolCall",
    "MCPToolCallError",
    "MCPToolExecutionError",
    "MoveParam",
    "OutputItem",
    "OutputMessage",
    "Program",
    "ProgramOutput",
    "ProgramToolCallCaller",
    "ProgramToolCallCallerParam",
    "ReasoningItem",
    "ScreenshotParam",
    "ScrollParam",
    "ToolCallCaller",
    "ToolCallCallerParam",
    "ToolSearchCall",
    "ToolSearchOutput",
    "TypeParam",
    "WaitParam",
    "WebSearchActionFind",
    "WebSearchActionOpenPage",
    "WebSearchActionSearch",
    "WebSearchActionSearchApiSource",
    "WebSearchActionSearchSource",
    "WebSearchSource",
    "WebSearchToolCall",
    "WebSearchToolCallAction",
]


@attrs.frozen(kw_only=True)
class OutputMessage(Model):
    """An output message from the model.

    Spec schema ``OutputMessage``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset({"content", "id", "role", "status", "type"})

    id: str
    """The unique ID of the output message."""
    type: Literal["message"] = "message"
    """The type of the output message. Always `message`."""
    role: Literal["assistant"] = "assistant"
    """The role of the output message. Always `assistant`."""
    content: tuple[OutputMessageContent, ...]
    """The content of the output message."""
    phase: Literal["commentary", "final_answer"] | None = None
    status: Literal["in_progress", "completed", "incomplete"]
    """The status of the message input. One of `in_progress`, `completed`, or `incomplete`.
    Populated when input items are returned via API.
    """


@attrs.frozen(kw_only=True)
class FileSearchToolCall(Model):
    """The results of a file search tool call. See the file search guide for more information.

    Spec schema ``FileSearchToolCall``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset({"id", "queries", "status", "type"})

    id: str
    """The unique ID of the file search tool call."""
    type: Literal["file_search_call"] = "file_search_call"
    """The type of the file search tool call. Always `file_search_call`."""
    status: Literal["in_progress", "searching", "completed", "incomplete", "failed"]
    """The status of the file search tool call. One of `in_progress`, `searching`, `incomplete` or
    `failed`,
    """
    queries: tuple[str, ...]
    """The queries used to search for files."""
    results: tuple[FileSearchToolCallResult, ...] | None = None
    """The results of the file search tool call."""


@attrs.frozen(kw_only=True)
class FileSearchToolCallResult(Model):
    """One result of a file search: a chunk of a file, its score and attributes.

    Spec schema ``FileSearchToolCall.results[]``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset()

    file_id: str | None = None
    """The unique ID of the file."""
    text: str | None = None
    """The text that was retrieved from the file."""
    filename: str | None = None
    """The name of the file."""
    attributes: Mapping[str, Any] | None = None
    score: float | None = None
    """The relevance score of the file - a value between 0 and 1."""


@attrs.frozen(kw_only=True)
class FunctionToolCall(Model):
    """A tool call to run a function. See the function calling guide for more information.

    Spec schema ``FunctionToolCall``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset({"arguments", "call_id", "name", "type"})

    id: str | None = None
    """The unique ID of the function tool call."""
    type: Literal["function_call"] = "function_call"
    """The type of the function tool call. Always `function_call`."""
    call_id: str
    """The unique ID of the function tool call generated by the model."""
    caller: ToolCallCaller | None = None
    namespace: str | None = None
    """The namespace of the function to run."""
    name: str
    """The name of the function to run."""
    arguments: str = attrs.field(metadata={STREAMED: True})
    """A JSON string of the arguments to pass to the function. Streamed: deltas append to it."""
    status: Literal["in_progress", "completed", "incomplete"] | None = None
    """The status of the item. One of `in_progress`, `completed`, or `incomplete`. Populated when
    items are returned via API.
    """


@attrs.frozen(kw_only=True)
class DirectToolCallCaller(Model):
    """A tool call made directly by the model (``caller.type`` ``direct``).

    Spec schema ``DirectToolCallCaller``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset({"type"})

    type: Literal["direct"] = "direct"


@attrs.frozen(kw_only=True)
class ProgramToolCallCaller(Model):
    """A tool call made by a program item (programmatic tool calling).

    Spec schema ``ProgramToolCallCaller``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset({"caller_id", "type"})

    type: Literal["program"] = "program"
    caller_id: str
    """The call ID of the program item that produced this tool call."""


@attrs.frozen(kw_only=True)
class FunctionToolCallOutputResource(Model):
    """The output of a function tool call.

    Spec schema ``FunctionToolCallOutputResource``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset({"id", "output", "status", "type"})

    id: str
    """The unique ID of the function call tool output."""
    type: Literal["function_call_output"] = "function_call_output"
    """The type of the function tool call output. Always `function_call_output`."""
    call_id: str | None = None
    """The unique ID of the function tool call generated by the model."""
    name: str | None = None
    """The name of the tool that produced the output."""
    namespace: str | None = None
    """The namespace of the tool that produced the output."""
    caller: ToolCallCallerParam | None = None
    output: Any
    """The output from the function call generated by your code. Can be a string or an list of
    output content. Free-form JSON: a union of values of several JSON types.
    """
    status: Literal["in_progress", "completed", "incomplete"]
    """The status of the item. One of `in_progress`, `completed`, or `incomplete`. Populated when
    items are returned via API.
    """
    created_by: str | None = None
    """The identifier of the actor that created the item."""


@attrs.frozen(kw_only=True)
class DirectToolCallCallerParam(Model):
    """The ``direct`` caller of a tool call, in the request form.

    Spec schema ``DirectToolCallCallerParam``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset({"type"})

    type: Literal["direct"] = "direct"
    """The caller type. Always `direct`."""


@attrs.frozen(kw_only=True)
class ProgramToolCallCallerParam(Model):
    """The ``program`` caller of a tool call, in the request form.

    Spec schema ``ProgramToolCallCallerParam``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset({"caller_id", "type"})

    type: Literal["program"] = "program"
    """The caller type. Always `program`."""
    caller_id: str
    """The call ID of the program item that produced this tool call."""


@attrs.frozen(kw_only=True)
class WebSearchToolCall(Model):
    """The results of a web search tool call. See the web search guide for more information.

    Spec schema ``WebSearchToolCall``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset({"action", "id", "status", "type"})

    id: str
    """The unique ID of the web search tool call."""
    type: Literal["web_search_call"] = "web_search_call"
    """The type of the web search tool call. Always `web_search_call`."""
    status: Literal["in_progress", "searching", "completed", "failed"]
    """The status of the web search tool call."""
    action: WebSearchToolCallAction
    """An object describing the specific action taken in this web search call. Includes details on
    how the model used the web (search, open_page, find_in_page).
    """


@attrs.frozen(kw_only=True)
class WebSearchActionSearch(Model):
    """Action type "search" - Performs a web search query.

    Spec schema ``WebSearchActionSearch``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset({"type"})

    type: Literal["search"] = "search"
    """The action type."""
    query: str | None = None
    """The search query."""
    queries: tuple[str, ...] | None = None
    """The search queries."""
    sources: tuple[WebSearchSource, ...] | None = None
    """The sources used in the search. The spec lists URL sources only; OpenAI also sends
    ``{"type": "api", "name": ...}`` (:class:`WebSearchActionSearchApiSource`)."""


@attrs.frozen(kw_only=True)
class WebSearchActionSearchSource(Model):
    """A source used in the search.

    Spec schema ``WebSearchActionSearch.sources[]``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset({"type", "url"})

    type: Literal["url"] = "url"
    """The type of source. Always `url`."""
    url: str
    """The URL of the source."""


@attrs.frozen(kw_only=True)
class WebSearchActionSearchApiSource(Model):
    """A source of a web search that is a data API rather than a page, e.g. ``oai-weather``.

    Not in the spec (whose sources are URLs only); recorded from OpenAI
    (``openai_web_search_reasoning.sse``).
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset({"type"})

    type: Literal["api"] = "api"
    """The type of source. Always `api`."""
    name: str | None = None
    """The API's name."""


@attrs.frozen(kw_only=True)
class WebSearchActionOpenPage(Model):
    """Action type "open_page" - Opens a specific URL from search results.

    Spec schema ``WebSearchActionOpenPage``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset({"type"})

    type: Literal["open_page"] = "open_page"
    """The action type."""
    url: str | None = None
    """The URL opened by the model."""


@attrs.frozen(kw_only=True)
class WebSearchActionFind(Model):
    """Action type "find_in_page": Searches for a pattern within a loaded page.

    Spec schema ``WebSearchActionFind``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset({"pattern", "type", "url"})

    type: Literal["find_in_page"] = "find_in_page"
    """The action type."""
    url: str
    """The URL of the page searched for the pattern."""
    pattern: str
    """The pattern or text to search for within the page."""


@attrs.frozen(kw_only=True)
class ComputerToolCall(Model):
    """A tool call to a computer use tool. See the computer use guide for more information.

    Spec schema ``ComputerToolCall``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset(
        {"call_id", "id", "pending_safety_checks", "status", "type"}
    )

    type: Literal["computer_call"] = "computer_call"
    """The type of the computer call. Always `computer_call`."""
    id: str
    """The unique ID of the computer call."""
    call_id: str
    """An identifier used when responding to the tool call with output."""
    action: ComputerAction | None = None
    actions: tuple[ComputerAction, ...] | None = None
    pending_safety_checks: tuple[ComputerCallSafetyCheckParam, ...]
    """The pending safety checks for the computer call."""
    status: Literal["in_progress", "completed", "incomplete"]
    """The status of the item. One of `in_progress`, `completed`, or `incomplete`. Populated when
    items are returned via API.
    """


@attrs.frozen(kw_only=True)
class ClickParam(Model):
    """A click action.

    Spec schema ``ClickParam``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset({"button", "type", "x", "y"})

    type: Literal["click"] = "click"
    """Specifies the event type. For a click action, this property is always `click`."""
    button: Literal["left", "right", "wheel", "back", "forward"]
    """Indicates which mouse button was pressed during the click. One of `left`, `right`, `wheel`,
    `back`, or `forward`.
    """
    x: int
    """The x-coordinate where the click occurred."""
    y: int
    """The y-coordinate where the click occurred."""
    keys: tuple[str, ...] | None = None
    """The keys being held while clicking."""


@attrs.frozen(kw_only=True)
class DoubleClickAction(Model):
    """A double click action.

    Spec schema ``DoubleClickAction``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset({"keys", "type", "x", "y"})

    type: Literal["double_click"] = "double_click"
    """Specifies the event type. For a double click action, this property is always set to
    `double_click`.
    """
    x: int
    """The x-coordinate where the double click occurred."""
    y: int
    """The y-coordinate where the double click occurred."""
    keys: tuple[str, ...] | None = None
    """The keys being held while double-clicking. Always sent, possibly as ``null``."""


@attrs.frozen(kw_only=True)
class DragParam(Model):
    """A drag action.

    Spec schema ``DragParam``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset({"path", "type"})

    type: Literal["drag"] = "drag"
    """Specifies the event type. For a drag action, this property is always set to `drag`."""
    path: tuple[CoordParam, ...]
    """An array of coordinates representing the path of the drag action. Coordinates will appear as
    an array of objects, eg ``` [ { x: 100, y: 200 }, { x: 200, y: 300 } ] ```
    """
    keys: tuple[str, ...] | None = None
    """The keys being held while dragging the mouse."""


@attrs.frozen(kw_only=True)
class CoordParam(Model):
    """An x/y coordinate pair, e.g. `{ x: 100, y: 200 }`.

    Spec schema ``CoordParam``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset({"x", "y"})

    x: int
    """The x-coordinate."""
    y: int
    """The y-coordinate."""


@attrs.frozen(kw_only=True)
class KeyPressAction(Model):
    """A collection of keypresses the model would like to perform.

    Spec schema ``KeyPressAction``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset({"keys", "type"})

    type: Literal["keypress"] = "keypress"
    """Specifies the event type. For a keypress action, this property is always set to `keypress`.
    """
    keys: tuple[str, ...]
    """The combination of keys the model is requesting to be pressed. This is an array of strings,
    each representing a key.
    """


@attrs.frozen(kw_only=True)
class MoveParam(Model):
    """A mouse move action.

    Spec schema ``MoveParam``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset({"type", "x", "y"})

    type: Literal["move"] = "move"
    """Specifies the event type. For a move action, this property is always set to `move`."""
    x: int
    """The x-coordinate to move to."""
    y: int
    """The y-coordinate to move to."""
    keys: tuple[str, ...] | None = None
    """The keys being held while moving the mouse."""


@attrs.frozen(kw_only=True)
class ScreenshotParam(Model):
    """A screenshot action.

    Spec schema ``ScreenshotParam``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset({"type"})

    type: Literal["screenshot"] = "screenshot"
    """Specifies the event type. For a screenshot action, this property is always set to
    `screenshot`.
    """


@attrs.frozen(kw_only=True)
class ScrollParam(Model):
    """A scroll action.

    Spec schema ``ScrollParam``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset({"scroll_x", "scroll_y", "type", "x", "y"})

    type: Literal["scroll"] = "scroll"
    """Specifies the event type. For a scroll action, this property is always set to `scroll`."""
    x: int
    """The x-coordinate where the scroll occurred."""
    y: int
    """The y-coordinate where the scroll occurred."""
    scroll_x: int
    """The horizontal scroll distance."""
    scroll_y: int
    """The vertical scroll distance."""
    keys: tuple[str, ...] | None = None
    """The keys being held while scrolling."""


@attrs.frozen(kw_only=True)
class TypeParam(Model):
    """An action to type in text.

    Spec schema ``TypeParam``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset({"text", "type"})

    type: Literal["type"] = "type"
    """Specifies the event type. For a type action, this property is always set to `type`."""
    text: str
    """The text to type."""


@attrs.frozen(kw_only=True)
class WaitParam(Model):
    """A wait action.

    Spec schema ``WaitParam``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset({"type"})

    type: Literal["wait"] = "wait"
    """Specifies the event type. For a wait action, this property is always set to `wait`."""


@attrs.frozen(kw_only=True)
class ComputerCallSafetyCheckParam(Model):
    """A pending safety check for the computer call.

    Spec schema ``ComputerCallSafetyCheckParam``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset({"id"})

    id: str
    """The ID of the pending safety check."""
    code: str | None = None
    """The type of the pending safety check."""
    message: str | None = None
    """Details about the pending safety check."""


@attrs.frozen(kw_only=True)
class ComputerToolCallOutputResource(Model):
    """The output of a computer tool call.

    Spec schema ``ComputerToolCallOutputResource``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset({"call_id", "id", "output", "status", "type"})

    type: Literal["computer_call_output"] = "computer_call_output"
    """The type of the computer tool call output. Always `computer_call_output`."""
    id: str
    """The unique ID of the computer call tool output."""
    call_id: str
    """The ID of the computer tool call that produced the output."""
    acknowledged_safety_checks: tuple[ComputerCallSafetyCheckParam, ...] | None = None
    """The safety checks reported by the API that have been acknowledged by the developer."""
    output: ComputerScreenshotImage
    status: Literal["completed", "incomplete", "failed"]
    """The status of the message input. One of `in_progress`, `completed`, or `incomplete`.
    Populated when input items are returned via API.
    """
    created_by: str | None = None
    """The identifier of the actor that created the item."""


@attrs.frozen(kw_only=True)
class ComputerScreenshotImage(Model):
    """A computer screenshot image used with the computer use tool.

    Spec schema ``ComputerScreenshotImage``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset({"type"})

    type: Literal["computer_screenshot"] = "computer_screenshot"
    """Specifies the event type. For a computer screenshot, this property is always set to
    `computer_screenshot`.
    """
    image_url: str | None = None
    """The URL of the screenshot image."""
    file_id: str | None = None
    """The identifier of an uploaded file that contains the screenshot."""


@attrs.frozen(kw_only=True)
class ReasoningItem(Model):
    """A description of the chain of thought used by a reasoning model while generating a response.
    Be sure to include these items in your `input` to the Responses API for subsequent turns of a
    conversation if you are manually managing context.

    Spec schema ``ReasoningItem``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset({"id", "summary", "type"})

    type: Literal["reasoning"] = "reasoning"
    """The type of the object. Always `reasoning`."""
    id: str
    """The unique identifier of the reasoning content."""
    encrypted_content: str | None = None
    """The encrypted content of the reasoning item. This is populated by default for reasoning items
    returned by `POST /v1/responses` and WebSocket `response.create` requests.

    When streaming, use the completed reasoning item and its `encrypted_content` from the
    `response.output_item.done` event in subsequent requests. The `encrypted_content` in
    `response.output_item.added` may be incomplete. This is especially important when `store` is
    `false` or when using Zero Data Retention.
    """
    summary: tuple[SummaryTextContent, ...]
    """Reasoning summary content."""
    content: tuple[ReasoningTextContent, ...] | None = None
    """Reasoning text content."""
    status: Literal["in_progress", "completed", "incomplete"] | None = None
    """The status of the item. One of `in_progress`, `completed`, or `incomplete`. Populated when
    items are returned via API.
    """


@attrs.frozen(kw_only=True)
class Program(Model):
    """An output item holding a program the model wrote for programmatic tool calling.

    Spec schema ``Program``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset(
        {"call_id", "code", "fingerprint", "id", "type"}
    )

    type: Literal["program"] = "program"
    """The type of the item. Always `program`."""
    id: str
    """The unique ID of the program item."""
    call_id: str
    """The stable call ID of the program item."""
    code: str
    """The JavaScript source executed by programmatic tool calling."""
    fingerprint: str
    """Opaque program replay fingerprint that must be round-tripped."""


@attrs.frozen(kw_only=True)
class ProgramOutput(Model):
    """An output item holding the result of a program item.

    Spec schema ``ProgramOutput``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset({"call_id", "id", "result", "status", "type"})

    type: Literal["program_output"] = "program_output"
    """The type of the item. Always `program_output`."""
    id: str
    """The unique ID of the program output item."""
    call_id: str
    """The call ID of the program item."""
    result: str
    """The result produced by the program item."""
    status: Literal["completed", "incomplete"]
    """The terminal status of the program output item."""


@attrs.frozen(kw_only=True)
class ToolSearchCall(Model):
    """An output item: a search for deferred tools, run by the server or the client.

    Spec schema ``ToolSearchCall``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset(
        {"arguments", "call_id", "execution", "id", "status", "type"}
    )

    type: Literal["tool_search_call"] = "tool_search_call"
    """The type of the item. Always `tool_search_call`."""
    id: str
    """The unique ID of the tool search call item."""
    call_id: str | None = None
    """The unique ID of the tool search call generated by the model. Always sent, possibly as
    ``null``.
    """
    execution: Literal["server", "client"]
    """Whether tool search was executed by the server or by the client."""
    arguments: Any
    """Arguments used for the tool search call. Free-form JSON: any JSON value."""
    status: Literal["in_progress", "completed", "incomplete"]
    """The status of the tool search call item that was recorded."""
    created_by: str | None = None
    """The identifier of the actor that created the item."""


@attrs.frozen(kw_only=True)
class ToolSearchOutput(Model):
    """An output item: the tool definitions a tool search loaded.

    Spec schema ``ToolSearchOutput``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset(
        {"call_id", "execution", "id", "status", "tools", "type"}
    )

    type: Literal["tool_search_output"] = "tool_search_output"
    """The type of the item. Always `tool_search_output`."""
    id: str
    """The unique ID of the tool search output item."""
    call_id: str | None = None
    """The unique ID of the tool search call generated by the model. Always sent, possibly as
    ``null``.
    """
    execution: Literal["server", "client"]
    """Whether tool search was executed by the server or by the client."""
    tools: tuple[Tool, ...]
    """The loaded tool definitions returned by tool search."""
    status: Literal["in_progress", "completed", "incomplete"]
    """The status of the tool search output item that was recorded."""
    created_by: str | None = None
    """The identifier of the actor that created the item."""


@attrs.frozen(kw_only=True)
class AdditionalTools(Model):
    """An output item: tool definitions made available during the response.

    Spec schema ``AdditionalTools``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset({"id", "role", "tools", "type"})

    type: Literal["additional_tools"] = "additional_tools"
    """The type of the item. Always `additional_tools`."""
    id: str
    """The unique ID of the additional tools item."""
    role: Literal[
        "unknown", "user", "assistant", "system", "critic", "discriminator", "developer", "tool"
    ]
    """The role that provided the additional tools."""
    tools: tuple[Tool, ...]
    """The additional tool definitions made available at this item."""


@attrs.frozen(kw_only=True)
class CompactionBody(Model):
    """A compaction item generated by the `v1/responses/compact` API.

    Spec schema ``CompactionBody``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset({"encrypted_content", "id", "type"})

    type: Literal["compaction"] = "compaction"
    """The type of the item. Always `compaction`."""
    id: str
    """The unique ID of the compaction item."""
    encrypted_content: str
    """The encrypted content that was produced by compaction."""
    created_by: str | None = None
    """The identifier of the actor that created the item."""


@attrs.frozen(kw_only=True)
class ImageGenToolCall(Model):
    """An image generation request made by the model.

    Spec schema ``ImageGenToolCall``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset({"id", "result", "status", "type"})

    type: Literal["image_generation_call"] = "image_generation_call"
    """The type of the image generation call. Always `image_generation_call`."""
    id: str
    """The unique ID of the image generation call."""
    status: Literal["in_progress", "completed", "generating", "failed"]
    """The status of the image generation call."""
    result: str | None = None
    """The generated image encoded in base64. Always sent, possibly as ``null``."""
    background: str | None = None
    """The background setting used, e.g. ``opaque``. Not in the spec's item; sent by OpenAI in
    the completed item (as on ``partial_image`` events)."""
    output_format: str | None = None
    """The image format, e.g. ``png``. Not in the spec's item; sent by OpenAI."""
    quality: str | None = None
    """The image quality used. Not in the spec's item; sent by OpenAI."""
    revised_prompt: str | None = None
    """The prompt the image was generated from, as the model revised it. Not in the spec's item;
    sent by OpenAI."""
    size: str | None = None
    """The image size, e.g. ``1024x1024``. Not in the spec's item; sent by OpenAI."""


@attrs.frozen(kw_only=True)
class CodeInterpreterToolCall(Model):
    """A tool call to run code.

    Spec schema ``CodeInterpreterToolCall``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset(
        {"code", "container_id", "id", "outputs", "status", "type"}
    )

    type: Literal["code_interpreter_call"] = "code_interpreter_call"
    """The type of the code interpreter tool call. Always `code_interpreter_call`."""
    id: str
    """The unique ID of the code interpreter tool call."""
    status: Literal["in_progress", "completed", "incomplete", "interpreting", "failed"]
    """The status of the code interpreter tool call. Valid values are `in_progress`, `completed`,
    `incomplete`, `interpreting`, and `failed`.
    """
    container_id: str
    """The ID of the container used to run the code."""
    code: str | None = attrs.field(default=None, metadata={STREAMED: True})
    """The code to run, or null if not available. Always sent, possibly as ``null``. Streamed:
    deltas append to it.
    """
    outputs: tuple[CodeInterpreterToolCallOutput, ...] | None = None
    """The outputs generated by the code interpreter, such as logs or images. Can be null if no
    outputs are available. Always sent, possibly as ``null``.
    """


@attrs.frozen(kw_only=True)
class CodeInterpreterOutputLogs(Model):
    """The logs output from the code interpreter.

    Spec schema ``CodeInterpreterOutputLogs``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset({"logs", "type"})

    type: Literal["logs"] = "logs"
    """The type of the output. Always `logs`."""
    logs: str
    """The logs output from the code interpreter."""


@attrs.frozen(kw_only=True)
class CodeInterpreterOutputImage(Model):
    """The image output from the code interpreter.

    Spec schema ``CodeInterpreterOutputImage``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset({"type", "url"})

    type: Literal["image"] = "image"
    """The type of the output. Always `image`."""
    url: str
    """The URL of the image output from the code interpreter."""


@attrs.frozen(kw_only=True)
class LocalShellToolCall(Model):
    """A tool call to run a command on the local shell.

    Spec schema ``LocalShellToolCall``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset({"action", "call_id", "id", "status", "type"})

    type: Literal["local_shell_call"] = "local_shell_call"
    """The type of the local shell call. Always `local_shell_call`."""
    id: str
    """The unique ID of the local shell call."""
    call_id: str
    """The unique ID of the local shell tool call generated by the model."""
    action: LocalShellExecAction
    status: Literal["in_progress", "completed", "incomplete"]
    """The status of the local shell call."""


@attrs.frozen(kw_only=True)
class LocalShellExecAction(Model):
    """Execute a shell command on the server.

    Spec schema ``LocalShellExecAction``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset({"command", "env", "type"})

    type: Literal["exec"] = "exec"
    """The type of the local shell action. Always `exec`."""
    command: tuple[str, ...]
    """The command to run."""
    timeout_ms: int | None = None
    """Optional timeout in milliseconds for the command."""
    working_directory: str | None = None
    """Optional working directory to run the command in."""
    env: Mapping[str, str]
    """Environment variables to set for the command."""
    user: str | None = None
    """Optional user to run the command as."""


@attrs.frozen(kw_only=True)
class LocalShellToolCallOutput(Model):
    """The output of a local shell tool call.

    Spec schema ``LocalShellToolCallOutput``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset({"id", "output", "type"})

    type: Literal["local_shell_call_output"] = "local_shell_call_output"
    """The type of the local shell tool call output. Always `local_shell_call_output`."""
    id: str
    """The unique ID of the local shell tool call generated by the model."""
    output: str
    """A JSON string of the output of the local shell tool call."""
    status: Literal["in_progress", "completed", "incomplete"] | None = None
    """The status of the item. One of `in_progress`, `completed`, or `incomplete`."""


@attrs.frozen(kw_only=True)
class FunctionShellCall(Model):
    """A tool call that executes one or more shell commands in a managed environment.

    Spec schema ``FunctionShellCall``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset(
        {"action", "call_id", "environment", "id", "status", "type"}
    )

    type: Literal["shell_call"] = "shell_call"
    """The type of the item. Always `shell_call`."""
    id: str
    """The unique ID of the shell tool call. Populated when this item is returned via API."""
    call_id: str
    """The unique ID of the shell tool call generated by the model."""
    caller: ToolCallCaller | None = None
    """The execution context that produced this tool call."""
    action: FunctionShellAction
    """The shell commands and limits that describe how to run the tool call."""
    status: Literal["in_progress", "completed", "incomplete"]
    """The status of the shell call. One of `in_progress`, `completed`, or `incomplete`."""
    environment: FunctionShellCallEnvironment | None = None
    """Always sent, possibly as ``null``."""
    created_by: str | None = None
    """The ID of the entity that created this tool call."""


@attrs.frozen(kw_only=True)
class FunctionShellAction(Model):
    """Execute a shell command.

    Spec schema ``FunctionShellAction``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset({"commands", "max_output_length", "timeout_ms"})

    commands: tuple[str, ...]
    timeout_ms: int | None = None
    """Optional timeout in milliseconds for the commands. Always sent, possibly as ``null``."""
    max_output_length: int | None = None
    """Optional maximum number of characters to return from each command. Always sent, possibly as
    ``null``.
    """


@attrs.frozen(kw_only=True)
class LocalEnvironmentResource(Model):
    """Represents the use of a local environment to perform shell actions.

    Spec schema ``LocalEnvironmentResource``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset({"type"})

    type: Literal["local"] = "local"
    """The environment type. Always `local`."""


@attrs.frozen(kw_only=True)
class ContainerReferenceResource(Model):
    """Represents a container created with /v1/containers.

    Spec schema ``ContainerReferenceResource``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset({"container_id", "type"})

    type: Literal["container_reference"] = "container_reference"
    """The environment type. Always `container_reference`."""
    container_id: str


@attrs.frozen(kw_only=True)
class FunctionShellCallOutput(Model):
    """The output of a shell tool call that was emitted.

    Spec schema ``FunctionShellCallOutput``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset(
        {"call_id", "id", "max_output_length", "output", "status", "type"}
    )

    type: Literal["shell_call_output"] = "shell_call_output"
    """The type of the shell call output. Always `shell_call_output`."""
    id: str
    """The unique ID of the shell call output. Populated when this item is returned via API."""
    call_id: str
    """The unique ID of the shell tool call generated by the model."""
    caller: ToolCallCaller | None = None
    """The execution context that produced this tool call."""
    status: Literal["in_progress", "completed", "incomplete"]
    """The status of the shell call output. One of `in_progress`, `completed`, or `incomplete`."""
    output: tuple[FunctionShellCallOutputContent, ...]
    """An array of shell call output contents"""
    max_output_length: int | None = None
    """The maximum length of the shell command output. This is generated by the model and should be
    passed back with the raw output. Always sent, possibly as ``null``.
    """
    created_by: str | None = None
    """The identifier of the actor that created the item."""


@attrs.frozen(kw_only=True)
class FunctionShellCallOutputContent(Model):
    """The content of a shell tool call output that was emitted.

    Spec schema ``FunctionShellCallOutputContent``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset({"outcome", "stderr", "stdout"})

    stdout: str
    """The standard output that was captured."""
    stderr: str
    """The standard error output that was captured."""
    outcome: FunctionShellCallOutputContentOutcome
    """Represents either an exit outcome (with an exit code) or a timeout outcome for a shell call
    output chunk.
    """
    created_by: str | None = None
    """The identifier of the actor that created the item."""


@attrs.frozen(kw_only=True)
class FunctionShellCallOutputTimeoutOutcome(Model):
    """Indicates that the shell call exceeded its configured time limit.

    Spec schema ``FunctionShellCallOutputTimeoutOutcome``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset({"type"})

    type: Literal["timeout"] = "timeout"
    """The outcome type. Always `timeout`."""


@attrs.frozen(kw_only=True)
class FunctionShellCallOutputExitOutcome(Model):
    """Indicates that the shell commands finished and returned an exit code.

    Spec schema ``FunctionShellCallOutputExitOutcome``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset({"exit_code", "type"})

    type: Literal["exit"] = "exit"
    """The outcome type. Always `exit`."""
    exit_code: int
    """Exit code from the shell process."""


@attrs.frozen(kw_only=True)
class ApplyPatchToolCall(Model):
    """A tool call that applies file diffs by creating, deleting, or updating files.

    Spec schema ``ApplyPatchToolCall``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset(
        {"call_id", "id", "operation", "status", "type"}
    )

    type: Literal["apply_patch_call"] = "apply_patch_call"
    """The type of the item. Always `apply_patch_call`."""
    id: str
    """The unique ID of the apply patch tool call. Populated when this item is returned via API."""
    call_id: str
    """The unique ID of the apply patch tool call generated by the model."""
    caller: ToolCallCaller | None = None
    """The execution context that produced this tool call."""
    status: Literal["in_progress", "completed"]
    """The status of the apply patch tool call. One of `in_progress` or `completed`."""
    operation: ApplyPatchToolCallOperation
    """One of the create_file, delete_file, or update_file operations applied via apply_patch."""
    created_by: str | None = None
    """The ID of the entity that created this tool call."""


@attrs.frozen(kw_only=True)
class ApplyPatchCreateFileOperation(Model):
    """Instruction describing how to create a file via the apply_patch tool.

    Spec schema ``ApplyPatchCreateFileOperation``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset({"diff", "path", "type"})

    type: Literal["create_file"] = "create_file"
    """Create a new file with the provided diff."""
    path: str
    """Path of the file to create."""
    diff: str
    """Diff to apply."""


@attrs.frozen(kw_only=True)
class ApplyPatchDeleteFileOperation(Model):
    """Instruction describing how to delete a file via the apply_patch tool.

    Spec schema ``ApplyPatchDeleteFileOperation``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset({"path", "type"})

    type: Literal["delete_file"] = "delete_file"
    """Delete the specified file."""
    path: str
    """Path of the file to delete."""


@attrs.frozen(kw_only=True)
class ApplyPatchUpdateFileOperation(Model):
    """Instruction describing how to update a file via the apply_patch tool.

    Spec schema ``ApplyPatchUpdateFileOperation``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset({"diff", "path", "type"})

    type: Literal["update_file"] = "update_file"
    """Update an existing file with the provided diff."""
    path: str
    """Path of the file to update."""
    diff: str
    """Diff to apply."""


@attrs.frozen(kw_only=True)
class ApplyPatchToolCallOutput(Model):
    """The output emitted by an apply patch tool call.

    Spec schema ``ApplyPatchToolCallOutput``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset({"call_id", "id", "status", "type"})

    type: Literal["apply_patch_call_output"] = "apply_patch_call_output"
    """The type of the item. Always `apply_patch_call_output`."""
    id: str
    """The unique ID of the apply patch tool call output. Populated when this item is returned via
    API.
    """
    call_id: str
    """The unique ID of the apply patch tool call generated by the model."""
    caller: ToolCallCaller | None = None
    """The execution context that produced this tool call."""
    status: Literal["completed", "failed"]
    """The status of the apply patch tool call output. One of `completed` or `failed`."""
    output: str | None = None
    """Optional textual output returned by the apply patch tool."""
    created_by: str | None = None
    """The ID of the entity that created this tool call output."""


@attrs.frozen(kw_only=True)
class MCPToolCall(Model):
    """An invocation of a tool on an MCP server.

    Spec schema ``MCPToolCall``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset(
        {"arguments", "id", "name", "server_label", "type"}
    )

    type: Literal["mcp_call"] = "mcp_call"
    """The type of the item. Always `mcp_call`."""
    id: str
    """The unique ID of the tool call."""
    server_label: str
    """The label of the MCP server running the tool."""
    name: str
    """The name of the tool that was run."""
    arguments: str = attrs.field(metadata={STREAMED: True})
    """A JSON string of the arguments passed to the tool. Streamed: deltas append to it."""
    output: str | None = None
    """The output from the tool call."""
    error: MCPToolCallError | None = None
    """The error from the tool call, if any."""
    status: Literal["in_progress", "completed", "incomplete", "calling", "failed"] | None = None
    """The status of the tool call. One of `in_progress`, `completed`, `incomplete`, `calling`, or
    `failed`.
    """
    approval_request_id: str | None = None
    """Unique identifier for the MCP tool call approval request. Include this value in a subsequent
    `mcp_approval_response` input to approve or reject the corresponding tool call.
    """


@attrs.frozen(kw_only=True)
class MCPProtocolError(Model):
    """An MCP tool call's error: the MCP protocol failed.

    Spec schema ``MCPProtocolError``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset({"code", "message", "type"})

    type: Literal["mcp_protocol_error"] = "mcp_protocol_error"
    code: int
    message: str


@attrs.frozen(kw_only=True)
class MCPToolExecutionError(Model):
    """An MCP tool call's error: the tool ran and reported an error.

    Spec schema ``MCPToolExecutionError``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset({"content", "type"})

    type: Literal["mcp_tool_execution_error"] = "mcp_tool_execution_error"
    content: Any
    """Free-form JSON: any JSON value."""


@attrs.frozen(kw_only=True)
class HTTPError(Model):
    """An MCP tool call's error: the MCP server answered with an HTTP error.

    Spec schema ``HTTPError``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset({"code", "message", "type"})

    type: Literal["http_error"] = "http_error"
    code: int
    message: str


@attrs.frozen(kw_only=True)
class MCPListTools(Model):
    """A list of tools available on an MCP server.

    Spec schema ``MCPListTools``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset({"id", "server_label", "tools", "type"})

    type: Literal["mcp_list_tools"] = "mcp_list_tools"
    """The type of the item. Always `mcp_list_tools`."""
    id: str
    """The unique ID of the list."""
    server_label: str
    """The label of the MCP server."""
    tools: tuple[MCPListToolsTool, ...]
    """The tools available on the server."""
    error: str | None = None
    """Error message if the server could not list tools."""


@attrs.frozen(kw_only=True)
class MCPListToolsTool(Model):
    """A tool available on an MCP server.

    Spec schema ``MCPListToolsTool``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset({"input_schema", "name"})

    name: str
    """The name of the tool."""
    description: str | None = None
    """The description of the tool."""
    input_schema: Mapping[str, Any]
    """The JSON schema describing the tool's input."""
    annotations: Mapping[str, Any] | None = None
    """Additional annotations about the tool."""


@attrs.frozen(kw_only=True)
class MCPApprovalRequest(Model):
    """A request for human approval of a tool invocation.

    Spec schema ``MCPApprovalRequest``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset(
        {"arguments", "id", "name", "server_label", "type"}
    )

    type: Literal["mcp_approval_request"] = "mcp_approval_request"
    """The type of the item. Always `mcp_approval_request`."""
    id: str
    """The unique ID of the approval request."""
    server_label: str
    """The label of the MCP server making the request."""
    name: str
    """The name of the tool to run."""
    arguments: str
    """A JSON string of arguments for the tool."""


@attrs.frozen(kw_only=True)
class MCPApprovalResponseResource(Model):
    """A response to an MCP approval request.

    Spec schema ``MCPApprovalResponseResource``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset(
        {"approval_request_id", "approve", "id", "type"}
    )

    type: Literal["mcp_approval_response"] = "mcp_approval_response"
    """The type of the item. Always `mcp_approval_response`."""
    id: str
    """The unique ID of the approval response"""
    approval_request_id: str
    """The ID of the approval request being answered."""
    approve: bool
    """Whether the request was approved."""
    reason: str | None = None
    """Optional reason for the decision."""


@attrs.frozen(kw_only=True)
class CustomToolCall(Model):
    """A call to a custom tool created by the model.

    Spec schema ``CustomToolCall``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset({"call_id", "input", "name", "type"})

    type: Literal["custom_tool_call"] = "custom_tool_call"
    """The type of the custom tool call. Always `custom_tool_call`."""
    id: str | None = None
    """The unique ID of the custom tool call in the OpenAI platform."""
    call_id: str
    """An identifier used to map this custom tool call to a tool call output."""
    caller: ToolCallCaller | None = None
    namespace: str | None = None
    """The namespace of the custom tool being called."""
    name: str
    """The name of the custom tool being called."""
    input: str = attrs.field(metadata={STREAMED: True})
    """The input for the custom tool call generated by the model. Streamed: deltas append to it."""


@attrs.frozen(kw_only=True)
class CustomToolCallOutputResource(Model):
    """The output of a custom tool call from your code, being sent back to the model.

    Spec schema ``CustomToolCallOutputResource``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset({"call_id", "id", "output", "status", "type"})

    type: Literal["custom_tool_call_output"] = "custom_tool_call_output"
    """The type of the custom tool call output. Always `custom_tool_call_output`."""
    id: str
    """The unique ID of the custom tool call output item."""
    call_id: str
    """The call ID, used to map this custom tool call output to a custom tool call."""
    caller: ToolCallCallerParam | None = None
    output: Any
    """The output from the custom tool call generated by your code. Can be a string or an list of
    output content. Free-form JSON: a union of values of several JSON types.
    """
    status: Literal["in_progress", "completed", "incomplete"]
    """The status of the item. One of `in_progress`, `completed`, or `incomplete`. Populated when
    items are returned via API.
    """
    created_by: str | None = None
    """The identifier of the actor that created the item."""


ToolCallCaller: TypeAlias = DirectToolCallCaller | ProgramToolCallCaller | UnknownObject
"""The execution context that produced this tool call. Spec schema ``ToolCallCaller``; an object of
an unknown ``type`` is kept as :class:`UnknownObject`.
"""


ToolCallCallerParam: TypeAlias = (
    DirectToolCallCallerParam | ProgramToolCallCallerParam | UnknownObject
)
"""The execution context that produced this tool call. Spec schema ``ToolCallCallerParam``; an
object of an unknown ``type`` is kept as :class:`UnknownObject`.
"""


WebSearchToolCallAction: TypeAlias = (
    WebSearchActionSearch | WebSearchActionOpenPage | WebSearchActionFind | UnknownObject
)
"""An object describing the specific action taken in this web search call. Includes details on how
the model used the web (search, open_page, find_in_page). Spec schema
``WebSearchToolCall.action``; an object of an unknown ``type`` is kept as :class:`UnknownObject`.
"""


ComputerAction: TypeAlias = (
    ClickParam
    | DoubleClickAction
    | DragParam
    | KeyPressAction
    | MoveParam
    | ScreenshotParam
    | ScrollParam
    | TypeParam
    | WaitParam
    | UnknownObject
)
"""One of ``ClickParam``, ``DoubleClickAction``, ``DragParam``, ``KeyPressAction``, ``MoveParam``,
``ScreenshotParam``, ``ScrollParam``, ``TypeParam``, ``WaitParam``. Spec schema ``ComputerAction``;
an object of an unknown ``type`` is kept as :class:`UnknownObject`.
"""


CodeInterpreterToolCallOutput: TypeAlias = (
    CodeInterpreterOutputLogs | CodeInterpreterOutputImage | UnknownObject
)
"""One of ``CodeInterpreterOutputLogs``, ``CodeInterpreterOutputImage``. Spec schema
``CodeInterpreterToolCall.outputs[]``; an object of an unknown ``type`` is kept as
:class:`UnknownObject`.
"""


FunctionShellCallEnvironment: TypeAlias = (
    LocalEnvironmentResource | ContainerReferenceResource | UnknownObject
)
"""One of ``LocalEnvironmentResource``, ``ContainerReferenceResource``. Spec schema
``FunctionShellCall.environment``; an object of an unknown ``type`` is kept as
:class:`UnknownObject`.
"""


FunctionShellCallOutputContentOutcome: TypeAlias = (
    FunctionShellCallOutputTimeoutOutcome | FunctionShellCallOutputExitOutcome | UnknownObject
)
"""Represents either an exit outcome (with an exit code) or a timeout outcome for a shell call
output chunk. Spec schema ``FunctionShellCallOutputContent.outcome``; an object of an unknown
``type`` is kept as :class:`UnknownObject`.
"""


ApplyPatchToolCallOperation: TypeAlias = (
    ApplyPatchCreateFileOperation
    | ApplyPatchDeleteFileOperation
    | ApplyPatchUpdateFileOperation
    | UnknownObject
)
"""One of the create_file, delete_file, or update_file operations applied via apply_patch. Spec
schema ``ApplyPatchToolCall.operation``; an object of an unknown ``type`` is kept as
:class:`UnknownObject`.
"""


MCPToolCallError: TypeAlias = MCPProtocolError | MCPToolExecutionError | HTTPError | UnknownObject
"""One of ``MCPProtocolError``, ``MCPToolExecutionError``, ``HTTPError``. Spec schema
``MCPToolCallError``; an object of an unknown ``type`` is kept as :class:`UnknownObject`.
"""


OutputItem: TypeAlias = (
    OutputMessage
    | FileSearchToolCall
    | FunctionToolCall
    | FunctionToolCallOutputResource
    | WebSearchToolCall
    | ComputerToolCall
    | ComputerToolCallOutputResource
    | ReasoningItem
    | Program
    | ProgramOutput
    | ToolSearchCall
    | ToolSearchOutput
    | AdditionalTools
    | CompactionBody
    | ImageGenToolCall
    | CodeInterpreterToolCall
    | LocalShellToolCall
    | LocalShellToolCallOutput
    | FunctionShellCall
    | FunctionShellCallOutput
    | ApplyPatchToolCall
    | ApplyPatchToolCallOutput
    | MCPToolCall
    | MCPListTools
    | MCPApprovalRequest
    | MCPApprovalResponseResource
    | CustomToolCall
    | CustomToolCallOutputResource
    | UnknownObject
)
"""One of ``OutputMessage``, ``FileSearchToolCall``, ``FunctionToolCall``,
``FunctionToolCallOutputResource``, ``WebSearchToolCall``, ``ComputerToolCall``,
``ComputerToolCallOutputResource``, ``ReasoningItem``, ``Program``, ``ProgramOutput``,
``ToolSearchCall``, ``ToolSearchOutput``, ``AdditionalTools``, ``CompactionBody``,
``ImageGenToolCall``, ``CodeInterpreterToolCall``, ``LocalShellToolCall``,
``LocalShellToolCallOutput``, ``FunctionShellCall``, ``FunctionShellCallOutput``,
``ApplyPatchToolCall``, ``ApplyPatchToolCallOutput``, ``MCPToolCall``, ``MCPListTools``,
``MCPApprovalRequest``, ``MCPApprovalResponseResource``, ``CustomToolCall``,
``CustomToolCallOutputResource``. Spec schema ``OutputItem``; an object of an unknown ``type`` is
kept as :class:`UnknownObject`.
"""


WebSearchSource: TypeAlias = (
    WebSearchActionSearchSource | WebSearchActionSearchApiSource | UnknownObject
)
"""A source of a web search: a URL (``WebSearchActionSearchSource``, the spec's only kind) or an
API (``WebSearchActionSearchApiSource``, seen on the wire); an object of an unknown ``type`` is
kept as :class:`UnknownObject`."""
