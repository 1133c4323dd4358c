"""Unit tests of the SSE decoder's API: state, limits, close and reconnect, input types."""

from __future__ import annotations

import subprocess
import sys
import tracemalloc
from collections.abc import Callable
from typing import TypeVar

import pytest

from streamkit import (
    DEFAULT_MAX_EVENT_SIZE,
    DecodeError,
    EventTooLargeError,
    ServerSentEvent,
    SSEDecoder,
    StreamkitError,
)
from streamkit.sse import MAX_RETRY

_T = TypeVar("_T")


def feed_all(decoder: SSEDecoder, *reads: bytes) -> list[ServerSentEvent]:
    events: list[ServerSentEvent] = []
    for read in reads:
        events += decoder.feed(read)
    return events


def _peak(action: Callable[[], _T]) -> tuple[int, int, _T]:
    """Traced memory: the peak while ``action`` runs, what stays allocated, and its result."""
    tracemalloc.start()
    try:
        result = action()
        kept, peak = tracemalloc.get_traced_memory()
        return peak, kept, result
    finally:
        tracemalloc.stop()


class TestServerSentEvent:
    def test_defaults(self) -> None:
        """An event defaults to type "message", empty data, no id, no retry."""
        event = ServerSentEvent()
        assert ("message", "", None, None) == (event.event, event.data, event.id, event.retry)

    def test_immutable(self) -> None:
        """Events cannot be changed after the decoder hands them out."""
        event = ServerSentEvent(data="x")
        with pytest.raises(AttributeError):
            event.data = "y"  # type: ignore[misc]

    def test_equality_and_hash(self) -> None:
        """Events compare and hash by their four fields."""
        assert ServerSentEvent("a", "b", "1", 5) == ServerSentEvent("a", "b", "1", 5)
        assert ServerSentEvent("a", "b") != ServerSentEvent("a", "c")
        assert len({ServerSentEvent(data="x"), ServerSentEvent(data="x")}) == 1


class TestDispatch:
    def test_event_is_returned_by_the_read_that_completes_it(self) -> None:
        """No event is held back once its blank line has arrived."""
        decoder = SSEDecoder()
        assert [] == decoder.feed(b"event: thread.run.created\ndata: {}\n")
        assert [ServerSentEvent("thread.run.created", "{}")] == decoder.feed(b"\n")

    def test_cr_at_the_end_of_a_read_dispatches_at_once(self) -> None:
        """A CR ending a read ends its line now; the LF that follows is not a second line."""
        decoder = SSEDecoder()
        assert [ServerSentEvent(data="a")] == decoder.feed(b"data: a\r\r")
        assert [] == decoder.feed(b"\n")  # the LF of the CRLF, not an empty line
        assert [ServerSentEvent(data="b")] == decoder.feed(b"data: b\r\n\r\n")

    def test_close_returns_nothing_and_discards_the_partial_event(self) -> None:
        """R12: an event without its blank line is dropped at the end, with its id."""
        decoder = SSEDecoder()
        events = feed_all(decoder, b"id: 1\ndata: a\n\n", b"id: 2\ndata: b\n")
        assert [ServerSentEvent(data="a", id="1")] == events
        assert decoder.has_partial_event
        assert [] == decoder.close()
        assert "1" == decoder.last_event_id

    def test_has_partial_event(self) -> None:
        """has_partial_event tells a stream cut inside an event from one cut between events."""
        decoder = SSEDecoder()
        assert not decoder.has_partial_event
        decoder.feed(b": keep-alive\n\n")
        assert not decoder.has_partial_event
        decoder.feed(b'data: {"a":')
        assert decoder.has_partial_event
        decoder.feed(b"1}\n\n")
        assert not decoder.has_partial_event
        decoder.feed(b"event: x\n")
        assert decoder.has_partial_event

    @pytest.mark.parametrize(
        ("tail", "expected"),
        [
            (b"data: [DONE]\n", [ServerSentEvent("done", "[DONE]")]),
            (b"data: [DONE]", [ServerSentEvent("done", "[DONE]")]),
            (b"data: [DONE]\r", [ServerSentEvent("done", "[DONE]")]),
            (b"", []),
        ],
    )
    def test_dispatch_at_close(self, tail: bytes, expected: list[ServerSentEvent]) -> None:
        """With dispatch_at_close, the end of a log file acts as the missing blank line."""
        decoder = SSEDecoder(dispatch_at_close=True)
        assert [] == decoder.feed(b"event: done\n" + tail)
        assert expected == decoder.close()
        if not tail:
            # A lone `event:` line has no data: nothing to dispatch (R11 step 2).
            assert [] == expected

    def test_dispatch_at_close_is_off_by_default(self) -> None:
        """By default the spec rule holds: the incomplete final event is discarded."""
        decoder = SSEDecoder()
        decoder.feed(b"event: done\ndata: [DONE]\n")
        assert [] == decoder.close()


class TestState:
    def test_last_event_id_and_retry_start_unset(self) -> None:
        """A new decoder has seen no id and no retry."""
        decoder = SSEDecoder()
        assert (None, None) == (decoder.last_event_id, decoder.retry)

    def test_retry_takes_effect_when_its_line_ends(self) -> None:
        """R9: the reconnection time changes when the line is processed, not at dispatch."""
        decoder = SSEDecoder()
        decoder.feed(b"retry: 30")
        assert decoder.retry is None
        decoder.feed(b"00\n")
        assert 3000 == decoder.retry
        assert [ServerSentEvent(data="x", retry=3000)] == decoder.feed(b"data: x\n\n")

    @pytest.mark.parametrize("digits", ["9999999999", "0" * 5000 + "1234567890"])
    def test_retry_of_up_to_ten_digits_is_exact(self, digits: str) -> None:
        """R9: a value of up to 10 digits (after leading zeros) is kept exactly."""
        decoder = SSEDecoder()
        assert [ServerSentEvent(data="x", retry=int(digits.lstrip("0")))] == decoder.feed(
            f"retry: {digits}\ndata: x\n\n".encode()
        )
        assert int(digits.lstrip("0")) == decoder.retry

    @pytest.mark.parametrize("size", [11, 5000, 400_000])
    def test_longer_retry_is_clamped(self, size: int) -> None:
        """R9: a value of more than 10 digits is clamped to MAX_RETRY, in time linear in its length.

        A reconnection time over 115 days means "do not reconnect soon"; the
        exact value of 400,000 digits would take seconds to convert.
        """
        decoder = SSEDecoder()
        [event] = decoder.feed(b"retry: 0" + b"7" * size + b"\ndata: x\n\n")
        assert MAX_RETRY == 9_999_999_999 == event.retry == decoder.retry

    def test_last_event_id_is_set_by_a_data_less_block(self) -> None:
        """R11 step 1: an id-only block updates the id sent on reconnect, but dispatches nothing."""
        decoder = SSEDecoder()
        assert [] == decoder.feed(b"id: 42\n\n")
        assert "42" == decoder.last_event_id

    def test_close_keeps_connection_state_and_resets_the_stream(self) -> None:
        """After close(), a new stream gets a fresh BOM check; last_event_id and retry stay."""
        decoder = SSEDecoder()
        decoder.feed(b"retry: 10\nid: a\ndata: 1\n\n")
        decoder.close()
        assert ("a", 10) == (decoder.last_event_id, decoder.retry)
        # The new stream may start with a BOM again; its id buffer starts empty (spec).
        assert [ServerSentEvent(data="2")] == decoder.feed(b"\xef\xbb\xbfdata: 2\n\n")
        assert decoder.last_event_id is None

    def test_crlf_split_by_close_is_two_streams(self) -> None:
        """A CR that ended one stream does not swallow an LF that starts the next."""
        decoder = SSEDecoder()
        decoder.feed(b"data: a\r")
        decoder.close()
        assert [ServerSentEvent(data="b")] == decoder.feed(b"\ndata: b\n\n")


class TestInput:
    @pytest.mark.parametrize("kind", [bytes, bytearray, memoryview])
    def test_bytes_like_reads(self, kind: type) -> None:
        """bytes, bytearray and memoryview reads are all accepted."""
        assert [ServerSentEvent(data="x")] == SSEDecoder().feed(kind(b"data: x\n\n"))

    @pytest.mark.parametrize("bad", ["data: x\n\n", 123, 0, None, [100, 10]])
    def test_what_is_not_bytes_is_refused(self, bad: object) -> None:
        """str, int (bytes(123) would be 123 NULs), None, lists: TypeError naming the type."""
        decoder = SSEDecoder()
        with pytest.raises(TypeError, match=type(bad).__name__):
            decoder.feed(bad)  # type: ignore[arg-type]
        assert [ServerSentEvent(data="x")] == decoder.feed(b"data: x\n\n")

    def test_empty_reads_change_nothing(self) -> None:
        """Empty reads are allowed anywhere, even inside a CRLF or a BOM."""
        decoder = SSEDecoder()
        events = feed_all(decoder, b"", b"\xef", b"", b"\xbb\xbf", b"", b"data: x\r", b"", b"\n\n")
        assert [ServerSentEvent(data="x")] == events


class TestMaxEventSize:
    def test_default_is_generous(self) -> None:
        """The default limit is 64 MiB: large base64 images pass."""
        assert 64 * 1024 * 1024 == DEFAULT_MAX_EVENT_SIZE
        payload = b"A" * (2 * 1024 * 1024)
        [event] = SSEDecoder().feed(b"data: " + payload + b"\n\n")
        assert len(event.data) == len(payload)

    def test_event_over_the_limit(self) -> None:
        """An event over the limit raises, naming the limit and the event number."""
        decoder = SSEDecoder(max_event_size=12)
        with pytest.raises(EventTooLargeError) as info:
            decoder.feed(b"data: 12345\n\ndata: 1\n: 12345\n\n")
        assert [ServerSentEvent(data="12345")] == info.value.events
        assert 12 == info.value.limit
        assert "event 2" in str(info.value)
        assert "max_event_size=12" in str(info.value)

    def test_limit_counts_the_lines_of_an_event(self) -> None:
        """An event of exactly max_event_size bytes of lines passes; one byte more does not."""
        event = b"event: e\r\n: comment\r\ndata: 12345\r\n\r\n"  # 8 + 9 + 11 bytes of lines
        assert 1 == len(SSEDecoder(max_event_size=28).feed(event))
        with pytest.raises(EventTooLargeError):
            SSEDecoder(max_event_size=27).feed(event)

    def test_endless_line_is_stopped_without_buffering_it(self) -> None:
        """A line that never ends raises as soon as the held part passes the limit."""
        decoder = SSEDecoder(max_event_size=1000)
        for _ in range(10):
            decoder.feed(b": " + b"x" * 98)
        with pytest.raises(EventTooLargeError) as info:
            decoder.feed(b"x")
        assert 1001 == info.value.offset

    def test_error_message_never_contains_the_payload(self) -> None:
        """The error names sizes and positions, never stream content (it may be private)."""
        secret = b"sk-private-argument-" * 10
        with pytest.raises(EventTooLargeError) as info:
            SSEDecoder(max_event_size=50).feed(b"data: " + secret + b"\n\n")
        assert "private" not in str(info.value)

    def test_no_limit(self) -> None:
        """max_event_size=None switches the limit off."""
        [event] = SSEDecoder(max_event_size=None).feed(b"data: " + b"x" * 100_000 + b"\n\n")
        assert 100_000 == len(event.data)

    @pytest.mark.parametrize("bad", [0, -1])
    def test_limit_must_be_positive(self, bad: int) -> None:
        """A limit below one byte is refused at construction."""
        with pytest.raises(ValueError, match="max_event_size"):
            SSEDecoder(max_event_size=bad)

    def test_decoder_refuses_input_after_the_error(self) -> None:
        """After EventTooLargeError the decoder stays failed until close()."""
        decoder = SSEDecoder(max_event_size=6)
        with pytest.raises(EventTooLargeError):
            decoder.feed(b"data: 12345\n\n")
        with pytest.raises(DecodeError, match="close"):
            decoder.feed(b"data: 1\n\n")
        decoder.close()
        assert [ServerSentEvent(data="1")] == decoder.feed(b"data:1\n\n")

    def test_many_short_data_lines_take_at_most_four_times_the_limit(self) -> None:
        """Memory stays within 4x max_event_size however short the data lines are."""
        limit = 1 << 20
        count = limit // len(b"data:ab")
        body = b"data:ab\n" * count
        reads = [body[start : start + 16384] for start in range(0, len(body), 16384)]
        decoder = SSEDecoder(max_event_size=limit)
        peak, _kept, events = _peak(lambda: feed_all(decoder, *reads, b"\n"))
        assert [3 * count - 1] == [len(event.data) for event in events]
        assert peak < 4 * limit

    def test_a_line_read_a_byte_at_a_time_takes_at_most_four_times_the_limit(self) -> None:
        """Memory stays within 4x max_event_size for a long line fed in reads of one byte."""
        limit = 1 << 18
        line = b"data: " + b"y" * (limit - 6)
        decoder = SSEDecoder(max_event_size=limit)
        feed = decoder.feed

        def read_bytewise() -> list[ServerSentEvent]:
            for start in range(len(line)):
                feed(line[start : start + 1])
            return feed(b"\n\n")

        peak, _kept, events = _peak(read_bytewise)
        assert [limit - 6] == [len(event.data) for event in events]
        assert peak < 4 * limit

    def test_one_huge_read_is_decoded_in_bounded_memory(self) -> None:
        """A read of many MiB of short lines is not split into an object per line all at once.

        What stays allocated afterwards is the events returned; the peak
        above that is what the decoder needed on the way, bounded whatever
        the size of the read.
        """
        body = b": comment\n\n" * 400_000 + b"data:ab\n\n"
        decoder = SSEDecoder(max_event_size=1 << 16)
        peak, kept, events = _peak(lambda: decoder.feed(body))
        assert [ServerSentEvent(data="ab")] == events
        assert peak - kept < 1 << 20

    def test_errors_are_streamkit_errors(self) -> None:
        """One except clause catches every decoder error."""
        assert issubclass(EventTooLargeError, DecodeError)
        assert issubclass(DecodeError, StreamkitError)


def test_sse_module_is_sans_io() -> None:
    """Importing the decoder pulls in no HTTP, async or file machinery."""
    code = (
        "import sys, streamkit.sse; "
        "bad = {'httpx', 'httpx_sse', 'asyncio', 'anyio', 'gzip'} & set(sys.modules); "
        "print(sorted(bad))"
    )
    # streamkit/__init__ is imported too, so this also keeps the package import light.
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert "[]" == result.stdout.strip()
