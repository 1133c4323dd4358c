"""One cattrs converter for the whole wire schema: ``parse_event`` and ``to_dict``.

Strategy: every model's structure and unstructure hook is *generated* once, at
import, from its attrs fields and resolved type hints -- straight-line Python
with the field names, type checks and nested hooks bound as globals, the way
cattrs' own ``make_dict_structure_fn`` works -- and registered on the module's
single :data:`converter`. ``parse_event`` looks the hook up once per event
name in a dict, never per field. Three things the generic cattrs hooks do not
do are built in:

* **lossless**: a key the server did not send stays absent when written back,
  a key sent as ``null`` comes back as ``null`` (``Model._nulls``), and keys
  the schema does not know are kept and written back (``Model._extra``);
* **forward compatible**: an unknown ``type`` wherever a union is expected
  becomes :class:`~streamkit.models.UnknownObject` with the raw JSON (cattrs'
  ``configure_tagged_union`` default would drop its fields and write back
  ``{"type": None}``), an unknown event name an ``UnknownEvent``;
* **checked, not coerced**: a value of the wrong JSON type raises
  :class:`~streamkit.ParseError` naming the field path. cattrs' default hooks
  would call ``str()`` / ``int()`` on it and silently change the data.

Enum values are not checked against their sets: the API adds values, and a
consumer must keep working when it does.
"""

from __future__ import annotations

import collections
import inspect
import json
import types
import typing
from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import Any, Literal, Union

import attrs
import cattrs

from streamkit import models
from streamkit.errors import ParseError
from streamkit.models import UnknownObject
from streamkit.models.base import PLAIN_WIRE, Model, WireInfo
from streamkit.models.error import ErrorEnvelope, ErrorObject
from streamkit.models.events import EVENT_CLASSES, DoneEvent, ErrorEvent, StreamEvent, UnknownEvent
from streamkit.sse import ServerSentEvent

_orjson: types.ModuleType | None
try:  # orjson parses 2-4x faster; the stdlib is the fallback and the reference.
    import orjson as _orjson
except ImportError:  # pragma: no cover - depends on the environment
    _orjson = None

__all__ = ["converter", "copy_json", "loads", "parse_event", "structurer", "to_dict"]

#: The one converter for every wire model. ``converter.structure(obj, Run)``
#: and ``converter.unstructure(run)`` use the same generated hooks as
#: :func:`parse_event` and :func:`to_dict`.
converter = cattrs.Converter()

_NONE_TYPE = type(None)
_EMPTY: frozenset[str] = frozenset()


def _json_loads_stdlib(text: str) -> Any:
    return json.loads(text)


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
        """
        if _LONG_DIGIT_RUN in text.encode("utf-8", "surrogatepass").translate(_DIGITS_ONLY):
            return json.loads(text)
        try:
            return _orjson_loads(text)
        except _OrjsonError:
            return json.loads(text)

else:  # pragma: no cover - depends on the environment
    loads = _json_loads_stdlib


# --- Shape errors -----------------------------------------------------------


class _ShapeError(Exception):
    """Raised inside hooks; each enclosing hook prepends its field to ``path``."""

    def __init__(self, expected: str, got: object) -> None:
        super().__init__(expected)
        self.expected = expected
        self.got = got
        self.path: collections.deque[str | int] = collections.deque()

    def describe(self) -> tuple[str, str]:
        path = ""
        for segment in self.path:
            path += f"[{segment}]" if isinstance(segment, int) else f".{segment}"
        return path, f"expected {self.expected}, got {_json_type(self.got)}"


# Names of JSON types, for error messages: they name the type only, because
# the value itself may be private text.
_JSON_TYPE_NAMES = {
    type(None): "null",
    bool: "a boolean",
    int: "an integer",
    float: "a number",
    str: "a string",
    list: "an array",
    dict: "an object",
}


def _json_type(value: object) -> str:
    return _JSON_TYPE_NAMES.get(type(value)) or f"a {type(value).__name__}"


# --- Hook generation ----------------------------------------------------------
#
# A "kind" describes what one field holds, after its `| None` is stripped:
#   ("str",) ("int",) ("float",) ("bool",) ("any",) ("free",) ("strmap",)
#   ("model", cls) ("union", members) ("list", kind)

Kind = tuple[Any, ...]

_structure_hooks: dict[type, Callable[[Any], Any]] = {}
_unstructure_hooks: dict[type, Callable[[Any], Any]] = {}
_union_structure_hooks: dict[frozenset[Any], Callable[[Any], Any]] = {}
_list_structure_hooks: dict[Kind, Callable[[Any], Any]] = {}


def _is_model(tp: object) -> bool:
    return isinstance(tp, type) and issubclass(tp, Model)


def _kind(tp: Any) -> Kind:
    """Classify a resolved annotation."""
    origin = typing.get_origin(tp)
    if origin in (Union, types.UnionType):
        members = [arg for arg in typing.get_args(tp) if arg is not _NONE_TYPE]
        if len(members) == 1:
            return _kind(members[0])
        return ("union", frozenset(members))
    if origin is Literal:
        return ("str",)
    if origin is tuple:
        item, _ellipsis = typing.get_args(tp)
        return ("list", _kind(item))
    if origin is Mapping or origin is dict:
        _key, value = typing.get_args(tp)
        return ("strmap",) if value is str else ("free",)
    if tp is Any:
        return ("any",)
    if tp in (str, int, float, bool):
        return (tp.__name__,)
    if _is_model(tp):
        return ("model", tp)
    msg = f"streamkit.convert has no hook for the annotation {tp!r}"
    raise TypeError(msg)


def _check_code(kind: Kind, value: str, env: dict[str, Any]) -> list[str]:
    """Lines that check/convert local ``value`` (known not None) in place."""
    tag = kind[0]
    if tag == "str":
        return [f"if {value}.__class__ is not str: raise _Shape('a string', {value})"]
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
        env["_freeze"] = _freeze
        return [f"{value} = _freeze({value})"]
    if tag == "free":
        env["_freeze"] = _freeze
        return [
            f"if {value}.__class__ is not dict: raise _Shape('an object', {value})",
            f"{value} = _freeze({value})",
        ]
    if tag == "strmap":
        return [f"{value} = _strmap({value})"]
    name = f"_h{len(env)}"
    env[name] = _structure_hook_for(kind)
    return [f"{value} = {name}({value})"]


def _structure_hook_for(kind: Kind) -> Callable[[Any], Any]:
    tag = kind[0]
    if tag == "model":
        late: Callable[[Any], Any] = _late(_structure_hooks, kind[1])
        return late
    if tag == "union":
        members: frozenset[Any] = kind[1]
        if members not in _union_structure_hooks:
            _union_structure_hooks[members] = _make_union_structure(members)
        return _union_structure_hooks[members]
    if tag == "list":
        if kind not in _list_structure_hooks:
            _list_structure_hooks[kind] = _make_list_structure(kind[1])
        return _list_structure_hooks[kind]
    env = _namespace()
    env["_freeze"] = _freeze
    lines = ["def hook(v):", *("    " + line for line in _check_code(kind, "v", env))]
    lines.append("    return v")
    exec("\n".join(lines), env)
    hook: Callable[[Any], Any] = env["hook"]
    return hook


class _Late:
    """A hook not generated yet: models refer to each other in any order.

    Generated code binds a global name to a ``_Late``; once every model's hooks
    exist, :func:`_bind_late_hooks` replaces each with the real function, so
    no call goes through an indirection.
    """

    __slots__ = ("cls", "table")

    def __init__(self, table: dict[type, Callable[[Any], Any]], cls: type) -> None:
        self.table = table
        self.cls = cls


def _late(table: dict[type, Callable[[Any], Any]], cls: type) -> Any:
    # Typed Any: it stands in for a hook until _bind_late_hooks replaces it.
    return _Late(table, cls)


# Every namespace generated code runs in, so late hooks can be bound in them.
_namespaces: list[dict[str, Any]] = []


def _namespace() -> dict[str, Any]:
    env: dict[str, Any] = {"_Shape": _ShapeError, "_strmap": _structure_strmap}
    _namespaces.append(env)
    return env


def _bind_late_hooks() -> None:
    for env in _namespaces:
        for name, value in env.items():
            if isinstance(value, _Late):
                env[name] = value.table[value.cls]
        tagged = env.get("_tagged")
        if tagged is not None:
            for tag, member in list(tagged.items()):
                if isinstance(member, _Late):
                    tagged[tag] = member.table[member.cls]


def _structure_strmap(value: Any) -> Mapping[str, str]:
    if value.__class__ is not dict:
        raise _ShapeError("an object of strings", value)
    for key, item in value.items():
        if item.__class__ is not str:
            error = _ShapeError("a string", item)
            error.path.appendleft(key)
            raise error
    return MappingProxyType(dict(value))


def _freeze(value: Any) -> Any:
    """JSON made read-only all the way down: objects as mappingproxy, arrays as tuples.

    Free-form values (function parameters, JSON schemas, unknown keys and
    objects) are the only places a model holds containers; freezing them keeps
    a snapshot handed out from being changed through them.
    """
    cls = value.__class__
    if cls is dict:
        return MappingProxyType({k: _freeze(v) for k, v in value.items()})
    if cls is list:
        return tuple([_freeze(v) for v in value])
    return value


def _make_list_structure(item_kind: Kind) -> Callable[[Any], Any]:
    env = _namespace()
    if item_kind[0] in ("model", "union"):
        env["one"] = _structure_hook_for(item_kind)  # called directly: no wrapper per item
        lines = []
    else:
        check = _check_code(item_kind, "x", env)
        lines = ["def one(x):", *("    " + line for line in check), "    return x"]
    lines += [
        "def hook(v):",
        "    if v.__class__ is not list: raise _Shape('an array', v)",
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
    exec("\n".join(lines), env)
    hook: Callable[[Any], Any] = env["hook"]
    return hook


def _make_union_structure(members: frozenset[Any]) -> Callable[[Any], Any]:
    """A union: strings as such, objects by their ``type`` tag, unknown tags kept."""
    takes_strings = any(m is str or typing.get_origin(m) is Literal for m in members)
    tagged: dict[str, Any] = {}
    untagged: list[type] = []
    for member in members:
        if not _is_model(member):
            continue
        type_field = attrs.fields_dict(member).get("type")
        default = None if type_field is None else type_field.default
        if isinstance(default, str):
            tagged[default] = _late(_structure_hooks, member)
        else:
            untagged.append(member)
    # One object member without a constant tag (AssistantToolChoice) takes any object.
    if len(untagged) > 1:  # pragma: no cover - the schema has no such union
        msg = f"ambiguous union {members!r}"
        raise TypeError(msg)
    env = _namespace()
    env.update(
        _tagged=tagged, _UnknownObject=UnknownObject, _takes_strings=takes_strings, _freeze=_freeze
    )
    if untagged:
        env["_fallback"] = _late(_structure_hooks, untagged[0])
        unknown = "return _fallback(v)"
    else:
        unknown = "return _UnknownObject(_freeze(v))"
    expected = "a string or an object" if takes_strings else "an object"
    lines = [
        "def hook(v):",
        "    c = v.__class__",
        "    if c is dict:",
        "        tag = v.get('type')",
        "        if tag.__class__ is str:",
        "            member = _tagged.get(tag)",
        "            if member is not None:",
        "                return member(v)",
        f"        {unknown}",
        *(["    if c is str:", "        return v"] if takes_strings else []),
        f"    raise _Shape({expected!r}, v)",
    ]
    exec("\n".join(lines), env)
    hook: Callable[[Any], Any] = env["hook"]
    return hook


def _make_model_hooks(cls: type[Model]) -> None:
    hints = typing.get_type_hints(cls)
    fields = [f for f in attrs.fields(cls) if not f.name.startswith("_")]
    known = frozenset(f.name for f in fields)
    required = cls._REQUIRED

    env = _namespace()
    env.update(
        _cls=cls,
        _new=object.__new__,
        _known=known,
        _Wire=WireInfo,
        _PLAIN=PLAIN_WIRE,
        _freeze=_freeze,
    )
    # The slot descriptors' setters: a frozen class forbids normal assignment,
    # and going through attrs' __init__ costs twice as much per field.
    for field in attrs.fields(cls):
        env[f"_set_{field.name}"] = inspect.getattr_static(cls, field.name).__set__
    s = [
        "def structure(d):",
        "    if d.__class__ is not dict: raise _Shape('an object', d)",
        "    get = d.get",
        "    field = None",
        "    found = 0",
        "    try:",
    ]
    u = [
        "def unstructure(o):",
        "    d = {}",
        "    wire = o._wire",
        "    nulls = None if wire is None else wire.nulls",
    ]
    for field in fields:
        name = field.name
        kind = _kind(hints[name])
        local = f"f_{name}"
        check = _check_code(kind, local, env)
        s.append(f"        {local} = get({name!r})")
        s.append(f"        if {local} is not None:")
        s.append("            found += 1")
        if check:
            s.append(f"            field = {name!r}")
            s.extend(f"            {line}" for line in check)
        u.append(f"    v = o.{name}")
        u.append("    if v is not None:")
        u.append(f"        d[{name!r}] = {_unstructure_expr(kind, 'v', env)}")
        if name in required:
            u.append(f"    elif nulls is None or {name!r} in nulls:")
        else:
            u.append(f"    elif nulls is not None and {name!r} in nulls:")
        u.append(f"        d[{name!r}] = None")
    s += [
        "    except _Shape as error:",
        "        error.path.appendleft(field)",
        "        raise",
        "    o = _new(_cls)",
        *(f"    _set_{f.name}(o, f_{f.name})" for f in fields),
        # Every key known and none null (the common case): nothing to remember.
        # Otherwise unknown keys are kept, raw, and keys sent as null noted.
        "    if found == len(d):",
        "        _set__wire(o, _PLAIN)",
        "    else:",
        "        extra = {k: _freeze(v) for k, v in d.items() if k not in _known} or None",
        "        _set__wire(o, _Wire(frozenset([k for k, v in d.items() if v is None]), extra))",
        "    return o",
    ]
    u += [
        "    if wire is not None and wire.extra:",
        "        for key, value in wire.extra.items():",
        "            d[key] = _copy(value)",
        "    return d",
    ]
    env["_copy"] = _copy_json
    exec("\n".join(s), env)
    exec("\n".join(u), env)
    _structure_hooks[cls] = env["structure"]
    _unstructure_hooks[cls] = env["unstructure"]


def structurer(annotation: Any) -> Callable[[Any], Any]:
    """The generated structure hook for a model class or a union alias (e.g. ``models.ToolCall``).

    Raises ``_ShapeError`` (internal) on a wrong shape; callers in this
    package turn it into their own error.
    """
    kind = _kind(annotation)
    if kind[0] == "model":
        return _structure_hooks[kind[1]]
    hook = _structure_hook_for(kind)
    _bind_late_hooks()  # a hook made after import may refer to models through _Late
    return hook


def copy_json(value: Any) -> Any:
    """A deep copy of JSON data (dicts, lists, scalars)."""
    return _copy_json(value)


def _copy_json(value: Any) -> Any:
    """A deep, mutable copy of JSON data (frozen or not): what to_dict returns aliases nothing."""
    cls = value.__class__
    if cls is dict or cls is MappingProxyType:
        return {k: _copy_json(v) for k, v in value.items()}
    if cls is list or cls is tuple:
        return [_copy_json(v) for v in value]
    return value


def _unstructure_union(value: Any) -> Any:
    hook = _unstructure_hooks.get(value.__class__)
    if hook is not None:
        return hook(value)
    if isinstance(value, UnknownObject):
        return _copy_json(dict(value.raw))
    return value  # a string member


def _unstructure_expr(kind: Kind, value: str, env: dict[str, Any]) -> str:
    tag = kind[0]
    if tag in ("str", "int", "float", "bool"):
        return value
    if tag in ("any", "free"):
        env["_copy"] = _copy_json
        return f"_copy({value})"
    if tag == "strmap":
        return f"dict({value})"
    if tag == "model":
        name = f"_u{len(env)}"
        env[name] = _late(_unstructure_hooks, kind[1])
        return f"{name}({value})"
    if tag == "union":
        env["_unstructure_union"] = _unstructure_union
        return f"_unstructure_union({value})"
    if tag == "list":
        item = _unstructure_expr(kind[1], "x", env)
        return f"[{item} for x in {value}]"
    raise AssertionError(kind)  # pragma: no cover


def _model_classes() -> list[type[Model]]:
    found = []
    for name in models.__all__:
        value = getattr(models, name)
        if _is_model(value) and value is not Model:
            found.append(value)
    return found


MODEL_CLASSES: tuple[type[Model], ...] = tuple(_model_classes())
for _cls in MODEL_CLASSES:
    _make_model_hooks(_cls)
_bind_late_hooks()


def _cattrs_structure_hook(structure: Callable[[Any], Any]) -> Callable[[Any, Any], Any]:
    # cattrs passes (value, type); the generated hooks take the value only.
    return lambda value, _type: structure(value)


def _register() -> None:
    for cls in MODEL_CLASSES:
        converter.register_structure_hook(cls, _cattrs_structure_hook(_structure_hooks[cls]))
        converter.register_unstructure_hook(cls, _unstructure_hooks[cls])
    converter.register_unstructure_hook(UnknownObject, lambda obj: _copy_json(dict(obj.raw)))
    converter.register_structure_hook(
        UnknownObject, lambda value, _type: UnknownObject(_freeze(_copy_json(value)))
    )


_register()


# --- Events -----------------------------------------------------------------


def _structure_error_payload(value: Any) -> ErrorObject | ErrorEnvelope:
    # The observed envelope has only "error"; the spec's bare object has "message".
    if value.__class__ is dict and "error" in value and "message" not in value:
        result: ErrorObject | ErrorEnvelope = _structure_hooks[ErrorEnvelope](value)
    else:
        result = _structure_hooks[ErrorObject](value)
    return result


def _data_hooks() -> dict[str, tuple[type, Callable[[Any], Any]]]:
    table: dict[str, tuple[type, Callable[[Any], Any]]] = {}
    for name, cls in EVENT_CLASSES.items():
        if cls is DoneEvent:
            continue
        if cls is ErrorEvent:
            table[name] = (cls, _structure_error_payload)
            continue
        data_type = typing.get_type_hints(cls)["data"]
        table[name] = (cls, _structure_hooks[data_type])
    return table


_DATA_HOOKS = _data_hooks()
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
        does not know -- kept with its payload, never an error.

    Raises:
        ParseError: the payload of a known event is not JSON, or not of the
            schema's shape. The message names the event, its position and the
            field path, never the payload text.
    """
    name = sse.event
    entry = _DATA_HOOKS.get(name)
    if entry is None:
        if name == "done":
            return DoneEvent(sse.data)
        try:
            payload = loads(sse.data)
        except (ValueError, RecursionError):
            payload = sse.data  # an unknown event need not carry JSON
        return UnknownEvent(name, payload)
    cls, hook = entry
    try:
        payload = loads(sse.data)
    except (ValueError, RecursionError) as exc:
        reason = f"not valid JSON ({_json_error_where(exc)})"
        raise _parse_error(name, position, "data", reason) from None
    try:
        data = hook(payload)
    except _ShapeError as error:
        path, reason = error.describe()
        raise _parse_error(name, position, "data" + path, reason) from None
    event: StreamEvent = cls(data)
    return event


def _json_error_where(exc: Exception) -> str:
    # The stdlib's message has only a position; orjson's may quote the input.
    if isinstance(exc, json.JSONDecodeError):
        return f"line {exc.lineno} column {exc.colno}"
    if isinstance(exc, RecursionError):
        return "nested too deeply"
    return "malformed"  # pragma: no cover - loads() re-raises the stdlib's error


def _parse_error(name: str, position: int | None, path: str, reason: str) -> ParseError:
    where = f"event {position} ({name})" if position is not None else f"event {name!r}"
    return ParseError(
        f"{where}: {path}: {reason}", event=name, position=position, path=path, reason=reason
    )


def to_dict(obj: Model | UnknownObject | StreamEvent) -> Any:
    """The JSON-compatible wire form of a model or an event.

    For a model or :class:`~streamkit.models.UnknownObject`: the object as the
    server sends it -- keys it did not send stay absent, keys sent as
    ``null`` are ``null``, unknown keys are written back unchanged. For an
    event: ``{"event": name, "data": ...}``, the wrapper the SDKs use. The
    result shares nothing with ``obj``.

    Raises:
        TypeError: ``obj`` is not a streamkit model or event.
    """
    hook = _unstructure_hooks.get(obj.__class__)
    if hook is not None:
        return hook(obj)
    if isinstance(obj, UnknownObject):
        return _copy_json(dict(obj.raw))
    if isinstance(obj, DoneEvent):
        return {"event": obj.event, "data": obj.data}
    if isinstance(obj, UnknownEvent):
        return {"event": obj.event, "data": _copy_json(obj.data)}
    if type(obj) in _EVENT_TYPES:
        return {"event": obj.event, "data": to_dict(obj.data)}  # type: ignore[union-attr]
    msg = f"to_dict() takes a streamkit model or event, not {type(obj).__name__}"
    raise TypeError(msg)
