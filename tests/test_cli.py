"""The command line, run as a user runs it: in a subprocess."""

from __future__ import annotations

import gzip
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

import streamkit
from streamkit import recordings, to_dict


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "streamkit", *args], capture_output=True, text=True, check=False
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
    def test_directory_jobs_and_table(self, tmp_path: Path) -> None:
        """A directory expands to its .sse/.sse.gz files; --jobs 2 gives the same table."""
        for name in ("text-run", "parallel-function-calls"):
            (tmp_path / f"{name}.sse").write_bytes(recordings.read_bytes(name))
        (tmp_path / "sub").mkdir()
        (tmp_path / "sub" / "fs.sse.gz").write_bytes(
            gzip.compress(recordings.read_bytes("file-search-with-citation"))
        )
        (tmp_path / "notes.txt").write_text("not a stream")
        serial = run("replay", str(tmp_path))
        parallel = run("replay", "--jobs", "2", str(tmp_path))
        assert 0 == serial.returncode == parallel.returncode
        assert serial.stdout == parallel.stdout
        assert "3 file(s), 83 events, 0 failed" in serial.stdout
        assert re.search(
            r"parallel-function-calls\.sse\s+15\s+requires_action\s+1\s+function 2", serial.stdout
        )
        assert "notes.txt" not in serial.stdout

    def test_json_lines_in_parallel(self, tmp_path: Path) -> None:
        """--json --jobs gives one JSON object per file, in the order given."""
        paths = [str(RECORDINGS_DIR / f"{name}.sse") for name in recordings.NAMES[:4]]
        result = run("replay", "--json", "--jobs", "2", *paths)
        lines = [json.loads(line) for line in result.stdout.splitlines()]
        expected = [streamkit.replay(Path(p)) for p in paths]
        assert [[to_dict(r) for r in acc.runs.values()] for acc in expected] == [
            line["runs"] for line in lines
        ]
