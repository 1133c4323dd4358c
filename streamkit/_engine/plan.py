"""The schema plan: what every field of every wire model holds, computed once per class.

Conversion (:mod:`streamkit._engine.convert`, ``parse_event`` and ``to_dict``)
and the merge (the accumulator) both walk a model's fields. They read them
from here, so the two can never disagree about a field: which JSON type it
takes, whether deltas append to it or set it, which class an object in it is.

:func:`plan_for` gives a class's :class:`ClassPlan`, built on first use from
the attrs fields and resolved type hints and cached (``typing.get_type_hints``
is the costly part, and most programs use few classes). Plans are named
tuples: immutable, cheap to define at import, and a hot loop can unpack a
:class:`FieldPlan` (``for name, kind, role, check, members, required in plan.fields``).

A field's **kind** is its annotation with ``| None`` stripped, as a tuple
(see :func:`kind_of`)::

    ("str",) ("int",) ("float",) ("bool",)   JSON scalars (a Literal is "str")
    ("any",)                                 any JSON value (``Any``)
    ("free",)                                a free-form JSON object (``Mapping[str, Any]``)
    ("strmap",)                              an object of strings (``Mapping[str, str]``)
    ("model", cls)                           a nested model
    ("union", frozenset(members))            a union alias (models by tag, strings, UnknownObject)
    ("list", item_kind)                      an array (``tuple[X, ...]``)

Its **role** is what a delta does to it when merged:

* ``"append"`` -- streamed text: fragments are appended. Exactly the fields
  whose attrs metadata says ``{"streamed": True}`` (:data:`STREAMED`).
* ``"set"`` -- scalars, enums, ids, tags, maps of strings and arrays of scalars:
  set as a whole.
* ``"object"`` -- a nested model or union: merged key by key.
* ``"slots"`` -- an array of models or unions: index-keyed in deltas.
* ``"free"`` -- free-form JSON (``Any``, ``Mapping[str, Any]``): a value, never walked.
"""

from __future__ import annotations

import threading
import types
import typing
from collections.abc import Mapping
from typing import Any, Literal, NamedTuple, TypeAlias, Union

import attrs

from streamkit.models.base import STREAMED, Model

__all__ = [
    "STREAMED",
    "Check",
    "ClassPlan",
    "FieldPlan",
    "Kind",
    "Members",
    "Role",
    "check_for",
    "is_model",
    "kind_of",
    "members_of",
    "plan_for",
]

#: A field's kind: see the module docstring.
Kind: TypeAlias = tuple[Any, ...]

#: A field's merge role: see the module docstring.
Role: TypeAlias = Literal["append", "set", "object", "slots", "free"]

_NONE_TYPE = type(None)


def is_model(tp: object) -> bool:
    """Whether ``tp`` is a wire model class: a subclass of :class:`~streamkit.models.base.Model`."""
    return isinstance(tp, type) and issubclass(tp, Model) and tp is not Model


def kind_of(tp: Any) -> Kind:
    """Classify a resolved annotation (see the module docstring for the kinds).

    Raises:
        TypeError: an annotation no wire model uses.
    """
    origin = typing.get_origin(tp)
    if origin in (Union, types.UnionType):
        members = [arg for arg in typing.get_args(tp) if arg is not _NONE_TYPE]
        if len(members) == 1:
            return kind_of(members[0])
        return ("union", frozenset(members))
    if origin is Literal:
        return ("str",)
    if origin is tuple:
        item, _ellipsis = typing.get_args(tp)
        return ("list", kind_of(item))
    if origin is Mapping or origin is dict:
        _key, value = typing.get_args(tp)
        return ("strmap",) if value is str else ("free",)
    if tp is Any:
        return ("any",)
    if tp in (str, int, float, bool):
        return (tp.__name__,)
    if is_model(tp):
        return ("model", tp)
    msg = f"streamkit has no conversion for the annotation {tp!r}"
    raise TypeError(msg)


class Check(NamedTuple):
    """The JSON-type check of a value: the Python classes JSON parsing gives for it.

    Classes are compared exactly (``value.__class__ in classes``), so ``True``
    is not an integer and an integer is not a string.

    Attributes:
        classes: the accepted classes (``(float, int)`` for a number).
        expected: what the error message says was expected, e.g. ``"an integer"``.
    """

    classes: tuple[type, ...]
    expected: str

    def accepts(self, value: object) -> bool:
        """Whether ``value`` (not None) is of an accepted JSON type."""
        return value.__class__ in self.classes


# One instance per kind: plans share them, and callers may compare with `is`.
_CHECKS: dict[str, Check] = {
    "str": Check((str,), "a string"),
    "int": Check((int,), "an integer"),
    "float": Check((float, int), "a number"),
    "bool": Check((bool,), "a boolean"),
    "free": Check((dict,), "an object"),
    "strmap": Check((dict,), "an object of strings"),
    "list": Check((list,), "an array"),
}


def check_for(kind: Kind) -> Check | None:
    """The JSON-type check of a scalar, free-form or list kind; None for ``any``, models, unions."""
    return _CHECKS.get(kind[0])


class Members(NamedTuple):
    """The classes an object position may hold: by ``type`` tag, and the one without a tag.

    Attributes:
        tagged: constant ``type`` tag -> model class.
        untagged: the one model class without a constant tag (``AssistantToolChoice``
            in ``tool_choice``), which takes any object whose tag is not in ``tagged``;
            None if there is none -- then such an object is an ``UnknownObject``.
        takes_strings: whether a string is also a valid value (``tool_choice: "auto"``).
    """

    tagged: Mapping[str, type[Model]]
    untagged: type[Model] | None
    takes_strings: bool


def members_of(kind: Kind) -> Members:
    """The :class:`Members` of a ``("model", cls)`` or ``("union", members)`` kind.

    Raises:
        TypeError: a union with two untagged model members (none in the schema).
    """
    found: frozenset[Any] = kind[1] if kind[0] == "union" else frozenset({kind[1]})
    tagged: dict[str, type[Model]] = {}
    untagged: list[type[Model]] = []
    takes_strings = False
    for member in found:
        if member is str or typing.get_origin(member) is Literal:
            takes_strings = True
        elif is_model(member):
            tag = _constant_tag(member)
            if tag is None:
                untagged.append(member)
            else:
                tagged[tag] = member
    if len(untagged) > 1:
        msg = f"ambiguous union {found!r}: more than one member without a type tag"
        raise TypeError(msg)
    return Members(types.MappingProxyType(tagged), untagged[0] if untagged else None, takes_strings)


def _constant_tag(cls: type[Model]) -> str | None:
    # A member's tag is the default of its `type` field: `type: Literal["x"] = "x"`.
    type_field = attrs.fields_dict(cls).get("type")
    default = None if type_field is None else type_field.default
    return default if isinstance(default, str) else None


class FieldPlan(NamedTuple):
    """One public field of a model class.

    Attributes:
        name: the field's name, which is also its wire key.
        kind: what it holds (see :func:`kind_of`).
        role: what a delta does to it (``append``, ``set``, ``object``, ``slots``, ``free``).
        check: the JSON-type check of its value, for kinds that have one (scalars,
            free-form objects, maps of strings, arrays of scalars); None for ``any``,
            objects and slots, whose members say what they take.
        members: for ``object`` and ``slots``, the classes an object (an entry) may be.
        required: whether the spec requires the key.
    """

    name: str
    kind: Kind
    role: Role
    check: Check | None
    members: Members | None
    required: bool


class ClassPlan(NamedTuple):
    """The plan of one model class: its public fields in declaration order.

    Attributes:
        cls: the model class.
        fields: its public fields (private ``_`` ones, like ``_wire``, are not in it).
        by_name: the same, by name.
        known: the wire keys the class knows; any other key of an object is kept
            in its ``extra_fields``.
        required: the wire keys the spec requires (``cls._REQUIRED``).
        tag: the class's constant ``type`` tag, if it has one.
    """

    cls: type[Model]
    fields: tuple[FieldPlan, ...]
    by_name: Mapping[str, FieldPlan]
    known: frozenset[str]
    required: frozenset[str]
    tag: str | None


def _role(field: attrs.Attribute[Any], kind: Kind) -> Role:
    tag = kind[0]
    if field.metadata.get(STREAMED):
        if tag != "str":
            msg = f"streamed field {field.name!r} must hold a string, not {kind!r}"
            raise TypeError(msg)
        return "append"
    if tag == "list":
        return "slots" if kind[1][0] in ("model", "union") else "set"
    if tag in ("model", "union"):
        return "object"
    if tag in ("any", "free"):
        return "free"
    return "set"


def _build(cls: type[Model]) -> ClassPlan:
    hints = typing.get_type_hints(cls)
    required: frozenset[str] = cls._REQUIRED
    fields: list[FieldPlan] = []
    for field in attrs.fields(cls):
        if field.name.startswith("_"):
            continue
        kind = kind_of(hints[field.name])
        role = _role(field, kind)
        members = None
        if role == "object":
            members = members_of(kind)
        elif role == "slots":
            members = members_of(kind[1])
        check = None if role in ("object", "slots") else check_for(kind)
        fields.append(FieldPlan(field.name, kind, role, check, members, field.name in required))
    by_name = {field.name: field for field in fields}
    return ClassPlan(
        cls,
        tuple(fields),
        types.MappingProxyType(by_name),
        frozenset(by_name),
        required,
        _constant_tag(cls),
    )


_PLANS: dict[type, ClassPlan] = {}
_LOCK = threading.Lock()


def plan_for(cls: type[Model]) -> ClassPlan:
    """The :class:`ClassPlan` of a model class, built on first use and cached.

    Raises:
        TypeError: ``cls`` is not a wire model class, or has a field of a type
            no wire model uses.
    """
    plan = _PLANS.get(cls)
    if plan is not None:
        return plan
    if not is_model(cls):
        msg = f"not a streamkit model class: {cls!r}"
        raise TypeError(msg)
    with _LOCK:  # two threads asking at once get the same plan object
        plan = _PLANS.get(cls)
        if plan is None:
            plan = _PLANS[cls] = _build(cls)
    return plan
