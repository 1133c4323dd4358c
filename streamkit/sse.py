"""Sans-IO Server-Sent Events: the decoder (bytes in, ``ServerSentEvent`` out) and its writer twin.

Follows the WHATWG HTML Living Standard, "Parsing an event stream" and
"Interpreting an event stream"
(https://html.spec.whatwg.org/multipage/server-sent-events.html#event-stream-interpretation);
the rules are numbered R1-R13 in the comments below.

Strategy: work on bytes, not text. CR and LF are ASCII and never part of a
multi-byte UTF-8 sequence, and an invalid sequence never swallows an ASCII byte
in Python's "replace" decoding, so splitting lines and fields on bytes and then
decoding each value with ``errors="replace"`` gives exactly what decoding the
whole stream first would (R1) -- while the decoder only decodes what it keeps
(comments and unknown fields are never decoded) and can count the event size
limit in bytes. Line endings are normalised to LF per read with two C-level
``replace`` calls (R3/R4), then each read is split into lines once; the
incomplete last line is kept as a list of pieces and joined only when its end
arrives, so the cost stays linear in the bytes fed whatever the read sizes.

Memory is bounded by ``max_event_size``, not by the number of lines or reads:
the pieces of an unended line and the data lines of an open event, when
small, are coalesced into one ``bytearray`` every few dozen (no object per
small piece or line is kept), and a read larger than 64 KiB is decoded in
slices of that size (no list of every line of a huge read). An event of any
shape -- one line in one-byte reads, or short ``data:`` lines -- peaks at
under four times the limit, its decoded ``str`` included.

:func:`encode_sse` writes one event as bytes a browser's ``EventSource`` (and
:class:`SSEDecoder`) reads back: the server side of the same format.

Stdlib only: nothing here touches sockets, files or event loops.
"""

from __future__ import annotations

import re
from typing import Any, NamedTuple, NoReturn

from streamkit.errors import DecodeError, EventTooLargeError

__all__ = ["DEFAULT_MAX_EVENT_SIZE", "MAX_RETRY", "SSEDecoder", "ServerSentEvent", "encode_sse"]

#: Default ``max_event_size``: generous enough for base64 images in one event,
#: small enough that a stream that never ends its event cannot eat the machine.
DEFAULT_MAX_EVENT_SIZE = 64 * 1024 * 1024

#: The largest reconnection time :attr:`SSEDecoder.retry` reports, in
#: milliseconds: the largest value of 10 digits (about 115 days). R9 lets a
#: ``retry`` value be arbitrarily large; one of more than 10 significant digits
#: is clamped to this, which keeps its meaning ("do not reconnect soon") while
#: converting it costs time linear in its length (``int()`` of 400,000 digits
#: takes seconds) and a consumer can still compute with it.
MAX_RETRY = 9_999_999_999
_RETRY_DIGITS = len(str(MAX_RETRY))

_BOM = b"\xef\xbb\xbf"
# Reads larger than this are decoded in slices of this size: splitting a read
# into lines makes an object per line, so a huge read of short lines would
# otherwise cost many times its size at once.
_SLICE = 64 * 1024
# Pieces of an unended line, or data lines of an open event, are coalesced
# into one bytearray once there are more than _COALESCE of them averaging
# under _SMALL bytes: each costs ~40 bytes of object and pointer, so the
# overhead stays under a tenth of the bytes held, and large pieces (a long
# line in 4 KiB reads) are never copied an extra time.
_COALESCE = 64
_SMALL = 512
# An unended line's size is checked against the limit, and its pieces for
# coalescing, each time it has grown by a 256th of the limit (at most 256 KiB):
# a read inside a long line then costs one comparison, however small it is,
# and the pieces kept between two checks (under 100 bytes each with their
# list slot) cost under half the limit.
_CHECK_SHARE = 256
_CHECK_MAX = 1 << 18


class ServerSentEvent(NamedTuple):
    """One dispatched event.

    Immutable (a named tuple: cheap to build, which matters at hundreds of
    thousands of events a second) and compared field by field.

    Attributes:
        event: the event type; ``"message"`` when the block set none (R6, R11).
        data: the data lines joined with LF, without the trailing LF (R7, R11).
        id: the last-event-ID buffer when the event was dispatched: sticky
            across events (R8); ``None`` if no ``id`` field has been seen yet.
        retry: the reconnection time, in milliseconds, set by a ``retry`` field
            inside this event's block; ``None`` if the block had none. The
            decoder's :attr:`SSEDecoder.retry` holds the sticky value. At
            most :data:`MAX_RETRY`: a longer value is clamped to it.
    """

    event: str = "message"
    data: str = ""
    id: str | None = None
    retry: int | None = None


def _retry_value(digits: bytes) -> int:
    """A run of ASCII digits of any length as a reconnection time, at most ``MAX_RETRY`` (R9)."""
    if len(digits) > _RETRY_DIGITS:
        digits = digits.lstrip(b"0") or b"0"
        if len(digits) > _RETRY_DIGITS:
            return MAX_RETRY
    return int(digits)


def _coalesce(pieces: list[Any], separator: bytes) -> None:
    """Join ``pieces`` in place into one bytearray, growing the first if it is one already.

    Extending a bytearray is amortised O(1) per byte, so coalescing every
    ``_COALESCE`` small pieces stays linear however long the line or event grows.
    """
    head = pieces[0]
    if head.__class__ is not bytearray:
        head = bytearray(head)
    if separator:
        head += separator
    head += separator.join(pieces[1:])
    pieces[:] = (head,)


def _as_bytes(data: object) -> bytes:
    """A bytes-like read as bytes; anything else is a TypeError (``bytes(123)`` is 123 NULs)."""
    if isinstance(data, (bytearray, memoryview)):
        return bytes(data)
    msg = f"feed() takes bytes, bytearray or memoryview, not {type(data).__name__}"
    raise TypeError(msg)


class SSEDecoder:
    """Incremental, sans-IO Server-Sent Events decoder.

    Feed it the stream's bytes in reads of any size; it returns each event as
    soon as its terminating blank line has arrived::

        dec = SSEDecoder()
        events = dec.feed(b"event: ping\\ndata: 1\\n\\n")
        events += dec.close()

    It follows every rule of the WHATWG event-stream format, including the
    ones most readers miss: one leading BOM is stripped even when split across
    reads; CR, LF and CRLF all end lines, and a CR at the end of a read ends
    its line at once (no late events); ``\\v``, ``\\f`` and U+2028 are not line
    breaks; exactly one space after the colon is removed; ``retry`` takes only
    ASCII digits (more than 10 of them clamp to :data:`MAX_RETRY`); an ``id``
    containing NUL is ignored; a block without data dispatches nothing;
    invalid UTF-8 becomes U+FFFD and never raises; an event not terminated by
    a blank line when the stream ends is discarded.

    Args:
        max_event_size: the most bytes one event may take: the sum of its
            lines up to the blank line (field names, values and comments; line
            endings not counted). ``None`` for no limit. A larger event raises
            :class:`~streamkit.EventTooLargeError` as soon as the part already
            received passes the limit, so memory stays bounded; whether it
            raises does not depend on how the stream was split into reads.
        dispatch_at_close: make :meth:`close` treat the end of the stream as a
            blank line, so an event whose terminating blank line never came is
            dispatched instead of discarded. Off by default, as the spec
            requires (R12): on a live connection such an event was cut off.
            Turn it on for log files that lost their final newline -- three of
            the public Assistants recordings end that way.
    """

    __slots__ = (
        "_after_cr",
        "_at_start",
        "_block_size",
        "_count",
        "_data",
        "_dispatch_at_close",
        "_event",
        "_failed",
        "_head",
        "_id_buffer",
        "_last_event_id",
        "_limit",
        "_line",
        "_line_check",
        "_line_size",
        "_line_step",
        "_offset",
        "_retry",
        "_retry_in_block",
    )

    def __init__(
        self,
        *,
        max_event_size: int | None = DEFAULT_MAX_EVENT_SIZE,
        dispatch_at_close: bool = False,
    ) -> None:
        if max_event_size is not None and max_event_size < 1:
            msg = f"max_event_size must be a positive number of bytes or None, not {max_event_size}"
            raise ValueError(msg)
        # One comparison on the hot path instead of a None check.
        self._limit: int = max_event_size if max_event_size is not None else 1 << 62
        self._line_step = max(1, min(self._limit // _CHECK_SHARE, _CHECK_MAX))
        self._dispatch_at_close = dispatch_at_close
        # The last-event-ID string and the reconnection time belong to the
        # connection, not to one stream: they survive close() (R8, R9).
        self._last_event_id: str | None = None
        self._retry: int | None = None
        self._count = 0
        self._offset = 0
        self._reset_stream()

    def _reset_stream(self) -> None:
        self._at_start = True  # R2: a BOM may still come
        self._head = b""  # bytes held while they could be the start of a BOM
        self._after_cr = False  # R4: the last byte fed was a CR
        # Pieces of the incomplete last line (coalesced into a bytearray now and then).
        self._line: list[bytes] = []
        self._line_size = 0
        self._line_check = 0  # see _check_line
        self._failed = False
        self._reset_block()
        self._id_buffer: str | None = None

    def _reset_block(self) -> None:
        self._data: list[bytes] = []
        self._block_size = 0  # bytes of the open event's complete lines
        self._event = b""
        self._retry_in_block: int | None = None

    @property
    def last_event_id(self) -> str | None:
        """The last-event-ID string: set at every dispatch, also of a block without data.

        ``None`` until a dispatched block has seen an ``id`` field. This is the
        value to send as ``Last-Event-ID`` when reconnecting.
        """
        return self._last_event_id

    @property
    def retry(self) -> int | None:
        """The reconnection time in milliseconds from the last valid ``retry`` field, or ``None``.

        Set as soon as the field's line is complete, not at dispatch (R9). A
        value of more than 10 digits (leading zeros aside) is clamped to
        :data:`MAX_RETRY`.
        """
        return self._retry

    @property
    def has_partial_event(self) -> bool:
        """Whether part of an event is buffered: data, an event type, a retry, or an unended line.

        Checked before :meth:`close`, it tells whether the stream was cut off
        inside an event (complete comment lines do not count).
        """
        return bool(self._data or self._line or self._event or self._retry_in_block is not None)

    def feed(self, data: bytes | bytearray | memoryview) -> list[ServerSentEvent]:
        """Decode the next read of the stream.

        Args:
            data: the next bytes of the stream, of any length (``b""`` is fine).

        Returns:
            The events completed by these bytes, in stream order.

        Raises:
            EventTooLargeError: a line or an event's data passed
                ``max_event_size``; the events completed before it in this
                read are on the exception's ``events``.
            DecodeError: the decoder failed earlier and was not ``close()``d.
            TypeError: ``data`` is not bytes-like (``str``, ``int``, ``None`` ...).
        """
        if self._failed:
            msg = "the decoder stopped at an earlier error; close() it before feeding a new stream"
            raise DecodeError(msg)
        if type(data) is not bytes:
            data = _as_bytes(data)
        size = len(data)
        if not size:
            return []
        if size > _SLICE:
            return self._feed_slices(data)
        self._offset += size

        if self._at_start:
            # R2: strip one BOM, and only as the first code point of the stream,
            # even when it arrives a byte at a time.
            data = self._head + data
            if len(data) < 3 and _BOM.startswith(data):
                self._head = data
                return []
            self._at_start = False
            self._head = b""
            if data[:3] == _BOM:
                data = data[3:]
                if not data:
                    return []

        if self._after_cr:
            # R4: the CR that ended the previous read already ended its line;
            # an LF right after it is part of the same CRLF.
            self._after_cr = False
            if data[0] == 10:
                data = data[1:]
                if not data:
                    return []
        if b"\r" in data:
            self._after_cr = data[-1] == 13
            data = data.replace(b"\r\n", b"\n").replace(b"\r", b"\n")

        lines = data.split(b"\n")
        limit = self._limit
        if len(lines) == 1:
            # No line ends here: keep the piece; joining waits for the line's end.
            self._line.append(data)
            self._line_size += size
            if self._line_size > self._line_check:
                self._check_line(limit)
            return []

        if self._line:
            self._line.append(lines[0])
            lines[0] = b"".join(self._line)
            self._line = []
        tail = lines.pop()
        # No event completed by this read can be larger than what was held
        # plus the read itself; only when that passes the limit are events
        # measured line by line.
        if self._block_size + self._line_size + len(data) > limit:
            self._check_sizes(lines, limit)

        events = self._process(lines)
        # The open event's size: its lines after the last blank line of this
        # read, or, if the read had none, all of the read on top of before.
        last = len(lines) - 1
        while last >= 0 and lines[last]:
            last -= 1
        if last < 0:
            self._block_size += sum(map(len, lines))
        else:
            self._block_size = sum(map(len, lines[last + 1 :]))
        self._line_size = len(tail)
        self._line_check = 0  # the next piece of the new unended line checks it
        if tail:
            self._line.append(tail)
        held = self._data
        if len(held) > _COALESCE and self._block_size < len(held) * _SMALL:
            _coalesce(held, b"\n")
        if self._block_size + self._line_size > limit:
            self._fail_too_large(events)
        return events

    def _feed_slices(self, data: bytes) -> list[ServerSentEvent]:
        """A large read, fed slice by slice (see _SLICE): the same events, in bounded memory."""
        events: list[ServerSentEvent] = []
        try:
            for start in range(0, len(data), _SLICE):
                events += self.feed(data[start : start + _SLICE])
        except EventTooLargeError as error:
            error.events[:0] = events  # the read's earlier slices' events come first
            raise
        return events

    def _check_line(self, limit: int) -> None:
        """The unended line grew past its check point: the limit, then its pieces."""
        line_size = self._line_size
        room = limit - self._block_size
        if line_size > room:
            self._fail_too_large([])
        pieces = self._line
        if len(pieces) > _COALESCE and line_size < len(pieces) * _SMALL:
            _coalesce(pieces, b"")
        line_check = line_size + self._line_step
        self._line_check = line_check if line_check < room else room

    def _check_sizes(self, lines: list[bytes], limit: int) -> None:
        """Fail at the first event in ``lines`` over the limit, after decoding those before it."""
        size = self._block_size
        for index, line in enumerate(lines):
            if not line:
                size = 0
                continue
            size += len(line)
            if size > limit:
                # The events before the oversized one still count: decode
                # them, then fail with them attached.
                self._fail_too_large(self._process(lines[:index]))

    def _process(self, lines: list[bytes]) -> list[ServerSentEvent]:
        """Interpret complete lines (R5-R11). The hot loop: state lives in locals."""
        out: list[ServerSentEvent] = []
        data = self._data
        event = self._event
        id_buffer = self._id_buffer
        retry_in_block = self._retry_in_block
        for line in lines:
            if not line:
                # R11: an empty line dispatches.
                self._last_event_id = id_buffer
                if data:
                    raw = data[0] if len(data) == 1 else b"\n".join(data)
                    out.append(
                        ServerSentEvent(
                            event.decode("utf-8", "replace") if event else "message",
                            raw.decode("utf-8", "replace"),
                            id_buffer,
                            retry_in_block,
                        )
                    )
                    data = []
                event = b""
                retry_in_block = None
                continue
            # Fast paths for the two lines nearly every event has.
            if line[:6] == b"data: ":
                data.append(line[6:])
                continue
            if line[:7] == b"event: ":
                event = line[7:]
                continue
            # R5: the name is everything before the first colon; the value is
            # the rest, less exactly one leading space; no colon: value "".
            colon = line.find(b":")
            if colon == 0:
                continue  # a comment
            if colon < 0:
                name = line
                value = b""
            else:
                name = line[:colon]
                value = line[colon + 1 :]
                if value[:1] == b" ":
                    value = value[1:]
            if name == b"data":  # R7
                data.append(value)
            elif name == b"event":  # R6
                event = value
            elif name == b"id":  # R8: NUL makes the whole field void
                if b"\x00" not in value:
                    id_buffer = value.decode("utf-8", "replace")
            elif name == b"retry" and value.isdigit():
                # R9: ASCII digits only -- bytes.isdigit, unlike int(), takes no
                # sign, space, underscore or non-ASCII digit.
                retry_in_block = self._retry = _retry_value(value)
            # R10: any other field is ignored.
        self._data = data
        self._event = event
        self._id_buffer = id_buffer
        self._retry_in_block = retry_in_block
        self._count += len(out)
        return out

    def _fail_too_large(self, events: list[ServerSentEvent]) -> NoReturn:
        # `events` were decoded by this read before the oversized event, and
        # are already counted in self._count.
        self._failed = True
        msg = (
            f"event {self._count + 1} is larger than max_event_size={self._limit} bytes "
            f"(stream byte {self._offset})"
        )
        raise EventTooLargeError(msg, limit=self._limit, offset=self._offset, events=list(events))

    def close(self) -> list[ServerSentEvent]:
        """Signal the end of the stream.

        An event whose terminating blank line never came is discarded, with
        any ``id`` inside it (R12) -- unless the decoder was made with
        ``dispatch_at_close=True``, in which case the end of the stream acts
        as a blank line (after the last line, terminated or not) and the
        event is returned. By default this returns ``[]``: a CR at the end of
        a read already ended its line, so ``feed`` has returned every
        complete event.

        The decoder is then ready for a new stream -- a reconnection -- with
        :attr:`last_event_id` and :attr:`retry` kept, as the spec keeps them
        on the connection.

        Raises:
            EventTooLargeError: with ``dispatch_at_close``, the final event
                passed ``max_event_size``.
        """
        events: list[ServerSentEvent] = []
        if self._dispatch_at_close and not self._failed:
            last_line = b"".join(self._line)
            events = self._process([last_line, b""] if last_line else [b""])
        self._reset_stream()
        return events


# Any line break SSE knows: CRLF, CR or LF (R3/R4). A value holding one would end its line early.
_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def encode_sse(
    data: str | None = None,
    *,
    event: str | None = None,
    id: str | None = None,  # the field's name in the format and in ServerSentEvent
    retry: int | None = None,
    comment: str | None = None,
) -> bytes:
    """One Server-Sent Event as UTF-8 bytes, ending with its blank line: the decoder's twin.

    ``SSEDecoder().feed(encode_sse(data, event=e, id=i, retry=r))`` gives back
    ``[ServerSentEvent(e or "message", data, i, r)]`` (line breaks in ``data``
    as LF), and so does a browser's ``EventSource``. A decoded event writes
    itself back with ``encode_sse(**event._asdict())``. (Not to be confused
    with :func:`streamkit.testing.encode_sse`, which frames a list of Responses
    payloads as OpenAI sends them.)

    Args:
        data: the event's data; each line becomes a ``data:`` line (CRLF, CR and LF all
            break lines). ``""`` is an event with empty data; ``None`` writes no data line
            at all: a block that only sets ``id`` or ``retry`` (or carries a comment),
            which readers do not dispatch.
        event: the event type (``event:`` line); None or ``""`` leaves it out (``message``).
        id: the event id, sent back by a reconnecting ``EventSource`` as ``Last-Event-ID``;
            ``""`` resets it.
        retry: the reconnection time the reader should use, in milliseconds.
        comment: a comment (``:`` lines, ignored by readers): a keep-alive, or a note.

    Raises:
        ValueError: ``event`` or ``id`` holds a line break, ``id`` holds NUL (readers
            ignore such an id), or ``retry`` is negative.
        TypeError: ``retry`` is not an ``int``.
        UnicodeEncodeError: a text holds a lone surrogate (no UTF-8 for it).
    """
    lines: list[str] = []
    if comment is not None:
        lines += [f":{' ' if line else ''}{line}" for line in _LINE_BREAK.split(comment)]
    if event:
        if _LINE_BREAK.search(event):
            msg = "an SSE event type cannot hold a line break"
            raise ValueError(msg)
        lines.append(f"event: {event}")
    if id is not None:
        if _LINE_BREAK.search(id) or "\0" in id:
            msg = "an SSE id cannot hold a line break or NUL"
            raise ValueError(msg)
        lines.append(f"id: {id}")
    if retry is not None:
        if retry.__class__ is not int:
            msg = f"retry must be an int of milliseconds, not {type(retry).__name__}"
            raise TypeError(msg)
        if retry < 0:
            msg = "retry must be 0 or more milliseconds"
            raise ValueError(msg)
        lines.append(f"retry: {retry}")
    if data is not None:
        # "data: " then the line: the reader strips that one space only, so a line's own
        # leading space survives.
        lines += [f"data: {line}" for line in _LINE_BREAK.split(data)]
    lines.append("\n")
    return "\n".join(lines).encode("utf-8")
