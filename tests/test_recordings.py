"""The bundled real recordings decode completely and the same way in any reads.

The recordings are real API output (see streamkit/recordings/README.md), so
these tests pin the decoder to what the service actually sends, not only to
the spec's corner cases.
"""

from __future__ import annotations

import json
import random

import pytest

from streamkit import ServerSentEvent, SSEDecoder, recordings

# Three recordings lost their final blank line when they were saved as test
# fixtures: by the spec their last event is incomplete and is discarded.
CUT_SHORT = {
    "create-thread-and-run-text",
    "submit-tool-outputs-continuation",
    "text-then-server-error",
}


def decode(data: bytes, size: int, *, dispatch_at_close: bool = False) -> list[ServerSentEvent]:
    decoder = SSEDecoder(dispatch_at_close=dispatch_at_close)
    events: list[ServerSentEvent] = []
    for start in range(0, len(data), size):
        events += decoder.feed(data[start : start + size])
    return events + decoder.close()


@pytest.mark.parametrize("name", recordings.NAMES)
def test_every_event_line_becomes_one_event(name: str) -> None:
    """Each `event:` line of the file yields one event, the last one only if it was terminated."""
    data = recordings.read_bytes(name)
    names = [
        line[len(b"event: ") :].decode() for line in data.split(b"\n") if line.startswith(b"event:")
    ]
    complete = names[:-1] if name in CUT_SHORT else names
    assert complete == [event.event for event in decode(data, len(data))]
    assert names == [event.event for event in decode(data, len(data), dispatch_at_close=True)]


@pytest.mark.parametrize("name", recordings.NAMES)
def test_payloads_are_the_json_the_server_sent(name: str) -> None:
    """Every payload is JSON (or the `[DONE]` sentinel), byte for byte as in the file."""
    data = recordings.read_bytes(name)
    for event in decode(data, len(data), dispatch_at_close=True):
        if event.event == "done":
            assert "[DONE]" == event.data
        else:
            assert isinstance(json.loads(event.data), dict)
            assert f"data: {event.data}\n".encode() in data


@pytest.mark.parametrize("name", recordings.NAMES)
@pytest.mark.parametrize("size", [1, 2, 3, 7, 64, 1000])
def test_any_read_size_gives_the_same_events(name: str, size: int) -> None:
    """Whole, byte by byte, or in any read size, the events are identical."""
    data = recordings.read_bytes(name)
    assert decode(data, len(data)) == decode(data, size)


@pytest.mark.parametrize("name", recordings.NAMES)
def test_crlf_and_cr_line_endings_give_the_same_events(name: str) -> None:
    """The same stream with CRLF or CR line endings, in random reads, decodes the same."""
    data = recordings.read_bytes(name)
    expected = decode(data, len(data))
    rng = random.Random(name)
    for ending in (b"\r\n", b"\r"):
        converted = data.replace(b"\n", ending)
        assert expected == decode(converted, rng.randrange(1, 200))


def test_server_error_is_the_last_event_of_its_recording() -> None:
    """The real mid-stream error arrives in its observed `{"error": {...}}` shape."""
    data = recordings.read_bytes("text-then-server-error")
    last = decode(data, 100, dispatch_at_close=True)[-1]
    assert "error" == last.event
    assert {"error"} == set(json.loads(last.data))
