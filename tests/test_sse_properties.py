"""Hypothesis properties of the SSE decoder.

- Split invariance: any chunking of any byte stream gives the same events,
  the same last-event-ID and the same reconnection time -- including where
  the stream is cut inside a BOM, a CRLF or a multi-byte character.
- Agreement with a naive reference model of the spec on generated streams.
- Robustness: arbitrary bytes never raise anything but streamkit's own errors,
  and an oversized event fails the same way whatever the chunking.
"""

from __future__ import annotations

import random

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from streamkit import EventTooLargeError, ServerSentEvent, SSEDecoder, StreamkitError
from tests.sse_reference import reference_decode

Outcome = tuple[list[ServerSentEvent], str | None, int | None]

# Pieces an event stream is made of, bytes-level: field names right and wrong,
# every line ending, BOMs, NUL, invalid and split UTF-8, and the characters
# that naive readers take for line breaks.
_TOKENS = [
    b"data",
    b"data:",
    b"data: ",
    b"event",
    b"event:",
    b"event: ",
    b"id",
    b"id:",
    b"id: ",
    b"retry:",
    b"retry: ",
    b":",
    b": comment",
    b"Data:",
    b"data :",
    b" data:",
    b"unknown:",
    b"\n",
    b"\r",
    b"\r\n",
    b"\n\n",
    b"\r\r",
    b"\n\r\n",
    b" ",
    b"  ",
    b"\t",
    b"x",
    b"hello",
    b"0",
    b"123",
    b"00042",
    b"-1",
    b"1.5",
    b"+5",
    b"\xef\xbb\xbf",
    b"\x00",
    b"\xff",
    b"\xe2\x82",
    b"\xf0\x9f\x98\x80",
    b"\xc3\xa9",
    b"\xe2\x80\xa8",
    b"\x0b",
    b"\x0c",
    b"\x1c",
    b"\xc2\x85",
    b"[DONE]",
    b'{"a": "b"}',
]
sse_ish_bytes = st.lists(st.sampled_from(_TOKENS), max_size=60).map(b"".join)
any_bytes = st.one_of(st.binary(max_size=400), sse_ish_bytes)

_SAFE_TEXT = st.text(
    alphabet=st.characters(blacklist_characters="\r\n", blacklist_categories=("Cs",)), max_size=12
)
_EOL = st.sampled_from(["\n", "\r", "\r\n"])


@st.composite
def valid_streams(draw: st.DrawFn) -> bytes:
    """Well-formed streams built line by line, with any line endings and odd values."""
    parts: list[str] = []
    if draw(st.booleans()):
        parts.append("\ufeff")
    for _ in range(draw(st.integers(0, 8))):
        for _ in range(draw(st.integers(0, 5))):
            kind = draw(st.sampled_from(["data", "event", "id", "retry", "comment", "other"]))
            if kind == "retry":
                value = draw(st.one_of(st.integers(0, 10**12).map(str), _SAFE_TEXT))
            else:
                value = draw(_SAFE_TEXT)
            if kind == "comment":
                line = ":" + value
            elif kind == "other":
                line = draw(st.sampled_from(["foo", "Data", "data ", "retry-x"])) + ":" + value
            else:
                separator = draw(st.sampled_from([": ", ":", ":  ", ""]))
                line = kind + separator + (value if separator else "")
            parts.append(line + draw(_EOL))
        parts.append(draw(_EOL))
    # Sometimes leave a last event unterminated, to be discarded.
    if draw(st.booleans()):
        parts.append("data: " + draw(_SAFE_TEXT) + draw(st.sampled_from(["", "\n", "\r\n"])))
    return "".join(parts).encode("utf-8")


def decode_in_reads(stream: bytes, cuts: list[int], **options: bool) -> Outcome:
    """Feed ``stream`` cut at ``cuts`` (sorted positions), then close."""
    decoder = SSEDecoder(**options)
    events: list[ServerSentEvent] = []
    start = 0
    for cut in [*sorted(cuts), len(stream)]:
        events += decoder.feed(stream[start:cut])
        start = max(start, cut)
    events += decoder.close()
    return events, decoder.last_event_id, decoder.retry


def cut_points(stream_size: int) -> st.SearchStrategy[list[int]]:
    return st.lists(st.integers(0, stream_size), max_size=12)


@given(data=st.data(), stream=st.one_of(valid_streams(), any_bytes))
@example(data=None, stream=b"\xef\xbb\xbfdata: x\r\n\r\n")
def test_any_split_gives_the_same_result(data: st.DataObject | None, stream: bytes) -> None:
    """Events, last_event_id and retry do not depend on where reads end."""
    whole = decode_in_reads(stream, [])
    if data is None:
        chunkings = [list(range(len(stream)))]
    else:
        chunkings = [data.draw(cut_points(len(stream))), list(range(len(stream)))]
    for cuts in chunkings:
        assert whole == decode_in_reads(stream, cuts)


@given(stream=valid_streams(), seed=st.integers(0, 2**32))
def test_decoder_agrees_with_the_reference_model(stream: bytes, seed: int) -> None:
    """On generated streams the decoder gives what the naive spec model gives."""
    rng = random.Random(seed)
    cuts = [rng.randrange(len(stream) + 1) for _ in range(rng.randrange(8))]
    for dispatch_at_close in (False, True):
        expected = reference_decode(stream, dispatch_at_close=dispatch_at_close)
        assert expected == decode_in_reads(stream, cuts, dispatch_at_close=dispatch_at_close)


@given(stream=any_bytes)
def test_reference_agreement_on_arbitrary_bytes(stream: bytes) -> None:
    """Also on arbitrary bytes (invalid UTF-8, stray BOMs, NULs) the two agree."""
    assert reference_decode(stream) == decode_in_reads(stream, [])


@given(stream=any_bytes, data=st.data(), dispatch_at_close=st.booleans())
def test_arbitrary_bytes_raise_nothing(
    stream: bytes, data: st.DataObject, dispatch_at_close: bool
) -> None:
    """No input makes the decoder raise when no size limit is hit."""
    decode_in_reads(stream, data.draw(cut_points(len(stream))), dispatch_at_close=dispatch_at_close)


def decode_with_limit(
    stream: bytes, cuts: list[int], limit: int
) -> tuple[list[ServerSentEvent], int | None]:
    """Events received (returned, or carried by the error) and the limit the error names."""
    decoder = SSEDecoder(max_event_size=limit)
    events: list[ServerSentEvent] = []
    start = 0
    try:
        for cut in [*sorted(cuts), len(stream)]:
            events += decoder.feed(stream[start:cut])
            start = max(start, cut)
        events += decoder.close()
    except EventTooLargeError as exc:
        return events + exc.events, exc.limit
    return events, None


@given(stream=st.one_of(valid_streams(), any_bytes), limit=st.integers(1, 40), data=st.data())
def test_size_limit_is_split_invariant(stream: bytes, limit: int, data: st.DataObject) -> None:
    """Whether max_event_size trips, and which events came first, ignores chunking."""
    whole = decode_with_limit(stream, [], limit)
    assert whole[1] in (None, limit)
    assert whole == decode_with_limit(stream, data.draw(cut_points(len(stream))), limit)
    assert whole == decode_with_limit(stream, list(range(len(stream))), limit)


@given(stream=any_bytes, limit=st.integers(1, 40))
def test_only_streamkit_errors_escape(stream: bytes, limit: int) -> None:
    """With a tiny limit, the only exception is streamkit's own, and it stays raised."""
    decoder = SSEDecoder(max_event_size=limit)
    try:
        for byte in range(len(stream)):
            decoder.feed(stream[byte : byte + 1])
        decoder.close()
    except StreamkitError:
        with pytest.raises(StreamkitError):
            decoder.feed(b"data: more\n\n")
        decoder.close()  # ...and close() makes it usable again.
        if limit >= len(b"data"):
            assert [ServerSentEvent(data="")] == decoder.feed(b"data\n\n")
