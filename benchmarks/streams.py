"""Deterministic SSE byte streams shared by the benchmarks.

Everything here is a pure function of its arguments: the same call gives the same bytes on every
machine and Python version (``random.Random`` with a fixed seed; no hashing, no clock).

* :func:`assistants_stream` builds an Assistants-API-like run stream (the methodology of
  ``sse-spec.md`` section 5): ~20 MB of small ``thread.run.step.delta`` / ``thread.message.delta``
  events, a ~50 KB ``thread.message.completed`` every 1000th event, ending with ``data: [DONE]``.
* :func:`large_stream` builds N single-line events whose JSON payload is exactly S bytes.
* :func:`split_reads` cuts bytes into fixed-size reads, as a socket would deliver them.
"""

from __future__ import annotations

import json
import random
import string
from dataclasses import dataclass
from typing import Any

__all__ = [
    "DEFAULT_READ_SIZE",
    "DEFAULT_SEED",
    "DEFAULT_TARGET_BYTES",
    "DONE_EVENT",
    "BlockSplitter",
    "StreamStats",
    "assistants_stream",
    "large_stream",
    "split_reads",
    "stream_stats",
]

DEFAULT_SEED = 1234
DEFAULT_TARGET_BYTES = 20 * 1024 * 1024  # 20,971,520
DEFAULT_READ_SIZE = 16 * 1024
DONE_EVENT = b"event: done\ndata: [DONE]\n\n"

# JSON payload size of the small events, inclusive bounds.
SMALL_JSON_MIN = 135
SMALL_JSON_MAX = 313
# Every COMPLETED_EVERY-th event is a big ``thread.message.completed``.
COMPLETED_EVERY = 1000
COMPLETED_JSON_MIN = 48_000
COMPLETED_JSON_MAX = 52_000

# Words the text is drawn from. Mostly ASCII, plus non-ASCII text (2-, 3- and 4-byte UTF-8) and
# characters that need a JSON escape (quote, backslash, newline, tab). Nothing here is a line
# terminator for SSE once JSON-encoded (no raw CR/LF, no U+2028/U+2029 in the encoded payload).
_ASCII_WORDS = (
    "the",
    "run",
    "step",
    "delta",
    "tool",
    "call",
    "value",
    "result",
    "print",
    "import",
    "def",
    "return",
    "for",
    "in",
    "range",
    "data",
    "frame",
    "x",
    "y",
    "=",
    "+",
    "(",
    ")",
    "[",
    "]",
    "{",
    "}",
    ":",
    ",",
    "0",
    "1",
    "42",
    "3.14",
    "None",
    "True",
    "assistant",
    "user",
    "thread",
    "message",
    "content",
    "annotation",
    "file",
    "search",
    "code",
    "interpreter",
    "function",
    "arguments",
    "output",
    "logs",
    "stream",
    "token",
    "chunk",
    "event",
)
_SPECIAL_WORDS = (
    "é",
    "ü",
    "—",
    "…",
    "日本語",
    "😀",
    "café",
    "naïve",
    "Grüße",
    "—and—",
    "“smart”",
    '"quoted"',
    "\\",
    "C:\\path\\to",
    "line\nbreak",
    "\n",
    "tab\there",
    'a"b',
    '{"k": 1}',
)
# About one word in four is special.
_WORDS = _ASCII_WORDS + _SPECIAL_WORDS


@dataclass(frozen=True)
class StreamStats:
    """Summary of a generated stream (what ``sse-spec.md`` section 5 reports)."""

    total_bytes: int
    events: int
    completed_events: int
    completed_bytes: int
    small_json_min: int
    small_json_max: int
    small_event_median: int


def _encoded_len(text: str) -> int:
    """Bytes ``text`` adds inside a JSON string built with ``ensure_ascii=False``."""
    return len(json.dumps(text, ensure_ascii=False).encode("utf-8")) - 2


_WORD_COST = {w: _encoded_len(w) for w in _WORDS}
_ID_ALPHABET = string.ascii_letters + string.digits


def _dumps(obj: Any) -> bytes:
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _rand_id(rng: random.Random, prefix: str) -> str:
    return prefix + "".join(rng.choices(_ID_ALPHABET, k=24))


def _fill_text(rng: random.Random, budget: int) -> str:
    """Random words whose JSON-encoded size is exactly ``budget`` bytes (``budget >= 0``)."""
    parts: list[str] = []
    used = 0
    words = _WORDS
    cost = _WORD_COST
    while True:
        word = words[rng.randrange(len(words))]
        sep = 1 if parts else 0
        c = cost[word] + sep
        if used + c > budget:
            break
        if sep:
            parts.append(" ")
        parts.append(word)
        used += c
    # Pad with ASCII to hit the budget exactly (at most the longest word's cost).
    parts.append("." * (budget - used))
    return "".join(parts)


def _pick_size(rng: random.Random, base: int, lo: int, hi: int) -> int:
    """A payload size, uniform in ``[lo, hi]``; ``base`` is the size with an empty text.

    A size below ``base`` (a long envelope, e.g. a logs output) becomes ``base`` plus up to 16
    bytes of text: tiny deltas are common in real streams.
    """
    size = rng.randint(lo, hi)
    if size < base:
        size = min(max(hi, base), base + rng.randint(0, 16))
    return size


def _step_delta(rng: random.Random, lo: int, hi: int) -> bytes:
    """A ``thread.run.step.delta`` JSON (tool-call delta) of ``lo``-``hi`` bytes."""
    step_id = _rand_id(rng, "step_")
    variant = rng.randrange(3)
    holder: dict[str, Any]
    key: str
    if variant == 0:  # code interpreter input
        holder = {"input": ""}
        key = "input"
        call: dict[str, Any] = {"index": 0, "type": "code_interpreter", "code_interpreter": holder}
    elif variant == 1:  # function arguments
        holder = {"arguments": ""}
        key = "arguments"
        call = {"index": 0, "type": "function", "function": holder}
    else:  # code interpreter logs output
        holder = {"index": 0, "type": "logs", "logs": ""}
        key = "logs"
        call = {
            "index": 0,
            "type": "code_interpreter",
            "code_interpreter": {"outputs": [holder]},
        }
    obj = {
        "id": step_id,
        "object": "thread.run.step.delta",
        "delta": {"step_details": {"type": "tool_calls", "tool_calls": [call]}},
    }
    base = len(_dumps(obj))
    holder[key] = _fill_text(rng, _pick_size(rng, base, lo, hi) - base)
    return _dumps(obj)


def _message_delta(rng: random.Random, lo: int, hi: int) -> bytes:
    """A ``thread.message.delta`` JSON (text delta) of ``lo``-``hi`` bytes."""
    text: dict[str, Any] = {"value": ""}
    obj = {
        "id": _rand_id(rng, "msg_"),
        "object": "thread.message.delta",
        "delta": {"content": [{"index": 0, "type": "text", "text": text}]},
    }
    base = len(_dumps(obj))
    text["value"] = _fill_text(rng, _pick_size(rng, base, lo, hi) - base)
    return _dumps(obj)


def _message_completed(rng: random.Random, lo: int, hi: int, created_at: int) -> bytes:
    """A full ``thread.message`` snapshot of ``lo``-``hi`` bytes: one long text value."""
    text: dict[str, Any] = {"value": "", "annotations": []}
    obj = {
        "id": _rand_id(rng, "msg_"),
        "object": "thread.message",
        "created_at": created_at,
        "assistant_id": _rand_id(rng, "asst_"),
        "thread_id": _rand_id(rng, "thread_"),
        "run_id": _rand_id(rng, "run_"),
        "status": "completed",
        "incomplete_details": None,
        "incomplete_at": None,
        "completed_at": created_at + 7,
        "role": "assistant",
        "content": [{"type": "text", "text": text}],
        "attachments": [],
        "metadata": {},
    }
    base = len(_dumps(obj))
    text["value"] = _fill_text(rng, _pick_size(rng, base, lo, hi) - base)
    return _dumps(obj)


def _event(name: bytes, payload: bytes) -> bytes:
    return b"event: " + name + b"\ndata: " + payload + b"\n\n"


_STREAM_CACHE: dict[tuple[int, int], bytes] = {}


def assistants_stream(
    target_bytes: int = DEFAULT_TARGET_BYTES, *, seed: int = DEFAULT_SEED
) -> bytes:
    """The Assistants-like run stream (LF endings), deterministic for ``(target_bytes, seed)``.

    Events are appended until the total reaches ``target_bytes`` (the event that crosses it is
    kept), then ``event: done`` / ``data: [DONE]`` ends the stream. Small events alternate between
    ``thread.run.step.delta`` (tool-call deltas: code-interpreter input, function arguments,
    code-interpreter logs) and ``thread.message.delta`` (text deltas), with a JSON payload of
    135-313 bytes; every 1000th event is a ~50 KB ``thread.message.completed``.

    The result is cached per ``(target_bytes, seed)``.
    """
    key = (target_bytes, seed)
    cached = _STREAM_CACHE.get(key)
    if cached is not None:
        return cached
    rng = random.Random(seed)
    parts: list[bytes] = []
    total = 0
    i = 0
    created_at = 1_714_000_000
    while total < target_bytes:
        i += 1
        if i % COMPLETED_EVERY == 0:
            payload = _message_completed(rng, COMPLETED_JSON_MIN, COMPLETED_JSON_MAX, created_at)
            ev = _event(b"thread.message.completed", payload)
        elif i % 2:
            ev = _event(b"thread.run.step.delta", _step_delta(rng, SMALL_JSON_MIN, SMALL_JSON_MAX))
        else:
            payload = _message_delta(rng, SMALL_JSON_MIN, SMALL_JSON_MAX)
            ev = _event(b"thread.message.delta", payload)
        created_at += 1
        parts.append(ev)
        total += len(ev)
    parts.append(DONE_EVENT)
    data = b"".join(parts)
    _STREAM_CACHE[key] = data
    return data


def large_stream(count: int = 4, size: int = 2 * 1024 * 1024) -> bytes:
    """``count`` single-line events ``data: {"x":"aaaa…"}``; each JSON payload is ``size`` bytes.

    Each event is ``size + 8`` bytes on the wire (``data: `` plus ``\\n\\n``). ``size >= 8``.
    """
    if size < 8:
        raise ValueError("size must be >= 8")
    payload = b'{"x":"' + b"a" * (size - 8) + b'"}'
    event = b"data: " + payload + b"\n\n"
    return event * count


def split_reads(data: bytes, size: int = DEFAULT_READ_SIZE) -> list[bytes]:
    """Cut ``data`` into reads of ``size`` bytes (the last one may be shorter)."""
    if size <= 0:
        raise ValueError("size must be positive")
    if size == 1:
        return [data[i : i + 1] for i in range(len(data))]
    return [data[i : i + size] for i in range(0, len(data), size)]


def stream_stats(data: bytes) -> StreamStats:
    """Count events and sizes of an LF-only stream made of ``event:``/``data:`` blocks."""
    blocks = [b for b in data.split(b"\n\n") if b]
    small_json: list[int] = []
    small_events: list[int] = []
    completed = 0
    completed_bytes = 0
    for block in blocks:
        head, _, rest = block.partition(b"\n")
        payload = rest[len(b"data: ") :]
        if head == b"event: thread.message.completed":
            completed += 1
            completed_bytes += len(block) + 2
        elif head != b"event: done":
            small_json.append(len(payload))
            small_events.append(len(block) + 2)
    small_events.sort()
    return StreamStats(
        total_bytes=len(data),
        events=len(blocks),
        completed_events=completed,
        completed_bytes=completed_bytes,
        small_json_min=min(small_json, default=0),
        small_json_max=max(small_json, default=0),
        small_event_median=small_events[len(small_events) // 2] if small_events else 0,
    )


class BlockSplitter:
    """Complete ``\\n\\n``-terminated blocks out of reads, linear in the input size.

    Reads that cannot end a block are appended to a list; the list is joined once, when a read
    ends the block (never ``tail + chunk`` re-split on every read, which is quadratic).
    """

    __slots__ = ("_pending",)

    def __init__(self) -> None:
        self._pending: list[bytes] = []

    def feed(self, chunk: bytes) -> list[bytes]:
        pending = self._pending
        if b"\n\n" not in chunk and not (
            pending and chunk[:1] == b"\n" and pending[-1][-1:] == b"\n"
        ):
            if chunk:
                pending.append(chunk)
            return []
        if pending:
            pending.append(chunk)
            chunk = b"".join(pending)
        blocks = chunk.split(b"\n\n")
        tail = blocks.pop()
        self._pending = [tail] if tail else []
        return blocks
