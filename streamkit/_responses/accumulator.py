"""The Responses stream on the merge engine: ``response.*`` events -> a Response and its items.

This module is the protocol as data and routes: which event creates,
appends to or finalises which part of the snapshot (the tables below and
:data:`ResponseAccumulator.json_routes`), and the Change kinds it reports.
The containers, transactions, checks and lazy snapshots are
:mod:`streamkit._engine`, shared with the Assistants stream.

Where things live while a response streams: the response is an
:class:`~streamkit._engine.changes.ObjectState` whose node holds ``output`` as
:class:`~streamkit._engine.nodes.Slots` keyed by ``output_index``; each output
item is an ObjectState of its own (its node is the one in those slots) whose
``content`` and ``summary`` are Slots keyed by ``content_index`` and
``summary_index``, whose parts hold ``annotations`` and ``logprobs`` as Slots
too. Streamed text is :class:`~streamkit._engine.nodes.Frags`.
"""

from __future__ import annotations

import typing
from collections.abc import Callable, Mapping
from functools import partial
from typing import TYPE_CHECKING, Any, ClassVar, Literal, TypeAlias, Union

from streamkit._engine.changes import Change, Lazy, ObjectState, SnapshotView, build, make_change
from streamkit._engine.convert import (
    LiveStructurer,
    ShapeError,
    kind_structurer,
    structurer,
    to_dict,
)
from streamkit._engine.engine import ClassRoute, Engine, JsonRoute
from streamkit._engine.merge import (
    MAX_INDEX_GAP,
    MISSING,
    BadShape,
    Path,
    Problem,
    Tx,
    bad_shape,
    check_unknown_keys,
    mismatches,
    to_node,
)
from streamkit._engine.nodes import Frags, Node, Slots, plain
from streamkit._engine.plan import Check, members_of, plan_for
from streamkit._responses.parse import parse_response_event, response_event_from_json
from streamkit.errors import StreamError
from streamkit.models import DoneEvent, UnknownEvent
from streamkit.models import responses as rm
from streamkit.sse import ServerSentEvent

__all__ = [
    "ITEM_DONE_PATHS",
    "PART_DONE_KEYS",
    "ResponseAccumulator",
    "ResponseChange",
    "ResponseChangeKind",
]

ResponseChangeKind: TypeAlias = Literal[
    "response.created",
    "response.updated",
    "response.done",
    "output_item.added",
    "output_item.updated",
    "output_item.done",
    "content_part.added",
    "content_part.done",
    "reasoning_summary_part.added",
    "reasoning_summary_part.done",
    "output_text.delta",
    "output_text.done",
    "output_text.annotation.added",
    "refusal.delta",
    "refusal.done",
    "reasoning_text.delta",
    "reasoning_text.done",
    "reasoning_summary_text.delta",
    "reasoning_summary_text.done",
    "function_call_arguments.delta",
    "function_call_arguments.done",
    "custom_tool_call_input.delta",
    "custom_tool_call_input.done",
    "mcp_call_arguments.delta",
    "mcp_call_arguments.done",
    "code_interpreter_call_code.delta",
    "code_interpreter_call_code.done",
    "apply_patch_call_operation_diff.delta",
    "apply_patch_call_operation_diff.done",
    "image_generation_call.partial_image",
    "shell_call_command.added",
    "shell_call_command.delta",
    "shell_call_command.done",
    "shell_call_output_content.delta",
    "shell_call_output_content.done",
    "audio.delta",
    "audio.done",
    "audio.transcript.delta",
    "audio.transcript.done",
    "error",
    "unknown",
    "end",
]
"""What a Change of the Responses stream reports.

Kinds are named after the events (without ``response.``), but computed from
the state: ``output_item.added`` / ``output_item.done`` come exactly once per
item and ``content_part.*`` / ``reasoning_summary_part.*`` exactly once per
part, even when the server skipped the event (an item first seen in its
``output_item.done`` or in the terminal response gets both) or sent it twice.

``Change.id`` is the item's id for item and part kinds (``""`` for an item
without one), the response's id for ``response.*`` and ``audio.*``, ``""``
for ``error``, ``unknown`` and ``end``. ``Change.index`` is the
``output_index`` for item kinds and the ``content_index`` /
``summary_index`` for part kinds. The snapshot: the ``Response`` for
``response.*`` and ``audio.*``; the output item for ``output_item.*``, the
tool-call argument, input and code kinds, ``image_generation_call.*`` and
``shell_call_*``; the content part (``OutputTextContent``,
``RefusalContent``, ``ReasoningTextContent``) for ``content_part.*``,
``output_text.*``, ``refusal.*``, ``reasoning_text.*``; the
``SummaryTextContent`` for ``reasoning_summary_*``; the error event for
``error``. The delta: the text fragment (a ``str``) for ``*.delta`` kinds,
the annotation for ``output_text.annotation.added``, the base64 image for
``image_generation_call.partial_image``, the ``ShellCallOutputDelta`` (stdout and stderr
apart) for ``shell_call_output_content.delta``; else ``None``.
"""

# One member per kind group: Change[kind, delta type, snapshot type].
ResponseChange: TypeAlias = Union[  # noqa: UP007 - a runtime alias: `|` fails on 3.10 here
    Change[Literal["response.created", "response.updated", "response.done"], None, rm.Response],
    Change[
        Literal["output_item.added", "output_item.updated", "output_item.done"], None, rm.OutputItem
    ],
    Change[
        Literal[
            "function_call_arguments.delta",
            "custom_tool_call_input.delta",
            "mcp_call_arguments.delta",
            "code_interpreter_call_code.delta",
            "apply_patch_call_operation_diff.delta",
            "shell_call_command.delta",
        ],
        str,
        rm.OutputItem,
    ],
    Change[
        Literal[
            "function_call_arguments.done",
            "custom_tool_call_input.done",
            "mcp_call_arguments.done",
            "code_interpreter_call_code.done",
            "apply_patch_call_operation_diff.done",
            "shell_call_command.added",
            "shell_call_command.done",
            "shell_call_output_content.done",
        ],
        None,
        rm.OutputItem,
    ],
    Change[Literal["shell_call_output_content.delta"], rm.ShellCallOutputDelta, rm.OutputItem],
    Change[Literal["image_generation_call.partial_image"], str, rm.OutputItem],
    Change[Literal["content_part.added", "content_part.done"], None, rm.OutputContent],
    Change[
        Literal["output_text.delta", "refusal.delta", "reasoning_text.delta"], str, rm.OutputContent
    ],
    Change[
        Literal["output_text.done", "refusal.done", "reasoning_text.done"], None, rm.OutputContent
    ],
    Change[Literal["output_text.annotation.added"], rm.Annotation, rm.OutputContent],
    Change[
        Literal["reasoning_summary_part.added", "reasoning_summary_part.done"],
        None,
        rm.SummaryTextContent,
    ],
    Change[Literal["reasoning_summary_text.delta"], str, rm.SummaryTextContent],
    Change[Literal["reasoning_summary_text.done"], None, rm.SummaryTextContent],
    Change[Literal["audio.delta", "audio.transcript.delta"], str, rm.Response],
    Change[Literal["audio.done", "audio.transcript.done"], None, rm.Response],
    Change[Literal["error"], None, rm.ResponseErrorEvent],
    Change[Literal["unknown", "end"], None, None],
]
"""Every Change of the Responses stream, typed per kind (see :data:`ResponseChangeKind`)."""

_PREFIX = len("response.")

# Events carrying a whole Response: lifecycle ones refresh the envelope,
# terminal ones are authoritative.
_LIFECYCLE = frozenset({"response.created", "response.queued", "response.in_progress"})
_TERMINAL = frozenset(
    {"response.completed", "response.incomplete", "response.failed", "response.cancelled"}
)

# Streamed text of a part: event -> (area of the item, key of the part).
_PART_DELTAS: dict[str, tuple[str, str]] = {
    "response.output_text.delta": ("content", "text"),
    "response.refusal.delta": ("content", "refusal"),
    "response.reasoning_text.delta": ("content", "text"),
    "response.reasoning_summary_text.delta": ("summary", "text"),
}
# Its final value: event -> (area, key of the part and of the event).
_PART_DONES: dict[str, tuple[str, str]] = {
    "response.output_text.done": ("content", "text"),
    "response.refusal.done": ("content", "refusal"),
    "response.reasoning_text.done": ("content", "text"),
    "response.reasoning_summary_text.done": ("summary", "text"),
}
# Streamed text of an item: event -> where in the item (keys down to it).
_ITEM_DELTAS: dict[str, tuple[str, ...]] = {
    "response.function_call_arguments.delta": ("arguments",),
    "response.custom_tool_call_input.delta": ("input",),
    "response.mcp_call_arguments.delta": ("arguments",),
    "response.code_interpreter_call_code.delta": ("code",),
    # Sent by OpenAI for the apply_patch tool, though not in the spec.
    "response.apply_patch_call_operation_diff.delta": ("operation", "diff"),
}
# Its final value: event -> where in the item (the event's key is the last one).
_ITEM_DONES: dict[str, tuple[str, ...]] = {
    "response.function_call_arguments.done": ("arguments",),
    "response.custom_tool_call_input.done": ("input",),
    "response.mcp_call_arguments.done": ("arguments",),
    "response.code_interpreter_call_code.done": ("code",),
    "response.apply_patch_call_operation_diff.done": ("operation", "diff"),
}
#: The final value a ``*.done`` Change's snapshot holds: kind -> attribute path
#: in the part (its snapshot) ...
PART_DONE_KEYS: dict[str, tuple[str, ...]] = {
    name[len("response.") :]: (key,) for name, (_area, key) in _PART_DONES.items()
}
#: ... and in the item (its snapshot).
ITEM_DONE_PATHS: dict[str, tuple[str, ...]] = {
    name[len("response.") :]: path for name, path in _ITEM_DONES.items()
}

# Status-only events of tool-call items: event -> the item's new status.
_ITEM_STATUS: dict[str, str] = {
    f"response.{tool}.{status}": status
    for tool, statuses in (
        ("mcp_call", ("in_progress", "completed", "failed")),
        ("mcp_list_tools", ("in_progress", "completed", "failed")),
        ("code_interpreter_call", ("in_progress", "interpreting", "completed")),
        ("file_search_call", ("in_progress", "searching", "completed")),
        ("web_search_call", ("in_progress", "searching", "completed")),
        ("image_generation_call", ("in_progress", "generating", "completed")),
    )
    for status in statuses
}
# Response-level audio: event -> (which buffer, whether it appends).
_AUDIO: dict[str, tuple[str, bool]] = {
    "response.audio.delta": ("audio", True),
    "response.audio.done": ("audio", False),
    "response.audio.transcript.delta": ("transcript", True),
    "response.audio.transcript.done": ("transcript", False),
}

# Change kinds of the parts of an item: area -> (added, done).
_PART_KINDS = {
    "content": ("content_part.added", "content_part.done"),
    "summary": ("reasoning_summary_part.added", "reasoning_summary_part.done"),
}
# Where a Change's snapshot lives: kind -> area ("item": the item itself).
_SNAPSHOT_AREA: dict[str, str] = {
    **dict.fromkeys(_PART_KINDS["content"], "content"),
    **dict.fromkeys(_PART_KINDS["summary"], "summary"),
    **{name[_PREFIX:]: area for name, (area, _key) in {**_PART_DELTAS, **_PART_DONES}.items()},
    "output_text.annotation.added": "content",
}

# Keys of an item that legitimately change between its added and done
# events: not a disagreement (the ciphertext of `added` is provisional,
# openai-python #3615).
_PROGRESS_KEYS = frozenset({"status", "encrypted_content"})
# Streamed text keys: text that stopped early is a prefix of the final one.
_STREAMED_KEYS = frozenset({"text", "refusal", "arguments", "input", "code", "diff"})

_RESPONSE_HOOK = LiveStructurer(rm.Response)
_ITEM_HOOK = structurer(rm.OutputItem)
_CONTENT_HOOK = structurer(rm.OutputContent)
_SUMMARY_HOOK = structurer(rm.SummaryTextContent)
_ANNOTATION_HOOK = structurer(rm.Annotation)
_LOGPROB_HOOK = structurer(rm.LogProb)
_PART_HOOKS = {"content": _CONTENT_HOOK, "summary": _SUMMARY_HOOK}

_ITEM_MEMBERS = members_of(("union", frozenset(typing.get_args(rm.OutputItem))))
_CONTENT_MEMBERS = members_of(("union", frozenset(typing.get_args(rm.OutputContent))))
_ANNOTATION_MEMBERS = members_of(("union", frozenset(typing.get_args(rm.Annotation))))

_EVENT_CLASSES: Mapping[str, type] = rm.RESPONSE_EVENT_CLASSES


def _member(members: Any, value: dict[str, Any]) -> type | None:
    """The class of an object by its ``type`` tag (None: unknown, kept raw)."""
    tag = value.get("type")
    return members.tagged.get(tag) if tag.__class__ is str else None


def _part_class(area: str, value: dict[str, Any]) -> type | None:
    return _member(_CONTENT_MEMBERS, value) if area == "content" else rm.SummaryTextContent


# --- Checking an event's fields by its class's plan -----------------------------------
#
# A route reads the fields it merges; every other field is checked here as
# the converter reads it, so that the typed event, built later if someone
# reads it, cannot fail.

_Checks: TypeAlias = tuple[frozenset[str], tuple[tuple[str, Check | None, Any], ...]]
_CHECKS: dict[tuple[str, frozenset[str]], _Checks | None] = {}
# Checked by every route before its own fields.
_ALWAYS_CHECKED = frozenset({"type", "sequence_number"})


def _checks_of(name: str, skip: frozenset[str]) -> _Checks | None:
    """The fields of event ``name`` a route leaves to :func:`_check_event`, made once."""
    cls = _EVENT_CLASSES.get(name)
    found = None
    if cls is not None:
        plan = plan_for(cls)
        fields = tuple(
            (field.name, field.check, None if field.check else kind_structurer(field.kind))
            for field in plan.fields
            if field.name not in skip and field.name not in _ALWAYS_CHECKED
        )
        found = (plan.known, fields)
    _CHECKS[name, skip] = found
    return found


def _check_event(name: str, payload: dict[str, Any], tx: Tx, skip: frozenset[str]) -> None:
    """Check the fields of a known event not in ``skip`` (which its route checks)."""
    key = (name, skip)
    checks = _CHECKS[key] if key in _CHECKS else _checks_of(name, skip)
    if checks is None:
        return
    known, fields = checks
    for field, check, hook in fields:
        value = payload.get(field)
        if value is None:
            continue
        if check is not None:
            if value.__class__ not in check.classes:
                raise BadShape(("data", field), check.expected, value)
        elif value.__class__ is not list or value:
            try:
                hook(value)
            except ShapeError as error:
                raise bad_shape(("data", field), error) from None
    if not tx.shallow and not known.issuperset(payload):
        check_unknown_keys(payload, known, "data")


def _built(hook: Callable[[Any], Any], value: Any, path: Path) -> Any:
    """The typed object of ``value`` (which checks it), or the BadShape of its first fault."""
    if value.__class__ is not dict:
        raise BadShape(path, "an object", value)
    try:
        return hook(value)
    except ShapeError as error:
        raise bad_shape(path, error) from None


def _index(payload: dict[str, Any], key: str) -> int | None:
    """An index field: a non-negative int, or None when absent (some servers omit them)."""
    value = payload.get(key)
    if value is None:
        return None
    if value.__class__ is not int:
        raise BadShape(("data", key), "an integer", value)
    if value < 0:
        raise Problem("bad_index", ("data", key), "a negative index")
    return value


def _text(payload: dict[str, Any], key: str) -> str:
    value = payload.get(key)
    if value.__class__ is not str:
        raise BadShape(("data", key), "a string", value)
    text: str = value
    return text


def _list_or_none(payload: dict[str, Any], key: str) -> list[Any] | None:
    value = payload.get(key)
    if value is not None and value.__class__ is not list:
        raise BadShape(("data", key), "an array", value)
    listed: list[Any] | None = value
    return listed


def _append(node: dict[Any, Any], key: Any, fragment: str, tx: Tx, path: Path) -> None:
    """Append streamed text to ``node[key]``, logged (linear: fragments join when read)."""
    current = node.get(key, MISSING)
    if current.__class__ is Frags:
        tx.undo.append((current, None, len(current)))
        current.append(fragment)
    elif current is MISSING or current is None:
        tx.set(node, key, Frags((fragment,)))
    elif current.__class__ is str:
        tx.set(node, key, Frags((current, fragment)))
    else:
        raise Problem("type_conflict", path, "text appended to a non-text value")


def _slots(node: dict[str, Any], key: str, tx: Tx) -> Slots:
    """The index-keyed list at ``node[key]``, made (logged) if absent."""
    slots = node.get(key)
    if slots.__class__ is not Slots:
        slots = Slots()
        tx.set(node, key, slots)
    return slots


def _strip(item: Any) -> Any:
    """An item's JSON without the keys that change as it progresses, for comparison."""
    if isinstance(item, dict):
        return {key: value for key, value in item.items() if key not in _PROGRESS_KEYS}
    return item


def _place_index(slots: Slots, index: int, path: Path) -> None:
    """Refuse an index so far past the largest one that it could only be an attack or a bug."""
    if index > len(slots) + MAX_INDEX_GAP and (not slots or index > max(slots) + MAX_INDEX_GAP):
        raise Problem("bad_index", path, f"index past the largest one + {MAX_INDEX_GAP}")


class _Item(ObjectState):
    """An output item under accumulation.

    Attributes:
        index: its ``output_index``.
        parts: per area (``content``, ``summary``): index -> whether its done Change was reported
            (an index is present once its added Change was).
    """

    __slots__ = ("index", "parts")

    def __init__(self, item_id: str, node: Any, index: int, response_id: str) -> None:
        super().__init__(item_id, node, _ITEM_HOOK, _item_snapshot, response_id)
        self.index = index
        self.parts: dict[str, dict[int, bool]] = {"content": {}, "summary": {}}


class _Response(ObjectState):
    """A response under accumulation: its node, its items, audio side channels.

    Attributes:
        items: ``output_index`` -> item.
        by_id: item id -> ``output_index``.
        audio: the fragments of ``response.audio.*`` and ``response.audio.transcript.*``.
    """

    __slots__ = ("audio", "by_id", "items")

    def __init__(self, response_id: str, node: Node) -> None:
        super().__init__(response_id, node, _RESPONSE_HOOK)
        self.items: dict[int, _Item] = {}
        self.by_id: dict[str, int] = {}
        self.audio: dict[str, Frags] = {}

    def output(self, tx: Tx) -> Slots:
        """The ``output`` slots of the node (made if absent)."""
        return _slots(self.node, "output", tx)


def _item_snapshot(state: ObjectState, index: int, kind: str) -> Any:
    """The typed snapshot of a Change on an item: the item, or one of its parts."""
    area = _SNAPSHOT_AREA.get(kind)
    if area is None:
        return state.snapshot()
    slots = state.node.get(area) if state.node.__class__ is Node else None
    node = slots.get(index) if slots.__class__ is Slots else None
    if node is None:
        return None
    return build(_PART_HOOKS[area], node)


class ResponseAccumulator(Engine):
    """Turns the events of one or more Responses streams into complete snapshots.

    ::

        racc = streamkit.ResponseAccumulator()
        for sse in streamkit.io.iter_sse("response.sse"):
            for change in racc.feed(sse):
                ...
        racc.final_response.output

    It follows the Responses accumulation rules exactly: ``output`` keyed by
    ``output_index``, an item's ``content`` by ``content_index``, a reasoning
    item's ``summary`` by ``summary_index``, ``annotations`` by
    ``annotation_index`` (out-of-order and gapped indexes land in their
    slot; a list is read as the entries present, in index order); ``*.delta``
    events appended (linear in the text); each ``*.done``,
    ``content_part.done``, ``reasoning_summary_part.done`` and
    ``output_item.done`` authoritative (where it disagrees with what the
    deltas built, the done value wins and a ``done_mismatch`` anomaly says
    so); lifecycle events (``created``, ``queued``, ``in_progress``)
    refreshing the envelope without wiping items; terminal events
    (``completed``, ``incomplete``, ``failed``, ``cancelled``) authoritative
    for envelope and output, except that an empty ``output`` never replaces
    built items (``empty_terminal_output``).

    Sequence numbers: an event whose ``sequence_number`` was already applied
    for the same response is skipped (a resume overlaps; nothing doubles); a
    gap is recorded as a ``sequence_gap`` anomaly naming the missing range and
    the stream goes on; events without numbers (streams before mid-2025) are
    accepted. A resumed stream (``starting_after=N``) fed into the
    accumulator that holds the first part continues the same snapshot.

    Other servers: events without an ``event:`` line (the type is read from
    the JSON), ``data: [DONE]`` (the end, :attr:`done`), missing
    ``output_index`` / ``content_index`` (placed by ``item_id`` or the item's
    latest part, recorded as ``missing_index``), a ``content_index`` not reset
    per item (a sparse slot, read densely).

    ``error`` events (the spec's flat shape and the nested one servers send)
    are recorded in :attr:`errors` and as ``server_error`` anomalies, and
    reported as ``error`` Changes; feeding does not raise for them, so the
    ``response.failed`` that follows still applies (the stream objects and
    :func:`streamkit.replay` raise :class:`~streamkit.StreamError` at the
    end in strict mode). Unknown event types are kept in
    :attr:`unknown_events`, unknown item and part types as ``UnknownObject``.

    Args:
        strict: raise :class:`~streamkit.AccumulateError` or
            :class:`~streamkit.ParseError` on bad input, before any of it is
            applied -- the default. With ``strict=False`` the problem is
            recorded in :attr:`anomalies` and the event skipped.
    """

    routes_by_payload: ClassVar[bool] = True
    end_marker: ClassVar[str | None] = "[DONE]"
    json_classes: ClassVar[frozenset[type]] = frozenset(_EVENT_CLASSES.values())

    def __init__(self, *, strict: bool = True) -> None:
        super().__init__(strict=strict)
        #: ``error`` events received.
        self.errors: list[rm.ResponseErrorEvent] = []
        #: Events whose type this version does not know, as received.
        self.unknown_events: list[UnknownEvent] = []
        #: The latest partial image of each image-generation item, by item id.
        self.partial_images: dict[str, str] = {}
        self._responses: dict[str, _Response] = {}
        self._current: _Response | None = None
        self._final: _Response | None = None
        self._last_seq: int | None = None
        # Anomalies the event being applied found: (kind, object id, path, message).
        self._notes: list[tuple[str, str | None, str, str]] = []

    def parse(self, sse: ServerSentEvent, position: int | None = None) -> Any:
        """The typed event (:func:`streamkit.parse_response_event`)."""
        return parse_response_event(sse, position=position)

    def event_from_json(self, name: str) -> Callable[[Any], Any]:
        """Builds the typed event of ``name`` from its parsed JSON."""
        hook = _EVENT_HOOKS.get(name)
        if hook is None:
            hook = _EVENT_HOOKS[name] = partial(response_event_from_json, name)
        return hook

    def wire_of(self, event: Any) -> tuple[str, Any]:
        """A typed Responses event is its own wire JSON."""
        wire = to_dict(event)
        return event.type, wire

    if TYPE_CHECKING:  # Engine.feed runs: no extra call per event; this only types it

        def feed(self, event: rm.ParsedResponseEvent | ServerSentEvent) -> list[ResponseChange]:
            """Apply one event; return the changes it caused, in order.

            Args:
                event: a typed event (:func:`streamkit.parse_response_event`)
                    or a :class:`~streamkit.ServerSentEvent`, parsed here.

            Raises:
                ParseError: strict mode, a payload that is not JSON of the schema's shape.
                AccumulateError: strict mode, an event that cannot be applied;
                    nothing of it was applied.
            """

    # -- public views --

    @property
    def response(self) -> rm.Response | None:
        """The snapshot of the current response (the latest one seen), or ``None``."""
        state = self._current
        return state.snapshot() if state is not None else None

    @property
    def responses(self) -> Mapping[str, rm.Response]:
        """Every response seen, by id, in order of first appearance."""
        return SnapshotView(self._responses)  # type: ignore[arg-type]

    @property
    def final_response(self) -> rm.Response | None:
        """The last response that reached a terminal event, or ``None``.

        Terminal: ``response.completed``, ``incomplete``, ``failed``, ``cancelled``.
        """
        state = self._final
        return state.snapshot() if state is not None else None

    @property
    def finished(self) -> bool:
        """Whether the current response reached its terminal event (nothing more will change it)."""
        state = self._current
        return state is not None and state.done

    @property
    def last_sequence_number(self) -> int | None:
        """The sequence number of the last event applied: the resume cursor (``starting_after``)."""
        return self._last_seq

    def audio(self, response_id: str | None = None) -> tuple[str, str]:
        """The (base64 audio, transcript) a response streamed (the current one by default)."""
        state = self._responses.get(response_id) if response_id else self._current
        if state is None:
            return "", ""
        buffers = state.audio
        return tuple(  # type: ignore[return-value]
            buffers[key].joined() if key in buffers else "" for key in ("audio", "transcript")
        )

    # -- routing: sequence numbers first --

    def _sequenced(
        self,
        call: Callable[..., list[Change[Any, Any, Any]]],
        envelope: bool,
        payload: Any,
        event: Any,
        position: int,
        tx: Tx,
    ) -> list[Change[Any, Any, Any]]:
        """Skip an event already applied, note a gap, then ``call`` the route.

        What a route notes (:meth:`_note`) is recorded only if the event
        is applied: a rejected event leaves no trace but its own error.
        """
        if payload.__class__ is not dict:
            raise BadShape("data", "an object", payload)
        kind = payload.get("type")
        if (
            kind.__class__ is not str
        ):  # named only by its SSE line: its typed event could not be built
            raise BadShape(("data", "type"), "a string", kind)
        seq = payload.get("sequence_number")
        if seq is not None and seq.__class__ is not int:
            raise BadShape(("data", "sequence_number"), "an integer", seq)
        last = self._last_seq
        if last is not None and envelope:
            # Numbers count per response: a new response starts its own.
            held = payload.get("response")
            current = self._current
            if held.__class__ is dict and (current is None or held.get("id") != current.id):
                last = None
        if seq is not None and last is not None and seq <= last:
            return []  # applied already: a resume overlapping what was read
        notes = self._notes
        notes.clear()
        try:
            changes = call(self, payload, event, position, tx)
        except Problem:
            notes.clear()
            if tx.lenient and seq is not None:  # received, recorded as an anomaly: it counts
                self._gap(payload, last, seq)
                self._last_seq = seq
            raise
        if seq is not None:
            if last is not None and seq > last + 1:
                missing = f"{last + 1}" if seq == last + 2 else f"{last + 1}..{seq - 1}"
                where = self._current.id if self._current is not None else None
                notes.append(
                    (
                        "sequence_gap",
                        where,
                        "sequence_number",
                        f"missing sequence numbers {missing}",
                    )
                )
            self._last_seq = seq
        if notes:
            name = payload.get("type")
            for kind, object_id, path, message in notes:
                self.record(kind, name if name.__class__ is str else "", object_id, path, message)
            notes.clear()
        return changes

    def _gap(self, payload: dict[str, Any], last: int | None, seq: int) -> None:
        """Record the sequence numbers missing before ``seq``, if any."""
        if last is not None and seq > last + 1:
            missing = f"{last + 1}" if seq == last + 2 else f"{last + 1}..{seq - 1}"
            name = payload.get("type")
            self.record(
                "sequence_gap",
                name if name.__class__ is str else "",
                self._current.id if self._current is not None else None,
                "sequence_number",
                f"missing sequence numbers {missing}",
            )

    def _note(self, kind: str, object_id: str | None, path: str, message: str) -> None:
        """An anomaly to record once the event is applied (nothing, if it is rejected)."""
        self._notes.append((kind, object_id or None, path, message))

    # -- finding what an event is about --

    def _response_for(self, name: str) -> _Response:
        state = self._current
        if state is None:
            raise Problem("unknown_item", "data", "an event for an output item never added")
        return state

    def _item_for(self, payload: dict[str, Any], name: str) -> _Item:
        """The output item an event is for: by ``output_index``, else by ``item_id``."""
        response = self._response_for(name)
        index = _index(payload, "output_index")
        item_id = payload.get("item_id")
        if item_id is not None and item_id.__class__ is not str:
            raise BadShape(("data", "item_id"), "a string", item_id)
        item = response.items.get(index) if index is not None else None
        if item is not None and (item_id is None or item.id == item_id or not item.id):
            return item
        by_id = response.by_id.get(item_id) if item_id is not None else None
        if by_id is not None:
            found = response.items[by_id]
            if index is None:
                self._quirk("missing_index", name, item_id, "output_index", "placed by item_id")
            else:
                self._quirk(
                    "missing_index",
                    name,
                    item_id,
                    "output_index",
                    "the output_index is not that of item_id: placed by item_id",
                )
            return found
        if index is None and item_id is None:
            raise Problem("unknown_item", "data.output_index", "an event naming no output item")
        raise Problem(
            "unknown_item", "data.output_index", "an event for an output item never added"
        )

    def _quirk(self, kind: str, name: str, object_id: Any, path: str, message: str) -> None:
        """A rule a server bent that the accumulator worked around: recorded in both modes."""
        self._note(kind, object_id if object_id.__class__ is str else None, f"data.{path}", message)

    def _late(self, item: _Item, name: str, what: str) -> list[Change[Any, Any, Any]]:
        reason = f"an event after its {what}'s done event: ignored (the done value wins)"
        self._note("late_delta", item.id, "data", reason)
        return []

    # -- opening and closing items and parts --

    def _open_parts(
        self, item: _Item, event: Any, position: int, changes: list[Change[Any, Any, Any]]
    ) -> None:
        """Added Changes for parts an item holds that were never reported."""
        node = item.node
        if node.__class__ is not Node:
            return
        for area, (added, _done) in _PART_KINDS.items():
            slots = node.get(area)
            if slots.__class__ is not Slots:
                continue
            reported = item.parts[area]
            for index in sorted(slots):
                if index not in reported:
                    reported[index] = False
                    changes.append(make_change(added, item.id, index, None, event, position, item))

    def _close_item(
        self, item: _Item, event: Any, position: int, changes: list[Change[Any, Any, Any]]
    ) -> None:
        """Done Changes for an item's open parts, then for the item (once)."""
        if item.done:
            return
        self._open_parts(item, event, position, changes)
        for area, (_added, done) in _PART_KINDS.items():
            reported = item.parts[area]
            for index in sorted(reported):
                if not reported[index]:
                    reported[index] = True
                    changes.append(make_change(done, item.id, index, None, event, position, item))
        item.done = True
        changes.append(
            make_change("output_item.done", item.id, item.index, None, event, position, item)
        )

    def _new_item(
        self, response: _Response, index: int, item_json: dict[str, Any], typed: Any, tx: Tx
    ) -> _Item:
        """An item first seen, placed at ``index`` (logged)."""
        node = to_node(item_json, _member(_ITEM_MEMBERS, item_json))
        if node.__class__ is Node:
            node.cache = typed  # built from the same JSON
        item_id = item_json.get("id")
        item = _Item(item_id if item_id.__class__ is str else "", node, index, response.id)
        slots = response.output(tx)
        _place_index(slots, index, ("data", "output_index"))
        tx.set(slots, index, node)
        tx.set(response.items, index, item)
        if item.id:
            tx.set(response.by_id, item.id, index)
        response.node.cache = None
        return item

    # -- whole responses --

    def _envelope(
        self, payload: dict[str, Any], name: str, event: Any, position: int, tx: Tx
    ) -> list[Change[Any, Any, Any]]:
        response_json: Any = payload.get("response")
        typed = _built(_RESPONSE_HOOK, response_json, ("data", "response"))
        _check_event(name, payload, tx, frozenset({"response"}))
        response_id = response_json.get("id")
        if response_id.__class__ is not str:
            raise BadShape((("data", "response"), "id"), "a string", response_id)
        terminal = name in _TERMINAL
        node = to_node(response_json, rm.Response)
        node.cache = typed
        state = self._responses.get(response_id)
        changes: list[Change[Any, Any, Any]] = []
        if state is None:
            state = _Response(response_id, Node())
            state.node = node
            output = node.get("output")
            # A response sent without an output list keeps none (its cached
            # snapshot has none): the first item added makes it.
            if output.__class__ is Slots:
                node["output"] = Slots()
                for index in sorted(output):
                    item_node = output[index]
                    self._adopt_item(state, index, item_node, tx)
            tx.set(self._responses, response_id, state)
            changes.append(
                make_change("response.created", response_id, None, None, event, position, state)
            )
            for index in sorted(state.items):
                item = state.items[index]
                changes.append(
                    make_change("output_item.added", item.id, index, None, event, position, item)
                )
                self._open_parts(item, event, position, changes)
        elif terminal:
            self._terminal(state, node, name, event, position, tx, changes)
        else:
            if name == "response.created":
                tx.problem(
                    "duplicate_created", "data.response.id", f"{name} for an id already seen"
                )
            self._refresh(state, node, event, position, tx, changes)
        self._current = state
        if terminal:
            for index in sorted(state.items):
                self._close_item(state.items[index], event, position, changes)
            if state.done:
                changes.append(
                    make_change("response.updated", response_id, None, None, event, position, state)
                )
            else:
                state.done = True
                changes.append(
                    make_change("response.done", response_id, None, None, event, position, state)
                )
            self._final = state
        elif changes == [] or changes[0].kind != "response.created":
            changes.insert(
                0, make_change("response.updated", response_id, None, None, event, position, state)
            )
        return changes

    def _adopt_item(self, state: _Response, index: int, item_node: Any, tx: Tx) -> _Item:
        """An item a whole response brought (created with output, or a terminal one)."""
        item_id = item_node.get("id") if item_node.__class__ is Node else None
        item = _Item(item_id if item_id.__class__ is str else "", item_node, index, state.id)
        state.node["output"][index] = item_node
        state.items[index] = item
        if item.id:
            state.by_id[item.id] = index
        return item

    def _refresh(
        self,
        state: _Response,
        node: Node,
        event: Any,
        position: int,
        tx: Tx,
        changes: list[Change[Any, Any, Any]],
    ) -> None:
        """A lifecycle event: the envelope refreshed, the items built kept."""
        held = state.node
        held.cache = None
        output = node.get("output")
        for key, value in node.items():
            if key != "output":
                tx.set(held, key, value)
        if output.__class__ is Slots and output and not state.items:
            # Items only this event carries (a proxy's order): taken in.
            for index in sorted(output):
                item_json = plain(output[index])
                typed = _built(_ITEM_HOOK, item_json, ((("data", "response"), "output"), index))
                item = self._new_item(state, index, item_json, typed, tx)
                changes.append(
                    make_change("output_item.added", item.id, index, None, event, position, item)
                )
                self._open_parts(item, event, position, changes)

    def _terminal(
        self,
        state: _Response,
        node: Node,
        name: str,
        event: Any,
        position: int,
        tx: Tx,
        changes: list[Change[Any, Any, Any]],
    ) -> None:
        """A terminal event: envelope and output authoritative (an empty output keeps the items)."""
        held_output = state.node.get("output")
        built = [_strip(item) for item in plain(held_output)] if held_output else []
        output = node.get("output")
        final = [_strip(item) for item in plain(output)] if output.__class__ is Slots else []
        if built and not final:
            self._note(
                "empty_terminal_output",
                state.id,
                "data.response.output",
                "the terminal response has no output: the items built from the stream are kept",
            )
            node["output"] = held_output
            node.cache = None  # built from the terminal JSON, whose output was empty
            state.node = node
            return
        found: list[str] = []
        mismatches(built, final, "data.response.output", found, _STREAMED_KEYS)
        if found:
            reason = f"the terminal response differs from the stream at: {', '.join(found)}"
            self._note("terminal_mismatch", state.id, found[0], reason)
        # Held items are matched to the final ones by id, else by position
        # and type (some servers give the terminal items new ids).
        held_items = [state.items[index] for index in sorted(state.items)]
        by_id = {item.id: item for item in held_items if item.id}
        state.node = node
        state.items = {}
        state.by_id = {}
        new_slots: Any = output if output.__class__ is Slots else Slots()
        if output.__class__ is Slots:  # (else it has none, as its cached snapshot)
            node["output"] = Slots()
        matched: set[int] = set()
        for position_, index in enumerate(sorted(new_slots)):
            item_node = new_slots[index]
            is_node = item_node.__class__ is Node
            item_id = item_node.get("id") if is_node else None
            item = by_id.get(item_id) if item_id.__class__ is str else None
            if item is None and position_ < len(held_items):
                candidate = held_items[position_]
                same_type = is_node and candidate.node.get("type") == item_node.get("type")
                if (
                    same_type
                    and id(candidate) not in matched
                    and candidate.id
                    not in (
                        new_slots[i].get("id") for i in new_slots if new_slots[i].__class__ is Node
                    )
                ):
                    item = candidate
            if item is not None and id(item) in matched:
                item = None
            if item is None:
                item = self._adopt_item(state, index, item_node, tx)
                changes.append(
                    make_change("output_item.added", item.id, index, None, event, position, item)
                )
            else:
                matched.add(id(item))
                item.node = item_node
                item.index = index
                state.node["output"][index] = item_node
                state.items[index] = item
                if item.id:
                    state.by_id[item.id] = index
            self._open_parts(item, event, position, changes)
        # Items the terminal response dropped still get their done Change.
        for item in held_items:
            if id(item) not in matched:
                self._close_item(item, event, position, changes)

    # -- items --

    def _on_item(
        self, payload: dict[str, Any], name: str, event: Any, position: int, tx: Tx
    ) -> list[Change[Any, Any, Any]]:
        """``output_item.added`` / ``output_item.done``: the whole item at its index."""
        response = self._response_for(name)
        item_json: Any = payload.get("item")
        typed = _built(_ITEM_HOOK, item_json, ("data", "item"))
        _check_event(name, payload, tx, frozenset({"item"}))
        index = _index(payload, "output_index")
        item_id = item_json.get("id")
        if item_id is not None and item_id.__class__ is not str:
            raise BadShape((("data", "item"), "id"), "a string", item_id)
        done = name == "response.output_item.done"
        if index is None:
            # Some servers omit the index: the item's own by id, else the next one.
            known = response.by_id.get(item_id) if item_id is not None else None
            index = known if known is not None else (max(response.items, default=-1) + 1)
            self._quirk("missing_index", name, item_id, "output_index", "placed by item id")
        item = response.items.get(index)
        changes: list[Change[Any, Any, Any]] = []
        if item is not None and item.id and item_id is not None and item.id != item_id:
            raise Problem(
                "conflict", (("data", "item"), "id"), "another item holds this output_index"
            )
        if not done:
            if item is not None:
                tx.problem(
                    "duplicate_created",
                    ("data", "output_index"),
                    f"{name} for an item already added",
                )
                return changes
            item = self._new_item(response, index, item_json, typed, tx)
            changes.append(
                make_change("output_item.added", item.id, index, None, event, position, item)
            )
            self._open_parts(item, event, position, changes)
            return changes
        if item is None:
            item = self._new_item(response, index, item_json, typed, tx)
            changes.append(
                make_change("output_item.added", item.id, index, None, event, position, item)
            )
        elif not item.done:
            found: list[str] = []
            mismatches(
                _strip(plain(item.node)), _strip(item_json), "data.item", found, _STREAMED_KEYS
            )
            node = to_node(item_json, _member(_ITEM_MEMBERS, item_json))
            if node.__class__ is Node:
                node.cache = typed
            tx.set(response.output(tx), index, node)
            item.node = node
            response.node.cache = None
            if found:
                self._mismatch(name, item.id, found)
        else:
            return changes  # a second done: the first one stands
        self._close_item(item, event, position, changes)
        return changes

    def _mismatch(self, name: str, object_id: str, found: list[str]) -> None:
        reason = f"the done event differs from what the deltas built at: {', '.join(found)}"
        self._note("done_mismatch", object_id, found[0], reason)

    @staticmethod
    def _holder(item: _Item, path: tuple[str, ...], tx: Tx) -> Node:
        """The object in an item that holds the text at ``path`` (its last key)."""
        holder = item.node
        if holder.__class__ is not Node:
            raise Problem("type_conflict", "data", "an event for an item that is not an object")
        holder.cache = None
        for key in path[:-1]:
            inner = holder.get(key)
            if inner is None:
                inner = Node()
                tx.set(holder, key, inner)
            elif inner.__class__ is not Node:
                raise Problem("type_conflict", f"item.{key}", "the item holds no object here")
            inner.cache = None
            holder = inner
        return holder

    def _on_item_delta(
        self,
        payload: dict[str, Any],
        name: str,
        event: Any,
        position: int,
        tx: Tx,
        path: tuple[str, ...],
    ) -> list[Change[Any, Any, Any]]:
        """Streamed text of an item (function arguments, tool input, code, a patch's diff)."""
        item = self._item_for(payload, name)
        fragment = _text(payload, "delta")
        _check_event(name, payload, tx, _DELTA_FIELDS)
        if item.done:
            return self._late(item, name, "item")
        holder = self._holder(item, path, tx)
        _append(holder, path[-1], fragment, tx, ("data", "delta"))
        self._touch(item)
        return [make_change(name[_PREFIX:], item.id, item.index, fragment, event, position, item)]

    def _on_item_done(
        self,
        payload: dict[str, Any],
        name: str,
        event: Any,
        position: int,
        tx: Tx,
        path: tuple[str, ...],
    ) -> list[Change[Any, Any, Any]]:
        """The final value of an item's streamed text (and a function call's name)."""
        item = self._item_for(payload, name)
        key = path[-1]
        final = _text(payload, key)
        _check_event(name, payload, tx, frozenset({key}))
        if item.done:
            return []  # the item's done event, later in the stream, already stands
        holder = self._holder(item, path, tx)
        held = holder.get(key)
        built = held.joined() if held.__class__ is Frags else held
        if built is not None and built != final:
            self._mismatch(name, item.id, [f"data.{key}"])
        tx.set(holder, key, final)
        item_name = payload.get("name")
        node = item.node
        if item_name.__class__ is str and node.get("name") is None:
            tx.set(node, "name", item_name)
        self._touch(item)
        return [make_change(name[_PREFIX:], item.id, item.index, None, event, position, item)]

    def _on_item_status(
        self, payload: dict[str, Any], name: str, event: Any, position: int, tx: Tx, status: str
    ) -> list[Change[Any, Any, Any]]:
        """A status-only event of a tool-call item."""
        item = self._item_for(payload, name)
        _check_event(name, payload, tx, frozenset())
        if item.done:
            return []  # the done item's status stands
        node = item.node
        cls = _member(_ITEM_MEMBERS, node) if node.__class__ is Node else None
        # Only an item that has a status field gets one (an unknown type keeps what it was sent).
        if cls is not None and "status" in plan_for(cls).known:
            tx.set(node, "status", status)
            node.cache = None
            self._touch(item)
        return [
            make_change("output_item.updated", item.id, item.index, None, event, position, item)
        ]

    def _on_partial_image(
        self, payload: dict[str, Any], name: str, event: Any, position: int, tx: Tx
    ) -> list[Change[Any, Any, Any]]:
        """A progressive preview of an image: kept aside, never the item's ``result``."""
        item = self._item_for(payload, name)
        image = _text(payload, "partial_image_b64")
        _check_event(name, payload, tx, frozenset({"partial_image_b64"}))
        if item.id:
            tx.set(self.partial_images, item.id, image)
        return [make_change(name[_PREFIX:], item.id, item.index, image, event, position, item)]

    def _touch(self, item: _Item) -> None:
        state = self._responses.get(item.parent_id or "")
        if state is not None:
            state.node.cache = None

    # -- parts --

    def _part_for(
        self, item: _Item, payload: dict[str, Any], name: str, area: str
    ) -> tuple[int, Node]:
        """The content or summary part an event is for, by its index (else the latest part)."""
        key = "content_index" if area == "content" else "summary_index"
        index = _index(payload, key)
        slots = item.node.get(area) if item.node.__class__ is Node else None
        if index is None:
            if slots.__class__ is Slots and slots:
                index = max(slots)
                self._quirk("missing_index", name, item.id, key, "placed in the item's latest part")
            else:
                raise Problem("unknown_part", f"data.{key}", "an event naming no part")
        node = slots.get(index) if slots.__class__ is Slots else None
        if node is None:
            raise Problem("unknown_part", f"data.{key}", "an event for a part never added")
        return index, node

    def _on_part(
        self, payload: dict[str, Any], name: str, event: Any, position: int, tx: Tx, area: str
    ) -> list[Change[Any, Any, Any]]:
        """``content_part.*`` / ``reasoning_summary_part.*``: the whole part at its index."""
        item = self._item_for(payload, name)
        part_json: Any = payload.get("part")
        typed = _built(_PART_HOOKS[area], part_json, ("data", "part"))
        _check_event(name, payload, tx, frozenset({"part"}))
        key = "content_index" if area == "content" else "summary_index"
        index = _index(payload, key)
        node = item.node
        if node.__class__ is not Node:
            raise Problem("type_conflict", "data", "a part of an item that is not an object")
        if item.done:
            # Ignored before anything is made for it (not even the item's list
            # of parts: the event changes nothing, and reports no Change).
            return self._late(item, name, "item")
        slots = node.get(area)
        if slots.__class__ is not Slots:
            if slots:  # held as something else: not a list of parts
                raise Problem("type_conflict", ("data", key), "the item holds no list of parts")
            slots = Slots()
            tx.set(node, area, slots)
        added_kind, done_kind = _PART_KINDS[area]
        done = name.endswith(".done")
        if index is None:
            index = (max(slots) if done else max(slots) + 1) if slots else 0
            self._quirk("missing_index", name, item.id, key, "placed by the item's parts")
        _place_index(slots, index, ("data", key))
        # (An index up to the count of parts held is no gap: no walk of them, as
        # the last index held is at least the count less one.)
        if not done and index > len(slots) and index > (max(slots) + 1 if slots else 0):
            # A part past the next free index: its item's indexes do not start at 0
            # (vLLM did not reset content_index per item): kept in its slot.
            self._quirk("index_gap", name, item.id, key, "a part added past the next index")
        reported = item.parts[area]
        held = slots.get(index)
        changes: list[Change[Any, Any, Any]] = []
        if not done:
            if held is not None:
                tx.problem("duplicate_created", ("data", key), f"{name} for a part already added")
                return changes
        elif reported.get(index):
            return changes  # a second done: the first one stands
        elif held is not None:
            found: list[str] = []
            # (OpenAI sends the done part without the logprobs its deltas
            # carried: a disagreement the snapshot follows, and records.)
            mismatches(plain(held), part_json, "data.part", found, _STREAMED_KEYS)
            if found:
                self._mismatch(name, item.id, found)
        part = to_node(part_json, _part_class(area, part_json))
        if part.__class__ is Node:
            part.cache = typed
        tx.set(slots, index, part)
        if index not in reported:
            tx.set(reported, index, False)
            changes.append(make_change(added_kind, item.id, index, None, event, position, item))
        if done:
            tx.set(reported, index, True)
            changes.append(make_change(done_kind, item.id, index, None, event, position, item))
        node.cache = None
        self._touch(item)
        return changes

    def _on_part_delta(
        self,
        payload: dict[str, Any],
        name: str,
        event: Any,
        position: int,
        tx: Tx,
        area: str,
        key: str,
    ) -> list[Change[Any, Any, Any]]:
        """Streamed text of a part (output text, refusal, reasoning text, summary text)."""
        item = self._item_for(payload, name)
        index, part = self._part_for(item, payload, name, area)
        fragment = _text(payload, "delta")
        logprobs = _list_or_none(payload, "logprobs")
        _check_event(name, payload, tx, _DELTA_FIELDS)
        if item.done or item.parts[area].get(index):
            return self._late(item, name, "part")
        _append(part, key, fragment, tx, ("data", "delta"))
        if logprobs:
            self._add_logprobs(part, logprobs, tx)
        part.cache = None
        item.node.cache = None
        self._touch(item)
        return [make_change(name[_PREFIX:], item.id, index, fragment, event, position, item)]

    def _add_logprobs(self, part: Node, logprobs: list[Any], tx: Tx) -> None:
        slots = _slots(part, "logprobs", tx)
        # Logprobs are only ever appended (or replaced whole), so the slots are
        # dense and the next index is their count: no walk of them per delta.
        nxt = len(slots)
        for offset, entry in enumerate(logprobs):
            path = (("data", "logprobs"), offset)
            typed = _built(_LOGPROB_HOOK, entry, path)
            node = to_node(entry, rm.LogProb)
            node.cache = typed
            tx.set(slots, nxt + offset, node)

    def _on_part_done(
        self,
        payload: dict[str, Any],
        name: str,
        event: Any,
        position: int,
        tx: Tx,
        area: str,
        key: str,
    ) -> list[Change[Any, Any, Any]]:
        """The final value of a part's streamed text."""
        item = self._item_for(payload, name)
        index, part = self._part_for(item, payload, name, area)
        final = _text(payload, key)
        logprobs = _list_or_none(payload, "logprobs")
        _check_event(name, payload, tx, frozenset({key, "logprobs"}))
        if item.done or item.parts[area].get(index):
            return []  # the part's done event, later in the stream, already stands
        held = part.get(key)
        built = held.joined() if held.__class__ is Frags else held
        if built is not None and built != final:
            self._mismatch(name, item.id, [f"data.{key}"])
        tx.set(part, key, final)
        if logprobs:
            held_logprobs = part.get("logprobs")
            if held_logprobs.__class__ is Slots and len(held_logprobs) != len(logprobs):
                self._mismatch(name, item.id, ["data.logprobs"])
            tx.set(part, "logprobs", Slots())
            self._add_logprobs(part, logprobs, tx)
        part.cache = None
        item.node.cache = None
        self._touch(item)
        return [make_change(name[_PREFIX:], item.id, index, None, event, position, item)]

    def _on_annotation(
        self, payload: dict[str, Any], name: str, event: Any, position: int, tx: Tx
    ) -> list[Change[Any, Any, Any]]:
        """``output_text.annotation.added``: an annotation at its ``annotation_index``."""
        item = self._item_for(payload, name)
        index, part = self._part_for(item, payload, name, "content")
        annotation_json: Any = payload.get("annotation")
        typed = _built(_ANNOTATION_HOOK, annotation_json, ("data", "annotation"))
        _check_event(name, payload, tx, frozenset({"annotation"}))
        if item.done or item.parts["content"].get(index):
            return self._late(item, name, "part")
        slots = _slots(part, "annotations", tx)
        at = _index(payload, "annotation_index")
        if at is None:
            at = max(slots) + 1 if slots else 0
            self._quirk("missing_index", name, item.id, "annotation_index", "appended")
        _place_index(slots, at, ("data", "annotation_index"))
        held = slots.get(at)
        if held is not None:
            if plain(held) != annotation_json:
                tx.conflict(
                    ("data", "annotation"), "another annotation holds this annotation_index"
                )
            return []
        node = to_node(annotation_json, _member(_ANNOTATION_MEMBERS, annotation_json))
        if node.__class__ is Node:
            node.cache = typed
        tx.set(slots, at, node)
        part.cache = None
        item.node.cache = None
        self._touch(item)
        return [
            make_change(
                "output_text.annotation.added", item.id, index, typed, event, position, item
            )
        ]

    # -- shell calls: commands and outputs by their index --

    def _shell_slots(self, item: _Item, area: str, tx: Tx) -> Slots:
        """``action.commands`` or ``output`` of a shell call, as index-keyed slots."""
        node = item.node
        if node.__class__ is not Node:
            raise Problem(
                "type_conflict", "data", "a shell event for an item that is not an object"
            )
        holder: Any = node
        key = "output"
        if area == "commands":
            holder = node.get("action")
            if holder.__class__ is not Node:
                holder = Node()
                tx.set(node, "action", holder)
            key = "commands"
        slots = holder.get(key)
        if slots.__class__ is not Slots:
            slots = Slots(enumerate(slots)) if slots.__class__ is list else Slots()
            tx.set(holder, key, slots)
        holder.cache = None
        node.cache = None
        return slots

    def _on_shell(
        self,
        payload: dict[str, Any],
        name: str,
        event: Any,
        position: int,
        tx: Tx,
        area: str,
        action: str,
    ) -> list[Change[Any, Any, Any]]:
        """``shell_call_command.*`` and ``shell_call_output_content.*``."""
        item = self._item_for(payload, name)
        index = _index(payload, "command_index")
        if index is None:
            raise Problem("bad_index", "data.command_index", "an event without a command_index")
        _check_event(name, payload, tx, frozenset())
        if item.done:
            return self._late(item, name, "item")
        slots = self._shell_slots(item, area, tx)
        _place_index(slots, index, ("data", "command_index"))
        fragment: Any = None
        if area == "commands":
            if action == "delta":
                fragment = _text(payload, "delta")
                _append(slots, index, fragment, tx, ("data", "delta"))
            else:
                tx.set(slots, index, _text(payload, "command"))
        elif action == "delta":
            delta: Any = payload.get("delta")
            typed_delta = _built(_SHELL_DELTA_HOOK, delta, ("data", "delta"))
            held = slots.get(index)
            if held.__class__ is not Node:
                held = Node()
                tx.set(slots, index, held)
            for stream in ("stdout", "stderr"):
                piece = delta.get(stream)
                if piece is not None:
                    if piece.__class__ is not str:
                        raise BadShape((("data", "delta"), stream), "a string", piece)
                    _append(held, stream, piece, tx, (("data", "delta"), stream))
            held.cache = None
            fragment = typed_delta  # stdout and stderr kept apart
        else:
            output = payload.get("output")
            if isinstance(output, list):  # the spec's output: the item's output list
                return self._shell_output_done(item, output, name, event, position, tx)
            if output.__class__ is not dict:
                raise BadShape(("data", "output"), "an object", output)
            tx.set(slots, index, to_node(output, None))
        self._touch(item)
        return [make_change(name[_PREFIX:], item.id, item.index, fragment, event, position, item)]

    def _shell_output_done(
        self, item: _Item, output: list[Any], name: str, event: Any, position: int, tx: Tx
    ) -> list[Change[Any, Any, Any]]:
        slots = self._shell_slots(item, "output", tx)
        for index, entry in enumerate(output):
            if entry.__class__ is not dict:
                raise BadShape((("data", "output"), index), "an object", entry)
            tx.set(slots, index, to_node(entry, None))
        self._touch(item)
        return [make_change(name[_PREFIX:], item.id, item.index, None, event, position, item)]

    # -- response-level side channels --

    def _on_audio(
        self, payload: dict[str, Any], name: str, event: Any, position: int, tx: Tx
    ) -> list[Change[Any, Any, Any]]:
        state = self._response_for(name)
        buffer, appends = _AUDIO[name]
        _check_event(name, payload, tx, frozenset())
        fragment: str | None = None
        if appends:
            fragment = _text(payload, "delta")
            held = state.audio.get(buffer)
            if held is None:
                tx.set(state.audio, buffer, Frags((fragment,)))
            else:
                tx.undo.append((held, None, len(held)))
                held.append(fragment)
        return [make_change(name[_PREFIX:], state.id, None, fragment, event, position, state)]

    # -- events of the stream itself --

    def _on_error_json(
        self, payload: dict[str, Any], name: str, event: Any, position: int, tx: Tx
    ) -> list[Change[Any, Any, Any]]:
        """A server ``error`` event (flat or nested): recorded and reported, raised at the end.

        Not raised here: the ``response.failed`` that follows it must apply.
        In strict mode it becomes :attr:`pending_error`, which the shells
        raise once the stream has ended.
        """
        typed: rm.ResponseErrorEvent = _built(_ERROR_HOOK, payload, "data")
        what = typed.error_code or (typed.error.type if typed.error is not None else None)
        reported = f"the server reported {what}" if what else "the server reported an error"
        self._note("server_error", None, "data", reported)
        self.errors.append(typed)
        if self.strict and self.pending_error is None:
            message = typed.error_message
            details = f": {message}" if message is not None else ""
            self.pending_error = StreamError(
                f"event {position} (error): {reported}{details}", error=typed, position=position
            )
        return [make_change("error", "", None, None, event, position, None, typed)]

    def _on_keepalive(
        self, payload: dict[str, Any], name: str, event: Any, position: int, tx: Tx
    ) -> list[Change[Any, Any, Any]]:
        _check_event(name, payload, tx, frozenset())
        return []

    def _on_unknown_json(
        self, payload: Any, event: Any, position: int, tx: Tx
    ) -> list[Change[Any, Any, Any]]:
        """An event type this version does not know: kept as received, never fatal."""
        unknown = event.get() if event.__class__ is Lazy else event
        self.unknown_events.append(unknown)
        return [make_change("unknown", "", None, None, unknown, position)]

    def _on_done(self, event: Any, position: int, tx: Tx) -> list[Change[Any, Any, Any]]:
        self.done = True
        return [make_change("end", "", None, None, event, position)]

    def _on_unknown(self, event: Any, position: int, tx: Tx) -> list[Change[Any, Any, Any]]:
        self.unknown_events.append(event)
        return [make_change("unknown", "", None, None, event, position)]

    class_routes: ClassVar[dict[type, ClassRoute]] = {
        DoneEvent: _on_done,
        UnknownEvent: _on_unknown,
    }
    json_routes: ClassVar[dict[str, JsonRoute]] = {}


_ERROR_HOOK = structurer(rm.ResponseErrorEvent)
_SHELL_DELTA_HOOK = structurer(rm.ShellCallOutputDelta)
_EVENT_HOOKS: dict[str, Callable[[Any], Any]] = {}
# The fields a delta route reads and checks itself.
_DELTA_FIELDS = frozenset(
    {"delta", "logprobs", "item_id", "output_index", "content_index", "summary_index"}
)


def _route(
    method: Callable[..., list[Change[Any, Any, Any]]],
    name: str,
    *args: Any,
    envelope: bool = False,
) -> JsonRoute:
    """The JSON route of event ``name``: sequence numbers first, then ``method``."""

    def call(
        acc: ResponseAccumulator, payload: Any, event: Any, position: int, tx: Tx
    ) -> list[Change[Any, Any, Any]]:
        return method(acc, payload, name, event, position, tx, *args)

    def route(
        acc: ResponseAccumulator, payload: Any, event: Any, position: int, tx: Tx
    ) -> list[Change[Any, Any, Any]]:
        return acc._sequenced(call, envelope, payload, event, position, tx)

    return route


def _unknown_route(
    acc: ResponseAccumulator, payload: Any, event: Any, position: int, tx: Tx
) -> list[Change[Any, Any, Any]]:
    """An unknown type: counted in the sequence if it has a number, and kept."""
    if payload.__class__ is not dict:  # an unknown event need not carry an object
        return acc._on_unknown_json(payload, event, position, tx)
    return acc._sequenced(_UNKNOWN_CALL, False, payload, event, position, tx)


def _unknown_call(
    acc: ResponseAccumulator, payload: Any, event: Any, position: int, tx: Tx
) -> list[Change[Any, Any, Any]]:
    return acc._on_unknown_json(payload, event, position, tx)


_UNKNOWN_CALL = _unknown_call


def _routes() -> dict[str, JsonRoute]:
    """Every known event type -> its route (the protocol as data)."""
    acc = ResponseAccumulator
    table: dict[str, JsonRoute] = {}
    for name in (*_LIFECYCLE, *_TERMINAL):
        table[name] = _route(acc._envelope, name, envelope=True)
    for name in ("response.output_item.added", "response.output_item.done"):
        table[name] = _route(acc._on_item, name)
    for name in ("response.content_part.added", "response.content_part.done"):
        table[name] = _route(acc._on_part, name, "content")
    for name in ("response.reasoning_summary_part.added", "response.reasoning_summary_part.done"):
        table[name] = _route(acc._on_part, name, "summary")
    for name, (area, key) in _PART_DELTAS.items():
        table[name] = _route(acc._on_part_delta, name, area, key)
    for name, (area, key) in _PART_DONES.items():
        table[name] = _route(acc._on_part_done, name, area, key)
    for name, path in _ITEM_DELTAS.items():
        table[name] = _route(acc._on_item_delta, name, path)
    for name, path in _ITEM_DONES.items():
        table[name] = _route(acc._on_item_done, name, path)
    for name, status in _ITEM_STATUS.items():
        table[name] = _route(acc._on_item_status, name, status)
    name = "response.output_text.annotation.added"
    table[name] = _route(acc._on_annotation, name)
    name = "response.image_generation_call.partial_image"
    table[name] = _route(acc._on_partial_image, name)
    for name, area, action in (
        ("response.shell_call_command.added", "commands", "added"),
        ("response.shell_call_command.delta", "commands", "delta"),
        ("response.shell_call_command.done", "commands", "done"),
        ("response.shell_call_output_content.delta", "output", "delta"),
        ("response.shell_call_output_content.done", "output", "done"),
    ):
        table[name] = _route(acc._on_shell, name, area, action)
    for name in _AUDIO:
        table[name] = _route(acc._on_audio, name)
    table["error"] = _route(acc._on_error_json, "error")
    table["keepalive"] = _route(acc._on_keepalive, "keepalive")
    return table


ResponseAccumulator.json_routes = _routes()
ResponseAccumulator.default_json_route = _unknown_route
