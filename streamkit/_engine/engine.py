"""The protocol-neutral accumulator: positions, transactions, strict and lenient mode.

:class:`Engine` feeds one event at a time: it numbers it, finds the
protocol's route for it, runs the route inside a transaction, and turns what
went wrong into a precise error (strict) or an :class:`Anomaly` (lenient),
with nothing of a rejected event applied. A protocol is a subclass that
supplies data and routes:

* ``json_routes``: event name -> route taking the event's parsed JSON (the
  hot path: deltas are merged from their JSON, no typed event is built);
* ``class_routes``: typed event class -> route taking the typed event;
* ``parse``: the protocol's ``parse_event``.

A protocol whose events name themselves in their JSON (the Responses
stream: ``{"type": "response.output_text.delta", ...}``, with or without an
``event:`` line) sets ``routes_by_payload``: its events are routed by the
payload's ``type``, unknown ones to ``default_json_route``, and
``end_marker`` (``[DONE]``) is the data of its end-of-stream event.

Routes return the :class:`~streamkit._engine.changes.Change` list of the event.
"""

from __future__ import annotations

import typing
from collections.abc import Callable
from typing import Any, ClassVar

from streamkit._engine.changes import Anomaly, Change, Lazy
from streamkit._engine.convert import json_error_where, loads, parse_error, to_dict
from streamkit._engine.merge import SHALLOW_TEXT, Problem, Tx
from streamkit.errors import AccumulateError, ParseError, StreamkitError
from streamkit.sse import ServerSentEvent

__all__ = ["ClassRoute", "Engine", "JsonRoute"]

JsonRoute = Callable[[Any, Any, Any, int, Tx], list[Change[Any, Any, Any]]]
"""(engine, parsed JSON, event or Lazy event, position, tx) -> changes."""
ClassRoute = Callable[[Any, Any, int, Tx], list[Change[Any, Any, Any]]]
"""(engine, typed event, position, tx) -> changes."""


class Engine:
    """Base of the accumulators: feed events, get Changes; see the module docstring.

    Args:
        strict: raise on bad input, before any of it is applied (the default);
            with ``strict=False`` the problem is recorded in :attr:`anomalies`,
            the offending event (or, for a mere conflict, the conflicting
            field) is skipped, and the stream goes on.
    """

    json_routes: ClassVar[dict[str, JsonRoute]] = {}
    class_routes: ClassVar[dict[type, ClassRoute]] = {}
    #: The typed classes whose events are merged through their wire JSON.
    json_classes: ClassVar[frozenset[type]] = frozenset()
    #: Route events by their JSON's ``type`` rather than their SSE name.
    routes_by_payload: ClassVar[bool] = False
    #: With ``routes_by_payload``: the route of a type with no route of its own.
    default_json_route: ClassVar[JsonRoute | None] = None
    #: With ``routes_by_payload``: the data of the end-of-stream event (not JSON).
    end_marker: ClassVar[str | None] = None

    def __init__(self, *, strict: bool = True) -> None:
        self.strict = strict
        #: Problems recorded (all of them in lenient mode; terminal mismatches always).
        self.anomalies: list[Anomaly] = []
        #: The number of events fed.
        self.position = 0
        #: Whether the stream's end was fed (reading stops there).
        self.done = False
        #: An error the protocol raises only once the stream has ended (see
        #: ``Driver.ended``); the shells raise it then.
        self.pending_error: StreamkitError | None = None
        self._tx = Tx(lenient=not strict)

    def parse(self, sse: ServerSentEvent, position: int | None = None) -> Any:
        """The typed event of a decoded one (the protocol's ``parse_event``)."""
        raise NotImplementedError

    def event_from_json(self, name: str) -> Callable[[Any], Any]:
        """Builds the typed event of ``name`` from its parsed JSON (the protocol's)."""
        raise NotImplementedError

    def wire_of(self, event: Any) -> tuple[str, Any]:
        """A typed event of ``json_classes`` as (name, wire JSON), to merge it by its JSON route.

        Raises:
            ValueError: JSON built in Python nested past the parser's limit.
        """
        return event.event, to_dict(event.data)

    def feed(self, event: Any) -> list[Change[Any, Any, Any]]:
        """Apply one event (typed, or a ServerSentEvent parsed here); return its Changes."""
        self.position += 1
        position = self.position
        if event.__class__ is ServerSentEvent:
            if self.routes_by_payload:
                return self._feed_payload(event, position)
            json_route = self.json_routes.get(event.event)
            if json_route is not None:
                return self._feed_json(json_route, event.event, event.data, None, position)
            try:
                event = self.parse(event, position)
            except ParseError as error:
                if self.strict:
                    raise
                self.record("parse", event.event, None, error.path, error.reason)
                return []
        elif event.__class__ in self.json_classes:
            # A typed delta merges through its wire JSON: one merge engine.
            typed: Any = event
            try:
                name, data = self.wire_of(typed)
            except ValueError as error:  # built in Python, nested past the parser's limit
                return self._not_json(typed.event, position, str(error))
            route = self.json_routes.get(name) or type(self).default_json_route
            assert route is not None  # every json class has a route
            return self._feed_json(route, name, data, typed, position)
        return self._feed_class(event, position)

    def _feed_class(self, event: Any, position: int) -> list[Change[Any, Any, Any]]:
        """A typed event applied through its class route."""
        name = event.event
        class_route = self.class_routes.get(event.__class__)
        if class_route is None:  # pragma: no cover - every event class has a route
            return []
        tx = self._tx.begin(not self.strict)
        try:
            changes = class_route(self, event, position, tx)
        except Problem as problem:
            tx.rollback()
            object_id = getattr(getattr(event, "data", None), "id", None)
            if problem.kind == "parse" and self.strict:
                raise parse_error(name, position, problem.path, problem.reason) from None
            if self.strict:
                self.fail(problem, position, name, object_id)
            self.record(problem.kind, name, object_id, problem.path, problem.reason)
            return []
        for conflict in tx.conflicts:
            object_id = getattr(getattr(event, "data", None), "id", None)
            self.record(conflict.kind, name, object_id, conflict.path, conflict.reason)
        return changes

    def _feed_payload(self, sse: ServerSentEvent, position: int) -> list[Change[Any, Any, Any]]:
        """An event routed by its JSON's ``type`` (``routes_by_payload``)."""
        data = sse.data
        if data == self.end_marker:
            return self._feed_class(self.parse(sse, position), position)
        try:
            payload = loads(data)
        except (ValueError, RecursionError) as exc:
            return self._not_json(sse.event, position, f"not valid JSON ({json_error_where(exc)})")
        name = payload.get("type") if payload.__class__ is dict else None
        if name.__class__ is not str:
            # No type in the JSON: the SSE name says it, if the server sent one.
            name = sse.event
        route = self.json_routes.get(name) or type(self).default_json_route
        assert route is not None  # a protocol routing by payload has a default route
        return self._feed_json(route, name, payload, None, position, len(data) <= SHALLOW_TEXT)

    def _feed_json(
        self,
        route: JsonRoute,
        name: str,
        data: Any,
        event: Any,
        position: int,
        shallow: bool | None = None,
    ) -> list[Change[Any, Any, Any]]:
        """An event merged from its parsed JSON: no typed event is built unless read.

        The JSON types are checked during the merge, as the converter checks
        them; a wrong one rolls the event back and is a ParseError.
        ``shallow`` says whether parsed ``data`` came from a text too short
        to nest deeply (worked out here for a text).
        """
        try:
            payload = loads(data) if data.__class__ is str else data
        except (ValueError, RecursionError) as exc:
            return self._not_json(name, position, f"not valid JSON ({json_error_where(exc)})")
        if event is None:
            # The typed event, if someone reads it, is built from the JSON
            # parsed here: each payload is parsed once.
            event = Lazy(self.event_from_json(name), payload)
        if shallow is None:
            shallow = data.__class__ is str and len(data) <= SHALLOW_TEXT
        tx = self._tx.begin(not self.strict, shallow)
        try:
            changes = route(self, payload, event, position, tx)
        except Problem as problem:
            tx.rollback()
            object_id = payload.get("id") if payload.__class__ is dict else None
            if problem.kind == "parse" and self.strict:
                raise parse_error(name, position, problem.path, problem.reason) from None
            if self.strict:
                self.fail(problem, position, name, object_id)
            self.record(problem.kind, name, object_id, problem.path, problem.reason)
            return []
        for conflict in tx.conflicts:
            self.record(conflict.kind, name, payload.get("id"), conflict.path, conflict.reason)
        return changes

    def _not_json(self, name: str, position: int, reason: str) -> list[Change[Any, Any, Any]]:
        """An event whose data cannot be merged as JSON: a ParseError, or (lenient) an anomaly."""
        if self.strict:
            raise parse_error(name, position, "data", reason)
        self.record("parse", name, None, "data", reason)
        return []

    def fail(self, problem: Problem, position: int, name: str, object_id: Any) -> typing.NoReturn:
        """Raise the precise error for ``problem`` (what, where; never payload text)."""
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

    def record(self, kind: str, name: str, object_id: Any, path: str, message: str) -> None:
        """Record an anomaly at the current position."""
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
