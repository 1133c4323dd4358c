"""What the loopback HTTP benchmarks share: a streaming server in its own process, the client
processes, and the environment their reports print.

Used by ``bench_concurrency.py`` (N concurrent streams, Runs or Responses API) and
``bench_responses_live.py`` (one long Responses stream, sync and async clients).

* :class:`Server`: a minimal HTTP/1.1 server (asyncio streams, keep-alive, no TLS) that answers
  every streaming request of one API with the same SSE events, one HTTP chunk per event, as a
  real server flushes them: ``POST /v1/threads/{thread_id}/runs`` (``api="runs"``) or
  ``POST /v1/responses`` (``api="responses"``), each only when the JSON body has
  ``"stream": true``; anything else gets a 404. It answers at most ``max_requests`` streams
  (a 503 after that), so a run can check that its clients made exactly the requests it planned.
* :class:`ServerProcess`: that server in a process of its own on 127.0.0.1 (``python
  loopback.py ...``), so that its CPU time is not the client's; its CPU time and counts.
* :func:`run_client_process`: runs a benchmark script's client role in a fresh process (its
  peak RSS is its own) and returns the JSON line it printed last.
* :func:`machine_header` / :func:`print_machine_header`: Python, CPU, load average, package
  versions, where ``streamkit`` was imported from and its git state.

It depends on nothing of streamkit's but :mod:`streamkit.recordings` (to load a bundled
recording by name); not on :mod:`streamkit.mockserver`, which records every request.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import resource
import subprocess
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from report import cpu_model, version

__all__ = [
    "API_PATHS",
    "BACKLOG",
    "FD_HEADROOM",
    "Server",
    "ServerProcess",
    "event_names",
    "load_events",
    "machine_header",
    "percentile",
    "print_machine_header",
    "raise_fd_limit",
    "run_client_process",
    "sse_events",
]

# Sockets: one per stream in the client, one per connection in the server, plus headroom.
FD_HEADROOM = 256
# The server's listen backlog: a burst of 1000 connects must not overflow it (a dropped SYN
# is retried after 1 s by the kernel, which would show as a 1 s time to first event).
BACKLOG = 4096
# The most a request head or a line of it may take (asyncio.StreamReader's limit).
READ_LIMIT = 256 * 1024
MiB = 1024 * 1024


def _is_runs_path(path: str) -> bool:
    # /v1/threads/{thread_id}/runs
    return path.startswith("/v1/threads/") and path.endswith("/runs") and path.count("/") == 4


def _is_responses_path(path: str) -> bool:
    return path == "/v1/responses"


#: The streaming endpoint each API's server answers: the request path's test.
API_PATHS: dict[str, Callable[[str], bool]] = {
    "runs": _is_runs_path,
    "responses": _is_responses_path,
}


# --------------------------------------------------------------------------------------------
# The events served.
# --------------------------------------------------------------------------------------------


def sse_events(data: bytes) -> list[bytes]:
    """SSE bytes cut into events, each with its blank line (a ``done`` event included)."""
    data = data.replace(b"\r\n", b"\n")
    return [block + b"\n\n" for block in data.split(b"\n\n") if block.strip()]


def load_events(source: str) -> list[bytes]:
    """The events of ``source``: ``recording:NAME`` (a bundled recording of either API, see
    :mod:`streamkit.recordings`) or ``file:PATH`` (SSE bytes in a file)."""
    kind, _, what = source.partition(":")
    if kind == "recording":
        from streamkit import recordings

        return sse_events(recordings.read_bytes(what))
    if kind == "file":
        return sse_events(Path(what).read_bytes())
    msg = f"a source is recording:NAME or file:PATH, not {source!r}"
    raise ValueError(msg)


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


# --------------------------------------------------------------------------------------------
# The server: a minimal HTTP/1.1 server (asyncio streams), its own process, loopback only.
# --------------------------------------------------------------------------------------------


class Server:
    """Serves ``events`` (one HTTP chunk each) for every streaming request of ``api``.

    At most ``max_requests`` requests are answered; later ones get a 503. ``event_delay``
    seconds pass between two events of a stream. At 0, with ``interleave`` the task still
    yields to the loop after each event, so that concurrent streams interleave instead of each
    being written whole; without it, a stream is written without yielding except when the
    socket is full (``drain``): for one stream at a time, where a yield per event would only
    cost the server CPU time.
    """

    def __init__(
        self,
        events: Sequence[bytes],
        event_delay: float,
        max_requests: int,
        *,
        api: str = "runs",
        interleave: bool = True,
    ) -> None:
        self.chunks = [b"%x\r\n%b\r\n" % (len(e), e) for e in events]
        self.event_delay = event_delay
        self.max_requests = max_requests
        self.wanted = API_PATHS[api]
        self.pause = event_delay > 0 or interleave
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
        except (ValueError, AttributeError):
            streaming = False
        if not (method == "POST" and self.wanted(path) and streaming):
            return await self.reply(writer, b"404 Not Found", b'{"error":{"message":"not here"}}')
        if self.served >= self.max_requests:
            self.rejected += 1
            return await self.reply(writer, b"503 Service Unavailable", b'{"error":{}}')
        self.served += 1
        writer.write(
            b"HTTP/1.1 200 OK\r\ncontent-type: text/event-stream; charset=utf-8\r\n"
            b"cache-control: no-cache\r\ntransfer-encoding: chunked\r\n\r\n"
        )
        pause, delay = self.pause, self.event_delay
        for chunk in self.chunks:
            writer.write(chunk)
            await writer.drain()
            if pause:
                await asyncio.sleep(delay)
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


async def serve(server: Server) -> None:
    """The server process: print the port, serve until stdin closes, print the counts."""
    listener = await asyncio.start_server(
        server.handle, "127.0.0.1", 0, backlog=BACKLOG, limit=READ_LIMIT
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


def process_cpu_seconds(pid: int) -> float:
    """A process's user + system CPU time so far (Linux /proc; 0 elsewhere)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class ServerProcess:
    """The server's process, from its start to its stop (``with``).

    Args:
        source: what it serves (:func:`load_events`: ``recording:NAME`` or ``file:PATH``).
        api: ``runs`` or ``responses`` (:data:`API_PATHS`).
        event_delay_ms: the pause between two events of a stream.
        max_requests: the streams it answers; a 503 after that.
        fds: the soft limit of open files it raises itself to.
        interleave: see :class:`Server`.
    """

    def __init__(
        self,
        source: str,
        *,
        api: str,
        event_delay_ms: float,
        max_requests: int,
        fds: int,
        interleave: bool = True,
    ) -> None:
        cmd = [
            sys.executable,
            __file__,
            f"--source={source}",
            f"--api={api}",
            f"--event-delay={event_delay_ms}",
            f"--max-requests={max_requests}",
            f"--fds={fds}",
            f"--interleave={'yes' if interleave else 'no'}",
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
        return process_cpu_seconds(self.proc.pid)

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
# Client processes.
# --------------------------------------------------------------------------------------------


def run_client_process(
    script: str | Path, options: Sequence[str], what: str, timeout: float
) -> dict[str, Any]:
    """Run ``python script --role=client *options`` in a fresh process; the JSON object it
    printed on its last line of stdout. A RuntimeError (naming ``what``) if it fails or takes
    longer than ``timeout`` seconds."""
    cmd = [sys.executable, str(script), "--role=client", *options]
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        msg = f"{what}: no result within {timeout:.0f} s"
        raise RuntimeError(msg) from None
    lines = proc.stdout.strip().splitlines()
    if proc.returncode != 0 or not lines:
        tail = proc.stderr.strip().splitlines()[-5:]
        msg = f"{what}: exit status {proc.returncode}\n" + "\n".join(tail)
        raise RuntimeError(msg)
    return dict(json.loads(lines[-1]))


def peak_rss_kib() -> int:
    """This process's peak resident set size so far, KiB.

    ``VmHWM`` of ``/proc/self/status`` where there is one: Linux carries ``ru_maxrss`` over
    ``exec``, and a child forked from a process that held more (a benchmark's main process
    with a 40k-delta stream in memory, ~125 MB) reports the parent's size as its own peak.
    ``ru_maxrss`` elsewhere.
    """
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def percentile(values: Sequence[float], p: float) -> float:
    """The nearest-rank percentile ``p`` (0-100) of sorted ``values``."""
    rank = max(1, -(-len(values) * p // 100))
    return values[int(rank) - 1]


# --------------------------------------------------------------------------------------------
# The environment.
# --------------------------------------------------------------------------------------------

DISTS = ("streamkit", "openai", "httpx", "httpcore", "httpx2", "httpcore2", "h11", "orjson")


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


def machine_header(dists: Sequence[str] = DISTS) -> dict[str, Any]:
    """Python, platform, CPU, load average, the packages' versions, streamkit's path and git."""
    return {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpu": cpu_model(),
        "cpu_count": os.cpu_count(),
        "load_average": os.getloadavg() if hasattr(os, "getloadavg") else None,
        "packages": {d: version(d) for d in dists},
        "streamkit_path": streamkit_path(),
        "git": git_state(),
    }


def print_machine_header(info: dict[str, Any]) -> None:
    """Print :func:`machine_header`'s ``info``, a few lines."""
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


# --------------------------------------------------------------------------------------------
# The server's process.
# --------------------------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    """``python loopback.py --source=... --api=...``: the server (:class:`ServerProcess`)."""
    p = argparse.ArgumentParser(description="The loopback benchmark server (see the docstring).")
    p.add_argument("--source", required=True, help="recording:NAME or file:PATH")
    p.add_argument("--api", choices=sorted(API_PATHS), default="runs")
    p.add_argument("--event-delay", type=float, default=0.0, help="ms between a stream's events")
    p.add_argument("--max-requests", type=int, required=True)
    p.add_argument("--fds", type=int, default=0)
    p.add_argument("--interleave", choices=("yes", "no"), default="yes")
    args = p.parse_args(argv)
    raise_fd_limit(args.fds)
    server = Server(
        load_events(args.source),
        args.event_delay / 1000,
        args.max_requests,
        api=args.api,
        interleave=args.interleave == "yes",
    )
    asyncio.run(serve(server))
    return 0


if __name__ == "__main__":
    sys.exit(main())
