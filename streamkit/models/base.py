"""The base of every wire model, and the stand-ins for what this version does not know.

Every object of the run stream is an attrs class derived from :class:`Model`:
frozen (a snapshot handed out cannot be changed behind the accumulator's
back), keyword-only, and compared field by field. One private field,
``_wire`` (a :class:`WireInfo`), makes the models lossless, so
``to_dict(parse(x)) == x`` for anything the server sends:

* which keys came as an explicit ``null``: a key the server did not send
  stays absent when written back; a key sent as ``null`` comes back as
  ``null``. Absent and null both read as ``None`` in Python.
* keys this version of the schema does not know, kept with their raw JSON
  values and written back unchanged.

:class:`UnknownObject` stands for an object whose ``type`` is not one this
version knows, at any place a union of types is expected; ``UnknownEvent``
for an event name it does not know. Both keep the raw payload.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import Any, ClassVar

import attrs

__all__ = ["PLAIN_WIRE", "STREAMED", "Model", "UnknownObject", "WireInfo"]

#: The attrs metadata key that marks a streamed text field: deltas append its
#: fragments instead of setting it. Declared on the field itself,
#: ``attrs.field(default=None, metadata={STREAMED: True})``, and read by the
#: schema plan (``streamkit._engine.plan``).
STREAMED = "streamed"


class WireInfo:
    """How a model's object looked on the wire, beyond its field values.

    Attributes:
        nulls: the known keys that came as an explicit ``null``.
        extra: the keys the schema does not know, with their raw values, or ``None``.
    """

    __slots__ = ("extra", "nulls")

    def __init__(self, nulls: frozenset[str], extra: Mapping[str, Any] | None) -> None:
        self.nulls = nulls
        self.extra = extra

    # Two models are equal when their fields and unknown keys are: whether an
    # absent value was sent as null is wire detail, not value.
    def __eq__(self, other: object) -> bool:
        if other is None:
            return not self.extra
        if isinstance(other, WireInfo):
            return (self.extra or None) == (other.extra or None)
        return NotImplemented

    def __hash__(self) -> int:
        return 0  # consistent with __eq__, which ignores nulls

    def __repr__(self) -> str:
        return f"WireInfo(nulls={sorted(self.nulls)!r}, extra={self.extra!r})"


#: The WireInfo of a parsed object that had no nulls and no unknown keys.
PLAIN_WIRE = WireInfo(frozenset(), None)


@attrs.frozen(kw_only=True)
class Model:
    """Base class of the wire models.

    Fields the spec requires and never allows to be null are typed without
    ``None``; if a server omits one anyway (some omit ``metadata``), the field
    holds ``None`` and the key stays absent in :func:`streamkit.to_dict`.

    Values of enum fields outside the documented set are kept as received:
    the API adds values over time, and a consumer must not break on them.

    A model built in Python (rather than parsed) writes every required key,
    as ``null`` when its value is ``None``, and the optional keys that are not
    ``None``.
    """

    #: Wire keys the spec requires.
    _REQUIRED: ClassVar[frozenset[str]] = frozenset()

    _wire: WireInfo | None = attrs.field(default=None, repr=False, alias="_wire")

    # Hash and equality agree: ``a == b`` implies ``hash(a) == hash(b)``. The
    # hash attrs would generate fails on that twice: it includes ``_wire``
    # (``None`` on a model built in Python, a WireInfo on a parsed one, which
    # compare equal when there are no unknown keys), and it cannot hash the
    # mappings a model holds (``metadata``, free-form JSON). This one hashes
    # the public fields only, mappings as sets of items, so equal values hash
    # equally whether a mapping is a dict or a mappingproxy.
    def __hash__(self) -> int:
        cls = self.__class__
        getter = _FIELD_GETTERS.get(cls) or _field_getter(cls)
        # Equal models are of the same class (attrs' __eq__ checks it).
        return hash((cls, *[_hashable(value) for value in getter(self)]))

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        # Set on the class before its @attrs.frozen runs, so attrs (which
        # leaves a __hash__ the class defines alone) does not generate its own.
        cls.__hash__ = Model.__hash__  # type: ignore[method-assign]

    @property
    def extra_fields(self) -> Mapping[str, Any]:
        """Keys of the wire object that this version of the schema does not know, as received."""
        extra = self._wire.extra if self._wire is not None else None
        return MappingProxyType(dict(extra)) if extra else MappingProxyType({})


_FIELD_GETTERS: dict[type, Callable[[Any], tuple[Any, ...]]] = {}


def _field_getter(cls: type) -> Callable[[Any], tuple[Any, ...]]:
    names = tuple(f.name for f in attrs.fields(cls) if not f.name.startswith("_"))
    if len(names) == 1:  # attrgetter of one name returns the value, not a tuple
        one = operator.attrgetter(names[0])
        getter: Callable[[Any], tuple[Any, ...]] = lambda obj: (one(obj),)  # noqa: E731
    elif names:
        getter = operator.attrgetter(*names)
    else:
        getter = lambda _obj: ()  # noqa: E731
    _FIELD_GETTERS[cls] = getter
    return getter


def _hashable(value: Any) -> Any:
    """A hashable stand-in for a field value, equal values giving equal stand-ins.

    Arrays (tuples, or lists in a model built in Python) become tuples and
    objects (mappingproxy, dict, any Mapping) frozensets of their items, all the
    way down; scalars and models are hashable as they are.
    """
    cls = value.__class__
    if cls is tuple or cls is list:
        return tuple([_hashable(item) for item in value])
    if cls is MappingProxyType or cls is dict or isinstance(value, Mapping):
        return frozenset([(key, _hashable(item)) for key, item in value.items()])
    return value


@attrs.frozen
class UnknownObject:
    """An object of a ``type`` this version does not know, kept exactly as received.

    It appears wherever a union of object types is expected (tool calls,
    outputs, content blocks, annotations ...), so a new kind of object from
    the API flows through instead of failing the stream.

    Attributes:
        raw: the object's JSON, as received.
    """

    raw: Mapping[str, Any]

    # The raw JSON is a mapping, which hashes only as its items (see Model.__hash__).
    def __hash__(self) -> int:
        return hash((UnknownObject, _hashable(self.raw)))

    @property
    def type(self) -> str | None:
        """The object's ``type``, if it has a string one."""
        value = self.raw.get("type")
        return value if isinstance(value, str) else None
