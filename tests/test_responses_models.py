"""The Responses models work with the engine unchanged, and cover the schema extract.

Every class of streamkit.models.responses has a schema plan, a structure and
an unstructure hook; the union aliases dispatch on ``type`` and keep unknown
types; streamed text fields are marked so the merge appends to them.
"""

from __future__ import annotations

import typing
from typing import Any

import attrs
import pytest

from streamkit import to_dict
from streamkit._engine.convert import structurer, unstructurer
from streamkit._engine.plan import is_model, plan_for
from streamkit.models import UnknownObject
from streamkit.models import responses as rm

# ResponseEvent is the events' abstract base: never on the wire, no fields.
CLASSES = sorted(
    (name for name in rm.__all__ if is_model(getattr(rm, name)) and name != "ResponseEvent"),
    key=str.lower,
)
UNION_ALIASES = sorted(
    name
    for name in rm.__all__
    if typing.get_origin(getattr(rm, name)) is not None
    and UnknownObject in typing.get_args(getattr(rm, name))
)

STREAMED = {
    ("OutputTextContent", "text"),
    ("RefusalContent", "refusal"),
    ("ReasoningTextContent", "text"),
    ("SummaryTextContent", "text"),
    ("FunctionToolCall", "arguments"),
    ("CustomToolCall", "input"),
    ("MCPToolCall", "arguments"),
    ("CodeInterpreterToolCall", "code"),
}


@pytest.mark.parametrize("name", CLASSES)
def test_every_class_has_a_plan_and_hooks(name: str) -> None:
    cls = getattr(rm, name)
    plan = plan_for(cls)
    assert plan.cls is cls
    assert plan.required <= plan.known | {"sequence_number"}
    structurer(cls)
    unstructurer(cls)


def test_streamed_fields_are_exactly_the_contracts() -> None:
    found = {
        (name, field.name)
        for name in CLASSES
        for field in plan_for(getattr(rm, name)).fields
        if field.role == "append"
    }
    assert STREAMED == found


@pytest.mark.parametrize("name", UNION_ALIASES)
def test_union_aliases_dispatch_and_keep_unknown_types(name: str) -> None:
    hook = structurer(getattr(rm, name))
    unknown = {"type": "not_a_real_type_yet", "k": [1, {"v": None}]}
    value = hook(unknown)
    # A union with a member that takes any object (ToolChoiceTypes in
    # ToolChoiceParam, the approval filter of MCPTool) gives that member;
    # every other union keeps the object raw. Lossless either way.
    takes_any = {"ToolChoiceParam", "Filters", "MCPToolRequireApproval"}
    assert isinstance(value, UnknownObject) == (name not in takes_any)
    assert unknown == to_dict(value)


def test_the_event_union_structures_each_event_class() -> None:
    hook = structurer(rm.ResponseStreamEvent)
    for type_name, cls in rm.RESPONSE_EVENT_CLASSES.items():
        event = hook({"type": type_name, "sequence_number": 1})
        assert cls is type(event)
        assert {"type": type_name, "sequence_number": 1} == to_dict(event)


def test_output_item_union_holds_every_item_type() -> None:
    members = {cls for cls in typing.get_args(rm.OutputItem) if is_model(cls)}
    tags = {attrs.fields(cls).type.default for cls in members}
    assert {
        "message",
        "reasoning",
        "function_call",
        "function_call_output",
        "custom_tool_call",
        "custom_tool_call_output",
        "code_interpreter_call",
        "file_search_call",
        "web_search_call",
        "image_generation_call",
        "mcp_call",
        "mcp_list_tools",
        "mcp_approval_request",
        "mcp_approval_response",
        "computer_call",
        "computer_call_output",
        "local_shell_call",
        "local_shell_call_output",
        "shell_call",
        "shell_call_output",
        "apply_patch_call",
        "apply_patch_call_output",
        "compaction",
        "tool_search_call",
        "tool_search_output",
        "program",
        "program_output",
        "additional_tools",
    } == tags


def test_a_response_round_trips_with_items_parts_and_annotations() -> None:
    wire: dict[str, Any] = {
        "id": "resp_1",
        "object": "response",
        "created_at": 1700000000,
        "status": "completed",
        "error": None,
        "incomplete_details": None,
        "instructions": [{"role": "developer", "content": "be brief"}],
        "model": "gpt-5",
        "output": [
            {
                "type": "reasoning",
                "id": "rs_1",
                "summary": [{"type": "summary_text", "text": "Thinking"}],
                "content": [{"type": "reasoning_text", "text": "raw"}],
            },
            {
                "type": "message",
                "id": "msg_1",
                "role": "assistant",
                "status": "completed",
                "content": [
                    {
                        "type": "output_text",
                        "text": "Hi",
                        "annotations": [
                            {
                                "type": "url_citation",
                                "url": "https://example.com",
                                "title": "t",
                                "start_index": 0,
                                "end_index": 2,
                            }
                        ],
                        "logprobs": [],
                    },
                    {"type": "refusal", "refusal": "no"},
                ],
            },
            {
                "type": "function_call",
                "id": "fc_1",
                "call_id": "call_1",
                "name": "f",
                "arguments": "{}",
                "status": "completed",
            },
        ],
        "parallel_tool_calls": True,
        "metadata": {},
        "tool_choice": {"type": "function", "name": "f"},
        "tools": [
            {"type": "function", "name": "f", "parameters": {"type": "object"}, "strict": True},
            {"type": "web_search_2025_08_26"},
        ],
        "temperature": 1,
        "top_p": None,
        "text": {"format": {"type": "json_schema", "name": "n", "schema": {}}, "verbosity": "low"},
        "usage": {
            "input_tokens": 1,
            "input_tokens_details": {"cached_tokens": 0, "cache_write_tokens": 0},
            "output_tokens": 2,
            "output_tokens_details": {"reasoning_tokens": 1},
            "total_tokens": 3,
        },
    }
    response = structurer(rm.Response)(wire)
    assert wire == to_dict(response)
    reasoning, message, call = response.output
    assert isinstance(reasoning, rm.ReasoningItem)
    assert isinstance(reasoning.summary[0], rm.SummaryTextContent)
    assert isinstance(reasoning.content[0], rm.ReasoningTextContent)
    assert isinstance(message, rm.OutputMessage)
    text, refusal = message.content
    assert isinstance(text, rm.OutputTextContent)
    assert isinstance(text.annotations[0], rm.UrlCitationBody)
    assert isinstance(refusal, rm.RefusalContent)
    assert isinstance(call, rm.FunctionToolCall)
    assert isinstance(response.tool_choice, rm.ToolChoiceFunction)
    assert isinstance(response.tools[1], rm.WebSearchTool20250826)
    assert isinstance(response.tools[1], rm.WebSearchTool)
    assert isinstance(response.text, rm.ResponseTextParam)
    assert isinstance(response.text.format, rm.TextResponseFormatJsonSchema)
    assert isinstance(response.usage, rm.ResponseUsage)
    assert 1 == response.usage.output_tokens_details.reasoning_tokens


def test_a_model_built_in_python_writes_its_required_keys() -> None:
    part = rm.OutputTextContent(text="a", annotations=(), logprobs=())
    assert {"type": "output_text", "text": "a", "annotations": [], "logprobs": []} == to_dict(part)
    event = rm.ResponseTextDeltaEvent(
        item_id="m", output_index=0, content_index=0, delta="a", logprobs=(), sequence_number=3
    )
    assert "response.output_text.delta" == event.event
    assert 3 == to_dict(event)["sequence_number"]
