"""Bulk replay: many recorded streams, on any ``concurrent.futures.Executor``.

``replay_many(paths, executor)`` replays each file with :func:`replay_file`
and yields one :class:`ReplayResult` per path, in the order given. The work
function is a plain top-level function and the result holds only JSON and
numbers, so both travel to and from other processes or machines: a
``ProcessPoolExecutor`` spreads files over cores, and a Dask cluster's
``client.get_executor()`` spreads them over a cluster, with the same code::

    from concurrent.futures import ProcessPoolExecutor
    with ProcessPoolExecutor() as pool:
        for result in streamkit.replay_many(paths, executor=pool):
            print(result.path, result.final_status, result.error)
"""

from __future__ import annotations

import os
import sys
from collections import Counter
from collections.abc import Iterable, Iterator
from concurrent.futures import Executor
from functools import partial
from pathlib import Path
from typing import Any

import attrs

from streamkit import models as m
from streamkit._assistants.accumulator import Accumulator
from streamkit._engine.convert import to_dict
from streamkit._replay import replay
from streamkit.errors import StreamkitError

__all__ = ["ReplayResult", "expand_paths", "replay_file", "replay_many"]


@attrs.frozen
class ReplayResult:
    """What replaying one file gave: its snapshots in wire form and a summary.

    Attributes:
        path: the file, as given.
        snapshots: ``{"runs": [...], "run_steps": [...], "messages": [...]}`` (wire
            JSON), also partial when the file failed part-way; ``None`` when it
            could not be read at all.
        anomalies: the anomalies (lenient mode), as dicts.
        error: the one-line error, or ``None``.
        events: how many events were fed.
        final_status: the final run's status, or ``None``.
        tool_calls: tool calls by type, e.g. ``{"function": 2}``.
    """

    path: str
    snapshots: dict[str, Any] | None
    anomalies: list[dict[str, Any]]
    error: str | None
    events: int
    final_status: str | None
    tool_calls: dict[str, int]

    @property
    def ok(self) -> bool:
        """Whether the file replayed without an error."""
        return self.error is None


def _result(path: str, accumulator: Accumulator | None, error: str | None) -> ReplayResult:
    if accumulator is None:
        return ReplayResult(path, None, [], error, 0, None, {})
    steps = list(accumulator.run_steps.values())
    kinds: Counter[str] = Counter()
    for step in steps:
        if isinstance(step.step_details, m.ToolCallsStepDetails):
            kinds.update(str(call.type) for call in step.step_details.tool_calls)
    final = accumulator.final_run
    return ReplayResult(
        path=path,
        snapshots={
            "runs": [to_dict(run) for run in accumulator.runs.values()],
            "run_steps": [to_dict(step) for step in steps],
            "messages": [to_dict(message) for message in accumulator.messages.values()],
        },
        anomalies=[attrs.asdict(anomaly) for anomaly in accumulator.anomalies],
        error=error,
        events=accumulator.position,
        final_status=final.status if final is not None else None,
        tool_calls=dict(kinds),
    )


def replay_file(path: str | os.PathLike[str], *, strict: bool = True) -> ReplayResult:
    """Replay one recorded stream file (plain or gzip) into a :class:`ReplayResult`.

    Never raises for bad input: the error is in ``result.error`` (one line,
    naming the event position), with what was received before it.
    """
    name = os.fspath(path)
    try:
        # "-" is standard input (only where this runs: a pool's workers have none).
        accumulator = replay(sys.stdin.buffer if name == "-" else path, strict=strict)
    except StreamkitError as exc:
        return _result(name, exc.accumulator, str(exc))
    except OSError as exc:
        return _result(name, None, exc.strerror or str(exc))
    if accumulator.position == 0:
        # Bytes with no event in them: a wrong file, not an empty run.
        return _result(name, accumulator, "no Server-Sent Events in it")
    return _result(name, accumulator, None)


def replay_many(
    paths: Iterable[str | os.PathLike[str]],
    executor: Executor | None = None,
    *,
    strict: bool = True,
) -> Iterator[ReplayResult]:
    """Replay many files; yield their results in the order of ``paths``.

    Args:
        paths: the files.
        executor: any ``concurrent.futures.Executor`` (a process pool, a Dask
            ``Client.get_executor()`` ...); ``None`` replays here, one by one.
        strict: passed to each accumulator.
    """
    work = partial(replay_file, strict=strict)
    if executor is None:
        yield from map(work, paths)
    else:
        yield from executor.map(work, paths)


def expand_paths(names: Iterable[str]) -> list[str]:
    """Files as given, directories as the ``.sse`` / ``.sse.gz`` files below them, sorted."""
    found: list[str] = []
    for name in names:
        path = Path(name)
        if name != "-" and path.is_dir():
            found += sorted(
                str(p)
                for p in path.rglob("*")
                if p.is_file() and p.name.endswith((".sse", ".sse.gz"))
            )
        else:
            found.append(name)
    return found
