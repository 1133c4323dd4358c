"""Concurrent streams in one process: streamkit ``AsyncClient`` vs openai ``AsyncOpenAI``.

Usage::

    python benchmarks/bench_concurrency.py [--api runs|responses] [--sizes 100,500,1000]
                                           [--repeat 3] [--recording NAME] [--event-delay MS]
                                           [--clients streamkit,openai,openai-raw]
                                           [--json FILE] [--quick]

A local HTTP/1.1 server (``loopback.Server``), in its own process on 127.0.0.1, answers every
streaming request of the API with the same recording, one chunk per event:
``POST /v1/threads/{thread_id}/runs`` with ``"stream": true`` (``--api runs``, the default;
recording ``text-run``) or ``POST /v1/responses`` with ``"stream": true`` (``--api
responses``; recording ``responses-text-logprobs``). For each N, each client runs in a fresh
process of its own: it opens N streams at once (``asyncio.gather``), consumes every event,
and reports

* events/s: the events of all N streams divided by the wall time from the start of the
  gather to the end of the last stream;
* time to first event, p50 and p99 (ms), counted from the start of the gather (so a stream
  waiting for a pooled connection counts its wait);
* peak RSS (MB): ``ru_maxrss`` of the client's process (imports and client included).

Clients (``--clients``), ``--api runs``:

* ``streamkit``: ``streamkit.AsyncClient(api_key=..., base_url=...)``,
  ``async with client.runs.stream(thread_id, assistant_id=...) as stream: async for event in
  stream`` (typed events, the run accumulated);
* ``openai``: ``openai.AsyncOpenAI(...)``, ``async with client.beta.threads.runs.stream(...)
  as stream: async for event in stream`` (openai's helper: typed events, accumulated);
* ``openai-raw``: ``await client.beta.threads.runs.create(..., stream=True)``, ``async for``
  over it (typed events, nothing accumulated); not run by default.

``--api responses``: the same with ``client.responses.stream(model=..., input=...)`` (both
clients: typed events, the response accumulated) and, for ``openai-raw``, ``await
client.responses.create(model=..., input=..., stream=True)``.

Before timing, each client process streams once (its warm-up, not counted). Every stream
must yield the recording's events (all but ``done``), ending with the recording's last event
(``thread.run.completed``, ``response.completed``); otherwise the run stops with exit status
3. Both clients keep their default connection limits and timeouts; ``max_retries=0`` so that
a failure shows instead of being retried.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import operator
import statistics
import sys
import time
import warnings
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from loopback import (
    FD_HEADROOM,
    MiB,
    ServerProcess,
    event_names,
    load_events,
    machine_header,
    peak_rss_kib,
    percentile,
    print_machine_header,
    raise_fd_limit,
    run_client_process,
)
from report import markdown_table

TIMES = "\u00d7"  # multiplication sign, for ratios
DEFAULT_SIZES = (100, 500, 1000)
QUICK_SIZES = (20, 100)
DEFAULT_REPEAT = 3
DEFAULT_CLIENTS = ("streamkit", "openai")
ALL_CLIENTS = ("streamkit", "openai", "openai-raw")
APIS = ("runs", "responses")
# The recording each API's streams serve by default.
DEFAULT_RECORDING = {"runs": "text-run", "responses": "responses-text-logprobs"}
API_KEY = "sk-bench-concurrency"
ASSISTANT_ID = "asst_bench"
# What a Responses stream is created with (the server answers whatever is asked).
MODEL = "gpt-4o-mini"
INPUT = "Say hello."
# A client process that takes longer than this is killed (and the run fails).
CLIENT_TIMEOUT_S = 300.0
TARGET_SPEED = 3.0  # at the largest N: streamkit events/s at least this times openai's


# --------------------------------------------------------------------------------------------
# The clients: one process per (client, N).
# --------------------------------------------------------------------------------------------


@dataclass
class StreamResult:
    """What one stream saw."""

    first: float | None  # perf_counter() at its first event
    count: int  # its events, ``done`` not counted (openai does not yield it)
    last: str | None  # the name of its last event before ``done``


async def consume(events: Any, name_of: Callable[[Any], str]) -> StreamResult:
    """Read an async iterator of typed events to its end; ``name_of(event)`` is its name."""
    first, count, last = None, 0, None
    async for event in events:
        if first is None:
            first = time.perf_counter()
        name = name_of(event)
        if name != "done":
            count += 1
            last = name
    return StreamResult(first, count, last)


# The name of a typed event: streamkit's events of both APIs have ``.event`` (a Responses
# event's is its ``type``); openai's Assistants events have ``.event``, its Responses events
# only ``.type``.
_EVENT = operator.attrgetter("event")
_TYPE = operator.attrgetter("type")


def make_client(name: str, base_url: str, api: str = "runs") -> tuple[Any, Any]:
    """(one, close): ``one(i)`` runs stream ``i`` to its end; ``close()`` closes the client."""
    if name == "streamkit":
        import streamkit

        client = streamkit.AsyncClient(api_key=API_KEY, base_url=base_url, max_retries=0)

        async def one(i: int) -> StreamResult:
            async with client.runs.stream(f"thread_b{i}", assistant_id=ASSISTANT_ID) as stream:
                return await consume(stream, _EVENT)

        async def response(i: int) -> StreamResult:
            async with client.responses.stream(model=MODEL, input=INPUT) as stream:
                return await consume(stream, _EVENT)

        return (response if api == "responses" else one), client.aclose

    import openai

    oclient = openai.AsyncOpenAI(api_key=API_KEY, base_url=base_url, max_retries=0)
    if api == "responses":
        responses = oclient.responses

        async def response_helper(i: int) -> StreamResult:
            async with responses.stream(model=MODEL, input=INPUT) as stream:
                return await consume(stream, _TYPE)

        async def response_raw(i: int) -> StreamResult:
            stream = await responses.create(model=MODEL, input=INPUT, stream=True)
            async with stream:
                return await consume(stream, _TYPE)

        return (response_raw if name == "openai-raw" else response_helper), oclient.close

    # The Assistants API methods are deprecated in openai 3.x; the warning is not measured.
    warnings.simplefilter("ignore", DeprecationWarning)
    runs = oclient.beta.threads.runs

    async def helper(i: int) -> StreamResult:
        async with runs.stream(thread_id=f"thread_b{i}", assistant_id=ASSISTANT_ID) as stream:
            return await consume(stream, _EVENT)

    async def raw(i: int) -> StreamResult:
        stream = await runs.create(thread_id=f"thread_b{i}", assistant_id=ASSISTANT_ID, stream=True)
        async with stream:
            return await consume(stream, _EVENT)

    return (raw if name == "openai-raw" else helper), oclient.close


async def client_run(name: str, base_url: str, n: int, api: str = "runs") -> dict[str, Any]:
    """Warm up with one stream, then run ``n`` streams at once; the measurements."""
    one, close = make_client(name, base_url, api)
    warm = await one(-1)  # imports, lazy set-up and the first connection: not measured
    rss_base = peak_rss_kib()
    cpu0 = time.process_time()
    start = time.perf_counter()
    results = await asyncio.gather(*(one(i) for i in range(n)), return_exceptions=True)
    end = time.perf_counter()
    cpu = time.process_time() - cpu0
    peak = peak_rss_kib()
    await close()
    done = [r for r in results if isinstance(r, StreamResult)]
    errors = [f"{type(r).__name__}: {r}"[:300] for r in results if isinstance(r, BaseException)]
    return {
        "client": name,
        "n": n,
        "seconds": end - start,
        "events": sum(r.count for r in done),
        "counts": sorted({r.count for r in [warm, *done]}),
        "last_events": sorted({str(r.last) for r in [warm, *done]}),
        "no_event": sum(r.first is None for r in done),
        "errors": len(errors),
        "first_errors": errors[:3],
        "ttfe_ms": sorted((r.first - start) * 1000 for r in done if r.first is not None),
        "peak_rss_kib": peak,
        "base_rss_kib": rss_base,
        "cpu_s": cpu,
    }


def client_main(args: argparse.Namespace) -> None:
    """A client process: print one JSON line of measurements."""
    raise_fd_limit(args.fds)
    print(json.dumps(asyncio.run(client_run(args.client, args.base_url, args.n, args.api))))


def run_client(name: str, base_url: str, n: int, fds: int, api: str = "runs") -> dict[str, Any]:
    """Run one client process; its measurements (a RuntimeError if it fails)."""
    options = [f"--client={name}", f"--base-url={base_url}", f"--n={n}", f"--fds={fds}"]
    options.append(f"--api={api}")
    return run_client_process(__file__, options, f"{name} at N={n}", CLIENT_TIMEOUT_S)


# --------------------------------------------------------------------------------------------
# Checks, statistics and the report.
# --------------------------------------------------------------------------------------------


def check(result: dict[str, Any], expected: int, last: str) -> str | None:
    """Why a client's run is wrong, or None: every stream must see every event."""
    where = f"{result['client']} at N={result['n']}"
    if result["errors"]:
        return f"{where}: {result['errors']} stream(s) failed, e.g. {result['first_errors'][0]}"
    if result["counts"] != [expected]:
        return f"{where}: events per stream {result['counts']}, expected {expected}"
    if result["last_events"] != [last]:
        return f"{where}: last events {result['last_events']}, expected {last!r}"
    if result["no_event"] or result["events"] != expected * result["n"]:
        return f"{where}: {result['events']} events in all, expected {expected * result['n']}"
    return None


@dataclass
class Row:
    """A (client, N) cell: the median over the repeats of each measurement."""

    client: str
    n: int
    events_per_s: float
    events_per_cpu_s: float  # per second of the client's CPU time: less moved by other load
    ttfe_p50_ms: float
    ttfe_p99_ms: float
    peak_rss_mb: float
    base_rss_mb: float
    client_cpu: float  # the client's CPU time / wall time of the streams
    server_cpu: float  # the server's CPU time / the same wall time
    connections: int  # the most connections the server had open at once
    runs: list[dict[str, Any]]


def summarize(client: str, n: int, runs: list[dict[str, Any]]) -> Row:
    def med(f: Callable[[dict[str, Any]], float]) -> float:
        return float(statistics.median(f(r) for r in runs))

    return Row(
        client=client,
        n=n,
        events_per_s=med(lambda r: r["events"] / r["seconds"]),
        events_per_cpu_s=med(lambda r: r["events"] / r["cpu_s"]),
        ttfe_p50_ms=med(lambda r: percentile(r["ttfe_ms"], 50)),
        ttfe_p99_ms=med(lambda r: percentile(r["ttfe_ms"], 99)),
        peak_rss_mb=med(lambda r: r["peak_rss_kib"] * 1024 / MiB),
        base_rss_mb=med(lambda r: r["base_rss_kib"] * 1024 / MiB),
        client_cpu=med(lambda r: r["cpu_s"] / r["seconds"]),
        server_cpu=med(lambda r: r["server_cpu_s"] / r["seconds"]),
        connections=max(r["server"]["peak_connections"] for r in runs),
        runs=runs,
    )


def header(args: argparse.Namespace, expected: int, event_bytes: int, done: bool) -> dict[str, Any]:
    info = machine_header()
    info.update(
        api=args.api,
        recording=args.recording,
        events_per_stream=expected,
        bytes_per_stream=event_bytes,
        event_delay_ms=args.event_delay,
        sizes=args.sizes,
        repeat=args.repeat,
    )
    print_machine_header(info)
    api = "" if args.api == "runs" else f"API {args.api}; "
    print(
        f"Stream: {api}recording {args.recording!r}, {expected} events"
        + (" + done" if done else "")
        + f", {event_bytes:,} bytes, one HTTP chunk per event, {args.event_delay:g} ms between "
        "events; server and each client in their own process; median of "
        f"{args.repeat} run(s) per cell"
    )
    sys.stdout.flush()  # before the progress lines on stderr
    return info


def report(rows: list[Row], clients: Sequence[str], sizes: Sequence[int]) -> dict[str, Any]:
    by = {(r.client, r.n): r for r in rows}
    print()
    print(
        markdown_table(
            [
                "N",
                "client",
                "events/s",
                "events/CPU-s",
                "first event p50 ms",
                "p99 ms",
                "connections",
                "peak RSS MB",
                "RSS before MB",
                "client CPU",
                "server CPU",
            ],
            [
                [
                    str(r.n),
                    r.client,
                    f"{r.events_per_s:,.0f}",
                    f"{r.events_per_cpu_s:,.0f}",
                    f"{r.ttfe_p50_ms:,.0f}",
                    f"{r.ttfe_p99_ms:,.0f}",
                    str(r.connections),
                    f"{r.peak_rss_mb:.0f}",
                    f"{r.base_rss_mb:.0f}",
                    f"{r.client_cpu:.0%}",
                    f"{r.server_cpu:.0%}",
                ]
                for r in rows
            ],
            right_from=2,
        )
    )
    ratios: dict[str, Any] = {}
    others = [c for c in clients if c != "streamkit"]
    if "streamkit" not in clients or not others:
        return ratios
    print()
    print(
        "streamkit / other: events/s and events per second of the client's CPU time (higher "
        "is better); first event and RSS (lower is better)"
    )
    table = []
    for n in sizes:
        sk = by[("streamkit", n)]
        for other in others:
            o = by[(other, n)]
            cell = {
                "events_per_s": sk.events_per_s / o.events_per_s,
                "events_per_cpu_s": sk.events_per_cpu_s / o.events_per_cpu_s,
                "ttfe_p50": sk.ttfe_p50_ms / o.ttfe_p50_ms,
                "ttfe_p99": sk.ttfe_p99_ms / o.ttfe_p99_ms,
                "peak_rss": sk.peak_rss_mb / o.peak_rss_mb,
            }
            ratios[f"{n}/{other}"] = cell
            table.append(
                [str(n), f"streamkit / {other}"]
                + [
                    f"{cell[k]:.2f}{TIMES}"
                    for k in (
                        "events_per_s",
                        "events_per_cpu_s",
                        "ttfe_p50",
                        "ttfe_p99",
                        "peak_rss",
                    )
                ]
            )
    print()
    print(
        markdown_table(
            ["N", "ratio", "events/s", "events/CPU-s", "first event p50", "p99", "peak RSS"],
            table,
            right_from=2,
        )
    )
    if "openai" in others:
        top = max(sizes)
        cell = ratios[f"{top}/openai"]
        fast = cell["events_per_s"] >= TARGET_SPEED
        lean = cell["peak_rss"] < 1
        print()
        print(
            f"target at N={top}: events/s >= {TARGET_SPEED:g}{TIMES} openai's: "
            f"{cell['events_per_s']:.2f}{TIMES} {'met' if fast else 'NOT met'}; "
            f"less memory: {cell['peak_rss']:.2f}{TIMES} {'met' if lean else 'NOT met'}"
        )
    return ratios


# --------------------------------------------------------------------------------------------
# Main.
# --------------------------------------------------------------------------------------------


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    p.add_argument(
        "--api", choices=APIS, default="runs", help="the streams: runs (default) or responses"
    )
    p.add_argument("--sizes", default=None, help="comma-separated N (default 100,500,1000)")
    p.add_argument(
        "--repeat", type=int, default=None, help="runs per (client, N), the median (default 3)"
    )
    p.add_argument(
        "--recording",
        default=None,
        help="bundled recording of the API to serve (default text-run, responses-text-logprobs),"
        " or the path of an .sse file",
    )
    p.add_argument("--event-delay", type=float, default=0.0, help="ms between a stream's events")
    p.add_argument(
        "--clients", default=",".join(DEFAULT_CLIENTS), help=f"of {','.join(ALL_CLIENTS)}"
    )
    p.add_argument("--json", type=Path, default=None, help="write all results to this file")
    p.add_argument("--quick", action="store_true", help="N = 20 and 100, one run each")
    # Internal: the client processes.
    p.add_argument("--role", choices=("main", "client"), default="main", help=argparse.SUPPRESS)
    p.add_argument("--client", default="streamkit", help=argparse.SUPPRESS)
    p.add_argument("--base-url", default="", help=argparse.SUPPRESS)
    p.add_argument("--n", type=int, default=0, help=argparse.SUPPRESS)
    p.add_argument("--fds", type=int, default=0, help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    try:
        sizes = [int(s) for s in args.sizes.split(",")] if args.sizes else None
    except ValueError:
        p.error("--sizes takes comma-separated integers")
    args.sizes = sizes or list(QUICK_SIZES if args.quick else DEFAULT_SIZES)
    if args.repeat is None:
        args.repeat = 1 if args.quick else DEFAULT_REPEAT
    args.clients = [c.strip() for c in args.clients.split(",") if c.strip()]
    if any(c not in ALL_CLIENTS for c in args.clients) or not args.clients:
        p.error(f"--clients takes names of: {', '.join(ALL_CLIENTS)}")
    from streamkit import recordings

    names = recordings.NAMES if args.api == "runs" else recordings.RESPONSES_NAMES
    if args.recording is None:
        args.recording = DEFAULT_RECORDING[args.api]
    if args.recording in names:
        args.source = f"recording:{args.recording}"
    elif args.recording.endswith(".sse") and Path(args.recording).is_file():
        args.source = f"file:{Path(args.recording).resolve()}"
    else:
        p.error(f"--recording takes an .sse file or one of: {', '.join(names)}")
    if args.repeat < 1 or min(args.sizes) < 1 or args.event_delay < 0:
        p.error("--repeat and --sizes must be positive, --event-delay not negative")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    if args.role == "client":
        client_main(args)
        return 0
    events = load_events(args.source)
    names = event_names(events)
    expected = sum(name != "done" for name in names)
    last = [name for name in names if name != "done"][-1]
    info = header(args, expected, sum(map(len, events)), "done" in names)
    fds = 2 * max(args.sizes) + FD_HEADROOM
    raise_fd_limit(fds)
    # Every request the clients are to make (each process: one warm-up, then N), and no more.
    planned = sum(n + 1 for n in args.sizes) * len(args.clients) * args.repeat
    runs: dict[tuple[str, int], list[dict[str, Any]]] = {}
    server_process = ServerProcess(
        args.source,
        api=args.api,
        event_delay_ms=args.event_delay,
        max_requests=planned,
        fds=fds,
    )
    with server_process as server:
        for n in args.sizes:
            for _ in range(args.repeat):
                for name in args.clients:  # interleaved, so that load drifts hit all alike
                    cpu0 = server.cpu_seconds()
                    try:
                        result = run_client(name, server.base_url, n, fds, args.api)
                    except RuntimeError as error:
                        print(f"error: {error}", file=sys.stderr)
                        return 3
                    result["server_cpu_s"] = server.cpu_seconds() - cpu0
                    result["server"] = server.stats()
                    problem = check(result, expected, last)
                    if problem:
                        print(f"error: {problem}", file=sys.stderr)
                        return 3
                    runs.setdefault((name, n), []).append(result)
                    print(
                        f"  {name:>10} N={n:<5} {result['seconds']:6.2f} s "
                        f"{result['events'] / result['seconds']:>9,.0f} events/s",
                        file=sys.stderr,
                        flush=True,
                    )
        served = server.stats()
    if served["served"] != planned or served["rejected"]:
        print(f"error: the server answered {served}, expected {planned} streams", file=sys.stderr)
        return 3
    rows = [summarize(c, n, runs[(c, n)]) for n in args.sizes for c in args.clients]
    ratios = report(rows, args.clients, args.sizes)
    if args.json:
        payload = {
            "header": info,
            "server": served,
            "rows": [asdict(r) for r in rows],
            "ratios": ratios,
        }
        args.json.write_text(json.dumps(payload, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
