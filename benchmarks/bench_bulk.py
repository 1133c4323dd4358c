"""Bulk replay: many recorded streams at ``--jobs 1``, ``--jobs 2`` and on a Dask cluster.

Usage::

    python benchmarks/bench_bulk.py [--repeat 5] [--chunksizes 1,4,16,64] [--no-dask]
                                    [--no-cli] [--json FILE] [--wait-quiet S] [--quick]

Two sets of logs are generated with the ``streamkit.testing`` builders into a temporary
folder, half Assistants run streams and half Responses streams, each file built with its own
seed:

* ``small``: 200 logs of 12-25 kB (a run with a message, or a function call then a message; the
  example Response with its reasoning, web search, code, function call and answer), the size of
  the real recordings;
* ``large``: 20 logs of about 2 MB (a run of 40 rounds of code-interpreter, function-call and
  message steps, text in fragments of at most 6 characters; a Responses stream of 7,000 deltas,
  ``streams.responses_stream``).

Each set is replayed (strict, to ``ReplayResult`` values with their wire snapshots) by:

* ``jobs 1``: ``replay_many(paths)``, in this process, as ``streamkit replay --jobs 1`` does;
* ``jobs 2``: a ``ProcessPoolExecutor(2)`` made, used and shut down inside the timing, as
  ``streamkit replay --jobs 2`` does (so its start is counted), with ``replay_many``'s default
  batching;
* ``dask 2``: ``client.get_executor()`` of a ``distributed.LocalCluster`` of 2 worker processes
  (one thread each), started once before the timing (its start is reported apart).

And, unless ``--no-cli``, the command line itself: ``streamkit replay DIR --jobs N`` as a
subprocess, output to /dev/null, so that interpreter start and imports count too. Then
``jobs 2`` on the small set with each ``--chunksizes`` value, for the default's choice.

Before anything is timed, every way must give the results of ``jobs 1``, in order (exit status
3 otherwise). Timing uses ``time.perf_counter``: one warm-up round, then ``--repeat`` rounds
that time every row once, in turn (so that load from other processes moves every row alike);
the median and the best are reported, with their ratios to ``jobs 1``. The machine's load
average is printed before and after: two workers need two idle cores, so run it on a quiet
machine (it says when the machine is busy; ``--wait-quiet S`` waits up to S seconds for the
1-minute load average to fall below 1). On a shared machine the best of the rounds is the
one least disturbed by the others.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from report import cpu_model, markdown_table, version
from streams import responses_stream

from streamkit import testing
from streamkit._bulk import DEFAULT_CHUNKSIZE, ReplayResult, replay_many

TIMES = "\u00d7"
SMALL_FILES = 200
LARGE_FILES = 20
LARGE_ROUNDS = 40  # rounds of steps in a large Assistants log
LARGE_DELTAS = 7_000  # deltas in a large Responses log
QUICK_SMALL, QUICK_LARGE = 100, 6
DEFAULT_CHUNKSIZES = (1, 4, 16, 64)
MB = 1_000_000


class CheckFailed(Exception):
    """A way of replaying gave other results than ``jobs 1``."""


# --------------------------------------------------------------------------------------------
# The logs
# --------------------------------------------------------------------------------------------


def small_assistants(seed: int) -> bytes:
    """A run with a message (odd seeds: a function call first), text in 1-16 character deltas."""
    message = testing.example_message(message_id=f"msg_{seed:020d}")
    steps = [testing.example_message_creation_step(message, step_id=f"step_m{seed:019d}")]
    if seed % 2:
        steps.insert(
            0,
            testing.example_function_calls_step(
                calls=1, with_outputs=True, step_id=f"step_f{seed:019d}"
            ),
        )
    run = testing.example_run(run_id=f"run_{seed:020d}")
    events = testing.run_events(run, steps, [message], rng=random.Random(seed), max_fragment=16)
    return testing.encode(events)


def small_responses(seed: int) -> bytes:
    """The example Response, streamed in deltas of 1-48 characters."""
    final = testing.example_response()
    final["id"] = f"resp_{seed:048d}"
    events = testing.response_events(final, rng=random.Random(seed), max_fragment=48)
    return testing.encode_sse(events)


def large_assistants(seed: int) -> bytes:
    """A run of LARGE_ROUNDS rounds of code-interpreter, function-call and message steps."""
    steps = []
    messages = []
    for i in range(LARGE_ROUNDS):
        tag = f"{seed:04d}{i:04d}"
        message = testing.example_message(message_id=f"msg_{tag:0>20}")
        steps += [
            testing.example_code_interpreter_step(step_id=f"step_c{tag:0>19}"),
            testing.example_function_calls_step(
                calls=2, with_outputs=True, step_id=f"step_f{tag:0>19}"
            ),
            testing.example_message_creation_step(message, step_id=f"step_m{tag:0>19}"),
        ]
        messages.append(message)
    run = testing.example_run(run_id=f"run_{seed:020d}")
    events = testing.run_events(run, steps, messages, rng=random.Random(seed), max_fragment=6)
    return testing.encode(events)


def large_responses(seed: int) -> bytes:
    """A Responses stream of about LARGE_DELTAS deltas (reasoning, code, call, answer)."""
    return responses_stream(LARGE_DELTAS, seed=seed).data


def write_set(folder: Path, count: int, makers: Sequence[Callable[[int], bytes]]) -> list[str]:
    """``count`` logs in ``folder``, the makers taken in turn, each file with its own seed."""
    folder.mkdir()
    paths = []
    for i in range(count):
        maker = makers[i % len(makers)]
        path = folder / f"{i:04d}-{maker.__name__.replace('_', '-')}.sse"
        path.write_bytes(maker(1_000 + i))
        paths.append(str(path))
    return paths


# --------------------------------------------------------------------------------------------
# The ways of replaying
# --------------------------------------------------------------------------------------------


def run_local(paths: Sequence[str]) -> list[ReplayResult]:
    return list(replay_many(paths))


def run_pool(paths: Sequence[str], chunksize: int | None = None) -> list[ReplayResult]:
    with ProcessPoolExecutor(max_workers=2) as pool:
        return list(replay_many(paths, pool, chunksize=chunksize))


def run_cli(folder: Path, jobs: int) -> None:
    command = [sys.executable, "-m", "streamkit", "replay", "--jobs", str(jobs), str(folder)]
    subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)


def start_cluster() -> tuple[Any, Any, float]:
    """A LocalCluster of 2 worker processes and its client; how long they took to start."""
    import distributed

    started = time.perf_counter()
    cluster = distributed.LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        dashboard_address=":0",
        worker_dashboard_address=None,
    )
    client = distributed.Client(cluster)
    return cluster, client, time.perf_counter() - started


def check(name: str, expected: list[ReplayResult], got: list[ReplayResult]) -> None:
    if got != expected:
        first = next(
            (i for i, (a, b) in enumerate(zip(expected, got, strict=False)) if a != b),
            min(len(expected), len(got)),
        )
        raise CheckFailed(f"{name}: result {first} differs from jobs 1's")


# --------------------------------------------------------------------------------------------
# Main
# --------------------------------------------------------------------------------------------


def load() -> str:
    if not hasattr(os, "getloadavg"):
        return "unknown"
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    p.add_argument("--repeat", type=int, default=5, help="timed rounds after the warm-up")
    p.add_argument(
        "--chunksizes",
        default=",".join(map(str, DEFAULT_CHUNKSIZES)),
        help="chunksize values timed with jobs 2 on the small set ('' for none)",
    )
    p.add_argument("--no-dask", action="store_true", help="leave out the Dask rows")
    p.add_argument("--no-cli", action="store_true", help="leave out the command-line rows")
    p.add_argument("--json", metavar="FILE", help="write every time as JSON")
    p.add_argument(
        "--wait-quiet",
        type=float,
        default=0.0,
        metavar="S",
        help="first wait up to S seconds for the 1-minute load average to fall below 1",
    )
    p.add_argument(
        "--quick",
        action="store_true",
        help=f"{QUICK_SMALL} small and {QUICK_LARGE} large logs, 1 round",
    )
    args = p.parse_args(argv)
    if args.repeat < 1:
        p.error("--repeat must be 1 or more")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    repeat = 1 if args.quick else args.repeat
    chunksizes = [int(x) for x in args.chunksizes.split(",") if x.strip()]
    dask = not args.no_dask
    if dask:
        try:
            import distributed  # noqa: F401
        except ImportError:
            print("(distributed is not installed: no Dask rows)")
            dask = False
    waited = time.monotonic()
    while hasattr(os, "getloadavg") and os.getloadavg()[0] >= 1.0:
        if time.monotonic() - waited > args.wait_quiet:
            break
        time.sleep(5)
    print(f"Python {sys.version.split()[0]} on {platform.platform()}")
    print(f"CPU: {cpu_model()}, {os.cpu_count()} logical CPUs; load average before: {load()}")
    if hasattr(os, "getloadavg") and os.getloadavg()[0] > 0.5 * (os.cpu_count() or 1):
        # Two workers need two idle cores: on a busy machine jobs 2 measures the others' work.
        print("note: other work is running; the parallel rows will be slower than they can be")
    print(
        "Packages: "
        + ", ".join(f"{d} {version(d)}" for d in ("streamkit", "distributed", "fsspec", "orjson"))
    )
    small_count = QUICK_SMALL if args.quick else SMALL_FILES
    large_count = QUICK_LARGE if args.quick else LARGE_FILES
    with tempfile.TemporaryDirectory(prefix="bench-bulk-") as tmp:
        root = Path(tmp)
        made = time.perf_counter()
        sets = {
            "small": write_set(root / "small", small_count, (small_assistants, small_responses)),
            "large": write_set(root / "large", large_count, (large_assistants, large_responses)),
        }
        print(f"Generated the logs in {time.perf_counter() - made:.1f} s:")
        for name, paths in sets.items():
            sizes = [os.path.getsize(p) for p in paths]
            print(
                f"  {name}: {len(paths)} files, {sum(sizes) / MB:.1f} MB"
                f" ({min(sizes) / 1000:.0f}-{max(sizes) / 1000:.0f} kB each)"
            )
        cluster = client = None
        if dask:
            cluster, client, startup = start_cluster()
            print(f"Dask LocalCluster, 2 worker processes: started in {startup:.2f} s")
        try:
            return measure(args, sets, root, repeat, chunksizes, client)
        except CheckFailed as exc:
            print(f"correctness check failed: {exc}", file=sys.stderr)
            return 3
        finally:
            if client is not None:
                client.close()
                cluster.close()


def measure(
    args: argparse.Namespace,
    sets: dict[str, list[str]],
    root: Path,
    repeat: int,
    chunksizes: list[int],
    client: Any,
) -> int:
    rows: dict[tuple[str, str], Callable[[], Any]] = {}
    for name, paths in sets.items():
        expected = run_local(paths)
        if not all(r.ok for r in expected):
            raise CheckFailed(
                f"{name}: a generated log fails: {next(r for r in expected if not r.ok)}"
            )
        check(f"{name}, jobs 2", expected, run_pool(paths))
        rows[name, "jobs 1"] = lambda paths=paths: run_local(paths)
        rows[name, "jobs 2"] = lambda paths=paths: run_pool(paths)
        if client is not None:
            executor = client.get_executor()
            check(f"{name}, dask 2", expected, list(replay_many(paths, executor)))
            rows[name, "dask 2"] = lambda paths=paths, e=executor: list(replay_many(paths, e))
        if not args.no_cli:
            for jobs in (1, 2):
                rows[name, f"CLI --jobs {jobs}"] = lambda n=name, j=jobs: run_cli(root / n, j)
    small = sets["small"]
    for size in chunksizes:
        check(f"chunksize {size}", rows["small", "jobs 1"](), run_pool(small, size))
        rows["small", f"jobs 2, chunksize {size}"] = lambda s=size: run_pool(small, s)

    times: dict[tuple[str, str], list[float]] = {key: [] for key in rows}
    for round_ in range(repeat + 1):  # the first round warms up
        for key, work in rows.items():
            started = time.perf_counter()
            work()
            if round_:
                times[key].append(time.perf_counter() - started)
    print(f"load average after: {load()}\n")

    median = {key: statistics.median(values) for key, values in times.items()}
    best = {key: min(values) for key, values in times.items()}
    for name, paths in sets.items():
        size = sum(os.path.getsize(p) for p in paths)
        table = []
        for key in rows:
            if key[0] != name or "chunksize" in key[1]:
                continue
            base = (name, "CLI --jobs 1" if key[1].startswith("CLI") else "jobs 1")
            table.append(
                (
                    key[1],
                    f"{median[key] * 1000:,.0f}",
                    f"{best[key] * 1000:,.0f}",
                    f"{len(paths) / median[key]:,.0f}",
                    f"{size / MB / median[key]:.1f}",
                    f"{median[base] / median[key]:.2f}{TIMES}",
                    f"{best[base] / best[key]:.2f}{TIMES}",
                )
            )
        print(f"{name}: {len(paths)} logs, {size / MB:.1f} MB ({repeat} rounds)")
        headers = ("way", "median ms", "best ms", "files/s", "MB/s", "vs 1 (median)", "(best)")
        print(markdown_table(headers, table))
        print()
    if chunksizes:
        print(f"small, jobs 2, by chunksize (default: up to {DEFAULT_CHUNKSIZE} files and 1 MiB)")
        sweep = []
        for label, key in [
            *((str(size), ("small", f"jobs 2, chunksize {size}")) for size in chunksizes),
            ("default", ("small", "jobs 2")),
        ]:
            sweep.append(
                (
                    label,
                    f"{median[key] * 1000:,.0f}",
                    f"{best[key] * 1000:,.0f}",
                    f"{median['small', 'jobs 1'] / median[key]:.2f}{TIMES}",
                    f"{best['small', 'jobs 1'] / best[key]:.2f}{TIMES}",
                )
            )
        headers = ("chunksize", "median ms", "best ms", "vs jobs 1 (median)", "(best)")
        print(markdown_table(headers, sweep))
    if args.json:
        Path(args.json).write_text(
            json.dumps({f"{a} / {b}": values for (a, b), values in times.items()}, indent=2)
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
