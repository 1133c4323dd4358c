"""The command line, run as a user runs it: in a subprocess."""

from __future__ import annotations

import gzip
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

import streamkit
from streamkit import recordings, to_dict


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    # The package on the path also from another working directory.
    env = {**os.environ, "PYTHONPATH": str(Path(streamkit.__file__).parent.parent)}
    return subprocess.run(
        [sys.executable, "-m", "streamkit", *args],
        capture_output=True,
        text=True,
        check=False,
        cwd=cwd,
        env=env,
    )


def test_demo_decodes_every_bundled_recording() -> None:
    """`streamkit demo` runs offline, exits 0 and reports each recording's events."""
    result = run("demo")
    assert 0 == result.returncode, result.stderr
    for name in recordings.NAMES:
        assert f"{name}: " in result.stdout
    # text-run holds 33 text deltas; the counts come from the decoder, not a table.
    text_run = result.stdout.split("text-run: ")[1].split("\n\n")[0]
    assert "12,304 bytes, 44 events" in text_run
    assert "thread.message.delta           33" in text_run


@pytest.mark.parametrize("name", ["text-then-server-error", "create-thread-and-run-text"])
def test_demo_notes_a_recording_cut_short(name: str) -> None:
    """A recording whose last event lacks its blank line is kept and said to be so."""
    result = run("demo", name)
    assert 0 == result.returncode
    assert "lacks its closing blank line" in result.stdout


def test_demo_unknown_recording() -> None:
    """An unknown recording name is a usage error (exit 2) listing the choices."""
    result = run("demo", "no-such-recording")
    assert 2 == result.returncode
    assert "text-run" in result.stderr


def test_version() -> None:
    """`streamkit --version` prints the version."""
    result = run("--version")
    assert result.stdout.startswith("streamkit ")


RECORDINGS_DIR = Path(recordings.__file__).parent


def test_demo_says_what_each_recording_ends_with() -> None:
    """The demo reports the accumulated outcome: final run, calls with arguments, texts, errors."""
    result = run("demo")
    assert 'fetch_weather({"location": "New York"})' in result.stdout
    assert "get_current_weather({}) -> warm and sunny" in result.stdout
    assert "file_search, 1 result(s)" in result.stdout
    assert "final run none (no terminal run event)" in result.stdout
    assert "server error: server_error" in result.stdout


class TestReplay:
    def test_json_matches_the_accumulator(self) -> None:
        """`replay --json` prints exactly the wire form of replay()'s snapshots."""
        path = RECORDINGS_DIR / "file-search-with-citation.sse"
        result = run("replay", "--json", str(path))
        assert 0 == result.returncode, result.stderr
        printed = json.loads(result.stdout)
        acc = streamkit.replay(path)
        assert {
            "runs": [to_dict(r) for r in acc.runs.values()],
            "run_steps": [to_dict(s) for s in acc.run_steps.values()],
            "messages": [to_dict(x) for x in acc.messages.values()],
        } == printed

    def test_many_files_give_json_lines(self) -> None:
        """Several files give one JSON object per line, in order."""
        paths = [
            str(RECORDINGS_DIR / f"{name}.sse") for name in ("text-run", "parallel-function-calls")
        ]
        result = run("replay", "--json", *paths)
        lines = result.stdout.splitlines()
        assert 2 == len(lines)
        assert "requires_action" == json.loads(lines[1])["runs"][0]["status"]

    def test_gzip_and_stdin(self, tmp_path: Path) -> None:
        """A .gz file and `-` (stdin) are sources too."""
        data = recordings.read_bytes("text-run")
        gz = tmp_path / "run.sse.gz"
        gz.write_bytes(gzip.compress(data))
        from_gz = run("replay", "--json", str(gz))
        from_stdin = subprocess.run(
            [sys.executable, "-m", "streamkit", "replay", "--json", "-"],
            input=data,
            capture_output=True,
            check=False,
        )
        assert 0 == from_gz.returncode == from_stdin.returncode
        assert json.loads(from_gz.stdout) == json.loads(from_stdin.stdout)

    def test_summary_without_json(self) -> None:
        """Without --json, a human summary: final run, steps, messages."""
        result = run("replay", str(RECORDINGS_DIR / "function-call-continuation.sse"))
        assert "final run: run_" in result.stdout
        assert "tool_calls completed" in result.stdout

    @pytest.mark.parametrize(
        ("content", "message"),
        [
            (
                b'event: thread.run.created\ndata: {"id": "run_1", "status": \n\n',
                "event 1 (thread.run.created): data: not valid JSON",
            ),
            (
                b"event: thread.run.step.delta\n"
                b'data: {"id": "step_x", "object": "thread.run.step.delta", "delta": {}}\n\n',
                "event 1 (thread.run.step.delta): step_x",
            ),
            (b'{"not": "an event stream"}\n', "no Server-Sent Events in it"),
            (
                # Truncated inside the last event: its JSON is cut off.
                recordings.read_bytes("text-run")[:-100],
                "not valid JSON",
            ),
            (
                b'event: thread.run.created\ndata: {"id": 7}\n\n',
                "event 1 (thread.run.created): data.id: expected a string",
            ),
        ],
    )
    def test_bad_input_is_one_line_naming_file_and_event(
        self, tmp_path: Path, content: bytes, message: str
    ) -> None:
        """Bad input: exit 1 and one line naming the file and the event position."""
        path = tmp_path / "bad.sse"
        path.write_bytes(content)
        result = run("replay", str(path))
        assert 1 == result.returncode
        (line,) = result.stderr.splitlines()
        assert line.startswith(f"streamkit: error: {path}: ")
        assert message in line

    def test_missing_file(self, tmp_path: Path) -> None:
        """A missing file is reported on one line with exit 1; the other files still run."""
        missing = tmp_path / "nope.sse"
        result = run("replay", str(missing), str(RECORDINGS_DIR / "text-run.sse"))
        assert 1 == result.returncode
        assert f"{missing}: No such file or directory" in result.stderr
        # Several files: the summary table, with the readable file's row.
        assert re.search(r"text-run\.sse\s+44\s+completed", result.stdout)
        assert "2 file(s), 44 events, 1 failed" in result.stdout

    def test_server_error_strict_and_lenient(self) -> None:
        """A server error fails strict replay; --lenient prints the partial result and anomalies."""
        path = str(RECORDINGS_DIR / "text-then-server-error.sse")
        strict = run("replay", path)
        assert 1 == strict.returncode
        assert "event 63 (error): the server reported server_error" in strict.stderr
        lenient = run("replay", "--json", "--lenient", path)
        assert 0 == lenient.returncode
        printed = json.loads(lenient.stdout)
        assert ["server_error"] == [a["kind"] for a in printed["anomalies"]]
        assert 1 == len(printed["messages"])


class TestBulkReplay:
    @pytest.fixture
    def tree(self, tmp_path: Path) -> Path:
        """Two recordings, a third one in a subdirectory, and a file that is not a stream."""
        for name in ("text-run", "parallel-function-calls"):
            (tmp_path / f"{name}.sse").write_bytes(recordings.read_bytes(name))
        (tmp_path / "sub").mkdir()
        (tmp_path / "sub" / "fs.sse.gz").write_bytes(
            gzip.compress(recordings.read_bytes("file-search-with-citation"))
        )
        (tmp_path / "notes.txt").write_text("not a stream")
        return tmp_path

    def test_directory_jobs_and_table(self, tree: Path) -> None:
        """A directory expands to its own .sse/.sse.gz files; --jobs 2 gives the same table."""
        serial = run("replay", str(tree))
        parallel = run("replay", "--jobs", "2", str(tree))
        assert 0 == serial.returncode == parallel.returncode
        assert serial.stdout == parallel.stdout
        assert "2 file(s), 59 events, 0 failed" in serial.stdout
        assert re.search(
            r"parallel-function-calls\.sse\s+15\s+requires_action\s+1\s+function 2", serial.stdout
        )
        assert "notes.txt" not in serial.stdout
        assert "fs.sse.gz" not in serial.stdout

    def test_recursive(self, tree: Path) -> None:
        """--recursive also reads the subdirectories' files."""
        result = run("replay", "--recursive", "--jobs", "2", str(tree))
        assert 0 == result.returncode, result.stderr
        assert "3 file(s), 83 events, 0 failed" in result.stdout
        assert re.search(r"sub/fs\.sse\.gz\s+24\s+completed", result.stdout)

    def test_empty_directory_is_an_error(self, tmp_path: Path) -> None:
        """A directory without .sse/.sse.gz files is one error line and exit 1."""
        (tmp_path / "notes.txt").write_text("not a stream")
        result = run("replay", str(tmp_path))
        assert 1 == result.returncode
        assert [f"streamkit: error: {tmp_path}: no .sse or .sse.gz files in it"] == (
            result.stderr.splitlines()
        )

    @pytest.mark.parametrize("jobs", ["0", "-2"])
    def test_jobs_below_one_is_a_usage_error(self, jobs: str) -> None:
        """--jobs must be 1 or more: exit 2 with argparse's usage line."""
        result = run("replay", "--jobs", jobs, str(RECORDINGS_DIR / "text-run.sse"))
        assert 2 == result.returncode
        assert f"--jobs: must be 1 or more, not {jobs}" in result.stderr

    def test_json_lines_in_parallel(self, tmp_path: Path) -> None:
        """--json --jobs gives one JSON object per file, in the order given."""
        paths = [str(RECORDINGS_DIR / f"{name}.sse") for name in recordings.NAMES[:4]]
        result = run("replay", "--json", "--jobs", "2", *paths)
        lines = [json.loads(line) for line in result.stdout.splitlines()]
        expected = [streamkit.replay(Path(p)) for p in paths]
        assert [[to_dict(r) for r in acc.runs.values()] for acc in expected] == [
            line["runs"] for line in lines
        ]


class TestSources:
    """What watch and replay accept: bundled names, stdin, and bad input reported alike."""

    def test_bundled_names(self) -> None:
        """A bundled recording's name works in watch and replay, as in demo."""
        replayed = run("replay", "text-run")
        assert 0 == replayed.returncode, replayed.stderr
        assert replayed.stdout.startswith("text-run: 44 events; final run: run_")
        watched = run("watch", "text-run")
        assert 0 == watched.returncode, watched.stderr
        assert "How can I assist you today?" in watched.stdout

    def test_a_real_file_wins_over_a_bundled_name(self, tmp_path: Path) -> None:
        """A file named like a bundled recording is read, not the recording."""
        (tmp_path / "text-run").write_bytes(recordings.read_bytes("parallel-function-calls"))
        replayed = run("replay", "text-run", cwd=tmp_path)
        assert replayed.stdout.startswith("text-run: 15 events"), replayed.stderr
        watched = run("watch", "text-run", cwd=tmp_path)
        assert "How can I assist" not in watched.stdout
        assert "requires_action" in watched.stdout

    @pytest.mark.parametrize("command", ["watch", "replay"])
    def test_closed_stdin(self, command: str) -> None:
        """`-` with standard input closed is one error line and exit 1, not a traceback."""
        result = subprocess.run(
            ["sh", "-c", f'exec "$0" -m streamkit {command} - <&-', sys.executable],
            capture_output=True,
            text=True,
            check=False,
        )
        assert 1 == result.returncode
        assert ["streamkit: error: -: standard input is closed"] == result.stderr.splitlines()


def _truncated_gzip() -> bytes:
    whole = gzip.compress(recordings.read_bytes("text-run"))
    return whole[: len(whole) // 2]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("not-sse.sse", b'{"not": "an event stream"}\n', "no Server-Sent Events in it"),
        (
            "typed.sse",
            b'event: thread.run.created\ndata: {"id": 7}\n\n',
            "event 1 (thread.run.created): data.id: expected a string",
        ),
        (
            "http-error.sse",
            # What `curl` saves when the API answers 401 instead of streaming.
            b'{\n  "error": {\n    "message": "Incorrect API key provided.",\n'
            b'    "type": "invalid_request_error",\n    "code": "invalid_api_key"\n  }\n}\n',
            "no Server-Sent Events in it",
        ),
        (
            "bad-json.sse",
            b'event: thread.run.created\ndata: {"id": "run_1", "status": \n\n',
            "event 1 (thread.run.created): data: not valid JSON",
        ),
        ("cut.sse.gz", _truncated_gzip(), "the gzip data is cut off after event "),
        (
            "server-error.sse",
            recordings.read_bytes("text-then-server-error"),
            "event 63 (error): the server reported server_error",
        ),
    ],
)
def test_watch_reports_bad_input_as_replay_does(
    tmp_path: Path, name: str, content: bytes, message: str
) -> None:
    """watch and replay give the same one error line (file and event position) and exit 1."""
    path = tmp_path / name
    path.write_bytes(content)
    replayed = run("replay", str(path))
    watched = run("watch", str(path))
    assert 1 == replayed.returncode == watched.returncode
    (line,) = replayed.stderr.splitlines()
    assert line.startswith(f"streamkit: error: {path}: ")
    assert message in line
    assert [line] == watched.stderr.splitlines()
    assert "Traceback" not in watched.stdout


def test_truncated_gzip_keeps_what_came_before(tmp_path: Path) -> None:
    """A cut-off .gz is an error also with --lenient, which still prints what was read."""
    path = tmp_path / "cut.sse.gz"
    path.write_bytes(_truncated_gzip())
    result = run("replay", "--json", "--lenient", str(path))
    assert 1 == result.returncode
    (line,) = result.stderr.splitlines()
    events = int(line.rsplit(" ", 1)[1])
    assert 0 < events < 44
    (printed,) = result.stdout.splitlines()
    assert ["run_Uy45lNz2P7BpJcqWzQkXl1Bu"] == [run["id"] for run in json.loads(printed)["runs"]]
