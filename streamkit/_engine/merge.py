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
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeAlias

from streamkit._engine.convert import copy_json, json_type
from streamkit._engine.nodes import Frags, Node, Slots
from streamkit._engine.plan import Members, members_of, plan_for
from streamkit.models.base import Model

__all__ = [
    "MAX_INDEX_GAP",
    "MISSING",
    "BadShape",
    "Path",
    "Problem",
    "Tx",
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


class Tx:
    """One event's mutations, logged so that a bad event is rolled back whole."""

    __slots__ = ("conflicts", "lenient", "undo")

    def __init__(self, lenient: bool) -> None:
        #: (container, key, old value); for Frags: (frags, None, old length).
        self.undo: list[tuple[Any, Any, Any]] = []
        self.lenient = lenient
        self.conflicts: list[Problem] = []

    def begin(self, lenient: bool) -> Tx:
        """Empty the log for the next event (one object is reused: events are many)."""
        self.undo.clear()
        self.conflicts.clear()
        self.lenient = lenient
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
# fields, the members by tag for objects and slots.

_Op: TypeAlias = tuple[str, str, Any]
_OPS: dict[type, tuple[tuple[_Op, ...], frozenset[str]]] = {}


def plan_of(cls: type[Model]) -> tuple[tuple[_Op, ...], frozenset[str]]:
    """The merge's view of a class's plan, and its known wire keys (made once, on first use)."""
    found = _OPS.get(cls)
    if found is not None:
        return found
    plan = plan_for(cls)
    ops: list[_Op] = []
    for field in plan.fields:
        if field.name == "index":  # placement, never a snapshot field
            continue
        role = field.role
        if role == "append":
            ops.append(("append", field.name, None))
        elif role in ("object", "slots"):
            ops.append((role, field.name, field.members))
        else:  # set and free: set once, with the JSON-type check if the kind has one
            ops.append(("set", field.name, field.check))
    _OPS[cls] = found = (tuple(ops), plan.known)
    return found


# --- Merging ------------------------------------------------------------------------


def merge_object(cls: type, d: Any, node: Node, path: Path, tx: Tx) -> None:
    """Merge the parsed JSON ``d`` of a delta object of class ``cls`` into its node.

    Each value's JSON type is checked as the converter would (a wrong one is a
    parse error, and the whole event is rolled back).
    """
    if d.__class__ is not dict:
        raise BadShape(path, "an object", d)
    node.cache = None
    undo = tx.undo
    plan, known = _OPS.get(cls) or plan_of(cls)
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
                node[name] = copy_json(value) if value.__class__ in (dict, list) else value
            elif current != value:
                tx.conflict((path, name), "a set-once value was sent again, different")
        elif op == "object":
            if value.__class__ is not dict:
                raise BadShape((path, name), "an object", value)
            tagged, untagged, _strings = extra
            tag = value.get("type")
            if tag is not None and tag.__class__ is not str:
                raise BadShape(((path, name), "type"), "a string", tag)
            if current is MISSING or current is None:
                undo.append((node, name, current))
                current = node[name] = Node()
            elif current.__class__ is dict:
                # Kept raw while its type was unknown (a first delta without
                # `type`): from now on it is merged as the object it is.
                current = Node(current)
                tx.set(node, name, current)
            elif current.__class__ is not Node:
                raise Problem("type_conflict", (path, name), "an object where a value was held")
            elif tag is not None and current.get("type") not in (None, tag):
                raise Problem("type_conflict", (path, name), "the object's type changed")
            member = tagged.get(tag) if tag is not None else None
            if member is None:
                member = untagged or tagged.get(current.get("type"))
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
            elif current.__class__ is list:
                current = _raw_slots(current, (path, name))  # kept raw, as above
                tx.set(node, name, current)
            elif current.__class__ is not Slots:
                raise Problem("type_conflict", (path, name), "a list where a value was held")
            merge_entries(value, current, extra, (path, name), tx)
    # Keys this version does not know: kept, set once, as for unknown objects.
    if not known.issuperset(d):
        merge_raw({k: v for k, v in d.items() if k not in known}, node, path, tx)


def _raw_slots(entries: list[Any], path: Path) -> Slots:
    """Index-keyed entries kept raw (by merge_raw) as slots, each under its own ``index``."""
    slots = Slots()
    for entry in entries:
        index = entry.get("index") if entry.__class__ is dict else None
        if index.__class__ is not int or index < 0 or index in slots:
            raise Problem("type_conflict", path, "a list held without valid indexes")
        slots[index] = Node({k: v for k, v in entry.items() if k != "index"})
    return slots


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
            merge_object(member, entry, node, (path, index), tx)
        placed.append((index, is_new, entry, member))
    return placed


def merge_raw(raw: Mapping[str, Any], node: Node, path: Path, tx: Tx) -> None:
    """An object of a type this version does not know: keys are set once, never appended."""
    node.cache = None
    for key, value in raw.items():
        if key == "index" or value is None:
            continue
        current = node.get(key)
        if current is None:
            tx.set(node, key, copy_json(value))  # thawed: the node holds plain JSON
        elif current != value:
            tx.conflict((path, key), "a value of an unknown object was sent again, different")


def _first(pair: tuple[int, Any]) -> int:
    return pair[0]


# --- Whole objects ------------------------------------------------------------------


def to_node(value: Any, cls: type | None) -> Any:
    """A whole object's wire JSON as a node tree of class ``cls`` (None: unknown type).

    Objects become :class:`Node`, index-keyed lists of objects :class:`Slots`
    (entry ``i`` at index ``i``); free-form values stay plain JSON. ``value``
    is taken over, not copied.
    """
    if value.__class__ is not dict:
        return value
    node = Node(value)
    if cls is None:
        for key, item in value.items():
            if item.__class__ is dict:
                node[key] = to_node(item, None)
        return node
    plan, _known = _OPS.get(cls) or plan_of(cls)
    for op, name, extra in plan:
        item = value.get(name)
        if item is None:
            continue
        if op == "object" and item.__class__ is dict:
            node[name] = to_node(item, _member(extra, item))
        elif op == "slots" and item.__class__ is list:
            node[name] = Slots(enumerate(to_node(e, _member(extra, e)) for e in item))
    return node


def _member(members: Members, value: Any) -> type[Model] | None:
    tagged, untagged, _strings = members
    tag = value.get("type") if value.__class__ is dict else None
    found = tagged.get(tag) if tag.__class__ is str else None
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
    if len(found) >= 5:
        return
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
