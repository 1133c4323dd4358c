"""An accumulator as JSON, and small JSON patches that keep a copy of that JSON up to date.

Sans-IO and stdlib-only beyond streamkit itself: nothing here reads, writes or waits. A
server that shows a stream in a browser (``streamkit serve``, or your own) holds an
accumulator and a :class:`PatchEncoder`; after each event it sends the encoder's patches
(over SSE with :func:`streamkit.encode_sse`, over a websocket, anywhere), and a client that
applies them in order (:func:`apply_patch`, or the twenty lines of JavaScript in
``streamkit/_web/static/app.js``) holds what :func:`export_json` gives at that moment.

:func:`export_json` is the whole state, for a first load or a ``/snapshot`` endpoint::

    {"protocol": "assistants", "threads": [...], "runs": [...], "run_steps": [...],
     "messages": [...], "errors": [...], "anomalies": [...], "done": false}
    {"protocol": "responses", "responses": [...], "partial_images": {item id: base64},
     "errors": [...], "anomalies": [...], "done": false}

Objects are their wire JSON (:func:`streamkit.to_dict`), in the order they first came.

A patch is a list of operations, each a JSON object with a ``path`` (keys and list indexes
from the document's root):

* ``{"op": "set", "path": [...], "value": v}``: put ``v`` there (a new key, or a
  replacement); ``"path": []`` replaces the whole document;
* ``{"op": "append", "path": [...], "value": "text"}``: add text to the end of the string
  there -- streamed text, code and arguments travel as their deltas;
* ``{"op": "push", "path": [...], "value": v}``: add ``v`` to the end of the list there;
* ``{"op": "remove", "path": [...]}``: delete the key there.

Patches are small: an object is sent whole when it first appears, then only what changed
in it (for a delta, one ``append`` of the delta's text), whatever the object's size.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import attrs

from streamkit._engine.changes import Change
from streamkit._engine.convert import to_dict

__all__ = ["PatchEncoder", "PatchError", "apply_patch", "export_json"]

#: The collections of each protocol's export, by the accumulator's attribute names.
_ASSISTANTS = ("threads", "runs", "run_steps", "messages")

# Assistants Change kinds (by the part before the first dot) -> the collection they change.
_ASSISTANTS_UNITS = {
    "thread": "threads",
    "run": "runs",
    "step": "run_steps",
    "tool_call": "run_steps",  # Change.id is the step's id
    "message": "messages",
    "text": "messages",
    "refusal": "messages",
    "image_file": "messages",
    "image_url": "messages",
    "content": "messages",
}

#: Change kinds that change no object of the export (what they do change -- errors,
#: anomalies, the end -- is compared at every call).
_NO_UNIT = frozenset({"error", "unknown", "end"})


class PatchError(ValueError):
    """A patch operation that does not fit the document (a missing path, a wrong type).

    The message names the operation's number and kind and how deep its path went, never
    the values.
    """


def _is_responses(accumulator: Any) -> bool:
    # Duck-typed, so that neither protocol's module is imported for the other's stream.
    return hasattr(accumulator, "partial_images")


def export_json(accumulator: Any) -> dict[str, Any]:
    """The whole state of an accumulator as plain JSON (what ``json.dumps`` takes).

    Args:
        accumulator: a :class:`streamkit.Accumulator` or :class:`streamkit.ResponseAccumulator`.

    Returns:
        For an Assistants stream, ``protocol`` (``"assistants"``), ``threads``, ``runs``,
        ``run_steps`` and ``messages`` (wire JSON, in first-appearance order), ``errors``
        (the server's ``error`` events), ``anomalies`` (:class:`streamkit.Anomaly` as dicts)
        and ``done`` (the stream's end marker came). For a Responses stream, ``protocol``
        (``"responses"``), ``responses``, ``partial_images`` (the latest partial image of
        each image-generation item, base64, by item id), ``errors``, ``anomalies`` and
        ``done``. The result shares nothing with the accumulator.
    """
    doc: dict[str, Any]
    if _is_responses(accumulator):
        doc = {
            "protocol": "responses",
            "responses": [to_dict(response) for response in accumulator.responses.values()],
            "partial_images": dict(accumulator.partial_images),
        }
    else:
        doc = {"protocol": "assistants"}
        for name in _ASSISTANTS:
            doc[name] = [to_dict(obj) for obj in getattr(accumulator, name).values()]
    doc["errors"] = [to_dict(error) for error in accumulator.errors]
    doc["anomalies"] = [attrs.asdict(anomaly) for anomaly in accumulator.anomalies]
    doc["done"] = bool(accumulator.done)
    return doc


def _copy(value: Any) -> Any:
    """A deep copy of plain JSON (strings and numbers are shared: they are immutable)."""
    cls = value.__class__
    if cls is dict:
        return {key: _copy(item) for key, item in value.items()}
    if cls is list:
        return [_copy(item) for item in value]
    return value


def _fail(number: int, op: str, depth: int, what: str) -> PatchError:
    return PatchError(f"patch operation {number} ({op}): {what} at path depth {depth}")


def _parent(document: Any, path: Sequence[Any], number: int, op: str) -> Any:
    """The container that holds ``path``'s last key."""
    node = document
    for depth, key in enumerate(path[:-1]):
        if node.__class__ is list and (key.__class__ is not int or key < 0):
            raise _fail(number, op, depth, "not a list index")
        try:
            node = node[key]
        except (KeyError, IndexError, TypeError):
            raise _fail(number, op, depth, "no such key or index") from None
        if node.__class__ is not dict and node.__class__ is not list:
            raise _fail(number, op, depth, "not an object or a list")
    return node


def _apply(document: Any, ops: Iterable[Mapping[str, Any]], *, copy: bool) -> Any:
    for number, operation in enumerate(ops, 1):
        op = operation.get("op")
        path = operation.get("path")
        if not isinstance(path, list | tuple):
            raise PatchError(f"patch operation {number}: its path is not a list")
        value = operation.get("value")
        if copy:
            value = _copy(value)
        if op == "set" and not path:
            document = value
            continue
        if not path:
            raise _fail(number, str(op), 0, "an empty path")
        parent = _parent(document, path, number, str(op))
        key = path[-1]
        depth = len(path) - 1
        if parent.__class__ is list and (key.__class__ is not int or key < 0):
            raise _fail(number, str(op), depth, "not a list index")
        try:
            if op == "set":
                if parent.__class__ is list and key == len(parent):
                    parent.append(value)
                else:
                    parent[key] = value
            elif op == "append":
                current = parent[key]
                if current.__class__ is not str or value.__class__ is not str:
                    raise _fail(number, op, depth, "not a string")
                parent[key] = current + value
            elif op == "push":
                target = parent[key]
                if target.__class__ is not list:
                    raise _fail(number, op, depth, "not a list")
                target.append(value)
            elif op == "remove":
                del parent[key]
            else:
                raise PatchError(f"patch operation {number}: unknown op")
        except (KeyError, IndexError, TypeError):
            raise _fail(number, str(op), depth, "no such key or index") from None
    return document


def apply_patch(document: Any, ops: Iterable[Mapping[str, Any]]) -> Any:
    """Apply patch operations (see the module's docs) to ``document``, in order.

    What a client of ``streamkit serve``'s ``/events`` (or of your own server using
    :class:`PatchEncoder`) does with each message; the page's JavaScript does the same.

    Args:
        document: the JSON so far (``{}`` before the first patch); changed in place.
        ops: the operations, e.g. ``json.loads`` of one ``/events`` message.

    Returns:
        The document (a new one only when an operation set the whole document).

    Raises:
        PatchError: an operation does not fit the document (the operations before it
            were applied).
    """
    return _apply(document, ops, copy=False)


def _diff(old: Any, new: Any, path: list[Any], ops: list[dict[str, Any]]) -> None:
    """The operations that turn ``old`` into ``new`` at ``path``: small where they can be."""
    if old is new:
        return
    cls = new.__class__
    if cls is not old.__class__:
        ops.append({"op": "set", "path": path, "value": new})
    elif cls is str:
        if old != new:
            if new.startswith(old):  # streamed text grew: send what was added
                ops.append({"op": "append", "path": path, "value": new[len(old) :]})
            else:
                ops.append({"op": "set", "path": path, "value": new})
    elif cls is dict:
        for key, value in new.items():
            if key in old:
                _diff(old[key], value, [*path, key], ops)
            else:
                ops.append({"op": "set", "path": [*path, key], "value": value})
        ops.extend({"op": "remove", "path": [*path, key]} for key in old if key not in new)
    elif cls is list:
        if len(new) < len(old):
            ops.append({"op": "set", "path": path, "value": new})
            return
        for index, item in enumerate(old):
            _diff(item, new[index], [*path, index], ops)
        ops.extend({"op": "push", "path": path, "value": item} for item in new[len(old) :])
    elif old != new:
        ops.append({"op": "set", "path": path, "value": new})


def _object_id(obj: Any) -> str | None:
    """An object's ``id`` (a model's or an unknown object's), else None."""
    raw = getattr(obj, "raw", None)
    value = raw.get("id") if isinstance(raw, Mapping) else getattr(obj, "id", None)
    return value if isinstance(value, str) and value else None


class PatchEncoder:
    """Turns an accumulator's Changes into small JSON patches of its :func:`export_json`.

    Feed the accumulator, then hand the Changes it returned to :meth:`encode`; send what
    comes back. A client that applies every patch, in order, to ``{}`` holds exactly
    ``export_json(accumulator)``::

        accumulator = streamkit.ResponseAccumulator(strict=False)
        encoder = streamkit.PatchEncoder(accumulator)
        for event in events:
            ops = encoder.encode(accumulator.feed(event))
            if ops:
                send(streamkit.encode_sse(json.dumps(ops), event="patch", id=str(number)))

    Only the objects the Changes name are compared with what was sent, and only their
    parts that changed are sent: a delta costs one ``append`` of its text. An object the
    encoder has not seen is sent whole. Sans-IO: no I/O, no threads, no clock.

    Args:
        accumulator: the :class:`streamkit.Accumulator` or :class:`streamkit.ResponseAccumulator`
            whose Changes will be encoded.

    Attributes:
        accumulator: that accumulator.
    """

    def __init__(self, accumulator: Any) -> None:
        self.accumulator = accumulator
        self._responses = _is_responses(accumulator)
        # What a client holds once it applied everything sent so far (values are copies).
        self._state: dict[str, Any] = {}
        # (collection, id) -> the object's index in its list, and the snapshot last compared.
        self._index: dict[tuple[str, str], int] = {}
        self._seen: dict[tuple[str, str], Any] = {}

    @property
    def state(self) -> Mapping[str, Any]:
        """The document as a client holds it after every patch so far (do not change it)."""
        return self._state

    def sync(self) -> list[dict[str, Any]]:
        """The patch from what was sent to the accumulator's whole state, whatever changed.

        For an accumulator fed without its Changes reaching :meth:`encode` (or to check);
        it compares everything, so it costs the size of the state.
        """
        ops: list[dict[str, Any]] = []
        _diff(self._state, export_json(self.accumulator), [], ops)
        self._state = _apply(self._state, ops, copy=True)
        self._reindex()
        return ops

    def _reindex(self) -> None:
        self._seen.clear()
        self._index.clear()
        names = ("responses",) if self._responses else _ASSISTANTS
        for name in names:
            for index, object_id in enumerate(getattr(self.accumulator, name)):
                self._index[(name, object_id)] = index

    def encode(self, changes: Iterable[Change[Any, Any, Any]]) -> list[dict[str, Any]]:
        """The patch for what ``changes`` (the Changes of one or more events) changed.

        Args:
            changes: the Changes the accumulator returned since the last call, in order.

        Returns:
            The operations (see :mod:`this module's docs <streamkit._export>`); ``[]`` when
            nothing a client holds changed (a keep-alive, a repeated event).
        """
        if not self._state:
            return self.sync()  # the first patch: the whole (young) state
        ops: list[dict[str, Any]] = []
        if self._responses:
            self._encode_responses(changes, ops)
        else:
            self._encode_assistants(changes, ops)
        self._encode_lists(ops)
        return ops

    # -- the objects --

    def _emit(self, new_ops: list[dict[str, Any]], ops: list[dict[str, Any]]) -> None:
        if new_ops:
            self._state = _apply(self._state, new_ops, copy=True)
            ops += new_ops

    def _object(self, name: str, object_id: str, snapshot: Any, ops: list[dict[str, Any]]) -> None:
        """Compare one object of the collection ``name`` with what was sent; send the change."""
        key = (name, object_id)
        if self._seen.get(key) is snapshot:
            return  # snapshots are rebuilt only when their object changed
        self._seen[key] = snapshot
        new_ops: list[dict[str, Any]] = []
        index = self._index.get(key)
        if index is None:
            self._index[key] = len(self._state[name])
            new_ops.append({"op": "push", "path": [name], "value": to_dict(snapshot)})
        else:
            _diff(self._state[name][index], to_dict(snapshot), [name, index], new_ops)
        self._emit(new_ops, ops)

    def _encode_assistants(
        self, changes: Iterable[Change[Any, Any, Any]], ops: list[dict[str, Any]]
    ) -> None:
        touched: dict[tuple[str, str], None] = {}
        for change in changes:
            kind = change.kind
            if kind in _NO_UNIT:
                continue
            name = _ASSISTANTS_UNITS.get(kind.partition(".")[0])
            if name is None:
                ops += self.sync()  # a kind this encoder does not know: compare everything
                return
            touched[(name, change.id)] = None
        for name, object_id in touched:
            snapshot = getattr(self.accumulator, name).get(object_id)
            if snapshot is None:
                ops += self.sync()
                return
            self._object(name, object_id, snapshot, ops)

    def _encode_responses(
        self, changes: Iterable[Change[Any, Any, Any]], ops: list[dict[str, Any]]
    ) -> None:
        whole: dict[str, None] = {}  # responses compared whole: their envelope changed
        items: dict[str, None] = {}  # items of the current response compared alone
        accumulator = self.accumulator
        for change in changes:
            kind = change.kind
            if kind in _NO_UNIT:
                continue
            if kind.startswith(("response.", "audio.")):
                whole[change.id] = None
            else:
                items[change.id] = None
        current = accumulator.response if items else None
        if current is not None and (current.id in whole or "" in items):
            items.clear()  # compared whole below
            whole[current.id] = None
        for response_id in whole:
            snapshot = accumulator.responses.get(response_id)
            if snapshot is None:
                ops += self.sync()
                return
            self._object("responses", response_id, snapshot, ops)
        if not items or current is None:
            return
        index = self._index.get(("responses", current.id))
        if index is None:
            self._object("responses", current.id, current, ops)
            return
        sent = self._state["responses"][index].get("output")
        positions = {_object_id(item): j for j, item in enumerate(current.output)}
        for item_id in items:
            j = positions.get(item_id)
            old = sent[j] if isinstance(sent, list) and j is not None and j < len(sent) else None
            if j is None or not isinstance(old, dict) or old.get("id") != item_id:
                # Moved, new, or not where it was sent: the response is compared whole.
                self._object("responses", current.id, current, ops)
                return
            new_ops: list[dict[str, Any]] = []
            path = ["responses", index, "output", j]
            _diff(old, to_dict(current.output[j]), path, new_ops)
            self._emit(new_ops, ops)
        # The response changed through its items only: no need to compare it whole next time.
        self._seen[("responses", current.id)] = current

    # -- what any event may change --

    def _encode_lists(self, ops: list[dict[str, Any]]) -> None:
        """Errors and anomalies added, the end marker, the partial images."""
        accumulator = self.accumulator
        state = self._state
        new_ops: list[dict[str, Any]] = []
        for name, values, convert in (
            ("errors", accumulator.errors, to_dict),
            ("anomalies", accumulator.anomalies, attrs.asdict),
        ):
            sent = len(state[name])
            if len(values) != sent:
                if len(values) < sent:
                    new_ops.append({"op": "set", "path": [name], "value": []})
                    sent = 0
                new_ops += [
                    {"op": "push", "path": [name], "value": convert(value)}
                    for value in values[sent:]
                ]
        done = bool(accumulator.done)
        if state["done"] is not done:
            new_ops.append({"op": "set", "path": ["done"], "value": done})
        if self._responses:
            images = accumulator.partial_images
            sent_images = state["partial_images"]
            for item_id, image in images.items():
                if sent_images.get(item_id) is not image:
                    new_ops.append(
                        {"op": "set", "path": ["partial_images", item_id], "value": image}
                    )
            new_ops += [
                {"op": "remove", "path": ["partial_images", item_id]}
                for item_id in sent_images
                if item_id not in images
            ]
        self._emit(new_ops, ops)
