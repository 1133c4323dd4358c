"""Hypothesis strategies of damaged real recordings, for ``tests/test_fuzz.py``.

A :class:`FuzzCase` is a real recording of one protocol (Assistants:
``streamkit/recordings/*.sse``; Responses: ``tests/data/responses/*.sse`` and
the bundled Responses demo) with a few edits, encoded back to bytes, and the
sizes of the reads it is fed in. The edits are those of issue 16, placed
anywhere:

* in an event's JSON: a key deleted, a value replaced by one of the wrong JSON
  type, an index (``index``, ``output_index``, ``content_index``,
  ``summary_index``, ``annotation_index``, ``command_index``,
  ``sequence_number``) set to -1, 10**9, "0", 0.5, null or a neighbour, a
  ``type`` tag swapped for another the recording uses, an id swapped for
  another id of the recording;
* in the stream: an event duplicated, moved, swapped with another, deleted or
  renamed;
* in the bytes: a byte flipped, a line-breaking byte inserted, the stream
  truncated.

Cases are plain data (:meth:`FuzzCase.to_json`), so that a failing one is
saved under ``tests/data/fuzz/`` and replayed by the suite.
"""

from __future__ import annotations

import base64
import copy
import functools
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hypothesis import strategies as st
from hypothesis.strategies import DrawFn

import streamkit

__all__ = [
    "INDEX_KEYS",
    "PROTOCOLS",
    "FuzzCase",
    "Recording",
    "fuzz_cases",
    "recordings",
]

PROTOCOLS = ("assistants", "responses")

_REPO = Path(__file__).resolve().parent.parent
_ASSISTANTS = _REPO / "streamkit" / "recordings"
_RESPONSES = _REPO / "tests" / "data" / "responses"

#: Keys whose value places something: the fuzzer sets them to bad and neighbouring values.
INDEX_KEYS = frozenset(
    {
        "index",
        "output_index",
        "content_index",
        "summary_index",
        "annotation_index",
        "command_index",
        "sequence_number",
    }
)
# Values an index is set to; ("+", k) is the value held plus k.
_INDEX_VALUES: tuple[Any, ...] = (
    -1,
    10**9,
    "0",
    0.5,
    None,
    0,
    1,
    2,
    1025,
    True,
    2**64,
    ("+", 1),
    ("+", -1),
    ("+", 2),
)
# Values of every JSON type, one of which replaces a value "of the wrong type".
_WRONG_VALUES: tuple[Any, ...] = (
    None,
    [1],
    "x",
    0,
    {},
    [],
    -1,
    0.5,
    True,
    "",
    {"a": 1},
    {"type": [1]},
    10**9,
    "0",
    [{"index": 0}],
    -(10**20),
)
# Bytes inserted into the encoded stream: line breaks, a field colon, a NUL, invalid UTF-8.
_INSERTED = (b"\n", b"\r", b":", b"\x00", b"\xff", b"\n\n", b"{", b"data: ")
_ID_SUFFIXES = ("id", "_id")


@dataclass(frozen=True)
class Recording:
    """A recording decoded into (event name, parsed JSON or the data text) pairs."""

    name: str
    protocol: str
    events: tuple[tuple[str, Any], ...]
    #: The ids and ``type`` tags it uses (what swapped ids and types are drawn from).
    ids: tuple[str, ...]
    types: tuple[str, ...]
    names: tuple[str, ...]


@dataclass(frozen=True)
class FuzzCase:
    """A damaged stream and how it is fed.

    Attributes:
        protocol: ``assistants`` or ``responses``.
        strict: the accumulator's mode.
        data: the stream's bytes.
        reads: the read sizes, cycled (empty: one read of everything).
        typed: feed typed events (parsed first) instead of ServerSentEvents.
        dispatch_at_close: the decoder's option.
        max_event_size: the decoder's limit (None: its default).
        edits: what was done to the recording (for a human reading a saved case).
    """

    protocol: str
    strict: bool
    data: bytes
    reads: tuple[int, ...] = ()
    typed: bool = False
    dispatch_at_close: bool = False
    max_event_size: int | None = None
    edits: tuple[str, ...] = field(default=(), compare=False)

    def chunks(self) -> Iterator[bytes]:
        """The reads of :attr:`data` (at most about 2000 of them, whatever the sizes)."""
        data = self.data
        if not self.reads:
            yield data
            return
        floor = max(1, len(data) // 2000)
        at = 0
        turn = 0
        while at < len(data):
            size = max(self.reads[turn % len(self.reads)], floor)
            yield data[at : at + size]
            at += size
            turn += 1

    def to_json(self) -> dict[str, Any]:
        """A JSON object of the case (the bytes in base64)."""
        return {
            "protocol": self.protocol,
            "strict": self.strict,
            "typed": self.typed,
            "dispatch_at_close": self.dispatch_at_close,
            "max_event_size": self.max_event_size,
            "reads": list(self.reads),
            "edits": list(self.edits),
            "data": base64.b64encode(self.data).decode("ascii"),
        }

    @classmethod
    def from_json(cls, value: dict[str, Any]) -> FuzzCase:
        """The case :meth:`to_json` wrote."""
        return cls(
            protocol=value["protocol"],
            strict=value["strict"],
            data=base64.b64decode(value["data"]),
            reads=tuple(value.get("reads", ())),
            typed=value.get("typed", False),
            dispatch_at_close=value.get("dispatch_at_close", False),
            max_event_size=value.get("max_event_size"),
            edits=tuple(value.get("edits", ())),
        )


def _files(protocol: str) -> list[Path]:
    if protocol == "assistants":
        return [p for p in sorted(_ASSISTANTS.glob("*.sse")) if "responses" not in p.name]
    return [*sorted(_RESPONSES.glob("*.sse")), _ASSISTANTS / "demo-responses.sse"]


def _walk(value: Any) -> Iterator[tuple[tuple[Any, ...], Any]]:
    """Every (path, value) in a JSON value, the root first."""
    stack: list[tuple[tuple[Any, ...], Any]] = [((), value)]
    while stack:
        path, item = stack.pop()
        yield path, item
        if isinstance(item, dict):
            stack.extend(((*path, key), inner) for key, inner in reversed(item.items()))
        elif isinstance(item, list):
            stack.extend(((*path, i), inner) for i, inner in reversed(list(enumerate(item))))


@functools.cache
def recordings(protocol: str) -> tuple[Recording, ...]:
    """The recordings of ``protocol``, decoded (made once)."""
    found = []
    for path in _files(protocol):
        decoder = streamkit.SSEDecoder(dispatch_at_close=True)
        decoded = decoder.feed(path.read_bytes()) + decoder.close()
        events: list[tuple[str, Any]] = []
        ids: set[str] = set()
        types: set[str] = set()
        for sse in decoded:
            try:
                payload: Any = json.loads(sse.data)
            except ValueError:
                payload = sse.data
            events.append((sse.event, payload))
            for at, value in _walk(payload):
                if at and isinstance(value, str) and isinstance(at[-1], str):
                    if at[-1] == "type":
                        types.add(value)
                    elif at[-1].endswith(_ID_SUFFIXES) and len(value) < 100:
                        ids.add(value)
        names = sorted({name for name, _ in events})
        found.append(
            Recording(
                path.stem,
                protocol,
                tuple(events),
                tuple(sorted(ids)),
                tuple(sorted(types)),
                tuple(names),
            )
        )
    return tuple(found)


# --- Edits ------------------------------------------------------------------------------


def _set(root: Any, path: tuple[Any, ...], value: Any) -> Any:
    """``root`` with the value at ``path`` replaced (the root itself if the path is empty)."""
    if not path:
        return value
    holder = root
    for segment in path[:-1]:
        holder = holder[segment]
    holder[path[-1]] = value
    return root


def _delete(root: Any, path: tuple[Any, ...]) -> None:
    holder = root
    for segment in path[:-1]:
        holder = holder[segment]
    del holder[path[-1]]


def _pick(draw: DrawFn, choices: list[Any]) -> Any:
    return choices[draw(st.integers(0, len(choices) - 1))]


def _json_edit(draw: DrawFn, events: list[list[Any]], recording: Recording) -> str:
    """One edit inside an event's JSON; returns what it did."""
    at = draw(st.integers(0, len(events) - 1))
    name, payload = events[at]
    if isinstance(payload, str):
        return f"event {at}: not JSON, left"
    payload = events[at][1] = copy.deepcopy(payload)
    kind = draw(st.sampled_from(("wrong_type", "delete", "index", "type", "id")))
    places = list(_walk(payload))
    if kind == "index":
        places = [(p, v) for p, v in places if p and p[-1] in INDEX_KEYS]
        if not places and isinstance(payload, dict):
            # No index here: one is added (a server that sends what it should not).
            key = draw(st.sampled_from(sorted(INDEX_KEYS)))
            places = [((key,), None)]
    elif kind == "type":
        places = [(p, v) for p, v in places if p and p[-1] == "type"]
    elif kind == "id":
        places = [
            (p, v)
            for p, v in places
            if p and isinstance(p[-1], str) and p[-1].endswith(_ID_SUFFIXES)
        ]
    elif kind == "delete":
        places = [(p, v) for p, v in places if p]
    if not places:
        return f"event {at}: no place for {kind}"
    path, held = _pick(draw, places)
    where = "".join(f"[{s!r}]" for s in path)
    if kind == "delete":
        _delete(payload, path)
        return f"event {at} ({name}): deleted {where}"
    if kind == "index":
        value = draw(st.sampled_from(_INDEX_VALUES))
        if isinstance(value, tuple):
            value = (held if isinstance(held, int) else 0) + value[1]
    elif kind == "type":
        value = draw(st.sampled_from(recording.types)) if recording.types else None
    elif kind == "id":
        value = draw(st.sampled_from(recording.ids)) if recording.ids else None
    else:
        value = draw(st.sampled_from(_WRONG_VALUES))
    events[at][1] = _set(payload, path, value)
    return f"event {at} ({name}): {kind} {where} = {json.dumps(value)[:40]}"


def _stream_edit(draw: DrawFn, events: list[list[Any]], recording: Recording) -> str:
    """One edit of the sequence of events; returns what it did."""
    kind = draw(st.sampled_from(("duplicate", "delete", "swap", "move", "rename")))
    at = draw(st.integers(0, len(events) - 1))
    if kind == "delete" and len(events) > 1:
        del events[at]
        return f"deleted event {at}"
    other = draw(st.integers(0, len(events) - 1))
    if kind == "duplicate":
        events.insert(other, [events[at][0], copy.deepcopy(events[at][1])])
        return f"event {at} duplicated at {other}"
    if kind == "swap":
        events[at], events[other] = events[other], events[at]
        return f"events {at} and {other} swapped"
    if kind == "move":
        events.insert(other, events.pop(at))
        return f"event {at} moved to {other}"
    new_name = draw(st.sampled_from(recording.names))
    events[at] = [new_name, events[at][1]]
    return f"event {at} renamed {new_name}"


def encode(events: list[list[Any]]) -> bytes:
    """SSE bytes of (name, payload) pairs (a payload that is not JSON is sent as its text)."""
    out = []
    for name, payload in events:
        data = payload if isinstance(payload, str) else json.dumps(payload)
        lines = "".join(f"data: {line}\n" for line in data.split("\n"))
        out.append(f"event: {name}\n{lines}\n")
    return "".join(out).encode("utf-8", "surrogatepass")


def _byte_edit(draw: DrawFn, data: bytes) -> tuple[bytes, str]:
    if not data:
        return data, "empty"
    kind = draw(st.sampled_from(("flip", "truncate", "insert")))
    at = draw(st.integers(0, len(data) - 1))
    if kind == "flip":
        mask = draw(st.integers(1, 255))
        return data[:at] + bytes([data[at] ^ mask]) + data[at + 1 :], f"byte {at} ^= {mask}"
    if kind == "truncate":
        return data[:at], f"truncated at {at}"
    inserted = draw(st.sampled_from(_INSERTED))
    return data[:at] + inserted + data[at:], f"{inserted!r} inserted at {at}"


@st.composite
def fuzz_cases(draw: DrawFn, protocol: str, strict: bool) -> FuzzCase:
    """A recording of ``protocol`` with one to five edits, and the reads it is fed in."""
    recording = draw(st.sampled_from(recordings(protocol)))
    events = [[name, payload] for name, payload in recording.events]
    edits = [recording.name]
    for _ in range(draw(st.integers(1, 4))):
        if draw(st.integers(0, 2)) == 0:
            edits.append(_stream_edit(draw, events, recording))
        else:
            edits.append(_json_edit(draw, events, recording))
    data = encode(events)
    if draw(st.integers(0, 3)) == 0:
        data, did = _byte_edit(draw, data)
        edits.append(did)
    return FuzzCase(
        protocol=protocol,
        strict=strict,
        data=data,
        reads=tuple(draw(st.lists(st.integers(1, 4096), max_size=4))),
        typed=draw(st.integers(0, 3)) == 0,
        dispatch_at_close=draw(st.booleans()),
        # Now and then a decoder limit that most streams pass somewhere.
        max_event_size=2048 if draw(st.integers(0, 9)) == 0 else None,
        edits=tuple(edits),
    )
