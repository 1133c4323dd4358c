"""The Assistants run stream on the merge engine: ``thread.*`` events -> Runs, RunSteps, Messages.

This module is the protocol as data and routes: which event creates,
updates, appends to or finalises which object (:data:`Accumulator.json_routes`,
:data:`Accumulator.class_routes`), and the Change kinds it reports. The
merging itself -- plans, slots, fragments, transactions, lazy snapshots -- is
:mod:`streamkit._engine`.
"""

from __future__ import annotations

import typing
from collections.abc import Callable, Mapping
from functools import partial
from typing import TYPE_CHECKING, Any, ClassVar, Literal, TypeAlias, Union

from streamkit import models as m
from streamkit._engine.changes import Change, Lazy, ObjectState, SnapshotView, build, make_change
from streamkit._engine.convert import (
    LiveStructurer,
    event_from_json,
    parse_event,
    structurer,
    to_dict,
    unknown_object,
)
from streamkit._engine.engine import ClassRoute, Engine, JsonRoute
from streamkit._engine.merge import (
    MAX_INDEX_GAP,
    BadShape,
    Path,
    Problem,
    Tx,
    adopt,
    build_as,
    check_unknown_keys,
    merge_entries,
    merge_object,
    merge_raw,
    mismatches,
    to_node,
)
from streamkit._engine.nodes import Node, Slots, plain
from streamkit._engine.plan import members_of, plan_for
from streamkit.errors import StreamError
from streamkit.sse import ServerSentEvent

__all__ = ["MAX_INDEX_GAP", "Accumulator", "AssistantsChange", "ChangeKind"]

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
"""What a Change of the Assistants stream reports.

The snapshot each carries: a ``Run`` (``run.*``), ``RunStep`` (``step.*``),
tool call (``tool_call.*``), ``Message`` (``message.*``), ``Text``
(``text.*``), ``RefusalContentBlock`` (``refusal.*``), ``ImageFile`` /
``ImageURL`` (``image_*``), content block (``content.*``), ``Thread``
(``thread.created``), ``ErrorObject`` (``error``), or ``None``. The delta:
``RunStepDelta`` for ``step.delta``, the tool-call delta entry for
``tool_call.created`` / ``tool_call.delta`` (``created`` carries the first
one, already applied; ``None`` when the call arrived inside a whole step),
``MessageDelta`` for ``message.delta``, ``TextDelta`` for ``text.*``, the
refusal block for ``refusal.*``; else ``None``.
"""

# One member per kind group: Change[kind, delta type, snapshot type]. Testing
# `change.kind` narrows `change.delta` and `change.snapshot` for a type checker.
AssistantsChange: TypeAlias = Union[  # noqa: UP007 - a runtime alias: `|` fails on 3.10 here
    Change[Literal["thread.created"], None, m.Thread],
    Change[Literal["run.created", "run.updated", "run.done"], None, m.Run],
    Change[Literal["step.created", "step.updated", "step.done"], None, m.RunStep],
    Change[Literal["step.delta"], m.RunStepDelta, m.RunStep],
    Change[Literal["tool_call.created", "tool_call.delta"], m.ToolCallDelta | None, m.ToolCall],
    Change[Literal["tool_call.done"], None, m.ToolCall],
    Change[Literal["message.created", "message.updated", "message.done"], None, m.Message],
    Change[Literal["message.delta"], m.MessageDelta, m.Message],
    Change[Literal["text.created", "text.delta"], m.TextDelta | None, m.Text],
    Change[Literal["text.done"], None, m.Text],
    Change[
        Literal["refusal.created", "refusal.delta", "refusal.done"],
        m.RefusalDeltaBlock | None,
        m.RefusalContentBlock,
    ],
    Change[Literal["image_file.created", "image_file.done"], Any, m.ImageFile],
    Change[Literal["image_url.created", "image_url.done"], Any, m.ImageURL],
    Change[
        Literal["content.created", "content.delta", "content.done"],
        m.MessageContentDelta | None,
        m.MessageContent,
    ],
    Change[Literal["error"], None, m.ErrorObject],
    Change[Literal["unknown", "end"], None, None],
]
"""Every Change of the Assistants stream, typed per kind (see :data:`ChangeKind`)."""

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

# The wire names of the streamed text fields, for comparing accumulated
# content with a terminal object (a prefix is no mismatch).
_STREAMED_KEYS = frozenset({"input", "logs", "arguments", "value", "refusal"})

# Content-block kinds for Change reporting: type -> (kind prefix, closes at once).
_BLOCK_KINDS: dict[str, tuple[str, bool]] = {
    "text": ("text", False),
    "refusal": ("refusal", False),
    "image_file": ("image_file", True),
    "image_url": ("image_url", True),
}
_DELTA_KINDS = {prefix: f"{prefix}.delta" for prefix in ("tool_call", "text", "refusal", "content")}

_TOOL_CALLS_PATH: Path = ((("data", "delta"), "step_details"), "tool_calls")
_CONTENT_PATH: Path = (("data", "delta"), "content")
_STEP_DETAILS_PATH: Path = (("data", "delta"), "step_details")

_TOOL_CALL_HOOK = structurer(m.ToolCall)
_CONTENT_HOOK = structurer(m.MessageContent)
_TEXT_HOOK = structurer(m.Text)
_IMAGE_FILE_HOOK = structurer(m.ImageFile)
_IMAGE_URL_HOOK = structurer(m.ImageURL)
# Whole objects' hooks follow streamkit.converter: a hook registered there
# later for Run, RunStep or Message builds their snapshots too.
_RUN_HOOK = LiveStructurer(m.Run)
_STEP_HOOK = LiveStructurer(m.RunStep)
_MESSAGE_HOOK = LiveStructurer(m.Message)
_TEXT_DELTA_HOOK = structurer(m.TextDelta)
_RUN_STEP_DELTA_HOOK = structurer(m.RunStepDelta)
_MESSAGE_DELTA_HOOK = structurer(m.MessageDelta)

# Nodes merged from deltas are read as the whole objects: the merge checks
# what it stores against both (a file_search delta is free-form, the
# FileSearchToolCall it builds is not).
build_as(m.RunStepDelta, m.RunStep)
build_as(m.MessageDelta, m.Message)

# What the routes merge of a delta event; any other key of it is checked
# (check_unknown_keys) so that reading the typed event or delta cannot fail.
_DELTA_EVENT_KEYS = frozenset({"id", "object", "delta"})
_STEP_DELTA_KEYS = plan_for(m.RunStepDelta).known
_MESSAGE_DELTA_KEYS = plan_for(m.MessageDelta).known

# An error event's envelope with a null error: reported as an error without details.
_ERROR_WITHOUT_DETAILS: m.ErrorObject = structurer(m.ErrorObject)({})

_TOOL_CALL_MEMBERS = members_of(("union", frozenset(typing.get_args(m.ToolCallDelta))))
_CONTENT_MEMBERS = members_of(("union", frozenset(typing.get_args(m.MessageContentDelta))))
_STEP_DETAILS_MEMBERS = members_of(("union", frozenset(typing.get_args(m.RunStepDeltaStepDetails))))


def _entries(state: ObjectState) -> Slots | None:
    """The index-keyed list of a step or message that opens and closes: tool calls or content."""
    details = state.node.get("step_details")
    slots = details.get("tool_calls") if details.__class__ is Node else state.node.get("content")
    return slots if slots.__class__ is Slots else None


def _entry_snapshot(state: ObjectState, index: int, kind: str) -> Any:
    """The typed snapshot of a tool call or content block (or its text / image)."""
    slots = _entries(state)
    node = slots.get(index) if slots is not None else None
    if node is None:
        return None
    hook, key = _ENTRY_BUILDS[kind]
    return build(hook, node if key is None else node.get(key) or Node())


def _entry_builds() -> dict[str, tuple[Callable[[Any], Any], str | None]]:
    """Change kind -> (the hook of its snapshot, the entry's key holding it, or None: the entry)."""
    table: dict[str, tuple[Callable[[Any], Any], str | None]] = {}
    for prefix, hook, key in (
        ("tool_call", _TOOL_CALL_HOOK, None),
        ("text", _TEXT_HOOK, "text"),
        ("image_file", _IMAGE_FILE_HOOK, "image_file"),
        ("image_url", _IMAGE_URL_HOOK, "image_url"),
        ("refusal", _CONTENT_HOOK, None),
        ("content", _CONTENT_HOOK, None),
    ):
        for suffix in ("created", "delta", "done"):
            table[f"{prefix}.{suffix}"] = (hook, key)
    return table


# The hooks build from nodes and return what did not change from its cache.
_ENTRY_BUILDS = _entry_builds()


def _node(obj: Any, cls: type) -> Node:
    """A whole object's node, its snapshot already known."""
    try:
        wire = to_dict(obj)
    except ValueError as error:  # built in Python, nested past the limit parsing enforces
        raise Problem("parse", "data", str(error)) from None
    node: Node = to_node(wire, cls)
    node.cache = obj  # the typed object *is* the snapshot of this node
    return node


def _state(obj: Any, hook: Callable[[Any], Any], cls: type) -> ObjectState:
    """The state of a whole object first seen."""
    run_id = getattr(obj, "run_id", None)
    return ObjectState(
        obj.id, _node(obj, cls), hook, _entry_snapshot, run_id if isinstance(run_id, str) else None
    )


class Accumulator(Engine):
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

    The terminal object is authoritative: a delta for a step or message
    after its terminal event (``completed``, ``failed``, ``incomplete`` ...)
    changes nothing and is recorded as a ``late_delta`` anomaly, in both
    modes (as a ``terminal_mismatch`` is: nothing is lost, so a strict
    consumer is not stopped). A step or message closed only because its run
    ended takes later deltas as usual.

    Bad input never makes a snapshot unreadable: everything the accumulator
    stores has been checked against the schema, including JSON nested past
    :data:`streamkit._engine.convert.MAX_DEPTH` levels in free-form values and
    a ``type`` that is not a string, which are ``ParseError`` s naming the
    field (strict) or ``parse`` anomalies (lenient).

    Snapshots are built when read, and only what changed since the last read
    is rebuilt (a tool call, a content block), so reading a snapshot after
    every delta costs what that delta changed.

    Args:
        strict: raise :class:`~streamkit.AccumulateError` (or
            :class:`~streamkit.ParseError` / :class:`~streamkit.StreamError`)
            on bad input, before any of it is applied -- the default. With
            ``strict=False`` the problem is recorded in :attr:`anomalies`,
            the offending event (or, for a mere conflict, the conflicting
            field) is skipped, and the stream goes on.
    """

    def __init__(self, *, strict: bool = True) -> None:
        super().__init__(strict=strict)
        #: Server ``error`` events received, unwrapped.
        self.errors: list[m.ErrorObject] = []
        #: Events whose name this version does not know, as received.
        self.unknown_events: list[m.UnknownEvent] = []
        #: Whether a ``done`` event was fed.
        self.done = False
        self._threads: dict[str, m.Thread] = {}
        self._runs: dict[str, ObjectState] = {}
        self._steps: dict[str, ObjectState] = {}
        self._messages: dict[str, ObjectState] = {}
        self._final_run_snapshot: m.Run | None = None
        # Run id -> its steps and its messages not yet closed by its end (a
        # run's end closes its own, not every object seen: no scan of all).
        self._open_by_run: dict[str, tuple[list[ObjectState], list[ObjectState]]] = {}
        # Steps and messages whose terminal object arrived: deltas after it are late.
        self._final_steps: set[str] = set()
        self._final_messages: set[str] = set()
        #: The position of the last run event whose status is terminal for a
        #: stream (0: none yet): a stream that got one has nothing to recover.
        self.final_run_position = 0

    def parse(self, sse: ServerSentEvent, position: int | None = None) -> Any:
        """The typed event (:func:`streamkit.parse_event`)."""
        return parse_event(sse, position=position)

    def event_from_json(self, name: str) -> Callable[[Any], Any]:
        """Builds the typed event of ``name`` from its parsed JSON."""
        hook = _EVENT_HOOKS.get(name)
        if hook is None:
            hook = _EVENT_HOOKS[name] = partial(event_from_json, name)
        return hook

    # -- public views --

    @property
    def runs(self) -> Mapping[str, m.Run]:
        """Every run seen, by id, in order of first appearance."""
        return SnapshotView(self._runs)

    @property
    def run_steps(self) -> Mapping[str, m.RunStep]:
        """Every run step seen, by id, in order of first appearance."""
        return SnapshotView(self._steps)

    @property
    def messages(self) -> Mapping[str, m.Message]:
        """Every message seen, by id, in order of first appearance."""
        return SnapshotView(self._messages)

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

    if TYPE_CHECKING:  # Engine.feed runs: no extra call per event; this only types it

        def feed(self, event: m.StreamEvent | ServerSentEvent) -> list[AssistantsChange]:
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

    # -- delta events, merged from their JSON --

    def _on_step_delta_json(
        self, payload: Any, event: Any, position: int, tx: Tx
    ) -> list[Change[Any, Any, Any]]:
        state, delta = self._delta_target(payload, self._steps, "step", tx)
        if state.done and state.id in self._final_steps:  # done first: cheap, mostly false
            return self._late(state, "thread.run.step.delta", "step")
        if not tx.shallow and not _STEP_DELTA_KEYS.issuperset(delta):
            check_unknown_keys(delta, _STEP_DELTA_KEYS, ("data", "delta"))
        placed: list[tuple[int, bool, Any]] = []
        details = delta.get("step_details")
        state.node.cache = None
        if details is not None:
            path = _STEP_DETAILS_PATH
            if details.__class__ is not dict:
                raise BadShape(path, "an object", details)
            node = state.node.get("step_details")
            if node.__class__ is not Node:
                node = Node()
                tx.set(state.node, "step_details", node)
            node.cache = None
            tag = details.get("type")
            held_type = node.get("type")
            if tag is not None and tag.__class__ is not str:
                raise BadShape((path, "type"), "a string", tag)
            if tag is not None and held_type is not None and tag != held_type:
                raise Problem("type_conflict", (path, "type"), "the step's type changed")
            if (tag or held_type) == "tool_calls":
                calls = details.get("tool_calls")
                if calls is not None and calls.__class__ is not list:
                    raise BadShape((path, "tool_calls"), "an array", calls)
                if held_type is None:
                    tx.set(node, "type", "tool_calls")
                    # Tool calls kept raw while the type was unknown are
                    # placed (and checked) now, before this delta's.
                    held_calls = node.get("tool_calls")
                    if held_calls.__class__ is list:
                        calls = plain(held_calls) + (calls or [])
                if calls is not None:
                    slots = node.get("tool_calls")
                    if slots.__class__ is not Slots:
                        slots = Slots()
                        tx.set(node, "tool_calls", slots)
                    placed = _lazy_entries(
                        merge_entries(calls, slots, _TOOL_CALL_MEMBERS, _TOOL_CALLS_PATH, tx)
                    )
            else:
                member = _STEP_DETAILS_MEMBERS.tagged.get(tag or held_type or "")
                if member is None:
                    merge_raw(details, node, path, tx)
                else:
                    if held_type is None and len(node) > 0:
                        # Kept raw while its type was unknown: checked as what it is now.
                        node = adopt(member, node, path, tx)
                        tx.set(state.node, "step_details", node)
                    merge_object(member, details, node, path, tx)
        delta_value = Lazy(_RUN_STEP_DELTA_HOOK, delta, m.RunStepDelta)
        changes = [make_change("step.delta", state.id, None, delta_value, event, position, state)]
        changes += self._entry_changes(state, placed, "tool_call", event, position)
        return changes

    def _on_message_delta_json(
        self, payload: Any, event: Any, position: int, tx: Tx
    ) -> list[Change[Any, Any, Any]]:
        state, delta = self._delta_target(payload, self._messages, "message", tx)
        if state.done and state.id in self._final_messages:  # done first: cheap, mostly false
            return self._late(state, "thread.message.delta", "message")
        if not tx.shallow and not _MESSAGE_DELTA_KEYS.issuperset(delta):
            check_unknown_keys(delta, _MESSAGE_DELTA_KEYS, ("data", "delta"))
        state.node.cache = None
        role = delta.get("role")
        if role is not None:
            if role.__class__ is not str:
                raise BadShape((("data", "delta"), "role"), "a string", role)
            held = state.node.get("role")
            if held is None:
                tx.set(state.node, "role", role)
            elif held != role:
                tx.conflict((("data", "delta"), "role"), "the message's role changed")
        placed: list[tuple[int, bool, Any]] = []
        content = delta.get("content")
        if content is not None:
            if content.__class__ is not list:
                raise BadShape(_CONTENT_PATH, "an array", content)
            if content:
                slots = state.node.get("content")
                if slots.__class__ is not Slots:
                    slots = Slots()
                    tx.set(state.node, "content", slots)
                placed = _lazy_entries(
                    merge_entries(content, slots, _CONTENT_MEMBERS, _CONTENT_PATH, tx)
                )
        delta_value = Lazy(_MESSAGE_DELTA_HOOK, delta, m.MessageDelta)
        changes = [
            make_change("message.delta", state.id, None, delta_value, event, position, state)
        ]
        changes += self._entry_changes(state, placed, "content", event, position)
        return changes

    @staticmethod
    def _delta_target(
        payload: Any, states: dict[str, ObjectState], kind: str, tx: Tx
    ) -> tuple[ObjectState, Any]:
        """The state a delta event's JSON is for, and its `delta` object, both checked."""
        if payload.__class__ is not dict:
            raise BadShape("data", "an object", payload)
        object_id = payload.get("id")
        if object_id.__class__ is not str:
            raise BadShape(("data", "id"), "a string", object_id)
        tag = payload.get("object")
        if tag is not None and tag.__class__ is not str:
            raise BadShape(("data", "object"), "a string", tag)
        delta = payload.get("delta")
        if delta is None:
            delta = {}
        elif delta.__class__ is not dict:
            raise BadShape(("data", "delta"), "an object", delta)
        state = states.get(object_id)
        if state is None:
            raise Problem("unknown_id", "data.id", f"a delta for a {kind} never created")
        if not tx.shallow and not _DELTA_EVENT_KEYS.issuperset(payload):
            check_unknown_keys(payload, _DELTA_EVENT_KEYS, "data")
        return state, delta

    def _late(self, state: ObjectState, name: str, kind: str) -> list[Change[Any, Any, Any]]:
        """A delta after its object's terminal event: ignored, recorded in both modes."""
        reason = f"a delta after the {kind}'s terminal event: ignored (the terminal object wins)"
        self.record("late_delta", name, state.id, "data.delta", reason)
        return []

    # -- typed events --

    def _on_thread(self, event: Any, position: int, tx: Tx) -> list[Change[Any, Any, Any]]:
        thread: m.Thread = event.data
        self._threads[thread.id] = thread
        return [make_change("thread.created", thread.id, None, None, event, position, None, thread)]

    def _on_run(self, event: Any, position: int, tx: Tx) -> list[Change[Any, Any, Any]]:
        run: m.Run = event.data
        name = event.event
        state = self._runs.get(run.id)
        changes: list[Change[Any, Any, Any]] = []
        if state is None:
            state = self._runs[run.id] = _state(run, _RUN_HOOK, m.Run)
            changes.append(make_change("run.created", run.id, None, None, event, position, state))
        else:
            if name == "thread.run.created":
                self._duplicate(tx, "thread.run.created")
            state.node = _node(run, m.Run)
        if name in _RUN_TERMINAL_EVENTS:
            changes += self._close_run(run.id, event, position)
            changes.append(make_change("run.done", run.id, None, None, event, position, state))
        elif changes == [] or name != "thread.run.created":
            changes.append(make_change("run.updated", run.id, None, None, event, position, state))
        if run.status in _TERMINAL_RUN:
            self._final_run_snapshot = state.snapshot()
            self.final_run_position = position
        return changes

    def _duplicate(self, tx: Tx, name: str) -> None:
        tx.problem("duplicate_created", "data.id", f"{name} for an id already seen")

    def _close_run(self, run_id: str, event: Any, position: int) -> list[Change[Any, Any, Any]]:
        """Done changes for every open step and message of a run that ended."""
        changes: list[Change[Any, Any, Any]] = []
        opened = self._open_by_run.pop(run_id, None)
        if opened is None:
            return changes
        for kind, states in zip(("step", "message"), opened, strict=True):
            for state in states:
                if not state.done:
                    changes += self._close_entries(state, event, position)
                    state.done = True
                    changes.append(
                        make_change(f"{kind}.done", state.id, None, None, event, position, state)
                    )
        return changes

    def _close_entries(
        self, state: ObjectState, event: Any, position: int
    ) -> list[Change[Any, Any, Any]]:
        changes = []
        for index in sorted(state.open):
            prefix = state.open[index]
            changes.append(
                make_change(f"{prefix}.done", state.id, index, None, event, position, state)
            )
        state.open.clear()
        return changes

    def _on_whole(self, event: Any, position: int, tx: Tx) -> list[Change[Any, Any, Any]]:
        """A step or message event carrying the whole object: created, in_progress, terminal."""
        obj = event.data
        name = event.event
        is_step = isinstance(obj, m.RunStep)
        kind = "step" if is_step else "message"
        states = self._steps if is_step else self._messages
        terminal = name in (_TERMINAL_STEP_EVENTS if is_step else _TERMINAL_MESSAGE_EVENTS)
        state = states.get(obj.id)
        hook, cls = (_STEP_HOOK, m.RunStep) if is_step else (_MESSAGE_HOOK, m.Message)
        fresh = _state(obj, hook, cls)
        changes: list[Change[Any, Any, Any]] = []
        if state is None:
            state = states[obj.id] = fresh
            run_id = state.parent_id
            if run_id is not None:
                opened = self._open_by_run.get(run_id)
                if opened is None:
                    opened = self._open_by_run[run_id] = ([], [])
                opened[0 if is_step else 1].append(state)
            changes.append(
                make_change(f"{kind}.created", obj.id, None, None, event, position, state)
            )
            changes += self._open_new_entries(state, set(), event, position)
        else:
            if name.endswith(".created"):
                self._duplicate(tx, name)
            before = set(state.open) | set(_entries(state) or ())
            if terminal:
                content_key = "step_details" if is_step else "content"
                found: list[str] = []
                mismatches(
                    plain(state.node.get(content_key)),
                    plain(fresh.node.get(content_key)),
                    f"data.{content_key}",
                    found,
                    _STREAMED_KEYS,
                )
                if found:
                    self.record(
                        "terminal_mismatch",
                        name,
                        obj.id,
                        found[0],
                        f"the terminal object differs from the deltas at: {', '.join(found)}",
                    )
                state.node = fresh.node
            else:
                _refresh(state, fresh.node)
            if not state.done:
                changes += self._open_new_entries(state, before, event, position)
            if not terminal or state.done:
                changes.append(
                    make_change(f"{kind}.updated", obj.id, None, None, event, position, state)
                )
        if terminal:
            (self._final_steps if is_step else self._final_messages).add(obj.id)
        if terminal and not state.done:
            changes += self._close_entries(state, event, position)
            state.done = True
            changes.append(make_change(f"{kind}.done", obj.id, None, None, event, position, state))
        return changes

    def _open_new_entries(
        self, state: ObjectState, before: set[int], event: Any, position: int
    ) -> list[Change[Any, Any, Any]]:
        """created (and, for whole blocks, done) changes for entries a whole object brought."""
        changes: list[Change[Any, Any, Any]] = []
        for index in list(_entries(state) or ()):
            if index in before:
                continue
            changes += self._open_entry(state, index, None, event, position)
        return changes

    def _open_entry(
        self, state: ObjectState, index: int, delta: Any, event: Any, position: int
    ) -> list[Change[Any, Any, Any]]:
        slots = _entries(state)
        node = slots.get(index) if slots is not None else None
        entry_type = node.get("type") if node is not None else None
        if "step_details" in state.node:
            prefix, closes = "tool_call", False
        else:
            prefix, closes = _BLOCK_KINDS.get(entry_type or "", ("content", False))
        text_delta = _text_delta(delta) if prefix == "text" else delta
        changes = [
            make_change(f"{prefix}.created", state.id, index, text_delta, event, position, state)
        ]
        if closes:
            changes.append(
                make_change(f"{prefix}.done", state.id, index, None, event, position, state)
            )
        else:
            state.open[index] = prefix
        return changes

    def _entry_changes(
        self,
        state: ObjectState,
        placed: list[tuple[int, bool, Any]],
        prefix: str,
        event: Any,
        position: int,
    ) -> list[Change[Any, Any, Any]]:
        changes: list[Change[Any, Any, Any]] = []
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
            changes.append(make_change(kind, state.id, index, delta, event, position, state))
        return changes

    def _on_error(self, event: Any, position: int, tx: Tx) -> list[Change[Any, Any, Any]]:
        error: m.ErrorObject | None = event.error
        if error is None:  # {"error": null}: an error all the same, without details
            error = _ERROR_WITHOUT_DETAILS
        self.errors.append(error)
        change = make_change("error", "", None, None, event, position, None, error)
        what = error.code or error.type
        reported = f"the server reported {what}" if what else "the server reported an error"
        if self.strict:
            details = f": {error.message}" if error.message is not None else ""
            raise StreamError(
                f"event {position} (error): {reported}{details}", error=error, position=position
            )
        self.record("server_error", "error", None, "data", reported)
        return [change]

    def _on_done(self, event: Any, position: int, tx: Tx) -> list[Change[Any, Any, Any]]:
        self.done = True
        return [make_change("end", "", None, None, event, position)]

    def _on_unknown(self, event: Any, position: int, tx: Tx) -> list[Change[Any, Any, Any]]:
        self.unknown_events.append(event)
        return [make_change("unknown", "", None, None, event, position)]

    json_classes: ClassVar[frozenset[type]] = frozenset(
        {m.ThreadRunStepDelta, m.ThreadMessageDelta}
    )
    json_routes: ClassVar[dict[str, JsonRoute]] = {
        "thread.run.step.delta": _on_step_delta_json,
        "thread.message.delta": _on_message_delta_json,
    }
    class_routes: ClassVar[dict[type, ClassRoute]] = {
        m.ThreadCreated: _on_thread,
        m.ErrorEvent: _on_error,
        m.DoneEvent: _on_done,
        m.UnknownEvent: _on_unknown,
    }


# Every other event carries a whole object: a step or message (created,
# in_progress, terminal) or a run.
for _cls in m.EVENT_CLASSES.values():
    if _cls not in Accumulator.class_routes and _cls not in Accumulator.json_classes:
        _data = typing.get_type_hints(_cls)["data"]
        Accumulator.class_routes[_cls] = (
            Accumulator._on_run if _data is m.Run else Accumulator._on_whole
        )


def _refresh(state: ObjectState, node: Node) -> None:
    """Status fields from a created/in_progress event; accumulated content kept."""
    held = state.node
    held.cache = None
    for key, value in node.items():
        if key == "step_details" and held.get(key).__class__ is Node:
            calls = held[key].get("tool_calls")
            if calls and value.__class__ is Node:
                continue  # deltas built content already: keep it
        if key == "content" and held.get(key):
            continue
        held[key] = value


def _lazy_entries(
    placed: list[tuple[int, bool, Any, type | None]],
) -> list[tuple[int, bool, Any]]:
    """Entries merged from JSON, with their typed deltas left to be built when read."""
    return [
        (
            index,
            is_new,
            Lazy(_class_hook(cls), entry, cls) if cls is not None else unknown_object(entry),
        )
        for index, is_new, entry, cls in placed
    ]


_CLASS_HOOKS: dict[type, Callable[[Any], Any]] = {}
_EVENT_HOOKS: dict[str, Callable[[Any], Any]] = {}


def _class_hook(cls: type) -> Callable[[Any], Any]:
    hook = _CLASS_HOOKS.get(cls)
    if hook is None:
        hook = _CLASS_HOOKS[cls] = structurer(cls)
    return hook


def _text_delta(entry: Any) -> Any:
    """The TextDelta of a text delta block (what text callbacks receive)."""
    if entry.__class__ is Lazy:
        if entry.cls is m.TextDeltaBlock:
            return Lazy(_TEXT_DELTA_HOOK, entry.raw.get("text") or {}, m.TextDelta)
        return entry
    return getattr(entry, "text", None) if isinstance(entry, m.TextDeltaBlock) else entry
