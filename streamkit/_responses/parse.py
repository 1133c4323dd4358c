"""Typed events of the Responses stream: ``parse_response_event`` and ``response_event_from_json``.

A Responses event is one JSON object whose ``type`` names it; the SSE
``event:`` line repeats it on OpenAI's streams and is absent on others
(OpenRouter), so the type is always read from the payload. The structure
hooks are the engine's (:func:`streamkit._engine.convert.structurer`): checked,
not coerced; lossless; unknown item, part and annotation types kept as
:class:`~streamkit.models.UnknownObject`.
"""

from __future__ import annotations

from typing import Any

from streamkit._engine.convert import (
    MAX_DEPTH,
    LiveStructurer,
    ShapeError,
    check_depth,
    json_error_where,
    json_type,
    loads,
    parse_error,
)
from streamkit.errors import ParseError
from streamkit.models.events import DoneEvent, UnknownEvent
from streamkit.models.responses.events import RESPONSE_EVENT_CLASSES, ParsedResponseEvent
from streamkit.sse import ServerSentEvent

__all__ = ["parse_response_event", "response_event_from_json"]

# An unknown event's payload is checked as a whole, as convert.parse_event
# checks one: its own level comes on top of the limit its values get.
_UNKNOWN_DEPTH = MAX_DEPTH + 1

# Event type -> the structure hook of its class, made on first use. A
# LiveStructurer follows hooks registered later on streamkit.converter.
_HOOKS: dict[str, LiveStructurer] = {}


def _hook(type_name: str) -> LiveStructurer | None:
    hook = _HOOKS.get(type_name)
    if hook is None:
        cls = RESPONSE_EVENT_CLASSES.get(type_name)
        if cls is None:
            return None
        hook = _HOOKS.setdefault(type_name, LiveStructurer(cls))
    return hook


def parse_response_event(
    sse: ServerSentEvent, *, position: int | None = None
) -> ParsedResponseEvent:
    """Turn a decoded Server-Sent Event of a Responses stream into a typed event.

    Args:
        sse: the event from :class:`~streamkit.SSEDecoder`. Its ``event:``
            name is not used: the payload's ``type`` names the event (some
            servers send no ``event:`` lines).
        position: the event's 1-based number in its stream, for error messages.

    Returns:
        The event's class from :data:`~streamkit.models.responses.RESPONSE_EVENT_CLASSES`;
        :class:`~streamkit.models.DoneEvent` for ``data: [DONE]``; or
        :class:`~streamkit.models.UnknownEvent` (``.event`` the type, ``.data``
        the parsed payload) for a ``type`` this version does not know.

    Raises:
        ParseError: the data is not JSON, not an object, has no string
            ``type``, or is not of its event's shape (a wrong JSON type, a
            nested ``type`` tag that is not a string, free-form JSON nested
            deeper than the limit). The message names the event, its
            position and the field path, never the payload text.
    """
    data = sse.data
    if data == "[DONE]":
        return DoneEvent(data)
    name = sse.event
    try:
        payload = loads(data)
    except (ValueError, RecursionError) as exc:
        reason = f"not valid JSON ({json_error_where(exc)})"
        raise parse_error(name, position, "data", reason) from None
    if payload.__class__ is not dict:
        raise parse_error(name, position, "data", f"expected an object, got {json_type(payload)}")
    type_name = payload.get("type")
    if type_name.__class__ is not str:
        reason = f"expected a string, got {json_type(type_name)}"
        raise parse_error(name, position, "data.type", reason)
    return response_event_from_json(type_name, payload, position=position)


def response_event_from_json(
    type_name: str, payload: Any, *, position: int | None = None
) -> ParsedResponseEvent:
    """The typed event of an already parsed payload (no second JSON parse).

    Args:
        type_name: the event's type, normally ``payload["type"]``.
        payload: the event's parsed JSON object.
        position: the event's 1-based number in its stream, for error messages.

    Returns:
        The event's class, or :class:`~streamkit.models.UnknownEvent` for a
        type this version does not know (its payload kept as parsed).

    Raises:
        ParseError: ``payload`` is not of the event's shape (see
            :func:`parse_response_event`); for an unknown type, only a
            payload nested past the depth limit.
    """
    hook = _hook(type_name)
    if hook is None:
        try:
            check_depth(payload, _UNKNOWN_DEPTH)
        except ShapeError as error:
            raise _shape_error(type_name, position, error) from None
        return UnknownEvent(type_name, payload)
    try:
        event: ParsedResponseEvent = hook(payload)
    except ShapeError as error:
        raise _shape_error(type_name, position, error) from None
    return event


def _shape_error(type_name: str, position: int | None, error: ShapeError) -> ParseError:
    path, reason = error.describe()
    return parse_error(type_name, position, "data" + path, reason)
