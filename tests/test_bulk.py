"""replay_many on any Executor: none, a thread pool, a process pool, Dask if installed."""

from __future__ import annotations

import gzip
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from pathlib import Path

import pytest

import streamkit
from streamkit import recordings
from streamkit._bulk import ReplayResult, expand_paths, replay_file, replay_many


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


def test_dask_cluster(files: list[str]) -> None:
    """With dask[distributed] installed, a local cluster's executor gives the same results."""
    distributed = pytest.importorskip("distributed")
    with distributed.Client(processes=False, dashboard_address=None) as client:
        assert expected(files) == list(replay_many(files, client.get_executor()))
