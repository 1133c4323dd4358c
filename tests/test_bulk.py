"""replay_many on any Executor: none, a thread pool, a process pool, a Dask cluster."""

from __future__ import annotations

import gzip
from collections.abc import Callable
from concurrent.futures import Executor, Future, ProcessPoolExecutor, ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

import streamkit
from streamkit import recordings
from streamkit._bulk import (
    BATCH_BYTES,
    DEFAULT_CHUNKSIZE,
    ReplayResult,
    expand_paths,
    replay_file,
    replay_many,
)

RECORDINGS = Path(recordings.__file__).parent


@pytest.fixture
def files(tmp_path: Path) -> list[str]:
    paths = []
    for name in recordings.NAMES:
        path = tmp_path / f"{name}.sse"
        path.write_bytes(recordings.read_bytes(name))
        paths.append(str(path))
    return paths


def expected(paths: list[str]) -> list[ReplayResult]:
    return [replay_file(p) for p in paths]


def test_results_match_replay(files: list[str]) -> None:
    """Each result holds the wire snapshots replay() gives, and a summary."""
    [result] = replay_many(files[:1])
    acc = streamkit.replay(Path(files[0]))
    assert [streamkit.to_dict(r) for r in acc.runs.values()] == result.snapshots["runs"]  # type: ignore[index]
    assert (result.ok, result.events, result.final_status) == (True, acc.position, "completed")


def test_errors_are_results_not_exceptions(files: list[str], tmp_path: Path) -> None:
    """A server error and a missing file are reported in the result, with what came before."""
    error_file = next(p for p in files if "server-error" in p)
    [bad, missing] = replay_many([error_file, str(tmp_path / "missing.sse")])
    assert bad.error is not None
    assert bad.error.startswith("event 63 (error)")
    assert bad.snapshots is not None
    assert 1 == len(bad.snapshots["messages"])
    assert missing.snapshots is None
    assert "No such file" in (missing.error or "")


@pytest.mark.parametrize("pool", [ThreadPoolExecutor, ProcessPoolExecutor])
def test_any_executor_gives_the_same_results_in_order(files: list[str], pool: type) -> None:
    """A thread pool and a process pool give the same results as no executor, in order."""
    with pool(max_workers=2) as executor:
        assert expected(files) == list(replay_many(files, executor))


def test_lenient_mode_records_anomalies(files: list[str]) -> None:
    """strict=False turns the server error into an anomaly."""
    error_file = next(p for p in files if "server-error" in p)
    [result] = replay_many([error_file], strict=False)
    assert result.ok
    assert ["server_error"] == [a["kind"] for a in result.anomalies]


def test_expand_paths(tmp_path: Path) -> None:
    """Directories become their own .sse and .sse.gz files, sorted; other names stay as given."""
    (tmp_path / "b.sse").write_bytes(b"")
    (tmp_path / "a.sse.gz").write_bytes(gzip.compress(b""))
    (tmp_path / "c.txt").write_bytes(b"")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "d.sse").write_bytes(b"")
    assert [str(tmp_path / "a.sse.gz"), str(tmp_path / "b.sse"), "-", "x.sse"] == expand_paths(
        [str(tmp_path), "-", "x.sse"]
    )
    assert [
        str(tmp_path / "a.sse.gz"),
        str(tmp_path / "b.sse"),
        str(tmp_path / "sub" / "d.sse"),
    ] == expand_paths([str(tmp_path)], recursive=True)


def test_cut_off_gzip_is_a_result_with_the_events_before(tmp_path: Path) -> None:
    """A truncated .gz gives a one-line error naming how many events were read, not EOFError."""
    whole = gzip.compress(recordings.read_bytes("text-run"))
    path = tmp_path / "cut.sse.gz"
    path.write_bytes(whole[: len(whole) // 2])
    result = replay_file(path)
    assert f"the gzip data is cut off after event {result.events}" == result.error
    assert 0 < result.events < 44
    assert result.snapshots is not None
    assert 1 == len(result.snapshots["runs"])


def test_dask_local_cluster_of_two_processes() -> None:
    """A LocalCluster of 2 worker processes over file:// URLs of both protocols' recordings:
    the results of the local run, in order."""
    distributed = pytest.importorskip("distributed")
    paths = sorted(RECORDINGS.glob("*.sse")) + sorted(RECORDINGS.glob("responses/*.sse"))
    urls = [path.as_uri() for path in paths]
    here = list(replay_many(urls, strict=False))
    assert {"assistants", "responses"} == {r.protocol for r in here}
    assert all(r.ok and r.events > 0 for r in here)
    with (
        distributed.LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            dashboard_address=":0",
            worker_dashboard_address=None,
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        # One file a task, and the default batching: both in order.
        ran = list(replay_many(urls, client.get_executor(), strict=False, chunksize=1))
        batched = list(replay_many(urls, client.get_executor(), strict=False))
        workers = client.run(lambda: 1)
    assert 2 == len(workers)
    assert here == ran == batched
    assert urls == [r.path for r in ran]


class SyncExecutor(Executor):
    """Runs each task at submit time and records the sizes of the batches it was given."""

    def __init__(self) -> None:
        self.batches: list[int] = []

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        self.batches.append(len(args[0]))
        future: Future[Any] = Future()
        future.set_result(fn(*args, **kwargs))
        return future


def small_and_large(tmp_path: Path) -> list[str]:
    """40 small files, one of BATCH_BYTES bytes, then 5 small ones."""
    small = recordings.read_bytes("text-run")
    names = []
    for i in range(46):
        path = tmp_path / f"{i:02d}.sse"
        if i == 40:
            filler = b": " + b"x" * BATCH_BYTES + b"\n\n"  # a comment: no event, all bytes
            path.write_bytes(filler + small)
        else:
            path.write_bytes(small)
        names.append(str(path))
    return names


def test_small_files_are_batched_large_ones_alone(tmp_path: Path) -> None:
    """By default small files share a task (DEFAULT_CHUNKSIZE at most), a large file or a
    remote URL has its own; results come back in order."""
    names = small_and_large(tmp_path)
    remote = "memory://nowhere/x.sse"  # no size known here: alone
    executor = SyncExecutor()
    results = list(replay_many([*names, remote], executor))
    assert [*names, remote] == [r.path for r in results]
    assert 16 == DEFAULT_CHUNKSIZE
    assert [16, 16, 8, 1, 5, 1] == executor.batches
    assert list(replay_many(names)) == results[:-1]


def test_chunksize_counts_files(tmp_path: Path) -> None:
    """An explicit chunksize is that many files a task, whatever their size."""
    names = small_and_large(tmp_path)
    executor = SyncExecutor()
    assert names == [r.path for r in replay_many(names, executor, chunksize=10)]
    assert [10, 10, 10, 10, 6] == executor.batches
    with pytest.raises(ValueError, match="chunksize must be 1 or more"):
        next(replay_many(names, executor, chunksize=0))


def test_tasks_in_flight_are_bounded(tmp_path: Path) -> None:
    """replay_many submits at most in_flight tasks ahead of the results it yields."""
    names = small_and_large(tmp_path)[:10]
    executor = SyncExecutor()
    results = replay_many(names, executor, chunksize=1, in_flight=3)
    next(results)
    assert 3 == len(executor.batches)
    rest = list(results)
    assert (9, 10) == (len(rest), len(executor.batches))


def test_process_pool_batches_in_order(tmp_path: Path) -> None:
    """A process pool with the default batching: the results of the local run, in order."""
    names = small_and_large(tmp_path)
    with ProcessPoolExecutor(max_workers=2) as pool:
        assert list(replay_many(names)) == list(replay_many(names, pool))
