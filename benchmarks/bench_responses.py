"""End-to-end benchmark of the Responses stream: SSE bytes to the final Response.

Usage::

    python benchmarks/bench_responses.py [--repeat 3] [--sizes 5000,40000] [--clock wall|cpu]
                                         [--json FILE] [--quick]

Three readers consume the same list of 16 KiB reads of one Responses stream, side by side:

* ``streamkit``: ``SSEDecoder().feed`` per read, every event to ``ResponseAccumulator().feed``,
  then the final Response is read (``final_response``: the typed snapshot is built);
* ``openai``: openai-python's own helper, ``client.responses.stream(...)`` with ``until_done()``
  and ``get_final_response()``, on a client whose HTTP transport is a mock returning the reads:
  its ``Stream`` decodes the SSE and builds the typed event of every event
  (``_process_response_data``), its ``ResponseStream.__stream__`` hands each to
  ``ResponseStreamState.handle_event`` (``accumulate_event`` inside), as in an application;
* ``floor``: a pure-Python lower bound: ``bytes.split(b"\\n\\n")`` with a list buffer, the
  ``event``/``data`` fields, and ``json.loads`` of every payload.

The stream (``streams.responses_stream``, made with ``streamkit.testing.response_events``): one
response whose reasoning summary, code-interpreter code, function-call arguments and answer text
stream in about N deltas of 2-12 characters, with ``obfuscation`` padding and sequence numbers,
as OpenAI sends them (N = 5,000 and 40,000 by default). Timing uses ``time.perf_counter``
(``--clock cpu``: ``time.process_time``): one warm-up per reader, then ``--repeat`` rounds that
time each reader once (interleaved, so that load from other processes moves every row alike);
the median is reported, and the best runs' ratios too. The garbage collector stays enabled.

Before anything is timed, streamkit's final Response must equal the one the stream was built
from, with no anomaly (so no ``*.done`` disagreed with what the deltas built), and openai's final
Response must carry the same streamed texts, or the run aborts (exit status 3).
"""

from __future__ import annotations

import argparse
import gc
import json
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import openai

import streamkit
from streamkit import ResponseAccumulator, SSEDecoder

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_accumulate import (
    FLOOR_TARGET,
    MU,
    READ_SIZE,
    TIMES,
    CheckFailed,
    Row,
    header,
    make_openai_client,
    print_size_table,
    read_floor,
)
from report import markdown_table, repeat_arg, sizes_arg
from streams import ResponsesStream, responses_stream

DEFAULT_SIZES = (5_000, 40_000)
QUICK_SIZES = (5_000,)
OPENAI_TARGET = 10.0
READERS = ("streamkit", "openai", "floor")
CLOCKS: dict[str, Callable[[], float]] = {"wall": time.perf_counter, "cpu": time.process_time}

Chunks = Sequence[bytes]


def reads(stream: ResponsesStream) -> list[bytes]:
    data = stream.data
    return [data[i : i + READ_SIZE] for i in range(0, len(data), READ_SIZE)]


# --------------------------------------------------------------------------------------------
# Readers. Each takes the reads and returns what it ended with; reading it is part of the work.
# --------------------------------------------------------------------------------------------


def read_streamkit(chunks: Chunks) -> Any:
    """SSEDecoder + ResponseAccumulator; the typed final Response."""
    decoder = SSEDecoder()
    racc = ResponseAccumulator()
    decode = decoder.feed
    feed = racc.feed
    for chunk in chunks:
        for event in decode(chunk):
            feed(event)
    for event in decoder.close():
        feed(event)
    return racc.final_response, racc


def read_openai(client: openai.OpenAI) -> Any:
    """openai-python's ``responses.stream`` helper to the end; its final (parsed) Response."""
    with client.responses.stream(model="gpt-5", input="Write the report.") as stream:
        stream.until_done()
        return stream.get_final_response()


# --------------------------------------------------------------------------------------------
# Correctness
# --------------------------------------------------------------------------------------------


def _texts(output: Sequence[Any]) -> list[str]:
    """The streamed strings of the four items: summary parts, code, arguments, answer text."""
    reasoning, code, call, message = output
    return [
        *(part["text"] for part in reasoning["summary"]),
        code["code"],
        call["arguments"],
        message["content"][0]["text"],
    ]


def check_streamkit(stream: ResponsesStream, chunks: Chunks) -> None:
    final, racc = read_streamkit(chunks)
    if racc.anomalies:
        raise CheckFailed(f"streamkit: anomalies {racc.anomalies[:3]}")
    if final is None:
        raise CheckFailed("streamkit: no final response")
    if streamkit.to_dict(final) != stream.final:
        raise CheckFailed("streamkit: the final Response differs from the one streamed")
    # The deltas alone: the same stream without its done and terminal events builds every text.
    decoder = SSEDecoder()
    events = [
        e
        for e in decoder.feed(stream.data) + decoder.close()
        if not e.event.endswith(".done") and e.event != "response.completed"
    ]
    racc = ResponseAccumulator()
    for event in events:
        racc.feed(event)
    built = streamkit.to_dict(racc.response)["output"]
    if _texts(built) != _texts(stream.final["output"]):
        raise CheckFailed("streamkit: the texts built from the deltas alone differ")


def check_openai(
    stream: ResponsesStream, client: openai.OpenAI, clock: Callable[[], float]
) -> float:
    """openai's final Response carries the streamed texts; returns the run's time (warm-up)."""
    t0 = clock()
    final = read_openai(client)
    elapsed = clock() - t0
    got = _texts([item.model_dump(mode="json") for item in final.output])
    if got != _texts(stream.final["output"]):
        raise CheckFailed("openai: the final Response's texts differ from the ones streamed")
    return elapsed


def check_floor(stream: ResponsesStream, chunks: Chunks) -> None:
    final = read_floor(chunks)
    if final.events != stream.events:
        raise CheckFailed(f"floor: {final.events} events, expected {stream.events}")
    if final.run != {"type": "response.completed", **stream_terminal(stream)}:
        raise CheckFailed("floor: the last payload is not the terminal event")


def stream_terminal(stream: ResponsesStream) -> dict[str, Any]:
    return {"sequence_number": stream.events - 1, "response": stream.final}


# --------------------------------------------------------------------------------------------
# Running
# --------------------------------------------------------------------------------------------


def run_size(n: int, args: argparse.Namespace) -> tuple[dict[str, Row], dict[str, Any]]:
    t0 = time.perf_counter()
    stream = responses_stream(n)
    chunks = reads(stream)
    info = {
        "target_deltas": n,
        "deltas": stream.deltas,
        "bytes": len(stream.data),
        "events": stream.events,
        "reads": len(chunks),
    }
    print(
        f"\n## N = {stream.deltas:,} deltas (target {n:,}): {len(stream.data):,} bytes, "
        f"{stream.events:,} events, {len(chunks):,} reads of {READ_SIZE // 1024} KiB "
        f"(generated in {time.perf_counter() - t0:.1f} s)"
    )
    check_streamkit(stream, chunks)
    check_floor(stream, chunks)
    client = make_openai_client(chunks)
    openai_warmup = check_openai(stream, client, CLOCKS[args.clock])
    print(
        "   check: streamkit's final Response == the Response streamed (no anomaly), and the "
        "texts built from the deltas alone are the final ones; openai's final texts == the "
        "streamed texts; the floor saw every event"
    )
    rows = time_rows(
        {
            "streamkit": lambda: read_streamkit(chunks),
            "openai": lambda: read_openai(client),
            "floor": lambda: read_floor(chunks),
        },
        stream,
        args.repeat,
        CLOCKS[args.clock],
        warmups={"openai": openai_warmup},
    )
    print()
    print_size_table([rows[k] for k in READERS])
    return rows, info


def time_rows(
    readers: dict[str, Callable[[], object]],
    stream: ResponsesStream,
    repeat: int,
    clock: Callable[[], float],
    warmups: dict[str, float],
) -> dict[str, Row]:
    """One warm-up per reader (unless ``warmups`` has it), then ``repeat`` interleaved rounds.

    Each round times every reader once, so that load from other processes moves all rows
    together instead of landing on one of them.
    """
    rows = {name: Row(name, stream.deltas, len(stream.data)) for name in readers}
    for name, read in readers.items():
        rows[name].warmup_s = warmups.get(name) or _timed(read, clock)
    for _ in range(repeat):
        for name, read in readers.items():
            gc.collect()
            rows[name].runs_s.append(_timed(read, clock))
    for row in rows.values():
        row.median_s = statistics.median(row.runs_s)
    return rows


def _timed(read: Callable[[], object], clock: Callable[[], float]) -> float:
    start = clock()
    read()
    return clock() - start


def print_summary(sizes: Sequence[int], results: dict[int, dict[str, Row]]) -> dict[str, Any]:
    print("\n## Summary")
    headers = ["", *(f"N={results[n]['streamkit'].deltas:,}" for n in sizes)]
    table = [
        [f"{name} {MU}s/delta", *(f"{results[n][name].us_per_delta:.2f}" for n in sizes)]
        for name in READERS
    ]
    vs_openai = {n: _over(results[n]["openai"], results[n]["streamkit"]) for n in sizes}
    over_floor = {n: _over(results[n]["streamkit"], results[n]["floor"]) for n in sizes}
    # Best runs too: on a shared machine, load lands on single runs; the best is steadier.
    best_openai = {n: _best(results[n]["openai"], results[n]["streamkit"]) for n in sizes}
    best_floor = {n: _best(results[n]["streamkit"], results[n]["floor"]) for n in sizes}
    table.append(
        [
            f"streamkit vs openai ({TIMES}, higher = faster; target >= {OPENAI_TARGET:g})",
            *(f"{vs_openai[n]:.1f}{TIMES}" for n in sizes),
        ]
    )
    table.append(
        [
            f"streamkit / floor ({TIMES}, target <= {FLOOR_TARGET})",
            *(f"{over_floor[n]:.2f}{TIMES}" for n in sizes),
        ]
    )
    table.append(
        [
            f"best runs: streamkit vs openai ({TIMES})",
            *(f"{best_openai[n]:.1f}{TIMES}" for n in sizes),
        ]
    )
    table.append(
        [f"best runs: streamkit / floor ({TIMES})", *(f"{best_floor[n]:.2f}{TIMES}" for n in sizes)]
    )
    print(markdown_table(headers, table))
    per = [(results[n]["streamkit"].deltas, results[n]["streamkit"].us_per_delta) for n in sizes]
    flat = per[-1][1] / per[0][1] if len(per) > 1 and per[0][1] else None
    scaling = " -> ".join(f"{u:.2f} {MU}s ({d:,})" for d, u in per if u)
    print(
        f"\nscaling, streamkit {MU}s/delta: {scaling}"
        + (f"; largest / smallest = {flat:.2f}{TIMES} (target: flat, ~1)" if flat else "")
    )
    worst_openai = min(vs_openai.values())
    worst_floor = max(over_floor.values())
    print(
        f"streamkit vs openai: worst {worst_openai:.1f}{TIMES} (target >= {OPENAI_TARGET:g}"
        f"{TIMES}: {'met' if worst_openai >= OPENAI_TARGET else 'NOT met'}); "
        f"streamkit / floor: worst {worst_floor:.2f}{TIMES} (target <= {FLOOR_TARGET}{TIMES}: "
        f"{'met' if worst_floor <= FLOOR_TARGET else 'NOT met'})"
    )
    return {
        "streamkit_vs_openai": {str(n): v for n, v in vs_openai.items()},
        "streamkit_over_floor": {str(n): v for n, v in over_floor.items()},
        "best_streamkit_vs_openai": {str(n): v for n, v in best_openai.items()},
        "best_streamkit_over_floor": {str(n): v for n, v in best_floor.items()},
        "streamkit_us_per_delta": {str(d): u for d, u in per},
        "scaling_largest_over_smallest": flat,
    }


def _over(a: Row, b: Row) -> float:
    """``a``'s median time over ``b``'s."""
    assert a.median_s is not None
    assert b.median_s is not None
    return a.median_s / b.median_s


def _best(a: Row, b: Row) -> float:
    """``a``'s best time over ``b``'s."""
    return min(a.runs_s) / min(b.runs_s)


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    p.add_argument("--repeat", type=int, default=None, help="timed runs per row (default 3)")
    p.add_argument(
        "--sizes", default=None, help="comma-separated numbers of deltas (default 5000,40000)"
    )
    p.add_argument(
        "--clock",
        choices=sorted(CLOCKS),
        default="wall",
        help="wall: time.perf_counter (default); cpu: time.process_time, this process's CPU "
        "time, which other busy processes disturb less",
    )
    p.add_argument("--json", type=Path, default=None, help="write all results to this file")
    p.add_argument("--quick", action="store_true", help="size 5000 and repeat 1")
    args = p.parse_args(argv)
    args.repeat = repeat_arg(p, args.repeat, 1 if args.quick else 3)
    args.sizes = sizes_arg(p, args.sizes, QUICK_SIZES if args.quick else DEFAULT_SIZES)
    return args


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
    results["clock"] = args.clock
    print(
        "Readers: streamkit (SSEDecoder + ResponseAccumulator + final_response), openai "
        "(responses.stream helper on httpx2.MockTransport: its SSE decoding, typed events, "
        f"ResponseStreamState), floor (split + json.loads); median of {args.repeat} "
        f"interleaved rounds; clock: {args.clock}"
    )
    by_size: dict[int, dict[str, Row]] = {}
    status = 0
    try:
        for n in args.sizes:
            rows, info = run_size(n, args)
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
