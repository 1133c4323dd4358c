"""What an accumulator reports: :class:`Change`, :class:`Anomaly`, and the lazy pieces behind them.

Protocol-neutral. An object under accumulation is an :class:`ObjectState`:
its node tree, the hook that builds its typed snapshot, and which of its
entries (tool calls, content blocks, output items ...) are open. A Change
points at the state and builds what it reports -- the typed delta, the typed
event, the snapshot -- only when someone reads it, so a stream nobody looks
at costs the merge alone.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterator, Mapping
from typing import Any, Generic, TypeVar

import attrs

from streamkit._engine.nodes import Node

__all__ = [
    "Anomaly",
    "Change",
    "Lazy",
    "ObjectState",
    "SnapshotView",
    "build",
    "make_change",
]

# Per-kind types, so a protocol can name its Changes as a union that mypy
# narrows on `kind` (see streamkit.AssistantsChange).
K = TypeVar("K", bound=str, covariant=True)
D = TypeVar("D", covariant=True)
S = TypeVar("S", covariant=True)


def build(hook: Callable[[Any], Any], node: Any) -> Any:
    """The typed model of a node: rebuilt only where the node tree changed since the last build.

    The converter's structure hooks take nodes: each returns a node's cached
    model if the node has not changed (the merge drops the cache of every
    node it touches), so only the changed path is rebuilt.
    """
    return hook(node)


@attrs.frozen
class Anomaly:
    """Something wrong or inconsistent in the stream that the accumulator recorded.

    In lenient mode every problem of the input becomes one; in both modes a
    terminal object that disagrees with what the deltas built is recorded as
    ``terminal_mismatch`` (the terminal object wins).

    Attributes:
        kind: ``parse``, ``unknown_id``, ``bad_index``, ``type_conflict``,
            ``conflict``, ``duplicate_created``, ``terminal_mismatch``,
            ``late_delta`` (a delta after its object's terminal event: ignored)
            or ``server_error``.
        position: the event's number in the stream (1-based).
        event: the event name.
        object_id: the object's id, if known.
        path: where in the event's data (or the snapshot, for a mismatch).
        message: what is wrong -- never payload text.
    """

    kind: str
    position: int
    event: str
    object_id: str | None
    path: str
    message: str


class Lazy:
    """A typed object not built yet: its hook and parsed JSON (already checked by the merge)."""

    __slots__ = ("cls", "hook", "raw")

    def __init__(self, hook: Callable[[Any], Any], raw: Any, cls: type | None = None) -> None:
        self.hook = hook
        self.raw = raw
        self.cls = cls

    def get(self) -> Any:
        """Build it."""
        return self.hook(self.raw)


class ObjectState:
    """One top-level object under accumulation: its node, snapshot hook and open entries.

    Attributes:
        id: the object's id.
        node: its :class:`~streamkit._engine.nodes.Node` tree.
        hook: builds the typed snapshot from the node.
        done: whether its done Change was reported.
        open: entries (by index) whose created Change was reported and done not
            yet: index -> Change-kind prefix.
        parent_id: the id of the object it belongs to (a step's run), if any.
        entry_snapshot: builds an entry's snapshot: (state, index, kind) -> model.
    """

    __slots__ = ("done", "entry_snapshot", "hook", "id", "node", "open", "parent_id")

    def __init__(
        self,
        object_id: str,
        node: Node,
        hook: Callable[[Any], Any],
        entry_snapshot: Callable[[ObjectState, int, str], Any] | None = None,
        parent_id: str | None = None,
    ) -> None:
        self.id = object_id
        self.node = node
        self.hook = hook
        self.done = False
        self.open: dict[int, str] = {}
        self.parent_id = parent_id
        self.entry_snapshot = entry_snapshot

    def snapshot(self) -> Any:
        """The typed snapshot as of now (cached until the object changes)."""
        return build(self.hook, self.node)


@attrs.frozen
class Change(Generic[K, D, S]):
    """One thing an event changed, with the snapshot of what it changed.

    Attributes:
        kind: what happened (the protocol's Change kinds, e.g. ``tool_call.delta``).
        id: the id of the object concerned ("" for ``error``, ``unknown`` and ``end``).
        index: the entry's index (tool call, content block ...), else ``None``.
        position: the number of the event that caused it.

    :attr:`delta`, :attr:`event` and :attr:`snapshot` are built on first read;
    the protocol's accumulator documents what each kind carries. The type
    parameters are the kind, the delta's type and the snapshot's type: a
    protocol's union of them (``streamkit.AssistantsChange``) lets a type
    checker narrow ``delta`` and ``snapshot`` by testing ``kind``.
    """

    kind: K
    id: str
    index: int | None
    position: int
    _delta: Any = attrs.field(default=None, eq=False, repr=False, alias="_delta")
    _event: Any = attrs.field(default=None, eq=False, repr=False, alias="_event")
    _state: ObjectState | None = attrs.field(default=None, eq=False, repr=False, alias="_state")
    _fixed: Any = attrs.field(default=None, eq=False, repr=False, alias="_fixed")

    @property
    def delta(self) -> D:
        """The typed delta piece; built on first read."""
        value = self._delta
        if value.__class__ is Lazy:
            value = value.get()
            object.__setattr__(self, "_delta", value)  # cached: the change is immutable
        delta: D = value
        return delta

    def delta_field(self, name: str) -> Any:
        """One field of the delta, read without building the typed delta (None if absent)."""
        value = self._delta
        if value.__class__ is Lazy:
            raw = value.raw
            return raw.get(name) if raw.__class__ is dict else None
        return getattr(value, name, None)

    @property
    def event(self) -> Any:
        """The typed event that caused the change; built on first read."""
        value = self._event
        if value.__class__ is Lazy:
            value = value.get()
            object.__setattr__(self, "_event", value)
        return value

    @property
    def snapshot(self) -> S:
        """The changed object, typed; built on first read.

        It is the object as of the most recent event that changed it: read it
        before feeding the next event to see the state right after this
        change (handlers always do). Only the parts that changed since the
        last read are rebuilt. Snapshots are frozen and share nothing with the
        accumulator, so they are safe to keep.
        """
        state = self._state
        snapshot: S
        if state is None:
            snapshot = self._fixed
        elif self.index is not None and state.entry_snapshot is not None:
            snapshot = state.entry_snapshot(state, self.index, self.kind)
        else:
            snapshot = state.snapshot()
        return snapshot


# Changes are made for every delta, so they are built without attrs' __init__
# (which costs twice as much): a new object, then its slots set directly.
_CHANGE_SLOTS = [
    inspect.getattr_static(Change, name).__set__
    for name in ("kind", "id", "index", "_delta", "_event", "position", "_state", "_fixed")
]


def make_change(
    kind: str,
    object_id: str,
    index: int | None,
    delta: Any,
    event: Any,
    position: int,
    state: ObjectState | None = None,
    fixed: Any = None,
) -> Change[Any, Any, Any]:
    """A :class:`Change`, made fast (``delta`` and ``event`` may be :class:`Lazy`)."""
    change: Change[Any, Any, Any] = object.__new__(Change)
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


class SnapshotView(Mapping[str, Any]):
    """A read-only mapping of id -> snapshot, built on access, in order of first appearance."""

    __slots__ = ("_states",)

    def __init__(self, states: dict[str, ObjectState]) -> None:
        self._states = states

    def __getitem__(self, key: str) -> Any:
        return self._states[key].snapshot()

    def __iter__(self) -> Iterator[str]:
        return iter(self._states)

    def __len__(self) -> int:
        return len(self._states)

    def __repr__(self) -> str:
        return f"<snapshots of {len(self._states)}: {list(self._states)}>"
