"""The schema strategies are right: they are the oracle for the model tests.

- Valid values validate against the openai SDK's pydantic models and dump back
  unchanged, and use only keys the schema declares (checked by a small
  validator written here against the schema itself, independent of the
  strategies' code).
- Required keys are always present, except nullable ones under
  ``omit_required``; every such omission is reachable.
- ``unknown_fields`` / ``unknown_types`` really produce unknown keys and types,
  and nothing else that is invalid.
- SSE event data is compact JSON that round-trips, fits on one ``data:`` line,
  and every one of the 25 event names is reachable.
"""

from __future__ import annotations

import importlib
import json
import math
from dataclasses import dataclass, field
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, find, given, settings
from hypothesis import strategies as st

from tests.schema_strategies import (
    EVENT_NAMES,
    EVENT_WIRE_NAMES,
    OBJECT_NAMES,
    SCHEMA,
    UNION_NAMES,
    UNKNOWN_FIELD_PREFIX,
    UNKNOWN_TYPE_PREFIX,
    event_definition,
    json_ish,
    wire_event,
    wire_value,
)

# Per-name parametrized tests get a sixth of the profile's budget (25 in ci, 250 thorough).
_PER_NAME = settings(max_examples=max(10, settings().max_examples // 6))
# Searches for something that must exist: no shrinking needed, no database.
_SEARCH = settings(
    max_examples=2000,
    database=None,
    suppress_health_check=list(HealthCheck),
    phases=[Phase.explicit, Phase.generate],
)
_MAX_SAFE_INT = 2**53
_URI_SCHEMES = ("https://", "http://", "data:")
# Events with every loosening flag on.
_FLAGGED_EVENTS = wire_event(unknown_fields=True, unknown_types=True, omit_required=True)


# ---------------------------------------------------------------------------
# An independent checker of wire JSON against the schema


@dataclass
class Report:
    """What a value contains, relative to the schema."""

    errors: list[str] = field(default_factory=list)
    unknown_fields: list[str] = field(default_factory=list)
    unknown_types: list[str] = field(default_factory=list)
    omitted_required: list[str] = field(default_factory=list)

    def merge(self, other: Report) -> None:
        self.errors += other.errors
        self.unknown_fields += other.unknown_fields
        self.unknown_types += other.unknown_types
        self.omitted_required += other.omitted_required


def check(value: Any, name: str) -> Report:
    """Check ``value`` against definition ``name``; unknowns and omissions are noted, not errors."""
    report = Report()
    _check_definition(value, name, report, name)
    return report


def _check_definition(value: Any, name: str, report: Report, path: str) -> None:
    if SCHEMA[name]["x-kind"] == "union":
        _check_union(value, name, report, path)
    else:
        _check_object(value, name, report, path)


def _check_object(value: Any, name: str, report: Report, path: str) -> None:
    definition = SCHEMA[name]
    if not isinstance(value, dict):
        report.errors.append(f"{path}: {name} is not an object: {value!r}")
        return
    properties: dict[str, Any] = definition["properties"]
    for key in definition["required"]:
        if key not in value:
            if properties[key]["nullable"]:
                report.omitted_required.append(f"{name}.{key}")
            else:
                report.errors.append(f"{path}: missing non-nullable required key {key!r}")
    for key, item in value.items():
        if key in properties:
            _check_property(item, properties[key], report, f"{path}.{key}")
        elif key.startswith(UNKNOWN_FIELD_PREFIX) and definition["x-kind"] == "object":
            report.unknown_fields.append(f"{path}.{key}")
            _check_json(item, report, f"{path}.{key}")
        else:
            report.errors.append(f"{path}: key {key!r} not in {name}")


def _member_tags(member_name: str, prop: str) -> set[Any]:
    spec = SCHEMA[member_name]["properties"].get(prop, {})
    return {spec["const"]} if "const" in spec else set(spec.get("enum", ()))


def _check_union(value: Any, name: str, report: Report, path: str) -> None:
    definition = SCHEMA[name]
    members: list[dict[str, Any]] = definition["oneOf"]
    if isinstance(value, str):
        strings = [m for m in members if "$ref" not in m]
        if not any(value == m.get("const") or value in m.get("enum", ()) for m in strings):
            report.errors.append(f"{path}: {value!r} is no string member of {name}")
        return
    if not isinstance(value, dict):
        report.errors.append(f"{path}: {name} value is neither object nor string: {value!r}")
        return
    prop = (definition["discriminator"] or {}).get("propertyName", "type")
    tag = value.get(prop)
    candidates = [
        m["$ref"][2:] for m in members if "$ref" in m and tag in _member_tags(m["$ref"][2:], prop)
    ]
    if not candidates:
        if isinstance(tag, str) and tag.startswith(UNKNOWN_TYPE_PREFIX):
            report.unknown_types.append(f"{path}: {name} {prop}={tag!r}")
            _check_json(value, report, path)
        else:
            report.errors.append(f"{path}: {prop}={tag!r} matches no member of {name}")
        return
    if len(candidates) != 1:
        report.errors.append(f"{path}: {prop}={tag!r} is ambiguous in {name}: {candidates}")
        return
    if definition["discriminator"] and tag not in definition["discriminator"]["mapping"]:
        report.errors.append(f"{path}: {prop}={tag!r} not in the mapping of {name}")
    _check_definition(value, candidates[0], report, f"{path}<{candidates[0]}>")


def _check_text(value: Any, report: Report, path: str) -> bool:
    if not isinstance(value, str):
        report.errors.append(f"{path}: not a string: {value!r}")
        return False
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        report.errors.append(f"{path}: lone surrogate in {value!r}")
        return False
    return True


def _check_property(value: Any, spec: dict[str, Any], report: Report, path: str) -> None:
    def fail(why: str) -> None:
        report.errors.append(f"{path}: {why}: {value!r}")

    if value is None:
        if not spec["nullable"]:
            fail("null for a non-nullable property")
        return
    if "$ref" in spec:
        _check_definition(value, spec["$ref"][2:], report, path)
        return
    if "const" in spec:
        if value != spec["const"] or not isinstance(value, str):
            fail(f"not the const {spec['const']!r}")
        return
    if "enum" in spec:
        if value not in spec["enum"]:
            fail("not in the enum")
        return
    kind = spec["type"]
    if kind == "string":
        is_text = _check_text(value, report, path)
        if is_text and spec.get("format") == "uri" and not value.startswith(_URI_SCHEMES):
            fail("not a URI")
        return
    if kind in ("integer", "number"):
        numeric = (int,) if kind == "integer" else (int, float)
        if isinstance(value, bool) or not isinstance(value, numeric):
            fail(f"not an {kind}")
        elif not math.isfinite(value):
            fail("not finite")
        elif isinstance(value, int) and abs(value) > _MAX_SAFE_INT:
            fail("integer beyond 2**53")
        elif "minimum" in spec and value < spec["minimum"]:
            fail("below minimum")
        elif "maximum" in spec and value > spec["maximum"]:
            fail("above maximum")
        return
    if kind == "boolean":
        if not isinstance(value, bool):
            fail("not a boolean")
        return
    if kind == "array":
        if not isinstance(value, list):
            fail("not an array")
        elif len(value) > min(spec.get("maxItems", 4), 4):
            fail("too many items")
        else:
            for index, item in enumerate(value):
                _check_property(item, spec["items"], report, f"{path}[{index}]")
        return
    assert kind == "object", spec
    if not isinstance(value, dict):
        fail("not an object")
        return
    extra = spec["additionalProperties"]
    if extra is True:
        _check_json(value, report, path)
        return
    if len(value) > spec["x-maxProperties"]:
        fail("too many keys")
    for key, item in value.items():
        if _check_text(key, report, path) and len(key) > spec["x-keyMaxLength"]:
            fail(f"key {key!r} too long")
        if _check_text(item, report, f"{path}.{key}") and len(item) > extra["maxLength"]:
            fail(f"value of {key!r} too long")


def _check_json(value: Any, report: Report, path: str) -> None:
    if value is None or isinstance(value, bool):
        return
    if isinstance(value, int):
        if abs(value) > _MAX_SAFE_INT:
            report.errors.append(f"{path}: integer beyond 2**53")
    elif isinstance(value, float):
        if not math.isfinite(value):
            report.errors.append(f"{path}: non-finite float")
    elif isinstance(value, str):
        _check_text(value, report, path)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _check_json(item, report, f"{path}[{index}]")
    elif isinstance(value, dict):
        for key, item in value.items():
            _check_text(key, report, path)
            _check_json(item, report, f"{path}.{key}")
    else:
        report.errors.append(f"{path}: not JSON: {value!r}")


def assert_valid(value: Any, name: str) -> None:
    report = check(value, name)
    assert report == Report(), report


# ---------------------------------------------------------------------------
# The openai SDK as a second opinion


def _sdk(dotted: str) -> Any:
    pytest.importorskip("openai")
    module, _, attribute = dotted.rpartition(".")
    return getattr(importlib.import_module(module), attribute)


def _sdk_extras(model: Any, path: str = "$") -> list[str]:
    """Paths of keys the SDK accepted only as undeclared extras."""
    pydantic = pytest.importorskip("pydantic")
    if isinstance(model, pydantic.BaseModel):
        found = [f"{path}.{key}" for key in model.model_extra or {}]
        for key in model.model_fields_set:
            found += _sdk_extras(getattr(model, key), f"{path}.{key}")
        return found
    if isinstance(model, list):
        return [
            extra for i, item in enumerate(model) for extra in _sdk_extras(item, f"{path}[{i}]")
        ]
    return []


def assert_sdk_round_trip(value: Any, dotted: str) -> None:
    """The SDK model validates ``value``, declares every key in it, and dumps it back unchanged."""
    model = _sdk(dotted).model_validate(value)
    assert _sdk_extras(model) == []
    assert model.model_dump(exclude_unset=True, mode="json", by_alias=True) == value


_SDK_OBJECTS = [n for n in OBJECT_NAMES if SCHEMA[n]["x-python"] is not None]


def test_only_done_has_no_sdk_class() -> None:
    """Every definition but DoneEvent names an SDK class, so the SDK tests skip nothing else."""
    assert [n for n in SCHEMA if SCHEMA[n]["x-python"] is None] == ["DoneEvent"]
    assert len(OBJECT_NAMES) == 85
    assert len(UNION_NAMES) == 15
    assert len(EVENT_NAMES) == len(EVENT_WIRE_NAMES) == 25


@pytest.mark.parametrize("name", _SDK_OBJECTS)
@_PER_NAME
@given(data=st.data())
def test_valid_values_match_schema_and_sdk(name: str, data: st.DataObject) -> None:
    """A valid object uses only schema keys and round-trips through its SDK model."""
    # Event wrappers are covered by test_wire_events_match_schema_and_sdk and,
    # as wire_value() wrappers, by the AssistantStreamEvent union test.
    value = data.draw(wire_value(name))
    assert_valid(value, name)
    assert_sdk_round_trip(value, SCHEMA[name]["x-python"])


@pytest.mark.parametrize("name", UNION_NAMES)
@_PER_NAME
@given(data=st.data())
def test_valid_union_values_match_schema_and_sdk(name: str, data: st.DataObject) -> None:
    """A valid union value is one of its members and round-trips through the SDK's union type."""
    pydantic = pytest.importorskip("pydantic")
    value = data.draw(wire_value(name))
    assert_valid(value, name)
    if name == "AssistantStreamEvent" and value["event"] == "done":
        return  # the SDK union leaves `done` out (schema.md §d.1)
    adapter = pydantic.TypeAdapter(_sdk(SCHEMA[name]["x-python"]))
    validated = adapter.validate_python(value)
    assert _sdk_extras(validated) == []
    dumped = adapter.dump_python(validated, exclude_unset=True, mode="json", by_alias=True)
    assert dumped == value


@pytest.mark.parametrize("event", EVENT_WIRE_NAMES)
@_PER_NAME
@given(data=st.data())
def test_wire_events_match_schema_and_sdk(event: str, data: st.DataObject) -> None:
    """Each event's data is valid for its type and SDK wrapper; done and {"error":...} by hand."""
    name, text = data.draw(wire_event(event))
    assert name == event
    definition = event_definition(event)
    if event == "done":
        assert text == "[DONE]"
        return
    payload = json.loads(text)
    data_type = SCHEMA[definition]["properties"]["data"]["$ref"][2:]
    if event == "error" and "error" in payload:
        assert list(payload) == ["error"]
        assert_valid(payload["error"], data_type)
        assert_sdk_round_trip(payload["error"], SCHEMA[data_type]["x-python"])
        return
    assert_valid(payload, data_type)
    assert_sdk_round_trip({"event": event, "data": payload}, SCHEMA[definition]["x-python"])


def test_error_event_has_both_shapes() -> None:
    """The `error` event comes both as a bare ErrorObject and as {"error": ErrorObject}."""
    bare = find(wire_event("error"), lambda e: "error" not in json.loads(e[1]), settings=_SEARCH)
    wrapped = find(wire_event("error"), lambda e: "error" in json.loads(e[1]), settings=_SEARCH)
    assert_valid(json.loads(bare[1]), "ErrorObject")
    assert_valid(json.loads(wrapped[1])["error"], "ErrorObject")


# ---------------------------------------------------------------------------
# Required keys

_ALL_DEFINITIONS = (*OBJECT_NAMES, *UNION_NAMES, *EVENT_NAMES)
_NULLABLE_REQUIRED = [
    (name, key)
    for name in OBJECT_NAMES
    for key in SCHEMA[name]["required"]
    if SCHEMA[name]["properties"][key]["nullable"]
]


@given(data=st.data())
def test_required_keys_present_by_default(data: st.DataObject) -> None:
    """Without omit_required every required key of every nested object is present."""
    name = data.draw(st.sampled_from(_ALL_DEFINITIONS))
    report = check(data.draw(wire_value(name)), name)
    assert report.omitted_required == []
    assert report.errors == []


@given(data=st.data())
def test_omit_required_drops_only_nullable_keys(data: st.DataObject) -> None:
    """With omit_required only nullable required keys are ever missing; the rest stays valid."""
    name = data.draw(st.sampled_from(_ALL_DEFINITIONS))
    report = check(data.draw(wire_value(name, omit_required=True)), name)
    assert report.errors == []
    assert report.unknown_fields == report.unknown_types == []


def test_nullable_required_keys_are_the_expected_34() -> None:
    """The schema has the 34 required-and-nullable keys schema.md §d.10 counts."""
    assert len(_NULLABLE_REQUIRED) == 34
    assert {("Thread", "tool_resources"), ("Message", "attachments")} <= set(_NULLABLE_REQUIRED)


@pytest.mark.parametrize(("name", "key"), _NULLABLE_REQUIRED)
def test_omit_required_can_drop_each_nullable_key(name: str, key: str) -> None:
    """Every required-and-nullable key is sometimes left out under omit_required."""
    found = find(
        wire_value(name, omit_required=True),
        lambda v: key not in v,
        settings=_SEARCH,
    )
    assert check(found, name).omitted_required


# ---------------------------------------------------------------------------
# Unknown fields and types


@pytest.mark.parametrize("name", OBJECT_NAMES)
def test_unknown_fields_appear(name: str) -> None:
    """unknown_fields puts extra x_future_* keys on every kind of object."""
    found = find(
        wire_value(name, unknown_fields=True),
        lambda v: any(k.startswith(UNKNOWN_FIELD_PREFIX) for k in v),
        settings=_SEARCH,
    )
    report = check(found, name)
    assert report.errors == []
    assert report.unknown_fields


def test_unknown_field_names_never_collide() -> None:
    """No schema property and no discriminator value starts with an unknown-name prefix."""
    for definition in SCHEMA.values():
        for key, spec in definition["properties"].items():
            assert not key.startswith(UNKNOWN_FIELD_PREFIX)
            values = [spec.get("const"), *spec.get("enum", ())]
            assert not any(str(v).startswith(UNKNOWN_TYPE_PREFIX) for v in values)


@pytest.mark.parametrize("name", UNION_NAMES)
def test_unknown_types_appear(name: str) -> None:
    """unknown_types puts objects with a future_* discriminator at every union position."""
    found = find(
        wire_value(name, unknown_types=True),
        lambda v: bool(check(v, name).unknown_types),
        settings=_SEARCH,
    )
    assert check(found, name).errors == []


@pytest.mark.parametrize("event", ["thread.run.step.delta", "thread.message.delta"])
def test_unknown_types_reach_nested_delta_unions(event: str) -> None:
    """Unknown types also show up deep inside event data (tool-call and content deltas)."""
    data_type = SCHEMA[event_definition(event)]["properties"]["data"]["$ref"][2:]

    def nested_unknown(e: tuple[str, str]) -> bool:
        return any("[" in p for p in check(json.loads(e[1]), data_type).unknown_types)

    find(wire_event(event, unknown_types=True), nested_unknown, settings=_SEARCH)


@given(event=_FLAGGED_EVENTS)
def test_flags_add_nothing_else_invalid(event: tuple[str, str]) -> None:
    """With every flag on, events differ from valid ones only by unknowns and nullable omissions."""
    name, text = event
    if name == "done":
        return
    payload = json.loads(text)
    if name == "error" and "error" in payload:
        payload = payload["error"]
    data_type = SCHEMA[event_definition(name)]["properties"]["data"]["$ref"][2:]
    assert check(payload, data_type).errors == []


# ---------------------------------------------------------------------------
# The SSE wire


# Written out here, not streamkit.testing.dumps: the check must not share the code it checks.
def _compact(value: Any, ensure_ascii: bool) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=ensure_ascii)


@given(event=wire_event(), flagged=_FLAGGED_EVENTS)
def test_event_data_round_trips(event: tuple[str, str], flagged: tuple[str, str]) -> None:
    """Non-done data is compact JSON on one line that re-dumps to the same text."""
    for name, text in (event, flagged):
        assert name in EVENT_WIRE_NAMES
        text.encode("utf-8")  # no lone surrogates
        assert "\n" not in text
        assert "\r" not in text
        if name == "done":
            assert text == "[DONE]"
            continue
        value = json.loads(text)
        assert text in (_compact(value, True), _compact(value, False))


def test_every_event_name_reachable() -> None:
    """wire_event() with no name reaches each of the 25 event names."""
    seen: set[str] = set()

    def all_seen(event: tuple[str, str]) -> bool:
        seen.add(event[0])
        return seen == set(EVENT_WIRE_NAMES)

    find(wire_event(), all_seen, settings=_SEARCH)


def test_wire_event_accepts_definition_names() -> None:
    """wire_event takes a definition name as well as an SSE event name; bad names raise."""
    found = find(wire_event("ThreadRunCreated"), lambda e: True, settings=_SEARCH)
    assert found[0] == "thread.run.created"
    with pytest.raises(ValueError, match="not an event"):
        wire_event("Run")
    with pytest.raises(ValueError, match="no such definition"):
        wire_value("NoSuchThing")


# ---------------------------------------------------------------------------
# Scalars and free-form JSON


@given(value=json_ish())
def test_json_ish_is_json(value: Any) -> None:
    """json_ish values are finite JSON that survives a dump/load unchanged."""
    report = Report()
    _check_json(value, report, "$")
    assert report.errors == []
    assert json.loads(json.dumps(value, ensure_ascii=False)) == value


@pytest.mark.parametrize(
    ("description", "name", "condition"),
    [
        ("a null nullable", "Run", lambda v: v["required_action"] is None),
        ("an absent optional", "Run", lambda v: "temperature" not in v),
        ("a present optional", "Run", lambda v: "temperature" in v),
        ("an int number", "Run", lambda v: type(v.get("top_p")) is int),
        (
            "an integral float",
            "Run",
            lambda v: type(v.get("top_p")) is float and v["top_p"] % 1 == 0,
        ),
        ("a non-integral float", "Run", lambda v: type(v.get("top_p")) is float and v["top_p"] % 1),
        ("a large integer", "Run", lambda v: v["created_at"] > 2**40),
        ("a bare string union member", "AssistantToolChoiceOption", lambda v: v == "required"),
        ("the auto response format", "AssistantResponseFormatOption", lambda v: v == "auto"),
        ("an empty string", "Thread", lambda v: v["id"] == ""),
        ("a newline", "Thread", lambda v: "\n" in v["id"]),
        ("a quote", "Thread", lambda v: '"' in v["id"]),
        ("U+2028", "Thread", lambda v: "\u2028" in v["id"]),
        ("an emoji", "Thread", lambda v: any(ord(c) > 0xFFFF for c in v["id"])),
        (
            "a metadata value at its limit",
            "Thread",
            lambda v: any(len(x) == 512 for x in (v["metadata"] or {}).values()),
        ),
        ("a free-form object", "FunctionDefinition", lambda v: bool(v.get("parameters"))),
        ("four array items", "Message", lambda v: len(v["content"]) == 4),
    ],
)
def test_values_cover_the_awkward_cases(description: str, name: str, condition: Any) -> None:
    """Generated values reach the edge cases the model tests rely on."""
    found = find(wire_value(name), condition, settings=_SEARCH)
    assert_valid(found, name)
