"""The ``Response`` envelope and what it nests besides output items and tools.

Generated from tests/data/responses-stream-schema.json, then kept by hand: see
tests/test_responses_models.py, which checks every object and field of the extract has its
model here.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar, Literal, TypeAlias

import attrs

from streamkit.models.base import Model, UnknownObject

from .items import OutputItem
from .tools import Tool, ToolChoiceParam

__all__ = [
    "Moderation",
    "ModerationErrorBody",
    "ModerationInput",
    "ModerationOutput",
    "ModerationResultBody",
    "Prompt",
    "PromptCacheOptions",
    "Reasoning",
    "Response",
    "ResponseConversation",
    "ResponseError",
    "ResponseFormatJsonObject",
    "ResponseFormatText",
    "ResponseIncompleteDetails",
    "ResponseTextParam",
    "ResponseUsage",
    "ResponseUsageInputTokensDetails",
    "ResponseUsageOutputTokensDetails",
    "TextResponseFormatConfiguration",
    "TextResponseFormatJsonSchema",
]


@attrs.frozen(kw_only=True)
class Response(Model):
    """A model response: its status, settings, output items and usage. What every
    ``response.*`` lifecycle event carries.

    Spec schema ``Response``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset(
        {
            "created_at",
            "error",
            "id",
            "incomplete_details",
            "instructions",
            "metadata",
            "model",
            "object",
            "output",
            "parallel_tool_calls",
            "temperature",
            "tool_choice",
            "tools",
            "top_p",
        }
    )

    metadata: Mapping[str, str] | None = None
    """Always sent, possibly as ``null``."""
    top_logprobs: int | None = None
    """An integer between 0 and 20 specifying the maximum number of most likely tokens to return at
    each token position, each with an associated log probability. In some cases, the number of
    returned tokens may be fewer than requested.
    """
    temperature: float | None = None
    """What sampling temperature to use, between 0 and 2. Higher values like 0.8 will make the
    output more random, while lower values like 0.2 will make it more focused and deterministic.
    We generally recommend altering this or `top_p` but not both. Always sent, possibly as
    ``null``.
    """
    top_p: float | None = None
    """An alternative to sampling with temperature, called nucleus sampling, where the model
    considers the results of the tokens with top_p probability mass. So 0.1 means only the tokens
    comprising the top 10% probability mass are considered.

    We generally recommend altering this or `temperature` but not both. Always sent, possibly as
    ``null``.
    """
    user: str | None = None
    """This field is being replaced by `safety_identifier` and `prompt_cache_key`. Use
    `prompt_cache_key` instead to maintain caching optimizations. A stable identifier for your
    end-users. Used to boost cache hit rates by better bucketing similar requests and to help OpenAI
    detect and prevent abuse. Learn more.
    """
    safety_identifier: str | None = None
    """A stable identifier used to help detect users of your application that may be violating
    OpenAI's usage policies. The IDs should be a string that uniquely identifies each user, with
    a maximum length of 64 characters. We recommend hashing their username or email address, in
    order to avoid sending us any identifying information. Learn more.
    """
    prompt_cache_key: str | None = None
    """Used by OpenAI to cache responses for similar requests to optimize your cache hit rates.
    Replaces the `user` field. Learn more.
    """
    prompt_cache_retention: Literal["in_memory", "24h"] | None = None
    """Deprecated. Use `prompt_cache_options.ttl` instead.

    The retention policy for the prompt cache. Set to `24h` to enable extended prompt caching, which
    keeps cached prefixes active for longer, up to a maximum of 24 hours. Learn more. This field
    expresses a maximum retention policy, while `prompt_cache_options.ttl` expresses a minimum cache
    lifetime. The two fields are independent and do not interact. For `gpt-5.5`, `gpt-5.5-pro`, and
    future models, only `24h` is supported.

    For older models that support both `in_memory` and `24h`, the default depends on your
    organization's data retention policy: - Organizations without ZDR enabled default to `24h`. -
    Organizations with ZDR enabled default to `in_memory` when `prompt_cache_retention` is not
    specified.
    """
    previous_response_id: str | None = None
    """The unique ID of the previous response to the model. Use this to create multi-turn
    conversations. Learn more about conversation state. Cannot be used in conjunction with
    `conversation`.
    """
    model: str
    """Model ID used to generate the response, like `gpt-4o` or `o3`. OpenAI offers a wide range of
    models with different capabilities, performance characteristics, and price points. Refer to the
    model guide to browse and compare available models.
    """
    background: bool | None = None
    """Whether to run the model response in the background. Learn more."""
    max_tool_calls: int | None = None
    """The maximum number of total calls to built-in tools that can be processed in a response. This
    maximum number applies across all built-in tool calls, not per individual tool. Any further
    attempts to call a tool by the model will be ignored.
    """
    text: ResponseTextParam | None = None
    tools: tuple[Tool, ...]
    tool_choice: ToolChoiceParam
    prompt: Prompt | None = None
    service_tier: (
        Literal["auto", "default", "flex", "scale", "priority", "fast", "ultrafast"] | None
    ) = None
    truncation: Literal["auto", "disabled"] | None = None
    """The truncation strategy to use for the model response. - `auto`: If the input to this
    Response exceeds the model's context window size, the model will truncate the response to fit
    the context window by dropping items from the beginning of the conversation. - `disabled`
    (default): If the input size will exceed the context window size for a model, the request
    will fail with a 400 error.
    """
    id: str
    """Unique identifier for this Response."""
    object: Literal["response"] = "response"
    """The object type of this resource - always set to `response`."""
    status: (
        Literal["completed", "failed", "in_progress", "cancelled", "queued", "incomplete"] | None
    ) = None
    """The status of the response generation. One of `completed`, `failed`, `in_progress`,
    `cancelled`, `queued`, or `incomplete`.
    """
    created_at: float
    """Unix timestamp (in seconds) of when this Response was created."""
    completed_at: float | None = None
    """Unix timestamp (in seconds) of when this Response was completed. Only present when the status
    is `completed`.
    """
    error: ResponseError | None = None
    """Always sent, possibly as ``null``."""
    incomplete_details: ResponseIncompleteDetails | None = None
    """Details about why the response is incomplete. Always sent, possibly as ``null``."""
    output: tuple[OutputItem, ...]
    """An array of content items generated by the model.

    - The length and order of items in the `output` array is dependent on the model's response. -
    Rather than accessing the first item in the `output` array and assuming it's an `assistant`
    message with the content generated by the model, you might consider using the `output_text`
    property where supported in SDKs.
    """
    reasoning: Reasoning | None = None
    instructions: Any = None
    """A system (or developer) message inserted into the model's context.

    When using along with `previous_response_id`, the instructions from a previous response will not
    be carried over to the next response. This makes it simple to swap out system (or developer)
    messages in new responses. Always sent, possibly as ``null``. Free-form JSON: a string or an
    array of input items (the request's own input, not streamed output).
    """
    output_text: str | None = None
    """SDK-only convenience property that contains the aggregated text output from all `output_text`
    items in the `output` array, if any are present. Supported in the Python and JavaScript SDKs.
    """
    usage: ResponseUsage | None = None
    prompt_cache_options: PromptCacheOptions | None = None
    moderation: Moderation | None = None
    """Moderation results for the response input and output, if moderated completions were
    requested.
    """
    parallel_tool_calls: bool
    """Whether to allow the model to run tool calls in parallel."""
    conversation: ResponseConversation | None = None
    max_output_tokens: int | None = None
    """An upper bound for the number of tokens that can be generated for a response, including
    visible output tokens and reasoning tokens.
    """
    store: bool | None = None
    """Whether the response is stored for later retrieval. Not in the spec's ``Response`` (a
    request parameter there); OpenAI sends it on every response.
    """
    frequency_penalty: float | None = None
    """The frequency penalty used. Not in the spec's ``Response``; sent by OpenAI since 2025."""
    presence_penalty: float | None = None
    """The presence penalty used. Not in the spec's ``Response``; sent by OpenAI since 2025."""


@attrs.frozen(kw_only=True)
class ResponseTextParam(Model):
    """Configuration options for a text response from the model. Can be plain text or structured
    JSON data. Learn more: - Text inputs and outputs - Structured Outputs

    Spec schema ``ResponseTextParam``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset()

    format: TextResponseFormatConfiguration | None = None
    verbosity: Literal["low", "medium", "high"] | None = None


@attrs.frozen(kw_only=True)
class ResponseFormatText(Model):
    """Default response format. Used to generate text responses.

    Spec schema ``ResponseFormatText``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset({"type"})

    type: Literal["text"] = "text"
    """The type of response format being defined. Always `text`."""


@attrs.frozen(kw_only=True)
class TextResponseFormatJsonSchema(Model):
    """JSON Schema response format. Used to generate structured JSON responses. Learn more about
    Structured Outputs.

    Spec schema ``TextResponseFormatJsonSchema``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset({"name", "schema", "type"})

    type: Literal["json_schema"] = "json_schema"
    """The type of response format being defined. Always `json_schema`."""
    description: str | None = None
    """A description of what the response format is for, used by the model to determine how to
    respond in the format.
    """
    name: str
    """The name of the response format. Must be a-z, A-Z, 0-9, or contain underscores and dashes,
    with a maximum length of 64.
    """
    schema: Mapping[str, Any]
    strict: bool | None = None
    """Whether to enable strict schema adherence when generating the output. If set to true, the
    model will always follow the exact schema defined in the `schema` field. Only a subset of
    JSON Schema is supported when `strict` is `true`. To learn more, read the Structured Outputs
    guide.
    """


@attrs.frozen(kw_only=True)
class ResponseFormatJsonObject(Model):
    """JSON object response format. An older method of generating JSON responses. Using
    `json_schema` is recommended for models that support it. Note that the model will not
    generate JSON without a system or user message instructing it to do so.

    Spec schema ``ResponseFormatJsonObject``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset({"type"})

    type: Literal["json_object"] = "json_object"
    """The type of response format being defined. Always `json_object`."""


@attrs.frozen(kw_only=True)
class Prompt(Model):
    """Reference to a prompt template and its variables, as the response echoes it.

    Spec schema ``Prompt``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset({"id"})

    id: str
    """The unique identifier of the prompt template to use."""
    version: str | None = None
    """Optional version of the prompt template."""
    variables: Mapping[str, Any] | None = None
    """The values substituted for the template's variables, by name: each a string or an input
    content object (text, image, file), kept as JSON."""


@attrs.frozen(kw_only=True)
class ResponseError(Model):
    """An error object returned when the model fails to generate a Response.

    Spec schema ``ResponseError``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset({"code", "message"})

    code: Literal[
        "server_error",
        "rate_limit_exceeded",
        "invalid_prompt",
        "data_residency_mismatch",
        "bio_policy",
        "vector_store_timeout",
        "invalid_image",
        "invalid_image_format",
        "invalid_base64_image",
        "invalid_image_url",
        "image_too_large",
        "image_too_small",
        "image_parse_error",
        "image_content_policy_violation",
        "invalid_image_mode",
        "image_file_too_large",
        "unsupported_image_media_type",
        "empty_image_file",
        "failed_to_download_image",
        "image_file_not_found",
    ]
    message: str
    """A human-readable description of the error."""


@attrs.frozen(kw_only=True)
class ResponseIncompleteDetails(Model):
    """Details about why the response is incomplete.

    Spec schema ``Response.incomplete_details``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset()

    reason: Literal["max_output_tokens", "content_filter"] | None = None
    """The reason why the response is incomplete."""


@attrs.frozen(kw_only=True)
class Reasoning(Model):
    """Configuration options of reasoning models (gpt-5 and o-series): effort, summary, context.

    Spec schema ``Reasoning``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset()

    mode: str | None = None
    """Controls the reasoning execution mode for the request.

    When returned on a response, this is the effective execution mode.
    """
    effort: Literal["none", "minimal", "low", "medium", "high", "xhigh", "max"] | None = None
    summary: Literal["auto", "concise", "detailed"] | None = None
    """A summary of the reasoning performed by the model. This can be useful for debugging and
    understanding the model's reasoning process. One of `auto`, `concise`, or `detailed`.

    `concise` is supported for `computer-use-preview` models and all reasoning models after `gpt-5`.
    """
    context: Literal["auto", "current_turn", "all_turns"] | None = None
    """Controls which reasoning items are rendered back to the model on later turns. If omitted or
    set to `auto`, the model determines the context mode. The `gpt-5.6` model family defaults to
    `all_turns`; earlier models default to `current_turn`.

    When returned on a response, this is the effective reasoning context mode used for the
    response.
    """
    generate_summary: Literal["auto", "concise", "detailed"] | None = None
    """Deprecated: use `summary` instead (older streams send this one, as ``null``).

    A summary of the reasoning performed by the model. This can be useful for debugging and
    understanding the model's reasoning process. One of `auto`, `concise`, or `detailed`.
    """


@attrs.frozen(kw_only=True)
class ResponseUsage(Model):
    """Represents token usage details including input tokens, output tokens, a breakdown of output
    tokens, and the total tokens used.

    Spec schema ``ResponseUsage``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset(
        {
            "input_tokens",
            "input_tokens_details",
            "output_tokens",
            "output_tokens_details",
            "total_tokens",
        }
    )

    input_tokens: int
    """The number of input tokens."""
    input_tokens_details: ResponseUsageInputTokensDetails
    """A detailed breakdown of the input tokens."""
    output_tokens: int
    """The number of output tokens."""
    output_tokens_details: ResponseUsageOutputTokensDetails
    """A detailed breakdown of the output tokens."""
    total_tokens: int
    """The total number of tokens used."""


@attrs.frozen(kw_only=True)
class ResponseUsageInputTokensDetails(Model):
    """A detailed breakdown of the input tokens.

    Spec schema ``ResponseUsage.input_tokens_details``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset({"cache_write_tokens", "cached_tokens"})

    cached_tokens: int
    """The number of tokens that were retrieved from the cache. More on prompt caching."""
    cache_write_tokens: int
    """The number of input tokens that were written to the cache."""


@attrs.frozen(kw_only=True)
class ResponseUsageOutputTokensDetails(Model):
    """A detailed breakdown of the output tokens.

    Spec schema ``ResponseUsage.output_tokens_details``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset({"reasoning_tokens"})

    reasoning_tokens: int
    """The number of reasoning tokens."""


@attrs.frozen(kw_only=True)
class PromptCacheOptions(Model):
    """The prompt-caching options that were applied to the response. Supported for `gpt-5.6` and
    later models.

    Spec schema ``PromptCacheOptions``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset({"mode", "ttl"})

    ttl: Literal["30m"]
    """The minimum lifetime applied to each cache breakpoint."""
    mode: Literal["implicit", "explicit"]
    """Whether implicit prompt-cache breakpoints were enabled."""


@attrs.frozen(kw_only=True)
class Moderation(Model):
    """Moderation results or errors for the response input and output.

    Spec schema ``Moderation``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset({"input", "output"})

    input: ModerationInput
    """Moderation for the response input."""
    output: ModerationOutput
    """Moderation for the response output."""


@attrs.frozen(kw_only=True)
class ModerationResultBody(Model):
    """A moderation result produced for the response input or output.

    Spec schema ``ModerationResultBody``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset(
        {
            "categories",
            "category_applied_input_types",
            "category_scores",
            "flagged",
            "model",
            "type",
        }
    )

    type: Literal["moderation_result"] = "moderation_result"
    """The object type, which was always `moderation_result` for successful moderation results."""
    model: str
    """The moderation model that produced this result."""
    flagged: bool
    """A boolean indicating whether the content was flagged by any category."""
    categories: Mapping[str, Any]
    """A dictionary of moderation categories to booleans, True if the input is flagged under this
    category.
    """
    category_scores: Mapping[str, Any]
    """A dictionary of moderation categories to scores."""
    category_applied_input_types: Mapping[str, Any]
    """Which modalities of input are reflected by the score for each category."""


@attrs.frozen(kw_only=True)
class ModerationErrorBody(Model):
    """An error produced while attempting moderation for the response input or output.

    Spec schema ``ModerationErrorBody``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset({"code", "message", "type"})

    type: Literal["error"] = "error"
    """The object type, which was always `error` for moderation failures."""
    code: str
    """The error code."""
    message: str
    """The error message."""


@attrs.frozen(kw_only=True)
class ResponseConversation(Model):
    """The conversation that this response belonged to. Input items and output items from this
    response were automatically added to this conversation.

    Spec schema ``ResponseConversation``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset({"id"})

    id: str
    """The unique ID of the conversation that this response was associated with."""


TextResponseFormatConfiguration: TypeAlias = (
    ResponseFormatText | TextResponseFormatJsonSchema | ResponseFormatJsonObject | UnknownObject
)
"""An object specifying the format that the model must output.

Configuring `{ "type": "json_schema" }` enables Structured Outputs, which ensures the model will
match your supplied JSON schema. Learn more in the Structured Outputs guide.

The default format is `{ "type": "text" }` with no additional options.

**Not recommended for gpt-4o and newer models:**

Setting to `{ "type": "json_object" }` enables the older JSON mode, which ensures the message the
model generates is valid JSON. Using `json_schema` is preferred for models that support it. Spec
schema ``TextResponseFormatConfiguration``; an object of an unknown ``type`` is kept as
:class:`UnknownObject`.
"""


ModerationInput: TypeAlias = ModerationResultBody | ModerationErrorBody | UnknownObject
"""Moderation for the response input. Spec schema ``Moderation.input``; an object of an unknown
``type`` is kept as :class:`UnknownObject`.
"""


ModerationOutput: TypeAlias = ModerationResultBody | ModerationErrorBody | UnknownObject
"""Moderation for the response output. Spec schema ``Moderation.output``; an object of an unknown
``type`` is kept as :class:`UnknownObject`.
"""
