"""Hypothesis strategies for the wire JSON of the Assistants-API run stream.

Everything is derived from ``tests/data/assistants-stream-schema.json`` (the
vocabulary is described in the reference ``schema.md`` §0); nothing here
depends on streamkit's own models, so these strategies can serve as the
oracle for them. The data text is written by :func:`streamkit.testing.dumps`,
as every other builder's (compact JSON; it needs no models).

- :func:`wire_value` draws a valid JSON value (plain ``dict`` / ``list`` /
  ``str`` / ...) for one object, union or event-wrapper definition.
- :func:`wire_event` draws ``(event_name, data_text)`` pairs as they appear on
  the SSE wire.
- :func:`json_ish` draws arbitrary JSON values, for fuzzing.

Three flags loosen "valid" in the ways real servers do:

- ``unknown_fields``: objects sometimes carry 1-2 extra ``x_future_*`` keys.
- ``unknown_types``: union positions sometimes hold an object whose
  discriminator is an unknown ``future_*`` string.
- ``omit_required``: required keys whose property is nullable are sometimes
  left out (servers omit ``metadata``, ``attachments``, ``tool_resources``).
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any, NamedTuple

from hypothesis import strategies as st

from streamkit.testing import dumps

__all__ = [
    "EVENT_NAMES",
    "EVENT_WIRE_NAMES",
    "OBJECT_NAMES",
    "SCHEMA",
    "UNION_NAMES",
    "UNKNOWN_FIELD_PREFIX",
    "UNKNOWN_TYPE_PREFIX",
    "event_definition",
    "json_ish",
    "wire_event",
    "wire_value",
]

SCHEMA_PATH = Path(__file__).resolve().parent / "data" / "assistants-stream-schema.json"
SCHEMA: dict[str, Any] = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


def _names_of_kind(kind: str) -> tuple[str, ...]:
    return tuple(name for name, definition in SCHEMA.items() if definition["x-kind"] == kind)


OBJECT_NAMES: tuple[str, ...] = _names_of_kind("object")
UNION_NAMES: tuple[str, ...] = _names_of_kind("union")
EVENT_NAMES: tuple[str, ...] = _names_of_kind("event")

#: SSE event name (``thread.run.created``, ``done``, ...) -> event definition name.
_EVENT_BY_WIRE_NAME: dict[str, str] = {
    SCHEMA[name]["properties"]["event"]["const"]: name for name in EVENT_NAMES
}
EVENT_WIRE_NAMES: tuple[str, ...] = tuple(_EVENT_BY_WIRE_NAME)

#: Extra keys made by ``unknown_fields`` start with this (no schema property does).
UNKNOWN_FIELD_PREFIX = "x_future_"
#: Unknown discriminator values made by ``unknown_types`` start with this.
UNKNOWN_TYPE_PREFIX = "future_"

_MAX_SAFE_INT = 2**53
_MAX_ARRAY_ITEMS = 4


def event_definition(name: str) -> str:
    """The event definition name for ``name``, given either that or its SSE event name."""
    if name in _EVENT_BY_WIRE_NAME:
        return _EVENT_BY_WIRE_NAME[name]
    if name in SCHEMA and SCHEMA[name]["x-kind"] == "event":
        return name
    raise ValueError(f"not an event name or event definition: {name!r}")


# ---------------------------------------------------------------------------
# Scalars


# Any code point UTF-8 can encode: everything but the lone surrogates, which
# JSON text cannot carry through every encoder.
_CHAR = st.characters(codec="utf-8")
# Pieces that break naive framing, escaping or line splitting.
_AWKWARD = (
    "\n",
    "\r",
    "\r\n",
    "\t",
    "\x00",
    "\x1b",
    '"',
    "\\",
    "/",
    "'",
    "\u2028",
    "\u2029",
    "\x85",
    "\x1c",
    "\ufeff",
    "\ufffd",
    "\U0010ffff",
    "é",
    "e\u0301",
    "😀",
    "👩\u200d👩\u200d👧",
    "data: ",
    "event: x\n\n",
    "[DONE]",
    "{}",
    "null",
)


def _text(max_size: int = 12) -> st.SearchStrategy[str]:
    """Unicode text, sometimes empty, often with awkward pieces; at most ``max_size`` chars."""
    awkward = st.lists(st.sampled_from(_AWKWARD) | _CHAR, min_size=1, max_size=4).map("".join)
    return st.one_of(
        st.just(""),
        st.text(_CHAR, max_size=max_size),
        awkward.filter(lambda s: len(s) <= max_size),
    )


_TEXT = _text()

_URI: st.SearchStrategy[str] = st.builds(
    "{}://{}/{}".format,
    st.sampled_from(["https", "http"]),
    st.from_regex(r"[a-z0-9]{1,8}(\.[a-z]{2,4}){1,2}", fullmatch=True),
    st.text("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~/%?=&", max_size=16),
) | st.builds("data:image/png;base64,{}".format, st.text("ABCDEFabcdef0123456789+/=", max_size=16))


def _integer(spec: dict[str, Any]) -> st.SearchStrategy[int]:
    minimum: int | None = spec.get("minimum")
    maximum: int | None = spec.get("maximum")
    if minimum is not None and maximum is not None:
        return st.integers(minimum, maximum)
    # No schema integer is negative in practice (counts, indexes, timestamps),
    # so without a minimum the floor is 0.
    low = 0 if minimum is None else minimum
    small_hi = low + 1000 if maximum is None else min(maximum, low + 1000)
    wide = st.integers(low, _MAX_SAFE_INT if maximum is None else maximum)
    options = [st.integers(low, small_hi), wide]
    if spec.get("format") == "unixtime" and minimum is None and maximum is None:
        options.insert(1, st.integers(1_600_000_000, 1_900_000_000))
    return st.one_of(options)


def _number(spec: dict[str, Any]) -> st.SearchStrategy[float | int]:
    minimum: float | None = spec.get("minimum")
    maximum: float | None = spec.get("maximum")
    floats = st.floats(minimum, maximum, allow_nan=False, allow_infinity=False)
    int_lo = -_MAX_SAFE_INT if minimum is None else math.ceil(minimum)
    int_hi = _MAX_SAFE_INT if maximum is None else math.floor(maximum)
    ints = st.integers(int_lo, int_hi)
    return st.one_of(floats, ints.map(float), ints)


# ---------------------------------------------------------------------------
# Free-form JSON

_JSON_ISH_CACHE: dict[int, st.SearchStrategy[Any]] = {}


def json_ish(max_leaves: int = 20) -> st.SearchStrategy[Any]:
    """Arbitrary JSON values: null, booleans, safe integers, finite floats, text, lists, objects."""
    cached = _JSON_ISH_CACHE.get(max_leaves)
    if cached is None:
        scalars: st.SearchStrategy[Any] = st.one_of(
            st.none(),
            st.booleans(),
            st.integers(-_MAX_SAFE_INT, _MAX_SAFE_INT),
            st.floats(allow_nan=False, allow_infinity=False),
            _TEXT,
        )
        cached = st.recursive(
            scalars,
            lambda children: st.one_of(
                st.lists(children, max_size=4),
                st.dictionaries(_TEXT, children, max_size=4),
            ),
            max_leaves=max_leaves,
        )
        _JSON_ISH_CACHE[max_leaves] = cached
    return cached


_FREE_FORM_OBJECT: st.SearchStrategy[dict[str, Any]] = st.dictionaries(
    _TEXT, json_ish(8), max_size=3
)


def _rarely(usual: st.SearchStrategy[Any], rare: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """``usual`` most of the time, ``rare`` about one draw in eight."""
    return st.integers(0, 7).flatmap(lambda n: rare if n == 7 else usual)


def _string_map(spec: dict[str, Any]) -> st.SearchStrategy[dict[str, str]]:
    """A metadata-style ``map<string,string>`` within its key, value and size limits."""
    key_max = int(spec.get("x-keyMaxLength", 64))
    value_max = int(spec["additionalProperties"].get("maxLength", 512))
    max_keys = int(spec.get("x-maxProperties", 16))
    keys = _rarely(_text(key_max), st.text(_CHAR, min_size=key_max, max_size=key_max))
    values = _rarely(_text(value_max), st.text(_CHAR, min_size=value_max, max_size=value_max))
    return st.dictionaries(keys, values, max_size=max_keys)


# ---------------------------------------------------------------------------
# Schema-driven values


class _Flags(NamedTuple):
    unknown_fields: bool
    unknown_types: bool
    omit_required: bool


def _ref_name(ref: str) -> str:
    if not ref.startswith("#/") or ref[2:] not in SCHEMA:
        raise ValueError(f"bad $ref: {ref!r}")
    return ref[2:]


def _property(spec: dict[str, Any], flags: _Flags) -> st.SearchStrategy[Any]:
    value = _non_null_property(spec, flags)
    return st.none() | value if spec.get("nullable") else value


def _non_null_property(spec: dict[str, Any], flags: _Flags) -> st.SearchStrategy[Any]:
    if "$ref" in spec:
        return _wire_value(_ref_name(spec["$ref"]), flags)
    if "const" in spec:
        return st.just(spec["const"])
    if "enum" in spec:
        return st.sampled_from(spec["enum"])
    kind = spec.get("type")
    if kind == "string":
        return _URI if spec.get("format") == "uri" else _TEXT
    if kind == "integer":
        return _integer(spec)
    if kind == "number":
        return _number(spec)
    if kind == "boolean":
        return st.booleans()
    if kind == "array":
        max_items = min(int(spec.get("maxItems", _MAX_ARRAY_ITEMS)), _MAX_ARRAY_ITEMS)
        return st.lists(_property(spec["items"], flags), max_size=max_items)
    if kind == "object":
        extra = spec.get("additionalProperties")
        if extra is True:
            return _FREE_FORM_OBJECT
        if isinstance(extra, dict) and extra.get("type") == "string":
            return _string_map(spec)
    raise ValueError(f"property spec not understood: {spec!r}")


def _merge(pair: tuple[dict[str, Any], dict[str, Any]]) -> dict[str, Any]:
    known, extra = pair
    return {**known, **extra}


_UNKNOWN_FIELDS: st.SearchStrategy[dict[str, Any]] = st.one_of(
    st.just({}),
    st.dictionaries(
        st.text(_CHAR, max_size=6).map(UNKNOWN_FIELD_PREFIX.__add__),
        json_ish(6),
        min_size=1,
        max_size=2,
    ),
)


def _object(name: str, flags: _Flags) -> st.SearchStrategy[dict[str, Any]]:
    definition = SCHEMA[name]
    required = set(definition["required"])
    always: dict[str, st.SearchStrategy[Any]] = {}
    sometimes: dict[str, st.SearchStrategy[Any]] = {}
    for key, spec in definition["properties"].items():
        value = _property(spec, flags)
        if key in required and not (flags.omit_required and spec.get("nullable")):
            always[key] = value
        else:
            sometimes[key] = value
    strategy = st.fixed_dictionaries(always, optional=sometimes)
    # Event wrappers are built by the client, never sent: no future keys on them.
    if flags.unknown_fields and definition["x-kind"] == "object":
        return st.tuples(strategy, _UNKNOWN_FIELDS).map(_merge)
    return strategy


def _discriminator_values(name: str) -> tuple[str, frozenset[str]]:
    """A union's discriminator property and every value its members can give it."""
    definition = SCHEMA[name]
    discriminator = definition.get("discriminator") or {}
    prop: str = discriminator.get("propertyName", "type")
    known = set(discriminator.get("mapping", {}))
    for member in definition["oneOf"]:
        if "$ref" in member:
            spec = SCHEMA[_ref_name(member["$ref"])]["properties"].get(prop, {})
            known.update(spec.get("enum", ()))
            if "const" in spec:
                known.add(spec["const"])
    return prop, frozenset(known)


def _unknown_member(name: str) -> st.SearchStrategy[dict[str, Any]]:
    prop, known = _discriminator_values(name)
    tag = st.text(_CHAR, max_size=8).map(UNKNOWN_TYPE_PREFIX.__add__)
    assert not any(value.startswith(UNKNOWN_TYPE_PREFIX) for value in known)
    extra = st.dictionaries(_TEXT.filter(lambda key: key != prop), json_ish(6), max_size=3)
    return st.tuples(extra, tag).map(lambda pair: {**pair[0], prop: pair[1]})


def _union(name: str, flags: _Flags) -> st.SearchStrategy[Any]:
    members: list[st.SearchStrategy[Any]] = []
    for member in SCHEMA[name]["oneOf"]:
        if "$ref" in member:
            members.append(_wire_value(_ref_name(member["$ref"]), flags))
        elif "const" in member:
            members.append(st.just(member["const"]))
        elif "enum" in member:
            members.append(st.sampled_from(member["enum"]))
        else:
            raise ValueError(f"union member not understood in {name}: {member!r}")
    if flags.unknown_types:
        members.append(_unknown_member(name))
    return st.one_of(members)


def _build(name: str, flags: _Flags) -> st.SearchStrategy[Any]:
    if SCHEMA[name]["x-kind"] == "union":
        return _union(name, flags)
    return _object(name, flags)


_VALUE_CACHE: dict[tuple[str, _Flags], st.SearchStrategy[Any]] = {}


def _wire_value(name: str, flags: _Flags) -> st.SearchStrategy[Any]:
    key = (name, flags)
    strategy = _VALUE_CACHE.get(key)
    if strategy is None:
        # Deferred: definitions are built on first draw, each one once per flag set.
        strategy = st.deferred(lambda: _build(name, flags))
        _VALUE_CACHE[key] = strategy
    return strategy


def wire_value(
    name: str,
    *,
    unknown_fields: bool = False,
    unknown_types: bool = False,
    omit_required: bool = False,
) -> st.SearchStrategy[Any]:
    """Valid wire JSON for the named object, union or event definition.

    Objects give dicts; unions give a member (a dict, or a bare string for the
    string members of ``AssistantToolChoiceOption`` and
    ``AssistantResponseFormatOption``); an event definition gives the SDK-side
    wrapper ``{"event": ..., "data": ...}``.
    """
    if name not in SCHEMA:
        raise ValueError(f"no such definition: {name!r}")
    return _wire_value(name, _Flags(unknown_fields, unknown_types, omit_required))


# ---------------------------------------------------------------------------
# SSE events


def _event(definition_name: str, flags: _Flags) -> st.SearchStrategy[tuple[str, str]]:
    properties = SCHEMA[definition_name]["properties"]
    event_name: str = properties["event"]["const"]
    data_spec = properties["data"]
    if "$ref" not in data_spec:  # `done`: the literal, non-JSON `[DONE]`
        return st.just((event_name, str(data_spec["const"])))
    data = _wire_value(_ref_name(data_spec["$ref"]), flags)
    if event_name == "error":  # seen in the wild wrapped as {"error": {...}}
        data = data | data.map(lambda error: {"error": error})
    return st.tuples(data, st.booleans()).map(
        lambda pair: (event_name, dumps(pair[0], ensure_ascii=pair[1]))
    )


def wire_event(
    name: str | None = None,
    *,
    unknown_fields: bool = False,
    unknown_types: bool = False,
    omit_required: bool = False,
) -> st.SearchStrategy[tuple[str, str]]:
    """``(event_name, data_text)`` pairs as they appear on the SSE wire.

    ``name`` is an SSE event name (``"thread.run.created"``) or an event
    definition name (``"ThreadRunCreated"``); ``None`` means any of the 25.
    ``data_text`` is compact ``json.dumps`` (with or without ``ensure_ascii``)
    of a :func:`wire_value` of the event's data type; for ``done`` it is
    ``[DONE]``; for ``error`` it is the bare ErrorObject or ``{"error": ...}``.
    """
    flags = _Flags(unknown_fields, unknown_types, omit_required)
    if name is None:
        return st.one_of([_event(definition, flags) for definition in EVENT_NAMES])
    return _event(event_definition(name), flags)
