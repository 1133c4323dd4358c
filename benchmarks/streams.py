"""Deterministic SSE byte streams shared by the benchmarks.

Everything here is a pure function of its arguments: the same call gives the same bytes on every
machine and Python version (``random.Random`` with a fixed seed; no hashing, no clock). The events
are made with the wire pieces of :mod:`streamkit.testing` (compact JSON, delta envelopes, whole
messages, SSE encoding); what is this module's own is sizing each payload to the byte.

* :func:`assistants_stream` builds an Assistants-API-like run stream (the methodology of
  ``sse-spec.md`` section 5): ~20 MB of small ``thread.run.step.delta`` / ``thread.message.delta``
  events, a ~50 KB ``thread.message.completed`` every 1000th event, ending with ``data: [DONE]``.
* :func:`responses_stream` builds a Responses-API stream (a reasoning summary, a code-interpreter
  call, a function call, an answer) with about N deltas, with the Responses stream builders
  (:func:`streamkit.testing.response_events`).
* :func:`large_stream` builds N single-line events whose JSON payload is exactly S bytes.
* :func:`split_reads` cuts bytes into fixed-size reads, as a socket would deliver them.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any

from streamkit.testing import (
    DONE,
    code_interpreter_call_item,
    code_interpreter_logs,
    dumps,
    encode,
    encode_sse,
    event,
    function_call_item,
    message_delta,
    message_item,
    message_object,
    output_text_part,
    random_id,
    reasoning_item,
    response,
    response_events,
    response_usage,
    step_delta,
    url_citation,
)

__all__ = [
    "DEFAULT_READ_SIZE",
    "DEFAULT_SEED",
    "DEFAULT_TARGET_BYTES",
    "DONE_EVENT",
    "BlockSplitter",
    "ResponsesStream",
    "StreamStats",
    "assistants_stream",
    "large_stream",
    "responses_stream",
    "split_reads",
    "stream_stats",
]

DEFAULT_SEED = 1234
DEFAULT_TARGET_BYTES = 20 * 1024 * 1024  # 20,971,520
DEFAULT_READ_SIZE = 16 * 1024
DONE_EVENT = encode([DONE])  # b"event: done\ndata: [DONE]\n\n"

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


def _size(value: Any) -> int:
    """Bytes of ``value`` as the wire JSON of an event's data."""
    return len(dumps(value).encode("utf-8"))


def _encoded_len(text: str) -> int:
    """Bytes ``text`` adds inside a JSON string built with ``ensure_ascii=False``."""
    return _size(text) - 2


_WORD_COST = {w: _encoded_len(w) for w in _WORDS}


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


def _step_delta(rng: random.Random, lo: int, hi: int) -> dict[str, Any]:
    """A ``thread.run.step.delta`` data (tool-call delta) of ``lo``-``hi`` bytes of JSON."""
    step_id = random_id(rng, "step_")
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
    obj = step_delta(step_id, [call])
    base = _size(obj)
    holder[key] = _fill_text(rng, _pick_size(rng, base, lo, hi) - base)
    return obj


def _message_delta(rng: random.Random, lo: int, hi: int) -> dict[str, Any]:
    """A ``thread.message.delta`` data (text delta) of ``lo``-``hi`` bytes of JSON."""
    text: dict[str, Any] = {"value": ""}
    obj = message_delta(random_id(rng, "msg_"), [{"index": 0, "type": "text", "text": text}])
    base = _size(obj)
    text["value"] = _fill_text(rng, _pick_size(rng, base, lo, hi) - base)
    return obj


def _message_completed(rng: random.Random, lo: int, hi: int, created_at: int) -> dict[str, Any]:
    """A full ``thread.message`` snapshot of ``lo``-``hi`` bytes of JSON: one long text value."""
    text: dict[str, Any] = {"value": "", "annotations": []}
    # Drawn in this order, as ever: the ids are part of the stream's bytes.
    message_id = random_id(rng, "msg_")
    assistant_id = random_id(rng, "asst_")
    thread_id = random_id(rng, "thread_")
    run_id = random_id(rng, "run_")
    obj = message_object(
        message_id,
        status="completed",
        content=[{"type": "text", "text": text}],
        thread_id=thread_id,
        assistant_id=assistant_id,
        run_id=run_id,
        created_at=created_at,
        completed_at=created_at + 7,
    )
    base = _size(obj)
    text["value"] = _fill_text(rng, _pick_size(rng, base, lo, hi) - base)
    return obj


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
            data = _message_completed(rng, COMPLETED_JSON_MIN, COMPLETED_JSON_MAX, created_at)
            ev = encode([event("thread.message.completed", data)])
        elif i % 2:
            data = _step_delta(rng, SMALL_JSON_MIN, SMALL_JSON_MAX)
            ev = encode([event("thread.run.step.delta", data)])
        else:
            data = _message_delta(rng, SMALL_JSON_MIN, SMALL_JSON_MAX)
            ev = encode([event("thread.message.delta", data)])
        created_at += 1
        parts.append(ev)
        total += len(ev)
    parts.append(DONE_EVENT)
    stream = b"".join(parts)
    _STREAM_CACHE[key] = stream
    return stream


def large_stream(count: int = 4, size: int = 2 * 1024 * 1024) -> bytes:
    """``count`` single-line events ``data: {"x":"aaaa…"}``; each JSON payload is ``size`` bytes.

    Each event is ``size + 8`` bytes on the wire (``data: `` plus ``\\n\\n``). ``size >= 8``.
    """
    if size < 8:
        raise ValueError("size must be >= 8")
    # Bare `data:` blocks, not encode(): it always writes an `event:` line, and these are sized.
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


# --- A Responses-API stream ----------------------------------------------------------------------

# Fragments of the Responses stream, in characters (as in bench_accumulate: 2-12).
RESPONSES_FRAGMENT_MIN = 2
RESPONSES_FRAGMENT_MAX = 12
# How the deltas are shared out: reasoning summary, code, function arguments, answer text.
_RESPONSES_SHARES = (0.15, 0.35, 0.10, 0.40)
_CODE_NAMES = ("df", "rows", "total", "mean", "x", "y", "fig", "ax", "path", "score", "window")
_CODE_CALLS = ("np.mean", "len", "sorted", "sum", "round", "max", "pd.read_csv", "np.linspace")


@dataclass(frozen=True)
class ResponsesStream:
    """A generated Responses stream and what it must accumulate to.

    ``deltas`` is the number of ``*.delta`` events (the target is approximate: fragments are
    drawn); ``final`` the Response its ``response.completed`` carries (wire JSON).
    """

    deltas: int
    data: bytes
    events: int
    final: dict[str, Any]


def _prose(rng: random.Random, chars: int) -> str:
    """About ``chars`` characters of words (non-ASCII and JSON escapes included)."""
    parts: list[str] = []
    size = 0
    while size < chars:
        word = _WORDS[rng.randrange(len(_WORDS))]
        parts.append(word)
        size += len(word) + 1
    return " ".join(parts)[:chars]


def _code(rng: random.Random, chars: int) -> str:
    """About ``chars`` characters of plausible Python (quotes, braces, newlines)."""
    lines: list[str] = []
    size = 0
    while size < chars:
        a, b = rng.choice(_CODE_NAMES), rng.choice(_CODE_NAMES)
        n = rng.randint(0, 999)
        kind = rng.randrange(4)
        if kind == 0:
            line = f"{a} = {rng.choice(_CODE_CALLS)}({b})\n"
        elif kind == 1:
            line = f'print(f"{a}: {{{a}:.3f}}, {b}={{{b}}}")\n'
        elif kind == 2:
            line = f"for i in range({n}):\n    {a}[i] = {b}[i] * {rng.randint(2, 9)}\n"
        else:
            line = f'{a} = {b}["{rng.choice(_CODE_NAMES)}"].fillna({n})\n'
        lines.append(line)
        size += len(line)
    return "".join(lines)[:chars]


def _arguments(rng: random.Random, chars: int) -> str:
    """A JSON object of about ``chars`` characters, as function-call arguments."""
    values: dict[str, Any] = {}
    size = 2
    while size < chars:
        key = f"{rng.choice(_CODE_NAMES)}_{len(values)}"
        value: Any = rng.choice((rng.randint(0, 10**6), _prose(rng, rng.randint(4, 24)), True))
        values[key] = value
        size += len(dumps({key: value}))
    return dumps(values)


_RESPONSES_CACHE: dict[tuple[int, int], ResponsesStream] = {}


def responses_stream(deltas: int, *, seed: int = DEFAULT_SEED) -> ResponsesStream:
    """A Responses stream with about ``deltas`` delta events, deterministic for the arguments.

    One response, four items: a reasoning item whose two summary parts stream (15% of the
    deltas), a code-interpreter call whose ``code`` streams (35%), a function call whose
    ``arguments`` stream (10%), and the answer, an ``output_text`` with a URL citation (40%);
    usage on ``response.completed``. Fragments of 2-12 characters, with the ``obfuscation``
    padding OpenAI adds to deltas, sequence numbers, OpenAI's framing (``event:`` lines). Made
    by :func:`streamkit.testing.response_events`; cached per ``(deltas, seed)``.
    """
    key = (deltas, seed)
    cached = _RESPONSES_CACHE.get(key)
    if cached is not None:
        return cached
    rng = random.Random(seed)
    mean = (RESPONSES_FRAGMENT_MIN + RESPONSES_FRAGMENT_MAX) / 2
    summary_chars, code_chars, args_chars, text_chars = (
        max(1, round(deltas * share * mean)) for share in _RESPONSES_SHARES
    )
    half = summary_chars // 2
    answer = _prose(rng, text_chars)
    cited = min(len(answer), 40)
    output = [
        reasoning_item(
            random_id(rng, "rs_", 48),
            summary=[_prose(rng, half), _prose(rng, summary_chars - half)],
            encrypted_content="gAAAAAB" + random_id(rng, "", 400),
        ),
        code_interpreter_call_item(
            random_id(rng, "ci_", 48),
            code=_code(rng, code_chars),
            container_id=random_id(rng, "cntr_", 48),
            outputs=[code_interpreter_logs(_prose(rng, 80))],
        ),
        function_call_item(
            random_id(rng, "fc_", 48),
            call_id=random_id(rng, "call_"),
            name="save_report",
            arguments=_arguments(rng, args_chars),
        ),
        message_item(
            random_id(rng, "msg_", 48),
            [
                output_text_part(
                    answer,
                    annotations=[
                        url_citation(
                            "https://example.com/report",
                            "The report",
                            start_index=0,
                            end_index=cited,
                        )
                    ],
                )
            ],
        ),
    ]
    final = response(
        random_id(rng, "resp_", 48),
        output,
        completed_at=1_735_732_860,
        usage=response_usage(1_454, deltas, cached_tokens=1_024, reasoning_tokens=deltas // 7),
    )
    events = response_events(
        final,
        rng=rng,
        min_fragment=RESPONSES_FRAGMENT_MIN,
        max_fragment=RESPONSES_FRAGMENT_MAX,
        obfuscation=True,
    )
    stream = ResponsesStream(
        deltas=sum(1 for e in events if str(e["type"]).endswith(".delta")),
        data=encode_sse(events),
        events=len(events),
        final=final,
    )
    _RESPONSES_CACHE[key] = stream
    return stream
