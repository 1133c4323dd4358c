"""The accumulator: typed events in, complete Run / RunStep / Message snapshots out.

A pure state machine -- no I/O, no clocks, no callbacks: feeding the same
events always gives the same snapshots and the same :class:`Change` list.

Strategy. Each run, step and message is held as a *node*: its wire JSON as
plain dicts, where every streamed text field is a ``_Frags`` list of
fragments (appending is O(fragment), so a long code-interpreter input costs
O(N + bytes) however it grows) and every index-keyed list is a ``_Slots``
dict from ``index`` to entry (out-of-order and gapped indexes land in their
slot; a huge index allocates nothing). Typed snapshots are built from a node
only when someone reads them, and cached until the node changes.

A delta is merged from its parsed JSON (a typed delta goes through its wire
JSON; a typed one is built for a Change only if someone reads it), walking it
with a plan generated per delta class from its fields: ``set`` (ids, types,
names, offsets, enums, numbers and booleans: set once; a later different
value is a conflict), ``append`` (the five streamed text fields), ``object``
(nested), ``slots`` (index-keyed lists). JSON types are checked on the way, as
the converter checks them. Every mutation is logged in a transaction so that
a delta found bad half-way is rolled back: nothing of a rejected delta is
ever applied.
"""

from __future__ import annotations

import inspect
import typing
from collections.abc import Callable, Iterator, Mapping
from typing import Any, Literal, TypeAlias

import attrs

from streamkit import models as m
from streamkit._engine.convert import (
    _freeze,
    _json_error_where,
    _json_type,
    _kind,
    _parse_error,
    copy_json,
    loads,
    parse_event,
    structurer,
    to_dict,
)
from streamkit.errors import AccumulateError, ParseError, StreamError
from streamkit.models.base import Model
from streamkit.models.events import StreamEvent
from streamkit.sse import ServerSentEvent

__all__ = ["MAX_INDEX_GAP", "Accumulator", "Anomaly", "Change", "ChangeKind"]

#: How far past the largest index already present a new ``index`` may land.
#: Larger ones are rejected before anything is allocated (a stream cannot make
#: the accumulator build a list of a billion holes).
MAX_INDEX_GAP = 1024

ChangeKind: TypeAlias = Literal[
    "thread.created",
    "run.created",
    "run.updated",
    "run.done",
    "step.created",
    "step.updated",
    "step.delta",
    "step.done",
    "tool_call.created",
    "tool_call.delta",
    "tool_call.done",
    "message.created",
    "message.updated",
    "message.delta",
    "message.done",
    "text.created",
    "text.delta",
    "text.done",
    "refusal.created",
    "refusal.delta",
    "refusal.done",
    "image_file.created",
    "image_file.done",
    "image_url.created",
    "image_url.done",
    "content.created",
    "content.delta",
    "content.done",
    "error",
    "unknown",
    "end",
]
"""What a :class:`Change` reports. See :class:`Change` for the snapshot each carries."""

_TERMINAL_RUN = frozenset(
    {"requires_action", "completed", "incomplete", "failed", "cancelled", "expired"}
)
_TERMINAL_STEP_EVENTS = frozenset(
    {
        "thread.run.step.completed",
        "thread.run.step.failed",
        "thread.run.step.cancelled",
        "thread.run.step.expired",
    }
)
_TERMINAL_MESSAGE_EVENTS = frozenset({"thread.message.completed", "thread.message.incomplete"})
_RUN_TERMINAL_EVENTS = frozenset(
    {
        "thread.run.requires_action",
        "thread.run.completed",
        "thread.run.incomplete",
        "thread.run.failed",
        "thread.run.cancelled",
        "thread.run.expired",
    }
)

# The streamed text fields: appended, never set.
_APPEND_FIELDS = frozenset(
    {
        (m.CodeInterpreterToolCallDeltaCodeInterpreter, "input"),
        (m.CodeInterpreterLogs, "logs"),
        (m.FunctionToolCallDeltaFunction, "arguments"),
        (m.TextDelta, "value"),
        (m.RefusalDeltaBlock, "refusal"),
    }
)

# Their wire names, for comparing accumulated content with a terminal object.
_APPEND_KEYS = frozenset(name for _cls, name in _APPEND_FIELDS)

# Content-block kinds for Change reporting: type -> (kind prefix, closes at once).
_BLOCK_KINDS: dict[str, tuple[str, bool]] = {
    "text": ("text", False),
    "refusal": ("refusal", False),
    "image_file": ("image_file", True),
    "image_url": ("image_url", True),
}


@attrs.frozen
class Anomaly:
    """Something wrong or inconsistent in the stream that the accumulator recorded.

    In lenient mode every problem of the input becomes one; in both modes a
    terminal object that disagrees with what the deltas built is recorded as
    ``terminal_mismatch`` (the terminal object wins).

    Attributes:
        kind: ``parse``, ``unknown_id``, ``bad_index``, ``type_conflict``,
            ``conflict``, ``duplicate_created``, ``terminal_mismatch`` or ``server_error``.
        position: the event's number in the stream (1-based).
        event: the event name.
        object_id: the run, step or message id, if known.
        path: where in the event's data (or the snapshot, for a mismatch).
        message: what is wrong -- never payload text.
    """

    kind: str
    position: int
    event: str
    object_id: str | None
    path: str
    message: str


class _Frags(list[str]):
    """A streamed text field: its fragments, joined only when a snapshot is built."""

    __slots__ = ()


class _Slots(dict[int, Any]):
    """An index-keyed list: ``index`` -> entry node; read in index order."""

    __slots__ = ()


_MISSING = object()


def _ck(prefix: str, suffix: str) -> ChangeKind:
    """A change kind from its parts (the prefixes and suffixes used are all in ChangeKind)."""
    return typing.cast(ChangeKind, f"{prefix}.{suffix}")


_DELTA_KINDS = {
    prefix: _ck(prefix, "delta") for prefix in ("tool_call", "text", "refusal", "content")
}


def _materialize(value: Any) -> Any:
    """A node's wire JSON: fragments joined, slots as dense lists in index order, all copied."""
    cls = value.__class__
    if cls is dict:
        return {key: _materialize(item) for key, item in value.items()}
    if cls is _Frags:
        return "".join(value)
    if cls is _Slots:
        return [_materialize(value[key]) for key in sorted(value)]
    if cls is list:
        return [_materialize(item) for item in value]
    return value


# A field path is built only when something goes wrong: the merge passes a
# chain of (parent, segment) tuples, flattened by _path() into "a.b[3].c".
_Path: TypeAlias = tuple[Any, str | int] | str


def _path(chain: _Path) -> str:
    segments: list[str] = []
    while isinstance(chain, tuple):
        chain, segment = chain
        segments.append(f"[{segment}]" if isinstance(segment, int) else f".{segment}")
    return chain + "".join(reversed(segments))


class _Problem(Exception):
    """Raised inside a merge; the accumulator turns it into an error or an anomaly."""

    def __init__(self, kind: str, path: _Path, reason: str) -> None:
        super().__init__(reason)
        self.kind = kind
        self.path = _path(path)
        self.reason = reason


class _Tx:
    """One event's mutations, logged so that a bad event is rolled back whole."""

    __slots__ = ("conflicts", "lenient", "undo")

    def __init__(self, lenient: bool) -> None:
        self.undo: list[tuple[Any, Any, Any]] = []
        self.lenient = lenient
        self.conflicts: list[_Problem] = []

    def set(self, node: dict[str, Any], key: str, value: Any) -> None:
        self.undo.append((node, key, node.get(key, _MISSING)))
        node[key] = value

    def conflict(self, path: _Path, reason: str) -> None:
        problem = _Problem("conflict", path, reason)
        if not self.lenient:
            raise problem
        self.conflicts.append(problem)

    def rollback(self) -> None:
        for container, key, old in reversed(self.undo):
            if key is None and container.__class__ is _Frags:
                del container[old:]
            elif old is _MISSING:
                del container[key]
            else:
                container[key] = old
        self.undo.clear()


# --- Merge plans ------------------------------------------------------------

# --- Merge plans ------------------------------------------------------------
#
# One plan per delta class, generated from its fields: what each field does
# when merged (append, set, object, slots), how its JSON type is checked (as
# the converter checks it), and for objects and lists which class each member
# is, by its `type` tag. Deltas are merged from their parsed JSON: no typed
# delta is built unless someone reads one.
_DictOp: TypeAlias = tuple[str, str, Any]
_DICT_PLANS: dict[type, tuple[_DictOp, ...]] = {}
_VALUE_CHECKS: dict[str, tuple[tuple[type, ...], str]] = {
    "str": ((str,), "a string"),
    "int": ((int,), "an integer"),
    "float": ((float, int), "a number"),
    "bool": ((bool,), "a boolean"),
    "free": ((dict,), "an object"),
    "strmap": ((dict,), "an object of strings"),
}


def _members(kind: Any) -> tuple[dict[str, type], type | None]:
    """A union's (or one model's) classes by `type` tag, and the untagged one."""
    members = kind[1] if kind[0] == "union" else frozenset({kind[1]})
    tagged: dict[str, type] = {}
    untagged: type | None = None
    for member in members:
        if not (isinstance(member, type) and issubclass(member, Model)):
            continue
        type_field = attrs.fields_dict(member).get("type")
        default = None if type_field is None else type_field.default
        if isinstance(default, str):
            tagged[default] = member
        else:
            untagged = member
    return tagged, untagged


def _dict_plan(cls: type) -> tuple[_DictOp, ...]:
    plan = _DICT_PLANS.get(cls)
    if plan is not None:
        return plan
    hints = typing.get_type_hints(cls)
    ops: list[_DictOp] = []
    for field in attrs.fields(cls):
        name = field.name
        if name.startswith("_") or name == "index":
            continue
        kind = _kind(hints[name])
        if (cls, name) in _APPEND_FIELDS:
            ops.append(("append", name, None))
        elif kind[0] == "list" and kind[1][0] in ("model", "union"):
            ops.append(("slots", name, _members(kind[1])))
        elif kind[0] in ("model", "union"):
            ops.append(("object", name, _members(kind)))
        elif kind[0] == "list":
            ops.append(("set", name, ((list,), "an array")))
        else:
            ops.append(("set", name, _VALUE_CHECKS.get(kind[0])))
    _DICT_PLANS[cls] = plan = tuple(ops)
    return plan


_DICT_KNOWN: dict[type, frozenset[str]] = {}
for _model in vars(m).values():
    if isinstance(_model, type) and issubclass(_model, Model) and _model is not Model:
        _dict_plan(_model)
        _DICT_KNOWN[_model] = frozenset(
            f.name for f in attrs.fields(_model) if not f.name.startswith("_")
        )


class _BadShape(_Problem):
    """A value of the wrong JSON type, found while merging parsed JSON (a ParseError)."""

    def __init__(self, path: _Path, expected: str, got: Any) -> None:
        super().__init__("parse", path, f"expected {expected}, got {_json_type(got)}")


def _merge_dict(cls: type, d: Any, node: dict[str, Any], path: _Path, tx: _Tx) -> None:
    """Merge the parsed JSON ``d`` of a delta object of class ``cls`` into its node.

    The twin of _merge_object for plain JSON: the same rules, with each
    value's JSON type checked as the converter would (a wrong one is a parse
    error, and the whole event is rolled back).
    """
    if d.__class__ is not dict:
        raise _BadShape(path, "an object", d)
    undo = tx.undo
    plan = _DICT_PLANS[cls]
    for op, name, extra in plan:
        value = d.get(name, _MISSING)
        if value is _MISSING:
            continue
        if value is None:
            if name not in node:  # first seen as null: kept as null
                undo.append((node, name, _MISSING))
                node[name] = None
            continue
        current = node.get(name, _MISSING)
        if op == "append":
            if value.__class__ is not str:
                raise _BadShape((path, name), "a string", value)
            if current.__class__ is _Frags:
                undo.append((current, None, len(current)))
                current.append(value)
            elif current is _MISSING or current is None:
                undo.append((node, name, current))
                node[name] = _Frags((value,))
            elif current.__class__ is str:
                undo.append((node, name, current))
                node[name] = _Frags((current, value))
            else:
                raise _Problem("type_conflict", (path, name), "text appended to a non-text value")
        elif op == "set":
            if extra is not None and value.__class__ not in extra[0]:
                raise _BadShape((path, name), extra[1], value)
            if current is _MISSING or current is None:
                undo.append((node, name, current))
                node[name] = copy_json(value) if value.__class__ in (dict, list) else value
            elif current != value:
                tx.conflict((path, name), "a set-once value was sent again, different")
        elif op == "object":
            if value.__class__ is not dict:
                raise _BadShape((path, name), "an object", value)
            tagged, untagged = extra
            tag = value.get("type")
            if current is _MISSING or current is None:
                undo.append((node, name, current))
                current = node[name] = {}
            elif current.__class__ is not dict:
                raise _Problem("type_conflict", (path, name), "an object where a value was held")
            elif tag is not None and current.get("type") not in (None, tag):
                raise _Problem("type_conflict", (path, name), "the object's type changed")
            member = tagged.get(tag) if tag.__class__ is str else None
            if member is None:
                member = untagged or tagged.get(current.get("type"))
            if member is None:
                _merge_raw(value, current, (path, name), tx)
            else:
                _merge_dict(member, value, current, (path, name), tx)
        else:  # slots
            if value.__class__ is not list:
                raise _BadShape((path, name), "an array", value)
            if current is _MISSING or current is None:
                undo.append((node, name, current))
                current = node[name] = _Slots()
            _merge_dict_entries(value, current, extra, (path, name), tx)
    # Keys this version does not know: kept, set once, as for unknown objects.
    known = _DICT_KNOWN[cls]
    if not known.issuperset(d):
        _merge_raw({k: v for k, v in d.items() if k not in known}, node, path, tx)


def _merge_dict_entries(
    entries: list[Any], slots: _Slots, members: Any, path: _Path, tx: _Tx
) -> list[tuple[int, bool, Any, type | None]]:
    """_merge_entries for parsed JSON: (index, is_new, entry JSON, class) in index order."""
    keyed: list[tuple[int, Any]] = []
    for position, entry in enumerate(entries):
        if entry.__class__ is not dict:
            raise _BadShape((path, position), "an object", entry)
        index = entry.get("index")
        if index.__class__ is not int:
            tag = entry.get("type")
            if index is not None and tag.__class__ is str and tag in members[0]:
                # A known type's index is typed: the converter would reject it.
                raise _BadShape(((path, position), "index"), "an integer", index)
            raise _Problem("bad_index", (path, position), "an entry without a valid index")
        if index < 0:
            raise _Problem("bad_index", (path, position), "a negative index")
        keyed.append((index, entry))
    if len(keyed) > 1:
        keyed.sort(key=_first)
    top = len(slots) - 1
    if keyed and keyed[-1][0] > top + MAX_INDEX_GAP and slots:
        top = max(slots)
    tagged, untagged = members
    placed: list[tuple[int, bool, Any, type | None]] = []
    for index, entry in keyed:
        if index > top + MAX_INDEX_GAP:
            reason = f"index past the largest one ({top}) + {MAX_INDEX_GAP}"
            raise _Problem("bad_index", (path, index), reason)
        node: dict[str, Any] | None = slots.get(index)
        tag = entry.get("type")
        if tag is not None and tag.__class__ is not str:
            raise _BadShape(((path, index), "type"), "a string", tag)
        is_new = node is None
        if node is None:
            node = {"type": tag} if tag is not None else {}
            tx.undo.append((slots, index, _MISSING))
            slots[index] = node
            if index > top:
                top = index
        else:
            held = node.get("type")
            if tag is not None and held is not None and tag != held:
                raise _Problem("type_conflict", (path, index), "the entry's type changed")
            if tag is None and held is not None:
                # A later delta may omit `type`: the slot keeps its own (and the
                # delta handed out says it, as the typed path's does).
                tag = held
                entry = {**entry, "type": held}
        member = tagged.get(tag) if tag is not None else untagged
        if member is None:
            _merge_raw(entry, node, (path, index), tx)
        else:
            _merge_dict(member, entry, node, (path, index), tx)
        placed.append((index, is_new, entry, member))
    return placed


def _merge_raw(raw: Mapping[str, Any], node: dict[str, Any], path: _Path, tx: _Tx) -> None:
    """An object of a type this version does not know: keys are set once, never appended."""
    for key, value in raw.items():
        if key == "index" or value is None:
            continue
        current = node.get(key)
        value = copy_json(value)  # thawed: the node holds plain JSON
        if current is None:
            tx.set(node, key, value)
        elif current != value:
            tx.conflict((path, key), "a value of an unknown object was sent again, different")


def _first(pair: tuple[int, Any]) -> int:
    return pair[0]


_ITEM_KIND_TOOL_CALL = ("union", frozenset(typing.get_args(m.ToolCallDelta)))
_ITEM_KIND_CONTENT = ("union", frozenset(typing.get_args(m.MessageContentDelta)))
_TOOL_CALLS_PATH: _Path = ((("data", "delta"), "step_details"), "tool_calls")
_CONTENT_PATH: _Path = (("data", "delta"), "content")
_STEP_DETAILS_PATH: _Path = (("data", "delta"), "step_details")
_TOOL_CALL_HOOK = structurer(m.ToolCall)
_CONTENT_HOOK = structurer(m.MessageContent)
_TEXT_HOOK = structurer(m.Text)
_IMAGE_FILE_HOOK = structurer(m.ImageFile)
_IMAGE_URL_HOOK = structurer(m.ImageURL)
_RUN_HOOK = structurer(m.Run)
_STEP_HOOK = structurer(m.RunStep)
_MESSAGE_HOOK = structurer(m.Message)


class _State:
    """One run, step or message: its node, version, cached snapshot and open entries."""

    __slots__ = (
        "cache",
        "cache_version",
        "done",
        "hook",
        "id",
        "node",
        "open",
        "run_id",
        "version",
    )

    def __init__(self, object_id: str, node: dict[str, Any], hook: Callable[[Any], Any]) -> None:
        self.id = object_id
        self.node = node
        self.hook = hook
        self.version = 0
        self.cache: Any = None
        self.cache_version = -1
        self.done = False
        # Open entries (tool calls or content blocks): index -> Change kind prefix.
        self.open: dict[int, str] = {}
        run_id = node.get("run_id")
        self.run_id: str | None = run_id if isinstance(run_id, str) else None

    def snapshot(self) -> Any:
        if self.cache_version != self.version:
            self.cache = self.hook(_materialize(self.node))
            self.cache_version = self.version
        return self.cache

    def entries(self) -> _Slots | None:
        """The index-keyed list that opens and closes: tool calls or message content."""
        details = self.node.get("step_details")
        container = details if details.__class__ is dict else self.node
        slots = container.get("tool_calls") if container is details else self.node.get("content")
        return slots if slots.__class__ is _Slots else None

    def entry_snapshot(self, index: int, kind: str) -> Any:
        slots = self.entries()
        node = slots.get(index) if slots is not None else None
        if node is None:
            return None
        wire = _materialize(node)
        if kind.startswith("tool_call"):
            return _TOOL_CALL_HOOK(wire)
        if kind.startswith("text"):
            return _TEXT_HOOK(wire.get("text") or {})
        if kind.startswith("image_file"):
            return _IMAGE_FILE_HOOK(wire.get("image_file") or {})
        if kind.startswith("image_url"):
            return _IMAGE_URL_HOOK(wire.get("image_url") or {})
        return _CONTENT_HOOK(wire)


def _normalize(node: dict[str, Any]) -> dict[str, Any]:
    """A whole object's wire dict as a node: its index-keyed lists become slots."""
    details = node.get("step_details")
    if details.__class__ is dict:
        calls = details.get("tool_calls")
        if calls.__class__ is list:
            details["tool_calls"] = _Slots(enumerate(_normalize_call(c) for c in calls))
    content = node.get("content")
    if content.__class__ is list:
        node["content"] = _Slots(enumerate(_normalize_block(b) for b in content))
    return node


def _normalize_call(call: Any) -> Any:
    if call.__class__ is dict:
        interpreter = call.get("code_interpreter")
        if interpreter.__class__ is dict and interpreter.get("outputs").__class__ is list:
            interpreter["outputs"] = _Slots(enumerate(interpreter["outputs"]))
    return call


def _normalize_block(block: Any) -> Any:
    if block.__class__ is dict:
        text = block.get("text")
        if text.__class__ is dict and text.get("annotations").__class__ is list:
            text["annotations"] = _Slots(enumerate(text["annotations"]))
    return block


def _mismatches(held: Any, terminal: Any, path: str, found: list[str]) -> None:
    """Paths where the accumulated content and the terminal object disagree (both present)."""
    if len(found) >= 5:
        return
    if isinstance(held, dict) and isinstance(terminal, dict):
        for key, value in held.items():
            other = terminal.get(key)
            if value is None or other is None:
                continue
            # Streamed text that stopped early (the stream broke, and the
            # object was read back) is a prefix of the whole: not a mismatch.
            if key in _APPEND_KEYS and isinstance(value, str) and isinstance(other, str):
                if not other.startswith(value):
                    found.append(f"{path}.{key}")
                continue
            _mismatches(value, other, f"{path}.{key}", found)
    elif isinstance(held, list) and isinstance(terminal, list):
        if len(held) > len(terminal):
            found.append(f"{path} (more entries than the terminal object)")
        for position, (a, b) in enumerate(zip(held, terminal, strict=False)):
            _mismatches(a, b, f"{path}[{position}]", found)
    elif held != terminal:
        found.append(path)


# --- Changes ------------------------------------------------------------------


@attrs.frozen
class Change:
    """One thing an event changed, with the snapshot of what it changed.

    Attributes:
        kind: what happened (:data:`ChangeKind`).
        id: the id of the thread, run, step or message concerned ("" for
            ``error``, ``unknown`` and ``end``).
        index: the tool call's or content block's index, else ``None``.
        delta: the typed delta piece: ``RunStepDelta`` for ``step.delta``, the
            tool-call delta entry for ``tool_call.created`` / ``tool_call.delta``
            (``created`` carries the first one, already applied; ``None`` when
            the call arrived inside a whole step), ``MessageDelta`` for
            ``message.delta``, ``TextDelta`` for ``text.*``, the refusal block
            for ``refusal.*``; else ``None``.
        event: the typed event that caused the change.
        position: that event's number in the stream.

    :attr:`snapshot` gives the changed object: a ``Run`` (``run.*``),
    ``RunStep`` (``step.*``), tool call (``tool_call.*``), ``Message``
    (``message.*``), ``Text`` (``text.*``), ``RefusalContentBlock``
    (``refusal.*``), ``ImageFile`` / ``ImageURL`` (``image_*``), content block
    (``content.*``), ``Thread`` (``thread.created``), ``ErrorObject``
    (``error``), or ``None``.
    """

    kind: ChangeKind
    id: str
    index: int | None
    position: int
    _delta: Any = attrs.field(default=None, eq=False, repr=False, alias="_delta")
    _event: Any = attrs.field(default=None, eq=False, repr=False, alias="_event")
    _state: _State | None = attrs.field(default=None, eq=False, repr=False, alias="_state")
    _fixed: Any = attrs.field(default=None, eq=False, repr=False, alias="_fixed")

    @property
    def delta(self) -> Any:
        """The typed delta piece (see the class docstring); built on first read."""
        value = self._delta
        if value.__class__ is _Lazy:
            value = value.get()
            object.__setattr__(self, "_delta", value)  # cached: the change is immutable
        return value

    @property
    def event(self) -> StreamEvent:
        """The typed event that caused the change; built on first read."""
        value = self._event
        if value.__class__ is _Lazy:
            value = value.get()
            object.__setattr__(self, "_event", value)
        event: StreamEvent = value
        return event

    @property
    def snapshot(self) -> Any:
        """The changed object, typed; built on first read.

        It is the object as of the most recent event that changed it: read it
        before feeding the next event to see the state right after this
        change (handlers always do). Snapshots are frozen and share nothing
        with the accumulator, so they are safe to keep.
        """
        state = self._state
        if state is None:
            return self._fixed
        if self.index is not None and not self.kind.startswith(("step.", "message.")):
            return state.entry_snapshot(self.index, self.kind)
        return state.snapshot()


# Changes are made for every delta, so they are built without attrs' __init__
# (which costs twice as much): a new object, then its slots set directly.
_CHANGE_SLOTS = [
    inspect.getattr_static(Change, name).__set__
    for name in ("kind", "id", "index", "_delta", "_event", "position", "_state", "_fixed")
]


def _change(
    kind: ChangeKind,
    object_id: str,
    index: int | None,
    delta: Any,
    event: Any,
    position: int,
    state: _State | None = None,
    fixed: Any = None,
) -> Change:
    change: Change = object.__new__(Change)
    s_kind, s_id, s_index, s_delta, s_event, s_position, s_state, s_fixed = _CHANGE_SLOTS
    s_kind(change, kind)
    s_id(change, object_id)
    s_index(change, index)
    s_delta(change, delta)
    s_event(change, event)
    s_position(change, position)
    s_state(change, state)
    s_fixed(change, fixed)
    return change


class _SnapshotView(Mapping[str, Any]):
    """A read-only mapping of id -> snapshot, built on access, in order of first appearance."""

    __slots__ = ("_states",)

    def __init__(self, states: dict[str, _State]) -> None:
        self._states = states

    def __getitem__(self, key: str) -> Any:
        return self._states[key].snapshot()

    def __iter__(self) -> Iterator[str]:
        return iter(self._states)

    def __len__(self) -> int:
        return len(self._states)

    def __repr__(self) -> str:
        return f"<snapshots of {len(self._states)}: {list(self._states)}>"


# --- The accumulator ------------------------------------------------------------


class Accumulator:
    """Turns the events of one or more run streams into complete snapshots.

    ::

        acc = streamkit.Accumulator()
        for sse in streamkit.io.iter_sse("run.sse"):
            for change in acc.feed(sse):
                ...
        acc.run_steps["step_abc"].step_details

    It follows the merge rules of the run stream exactly: index-keyed lists
    placed by ``index`` (out of order, gapped, several per delta); streamed
    text appended; ids, types, names, offsets and enums set once; numbers and
    booleans never summed; ``null`` in a delta changing nothing; terminal
    events making the server's object the snapshot; a terminal event for a
    never-seen step or message creating it (continuation streams). Runs,
    steps and messages may interleave freely; deltas find their object by id.

    Gaps: an index-keyed list whose indexes never filled in (only ``2``
    arrived, say) is given as the dense list of the entries present, in index
    order.

    Args:
        strict: raise :class:`~streamkit.AccumulateError` (or
            :class:`~streamkit.ParseError` / :class:`~streamkit.StreamError`)
            on bad input, before any of it is applied -- the default. With
            ``strict=False`` the problem is recorded in :attr:`anomalies`,
            the offending event (or, for a mere conflict, the conflicting
            field) is skipped, and the stream goes on.
    """

    def __init__(self, *, strict: bool = True) -> None:
        self.strict = strict
        #: Problems recorded (all of them in lenient mode; terminal mismatches always).
        self.anomalies: list[Anomaly] = []
        #: Server ``error`` events received, unwrapped.
        self.errors: list[m.ErrorObject] = []
        #: Events whose name this version does not know, as received.
        self.unknown_events: list[m.UnknownEvent] = []
        #: Whether a ``done`` event was fed.
        self.done = False
        #: The number of events fed.
        self.position = 0
        self._threads: dict[str, m.Thread] = {}
        self._runs: dict[str, _State] = {}
        self._steps: dict[str, _State] = {}
        self._messages: dict[str, _State] = {}
        self._final_run_snapshot: m.Run | None = None
        self._tx = _Tx(lenient=not strict)

    # -- public views --

    @property
    def runs(self) -> Mapping[str, m.Run]:
        """Every run seen, by id, in order of first appearance."""
        return _SnapshotView(self._runs)

    @property
    def run_steps(self) -> Mapping[str, m.RunStep]:
        """Every run step seen, by id, in order of first appearance."""
        return _SnapshotView(self._steps)

    @property
    def messages(self) -> Mapping[str, m.Message]:
        """Every message seen, by id, in order of first appearance."""
        return _SnapshotView(self._messages)

    @property
    def threads(self) -> Mapping[str, m.Thread]:
        """Every thread seen (``thread.created``), by id."""
        return dict(self._threads)

    @property
    def final_run(self) -> m.Run | None:
        """The last run event whose status is terminal for a stream, or ``None``.

        Terminal: ``requires_action``, ``completed``, ``incomplete``,
        ``failed``, ``cancelled``, ``expired`` (not ``cancelling``).
        """
        return self._final_run_snapshot

    # -- feeding --

    def feed(self, event: StreamEvent | ServerSentEvent) -> list[Change]:
        """Apply one event; return the changes it caused, in order.

        Args:
            event: a typed event (:func:`streamkit.parse_event`) or a
                :class:`~streamkit.ServerSentEvent`, which is parsed here.

        Raises:
            ParseError: strict mode, a payload that is not JSON of the schema's shape.
            AccumulateError: strict mode, an event that cannot be applied;
                nothing of it was applied.
            StreamError: strict mode, a server ``error`` event (recorded in
                :attr:`errors` first).
        """
        self.position += 1
        position = self.position
        if event.__class__ is ServerSentEvent:
            fast = _JSON_HANDLERS.get(event.event)
            if fast is not None:
                return self._feed_json(
                    fast, event.event, event.data, _Lazy(parse_event, event), position
                )
        elif isinstance(event, (m.ThreadRunStepDelta, m.ThreadMessageDelta)):
            # A typed delta merges through its wire JSON: one merge engine.
            json_handler = _JSON_HANDLERS[event.event]
            return self._feed_json(json_handler, event.event, to_dict(event.data), event, position)
        if isinstance(event, ServerSentEvent):
            try:
                event = parse_event(event, position=position)
            except ParseError as error:
                if self.strict:
                    raise
                self._record("parse", event.event, None, error.path, error.reason)
                return []
        name = event.event
        handler = _HANDLERS.get(event.__class__)
        if handler is None:  # pragma: no cover - every event class has a handler
            return []
        tx = self._begin()
        try:
            changes: list[Change] = handler(self, event, position, tx)
        except _Problem as problem:
            tx.rollback()
            object_id = getattr(getattr(event, "data", None), "id", None)
            if self.strict:
                self._raise(problem, position, name, object_id)
            self._record(problem.kind, name, object_id, problem.path, problem.reason)
            return []
        for conflict in tx.conflicts:
            object_id = getattr(getattr(event, "data", None), "id", None)
            self._record(conflict.kind, name, object_id, conflict.path, conflict.reason)
        return changes

    def _begin(self) -> _Tx:
        """The transaction for the next event: one object, emptied, not one per event."""
        tx = self._tx
        tx.undo.clear()
        tx.conflicts.clear()
        tx.lenient = not self.strict
        return tx

    def _feed_json(
        self, handler: _JsonHandler, name: str, data: Any, event: Any, position: int
    ) -> list[Change]:
        """The delta events, merged from their parsed JSON: no typed delta is built.

        The JSON types are checked during the merge, as the converter checks
        them; a wrong one rolls the event back and is a ParseError.
        """
        try:
            payload = loads(data) if data.__class__ is str else data
        except (ValueError, RecursionError) as exc:
            reason = f"not valid JSON ({_json_error_where(exc)})"
            if self.strict:
                raise _parse_error(name, position, "data", reason) from None
            self._record("parse", name, None, "data", reason)
            return []
        tx = self._begin()
        try:
            changes = handler(self, payload, event, position, tx)
        except _Problem as problem:
            tx.rollback()
            object_id = payload.get("id") if payload.__class__ is dict else None
            if problem.kind == "parse" and self.strict:
                raise _parse_error(name, position, problem.path, problem.reason) from None
            if self.strict:
                self._raise(problem, position, name, object_id)
            self._record(problem.kind, name, object_id, problem.path, problem.reason)
            return []
        for conflict in tx.conflicts:
            self._record(conflict.kind, name, payload.get("id"), conflict.path, conflict.reason)
        return changes

    def _on_step_delta_json(self, payload: Any, event: Any, position: int, tx: _Tx) -> list[Change]:
        state, delta = self._delta_target(payload, self._steps, "step")
        placed: list[tuple[int, bool, Any]] = []
        details = delta.get("step_details")
        if details is not None:
            path = _STEP_DETAILS_PATH
            if details.__class__ is not dict:
                raise _BadShape(path, "an object", details)
            node = state.node.get("step_details")
            if node.__class__ is not dict:
                node = {}
                tx.set(state.node, "step_details", node)
            tag = details.get("type")
            held_type = node.get("type")
            if tag is not None and tag.__class__ is not str:
                raise _BadShape((path, "type"), "a string", tag)
            if tag is not None and held_type is not None and tag != held_type:
                raise _Problem("type_conflict", (path, "type"), "the step's type changed")
            if (tag or held_type) == "tool_calls":
                if held_type is None:
                    tx.set(node, "type", "tool_calls")
                calls = details.get("tool_calls")
                if calls is not None:
                    if calls.__class__ is not list:
                        raise _BadShape((path, "tool_calls"), "an array", calls)
                    slots = node.get("tool_calls")
                    if slots.__class__ is not _Slots:
                        slots = _Slots()
                        tx.set(node, "tool_calls", slots)
                    placed = _lazy_entries(
                        _merge_dict_entries(calls, slots, _TOOL_CALL_MEMBERS, _TOOL_CALLS_PATH, tx)
                    )
            else:
                member = _STEP_DETAILS_MEMBERS[0].get(tag or held_type or "")
                if member is None:
                    _merge_raw(details, node, path, tx)
                else:
                    _merge_dict(member, details, node, path, tx)
        state.version += 1
        delta_value = _Lazy(_RUN_STEP_DELTA_HOOK, delta, m.RunStepDelta)
        changes = [_change("step.delta", state.id, None, delta_value, event, position, state)]
        changes += self._entry_changes(state, placed, "tool_call", event, position)
        return changes

    def _on_message_delta_json(
        self, payload: Any, event: Any, position: int, tx: _Tx
    ) -> list[Change]:
        state, delta = self._delta_target(payload, self._messages, "message")
        role = delta.get("role")
        if role is not None:
            if role.__class__ is not str:
                raise _BadShape((("data", "delta"), "role"), "a string", role)
            held = state.node.get("role")
            if held is None:
                tx.set(state.node, "role", role)
            elif held != role:
                tx.conflict((("data", "delta"), "role"), "the message's role changed")
        placed: list[tuple[int, bool, Any]] = []
        content = delta.get("content")
        if content is not None:
            if content.__class__ is not list:
                raise _BadShape(_CONTENT_PATH, "an array", content)
            if content:
                slots = state.node.get("content")
                if slots.__class__ is not _Slots:
                    slots = _Slots()
                    tx.set(state.node, "content", slots)
                placed = _lazy_entries(
                    _merge_dict_entries(content, slots, _CONTENT_MEMBERS, _CONTENT_PATH, tx)
                )
        state.version += 1
        delta_value = _Lazy(_MESSAGE_DELTA_HOOK, delta, m.MessageDelta)
        changes = [_change("message.delta", state.id, None, delta_value, event, position, state)]
        changes += self._entry_changes(state, placed, "content", event, position)
        return changes

    @staticmethod
    def _delta_target(payload: Any, states: dict[str, _State], kind: str) -> tuple[_State, Any]:
        """The state a delta event's JSON is for, and its `delta` object, both checked."""
        if payload.__class__ is not dict:
            raise _BadShape("data", "an object", payload)
        object_id = payload.get("id")
        if object_id.__class__ is not str:
            raise _BadShape(("data", "id"), "a string", object_id)
        tag = payload.get("object")
        if tag is not None and tag.__class__ is not str:
            raise _BadShape(("data", "object"), "a string", tag)
        delta = payload.get("delta")
        if delta is None:
            delta = {}
        elif delta.__class__ is not dict:
            raise _BadShape(("data", "delta"), "an object", delta)
        state = states.get(object_id)
        if state is None:
            raise _Problem("unknown_id", "data.id", f"a delta for a {kind} never created")
        return state, delta

    def _raise(
        self, problem: _Problem, position: int, name: str, object_id: Any
    ) -> typing.NoReturn:
        subject = f"{object_id}: " if isinstance(object_id, str) else ""
        message = f"event {position} ({name}): {subject}{problem.path}: {problem.reason}"
        raise AccumulateError(
            message,
            position=position,
            event=name,
            object_id=object_id if isinstance(object_id, str) else None,
            path=problem.path,
            kind=problem.kind,
            reason=problem.reason,
        )

    def _record(self, kind: str, name: str, object_id: Any, path: str, message: str) -> None:
        self.anomalies.append(
            Anomaly(
                kind,
                self.position,
                name,
                object_id if isinstance(object_id, str) else None,
                path,
                message,
            )
        )

    # -- event handlers (dispatched by class through _HANDLERS) --

    def _on_thread(self, event: Any, position: int, tx: _Tx) -> list[Change]:
        thread: m.Thread = event.data
        self._threads[thread.id] = thread
        return [_change("thread.created", thread.id, None, None, event, position, None, thread)]

    def _on_run(self, event: Any, position: int, tx: _Tx) -> list[Change]:
        run: m.Run = event.data
        name = event.event
        state = self._runs.get(run.id)
        changes: list[Change] = []
        node = to_dict(run)
        if state is None:
            state = self._runs[run.id] = _State(run.id, node, _RUN_HOOK)
            changes.append(_change("run.created", run.id, None, None, event, position, state))
        else:
            if name == "thread.run.created":
                self._duplicate(tx, "thread.run.created")
            state.node = node
            state.version += 1
        if name in _RUN_TERMINAL_EVENTS:
            changes += self._close_run(run.id, event, position)
            changes.append(_change("run.done", run.id, None, None, event, position, state))
        elif changes == [] or name != "thread.run.created":
            changes.append(_change("run.updated", run.id, None, None, event, position, state))
        if run.status in _TERMINAL_RUN:
            self._final_run_snapshot = state.snapshot()
        return changes

    def _duplicate(self, tx: _Tx, name: str) -> None:
        problem = _Problem("duplicate_created", "data.id", f"{name} for an id already seen")
        if not tx.lenient:
            raise problem
        tx.conflicts.append(problem)

    def _close_run(self, run_id: str, event: Any, position: int) -> list[Change]:
        """Done changes for every open step and message of a run that ended."""
        changes: list[Change] = []
        for kind, states in (("step", self._steps), ("message", self._messages)):
            for state in states.values():
                if state.run_id == run_id and not state.done:
                    changes += self._close_entries(state, event, position)
                    state.done = True
                    changes.append(
                        _change(_ck(kind, "done"), state.id, None, None, event, position, state)
                    )
        return changes

    def _close_entries(self, state: _State, event: Any, position: int) -> list[Change]:
        changes = []
        for index in sorted(state.open):
            prefix = state.open[index]
            changes.append(
                _change(_ck(prefix, "done"), state.id, index, None, event, position, state)
            )
        state.open.clear()
        return changes

    def _on_whole(self, event: Any, position: int, tx: _Tx) -> list[Change]:
        """A step or message event carrying the whole object: created, in_progress, terminal."""
        obj = event.data
        name = event.event
        is_step = isinstance(obj, m.RunStep)
        kind = "step" if is_step else "message"
        states = self._steps if is_step else self._messages
        terminal = name in (_TERMINAL_STEP_EVENTS if is_step else _TERMINAL_MESSAGE_EVENTS)
        state = states.get(obj.id)
        node = _normalize(to_dict(obj))
        changes: list[Change] = []
        if state is None:
            state = states[obj.id] = _State(obj.id, node, _STEP_HOOK if is_step else _MESSAGE_HOOK)
            changes.append(
                _change(_ck(kind, "created"), obj.id, None, None, event, position, state)
            )
            changes += self._open_new_entries(state, set(), event, position)
        else:
            if name.endswith(".created"):
                self._duplicate(tx, name)
            before = set(state.open) | set(self._entry_keys(state))
            if terminal:
                held = _materialize(state.node)
                found: list[str] = []
                content_key = "step_details" if is_step else "content"
                _mismatches(
                    held.get(content_key),
                    to_dict(obj).get(content_key),
                    f"data.{content_key}",
                    found,
                )
                if found:
                    self._record(
                        "terminal_mismatch",
                        name,
                        obj.id,
                        found[0],
                        f"the terminal object differs from the deltas at: {', '.join(found)}",
                    )
                state.node = node
            else:
                self._refresh(state, node)
            state.version += 1
            if not state.done:
                changes += self._open_new_entries(state, before, event, position)
            if not terminal or state.done:
                changes.append(
                    _change(_ck(kind, "updated"), obj.id, None, None, event, position, state)
                )
        if terminal and not state.done:
            changes += self._close_entries(state, event, position)
            state.done = True
            changes.append(_change(_ck(kind, "done"), obj.id, None, None, event, position, state))
        return changes

    @staticmethod
    def _entry_keys(state: _State) -> list[int]:
        slots = state.entries()
        return list(slots) if slots is not None else []

    def _refresh(self, state: _State, node: dict[str, Any]) -> None:
        """Status fields from a created/in_progress event; accumulated content kept."""
        held = state.node
        for key, value in node.items():
            if key == "step_details" and held.get(key).__class__ is dict:
                calls = held[key].get("tool_calls")
                if calls and value.__class__ is dict:
                    continue  # deltas built content already: keep it
            if key == "content" and held.get(key):
                continue
            held[key] = value

    def _open_new_entries(
        self, state: _State, before: set[int], event: Any, position: int
    ) -> list[Change]:
        """created (and, for whole blocks, done) changes for entries a whole object brought."""
        changes: list[Change] = []
        for index in self._entry_keys(state):
            if index in before:
                continue
            changes += self._open_entry(state, index, None, event, position)
        return changes

    def _open_entry(
        self, state: _State, index: int, delta: Any, event: Any, position: int
    ) -> list[Change]:
        slots = state.entries()
        node = slots.get(index) if slots is not None else None
        entry_type = node.get("type") if isinstance(node, dict) else None
        if "step_details" in state.node:
            prefix, closes = "tool_call", False
        else:
            prefix, closes = _BLOCK_KINDS.get(entry_type or "", ("content", False))
        text_delta = _text_delta(delta) if prefix in ("text",) else delta
        changes = [
            _change(_ck(prefix, "created"), state.id, index, text_delta, event, position, state)
        ]
        if closes:
            changes.append(
                _change(_ck(prefix, "done"), state.id, index, None, event, position, state)
            )
        else:
            state.open[index] = prefix
        return changes

    def _entry_changes(
        self,
        state: _State,
        placed: list[tuple[int, bool, Any]],
        prefix: str,
        event: Any,
        position: int,
    ) -> list[Change]:
        changes: list[Change] = []
        if state.done:
            return changes
        seen_new: set[int] = set()
        for index, is_new, entry in placed:
            if is_new and index not in seen_new:
                seen_new.add(index)
                changes += self._open_entry(state, index, entry, event, position)
                continue
            entry_prefix = state.open.get(index)
            if entry_prefix is None:
                continue  # a block closed already (images) or unknown
            delta = _text_delta(entry) if entry_prefix == "text" else entry
            kind = _DELTA_KINDS[entry_prefix]
            changes.append(_change(kind, state.id, index, delta, event, position, state))
        return changes

    def _on_error(self, event: Any, position: int, tx: _Tx) -> list[Change]:
        error: m.ErrorObject = event.error
        self.errors.append(error)
        change = _change("error", "", None, None, event, position, None, error)
        if self.strict:
            kind = error.code or error.type or "error"
            raise StreamError(
                f"event {position} (error): the server reported {kind}: {error.message}",
                error=error,
                position=position,
            )
        self._record("server_error", "error", None, "data", f"the server reported {error.type}")
        return [change]

    def _on_done(self, event: Any, position: int, tx: _Tx) -> list[Change]:
        self.done = True
        return [_change("end", "", None, None, event, position)]

    def _on_unknown(self, event: Any, position: int, tx: _Tx) -> list[Change]:
        self.unknown_events.append(event)
        return [_change("unknown", "", None, None, event, position)]


def _lazy_entries(
    placed: list[tuple[int, bool, Any, type | None]],
) -> list[tuple[int, bool, Any]]:
    """Entries merged from JSON, with their typed deltas left to be built when read."""
    return [
        (
            index,
            is_new,
            _Lazy(_CLASS_HOOKS[cls], entry, cls)
            if cls is not None
            else m.UnknownObject(_freeze(entry)),
        )
        for index, is_new, entry, cls in placed
    ]


def _text_delta(entry: Any) -> Any:
    """The TextDelta of a text delta block (what text callbacks receive)."""
    if entry.__class__ is _Lazy:
        if entry.cls is m.TextDeltaBlock:
            return _Lazy(_TEXT_DELTA_HOOK, entry.raw.get("text") or {}, m.TextDelta)
        return entry
    return getattr(entry, "text", None) if isinstance(entry, m.TextDeltaBlock) else entry


class _Lazy:
    """A typed object not built yet: its hook and parsed JSON (already checked by the merge)."""

    __slots__ = ("cls", "hook", "raw")

    def __init__(self, hook: Callable[[Any], Any], raw: Any, cls: type | None = None) -> None:
        self.hook = hook
        self.raw = raw
        self.cls = cls

    def get(self) -> Any:
        return self.hook(self.raw)


_TEXT_DELTA_HOOK = structurer(m.TextDelta)
_RUN_STEP_DELTA_HOOK = structurer(m.RunStepDelta)
_MESSAGE_DELTA_HOOK = structurer(m.MessageDelta)
_CLASS_HOOKS: dict[type, Callable[[Any], Any]] = {
    cls: structurer(cls)
    for cls in vars(m).values()
    if isinstance(cls, type) and issubclass(cls, Model) and cls is not Model
}
_TOOL_CALL_MEMBERS = _members(_ITEM_KIND_TOOL_CALL)
_CONTENT_MEMBERS = _members(_ITEM_KIND_CONTENT)
_STEP_DETAILS_MEMBERS = _members(_kind(m.RunStepDeltaStepDetails))

_JsonHandler: TypeAlias = Callable[[Accumulator, Any, Any, int, _Tx], list[Change]]
_JSON_HANDLERS: dict[str, _JsonHandler] = {
    "thread.run.step.delta": Accumulator._on_step_delta_json,
    "thread.message.delta": Accumulator._on_message_delta_json,
}


_HANDLERS: dict[type, Callable[[Accumulator, Any, int, _Tx], list[Change]]] = {
    m.ThreadCreated: Accumulator._on_thread,
    m.ErrorEvent: Accumulator._on_error,
    m.DoneEvent: Accumulator._on_done,
    m.UnknownEvent: Accumulator._on_unknown,
}
# Every other event carries a whole object: a step or message (created,
# in_progress, terminal) or a run.
for _cls in m.EVENT_CLASSES.values():
    if _cls not in _HANDLERS and _cls not in (m.ThreadRunStepDelta, m.ThreadMessageDelta):
        _data = typing.get_type_hints(_cls)["data"]
        _HANDLERS[_cls] = Accumulator._on_run if _data is m.Run else Accumulator._on_whole
