"""Models hash as they compare: ``a == b`` implies ``hash(a) == hash(b)``.

Parsed models carry wire details (nulls, unknown keys) and hold mappings as
mappingproxy; models built in Python carry none and may hold dicts. Equal
values must hash equally either way, and every model must be hashable, so
snapshots work as dict keys and in sets.
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Any

import attrs
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from streamkit import converter
from streamkit import models as m
from streamkit.models.base import Model
from tests.schema_strategies import OBJECT_NAMES, wire_value


def thawed(value: Any) -> Any:
    """Mappings as plain dicts, all the way down (what a user building models might pass)."""
    if isinstance(value, MappingProxyType | dict):
        return {key: thawed(item) for key, item in value.items()}
    if isinstance(value, tuple):
        return tuple(thawed(item) for item in value)
    return value


def has_unknown_keys(model: Any) -> bool:
    """Whether a model or any model inside it kept keys the schema does not know."""
    if isinstance(model, tuple):
        return any(has_unknown_keys(item) for item in model)
    if not isinstance(model, Model):
        return False
    if model.extra_fields:
        return True
    return any(
        has_unknown_keys(getattr(model, field.name))
        for field in attrs.fields(type(model))
        if not field.name.startswith("_")
    )


def rebuilt(model: Any, *, thaw: bool) -> Any:
    """The same model built in Python from its field values (so without any wire details)."""
    if not isinstance(model, Model):
        if isinstance(model, m.UnknownObject) and thaw:
            return m.UnknownObject(thawed(model.raw))
        return model
    values = {}
    for field in attrs.fields(type(model)):
        if field.name.startswith("_"):
            continue
        value = getattr(model, field.name)
        if isinstance(value, Model | m.UnknownObject):
            value = rebuilt(value, thaw=thaw)
        elif isinstance(value, tuple):
            value = tuple(rebuilt(item, thaw=thaw) for item in value)
        elif thaw:
            value = thawed(value)
        values[field.name] = value
    return type(model)(**values)


@pytest.mark.parametrize("name", OBJECT_NAMES)
@settings(max_examples=15)
@given(data=st.data(), thaw=st.booleans())
def test_equal_models_hash_equally(name: str, data: st.DataObject, thaw: bool) -> None:
    """A parsed model and the same built in Python: equal (when no unknown keys) and same hash."""
    flags = data.draw(st.sampled_from([{}, {"omit_required": True}, {"unknown_types": True}]))
    wire = data.draw(wire_value(name, **flags))
    parsed = converter.structure(wire, getattr(m, name))
    # An object a union takes untagged (AssistantToolChoice) may carry keys
    # unknown to it; a model built in Python has none, so it is not equal.
    assume(not has_unknown_keys(parsed))
    built = rebuilt(parsed, thaw=thaw)
    assert parsed == built
    assert hash(parsed) == hash(built)
    assert {parsed: 1}[built] == 1
    assert built in {parsed}


@pytest.mark.parametrize("name", OBJECT_NAMES)
@settings(max_examples=10)
@given(data=st.data())
def test_parsed_models_are_hashable(name: str, data: st.DataObject) -> None:
    """Any parsed model -- unknown keys, unknown types, nulls -- hashes, and equal parses agree."""
    wire = data.draw(wire_value(name, unknown_fields=True, unknown_types=True, omit_required=True))
    cls = getattr(m, name)
    first, second = converter.structure(wire, cls), converter.structure(wire, cls)
    assert first == second
    assert hash(first) == hash(second)
    assert 1 == len({first, second})


def test_nulls_do_not_change_the_hash() -> None:
    """Absent and null compare equal, so they hash equally; so does a model built in Python."""
    absent = converter.structure({"id": "msg_1", "content": []}, m.Message)
    null = converter.structure({"id": "msg_1", "content": [], "metadata": None}, m.Message)
    assert absent == null
    assert hash(absent) == hash(null)
    delta = converter.structure({"value": "hi"}, m.TextDelta)
    assert delta == m.TextDelta(value="hi")
    assert hash(delta) == hash(m.TextDelta(value="hi"))


def test_mappings_hash_by_items() -> None:
    """metadata as a dict or a mappingproxy: equal models, one hash."""
    wire = {"id": "t", "object": "thread", "created_at": 1, "metadata": {"k": "v"}}
    parsed = converter.structure(wire, m.Thread)
    built = m.Thread(
        id="t", object="thread", created_at=1, metadata={"k": "v"}, tool_resources=None
    )
    assert parsed == built
    assert hash(parsed) == hash(built)


def test_unknown_objects_hash_by_value() -> None:
    """UnknownObject with a frozen raw and with a plain one: equal, one hash."""
    frozen = m.UnknownObject(MappingProxyType({"type": "x", "a": (1, MappingProxyType({"b": 2}))}))
    plain = m.UnknownObject({"type": "x", "a": (1, {"b": 2})})
    assert frozen == plain
    assert hash(frozen) == hash(plain)
    assert {frozen, plain} == {plain}


def test_unequal_extra_keys_are_unequal() -> None:
    """Unknown keys are part of the value: they make models unequal (hashes may collide)."""
    with_extra = converter.structure({"value": "hi", "x_new": 1}, m.TextDelta)
    assert with_extra != m.TextDelta(value="hi")
    assert with_extra == converter.structure({"value": "hi", "x_new": 1}, m.TextDelta)


def test_every_model_class_uses_the_value_hash() -> None:
    """No model class keeps the hash attrs would generate."""
    for name in m.__all__:
        cls = getattr(m, name)
        if isinstance(cls, type) and issubclass(cls, Model):
            assert Model.__hash__ is cls.__hash__, name
