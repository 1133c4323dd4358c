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

Paths may be URLs (``s3://bucket/logs/run.sse``, ``file://``, ``https://`` ...), read
through fsspec where the file is replayed. Small files go to the executor in batches, so
that a task's cost is not all overhead. :func:`result_rows` turns results into table rows
(one per run step or output item) and :func:`open_table` writes them as JSON Lines or Parquet.
"""

from __future__ import annotations

import errno
import importlib
import json
import os
import sys
import zlib
from collections import Counter, deque
from collections.abc import Iterable, Iterator, Mapping, Sequence
from concurrent.futures import Executor, Future
from functools import partial
from pathlib import Path
from typing import Any, Final
from typing import Protocol as TypingProtocol

import attrs
from typing_extensions import Self

from streamkit import models as m
from streamkit._assistants.accumulator import Accumulator
from streamkit._engine.convert import to_dict
from streamkit._protocols import Protocol
from streamkit._replay import replay
from streamkit._sources import (
    STREAM_SUFFIXES,
    BinaryReadable,
    LocalSource,
    is_url,
    iter_local_bytes,
)
from streamkit.errors import DecodeError, StreamkitError

__all__ = [
    "BATCH_BYTES",
    "COLUMNS",
    "DEFAULT_CHUNKSIZE",
    "IN_FLIGHT",
    "NEEDS_PYARROW",
    "NO_EVENTS",
    "TABLE_SUFFIXES",
    "CompressedDataError",
    "ReplayResult",
    "TableWriter",
    "expand_paths",
    "open_table",
    "read_local",
    "replay_file",
    "replay_many",
    "result_rows",
    "stdin_bytes",
    "usage_tokens",
]

#: At most this many files in one task of ``replay_many(..., chunksize=None)``. Measured with
#: benchmarks/bench_bulk.py on 200 small logs (about 14 kB each) and 2 worker processes: the
#: time falls until about 16 files a task, then stays flat.
DEFAULT_CHUNKSIZE: Final = 16
#: A task of ``chunksize=None`` closes once its files add up to this many bytes; a larger
#: file, or one whose size is not known here (a URL other than ``file://``), is a task of
#: its own, so that a few large files still spread over the workers.
BATCH_BYTES: Final = 1 << 20
#: How many tasks ``replay_many`` keeps submitted ahead of the one whose results it is
#: yielding: enough to keep a cluster busy, few enough that memory stays bounded.
IN_FLIGHT: Final = 64

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

    @property
    def protocol(self) -> Protocol | None:
        """The stream's protocol, as its snapshots tell it (None when it could not be read)."""
        if self.snapshots is None:
            return None
        return "responses" if "responses" in self.snapshots else "assistants"


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


def _replay_batch(
    names: Sequence[str], *, strict: bool, protocol: Protocol | None
) -> list[ReplayResult]:
    """The work of one task: several files, replayed one after the other."""
    return [replay_file(name, strict=strict, protocol=protocol) for name in names]


def _known_size(name: str) -> int | None:
    """The size of a file on this machine (a path or a ``file://`` URL), else None."""
    if is_url(name):
        if name[:7].lower() != "file://":
            return None  # asking a remote store would cost a request per file
        from streamkit._urls import local_path

        path = local_path(name)
        if path is None:
            return None
        name = path
    try:
        return os.stat(name).st_size
    except (OSError, ValueError):
        return None  # replay_file tells what is wrong with it


def _batches(names: Iterable[str], chunksize: int | None) -> Iterator[list[str]]:
    """``names`` cut into consecutive tasks (so results come back in order).

    With a ``chunksize``, that many files a task; with None, up to :data:`DEFAULT_CHUNKSIZE`
    files and :data:`BATCH_BYTES` bytes, a large or unsized file alone.
    """
    batch: list[str] = []
    size = 0
    limit = chunksize or DEFAULT_CHUNKSIZE
    for name in names:
        if chunksize is None:
            known = _known_size(name)
            if known is None or known >= BATCH_BYTES:
                if batch:
                    yield batch
                    batch, size = [], 0
                yield [name]
                continue
            if batch and size + known > BATCH_BYTES:
                yield batch
                batch, size = [], 0
            size += known
        batch.append(name)
        if len(batch) >= limit:
            yield batch
            batch, size = [], 0
    if batch:
        yield batch


def replay_many(
    paths: Iterable[str | os.PathLike[str]],
    executor: Executor | None = None,
    *,
    strict: bool = True,
    protocol: Protocol | None = None,
    chunksize: int | None = None,
    in_flight: int = IN_FLIGHT,
) -> Iterator[ReplayResult]:
    """Replay many files; yield their results in the order of ``paths``.

    Args:
        paths: the files: paths, or URLs that fsspec reads (``s3://``, ``file://`` ...),
            opened where they are replayed (so a cluster's workers need the credentials).
        executor: any ``concurrent.futures.Executor`` (a process pool, a Dask
            ``Client.get_executor()`` ...); ``None`` replays here, one by one.
        strict: passed to each accumulator.
        protocol: ``"assistants"`` or ``"responses"`` for every file; by
            default each file's is told from its first event.
        chunksize: files per task given to ``executor``. By default (None) small files
            share a task (up to :data:`DEFAULT_CHUNKSIZE` files, :data:`BATCH_BYTES`
            bytes), and a large one, or a remote one whose size is unknown, has its own.
        in_flight: how many tasks are kept submitted ahead of the results being yielded
            (memory stays bounded however many paths there are).

    Raises:
        ValueError: ``chunksize`` or ``in_flight`` below 1.
    """
    if chunksize is not None and chunksize < 1:
        msg = f"chunksize must be 1 or more, not {chunksize}"
        raise ValueError(msg)
    if in_flight < 1:
        msg = f"in_flight must be 1 or more, not {in_flight}"
        raise ValueError(msg)
    names = (os.fspath(path) for path in paths)
    if executor is None:
        for name in names:
            yield replay_file(name, strict=strict, protocol=protocol)
        return
    work = partial(_replay_batch, strict=strict, protocol=protocol)
    pending: deque[Future[list[ReplayResult]]] = deque()
    try:
        for batch in _batches(names, chunksize):
            pending.append(executor.submit(work, batch))
            if len(pending) >= in_flight:
                yield from pending.popleft().result()
        while pending:
            yield from pending.popleft().result()
    finally:
        # Stopped early (an error, or the caller stopped reading): drop what has not run.
        for future in pending:
            future.cancel()


def expand_paths(names: Iterable[str], *, recursive: bool = False) -> list[str]:
    """Files as given, directories as their ``.sse`` / ``.sse.gz`` files, sorted.

    A directory gives its own files; with ``recursive``, also those of its
    subdirectories, at any depth. A URL is expanded by fsspec the same way: a
    directory (``s3://bucket/logs/``) or a pattern (``s3://bucket/2025-*/*.sse``)
    gives its files, as URLs.

    Raises:
        OSError: a URL could not be listed (one line, without the URL's secrets).
    """
    found: list[str] = []
    for name in names:
        if is_url(name):
            from streamkit._urls import expand_url  # fsspec only when a URL is met

            found += expand_url(name, recursive=recursive)
            continue
        path = Path(name)
        if name != "-" and path.is_dir():
            found += sorted(
                str(p)
                for p in (path.rglob("*") if recursive else path.iterdir())
                if p.is_file() and p.name.endswith(STREAM_SUFFIXES)
            )
        else:
            found.append(name)
    return found


# --- Results as table rows --------------------------------------------------------------------

#: The columns of :func:`result_rows`, in order, with their types (``str`` or ``int``; every
#: column may be null). "parent" is the run (Assistants) or the response (Responses) a row
#: belongs to; times are Unix seconds.
COLUMNS: Final[Mapping[str, type]] = {
    "file": str,
    "protocol": str,
    "parent_id": str,
    "parent_status": str,
    "parent_created_at": int,
    "parent_completed_at": int,
    "parent_input_tokens": int,
    "parent_output_tokens": int,
    "parent_total_tokens": int,
    "index": int,
    "id": str,
    "type": str,
    "status": str,
    "tool_kind": str,
    "tool_name": str,
    "tool_calls": int,
    "created_at": int,
    "completed_at": int,
    "input_tokens": int,
    "output_tokens": int,
    "total_tokens": int,
}


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _number(value: Any) -> int | None:
    # bool is an int to Python, never a count or a time here.
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def usage_tokens(usage: Any) -> tuple[int | None, int | None, int | None]:
    """(input, output, total) tokens of a run's, step's or response's ``usage`` (wire JSON).

    The Assistants API says ``prompt_tokens`` / ``completion_tokens``, the Responses API
    ``input_tokens`` / ``output_tokens``; None where a number is missing.
    """
    if not isinstance(usage, Mapping):
        return None, None, None
    given = usage.get("input_tokens", usage.get("prompt_tokens"))
    made = usage.get("output_tokens", usage.get("completion_tokens"))
    return _number(given), _number(made), _number(usage.get("total_tokens"))


def _parent(
    file: str, protocol: str, parent_id: Any, parent: Mapping[str, Any] | None
) -> dict[str, Any]:
    """The columns a row takes from its run or response (empty but its id when unknown)."""
    parent = parent or {}
    given, made, total = usage_tokens(parent.get("usage"))
    return {
        "file": file,
        "protocol": protocol,
        "parent_id": _text(parent_id),
        "parent_status": _text(parent.get("status")),
        "parent_created_at": _number(parent.get("created_at")),
        "parent_completed_at": _number(parent.get("completed_at")),
        "parent_input_tokens": given,
        "parent_output_tokens": made,
        "parent_total_tokens": total,
    }


def _row(parent: dict[str, Any], **own: Any) -> dict[str, Any]:
    row = dict.fromkeys(COLUMNS)
    row.update(parent)
    row.update(own)
    return row


def _step_row(parent: dict[str, Any], index: int, step: Mapping[str, Any]) -> dict[str, Any]:
    details = step.get("step_details")
    calls: list[Mapping[str, Any]] = []
    if isinstance(details, Mapping) and isinstance(details.get("tool_calls"), list):
        calls = [call for call in details["tool_calls"] if isinstance(call, Mapping)]
    kinds = [str(call.get("type")) for call in calls]
    names = [
        call["function"]["name"]
        for call in calls
        if isinstance(call.get("function"), Mapping)
        and isinstance(call["function"].get("name"), str)
    ]
    given, made, total = usage_tokens(step.get("usage"))
    return _row(
        parent,
        index=index,
        id=_text(step.get("id")),
        type=_text(step.get("type")),
        status=_text(step.get("status")),
        tool_kind=",".join(kinds) or None,
        tool_name=",".join(names) or None,
        tool_calls=len(calls),
        created_at=_number(step.get("created_at")),
        completed_at=_number(step.get("completed_at")),
        input_tokens=given,
        output_tokens=made,
        total_tokens=total,
    )


def _item_row(parent: dict[str, Any], index: int, item: Mapping[str, Any]) -> dict[str, Any]:
    kind = _text(item.get("type"))
    # A tool call is an item whose type ends in "_call": its kind is the rest, as the
    # Assistants API names the same tools ("function", "code_interpreter", "file_search").
    call = kind is not None and kind.endswith("_call")
    name = _text(item.get("name")) if call else None
    server = _text(item.get("server_label"))
    if name is not None and kind == "mcp_call" and server is not None:
        name = f"{server}.{name}"
    return _row(
        parent,
        index=index,
        id=_text(item.get("id")),
        type=kind,
        status=_text(item.get("status")),
        tool_kind=kind.removesuffix("_call") if call and kind else None,
        tool_name=name,
        tool_calls=1 if call else 0,
    )


def result_rows(result: ReplayResult, *, file: str | None = None) -> Iterator[dict[str, Any]]:
    """One row per run step (Assistants) or output item (Responses) of a result.

    Each row has the :data:`COLUMNS`: the file (``file``, else ``result.path``), its
    protocol, the step's or item's run or response (``parent_*``: id, status, times,
    tokens), the step's or item's own index in it, id, type and status, its tool calls
    (``tool_kind``: their types, comma-separated; ``tool_name``: the functions' names), and,
    where the object has them (run steps), its times and tokens. A run or response without
    steps or items still gives one row, with only the ``parent_*`` columns. A result
    without snapshots (an unreadable file) gives none.
    """
    snapshots = result.snapshots
    protocol = result.protocol
    if snapshots is None or protocol is None:
        return
    name = result.path if file is None else file
    if protocol == "responses":
        for response in snapshots["responses"]:
            parent = _parent(name, protocol, response.get("id"), response)
            items = [item for item in response.get("output") or () if isinstance(item, Mapping)]
            for index, item in enumerate(items):
                yield _item_row(parent, index, item)
            if not items:
                yield _row(parent)
        return
    runs = {run.get("id"): run for run in snapshots["runs"]}
    steps: dict[Any, list[Mapping[str, Any]]] = {}
    for step in snapshots["run_steps"]:
        steps.setdefault(step.get("run_id"), []).append(step)
    # Runs in order, then the steps of runs the stream never showed.
    for run_id in [*runs, *(key for key in steps if key not in runs)]:
        parent = _parent(name, protocol, run_id, runs.get(run_id))
        for index, step in enumerate(steps.get(run_id, ())):
            yield _step_row(parent, index, step)
        if run_id not in steps:
            yield _row(parent)


class TableWriter(TypingProtocol):
    """Where :func:`open_table` writes rows; ``with`` closes it."""

    def write(self, rows: Iterable[Mapping[str, Any]]) -> None:
        """Add rows (dicts with the :data:`COLUMNS`)."""
        ...

    def close(self) -> None:
        """Write what is buffered and close the file."""
        ...

    def __enter__(self) -> Self: ...

    def __exit__(self, *exc_info: object) -> None: ...


class _Closing:
    """``with`` for a writer: closed on the way out, however the block ends."""

    def close(self) -> None:
        raise NotImplementedError

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


class _JSONLines(_Closing):
    """Rows as JSON Lines, one object a line, written as they come."""

    def __init__(self, path: str) -> None:
        self._file = open(path, "w", encoding="utf-8")  # noqa: SIM115 -- closed by close()

    def write(self, rows: Iterable[Mapping[str, Any]]) -> None:
        self._file.writelines(json.dumps(row, ensure_ascii=False) + "\n" for row in rows)

    def close(self) -> None:
        self._file.close()


class _Parquet(_Closing):
    """Rows as a Parquet file, in row groups of :attr:`GROUP` rows (bounded memory)."""

    GROUP = 65_536

    def __init__(self, path: str, pyarrow: Any, parquet: Any) -> None:
        self._pa = pyarrow
        kinds = {str: pyarrow.string(), int: pyarrow.int64()}
        self._schema = pyarrow.schema([(name, kinds[kind]) for name, kind in COLUMNS.items()])
        self._writer = parquet.ParquetWriter(path, self._schema)
        self._rows: list[Mapping[str, Any]] = []

    def write(self, rows: Iterable[Mapping[str, Any]]) -> None:
        self._rows += rows
        if len(self._rows) >= self.GROUP:
            self._flush()

    def _flush(self) -> None:
        if self._rows:
            table = self._pa.Table.from_pylist(self._rows, schema=self._schema)
            self._writer.write_table(table)
            self._rows = []

    def close(self) -> None:
        try:
            self._flush()
        finally:
            self._writer.close()


#: The formats :func:`open_table` writes, by file suffix.
TABLE_SUFFIXES: Final = (".jsonl", ".parquet")
NEEDS_PYARROW: Final = "writing .parquet needs pyarrow: pip install 'streamkit[parquet]'"


def open_table(path: str | os.PathLike[str]) -> TableWriter:
    """A writer of rows (see :func:`result_rows`) to ``path``: ``.jsonl`` or ``.parquet``.

    Raises:
        ValueError: another suffix.
        ImportError: ``.parquet`` without pyarrow (the ``parquet`` extra).
        OSError: the file cannot be created.
    """
    name = os.fspath(path)
    if name.endswith(".jsonl"):
        return _JSONLines(name)
    if name.endswith(".parquet"):
        try:
            # By name: pyarrow ships no type information, and is optional.
            pyarrow = importlib.import_module("pyarrow")
            parquet = importlib.import_module("pyarrow.parquet")
        except ImportError:
            raise ImportError(NEEDS_PYARROW) from None
        try:
            return _Parquet(name, pyarrow, parquet)
        except OSError as exc:
            # pyarrow's message quotes the path; the caller names it.
            raise OSError(exc.errno or errno.EIO, "cannot create it") from None
    msg = f"the output must end in {' or '.join(TABLE_SUFFIXES)}"
    raise ValueError(msg)
