"""A deliberately naive reference model of the WHATWG event-stream rules.

It decodes the whole stream at once and walks it one character at a time,
following the spec's algorithm step by step with no attempt at speed. The
property tests check that streamkit's decoder -- bytes-level, incremental,
optimised -- agrees with it on generated streams.

State names follow the spec; ``None`` stands for a last-event-ID buffer that no
``id`` field has set yet (streamkit's representation of the initial "").
"""

from __future__ import annotations

from streamkit import ServerSentEvent


def reference_decode(
    stream: bytes, *, dispatch_at_close: bool = False
) -> tuple[list[ServerSentEvent], str | None, int | None]:
    """Decode a complete stream; return (events, last_event_id, retry)."""
    text = stream.decode("utf-8", "replace")
    if text.startswith("\ufeff"):
        text = text[1:]

    # Split into lines on CRLF, CR or LF only; keep whether the last line ended.
    lines: list[str] = []
    current: list[str] = []
    position = 0
    while position < len(text):
        char = text[position]
        if char == "\r":
            lines.append("".join(current))
            current = []
            if position + 1 < len(text) and text[position + 1] == "\n":
                position += 1
        elif char == "\n":
            lines.append("".join(current))
            current = []
        else:
            current.append(char)
        position += 1
    unterminated = "".join(current)

    events: list[ServerSentEvent] = []
    data = ""
    event_type = ""
    id_buffer: str | None = None
    last_event_id: str | None = None
    retry: int | None = None
    retry_in_block: int | None = None

    def dispatch() -> None:
        nonlocal data, event_type, last_event_id, retry_in_block
        last_event_id = id_buffer
        if data == "":
            event_type = ""
            retry_in_block = None
            return
        if data.endswith("\n"):
            data = data[:-1]
        events.append(ServerSentEvent(event_type or "message", data, id_buffer, retry_in_block))
        data = ""
        event_type = ""
        retry_in_block = None

    def process(line: str) -> None:
        nonlocal data, event_type, id_buffer, retry, retry_in_block
        if line == "":
            dispatch()
            return
        if line.startswith(":"):
            return
        if ":" in line:
            name, _, value = line.partition(":")
            if value.startswith(" "):
                value = value[1:]
        else:
            name, value = line, ""
        if name == "event":
            event_type = value
        elif name == "data":
            data += value + "\n"
        elif name == "id":
            if "\x00" not in value:
                id_buffer = value
        elif name == "retry" and value != "" and all(c in "0123456789" for c in value):
            # streamkit clamps values of more than 10 digits (sse.MAX_RETRY).
            retry = retry_in_block = min(int(value), 9_999_999_999)

    for line in lines:
        process(line)
    if dispatch_at_close:
        if unterminated:
            process(unterminated)
        process("")
    return events, last_event_id, retry
