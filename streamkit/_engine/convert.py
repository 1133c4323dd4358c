"""One converter for the whole wire schema: ``parse_event``, ``to_dict`` and ``converter``.

Strategy: every model's structure and unstructure hook is *generated* from
the class's schema plan (:mod:`streamkit._engine.plan`) -- straight-line
Python with the field names, type checks and nested hooks bound as globals,
the way cattrs' own ``make_dict_structure_fn`` works. Generation is lazy: no
hook exists at import; a class's hook is generated the first time it is
needed, and a hook that calls another one starts with a stub in its place
that, on its first call, generates the other hook and patches itself out of
every place that holds it. So the first ``parse_event`` of a delta generates
the hooks that delta's objects need, and after that no call goes through an
indirection. ``parse_event`` looks the hook up once per event name in a dict,
never per field. Three things the generic cattrs hooks do not do are built in:

* **lossless**: a key the server did not send stays absent when written back,
  a key sent as ``null`` comes back as ``null`` (``Model._wire.nulls``), and
  keys the schema does not know are kept and written back (``Model._wire.extra``);
* **forward compatible**: an unknown ``type`` wherever a union is expected
  becomes :class:`~streamkit.models.UnknownObject` with the raw JSON (cattrs'
  ``configure_tagged_union`` default would drop its fields and write back
  ``{"type": None}``), an unknown event name an ``UnknownEvent``;
* **checked, not coerced**: a value of the wrong JSON type raises
  :class:`~streamkit.ParseError` naming the field path. cattrs' default hooks
  would call ``str()`` / ``int()`` on it and silently change the data.

Enum values are not checked against their sets: the API adds values, and a
consumer must keep working when it does.

**Depth.** JSON the schema does not describe -- a free-form field (function
``parameters``, a JSON schema), the value of a key the schema does not know,
an object of an unknown ``type`` -- may nest at most :data:`MAX_DEPTH` levels
of objects and arrays (the value of an unknown key, or of a key of an unknown
object, counts from itself). Deeper is a shape error naming the field, like a
wrong type; every recursive helper here (:func:`freeze`, :func:`copy_json`,
:func:`to_dict`) enforces the same limit, so no input reaches Python's
recursion limit. A ``type`` tag, where present and not null, must be a string.

**Snapshots from nodes.** The structure hooks also build models from the
accumulator's containers (:mod:`streamkit._engine.nodes`), with no cost on
the plain-JSON path (the checks sit where a wrong shape would be reported):

* a :class:`~streamkit._engine.nodes.Node` is taken wherever a JSON object is.
  A model's hook returns ``node.cache`` when it holds a model of that very
  class, else builds the model from the node as from a dict and stores it in
  ``node.cache``; so after the merge clears the caches of what a delta
  changed, only those objects are rebuilt. A union dispatches a node like a
  dict (an unknown ``type`` gives a cached ``UnknownObject``);
* a :class:`~streamkit._engine.nodes.Frags` is taken wherever a string is, read
  with ``joined()``;
* a :class:`~streamkit._engine.nodes.Slots` is taken wherever an array is, read
  with ``ordered()``;
* :func:`freeze` (free-form values, unknown keys, ``UnknownObject``) turns all
  three into read-only plain values, so a snapshot never shares a mutable
  container with the accumulator.

**Custom hooks.** :data:`converter` is a ``cattrs.Converter`` whose
``register_structure_hook(cls, hook)`` and ``register_unstructure_hook(cls,
hook)`` for a model class (``models.Run``, ``models.TextDelta`` ...) also
replace that class's hook in :func:`parse_event`, :func:`to_dict` and every
generated hook that embeds it, wherever the class is nested::

    @streamkit.converter.register_structure_hook
    def structure_text(value: Any, cls: type) -> models.TextDelta: ...

A structure hook gets ``(value, cls)`` as cattrs passes them, where ``value``
is the parsed JSON object (or an accumulator ``Node``, which is a ``dict``);
an unstructure hook gets the object. Hooks registered by predicate or
factory, or for a union alias, apply to ``converter.structure`` /
``converter.unstructure`` only. The converter is created (and cattrs
imported) on first use of ``converter``.
"""

from __future__ import annotations

import collections
import json
import threading
import types
import typing
from collections.abc import Callable, Iterable, Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from streamkit import models
from streamkit._engine.nodes import Frags, Node, Slots
from streamkit._engine.plan import Kind, is_model, kind_of, members_of, plan_for
from streamkit.errors import ParseError
from streamkit.models import UnknownObject
from streamkit.models.base import PLAIN_WIRE, Model, WireInfo
from streamkit.models.error import ErrorEnvelope, ErrorObject
from streamkit.models.events import EVENT_CLASSES, DoneEvent, ErrorEvent, StreamEvent, UnknownEvent
from streamkit.sse import ServerSentEvent

if TYPE_CHECKING:
    import cattrs

    #: The one converter for every wire model (see the module docstring): a
    #: ``cattrs.Converter`` whose ``structure(obj, Run)`` and ``unstructure(run)``
    #: use the same hooks as :func:`parse_event` and :func:`to_dict`, and whose
    #: hooks registered for a model class are used by those too.
    converter: cattrs.Converter

_orjson: types.ModuleType | None
try:  # orjson parses 2-4x faster; the stdlib is the fallback and the reference.
    import orjson as _orjson
except ImportError:  # pragma: no cover - depends on the environment
    _orjson = None

__all__ = [
    "MAX_DEPTH",
    "MODEL_CLASSES",
    "LiveStructurer",
    "NestedTooDeeply",
    "ShapeError",
    "check_depth",
    "converter",
    "copy_json",
    "event_from_json",
    "freeze",
    "generated",
    "json_error_where",
    "json_type",
    "kind_structurer",
    "loads",
    "parse_error",
    "parse_event",
    "structurer",
    "to_dict",
    "unknown_object",
    "unstructurer",
]

Hook = Callable[[Any], Any]

#: How deep JSON the schema does not describe may nest (see the module
#: docstring): far beyond real payloads (JSON schemas of function parameters
#: nest a few levels), a quarter of orjson's own cap of 1024 levels on a whole
#: document, and low enough that the recursive helpers, at most two Python
#: frames a level, stay far inside CPython's default recursion limit of 1000
#: however deep the caller's own stack is.
MAX_DEPTH = 256
# An unknown object (or an unknown event's payload) is checked as a whole: its
# own level comes on top of the limit its keys' values get.
_UNKNOWN_DEPTH = MAX_DEPTH + 1

_EMPTY: frozenset[str] = frozenset()


class NestedTooDeeply(ValueError):
    """JSON text nested deeper than a parser follows (orjson: 1024 levels; json: the stack)."""


def _json_loads_stdlib(text: str) -> Any:
    try:
        return json.loads(text)
    except RecursionError:
        # The C scanner recurses once a level: the stack, not the text, ran out.
        raise NestedTooDeeply("nested too deeply") from None


# orjson turns integers beyond 64 bits into floats, silently. Any such
# integer has a run of at least 19 digits in the text (-2**63 - 1 has 19), so
# a text with such a run -- found by mapping every byte to "0" (digit) or " "
# in C -- goes to the stdlib instead. Digit runs inside strings only cost a
# slower parse.
_DIGITS_ONLY = bytes(0x30 if 0x30 <= byte <= 0x39 else 0x20 for byte in range(256))
_LONG_DIGIT_RUN = b"0" * 19

if _orjson is not None:
    _orjson_loads = _orjson.loads
    _OrjsonError = _orjson.JSONDecodeError

    def loads(text: str) -> Any:
        """Parse JSON text: orjson when installed, with the stdlib's exact semantics.

        Where orjson differs from the stdlib -- integers beyond 64 bits, lone
        surrogates in escapes, ``NaN``, numbers that overflow to infinity --
        the stdlib parses the text, so results never depend on whether orjson
        is installed.

        Raises:
            ValueError: not JSON; :class:`NestedTooDeeply` (never a
                ``RecursionError``) for text nested deeper than the parser follows.
        """
        if _LONG_DIGIT_RUN in text.encode("utf-8", "surrogatepass").translate(_DIGITS_ONLY):
            return _json_loads_stdlib(text)
        try:
            return _orjson_loads(text)
        except _OrjsonError:
            return _json_loads_stdlib(text)

else:  # pragma: no cover - depends on the environment
    loads = _json_loads_stdlib


# --- Shape errors -----------------------------------------------------------


class ShapeError(Exception):
    """A value of the wrong JSON type, raised inside the generated structure hooks.

    Each enclosing hook prepends its field name or array index to ``path``;
    :func:`parse_event` turns it into a :class:`~streamkit.ParseError`, and
    other callers of :func:`structurer` hooks into their own error. The
    message names the expected type only, never the value.

    Attributes:
        expected: what was expected, e.g. ``"an integer"``.
        got: the offending value (for its type; never put it in a message).
        path: the field names and indexes from the structured value down to it.
    """

    def __init__(self, expected: str, got: object) -> None:
        super().__init__(expected)
        self.expected = expected
        self.got = got
        self.path: collections.deque[str | int] = collections.deque()

    def describe(self) -> tuple[str, str]:
        """``(".a.b[0].c", "expected an integer, got a string")``: the path and the reason."""
        path = ""
        for segment in self.path:
            path += f"[{segment}]" if isinstance(segment, int) else f".{segment}"
        return path, f"expected {self.expected}, got {json_type(self.got)}"


# Names of JSON types, for error messages: they name the type only, because
# the value itself may be private text. The accumulator's containers are
# named as the JSON they stand for.
_JSON_TYPE_NAMES = {
    type(None): "null",
    bool: "a boolean",
    int: "an integer",
    float: "a number",
    str: "a string",
    list: "an array",
    dict: "an object",
    Node: "an object",
    Frags: "a string",
    Slots: "an array",
}


def json_type(value: object) -> str:
    """The JSON type of a value for messages (``"an integer"``, ``"null"`` ...), never the value."""
    return _JSON_TYPE_NAMES.get(type(value)) or f"a {type(value).__name__}"


# --- Free-form values ---------------------------------------------------------


_JSON_ATOMS = frozenset({str, int, float, bool, type(None)})


def _too_deep(value: Any) -> ShapeError:
    return ShapeError(f"JSON nested at most {MAX_DEPTH} levels deep", value)


def freeze(value: Any, depth: int = MAX_DEPTH) -> Any:
    """JSON made read-only all the way down: objects as mappingproxy, arrays as tuples.

    Free-form values (function parameters, JSON schemas, unknown keys and
    objects) are the only places a model holds containers; freezing them keeps
    a snapshot handed out from being changed through them. The accumulator's
    containers become plain frozen values too: a ``Node`` a mappingproxy, a
    ``Frags`` its joined string, a ``Slots`` the tuple of its entries in
    index order. Frozen values are returned as they are.

    Raises:
        ShapeError: plain objects and arrays nest more than ``depth`` levels
            (the accumulator's containers do not count: they are the schema's).
    """
    cls = value.__class__
    # Leaves are tested inline: a call per scalar would cost more than the test.
    if cls is dict:
        if depth <= 0:
            raise _too_deep(value)
        depth -= 1
        return MappingProxyType(
            {k: v if v.__class__ in _JSON_ATOMS else freeze(v, depth) for k, v in value.items()}
        )
    if cls is list:
        if depth <= 0:
            raise _too_deep(value)
        depth -= 1
        return tuple([v if v.__class__ in _JSON_ATOMS else freeze(v, depth) for v in value])
    if cls is Node:
        return MappingProxyType({k: freeze(v, depth) for k, v in value.items()})
    if cls is Frags:
        return value.joined()
    if cls is Slots:
        return tuple([freeze(v, depth) for v in value.ordered()])
    return value


def unknown_object(value: Any) -> UnknownObject:
    """The :class:`~streamkit.models.UnknownObject` of an object of an unknown type (frozen).

    Raises:
        ShapeError: a value of one of its keys nests more than :data:`MAX_DEPTH` levels.
    """
    return UnknownObject(freeze(value, _UNKNOWN_DEPTH))


def copy_json(value: Any, depth: int = MAX_DEPTH) -> Any:
    """A deep, mutable copy of JSON data, frozen or not: mappings become dicts, tuples lists.

    Raises:
        ShapeError: objects and arrays nest more than ``depth`` levels.
    """
    cls = value.__class__
    if cls is dict or cls is MappingProxyType:
        if depth <= 0:
            raise _too_deep(value)
        return {k: copy_json(v, depth - 1) for k, v in value.items()}
    if cls is list or cls is tuple:
        if depth <= 0:
            raise _too_deep(value)
        return [copy_json(v, depth - 1) for v in value]
    return value


def check_depth(value: Any, depth: int = MAX_DEPTH) -> None:
    """Check that plain JSON nests at most ``depth`` levels, building nothing.

    Raises:
        ShapeError: it nests deeper.
    """
    cls = value.__class__
    if cls is dict:
        items: Iterable[Any] = value.values()
    elif cls is list:
        items = value
    else:
        return
    if depth <= 0:
        raise _too_deep(value)
    for item in items:
        if item.__class__ is dict or item.__class__ is list:
            check_depth(item, depth - 1)


def _freeze_extra(d: Any, known: frozenset[str]) -> dict[str, Any] | None:
    """The keys of ``d`` that its class does not know, frozen; a shape error names its key."""
    extra = {}
    for key, value in d.items():
        if key not in known:
            try:
                extra[key] = freeze(value)
            except ShapeError as error:
                error.path.appendleft(key)
                raise
    return extra or None


# --- Hook tables --------------------------------------------------------------
#
# Generated code holds the hooks it calls in its own globals (and unions in a
# dict by tag), so a call costs a global lookup and nothing else. To
# generate lazily, and to let a custom hook replace a generated one, each
# table remembers every place that holds a hook ("holders": a namespace and
# a name, a dict and a tag, a list and an index) and rewrites them all when
# the hook is generated or replaced. Until it is generated, a holder holds a
# stub that generates it on its first call.

# Generation, replacement and plan building are serialised: two threads
# parsing their first events at once generate each hook once.
_LOCK = threading.RLock()


class _HookTable:
    """The hooks of one direction (structure or unstructure), by key, generated on demand."""

    __slots__ = ("holders", "hooks", "make", "stubs")

    def __init__(self, make: Callable[[Any], Hook]) -> None:
        # key -> the hook in force (generated, or registered by the user).
        self.hooks: dict[Any, Hook] = {}
        # key -> every (container, name) that holds the key's hook or stub.
        self.holders: dict[Any, list[tuple[Any, Any]]] = {}
        self.stubs: dict[Any, Hook] = {}
        self.make = make

    def get(self, key: Any) -> Hook:
        """The key's hook, generated now if it does not exist yet (not the hooks it calls)."""
        hook = self.hooks.get(key)
        if hook is None:
            with _LOCK:
                hook = self.hooks.get(key)
                if hook is None:
                    hook = self.make(key)
                    self._install(key, hook)
        return hook

    def bind(self, key: Any, container: Any, name: Any) -> None:
        """Put the key's hook at ``container[name]``, now and whenever it changes."""
        with _LOCK:
            self.holders.setdefault(key, []).append((container, name))
            hook = self.hooks.get(key)
            container[name] = hook if hook is not None else self._stub(key)

    def replace(self, key: Any, hook: Hook) -> None:
        """Use ``hook`` for the key from now on, in every hook that calls it."""
        with _LOCK:
            self._install(key, hook)

    def _install(self, key: Any, hook: Hook) -> None:
        self.hooks[key] = hook
        for container, name in self.holders.get(key, ()):
            container[name] = hook

    def _stub(self, key: Any) -> Hook:
        stub = self.stubs.get(key)
        if stub is None:
            get = self.get

            def stub(value: Any) -> Any:
                # Only the first call comes here: get() patches every holder.
                return get(key)(value)

            self.stubs[key] = stub
        return stub


def _structure_key(kind: Kind) -> Any:
    # Model hooks are keyed by class (so a custom hook can replace them), the
    # others by kind.
    return kind[1] if kind[0] == "model" else kind


def _make_structure(key: Any) -> Hook:
    if isinstance(key, type):
        return _make_model_structure(key)
    if key[0] == "union":
        return _make_union_structure(key)
    if key[0] == "list":
        return _make_list_structure(key[1])
    return _make_scalar_structure(key)


def _make_unstructure(key: Any) -> Hook:
    return _make_model_unstructure(key)


_STRUCTURE = _HookTable(_make_structure)
_UNSTRUCTURE = _HookTable(_make_unstructure)
# The unstructure hooks in force, by class, read directly on the to_dict path.
_unstructure_hooks = _UNSTRUCTURE.hooks


def _namespace(**names: Any) -> dict[str, Any]:
    env: dict[str, Any] = {
        "_Shape": ShapeError,
        "_Node": Node,
        "_str": _structure_str,
        "_strmap": _structure_strmap,
        "_free": _structure_free,
        "_as_list": _structure_slots,
        "_freeze": freeze,
        "_bad_tag": _bad_tag,
    }
    env.update(names)
    return env


def _exec(lines: Iterable[str], env: dict[str, Any], name: str) -> Hook:
    exec("\n".join(lines), env)
    hook: Hook = env[name]
    return hook


# --- Structure: the non-JSON branches -----------------------------------------
#
# Each is called only where the plain-JSON check failed: the accumulator's
# containers are accepted there, anything else is a shape error.


def _structure_str(value: Any) -> str:
    if value.__class__ is Frags:
        return value.joined()
    raise ShapeError("a string", value)


def _structure_free(value: Any) -> Any:
    if value.__class__ is Node:
        return freeze(value)
    raise ShapeError("an object", value)


def _bad_tag(tag: Any) -> ShapeError:
    # A `type` that is there and not a string is malformed, not an unknown type.
    error = ShapeError("a string", tag)
    error.path.append("type")
    return error


def _structure_slots(value: Any) -> list[Any]:
    if value.__class__ is Slots:
        return value.ordered()
    raise ShapeError("an array", value)


def _structure_strmap(value: Any) -> MappingProxyType[str, str]:
    if value.__class__ is not dict and value.__class__ is not Node:
        raise ShapeError("an object of strings", value)
    result = dict(value)
    for key, item in result.items():
        if item.__class__ is not str:
            if item.__class__ is not Frags:
                error = ShapeError("a string", item)
                error.path.appendleft(key)
                raise error
            result[key] = item.joined()  # same keys: safe while iterating
    return MappingProxyType(result)


# --- Structure: generated code ------------------------------------------------


def _check_code(kind: Kind, value: str, env: dict[str, Any]) -> list[str]:
    """Lines that check/convert local ``value`` (known not None) in place."""
    tag = kind[0]
    if tag == "str":
        return [f"if {value}.__class__ is not str: {value} = _str({value})"]
    if tag == "int":
        return [f"if {value}.__class__ is not int: raise _Shape('an integer', {value})"]
    if tag == "float":
        return [
            f"if {value}.__class__ is not float and {value}.__class__ is not int:",
            f"    raise _Shape('a number', {value})",
        ]
    if tag == "bool":
        return [f"if {value}.__class__ is not bool: raise _Shape('a boolean', {value})"]
    if tag == "any":
        return [f"{value} = _freeze({value})"]
    if tag == "free":
        return [
            f"if {value}.__class__ is dict: {value} = _freeze({value})",
            f"else: {value} = _free({value})",
        ]
    if tag == "strmap":
        return [f"{value} = _strmap({value})"]
    name = f"_h{len(env)}"
    _STRUCTURE.bind(_structure_key(kind), env, name)
    return [f"{value} = {name}({value})"]


def _make_scalar_structure(kind: Kind) -> Hook:
    env = _namespace()
    lines = ["def hook(v):", *("    " + line for line in _check_code(kind, "v", env))]
    lines.append("    return v")
    return _exec(lines, env, "hook")


def _make_list_structure(item_kind: Kind) -> Hook:
    env = _namespace()
    if item_kind[0] in ("model", "union"):
        # The item hook itself, called directly: no wrapper per item.
        _STRUCTURE.bind(_structure_key(item_kind), env, "one")
        lines = []
    else:
        check = _check_code(item_kind, "x", env)
        lines = ["def one(x):", *("    " + line for line in check), "    return x"]
    lines += [
        "def hook(v):",
        "    if v.__class__ is not list: v = _as_list(v)",
        "    try:",
        "        return tuple([one(x) for x in v])",
        "    except _Shape as error:",
        "        for index, x in enumerate(v):",
        "            try:",
        "                one(x)",
        "            except _Shape:",
        "                error.path.appendleft(index)",
        "                break",
        "        raise",
    ]
    return _exec(lines, env, "hook")


def _make_union_structure(kind: Kind) -> Hook:
    """A union: strings as such, objects by their ``type`` tag, unknown tags kept."""
    members = members_of(kind)
    tagged: dict[str, Hook] = {}
    for tag, member in members.tagged.items():
        _STRUCTURE.bind(member, tagged, tag)
    env = _namespace(
        _tagged=tagged, _UnknownObject=UnknownObject, _Frags=Frags, _unknown=unknown_object
    )
    if members.untagged is not None:
        # One object member without a constant tag (AssistantToolChoice) takes any object.
        _STRUCTURE.bind(members.untagged, env, "_fallback")
        unknown = ["return _fallback(v)"]
        unknown_node = unknown
    else:
        unknown = ["return _unknown(v)"]
        unknown_node = [
            "o = v.cache",
            "if o.__class__ is not _UnknownObject:",
            "    o = v.cache = _unknown(v)",
            "return o",
        ]
    takes_strings = members.takes_strings
    expected = "a string or an object" if takes_strings else "an object"
    dispatch = [
        "    tag = v.get('type')",
        "    if tag.__class__ is str:",
        "        member = _tagged.get(tag)",
        "        if member is not None:",
        "            return member(v)",
        "    elif tag is not None:",
        "        raise _bad_tag(tag)",
    ]
    lines = [
        "def hook(v):",
        "    c = v.__class__",
        "    if c is dict:",
        *("    " + line for line in dispatch),
        *("        " + line for line in unknown),
        *(["    if c is str:", "        return v"] if takes_strings else []),
        "    return other(v)",
        # Not plain JSON: an accumulator container, or a shape error.
        "def other(v):",
        "    c = v.__class__",
        "    if c is _Node:",
        *("    " + line for line in dispatch),
        *("        " + line for line in unknown_node),
        *(["    if c is _Frags:", "        return v.joined()"] if takes_strings else []),
        f"    raise _Shape({expected!r}, v)",
    ]
    return _exec(lines, env, "hook")


def _slot_setter(cls: type, name: str) -> Callable[[Any, Any], None]:
    # The slot descriptor's setter: a frozen class forbids normal assignment,
    # and going through attrs' __init__ costs twice as much per field.
    for klass in cls.__mro__:
        if name in klass.__dict__:
            setter: Callable[[Any, Any], None] = klass.__dict__[name].__set__
            return setter
    msg = f"{cls.__name__} has no slot {name!r}"  # pragma: no cover - every field is a slot
    raise TypeError(msg)  # pragma: no cover


def _make_model_structure(cls: type[Model]) -> Hook:
    plan = plan_for(cls)
    fields = plan.fields
    env = _namespace(
        _cls=cls,
        _new=object.__new__,
        _known=plan.known,
        _Wire=WireInfo,
        _PLAIN=PLAIN_WIRE,
        _extra=_freeze_extra,
    )
    for field in fields:
        env[f"_set_{field.name}"] = _slot_setter(cls, field.name)
    env["_set__wire"] = _slot_setter(cls, "_wire")
    s = [
        "def structure(d):",
        "    if d.__class__ is not dict:",
        # A node: its cached model if still valid, else built from it (a
        # Node is a dict: the same code reads it) and cached.
        "        if d.__class__ is _Node:",
        "            o = d.cache",
        "            if o.__class__ is not _cls:",
        "                o = d.cache = build(d)",
        "            return o",
        "        raise _Shape('an object', d)",
        "    return build(d)",
        "def build(d):",
        "    get = d.get",
        "    field = None",
        "    found = 0",
        "    try:",
        "        pass",  # a model without fields still has a try body
    ]
    for field in fields:
        name = field.name
        local = f"f_{name}"
        check = _check_code(field.kind, local, env)
        s.append(f"        {local} = get({name!r})")
        s.append(f"        if {local} is not None:")
        s.append("            found += 1")
        if check:
            s.append(f"            field = {name!r}")
            s.extend(f"            {line}" for line in check)
    s += [
        "    except _Shape as error:",
        "        error.path.appendleft(field)",
        "        raise",
        "    o = _new(_cls)",
        *(f"    _set_{f.name}(o, f_{f.name})" for f in fields),
        # Every key known and none null (the common case): nothing to remember.
        # Otherwise unknown keys are kept, frozen, and keys sent as null noted.
        "    if found == len(d):",
        "        _set__wire(o, _PLAIN)",
        "    else:",
        "        extra = _extra(d, _known)",
        "        _set__wire(o, _Wire(frozenset([k for k, v in d.items() if v is None]), extra))",
        "    return o",
    ]
    return _exec(s, env, "structure")


# --- Unstructure ----------------------------------------------------------------


def _unstructure_union(value: Any) -> Any:
    hook = _unstructure_hooks.get(value.__class__)
    if hook is not None:
        return hook(value)
    return _unstructure_other(value)


def _unstructure_other(value: Any) -> Any:
    if is_model(value.__class__):
        return _UNSTRUCTURE.get(value.__class__)(value)  # its first use
    if isinstance(value, UnknownObject):
        return copy_json(dict(value.raw), _UNKNOWN_DEPTH)
    return value  # a string member


def _unstructure_expr(kind: Kind, value: str, env: dict[str, Any]) -> str:
    tag = kind[0]
    if tag in ("str", "int", "float", "bool"):
        return value
    if tag in ("any", "free"):
        return f"_copy({value})"
    if tag == "strmap":
        return f"dict({value})"
    if tag == "model":
        name = f"_u{len(env)}"
        _UNSTRUCTURE.bind(kind[1], env, name)
        return f"{name}({value})"
    if tag == "union":
        return f"_unstructure_union({value})"
    if tag == "list":
        item = _unstructure_expr(kind[1], "x", env)
        return f"[{item} for x in {value}]"
    raise AssertionError(kind)  # pragma: no cover


def _make_model_unstructure(cls: type[Model]) -> Hook:
    plan = plan_for(cls)
    env: dict[str, Any] = {"_copy": copy_json, "_unstructure_union": _unstructure_union}
    u = [
        "def unstructure(o):",
        "    d = {}",
        "    wire = o._wire",
        "    nulls = None if wire is None else wire.nulls",
    ]
    for field in plan.fields:
        name = field.name
        u.append(f"    v = o.{name}")
        u.append("    if v is not None:")
        u.append(f"        d[{name!r}] = {_unstructure_expr(field.kind, 'v', env)}")
        if field.required:
            u.append(f"    elif nulls is None or {name!r} in nulls:")
        else:
            u.append(f"    elif nulls is not None and {name!r} in nulls:")
        u.append(f"        d[{name!r}] = None")
    u += [
        "    if wire is not None and wire.extra:",
        "        for key, value in wire.extra.items():",
        "            d[key] = _copy(value)",
        "    return d",
    ]
    return _exec(u, env, "unstructure")


# --- Public access to the hooks -------------------------------------------------


def structurer(annotation: Any) -> Hook:
    """The structure hook for a model class or a union alias (e.g. ``models.ToolCall``).

    It takes parsed JSON (or the accumulator's nodes, see the module docstring)
    and raises :class:`ShapeError` on a wrong shape; callers turn that into
    their own error. The hook is generated now if need be, those it calls on
    their first use. A hook registered later on :data:`converter` for a class
    that this hook *calls* takes effect in it; one registered for ``annotation``
    itself does not change the function returned here -- call again.
    """
    return _STRUCTURE.get(_structure_key(kind_of(annotation)))


def kind_structurer(kind: Kind) -> Hook:
    """The structure hook of a schema plan kind (:func:`streamkit._engine.plan.kind_of`).

    Any kind, scalars included: the merge checks a value it stores with the
    hook of the kind the snapshot will read it as.
    """
    return _STRUCTURE.get(_structure_key(kind))


class LiveStructurer:
    """A model class's structure hook that follows :data:`converter`: a hook registered
    there for the class later is the one it calls (:func:`structurer` returns the hook
    of the moment). For the few places that keep a hook for long, like the
    accumulator's snapshot builders."""

    __slots__ = ("_slot",)

    def __init__(self, annotation: Any) -> None:
        self._slot: list[Any] = [None]
        _STRUCTURE.bind(_structure_key(kind_of(annotation)), self._slot, 0)

    def __call__(self, value: Any) -> Any:
        return self._slot[0](value)


def unstructurer(cls: type[Model]) -> Hook:
    """The unstructure hook of a model class (model -> wire JSON), generated now if need be."""
    if not is_model(cls):
        msg = f"not a streamkit model class: {cls!r}"
        raise TypeError(msg)
    return _UNSTRUCTURE.get(cls)


def generated(*, unstructure: bool = False) -> frozenset[Any]:
    """What has a hook so far, for tests and diagnostics (generation is lazy).

    The keys of the structure hooks (model classes, and ``("union", ...)`` /
    ``("list", ...)`` kinds), or with ``unstructure=True`` the model classes
    with an unstructure hook; hooks registered on :data:`converter` included.
    """
    return frozenset((_UNSTRUCTURE if unstructure else _STRUCTURE).hooks)


def _model_classes() -> tuple[type[Model], ...]:
    return tuple(value for name in models.__all__ if is_model(value := getattr(models, name)))


#: Every wire model class (not the event classes), in ``models.__all__`` order.
MODEL_CLASSES: tuple[type[Model], ...] = _model_classes()


# --- The cattrs converter -------------------------------------------------------


def _make_converter() -> cattrs.Converter:
    import cattrs
    from cattrs.dispatch import StructureHook, UnstructureHook

    def structure_factory(cls: type[Model]) -> StructureHook:
        # The hook in force at each call: a custom hook registered later for a
        # class nested in `cls` is honoured too.
        get = _STRUCTURE.get
        return lambda value, _type: get(cls)(value)

    def unstructure_factory(cls: type[Model]) -> UnstructureHook:
        get = _UNSTRUCTURE.get
        return lambda obj: get(cls)(obj)

    class Converter(cattrs.Converter):
        """A cattrs converter whose hooks for model classes are streamkit's own.

        A structure or unstructure hook registered for a model class also
        replaces that class's hook in ``parse_event``, ``to_dict`` and in every
        generated hook that embeds the class.
        """

        def __init__(self) -> None:
            super().__init__()
            self.register_structure_hook_factory(is_model, structure_factory)
            self.register_unstructure_hook_factory(is_model, unstructure_factory)
            self.register_unstructure_hook(
                UnknownObject, lambda obj: copy_json(dict(obj.raw), _UNKNOWN_DEPTH)
            )
            self.register_structure_hook(
                UnknownObject,
                lambda value, _type: unknown_object(copy_json(value, _UNKNOWN_DEPTH)),
            )

        @typing.overload
        def register_structure_hook(self, cl: Any) -> Any: ...

        @typing.overload
        def register_structure_hook(self, cl: Any, func: StructureHook) -> None: ...

        def register_structure_hook(self, cl: Any, func: StructureHook | None = None) -> Any:
            """As cattrs'; for a model class, parse_event and to_dict use the hook too."""
            if func is None:  # the decorator: cattrs calls again with the hook
                return super().register_structure_hook(cl)
            super().register_structure_hook(cl, func)
            if is_model(cl):
                _STRUCTURE.replace(cl, lambda value: func(value, cl))
            return None

        @typing.overload
        def register_unstructure_hook(self, cls: Any) -> Any: ...

        @typing.overload
        def register_unstructure_hook(self, cls: Any, func: UnstructureHook) -> None: ...

        def register_unstructure_hook(
            self, cls: Any = None, func: UnstructureHook | None = None
        ) -> Any:
            """As cattrs'; for a model class, to_dict uses the hook too."""
            if func is None:  # the decorator: cattrs calls again with the hook
                return super().register_unstructure_hook(cls)
            super().register_unstructure_hook(cls, func)
            if is_model(cls):
                _UNSTRUCTURE.replace(cls, func)
            return None

    return Converter()


def __getattr__(name: str) -> Any:
    # `converter` is made on first use: importing cattrs costs ~10 ms that
    # parse_event and to_dict do not need.
    if name == "converter":
        with _LOCK:
            made = globals().get("converter")
            if made is None:
                made = globals()["converter"] = _make_converter()
        return made
    msg = f"module {__name__!r} has no attribute {name!r}"
    raise AttributeError(msg)


# --- Events -----------------------------------------------------------------


def _structure_error_payload(value: Any) -> ErrorObject | ErrorEnvelope:
    # The observed envelope has only "error"; the spec's bare object has "message".
    cls = value.__class__
    if (cls is dict or cls is Node) and "error" in value and "message" not in value:
        result: ErrorObject | ErrorEnvelope = _STRUCTURE.get(ErrorEnvelope)(value)
    else:
        result = _STRUCTURE.get(ErrorObject)(value)
    return result


# Event name -> [event class, structure hook of its data], filled per event
# name on first use. A list, so the hook can be patched in place like any
# holder's.
_DATA_HOOKS: dict[str, list[Any]] = {}


def _data_entry(name: str) -> list[Any] | None:
    cls = EVENT_CLASSES.get(name)
    if cls is None or cls is DoneEvent:
        return None
    with _LOCK:
        entry = _DATA_HOOKS.get(name)
        if entry is None:
            entry = [cls, None]
            if cls is ErrorEvent:
                entry[1] = _structure_error_payload
            else:
                data_type = typing.get_type_hints(cls)["data"]
                _STRUCTURE.bind(_structure_key(kind_of(data_type)), entry, 1)
            _DATA_HOOKS[name] = entry
    return entry


_EVENT_TYPES = frozenset(EVENT_CLASSES.values())


def parse_event(sse: ServerSentEvent, *, position: int | None = None) -> StreamEvent:
    """Turn a decoded Server-Sent Event into a typed event.

    Args:
        sse: the event from :class:`~streamkit.SSEDecoder`.
        position: the event's 1-based number in its stream, for error messages.

    Returns:
        One of the 25 event classes of :mod:`streamkit.models.events` (``.event``
        is the name, ``.data`` the typed object), or
        :class:`~streamkit.models.UnknownEvent` for an event name this version
        does not know -- kept with its payload, never an error (its text, if
        it is not JSON or nests deeper than the unknown-object limit of
        :data:`MAX_DEPTH` + 1 levels).

    Raises:
        ParseError: the payload of a known event is not JSON, or not of the
            schema's shape (a wrong type, a ``type`` tag that is not a string,
            free-form JSON nested deeper than :data:`MAX_DEPTH`). The message
            names the event, its position and the field path, never the
            payload text.
    """
    name = sse.event
    entry = _DATA_HOOKS.get(name)
    if entry is None:
        entry = _data_entry(name)  # the first event of its name, or not a data event
        if entry is None:
            if name == "done":
                return DoneEvent(sse.data)
            try:
                payload = loads(sse.data)
                check_depth(payload, _UNKNOWN_DEPTH)
            except (ValueError, RecursionError, ShapeError):
                payload = sse.data  # an unknown event need not carry JSON
            return UnknownEvent(name, payload)
    try:
        payload = loads(sse.data)
    except (ValueError, RecursionError) as exc:
        reason = f"not valid JSON ({json_error_where(exc)})"
        raise parse_error(name, position, "data", reason) from None
    return _typed(entry, name, payload, position)


def event_from_json(name: str, payload: Any, *, position: int | None = None) -> StreamEvent:
    """The typed event of a known data event whose JSON is already parsed (no second parse).

    Raises:
        ParseError: ``payload`` is not of the schema's shape, or ``name`` is
            not a data event (``done`` or an unknown name).
    """
    entry = _DATA_HOOKS.get(name) or _data_entry(name)
    if entry is None:
        raise parse_error(name, position, "event", "not a data event")
    return _typed(entry, name, payload, position)


def _typed(entry: list[Any], name: str, payload: Any, position: int | None) -> StreamEvent:
    cls, hook = entry
    try:
        data = hook(payload)
    except ShapeError as error:
        path, reason = error.describe()
        raise parse_error(name, position, "data" + path, reason) from None
    event: StreamEvent = cls(data)
    return event


def json_error_where(exc: Exception) -> str:
    """Where a JSON text broke, from its parse error: a position, never the text."""
    # The stdlib's message has only a position; orjson's may quote the input.
    if isinstance(exc, json.JSONDecodeError):
        return f"line {exc.lineno} column {exc.colno}"
    if isinstance(exc, (RecursionError, NestedTooDeeply)):
        return "nested too deeply"
    return "malformed"  # pragma: no cover - loads() re-raises the stdlib's error


def parse_error(name: str, position: int | None, path: str, reason: str) -> ParseError:
    """The :class:`~streamkit.ParseError` for event ``name`` at ``position``, path and reason."""
    where = f"event {position} ({name})" if position is not None else f"event {name!r}"
    return ParseError(
        f"{where}: {path}: {reason}", event=name, position=position, path=path, reason=reason
    )


def to_dict(obj: Any) -> Any:
    """The plain JSON of a model, an event, a snapshot or a (frozen) JSON value.

    For a model or :class:`~streamkit.models.UnknownObject`: the object as the
    server sends it -- keys it did not send stay absent, keys sent as
    ``null`` are ``null``, unknown keys are written back unchanged. For an
    event: ``{"event": name, "data": ...}``, the wrapper the SDKs use. For
    JSON as models hold it -- a mapping (``extra_fields``, a free-form field,
    ``UnknownObject.raw``, an unknown event's ``data``, a mapping of
    snapshots), a tuple, a scalar -- the same as ``dict``, ``list`` and
    scalars; models and events inside are converted too. The result shares
    nothing with ``obj`` and is what ``json.dumps`` takes.

    Raises:
        TypeError: ``obj`` is (or holds) something that is none of these, or
            a mapping with a key that is not a string.
        ValueError: JSON built in Python nests deeper than :data:`MAX_DEPTH`
            levels (parsed input never does: parsing checks the limit).
    """
    try:
        hook = _unstructure_hooks.get(obj.__class__)
        if hook is not None:
            return hook(obj)
        return _to_plain(obj, _UNKNOWN_DEPTH)
    except ShapeError:
        msg = f"to_dict(): JSON nested more than {MAX_DEPTH} levels deep"
        raise ValueError(msg) from None


def _to_plain(obj: Any, depth: int) -> Any:
    """to_dict of anything but a model whose hook exists (see :func:`to_dict`)."""
    cls = obj.__class__
    if cls in _JSON_ATOMS:
        return obj
    if is_model(cls):
        return _UNSTRUCTURE.get(cls)(obj)  # its first use
    if cls is UnknownObject:
        return copy_json(dict(obj.raw), _UNKNOWN_DEPTH)
    if cls is DoneEvent:
        return {"event": obj.event, "data": obj.data}
    if cls is UnknownEvent:
        return {"event": obj.event, "data": _to_plain(obj.data, _UNKNOWN_DEPTH)}
    if cls in _EVENT_TYPES:
        return {"event": obj.event, "data": to_dict(obj.data)}
    if isinstance(obj, Mapping):
        if depth <= 0:
            raise _too_deep(obj)
        plain = {}
        for key, value in obj.items():
            if key.__class__ is not str:
                msg = f"to_dict() takes JSON objects with string keys, not {type(key).__name__}"
                raise TypeError(msg)
            plain[key] = _to_plain(value, depth - 1)
        return plain
    if cls is tuple or cls is list:
        if depth <= 0:
            raise _too_deep(obj)
        return [_to_plain(value, depth - 1) for value in obj]
    if isinstance(obj, (str, int, float)):  # a subclass, e.g. a str enum
        return obj
    msg = f"to_dict() takes a streamkit model, event or JSON value, not {type(obj).__name__}"
    raise TypeError(msg)
