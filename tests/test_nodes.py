"""Snapshots from the accumulator's containers: the structure hooks take Node, Frags, Slots.

A Node is taken wherever a JSON object is (and caches the model built from
it), a Frags wherever a string is, a Slots wherever an array is; whatever is
built equals the parse of the equivalent plain JSON, and shares no mutable
container with the nodes.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterator
from types import MappingProxyType
from typing import Any

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from streamkit import models as m
from streamkit import to_dict
from streamkit._engine.convert import ShapeError, freeze, structurer
from streamkit._engine.nodes import Frags, Node, Slots, plain
from streamkit.models.base import Model
from tests.schema_strategies import OBJECT_NAMES, wire_value

STEP_HOOK = structurer(m.RunStep)
RUN_HOOK = structurer(m.Run)


def exact(value: Any) -> str:
    """A comparison key that tells 1 from 1.0 and True from 1, which == does not."""
    return json.dumps(value, sort_keys=True)


def reachable(obj: Any) -> Iterator[Any]:
    """Every value a model holds, all the way down: fields, unknown keys, raw JSON."""
    yield obj
    if isinstance(obj, Model):
        for field in attrs.fields(type(obj)):
            if not field.name.startswith("_"):
                yield from reachable(getattr(obj, field.name))
        for item in obj.extra_fields.values():
            yield from reachable(item)
    elif isinstance(obj, m.UnknownObject):
        yield from reachable(obj.raw)
    elif isinstance(obj, MappingProxyType | dict):
        for item in obj.values():
            yield from reachable(item)
    elif isinstance(obj, tuple | list):
        for item in obj:
            yield from reachable(item)


def assert_frozen(model: Any) -> None:
    """Nothing mutable inside: no node, fragment list, slots, dict or list."""
    for value in reachable(model):
        assert not isinstance(value, dict | list), type(value)  # Node, Frags, Slots included


def step_node() -> Node:
    """A run step mid-stream: code streaming into a code-interpreter call, a function call."""
    logs = Node(type="logs", logs=Frags(["3.14", "159"]))
    code = Node(input=Frags(["import math\n", "print(", "math.pi)"]), outputs=Slots({0: logs}))
    interpreter = Node(id="call_ci", type="code_interpreter", code_interpreter=code)
    function = Node(
        id="call_fn",
        type="function",
        function=Node(name="lookup", arguments=Frags(['{"q"', ': "x"}']), output=None),
    )
    details = Node(type="tool_calls", tool_calls=Slots({0: interpreter, 1: function}))
    return Node(
        id="step_1",
        object="thread.run.step",
        created_at=1700000000,
        assistant_id="asst_1",
        thread_id="thread_1",
        run_id="run_1",
        type="tool_calls",
        status="in_progress",
        step_details=details,
        last_error=None,
        expired_at=None,
        cancelled_at=None,
        failed_at=None,
        completed_at=None,
        metadata=Node(topic=Frags(["ma", "th"])),
        usage=None,
    )


class TestRunStepNode:
    def test_built_model_equals_the_parse_of_plain_json(self) -> None:
        """The node tree builds the model its plain JSON parses to, and writes back as it."""
        node = step_node()
        built = STEP_HOOK(node)
        wire = plain(step_node())
        assert STEP_HOOK(wire) == built
        assert exact(wire) == exact(to_dict(built))
        details = built.step_details
        assert isinstance(details, m.ToolCallsStepDetails)
        call = details.tool_calls[0]
        assert isinstance(call, m.CodeInterpreterToolCall)
        assert "import math\nprint(math.pi)" == call.code_interpreter.input
        assert {"topic": "math"} == built.metadata
        assert_frozen(built)

    def test_a_second_build_returns_the_cached_object(self) -> None:
        """Nothing changed: the same object, from the node's cache, at every level."""
        node = step_node()
        built = STEP_HOOK(node)
        assert built is STEP_HOOK(node)
        assert built is node.cache
        assert built.step_details is node["step_details"].cache
        interpreter = node["step_details"]["tool_calls"][0]
        assert built.step_details.tool_calls[0] is interpreter.cache

    def test_only_changed_nodes_are_rebuilt(self) -> None:
        """Clearing the caches on the changed node and its ancestors rebuilds just those."""
        node = step_node()
        old = STEP_HOOK(node)
        interpreter = node["step_details"]["tool_calls"][0]
        code = interpreter["code_interpreter"]
        code["input"].append("\nprint(2)")
        for changed in (code, interpreter, node["step_details"], node):
            changed.cache = None
        new = STEP_HOOK(node)
        assert new is not old
        assert "import math\nprint(math.pi)\nprint(2)" == (
            new.step_details.tool_calls[0].code_interpreter.input
        )
        # Untouched siblings and children come from their caches.
        assert old.step_details.tool_calls[1] is new.step_details.tool_calls[1]
        old_outputs = old.step_details.tool_calls[0].code_interpreter.outputs
        new_outputs = new.step_details.tool_calls[0].code_interpreter.outputs
        assert old_outputs[0] is new_outputs[0]
        assert STEP_HOOK(plain(node)) == new

    def test_fragments_collapse_when_read(self) -> None:
        """Reading joins the fragments once; the list is left holding the one string."""
        node = step_node()
        code = node["step_details"]["tool_calls"][0]["code_interpreter"]
        STEP_HOOK(node)
        assert ["import math\nprint(math.pi)"] == code["input"]
        assert isinstance(code["input"], Frags)

    def test_a_cache_of_another_class_is_not_used(self) -> None:
        """The cache is trusted only when it holds a model of the hook's own class."""
        node = step_node()
        node.cache = m.TextDelta(value="not a step")
        built = STEP_HOOK(node)
        assert isinstance(built, m.RunStep)
        assert built is node.cache


class TestFreezing:
    def test_unknown_keys_in_nodes_come_out_frozen(self) -> None:
        """Unknown keys holding nodes, fragments and slots: frozen, equal to the plain parse."""

        def tree() -> Node:
            node = step_node()
            node["x_extra"] = Node(
                a=Slots({0: Frags(["x", "y"]), 5: 3}), b=[Node(c=Frags(["1"]))], d="e"
            )
            return node

        node = tree()
        built = STEP_HOOK(node)
        assert STEP_HOOK(plain(tree())) == built
        extra = built.extra_fields["x_extra"]
        assert isinstance(extra, MappingProxyType)
        assert ("xy", 3) == extra["a"]
        assert_frozen(built)
        node["x_extra"]["a"][9] = "later"  # the accumulator goes on changing its nodes
        assert ("xy", 3) == built.extra_fields["x_extra"]["a"]

    def test_unknown_objects_in_slots_come_out_frozen_and_cached(self) -> None:
        """An entry of an unknown type: an UnknownObject of frozen raw JSON, cached in its node."""

        def tree() -> Node:
            node = step_node()
            unknown = Node(type="computer_use", computer_use=Node(action=Frags(["cl", "ick"])))
            node["step_details"]["tool_calls"][2] = unknown
            return node

        node = tree()
        built = STEP_HOOK(node)
        assert STEP_HOOK(plain(tree())) == built
        unknown = built.step_details.tool_calls[2]
        assert isinstance(unknown, m.UnknownObject)
        assert {"type": "computer_use", "computer_use": {"action": "click"}} == unknown.raw
        assert isinstance(unknown.raw["computer_use"], MappingProxyType)
        assert_frozen(built)
        node["step_details"].cache = node.cache = None
        assert unknown is STEP_HOOK(node).step_details.tool_calls[2]

    def test_freeze_makes_plain_frozen_values(self) -> None:
        """freeze: a Node a mappingproxy, a Frags its text, a Slots a tuple in index order."""
        frozen = freeze(Node(a=Slots({2: Frags(["b", "c"]), 0: Node(d=[1])})))
        assert MappingProxyType({"a": (MappingProxyType({"d": (1,)}), "bc")}) == frozen
        assert_frozen(m.UnknownObject(frozen))


class TestUnions:
    @staticmethod
    def run_node(**fields: Any) -> Node:
        base = {
            "id": "run_1",
            "object": "thread.run",
            "created_at": 1,
            "thread_id": "thread_1",
            "assistant_id": "asst_1",
            "status": "queued",
            "model": "gpt-4o",
            "tools": [],
            "parallel_tool_calls": True,
        }
        return Node(base, **fields)

    def test_string_members_take_fragments(self) -> None:
        """tool_choice is a string or an object: Frags read as the string."""
        run = RUN_HOOK(self.run_node(tool_choice=Frags(["au", "to"])))
        assert "auto" == run.tool_choice

    def test_the_untagged_member_takes_a_node(self) -> None:
        """An object without a known tag goes to the untagged member, cached in its node."""
        choice = Node(type="function", function=Node(name="f"))
        run = RUN_HOOK(self.run_node(tool_choice=choice))
        assert isinstance(run.tool_choice, m.AssistantToolChoice)
        assert run.tool_choice is choice.cache

    def test_free_form_values_in_nodes_are_frozen(self) -> None:
        """A function's JSON-schema parameters held as nodes come out as frozen JSON."""
        parameters = Node(type="object", properties=Node(q=Node(type="string")), required=["q"])
        tool = Node(type="function", function=Node(name="f", parameters=parameters))
        run = RUN_HOOK(self.run_node(tools=Slots({0: tool})))
        assert isinstance(run.tools[0], m.FunctionTool)
        params = run.tools[0].function.parameters
        assert params == {
            "type": "object",
            "properties": {"q": {"type": "string"}},
            "required": ("q",),
        }
        assert isinstance(params, MappingProxyType)
        assert_frozen(run)


class TestShapes:
    @pytest.mark.parametrize(
        ("field", "value", "reason"),
        [
            ("created_at", Frags(["1"]), "expected an integer, got a string"),
            ("id", Node(), "expected a string, got an object"),
            ("step_details", Slots(), "expected an object, got an array"),
            ("metadata", Slots(), "expected an object of strings, got an array"),
        ],
    )
    def test_wrong_shapes_in_nodes_are_shape_errors(
        self, field: str, value: Any, reason: str
    ) -> None:
        """A container where another JSON type belongs: a ShapeError naming the JSON types."""
        node = step_node()
        node[field] = value
        with pytest.raises(ShapeError) as info:
            STEP_HOOK(node)
        assert (f".{field}", reason) == info.value.describe()
        assert node.cache is None

    def test_slots_of_scalars(self) -> None:
        """An array of strings held as slots, with a gap: read in index order."""
        hook = structurer(m.ThreadToolResourcesCodeInterpreter)
        built = hook(Node(file_ids=Slots({3: Frags(["b"]), 1: "a"})))
        assert ("a", "b") == built.file_ids


# --- Property: any wire object, held as nodes, builds what it parses to -------------


def as_nodes(value: Any, data: st.DataObject, key: str | None = None) -> Any:
    """The wire JSON, with objects randomly as Node, arrays as Slots (with gaps), text as Frags.

    ``type`` tags stay strings: the merge sets them, it never streams them.
    """
    if isinstance(value, dict):
        members = {k: as_nodes(v, data, k) for k, v in value.items()}
        return Node(members) if data.draw(st.booleans()) else members
    if isinstance(value, list):
        items = [as_nodes(v, data) for v in value]
        if not data.draw(st.booleans()):
            return items
        slots, index = Slots(), 0
        for item in items:
            slots[index] = item
            index += data.draw(st.integers(1, 3))
        return slots
    if isinstance(value, str) and key != "type" and data.draw(st.booleans()):
        cuts = sorted(data.draw(st.lists(st.integers(0, len(value)), max_size=3)))
        bounds = [0, *cuts, len(value)]
        return Frags([value[a:b] for a, b in itertools.pairwise(bounds)])
    return value


@pytest.mark.parametrize("name", OBJECT_NAMES)
@settings(max_examples=15)
@given(data=st.data())
def test_nodes_build_what_the_json_parses_to(name: str, data: st.DataObject) -> None:
    """For any object: build(as_nodes(wire)) == parse(wire), cached, frozen, lossless."""
    cls = getattr(m, name)
    hook = structurer(cls)
    wire = data.draw(wire_value(name, unknown_fields=True, unknown_types=True, omit_required=True))
    text = json.dumps(wire)
    nodes = as_nodes(json.loads(text), data)
    built = hook(nodes)
    assert hook(json.loads(text)) == built
    assert exact(wire) == exact(to_dict(built))
    assert exact(wire) == exact(plain(nodes))
    assert_frozen(built)
    if isinstance(nodes, Node):
        assert built is hook(nodes)
