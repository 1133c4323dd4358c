"""Bulk output: result_rows, `replay --out FILE.jsonl|.parquet`, both protocols in the table."""

from __future__ import annotations

import gzip
import json
import re
import sys
from pathlib import Path
from typing import Any

import pytest

from streamkit import recordings
from streamkit._bulk import COLUMNS, open_table, replay_file, result_rows
from streamkit.cli import main

RECORDINGS = Path(recordings.__file__).parent
RESPONSE_ID = "resp_sk7Example0000000000000000000000000000000000"
FUNCTION_RESPONSE = "resp_0050471a34b36ae60068c97b94a480819587a9d70cf2979b33"


def rows_of(name: str) -> list[dict[str, Any]]:
    return list(result_rows(replay_file(RECORDINGS / name, strict=False), file=name))


def test_rows_of_a_responses_stream() -> None:
    """One row per output item: its response's status, times and tokens, its own index, id,
    type, status, and for a tool call its kind and name."""
    rows = rows_of("demo-responses.sse")
    assert all(list(COLUMNS) == list(row) for row in rows)
    parent = {
        "file": "demo-responses.sse",
        "protocol": "responses",
        "parent_id": RESPONSE_ID,
        "parent_status": "completed",
        "parent_created_at": 1735732800,
        "parent_completed_at": 1735732809,
        "parent_input_tokens": 2184,
        "parent_output_tokens": 412,
        "parent_total_tokens": 2596,
    }
    assert all(parent == {key: row[key] for key in parent} for row in rows)
    own = [
        (r["index"], r["type"], r["status"], r["tool_kind"], r["tool_name"], r["tool_calls"])
        for r in rows
    ]
    assert [
        (0, "reasoning", None, None, None, 0),
        (1, "web_search_call", "completed", "web_search", None, 1),
        (2, "code_interpreter_call", "completed", "code_interpreter", None, 1),
        (3, "function_call", "completed", "function", "get_weather", 1),
        (4, "message", "completed", None, None, 0),
    ] == own
    assert "fc_sk7Example000000000000000000000000000000000000" == rows[3]["id"]
    # Output items carry no times or usage of their own.
    assert {None} == {r[k] for r in rows for k in ("created_at", "completed_at", "total_tokens")}


def test_rows_of_an_assistants_run() -> None:
    """One row per run step: the run's columns, the step's times, tokens and tool calls."""
    rows = rows_of("demo-code-interpreter.sse")
    assert [
        {
            "file": "demo-code-interpreter.sse",
            "protocol": "assistants",
            "parent_id": "run_sk7Example000000000000",
            "parent_status": "completed",
            "parent_created_at": 1735732800,
            "parent_completed_at": 1735732810,
            "parent_input_tokens": 2552,
            "parent_output_tokens": 302,
            "parent_total_tokens": 2854,
            "index": 1,
            "id": "step_sk7FunctionCalls0000",
            "type": "tool_calls",
            "status": "completed",
            "tool_kind": "function",
            "tool_name": "get_weather",
            "tool_calls": 1,
            "created_at": 1735732805,
            "completed_at": 1735732808,
            "input_tokens": 268,
            "output_tokens": 87,
            "total_tokens": 355,
        }
    ] == rows[1:2]
    assert [("tool_calls", "code_interpreter"), ("tool_calls", "function")] == [
        (r["type"], r["tool_kind"]) for r in rows[:2]
    ]
    assert ("message_creation", None, 0) == (
        rows[2]["type"],
        rows[2]["tool_kind"],
        rows[2]["tool_calls"],
    )


def test_parallel_calls_are_joined_and_a_parent_without_children_has_a_row() -> None:
    """A step's several calls are comma-joined; a response without items is one row."""
    [step] = rows_of("parallel-function-calls.sse")
    assert ("function,function", "fetch_current_datetime,fetch_weather", 2) == (
        step["tool_kind"],
        step["tool_name"],
        step["tool_calls"],
    )
    assert ("requires_action", "in_progress", None) == (
        step["parent_status"],
        step["status"],
        step["completed_at"],
    )
    [failed] = rows_of("responses/responses-error-then-failed.sse")
    assert ("failed", None, None, None) == (
        failed["parent_status"],
        failed["index"],
        failed["id"],
        failed["type"],
    )


def test_unreadable_result_has_no_rows(tmp_path: Path) -> None:
    """A file that could not be read gives no row."""
    assert [] == list(result_rows(replay_file(tmp_path / "missing.sse")))


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """Both protocols (one gzip), and the Assistants server-error recording."""
    folder = tmp_path / "logs"
    folder.mkdir()
    (folder / "a-run.sse").write_bytes((RECORDINGS / "demo-code-interpreter.sse").read_bytes())
    (folder / "b-response.sse.gz").write_bytes(
        gzip.compress(
            (RECORDINGS / "responses" / "responses-reasoning-function-call.sse").read_bytes()
        )
    )
    (folder / "c-error.sse").write_bytes(recordings.read_bytes("text-then-server-error"))
    return folder


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_out_jsonl(
    tree: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], jobs: str
) -> None:
    """--out FILE.jsonl: the rows of the files that replayed, in file order (strict: not the
    failed one); the table is still printed."""
    out = tmp_path / "steps.jsonl"
    code = main(["replay", "--jobs", jobs, "--out", str(out), str(tree)])
    printed, err = capsys.readouterr()
    assert 1 == code  # c-error.sse fails in strict mode
    assert 1 == len(err.splitlines())
    rows = read_jsonl(out)
    assert [
        (str(tree / "a-run.sse"), 0, "tool_calls"),
        (str(tree / "a-run.sse"), 1, "tool_calls"),
        (str(tree / "a-run.sse"), 2, "message_creation"),
        (str(tree / "b-response.sse.gz"), 0, "reasoning"),
        (str(tree / "b-response.sse.gz"), 1, "function_call"),
    ] == [(r["file"], r["index"], r["type"]) for r in rows]
    assert (FUNCTION_RESPONSE, 522) == (rows[4]["parent_id"], rows[4]["parent_total_tokens"])
    assert "3 file(s)" in printed


def test_out_lenient_includes_partial_results(
    tree: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """With --lenient the file with the server error is in the table file too."""
    out = tmp_path / "steps.jsonl"
    assert 0 == main(["replay", "--lenient", "--out", str(out), str(tree)])
    capsys.readouterr()
    rows = read_jsonl(out)
    assert [(str(tree / "c-error.sse"), "in_progress")] == [
        (r["file"], r["parent_status"]) for r in rows if r["file"].endswith("c-error.sse")
    ]


def test_out_parquet_equals_jsonl(
    tree: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--out FILE.parquet holds the rows of --out FILE.jsonl, typed (strings, 64-bit ints)."""
    pq = pytest.importorskip("pyarrow.parquet")
    jsonl, parquet = tmp_path / "t.jsonl", tmp_path / "t.parquet"
    assert 0 == main(["replay", "--lenient", "--json", "--out", str(jsonl), str(tree)])
    assert 0 == main(["replay", "--lenient", "--json", "--out", str(parquet), str(tree)])
    capsys.readouterr()
    table = pq.read_table(parquet)
    assert list(COLUMNS) == table.schema.names
    assert "int64" == str(table.schema.field("parent_total_tokens").type)
    assert "string" == str(table.schema.field("tool_name").type)
    assert read_jsonl(jsonl) == table.to_pylist()


def test_parquet_without_pyarrow(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """.parquet without pyarrow: one line naming the extra, exit 1, nothing written or replayed."""
    monkeypatch.setitem(sys.modules, "pyarrow", None)
    out = tmp_path / "t.parquet"
    code = main(["replay", "--out", str(out), str(RECORDINGS / "text-run.sse")])
    printed, err = capsys.readouterr()
    assert (1, "") == (code, printed)
    assert [
        f"streamkit: error: {out}: writing .parquet needs pyarrow: pip install 'streamkit[parquet]'"
    ] == err.splitlines()
    assert not out.exists()


def test_out_needs_a_known_suffix_and_a_writable_place(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Another suffix is a usage error (exit 2); a folder that does not exist, one line."""
    with pytest.raises(SystemExit) as usage:
        main(["replay", "--out", str(tmp_path / "t.csv"), str(RECORDINGS / "text-run.sse")])
    assert 2 == usage.value.code
    assert "--out: must end in .jsonl or .parquet" in capsys.readouterr().err
    missing = tmp_path / "no" / "t.jsonl"
    assert 1 == main(["replay", "--out", str(missing), str(RECORDINGS / "text-run.sse")])
    assert [f"streamkit: error: {missing}: No such file or directory"] == (
        capsys.readouterr().err.splitlines()
    )
    with pytest.raises(ValueError, match="must end in"):
        open_table(tmp_path / "t.csv")


def test_table_shows_each_run_and_response(tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The bulk table: a tokens column, then each run's and response's status, kinds and tokens."""
    assert 0 == main(["replay", "--lenient", str(tree)])
    out = capsys.readouterr().out
    assert re.search(r"a-run\.sse\s+141\s+completed\s+3\s+.*\s1\s+0\s+2,854$", out, re.M)
    assert re.search(
        r"b-response\.sse\.gz\s+14\s+completed\s+2\s+function_call 1\s+0\s+0\s+522$", out, re.M
    )
    assert re.search(
        rf"b-response\.sse\.gz\s+{FUNCTION_RESPONSE}\s+completed\s+reasoning 1, function_call 1"
        r"\s+522 \(53 in, 469 out\)$",
        out,
        re.M,
    )
    assert re.search(
        r"a-run\.sse\s+run_sk7Example000000000000\s+completed\s+tool_calls 2, message_creation 1"
        r"\s+2,854 \(2,552 in, 302 out\)$",
        out,
        re.M,
    )
    assert re.search(r"c-error\.sse\s+run_\w+\s+in_progress\s+message_creation 1\s+-$", out, re.M)
    assert out.endswith("3 file(s), 218 events, 0 failed, 3,376 tokens\n")


@pytest.mark.parametrize("suffix", [".jsonl", ".parquet"])
def test_the_python_api_writes_the_table(tmp_path: Path, suffix: str) -> None:
    """`streamkit.replay_many` + `result_rows` into `open_table`, closed by `with` (also when
    the block raises): the rows `replay --out` writes."""
    import streamkit

    paths = [RECORDINGS / "demo-responses.sse", RECORDINGS / "text-run.sse"]
    out = tmp_path / f"rows{suffix}"
    with streamkit.open_table(out) as table:
        for result in streamkit.replay_many(paths, strict=False):
            table.write(streamkit.result_rows(result, file=Path(result.path).name))
    expected = rows_of("demo-responses.sse") + rows_of("text-run.sse")
    if suffix == ".jsonl":
        written = [json.loads(line) for line in out.read_text().splitlines()]
    else:
        parquet = pytest.importorskip("pyarrow.parquet")
        written = parquet.read_table(out).to_pylist()
    assert expected == written

    broken = tmp_path / f"broken{suffix}"

    def write_then_fail() -> None:
        with streamkit.open_table(broken) as table:
            table.write(rows_of("text-run.sse"))
            raise RuntimeError("midway")

    with pytest.raises(RuntimeError, match="midway"):
        write_then_fail()
    if suffix == ".parquet":  # closed on the way out: a whole file, with what was written
        assert rows_of("text-run.sse") == parquet.read_table(broken).to_pylist()
    else:
        assert len(rows_of("text-run.sse")) == len(broken.read_text().splitlines())
