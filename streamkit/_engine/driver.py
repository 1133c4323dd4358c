"""The sans-IO stream driver: events in; callbacks, events to yield, text and requests out.

Every way of consuming a stream -- ``replay``, ``consume`` / ``aconsume``,
``text_deltas`` / ``atext_deltas``, the clients' stream objects -- is this
driver plus a thin shell that does its I/O (:mod:`streamkit._shell`). The
model is h11's ``Connection`` and httpx's auth flows: the logic is written
once, as plain code with no I/O, and a sync and an async loop perform what
it asks for.

Two pieces:

* :class:`Driver` takes one event at a time (:meth:`Driver.feed`): it feeds
  the accumulator and returns the callbacks to call for it, in order, with
  their arguments -- only the callbacks the handler implements, so a handler
  that overrides nothing costs nothing beyond the accumulator, and a
  snapshot is built only for a callback that takes one. A server ``error``
  event in strict mode yields its ``on_event`` and ``on_error`` calls, and
  :attr:`Driver.error` is then the exception to raise after them.
* A *flow* is a generator of actions that describes a whole stream's life:
  :class:`Read` a body (a request to open, or a local source), :class:`Fetch`
  a JSON request, :class:`Sleep`, :class:`Apply` objects read back as events,
  :class:`Invoke` tool functions. The shell performs each action and sends
  the result back into the generator. A protocol's client flow (open, read,
  recover a broken stream, submit tool outputs, continue) is written once.
"""

from __future__ import annotations

from collections.abc import Callable, Generator, Mapping, Sequence
from typing import Any

import attrs

from streamkit._engine.changes import Change
from streamkit._engine.engine import Engine
from streamkit._engine.requests import Request
from streamkit.errors import ParseError, StreamError, StreamkitError
from streamkit.sse import DEFAULT_MAX_EVENT_SIZE, ServerSentEvent

__all__ = [
    "Apply",
    "Callback",
    "Driver",
    "Fetch",
    "Flow",
    "Invoke",
    "Read",
    "ReadEnded",
    "Setup",
    "Sleep",
    "read_flow",
]

#: Callbacks a Change may fire: their names, and a function of the Change
#: giving the calls to make, in order, as (name, arguments) pairs -- none, one
#: or several (one delta may carry several outputs).
Callback = tuple[
    frozenset[str], Callable[[Change[Any, Any, Any]], Sequence[tuple[str, tuple[Any, ...]]]]
]

#: What a protocol says about callbacks: Change kind -> the callbacks it fires, in order.
Routes = Mapping[str, Sequence[Callback]]


#: What a protocol brings to a driver: its accumulator, its callback routes,
#: the Change kinds that carry text and how to read it (for ``text_deltas``).
Setup = tuple[
    Engine,
    Routes,
    frozenset[str],
    Callable[[Change[Any, Any, Any]], str | None] | None,
]


class Driver:
    """Feeds events to an accumulator; says what callbacks to call and what to yield.

    Args:
        accumulator: the protocol's accumulator (an :class:`~streamkit._engine.engine.Engine`),
            or None with ``choose``.
        routes: the protocol's callbacks per Change kind.
        implemented: the callback names the handler implements (None: no handler).
        wants_events: call ``on_event`` for every event.
        collect_text: collect the text fragments of these Change kinds into
            :attr:`texts` (for ``text_deltas``), via ``text_of(change)``.
        text_of: the text fragment a text Change carries, or None/"".
        choose: for a stream whose protocol is known only from its first
            event: gives the :data:`Setup` for that event (accumulator,
            routes, text kinds, ``text_of``), called once, at the first
            event; ``collect_text`` is then a flag: whether to collect.
    """

    __slots__ = (
        "_choose",
        "_collect",
        "_first",
        "_last_sse",
        "_names",
        "_routes",
        "_text_of",
        "_wants_events",
        "_wants_text",
        "accumulator",
        "changes",
        "error",
        "results",
        "texts",
        "wants_events",
    )

    def __init__(
        self,
        accumulator: Engine | None,
        routes: Routes,
        *,
        implemented: frozenset[str] | None = None,
        wants_events: bool = False,
        collect_text: frozenset[str] | bool = frozenset(),
        text_of: Callable[[Change[Any, Any, Any]], str | None] | None = None,
        choose: Callable[[Any], Setup] | None = None,
    ) -> None:
        # Only what the handler implements is kept: kinds that fire nothing
        # are skipped at the cost of one dict lookup.
        self._names = implemented or frozenset()
        self._wants_events = wants_events
        self._choose = choose
        self._first: Callable[[Any], None] | None = None
        self._collect: frozenset[str] = frozenset()
        # Whether to collect text (with ``choose``: the kinds come with the protocol).
        self._wants_text = bool(collect_text)
        self._routes: dict[str, tuple[Callback, ...]] = {}
        self.wants_events = False
        self._text_of = text_of
        #: The protocol's accumulator (None until the first event, with ``choose``).
        self.accumulator: Engine = accumulator  # type: ignore[assignment]
        if accumulator is not None:
            self._setup(accumulator, routes, collect_text, text_of)
        #: The Changes of the last event fed.
        self.changes: list[Change[Any, Any, Any]] = []
        #: A streamkit error to raise once the calls of the last event were made.
        self.error: StreamkitError | None = None
        #: Text fragments collected so far (the consumer empties it).
        self.texts: list[str] = []
        #: What callbacks returned (not None), by name: e.g. tool outputs.
        self.results: dict[str, Any] = {}
        self._last_sse: ServerSentEvent | None = None

    def _setup(
        self,
        accumulator: Engine,
        routes: Routes,
        collect: frozenset[str] | bool,
        text_of: Callable[[Change[Any, Any, Any]], str | None] | None,
    ) -> None:
        self.accumulator = accumulator
        names = self._names
        self._routes = {}
        for kind, callbacks in routes.items():
            kept = tuple(callback for callback in callbacks if callback[0] & names)
            if kept:
                self._routes[kind] = kept
        self.wants_events = self._wants_events and "on_event" in names
        self._collect = collect if isinstance(collect, frozenset) else frozenset()
        self._text_of = text_of

    def check_first(self, check: Callable[[Any], None]) -> None:
        """Call ``check`` with the first event, before it is fed (it may raise: a refusal)."""
        self._first = check

    @property
    def done(self) -> bool:
        """Whether the accumulator was fed the stream's end (reading stops there)."""
        accumulator = self.accumulator
        return accumulator is not None and accumulator.done

    def ended(self) -> None:
        """A read ended: raise the error the protocol kept for the end of the stream, if any.

        A Responses ``error`` event is followed by the ``response.failed`` it
        explains; the accumulator keeps the error (strict mode) until the
        stream has ended, so that both are applied.
        """
        accumulator = self.accumulator
        error = accumulator.pending_error if accumulator is not None else None
        if error is not None:
            accumulator.pending_error = None
            raise error

    def feed(self, event: Any) -> list[tuple[str, tuple[Any, ...]]]:
        """Feed one event (a ServerSentEvent or a typed event); return the calls to make.

        Raises whatever the accumulator raises, except a server ``error`` event
        (:class:`~streamkit.StreamError`), which becomes its calls plus
        :attr:`error`.
        """
        self.error = None
        self._last_sse = event if event.__class__ is ServerSentEvent else None
        if self._first is not None:
            first, self._first = self._first, None
            first(event)
        if self._choose is not None:
            choose, self._choose = self._choose, None
            accumulator, routes, kinds, text_of = choose(event)
            self._setup(accumulator, routes, kinds if self._wants_text else frozenset(), text_of)
        # Nothing of the previous event is current while this one is fed:
        # if it fails, current_event is this event (built from _last_sse).
        self.changes = []
        try:
            changes = self.changes = self.accumulator.feed(event)
        except StreamError as error:
            self.changes = []
            self.error = error
            calls: list[tuple[str, tuple[Any, ...]]] = []
            if self.wants_events:
                calls.append(("on_event", (self._typed(event),)))
            if "on_error" in self._names:
                calls.append(("on_error", (error.error,)))
            return calls
        if self._collect:
            self._collect_text(changes)
        calls = []
        if self.wants_events:
            typed = changes[0].event if changes else self._typed(event)
            if typed is not None:
                calls.append(("on_event", (typed,)))
        routes = self._routes
        if routes:
            names = self._names
            for change in changes:
                callbacks = routes.get(change.kind)
                if callbacks is not None:
                    for _names, calls_of in callbacks:
                        for call in calls_of(change):
                            if call[0] in names:
                                calls.append(call)
        return calls

    def event(self) -> Any:
        """The typed event last fed (built now if it was not yet), or None if it did not parse."""
        if self.changes:
            return self.changes[0].event
        return self._typed(self._last_sse) if self._last_sse is not None else None

    def returned(self, name: str, result: Any) -> None:
        """Note what a callback returned (the shell calls this for non-None results)."""
        self.results[name] = result

    def _collect_text(self, changes: list[Change[Any, Any, Any]]) -> None:
        text_of = self._text_of
        kinds = self._collect
        for change in changes:
            if change.kind in kinds and text_of is not None:
                text = text_of(change)
                if text:
                    self.texts.append(text)

    def _typed(self, event: Any) -> Any:
        """The typed event of one that caused no change (None if it does not parse)."""
        if event.__class__ is not ServerSentEvent:
            return event
        try:
            return self.accumulator.parse(event)
        except ParseError:
            return None


# --- Flows -----------------------------------------------------------------------------


@attrs.frozen
class Read:
    """Read an event stream through the driver: open ``request``, or read ``source``.

    The shell yields each event to its consumer as it goes, stops at the
    accumulator's end (``done``) and sends back a :class:`ReadEnded`.
    """

    request: Request | None = None
    source: Any = None
    #: For a local source: dispatch a last event that lacks its blank line (trimmed logs).
    dispatch_at_close: bool = False
    #: Passed to the decoder: the largest event accepted.
    max_event_size: int | None = DEFAULT_MAX_EVENT_SIZE
    #: The read size for local files and paths (None: the shell's default).
    chunk_size: int | None = None
    #: The request may be sent again (a GET of events already sent): a failure
    #: to open it that a retry may cure (a connection error, 408/409/429/5xx)
    #: ends the read as broken, for the flow to decide, instead of raising.
    reopen_safe: bool = False


@attrs.frozen
class ReadEnded:
    """How a :class:`Read` ended: ``broken`` is the transport error that cut it, if any."""

    broken: StreamkitError | None = None


@attrs.frozen
class Fetch:
    """Send a JSON request (with the transport's retries); the reply is the parsed JSON."""

    request: Request


@attrs.frozen
class Sleep:
    """Wait, between polls."""

    seconds: float


@attrs.frozen
class Apply:
    """Feed these typed events through the driver (objects read back, as their events)."""

    events: Sequence[Any]


@attrs.frozen
class Invoke:
    """Call tool functions; the reply is their results in order (an exception counts as one).

    Attributes:
        calls: one function of no arguments per tool call; its result may be
            awaitable (an async tool), which an async shell awaits, several
            at once.
    """

    calls: Sequence[Callable[[], Any]]


Action = Read | Fetch | Sleep | Apply | Invoke
Flow = Generator[Action, Any, None]


def read_flow(source: Any, **options: Any) -> Flow:
    """The flow of a local source: read it, and that is all (``options``: see :class:`Read`)."""
    yield Read(source=source, **options)
