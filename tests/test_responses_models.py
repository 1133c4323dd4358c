"""The Responses models work with the engine unchanged, and cover the schema extract.

Every class of streamkit.models.responses has a schema plan, a structure and
an unstructure hook; the union aliases dispatch on ``type`` and keep unknown
types; streamed text fields are marked so the merge appends to them.
"""

from __future__ import annotations

import inspect
import json
import types
import typing
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal, Union

import attrs
import pytest

from streamkit import to_dict
from streamkit._engine.convert import structurer, unstructurer
from streamkit._engine.plan import is_model, kind_of, members_of, plan_for
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


# --- Coverage of the schema extract ------------------------------------------
#
# tests/data/responses-stream-schema.json (made by extract_responses_schema.py
# from the spec) is the source of truth for names, fields, required-ness and
# nullability. Deliberate departures are listed here, each with its evidence.

SCHEMA: dict[str, Any] = json.loads(
    (Path(__file__).parent / "data" / "responses-stream-schema.json").read_text(encoding="utf-8")
)
OBJECTS = sorted(name for name, d in SCHEMA.items() if d["x-kind"] == "object")
UNIONS = sorted(
    name for name, d in SCHEMA.items() if d["x-kind"] == "union" and name != "ResponseStreamEvent"
)
EVENTS = sorted(name for name, d in SCHEMA.items() if d["x-kind"] == "event")

# Inline objects of the spec with the very shape of a named one, typed as it.
SAME_AS = {
    "ResponseReasoningSummaryPartAddedEventPart": "SummaryTextContent",
    "ResponseReasoningSummaryPartDoneEventPart": "SummaryTextContent",
}

# Fields the wire has and the spec lacks (responses-events.md "Spec vs wire"
# and the recordings), typed after the spec's own fields.
WIRE_FIELDS = {
    # OpenAI: random padding on deltas (spec: only on shell_call_command.delta).
    ("ResponseTextDeltaEvent", "obfuscation"),
    ("ResponseReasoningSummaryTextDeltaEvent", "obfuscation"),
    ("ResponseFunctionCallArgumentsDeltaEvent", "obfuscation"),
    ("ResponseCodeInterpreterCallCodeDeltaEvent", "obfuscation"),
    ("ResponseMCPCallArgumentsDeltaEvent", "obfuscation"),
    # vercel_openai_error_event_then_failed.sse: the error nested in the event.
    ("ResponseErrorEvent", "error"),
    # Every OpenAI response of the recordings.
    ("Response", "store"),
    ("Response", "frequency_penalty"),
    ("Response", "presence_penalty"),
    # vercel_openai_image_generation_partial_image.sse: the completed item.
    ("ImageGenToolCall", "background"),
    ("ImageGenToolCall", "output_format"),
    ("ImageGenToolCall", "quality"),
    ("ImageGenToolCall", "revised_prompt"),
    ("ImageGenToolCall", "size"),
    # openai_text_logprobs.sse: the token bytes, as LogProb / TopLogProb have them.
    ("ResponseLogProb", "bytes"),
    ("ResponseLogProbTopLogprob", "bytes"),
}

# Required and non-null in the spec, absent on some servers' wire: typed `| None`.
NULLABLE_DESPITE_SCHEMA = {
    # responses-events.md "Spec vs wire" 4: streams before mid-2025 have no
    # sequence_number, and function_call_arguments.done no name.
    *((event, "sequence_number") for event in EVENTS),
    ("ResponseFunctionCallArgumentsDoneEvent", "name"),
    # The nested error shape carries its message inside `error`.
    ("ResponseErrorEvent", "message"),
}
# Required in the spec, absent in one of the shapes the wire sends.
NOT_REQUIRED_DESPITE_SCHEMA = {
    ("ResponseErrorEvent", "code"),
    ("ResponseErrorEvent", "message"),
    ("ResponseErrorEvent", "param"),
}

# Members with several `type` values: one subclass per further value, so a
# union tells them apart by its one tag (the engine's unions dispatch on the
# default of `type`).
TAG_SUBCLASSES = {
    "WebSearchTool": {"WebSearchTool20250826"},
    "WebSearchPreviewTool": {"WebSearchPreviewTool20250311"},
    "CompoundFilter": {"CompoundFilterOr"},
}
# Members with several `type` values that take every object their union does
# not tag (an untagged member, as AssistantToolChoice is in the Assistants models).
TAKE_ANY_OBJECT = {"ToolChoiceTypes", "ComparisonFilter"}

# Free-form JSON (typed Any or Mapping[str, Any]) rather than models, with why:
# the keys are the extract's, the values must say so in the field's docstring.
FREE_FORM = {
    ("Response", "instructions"): "a string or an array of input items",
    ("ComparisonFilter", "value"): "a string, number, boolean or array",
    ("CompoundFilter", "filters"): "filters or other JSON",
    ("MCPTool", "allowed_tools"): "an array of names or a filter object",
    ("FunctionToolCallOutputResource", "output"): "a string or an array of content parts",
    ("CustomToolCallOutputResource", "output"): "a string or an array of content parts",
    ("ToolSearchCall", "arguments"): "any JSON value",
    ("MCPToolExecutionError", "content"): "any JSON value",
}
# Wire-only union aliases and classes (not in the spec).
WIRE_ONLY = {
    "WebSearchSource": "openai_web_search_reasoning.sse: API sources beside URL ones",
    "WebSearchActionSearchApiSource": "openai_web_search_reasoning.sse",
    "ResponseErrorEventError": "vercel_openai_error_event_then_failed.sse",
    "ResponseKeepaliveEvent": "openai-node's accumulator handles it",
    "ResponseApplyPatchCallOperationDiffDeltaEvent": "vercel_openai_apply_patch_diff_delta.sse",
    "ResponseApplyPatchCallOperationDiffDoneEvent": "vercel_openai_apply_patch_diff_delta.sse",
}
# Replaced in a field of the spec: the field's type differs.
RETYPED = {
    # The spec's inline source object is the URL member of the wire's union.
    ("WebSearchActionSearch", "sources"): "WebSearchSource",
}


def model(name: str) -> Any:
    return getattr(rm, SAME_AS.get(name, name))


def public_fields(cls: type) -> list[str]:
    return [f.name for f in attrs.fields(cls) if not f.name.startswith("_")]


def non_none(tp: Any) -> set[Any]:
    if typing.get_origin(tp) in (Union, types.UnionType):
        return {a for a in typing.get_args(tp) if a is not type(None)}
    return {tp}


def allows_none(tp: Any) -> bool:
    origin = typing.get_origin(tp)
    return origin in (Union, types.UnionType) and type(None) in typing.get_args(tp)


def test_schema_counts() -> None:
    """The extract holds 145 objects, 27 unions (plus the event union) and 58 events."""
    assert (145, 27, 58) == (len(OBJECTS), len(UNIONS), len(EVENTS))


@pytest.mark.parametrize("name", OBJECTS + EVENTS)
def test_object_has_a_model_with_exactly_its_fields(name: str) -> None:
    """Each object and event is a Model with the extract's fields (then the wire's), in order."""
    cls = model(name)
    assert is_model(cls)
    definition = SCHEMA[name]
    wire = [f for f in public_fields(cls) if (name, f) in WIRE_FIELDS]
    assert [*definition["properties"], *wire] == public_fields(cls)
    required = set(definition["required"]) - {
        f for (n, f) in NOT_REQUIRED_DESPITE_SCHEMA if n == name
    }
    assert required == cls._REQUIRED


@pytest.mark.parametrize("name", OBJECTS + EVENTS)
def test_nullability_follows_the_schema(name: str) -> None:
    """A field admits None unless the schema requires it and forbids null (or it is a tag)."""
    cls = model(name)
    hints = typing.get_type_hints(cls)
    definition = SCHEMA[name]
    for field_name, spec in definition["properties"].items():
        required = field_name in definition["required"]
        nullable = spec["nullable"] or (name, field_name) in NULLABLE_DESPITE_SCHEMA
        if "const" in spec:
            # A constant is typed as its Literal and defaults to it.
            assert Literal[spec["const"]] == hints[field_name], field_name
            assert spec["const"] == attrs.fields_dict(cls)[field_name].default
            continue
        if hints[field_name] is Any:
            assert attrs.fields_dict(cls)[field_name].default is None or (required and not nullable)
            continue
        assert allows_none(hints[field_name]) == (not required or nullable), field_name
    for field_name in public_fields(cls):
        if (name, field_name) in WIRE_FIELDS:
            assert allows_none(hints[field_name]), field_name  # never required


def expected_annotation(spec: dict[str, Any]) -> Any:
    if "x-free" in spec:
        return Any
    if "$ref" in spec:
        name = spec["$ref"].split("/")[-1]
        return model(name)
    if "const" in spec:
        return Literal[spec["const"]]
    if "enum" in spec:
        return Literal[tuple(spec["enum"])]
    kind = spec["type"]
    if kind == "array":
        return tuple[expected_annotation(spec["items"]), ...]  # type: ignore[misc]
    if kind == "object":
        return (
            Mapping[str, str]
            if isinstance(spec["additionalProperties"], dict)
            else Mapping[str, Any]
        )
    return {"string": str, "integer": int, "number": float, "boolean": bool}[kind]


@pytest.mark.parametrize("name", OBJECTS + EVENTS)
def test_field_types_follow_the_schema(name: str) -> None:
    """Scalars, enums, arrays, maps, references and free-form values map to their Python types."""
    cls = model(name)
    hints = typing.get_type_hints(cls)
    for field_name, spec in SCHEMA[name]["properties"].items():
        if (name, field_name) in RETYPED:
            alias = getattr(rm, RETYPED[name, field_name])
            assert non_none(tuple[alias, ...]) == non_none(hints[field_name])  # type: ignore[valid-type]
            continue
        expected = expected_annotation(spec)
        if "enum" in spec and field_name == "type" and name in TAG_SUBCLASSES:
            # Typed with every value; the default tags the class.
            assert spec["enum"][0] == attrs.fields_dict(cls)["type"].default
        assert non_none(expected) == non_none(hints[field_name]), field_name


def test_free_form_fields_are_the_documented_ones() -> None:
    """Every Any-typed field is listed with its reason, and its docstring says it is free-form."""
    found = set()
    for name in OBJECTS + EVENTS:
        cls = model(name)
        hints = typing.get_type_hints(cls)
        for field_name in public_fields(cls):
            hint = hints[field_name]
            if hint is Any or non_none(hint) == {tuple[Any, ...]}:
                found.add((name, field_name))
    assert set(FREE_FORM) == found


def test_free_form_fields_say_why() -> None:
    for (name, field_name), reason in FREE_FORM.items():
        source = inspect.getsource(model(name))
        after = source.split(f"    {field_name}:", 1)[1]
        docstring = " ".join(after.split('"""')[1].split())
        assert "Free-form JSON" in docstring, (name, field_name, reason)


@pytest.mark.parametrize("name", UNIONS)
def test_union_has_every_member_and_a_fallback(name: str) -> None:
    """Each union alias holds the schema's members, their tag subclasses, strings, UnknownObject."""
    alias_members = non_none(getattr(rm, name))
    expected: set[Any] = {UnknownObject}
    for member in SCHEMA[name]["oneOf"]:
        if "$ref" in member:
            member_name = member["$ref"].split("/")[-1]
            expected.add(model(member_name))
            expected |= {getattr(rm, sub) for sub in TAG_SUBCLASSES.get(member_name, ())}
        elif "enum" in member:
            expected.add(Literal[tuple(member["enum"])])
        else:
            expected.add(str)
    assert expected == alias_members


@pytest.mark.parametrize("name", UNIONS)
def test_union_members_are_told_apart_by_type(name: str) -> None:
    """Every tag of the extract's discriminator reaches its member (or its tag subclass)."""
    members = members_of(kind_of(getattr(rm, name)))
    mapping = (SCHEMA[name]["discriminator"] or {}).get("mapping", {})
    for tag, ref in mapping.items():
        member = model(ref.split("/")[-1])
        dispatched = members.tagged.get(tag)
        if dispatched is None:
            assert member is members.untagged, tag
            assert member.__name__ in TAKE_ANY_OBJECT
        else:
            assert issubclass(dispatched, member), tag


def test_tag_subclasses_tag_their_value() -> None:
    for base, subs in TAG_SUBCLASSES.items():
        values = typing.get_args(typing.get_type_hints(getattr(rm, base))["type"])
        tags = {attrs.fields_dict(getattr(rm, sub))["type"].default for sub in subs}
        assert set(values) == tags | {attrs.fields_dict(getattr(rm, base))["type"].default}
        for sub in subs:
            assert issubclass(getattr(rm, sub), getattr(rm, base))


@pytest.mark.parametrize("name", EVENTS)
def test_event_has_a_class_with_its_type(name: str) -> None:
    """Each of the 58 events has a class under its type in RESPONSE_EVENT_CLASSES."""
    cls = model(name)
    tag = SCHEMA[name]["discriminator"]["value"]
    assert cls is rm.RESPONSE_EVENT_CLASSES[tag]
    assert issubclass(cls, rm.ResponseEvent)
    assert cls in typing.get_args(rm.ResponseStreamEvent)


def test_every_public_name_is_in_the_extract_or_documented() -> None:
    """No model without a source: the extract, a tag subclass, a wire-only class, or the base."""
    known = set(SCHEMA) | set(SAME_AS.values()) | set(WIRE_ONLY)
    known |= {sub for subs in TAG_SUBCLASSES.values() for sub in subs}
    known |= {
        "ResponseEvent",
        "ParsedResponseEvent",
        "RESPONSE_EVENT_CLASSES",
        "UnknownObject",
        "ResponseStreamEvent",
    }
    assert set(rm.__all__) <= known
    assert set(rm.__all__) >= set(SCHEMA) - set(SAME_AS)


def test_every_model_and_alias_is_documented() -> None:
    """Every class has a docstring naming its spec schema (or saying it is not in the spec)."""
    for name in rm.__all__:
        value = getattr(rm, name)
        if isinstance(value, type) and name != "UnknownObject":
            doc = value.__doc__ or ""
            assert "Spec schema" in doc or "Not in the spec" in doc or name == "ResponseEvent", name
    source = "\n".join(
        inspect.getsource(module)
        for module in (rm.content, rm.tools, rm.items, rm.response, rm.events)
    )
    for name in [*UNIONS, "ResponseStreamEvent", "WebSearchSource", "ParsedResponseEvent"]:
        assert f"{name}: TypeAlias = " in source
        after = source.split(f"{name}: TypeAlias = ", 1)[1]
        assert after.split('"""', 1)[1].strip(), name


# --- Generated examples round-trip (no Hypothesis: one full and one sparse example each) ---


def example(spec: dict[str, Any], depth: int, variant: int) -> Any:
    """A valid wire value for a property spec of the extract."""
    if "x-free" in spec:
        return {"k": [1, {"x": None}], "s": "v"}
    if "$ref" in spec:
        return example_of(spec["$ref"].split("/")[-1], depth + 1, variant)
    if "const" in spec:
        return spec["const"]
    if "enum" in spec:
        return spec["enum"][variant % len(spec["enum"])]
    kind = spec["type"]
    if kind == "array":
        return [example(spec["items"], depth, variant)] if depth < 6 else []
    if kind == "object":
        return {"a": "b"} if isinstance(spec["additionalProperties"], dict) else {"a": [1, None]}
    return {"string": "text", "integer": 7, "number": 0.5, "boolean": True}[kind]


def example_of(name: str, depth: int = 0, variant: int = 0) -> dict[str, Any]:
    """Variant 0: every property set; variant 1: required ones only, nullable ones null."""
    definition = SCHEMA[name]
    if definition["x-kind"] == "union":
        members = definition["oneOf"]
        member = members[variant % len(members)]
        if "$ref" not in member:
            member = next((m for m in members if "$ref" in m), member)
        if "$ref" not in member:
            return {"type": "x"}  # pragma: no cover - every union has an object member
        return example_of(member["$ref"].split("/")[-1], depth, variant)
    value: dict[str, Any] = {}
    for field_name, spec in definition["properties"].items():
        required = field_name in definition["required"]
        if variant == 1 and not required:
            continue
        if variant == 1 and spec.get("nullable") and "const" not in spec:
            value[field_name] = None
        elif depth > 8 and not required:
            continue
        else:
            value[field_name] = example(spec, depth, variant)
    return value


@pytest.mark.parametrize("variant", [0, 1])
@pytest.mark.parametrize("name", OBJECTS + EVENTS)
def test_generated_examples_round_trip(name: str, variant: int) -> None:
    """structure then to_dict gives the wire JSON back, every field set or only the required."""
    wire = example_of(name, variant=variant)
    value = structurer(model(name))(wire)
    assert model(name) is type(value) or name in TAG_SUBCLASSES
    assert wire == to_dict(value)


@pytest.mark.parametrize("name", UNIONS)
def test_every_union_member_round_trips_through_its_union(name: str) -> None:
    hook = structurer(getattr(rm, name))
    for member in SCHEMA[name]["oneOf"]:
        if "$ref" not in member:
            continue
        member_name = member["$ref"].split("/")[-1]
        wire = example_of(member_name)
        value = hook(wire)
        assert isinstance(value, model(member_name))
        assert wire == to_dict(value)
