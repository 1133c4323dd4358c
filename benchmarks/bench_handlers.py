"""Handler overhead: one code-interpreter call streamed in N deltas, consumed eight ways.

Usage::

    python benchmarks/bench_handlers.py [--repeat 7] [--sizes 5000,40000] [--openai-max 5000]
                                        [--ways a,b,...] [--stat median|best] [--clock wall|cpu]
                                        [--json FILE] [--quick]

Every way goes from the same bytes (the stream of ``bench_accumulate.build_stream``, cut in
16 KiB reads) to the final state, and each reports microseconds per step delta:

* ``a`` bare: ``SSEDecoder().feed`` per read, every event to ``Accumulator().feed``;
* ``b`` ``streamkit.consume(reads, handler)`` with an ``EventHandler`` that overrides nothing;
* ``c`` ``consume`` with ``on_tool_call_delta(delta, snapshot)`` reading only ``delta``;
* ``d`` ``consume`` with ``on_code_input_delta(text, snapshot)`` reading only ``text``;
* ``e`` bare, reading the changed tool call's snapshot (``Change.snapshot``) on every delta;
* ``f`` bare, reading the whole step (``acc.run_steps[step_id]``) on every delta;
* ``g1``/``g2`` openai-python's ``runs.stream(...)`` helper over an ``httpx2.MockTransport``,
  with a do-nothing ``AssistantEventHandler`` and with an ``on_tool_call_delta`` one.

Each way ends by reading the call's final ``input`` from the final step snapshot. Before
anything is timed, every way runs once at every size (its warm-up) and must end with the
expected input and must have seen every fragment it reads; otherwise the run aborts (exit
status 3). Then ``--repeat`` rounds each time every way once at every size, interleaved, so
that a change in machine load affects all rows alike.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import statistics
import sys
import time
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

import openai
from openai.lib.streaming import AssistantEventHandler
from openai.types.beta.threads.runs import CodeInterpreterToolCall, ToolCallsStepDetails

import streamkit
from streamkit import models as sk

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_accumulate import (
    READ_SIZE,
    Stream,
    _git_state,
    build_stream,
    make_openai_client,
)
from report import cpu_model, markdown_table, repeat_arg, sizes_arg, version

TIMES = "\u00d7"  # multiplication sign, for ratios
MU = "\u00b5"  # micro sign
DEFAULT_SIZES = (5_000, 40_000)
DEFAULT_REPEAT = 7
QUICK_REPEAT = 3
# openai runs only at sizes up to this by default (about 0.6 s per run at 5k, 4.5 s at 40k).
OPENAI_MAX = 5_000
# A way whose checked warm-up run took longer than this is timed by that run alone.
ONE_RUN_S = 5.0
HANDLER_TARGET = 2.0  # b and c: at most this many times the bare accumulator
FLAT_TARGET = 1.3  # b, c and e: largest-N / smallest-N cost per delta at most this

Chunks = Sequence[bytes]


# --------------------------------------------------------------------------------------------
# The ways. Each returns an Outcome; producing it (reading the final input) is timed too.
# --------------------------------------------------------------------------------------------


@dataclass
class Outcome:
    """What a way ended with: the final tool-call input, and what its reader touched.

    ``reads`` counts the callbacks / snapshot reads per delta, ``chars`` adds up the lengths
    they read (fragment lengths for delta readers, input lengths for snapshot readers).
    """

    final_input: str
    reads: int = 0
    chars: int = 0


def _sk_input(step: Any) -> str:
    details = step.step_details
    if not isinstance(details, sk.ToolCallsStepDetails):
        raise CheckFailed(f"step {step.id} is {details.type}, not tool_calls")
    call = details.tool_calls[0]
    if not isinstance(call, sk.CodeInterpreterToolCall):
        raise CheckFailed(f"tool call is {call.type}, not code_interpreter")
    return call.code_interpreter.input


def way_bare(chunks: Chunks, step_id: str) -> Outcome:
    decoder = streamkit.SSEDecoder()
    acc = streamkit.Accumulator()
    decode = decoder.feed
    feed = acc.feed
    for chunk in chunks:
        for sse in decode(chunk):
            feed(sse)
    for sse in decoder.close():
        feed(sse)
    return Outcome(_sk_input(acc.run_steps[step_id]))


def way_change_snapshot(chunks: Chunks, step_id: str) -> Outcome:
    decoder = streamkit.SSEDecoder()
    acc = streamkit.Accumulator()
    decode = decoder.feed
    feed = acc.feed
    reads = chars = 0
    for chunk in chunks:
        for sse in decode(chunk):
            for ch in feed(sse):
                if ch.kind == "tool_call.delta":
                    call: Any = ch.snapshot
                    chars += len(call.code_interpreter.input)
                    reads += 1
    for sse in decoder.close():
        feed(sse)
    return Outcome(_sk_input(acc.run_steps[step_id]), reads, chars)


def way_whole_step(chunks: Chunks, step_id: str) -> Outcome:
    decoder = streamkit.SSEDecoder()
    acc = streamkit.Accumulator()
    decode = decoder.feed
    feed = acc.feed
    steps = acc.run_steps
    reads = chars = 0
    for chunk in chunks:
        for sse in decode(chunk):
            for ch in feed(sse):
                if ch.kind == "tool_call.delta":
                    step: Any = steps[ch.id]
                    chars += len(step.step_details.tool_calls[0].code_interpreter.input)
                    reads += 1
    for sse in decoder.close():
        feed(sse)
    return Outcome(_sk_input(acc.run_steps[step_id]), reads, chars)


class NoopHandler(streamkit.EventHandler):
    """Overrides nothing."""


class ToolCallDeltaHandler(streamkit.EventHandler):
    """Reads only the delta of every tool-call delta."""

    def __init__(self) -> None:
        self.reads = 0
        self.chars = 0

    def on_tool_call_delta(self, delta: Any, snapshot: Any) -> None:
        self.reads += 1
        interpreter = delta.code_interpreter
        self.chars += len(interpreter.input or "") if interpreter else 0


class CodeInputHandler(streamkit.EventHandler):
    """Reads only the text of every code-interpreter input fragment."""

    def __init__(self) -> None:
        self.reads = 0
        self.chars = 0

    def on_code_input_delta(self, text: str, snapshot: Any) -> None:
        self.reads += 1
        self.chars += len(text)


def _consume_with(make: Callable[[], streamkit.EventHandler]) -> Callable[[Chunks, str], Outcome]:
    def way(chunks: Chunks, step_id: str) -> Outcome:
        handler = make()
        acc = streamkit.consume(chunks, handler)
        return Outcome(
            _sk_input(acc.run_steps[step_id]),
            getattr(handler, "reads", 0),
            getattr(handler, "chars", 0),
        )

    return way


class OpenAINoopHandler(AssistantEventHandler):
    """openai-python's handler, overriding nothing."""


class OpenAIToolCallDeltaHandler(AssistantEventHandler):
    def __init__(self) -> None:
        super().__init__()
        self.reads = 0
        self.chars = 0

    def on_tool_call_delta(self, delta: Any, snapshot: Any) -> None:
        self.reads += 1
        interpreter = delta.code_interpreter
        self.chars += len(interpreter.input or "") if interpreter else 0


def _openai_with(make: Callable[[], AssistantEventHandler]) -> Callable[[openai.OpenAI], Outcome]:
    """openai's helper as bench_accumulate's ``read_openai`` drives it, with ``make()``."""

    def way(client: openai.OpenAI) -> Outcome:
        handler = make()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            manager = client.beta.threads.runs.stream(
                thread_id="thread_x", assistant_id="asst_x", event_handler=handler
            )
        with manager as stream:
            stream.until_done()
            steps = stream.get_final_run_steps()
        details = steps[0].step_details
        if not isinstance(details, ToolCallsStepDetails) or not details.tool_calls:
            raise CheckFailed(f"first step is {details.type}, without a tool call")
        call = details.tool_calls[0]
        if not isinstance(call, CodeInterpreterToolCall):
            raise CheckFailed(f"tool call is {call.type}, not code_interpreter")
        return Outcome(
            call.code_interpreter.input, getattr(handler, "reads", 0), getattr(handler, "chars", 0)
        )

    return way


@dataclass(frozen=True)
class Way:
    key: str
    label: str
    # what its reader touches per delta: "" (nothing), "delta" (each fragment once),
    # "input" (the whole input so far, once per tool_call.delta)
    reads: str
    streamkit: Callable[[Chunks, str], Outcome] | None = None
    openai: Callable[[openai.OpenAI], Outcome] | None = None


WAYS: tuple[Way, ...] = (
    Way("a", "bare Accumulator.feed", "", streamkit=way_bare),
    Way("b", "consume, do-nothing handler", "", streamkit=_consume_with(NoopHandler)),
    Way(
        "c",
        "consume, on_tool_call_delta (delta)",
        "delta",
        streamkit=_consume_with(ToolCallDeltaHandler),
    ),
    Way(
        "d",
        "consume, on_code_input_delta (text)",
        "delta",
        streamkit=_consume_with(CodeInputHandler),
    ),
    Way("e", "bare + Change.snapshot per delta", "input", streamkit=way_change_snapshot),
    Way("f", "bare + run_steps[id] per delta", "input", streamkit=way_whole_step),
    Way("g1", "openai, do-nothing handler", "", openai=_openai_with(OpenAINoopHandler)),
    Way(
        "g2",
        "openai, on_tool_call_delta (delta)",
        "delta",
        openai=_openai_with(OpenAIToolCallDeltaHandler),
    ),
)
OPENAI_KEYS = frozenset(w.key for w in WAYS if w.openai is not None)


# --------------------------------------------------------------------------------------------
# Correctness (outside timing)
# --------------------------------------------------------------------------------------------


class CheckFailed(Exception):
    pass


def wire_fragments(data: bytes) -> list[str]:
    """The ``input`` fragment of every ``thread.run.step.delta``, read with ``json.loads``."""
    out: list[str] = []
    for block in data.split(b"\n\n"):
        if block.startswith(b"event: thread.run.step.delta\n"):
            payload = json.loads(block.split(b"\ndata: ", 1)[1])
            (entry,) = payload["delta"]["step_details"]["tool_calls"]
            out.append(entry["code_interpreter"]["input"])
    return out


def check(way: Way, stream: Stream, fragments: list[str], got: Outcome) -> None:
    """The final input is the expected one, and the per-delta reads saw every fragment."""
    if got.final_input != stream.expected_input:
        raise CheckFailed(
            f"{way.key} ({way.label}): final input differs from the expected text "
            f"({len(got.final_input):,} vs {len(stream.expected_input):,} chars)"
        )
    n = len(fragments)
    if not way.reads:
        return
    # openai and streamkit report the first fragment as the call's creation, not a delta:
    # on_tool_call_delta / tool_call.delta come N - 1 times; on_code_input_delta N times.
    first = n - got.reads
    if first not in (0, 1):
        raise CheckFailed(f"{way.key} ({way.label}): {got.reads:,} reads for {n:,} deltas")
    if way.reads == "delta":
        expected = sum(len(f) for f in fragments[first:])
    else:  # the input so far, after each delta
        prefix = 0
        expected = 0
        for k, fragment in enumerate(fragments):
            prefix += len(fragment)
            if k >= first:
                expected += prefix
    if got.chars != expected:
        raise CheckFailed(
            f"{way.key} ({way.label}): read {got.chars:,} characters over {got.reads:,} "
            f"deltas, expected {expected:,}"
        )


# --------------------------------------------------------------------------------------------
# Timing
# --------------------------------------------------------------------------------------------


@dataclass
class Row:
    key: str
    deltas: int
    runs_s: list[float] = field(default_factory=list)
    warmup_s: float | None = None
    note: str = ""
    skipped: str | None = None

    def us(self, stat: str = "median") -> float | None:
        if not self.runs_s:
            return None
        s = min(self.runs_s) if stat == "best" else statistics.median(self.runs_s)
        return s / self.deltas * 1e6

    def as_dict(self) -> dict[str, Any]:
        return {
            "way": self.key,
            "deltas": self.deltas,
            "runs_s": self.runs_s,
            "warmup_s": self.warmup_s,
            "median_us_per_delta": self.us("median"),
            "best_us_per_delta": self.us("best"),
            "note": self.note,
            "skipped": self.skipped,
        }


# The timer: wall time (time.perf_counter) by default; --clock cpu switches to this process's
# CPU time (time.process_time), which other processes on a busy machine disturb less.
CLOCK: Callable[[], float] = time.perf_counter


def _timed(fn: Callable[[], Outcome]) -> tuple[float, Outcome]:
    clock = CLOCK
    t0 = clock()
    out = fn()
    return clock() - t0, out


def check_size(n: int, args: argparse.Namespace) -> dict[str, tuple[Row, Callable[[], Outcome]]]:
    """Build the stream of ``n`` deltas; run and check every way once (its warm-up).

    Returns each way's row and the call that runs it. A way whose checked run took longer
    than ``ONE_RUN_S`` (a quadratic path) is timed by that run alone, and gets no callable.
    """
    t0 = time.perf_counter()
    stream = build_stream(n)
    chunks = stream.reads
    fragments = wire_fragments(stream.data)
    if len(fragments) != n or "".join(fragments) != stream.expected_input:
        raise CheckFailed(f"the stream's {len(fragments):,} fragments do not make the input")
    print(
        f"N = {n:,}: {len(stream.data):,} bytes, {stream.events:,} events, {len(chunks):,} reads "
        f"of {READ_SIZE // 1024} KiB, input {len(stream.expected_input):,} chars "
        f"(built in {time.perf_counter() - t0:.1f} s)",
        file=sys.stderr,
    )
    out: dict[str, tuple[Row, Callable[[], Outcome]]] = {}
    client: openai.OpenAI | None = None
    for way in WAYS:
        if way.key not in args.ways:
            continue
        row = Row(way.key, n)
        fn: Callable[[], Outcome]
        if way.openai is not None:
            if n > args.openai_max:
                row.skipped = f"N > --openai-max {args.openai_max:,}"
                out[way.key] = (row, _never)
                continue
            if client is None:
                client = make_openai_client(chunks)  # outside the timed region
            fn = partial(way.openai, client)
        else:
            assert way.streamkit is not None
            fn = partial(way.streamkit, chunks, stream.step_id)
        gc.collect()
        row.warmup_s, outcome = _timed(fn)
        check(way, stream, fragments, outcome)
        if row.warmup_s > ONE_RUN_S:
            # A slow (quadratic) way: its checked run, a whole run of the same code, is its timing.
            row.runs_s.append(row.warmup_s)
            row.note = f"1 run: the checked run alone ({row.warmup_s:.0f} s > {ONE_RUN_S:.0f} s)"
        out[way.key] = (row, fn)
        print(f"   {way.key}: checked in {row.warmup_s:.2f} s", file=sys.stderr)
    return out


def _never() -> Outcome:
    raise AssertionError("a skipped way is never run")


def time_rounds(
    plan: dict[int, dict[str, tuple[Row, Callable[[], Outcome]]]], repeat: int
) -> dict[int, dict[str, Row]]:
    """``repeat`` rounds; each times every way once at every size, so load drift hits all alike."""
    for r in range(repeat):
        t0 = time.perf_counter()
        for ways in plan.values():
            for row, fn in ways.values():
                if row.skipped or row.note:
                    continue
                gc.collect()
                row.runs_s.append(_timed(fn)[0])
        print(f"   round {r + 1}/{repeat}: {time.perf_counter() - t0:.1f} s", file=sys.stderr)
    return {n: {key: row for key, (row, _) in ways.items()} for n, ways in plan.items()}


# --------------------------------------------------------------------------------------------
# Output
# --------------------------------------------------------------------------------------------


def _x(value: float | None, digits: int = 2) -> str:
    return f"{value:.{digits}f}{TIMES}" if value else "—"


def _div(a: float | None, b: float | None) -> float | None:
    return a / b if a and b else None


def report(
    sizes: Sequence[int], results: dict[int, dict[str, Row]], stat: str, repeat: int
) -> dict[str, Any]:
    lo, hi = sizes[0], sizes[-1]
    other = "best" if stat == "median" else "median"
    headers = [
        "way",
        *(f"{MU}s/delta N={n:,}" for n in sizes),
        *(f"/ bare N={n:,}" for n in sizes),
    ]
    if len(sizes) > 1:
        headers.append(f"N={hi:,} / N={lo:,}")

    def us(key: str, n: int, which: str = stat) -> float | None:
        row = results.get(n, {}).get(key)
        return row.us(which) if row else None

    table: list[list[str]] = []
    ratios: dict[str, dict[str, Any]] = {}
    for way in WAYS:
        if not any(way.key in results.get(n, {}) for n in sizes):
            continue
        cells = [f"{way.key}  {way.label}"]
        for n in sizes:
            row = results[n].get(way.key)
            if row is None or row.skipped:
                cells.append("skipped")
            else:
                cells.append(f"{us(way.key, n):.2f} ({us(way.key, n, other):.2f})")
        to_bare = {n: _div(us(way.key, n), us("a", n)) for n in sizes}
        cells += [_x(to_bare[n]) for n in sizes]
        flat = _div(us(way.key, hi), us(way.key, lo)) if len(sizes) > 1 else None
        if len(sizes) > 1:
            cells.append(_x(flat))
        table.append(cells)
        ratios[way.key] = {"to_bare": {str(n): v for n, v in to_bare.items()}, "flat": flat}
    print(f"\n{MU}s per delta: {stat} ({other}) of {repeat} timed runs; ratios use the {stat}.\n")
    print(markdown_table(headers, table))
    for n in sizes:
        for key, row in results[n].items():
            if row.note:
                print(f"  {key} at N={n:,}: {row.note}")
            if row.skipped and n == hi:
                print(f"  {key} at N={n:,}: skipped ({row.skipped})")

    # streamkit against openai: openai's time / streamkit's (higher = streamkit faster).
    pairs = (("b", "g1"), ("c", "g2"), ("d", "g2"))
    vs_rows = []
    vs: dict[str, dict[str, float | None]] = {}
    for sk_key, oa_key in pairs:
        if sk_key not in ratios or oa_key not in ratios:
            continue
        values = {n: _div(us(oa_key, n), us(sk_key, n)) for n in sizes}
        vs[f"{sk_key}_vs_{oa_key}"] = {str(n): v for n, v in values.items()}
        vs_rows.append([f"{oa_key} / {sk_key}", *(_x(values[n], 1) for n in sizes)])
    if vs_rows:
        print(f"\nopenai's time / streamkit's ({TIMES}, higher = streamkit faster):\n")
        print(markdown_table(["", *(f"N={n:,}" for n in sizes)], vs_rows))

    print()
    verdicts: dict[str, bool] = {}
    for key in ("b", "c"):
        if key in ratios:
            worst = max((v for v in ratios[key]["to_bare"].values() if v), default=None)
            if worst is not None:
                verdicts[f"{key}_to_bare"] = worst <= HANDLER_TARGET
                print(
                    f"{key} / bare: worst {worst:.2f}{TIMES} (target <= {HANDLER_TARGET:.1f}"
                    f"{TIMES}: {'met' if worst <= HANDLER_TARGET else 'NOT met'})"
                )
    if len(sizes) > 1:
        for key in ("b", "c", "e"):
            flat = ratios.get(key, {}).get("flat")
            if flat:
                verdicts[f"{key}_flat"] = flat <= FLAT_TARGET
                print(
                    f"{key} flatness N={hi:,} / N={lo:,}: {flat:.2f}{TIMES} (target <= "
                    f"{FLAT_TARGET}{TIMES}: {'met' if flat <= FLAT_TARGET else 'NOT met'})"
                )
    return {"ratios": ratios, "openai_over_streamkit": vs, "verdicts": verdicts}


def header(args: argparse.Namespace) -> dict[str, Any]:
    packages = {d: version(d) for d in ("streamkit", "openai", "httpx2", "orjson")}
    info: dict[str, Any] = {
        "python": sys.version.split()[0],
        "cpu": cpu_model(),
        "cpu_count": os.cpu_count(),
        "packages": packages,
        "git": _git_state(),
        "load_average": os.getloadavg() if hasattr(os, "getloadavg") else None,
    }
    load = info["load_average"]
    print(
        f"Python {info['python']}; CPU {info['cpu']} ({info['cpu_count']} logical); "
        + ", ".join(f"{k} {v}" for k, v in packages.items())
        + (f"; git {info['git']}" if info["git"] else "")
        + (f"; load {load[0]:.2f}" if load else "")
    )
    print(
        f"One code-interpreter call streamed in N step deltas (bench_accumulate.build_stream), "
        f"{READ_SIZE // 1024} KiB reads, bytes to final state; gc enabled; timer "
        f"{'time.process_time (CPU)' if args.clock == 'cpu' else 'time.perf_counter (wall)'}; "
        f"every way checked once (warm-up), then {args.repeat} rounds each timing every way at "
        f"every N (a way whose checked run took > {ONE_RUN_S:.0f} s: that run alone)."
    )
    if any(n > args.openai_max for n in args.sizes) and OPENAI_KEYS & set(args.ways):
        print(
            f"openai (g1, g2) runs only at N <= {args.openai_max:,} "
            f"(--openai-max; about 4.5 s per run at 40,000 deltas)."
        )
    return info


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    p.add_argument(
        "--repeat",
        type=int,
        default=None,
        help=f"timed runs per way (default {DEFAULT_REPEAT}, {QUICK_REPEAT} with --quick)",
    )
    p.add_argument(
        "--sizes",
        default=None,
        help="comma-separated numbers of step deltas (default 5000,40000)",
    )
    p.add_argument(
        "--openai-max",
        type=int,
        default=OPENAI_MAX,
        help=f"largest N at which openai runs (default {OPENAI_MAX}; 0: never)",
    )
    p.add_argument(
        "--ways",
        default=",".join(w.key for w in WAYS),
        help="comma-separated ways to run (default all: a,b,c,d,e,f,g1,g2)",
    )
    p.add_argument(
        "--stat",
        choices=("median", "best"),
        default="median",
        help="statistic the table and ratios use (the other is shown in parentheses)",
    )
    p.add_argument(
        "--clock",
        choices=("wall", "cpu"),
        default="wall",
        help="wall: time.perf_counter (default); cpu: time.process_time, steadier on a busy host",
    )
    p.add_argument("--json", type=Path, default=None, help="write all results to this file")
    p.add_argument("--quick", action="store_true", help=f"repeat {QUICK_REPEAT}")
    args = p.parse_args(argv)
    args.repeat = repeat_arg(p, args.repeat, QUICK_REPEAT if args.quick else DEFAULT_REPEAT)
    args.sizes = sizes_arg(p, args.sizes, DEFAULT_SIZES, least=2)
    known = {w.key for w in WAYS}
    args.ways = [k.strip() for k in args.ways.split(",") if k.strip()]
    if not args.ways or set(args.ways) - known:
        p.error(f"--ways takes some of {','.join(w.key for w in WAYS)}")
    if "a" not in args.ways:
        args.ways.insert(0, "a")  # the ratios need the bare accumulator
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    global CLOCK
    CLOCK = time.process_time if args.clock == "cpu" else time.perf_counter
    if hasattr(sys.stdout, "reconfigure"):  # keep stdout and the stderr progress in order
        sys.stdout.reconfigure(line_buffering=True)
    results: dict[str, Any] = {
        "header": header(args),
        "repeat": args.repeat,
        "sizes": args.sizes,
        "openai_max": args.openai_max,
        "stat": args.stat,
        "clock": args.clock,
    }
    by_size: dict[int, dict[str, Row]] = {}
    status = 0
    try:
        plan = {n: check_size(n, args) for n in args.sizes}
        by_size = time_rounds(plan, args.repeat)
    except CheckFailed as exc:
        print(f"\nCORRECTNESS CHECK FAILED, nothing more is timed:\n  {exc}", file=sys.stderr)
        results["check_failed"] = str(exc)
        status = 3
    if by_size:
        done = [n for n in args.sizes if n in by_size]
        results["summary"] = report(done, by_size, args.stat, args.repeat)
        results["rows"] = [r.as_dict() for n in done for r in by_size[n].values()]
    if args.json:
        args.json.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
        print(f"\nresults written to {args.json}")
    return status


if __name__ == "__main__":
    raise SystemExit(main())
