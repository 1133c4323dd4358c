"""The Responses side of the mock server: its scenes, the responses it runs and stores, its routes.

:class:`ResponseScene` is what one ``POST /v1/responses`` plays: a recorded stream sent as
recorded, or a built one (a final Response turned into events by
:func:`streamkit.testing.response_events`, with fresh ids and the request's parameters echoed).

Each create makes a :class:`ResponseRecord`: the response's whole event list, known at once, and
how far the server has *produced* it. Production is instant unless the scene holds it
(``hold_after_events``, released by :meth:`ResponsesMock.release`) or a cancel stops it, so a
response can be observed mid-run without any clock. Every stream a client opens -- the create's
own, or ``GET /responses/{id}?stream=true&starting_after=N`` -- reads the record from its
position: it sends what is produced, waits for more while the response runs, and ends after the
last event. A stream cut by a fault leaves the response running on the server, as OpenAI's
background mode does, so a client can resume it.
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import json
import os
import random
import threading
import time
from collections.abc import AsyncIterator, Callable, Iterable, Mapping, Sequence
from typing import Any, Protocol

import attrs
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.types import Receive, Scope, Send

from streamkit import ResponseAccumulator, recordings, to_dict
from streamkit._protocols import protocol_of
from streamkit.errors import StreamkitError
from streamkit.mockserver._http import (
    Call,
    Script,
    check_body,
    check_query,
    metadata_of,
    object_body,
    paginate,
    single,
    stream_flag,
)
from streamkit.mockserver._state import ApiError, Fault, event_ends, terminated
from streamkit.sse import ServerSentEvent, SSEDecoder
from streamkit.testing import (
    dumps,
    function_call_item,
    message_item,
    output_text_part,
    response,
    response_events,
    response_usage,
)

__all__ = [
    "FUNCTION_OUTPUTS_ANSWER",
    "OUTPUTS_PLACEHOLDER",
    "ResponseRecord",
    "ResponseScene",
    "ResponsesMock",
    "StreamHost",
]

#: In a built scene's ``output_text``, replaced by the function outputs the request sent.
OUTPUTS_PLACEHOLDER = "{outputs}"

#: The answer of :meth:`ResponseScene.function_call`'s second scene.
FUNCTION_OUTPUTS_ANSWER = "The function returned: " + OUTPUTS_PLACEHOLDER

# The body keys of POST /responses: the spec's CreateResponse and what openai-python 3.57 sends.
_CREATE_KEYS = frozenset(
    [
        "access_programs",
        "background",
        "background_options",
        "context_management",
        "conversation",
        "image",
        "include",
        "input",
        "instructions",
        "max_output_tokens",
        "max_tool_calls",
        "metadata",
        "model",
        "moderation",
        "parallel_tool_calls",
        "previous_response_id",
        "prompt",
        "prompt_cache_key",
        "prompt_cache_options",
        "prompt_cache_retention",
        "reasoning",
        "safety_identifier",
        "service_tier",
        "store",
        "stream",
        "stream_options",
        "temperature",
        "text",
        "tool_choice",
        "tools",
        "top_logprobs",
        "top_p",
        "truncation",
        "user",
    ]
)

# Request parameters a built response echoes as they were sent (None leaves the scene's value).
_ECHOED = (
    "model",
    "instructions",
    "max_output_tokens",
    "max_tool_calls",
    "parallel_tool_calls",
    "prompt_cache_key",
    "prompt_cache_retention",
    "safety_identifier",
    "service_tier",
    "temperature",
    "tool_choice",
    "top_logprobs",
    "top_p",
    "truncation",
    "user",
)

_TERMINAL = frozenset(
    {"response.completed", "response.incomplete", "response.failed", "response.cancelled"}
)
_ITEM_PREFIXES = {
    "message": "msg_",
    "function_call": "fc_",
    "function_call_output": "fco_",
    "reasoning": "rs_",
    "web_search_call": "ws_",
    "file_search_call": "fs_",
    "code_interpreter_call": "ci_",
    "image_generation_call": "ig_",
    "mcp_call": "mcp_",
    "custom_tool_call": "ctc_",
}
_ROLES = frozenset({"user", "assistant", "system", "developer"})
_RETRIEVE_QUERY = frozenset(
    {"include", "include[]", "stream", "starting_after", "include_obfuscation"}
)
_LIST_QUERY = frozenset({"limit", "order", "after", "before", "include", "include[]"})


# --- Scenes --------------------------------------------------------------------------------------


def _short_bytes(data: bytes | None) -> str:
    return "None" if data is None else f"<{len(data)} bytes>"


def _stream_bytes(
    source: str | os.PathLike[str] | bytes | Iterable[Mapping[str, Any]] | None,
) -> bytes | None:
    """The SSE bytes of a recorded scene: a bundled name, a path, bytes, or event payloads."""
    if source is None:
        return None
    if isinstance(source, str):
        data = recordings.read_bytes(source)
    elif isinstance(source, os.PathLike):
        with open(source, "rb") as file:
            data = file.read()
    elif isinstance(source, (bytes, bytearray, memoryview)):
        data = bytes(source)
    else:
        data = b"".join(_encode(dict(payload)) for payload in source)
    decoder = SSEDecoder(max_event_size=None, dispatch_at_close=True)
    first = next(iter([*decoder.feed(data), *decoder.close()]), None)
    if first is None:
        msg = "a ResponseScene's stream has no event"
        raise ValueError(msg)
    if protocol_of(first) != "responses":
        msg = "this stream is an Assistants run stream: play it with Scene, not ResponseScene"
        raise ValueError(msg)
    return data


def _json_copy(value: Any) -> dict[str, Any] | None:
    """A private JSON copy of a built scene's response (a mapping, or a model)."""
    if value is None:
        return None
    copied = json.loads(dumps(value if isinstance(value, Mapping) else to_dict(value)))
    if not isinstance(copied, dict):  # pragma: no cover - a Mapping dumps to an object
        msg = "a ResponseScene's response must be a JSON object"
        raise TypeError(msg)
    return copied


def _short_response(value: dict[str, Any] | None) -> str:
    if value is None:
        return "None"
    output = value.get("output")
    return f"<response: {len(output) if isinstance(output, list) else 0} output items>"


def _check_status(_instance: object, attribute: attrs.Attribute[Any], value: Any) -> None:
    if value is not None and not 400 <= value <= 599:
        msg = f"{attribute.name} must be an HTTP error status (400-599), not {value}"
        raise ValueError(msg)


_optional_ge0 = attrs.validators.optional(attrs.validators.ge(0))


@attrs.frozen(eq=False)
class ResponseScene:
    """What the server does for one ``POST /v1/responses``: a recorded or a built response.

    Scenes are consumed in order by ``POST /responses`` (streaming or not); the other endpoints
    answer from what the scenes produced.

    Give either ``stream`` (a recording, sent as recorded) or ``response`` (built):

    * ``stream``: a bundled recording's name (:data:`streamkit.recordings.RESPONSES_NAMES`, e.g.
      ``"responses-text-logprobs"``), a path, SSE bytes (e.g. from
      :func:`streamkit.testing.encode_sse`), or event payloads. Sent byte for byte (a last event
      without its blank line gets one), whatever the request asks: the ids and the envelope are
      the recording's.
    * ``response``: the final Response (wire JSON, e.g. :func:`streamkit.testing.response`, or
      a model; missing envelope keys get that builder's defaults). Each play streams it with
      :func:`streamkit.testing.response_events` under a fresh ``resp_`` id, ``created_at`` (and
      ``completed_at`` when completed) of now, the request's ``model``, ``instructions``,
      ``tools``, ``metadata``, ``previous_response_id``, ``background``, ``store`` and other
      parameters echoed, ``response.queued`` in background mode, and the ``obfuscation``
      padding unless ``stream_options.include_obfuscation`` is false. An output item ``id`` or
      ``call_id`` that is ``""`` gets a fresh one each play, and ``{outputs}`` in an
      ``output_text`` becomes the outputs of the request's ``function_call_output`` items (one
      per line), so a test sees its round trip.

    Attributes:
        stream: the recorded stream (see above).
        response: the built response (see above).
        drop_after_events: cut the create's stream after this many events (``0``: right after
            the headers), without its terminal event: the body ends cleanly there, unless
            ``abrupt``. The response itself runs on: ``GET /responses/{id}`` shows it, and a
            background one can be resumed with ``starting_after``.
        abrupt: with ``drop_after_events``, break the HTTP framing too (the connection closes
            mid-response): the client's HTTP library raises.
        status: answer the first ``fail_times`` requests for this scene with this HTTP error
            (e.g. 500, 429); the scene is not consumed by them, so the retry gets it.
        retry_after: with ``status``, the ``Retry-After`` header in seconds.
        fail_times: how many requests get ``status`` first.
        error: with ``status``, the ``error`` object of the body (default: the API's usual one).
        chunk_delay: seconds between the chunks of the create's stream (default: the server's).
        hold_after_events: the server produces only this many events of the response, then
            holds it running (``queued`` / ``in_progress``) until
            :meth:`~streamkit.mockserver.MockServer.release`: retrieve shows it unfinished,
            streams wait for the rest, a non-streaming create waits too.
        max_fragment: the longest delta fragment of a built response, in characters.
        interleave: weave a built response's items together (parallel items' events mixed).
        seed: the seed of a built response's fragments and ids (default: fresh ones each play).
    """

    stream: bytes | None = attrs.field(default=None, converter=_stream_bytes, repr=_short_bytes)
    response: dict[str, Any] | None = attrs.field(
        default=None, kw_only=True, converter=_json_copy, repr=_short_response
    )
    drop_after_events: int | None = attrs.field(default=None, kw_only=True, validator=_optional_ge0)
    abrupt: bool = attrs.field(default=False, kw_only=True)
    status: int | None = attrs.field(default=None, kw_only=True, validator=_check_status)
    retry_after: float | None = attrs.field(default=None, kw_only=True)
    fail_times: int = attrs.field(default=1, kw_only=True, validator=attrs.validators.ge(1))
    error: Mapping[str, Any] | None = attrs.field(default=None, kw_only=True)
    chunk_delay: float | None = attrs.field(default=None, kw_only=True, validator=_optional_ge0)
    hold_after_events: int | None = attrs.field(default=None, kw_only=True, validator=_optional_ge0)
    max_fragment: int = attrs.field(default=12, kw_only=True, validator=attrs.validators.ge(1))
    interleave: bool = attrs.field(default=False, kw_only=True)
    seed: int | None = attrs.field(default=None, kw_only=True)

    def __attrs_post_init__(self) -> None:
        if (self.stream is None) == (self.response is None):
            msg = "a ResponseScene needs exactly one of stream (recorded) or response (built)"
            raise ValueError(msg)

    @classmethod
    def text(cls, text: str, **options: Any) -> ResponseScene:
        """A built response answering ``text`` (one message; ``{outputs}`` is replaced).

        Args:
            text: the answer.
            **options: the other attributes (faults, ``hold_after_events``, ...).
        """
        final = response(
            "",
            [message_item("", [output_text_part(text)])],
            usage=response_usage(12, max(1, len(text) // 4)),
        )
        return cls(response=final, **options)

    @classmethod
    def function_call(
        cls,
        name: str,
        arguments: str | Mapping[str, Any] = "{}",
        *,
        call_id: str = "",
        answer: str = FUNCTION_OUTPUTS_ANSWER,
    ) -> tuple[ResponseScene, ResponseScene]:
        """The two scenes of a response that calls your function ``name`` with ``arguments``.

        The first streams a response whose output is that ``function_call`` item; the second,
        for the ``POST`` that sends its ``function_call_output`` (with
        ``previous_response_id``), answers ``answer`` with the output in place of
        ``{outputs}``. Put both in the script: ``script=[*ResponseScene.function_call("f")]``.

        Args:
            name: the function's name.
            arguments: its arguments: JSON text, or a mapping (dumped to JSON).
            call_id: the call's ``call_id`` (default: a fresh ``call_`` id each play).
            answer: the final answer; ``{outputs}`` becomes the outputs sent.
        """
        return cls.function_calls([(name, arguments, call_id)], answer=answer)

    @classmethod
    def function_calls(
        cls,
        calls: Sequence[
            tuple[str, str | Mapping[str, Any]] | tuple[str, str | Mapping[str, Any], str]
        ],
        *,
        answer: str = FUNCTION_OUTPUTS_ANSWER,
    ) -> tuple[ResponseScene, ResponseScene]:
        """Like :meth:`function_call` for parallel calls: one ``function_call`` item per call.

        Args:
            calls: ``(name, arguments)`` or ``(name, arguments, call_id)`` per call, in order.
            answer: the final answer; ``{outputs}`` becomes the outputs sent, one per line.
        """
        if not calls:
            msg = "function_calls needs at least one call"
            raise ValueError(msg)
        items = []
        for call in calls:
            name, arguments = call[0], call[1]
            call_id = call[2] if len(call) > 2 else ""
            text = arguments if isinstance(arguments, str) else json.dumps(arguments)
            items.append(function_call_item("", call_id=str(call_id), name=name, arguments=text))
        first = cls(response=response("", items, usage=response_usage(24, 8 * len(items))))
        return first, cls.text(answer)


# --- Events and records --------------------------------------------------------------------------


def _encode(payload: Mapping[str, Any]) -> bytes:
    """One event in OpenAI's framing: ``event: <type>`` and one ``data:`` line."""
    return f"event: {payload.get('type')}\ndata: {dumps(payload)}\n\n".encode()


@attrs.define(eq=False)
class _Event:
    """One event of a response: its payload (parsed) and its bytes on the wire."""

    type: str
    sequence_number: int | None
    payload: dict[str, Any] | None
    wire: bytes
    sse: ServerSentEvent
    built: bool
    _plain: bytes | None = None

    def bytes_for(self, obfuscation: bool) -> bytes:
        """The bytes to send; a built delta without its ``obfuscation`` padding if asked."""
        if obfuscation or not self.built or self.payload is None:
            return self.wire
        if "obfuscation" not in self.payload:
            return self.wire
        if self._plain is None:
            self._plain = _encode({k: v for k, v in self.payload.items() if k != "obfuscation"})
        return self._plain


def _event_of(sse: ServerSentEvent, wire: bytes, *, built: bool) -> _Event:
    try:
        parsed: Any = json.loads(sse.data)
    except ValueError:
        parsed = None
    payload = parsed if isinstance(parsed, dict) else None
    kind = payload.get("type") if payload is not None else None
    if not isinstance(kind, str):
        kind = "[DONE]" if sse.data == "[DONE]" else sse.event
    number = payload.get("sequence_number") if payload is not None else None
    if not isinstance(number, int) or isinstance(number, bool):
        number = None
    return _Event(kind, number, payload, wire, sse, built)


def _recorded_events(data: bytes) -> list[_Event]:
    """The events of recorded bytes, each with its own slice of them (comments included)."""
    data = terminated(data)
    ends = event_ends(data)
    decoder = SSEDecoder(max_event_size=None)
    decoded = list(decoder.feed(data))
    events: list[_Event] = []
    start = 0
    for index, (end, sse) in enumerate(zip(ends, decoded, strict=True)):
        stop = len(data) if index == len(ends) - 1 else end  # trailing bytes go with the last
        events.append(_event_of(sse, data[start:stop], built=False))
        start = stop
    return events


def _built_events(payloads: Iterable[dict[str, Any]]) -> list[_Event]:
    events = []
    for payload in payloads:
        sse = ServerSentEvent(event=str(payload["type"]), data=dumps(payload))
        events.append(_event_of(sse, _encode(payload), built=True))
    return events


def _error_of(events: Iterable[_Event]) -> dict[str, Any] | None:
    """``{code, message}`` of the last ``error`` event (either shape), or ``None``."""
    found: dict[str, Any] | None = None
    for event in events:
        if event.type == "error" and event.payload is not None:
            nested = event.payload.get("error")
            source = nested if isinstance(nested, dict) else event.payload
            found = {"code": source.get("code"), "message": source.get("message")}
    return found


@attrs.define(eq=False)
class ResponseRecord:
    """One response the server made: its events, how far they are produced, and its fate.

    Attributes:
        id: the response id.
        events: every event the response will have (unless cancelled).
        background: created with ``background: true``.
        store: created with ``store`` true (the default): retrievable afterwards.
        input_items: the request's input as stored items (with ids), in order.
        end: how many events the response will have in all (the cancel point once cancelled).
        hold: produce no more than this many events (``None``: no hold).
        cancelled: cancelled while it ran.
        deleted: deleted (404 from then on).
    """

    id: str
    events: list[_Event]
    background: bool
    store: bool
    input_items: list[dict[str, Any]]
    end: int
    hold: int | None = None
    cancelled: bool = False
    deleted: bool = False
    _accumulator: ResponseAccumulator = attrs.Factory(lambda: ResponseAccumulator(strict=False))
    _fed: int = 0

    @property
    def available(self) -> int:
        """How many events the server has produced so far."""
        return self.end if self.hold is None else min(self.end, self.hold)

    @property
    def running(self) -> bool:
        """Whether events remain to be produced (held, or not yet all)."""
        return self.available < self.end

    @property
    def visible(self) -> bool:
        """Whether the endpoints may show it: kept (``store`` or background), not deleted."""
        return not self.deleted and (self.store or self.background)

    def opening(self) -> dict[str, Any]:
        """The response as its first lifecycle event carries it (``queued`` in background)."""
        for event in self.events:
            envelope = (event.payload or {}).get("response")
            if isinstance(envelope, dict):
                return copy.deepcopy(envelope)
        return {"id": self.id, "object": "response", "status": "in_progress", "output": []}

    def current(self) -> dict[str, Any]:
        """The response as it stands: the terminal event's once produced, else the snapshot."""
        available = self.available
        if not self.cancelled:
            for event in reversed(self.events[:available]):
                envelope = (event.payload or {}).get("response")
                if event.type in _TERMINAL and isinstance(envelope, dict):
                    return copy.deepcopy(envelope)
        for event in self.events[self._fed : available]:
            with contextlib.suppress(StreamkitError):  # lenient; a bad event changes nothing
                self._accumulator.feed(event.sse)
        self._fed = max(self._fed, available)
        snapshot = self._accumulator.responses.get(self.id)
        state = to_dict(snapshot) if snapshot is not None else self.opening()
        if self.cancelled:
            state["status"] = "cancelled"
        elif not self.running:
            error = _error_of(self.events[:available])
            if error is not None and state.get("status") in ("queued", "in_progress"):
                # The stream ended on an error without response.failed: the response failed.
                state["status"] = "failed"
                state["error"] = error
        return state

    def start_after(self, starting_after: int | None) -> int:
        """The position of the first event after sequence number ``starting_after``.

        ``None`` starts at the first event. Events without a number follow the numbered one
        before them; a stream without any numbers (before mid-2025) counts positions.
        """
        if starting_after is None:
            return 0
        if all(event.sequence_number is None for event in self.events):
            return max(0, starting_after + 1)
        start = 0
        for position, event in enumerate(self.events):
            number = event.sequence_number
            if number is not None and number <= starting_after:
                start = position + 1
        return start


# --- Requests ------------------------------------------------------------------------------------


def _new_id(rng: random.Random, prefix: str) -> str:
    """An id shaped as OpenAI's: the prefix and 50 hexadecimal digits."""
    return f"{prefix}{rng.getrandbits(200):050x}"


def _flag(body: Mapping[str, Any], name: str, default: bool) -> bool:
    value = body.get(name)
    if value is None:
        return default
    if not isinstance(value, bool):
        msg = f"Invalid type for '{name}': expected a boolean, but got {type(value).__name__}."
        raise ApiError(400, msg, param=name, code="invalid_type")
    return value


def _query_flag(query: Mapping[str, list[str]], name: str, default: bool) -> bool:
    value = single(query, name)
    if value is None:
        return default
    if value.lower() not in ("true", "false"):
        msg = f"Invalid value for '{name}': expected a boolean, but got '{value}'."
        raise ApiError(400, msg, param=name, code="invalid_type")
    return value.lower() == "true"


def _query_int(query: Mapping[str, list[str]], name: str) -> int | None:
    value = single(query, name)
    if value is None:
        return None
    try:
        return int(value)
    except ValueError:
        msg = f"Invalid '{name}': expected an integer, but got '{value}' instead."
        raise ApiError(400, msg, param=name, code="invalid_type") from None


def _text_content(content: Any, role: str, where: str) -> list[Any]:
    if isinstance(content, str):
        kind = "output_text" if role == "assistant" else "input_text"
        part: dict[str, Any] = {"type": kind, "text": content}
        if kind == "output_text":
            part["annotations"] = []
        return [part]
    if isinstance(content, list):
        return copy.deepcopy(content)
    msg = f"Invalid type for '{where}.content': expected a string or an array of content parts."
    raise ApiError(400, msg, param=f"{where}.content", code="invalid_type")


def _input_items(value: Any, new_id: Callable[[str], str]) -> list[dict[str, Any]]:
    """The request's ``input`` as stored items: each with an id (and a status), in order."""
    if value is None:
        return []
    if isinstance(value, str):
        return [
            {
                "id": new_id("msg_"),
                "type": "message",
                "status": "completed",
                "content": _text_content(value, "user", "input"),
                "role": "user",
            }
        ]
    if not isinstance(value, list):
        msg = "Invalid type for 'input': expected a string or an array of input items."
        raise ApiError(400, msg, param="input", code="invalid_type")
    items: list[dict[str, Any]] = []
    for index, entry in enumerate(value):
        where = f"input[{index}]"
        if not isinstance(entry, dict):
            msg = f"Invalid type for '{where}': expected an object."
            raise ApiError(400, msg, param=where, code="invalid_type")
        kind = entry.get("type", "message" if "role" in entry else None)
        if not isinstance(kind, str):
            msg = f"Missing required parameter: '{where}.type'."
            raise ApiError(400, msg, param=f"{where}.type", code="missing_required_parameter")
        item = copy.deepcopy(entry)
        item["type"] = kind
        if kind == "message":
            role = entry.get("role")
            if role not in _ROLES:
                msg = (
                    f"Invalid value: '{role}'. Supported values are: 'user', 'assistant', "
                    "'system', and 'developer'."
                )
                raise ApiError(400, msg, param=f"{where}.role", code="invalid_value")
            item = {
                "id": entry.get("id") or new_id("msg_"),
                "type": "message",
                "status": entry.get("status") or "completed",
                "content": _text_content(entry.get("content"), role, where),
                "role": role,
            }
        elif kind == "function_call_output":
            for name in ("call_id", "output"):
                if name not in entry:
                    msg = f"Missing required parameter: '{where}.{name}'."
                    raise ApiError(
                        400, msg, param=f"{where}.{name}", code="missing_required_parameter"
                    )
            item["id"] = entry.get("id") or new_id("fco_")
            item.setdefault("status", "completed")
        else:
            item["id"] = entry.get("id") or new_id(_ITEM_PREFIXES.get(kind, "item_"))
        items.append(item)
    return items


def _output_text(output: Any) -> str:
    """A function output as text: a string as is, input_text parts joined, else JSON."""
    if isinstance(output, str):
        return output
    if isinstance(output, list) and all(
        isinstance(part, dict) and part.get("type") == "input_text" for part in output
    ):
        return "".join(str(part.get("text", "")) for part in output)
    return dumps(output)


def _check_calls(
    previous: Mapping[str, Any] | None, items: Sequence[Mapping[str, Any]]
) -> list[str]:
    """The outputs the request gives, in order, after checking they answer the open calls.

    Every ``function_call`` of the previous response (or of the input itself) needs its
    ``function_call_output``, and every output needs its call: 400 otherwise, as the API does.
    """
    pending: dict[str, None] = {}
    for item in (previous or {}).get("output") or ():
        if isinstance(item, dict) and item.get("type") == "function_call":
            pending[str(item.get("call_id"))] = None
    answered: set[str] = set()
    outputs: list[str] = []
    for item in items:
        kind = item.get("type")
        if kind == "function_call":
            pending[str(item.get("call_id"))] = None
        elif kind == "function_call_output":
            call_id = str(item.get("call_id"))
            if call_id not in pending:
                msg = f"No tool call found for function call output with call_id {call_id}."
                raise ApiError(400, msg, param="input")
            answered.add(call_id)
            outputs.append(_output_text(item.get("output")))
    for call_id in pending:
        if call_id not in answered:
            raise ApiError(400, f"No tool output found for function call {call_id}.", param="input")
    return outputs


def _function_tool(tool: Any) -> Any:
    """A function tool as the API returns it: every key present (``strict`` defaults to true)."""
    if not isinstance(tool, dict) or tool.get("type") != "function":
        return copy.deepcopy(tool)
    return {
        "type": "function",
        "description": tool.get("description"),
        "name": tool.get("name"),
        "parameters": copy.deepcopy(tool.get("parameters")),
        "strict": True if tool.get("strict") is None else tool["strict"],
    }


@attrs.frozen
class _Request:
    """What a create asked for, once checked."""

    body: dict[str, Any]
    stream: bool
    background: bool
    store: bool
    obfuscation: bool
    items: list[dict[str, Any]]
    outputs: list[str]


def _built_final(scene: ResponseScene, request: _Request, rng: random.Random) -> dict[str, Any]:
    """The final Response a built scene plays for ``request``: fresh ids, parameters echoed."""
    assert scene.response is not None  # a built scene
    given = copy.deepcopy(scene.response)
    final = response("", **{k: v for k, v in given.items() if k != "id"})
    final["id"] = _new_id(rng, "resp_")
    now = int(time.time())
    final["created_at"] = now
    if final.get("status") == "completed":
        final["completed_at"] = now
    body = request.body
    for name in _ECHOED:
        if body.get(name) is not None:
            final[name] = copy.deepcopy(body[name])
    if isinstance(body.get("tools"), list):
        final["tools"] = [_function_tool(tool) for tool in body["tools"]]
    if isinstance(body.get("metadata"), dict):
        final["metadata"] = dict(body["metadata"])
    for name, defaults in (
        ("reasoning", {"effort": None, "summary": None}),
        ("text", {"format": {"type": "text"}, "verbosity": "medium"}),
    ):
        if isinstance(body.get(name), dict):
            final[name] = {**defaults, **copy.deepcopy(body[name])}
    final["previous_response_id"] = body.get("previous_response_id")
    final["background"] = request.background
    final["store"] = request.store
    answer = "\n".join(request.outputs)
    for item in final.get("output") or ():
        if not isinstance(item, dict):
            continue
        kind = str(item.get("type"))
        if item.get("id") == "":
            item["id"] = _new_id(rng, _ITEM_PREFIXES.get(kind, "item_"))
        if item.get("call_id") == "":
            item["call_id"] = "call_" + f"{rng.getrandbits(96):024x}"
        if kind != "message":
            continue
        for part in item.get("content") or ():
            if isinstance(part, dict) and isinstance(part.get("text"), str):
                part["text"] = part["text"].replace(OUTPUTS_PLACEHOLDER, answer)
    return final


# --- Streams -------------------------------------------------------------------------------------


class StreamHost(Protocol):
    """What :class:`ResponsesMock` needs from the app that hosts it."""

    @property
    def chunk_size(self) -> int:
        """The size of the chunks a stream is sent in."""

    @property
    def chunk_delay(self) -> float:
        """Seconds between chunks, unless a scene or fault says otherwise."""

    @property
    def shutdown(self) -> asyncio.Event:
        """Set when the server stops: open streams end."""

    @property
    def loop(self) -> asyncio.AbstractEventLoop | None:
        """The serving event loop, once a request came in."""

    def stream_fault(self, method: str, path: str) -> Fault | None:
        """The next stream fault for this request (consumed), if any."""


@attrs.frozen
class _StreamPlan:
    """How one stream is sent: from where, cut where, how fast, with or without padding."""

    start: int
    drop_after: int | None
    abrupt: bool
    delay: float
    obfuscation: bool


class _LiveStream(StreamingResponse):
    """Sends a record's events from a position: what is produced, then waits for more.

    It ends after the record's last event, at a planned cut (the body ends cleanly, or, with
    ``abrupt``, never: the connection closes mid-response), when the client disconnects, or
    when the server shuts down.
    """

    def __init__(self, mock: ResponsesMock, record: ResponseRecord, plan: _StreamPlan) -> None:
        async def empty() -> AsyncIterator[bytes]:
            return
            yield b""  # pragma: no cover - makes this an async generator

        super().__init__(
            empty(),
            media_type="text/event-stream; charset=utf-8",
            headers={"cache-control": "no-cache"},
        )
        self._mock = mock
        self._record = record
        self._plan = plan

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def disconnected() -> None:
            while (await receive())["type"] != "http.disconnect":
                pass

        watchers = {
            asyncio.ensure_future(disconnected()),
            asyncio.ensure_future(self._mock.host.shutdown.wait()),
        }
        plan, mock = self._plan, self._mock
        try:
            await send({"type": "http.response.start", "status": 200, "headers": self.raw_headers})
            position, sent, first = plan.start, 0, True
            while True:
                changed = mock.changed()  # taken before reading the state: no wake-up is missed
                available, end = mock.progress(self._record)
                limit = available
                if plan.drop_after is not None:
                    limit = min(limit, position + plan.drop_after - sent)
                if position < limit:
                    data = b"".join(
                        event.bytes_for(plan.obfuscation)
                        for event in self._record.events[position:limit]
                    )
                    sent, position = sent + limit - position, limit
                    size = mock.host.chunk_size
                    for offset in range(0, len(data), size):
                        if not first and plan.delay > 0:
                            await asyncio.wait(
                                watchers, timeout=plan.delay, return_when=asyncio.FIRST_COMPLETED
                            )
                        elif not first:
                            # Lets the watchers run: a send with room in the socket never yields.
                            await asyncio.sleep(0)
                        first = False
                        if any(watcher.done() for watcher in watchers):
                            return
                        chunk = data[offset : offset + size]
                        await send({"type": "http.response.body", "body": chunk, "more_body": True})
                    continue
                if plan.drop_after is not None and sent >= plan.drop_after:
                    if plan.abrupt:
                        return  # no final chunk: the server closes the connection mid-body
                    break
                if position >= end:
                    break
                waiter = asyncio.ensure_future(changed.wait())
                try:
                    await asyncio.wait({waiter, *watchers}, return_when=asyncio.FIRST_COMPLETED)
                finally:
                    waiter.cancel()
                if any(watcher.done() for watcher in watchers):
                    return
            await send({"type": "http.response.body", "body": b"", "more_body": False})
        finally:
            for watcher in watchers:
                watcher.cancel()


# --- The routes ----------------------------------------------------------------------------------


class ResponsesMock:
    """The ``/responses`` endpoints of the mock server, their script and their records.

    Args:
        script: the scenes, consumed in order by ``POST /responses``.
        lock: the app's lock (the state is read and changed under it, from any thread).
        repeat: when the script runs out, start it again.
        host: the app's stream settings, shutdown event, loop and stream faults.
    """

    def __init__(
        self,
        *,
        script: Sequence[ResponseScene],
        lock: threading.Lock,
        repeat: bool,
        host: StreamHost,
    ) -> None:
        self.host = host
        self._lock = lock
        self._script = Script(script, repeat)
        self._records: dict[str, ResponseRecord] = {}
        self._rng = random.Random()
        self._changed: asyncio.Event | None = None

    # --- scripting (any thread) --------------------------------------------------------------

    def add_scene(self, scene: ResponseScene) -> None:
        """Append ``scene`` to the script."""
        with self._lock:
            self._script.add(scene)

    @property
    def scenes_left(self) -> int:
        """How many scenes have not been consumed yet."""
        return len(self._script)

    @property
    def response_ids(self) -> list[str]:
        """Every response made so far (deleted ones too), oldest first."""
        with self._lock:
            return list(self._records)

    def stored(self, response_id: str) -> dict[str, Any]:
        """The response as ``GET /responses/{id}`` shows it now (``KeyError`` if unknown)."""
        with self._lock:
            return self._records[response_id].current()

    def release(self, response_id: str | None = None, *, events: int | None = None) -> None:
        """Let held responses run on: all of it, or ``events`` more events.

        Args:
            response_id: the response to release (default: every held one).
            events: produce this many more events and hold again (default: the rest).

        Raises:
            KeyError: no response has that id.
        """
        with self._lock:
            records = (
                [self._records[response_id]]
                if response_id is not None
                else list(self._records.values())
            )
            for record in records:
                if record.hold is not None:
                    record.hold = None if events is None else record.hold + events
        self.notify()

    def load(self, scene: ResponseScene, *, background: bool = False, store: bool = True) -> str:
        """Make the response of ``scene`` as if a create had asked for it; returns its id.

        Raises:
            ValueError: the scene's stream has no event carrying a response (no id to use).
        """
        request = _Request({}, False, background, store, True, [], [])
        with self._lock:
            try:
                record = self._start(scene, request)
            except ApiError as error:
                raise ValueError(str(error)) from None
        self.notify()
        return record.id

    # --- wake-ups ----------------------------------------------------------------------------

    def reset(self) -> None:
        """Before serving on a new event loop: forget the old loop's event."""
        self._changed = None

    def changed(self) -> asyncio.Event:
        """An event set at the next change of any record (call in the serving loop)."""
        if self._changed is None:
            self._changed = asyncio.Event()
        return self._changed

    def notify(self) -> None:
        """Wake the streams waiting for a change (from any thread)."""
        loop = self.host.loop
        if loop is not None:
            with contextlib.suppress(RuntimeError):  # the loop is closed: nothing waits
                loop.call_soon_threadsafe(self._fire)

    def _fire(self) -> None:
        event, self._changed = self._changed, None
        if event is not None:
            event.set()

    def progress(self, record: ResponseRecord) -> tuple[int, int]:
        """How many of the record's events are produced, and how many it will have."""
        with self._lock:
            return record.available, record.end

    async def _until_finished(self, record: ResponseRecord) -> None:
        while True:
            changed = self.changed()
            with self._lock:
                if not record.running:
                    return
            waiter = asyncio.ensure_future(changed.wait())
            stopping = asyncio.ensure_future(self.host.shutdown.wait())
            try:
                await asyncio.wait({waiter, stopping}, return_when=asyncio.FIRST_COMPLETED)
            finally:
                waiter.cancel()
                stopping.cancel()
            if self.host.shutdown.is_set():
                raise ApiError(503, "The server is shutting down.", type_="server_error")

    # --- routes ------------------------------------------------------------------------------

    def routes(self) -> list[tuple[str, str, Callable[[Request, Call], Any]]]:
        """``(method, path pattern, handler)`` for each endpoint (patterns after ``/v1``)."""
        one = r"/responses/(?P<response_id>[^/]+)"
        return [
            ("POST", r"/responses", self.create),
            ("GET", one, self.retrieve),
            ("DELETE", one, self.delete),
            ("POST", one + r"/cancel", self.cancel),
            ("GET", one + r"/input_items", self.input_items),
        ]

    def _record(self, response_id: str) -> ResponseRecord:
        record = self._records.get(response_id)
        if record is None or not record.visible:
            raise ApiError(404, f"Response with id '{response_id}' not found.")
        return record

    def _stream(
        self,
        call: Call,
        record: ResponseRecord,
        start: int,
        obfuscation: bool,
        scene: ResponseScene | None = None,
    ) -> Response:
        fault = self.host.stream_fault(call.method, call.path)
        drop, abrupt, delay = None, False, None
        if scene is not None:
            drop, abrupt, delay = scene.drop_after_events, scene.abrupt, scene.chunk_delay
        if fault is not None:
            if fault.drop_after_events is not None:
                drop, abrupt = fault.drop_after_events, fault.abrupt
            if fault.chunk_delay is not None:
                delay = fault.chunk_delay
        plan = _StreamPlan(
            start=start,
            drop_after=drop,
            abrupt=abrupt and drop is not None,
            delay=self.host.chunk_delay if delay is None else delay,
            obfuscation=obfuscation,
        )
        return _LiveStream(self, record, plan)

    def _start(self, scene: ResponseScene, request: _Request) -> ResponseRecord:
        """Make and keep the record of ``scene`` for ``request`` (under the lock)."""
        rng = random.Random(scene.seed) if scene.seed is not None else self._rng
        if scene.stream is not None:
            events = _recorded_events(scene.stream)
        else:
            final = _built_final(scene, request, rng)
            events = _built_events(
                response_events(
                    final,
                    rng=rng,
                    max_fragment=scene.max_fragment,
                    interleave=scene.interleave,
                    background=request.background,
                    obfuscation=request.obfuscation,
                )
            )
        response_id = next(
            (
                envelope["id"]
                for event in events
                if isinstance(envelope := (event.payload or {}).get("response"), dict)
                and isinstance(envelope.get("id"), str)
            ),
            None,
        )
        if response_id is None:
            msg = "MockServer: the scene has no response event to take the response id from."
            raise ApiError(500, msg, type_="server_error", code="mock_scene_without_response")
        record = ResponseRecord(
            id=response_id,
            events=events,
            background=request.background,
            store=request.store,
            input_items=request.items,
            end=len(events),
            hold=scene.hold_after_events,
        )
        self._records.pop(response_id, None)  # a replayed recording: the newest play is known
        self._records[response_id] = record
        return record

    def _next_scene(self, call: Call) -> ResponseScene | Response:
        """The next scene, or the error answer of a scene failing first (under the lock)."""
        scene = self._script.take()
        if scene is None:
            msg = (
                f"MockServer: no Responses scene left for {call.method} /v1{call.path} "
                f"(the script had {self._script.length})."
            )
            raise ApiError(400, msg, code="mock_script_exhausted")
        return scene

    async def create(self, _request: Request, call: Call) -> Response:
        """``POST /responses``: the next scene, streamed or as the final Response."""
        check_query(call.query, frozenset())
        body = object_body(call.json, call.raw)
        check_body(body, _CREATE_KEYS)
        if body.get("model") is None and body.get("prompt") is None:
            msg = "Missing required parameter: 'model'."
            raise ApiError(400, msg, param="model", code="missing_required_parameter")
        stream = stream_flag(body)
        background = _flag(body, "background", False)
        store = _flag(body, "store", True)
        metadata_of(body)
        options = body.get("stream_options")
        if options is not None and not isinstance(options, dict):
            msg = "Invalid type for 'stream_options': expected an object."
            raise ApiError(400, msg, param="stream_options", code="invalid_type")
        obfuscation = _flag(options or {}, "include_obfuscation", True)
        previous_id = body.get("previous_response_id")
        with self._lock:
            previous: dict[str, Any] | None = None
            if previous_id is not None:
                known = self._records.get(str(previous_id))
                if known is None or not known.visible:
                    msg = f"Previous response with id '{previous_id}' not found."
                    raise ApiError(
                        400, msg, param="previous_response_id", code="previous_response_not_found"
                    )
                if known.running:
                    msg = f"Previous response with id '{previous_id}' is still in progress."
                    raise ApiError(400, msg, param="previous_response_id")
                previous = known.current()
            items = _input_items(body.get("input"), lambda prefix: _new_id(self._rng, prefix))
            outputs = _check_calls(previous, items)
            scene = self._next_scene(call)
            if isinstance(scene, Response):
                return scene
            request = _Request(body, stream, background, store, obfuscation, items, outputs)
            record = self._start(scene, request)
            opening = record.opening()
        self.notify()
        if stream:
            return self._stream(call, record, 0, obfuscation, scene)
        if background:
            return JSONResponse(opening)  # queued: it runs on the server
        await self._until_finished(record)
        with self._lock:
            return JSONResponse(record.current())

    async def retrieve(self, _request: Request, call: Call) -> Response:
        """``GET /responses/{id}``: the response now, or (``stream=true``) its events again."""
        check_query(call.query, _RETRIEVE_QUERY)
        stream = _query_flag(call.query, "stream", False)
        obfuscation = _query_flag(call.query, "include_obfuscation", True)
        starting_after = _query_int(call.query, "starting_after")
        with self._lock:
            record = self._record(call.params["response_id"])
            if not stream:
                if starting_after is not None:
                    msg = "'starting_after' is only valid with stream=true."
                    raise ApiError(400, msg, param="starting_after")
                return JSONResponse(record.current())
            if not record.background:
                msg = (
                    "This response cannot be streamed because it was not created with "
                    "background=true."
                )
                raise ApiError(400, msg, param="stream")
            start = record.start_after(starting_after)
        return self._stream(call, record, start, obfuscation)

    async def delete(self, _request: Request, call: Call) -> Response:
        """``DELETE /responses/{id}``: gone from then on."""
        check_query(call.query, frozenset())
        with self._lock:
            record = self._record(call.params["response_id"])
            record.deleted = True
            return JSONResponse({"id": record.id, "object": "response", "deleted": True})

    async def cancel(self, _request: Request, call: Call) -> Response:
        """``POST /responses/{id}/cancel``: a running background response stops, ``cancelled``.

        Its open streams end after the events already produced, with no terminal event (the
        spec has no event for it): a client reads the ``cancelled`` response with retrieve.
        """
        check_query(call.query, frozenset())
        with self._lock:
            record = self._record(call.params["response_id"])
            if not record.background:
                msg = "Only responses created with background=true can be cancelled."
                raise ApiError(400, msg)
            if record.running:
                record.cancelled = True
                record.end = record.available
            elif not record.cancelled:
                status = record.current().get("status")
                raise ApiError(400, f"Cannot cancel a response with status '{status}'.")
            state = record.current()
        self.notify()
        return JSONResponse(state)

    async def input_items(self, _request: Request, call: Call) -> Response:
        """``GET /responses/{id}/input_items``: the request's input, paginated (newest first)."""
        check_query(call.query, _LIST_QUERY)
        with self._lock:
            record = self._record(call.params["response_id"])
            items = copy.deepcopy(record.input_items)
        return JSONResponse(paginate(items, call.query))
