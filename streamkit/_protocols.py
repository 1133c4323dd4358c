"""Which protocol a stream speaks, told from its first event, and the driver for it.

Both protocols share the engine and the shells; what differs is the
accumulator, the callback routes and which Changes carry answer text. A
consumer that does not say which protocol it reads (``replay``,
``text_deltas``, the CLI) gets a driver that decides at the first event.
"""

from __future__ import annotations

from typing import Any, Literal, TypeAlias

from streamkit._engine.convert import loads
from streamkit._engine.driver import Driver, Setup
from streamkit._engine.engine import Engine
from streamkit.sse import ServerSentEvent

__all__ = ["PROTOCOLS", "Protocol", "accumulator_for", "driver_for", "protocol_of"]

Protocol: TypeAlias = Literal["assistants", "responses"]

#: The protocols streamkit reads.
PROTOCOLS: tuple[Protocol, ...] = ("assistants", "responses")


def protocol_of(event: Any) -> Protocol:
    """The protocol of a stream, from its first event (a ServerSentEvent or a typed event).

    ``thread.*`` and ``done`` are the Assistants stream's names, ``response.*``
    and ``keepalive`` the Responses stream's. An event named otherwise (no
    ``event:`` line, or ``error``) is a Responses event if its JSON has a
    ``type`` naming one (the Responses stream names every event in its
    payload; the Assistants stream never does), else an Assistants one.
    """
    if event.__class__ is not ServerSentEvent:
        kind = getattr(event, "type", None)  # Responses events carry their type
        is_responses = isinstance(kind, str) and not hasattr(event, "data")
        return "responses" if is_responses else "assistants"
    name = event.event
    if name.startswith("thread.") or name == "done":
        return "assistants"
    if name.startswith("response.") or name == "keepalive":
        return "responses"
    data = event.data
    if data == "[DONE]":
        return "responses"  # OpenRouter's end marker (the Assistants one is named "done")
    # Parsed whatever its size (the decoder bounds it, and only the first event
    # is): a large unnamed first event -- an OpenRouter response.created
    # echoing long instructions -- must not be taken for an Assistants one.
    try:
        payload = loads(data)
    except (ValueError, RecursionError):
        return "assistants"
    kind = payload.get("type") if isinstance(payload, dict) else None
    if isinstance(kind, str) and (kind.startswith("response.") or kind in ("error", "keepalive")):
        return "responses"
    return "assistants"


def accumulator_for(protocol: Protocol, *, strict: bool = True) -> Engine:
    """A new accumulator of ``protocol``."""
    if protocol == "responses":
        from streamkit._responses.accumulator import ResponseAccumulator

        return ResponseAccumulator(strict=strict)
    from streamkit._assistants.accumulator import Accumulator

    return Accumulator(strict=strict)


def _setup(protocol: Protocol, strict: bool) -> Setup:
    if protocol == "responses":
        from streamkit._responses import handlers as responses

        return (
            accumulator_for(protocol, strict=strict),
            responses.ROUTES,
            responses.TEXT_KINDS,
            responses.text_of,
        )
    from streamkit._assistants import handlers as assistants

    return (
        accumulator_for(protocol, strict=strict),
        assistants.ROUTES,
        assistants.TEXT_KINDS,
        assistants.text_of,
    )


def driver_for(
    protocol: Protocol | None, *, strict: bool = True, collect_text: bool = False
) -> Driver:
    """A driver with no handler, for ``protocol`` or (None) the protocol of the first event."""
    if protocol is not None and protocol not in PROTOCOLS:
        msg = f"no protocol named {protocol!r}; choose one of: {', '.join(PROTOCOLS)}"
        raise ValueError(msg)
    if protocol is not None:
        accumulator, routes, kinds, text_of = _setup(protocol, strict)
        return Driver(
            accumulator,
            routes,
            collect_text=kinds if collect_text else frozenset(),
            text_of=text_of,
        )

    def choose(event: Any) -> Setup:
        return _setup(protocol_of(event), strict)

    return Driver(None, {}, collect_text=collect_text, choose=choose)
