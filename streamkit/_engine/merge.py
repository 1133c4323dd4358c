"""The merge: delta JSON into nodes, by a plan per model class, transactionally.

Protocol-neutral: it knows model classes and their fields, not events. Each
object under accumulation is a :class:`~streamkit._engine.nodes.Node` tree
(see :mod:`streamkit._engine.nodes`). A delta object is merged from its
parsed JSON, walking it with the plan of its class: ``set`` (ids, types,
names, offsets, enums, numbers and booleans: set once; a later different
value is a conflict), ``append`` (streamed text), ``object`` (nested),
``slots`` (index-keyed lists). JSON types are checked on the way, as the
converter checks them. Every node the merge changes has its cached model
dropped, so a snapshot read afterwards rebuilds only what changed.

Every mutation is logged in a :class:`Tx` so that a delta found bad half-way
is rolled back: nothing of a rejected delta is ever applied.

**What is stored is what snapshots can read.** A node is read as a snapshot
class (a ``ToolCall``), while deltas are merged by a delta class's plan (a
``ToolCallDelta``); :func:`build_as` pairs the two, and every value the merge
stores is checked against both plans: a value the delta class leaves
free-form but the snapshot class types (``file_search``) with the snapshot's
structure hook, arrays, maps and free-form values to their leaves (free-form
JSON to :data:`~streamkit._engine.convert.MAX_DEPTH` levels). An object kept
raw while its ``type`` was unknown is checked whole when a delta names its
type (and merged anew as that type). So building a snapshot never fails on
what a stream sent: a bad value is refused when it arrives, rolling its event
back.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeAlias

from streamkit._engine.convert import (
    MAX_DEPTH,
    ShapeError,
    check_depth,
    copy_json,
    json_type,
    kind_structurer,
)
from streamkit._engine.nodes import Frags, Node, Slots, plain
from streamkit._engine.plan import FieldPlan, Members, members_of, plan_for
from streamkit.models.base import Model

__all__ = [
    "MAX_INDEX_GAP",
    "MISSING",
    "SHALLOW_TEXT",
    "BadShape",
    "Path",
    "Problem",
    "Tx",
    "adopt",
    "bad_shape",
    "build_as",
    "check_unknown_keys",
    "members_of",
    "merge_entries",
    "merge_object",
    "merge_raw",
    "mismatches",
    "plan_of",
    "to_node",
    "touch",
]

#: How far past the largest index already present a new ``index`` may land.
#: Larger ones are rejected before anything is allocated (a stream cannot make
#: the accumulator build a list of a billion holes).
MAX_INDEX_GAP = 1024

#: A key not present (``None`` is a value: JSON null).
MISSING: Any = object()

#: JSON text of at most this many characters cannot nest past MAX_DEPTH
#: anywhere (each level takes an opening and a closing bracket).
SHALLOW_TEXT = 2 * MAX_DEPTH + 1

# A field path is built only when something goes wrong: the merge passes a
# chain of (parent, segment) tuples, flattened by _path() into "a.b[3].c".
Path: TypeAlias = tuple[Any, str | int] | str


def _path(chain: Path) -> str:
    segments: list[str] = []
    while isinstance(chain, tuple):
        chain, segment = chain
        segments.append(f"[{segment}]" if isinstance(segment, int) else f".{segment}")
    return chain + "".join(reversed(segments))


class Problem(Exception):
    """Raised inside a merge; the engine turns it into an error or an anomaly."""

    def __init__(self, kind: str, path: Path, reason: str) -> None:
        super().__init__(reason)
        self.kind = kind
        self.path = _path(path)
        self.reason = reason


class BadShape(Problem):
    """A value of the wrong JSON type, found while merging parsed JSON (a ParseError)."""

    def __init__(self, path: Path, expected: str, got: Any) -> None:
        super().__init__("parse", path, f"expected {expected}, got {json_type(got)}")


def bad_shape(path: Path, error: ShapeError) -> BadShape:
    """The :class:`BadShape` of a converter's shape error found in the value at ``path``."""
    for segment in error.path:
        path = (path, segment)
    return BadShape(path, error.expected, error.got)


class Tx:
    """One event's mutations, logged so that a bad event is rolled back whole."""

    __slots__ = ("conflicts", "lenient", "shallow", "undo")

    def __init__(self, lenient: bool) -> None:
        #: (container, key, old value); for Frags: (frags, None, old length).
        self.undo: list[tuple[Any, Any, Any]] = []
        self.lenient = lenient
        self.conflicts: list[Problem] = []
        #: Whether the event's JSON is known to nest nowhere near MAX_DEPTH
        #: (its text is too short to): checks of depth alone may be skipped.
        self.shallow = False

    def begin(self, lenient: bool, shallow: bool = False) -> Tx:
        """Empty the log for the next event (one object is reused: events are many)."""
        self.undo.clear()
        self.conflicts.clear()
        self.lenient = lenient
        self.shallow = shallow
        return self

    def set(self, node: dict[Any, Any], key: Any, value: Any) -> None:
        """Set ``node[key]``, logged."""
        self.undo.append((node, key, node.get(key, MISSING)))
        node[key] = value

    def conflict(self, path: Path, reason: str) -> None:
        """A set-once value sent again, different: an error, or (lenient) noted and skipped."""
        self.problem("conflict", path, reason)

    def problem(self, kind: str, path: Path, reason: str) -> None:
        """A problem that rejects the event in strict mode and is only noted in lenient mode."""
        problem = Problem(kind, path, reason)
        if not self.lenient:
            raise problem
        self.conflicts.append(problem)

    def rollback(self) -> None:
        """Undo every logged mutation, newest first."""
        for container, key, old in reversed(self.undo):
            if key is None and container.__class__ is Frags:
                del container[old:]
            elif old is MISSING:
                del container[key]
            else:
                container[key] = old
        self.undo.clear()


def touch(node: Node) -> None:
    """Drop a node's cached model: it changed (its ancestors must be touched too)."""
    node.cache = None


# --- Plans ------------------------------------------------------------------------------
#
# The merge reads each class's fields from the one schema plan
# (streamkit._engine.plan), compacted once per class into (role, name,
# extra) tuples for the hot loop: extra is the JSON-type check for set
# fields of a scalar, (check, structure hooks) for other stored values, the
# members by tag for objects and slots.

_Op: TypeAlias = tuple[str, str, Any]
#: (ops, known wire keys, structure hook by key for keys only the snapshot class knows).
_Plan: TypeAlias = tuple[tuple[_Op, ...], frozenset[str], Mapping[str, Any]]
_OPS: dict[type, _Plan] = {}
# Delta class -> the class its nodes are read as (see build_as).
_BUILT_AS: dict[type, type] = {}
_SCALARS = frozenset({"str", "int", "float", "bool"})


def build_as(delta: type[Model], snapshot: type[Model]) -> None:
    """Declare that nodes merged from ``delta`` objects are read as ``snapshot`` objects.

    Pairs the two classes' fields by name, nested objects and entries by
    their ``type`` tags, all the way down; the merge then checks every value it
    stores against the snapshot's plan too (see the module docstring).

    Raises:
        TypeError: the two plans cannot be paired so that every stored value
            is checked: a nested object or list against a scalar, a type tag
            the snapshot knows and the delta does not, or a class already
            paired with another one.
    """
    held = _BUILT_AS.get(delta)
    if held is snapshot:
        return
    if held is not None:
        msg = f"{delta.__name__} is read as {held.__name__} already, not {snapshot.__name__}"
        raise TypeError(msg)
    _BUILT_AS[delta] = snapshot
    _OPS.pop(delta, None)
    snapshot_fields = plan_for(snapshot).by_name
    for field in plan_for(delta).fields:
        other = snapshot_fields.get(field.name)
        if other is None or field.name == "index":
            continue
        if field.role in ("object", "slots"):
            if other.role not in ("object", "slots", "free"):
                msg = f"{delta.__name__}.{field.name}: an object where {snapshot.__name__} reads"
                raise TypeError(f"{msg} {other.kind!r}")
            if other.role != "free":
                _pair_members(field, other)
        elif field.role == "append" and other.kind != ("str",):
            msg = f"{delta.__name__}.{field.name}: text where {snapshot.__name__} reads"
            raise TypeError(f"{msg} {other.kind!r}")


def _pair_members(field: FieldPlan, other: FieldPlan) -> None:
    ours, theirs = field.members, other.members
    # Object and slots fields have members.
    assert ours is not None
    assert theirs is not None
    for tag, cls in theirs.tagged.items():
        member = ours.tagged.get(tag)
        if member is None:
            msg = f"{field.name}: deltas know no type {tag!r} to check {cls.__name__} by"
            raise TypeError(msg)
        build_as(member, cls)
    if ours.untagged is not None and theirs.untagged is not None:
        build_as(ours.untagged, theirs.untagged)


def plan_of(cls: type[Model]) -> _Plan:
    """The merge's view of a class's plan (made once, on first use): see ``_Plan``."""
    found = _OPS.get(cls)
    if found is not None:
        return found
    plan = plan_for(cls)
    snapshot = _BUILT_AS.get(cls)
    snapshot_fields = plan_for(snapshot).by_name if snapshot is not None else {}
    ops: list[_Op] = []
    for field in plan.fields:
        if field.name == "index":  # placement, never a snapshot field
            continue
        role = field.role
        if role == "append":
            ops.append(("append", field.name, None))
        elif role in ("object", "slots"):
            ops.append((role, field.name, field.members))
        else:  # set and free: set once
            kinds = [field.kind]
            other = snapshot_fields.get(field.name)
            if other is not None and other.kind != field.kind:
                kinds.append(other.kind)
            if len(kinds) == 1 and field.kind[0] in _SCALARS:
                ops.append(("set", field.name, field.check))  # the JSON type says it all
            else:
                hooks = tuple(kind_structurer(kind) for kind in kinds)
                ops.append(("value", field.name, (field.check, hooks)))
    snapshot_only = {
        name: kind_structurer(other.kind)
        for name, other in snapshot_fields.items()
        if name not in plan.known
    }
    _OPS[cls] = found = (tuple(ops), plan.known, snapshot_only)
    return found


# --- Merging ------------------------------------------------------------------------


def merge_object(cls: type, d: Any, node: Node, path: Path, tx: Tx) -> None:
    """Merge the parsed JSON ``d`` of a delta object of class ``cls`` into its node.

    Each value's JSON type is checked as the converter would (a wrong one is a
    parse error, and the whole event is rolled back); a stored value is also
    checked as the snapshot reads it (see the module docstring).
    """
    if d.__class__ is not dict:
        raise BadShape(path, "an object", d)
    node.cache = None
    undo = tx.undo
    plan, known, snapshot_only = _OPS.get(cls) or plan_of(cls)
    for op, name, extra in plan:
        value = d.get(name, MISSING)
        if value is MISSING:
            continue
        if value is None:
            if name not in node:  # first seen as null: kept as null
                undo.append((node, name, MISSING))
                node[name] = None
            continue
        current = node.get(name, MISSING)
        if op == "append":
            if value.__class__ is not str:
                raise BadShape((path, name), "a string", value)
            if current.__class__ is Frags:
                undo.append((current, None, len(current)))
                current.append(value)
            elif current is MISSING or current is None:
                undo.append((node, name, current))
                node[name] = Frags((value,))
            elif current.__class__ is str:
                undo.append((node, name, current))
                node[name] = Frags((current, value))
            else:
                raise Problem("type_conflict", (path, name), "text appended to a non-text value")
        elif op == "set":
            if extra is not None and value.__class__ not in extra.classes:
                raise BadShape((path, name), extra.expected, value)
            if current is MISSING or current is None:
                undo.append((node, name, current))
                node[name] = value
            elif current != value:
                tx.conflict((path, name), "a set-once value was sent again, different")
        elif op == "value":
            check, hooks = extra
            if check is not None and value.__class__ not in check.classes:
                raise BadShape((path, name), check.expected, value)
            if current is MISSING or current is None:
                stored = _checked_copy(value, hooks, (path, name))
                undo.append((node, name, current))
                node[name] = stored
            elif current != value:
                tx.conflict((path, name), "a set-once value was sent again, different")
        elif op == "object":
            if value.__class__ is not dict:
                raise BadShape((path, name), "an object", value)
            tagged, untagged, _strings = extra
            tag = value.get("type")
            if current is MISSING or current is None:
                undo.append((node, name, current))
                current = node[name] = Node()
            elif current.__class__ is not Node and current.__class__ is not dict:
                raise Problem("type_conflict", (path, name), "an object where a value was held")
            typed_now = False
            if tag is not None:
                if tag.__class__ is not str:
                    raise BadShape(((path, name), "type"), "a string", tag)
                held = current.get("type")
                if held is not None and held != tag:
                    raise Problem("type_conflict", (path, name), "the object's type changed")
                member = tagged.get(tag) or untagged
                # Held without a type and no class takes it untyped: it was kept raw.
                typed_now = held is None and untagged is None and len(current) > 0
            elif untagged is not None:
                member = untagged
            else:
                held = current.get("type")
                member = tagged.get(held) if held.__class__ is str else None
            if member is not None and (typed_now or current.__class__ is dict):
                # Kept raw while its type was unknown: from now on it is the
                # object it is, so what was held is checked and merged as such.
                current = adopt(member, current, (path, name), tx)
                tx.set(node, name, current)
            elif current.__class__ is dict:
                current = Node(current)
                tx.set(node, name, current)
            if member is None:
                merge_raw(value, current, (path, name), tx)
            else:
                merge_object(member, value, current, (path, name), tx)
        else:  # slots
            if value.__class__ is not list:
                raise BadShape((path, name), "an array", value)
            if current is MISSING or current is None:
                undo.append((node, name, current))
                current = node[name] = Slots()
            elif current.__class__ is not Slots:
                # (An object kept raw is merged anew when typed, see adopt:
                # a typed node never holds a raw list here.)
                raise Problem("type_conflict", (path, name), "a list where a value was held")
            merge_entries(value, current, extra, (path, name), tx)
    # Keys this version does not know: kept, set once, as for unknown objects.
    if not known.issuperset(d):
        unknown = {k: v for k, v in d.items() if k not in known}
        merge_raw(unknown, node, path, tx, snapshot_only)


def adopt(cls: type, held: Any, path: Path, tx: Tx) -> Node:
    """A node of class ``cls`` holding what was kept raw in ``held``, checked as ``cls``.

    For an object kept raw while its type was unknown, once a delta names it.

    Raises:
        Problem: what was held is not of the shape of ``cls``.
    """
    node = Node()
    merge_object(cls, plain(held), node, path, tx)
    return node


def _checked_copy(value: Any, hooks: tuple[Any, ...], path: Path) -> Any:
    """The copy of a set-once value to store, after the structure hooks of what reads it."""
    try:
        for hook in hooks:
            hook(value)
        return copy_json(value) if value.__class__ is dict or value.__class__ is list else value
    except ShapeError as error:
        raise bad_shape(path, error) from None


def check_unknown_keys(d: Mapping[str, Any], known: frozenset[str], path: Path) -> None:
    """Check the keys of ``d`` not in ``known`` as unknown keys are checked, storing nothing.

    For the parts of an event a route does not merge but its typed event
    holds (the unknown keys of a delta event): reading that event must not fail.
    """
    for key, value in d.items():
        if key not in known:
            try:
                check_depth(value)
            except ShapeError as error:
                raise bad_shape((path, key), error) from None


def merge_entries(
    entries: list[Any], slots: Slots, members: Members, path: Path, tx: Tx
) -> list[tuple[int, bool, Any, type | None]]:
    """Merge a delta's index-keyed entries into ``slots``.

    Returns:
        (index, is_new, entry JSON, class or None if unknown) per entry, in
        index order (an entry that omits ``type`` gets its slot's).
    """
    keyed: list[tuple[int, Any]] = []
    for position, entry in enumerate(entries):
        if entry.__class__ is not dict:
            raise BadShape((path, position), "an object", entry)
        index = entry.get("index")
        if index.__class__ is not int:
            tag = entry.get("type")
            if index is not None and tag.__class__ is str and tag in members.tagged:
                # A known type's index is typed: the converter would reject it.
                raise BadShape(((path, position), "index"), "an integer", index)
            raise Problem("bad_index", (path, position), "an entry without a valid index")
        if index < 0:
            raise Problem("bad_index", (path, position), "a negative index")
        keyed.append((index, entry))
    if len(keyed) > 1:
        keyed.sort(key=_first)
    top = len(slots) - 1
    if keyed and keyed[-1][0] > top + MAX_INDEX_GAP and slots:
        top = max(slots)
    tagged, untagged, _strings = members
    placed: list[tuple[int, bool, Any, type | None]] = []
    for index, entry in keyed:
        if index > top + MAX_INDEX_GAP:
            reason = f"index past the largest one ({top}) + {MAX_INDEX_GAP}"
            raise Problem("bad_index", (path, index), reason)
        node: Node | None = slots.get(index)
        tag = entry.get("type")
        if tag is not None and tag.__class__ is not str:
            raise BadShape(((path, index), "type"), "a string", tag)
        is_new = node is None
        held = None
        if node is None:
            node = Node({"type": tag} if tag is not None else ())
            tx.undo.append((slots, index, MISSING))
            slots[index] = node
            if index > top:
                top = index
        else:
            held = node.get("type")
            if tag is not None and held is not None and tag != held:
                raise Problem("type_conflict", (path, index), "the entry's type changed")
            if tag is None and held is not None:
                # A later delta may omit `type`: the slot keeps its own (and the
                # delta handed out says it, as the typed path's does).
                tag = held
                entry = {**entry, "type": held}
        member = tagged.get(tag) if tag is not None else untagged
        if member is None:
            merge_raw(entry, node, (path, index), tx)
        else:
            if held is None and not is_new and untagged is None and len(node) > 0:
                # Kept raw while its type was unknown: checked and merged as
                # the object it now is.
                node = adopt(member, node, (path, index), tx)
                tx.set(slots, index, node)
            merge_object(member, entry, node, (path, index), tx)
        placed.append((index, is_new, entry, member))
    return placed


def merge_raw(
    raw: Mapping[str, Any],
    node: Node,
    path: Path,
    tx: Tx,
    checks: Mapping[str, Any] | None = None,
) -> None:
    """An object of a type this version does not know: keys are set once, never appended.

    Also the keys a known class does not know. A value stored is checked as
    unknown keys are parsed (nested at most ``MAX_DEPTH`` levels) and, when
    ``checks`` has a structure hook for its key, as that hook reads it.
    """
    node.cache = None
    for key, value in raw.items():
        if key == "index" or value is None:
            continue
        current = node.get(key)
        if current is None:
            hook = checks.get(key) if checks else None
            # Thawed: the node holds plain JSON.
            tx.set(node, key, _checked_copy(value, (hook,) if hook else (), (path, key)))
        elif current != value:
            tx.conflict((path, key), "a value of an unknown object was sent again, different")


def _first(pair: tuple[int, Any]) -> int:
    return pair[0]


# --- Whole objects ------------------------------------------------------------------


def to_node(value: Any, cls: type | None, path: Path = "data") -> Any:
    """A whole object's wire JSON as a node tree of class ``cls`` (None: unknown type).

    Objects become :class:`Node`, index-keyed lists of objects :class:`Slots`
    (entry ``i`` at index ``i``); free-form values stay plain JSON. ``value``
    is taken over, not copied.

    Raises:
        BadShape: an object where a union of types is read has a ``type`` that
            is not a string (parsed input never has: parsing refuses it).
    """
    if value.__class__ is not dict:
        return value
    node = Node(value)
    if cls is None:
        for key, item in value.items():
            if item.__class__ is dict:
                node[key] = to_node(item, None)
        return node
    plan, _known, _snapshot_only = _OPS.get(cls) or plan_of(cls)
    for op, name, extra in plan:
        item = value.get(name)
        if item is None:
            continue
        if op == "object" and item.__class__ is dict:
            node[name] = to_node(item, _member(extra, item, (path, name)), (path, name))
        elif op == "slots" and item.__class__ is list:
            node[name] = Slots(
                (i, to_node(e, _member(extra, e, ((path, name), i)), ((path, name), i)))
                for i, e in enumerate(item)
            )
    return node


def _member(members: Members, value: Any, path: Path) -> type[Model] | None:
    tagged, untagged, _strings = members
    tag = value.get("type") if value.__class__ is dict else None
    if tag is not None and tag.__class__ is not str:
        raise BadShape((path, "type"), "a string", tag)
    found = tagged.get(tag) if tag is not None else None
    return found or untagged


# --- Terminal objects -----------------------------------------------------------------


def mismatches(
    held: Any, terminal: Any, path: str, found: list[str], streamed: frozenset[str]
) -> None:
    """Paths where accumulated content and a terminal object disagree (both present).

    ``streamed`` names the streamed-text keys: text that stopped early (the
    stream broke, and the object was read back) is a prefix of the whole, not
    a mismatch. At most five paths are collected.
    """
    if len(found) >= 5 or held == terminal:
        return  # equal (the usual case, compared in C): nothing differs below either
    if isinstance(held, dict) and isinstance(terminal, dict):
        for key, value in held.items():
            other = terminal.get(key)
            if value is None or other is None:
                continue
            if key in streamed and isinstance(value, str) and isinstance(other, str):
                if not other.startswith(value):
                    found.append(f"{path}.{key}")
                continue
            mismatches(value, other, f"{path}.{key}", found, streamed)
    elif isinstance(held, list) and isinstance(terminal, list):
        if len(held) > len(terminal):
            found.append(f"{path} (more entries than the terminal object)")
        for position, (a, b) in enumerate(zip(held, terminal, strict=False)):
            mismatches(a, b, f"{path}[{position}]", found, streamed)
    elif held != terminal:
        found.append(path)
