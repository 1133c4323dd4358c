"""Tool definitions and tool choice, as a ``Response`` echoes them from its request.

Generated from tests/data/responses-stream-schema.json, then kept by hand: see
tests/test_responses_models.py, which checks every object and field of the extract has its
model here.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar, Literal, TypeAlias

import attrs

from streamkit.models.base import Model, UnknownObject

__all__ = [
    "ApplyPatchToolParam",
    "ApproximateLocation",
    "AutoCodeInterpreterToolParam",
    "AutoCodeInterpreterToolParamNetworkPolicy",
    "CodeInterpreterTool",
    "CodeInterpreterToolContainer",
    "ComparisonFilter",
    "CompoundFilter",
    "CompoundFilterOr",
    "ComputerTool",
    "ComputerUsePreviewTool",
    "ContainerAutoParam",
    "ContainerAutoParamNetworkPolicy",
    "ContainerAutoParamSkill",
    "ContainerNetworkPolicyAllowlistParam",
    "ContainerNetworkPolicyDisabledParam",
    "ContainerNetworkPolicyDomainSecretParam",
    "ContainerReferenceParam",
    "CustomGrammarFormatParam",
    "CustomTextFormatParam",
    "CustomToolParam",
    "CustomToolParamFormat",
    "FileSearchTool",
    "Filters",
    "FunctionShellToolParam",
    "FunctionShellToolParamEnvironment",
    "FunctionTool",
    "FunctionToolParam",
    "HybridSearchOptions",
    "ImageGenTool",
    "ImageGenToolInputImageMask",
    "InlineSkillParam",
    "InlineSkillSourceParam",
    "LocalEnvironmentParam",
    "LocalShellToolParam",
    "LocalSkillParam",
    "MCPTool",
    "MCPToolApprovalFilter",
    "MCPToolFilter",
    "MCPToolRequireApproval",
    "NamespaceToolParam",
    "NamespaceToolParamTool",
    "ProgrammaticToolCallingParam",
    "RankingOptions",
    "SkillReferenceParam",
    "SpecificApplyPatchParam",
    "SpecificFunctionShellParam",
    "SpecificProgrammaticToolCallingParam",
    "Tool",
    "ToolChoiceAllowed",
    "ToolChoiceCustom",
    "ToolChoiceFunction",
    "ToolChoiceMCP",
    "ToolChoiceParam",
    "ToolChoiceTypes",
    "ToolSearchToolParam",
    "WebSearchApproximateLocation",
    "WebSearchPreviewTool",
    "WebSearchPreviewTool20250311",
    "WebSearchTool",
    "WebSearchTool20250826",
    "WebSearchToolFilters",
]


@attrs.frozen(kw_only=True)
class FunctionTool(Model):
    """Defines a function in your own code the model can choose to call. Learn more about function
    calling.

    Spec schema ``FunctionTool``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset({"name", "parameters", "strict", "type"})

    type: Literal["function"] = "function"
    """The type of the function tool. Always `function`."""
    name: str
    """The name of the function to call."""
    description: str | None = None
    """A description of the function. Used by the model to determine whether or not to call the
    function.
    """
    parameters: Mapping[str, Any] | None = None
    """A JSON schema object describing the parameters of the function. Always sent, possibly as
    ``null``.
    """
    output_schema: Mapping[str, Any] | None = None
    """A JSON schema object describing the JSON value encoded in string outputs for this function.
    """
    strict: bool | None = None
    """Whether strict parameter validation is enforced for this function tool. Always sent, possibly
    as ``null``.
    """
    defer_loading: bool | None = None
    """Whether this function is deferred and loaded via tool search."""
    allowed_callers: tuple[Literal["direct", "programmatic"], ...] | None = None
    """The tool invocation context(s)."""


@attrs.frozen(kw_only=True)
class FileSearchTool(Model):
    """A tool that searches for relevant content from uploaded files. Learn more about the file
    search tool.

    Spec schema ``FileSearchTool``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset({"type", "vector_store_ids"})

    type: Literal["file_search"] = "file_search"
    """The type of the file search tool. Always `file_search`."""
    vector_store_ids: tuple[str, ...]
    """The IDs of the vector stores to search."""
    max_num_results: int | None = None
    """The maximum number of results to return. This number should be between 1 and 50 inclusive."""
    ranking_options: RankingOptions | None = None
    """Ranking options for search."""
    filters: Filters | None = None
    """A filter to apply."""


@attrs.frozen(kw_only=True)
class RankingOptions(Model):
    """Ranking options of the file search tool.

    Spec schema ``RankingOptions``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset()

    ranker: Literal["auto", "default-2024-11-15"] | None = None
    """The ranker to use for the file search."""
    score_threshold: float | None = None
    """The score threshold for the file search, a number between 0 and 1. Numbers closer to 1 will
    attempt to return only the most relevant results, but may return fewer results.
    """
    hybrid_search: HybridSearchOptions | None = None
    """Weights that control how reciprocal rank fusion balances semantic embedding matches versus
    sparse keyword matches when hybrid search is enabled.
    """


@attrs.frozen(kw_only=True)
class HybridSearchOptions(Model):
    """Weights of reciprocal rank fusion in the file search tool's hybrid search.

    Spec schema ``HybridSearchOptions``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset({"embedding_weight", "text_weight"})

    embedding_weight: float
    """The weight of the embedding in the reciprocal ranking fusion."""
    text_weight: float
    """The weight of the text in the reciprocal ranking fusion."""


@attrs.frozen(kw_only=True)
class ComparisonFilter(Model):
    """A filter used to compare a specified attribute key to a given value using a defined
    comparison operation.

    Spec schema ``ComparisonFilter``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset({"key", "type", "value"})

    type: Literal["eq", "ne", "gt", "gte", "lt", "lte", "in", "nin"]
    """Specifies the comparison operator: `eq`, `ne`, `gt`, `gte`, `lt`, `lte`, `in`, `nin`. - `eq`:
    equals - `ne`: not equal - `gt`: greater than - `gte`: greater than or equal - `lt`: less than -
    `lte`: less than or equal - `in`: in - `nin`: not in
    """
    key: str
    """The key to compare against the value."""
    value: Any
    """The value to compare against the attribute key; supports string, number, or boolean types.
    Free-form JSON: a union of values of several JSON types.
    """


@attrs.frozen(kw_only=True)
class CompoundFilter(Model):
    """Combine multiple filters using `and` or `or`.

    Spec schema ``CompoundFilter``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset({"filters", "type"})

    type: Literal["and", "or"] = "and"
    """Type of operation: `and` or `or`."""
    filters: tuple[Any, ...]
    """Array of filters to combine. Items can be `ComparisonFilter` or `CompoundFilter`. Free-form
    JSON: the spec's items are a filter or any JSON value, which no union of objects describes."""


@attrs.frozen(kw_only=True)
class CompoundFilterOr(CompoundFilter):
    """A ``CompoundFilter`` whose ``type`` is ``or``.

    Spec schema ``CompoundFilter``: its ``type`` takes several values; one class per value lets a
    union tell them apart.
    """

    type: Literal["and", "or"] = "or"
    """Type of operation: `and` or `or`."""


@attrs.frozen(kw_only=True)
class ComputerTool(Model):
    """A tool that controls a virtual computer. Learn more about the computer tool.

    Spec schema ``ComputerTool``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset({"type"})

    type: Literal["computer"] = "computer"
    """The type of the computer tool. Always `computer`."""


@attrs.frozen(kw_only=True)
class ComputerUsePreviewTool(Model):
    """A tool that controls a virtual computer. Learn more about the computer tool.

    Spec schema ``ComputerUsePreviewTool``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset(
        {"display_height", "display_width", "environment", "type"}
    )

    type: Literal["computer_use_preview"] = "computer_use_preview"
    """The type of the computer use tool. Always `computer_use_preview`."""
    environment: Literal["windows", "mac", "linux", "ubuntu", "browser"]
    """The type of computer environment to control."""
    display_width: int
    """The width of the computer display."""
    display_height: int
    """The height of the computer display."""


@attrs.frozen(kw_only=True)
class WebSearchTool(Model):
    """Search the Internet for sources related to the prompt. Learn more about the web search tool.

    Spec schema ``WebSearchTool``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset({"type"})

    type: Literal["web_search", "web_search_2025_08_26"] = "web_search"
    """The type of the web search tool. One of `web_search` or `web_search_2025_08_26`."""
    external_web_access: bool | None = None
    """Allow live internet access for web search. Defaults to true when omitted. When false, the web
    search tool runs in offline/cache-only mode and will not fetch new external content.
    """
    filters: WebSearchToolFilters | None = None
    """Filters for the search."""
    user_location: WebSearchApproximateLocation | None = None
    search_context_size: Literal["low", "medium", "high"] | None = None
    """High level guidance for the amount of context window space to use for the search. One of
    `low`, `medium`, or `high`. `medium` is the default.
    """


@attrs.frozen(kw_only=True)
class WebSearchTool20250826(WebSearchTool):
    """A ``WebSearchTool`` whose ``type`` is ``web_search_2025_08_26``.

    Spec schema ``WebSearchTool``: its ``type`` takes several values; one class per value lets a
    union tell them apart.
    """

    type: Literal["web_search", "web_search_2025_08_26"] = "web_search_2025_08_26"
    """The type of the web search tool. One of `web_search` or `web_search_2025_08_26`."""


@attrs.frozen(kw_only=True)
class WebSearchToolFilters(Model):
    """Filters for the search.

    Spec schema ``WebSearchTool.filters``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset()

    allowed_domains: tuple[str, ...] | None = None
    """Allowed domains for the search. If not provided, all domains are allowed. Subdomains of the
    provided domains are allowed as well.

    Example: `["pubmed.ncbi.nlm.nih.gov"]`
    """


@attrs.frozen(kw_only=True)
class WebSearchApproximateLocation(Model):
    """The approximate location of the user.

    Spec schema ``WebSearchApproximateLocation``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset()

    type: Literal["approximate"] = "approximate"
    """The type of location approximation. Always `approximate`."""
    country: str | None = None
    """The two-letter ISO country code of the user, e.g. `US`."""
    region: str | None = None
    """Free text input for the region of the user, e.g. `California`."""
    city: str | None = None
    """Free text input for the city of the user, e.g. `San Francisco`."""
    timezone: str | None = None
    """The IANA timezone of the user, e.g. `America/Los_Angeles`."""


@attrs.frozen(kw_only=True)
class MCPTool(Model):
    """Give the model access to additional tools via remote Model Context Protocol (MCP) servers.
    Learn more about MCP.

    Spec schema ``MCPTool``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset({"server_label", "type"})

    type: Literal["mcp"] = "mcp"
    """The type of the MCP tool. Always `mcp`."""
    server_label: str
    """A label for this MCP server, used to identify it in tool calls."""
    server_url: str | None = None
    """The URL for the MCP server. One of `server_url`, `connector_id`, or `tunnel_id` must be
    provided.
    """
    connector_id: (
        Literal[
            "connector_dropbox",
            "connector_gmail",
            "connector_googlecalendar",
            "connector_googledrive",
            "connector_microsoftteams",
            "connector_outlookcalendar",
            "connector_outlookemail",
            "connector_sharepoint",
        ]
        | None
    ) = None
    """Identifier for service connectors, like those available in ChatGPT. One of `server_url`,
    `connector_id`, or `tunnel_id` must be provided. Learn more about service connectors here.

    Currently supported `connector_id` values are:

    - Dropbox: `connector_dropbox` - Gmail: `connector_gmail` - Google Calendar:
    `connector_googlecalendar` - Google Drive: `connector_googledrive` - Microsoft Teams:
    `connector_microsoftteams` - Outlook Calendar: `connector_outlookcalendar` - Outlook Email:
    `connector_outlookemail` - SharePoint: `connector_sharepoint`
    """
    tunnel_id: str | None = None
    """The Secure MCP Tunnel ID to use instead of a direct server URL. One of `server_url`,
    `connector_id`, or `tunnel_id` must be provided.
    """
    authorization: str | None = None
    """An OAuth access token that can be used with a remote MCP server, either with a custom MCP
    server URL or a service connector. Your application must handle the OAuth authorization flow
    and provide the token here.
    """
    server_description: str | None = None
    """Optional description of the MCP server, used to provide more context."""
    headers: Mapping[str, str] | None = None
    """Optional HTTP headers to send to the MCP server. Use for authentication or other purposes."""
    allowed_tools: Any = None
    """List of allowed tool names or a filter object. Free-form JSON: a union of values of several
    JSON types.
    """
    allowed_callers: tuple[Literal["direct", "programmatic"], ...] | None = None
    """The tool invocation context(s)."""
    require_approval: MCPToolRequireApproval | None = None
    """Specify which of the MCP server's tools require approval."""
    defer_loading: bool | None = None
    """Whether this MCP tool is deferred and discovered via tool search."""


@attrs.frozen(kw_only=True)
class MCPToolApprovalFilter(Model):
    """Specify which of the MCP server's tools require approval. Can be `always`, `never`, or a
    filter object associated with tools that require approval.

    Spec schema ``MCPTool.require_approval/0``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset()

    always: MCPToolFilter | None = None
    never: MCPToolFilter | None = None


@attrs.frozen(kw_only=True)
class MCPToolFilter(Model):
    """A filter object to specify which tools are allowed.

    Spec schema ``MCPToolFilter``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset()

    tool_names: tuple[str, ...] | None = None
    """List of allowed tool names."""
    read_only: bool | None = None
    """Indicates whether or not a tool modifies data or is read-only. If an MCP server is annotated
    with `readOnlyHint`, it will match this filter.
    """


@attrs.frozen(kw_only=True)
class CodeInterpreterTool(Model):
    """A tool that runs Python code to help generate a response to a prompt.

    Spec schema ``CodeInterpreterTool``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset({"container", "type"})

    type: Literal["code_interpreter"] = "code_interpreter"
    """The type of the code interpreter tool. Always `code_interpreter`."""
    container: CodeInterpreterToolContainer
    """The code interpreter container. Can be a container ID or an object that specifies uploaded
    file IDs to make available to your code, along with an optional `memory_limit` setting.
    """
    allowed_callers: tuple[Literal["direct", "programmatic"], ...] | None = None
    """The tool invocation context(s)."""


@attrs.frozen(kw_only=True)
class AutoCodeInterpreterToolParam(Model):
    """Configuration for a code interpreter container. Optionally specify the IDs of the files to
    run the code on.

    Spec schema ``AutoCodeInterpreterToolParam``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset({"type"})

    type: Literal["auto"] = "auto"
    """Always `auto`."""
    file_ids: tuple[str, ...] | None = None
    """An optional list of uploaded files to make available to your code."""
    memory_limit: Literal["1g", "4g", "16g", "64g"] | None = None
    """The memory limit for the code interpreter container."""
    network_policy: AutoCodeInterpreterToolParamNetworkPolicy | None = None
    """Network access policy for the container."""


@attrs.frozen(kw_only=True)
class ContainerNetworkPolicyDisabledParam(Model):
    """A container network policy: no network access.

    Spec schema ``ContainerNetworkPolicyDisabledParam``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset({"type"})

    type: Literal["disabled"] = "disabled"
    """Disable outbound network access. Always `disabled`."""


@attrs.frozen(kw_only=True)
class ContainerNetworkPolicyAllowlistParam(Model):
    """A container network policy: access to the listed domains only.

    Spec schema ``ContainerNetworkPolicyAllowlistParam``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset({"allowed_domains", "type"})

    type: Literal["allowlist"] = "allowlist"
    """Allow outbound network access only to specified domains. Always `allowlist`."""
    allowed_domains: tuple[str, ...]
    """A list of allowed domains when type is `allowlist`."""
    domain_secrets: tuple[ContainerNetworkPolicyDomainSecretParam, ...] | None = None
    """Optional domain-scoped secrets for allowlisted domains."""


@attrs.frozen(kw_only=True)
class ContainerNetworkPolicyDomainSecretParam(Model):
    """A secret injected for one allowlisted domain of a container.

    Spec schema ``ContainerNetworkPolicyDomainSecretParam``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset({"domain", "name", "value"})

    domain: str
    """The domain associated with the secret."""
    name: str
    """The name of the secret to inject for the domain."""
    value: str
    """The secret value to inject for the domain."""


@attrs.frozen(kw_only=True)
class ProgrammaticToolCallingParam(Model):
    """The programmatic tool calling tool: the model writes programs that call tools.

    Spec schema ``ProgrammaticToolCallingParam``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset({"type"})

    type: Literal["programmatic_tool_calling"] = "programmatic_tool_calling"
    """The type of the tool. Always `programmatic_tool_calling`."""


@attrs.frozen(kw_only=True)
class ImageGenTool(Model):
    """A tool that generates images using the GPT image models.

    Spec schema ``ImageGenTool``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset({"type"})

    type: Literal["image_generation"] = "image_generation"
    """The type of the image generation tool. Always `image_generation`."""
    model: str | None = None
    quality: Literal["low", "medium", "high", "auto"] | None = None
    """The quality of the generated image. One of `low`, `medium`, `high`, or `auto`. Default:
    `auto`.
    """
    size: str | None = None
    """The size of the generated images. For `gpt-image-2` and `gpt-image-2-2026-04-21`, arbitrary
    resolutions are supported as `WIDTHxHEIGHT` strings, for example `1536x864`. Width and height
    must both be divisible by 16 and the requested aspect ratio must be between 1:3 and 3:1.
    Resolutions above `2560x1440` are experimental, and the maximum supported resolution is
    `3840x2160`. The requested size must also satisfy the model's current pixel and edge limits. The
    standard sizes `1024x1024`, `1536x1024`, and `1024x1536` are supported by the GPT image models;
    `auto` is supported for models that allow automatic sizing. For `dall-e-2`, use one of
    `256x256`, `512x512`, or `1024x1024`. For `dall-e-3`, use one of `1024x1024`, `1792x1024`, or
    `1024x1792`.
    """
    output_format: Literal["png", "webp", "jpeg"] | None = None
    """The output format of the generated image. One of `png`, `webp`, or `jpeg`. Default: `png`."""
    output_compression: int | None = None
    """Compression level for the output image. Default: 100."""
    moderation: Literal["auto", "low"] | None = None
    """Moderation level for the generated image. Default: `auto`."""
    background: Literal["transparent", "opaque", "auto"] | None = None
    """Set the background of the generated image. One of `transparent`, `opaque`, or `auto`.
    Transparent backgrounds are available for supported GPT Image models. For `gpt-image-2` and
    `gpt-image-2-2026-04-21`, this support is in preview. When using `transparent`, set the output
    format to `png` or `webp`. Default: `auto`.
    """
    input_fidelity: Literal["high", "low"] | None = None
    input_image_mask: ImageGenToolInputImageMask | None = None
    """Optional mask for inpainting. Contains `image_url` (string, optional) and `file_id` (string,
    optional).
    """
    partial_images: int | None = None
    """Number of partial images to generate in streaming mode, from 0 (default value) to 3."""
    action: Literal["generate", "edit", "auto"] | None = None
    """Whether to generate a new image or edit an existing image. Default: `auto`."""


@attrs.frozen(kw_only=True)
class ImageGenToolInputImageMask(Model):
    """Optional mask for inpainting. Contains `image_url` (string, optional) and `file_id` (string,
    optional).

    Spec schema ``ImageGenTool.input_image_mask``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset()

    image_url: str | None = None
    """Base64-encoded mask image."""
    file_id: str | None = None
    """File ID for the mask image."""


@attrs.frozen(kw_only=True)
class LocalShellToolParam(Model):
    """A tool that allows the model to execute shell commands in a local environment.

    Spec schema ``LocalShellToolParam``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset({"type"})

    type: Literal["local_shell"] = "local_shell"
    """The type of the local shell tool. Always `local_shell`."""


@attrs.frozen(kw_only=True)
class FunctionShellToolParam(Model):
    """A tool that allows the model to execute shell commands.

    Spec schema ``FunctionShellToolParam``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset({"type"})

    type: Literal["shell"] = "shell"
    """The type of the shell tool. Always `shell`."""
    environment: FunctionShellToolParamEnvironment | None = None
    allowed_callers: tuple[Literal["direct", "programmatic"], ...] | None = None
    """The tool invocation context(s)."""


@attrs.frozen(kw_only=True)
class ContainerAutoParam(Model):
    """A container created automatically for the shell tool.

    Spec schema ``ContainerAutoParam``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset({"type"})

    type: Literal["container_auto"] = "container_auto"
    """Automatically creates a container for this request"""
    file_ids: tuple[str, ...] | None = None
    """An optional list of uploaded files to make available to your code."""
    memory_limit: Literal["1g", "4g", "16g", "64g"] | None = None
    """The memory limit for the container."""
    network_policy: ContainerAutoParamNetworkPolicy | None = None
    """Network access policy for the container."""
    skills: tuple[ContainerAutoParamSkill, ...] | None = None
    """An optional list of skills referenced by id or inline data."""


@attrs.frozen(kw_only=True)
class SkillReferenceParam(Model):
    """A skill of a container, referenced by ID.

    Spec schema ``SkillReferenceParam``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset({"skill_id", "type"})

    type: Literal["skill_reference"] = "skill_reference"
    """References a skill created with the /v1/skills endpoint."""
    skill_id: str
    """The ID of the referenced skill."""
    version: str | None = None
    """Optional skill version. Use a positive integer or 'latest'. Omit for default."""


@attrs.frozen(kw_only=True)
class InlineSkillParam(Model):
    """A skill of a container, given inline.

    Spec schema ``InlineSkillParam``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset({"description", "name", "source", "type"})

    type: Literal["inline"] = "inline"
    """Defines an inline skill for this request."""
    name: str
    """The name of the skill."""
    description: str
    """The description of the skill."""
    source: InlineSkillSourceParam
    """Inline skill payload"""


@attrs.frozen(kw_only=True)
class InlineSkillSourceParam(Model):
    """Inline skill payload

    Spec schema ``InlineSkillSourceParam``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset({"data", "media_type", "type"})

    type: Literal["base64"] = "base64"
    """The type of the inline skill source. Must be `base64`."""
    media_type: Literal["application/zip"] = "application/zip"
    """The media type of the inline skill payload. Must be `application/zip`."""
    data: str
    """Base64-encoded skill zip bundle."""


@attrs.frozen(kw_only=True)
class LocalEnvironmentParam(Model):
    """The shell tool's environment: the client's local machine.

    Spec schema ``LocalEnvironmentParam``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset({"type"})

    type: Literal["local"] = "local"
    """Use a local computer environment."""
    skills: tuple[LocalSkillParam, ...] | None = None
    """An optional list of skills."""


@attrs.frozen(kw_only=True)
class LocalSkillParam(Model):
    """A skill of the local shell environment, in a directory.

    Spec schema ``LocalSkillParam``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset({"description", "name", "path"})

    name: str
    """The name of the skill."""
    description: str
    """The description of the skill."""
    path: str
    """The path to the directory containing the skill."""


@attrs.frozen(kw_only=True)
class ContainerReferenceParam(Model):
    """The shell tool's environment: an existing container, by ID.

    Spec schema ``ContainerReferenceParam``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset({"container_id", "type"})

    type: Literal["container_reference"] = "container_reference"
    """References a container created with the /v1/containers endpoint"""
    container_id: str
    """The ID of the referenced container."""


@attrs.frozen(kw_only=True)
class CustomToolParam(Model):
    """A custom tool that processes input using a specified format. Learn more about custom tools

    Spec schema ``CustomToolParam``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset({"name", "type"})

    type: Literal["custom"] = "custom"
    """The type of the custom tool. Always `custom`."""
    name: str
    """The name of the custom tool, used to identify it in tool calls."""
    description: str | None = None
    """Optional description of the custom tool, used to provide more context."""
    format: CustomToolParamFormat | None = None
    """The input format for the custom tool. Default is unconstrained text."""
    defer_loading: bool | None = None
    """Whether this tool should be deferred and discovered via tool search."""
    allowed_callers: tuple[Literal["direct", "programmatic"], ...] | None = None
    """The tool invocation context(s)."""


@attrs.frozen(kw_only=True)
class CustomTextFormatParam(Model):
    """Unconstrained free-form text.

    Spec schema ``CustomTextFormatParam``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset({"type"})

    type: Literal["text"] = "text"
    """Unconstrained text format. Always `text`."""


@attrs.frozen(kw_only=True)
class CustomGrammarFormatParam(Model):
    """A grammar defined by the user.

    Spec schema ``CustomGrammarFormatParam``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset({"definition", "syntax", "type"})

    type: Literal["grammar"] = "grammar"
    """Grammar format. Always `grammar`."""
    syntax: Literal["lark", "regex"]
    """The syntax of the grammar definition. One of `lark` or `regex`."""
    definition: str
    """The grammar definition."""


@attrs.frozen(kw_only=True)
class NamespaceToolParam(Model):
    """Groups function/custom tools under a shared namespace.

    Spec schema ``NamespaceToolParam``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset({"description", "name", "tools", "type"})

    type: Literal["namespace"] = "namespace"
    """The type of the tool. Always `namespace`."""
    name: str
    """The namespace name used in tool calls (for example, `crm`)."""
    description: str
    """A description of the namespace shown to the model."""
    tools: tuple[NamespaceToolParamTool, ...]
    """The function/custom tools available inside this namespace."""


@attrs.frozen(kw_only=True)
class FunctionToolParam(Model):
    """A function tool inside a namespace tool.

    Spec schema ``FunctionToolParam``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset({"name", "type"})

    name: str
    description: str | None = None
    parameters: Mapping[str, Any] | None = None
    strict: bool | None = None
    """Whether to enforce strict parameter validation. If omitted, Responses attempts to use strict
    validation when the schema is compatible, and falls back to non-strict validation otherwise.
    """
    type: Literal["function"] = "function"
    output_schema: Mapping[str, Any] | None = None
    """A JSON Schema describing the JSON value encoded in string outputs for this function tool.
    This does not describe content-array outputs.
    """
    defer_loading: bool | None = None
    """Whether this function should be deferred and discovered via tool search."""
    allowed_callers: tuple[Literal["direct", "programmatic"], ...] | None = None
    """The tool invocation context(s)."""


@attrs.frozen(kw_only=True)
class ToolSearchToolParam(Model):
    """Hosted or BYOT tool search configuration for deferred tools.

    Spec schema ``ToolSearchToolParam``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset({"type"})

    type: Literal["tool_search"] = "tool_search"
    """The type of the tool. Always `tool_search`."""
    execution: Literal["server", "client"] | None = None
    """Whether tool search is executed by the server or by the client."""
    description: str | None = None
    """Description shown to the model for a client-executed tool search tool."""
    parameters: Mapping[str, Any] | None = None
    """Parameter schema for a client-executed tool search tool."""


@attrs.frozen(kw_only=True)
class WebSearchPreviewTool(Model):
    """This tool searches the web for relevant results to use in a response. Learn more about the
    web search tool.

    Spec schema ``WebSearchPreviewTool``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset({"type"})

    type: Literal["web_search_preview", "web_search_preview_2025_03_11"] = "web_search_preview"
    """The type of the web search tool. One of `web_search_preview` or
    `web_search_preview_2025_03_11`.
    """
    user_location: ApproximateLocation | None = None
    """The user's location."""
    search_context_size: Literal["low", "medium", "high"] | None = None
    """High level guidance for the amount of context window space to use for the search. One of
    `low`, `medium`, or `high`. `medium` is the default.
    """
    search_content_types: tuple[Literal["text", "image"], ...] | None = None


@attrs.frozen(kw_only=True)
class WebSearchPreviewTool20250311(WebSearchPreviewTool):
    """A ``WebSearchPreviewTool`` whose ``type`` is ``web_search_preview_2025_03_11``.

    Spec schema ``WebSearchPreviewTool``: its ``type`` takes several values; one class per value
    lets a union tell them apart.
    """

    type: Literal["web_search_preview", "web_search_preview_2025_03_11"] = (
        "web_search_preview_2025_03_11"
    )
    """The type of the web search tool. One of `web_search_preview` or
    `web_search_preview_2025_03_11`.
    """


@attrs.frozen(kw_only=True)
class ApproximateLocation(Model):
    """The approximate location of the user, for the web search preview tool.

    Spec schema ``ApproximateLocation``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset({"type"})

    type: Literal["approximate"] = "approximate"
    """The type of location approximation. Always `approximate`."""
    country: str | None = None
    """The two-letter ISO country code of the user, e.g. `US`."""
    region: str | None = None
    """Free text input for the region of the user, e.g. `California`."""
    city: str | None = None
    """Free text input for the city of the user, e.g. `San Francisco`."""
    timezone: str | None = None
    """The IANA timezone of the user, e.g. `America/Los_Angeles`."""


@attrs.frozen(kw_only=True)
class ApplyPatchToolParam(Model):
    """Allows the assistant to create, delete, or update files using unified diffs.

    Spec schema ``ApplyPatchToolParam``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset({"type"})

    type: Literal["apply_patch"] = "apply_patch"
    """The type of the tool. Always `apply_patch`."""
    allowed_callers: tuple[Literal["direct", "programmatic"], ...] | None = None
    """The tool invocation context(s)."""


@attrs.frozen(kw_only=True)
class ToolChoiceAllowed(Model):
    """Constrains the tools available to the model to a pre-defined set.

    Spec schema ``ToolChoiceAllowed``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset({"mode", "tools", "type"})

    type: Literal["allowed_tools"] = "allowed_tools"
    """Allowed tool configuration type. Always `allowed_tools`."""
    mode: Literal["auto", "required"]
    """Constrains the tools available to the model to a pre-defined set.

    `auto` allows the model to pick from among the allowed tools and generate a message.

    `required` requires the model to call one or more of the allowed tools.
    """
    tools: tuple[Mapping[str, Any], ...]
    """A list of tool definitions that the model should be allowed to call.

    For the Responses API, the list of tool definitions might look like: ```json [ { "type":
    "function", "name": "get_weather" }, { "type": "mcp", "server_label": "deepwiki" }, { "type":
    "image_generation" } ] ```
    """


@attrs.frozen(kw_only=True)
class ToolChoiceTypes(Model):
    """Indicates that the model should use a built-in tool to generate a response. Learn more about
    built-in tools.

    Spec schema ``ToolChoiceTypes``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset({"type"})

    type: Literal[
        "file_search",
        "web_search_preview",
        "computer",
        "computer_use_preview",
        "computer_use",
        "web_search_preview_2025_03_11",
        "image_generation",
        "code_interpreter",
    ]
    """The type of hosted tool the model should to use. Learn more about built-in tools.

    Allowed values are: - `file_search` - `web_search_preview` - `computer` - `computer_use_preview`
    - `computer_use` - `code_interpreter` - `image_generation`
    """


@attrs.frozen(kw_only=True)
class ToolChoiceFunction(Model):
    """Use this option to force the model to call a specific function.

    Spec schema ``ToolChoiceFunction``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset({"name", "type"})

    type: Literal["function"] = "function"
    """For function calling, the type is always `function`."""
    name: str
    """The name of the function to call."""


@attrs.frozen(kw_only=True)
class ToolChoiceMCP(Model):
    """Use this option to force the model to call a specific tool on a remote MCP server.

    Spec schema ``ToolChoiceMCP``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset({"server_label", "type"})

    type: Literal["mcp"] = "mcp"
    """For MCP tools, the type is always `mcp`."""
    server_label: str
    """The label of the MCP server to use."""
    name: str | None = None
    """The name of the tool to call on the server."""


@attrs.frozen(kw_only=True)
class ToolChoiceCustom(Model):
    """Use this option to force the model to call a specific custom tool.

    Spec schema ``ToolChoiceCustom``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset({"name", "type"})

    type: Literal["custom"] = "custom"
    """For custom tool calling, the type is always `custom`."""
    name: str
    """The name of the custom tool to call."""


@attrs.frozen(kw_only=True)
class SpecificProgrammaticToolCallingParam(Model):
    """A tool choice forcing the programmatic tool calling tool.

    Spec schema ``SpecificProgrammaticToolCallingParam``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset({"type"})

    type: Literal["programmatic_tool_calling"] = "programmatic_tool_calling"
    """The tool to call. Always `programmatic_tool_calling`."""


@attrs.frozen(kw_only=True)
class SpecificApplyPatchParam(Model):
    """Forces the model to call the apply_patch tool when executing a tool call.

    Spec schema ``SpecificApplyPatchParam``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset({"type"})

    type: Literal["apply_patch"] = "apply_patch"
    """The tool to call. Always `apply_patch`."""


@attrs.frozen(kw_only=True)
class SpecificFunctionShellParam(Model):
    """Forces the model to call the shell tool when a tool call is required.

    Spec schema ``SpecificFunctionShellParam``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset({"type"})

    type: Literal["shell"] = "shell"
    """The tool to call. Always `shell`."""


Filters: TypeAlias = ComparisonFilter | CompoundFilter | CompoundFilterOr | UnknownObject
"""One of ``ComparisonFilter``, ``CompoundFilter``, ``CompoundFilterOr``. Spec schema ``Filters``;
an object of an unknown ``type`` is kept as :class:`UnknownObject`.
"""


MCPToolRequireApproval: TypeAlias = (
    MCPToolApprovalFilter | Literal["always", "never"] | UnknownObject
)
"""Specify which of the MCP server's tools require approval. Spec schema
``MCPTool.require_approval``; an object of an unknown ``type`` is kept as :class:`UnknownObject`.
"""


AutoCodeInterpreterToolParamNetworkPolicy: TypeAlias = (
    ContainerNetworkPolicyDisabledParam | ContainerNetworkPolicyAllowlistParam | UnknownObject
)
"""Network access policy for the container. Spec schema
``AutoCodeInterpreterToolParam.network_policy``; an object of an unknown ``type`` is kept as
:class:`UnknownObject`.
"""


CodeInterpreterToolContainer: TypeAlias = str | AutoCodeInterpreterToolParam | UnknownObject
"""The code interpreter container. Can be a container ID or an object that specifies uploaded file
IDs to make available to your code, along with an optional `memory_limit` setting. Spec schema
``CodeInterpreterTool.container``; an object of an unknown ``type`` is kept as
:class:`UnknownObject`.
"""


ContainerAutoParamNetworkPolicy: TypeAlias = (
    ContainerNetworkPolicyDisabledParam | ContainerNetworkPolicyAllowlistParam | UnknownObject
)
"""Network access policy for the container. Spec schema ``ContainerAutoParam.network_policy``; an
object of an unknown ``type`` is kept as :class:`UnknownObject`.
"""


ContainerAutoParamSkill: TypeAlias = SkillReferenceParam | InlineSkillParam | UnknownObject
"""One of ``SkillReferenceParam``, ``InlineSkillParam``. Spec schema
``ContainerAutoParam.skills[]``; an object of an unknown ``type`` is kept as
:class:`UnknownObject`.
"""


FunctionShellToolParamEnvironment: TypeAlias = (
    ContainerAutoParam | LocalEnvironmentParam | ContainerReferenceParam | UnknownObject
)
"""One of ``ContainerAutoParam``, ``LocalEnvironmentParam``, ``ContainerReferenceParam``. Spec
schema ``FunctionShellToolParam.environment``; an object of an unknown ``type`` is kept as
:class:`UnknownObject`.
"""


CustomToolParamFormat: TypeAlias = CustomTextFormatParam | CustomGrammarFormatParam | UnknownObject
"""The input format for the custom tool. Default is unconstrained text. Spec schema
``CustomToolParam.format``; an object of an unknown ``type`` is kept as :class:`UnknownObject`.
"""


NamespaceToolParamTool: TypeAlias = FunctionToolParam | CustomToolParam | UnknownObject
"""A function or custom tool that belongs to a namespace. Spec schema
``NamespaceToolParam.tools[]``; an object of an unknown ``type`` is kept as
:class:`UnknownObject`.
"""


Tool: TypeAlias = (
    FunctionTool
    | FileSearchTool
    | ComputerTool
    | ComputerUsePreviewTool
    | WebSearchTool
    | WebSearchTool20250826
    | MCPTool
    | CodeInterpreterTool
    | ProgrammaticToolCallingParam
    | ImageGenTool
    | LocalShellToolParam
    | FunctionShellToolParam
    | CustomToolParam
    | NamespaceToolParam
    | ToolSearchToolParam
    | WebSearchPreviewTool
    | WebSearchPreviewTool20250311
    | ApplyPatchToolParam
    | UnknownObject
)
"""A tool that can be used to generate a response. Spec schema ``Tool``; an object of an unknown
``type`` is kept as :class:`UnknownObject`.
"""


ToolChoiceParam: TypeAlias = (
    Literal["none", "auto", "required"]
    | ToolChoiceAllowed
    | ToolChoiceTypes
    | ToolChoiceFunction
    | ToolChoiceMCP
    | ToolChoiceCustom
    | SpecificProgrammaticToolCallingParam
    | SpecificApplyPatchParam
    | SpecificFunctionShellParam
    | UnknownObject
)
"""How the model should select which tool (or tools) to use when generating a response. See the
`tools` parameter to see how to specify which tools the model can call. Spec schema
``ToolChoiceParam``; an object of an unknown ``type`` is kept as :class:`UnknownObject`.
"""
