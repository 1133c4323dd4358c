"""Concurrent run streams in one process: streamkit ``AsyncClient`` vs openai ``AsyncOpenAI``.

Usage::

    python benchmarks/bench_concurrency.py [--sizes 100,500,1000] [--repeat 3]
                                           [--recording text-run] [--event-delay MS]
                                           [--clients streamkit,openai,openai-raw]
                                           [--json FILE] [--quick]

A local HTTP/1.1 server, in its own process on 127.0.0.1, answers every
``POST /v1/threads/{thread_id}/runs`` that has ``"stream": true`` with the same bundled
recording (``text-run`` by default), one chunk per event. For each N, each client runs in a
fresh process of its own: it opens N streams at once (``asyncio.gather``), consumes every
event, and reports

* events/s: the events of all N streams divided by the wall time from the start of the
  gather to the end of the last stream;
* time to first event, p50 and p99 (ms), counted from the start of the gather (so a stream
  waiting for a pooled connection counts its wait);
* peak RSS (MB): ``ru_maxrss`` of the client's process (imports and client included).

Clients (``--clients``):

* ``streamkit``: ``streamkit.AsyncClient(api_key=..., base_url=...)``,
  ``async with client.runs.stream(thread_id, assistant_id=...) as stream: async for event in
  stream`` (typed events, the run accumulated);
* ``openai``: ``openai.AsyncOpenAI(...)``, ``async with client.beta.threads.runs.stream(...)
  as stream: async for event in stream`` (openai's helper: typed events, accumulated);
* ``openai-raw``: ``await client.beta.threads.runs.create(..., stream=True)``, ``async for``
  over it (typed events, nothing accumulated); not run by default.

Before timing, each client process streams once (its warm-up, not counted). Every stream
must yield the recording's events (all but ``done``), ending with ``thread.run.completed``;
otherwise the run stops with exit status 3. Both clients keep their default connection
limits and timeouts; ``max_retries=0`` so that a failure shows instead of being retried.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
import warnings
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from report import cpu_model, markdown_table, version

TIMES = "\u00d7"  # multiplication sign, for ratios
DEFAULT_SIZES = (100, 500, 1000)
QUICK_SIZES = (20, 100)
DEFAULT_REPEAT = 3
DEFAULT_CLIENTS = ("streamkit", "openai")
ALL_CLIENTS = ("streamkit", "openai", "openai-raw")
API_KEY = "sk-bench-concurrency"
ASSISTANT_ID = "asst_bench"
# A client process that takes longer than this is killed (and the run fails).
CLIENT_TIMEOUT_S = 300.0
# Sockets: one per stream in the client, one per connection in the server, plus headroom.
FD_HEADROOM = 256
# The server's listen backlog: a burst of 1000 connects must not overflow it (a dropped SYN
# is retried after 1 s by the kernel, which would show as a 1 s time to first event).
BACKLOG = 4096
TARGET_SPEED = 3.0  # at the largest N: streamkit events/s at least this times openai's
MiB = 1024 * 1024


# --------------------------------------------------------------------------------------------
# The server: a minimal HTTP/1.1 server (asyncio streams), its own process, loopback only.
# --------------------------------------------------------------------------------------------


def recording_events(name: str) -> list[bytes]:
    """The recording's events as wire bytes, each with its blank line (``done`` included)."""
    from streamkit import recordings

    data = recordings.read_bytes(name).replace(b"\r\n", b"\n")
    return [block + b"\n\n" for block in data.split(b"\n\n") if block.strip()]


def event_names(events: Sequence[bytes]) -> list[str]:
    """The ``event:`` field of each event (``message`` when it has none)."""
    names = []
    for block in events:
        name = "message"
        for line in block.split(b"\n"):
            if line.startswith(b"event:"):
                name = line[6:].strip().decode()
        names.append(name)
    return names


def raise_fd_limit(needed: int) -> int:
    """Raise the soft limit of open files to ``needed`` (at most the hard limit); the result."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = needed if hard == resource.RLIM_INFINITY else min(needed, hard)
    if soft != resource.RLIM_INFINITY and soft < want:
        resource.setrlimit(resource.RLIMIT_NOFILE, (want, hard))
        soft = want
    return soft


class Server:
    """Serves ``events`` (one HTTP chunk each) for every streaming run request.

    At most ``max_requests`` requests are answered; later ones get a 503. ``event_delay``
    seconds pass between two events of a stream (0: the task only yields, so that concurrent
    streams interleave instead of each being written whole).
    """

    def __init__(self, events: Sequence[bytes], event_delay: float, max_requests: int) -> None:
        self.chunks = [b"%x\r\n%b\r\n" % (len(e), e) for e in events]
        self.event_delay = event_delay
        self.max_requests = max_requests
        self.served = 0
        self.rejected = 0
        self.connections = 0
        self.peak_connections = 0
        self.open_connections = 0

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        self.open_connections += 1
        self.peak_connections = max(self.peak_connections, self.open_connections)
        try:
            while await self.one_request(reader, writer):
                pass
        except (
            asyncio.IncompleteReadError,
            asyncio.LimitOverrunError,
            ConnectionError,
            ValueError,
        ):
            pass  # the client went away, or sent what this server does not parse
        finally:
            self.open_connections -= 1
            writer.close()

    async def one_request(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> bool:
        """Answer one request; False when the connection is to be closed."""
        try:
            head = await reader.readuntil(b"\r\n\r\n")
        except asyncio.IncompleteReadError:
            return False  # closed between requests
        lines = head.decode("latin-1").split("\r\n")
        method, target, _ = lines[0].split(" ", 2)
        headers = {}
        for line in lines[1:]:
            if ":" in line:
                key, value = line.split(":", 1)
                headers[key.strip().lower()] = value.strip()
        body = await reader.readexactly(int(headers.get("content-length", "0")))
        path = target.split("?", 1)[0]
        try:
            streaming = json.loads(body or b"{}").get("stream") is True
        except ValueError:
            streaming = False
        ok = (
            method == "POST"
            and path.startswith("/v1/threads/")
            and path.endswith("/runs")
            and path.count("/") == 4
            and streaming
        )
        if not ok:
            return await self.reply(writer, b"404 Not Found", b'{"error":{"message":"not here"}}')
        if self.served >= self.max_requests:
            self.rejected += 1
            return await self.reply(writer, b"503 Service Unavailable", b'{"error":{}}')
        self.served += 1
        writer.write(
            b"HTTP/1.1 200 OK\r\ncontent-type: text/event-stream; charset=utf-8\r\n"
            b"cache-control: no-cache\r\ntransfer-encoding: chunked\r\n\r\n"
        )
        for chunk in self.chunks:
            writer.write(chunk)
            await writer.drain()
            await asyncio.sleep(self.event_delay)
        writer.write(b"0\r\n\r\n")
        await writer.drain()
        return True

    @staticmethod
    async def reply(writer: asyncio.StreamWriter, status: bytes, body: bytes) -> bool:
        writer.write(
            b"HTTP/1.1 %b\r\ncontent-type: application/json\r\ncontent-length: %d\r\n\r\n%b"
            % (status, len(body), body)
        )
        await writer.drain()
        return True

    def stats(self) -> dict[str, int]:
        """The counts so far; the peak of open connections since the last call."""
        stats = {
            "served": self.served,
            "rejected": self.rejected,
            "connections": self.connections,
            "peak_connections": self.peak_connections,
        }
        self.peak_connections = self.open_connections
        return stats


async def serve(args: argparse.Namespace) -> None:
    """The server process: print the port, serve until stdin closes, print the counts."""
    server = Server(recording_events(args.recording), args.event_delay / 1000, args.max_requests)
    listener = await asyncio.start_server(
        server.handle, "127.0.0.1", 0, backlog=BACKLOG, limit=256 * 1024
    )
    port = listener.sockets[0].getsockname()[1]
    print(port, flush=True)
    loop = asyncio.get_running_loop()
    commands = asyncio.StreamReader()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(commands), sys.stdin)
    while line := await commands.readline():  # "stats" asks for the counts; EOF stops
        if line.strip() == b"stats":
            print(json.dumps(server.stats()), flush=True)
    listener.close()
    print(json.dumps(server.stats()), flush=True)


class ServerProcess:
    """The server's process, from its start to its stop (``with``)."""

    def __init__(self, recording: str, event_delay_ms: float, max_requests: int, fds: int):
        cmd = [
            sys.executable,
            __file__,
            "--role=server",
            f"--recording={recording}",
            f"--event-delay={event_delay_ms}",
            f"--max-requests={max_requests}",
            f"--fds={fds}",
        ]
        self.proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        assert self.proc.stdout is not None
        assert self.proc.stdin is not None
        line = self.proc.stdout.readline()
        if not line.strip().isdigit():
            self.stop()
            msg = "the benchmark server did not start"
            raise RuntimeError(msg)
        self.base_url = f"http://127.0.0.1:{int(line)}/v1"

    def cpu_seconds(self) -> float:
        """The server process's user + system CPU time so far (Linux /proc; 0 elsewhere)."""
        try:
            fields = Path(f"/proc/{self.proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return 0.0
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def stats(self) -> dict[str, int]:
        """The server's counts (:meth:`Server.stats`)."""
        assert self.proc.stdin is not None
        assert self.proc.stdout is not None
        self.proc.stdin.write("stats\n")
        self.proc.stdin.flush()
        return dict(json.loads(self.proc.stdout.readline()))

    def stop(self) -> None:
        assert self.proc.stdin is not None
        try:
            self.proc.stdin.close()
            self.proc.wait(timeout=10)
        except (OSError, subprocess.TimeoutExpired):
            self.proc.kill()
            self.proc.wait()

    def __enter__(self) -> ServerProcess:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


# --------------------------------------------------------------------------------------------
# The clients: one process per (client, N).
# --------------------------------------------------------------------------------------------


@dataclass
class StreamResult:
    """What one stream saw."""

    first: float | None  # perf_counter() at its first event
    count: int  # its events, ``done`` not counted (openai does not yield it)
    last: str | None  # the name of its last event before ``done``


async def consume(events: Any) -> StreamResult:
    """Read an async iterator of typed events to its end."""
    first, count, last = None, 0, None
    async for event in events:
        if first is None:
            first = time.perf_counter()
        name = event.event
        if name != "done":
            count += 1
            last = name
    return StreamResult(first, count, last)


def make_client(name: str, base_url: str) -> tuple[Any, Any]:
    """(one, close): ``one(i)`` runs stream ``i`` to its end; ``close()`` closes the client."""
    if name == "streamkit":
        import streamkit

        client = streamkit.AsyncClient(api_key=API_KEY, base_url=base_url, max_retries=0)

        async def one(i: int) -> StreamResult:
            async with client.runs.stream(f"thread_b{i}", assistant_id=ASSISTANT_ID) as stream:
                return await consume(stream)

        return one, client.aclose

    import openai

    # The Assistants API methods are deprecated in openai 3.x; the warning is not measured.
    warnings.simplefilter("ignore", DeprecationWarning)
    oclient = openai.AsyncOpenAI(api_key=API_KEY, base_url=base_url, max_retries=0)
    runs = oclient.beta.threads.runs

    async def helper(i: int) -> StreamResult:
        async with runs.stream(thread_id=f"thread_b{i}", assistant_id=ASSISTANT_ID) as stream:
            return await consume(stream)

    async def raw(i: int) -> StreamResult:
        stream = await runs.create(thread_id=f"thread_b{i}", assistant_id=ASSISTANT_ID, stream=True)
        async with stream:
            return await consume(stream)

    return (raw if name == "openai-raw" else helper), oclient.close


async def client_run(name: str, base_url: str, n: int) -> dict[str, Any]:
    """Warm up with one stream, then run ``n`` streams at once; the measurements."""
    one, close = make_client(name, base_url)
    warm = await one(-1)  # imports, lazy set-up and the first connection: not measured
    rss_base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    cpu0 = time.process_time()
    start = time.perf_counter()
    results = await asyncio.gather(*(one(i) for i in range(n)), return_exceptions=True)
    end = time.perf_counter()
    cpu = time.process_time() - cpu0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
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
    print(json.dumps(asyncio.run(client_run(args.client, args.base_url, args.n))))


def run_client(name: str, base_url: str, n: int, fds: int) -> dict[str, Any]:
    """Run one client process; its measurements (a RuntimeError if it fails)."""
    cmd = [
        sys.executable,
        __file__,
        "--role=client",
        f"--client={name}",
        f"--base-url={base_url}",
        f"--n={n}",
        f"--fds={fds}",
    ]
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=CLIENT_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        msg = f"{name} at N={n}: no result within {CLIENT_TIMEOUT_S:.0f} s"
        raise RuntimeError(msg) from None
    lines = proc.stdout.strip().splitlines()
    if proc.returncode != 0 or not lines:
        tail = proc.stderr.strip().splitlines()[-5:]
        msg = f"{name} at N={n}: exit status {proc.returncode}\n" + "\n".join(tail)
        raise RuntimeError(msg)
    return dict(json.loads(lines[-1]))


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


def percentile(values: Sequence[float], p: float) -> float:
    """The nearest-rank percentile ``p`` (0-100) of sorted ``values``."""
    rank = max(1, -(-len(values) * p // 100))
    return values[int(rank) - 1]


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


def streamkit_path() -> str:
    """Where ``import streamkit`` finds the package (``PYTHONPATH`` may point elsewhere)."""
    import streamkit

    return str(Path(streamkit.__file__).resolve().parent)


def git_state() -> str | None:
    """This checkout's commit and whether ``streamkit/`` has uncommitted changes.

    None if ``import streamkit`` does not find this checkout's package.
    """
    root = Path(__file__).resolve().parent.parent
    if Path(streamkit_path()) != root / "streamkit":
        return None
    try:
        sha, dirty = (
            subprocess.run(cmd, cwd=root, capture_output=True, text=True, check=True).stdout.strip()
            for cmd in (
                ["git", "rev-parse", "--short", "HEAD"],
                ["git", "status", "--porcelain", "--", "streamkit"],
            )
        )
    except (OSError, subprocess.CalledProcessError):
        return None
    return sha + (" + uncommitted changes in streamkit/" if dirty else "")


def header(args: argparse.Namespace, expected: int, event_bytes: int) -> dict[str, Any]:
    dists = ("streamkit", "openai", "httpx", "httpcore", "httpx2", "httpcore2", "h11", "orjson")
    info = {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpu": cpu_model(),
        "cpu_count": os.cpu_count(),
        "load_average": os.getloadavg() if hasattr(os, "getloadavg") else None,
        "packages": {d: version(d) for d in dists},
        "streamkit_path": streamkit_path(),
        "git": git_state(),
        "recording": args.recording,
        "events_per_stream": expected,
        "bytes_per_stream": event_bytes,
        "event_delay_ms": args.event_delay,
        "sizes": args.sizes,
        "repeat": args.repeat,
    }
    load = info["load_average"]
    print(f"Python {info['python']} on {info['platform']}")
    print(
        f"CPU: {info['cpu']}, {info['cpu_count']} logical CPUs"
        + (f"; load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}" if load else "")
    )
    print("Packages: " + ", ".join(f"{k} {v}" for k, v in info["packages"].items()))
    print(f"streamkit imported from {info['streamkit_path']}")
    if info["git"]:
        print(f"streamkit source: git {info['git']}")
    print(
        f"Stream: recording {args.recording!r}, {expected} events + done, {event_bytes:,} bytes, "
        f"one HTTP chunk per event, {args.event_delay:g} ms between events; server and each "
        f"client in their own process; median of {args.repeat} run(s) per cell"
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
    p.add_argument("--sizes", default=None, help="comma-separated N (default 100,500,1000)")
    p.add_argument(
        "--repeat", type=int, default=None, help="runs per (client, N), the median (default 3)"
    )
    p.add_argument("--recording", default="text-run", help="bundled recording to serve")
    p.add_argument("--event-delay", type=float, default=0.0, help="ms between a stream's events")
    p.add_argument(
        "--clients", default=",".join(DEFAULT_CLIENTS), help=f"of {','.join(ALL_CLIENTS)}"
    )
    p.add_argument("--json", type=Path, default=None, help="write all results to this file")
    p.add_argument("--quick", action="store_true", help="N = 20 and 100, one run each")
    # Internal: the server and client processes.
    p.add_argument(
        "--role", choices=("main", "server", "client"), default="main", help=argparse.SUPPRESS
    )
    p.add_argument("--client", default="streamkit", help=argparse.SUPPRESS)
    p.add_argument("--base-url", default="", help=argparse.SUPPRESS)
    p.add_argument("--n", type=int, default=0, help=argparse.SUPPRESS)
    p.add_argument("--fds", type=int, default=0, help=argparse.SUPPRESS)
    p.add_argument("--max-requests", type=int, default=0, help=argparse.SUPPRESS)
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

    if args.recording not in recordings.NAMES:
        p.error(f"--recording takes one of: {', '.join(recordings.NAMES)}")
    if args.repeat < 1 or min(args.sizes) < 1 or args.event_delay < 0:
        p.error("--repeat and --sizes must be positive, --event-delay not negative")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    if args.role == "server":
        raise_fd_limit(args.fds)
        asyncio.run(serve(args))
        return 0
    if args.role == "client":
        client_main(args)
        return 0
    events = recording_events(args.recording)
    names = event_names(events)
    expected = sum(name != "done" for name in names)
    last = [name for name in names if name != "done"][-1]
    info = header(args, expected, sum(map(len, events)))
    fds = 2 * max(args.sizes) + FD_HEADROOM
    raise_fd_limit(fds)
    # Every request the clients are to make (each process: one warm-up, then N), and no more.
    planned = sum(n + 1 for n in args.sizes) * len(args.clients) * args.repeat
    runs: dict[tuple[str, int], list[dict[str, Any]]] = {}
    with ServerProcess(args.recording, args.event_delay, planned, fds) as server:
        for n in args.sizes:
            for _ in range(args.repeat):
                for name in args.clients:  # interleaved, so that load drifts hit all alike
                    cpu0 = server.cpu_seconds()
                    try:
                        result = run_client(name, server.base_url, n, fds)
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
