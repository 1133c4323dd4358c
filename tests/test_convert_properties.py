"""Hypothesis properties of the conversion layer, on wire JSON generated from the schema.

- Lossless: for every event, ``to_dict(parse_event(sse).data) == json.loads(sse.data)``
  -- with unknown fields, unknown union types and omitted required keys too.
- Round trip: models survive ``to_dict`` then structure unchanged.
- Robust: any JSON-ish payload, for any event name, parses or raises ParseError.
- Layers agree: the same event through SSE bytes and the decoder parses the same.
- JSON backends agree: ``convert.loads`` equals ``json.loads`` exactly.
"""

from __future__ import annotations

import json
import math
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import streamkit._engine.convert as convert
from streamkit import ParseError, ServerSentEvent, SSEDecoder, converter, parse_event, to_dict
from streamkit import models as m
from tests.schema_strategies import EVENT_WIRE_NAMES, OBJECT_NAMES, json_ish, wire_event, wire_value

FLAGS = [
    {},
    {"unknown_fields": True},
    {"unknown_types": True},
    {"omit_required": True},
    {"unknown_fields": True, "unknown_types": True, "omit_required": True},
]
FLAG_IDS = ["valid", "unknown-fields", "unknown-types", "omit-required", "all"]


def exact(value: Any) -> str:
    """A comparison key that tells 1 from 1.0 and True from 1, which == does not."""
    return json.dumps(value, sort_keys=True, allow_nan=True)


@pytest.mark.parametrize("flags", FLAGS, ids=FLAG_IDS)
@pytest.mark.parametrize("name", EVENT_WIRE_NAMES)
@settings(max_examples=25)
@given(data=st.data())
def test_every_event_round_trips_losslessly(
    name: str, flags: dict[str, bool], data: st.DataObject
) -> None:
    """to_dict(parse_event(e).data) is exactly json.loads(e.data), for all 25 events."""
    event_name, text = data.draw(wire_event(name, **flags))
    event = parse_event(ServerSentEvent(event_name, text))
    assert event_name == event.event
    if event_name == "done":
        assert isinstance(event, m.DoneEvent)
        assert text == event.data
        return
    assert not isinstance(event, m.UnknownEvent)
    assert exact(json.loads(text)) == exact(to_dict(event.data))


@pytest.mark.parametrize("name", OBJECT_NAMES)
@settings(max_examples=15)
@given(data=st.data())
def test_models_round_trip(name: str, data: st.DataObject) -> None:
    """structure(to_dict(x)) == x, and its wire form is unchanged, for every object."""
    cls = getattr(m, name)
    wire = data.draw(wire_value(name, unknown_fields=True, unknown_types=True, omit_required=True))
    model = converter.structure(wire, cls)
    again = converter.structure(to_dict(model), cls)
    assert model == again
    assert exact(wire) == exact(to_dict(again))


@pytest.mark.parametrize("name", EVENT_WIRE_NAMES)
@settings(max_examples=30)
@given(payload=json_ish())
def test_any_json_payload_parses_or_raises_parse_error(name: str, payload: Any) -> None:
    """Random JSON for any event name gives a typed event or a ParseError, nothing else."""
    try:
        event = parse_event(ServerSentEvent(name, json.dumps(payload)), position=1)
    except ParseError as error:
        assert error.path.startswith("data")
        assert name == error.event
    else:
        assert name == event.event


@given(name=st.sampled_from(EVENT_WIRE_NAMES), text=st.text(max_size=50))
def test_any_text_payload_parses_or_raises_parse_error(name: str, text: str) -> None:
    """Random text (mostly not JSON) for any event name never raises anything else."""
    try:
        parse_event(ServerSentEvent(name, text))
    except ParseError as error:
        assert name == error.event


@settings(max_examples=50)
@given(data=st.data(), reads=st.lists(st.integers(1, 64), min_size=1, max_size=8))
def test_events_through_the_decoder_parse_the_same(data: st.DataObject, reads: list[int]) -> None:
    """An event framed as SSE bytes, decoded in any reads, parses to the same object."""
    events = [data.draw(wire_event()) for _ in range(3)]
    stream = b"".join(f"event: {name}\ndata: {text}\n\n".encode() for name, text in events)
    decoder = SSEDecoder()
    decoded: list[ServerSentEvent] = []
    start = 0
    for size in reads * (len(stream) // sum(reads) + 1):
        decoded += decoder.feed(stream[start : start + size])
        start += size
    decoded += decoder.close()
    assert [ServerSentEvent(name, text) for name, text in events] == decoded
    assert [parse_event(ServerSentEvent(n, t)) for n, t in events] == [
        parse_event(e) for e in decoded
    ]


big_ints = st.integers(min_value=-(2**70), max_value=2**70)
json_values = st.recursive(
    st.none()
    | st.booleans()
    | big_ints
    | st.floats(allow_nan=False)
    | st.text(st.characters(codec="utf-8"), max_size=8),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=4), inner, max_size=4)
    ),
    max_leaves=12,
)


@given(value=json_values)
def test_loads_matches_the_stdlib_exactly(value: Any) -> None:
    """convert.loads gives what json.loads gives: same types, same numbers, big ints too."""
    text = json.dumps(value)
    assert exact(json.loads(text)) == exact(convert.loads(text))


@given(digits=st.integers(min_value=18, max_value=30), negative=st.booleans())
def test_loads_keeps_long_integers_exact(digits: int, negative: bool) -> None:
    """Integers near and beyond 64 bits stay integers, with every digit."""
    number = int("9" * digits) * (-1 if negative else 1)
    assert number == convert.loads(json.dumps({"n": number}))["n"]


@pytest.mark.parametrize("text", ["NaN", "Infinity", "-Infinity", "1e400"])
def test_loads_accepts_what_the_stdlib_accepts(text: str) -> None:
    """Non-finite numbers the stdlib reads are read the same way."""
    result = convert.loads(f"[{text}]")[0]
    expected = json.loads(f"[{text}]")[0]
    assert math.isnan(result) if math.isnan(expected) else expected == result
