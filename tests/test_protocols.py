"""Which protocol a stream speaks, and the consumers that serve both.

1. ``protocol_of``: event names of each protocol, unnamed events told by their
   payload's ``type`` (OpenRouter), ``error`` in both protocols' shapes,
   ``[DONE]``, typed events; a large unnamed first event;
2. ``driver_for`` / ``accumulator_for``: forcing a protocol, refusing others;
3. ``text_deltas`` / ``atext_deltas`` on every recording of both protocols
   join to the final text (Assistants text blocks; Responses output_text parts);
4. ``consume`` / ``aconsume`` take the protocol from the handler, and refuse a
   handler of the wrong flavour.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import streamkit
from streamkit import ServerSentEvent, SSEDecoder, to_dict
from streamkit._protocols import PROTOCOLS, accumulator_for, driver_for, protocol_of
from streamkit._responses.parse import parse_response_event

RESPONSES = sorted((Path(__file__).parent / "data" / "responses").glob("*.sse"))
BUNDLED = sorted((Path(streamkit.__file__).parent / "recordings").glob("*.sse"))
ERROR_RECORDINGS = frozenset(
    {"vercel_openai_error_event_then_failed.sse", "text-then-server-error.sse"}
)


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


def first_event(path: Path) -> ServerSentEvent:
    decoder = SSEDecoder(dispatch_at_close=True)
    return (decoder.feed(path.read_bytes()) + decoder.close())[0]


def is_responses(path: Path) -> bool:
    """Which protocol a recording is, read off its first payload by hand."""
    return path.parent.name == "responses" or path.name == "demo-responses.sse"


# --- 1. protocol_of ------------------------------------------------------------------------------

ASSISTANTS_FLAT_ERROR = '{"code":null,"message":"m","param":null,"type":"server_error"}'
ASSISTANTS_NESTED_ERROR = '{"error":{"code":null,"message":"m","param":null,"type":"server_error"}}'
RESPONSES_FLAT_ERROR = '{"type":"error","code":"c","message":"m","param":null,"sequence_number":2}'
RESPONSES_NESTED_ERROR = '{"type":"error","sequence_number":2,"error":{"type":"t","code":"c"}}'


@pytest.mark.parametrize(
    ("event", "data", "expected"),
    [
        ("thread.run.created", '{"id":"run_1","object":"thread.run"}', "assistants"),
        ("thread.message.delta", '{"type":"response.created"}', "assistants"),  # the name wins
        ("done", "[DONE]", "assistants"),
        ("response.created", '{"type":"response.created"}', "responses"),
        ("response.output_text.delta", "{}", "responses"),
        ("keepalive", '{"type":"keepalive"}', "responses"),
        # No event line: the payload's type tells (OpenRouter).
        ("message", '{"type":"response.created","response":{}}', "responses"),
        ("message", '{"type":"response.in_progress"}', "responses"),
        ("message", '{"type":"keepalive"}', "responses"),
        ("message", RESPONSES_NESTED_ERROR, "responses"),
        ("message", "[DONE]", "responses"),  # OpenRouter's end marker
        ("message", '{"type":"thread.run.created"}', "assistants"),
        ("message", '{"object":"thread.run"}', "assistants"),
        ("message", "not json", "assistants"),
        ("message", "[1, 2]", "assistants"),
        ("message", '{"type": 5}', "assistants"),
        # The error event in each protocol's two shapes.
        ("error", RESPONSES_FLAT_ERROR, "responses"),
        ("error", RESPONSES_NESTED_ERROR, "responses"),
        ("error", ASSISTANTS_FLAT_ERROR, "assistants"),
        ("error", ASSISTANTS_NESTED_ERROR, "assistants"),
    ],
)
def test_protocol_of_an_event(event: str, data: str, expected: str) -> None:
    assert protocol_of(ServerSentEvent(event=event, data=data)) == expected


@pytest.mark.parametrize("path", RESPONSES + BUNDLED, ids=lambda path: path.name)
def test_protocol_of_every_recording(path: Path) -> None:
    expected = "responses" if is_responses(path) else "assistants"
    assert protocol_of(first_event(path)) == expected


def test_protocol_of_typed_events() -> None:
    responses = parse_response_event(
        ServerSentEvent(event="keepalive", data='{"type":"keepalive","sequence_number":3}')
    )
    assert protocol_of(responses) == "responses"
    assistants = streamkit.parse_event(first_event(BUNDLED[0]))
    assert protocol_of(assistants) == "assistants"


def _openrouter_with_a_large_first_event(size: int) -> bytes:
    """OpenRouter's recording (no event lines), its response.created grown past ``size``."""
    data = (
        (Path(__file__).parent / "data" / "responses")
        .joinpath("NONOPENAI_openrouter_reasoning_text_done_marker.sse")
        .read_bytes()
    )
    decoder = SSEDecoder()
    events = decoder.feed(data)
    first = json.loads(events[0].data)
    assert first["type"] == "response.created"
    first["response"]["instructions"] = "x" * size
    grown = f"data: {json.dumps(first)}\n\n"
    rest = "".join(f"data: {event.data}\n\n" for event in events[1:])
    return (grown + rest).encode()


@pytest.mark.parametrize("size", [10, 2 << 20])
def test_a_large_unnamed_first_event_is_told_by_its_type(size: int) -> None:
    """An OpenRouter response.created over 1 MiB (long instructions) is still a Responses event."""
    data = _openrouter_with_a_large_first_event(size)
    decoder = SSEDecoder()
    (first, *_rest) = decoder.feed(data)
    assert protocol_of(first) == "responses"
    result = streamkit.replay(data)
    assert isinstance(result, streamkit.ResponseAccumulator)
    assert result.final_response is not None
    assert result.final_response.status == "completed"
    assert [item.type for item in result.final_response.output] == ["reasoning", "message"]
    original = streamkit.replay(_openrouter_with_a_large_first_event(0))
    assert [a.kind for a in result.anomalies] == [a.kind for a in original.anomalies]
    assert "".join(streamkit.text_deltas(data)) == "4"


# --- 2. driver_for / accumulator_for -------------------------------------------------------------


def test_accumulator_for_each_protocol() -> None:
    assert PROTOCOLS == ("assistants", "responses")
    assert type(accumulator_for("assistants")) is streamkit.Accumulator
    assert type(accumulator_for("responses")) is streamkit.ResponseAccumulator
    assert accumulator_for("responses", strict=False).strict is False
    assert accumulator_for("assistants").strict is True


@pytest.mark.parametrize("protocol", ["bogus", "Responses", "", "assistant"])
def test_driver_for_refuses_an_unknown_protocol(protocol: str) -> None:
    with pytest.raises(ValueError, match="no protocol named"):
        driver_for(protocol)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="no protocol named"):
        list(streamkit.text_deltas(b"", protocol=protocol))  # type: ignore[arg-type]


def test_a_driver_without_a_protocol_chooses_at_the_first_event() -> None:
    driver = driver_for(None, strict=False)
    assert driver.accumulator is None
    assert driver.done is False
    driver.ended()  # nothing to raise before any event
    driver.feed(ServerSentEvent(data='{"type":"keepalive"}'))
    assert isinstance(driver.accumulator, streamkit.ResponseAccumulator)
    # Chosen once: a later Assistants-looking event does not switch.
    driver.feed(ServerSentEvent(event="thread.run.created", data='{"id":"r"}'))
    assert isinstance(driver.accumulator, streamkit.ResponseAccumulator)


@pytest.mark.parametrize("protocol", ["assistants", "responses"])
def test_a_forced_driver_has_its_accumulator_from_the_start(protocol: str) -> None:
    driver = driver_for(protocol)  # type: ignore[arg-type]
    expected = streamkit.ResponseAccumulator if protocol == "responses" else streamkit.Accumulator
    assert type(driver.accumulator) is expected


# --- 3. text_deltas / atext_deltas ---------------------------------------------------------------


def final_text(path: Path) -> str:
    """The answer text the stream ends with: every output_text part / text block, in order."""
    result = streamkit.replay(path, strict=False)
    if isinstance(result, streamkit.ResponseAccumulator):
        return "".join(
            part.text
            for response in result.responses.values()
            for item in response.output
            if item.type == "message"
            for part in item.content
            if part.type == "output_text"
        )
    return "".join(
        block.text.value
        for message in result.messages.values()
        for block in message.content or ()
        if block.type == "text"
    )


def fragments_sent(path: Path) -> list[str]:
    """The text fragments the recording's JSON carries, in order (read without streamkit)."""
    out: list[str] = []
    decoder = SSEDecoder(dispatch_at_close=True)
    for event in decoder.feed(path.read_bytes()) + decoder.close():
        if event.data == "[DONE]":
            continue
        payload = json.loads(event.data)
        if payload.get("type") == "response.output_text.delta":
            out.append(payload["delta"])
        elif event.event == "thread.message.delta":
            out.extend(
                block["text"]["value"]
                for block in payload["delta"].get("content", ())
                if block["type"] == "text" and block["text"].get("value")
            )
    return out


@pytest.mark.parametrize("path", RESPONSES + BUNDLED, ids=lambda path: path.name)
def test_text_deltas_join_to_the_final_text(path: Path) -> None:
    fragments: list[str] = []
    if path.name in ERROR_RECORDINGS:
        # Strict: everything before the error is yielded, then the error is raised.
        with pytest.raises(streamkit.StreamError):
            fragments.extend(streamkit.text_deltas(path))
    else:
        fragments = list(streamkit.text_deltas(path))
    assert fragments == fragments_sent(path)
    assert "".join(fragments) == final_text(path)
    assert list(streamkit.text_deltas(path, strict=False)) == fragments


def test_the_text_recordings_have_text() -> None:
    """The join is checked on real text: most recordings of each protocol have some."""
    assert sum(1 for path in RESPONSES if final_text(path)) >= 12
    assert sum(1 for path in BUNDLED if final_text(path)) >= 7


@pytest.mark.anyio
@pytest.mark.parametrize("path", RESPONSES + BUNDLED, ids=lambda path: path.name)
async def test_atext_deltas_join_to_the_final_text(path: Path) -> None:
    fragments: list[str] = []

    async def read() -> None:
        async for text in streamkit.atext_deltas(path):
            fragments.append(text)  # kept up to the error

    if path.name in ERROR_RECORDINGS:
        with pytest.raises(streamkit.StreamError):
            await read()
    else:
        fragments = [text async for text in streamkit.atext_deltas(path)]
    assert fragments == fragments_sent(path)


def test_text_deltas_with_a_forced_protocol() -> None:
    path = RESPONSES[0].parent / "openai_text_logprobs.sse"
    text = final_text(path)
    assert text
    assert "".join(streamkit.text_deltas(path, protocol="responses")) == text
    # Read as the other protocol: its events are unknown there, and carry no text.
    assert list(streamkit.text_deltas(path, protocol="assistants", strict=False)) == []
    bundled = BUNDLED[0].parent / "text-run.sse"
    assert "".join(streamkit.text_deltas(bundled, protocol="assistants")) == final_text(bundled)
    assert list(streamkit.text_deltas(bundled, protocol="responses", strict=False)) == []


def test_text_deltas_of_an_empty_source() -> None:
    assert list(streamkit.text_deltas(b"")) == []
    assert list(streamkit.text_deltas(b": keep-alive\n\n")) == []


def test_text_deltas_stops_early_without_error() -> None:
    """A consumer that stops reading (break) closes the stream; nothing is raised."""
    path = RESPONSES[0].parent / "openai_compaction_item.sse"
    taken = []
    for text in streamkit.text_deltas(path):
        taken.append(text)
        if len(taken) == 3:
            break
    assert taken == fragments_sent(path)[:3]


# --- 4. consume / aconsume ----------------------------------------------------------------------


TEXT = RESPONSES[0].parent / "openai_text_logprobs.sse"
RUN = BUNDLED[0].parent / "text-run.sse"


@pytest.mark.parametrize(
    ("handler", "source", "expected"),
    [
        (streamkit.ResponseEventHandler, TEXT, streamkit.ResponseAccumulator),
        (streamkit.ResponseHandlers, TEXT, streamkit.ResponseAccumulator),
        (streamkit.EventHandler, RUN, streamkit.Accumulator),
        (streamkit.Handlers, RUN, streamkit.Accumulator),
    ],
)
def test_consume_returns_the_handlers_protocols_accumulator(
    handler: type, source: Path, expected: type
) -> None:
    made = handler()
    result = streamkit.consume(source, made)
    assert type(result) is expected
    assert made.accumulator is result
    final = result.final_response if expected is streamkit.ResponseAccumulator else result.final_run
    assert final is not None
    assert final.status == "completed"


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("handler", "source", "expected"),
    [
        (streamkit.AsyncResponseEventHandler, TEXT, streamkit.ResponseAccumulator),
        (streamkit.AsyncEventHandler, RUN, streamkit.Accumulator),
    ],
)
async def test_aconsume_returns_the_handlers_protocols_accumulator(
    handler: type, source: Path, expected: type
) -> None:
    made = handler()
    result = await streamkit.aconsume(source, made)
    assert type(result) is expected
    assert made.accumulator is result


def test_consume_results_equal_replay() -> None:
    assert to_dict(streamkit.consume(TEXT, streamkit.ResponseEventHandler()).final_response) == (
        to_dict(streamkit.replay(TEXT).final_response)
    )
    consumed = streamkit.consume(RUN, streamkit.EventHandler())
    replayed = streamkit.replay(RUN)
    assert [to_dict(m) for m in consumed.messages.values()] == [
        to_dict(m) for m in replayed.messages.values()
    ]


@pytest.mark.parametrize(
    ("handler", "source"),
    [(streamkit.AsyncResponseEventHandler, TEXT), (streamkit.AsyncEventHandler, RUN)],
)
def test_consume_refuses_an_async_handler(handler: type, source: Path) -> None:
    """Its callbacks would be coroutines never awaited: nothing would run."""

    class Counting(handler):  # type: ignore[misc, valid-type]
        called = 0

        async def on_end(self) -> None:
            type(self).called += 1

    with pytest.raises(TypeError, match="aconsume"):
        streamkit.consume(source, Counting())
    assert Counting.called == 0


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("handler", "source"),
    [(streamkit.ResponseEventHandler, TEXT), (streamkit.EventHandler, RUN)],
)
async def test_aconsume_refuses_a_sync_handler(handler: type, source: Path) -> None:
    with pytest.raises(TypeError, match="consume"):
        await streamkit.aconsume(source, handler())


@pytest.mark.parametrize("handler", [None, object(), "handler"])
def test_consume_refuses_what_is_not_a_handler(handler: Any) -> None:
    with pytest.raises(TypeError, match="handler"):
        streamkit.consume(TEXT, handler)


@pytest.mark.parametrize(
    ("handler", "source", "named"),
    [
        (streamkit.EventHandler, TEXT, "a Responses stream"),
        (streamkit.ResponseHandlers, RUN, "an Assistants stream"),
    ],
)
def test_consume_refuses_a_stream_of_the_other_protocol(
    handler: type, source: Path, named: str
) -> None:
    """A handler given the other protocol's stream says so at its first event (not silence)."""
    ended: list[str] = []
    made = handler()
    if isinstance(made, streamkit.ResponseHandlers):
        made.on("end")(lambda: ended.append("end"))
    else:
        made.on_end = lambda: ended.append("end")  # type: ignore[method-assign]
    with pytest.raises(streamkit.StreamkitError, match=named) as caught:
        streamkit.consume(source, made)
    assert caught.value.accumulator.position == 0  # type: ignore[attr-defined]
    assert ended == ["end"]
