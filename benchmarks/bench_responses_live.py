"""One long Responses stream over loopback HTTP: streamkit's client vs openai-python's.

Usage::

    python benchmarks/bench_responses_live.py [--sizes 5000,40000] [--repeat 3]
                                              [--clients streamkit,openai,...]
                                              [--json FILE] [--profile DIR] [--quick]

The stream is ``streams.responses_stream(N)`` (as in ``bench_responses.py``): one response
whose reasoning summary, code-interpreter code, function-call arguments and answer stream in
about N deltas, framed as OpenAI frames them. A local HTTP/1.1 server (``loopback.Server``), in
its own process on 127.0.0.1, answers every ``POST /v1/responses`` that has ``"stream": true``
with it, one HTTP chunk per event, as a server flushes each event. Each run is a fresh client
process: it makes its client, reads the stream once (the warm-up, checked), then once more,
timed from the request to the final Response.

Clients (``--clients``; all by default):

* ``streamkit``: ``streamkit.Client(...)``, ``with client.responses.stream(model=...,
  input=...) as stream: stream.final_response()`` (``until_done()`` inside: typed events, the
  response accumulated);
* ``openai``: ``openai.OpenAI(...)``, ``with client.responses.stream(model=..., input=...) as
  stream: stream.get_final_response()`` (its helper: typed events, ``ResponseStreamState``);
* ``streamkit-async``, ``openai-async``: the same with ``AsyncClient`` / ``AsyncOpenAI``,
  ``async with`` and ``await``;
* ``httpx-raw``: ``httpx.Client().stream("POST", ...)`` and ``iter_raw()``, nothing decoded:
  the HTTP floor under streamkit's client (streamkit's transport is httpx; openai's is httpx2);
* ``httpx-accumulate``: the same bytes through ``SSEDecoder`` and ``ResponseAccumulator`` to
  ``final_response``: streamkit's core without its client (shell, stream object, transport).

Measured per run: wall time, events/s, µs per delta (wall and CPU), peak RSS (``ru_maxrss``
of the client's process, imports and client included), the client's and the server's CPU
time over the same wall time. Each cell is the median of ``--repeat`` runs; the runs alternate
the clients (each round runs every client once).

Before a run counts, its warm-up must be right: streamkit's final Response (``to_dict``)
equals the one the stream was built from, which is the terminal event's, with no anomaly and
every event applied; openai's final Response carries the same streamed texts (summary parts,
code, arguments, answer) and id; ``httpx-raw`` read every byte. Otherwise exit status 3.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import hashlib
import json
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from loopback import (
    FD_HEADROOM,
    MiB,
    ServerProcess,
    machine_header,
    peak_rss_kib,
    print_machine_header,
    process_cpu_seconds,
    run_client_process,
)
from report import markdown_table

TIMES = "\u00d7"  # multiplication sign, for ratios
MU = "\u00b5"  # micro sign
DEFAULT_SIZES = (5_000, 40_000)
QUICK_SIZES = (5_000,)
DEFAULT_REPEAT = 3
ALL_CLIENTS = (
    "streamkit",
    "openai",
    "streamkit-async",
    "openai-async",
    "httpx-raw",
    "httpx-accumulate",
)
# The ratios reported: (slower peer, streamkit's row).
PAIRS = (("openai", "streamkit"), ("openai-async", "streamkit-async"))
API_KEY = "sk-bench-responses-live"
MODEL = "gpt-5"
INPUT = "Write the report."
CLIENT_TIMEOUT_S = 600.0
# Requests per client process: the warm-up and the timed run.
REQUESTS_PER_RUN = 2


# --------------------------------------------------------------------------------------------
# What a run's result is checked against (computed the same way in both processes).
# --------------------------------------------------------------------------------------------


def digest(value: Any) -> str:
    """A stable digest of JSON-like ``value`` (key order ignored)."""
    text = json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def streamed_texts(output: Sequence[Any]) -> list[str]:
    """The streamed strings of the four items: summary parts, code, arguments, answer text."""
    reasoning, code, call, message = output
    return [
        *(part["text"] for part in reasoning["summary"]),
        code["code"],
        call["arguments"],
        message["content"][0]["text"],
    ]


def expected_summary(final: dict[str, Any], events: int, size: int) -> dict[str, Any]:
    """What each kind of client must report for a stream whose terminal response is ``final``."""
    return {
        "response": digest(final),
        "texts": digest(streamed_texts(final["output"])),
        "id": final["id"],
        "events": events,
        "bytes": size,
    }


# --------------------------------------------------------------------------------------------
# The clients, each in a process of its own.
# --------------------------------------------------------------------------------------------


@dataclass
class Reader:
    """One client: ``read()`` reads the stream once (a coroutine function for async ones);
    ``summary(result)`` says what it got, for the check; ``close()`` closes the client."""

    read: Callable[[], Any]
    summary: Callable[[Any], dict[str, Any]]
    close: Callable[[], Any]
    is_async: bool = False


def _streamkit_summary(result: Any) -> dict[str, Any]:
    import streamkit

    accumulator, final = result
    data = streamkit.to_dict(final)
    return {
        "response": digest(data),
        "texts": digest(streamed_texts(data["output"])),
        "id": data["id"],
        "events": accumulator.position,
        "anomalies": [str(a.kind) for a in accumulator.anomalies[:3]],
    }


def _openai_summary(final: Any) -> dict[str, Any]:
    output = [item.model_dump(mode="json") for item in final.output]
    return {"texts": digest(streamed_texts(output)), "id": final.id}


def make_reader(name: str, base_url: str) -> Reader:
    """The client ``name`` (see :data:`ALL_CLIENTS`), made; nothing read yet."""
    if name == "streamkit":
        import streamkit

        client = streamkit.Client(api_key=API_KEY, base_url=base_url, max_retries=0)

        def read_streamkit() -> Any:
            with client.responses.stream(model=MODEL, input=INPUT) as stream:
                final = stream.final_response()
            return stream.accumulator, final

        return Reader(read_streamkit, _streamkit_summary, client.close)
    if name == "streamkit-async":
        import streamkit

        aclient = streamkit.AsyncClient(api_key=API_KEY, base_url=base_url, max_retries=0)

        async def read_streamkit_async() -> Any:
            async with aclient.responses.stream(model=MODEL, input=INPUT) as stream:
                final = await stream.final_response()
            return stream.accumulator, final

        return Reader(read_streamkit_async, _streamkit_summary, aclient.aclose, is_async=True)
    if name == "openai":
        import openai

        oclient = openai.OpenAI(api_key=API_KEY, base_url=base_url, max_retries=0)

        def read_openai() -> Any:
            with oclient.responses.stream(model=MODEL, input=INPUT) as stream:
                return stream.get_final_response()

        return Reader(read_openai, _openai_summary, oclient.close)
    if name == "openai-async":
        import openai

        aoclient = openai.AsyncOpenAI(api_key=API_KEY, base_url=base_url, max_retries=0)

        async def read_openai_async() -> Any:
            async with aoclient.responses.stream(model=MODEL, input=INPUT) as stream:
                return await stream.get_final_response()

        return Reader(read_openai_async, _openai_summary, aoclient.close, is_async=True)
    return _httpx_reader(name, base_url)


def _httpx_reader(name: str, base_url: str) -> Reader:
    """``httpx-raw`` and ``httpx-accumulate``: httpx alone, and with streamkit's core."""
    import httpx

    from streamkit import ResponseAccumulator, SSEDecoder

    http = httpx.Client(timeout=60.0)
    url = base_url + "/responses"
    body = {"model": MODEL, "input": INPUT, "stream": True}
    headers = {"Authorization": f"Bearer {API_KEY}"}

    def read_raw() -> Any:
        size = 0
        with http.stream("POST", url, json=body, headers=headers) as response:
            for chunk in response.iter_raw():
                size += len(chunk)
        return size

    def read_accumulate() -> Any:
        decoder = SSEDecoder()
        accumulator = ResponseAccumulator()
        decode, feed = decoder.feed, accumulator.feed
        with http.stream("POST", url, json=body, headers=headers) as response:
            for chunk in response.iter_raw():
                for event in decode(chunk):
                    feed(event)
        for event in decoder.close():
            feed(event)
        return accumulator, accumulator.final_response

    if name == "httpx-raw":
        return Reader(read_raw, lambda size: {"bytes": size}, http.close)
    return Reader(read_accumulate, _streamkit_summary, http.close)


def client_run(name: str, base_url: str, server_pid: int, profile: str | None) -> dict[str, Any]:
    """A client process's work: make the client, the warm-up (checked by the caller), the
    timed run; the measurements."""
    reader = make_reader(name, base_url)
    loop = asyncio.new_event_loop() if reader.is_async else None

    def once() -> Any:
        if loop is not None:
            return loop.run_until_complete(reader.read())
        return reader.read()

    base_rss = peak_rss_kib()  # imports and client made, nothing read yet
    t0 = time.perf_counter()
    summary = reader.summary(once())  # the warm-up: imports, lazy set-up, the connection
    warm = time.perf_counter() - t0
    profiler = cProfile.Profile() if profile else None
    server0 = process_cpu_seconds(server_pid)
    cpu0 = time.process_time()
    start = time.perf_counter()
    if profiler is not None:
        profiler.enable()
    once()
    if profiler is not None:
        profiler.disable()
    end = time.perf_counter()
    cpu = time.process_time() - cpu0
    server_cpu = process_cpu_seconds(server_pid) - server0
    peak = peak_rss_kib()
    if loop is not None:
        loop.run_until_complete(reader.close())
        loop.close()
    else:
        reader.close()
    if profiler is not None and profile:
        profiler.dump_stats(profile)
    return {
        "client": name,
        "seconds": end - start,
        "warmup_seconds": warm,
        "cpu_s": cpu,
        "server_cpu_s": server_cpu,
        "peak_rss_kib": peak,
        "base_rss_kib": base_rss,
        "summary": summary,
    }


# --------------------------------------------------------------------------------------------
# Checks, statistics and the report.
# --------------------------------------------------------------------------------------------


def check(name: str, got: dict[str, Any], expected: dict[str, Any]) -> str | None:
    """Why a client's warm-up is wrong, or None."""
    if name == "httpx-raw":
        keys: tuple[str, ...] = ("bytes",)
    elif name.startswith("openai"):
        keys = ("texts", "id")
    else:
        keys = ("response", "texts", "id", "events")
        if got.get("anomalies"):
            return f"{name}: anomalies {got['anomalies']}"
    for key in keys:
        if got.get(key) != expected[key]:
            what = {
                "bytes": "bytes read",
                "texts": "the final streamed texts",
                "id": "the response id",
                "response": "the final Response",
                "events": "events applied",
            }[key]
            return f"{name}: {what} differ from the stream's ({got.get(key)} != {expected[key]})"
    return None


@dataclass
class Row:
    """A (client, N) cell: the median over the runs of each measurement."""

    client: str
    deltas: int
    events: int
    seconds: float
    events_per_s: float
    us_per_delta: float
    cpu_us_per_delta: float
    peak_rss_mb: float
    base_rss_mb: float
    client_cpu: float  # the client's CPU time / its wall time, timed run
    server_cpu: float  # the server's CPU time / the same wall time
    runs: list[dict[str, Any]]


def summarize(client: str, deltas: int, events: int, runs: list[dict[str, Any]]) -> Row:
    def med(f: Callable[[dict[str, Any]], float]) -> float:
        return float(statistics.median(f(r) for r in runs))

    return Row(
        client=client,
        deltas=deltas,
        events=events,
        seconds=med(lambda r: r["seconds"]),
        events_per_s=med(lambda r: events / r["seconds"]),
        us_per_delta=med(lambda r: r["seconds"] / deltas * 1e6),
        cpu_us_per_delta=med(lambda r: r["cpu_s"] / deltas * 1e6),
        peak_rss_mb=med(lambda r: r["peak_rss_kib"] * 1024 / MiB),
        base_rss_mb=med(lambda r: r["base_rss_kib"] * 1024 / MiB),
        client_cpu=med(lambda r: r["cpu_s"] / r["seconds"]),
        server_cpu=med(lambda r: r["server_cpu_s"] / r["seconds"]),
        runs=runs,
    )


def ratio_of_medians(runs_a: list[dict[str, Any]], runs_b: list[dict[str, Any]]) -> float:
    """The median of the per-round ratios a/b of the wall times (rounds pair the runs)."""
    return float(
        statistics.median(a["seconds"] / b["seconds"] for a, b in zip(runs_a, runs_b, strict=True))
    )


def print_size_table(rows: Sequence[Row]) -> None:
    print()
    print(
        markdown_table(
            [
                "client",
                "wall ms",
                "events/s",
                f"{MU}s/delta",
                f"CPU {MU}s/delta",
                "peak RSS MB",
                "RSS before MB",
                "client CPU",
                "server CPU",
            ],
            [
                [
                    r.client,
                    f"{r.seconds * 1000:,.0f}",
                    f"{r.events_per_s:,.0f}",
                    f"{r.us_per_delta:.2f}",
                    f"{r.cpu_us_per_delta:.2f}",
                    f"{r.peak_rss_mb:.0f}",
                    f"{r.base_rss_mb:.0f}",
                    f"{r.client_cpu:.0%}",
                    f"{r.server_cpu:.0%}",
                ]
                for r in rows
            ],
        )
    )


def print_summary(by_size: dict[int, dict[str, Row]]) -> dict[str, Any]:
    sizes = list(by_size)
    pairs = [(a, b) for a, b in PAIRS if all(a in by_size[n] and b in by_size[n] for n in sizes)]
    ratios: dict[str, Any] = {}
    if not pairs:
        return ratios
    print("\n## Summary: the peer's wall time / streamkit's (higher = streamkit faster)")
    headers = ["", *(f"N={next(iter(by_size[n].values())).deltas:,}" for n in sizes)]
    table = []
    for a, b in pairs:
        medians = {n: by_size[n][a].seconds / by_size[n][b].seconds for n in sizes}
        paired = {n: ratio_of_medians(by_size[n][a].runs, by_size[n][b].runs) for n in sizes}
        rss = {n: by_size[n][b].peak_rss_mb / by_size[n][a].peak_rss_mb for n in sizes}
        ratios[f"{a}/{b}"] = {"median_times": medians, "paired_rounds": paired, "peak_rss": rss}
        table.append([f"{a} / {b}: medians", *(f"{medians[n]:.2f}{TIMES}" for n in sizes)])
        table.append(
            [f"{a} / {b}: median of per-round", *(f"{paired[n]:.2f}{TIMES}" for n in sizes)]
        )
        table.append([f"{b} / {a}: peak RSS", *(f"{rss[n]:.2f}{TIMES}" for n in sizes)])
    print(markdown_table(headers, table))
    return ratios


# --------------------------------------------------------------------------------------------
# Main.
# --------------------------------------------------------------------------------------------


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    p.add_argument("--sizes", default=None, help="comma-separated target deltas (5000,40000)")
    p.add_argument("--repeat", type=int, default=None, help="runs per cell, the median (3)")
    p.add_argument("--clients", default=",".join(ALL_CLIENTS), help=f"of {','.join(ALL_CLIENTS)}")
    p.add_argument("--json", type=Path, default=None, help="write all results to this file")
    p.add_argument(
        "--profile",
        type=Path,
        default=None,
        help="write a cProfile of each timed run to DIR/CLIENT-N-RUN.pstats (slows the runs)",
    )
    p.add_argument("--quick", action="store_true", help="N = 5000, one run each")
    # Internal: the client processes.
    p.add_argument("--role", choices=("main", "client"), default="main", help=argparse.SUPPRESS)
    p.add_argument("--client", default="streamkit", help=argparse.SUPPRESS)
    p.add_argument("--base-url", default="", help=argparse.SUPPRESS)
    p.add_argument("--server-pid", type=int, default=0, help=argparse.SUPPRESS)
    p.add_argument("--profile-file", default=None, help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    try:
        sizes = [int(s.replace("_", "")) for s in args.sizes.split(",")] if args.sizes else None
    except ValueError:
        p.error("--sizes takes comma-separated integers")
    args.sizes = sizes or list(QUICK_SIZES if args.quick else DEFAULT_SIZES)
    if args.repeat is None:
        args.repeat = 1 if args.quick else DEFAULT_REPEAT
    args.clients = [c.strip() for c in args.clients.split(",") if c.strip()]
    if not args.clients or any(c not in ALL_CLIENTS for c in args.clients):
        p.error(f"--clients takes names of: {', '.join(ALL_CLIENTS)}")
    if args.repeat < 1 or min(args.sizes) < 1:
        p.error("--repeat and --sizes must be positive")
    return args


def run_size(n: int, args: argparse.Namespace) -> tuple[dict[str, Row], dict[str, Any]]:
    """Every client's runs at one size; the rows and the stream's description."""
    from streams import responses_stream

    t0 = time.perf_counter()
    stream = responses_stream(n)
    expected = expected_summary(stream.final, stream.events, len(stream.data))
    info = {
        "target_deltas": n,
        "deltas": stream.deltas,
        "events": stream.events,
        "bytes": len(stream.data),
    }
    print(
        f"\n## N = {stream.deltas:,} deltas (target {n:,}): {len(stream.data):,} bytes, "
        f"{stream.events:,} events, one HTTP chunk each (generated in "
        f"{time.perf_counter() - t0:.1f} s)",
        flush=True,
    )
    runs: dict[str, list[dict[str, Any]]] = {}
    planned = REQUESTS_PER_RUN * len(args.clients) * args.repeat
    with tempfile.TemporaryDirectory(prefix="bench-responses-live-") as tmp:
        path = Path(tmp) / "stream.sse"
        path.write_bytes(stream.data)
        server_process = ServerProcess(
            f"file:{path}",
            api="responses",
            event_delay_ms=0,
            max_requests=planned,
            fds=FD_HEADROOM,
            interleave=False,  # one stream at a time: no yield per event, less server CPU
        )
        with server_process as server:
            for round_ in range(args.repeat):
                for name in args.clients:  # interleaved: load drifts hit every client alike
                    options = [
                        f"--client={name}",
                        f"--base-url={server.base_url}",
                        f"--server-pid={server.proc.pid}",
                    ]
                    if args.profile:
                        args.profile.mkdir(parents=True, exist_ok=True)
                        target = args.profile / f"{name}-{n}-{round_}.pstats"
                        options.append(f"--profile-file={target}")
                    result = run_client_process(
                        __file__, options, f"{name} at N={n}", CLIENT_TIMEOUT_S
                    )
                    problem = check(name, result["summary"], expected)
                    if problem:
                        raise CheckFailed(problem)
                    runs.setdefault(name, []).append(result)
                    print(
                        f"  {name:>16} N={stream.deltas:<6,} {result['seconds'] * 1000:8.0f} ms "
                        f"{stream.events / result['seconds']:>10,.0f} events/s",
                        file=sys.stderr,
                        flush=True,
                    )
            served = server.stats()
    if served["served"] != planned or served["rejected"]:
        msg = f"the server answered {served}, expected {planned} streams"
        raise CheckFailed(msg)
    print(
        "check: streamkit's final Response == the terminal response streamed (no anomaly, every "
        "event applied); openai's final texts and id == the streamed ones; httpx-raw read "
        "every byte",
        flush=True,
    )
    rows = {c: summarize(c, stream.deltas, stream.events, runs[c]) for c in args.clients}
    print_size_table(list(rows.values()))
    return rows, info


class CheckFailed(Exception):
    """A client's result is not the stream's."""


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    if args.role == "client":
        result = client_run(args.client, args.base_url, args.server_pid, args.profile_file)
        print(json.dumps(result))
        return 0
    info = machine_header()
    info.update(sizes=args.sizes, repeat=args.repeat, clients=args.clients)
    print_machine_header(info)
    print(
        f"Stream: streams.responses_stream(N) served by a loopback server in its own process, "
        f"one HTTP chunk per event; each run a fresh client process (warm-up checked, then one "
        f"timed run); median of {args.repeat} run(s) per cell, clients alternating",
        flush=True,
    )
    results: dict[str, Any] = {"header": info, "streams": [], "rows": []}
    by_size: dict[int, dict[str, Row]] = {}
    status = 0
    try:
        for n in args.sizes:
            rows, stream_info = run_size(n, args)
            by_size[n] = rows
            results["streams"].append(stream_info)
            results["rows"].extend(asdict(r) for r in rows.values())
    except (CheckFailed, RuntimeError) as error:
        print(f"error: {error}", file=sys.stderr)
        results["error"] = str(error)
        status = 3
    if by_size:
        results["ratios"] = print_summary(by_size)
    load = os.getloadavg() if hasattr(os, "getloadavg") else None
    if load:
        print(f"\nload average at the end: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    if args.json:
        args.json.write_text(json.dumps(results, indent=1) + "\n")
    return status


if __name__ == "__main__":
    sys.exit(main())
