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

import errno
import os
import sys
import zlib
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
from streamkit._protocols import Protocol
from streamkit._replay import replay
from streamkit._sources import BinaryReadable, LocalSource, iter_local_bytes
from streamkit.errors import DecodeError, StreamkitError

__all__ = [
    "NO_EVENTS",
    "CompressedDataError",
    "ReplayResult",
    "expand_paths",
    "read_local",
    "replay_file",
    "replay_many",
    "stdin_bytes",
]

#: The error of a source that holds bytes but no event: a wrong file, an HTTP error body.
NO_EVENTS = "no Server-Sent Events in it"


class CompressedDataError(DecodeError):
    """A gzip file that is cut off or damaged, after the events before the break were read.

    Its message names how many events were read when the accumulator that read
    them is attached (``error.accumulator``, as the stream loops do).

    Attributes:
        problem: ``"cut off"`` or ``"damaged"``.
    """

    def __init__(self, problem: str) -> None:
        super().__init__(problem)
        self.problem = problem

    def __str__(self) -> str:
        # Built when shown: the position is only known once the loop has attached the accumulator.
        read = self.accumulator
        where = f" after event {read.position}" if read is not None else ""
        return f"the gzip data is {self.problem}{where}"


def read_local(source: LocalSource) -> Iterator[bytes]:
    """The bytes of a local source, as :func:`streamkit.replay` reads them, lazily.

    A gzip file that ends early or is damaged raises :class:`CompressedDataError`
    (a :class:`~streamkit.StreamkitError`) instead of the standard library's
    ``EOFError`` or ``zlib.error``; missing or unreadable files raise ``OSError``.
    """
    try:
        yield from iter_local_bytes(source)
    except EOFError:
        raise CompressedDataError("cut off") from None
    except zlib.error:
        raise CompressedDataError("damaged") from None


def stdin_bytes() -> BinaryReadable:
    """Standard input as bytes.

    Raises:
        OSError: standard input is closed (``sys.stdin`` is None when fd 0 was closed).
    """
    buffer: BinaryReadable | None = getattr(sys.stdin, "buffer", None)
    if buffer is None:
        raise OSError(errno.EBADF, "standard input is closed")
    return buffer


@attrs.frozen
class ReplayResult:
    """What replaying one file gave: its snapshots in wire form and a summary.

    Attributes:
        path: the file, as given.
        snapshots: ``{"runs": [...], "run_steps": [...], "messages": [...]}`` for an
            Assistants stream, ``{"responses": [...]}`` for a Responses stream (wire
            JSON), also partial when the file failed part-way; ``None`` when it
            could not be read at all.
        anomalies: the anomalies (lenient mode), as dicts.
        error: the one-line error, or ``None``.
        events: how many events were fed.
        final_status: the final run's (or response's) status, or ``None``.
        tool_calls: tool calls by type, e.g. ``{"function": 2}`` (``{"function_call": 2}``
            for a Responses stream: its tool-call output items).
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


def _result(path: str, accumulator: Any, error: str | None) -> ReplayResult:
    if accumulator is None:
        return ReplayResult(path, None, [], error, 0, None, {})
    if not isinstance(accumulator, Accumulator):
        return _responses_result(path, accumulator, error)
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


def _responses_result(path: str, accumulator: Any, error: str | None) -> ReplayResult:
    """The result of a Responses stream: ``{"responses": [...]}``; tool calls are output items."""
    responses = list(accumulator.responses.values())
    kinds: Counter[str] = Counter()
    for response in responses:
        for item in response.output or ():
            kind = getattr(item, "type", None)
            if isinstance(kind, str) and kind.endswith("_call"):
                kinds[kind] += 1
    final = accumulator.final_response
    return ReplayResult(
        path=path,
        snapshots={"responses": [to_dict(response) for response in responses]},
        anomalies=[attrs.asdict(anomaly) for anomaly in accumulator.anomalies],
        error=error,
        events=accumulator.position,
        final_status=final.status if final is not None else None,
        tool_calls=dict(kinds),
    )


def replay_file(
    path: str | os.PathLike[str], *, strict: bool = True, protocol: Protocol | None = None
) -> ReplayResult:
    """Replay one recorded stream file (plain or gzip) into a :class:`ReplayResult`.

    Never raises for bad input: the error is in ``result.error`` (one line,
    naming the event position), with what was received before it.
    ``protocol`` is passed to :func:`streamkit.replay` (None: told from the
    first event).
    """
    name = os.fspath(path)
    try:
        # "-" is standard input (only where this runs: a pool's workers have none).
        source = read_local(stdin_bytes() if name == "-" else path)
        accumulator = replay(source, strict=strict, protocol=protocol)
    except StreamkitError as exc:
        return _result(name, exc.accumulator, str(exc))
    except OSError as exc:
        return _result(name, None, exc.strerror or str(exc))
    if accumulator.position == 0:
        # Bytes with no event in them: a wrong file, not an empty run.
        return _result(name, accumulator, NO_EVENTS)
    return _result(name, accumulator, None)


def replay_many(
    paths: Iterable[str | os.PathLike[str]],
    executor: Executor | None = None,
    *,
    strict: bool = True,
    protocol: Protocol | None = None,
) -> Iterator[ReplayResult]:
    """Replay many files; yield their results in the order of ``paths``.

    Args:
        paths: the files.
        executor: any ``concurrent.futures.Executor`` (a process pool, a Dask
            ``Client.get_executor()`` ...); ``None`` replays here, one by one.
        strict: passed to each accumulator.
        protocol: ``"assistants"`` or ``"responses"`` for every file; by
            default each file's is told from its first event.
    """
    work = partial(replay_file, strict=strict, protocol=protocol)
    if executor is None:
        yield from map(work, paths)
    else:
        yield from executor.map(work, paths)


def expand_paths(names: Iterable[str], *, recursive: bool = False) -> list[str]:
    """Files as given, directories as their ``.sse`` / ``.sse.gz`` files, sorted.

    A directory gives its own files; with ``recursive``, also those of its
    subdirectories, at any depth.
    """
    found: list[str] = []
    for name in names:
        path = Path(name)
        if name != "-" and path.is_dir():
            found += sorted(
                str(p)
                for p in (path.rglob("*") if recursive else path.iterdir())
                if p.is_file() and p.name.endswith((".sse", ".sse.gz"))
            )
        else:
            found.append(name)
    return found
