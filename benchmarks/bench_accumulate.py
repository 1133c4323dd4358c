"""End-to-end benchmark: SSE bytes to final Run / RunStep / Message snapshots.

Usage::

    python benchmarks/bench_accumulate.py [--repeat 3] [--sizes 1000,10000,160000]
                                          [--json FILE] [--quick]

Three readers consume the same list of 16 KiB reads of one run stream, side by side:

* ``streamkit``: ``SSEDecoder().feed`` per read, every event to ``Accumulator().feed``, then the
  final snapshots are read (``run_steps``, ``messages``, ``final_run``);
* ``openai``: openai-python's own helper, ``client.beta.threads.runs.stream(...)`` with
  ``until_done()``, ``get_final_run_steps()``, ``get_final_messages()`` and ``get_final_run()``,
  on a client whose HTTP transport is a mock returning the reads;
* ``floor``: a pure-Python lower bound: ``bytes.split(b"\\n\\n")`` with a list buffer, the
  ``event``/``data`` fields, and ``json.loads`` of every payload except ``[DONE]``.

Each stream is one realistic run whose bulk is N ``thread.run.step.delta`` events streaming
one code-interpreter call's ``input`` in fragments of 2-12 characters (N = 1,000, 10,000 and
160,000 by default). Timing uses ``time.perf_counter``: one warm-up, then the median of
``--repeat`` runs; the garbage collector stays enabled.

Before anything is timed, streamkit's and openai's final tool-call input must equal the
expected text, or the run aborts (exit status 3).
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import random
import statistics
import string
import subprocess
import sys
import time
import warnings
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import httpx2
import openai
from openai.types.beta.threads.runs import CodeInterpreterToolCall, ToolCallsStepDetails

from streamkit import Accumulator, SSEDecoder

sys.path.insert(0, str(Path(__file__).resolve().parent))
from report import cpu_model, markdown_table, repeat_arg, sizes_arg, version
from streams import BlockSplitter

from streamkit import models as sk

TIMES = "\u00d7"  # multiplication sign, for ratios
MU = "\u00b5"  # micro sign
KiB = 1024
READ_SIZE = 16 * KiB
SEED = 1234
DEFAULT_SIZES = (1_000, 10_000, 160_000)
QUICK_SIZES = (1_000, 10_000)
FRAGMENT_MIN = 2
FRAGMENT_MAX = 12
# openai: one timed run (instead of the median of --repeat) once a run takes longer than this.
ONE_RUN_S = 30.0
# openai: a size is skipped if one run is projected (from the smaller sizes) to take longer.
SKIP_S = 300.0
FLOOR_TARGET = 2.5

Chunks = Sequence[bytes]

# --------------------------------------------------------------------------------------------
# The stream: one run, a code-interpreter step streamed in N deltas, a short message.
# The objects follow the wire shape of the bundled recordings (streamkit/recordings).
# --------------------------------------------------------------------------------------------

_ID_ALPHABET = string.ascii_letters + string.digits
_NAMES = (
    "df",
    "data",
    "rows",
    "total",
    "mean",
    "result",
    "values",
    "counts",
    "x",
    "y",
    "fig",
    "ax",
    "path",
    "score",
    "items",
    "window",
)
_CALLS = (
    "np.mean",
    "np.sqrt",
    "len",
    "sorted",
    "sum",
    "pd.read_csv",
    "round",
    "max",
    "min",
    "df.groupby",
    "np.linspace",
)


def _rand_id(rng: random.Random, prefix: str) -> str:
    return prefix + "".join(rng.choices(_ID_ALPHABET, k=24))


def _code_line(rng: random.Random) -> str:
    """One line of plausible Python (quotes, braces and newlines need JSON escapes)."""
    a, b = rng.choice(_NAMES), rng.choice(_NAMES)
    n = rng.randint(0, 999)
    kind = rng.randrange(7)
    if kind == 0:
        return f"{a} = {rng.choice(_CALLS)}({b})\n"
    if kind == 1:
        return f'print(f"{a}: {{{a}:.3f}}, {b}={{{b}}}")\n'
    if kind == 2:
        return f"for i in range({n}):\n    {a}[i] = {b}[i] * {rng.randint(2, 9)} + {n}\n"
    if kind == 3:
        return f'{a} = {b}["{rng.choice(_NAMES)}"].fillna({n}).astype("float64")\n'
    if kind == 4:
        return f"if {a} > {n} and not {b}:\n    {a} -= {rng.randint(1, 50)}\n"
    if kind == 5:
        return f"\n# step {n}: {rng.choice(_NAMES)} \\ {rng.choice(_NAMES)}\n"
    return f"{a} = [{b}[k] for k in range({n}) if k % {rng.randint(2, 7)} == 0]\n"


def code_fragments(rng: random.Random, count: int) -> list[str]:
    """``count`` fragments of 2-12 characters of a Python script, in order."""
    parts: list[str] = []
    size = 0
    need = count * FRAGMENT_MAX
    while size < need:
        line = _code_line(rng)
        parts.append(line)
        size += len(line)
    code = "".join(parts)
    out: list[str] = []
    pos = 0
    for _ in range(count):
        n = rng.randint(FRAGMENT_MIN, FRAGMENT_MAX)
        out.append(code[pos : pos + n])
        pos += n
    return out


def _dumps(obj: Any) -> bytes:
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _event(name: str, obj: Any) -> bytes:
    return b"event: " + name.encode() + b"\ndata: " + _dumps(obj) + b"\n\n"


@dataclass(frozen=True)
class Stream:
    """A generated run stream and what its final snapshots must hold."""

    deltas: int
    data: bytes
    events: int
    step_id: str
    message_id: str
    expected_input: str
    expected_text: str

    @property
    def reads(self) -> list[bytes]:
        return [self.data[i : i + READ_SIZE] for i in range(0, len(self.data), READ_SIZE)]


def build_stream(deltas: int, seed: int = SEED) -> Stream:
    """The run stream with ``deltas`` code-interpreter ``thread.run.step.delta`` events.

    ``thread.run.created``/``queued``/``in_progress``; a ``tool_calls`` step (created,
    in_progress, ``deltas`` deltas, completed) with one code-interpreter call whose ``input``
    streams in fragments of 2-12 characters; a ``message_creation`` step (created, in_progress)
    with its message (created, in_progress, a few text deltas, completed), the step completed;
    ``thread.run.completed``; ``done``. Deterministic for ``(deltas, seed)``.
    """
    rng = random.Random(seed)
    thread_id = _rand_id(rng, "thread_")
    run_id = _rand_id(rng, "run_")
    assistant_id = _rand_id(rng, "asst_")
    step_id = _rand_id(rng, "step_")
    call_id = _rand_id(rng, "call_")
    msg_step_id = _rand_id(rng, "step_")
    message_id = _rand_id(rng, "msg_")
    t0 = 1_735_732_800
    fragments = code_fragments(rng, deltas)
    code = "".join(fragments)
    text = (
        f"I ran the script: it processed {rng.randint(100, 9999)} rows and saved the "
        f"summary. The mean score is {rng.random():.3f} \u2014 see the logs above."
    )
    text_parts = [text[i : i + 11] for i in range(0, len(text), 11)]

    def run(status: str, **extra: Any) -> dict[str, Any]:
        obj: dict[str, Any] = {
            "id": run_id,
            "object": "thread.run",
            "created_at": t0,
            "assistant_id": assistant_id,
            "thread_id": thread_id,
            "status": status,
            "started_at": None if status == "queued" else t0 + 1,
            "expires_at": None if status == "completed" else t0 + 600,
            "cancelled_at": None,
            "failed_at": None,
            "completed_at": None,
            "required_action": None,
            "last_error": None,
            "model": "gpt-4o",
            "instructions": "You are a data analyst. Write and run Python to answer.",
            "tools": [{"type": "code_interpreter"}],
            "tool_resources": {"code_interpreter": {"file_ids": []}},
            "metadata": {},
            "temperature": 1.0,
            "top_p": 1.0,
            "max_completion_tokens": None,
            "max_prompt_tokens": None,
            "truncation_strategy": {"type": "auto", "last_messages": None},
            "incomplete_details": None,
            "usage": None,
            "response_format": "auto",
            "tool_choice": "auto",
            "parallel_tool_calls": True,
        }
        obj.update(extra)
        return obj

    def step(
        sid: str, details: dict[str, Any], done: bool, created_at: int, tokens: int
    ) -> dict[str, Any]:
        return {
            "id": sid,
            "object": "thread.run.step",
            "created_at": created_at,
            "run_id": run_id,
            "assistant_id": assistant_id,
            "thread_id": thread_id,
            "type": details["type"],
            "status": "completed" if done else "in_progress",
            "cancelled_at": None,
            "completed_at": created_at + 3 if done else None,
            "expires_at": None if done else t0 + 600,
            "failed_at": None,
            "last_error": None,
            "step_details": details,
            "usage": (
                {"prompt_tokens": 412, "completion_tokens": tokens, "total_tokens": 412 + tokens}
                if done
                else None
            ),
        }

    def message(done: bool, content: list[Any]) -> dict[str, Any]:
        return {
            "id": message_id,
            "object": "thread.message",
            "created_at": t0 + 5,
            "assistant_id": assistant_id,
            "thread_id": thread_id,
            "run_id": run_id,
            "status": "completed" if done else "in_progress",
            "incomplete_details": None,
            "incomplete_at": None,
            "completed_at": t0 + 6 if done else None,
            "role": "assistant",
            "content": content,
            "attachments": [],
            "metadata": {},
        }

    parts = [
        _event("thread.run.created", run("queued")),
        _event("thread.run.queued", run("queued")),
        _event("thread.run.in_progress", run("in_progress")),
    ]
    open_tools = step(step_id, {"type": "tool_calls", "tool_calls": []}, False, t0 + 2, 0)
    parts.append(_event("thread.run.step.created", open_tools))
    parts.append(_event("thread.run.step.in_progress", open_tools))
    for i, fragment in enumerate(fragments):
        entry: dict[str, Any] = {"index": 0}
        if i == 0:
            entry["id"] = call_id
            entry["type"] = "code_interpreter"
            entry["code_interpreter"] = {"input": fragment, "outputs": []}
        else:
            entry["type"] = "code_interpreter"
            entry["code_interpreter"] = {"input": fragment}
        delta = {"step_details": {"type": "tool_calls", "tool_calls": [entry]}}
        parts.append(
            _event(
                "thread.run.step.delta",
                {"id": step_id, "object": "thread.run.step.delta", "delta": delta},
            )
        )
    call = {
        "id": call_id,
        "type": "code_interpreter",
        "code_interpreter": {"input": code, "outputs": []},
    }
    parts.append(
        _event(
            "thread.run.step.completed",
            step(step_id, {"type": "tool_calls", "tool_calls": [call]}, True, t0 + 2, deltas),
        )
    )
    creation = {"type": "message_creation", "message_creation": {"message_id": message_id}}
    parts.append(_event("thread.run.step.created", step(msg_step_id, creation, False, t0 + 5, 0)))
    parts.append(
        _event("thread.run.step.in_progress", step(msg_step_id, creation, False, t0 + 5, 0))
    )
    parts.append(_event("thread.message.created", message(False, [])))
    parts.append(_event("thread.message.in_progress", message(False, [])))
    for i, part in enumerate(text_parts):
        block: dict[str, Any] = {"index": 0, "type": "text", "text": {"value": part}}
        if i == 0:
            block["text"]["annotations"] = []
        parts.append(
            _event(
                "thread.message.delta",
                {"id": message_id, "object": "thread.message.delta", "delta": {"content": [block]}},
            )
        )
    final_block = {"type": "text", "text": {"value": text, "annotations": []}}
    parts.append(_event("thread.message.completed", message(True, [final_block])))
    parts.append(_event("thread.run.step.completed", step(msg_step_id, creation, True, t0 + 5, 40)))
    usage = {"prompt_tokens": 1454, "completion_tokens": deltas + 40, "total_tokens": 0}
    usage["total_tokens"] = usage["prompt_tokens"] + usage["completion_tokens"]
    parts.append(_event("thread.run.completed", run("completed", completed_at=t0 + 7, usage=usage)))
    parts.append(b"event: done\ndata: [DONE]\n\n")
    return Stream(
        deltas=deltas,
        data=b"".join(parts),
        events=len(parts),
        step_id=step_id,
        message_id=message_id,
        expected_input=code,
        expected_text=text,
    )


# --------------------------------------------------------------------------------------------
# Readers. Each takes the reads and returns what it ended with; the result is what the
# correctness check inspects, and reading it is part of the timed work.
# --------------------------------------------------------------------------------------------


@dataclass
class Final:
    """The final snapshots a reader produced, as the library's own types.

    ``events`` is the number of SSE events seen (0 for openai, whose helper does not say).
    """

    steps: list[Any]
    messages: list[Any]
    run: Any
    events: int = 0


def read_streamkit(chunks: Chunks) -> Final:
    decoder = SSEDecoder()
    acc = Accumulator()
    decode = decoder.feed
    feed = acc.feed
    n = 0
    for chunk in chunks:
        for event in decode(chunk):
            feed(event)
            n += 1
    for event in decoder.close():
        feed(event)
        n += 1
    return Final(list(acc.run_steps.values()), list(acc.messages.values()), acc.final_run, n)


_HEADERS = {"content-type": "text/event-stream"}


def make_openai_client(chunks: Chunks, transport: str = "httpx2") -> openai.OpenAI:
    """An ``openai.OpenAI`` whose HTTP client answers every request with ``chunks``.

    openai 3.x builds on httpx2 (``openai._httpx2``; ``SyncAPIClient`` sends ``httpx2.Request``
    through ``http_client.send``), so its native mock is ``httpx2.MockTransport``. A legacy
    ``httpx.Client`` is accepted too (``transport="httpx"``): the SDK builds the request with
    ``http_client.build_request`` either way.
    """
    lib: Any
    if transport == "httpx2":
        lib = httpx2
    else:
        import httpx

        lib = httpx

    def handler(request: Any) -> Any:
        return lib.Response(200, headers=_HEADERS, content=iter(chunks))

    return openai.OpenAI(
        api_key="x",
        base_url="http://test",
        http_client=lib.Client(transport=lib.MockTransport(handler)),
    )


def read_openai(client: openai.OpenAI) -> Final:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        manager = client.beta.threads.runs.stream(thread_id="thread_x", assistant_id="asst_x")
    with manager as stream:
        stream.until_done()
        try:
            steps = stream.get_final_run_steps()
        except RuntimeError:
            steps = []
        try:
            messages = stream.get_final_messages()
        except RuntimeError:
            messages = []
        try:
            run = stream.get_final_run()
        except RuntimeError:
            run = None
    return Final(steps, messages, run)


def read_floor(chunks: Chunks) -> Final:
    """Split events + ``json.loads`` of every payload (the floor+json of ``bench_sse.py``)."""
    loads = json.loads
    splitter = BlockSplitter()
    feed = splitter.feed
    n = 0
    last: Any = None
    for chunk in chunks:
        for block in feed(chunk):
            event: bytes | None = None
            lines: list[bytes] = []
            for line in block.split(b"\n"):
                name, _, value = line.partition(b":")
                if value[:1] == b" ":
                    value = value[1:]
                if name == b"data":
                    lines.append(value)
                elif name == b"event":
                    event = value
            if not lines:
                continue
            data = lines[0].decode() if len(lines) == 1 else b"\n".join(lines).decode()
            _name = "message" if not event else event.decode()
            if data != "[DONE]":
                last = loads(data)
            n += 1
    return Final([], [], last, n)


# --------------------------------------------------------------------------------------------
# Correctness
# --------------------------------------------------------------------------------------------


class CheckFailed(Exception):
    pass


def _sk_input(step: sk.RunStep) -> str:
    details = step.step_details
    if not isinstance(details, sk.ToolCallsStepDetails):
        raise CheckFailed(f"streamkit: step {step.id} is {details.type}, not tool_calls")
    call = details.tool_calls[0]
    if not isinstance(call, sk.CodeInterpreterToolCall):
        raise CheckFailed(f"streamkit: tool call is {call.type}, not code_interpreter")
    return call.code_interpreter.input


def _first_diff(a: str, b: str) -> str:
    i = next((k for k in range(min(len(a), len(b))) if a[k] != b[k]), min(len(a), len(b)))
    return f"lengths {len(a):,} vs {len(b):,}, first difference at character {i:,}"


def check_streamkit(stream: Stream, chunks: Chunks) -> None:
    """streamkit's final input equals the expected text, built from the deltas alone too.

    The step's terminal event carries the whole input (the terminal object wins), so the
    snapshot is also read just before it: the deltas alone must have built the same text.
    """
    decoder = SSEDecoder()
    acc = Accumulator()
    before_terminal: str | None = None
    for chunk in [*chunks, None]:
        events = decoder.feed(chunk) if chunk is not None else decoder.close()
        for event in events:
            if event.event == "thread.run.step.completed" and before_terminal is None:
                before_terminal = _sk_input(acc.run_steps[stream.step_id])
            acc.feed(event)
    if acc.anomalies:
        raise CheckFailed(f"streamkit: anomalies {acc.anomalies[:3]}")
    if before_terminal != stream.expected_input:
        raise CheckFailed(
            "streamkit: input built from the deltas differs from the expected text: "
            + _first_diff(before_terminal or "", stream.expected_input)
        )
    final = read_streamkit(chunks)
    got = _sk_input(final.steps[0])
    if got != stream.expected_input:
        raise CheckFailed(
            "streamkit: final input differs from the expected text: "
            + _first_diff(got, stream.expected_input)
        )
    if final.events != stream.events:
        raise CheckFailed(f"streamkit: {final.events} events, expected {stream.events}")
    if len(final.steps) != 2 or len(final.messages) != 1 or final.run is None:
        raise CheckFailed(
            f"streamkit: {len(final.steps)} steps, {len(final.messages)} messages, "
            f"final run {final.run!r:.40}"
        )
    block = final.messages[0].content[0]
    if not isinstance(block, sk.TextContentBlock) or block.text.value != stream.expected_text:
        raise CheckFailed("streamkit: final message text differs from the expected text")
    if final.run.status != "completed":
        raise CheckFailed(f"streamkit: final run status {final.run.status}")


def openai_input(final: Final) -> str:
    if not final.steps:
        raise CheckFailed("openai: no run steps")
    details = final.steps[0].step_details
    if not isinstance(details, ToolCallsStepDetails) or not details.tool_calls:
        raise CheckFailed(f"openai: first step has {details.type}, no tool call")
    call = details.tool_calls[0]
    if not isinstance(call, CodeInterpreterToolCall):
        raise CheckFailed(f"openai: tool call is {call.type}, not code_interpreter")
    return call.code_interpreter.input


def check_openai(stream: Stream, final: Final, label: str = "openai") -> None:
    got = openai_input(final)
    if got != stream.expected_input:
        raise CheckFailed(
            f"{label}: final input differs from streamkit's / the expected text: "
            + _first_diff(got, stream.expected_input)
        )
    if len(final.messages) != 1 or final.run is None or final.run.status != "completed":
        raise CheckFailed(f"{label}: {len(final.messages)} messages, run {final.run!r:.40}")


def check_floor(stream: Stream, chunks: Chunks) -> None:
    final = read_floor(chunks)
    if final.events != stream.events:
        raise CheckFailed(f"floor: {final.events} events, expected {stream.events}")


# --------------------------------------------------------------------------------------------
# Timing
# --------------------------------------------------------------------------------------------


@dataclass
class Row:
    reader: str
    deltas: int
    nbytes: int
    median_s: float | None = None
    runs_s: list[float] = field(default_factory=list)
    warmup_s: float | None = None
    note: str = ""
    skipped: str | None = None

    @property
    def us_per_delta(self) -> float | None:
        return self.median_s / self.deltas * 1e6 if self.median_s else None

    @property
    def mb_s(self) -> float | None:
        return self.nbytes / self.median_s / 1e6 if self.median_s else None

    def as_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["us_per_delta"] = self.us_per_delta
        d["mb_s"] = self.mb_s
        return d


def _timed(fn: Callable[[], object]) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def time_row(
    name: str,
    fn: Callable[[], object],
    stream: Stream,
    repeat: int,
    warmup_s: float | None = None,
) -> Row:
    """One warm-up (unless ``warmup_s`` says it was done), then the median of ``repeat`` runs.

    A reader whose warm-up took longer than ``ONE_RUN_S`` gets one timed run.
    """
    row = Row(name, stream.deltas, len(stream.data))
    gc.collect()
    row.warmup_s = warmup_s if warmup_s is not None else _timed(fn)
    runs = repeat
    if row.warmup_s > ONE_RUN_S and repeat > 1:
        runs = 1
        row.note = f"1 run (warm-up took {row.warmup_s:.0f} s > {ONE_RUN_S:.0f} s)"
    for _ in range(runs):
        gc.collect()
        row.runs_s.append(_timed(fn))
    row.median_s = statistics.median(row.runs_s)
    return row


def openai_estimate(points: list[tuple[int, float]], n: int) -> float | None:
    """Seconds for one openai run at ``n`` deltas, from ``(deltas, seconds)`` at smaller sizes.

    Fits ``t = b*n + c*n**2`` through the two largest points (``c >= 0``); with one point,
    assumes the cost is quadratic.
    """
    if not points:
        return None
    pts = sorted(points)[-2:]
    if len(pts) == 1:
        n1, t1 = pts[0]
        return t1 * (n / n1) ** 2
    (n1, t1), (n2, t2) = pts
    # t1 = b n1 + c n1^2, t2 = b n2 + c n2^2
    c = (t2 / n2 - t1 / n1) / (n2 - n1)
    c = max(c, 0.0)
    b = t1 / n1 - c * n1
    return max(b * n + c * n * n, t2 * n / n2)


# --------------------------------------------------------------------------------------------
# Output
# --------------------------------------------------------------------------------------------


def _ratio(a: float | None, b: float | None) -> str:
    return f"{a / b:.2f}{TIMES}" if a and b else "—"


def print_size_table(rows: Sequence[Row]) -> None:
    by = {r.reader: r for r in rows}
    oa, fl = by.get("openai"), by.get("floor")
    headers = [
        "reader",
        "median ms",
        f"{MU}s/delta",
        "MB/s",
        "runs",
        "speed-up vs openai",
        "time / floor",
    ]
    table: list[list[str]] = []
    for r in rows:
        if r.skipped:
            table.append([r.reader, "skipped", "—", "—", "0", "—", "—"])
            continue
        assert r.median_s is not None
        table.append(
            [
                r.reader,
                f"{r.median_s * 1e3:,.1f}",
                f"{r.us_per_delta:.2f}",
                f"{r.mb_s:.1f}",
                str(len(r.runs_s)),
                # openai's time / this row's: > 1 means this row is faster than openai
                _ratio(oa.median_s if oa else None, r.median_s),
                # this row's time / the floor's: how far above the floor
                _ratio(r.median_s, fl.median_s if fl else None),
            ]
        )
    print(markdown_table(headers, table))
    for r in rows:
        if r.skipped:
            print(f"  {r.reader}: {r.skipped}")
        elif r.note:
            print(f"  {r.reader}: {r.note}")


def print_summary(sizes: Sequence[int], results: dict[int, dict[str, Row]]) -> dict[str, Any]:
    print("\n## Summary")
    headers = ["", *(f"N={n:,}" for n in sizes)]

    def cell(n: int, name: str) -> str:
        r = results[n].get(name)
        if r is None or r.us_per_delta is None:
            return "skipped" if r is not None and r.skipped else "—"
        return f"{r.us_per_delta:.2f}"

    table = [[f"{name} {MU}s/delta", *(cell(n, name) for n in sizes)] for name in READERS]
    sk_oa: dict[int, float | None] = {}
    sk_fl: dict[int, float | None] = {}
    for n in sizes:
        s, o, f = (results[n].get(k) for k in READERS)
        sk_oa[n] = o.median_s / s.median_s if s and o and s.median_s and o.median_s else None
        sk_fl[n] = s.median_s / f.median_s if s and f and s.median_s and f.median_s else None
    table.append(
        [
            f"streamkit vs openai ({TIMES}, higher = streamkit faster)",
            *(f"{sk_oa[n]:.1f}{TIMES}" if sk_oa[n] else "—" for n in sizes),
        ]
    )
    table.append(
        [
            f"streamkit / floor ({TIMES}, target <= {FLOOR_TARGET})",
            *(f"{sk_fl[n]:.2f}{TIMES}" if sk_fl[n] else "—" for n in sizes),
        ]
    )
    print(markdown_table(headers, table))
    per = [(n, results[n]["streamkit"].us_per_delta) for n in sizes if "streamkit" in results[n]]
    done = [(n, u) for n, u in per if u]
    scaling = " -> ".join(f"{u:.2f} {MU}s ({n:,})" for n, u in done)
    flat = done[-1][1] / done[0][1] if len(done) > 1 else None
    print(
        f"\nscaling, streamkit {MU}s/delta: {scaling}"
        + (f"; largest / smallest = {flat:.2f}{TIMES} (target: flat, ~1)" if flat else "")
    )
    fl_ok = [v for v in sk_fl.values() if v]
    if fl_ok:
        worst = max(fl_ok)
        verdict = "met" if worst <= FLOOR_TARGET else "NOT met"
        print(
            f"streamkit / floor: worst {worst:.2f}{TIMES} "
            f"(target <= {FLOOR_TARGET}{TIMES}: {verdict})"
        )
    return {
        "streamkit_vs_openai": {str(n): v for n, v in sk_oa.items()},
        "streamkit_over_floor": {str(n): v for n, v in sk_fl.items()},
        "streamkit_us_per_delta": {str(n): u for n, u in per},
        "scaling_largest_over_smallest": flat,
    }


READERS = ("streamkit", "openai", "floor")


# --------------------------------------------------------------------------------------------


def _git_state() -> str | None:
    """The repository's commit, and whether ``streamkit/`` has uncommitted changes."""
    root = Path(__file__).resolve().parent.parent
    try:
        sha = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=root,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--", "streamkit"],
            cwd=root,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return None
    return f"{sha}" + (" + uncommitted changes in streamkit/" if dirty else "")


def header() -> dict[str, Any]:
    dists = ("streamkit", "openai", "httpx2", "httpx", "pydantic", "cattrs", "attrs", "orjson")
    packages = {d: version(d) for d in dists}
    info: dict[str, Any] = {
        "python": sys.version.split()[0],
        "implementation": platform.python_implementation(),
        "platform": platform.platform(),
        "cpu": cpu_model(),
        "cpu_count": os.cpu_count(),
        "gc_enabled": gc.isenabled(),
        "load_average": os.getloadavg() if hasattr(os, "getloadavg") else None,
        "packages": packages,
        "git": _git_state(),
    }
    print(f"Python {info['python']} ({info['implementation']}) on {info['platform']}")
    load = info["load_average"]
    print(
        f"CPU: {info['cpu']}, {info['cpu_count']} logical CPUs; gc enabled: "
        f"{info['gc_enabled']}; timer: time.perf_counter, 1 warm-up + median of runs"
        + (f"; load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}" if load else "")
    )
    print("Packages: " + ", ".join(f"{k} {v}" for k, v in packages.items()))
    if info["git"]:
        print(f"streamkit source: git {info['git']}")
    return info


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    p.add_argument("--repeat", type=int, default=None, help="timed runs per row (default 3)")
    p.add_argument(
        "--sizes",
        default=None,
        help="comma-separated numbers of step deltas (default 1000,10000,160000)",
    )
    p.add_argument("--json", type=Path, default=None, help="write all results to this file")
    p.add_argument("--quick", action="store_true", help="sizes 1000,10000 and repeat 1")
    args = p.parse_args(argv)
    args.repeat = repeat_arg(p, args.repeat, 1 if args.quick else 3)
    args.sizes = sizes_arg(p, args.sizes, QUICK_SIZES if args.quick else DEFAULT_SIZES)
    return args


def _ms(row: Row) -> str:
    return f"{row.median_s * 1e3:.1f} ms" if row.median_s else "—"


def run_size(
    n: int, args: argparse.Namespace, openai_points: list[tuple[int, float]]
) -> tuple[dict[str, Row], dict[str, Any]]:
    t0 = time.perf_counter()
    stream = build_stream(n)
    chunks = stream.reads
    info = {
        "deltas": n,
        "bytes": len(stream.data),
        "events": stream.events,
        "reads": len(chunks),
        "input_chars": len(stream.expected_input),
    }
    print(
        f"\n## N = {n:,} step deltas: {len(stream.data):,} bytes, {stream.events:,} events, "
        f"{len(chunks):,} reads of {READ_SIZE // KiB} KiB; tool-call input "
        f"{len(stream.expected_input):,} chars (generated in {time.perf_counter() - t0:.1f} s)"
    )

    # Correctness first; openai's check run doubles as its warm-up (it can take minutes).
    check_streamkit(stream, chunks)
    check_floor(stream, chunks)
    largest = max((p[0] for p in openai_points), default=0)
    estimate = openai_estimate(openai_points, n) if n > largest else None
    client = make_openai_client(chunks)
    openai_skip: str | None = None
    openai_warmup: float | None = None
    if estimate is not None and estimate > SKIP_S:
        openai_skip = f"skipped (quadratic: est. {estimate:.0f}s)"
        checked = "streamkit == expected text (openai skipped)"
    else:
        if estimate is not None:
            print(f"   openai: estimated {estimate:.1f} s per run", file=sys.stderr)
        t1 = time.perf_counter()
        final = read_openai(client)
        openai_warmup = time.perf_counter() - t1
        check_openai(stream, final)
        if not openai_points:  # once: the legacy httpx.Client transport gives the same result
            check_openai(stream, read_openai(make_openai_client(chunks, "httpx")), "openai/httpx")
        checked = "streamkit == openai == expected text"
    print(
        f"   check: final code-interpreter input ({len(stream.expected_input):,} chars) "
        f"{checked}; streamkit's input built from the deltas alone == expected; "
        f"final message text and run status match"
    )

    rows: dict[str, Row] = {}
    rows["streamkit"] = time_row("streamkit", lambda: read_streamkit(chunks), stream, args.repeat)
    print(f"   streamkit: {_ms(rows['streamkit'])}", file=sys.stderr)
    if openai_skip:
        rows["openai"] = Row("openai", n, len(stream.data), skipped=openai_skip)
    else:
        rows["openai"] = time_row(
            "openai", lambda: read_openai(client), stream, args.repeat, warmup_s=openai_warmup
        )
        openai_points.append((n, rows["openai"].median_s or 0.0))
        print(f"   openai: {_ms(rows['openai'])}", file=sys.stderr)
    rows["floor"] = time_row("floor", lambda: read_floor(chunks), stream, args.repeat)
    print()
    print_size_table([rows[k] for k in READERS])
    return rows, info


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    if hasattr(sys.stdout, "reconfigure"):  # keep stdout and the stderr progress in order
        sys.stdout.reconfigure(line_buffering=True)
    results: dict[str, Any] = {
        "header": header(),
        "repeat": args.repeat,
        "quick": args.quick,
        "sizes": args.sizes,
        "read_size": READ_SIZE,
    }
    print(
        f"Readers: streamkit (SSEDecoder + Accumulator + snapshots), openai "
        f"(beta.threads.runs.stream helper on httpx2.MockTransport), floor (split + json.loads); "
        f"median of {args.repeat}"
    )
    by_size: dict[int, dict[str, Row]] = {}
    openai_points: list[tuple[int, float]] = []
    status = 0
    try:
        for n in args.sizes:
            rows, info = run_size(n, args, openai_points)
            by_size[n] = rows
            results.setdefault("streams", []).append(info)
            results.setdefault("rows", []).extend(r.as_dict() for r in rows.values())
    except CheckFailed as exc:
        print(f"\nCORRECTNESS CHECK FAILED, nothing more is timed:\n  {exc}", file=sys.stderr)
        results["check_failed"] = str(exc)
        status = 3
    if by_size:
        results["summary"] = print_summary(list(by_size), by_size)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
        print(f"\nresults written to {args.json}")
    return status


if __name__ == "__main__":
    raise SystemExit(main())
