"""The schema plan: one per model class, the fields' kinds, roles, checks and members."""

from __future__ import annotations

from typing import Any, ClassVar

import attrs
import pytest

from streamkit import models as m
from streamkit._engine import convert
from streamkit._engine.plan import (
    STREAMED,
    Check,
    ClassPlan,
    Members,
    check_for,
    is_model,
    kind_of,
    members_of,
    plan_for,
)
from streamkit.models.base import Model

STREAMED_FIELDS = {
    (m.CodeInterpreterToolCallDeltaCodeInterpreter, "input"),
    (m.CodeInterpreterLogs, "logs"),
    (m.FunctionToolCallDeltaFunction, "arguments"),
    (m.TextDelta, "value"),
    (m.RefusalDeltaBlock, "refusal"),
}


@pytest.mark.parametrize("cls", convert.MODEL_CLASSES, ids=lambda c: c.__name__)
def test_plan_lists_the_public_fields(cls: type[Model]) -> None:
    """Fields in declaration order (no private ones), known keys and required keys."""
    plan = plan_for(cls)
    public = [f.name for f in attrs.fields(cls) if not f.name.startswith("_")]
    assert public == [field.name for field in plan.fields]
    assert frozenset(public) == plan.known
    assert cls._REQUIRED == plan.required
    assert {name for name in public if name in cls._REQUIRED} == {
        field.name for field in plan.fields if field.required
    }
    assert dict(plan.by_name) == {field.name: field for field in plan.fields}
    assert cls is plan.cls


@pytest.mark.parametrize("cls", convert.MODEL_CLASSES, ids=lambda c: c.__name__)
def test_roles_follow_the_kinds(cls: type[Model]) -> None:
    """append iff streamed; slots for lists of objects; object for objects; free for free-form."""
    for field in plan_for(cls).fields:
        tag = field.kind[0]
        if (cls, field.name) in STREAMED_FIELDS:
            expected = "append"
        elif tag == "list":
            expected = "slots" if field.kind[1][0] in ("model", "union") else "set"
        elif tag in ("model", "union"):
            expected = "object"
        elif tag in ("any", "free"):
            expected = "free"
        else:
            expected = "set"
        assert expected == field.role, field.name
        if field.role in ("object", "slots"):
            assert field.members is not None
            assert field.check is None
        else:
            assert field.members is None
            assert (field.check is None) == (tag == "any")


def test_exactly_the_streamed_fields_append() -> None:
    """The five streamed text fields, marked in the models, are the only "append" ones."""
    appended = {
        (cls, field.name)
        for cls in convert.MODEL_CLASSES
        for field in plan_for(cls).fields
        if field.role == "append"
    }
    assert STREAMED_FIELDS == appended
    for cls, name in STREAMED_FIELDS:
        assert attrs.fields_dict(cls)[name].metadata[STREAMED] is True


def test_checks_name_json_types() -> None:
    """Scalar checks accept exact JSON classes: a bool is not an integer, an int is a number."""
    by_name = plan_for(m.Run).by_name
    created_at = by_name["created_at"].check
    assert Check((int,), "an integer") == created_at
    assert created_at is not None
    assert created_at.accepts(5)
    assert not created_at.accepts(True)
    temperature = by_name["temperature"].check
    assert temperature is not None
    assert temperature.accepts(1)
    assert temperature.accepts(1.5)
    assert "a number" == temperature.expected
    assert Check((dict,), "an object of strings") == by_name["metadata"].check
    assert Check((str,), "a string") == by_name["status"].check  # an enum: a string
    file_ids = plan_for(m.ThreadToolResourcesCodeInterpreter).by_name["file_ids"]
    assert ("set", Check((list,), "an array")) == (file_ids.role, file_ids.check)
    assert check_for(("any",)) is None


def test_members_by_tag() -> None:
    """An object position's classes by `type` tag; the untagged one; whether strings are taken."""
    calls = plan_for(m.ToolCallDeltaObject).by_name["tool_calls"]
    assert "slots" == calls.role
    assert calls.members == Members(
        {
            "code_interpreter": m.CodeInterpreterToolCallDelta,
            "file_search": m.FileSearchToolCallDelta,
            "function": m.FunctionToolCallDelta,
        },
        None,
        False,
    )
    choice = plan_for(m.Run).by_name["tool_choice"]
    assert "object" == choice.role
    assert choice.members is not None
    assert m.AssistantToolChoice is choice.members.untagged
    assert choice.members.takes_strings
    single = plan_for(m.RunStepDeltaEvent).by_name["delta"].members
    assert Members({}, m.RunStepDelta, False) == single
    assert Members({"text": m.TextDeltaBlock}, None, False) == members_of(
        ("model", m.TextDeltaBlock)
    )


def test_class_tag() -> None:
    """A class's constant `type` tag, or None."""
    assert "code_interpreter" == plan_for(m.CodeInterpreterToolCallDelta).tag
    assert plan_for(m.Run).tag is None


def test_plans_are_made_once() -> None:
    """The same plan object every time."""
    assert plan_for(m.Run) is plan_for(m.Run)
    assert isinstance(plan_for(m.Run), ClassPlan)


def test_kinds() -> None:
    """Annotations classify as documented; convert's old name is the same function."""
    assert ("str",) == kind_of(m.RunStatus)
    assert ("model", m.Run) == kind_of(m.Run | None)
    assert ("list", ("model", m.Run)) == kind_of(tuple[m.Run, ...])
    assert ("strmap",) == kind_of(dict[str, str])
    assert ("free",) == kind_of(dict[str, Any])
    assert ("any",) == kind_of(Any)
    union = kind_of(m.ToolCall)
    assert "union" == union[0]
    assert m.UnknownObject in union[1]
    with pytest.raises(TypeError, match="no conversion"):
        kind_of(set[int])


def test_not_a_model() -> None:
    """plan_for takes model classes only."""
    assert not is_model(Model)
    assert not is_model(m.UnknownObject)
    with pytest.raises(TypeError, match="not a streamkit model class"):
        plan_for(m.UnknownObject)  # type: ignore[arg-type]


def test_a_streamed_field_must_be_text() -> None:
    """Marking a non-string field as streamed is a mistake the plan reports."""

    @attrs.frozen(kw_only=True)
    class Odd(Model):
        _REQUIRED: ClassVar[frozenset[str]] = frozenset()
        count: int | None = attrs.field(default=None, metadata={STREAMED: True})

    with pytest.raises(TypeError, match="streamed field 'count'"):
        plan_for(Odd)


def test_a_model_without_fields_has_hooks() -> None:
    """A model with no public field (a JSON-schema slot) still gets working hooks."""
    import attrs

    from streamkit._engine.convert import structurer, to_dict
    from streamkit.models.base import Model

    @attrs.frozen(kw_only=True)
    class Empty(Model):
        pass

    built = structurer(Empty)({"x": 1})
    assert built.extra_fields == {"x": 1}
    assert to_dict(built) == {"x": 1}
    assert to_dict(structurer(Empty)({})) == {}
