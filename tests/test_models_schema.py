"""Every object, field, union, enum and event of the wire schema has its model.

The schema extract (tests/data/assistants-stream-schema.json) is the source of
truth for names, required-ness and nullability; these tests fail when a model
is missing, has a field too many or too few, or types a field's nullability
differently from the schema.
"""

from __future__ import annotations

import json
import types
import typing
from pathlib import Path
from typing import Any, Literal, Union

import attrs
import pytest

from streamkit import models
from streamkit.models import UnknownObject
from streamkit.models.base import Model

SCHEMA: dict[str, Any] = json.loads(
    (Path(__file__).parent / "data" / "assistants-stream-schema.json").read_text(encoding="utf-8")
)
OBJECTS = sorted(name for name, d in SCHEMA.items() if d["x-kind"] == "object")
UNIONS = sorted(
    name for name, d in SCHEMA.items() if d["x-kind"] == "union" and name != "AssistantStreamEvent"
)
EVENTS = sorted(name for name, d in SCHEMA.items() if d["x-kind"] == "event")

# Deliberate departures from the schema, each with its evidence.
NULLABLE_DESPITE_SCHEMA = {
    # schema.md §d.6: every recorded run sends "instructions": null.
    ("Run", "instructions"),
}
# The SDK wrapper's `enabled` (schema.md §d.2) sits beside `data` in the SDK's
# client-side wrapper; on the wire the event's data is the bare Thread.
EVENT_WRAPPER_ONLY_FIELDS = {("ThreadCreated", "enabled")}


def public_fields(cls: type) -> list[attrs.Attribute[Any]]:
    return [f for f in attrs.fields(cls) if not f.name.startswith("_")]


def non_none(tp: Any) -> set[Any]:
    if typing.get_origin(tp) in (Union, types.UnionType):
        return {a for a in typing.get_args(tp) if a is not type(None)}
    return {tp}


def allows_none(tp: Any) -> bool:
    origin = typing.get_origin(tp)
    return origin in (Union, types.UnionType) and type(None) in typing.get_args(tp)


def test_schema_counts() -> None:
    """The extract holds 85 objects, 14 unions (plus the event union) and 25 events."""
    assert (85, 14, 25) == (len(OBJECTS), len(UNIONS), len(EVENTS))


@pytest.mark.parametrize("name", OBJECTS)
def test_object_has_a_model_with_exactly_its_fields(name: str) -> None:
    """Each schema object is a Model with the same field names and required set."""
    cls = getattr(models, name)
    assert issubclass(cls, Model)
    definition = SCHEMA[name]
    assert list(definition["properties"]) == [f.name for f in public_fields(cls)]
    assert set(definition["required"]) == cls._REQUIRED


@pytest.mark.parametrize("name", OBJECTS)
def test_nullability_follows_the_schema(name: str) -> None:
    """A field admits None unless the schema requires it and forbids null (or it is a tag)."""
    cls = getattr(models, name)
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
        assert allows_none(hints[field_name]) == (not required or nullable), field_name


@pytest.mark.parametrize("name", OBJECTS)
def test_field_types_follow_the_schema(name: str) -> None:
    """Scalars, arrays, maps, references and enums map to the matching Python types."""
    cls = getattr(models, name)
    hints = typing.get_type_hints(cls)
    for field_name, spec in SCHEMA[name]["properties"].items():
        if "$ref" in spec:
            reference = getattr(models, spec["$ref"].split("/")[-1])
            assert non_none(reference) == non_none(hints[field_name]), field_name
            continue
        (annotation,) = non_none(hints[field_name])
        if "enum" in spec:
            assert set(spec["enum"]) == set(typing.get_args(annotation)), field_name
        elif spec["type"] == "array":
            assert tuple is typing.get_origin(annotation), field_name
        elif spec["type"] == "object":
            key, value = typing.get_args(annotation)
            assert (str, str if spec["additionalProperties"] is not True else Any) == (key, value)
        elif "const" not in spec:
            python = {"string": str, "integer": int, "number": float, "boolean": bool}
            assert python[spec["type"]] is annotation, field_name


@pytest.mark.parametrize("name", UNIONS)
def test_union_has_every_member_and_a_fallback(name: str) -> None:
    """Each union alias holds the schema's members, its string values, and UnknownObject."""
    alias_members = non_none(getattr(models, name))
    expected: set[Any] = {UnknownObject}
    for member in SCHEMA[name]["oneOf"]:
        if "$ref" in member:
            expected.add(getattr(models, member["$ref"].split("/")[-1]))
        else:
            values = member.get("enum") or [member["const"]]
            expected.add(Literal[tuple(values)])
    assert expected == alias_members


@pytest.mark.parametrize("name", EVENTS)
def test_event_has_a_class_with_its_name_and_data_type(name: str) -> None:
    """Each of the 25 events has a class with the wire name and the schema's data type."""
    cls = getattr(models, name)
    definition = SCHEMA[name]
    event_name = definition["properties"]["event"]["const"]
    assert event_name == cls.event
    assert cls is models.EVENT_CLASSES[event_name]
    data = typing.get_type_hints(cls)["data"]
    if name == "ErrorEvent":
        # Both observed shapes of the error payload (schema.md §d.3).
        assert {models.ErrorObject, models.ErrorEnvelope} == non_none(data)
    elif name == "DoneEvent":
        assert str is data
    else:
        assert getattr(models, definition["properties"]["data"]["$ref"].split("/")[-1]) is data
    extra = set(definition["properties"]) - {"event", "data"}
    assert extra == {f for (event, f) in EVENT_WRAPPER_ONLY_FIELDS if event == name}


def test_every_model_is_documented() -> None:
    """Every model class and every enum alias has a docstring."""
    for name in models.__all__:
        value = getattr(models, name)
        if isinstance(value, type):
            assert (value.__doc__ or "").strip(), name
