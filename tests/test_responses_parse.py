"""parse_response_event on the real Responses recordings and on bad input.

Every event of every recording in tests/data/responses/ parses into its typed
class and writes back as the exact JSON the server sent; ``[DONE]`` is a
DoneEvent, an unknown ``type`` an UnknownEvent, and bad input a ParseError
that names the event, its position and the field, never the payload text.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import attrs
import pytest

from streamkit import ParseError, ServerSentEvent, SSEDecoder, to_dict
from streamkit._responses.parse import parse_response_event, response_event_from_json
from streamkit.models import DoneEvent, UnknownEvent, UnknownObject
from streamkit.models import responses as rm

RECORDINGS = Path(__file__).parent / "data" / "responses"
NAMES = sorted(path.name for path in RECORDINGS.glob("*.sse"))


def decode(name: str) -> list[ServerSentEvent]:
    decoder = SSEDecoder(dispatch_at_close=True)
    return decoder.feed((RECORDINGS / name).read_bytes()) + decoder.close()


def parse_json(payload: Any, *, event: str = "message", position: int | None = None) -> Any:
    sse = ServerSentEvent(event=event, data=json.dumps(payload))
    return parse_response_event(sse, position=position)


def test_there_are_twenty_recordings() -> None:
    assert 20 == len(NAMES)


@pytest.mark.parametrize("name", NAMES)
def test_every_event_parses_and_writes_back_exactly(name: str) -> None:
    """to_dict(parse_response_event(sse)) == json.loads(sse.data) for every data event."""
    events = decode(name)
    lines = (RECORDINGS / name).read_bytes().splitlines()
    assert sum(line.startswith(b"data:") for line in lines) == len(events)
    for position, sse in enumerate(events, 1):
        event = parse_response_event(sse, position=position)
        if sse.data == "[DONE]":
            assert DoneEvent("[DONE]") == event
            continue
        payload = json.loads(sse.data)
        assert not isinstance(event, (DoneEvent, UnknownEvent)), payload["type"]
        assert rm.RESPONSE_EVENT_CLASSES[payload["type"]] is type(event)
        assert payload["type"] == event.event == event.type
        assert payload == to_dict(event)


@pytest.mark.parametrize("name", NAMES)
def test_sse_event_name_matches_the_type_when_sent(name: str) -> None:
    """OpenAI's `event:` line repeats the type; OpenRouter sends none (the default "message")."""
    for sse in decode(name):
        if sse.data != "[DONE]":
            assert sse.event in ("message", json.loads(sse.data)["type"])


def test_event_classes_cover_the_spec_and_the_wire() -> None:
    """58 spec types plus keepalive and the two apply_patch diff events."""
    assert 61 == len(rm.RESPONSE_EVENT_CLASSES)
    for type_name, cls in rm.RESPONSE_EVENT_CLASSES.items():
        assert issubclass(cls, rm.ResponseEvent)
        assert type_name == attrs.fields(cls).type.default
    assert "keepalive" == rm.ResponseKeepaliveEvent(sequence_number=1).event


def test_typed_fields_of_a_text_delta() -> None:
    event = parse_json(
        {
            "type": "response.output_text.delta",
            "sequence_number": 4,
            "item_id": "msg_1",
            "output_index": 0,
            "content_index": 0,
            "delta": "Hel",
            "logprobs": [],
            "obfuscation": "xyz",
        }
    )
    assert isinstance(event, rm.ResponseTextDeltaEvent)
    assert ("Hel", 4, 0, 0, "msg_1", "xyz", ()) == (
        event.delta,
        event.sequence_number,
        event.output_index,
        event.content_index,
        event.item_id,
        event.obfuscation,
        event.logprobs,
    )
    assert {} == dict(event.extra_fields)


def test_old_streams_without_sequence_number_and_name() -> None:
    """Before mid-2025: no sequence_number; function_call_arguments.done without name."""
    payload = {
        "type": "response.function_call_arguments.done",
        "item_id": "fc_1",
        "output_index": 0,
        "arguments": "{}",
    }
    event = parse_json(payload)
    assert isinstance(event, rm.ResponseFunctionCallArgumentsDoneEvent)
    assert (None, None, "{}") == (event.sequence_number, event.name, event.arguments)
    assert payload == to_dict(event)


def test_error_event_in_both_shapes() -> None:
    flat = {"type": "error", "code": "x", "message": "boom", "param": None, "sequence_number": 1}
    nested = {
        "type": "error",
        "sequence_number": 2,
        "error": {"type": "insufficient_quota", "code": "q", "message": "quota", "param": None},
    }
    a, b = parse_json(flat), parse_json(nested)
    assert isinstance(a, rm.ResponseErrorEvent)
    assert isinstance(b, rm.ResponseErrorEvent)
    assert ("x", "boom", None) == (a.error_code, a.error_message, a.error)
    assert ("q", "quota", None) == (b.error_code, b.error_message, b.code)
    assert isinstance(b.error, rm.ResponseErrorEventError)
    assert "insufficient_quota" == b.error.type
    assert (flat, nested) == (to_dict(a), to_dict(b))


def test_done_sentinel() -> None:
    event = parse_response_event(ServerSentEvent(data="[DONE]"))
    assert isinstance(event, DoneEvent)
    assert "done" == event.event


def test_unknown_event_type_is_kept() -> None:
    payload = {"type": "response.future_thing.delta", "sequence_number": 3, "x": [1, {"y": 2}]}
    event = parse_json(payload, event="response.future_thing.delta")
    assert UnknownEvent("response.future_thing.delta", payload) == event
    assert payload == response_event_from_json(payload["type"], payload).data


def test_unknown_item_part_and_annotation_types_are_kept() -> None:
    item = {"type": "hologram_call", "id": "h_1", "status": "in_progress", "nested": {"a": [1]}}
    added = parse_json({"type": "response.output_item.added", "output_index": 0, "item": item})
    assert isinstance(added, rm.ResponseOutputItemAddedEvent)
    assert isinstance(added.item, UnknownObject)
    assert item == to_dict(added.item)
    assert "hologram_call" == added.item.type
    part = {"type": "output_audio", "data": "AAA"}
    event = parse_json(
        {
            "type": "response.content_part.added",
            "item_id": "m",
            "output_index": 0,
            "content_index": 0,
            "part": part,
        }
    )
    assert isinstance(event, rm.ResponseContentPartAddedEvent)
    assert isinstance(event.part, UnknownObject)
    assert part == to_dict(event.part)
    annotation = {"type": "page_citation", "page": 4}
    event = parse_json(
        {
            "type": "response.output_text.annotation.added",
            "item_id": "m",
            "output_index": 0,
            "content_index": 0,
            "annotation_index": 0,
            "annotation": annotation,
        }
    )
    assert isinstance(event, rm.ResponseOutputTextAnnotationAddedEvent)
    assert isinstance(event.annotation, UnknownObject)
    assert annotation == to_dict(event)["annotation"]


@pytest.mark.parametrize(
    ("payload", "path", "reason"),
    [
        ({"type": 5, "delta": "secret"}, "data.type", "expected a string, got an integer"),
        ({"delta": "secret"}, "data.type", "expected a string, got null"),
        (
            {"type": "response.output_text.delta", "delta": 7, "output_index": 0},
            "data.delta",
            "expected a string, got an integer",
        ),
        (
            {"type": "response.output_item.added", "output_index": 0, "item": {"type": ["x"]}},
            "data.item.type",
            "expected a string, got an array",
        ),
        (
            {
                "type": "response.completed",
                "response": {"id": "r", "output": [{"type": "message", "content": "secret"}]},
            },
            "data.response.output[0].content",
            "expected an array, got a string",
        ),
    ],
)
def test_wrong_shapes_are_parse_errors_with_a_path(payload: Any, path: str, reason: str) -> None:
    with pytest.raises(ParseError) as caught:
        parse_json(payload, event="ev", position=9)
    error = caught.value
    assert (path, reason, 9) == (error.path, error.reason, error.position)
    assert "secret" not in str(error)


@pytest.mark.parametrize(
    ("data", "reason"), [("{not json", "not valid JSON"), ("[1]", "expected an object")]
)
def test_bad_json_is_a_parse_error(data: str, reason: str) -> None:
    with pytest.raises(ParseError) as caught:
        parse_response_event(ServerSentEvent(event="response.created", data=data), position=2)
    assert "data" == caught.value.path
    assert caught.value.reason.startswith(reason)
    assert 2 == caught.value.position
